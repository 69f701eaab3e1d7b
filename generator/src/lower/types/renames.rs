//! Fields and variants renamed as settings say (`types.NAME.fields.PROPERTY = "name"`,
//! `types.NAME.variants.VALUE = "Name"`), in typify's code before it is formatted.
//!
//! typify names a field after its property and a variant after its value, and has no
//! setting to say otherwise; the JSON is what the spec says, so the renamed field or
//! variant keeps (or gets) a serde `rename` to it. Code that names them changes too:
//! struct expressions and patterns of the type anywhere (typify's default functions
//! build structs), and `Self::Variant`, `Type::Variant` and `Self { .. }` paths.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use syn::visit_mut::VisitMut;
use syn::{Fields, Ident, Item, LitStr};

/// What to rename in one type: fields by property, variants by value.
#[derive(Debug, Default)]
pub struct TypeRenames {
    /// Property name to the field's new name.
    pub fields: BTreeMap<String, String>,
    /// Enum value (or variant name) to the variant's new name.
    pub variants: BTreeMap<String, String>,
}

/// `items` (typify's code) with the renames of `renames` (by type name) made; a message
/// for each rename that found nothing to rename.
pub fn apply(
    items: TokenStream,
    renames: &BTreeMap<String, TypeRenames>,
) -> (TokenStream, Vec<String>) {
    if renames.is_empty() {
        return (items, Vec::new());
    }
    let Ok(mut file) = syn::parse2::<syn::File>(items.clone()) else {
        return (items, Vec::new());
    };
    let mut unmatched = Vec::new();
    // Old identifier to new, per type: what the expressions naming them need.
    let mut members: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut variants: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (ty, wanted) in renames {
        let mut found_fields = BTreeMap::new();
        let mut found_variants = BTreeMap::new();
        for item in &mut file.items {
            match item {
                Item::Struct(item) if item.ident == ty => {
                    if let Fields::Named(named) = &mut item.fields {
                        for field in &mut named.named {
                            let Some(ident) = field.ident.as_mut() else {
                                continue;
                            };
                            let key = json_name(&field.attrs, ident);
                            if let Some(new) = wanted.fields.get(&key) {
                                found_fields.insert(key.clone(), (ident.to_string(), new.clone()));
                                *ident = Ident::new(new, ident.span());
                                keep_json_name(&mut field.attrs, &key);
                            }
                        }
                    }
                }
                Item::Enum(item) if item.ident == ty => {
                    for variant in &mut item.variants {
                        let key = json_name(&variant.attrs, &variant.ident);
                        let by_name = wanted.variants.get(&variant.ident.to_string());
                        if let Some(new) = wanted.variants.get(&key).or(by_name) {
                            found_variants
                                .insert(key.clone(), (variant.ident.to_string(), new.clone()));
                            variant.ident = Ident::new(new, variant.ident.span());
                            keep_json_name(&mut variant.attrs, &key);
                        }
                    }
                }
                _ => {}
            }
        }
        for property in wanted.fields.keys() {
            if !found_fields.contains_key(property) {
                unmatched.push(format!(
                    "type setting of {ty}: no field for property {property:?}"
                ));
            }
        }
        for value in wanted.variants.keys() {
            let found = found_variants
                .iter()
                .any(|(key, (old, _))| key == value || old == value);
            if !found {
                unmatched.push(format!("type setting of {ty}: no variant for {value:?}"));
            }
        }
        members.insert(
            ty.clone(),
            found_fields.into_values().collect::<BTreeMap<_, _>>(),
        );
        variants.insert(
            ty.clone(),
            found_variants.into_values().collect::<BTreeMap<_, _>>(),
        );
    }
    let mut uses = Uses {
        members: &members,
        variants: &variants,
        current: None,
    };
    uses.visit_file_mut(&mut file);
    (quote::quote!(#file), unmatched)
}

/// The JSON name of a field or variant: its serde `rename`, else its own name.
fn json_name(attrs: &[syn::Attribute], ident: &Ident) -> String {
    let mut name = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    name.unwrap_or_else(|| syn::ext::IdentExt::unraw(ident).to_string())
}

/// A serde `rename` to `json` unless the attributes hold one already.
fn keep_json_name(attrs: &mut Vec<syn::Attribute>, json: &str) {
    let has = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .any(|attr| attr.to_token_stream_string().contains("rename ="));
    if !has {
        let json = LitStr::new(json, Span::call_site());
        attrs.push(syn::parse_quote!(#[serde(rename = #json)]));
    }
}

trait TokenText {
    fn to_token_stream_string(&self) -> String;
}

impl TokenText for syn::Attribute {
    fn to_token_stream_string(&self) -> String {
        quote::ToTokens::to_token_stream(self).to_string()
    }
}

/// Renames what names a renamed field or variant, in every item.
struct Uses<'a> {
    members: &'a BTreeMap<String, BTreeMap<String, String>>,
    variants: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// The type whose `impl` is being visited: what `Self` is.
    current: Option<String>,
}

impl Uses<'_> {
    /// The type a path names (its last segment, or the current impl's for `Self`).
    fn named(&self, path: &syn::Path) -> Option<String> {
        let last = path.segments.last()?.ident.to_string();
        if last == "Self" {
            self.current.clone()
        } else {
            Some(last)
        }
    }

    fn rename_members(&self, path: &syn::Path, members: Vec<&mut syn::Member>) {
        let Some(renamed) = self.named(path).and_then(|ty| self.members.get(&ty)) else {
            return;
        };
        for member in members {
            if let syn::Member::Named(ident) = member {
                if let Some(new) = renamed.get(&ident.to_string()) {
                    *ident = Ident::new(new, ident.span());
                }
            }
        }
    }

    fn rename_variant(&self, path: &mut syn::Path) {
        let count = path.segments.len();
        if count < 2 {
            return;
        }
        let owner = &path.segments[count - 2].ident;
        let ty = if owner == "Self" {
            self.current.clone()
        } else {
            Some(owner.to_string())
        };
        let Some(renamed) = ty.and_then(|ty| self.variants.get(&ty)) else {
            return;
        };
        let last = &mut path.segments[count - 1].ident;
        if let Some(new) = renamed.get(&last.to_string()) {
            *last = Ident::new(new, last.span());
        }
    }
}

impl VisitMut for Uses<'_> {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let before = self.current.take();
        if let syn::Type::Path(ty) = &*item.self_ty {
            self.current = ty.path.segments.last().map(|s| s.ident.to_string());
        }
        syn::visit_mut::visit_item_impl_mut(self, item);
        self.current = before;
    }

    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        let path = expr.path.clone();
        self.rename_members(
            &path,
            expr.fields.iter_mut().map(|f| &mut f.member).collect(),
        );
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }

    fn visit_pat_struct_mut(&mut self, pat: &mut syn::PatStruct) {
        let path = pat.path.clone();
        self.rename_members(
            &path,
            pat.fields.iter_mut().map(|f| &mut f.member).collect(),
        );
        syn::visit_mut::visit_pat_struct_mut(self, pat);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.rename_variant(path);
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_expr_field_mut(&mut self, expr: &mut syn::ExprField) {
        // `self.field` inside the type's own impl.
        let on_self = matches!(&*expr.base, syn::Expr::Path(p) if p.path.is_ident("self"));
        if on_self {
            if let Some(renamed) = self.current.as_ref().and_then(|ty| self.members.get(ty)) {
                if let syn::Member::Named(ident) = &mut expr.member {
                    if let Some(new) = renamed.get(&ident.to_string()) {
                        *ident = Ident::new(new, ident.span());
                    }
                }
            }
        }
        syn::visit_mut::visit_expr_field_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn renames() -> BTreeMap<String, TypeRenames> {
        BTreeMap::from([
            (
                "Book".to_string(),
                TypeRenames {
                    fields: BTreeMap::from([
                        ("published_year".to_string(), "year".to_string()),
                        ("pageCount".to_string(), "pages".to_string()),
                    ]),
                    variants: BTreeMap::new(),
                },
            ),
            (
                "Genre".to_string(),
                TypeRenames {
                    fields: BTreeMap::new(),
                    variants: BTreeMap::from([("non-fiction".to_string(), "Facts".to_string())]),
                },
            ),
        ])
    }

    #[test]
    fn fields_and_variants_are_renamed_where_they_are_named() {
        let (code, unmatched) = apply(
            quote! {
                pub struct Book {
                    pub published_year: Option<i32>,
                    #[serde(rename = "pageCount")]
                    pub page_count: u32,
                }
                impl Default for Book {
                    fn default() -> Self {
                        Self { published_year: None, page_count: self.page_count }
                    }
                }
                pub enum Genre {
                    #[serde(rename = "non-fiction")]
                    NonFiction,
                    Poetry,
                }
                impl Genre {
                    fn text(&self) -> &str {
                        match self { Self::NonFiction => "non-fiction", Genre::Poetry => "poetry" }
                    }
                }
                fn make() -> super::Book { super::Book { published_year: None, page_count: 1 } }
                fn pick() -> Genre { Genre::NonFiction }
            },
            &renames(),
        );
        assert!(unmatched.is_empty(), "{unmatched:?}");
        let text = code.to_string();
        for expected in [
            "# [serde (rename = \"published_year\")] pub year",
            "# [serde (rename = \"pageCount\")] pub pages",
            "Self { year : None , pages : self . pages }",
            "# [serde (rename = \"non-fiction\")] Facts",
            "Self :: Facts => \"non-fiction\"",
            "super :: Book { year : None , pages : 1 }",
            "Genre :: Facts",
        ] {
            assert!(text.contains(expected), "{expected} in {text}");
        }
        assert!(!text.contains("NonFiction"), "{text}");
    }

    #[test]
    fn a_rename_that_finds_nothing_says_so() {
        let (_, unmatched) = apply(quote! { pub struct Book { pub title: String } }, &renames());
        assert!(
            unmatched
                .iter()
                .any(|m| m.contains("no field for property \"published_year\"")),
            "{unmatched:?}"
        );
        assert!(unmatched
            .iter()
            .any(|m| m.contains("no variant for \"non-fiction\"")));
    }
}
