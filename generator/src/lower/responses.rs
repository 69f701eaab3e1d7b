//! Responses: statuses, their variants, headers and bodies.

use serde_json::{json, Value};

use crate::diagnostic::pointer_join;
use crate::ir::{Response, ResponseAlternative, ResponseHeader, SchemaUse, StatusSpec};
use crate::naming::{pascal, snake, Namespace};

use super::bodies::{media_types, media_variant, pick_media_type};
use super::{leftover, schema, websocket, Lower};

impl<'a> Lower<'a> {
    pub(super) fn responses(&mut self, op_pointer: &str, type_base: &str) -> Vec<Response> {
        let pointer = format!("{op_pointer}/responses");
        let keys: Vec<String> = match self.doc.node(&pointer) {
            Some(Value::Object(map)) => map
                .keys()
                .filter(|k| !k.starts_with("x-"))
                .cloned()
                .collect(),
            _ => {
                self.problem(op_pointer, "an operation must declare `responses`");
                return Vec::new();
            }
        };
        let mut variants = Namespace::default();
        let mut out = Vec::new();
        for key in keys {
            let at = pointer_join(&pointer, &key);
            let Some(status) = parse_status(&key) else {
                self.problem(
                    at,
                    format!("`{key}` is not a status code, a range such as `4XX`, or `default`"),
                );
                continue;
            };
            let Some((def, response)) = self.typed::<openapiv3::Response>(&at) else {
                continue;
            };
            let variant = variants.claim(&variant_name(status));
            let base = format!("{type_base}{variant}");
            let mut header_fields = Namespace::with_reserved(["status", "body", "content_type"]);
            let mut headers = Vec::new();
            let mut ignored_headers = serde_json::Map::new();
            for (name, _) in &response.headers {
                let header_pointer = pointer_join(&pointer_join(&def, "headers"), name);
                // A 101's handshake headers are the upgrade's to write.
                let handshake =
                    status == StatusSpec::Code(101) && websocket::handshake_header(name);
                if name.eq_ignore_ascii_case("content-type") || handshake {
                    if let Some((_, node)) = self.deref(&header_pointer) {
                        ignored_headers.insert(name.clone(), node.clone());
                    }
                    continue;
                }
                let Some((hdef, header)) = self.typed::<openapiv3::Header>(&header_pointer) else {
                    continue;
                };
                let schema_pointer = pointer_join(&hdef, "schema");
                // A header described without a schema (or by `content`) is still text on
                // the wire; many real specs leave the schema out.
                let written_schema = self.doc.node(&schema_pointer).cloned();
                let raw = written_schema
                    .clone()
                    .unwrap_or_else(|| json!({ "type": "string" }));
                let extra = leftover(
                    self.doc.node(&hdef).unwrap_or(&Value::Null),
                    &["description", "required", "schema"],
                );
                headers.push(ResponseHeader {
                    name: name.to_ascii_lowercase(),
                    field: header_fields.claim(&snake(name, "header")),
                    required: header.required,
                    description: header.description.clone(),
                    schema: SchemaUse {
                        schema: schema::normalize_in(
                            &self.doc.raw,
                            &raw,
                            &schema_pointer,
                            &mut self.problems,
                        ),
                        name_hint: format!("{base}{}", pascal(name, "Header")),
                    },
                    written_schema,
                    extra,
                });
            }
            let content_pointer = pointer_join(&def, "content");
            let body = pick_media_type(response.content.keys()).map(|media_type| {
                self.response_body(&content_pointer, &media_type, &format!("{base}Body"))
            });
            let mut alternatives = Vec::new();
            if response.content.len() > 1 {
                let mut names = Namespace::default();
                let preferred = pick_media_type(response.content.keys());
                for media_type in response.content.keys() {
                    let name = names.claim(&media_variant(media_type));
                    // The preferred type keeps the names it had as the only body.
                    let body = match (&body, &preferred) {
                        (Some(body), Some(preferred)) if preferred == media_type => body.clone(),
                        _ => self.response_body(
                            &content_pointer,
                            media_type,
                            &format!("{base}{name}Body"),
                        ),
                    };
                    alternatives.push(ResponseAlternative {
                        media_type: media_type.clone(),
                        variant: name,
                        body,
                    });
                }
            }
            let raw_response = self.doc.node(&def).unwrap_or(&Value::Null);
            out.push(Response {
                status,
                variant,
                description: Some(response.description).filter(|d| !d.is_empty()),
                headers,
                body,
                declared: true,
                content: media_types(raw_response),
                alternatives,
                ignored_headers,
                extra: leftover(raw_response, &["description", "headers", "content"]),
            });
        }
        if out.is_empty()
            && !self
                .problems
                .iter()
                .any(|p| p.pointer.starts_with(&pointer))
        {
            // `responses: {}` declares nothing; any status with no body is all that can
            // be promised.
            out.push(Response::undeclared(
                StatusSpec::Default,
                "Default".into(),
                "The spec declares no responses.",
            ));
        }
        out
    }
}

pub(super) fn parse_status(key: &str) -> Option<StatusSpec> {
    if key == "default" {
        return Some(StatusSpec::Default);
    }
    let bytes = key.as_bytes();
    if bytes.len() != 3 {
        return None;
    }
    if bytes[1..].eq_ignore_ascii_case(b"XX") && (b'1'..=b'5').contains(&bytes[0]) {
        return Some(StatusSpec::Range(u16::from(bytes[0] - b'0')));
    }
    let code: u16 = key.parse().ok()?;
    (100..=599)
        .contains(&code)
        .then_some(StatusSpec::Code(code))
}

pub(super) fn variant_name(status: StatusSpec) -> String {
    match status {
        StatusSpec::Default => "Default".into(),
        StatusSpec::Range(1) => "Informational".into(),
        StatusSpec::Range(2) => "Success".into(),
        StatusSpec::Range(3) => "Redirection".into(),
        StatusSpec::Range(4) => "ClientError".into(),
        StatusSpec::Range(_) => "ServerError".into(),
        StatusSpec::Code(code) => http::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .map(|reason| pascal(reason, "Status"))
            .unwrap_or_else(|| format!("Status{code}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(parse_status("200"), Some(StatusSpec::Code(200)));
        assert_eq!(parse_status("4xx"), Some(StatusSpec::Range(4)));
        assert_eq!(parse_status("default"), Some(StatusSpec::Default));
        assert_eq!(parse_status("600"), None);
        assert_eq!(parse_status("ok"), None);
        assert_eq!(variant_name(StatusSpec::Code(204)), "NoContent");
        assert_eq!(variant_name(StatusSpec::Code(418)), "ImATeapot");
        assert_eq!(variant_name(StatusSpec::Code(599)), "Status599");
    }
}
