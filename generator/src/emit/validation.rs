//! Schema constraints as `static` rule trees the runtime checks requests against before
//! a handler runs (`specfirst_runtime::__private::validate`).
//!
//! Every schema node that constrains anything becomes one named static, so references
//! between them are plain `&STATIC`s: recursive schemas need no boxing and no
//! temporaries. Nodes that constrain nothing beyond their Rust type are left out; serde
//! already enforces the type.

use std::collections::BTreeMap;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::ident;
use crate::load::refs::component_schema_name;
use crate::naming::{snake, Namespace};

/// Builds the rule statics of one API.
pub struct Rules<'a> {
    components: BTreeMap<&'a str, &'a Value>,
    /// Component name -> its static, once emitted (`None` when it constrains nothing).
    component_statics: BTreeMap<String, Option<Ident>>,
    names: Namespace,
    statics: Vec<TokenStream>,
    /// The answer of each `for_use` by schema (as JSON) and hint, so asking again for
    /// the same use finds the same static.
    uses: BTreeMap<(String, String), Option<Ident>>,
}

impl<'a> Rules<'a> {
    /// Rules over `components`, the normalized component schemas by name.
    pub fn new(components: &'a [(String, Value)]) -> Self {
        Self {
            components: components.iter().map(|(n, s)| (n.as_str(), s)).collect(),
            component_statics: BTreeMap::new(),
            names: Namespace::default(),
            statics: Vec::new(),
            uses: BTreeMap::new(),
        }
    }

    /// The path of the static checking `schema` (from the `handlers` module), or `None`
    /// when the schema constrains nothing its type does not.
    pub fn for_use(&mut self, schema: &Value, hint: &str) -> Option<TokenStream> {
        let key = (schema.to_string(), hint.to_string());
        let name = match self.uses.get(&key) {
            Some(done) => done.clone(),
            None => {
                let name = self.node(schema, hint, 0);
                self.uses.insert(key, name.clone());
                name
            }
        }?;
        Some(quote!(super::rules::#name))
    }

    /// What [`Rules::for_use`] answered for `schema` and `hint`, when it was asked:
    /// `Some(None)` when the schema constrains nothing its type does not.
    pub fn known(&self, schema: &Value, hint: &str) -> Option<Option<TokenStream>> {
        let answer = self.uses.get(&(schema.to_string(), hint.to_string()))?;
        Some(answer.as_ref().map(|name| quote!(super::rules::#name)))
    }

    /// The `rules` module, empty when no schema needs one.
    pub fn finish(self) -> TokenStream {
        if self.statics.is_empty() {
            return quote!();
        }
        let statics = self.statics;
        quote! {
            /// Constraints checked before handlers run, one static per schema node that
            /// has any, so every violation is reported at once with its JSON pointer.
            mod rules {
                #[allow(unused_imports)]
                use ::specfirst_runtime::__private::validate::{Additional, Check, Format, Kind, Schema};

                #(#statics)*
            }
        }
    }

    fn component(&mut self, name: &str, depth: usize) -> Option<Ident> {
        if let Some(done) = self.component_statics.get(name) {
            return done.clone();
        }
        let schema = *self.components.get(name)?;
        // Claimed before descending, so a recursive reference finds the name; it is
        // dropped again below if the component turns out to constrain nothing.
        let static_name = ident(&self.names.claim(&upper(name)));
        self.component_statics
            .insert(name.to_string(), Some(static_name.clone()));
        match self.build(schema, name, depth) {
            Some(body) => {
                self.statics
                    .push(quote!(pub(super) static #static_name: Schema = #body;));
                Some(static_name)
            }
            None => {
                self.component_statics.insert(name.to_string(), None);
                None
            }
        }
    }

    /// The static for `schema`, emitting it (and its children) when it constrains anything.
    fn node(&mut self, schema: &Value, hint: &str, depth: usize) -> Option<Ident> {
        if depth > 64 {
            return None;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.component(&component_schema_name(reference)?, depth + 1);
        }
        let body = self.build(schema, hint, depth)?;
        let name = ident(&self.names.claim(&upper(hint)));
        self.statics
            .push(quote!(pub(super) static #name: Schema = #body;));
        Some(name)
    }

    /// The runtime `Kind` of `schema` (or of the component it refers to) when it names
    /// one type and does not allow `null`.
    fn refused_null(&self, schema: &Value) -> Option<&'static str> {
        let schema = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => *self
                .components
                .get(component_schema_name(reference)?.as_str())?,
            None => schema,
        };
        match kind_of(schema.get("type")) {
            // An optional list is an `Option<Vec<_>>` too, which reads `null` as `None`.
            (Some(kind), false) if !has_type(schema, "null") => Some(kind),
            _ => None,
        }
    }

    /// The `Tagged { .. }` expression of a discriminated `oneOf` (see
    /// [`crate::keywords::TAGGED`]).
    fn tagged(
        &mut self,
        map: &serde_json::Map<String, Value>,
        tagged: &Value,
        hint: &str,
        depth: usize,
    ) -> Option<TokenStream> {
        let property = tagged.get("property")?.as_str()?;
        let list = map.get(tagged.get("list")?.as_str()?)?.as_array()?;
        let mut alternatives = Vec::new();
        for (value, index) in tagged.get("by")?.as_object()? {
            let index = usize::try_from(index.as_u64()?).ok()?;
            let alternative = list.get(index)?;
            let child = self.node(alternative, &format!("{hint}_{index}"), depth + 1);
            let child = match child {
                Some(child) => quote!(&#child),
                None => quote!(&Schema::ANY),
            };
            alternatives.push(quote!((#value, #child)));
        }
        Some(quote!(::specfirst_runtime::__private::validate::Tagged {
            property: #property,
            alternatives: &[#(#alternatives),*],
        }))
    }

    /// The `Schema { .. }` expression for `schema`, or `None` when it constrains nothing.
    fn build(&mut self, schema: &Value, hint: &str, depth: usize) -> Option<TokenStream> {
        let map = schema.as_object()?;
        // `oneOf: [X, {type: null}]` is how a nullable reference arrives from `schema.rs`.
        if let Some(Value::Array(options)) = map.get("oneOf") {
            let is_null = |v: &Value| v.get("type").and_then(Value::as_str) == Some("null");
            if let [first, second] = options.as_slice() {
                let inner = match (is_null(first), is_null(second)) {
                    (false, true) => Some(first),
                    (true, false) => Some(second),
                    _ => None,
                };
                if let Some(inner) = inner {
                    let name = self.node(inner, hint, depth + 1)?;
                    return Some(
                        quote!(Schema { nullable: true, all_of: &[&#name], ..Schema::ANY }),
                    );
                }
            }
        }
        let mut fields = Vec::new();
        let mut constrains = false;

        let (kind, nullable) = kind_of(map.get("type"));
        if let Some(kind) = kind {
            let kind = ident(kind);
            fields.push(quote!(kind: Some(Kind::#kind),));
        }
        if nullable {
            fields.push(quote!(nullable: true,));
        }

        let values = map
            .get("enum")
            .or_else(|| map.get(crate::keywords::HIDDEN_ENUM));
        if let Some(Value::Array(values)) = values {
            let texts: Vec<String> = values.iter().map(Value::to_string).collect();
            fields.push(quote!(allowed: &[#(#texts),*],));
            constrains = true;
        }

        let checks = checks(map);
        if !checks.is_empty() {
            fields.push(quote!(checks: &[#(#checks),*],));
            constrains = true;
        }

        if let Some(Value::Object(properties)) = map.get("properties") {
            // With `additionalProperties: false` an unlisted property is an unknown one, so
            // declared properties without checks of their own are listed too.
            let closed = map.get("additionalProperties") == Some(&Value::Bool(false));
            let required: Vec<&str> = match map.get("required") {
                Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let mut entries = Vec::new();
            for (name, property) in properties {
                let child_hint = format!("{hint}_{}", snake(name, "property"));
                // An optional property is an `Option`, which reads `null` as missing: a
                // property that may not be `null` says so here, if nothing else does.
                let not_null = match required.contains(&name.as_str()) {
                    true => None,
                    false => self
                        .refused_null(property)
                        .map(|kind| ident(&kind.to_uppercase())),
                };
                match self.node(property, &child_hint, depth + 1) {
                    Some(child) => entries.push(quote!((#name, &#child))),
                    None => match not_null {
                        Some(kind) => entries.push(quote!((#name, &Schema::#kind))),
                        None if closed => entries.push(quote!((#name, &Schema::ANY))),
                        None => {}
                    },
                }
            }
            if !entries.is_empty() {
                fields.push(quote!(properties: &[#(#entries),*],));
                constrains = true;
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            let names: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
            if !names.is_empty() {
                fields.push(quote!(required: &[#(#names),*],));
                constrains = true;
            }
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) => {
                fields.push(quote!(additional: Additional::Deny,));
                constrains = true;
            }
            Some(extra @ Value::Object(_)) => {
                if let Some(child) = self.node(extra, &format!("{hint}_values"), depth + 1) {
                    fields.push(quote!(additional: Additional::Schema(&#child),));
                    constrains = true;
                }
            }
            _ => {}
        }
        if let Some(Value::Array(positional)) = map.get("items") {
            let mut children = Vec::new();
            let mut any = false;
            for (index, item) in positional.iter().enumerate() {
                match self.node(item, &format!("{hint}_{index}"), depth + 1) {
                    Some(child) => {
                        any = true;
                        children.push(quote!(&#child));
                    }
                    None => children.push(quote!(&Schema::ANY)),
                }
            }
            if any {
                fields.push(quote!(prefix_items: &[#(#children),*],));
                constrains = true;
            }
        }
        if let Some(items) = map.get("items").filter(|i| i.is_object()) {
            if let Some(child) = self.node(items, &format!("{hint}_items"), depth + 1) {
                fields.push(quote!(items: Some(&#child),));
                constrains = true;
            }
        }
        if let Some(names) = map.get("propertyNames").filter(|n| n.is_object()) {
            if let Some(child) = self.node(names, &format!("{hint}_names"), depth + 1) {
                fields.push(quote!(property_names: Some(&#child),));
                constrains = true;
            }
        }
        if let Some(tagged) = map.get(crate::keywords::TAGGED) {
            if let Some(tokens) = self.tagged(map, tagged, hint, depth) {
                fields.push(quote!(tagged: Some(&#tokens),));
                constrains = true;
            }
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            let mut children = Vec::new();
            for (index, part) in parts.iter().enumerate() {
                if let Some(child) = self.node(part, &format!("{hint}_{index}"), depth + 1) {
                    children.push(quote!(&#child));
                }
            }
            if !children.is_empty() {
                fields.push(quote!(all_of: &[#(#children),*],));
                constrains = true;
            }
        }
        constrains.then(|| quote!(Schema { #(#fields)* ..Schema::ANY }))
    }
}

/// Whether `type` of `schema` names `name` (alone or in a list).
fn has_type(schema: &Value, name: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(one)) => one == name,
        Some(Value::Array(many)) => many.iter().any(|t| t == name),
        _ => false,
    }
}

/// The runtime `Kind` and whether `null` is allowed, from `type` (a name or a list).
fn kind_of(value: Option<&Value>) -> (Option<&'static str>, bool) {
    let names: Vec<&str> = match value {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => return (None, false),
    };
    let nullable = names.contains(&"null");
    let rest: Vec<&str> = names.into_iter().filter(|n| *n != "null").collect();
    let kind = match rest.as_slice() {
        ["string"] => Some("String"),
        ["integer"] => Some("Integer"),
        ["number"] => Some("Number"),
        ["boolean"] => Some("Boolean"),
        ["array"] => Some("Array"),
        ["object"] => Some("Object"),
        _ => None,
    };
    (kind, nullable && kind.is_some())
}

fn checks(map: &serde_json::Map<String, Value>) -> Vec<TokenStream> {
    let number = |key: &str| {
        map.get(key)
            .and_then(Value::as_f64)
            .filter(|f| f.is_finite())
    };
    let count = |key: &str| {
        map.get(key)
            .and_then(Value::as_u64)
            .map(|n| Literal::usize_unsuffixed(n as usize))
    };
    let mut out = Vec::new();
    for (key, exclusive_key, variant) in [
        ("minimum", "exclusiveMinimum", quote!(Minimum)),
        ("maximum", "exclusiveMaximum", quote!(Maximum)),
    ] {
        if let Some(bound) = number(exclusive_key) {
            let bound = Literal::f64_suffixed(bound);
            out.push(quote!(Check::#variant { value: #bound, exclusive: true }));
        } else if let Some(bound) = number(key) {
            let bound = Literal::f64_suffixed(bound);
            out.push(quote!(Check::#variant { value: #bound, exclusive: false }));
        }
    }
    if let Some(step) = number("multipleOf").filter(|s| *s > 0.0) {
        let step = Literal::f64_suffixed(step);
        out.push(quote!(Check::MultipleOf(#step)));
    }
    for (key, variant) in [
        ("minLength", quote!(MinLength)),
        ("maxLength", quote!(MaxLength)),
        ("minItems", quote!(MinItems)),
        ("maxItems", quote!(MaxItems)),
        ("minProperties", quote!(MinProperties)),
        ("maxProperties", quote!(MaxProperties)),
    ] {
        if let Some(n) = count(key) {
            out.push(quote!(Check::#variant(#n)));
        }
    }
    if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
        // A pattern the runtime's engine cannot compile would be skipped there; leaving
        // it out here keeps the rule honest about what is checked.
        if regress::Regex::new(pattern).is_ok() {
            out.push(quote!(Check::Pattern(#pattern)));
        }
    }
    let format = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => Some(quote!(DateTime)),
        Some("date") => Some(quote!(Date)),
        Some("uuid") => Some(quote!(Uuid)),
        Some("email") => Some(quote!(Email)),
        Some("ipv4") => Some(quote!(Ipv4)),
        Some("ipv6") => Some(quote!(Ipv6)),
        Some("hostname") => Some(quote!(Hostname)),
        _ => None,
    };
    if let Some(format) = format {
        out.push(quote!(Check::Format(Format::#format)));
    }
    if map.get("uniqueItems") == Some(&Value::Bool(true)) {
        out.push(quote!(Check::UniqueItems));
    }
    out
}

fn upper(name: &str) -> String {
    snake(name, "schema")
        .trim_end_matches('_')
        .to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn discriminated_one_of_checks_the_selected_alternative() {
        let mut problems = Vec::new();
        let shape = crate::lower::schema::normalize(
            &json!({
                "oneOf": [{"$ref": "#/components/schemas/Circle"}],
                "discriminator": {"propertyName": "kind"}
            }),
            "/components/schemas/Shape",
            &mut problems,
        );
        let components = vec![
            ("Shape".to_string(), shape),
            (
                "Circle".to_string(),
                json!({"type": "object", "properties": {"radius": {"type": "number", "minimum": 1}}}),
            ),
        ];
        let mut rules = Rules::new(&components);
        let found = rules.for_use(&json!({"$ref": "#/components/schemas/Shape"}), "Body");
        assert!(found.is_some());
        let text = rules.finish().to_string();
        assert!(text.contains("tagged"), "{text}");
        assert!(text.contains("\"Circle\""), "{text}");
    }
}
