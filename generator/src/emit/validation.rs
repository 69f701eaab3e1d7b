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
    /// Component name and whether for typed values -> its static, once emitted (`None`
    /// when it constrains nothing).
    component_statics: BTreeMap<(String, bool), Option<Ident>>,
    names: Namespace,
    statics: Vec<TokenStream>,
    /// The answer of each use by schema (as JSON), hint and whether for typed values,
    /// so asking again for the same use finds the same static.
    uses: BTreeMap<(String, String, bool), Option<Ident>>,
    /// Whether the rules being built are for values made by their Rust types
    /// ([`Rules::for_typed`]).
    typed: bool,
}

impl<'a> Rules<'a> {
    /// Rules over `components`, the normalized component schemas by name.
    pub fn new(components: &'a [(String, Value)]) -> Self {
        Self::over(components.iter().map(|(n, s)| (n.as_str(), s)).collect())
    }

    /// Rules over `components`, none built yet.
    fn over(components: BTreeMap<&'a str, &'a Value>) -> Self {
        Self {
            components,
            component_statics: BTreeMap::new(),
            names: Namespace::default(),
            statics: Vec::new(),
            uses: BTreeMap::new(),
            typed: false,
        }
    }

    /// The path of the static checking `schema` (from the `handlers` module), or `None`
    /// when the schema constrains nothing its type does not.
    pub fn for_use(&mut self, schema: &Value, hint: &str) -> Option<TokenStream> {
        self.of_use(schema, hint, false)
    }

    /// The path of the static checking a value of `schema` that its Rust type made (a
    /// response body the implementation answered with), or `None` when that type holds
    /// everything the schema says. Left out, beside what [`Rules::for_use`] leaves out:
    /// `type` and `required` (a struct writes every required field), closed objects,
    /// string `enum`s (Rust enums), lengths and patterns of strings (typify's checked
    /// newtypes), and the formats with types of their own (`date-time`, `date`, `uuid`,
    /// `ipv4`, `ipv6`). Bounds of numbers and arrays, the other formats and all of
    /// composition stay.
    pub fn for_typed(&mut self, schema: &Value, hint: &str) -> Option<TokenStream> {
        self.of_use(schema, hint, true)
    }

    fn of_use(&mut self, schema: &Value, hint: &str, typed: bool) -> Option<TokenStream> {
        let key = (schema.to_string(), hint.to_string(), typed);
        let name = match self.uses.get(&key) {
            Some(done) => done.clone(),
            None => {
                self.typed = typed;
                let name = self.node(schema, hint, 0);
                self.typed = false;
                self.uses.insert(key, name.clone());
                name
            }
        }?;
        Some(quote!(super::rules::#name))
    }

    /// What [`Rules::for_use`] answered for `schema` and `hint`, when it was asked:
    /// `Some(None)` when the schema constrains nothing its type does not.
    pub fn known(&self, schema: &Value, hint: &str) -> Option<Option<TokenStream>> {
        let answer = self
            .uses
            .get(&(schema.to_string(), hint.to_string(), false))?;
        Some(answer.as_ref().map(|name| quote!(super::rules::#name)))
    }

    /// New rules over the same components, none built yet: to learn what a use would
    /// need without writing it.
    pub fn blank(&self) -> Rules<'a> {
        Self::over(self.components.clone())
    }

    /// The `rules` module, empty when no schema needs one.
    pub fn finish(self) -> TokenStream {
        if self.statics.is_empty() {
            return quote!();
        }
        let statics = self.statics;
        quote! {
            /// Constraints checked before handlers run, and (`_SENT`) those of the
            /// responses they answer with that their types do not hold: one static per
            /// schema node that has any, so every violation is reported at once with its
            /// JSON pointer.
            mod rules {
                #[allow(unused_imports)]
                use ::specfirst_runtime::__private::validate::{Additional, Check, Format, Kind, Schema};

                #(#statics)*
            }
        }
    }

    /// The name of a new static for `hint`: rules of typed values end in `_SENT`, so
    /// they keep apart from, and do not renumber, the rules of requests.
    fn claim(&mut self, hint: &str) -> String {
        let name = upper(hint);
        match self.typed {
            true => self.names.claim(&format!("{name}_SENT")),
            false => self.names.claim(&name),
        }
    }

    fn component(&mut self, name: &str, depth: usize) -> Option<Ident> {
        let key = (name.to_string(), self.typed);
        if let Some(done) = self.component_statics.get(&key) {
            return done.clone();
        }
        let schema = *self.components.get(name)?;
        // Claimed before descending, so a recursive reference finds the name; it is
        // dropped again below if the component turns out to constrain nothing.
        let static_name = ident(&self.claim(name));
        self.component_statics
            .insert(key.clone(), Some(static_name.clone()));
        match self.build(schema, name, depth) {
            Some(body) => {
                self.statics
                    .push(quote!(pub(super) static #static_name: Schema = #body;));
                Some(static_name)
            }
            None => {
                self.component_statics.insert(key, None);
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
        let name = ident(&self.claim(hint));
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
        // Set by lowering for alternatives that declare only the tag.
        let bare: Vec<&str> = tagged
            .get("bare")
            .and_then(Value::as_array)
            .map(|bare| bare.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (value, index) in tagged.get("by")?.as_object()? {
            let index = usize::try_from(index.as_u64()?).ok()?;
            let alternative = list.get(index)?;
            let child = match self.node(alternative, &format!("{hint}_{index}"), depth + 1) {
                Some(child) => quote!(&#child),
                None => quote!(&Schema::ANY),
            };
            alternatives.push(quote!((#value, #child)));
        }
        // Checked even when a type holds every alternative's rules: serde reads a
        // variant's index as its tag (`"kind": 0`), which the schema refuses.
        Some(quote!(::specfirst_runtime::__private::validate::Tagged {
            property: #property,
            alternatives: &[#(#alternatives),*],
            bare: &[#(#bare),*],
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
        let typed = self.typed;
        let string = kind == Some("String");
        if let Some(kind) = kind.filter(|_| !typed) {
            let kind = ident(kind);
            fields.push(quote!(kind: Some(Kind::#kind),));
        }
        // Kept for typed values too: `null` passes the checks that follow only so.
        if nullable {
            fields.push(quote!(nullable: true,));
        }

        let values = map
            .get("enum")
            .or_else(|| map.get(crate::keywords::HIDDEN_ENUM))
            .filter(|_| !(typed && string));
        if let Some(Value::Array(values)) = values {
            let texts: Vec<String> = values.iter().map(Value::to_string).collect();
            fields.push(quote!(allowed: &[#(#texts),*],));
            constrains = true;
        }

        let checks = checks(map, typed && string);
        if !checks.is_empty() {
            fields.push(quote!(checks: &[#(#checks),*],));
            constrains = true;
        }

        if let Some(Value::Object(properties)) = map.get("properties") {
            // With `additionalProperties: false` an unlisted property is an unknown one, so
            // declared properties without checks of their own are listed too.
            let closed = map.get("additionalProperties") == Some(&Value::Bool(false)) && !typed;
            let required: Vec<&str> = match map.get("required") {
                Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let mut entries = Vec::new();
            for (name, property) in properties {
                let child_hint = format!("{hint}_{}", snake(name, "property"));
                // An optional property is an `Option`, which reads `null` as missing: a
                // property that may not be `null` says so here, if nothing else does.
                let not_null = match required.contains(&name.as_str()) || typed {
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
        if let Some(Value::Array(required)) = map.get("required").filter(|_| !typed) {
            let names: Vec<&str> = required.iter().filter_map(Value::as_str).collect();
            if !names.is_empty() {
                fields.push(quote!(required: &[#(#names),*],));
                constrains = true;
            }
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(false)) if !typed => {
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

/// The checks of `map`'s keywords; for a string its Rust type made (`typed_string`),
/// only those that type does not hold (see [`Rules::for_typed`]).
fn checks(map: &serde_json::Map<String, Value>, typed_string: bool) -> Vec<TokenStream> {
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
        // A typed string's length is held by its checked newtype.
        if typed_string && key.ends_with("Length") {
            continue;
        }
        if let Some(n) = count(key) {
            out.push(quote!(Check::#variant(#n)));
        }
    }
    let pattern = map.get("pattern").filter(|_| !typed_string);
    if let Some(pattern) = pattern.and_then(Value::as_str) {
        // A pattern the runtime's engine cannot compile would be skipped there; leaving
        // it out here keeps the rule honest about what is checked.
        if regress::Regex::new(pattern).is_ok() {
            out.push(quote!(Check::Pattern(#pattern)));
        }
    }
    let format = match map.get("format").and_then(Value::as_str) {
        // Formats with Rust types of their own, which hold them.
        Some("date-time" | "date" | "uuid" | "ipv4" | "ipv6") if typed_string => None,
        Some("date-time") => Some(quote!(DateTime)),
        Some("date") => Some(quote!(Date)),
        Some("uuid") => Some(quote!(Uuid)),
        Some("email") => Some(quote!(Email)),
        Some("ipv4") => Some(quote!(Ipv4)),
        Some("ipv6") => Some(quote!(Ipv6)),
        Some("hostname") => Some(quote!(Hostname)),
        Some("uri") => Some(quote!(Uri)),
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

    #[test]
    fn typed_values_are_checked_only_for_what_their_types_do_not_hold() {
        let components = vec![(
            "Item".to_string(),
            json!({
                "type": "object",
                "required": ["name", "count"],
                "additionalProperties": false,
                "properties": {
                    "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
                    "state": {"type": "string", "enum": ["open", "closed"]},
                    "at": {"type": "string", "format": "date-time"},
                    "count": {"type": "integer", "maximum": 9},
                    "level": {"type": ["integer", "null"], "enum": [1, 2, null]},
                    "mail": {"type": "string", "format": "email"},
                    "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}}
                }
            }),
        )];
        let item = json!({"$ref": "#/components/schemas/Item"});
        let mut rules = Rules::new(&components);
        assert!(rules.for_typed(&item, "Body").is_some());
        let typed = rules.finish().to_string();
        // `null` where the schema allows it passes the checks after `nullable` only.
        for kept in [
            "nullable",
            "Maximum",
            "Email",
            "MaxItems",
            "\"count\"",
            "\"mail\"",
            "\"tags\"",
        ] {
            assert!(typed.contains(kept), "{kept} in {typed}");
        }
        for left in [
            "kind",
            "required",
            "Deny",
            "MinLength",
            "Pattern",
            "DateTime",
            "\"open\"",
        ] {
            assert!(!typed.contains(left), "{left} in {typed}");
        }

        // Given nothing their types do not hold, typed values need no rules at all,
        // while the same schema read from a request does.
        let plain = vec![(
            "Plain".to_string(),
            json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "enum": ["x"]}}}),
        )];
        let plain_ref = json!({"$ref": "#/components/schemas/Plain"});
        let mut rules = Rules::new(&plain);
        assert!(rules.for_typed(&plain_ref, "Body").is_none());
        assert!(rules.for_use(&plain_ref, "Body").is_some());
        assert!(rules.blank().for_typed(&plain_ref, "Body").is_none());
    }
}
