//! `securityDefinitions` as 3.0 `securitySchemes`: `basic` becomes an `http` scheme,
//! and an OAuth2 definition's one `flow` becomes its `flows`.

use serde_json::{json, Map, Value};

use super::Converter;
use crate::diagnostic::pointer_join;

impl<'a> Converter<'a> {
    /// One security definition as a 3.0 security scheme: `None` after reporting a problem.
    pub(super) fn security_scheme(
        &mut self,
        scheme: &Value,
        orig: &str,
        conv: &str,
    ) -> Option<Value> {
        let Some(map) = scheme.as_object() else {
            self.problem(orig, "a security definition must be an object");
            return None;
        };
        let mut out = Map::new();
        match map.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), "http".into());
                out.insert("scheme".into(), "basic".into());
                self.origins
                    .record(pointer_join(conv, "scheme"), pointer_join(orig, "type"));
            }
            Some("apiKey") => {
                out.insert("type".into(), "apiKey".into());
                for key in ["name", "in"] {
                    if let Some(value) = map.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                out.insert("type".into(), "oauth2".into());
                let flow = self.oauth_flow(map, orig)?;
                let flows_pointer = pointer_join(conv, "flows");
                self.origins.record(&flows_pointer, orig);
                self.origins
                    .record(pointer_join(&flows_pointer, flow.0), orig);
                out.insert("flows".into(), json!({ flow.0: flow.1 }));
            }
            Some(other) => {
                self.problem(
                    pointer_join(orig, "type"),
                    format!("unknown security definition type `{other}`: expected `basic`, `apiKey` or `oauth2`"),
                );
                return None;
            }
            None => {
                self.problem(
                    pointer_join(orig, "type"),
                    "a security definition needs a `type`: `basic`, `apiKey` or `oauth2`",
                );
                return None;
            }
        }
        for (key, value) in map {
            if key == "description" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Some(Value::Object(out))
    }

    /// The 3.0 name and object of an OAuth2 definition's one flow.
    fn oauth_flow(
        &mut self,
        map: &Map<String, Value>,
        orig: &str,
    ) -> Option<(&'static str, Value)> {
        let flow_pointer = pointer_join(orig, "flow");
        let (name, urls): (&'static str, &[&str]) = match map.get("flow").and_then(Value::as_str) {
            Some("implicit") => ("implicit", &["authorizationUrl"]),
            Some("password") => ("password", &["tokenUrl"]),
            Some("application") => ("clientCredentials", &["tokenUrl"]),
            Some("accessCode") => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
            Some(other) => {
                self.problem(
                    flow_pointer,
                    format!("unknown OAuth2 flow `{other}`: expected `implicit`, `password`, `application` or `accessCode`"),
                );
                return None;
            }
            None => {
                self.problem(flow_pointer, "an OAuth2 definition needs a `flow`");
                return None;
            }
        };
        let mut flow = Map::new();
        for url in urls {
            match map.get(*url) {
                Some(Value::String(text)) => {
                    flow.insert((*url).into(), text.clone().into());
                }
                _ => {
                    self.problem(
                        orig,
                        format!("the OAuth2 `{}` flow needs a `{url}` string", name),
                    );
                    return None;
                }
            }
        }
        // 3.0 requires `scopes`; 2.0 does too, but an empty map says the same as none.
        let scopes = match map.get("scopes") {
            None => json!({}),
            Some(Value::Object(scopes)) => Value::Object(scopes.clone()),
            Some(_) => {
                self.problem(
                    pointer_join(orig, "scopes"),
                    "`scopes` must map scope names to descriptions",
                );
                return None;
            }
        };
        flow.insert("scopes".into(), scopes);
        Some((name, Value::Object(flow)))
    }
}
