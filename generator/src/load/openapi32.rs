//! OpenAPI 3.2 rewritten in place into 3.1 form, which `openapi31.rs` then takes to 3.0
//! form. What 3.2 adds is read in three ways:
//!
//! - Rewritten into what the later stages read: a media type's `itemSchema` becomes the
//!   item extension (`x-specfirst-item-schema`), which types streamed items (and the
//!   parts of a multipart body read by position); a request body's `prefixEncoding` and
//!   `itemEncoding` become theirs (`x-specfirst-prefix-encoding`,
//!   `x-specfirst-item-encoding`), which place each part of such a body; a content
//!   entry that references `components/mediaTypes` is replaced by the entry it names
//!   (the component map then leaves the document read, not the published one); and a
//!   response without the `description` 3.1 requires gets its `summary` as one.
//! - Left where it is: fields that describe and serve nothing (a tag's `summary`,
//!   `parent` and `kind`, a server's `name`, a response's `summary`, a security scheme's
//!   `deprecated` and `oauth2MetadataUrl`, the OAuth device flow, `$self`, a
//!   discriminator's `defaultMapping`, an example's `dataValue` and `serializedValue`,
//!   XML's `nodeType`). The readers pass over them, and the round trip and the
//!   published document keep them as written.
//! - Read where it is: `additionalOperations` (operations of other methods), walked here
//!   and by the later stages beside the method fields; a key that names a method with a
//!   field, or that is no method name, is an error.
//! - Written in 3.1 words with a mark: a cookie parameter's `style: cookie` becomes
//!   `form` and the mark [`COOKIE_STYLE`], which lowering reads as the `cookie` style;
//!   an `in: querystring` parameter becomes `in: query` and the mark [`QUERYSTRING`],
//!   which lowering reads as the whole query string.
//! - Reported at its pointer: what is not served yet (`itemEncoding` and
//!   `prefixEncoding` outside request bodies), so nothing is dropped silently.

use serde_json::{Map, Value};
use specfirst_model::extensions::{ITEM_ENCODING, ITEM_SCHEMA, PREFIX_ENCODING};
use specfirst_model::vocabulary;

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::keywords::{COOKIE_STYLE, QUERYSTRING};
use crate::load::openapi31::each_entry;
use crate::load::origins::Origins;

/// Whether `name` is an HTTP token (RFC 9110), as a method name must be.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The prefix of a reference to a reusable media type object.
const MEDIA_TYPES: &str = "#/components/mediaTypes/";

/// Rewrites the 3.2 document `doc` into 3.1 form in place, returning what cannot be
/// served; an entry moved in from `components/mediaTypes` is recorded in `origins`.
pub fn lift(doc: &mut Value, origins: &mut Origins) -> Vec<Diagnostic> {
    let media_types = doc
        .pointer("/components/mediaTypes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut lift = Lift {
        problems: Vec::new(),
        origins,
        media_types,
    };
    lift.origins.next_stage();
    if let Value::Object(root) = doc {
        for key in ["paths", "webhooks"] {
            each_entry(root, key, "", |item, at| lift.path_item(item, at));
        }
        if let Some(Value::Object(components)) = root.get_mut("components") {
            components.remove("mediaTypes");
            let at = "/components";
            each_entry(components, "parameters", at, |p, at| lift.parameter(p, at));
            each_entry(components, "headers", at, |h, at| {
                lift.content_holder(h, at, Holder::Other)
            });
            each_entry(components, "requestBodies", at, |b, at| {
                lift.content_holder(b, at, Holder::RequestBody)
            });
            each_entry(components, "responses", at, |r, at| lift.response(r, at));
            each_entry(components, "pathItems", at, |i, at| lift.path_item(i, at));
            each_entry(components, "callbacks", at, |c, at| lift.callback(c, at));
        }
        root.insert("openapi".into(), Value::String("3.1.1".into()));
    }
    // The 3.1 rewrite records its moves in a stage of its own, after these.
    lift.origins.next_stage();
    lift.problems
}

/// What holds a `content` map: positional encodings are read in request bodies.
#[derive(Clone, Copy)]
enum Holder {
    RequestBody,
    Other,
}

struct Lift<'o> {
    problems: Vec<Diagnostic>,
    origins: &'o mut Origins,
    /// `components/mediaTypes` as written.
    media_types: Map<String, Value>,
}

impl Lift<'_> {
    fn problem(&mut self, pointer: String, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(pointer, message));
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Value::Object(map) = item else {
            return;
        };
        self.parameters(map, at);
        for method in vocabulary::METHODS {
            if let Some(operation) = map.get_mut(*method) {
                self.operation(operation, &pointer_join(at, method));
            }
        }
        let additional_at = pointer_join(at, vocabulary::ADDITIONAL_OPERATIONS);
        if let Some(Value::Object(additional)) = map.get_mut(vocabulary::ADDITIONAL_OPERATIONS) {
            for (method, operation) in additional.iter_mut() {
                let op_at = pointer_join(&additional_at, method);
                if vocabulary::METHODS.contains(&method.to_ascii_lowercase().as_str()) {
                    self.problem(
                        op_at,
                        format!(
                            "`{method}` has a field of its own (`{}`); `additionalOperations` \
                             holds only other methods",
                            method.to_ascii_lowercase()
                        ),
                    );
                } else if !is_token(method) {
                    self.problem(op_at, format!("{method:?} is not an HTTP method name"));
                } else {
                    self.operation(operation, &op_at);
                }
            }
        }
    }

    fn operation(&mut self, operation: &mut Value, at: &str) {
        let Value::Object(map) = operation else {
            return;
        };
        self.parameters(map, at);
        if let Some(body) = map.get_mut("requestBody") {
            self.content_holder(body, &pointer_join(at, "requestBody"), Holder::RequestBody);
        }
        each_entry(map, "responses", at, |r, p| self.response(r, p));
        each_entry(map, "callbacks", at, |c, p| self.callback(c, p));
    }

    fn callback(&mut self, callback: &mut Value, at: &str) {
        if let Value::Object(map) = callback {
            for (expression, item) in map.iter_mut() {
                self.path_item(item, &pointer_join(at, expression));
            }
        }
    }

    fn parameters(&mut self, holder: &mut Map<String, Value>, at: &str) {
        if let Some(Value::Array(parameters)) = holder.get_mut("parameters") {
            let base = pointer_join(at, "parameters");
            for (i, parameter) in parameters.iter_mut().enumerate() {
                self.parameter(parameter, &pointer_join(&base, i.to_string()));
            }
        }
    }

    fn parameter(&mut self, parameter: &mut Value, at: &str) {
        if parameter.get("style").and_then(Value::as_str) == Some("cookie") {
            let in_cookie = parameter.get("in").and_then(Value::as_str) == Some("cookie");
            match parameter {
                Value::Object(map) if in_cookie => {
                    map.insert("style".into(), Value::String("form".into()));
                    map.insert(COOKIE_STYLE.into(), Value::Bool(true));
                }
                _ => self.problem(
                    pointer_join(at, "style"),
                    "`style: cookie` is a style of cookie parameters (`in: cookie`)",
                ),
            }
        }
        if parameter.get("in").and_then(Value::as_str) == Some("querystring") {
            if let Value::Object(map) = parameter {
                map.insert("in".into(), Value::String("query".into()));
                map.insert(QUERYSTRING.into(), Value::Bool(true));
            }
        }
        self.content_holder(parameter, at, Holder::Other);
    }

    fn response(&mut self, response: &mut Value, at: &str) {
        if let Value::Object(map) = response {
            // 3.1 requires a description, which 3.2 leaves out when the summary says
            // enough: the summary stands in for it (and documents the variant).
            if !map.contains_key("description") && !map.contains_key("$ref") {
                let summary = map.get("summary").cloned().unwrap_or_default();
                let text = summary.as_str().unwrap_or_default().to_owned();
                map.insert("description".into(), Value::String(text));
            }
            each_entry(map, "headers", at, |h, p| {
                self.content_holder(h, p, Holder::Other)
            });
        }
        self.content_holder(response, at, Holder::Other);
    }

    /// The media types under `holder`'s `content`: references to reusable ones
    /// replaced by what they name, item schemas moved into the item extension, and in a
    /// request body the positional encodings into theirs.
    fn content_holder(&mut self, holder: &mut Value, at: &str, kind: Holder) {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        let base = pointer_join(at, "content");
        for (media_type, media) in content.iter_mut() {
            let at = pointer_join(&base, media_type);
            if let Some(name) = media
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|target| target.strip_prefix(MEDIA_TYPES))
            {
                let name = crate::diagnostic::unescape_token(name);
                match self.media_types.get(&name) {
                    Some(named) => {
                        *media = named.clone();
                        self.origins
                            .record(at.clone(), pointer_join("/components/mediaTypes", &name));
                    }
                    None => {
                        self.problem(
                            pointer_join(&at, "$ref"),
                            format!("no media type named {name:?} in components/mediaTypes"),
                        );
                        continue;
                    }
                }
            }
            let Value::Object(map) = media else {
                continue;
            };
            let mut moves = vec![("itemSchema", ITEM_SCHEMA)];
            for (key, extension) in [
                ("prefixEncoding", PREFIX_ENCODING),
                ("itemEncoding", ITEM_ENCODING),
            ] {
                match kind {
                    _ if !map.contains_key(key) => {}
                    Holder::RequestBody => moves.push((key, extension)),
                    Holder::Other => self.problem(
                        pointer_join(&at, key),
                        format!(
                            "`{key}` (where each part of a multipart body goes) is read in \
                             request bodies only, not yet in responses, headers or parameters"
                        ),
                    ),
                }
            }
            for (key, extension) in moves {
                if let Some(value) = map.remove(key) {
                    map.insert(extension.into(), value);
                    self.origins
                        .record(pointer_join(&at, extension), pointer_join(&at, key));
                }
            }
        }
    }
}
