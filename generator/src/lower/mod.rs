//! From a loaded document to the API model, collecting every problem on the way.
//!
//! The walk follows the raw JSON so every diagnostic carries the pointer of what the
//! user wrote; each node is then read through `openapiv3`'s types.

mod bodies;
mod names;
mod operation_names;
mod pagination;
mod parameters;
mod positions;
mod responses;
mod routes;
pub(crate) mod schema;
pub(crate) mod security;
mod trait_parts;
pub(crate) mod types;
mod websocket;

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostic::{pointer_below, pointer_join, Diagnostic, Diagnostics};
use crate::ir::{Api, ApiSource, Operation, PathItemSource};
use crate::keywords::BODY_LIMIT_EXTENSION;
use crate::keywords::METHODS;
use crate::load::refs::{self, Broken};
use crate::load::Document;
use crate::naming::{pascal, short_title, Namespace};
use crate::Settings;
use names::{rename_colliding_components, rename_components, schema_uses_and_copies};
use routes::{webhook_segment, Route};
use security::Schemes;
use specfirst_model::vocabulary;

/// Builds the API model of `doc` with the warnings found on the way, or every problem
/// found in it.
pub fn lower(doc: &Document, settings: &Settings) -> Result<(Api, Diagnostics), Diagnostics> {
    let mut lower = Lower {
        doc,
        settings,
        problems: Vec::new(),
        warnings: Vec::new(),
        methods: method_names(),
        types: Namespace::default(),
        schemes: None,
    };
    let api = lower.api();
    if lower.problems.is_empty() && doc.dangling.is_empty() {
        // What loading set aside is already at its pointer in the input.
        let mut warnings = doc.diagnostics(lower.warnings).items;
        warnings.extend(doc.set_aside.iter().cloned());
        return Ok((api, Diagnostics::new(&doc.file, warnings).warnings()));
    }
    // A dangling reference is said once, in the words that name what it meant; the
    // stages that tripped over it say less at the same `$ref`.
    let mut problems = doc.diagnostics(lower.problems);
    problems
        .items
        .retain(|item| !doc.dangling.iter().any(|d| d.pointer == item.pointer));
    let mut items = problems.items;
    items.extend(doc.dangling.iter().cloned());
    Err(Diagnostics::new(&doc.file, items))
}

struct Lower<'a> {
    doc: &'a Document,
    settings: &'a Settings,
    problems: Vec<Diagnostic>,
    /// What the spec should not say but the code copes with, as it says.
    warnings: Vec<Diagnostic>,
    methods: Namespace,
    types: Namespace,
    schemes: Option<Schemes>,
}

impl<'a> Lower<'a> {
    fn problem(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic::new(pointer, message));
    }

    fn api(&mut self) -> Api {
        let info = &self.doc.info;
        let title = info.title.clone();
        let trait_name = match &self.settings.trait_name {
            Some(name) => name.clone(),
            None => {
                // A long title makes a long name; its first words say what the API is.
                let short = short_title(&title);
                let base = pascal(if short.is_empty() { &title } else { &short }, "Api");
                if base.ends_with("Api") {
                    base
                } else {
                    format!("{base}Api")
                }
            }
        };
        self.types.claim(&trait_name);
        let auth_trait = Schemes::declared(self.doc).then(|| {
            self.types
                .claim(&format!("{}Auth", trait_name.trim_end_matches("Api")))
        });
        let found = security::Found {
            problems: &mut self.problems,
            warnings: &mut self.warnings,
        };
        self.schemes = Some(Schemes::read(self.doc, found));

        let mut schemas = Vec::new();
        if let Some(Value::Object(map)) = self.doc.node("/components/schemas") {
            for (name, schema) in map {
                let pointer = pointer_join("/components/schemas", name);
                let mut normalized =
                    schema::normalize_in(&self.doc.raw, schema, &pointer, &mut self.problems);
                schema::name_tagged_variants(&mut normalized, name);
                schemas.push((name.clone(), normalized));
            }
        }
        schema::split_nullable_wrappers(&mut schemas);

        for name in self.settings.method_names.values() {
            self.methods.claim(name);
        }
        let mut source = self.api_source();
        let mut operations = Vec::new();
        if let Some(Value::Object(paths)) = self.doc.node("/paths") {
            for (path, _) in paths {
                let pointer = pointer_join("/paths", path);
                self.path_item(path, &pointer, &mut operations, &mut source);
            }
        }
        let route_choices = self.check_routes(&mut operations, true);
        let trait_parts = trait_parts::trait_parts(&operations, &trait_name, &mut self.types);
        for part in &trait_parts {
            for &index in &part.operations {
                operations[index].declared_in = Some(part.name.clone());
            }
        }

        // Webhooks are methods of their own trait, so their names do not compete with
        // the operations'; their types share one namespace with everything else.
        let webhooks_trait = self
            .types
            .claim(&format!("{}Webhooks", trait_name.trim_end_matches("Api")));
        let mut webhooks = Vec::new();
        if let Some(Value::Object(hooks)) = self.doc.node("/webhooks") {
            let operation_methods = std::mem::replace(&mut self.methods, method_names());
            for (name, _) in hooks {
                let pointer = pointer_join("/webhooks", name);
                let path = format!("/{}", webhook_segment(name));
                // The round trip rebuilds webhooks from the top-level keys as written.
                let mut scratch = ApiSource::default();
                self.path_item(&path, &pointer, &mut webhooks, &mut scratch);
            }
            self.methods = operation_methods;
            for hook in &mut webhooks {
                // A receiver authenticates deliveries itself (signatures, mostly); the
                // API's own schemes say how its users call it, not how it calls them.
                hook.security.clear();
            }
            self.check_routes(&mut webhooks, false);
        }
        let renames: BTreeMap<String, String> = self
            .settings
            .types
            .iter()
            .filter_map(|(name, setting)| Some((name.clone(), setting.rename.clone()?)))
            .collect();
        rename_components(
            &mut schemas,
            operations.iter_mut().chain(webhooks.iter_mut()),
            &renames,
        );
        rename_colliding_components(
            &mut schemas,
            operations.iter_mut().chain(webhooks.iter_mut()),
        );
        let (uses, copies): (Vec<_>, Vec<_>) = operations
            .iter_mut()
            .chain(webhooks.iter_mut())
            .map(schema_uses_and_copies)
            .unzip();
        let uses: Vec<_> = uses
            .into_iter()
            .flatten()
            .map(|schema_use| {
                schema::name_tagged_variants(&mut schema_use.schema, &schema_use.name_hint);
                (schema_use.name_hint.as_str(), &mut schema_use.schema)
            })
            .collect();
        let copies = copies
            .into_iter()
            .flatten()
            .map(|schema_use| &mut schema_use.schema)
            .collect();
        schema::share_identical_shapes(&mut schemas, uses, copies);
        // The copies too: a component renamed here may be one the copies now refer to.
        let uses = operations
            .iter_mut()
            .chain(webhooks.iter_mut())
            .flat_map(|op| {
                let (uses, copies) = schema_uses_and_copies(op);
                uses.into_iter().chain(copies)
            })
            .map(|schema_use| &mut schema_use.schema)
            .collect();
        schema::settle_inline_names(&mut schemas, uses);
        let auth = self.schemes.take().and_then(|schemes| {
            // Named here when only schemes nothing declares are used.
            let auth_trait = auth_trait.or_else(|| {
                schemes.named_undeclared().then(|| {
                    self.types
                        .claim(&format!("{}Auth", trait_name.trim_end_matches("Api")))
                })
            });
            schemes.finish(auth_trait, &title, &operations)
        });

        Api {
            title,
            version: info.version.clone(),
            summary: self
                .doc
                .node("/info/summary")
                .and_then(Value::as_str)
                .map(str::to_string),
            description: info.description.clone(),
            trait_parts,
            route_choices,
            trait_name,
            schemas,
            operations,
            auth,
            webhooks,
            webhooks_trait,
            source,
        }
    }

    /// The document-level parts the round trip needs and the generator does not read.
    fn api_source(&self) -> ApiSource {
        let raw = &self.doc.raw;
        let components = raw.get("components").unwrap_or(&Value::Null);
        ApiSource {
            extra: leftover(raw, &["info", "paths", "components", "security"]),
            info_extra: leftover(
                raw.get("info").unwrap_or(&Value::Null),
                &["title", "version", "description"],
            ),
            paths_extra: match raw.get("paths") {
                Some(Value::Object(paths)) => paths
                    .iter()
                    .filter(|(k, _)| k.starts_with("x-"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                _ => serde_json::Map::new(),
            },
            path_items: Vec::new(),
            schemas: match components.get("schemas") {
                Some(Value::Object(map)) => {
                    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
                }
                _ => Vec::new(),
            },
            components_extra: leftover(
                components,
                &[
                    "schemas",
                    "parameters",
                    "requestBodies",
                    "responses",
                    "headers",
                    "pathItems",
                ],
            ),
        }
    }

    /// Follows `$ref`s from the node at `pointer` to the node that defines it.
    fn deref(&mut self, pointer: &str) -> Option<(String, &'a Value)> {
        let doc: &'a Document = self.doc;
        let node = doc.node(pointer)?;
        let stopped = match refs::resolve(&doc.raw, pointer, node) {
            Ok(found) => return Some(found),
            Err(stopped) => stopped,
        };
        let ref_pointer = pointer_join(&stopped.at, "$ref");
        match stopped.why {
            Broken::NotAString => self.problem(ref_pointer, "`$ref` must be a string"),
            Broken::External(target) => self.problem(
                ref_pointer,
                format!(
                    "external reference `{target}` is not supported; inline it or bundle the spec"
                ),
            ),
            Broken::Cycle(target) => {
                self.problem(ref_pointer, format!("reference cycle through `{target}`"))
            }
            Broken::Unresolved(target) => {
                self.problem(ref_pointer, format!("unresolved reference `{target}`"))
            }
            Broken::TooLong => self.problem(pointer, "reference chain too long"),
        }
        None
    }

    /// Reads the node at `pointer` (after references) as `T`.
    fn typed<T: DeserializeOwned>(&mut self, pointer: &str) -> Option<(String, T)> {
        let (at, node) = self.deref(pointer)?;
        self.read_as(at, node)
    }

    /// `node` (found at `at`) as a `T`, or a diagnostic at the part that does not fit.
    fn read_as<T: DeserializeOwned>(&mut self, at: String, node: &Value) -> Option<(String, T)> {
        match serde_path_to_error::deserialize::<_, T>(node) {
            Ok(value) => Some((at, value)),
            Err(error) => {
                let inner = format!("{at}{}", crate::load::path_to_pointer(error.path()));
                self.problem(inner, format!("malformed: {}", error.inner()));
                None
            }
        }
    }

    /// [`Self::typed`] on the node at `pointer` without its `skipped` keys.
    fn typed_except<T: DeserializeOwned>(
        &mut self,
        pointer: &str,
        skipped: &[&str],
    ) -> Option<(String, T)> {
        let (at, node) = self.deref(pointer)?;
        let mut node = node.clone();
        if let Some(object) = node.as_object_mut() {
            for key in skipped {
                object.remove(*key);
            }
        }
        self.read_as(at, &node)
    }

    fn path_item(
        &mut self,
        path: &str,
        pointer: &str,
        operations: &mut Vec<Operation>,
        source: &mut ApiSource,
    ) {
        if path.starts_with("x-") {
            // An extension of `paths`, kept in `ApiSource::paths_extra`.
            return;
        }
        let Some((item_pointer, item)) = self.deref(pointer) else {
            return;
        };
        let Some(item) = item.as_object() else {
            self.problem(item_pointer, "a path item must be an object");
            return;
        };
        let mut modelled = METHODS.to_vec();
        modelled.extend(["parameters", "$ref", vocabulary::ADDITIONAL_OPERATIONS]);
        source.path_items.push(PathItemSource {
            path: path.to_string(),
            extra: leftover_map(item, &modelled),
        });
        let shared: Vec<String> = match item.get("parameters") {
            Some(Value::Array(list)) => (0..list.len())
                .map(|i| format!("{item_pointer}/parameters/{i}"))
                .collect(),
            _ => Vec::new(),
        };
        for (method, tokens) in vocabulary::operation_places(item) {
            let op_pointer = pointer_below(&item_pointer, &tokens);
            if let Some(op) = self.operation(path, &method, &op_pointer, &shared) {
                operations.push(op);
            }
        }
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        pointer: &str,
        shared_params: &[String],
    ) -> Option<Operation> {
        // Callbacks are kept as written (in `extra`), never read; openapiv3 cannot read a
        // callback that is a `$ref` (PeerTube's), so they are not handed to it.
        let (_, op) = self.typed_except::<openapiv3::Operation>(pointer, &["callbacks"])?;
        let raw_op = self.doc.node(pointer).unwrap_or(&Value::Null);
        let mut extra = leftover(
            raw_op,
            &[
                "operationId",
                "summary",
                "description",
                "deprecated",
                "parameters",
                "requestBody",
                "responses",
                "security",
            ],
        );
        // An empty `content` (Just Eat's) declares no media type: there is no body to
        // read, and the request body stays in `extra` as written.
        let body_pointer = pointer_join(pointer, "requestBody");
        let media_less = raw_op.get("requestBody").is_some()
            && self.deref(&body_pointer).is_some_and(|(_, body)| {
                body.get("content")
                    .and_then(Value::as_object)
                    .is_some_and(serde_json::Map::is_empty)
            });
        if media_less {
            if let Some(body) = raw_op.get("requestBody") {
                extra.insert("requestBody".into(), body.clone());
            }
        } else if op.request_body.is_some() {
            // Read into `RequestBody::max_bytes`; without a body nothing reads it.
            extra.remove(BODY_LIMIT_EXTENSION);
        }
        let responses_extra: serde_json::Map<String, Value> = match raw_op.get("responses") {
            Some(Value::Object(map)) => map
                .iter()
                .filter(|(k, _)| k.starts_with("x-"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            _ => serde_json::Map::new(),
        };
        let operation_id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        let (method_name, base) = self.operation_names(&operation_id, method, path);
        let request_type = format!("{base}Request");
        let response_type = format!("{base}Response");

        let Route {
            axum: route,
            params: template,
            literals: segment_literals,
        } = self.route(path, pointer);
        let mut fields = Namespace::with_reserved(["body"]);
        let mut params = self.params(pointer, shared_params, &template, &base, &mut fields);
        let body = if media_less {
            None
        } else {
            self.request_body(pointer, &base)
        };
        let mut responses = self.responses(pointer, &base);
        let websocket = self.websocket(pointer, method, &mut responses);
        let pagination = self.pagination(pointer, &base, &mut params, &responses);
        let link_pagination = self.link_pagination(pointer, &responses);
        let security = match &mut self.schemes {
            Some(schemes) => {
                let found = security::Found {
                    problems: &mut self.problems,
                    warnings: &mut self.warnings,
                };
                schemes.for_operation(self.doc, pointer, found)
            }
            None => Vec::new(),
        };

        let segment_gaps = self.segment_gaps(pointer, path, &segment_literals, &params);
        Some(Operation {
            operation_id,
            declared_in: None,
            pointer: pointer.to_string(),
            // A field's method in upper case; an `additionalOperations` key as sent.
            method: match METHODS.contains(&method) {
                true => method.to_ascii_uppercase(),
                false => method.to_string(),
            },
            path: path.to_string(),
            route,
            method_name,
            request_type,
            response_type,
            summary: op.summary,
            description: op.description,
            deprecated: op.deprecated,
            params,
            body,
            responses,
            pagination,
            link_pagination,
            security,
            websocket,
            segment_gaps,
            segment_literals,
            segment_classes: Default::default(),
            operation_id_declared: op.operation_id.is_some(),
            responses_extra,
            extra,
        })
    }
}

/// The keys of `node` (an object) that are not in `modelled`, as written: what the
/// round trip needs beside the IR's interpreted fields.
fn leftover(node: &Value, modelled: &[&str]) -> serde_json::Map<String, Value> {
    match node {
        Value::Object(map) => leftover_map(map, modelled),
        _ => serde_json::Map::new(),
    }
}

fn leftover_map(
    map: &serde_json::Map<String, Value>,
    modelled: &[&str],
) -> serde_json::Map<String, Value> {
    map.iter()
        .filter(|(k, _)| !modelled.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The pointer `pointer` resolves to through `$ref`s, or itself.
fn resolved_pointer(lower: &mut Lower<'_>, pointer: &str) -> String {
    lower
        .deref(pointer)
        .map_or_else(|| pointer.to_string(), |(at, _)| at)
}

/// The names the trait's methods are chosen from, with those the generated traits
/// provide themselves taken: `render_error`, which every error goes through.
fn method_names() -> Namespace {
    Namespace::with_reserved(["render_error"])
}
