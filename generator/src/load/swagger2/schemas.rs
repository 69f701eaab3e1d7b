//! Swagger 2.0 schemas as 3.0 schemas, wherever they appear (definitions, bodies,
//! responses): the keywords 2.0 spells differently are rewritten, the rest is copied.

use serde_json::{json, Map, Value};

use super::{rewrite_ref, Converter};
use crate::diagnostic::pointer_join;

impl<'a> Converter<'a> {
    /// A 2.0 schema as 3.0: references moved to `components`, `x-nullable` as
    /// `nullable`, files as binary strings, and string discriminators as objects.
    pub(super) fn schema(&mut self, node: &Value, orig: &str, conv: &str) -> Value {
        let Value::Object(map) = node else {
            // Booleans and the like pass through; the schema stage judges them.
            return node.clone();
        };
        let nullable = map.get("x-nullable") == Some(&Value::Bool(true));
        if let (Some(Value::String(target)), true) = (map.get("$ref"), nullable) {
            // 3.0 ignores a reference's siblings, so the reference is wrapped to keep
            // `nullable` meaningful.
            let inner_conv = pointer_join(&pointer_join(conv, "allOf"), "0");
            self.origins.record(&inner_conv, orig);
            self.origins.record(
                pointer_join(conv, "nullable"),
                pointer_join(orig, "x-nullable"),
            );
            let mut out = Map::new();
            out.insert("allOf".into(), json!([{ "$ref": rewrite_ref(target) }]));
            out.insert("nullable".into(), true.into());
            for (key, value) in map {
                if matches!(key.as_str(), "description" | "title" | "readOnly")
                    || key.starts_with("x-")
                {
                    out.insert(key.clone(), value.clone());
                }
            }
            return Value::Object(out);
        }
        let mut out = Map::new();
        let mut file = false;
        for (key, value) in map {
            let orig_child = pointer_join(orig, key);
            let conv_child = pointer_join(conv, key);
            let converted = match key.as_str() {
                "$ref" => match value {
                    Value::String(target) => Value::String(rewrite_ref(target)),
                    other => other.clone(),
                },
                "type" => match value {
                    Value::String(t) if t == "file" => {
                        self.origins
                            .record(pointer_join(conv, "format"), &orig_child);
                        file = true;
                        "string".into()
                    }
                    // `["string", "null"]` is not 2.0, but common; 3.0 says it so.
                    Value::Array(types) => {
                        let named: Vec<&Value> = types
                            .iter()
                            .filter(|t| t.as_str() != Some("null"))
                            .collect();
                        match named.as_slice() {
                            [one] if named.len() < types.len() => {
                                out.insert("nullable".into(), true.into());
                                (*one).clone()
                            }
                            _ => value.clone(),
                        }
                    }
                    other => other.clone(),
                },
                "discriminator" => match value {
                    Value::String(property) => {
                        self.origins
                            .record(pointer_join(&conv_child, "propertyName"), &orig_child);
                        json!({ "propertyName": property })
                    }
                    other => other.clone(),
                },
                "properties" | "patternProperties" | "definitions" => match value {
                    Value::Object(children) => Value::Object(
                        children
                            .iter()
                            .map(|(name, child)| {
                                let converted = self.schema(
                                    child,
                                    &pointer_join(&orig_child, name),
                                    &pointer_join(&conv_child, name),
                                );
                                (name.clone(), converted)
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => match value {
                    Value::Object(_) => self.schema(value, &orig_child, &conv_child),
                    Value::Array(list) => Value::Array(
                        list.iter()
                            .enumerate()
                            .map(|(i, item)| {
                                let index = i.to_string();
                                self.schema(
                                    item,
                                    &pointer_join(&orig_child, &index),
                                    &pointer_join(&conv_child, &index),
                                )
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                "allOf" | "anyOf" | "oneOf" => match value {
                    Value::Array(list) => Value::Array(
                        list.iter()
                            .enumerate()
                            .map(|(i, item)| {
                                let index = i.to_string();
                                self.schema(
                                    item,
                                    &pointer_join(&orig_child, &index),
                                    &pointer_join(&conv_child, &index),
                                )
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                },
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        if file {
            // A file is bytes whatever `format` said.
            out.insert("format".into(), "binary".into());
        }
        if nullable {
            out.insert("nullable".into(), true.into());
            self.origins.record(
                pointer_join(conv, "nullable"),
                pointer_join(orig, "x-nullable"),
            );
        }
        Value::Object(out)
    }
}
