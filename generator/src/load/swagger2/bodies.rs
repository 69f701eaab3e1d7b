//! Body and `formData` parameters as the 3.0 `requestBody`, one `content` entry per
//! media type the operation consumes.

use serde_json::{json, Map, Value};

use super::parameters::{is_array, Place};
use super::{Converter, MediaTypes, DEFAULT_MEDIA_TYPE};
use crate::diagnostic::pointer_join;

const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// A `body` or `formData` parameter, which becomes (part of) the 3.0 `requestBody`.
pub(super) struct BodyParam<'a> {
    /// The pointer of the parameter's definition (after a `#/parameters/` reference).
    at: String,
    node: &'a Map<String, Value>,
    form: bool,
    name: String,
}

impl<'a> Converter<'a> {
    /// The 3.0 `requestBody` of an operation from its body or form parameters (its own,
    /// and the path item's ones it does not override).
    pub(super) fn request_body(
        &mut self,
        own: &[BodyParam<'a>],
        shared: &[BodyParam<'a>],
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        let own_has_body = own.iter().any(|p| !p.form);
        let inherited = shared.iter().filter(|p| {
            if p.form {
                !own.iter().any(|o| o.form && o.name == p.name)
            } else {
                !own_has_body
            }
        });
        let all: Vec<&BodyParam<'a>> = own.iter().chain(inherited).collect();
        let (bodies, forms): (Vec<&BodyParam<'a>>, Vec<&BodyParam<'a>>) =
            all.into_iter().partition(|p| !p.form);
        if let Some(extra) = bodies.get(1) {
            self.problem(
                extra.at.clone(),
                "an operation can have only one body parameter",
            );
            return None;
        }
        if let (Some(_), Some(form)) = (bodies.first(), forms.first()) {
            self.problem(
                form.at.clone(),
                "an operation cannot have both a body parameter and formData parameters",
            );
            return None;
        }
        if let Some(body) = bodies.first() {
            return self.json_body(body, consumes, conv);
        }
        if forms.is_empty() {
            return None;
        }
        self.form_body(&forms, consumes, conv)
    }

    fn json_body(
        &mut self,
        body: &BodyParam<'a>,
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        self.origins.record(conv, &body.at);
        let Some(schema) = body.node.get("schema") else {
            self.problem(&body.at, "a body parameter needs a `schema`");
            return None;
        };
        let media_types = if consumes.types.is_empty() {
            vec![DEFAULT_MEDIA_TYPE.to_string()]
        } else {
            consumes.types.clone()
        };
        let schema_orig = pointer_join(&body.at, "schema");
        let content_pointer = pointer_join(conv, "content");
        let mut content = Map::new();
        for media_type in &media_types {
            let schema_conv = pointer_join(&pointer_join(&content_pointer, media_type), "schema");
            self.origins.record(&schema_conv, &schema_orig);
            let converted = self.schema(schema, &schema_orig, &schema_conv);
            content.insert(media_type.clone(), json!({ "schema": converted }));
        }
        let mut out = Map::new();
        for (key, value) in body.node {
            if matches!(key.as_str(), "description" | "required") || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        out.insert("content".into(), Value::Object(content));
        Some(Value::Object(out))
    }

    /// One object schema with a property per form parameter, sent as
    /// `application/x-www-form-urlencoded` or, with files, `multipart/form-data`.
    fn form_body(
        &mut self,
        forms: &[&BodyParam<'a>],
        consumes: &MediaTypes,
        conv: &str,
    ) -> Option<Value> {
        let first = forms.first()?;
        self.origins.record(conv, &first.at);
        let has_file = forms
            .iter()
            .any(|p| p.node.get("type").and_then(Value::as_str) == Some("file"));
        let mut media_types: Vec<String> = consumes
            .types
            .iter()
            .filter(|t| {
                let essence = t.split(';').next().unwrap_or("").trim();
                essence == MULTIPART || (essence == FORM && !has_file)
            })
            .cloned()
            .collect();
        if media_types.is_empty() {
            media_types.push(if has_file { MULTIPART } else { FORM }.to_string());
        }

        let content_pointer = pointer_join(conv, "content");
        let mut content = Map::new();
        let mut failed = false;
        for media_type in &media_types {
            let media_pointer = pointer_join(&content_pointer, media_type);
            let schema_conv = pointer_join(&media_pointer, "schema");
            self.origins.record(&schema_conv, &first.at);
            let mut properties = Map::new();
            let mut required = Vec::new();
            let mut encoding = Map::new();
            for param in forms {
                let property_conv =
                    pointer_join(&pointer_join(&schema_conv, "properties"), &param.name);
                self.origins.record(&property_conv, &param.at);
                let Some(mut schema) =
                    self.simple_schema(param.node, &param.at, &property_conv, Place::FormData)
                else {
                    failed = true;
                    continue;
                };
                if let (Some(description), Some(object)) =
                    (param.node.get("description"), schema.as_object_mut())
                {
                    object.insert("description".into(), description.clone());
                }
                if param.node.get("required") == Some(&Value::Bool(true)) {
                    required.push(Value::String(param.name.clone()));
                }
                if is_array(param.node) {
                    let Some((style, explode)) =
                        self.collection_style(param.node, &param.at, Place::FormData)
                    else {
                        failed = true;
                        continue;
                    };
                    // `multi` is what a form sends by default; only the others need
                    // saying, and only urlencoded bodies have styles in 3.0.
                    if media_type == FORM && (style, explode) != ("form", true) {
                        let encoding_pointer =
                            pointer_join(&pointer_join(&media_pointer, "encoding"), &param.name);
                        self.origins.record(&encoding_pointer, &param.at);
                        encoding.insert(
                            param.name.clone(),
                            json!({ "style": style, "explode": explode }),
                        );
                    }
                }
                properties.insert(param.name.clone(), schema);
            }
            let mut schema = Map::new();
            schema.insert("type".into(), "object".into());
            schema.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                schema.insert("required".into(), Value::Array(required));
            }
            let mut media = Map::new();
            media.insert("schema".into(), Value::Object(schema));
            if !encoding.is_empty() {
                media.insert("encoding".into(), Value::Object(encoding));
            }
            content.insert(media_type.clone(), Value::Object(media));
            if failed {
                // The same parameters would be reported again for each media type.
                return None;
            }
        }
        let mut out = Map::new();
        if forms
            .iter()
            .any(|p| p.node.get("required") == Some(&Value::Bool(true)))
        {
            out.insert("required".into(), true.into());
        }
        out.insert("content".into(), Value::Object(content));
        Some(Value::Object(out))
    }
}

/// The parameter at `at` as a body or form parameter, when it is one.
pub(super) fn body_param<'a>(node: &'a Map<String, Value>, at: &str) -> Option<BodyParam<'a>> {
    let form = match node.get("in").and_then(Value::as_str)? {
        "body" => false,
        "formData" => true,
        _ => return None,
    };
    Some(BodyParam {
        at: at.to_string(),
        node,
        form,
        name: node
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    })
}
