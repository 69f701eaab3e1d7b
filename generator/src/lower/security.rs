//! Lowering of `components/securitySchemes` and of the global and per-operation
//! `security` requirements into the API model.
//!
//! Requirements follow OpenAPI's rules: an operation's own `security` replaces the
//! document's; the listed requirements are alternatives (any one admits a request); the
//! schemes inside one requirement must all accept it; an empty requirement `{}` admits
//! anonymous requests, and `security: []` makes an operation public.

use serde_json::Value;

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::ir::COMBINE_METHOD;
use crate::ir::{
    ApiKeyLocation, Auth, Operation, Requirement, SchemeKind, SchemeUse, SecurityScheme,
};
use crate::load::refs::{self, Broken};
use crate::load::Document;
use crate::naming::{snake, Namespace};

const SCHEMES: &str = "/components/securitySchemes";

/// The schemes a document declares, read once and used for every operation.
pub struct Schemes {
    /// The declared schemes in document order, then those requirements name without
    /// declaring them, in the order first named.
    schemes: Vec<SecurityScheme>,
    /// Every declared name, readable or not, so a requirement naming a broken scheme is
    /// not reported a second time.
    names: Vec<String>,
    /// The authentication trait's method names, claimed so far.
    methods: Namespace,
    /// The document-wide `security`, or `None` when absent.
    global: Option<Vec<Requirement>>,
}

/// Where lowering puts what it finds.
pub struct Found<'a> {
    /// What stops generation.
    pub problems: &'a mut Vec<Diagnostic>,
    /// What the code copes with, as the warning says.
    pub warnings: &'a mut Vec<Diagnostic>,
}

impl Schemes {
    /// Reads `components/securitySchemes` and the global `security` of `doc`.
    pub fn read(doc: &Document, found: Found<'_>) -> Self {
        let Found { problems, warnings } = found;
        let mut schemes = Vec::new();
        let mut names = Vec::new();
        let mut methods = Namespace::with_reserved([COMBINE_METHOD]);
        match doc.node(SCHEMES) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, _) in map {
                    let pointer = pointer_join(SCHEMES, name);
                    names.push(name.clone());
                    let Some((at, node)) = resolve(doc, &pointer, problems) else {
                        continue;
                    };
                    if let Some(kind) = scheme_kind(node, &at, problems, warnings) {
                        schemes.push(SecurityScheme {
                            name: name.clone(),
                            method_name: methods.claim(&snake(name, "scheme")),
                            description: node
                                .get("description")
                                .and_then(Value::as_str)
                                .map(str::to_string),
                            kind,
                        });
                    }
                }
            }
            Some(_) => problems.push(Diagnostic::new(
                SCHEMES,
                "`securitySchemes` must be an object",
            )),
        }
        let mut this = Self {
            schemes,
            names,
            methods,
            global: None,
        };
        if doc.node("/security").is_some() {
            let found = Found { problems, warnings };
            this.global = Some(this.requirements_at(doc, "/security", found));
        }
        this
    }

    /// The requirements in force for the operation at `op_pointer`.
    pub fn for_operation(
        &mut self,
        doc: &Document,
        op_pointer: &str,
        found: Found<'_>,
    ) -> Vec<Requirement> {
        let own = pointer_join(op_pointer, "security");
        if doc.node(&own).is_some() {
            self.requirements_at(doc, &own, found)
        } else {
            self.global.clone().unwrap_or_default()
        }
    }

    /// The authentication model, when some operation requires authentication.
    pub fn finish(
        self,
        trait_name: Option<String>,
        realm: &str,
        operations: &[Operation],
    ) -> Option<Auth> {
        let trait_name = trait_name?;
        if operations.iter().all(|op| op.security.is_empty()) {
            return None;
        }
        Some(Auth {
            trait_name,
            realm: realm.to_string(),
            schemes: self.schemes,
        })
    }

    /// Whether the document declares any scheme, so the trait name is claimed early.
    pub fn declared(doc: &Document) -> bool {
        matches!(doc.node(SCHEMES), Some(Value::Object(map)) if !map.is_empty())
    }

    /// Whether some requirement named a scheme the document does not declare, so the
    /// authentication trait is needed though no scheme is declared.
    pub fn named_undeclared(&self) -> bool {
        self.schemes.iter().any(|scheme| {
            scheme.kind
                == SchemeKind::Undescribed {
                    declared_type: None,
                }
        })
    }

    /// Reads a `security` list, normalized: `[]` and a list of only `{}` are public
    /// (no requirements at all).
    fn requirements_at(
        &mut self,
        doc: &Document,
        pointer: &str,
        found: Found<'_>,
    ) -> Vec<Requirement> {
        let Found { problems, warnings } = found;
        let Some(Value::Array(list)) = doc.node(pointer) else {
            problems.push(Diagnostic::new(
                pointer,
                "`security` must be a list of security requirement objects",
            ));
            return Vec::new();
        };
        let mut out: Vec<Requirement> = Vec::new();
        for (index, entry) in list.iter().enumerate() {
            let at = pointer_join(pointer, index.to_string());
            let Some(map) = entry.as_object() else {
                problems.push(Diagnostic::new(
                    at,
                    "a security requirement must be an object of scheme names to scope lists",
                ));
                continue;
            };
            let mut requirement = Requirement::default();
            let mut complete = true;
            for (name, scopes) in map {
                let use_at = pointer_join(&at, name);
                match self.scheme_use(name, scopes, &use_at, problems, warnings) {
                    Some(scheme_use) => requirement.schemes.push(scheme_use),
                    None => complete = false,
                }
            }
            if complete && !out.contains(&requirement) {
                out.push(requirement);
            }
        }
        if out.iter().all(|r| r.schemes.is_empty()) {
            return Vec::new();
        }
        out
    }

    fn scheme_use(
        &mut self,
        name: &str,
        scopes: &Value,
        at: &str,
        problems: &mut Vec<Diagnostic>,
        warnings: &mut Vec<Diagnostic>,
    ) -> Option<SchemeUse> {
        let declared = self.names.iter().any(|n| n == name);
        let index = match self.schemes.iter().position(|s| s.name == name) {
            Some(index) => index,
            // Declared but unreadable: said where it is declared.
            None if declared => return None,
            // The spec does not say how its credential is presented, so the
            // implementation reads it from the whole request.
            None => {
                self.schemes.push(SecurityScheme {
                    name: name.to_string(),
                    method_name: self.methods.claim(&snake(name, "scheme")),
                    description: None,
                    kind: SchemeKind::Undescribed {
                        declared_type: None,
                    },
                });
                self.schemes.len() - 1
            }
        };
        if !declared {
            warnings.push(Diagnostic::new(
                at,
                format!(
                    "security scheme `{name}` is not declared under \
                     `components/securitySchemes` (OpenAPI, Security Requirement Object: \
                     \"Each name MUST correspond to a security scheme which is declared in \
                     the Security Schemes under the Components Object\"); the authentication \
                     trait's `{}` method reads the credential from the request",
                    self.schemes[index].method_name
                ),
            ));
        }
        let scheme = &self.schemes[index];
        let Some(list) = scopes.as_array() else {
            problems.push(Diagnostic::new(at, "scopes must be a list of strings"));
            return None;
        };
        let mut wanted = Vec::new();
        for (i, scope) in list.iter().enumerate() {
            let Some(scope) = scope.as_str() else {
                problems.push(Diagnostic::new(
                    pointer_join(at, i.to_string()),
                    "a scope must be a string",
                ));
                return None;
            };
            wanted.push(scope.to_string());
        }
        if !wanted.is_empty() && !scheme.kind.has_scopes() {
            problems.push(Diagnostic::new(
                at,
                format!(
                    "scheme `{name}` takes no scopes (only oauth2 and openIdConnect do); use `[]`"
                ),
            ));
            return None;
        }
        if let SchemeKind::OAuth2 { scopes: declared } = &scheme.kind {
            for (i, scope) in wanted.iter().enumerate() {
                if !declared.contains(scope) {
                    problems.push(Diagnostic::new(
                        pointer_join(at, i.to_string()),
                        format!("scope `{scope}` is not declared by any flow of `{name}`"),
                    ));
                }
            }
        }
        Some(SchemeUse {
            scheme: index,
            scopes: wanted,
        })
    }
}

/// Follows local `$ref`s from `pointer`.
fn resolve<'d>(
    doc: &'d Document,
    pointer: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<(String, &'d Value)> {
    let stopped = match refs::resolve(&doc.raw, pointer, doc.node(pointer)?) {
        Ok(found) => return Some(found),
        Err(stopped) => stopped,
    };
    match stopped.why {
        Broken::Cycle(_) | Broken::TooLong => {
            problems.push(Diagnostic::new(pointer, "reference chain too long"))
        }
        Broken::NotAString | Broken::External(_) | Broken::Unresolved(_) => {
            let reference = &stopped.node["$ref"];
            problems.push(Diagnostic::new(
                pointer_join(&stopped.at, "$ref"),
                format!("unresolved reference `{reference}`"),
            ))
        }
    }
    None
}

/// What kind of scheme the object at `at` describes.
fn scheme_kind(
    node: &Value,
    at: &str,
    problems: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<SchemeKind> {
    let text = |key: &str| node.get(key).and_then(Value::as_str);
    let require = |key: &str, problems: &mut Vec<Diagnostic>| {
        let value = text(key);
        if value.is_none() {
            problems.push(Diagnostic::new(
                at,
                format!("this scheme needs a string `{key}`"),
            ));
        }
        value
    };
    match text("type") {
        Some("http") => {
            let scheme = require("scheme", problems)?;
            match scheme.to_ascii_lowercase().as_str() {
                "bearer" => Some(SchemeKind::Bearer {
                    format: text("bearerFormat").map(str::to_string),
                }),
                "basic" => Some(SchemeKind::Basic),
                // RFC 9110 names schemes with token characters; anything else could
                // never be matched in an `Authorization` header.
                _ if !scheme.is_empty()
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)) =>
                {
                    Some(SchemeKind::Http {
                        scheme: scheme.to_string(),
                    })
                }
                _ => {
                    problems.push(Diagnostic::new(
                        pointer_join(at, "scheme"),
                        format!("`{scheme}` is not an HTTP authentication scheme name"),
                    ));
                    None
                }
            }
        }
        Some("apiKey") => {
            let location = require("in", problems)?;
            let name = require("name", problems)?.to_string();
            let location = match location {
                "header" => ApiKeyLocation::Header,
                "query" => ApiKeyLocation::Query,
                "cookie" => ApiKeyLocation::Cookie,
                other => {
                    problems.push(Diagnostic::new(
                        pointer_join(at, "in"),
                        format!("`{other}` is not `header`, `query` or `cookie`"),
                    ));
                    return None;
                }
            };
            if name.is_empty() {
                problems.push(Diagnostic::new(
                    pointer_join(at, "name"),
                    "an API key needs a non-empty `name`",
                ));
                return None;
            }
            Some(SchemeKind::ApiKey { location, name })
        }
        Some("oauth2") => {
            let Some(Value::Object(flows)) = node.get("flows") else {
                problems.push(Diagnostic::new(at, "an oauth2 scheme needs `flows`"));
                return None;
            };
            let mut scopes: Vec<String> = Vec::new();
            for flow in flows.values() {
                if let Some(Value::Object(map)) = flow.get("scopes") {
                    for scope in map.keys() {
                        if !scopes.contains(scope) {
                            scopes.push(scope.clone());
                        }
                    }
                }
            }
            Some(SchemeKind::OAuth2 { scopes })
        }
        Some("openIdConnect") => Some(SchemeKind::OpenIdConnect {
            url: require("openIdConnectUrl", problems)?.to_string(),
        }),
        Some("mutualTLS") => Some(SchemeKind::MutualTls),
        Some(other) => {
            warnings.push(Diagnostic::new(
                pointer_join(at, "type"),
                format!(
                    "unknown security scheme type `{other}` (OpenAPI, Security Scheme Object: \
                     \"Valid values are \"apiKey\", \"http\", \"mutualTLS\", \"oauth2\", \
                     \"openIdConnect\"\"); the authentication trait's method reads the \
                     credential from the request"
                ),
            ));
            Some(SchemeKind::Undescribed {
                declared_type: Some(other.to_string()),
            })
        }
        None => {
            problems.push(Diagnostic::new(
                at,
                "a security scheme needs a string `type`",
            ));
            None
        }
    }
}
