//! typify's string enums written as one `string_enum!` each.
//!
//! For an enum of strings typify writes the enum (ten derives, a serde `rename` per
//! variant) and then `Display`, `FromStr`, `TryFrom<&str>` and `TryFrom<String>`, each
//! spelling every string again: about 1.3 KB for four variants, and GitHub's spec has
//! about a thousand such enums (1.4 MB of its 4.2 MB of types). [`collapse`] writes each
//! as an invocation of [`DEFINITION`], which names each variant and its string once and
//! expands to exactly the code typify wrote, so the types, their impls and what they
//! do are unchanged. An enum is collapsed only when typify's code is exactly what the
//! macro writes; any other enum keeps typify's code.
//!
//! The invocation is formatted by prettyplease as a module holding the enum, with the
//! strings as the variants' discriminants (`Fast = "fast"`), and the module's head is
//! then written as the macro's ([`macro_heads`]); prettyplease would write a macro's
//! tokens as one flowing paragraph.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::{Attribute, Item, ItemEnum, ItemImpl, LitStr};

/// The macro's name, as invocations spell it.
pub const NAME: &str = "string_enum";

/// The module that stands in for an invocation while it is formatted.
const STAND_IN: &str = "__specfirst_string_enum";

/// The macro, formatted as an item of the `types` module (four spaces deep). Each
/// crate holding invocations defines it before them ([`define_where_used`]).
pub const DEFINITION: &str = r#"    /// An enum of strings: the enum, whose variants serde reads and writes as their
    /// strings, with `Display`, `FromStr`, `TryFrom<&str>` and `TryFrom<String>` by the
    /// same strings.
    macro_rules! string_enum {
        ($(#[$attr:meta])* $vis:vis enum $name:ident { $($variant:ident = $text:literal,)* }) => {
            $(#[$attr])*
            #[derive(
                ::serde::Deserialize,
                ::serde::Serialize,
                Clone,
                Copy,
                Debug,
                Eq,
                Hash,
                Ord,
                PartialEq,
                PartialOrd
            )]
            $vis enum $name {
                $(
                    #[serde(rename = $text)]
                    $variant,
                )*
            }

            impl ::std::fmt::Display for $name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        $(Self::$variant => f.write_str($text),)*
                    }
                }
            }

            impl ::std::str::FromStr for $name {
                type Err = self::error::ConversionError;
                fn from_str(
                    value: &str,
                ) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        $($text => Ok(Self::$variant),)*
                        _ => Err("invalid value".into()),
                    }
                }
            }

            impl ::std::convert::TryFrom<&str> for $name {
                type Error = self::error::ConversionError;
                fn try_from(
                    value: &str,
                ) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }

            impl ::std::convert::TryFrom<::std::string::String> for $name {
                type Error = self::error::ConversionError;
                fn try_from(
                    value: ::std::string::String,
                ) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
        };
    }
"#;

/// Fewer invocations than this save less than [`DEFINITION`] costs: each saves about
/// 1 KB, the definition is about 2.4 KB.
const FEWEST_INVOCATIONS: usize = 3;

/// Whether `items`, formatted with [`collapse`] (stand-ins not yet written as
/// invocations), are shorter with the macro than without it: when they hold at least
/// [`FEWEST_INVOCATIONS`] invocations.
pub fn pays(items: &str) -> bool {
    items.matches(STAND_IN).take(FEWEST_INVOCATIONS).count() == FEWEST_INVOCATIONS
}

/// Whether `items`, text of the `types` module's items, invoke the macro.
pub fn used_in(items: &str) -> bool {
    items.contains(&format!("    {NAME}! {{"))
}

/// `items` with [`DEFINITION`] before them when they invoke it (a macro is known only
/// after its definition, and an unused one warns).
pub fn define_where_used(items: String) -> String {
    if !used_in(&items) {
        return items;
    }
    let mut out = String::with_capacity(DEFINITION.len() + 1 + items.len());
    out.push_str(DEFINITION);
    out.push('\n');
    out.push_str(&items);
    out
}

/// Writes every string enum of `items` whose code is what the macro writes as a
/// stand-in for its invocation, and drops its four impls; the enums' names.
pub fn collapse(items: &mut Vec<Item>) -> Vec<String> {
    let mut enums: BTreeMap<String, (usize, Vec<(Ident, LitStr)>)> = BTreeMap::new();
    for (at, item) in items.iter().enumerate() {
        if let Item::Enum(item) = item {
            if let Some(variants) = string_variants(item) {
                enums.insert(item.ident.to_string(), (at, variants));
            }
        }
    }
    if enums.is_empty() {
        return Vec::new();
    }
    // For each enum, the positions of the impls the macro writes, in its order.
    let mut impls: BTreeMap<String, [Option<usize>; 4]> = BTreeMap::new();
    let mut spoiled = BTreeSet::new();
    for (at, item) in items.iter().enumerate() {
        let Item::Impl(item) = item else { continue };
        let Some(name) = self_name(item) else {
            continue;
        };
        let Some((_, variants)) = enums.get(&name) else {
            continue;
        };
        let Some(which) = trait_index(item) else {
            continue;
        };
        let found = &mut impls.entry(name.clone()).or_default()[which];
        if found.is_some() || *item != expected_impl(which, &name, variants) {
            spoiled.insert(name);
        } else {
            *found = Some(at);
        }
    }
    let mut dropped = vec![false; items.len()];
    let mut changed = Vec::new();
    for (name, (at, variants)) in enums {
        let Some(found) = impls.get(&name) else {
            continue;
        };
        if spoiled.contains(&name) || found.iter().any(Option::is_none) {
            continue;
        }
        for &i in found.iter().flatten() {
            dropped[i] = true;
        }
        let Item::Enum(item) = &items[at] else {
            unreachable!("enums were found at their positions")
        };
        items[at] = stand_in(item, &variants);
        changed.push(name);
    }
    if !changed.is_empty() {
        let mut at = 0;
        items.retain(|_| {
            at += 1;
            !dropped[at - 1]
        });
    }
    changed
}

/// The formatted `code` with each stand-in's head written as the macro's.
pub fn macro_heads(code: String) -> String {
    let stand_in = format!("mod {STAND_IN} {{");
    if !code.contains(&stand_in) {
        return code;
    }
    code.replace(&stand_in, &format!("{NAME}! {{"))
}

/// The derives typify writes on an enum of strings, which the macro writes too.
fn string_enum_derive() -> Attribute {
    syn::parse_quote! {
        #[derive(
            ::serde::Deserialize,
            ::serde::Serialize,
            Clone,
            Copy,
            Debug,
            Eq,
            Hash,
            Ord,
            PartialEq,
            PartialOrd
        )]
    }
}

/// The variants of `item` and their strings, when it is an enum as the macro writes one:
/// docs and typify's derives, no generics, and unit variants each with at most a serde
/// `rename` (none means the variant's own name).
fn string_variants(item: &ItemEnum) -> Option<Vec<(Ident, LitStr)>> {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        return None;
    }
    if item.variants.is_empty() {
        return None;
    }
    let derive = string_enum_derive();
    let mut derives = 0;
    for attr in &item.attrs {
        if *attr == derive {
            derives += 1;
        } else if !attr.path().is_ident("doc") {
            return None;
        }
    }
    if derives != 1 {
        return None;
    }
    item.variants
        .iter()
        .map(|variant| {
            if !matches!(variant.fields, syn::Fields::Unit) || variant.discriminant.is_some() {
                return None;
            }
            let text = match variant.attrs.as_slice() {
                [] => LitStr::new(&variant.ident.to_string(), variant.ident.span()),
                [attr] => serde_rename(attr)?,
                _ => return None,
            };
            Some((variant.ident.clone(), text))
        })
        .collect()
}

/// The string of `#[serde(rename = "...")]`.
fn serde_rename(attr: &Attribute) -> Option<LitStr> {
    if !attr.path().is_ident("serde") {
        return None;
    }
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let meta: syn::MetaNameValue = list.parse_args().ok()?;
    if !meta.path.is_ident("rename") {
        return None;
    }
    match meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            attrs,
        }) if attrs.is_empty() => Some(text),
        _ => None,
    }
}

/// The name of the type `item` is for, when it is a plain name.
fn self_name(item: &ItemImpl) -> Option<String> {
    let syn::Type::Path(path) = &*item.self_ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    path.path.get_ident().map(Ident::to_string)
}

/// Which of the macro's impls `item` implements the trait of, by the trait's last
/// segment and its argument: `Display`, `FromStr`, `TryFrom<&str>`, `TryFrom<String>`.
fn trait_index(item: &ItemImpl) -> Option<usize> {
    let (_, path, _) = item.trait_.as_ref()?;
    let last = path.segments.last()?;
    match last.ident.to_string().as_str() {
        "Display" => Some(0),
        "FromStr" => Some(1),
        "TryFrom" => {
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(syn::Type::Reference(_)) => Some(2),
                syn::GenericArgument::Type(_) => Some(3),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The impl of the macro's `which` impl for the enum `name` of `variants`, as typify
/// writes it.
fn expected_impl(which: usize, name: &str, variants: &[(Ident, LitStr)]) -> ItemImpl {
    let name = Ident::new(name, proc_macro2::Span::call_site());
    let idents = variants.iter().map(|(ident, _)| ident);
    let texts = variants.iter().map(|(_, text)| text);
    let tokens: TokenStream = match which {
        0 => quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        #(Self::#idents => f.write_str(#texts),)*
                    }
                }
            }
        },
        1 => quote! {
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        #(#texts => Ok(Self::#idents),)*
                        _ => Err("invalid value".into()),
                    }
                }
            }
        },
        2 => quote! {
            impl ::std::convert::TryFrom<&str> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
        },
        _ => quote! {
            impl ::std::convert::TryFrom<::std::string::String> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
        },
    };
    syn::parse2(tokens).expect("the impls the macro writes parse")
}

/// The stand-in for the invocation for `item`: a module holding the enum with its docs,
/// each variant's string as its discriminant.
fn stand_in(item: &ItemEnum, variants: &[(Ident, LitStr)]) -> Item {
    let docs = item.attrs.iter().filter(|attr| attr.path().is_ident("doc"));
    let vis = &item.vis;
    let name = &item.ident;
    let idents = variants.iter().map(|(ident, _)| ident);
    let texts = variants.iter().map(|(_, text)| text);
    let module = Ident::new(STAND_IN, proc_macro2::Span::call_site());
    syn::parse_quote! {
        mod #module {
            #(#docs)*
            #vis enum #name {
                #(#idents = #texts,)*
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `code` (items) collapsed and formatted, as the types module's items are.
    fn collapsed(code: TokenStream) -> (String, Vec<String>) {
        let mut file: syn::File = syn::parse2(code).unwrap();
        let changed = collapse(&mut file.items);
        (macro_heads(prettyplease::unparse(&file)), changed)
    }

    fn typify_enum(name: &str, rename: bool) -> TokenStream {
        let name = Ident::new(name, proc_macro2::Span::call_site());
        let rename = rename.then(|| quote!(#[serde(rename = "fast")]));
        quote! {
            #[doc = "How to go."]
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
            pub enum #name {
                #rename
                Fast,
                #[serde(rename = "care-ful")]
                Careful,
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self {
                        Self::Fast => f.write_str("fast"),
                        Self::Careful => f.write_str("care-ful"),
                    }
                }
            }
            impl ::std::str::FromStr for #name {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value {
                        "fast" => Ok(Self::Fast),
                        "care-ful" => Ok(Self::Careful),
                        _ => Err("invalid value".into()),
                    }
                }
            }
            impl ::std::convert::TryFrom<&str> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for #name {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl Default for #name {
                fn default() -> Self {
                    #name::Careful
                }
            }
        }
    }

    #[test]
    fn an_enum_of_strings_is_one_invocation() {
        let (text, changed) = collapsed(typify_enum("Mode", true));
        assert_eq!(changed, ["Mode"]);
        assert_eq!(
            text,
            "string_enum! {\n    \
                 ///How to go.\n    \
                 pub enum Mode {\n        \
                     Fast = \"fast\",\n        \
                     Careful = \"care-ful\",\n    \
                 }\n\
             }\n\
             impl Default for Mode {\n    \
                 fn default() -> Self {\n        \
                     Mode::Careful\n    \
                 }\n\
             }\n"
        );
    }

    #[test]
    fn a_variant_without_rename_is_its_own_string() {
        // typify writes no rename when the variant is spelled as its string.
        let mut code = typify_enum("Mode", false);
        code = code
            .to_string()
            .replace("\"fast\"", "\"Fast\"")
            .parse()
            .unwrap();
        let (text, changed) = collapsed(code);
        assert_eq!(changed, ["Mode"]);
        assert!(text.contains("Fast = \"Fast\","), "{text}");
    }

    #[test]
    fn an_enum_whose_code_differs_keeps_typifys_code() {
        // The string `Display` writes is not the one serde reads.
        let code = typify_enum("Mode", true)
            .to_string()
            .replacen("\"fast\"", "\"quick\"", 1)
            .parse()
            .unwrap();
        let (text, changed) = collapsed(code);
        assert!(changed.is_empty());
        assert!(!text.contains("string_enum!"), "{text}");
        assert!(text.contains("impl ::std::fmt::Display for Mode"), "{text}");
    }

    #[test]
    fn an_enum_missing_an_impl_keeps_typifys_code() {
        let mut file: syn::File = syn::parse2(typify_enum("Mode", true)).unwrap();
        file.items
            .retain(|item| !matches!(item, Item::Impl(item) if trait_index(item) == Some(2)));
        let before = file.items.len();
        assert!(collapse(&mut file.items).is_empty());
        assert_eq!(file.items.len(), before);
    }

    #[test]
    fn the_definition_comes_before_the_invocations_only_where_used() {
        assert_eq!(
            define_where_used("    pub struct A;\n".into()),
            "    pub struct A;\n"
        );
        let items =
            "    string_enum! {\n        pub enum A {\n            B = \"b\",\n        }\n    }\n";
        let defined = define_where_used(items.into());
        assert!(defined.starts_with(DEFINITION));
        assert!(defined.ends_with(items));
    }

    #[test]
    fn the_definition_parses_as_a_macro() {
        let file: syn::File = syn::parse_str(DEFINITION).unwrap();
        assert!(
            matches!(&file.items[..], [Item::Macro(mac)] if mac.mac.path.is_ident("macro_rules"))
        );
    }
}
