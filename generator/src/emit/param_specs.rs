//! Each parameter as the runtime decodes it: where it is read, its style and shape,
//! the keys a free-form query object leaves to others, and its constraints.

use proc_macro2::TokenStream;
use quote::quote;

use super::validation::Rules;
use crate::ir::{
    Extra, Field, Location, ObjectShape, Operation, Parameter, Scalar, SegmentGap, Shape, Style,
};

/// The runtime's name of `scalar`.
pub(super) fn scalar_tokens(scalar: Scalar) -> TokenStream {
    match scalar {
        Scalar::String => quote!(rt::Scalar::String),
        Scalar::Integer => quote!(rt::Scalar::Integer),
        Scalar::Number => quote!(rt::Scalar::Number),
        Scalar::Boolean => quote!(rt::Scalar::Boolean),
        Scalar::Json => quote!(rt::Scalar::Json),
    }
}

/// The runtime's description of where and how `param` is read, with its constraints
/// when `rules` is given.
pub fn param_spec(op: &Operation, param: &Parameter, rules: Option<&mut Rules<'_>>) -> TokenStream {
    let wire = &param.name;
    let explode = param.explode;
    let shape = match &param.shape {
        Shape::Scalar(scalar) => match scalar {
            Scalar::String => quote!(rt::Shape::STRING),
            Scalar::Integer => quote!(rt::Shape::INTEGER),
            Scalar::Number => quote!(rt::Shape::NUMBER),
            Scalar::Boolean => quote!(rt::Shape::BOOLEAN),
            Scalar::Json => quote!(rt::Shape::JSON),
        },
        Shape::Array(item) => {
            let item = scalar_tokens(*item);
            quote!(rt::Shape::Array { item: #item, explode: #explode })
        }
        Shape::Object(object) => {
            let object = object_tokens(object);
            quote!(rt::Shape::Object { object: #object, explode: #explode })
        }
        Shape::JsonText => quote!(rt::Shape::JsonText),
    };
    let (spec, default_style) = match param.location {
        Location::Path(index) => {
            let index = proc_macro2::Literal::usize_unsuffixed(index);
            (
                quote!(rt::Param::path(#index, #wire, #shape)),
                Style::Simple,
            )
        }
        Location::PathPart { segment, position } => {
            let literals = op
                .segment_literals
                .get(&segment)
                .cloned()
                .unwrap_or_default();
            let gaps = op.segment_gaps.get(&segment);
            let segment = proc_macro2::Literal::usize_unsuffixed(segment);
            let position = proc_macro2::Literal::usize_unsuffixed(position);
            let spec = match gaps {
                None => quote!(rt::Param::path_part(
                    #segment, &[#(#literals),*], #position, #wire, #shape
                )),
                Some(gaps) => {
                    let gaps = gaps.iter().map(|(at, gap)| {
                        let at = proc_macro2::Literal::usize_unsuffixed(*at);
                        match gap {
                            SegmentGap::BeforeOneOf(values) => {
                                quote!((#at, rt::Gap::BeforeOneOf(&[#(#values),*])))
                            }
                            SegmentGap::AfterDigits => quote!((#at, rt::Gap::AfterDigits)),
                        }
                    });
                    quote!(rt::Param::path_part_with_gaps(
                        #segment, &[#(#literals),*], &[#(#gaps),*], #position, #wire, #shape
                    ))
                }
            };
            (spec, Style::Simple)
        }
        Location::Query => (quote!(rt::Param::query(#wire, #shape)), Style::Form),
        Location::QueryString => (quote!(rt::Param::query_string(#wire, #shape)), Style::Form),
        Location::Header => (quote!(rt::Param::header(#wire, #shape)), Style::Simple),
        Location::Cookie => (quote!(rt::Param::cookie(#wire, #shape)), Style::Form),
    };
    // Each location's constructor has its default style; only others are spelled out.
    let spec = if param.style == default_style {
        spec
    } else {
        let style = match param.style {
            Style::Simple => quote!(Simple),
            Style::Label => quote!(Label),
            Style::Matrix => quote!(Matrix),
            Style::Form => quote!(Form),
            Style::SpaceDelimited => quote!(SpaceDelimited),
            Style::PipeDelimited => quote!(PipeDelimited),
            Style::DeepObject => quote!(DeepObject),
            Style::Cookie => quote!(Cookie),
        };
        quote!(#spec.styled(rt::Style::#style))
    };
    let spec = if param.collects_rest() {
        let claims = claimed_keys(op, param).into_iter().map(|(key, under)| {
            if under {
                quote!(rt::Claim::Under(#key))
            } else {
                quote!(rt::Claim::Key(#key))
            }
        });
        quote!(#spec.collecting(&[#(#claims),*]))
    } else {
        spec
    };
    match rules.and_then(|rules| rules.for_use(&param.schema.schema, &param.schema.name_hint)) {
        Some(checks) => quote!(#spec.checked(&#checks)),
        None => spec,
    }
}

/// The query keys something other than `collector` reads, sorted: `(name, false)` for
/// a key, `(name, true)` for a `deepObject`'s `name[...]` keys. The runtime's own keys
/// (pagination's `limit` and `page_token`) and the names in AWS `#` conditions, which
/// choose the operation, are among them.
fn claimed_keys(op: &Operation, collector: &Parameter) -> Vec<(String, bool)> {
    let scan = op.pagination.iter().flat_map(|p| &p.scan);
    let mut keys = std::collections::BTreeSet::new();
    for param in op.params.iter().chain(scan) {
        if param.location != Location::Query || param.name == collector.name {
            continue;
        }
        match &param.shape {
            Shape::Object(object) if param.style == Style::Form && param.explode => {
                for (name, field) in &object.properties {
                    keys.insert((name.clone(), false));
                    // A nested object's properties arrive as `name[...]`.
                    if matches!(field, Field::Object(_)) {
                        keys.insert((name.clone(), true));
                    }
                }
            }
            _ => {
                keys.insert((param.name.clone(), false));
            }
        }
        if param.style == Style::DeepObject {
            keys.insert((param.name.clone(), true));
        }
    }
    if op.pagination.is_some() {
        keys.insert(("limit".to_string(), false));
        keys.insert(("page_token".to_string(), false));
    }
    for (name, _) in op.discriminators() {
        keys.insert((name, false));
    }
    // Its own declared properties are read by name before any claim is looked at.
    keys.into_iter().collect()
}

/// An object parameter's properties as a `rt::Object` literal; only literals, so the
/// compiler promotes the property slices to `'static` inside the handler.
fn object_tokens(object: &ObjectShape) -> TokenStream {
    let properties = object.properties.iter().map(|(name, field)| {
        let value = match field {
            Field::Scalar(scalar) => {
                let scalar = scalar_tokens(*scalar);
                quote!(rt::Field::Scalar(#scalar))
            }
            Field::Array(item) => {
                let item = scalar_tokens(*item);
                quote!(rt::Field::Array(#item))
            }
            Field::Object(inner) => {
                let inner = object_tokens(inner);
                quote!(rt::Field::Object(#inner))
            }
        };
        quote!(rt::Property { name: #name, value: #value })
    });
    let additional = match object.additional {
        Some(Extra::Scalar(scalar)) => {
            let scalar = scalar_tokens(scalar);
            quote!(::core::option::Option::Some(rt::Extra::Scalar(#scalar)))
        }
        Some(Extra::Array(item)) => {
            let item = scalar_tokens(item);
            quote!(::core::option::Option::Some(rt::Extra::Array(#item)))
        }
        None => quote!(::core::option::Option::None),
    };
    quote!(rt::Object { properties: &[#(#properties),*], additional: #additional })
}
