//! typify's paths to the prelude's types written as the prelude names them.
//!
//! typify spells every standard type by its full path (`::std::option::Option<
//! ::std::string::String>`) in case a schema takes the name; most specs name no type
//! `Option` or `String`, and there `Option<String>` means the same, reads as a person
//! writes it, and is lighter: GitHub's types are about 5% shorter. [`shadowed`] says
//! when a type of the spec takes one of these names; the paths are then left as they
//! are. Only the names every edition's prelude has are shortened (not `TryFrom`, which
//! came with 2021), so the code means the same in a build script's module of an older
//! crate.

use proc_macro2::{Group, Literal, TokenStream, TokenTree};
use syn::visit_mut::VisitMut;

/// The module under `std` and the prelude's name for the types shortened.
const PRELUDE: [(&str, &str); 7] = [
    ("option", "Option"),
    ("string", "String"),
    ("vec", "Vec"),
    ("result", "Result"),
    ("boxed", "Box"),
    ("convert", "From"),
    ("default", "Default"),
];

/// Whether a type named `name` would hide a name of the prelude that [`shorten`] uses.
pub fn shadowed(name: &str) -> bool {
    PRELUDE.iter().any(|(_, type_name)| *type_name == name)
}

/// Writes `::std::option::Option` as `Option` (and the other types of [`PRELUDE`])
/// in `items`, in paths and in the paths serde's attributes hold as strings
/// (`skip_serializing_if = "::std::option::Option::is_none"`).
pub fn shorten(items: &mut [syn::Item]) {
    for item in items {
        Shorten { result: true }.visit_item_mut(item);
    }
}

/// `ty`, the type typify names for a schema use, with [`PRELUDE`]'s types but `Result`
/// written short. It is written outside the `types` module (in a request struct, a
/// response enum, a handler), where no type of the spec is in scope by its bare name,
/// but the runtime's `Result` is.
pub fn shorten_type(ty: TokenStream) -> TokenStream {
    match syn::parse2::<syn::Type>(ty.clone()) {
        Ok(mut parsed) => {
            Shorten { result: false }.visit_type_mut(&mut parsed);
            quote::ToTokens::into_token_stream(parsed)
        }
        Err(_) => ty,
    }
}

struct Shorten {
    /// Whether `::std::result::Result` is shortened too.
    result: bool,
}

impl VisitMut for Shorten {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_some() && path.segments.len() >= 3 {
            let segments = &path.segments;
            let plain = segments[0].arguments.is_none() && segments[1].arguments.is_none();
            if plain
                && segments[0].ident == "std"
                && PRELUDE.iter().any(|(module, type_name)| {
                    segments[1].ident == module
                        && segments[2].ident == type_name
                        && (self.result || *module != "result")
                })
            {
                path.leading_colon = None;
                path.segments = segments.iter().skip(2).cloned().collect();
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    // A qualified path counts its trait's segments (`<T as ::std::default::Default>::
    // default`, position 3): that count drops with the segments taken away.
    fn visit_type_path_mut(&mut self, path: &mut syn::TypePath) {
        let before = path.path.segments.len();
        syn::visit_mut::visit_type_path_mut(self, path);
        settle(&mut path.qself, before - path.path.segments.len());
    }

    fn visit_expr_path_mut(&mut self, path: &mut syn::ExprPath) {
        let before = path.path.segments.len();
        syn::visit_mut::visit_expr_path_mut(self, path);
        settle(&mut path.qself, before - path.path.segments.len());
    }

    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        let before = expr.path.segments.len();
        syn::visit_mut::visit_expr_struct_mut(self, expr);
        settle(&mut expr.qself, before - expr.path.segments.len());
    }

    fn visit_attribute_mut(&mut self, attribute: &mut syn::Attribute) {
        if let syn::Meta::List(list) = &mut attribute.meta {
            if list.path.is_ident("serde") {
                list.tokens = shorten_strings(std::mem::take(&mut list.tokens));
            }
        }
    }
}

/// A qualified path's `qself` after `removed` segments were taken from its front.
fn settle(qself: &mut Option<syn::QSelf>, removed: usize) {
    if let Some(qself) = qself {
        qself.position = qself.position.saturating_sub(removed);
    }
}

/// `tokens` with each string literal that starts with a full path of [`PRELUDE`]
/// starting with the short name instead.
fn shorten_strings(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut shortened = Group::new(group.delimiter(), shorten_strings(group.stream()));
                shortened.set_span(group.span());
                TokenTree::Group(shortened)
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                let short = PRELUDE.iter().find_map(|(module, type_name)| {
                    let full = format!("\"::std::{module}::{type_name}::");
                    let rest = text.strip_prefix(&full)?;
                    Some(format!("{type_name}::{}", rest.strip_suffix('"')?))
                });
                match short {
                    Some(short) => {
                        let mut shortened = Literal::string(&short);
                        shortened.set_span(literal.span());
                        TokenTree::Literal(shortened)
                    }
                    None => TokenTree::Literal(literal),
                }
            }
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn shortened(tokens: TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).expect("parses");
        shorten(&mut file.items);
        prettyplease::unparse(&file)
    }

    #[test]
    fn prelude_paths_are_short_in_code_and_serde_strings() {
        let code = shortened(quote! {
            #[derive(::serde::Deserialize, Default)]
            pub struct Pet {
                #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                pub name: ::std::option::Option<::std::string::String>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub tags: ::std::vec::Vec<::std::boxed::Box<Pet>>,
                #[serde(skip_serializing_if = "::serde_json::Map::is_empty")]
                pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            }
            impl ::std::convert::TryFrom<&str> for Pet {
                type Error = ::std::string::String;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                    ::std::result::Result::Ok(<Self as ::std::default::Default>::default())
                }
            }
            impl ::std::convert::From<&Pet> for Pet {
                fn from(value: &Pet) -> Self { value.clone() }
            }
        });
        for full in [
            "::std::option",
            "::std::string",
            "::std::vec",
            "::std::boxed",
            "::std::result",
            "::std::default",
            "::std::convert::From",
        ] {
            assert!(!code.contains(full), "{full} in\n{code}");
        }
        assert!(code.contains("pub name: Option<String>"), "{code}");
        assert!(
            code.contains(r#"skip_serializing_if = "Option::is_none""#),
            "{code}"
        );
        assert!(
            code.contains(r#"skip_serializing_if = "Vec::is_empty""#),
            "{code}"
        );
        assert!(code.contains("pub tags: Vec<Box<Pet>>"), "{code}");
        // Not in the 2015 and 2018 preludes, and not the standard library's.
        assert!(
            code.contains("impl ::std::convert::TryFrom<&str> for Pet"),
            "{code}"
        );
        assert!(code.contains(r#""::serde_json::Map::is_empty""#), "{code}");
        assert!(
            code.contains("Result::Ok(<Self as Default>::default())"),
            "{code}"
        );
        assert!(code.contains("impl From<&Pet> for Pet"), "{code}");
    }

    #[test]
    fn only_the_prelude_names_used_are_shadowed() {
        assert!(shadowed("Option") && shadowed("String") && shadowed("Default"));
        assert!(!shadowed("TryFrom") && !shadowed("Pet") && !shadowed("option"));
    }
}
