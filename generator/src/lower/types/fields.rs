//! Struct fields that typify names alike get names of their own.
//!
//! typify names a field after its property in snake case, so `@id` beside `id`, or
//! `jobID` beside `jobId`, become two fields named `id` or `job_id`, and the struct does
//! not compile. The property spelled exactly as the field keeps the name (else the
//! first one does); each other gets the first free `_2`, `_3`, ... suffix. Its serde
//! `rename`, which typify writes for every such property, still names the property.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span};
use syn::visit_mut::VisitMut;

/// Renames the duplicate fields of every struct in `items`, and the same fields where
/// typify's own impls of that struct build it (`Default`); the names of the structs
/// whose fields were renamed.
pub fn separate_fields(items: &mut [syn::Item]) -> Vec<String> {
    // Struct name -> field name -> the name each occurrence takes, in order.
    let mut renames: BTreeMap<String, BTreeMap<String, Vec<Ident>>> = BTreeMap::new();
    for item in items.iter_mut() {
        if let syn::Item::Struct(item) = item {
            if let Some(fields) = separate(item) {
                renames.insert(item.ident.to_string(), fields);
            }
        }
    }
    if renames.is_empty() {
        return Vec::new();
    }
    for item in items.iter_mut() {
        let syn::Item::Impl(item) = item else {
            continue;
        };
        let syn::Type::Path(self_type) = &*item.self_ty else {
            continue;
        };
        let Some(name) = self_type.path.segments.last() else {
            continue;
        };
        if let Some(fields) = renames.get(&name.ident.to_string()) {
            Constructions { fields }.visit_item_impl_mut(item);
        }
    }
    renames.into_keys().collect()
}

/// Renames the duplicate fields of `item`; the renames by field name, if any.
fn separate(item: &mut syn::ItemStruct) -> Option<BTreeMap<String, Vec<Ident>>> {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return None;
    };
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for field in &fields.named {
        *count.entry(field_name(field)).or_default() += 1;
    }
    if count.values().all(|&n| n == 1) {
        return None;
    }
    let mut taken: BTreeSet<String> = count.keys().cloned().collect();
    let mut renames: BTreeMap<String, Vec<Ident>> = BTreeMap::new();
    for (name, _) in count.iter().filter(|(_, &n)| n > 1) {
        let group: Vec<&mut syn::Field> = fields
            .named
            .iter_mut()
            .filter(|field| field_name(field) == *name)
            .collect();
        let keeper = group.iter().position(|field| !renamed(field)).unwrap_or(0);
        let mut names = Vec::new();
        for (index, field) in group.into_iter().enumerate() {
            let ident = if index == keeper {
                Ident::new(name, Span::call_site())
            } else {
                let free = (2..)
                    .map(|n| format!("{name}_{n}"))
                    .find(|candidate| !taken.contains(candidate))
                    .unwrap_or_else(|| unreachable!("an unbounded range has a free name"));
                taken.insert(free.clone());
                Ident::new(&free, Span::call_site())
            };
            field.ident = Some(ident.clone());
            names.push(ident);
        }
        renames.insert(name.clone(), names);
    }
    Some(renames)
}

fn field_name(field: &syn::Field) -> String {
    field
        .ident
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Whether `field` carries `#[serde(rename = ...)]`, i.e. its property is spelled
/// differently from the field.
fn renamed(field: &syn::Field) -> bool {
    field.attrs.iter().any(|attr| {
        let mut found = false;
        if attr.path().is_ident("serde") {
            // Unparsable contents only mean "not known to be renamed".
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta.path.is_ident("rename");
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                }
                Ok(())
            });
        }
        found
    })
}

/// Renames the fields of struct expressions (`Self { id: .., id: .. }`) in one impl, the
/// n-th occurrence of a name as the n-th field of that name was.
struct Constructions<'a> {
    fields: &'a BTreeMap<String, Vec<Ident>>,
}

impl VisitMut for Constructions<'_> {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for field in expr.fields.iter_mut() {
            let syn::Member::Named(ident) = &mut field.member else {
                continue;
            };
            let name = ident.to_string();
            let Some(names) = self.fields.get(&name) else {
                continue;
            };
            let index = seen.entry(name).or_default();
            if let Some(new) = names.get(*index) {
                *ident = new.clone();
                // `Self { id }` shorthand would now name another binding.
                field.colon_token.get_or_insert_with(Default::default);
            }
            *index += 1;
        }
        syn::visit_mut::visit_expr_struct_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn separated(tokens: proc_macro2::TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        separate_fields(&mut file.items);
        prettyplease::unparse(&file)
    }

    #[test]
    fn the_field_spelled_as_its_property_keeps_the_name() {
        let code = separated(quote! {
            pub struct Alert {
                #[serde(rename = "@id", skip_serializing_if = "Option::is_none")]
                pub id: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub id: Option<u64>,
                #[serde(rename = "id_2")]
                pub id_2: String,
            }
            impl Default for Alert {
                fn default() -> Self {
                    Self { id: None, id: Some(1), id_2: String::new() }
                }
            }
        });
        let expected = quote! {
            pub struct Alert {
                #[serde(rename = "@id", skip_serializing_if = "Option::is_none")]
                pub id_3: Option<String>,
                #[serde(skip_serializing_if = "Option::is_none")]
                pub id: Option<u64>,
                #[serde(rename = "id_2")]
                pub id_2: String,
            }
            impl Default for Alert {
                fn default() -> Self {
                    Self { id_3: None, id: Some(1), id_2: String::new() }
                }
            }
        };
        assert_eq!(code, prettyplease::unparse(&syn::parse2(expected).unwrap()));
    }

    #[test]
    fn without_a_plain_spelling_the_first_keeps_the_name() {
        let code = separated(quote! {
            pub struct Profile {
                #[serde(rename = "jobID")]
                pub job_id: String,
                #[serde(rename = "jobId")]
                pub job_id: String,
            }
        });
        assert!(code.contains("pub job_id: String"), "{code}");
        assert!(code.contains("pub job_id_2: String"), "{code}");
    }

    #[test]
    fn structs_without_duplicates_are_untouched() {
        let tokens = quote! {
            pub struct Pet { pub id: u64, pub name: String }
        };
        let before = prettyplease::unparse(&syn::parse2(tokens.clone()).unwrap());
        assert_eq!(separated(tokens), before);
    }
}
