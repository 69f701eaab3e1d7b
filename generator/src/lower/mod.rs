//! From a loaded document to the API model, collecting every problem on the way.
//!
//! The walk follows the raw JSON so every diagnostic carries the pointer of what the
//! user wrote; each node is then read through `openapiv3`'s types.

pub(crate) mod schema;
pub(crate) mod security;

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::diagnostic::{pointer_join, Diagnostic, Diagnostics};
use crate::ir::{
    Api, ApiSource, BodyAlternative, BodyKind, Field, LinkPagination, Location, MediaType,
    MultipartBody, MultipartPart, Operation, PageBody, Pagination, Parameter, PartKind,
    PathItemSource, RequestBody, Response, ResponseAlternative, ResponseBody, ResponseHeader,
    Scalar, SchemaUse, SegmentClass, Shape, StatusSpec, Style,
};
use crate::keywords::METHODS;
use crate::keywords::BODY_LIMIT_EXTENSION;
use crate::load::refs::{self, Broken, MAX_REF_HOPS};
use crate::load::Document;
use crate::naming::{pascal, snake, Namespace};
use security::Schemes;


/// Builds the API model of `doc`, or every problem found in it.
pub fn lower(doc: &Document) -> Result<Api, Diagnostics> {
    let mut lower = Lower {
        doc,
        problems: Vec::new(),
        methods: Namespace::default(),
        types: Namespace::default(),
        schemes: None,
    };
    let api = lower.api();
    if lower.problems.is_empty() {
        Ok(api)
    } else {
        Err(doc.diagnostics(lower.problems))
    }
}

struct Lower<'a> {
    doc: &'a Document,
    problems: Vec<Diagnostic>,
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
        let base = pascal(&title, "Api");
        let trait_name = if base.ends_with("Api") {
            base
        } else {
            format!("{base}Api")
        };
        self.types.claim(&trait_name);
        let auth_trait = Schemes::declared(self.doc).then(|| {
            self.types
                .claim(&format!("{}Auth", trait_name.trim_end_matches("Api")))
        });
        self.schemes = Some(Schemes::read(self.doc, &mut self.problems));

        let mut schemas = Vec::new();
        if let Some(Value::Object(map)) = self.doc.node("/components/schemas") {
            for (name, schema) in map {
                let pointer = pointer_join("/components/schemas", name);
                let normalized =
                    schema::normalize_in(&self.doc.raw, schema, &pointer, &mut self.problems);
                schemas.push((name.clone(), normalized));
            }
        }
        schema::split_nullable_wrappers(&mut schemas);

        let mut source = self.api_source();
        let mut operations = Vec::new();
        if let Some(Value::Object(paths)) = self.doc.node("/paths") {
            for (path, _) in paths {
                let pointer = pointer_join("/paths", path);
                self.path_item(path, &pointer, &mut operations, &mut source);
            }
        }
        self.check_routes(&mut operations);

        // Webhooks are methods of their own trait, so their names do not compete with
        // the operations'; their types share one namespace with everything else.
        let webhooks_trait = self
            .types
            .claim(&format!("{}Webhooks", trait_name.trim_end_matches("Api")));
        let mut webhooks = Vec::new();
        if let Some(Value::Object(hooks)) = self.doc.node("/webhooks") {
            let operation_methods = std::mem::take(&mut self.methods);
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
            self.check_routes(&mut webhooks);
        }
        rename_colliding_components(
            &mut schemas,
            operations.iter_mut().chain(webhooks.iter_mut()),
        );
        let uses = operations
            .iter_mut()
            .chain(webhooks.iter_mut())
            .flat_map(schema_uses)
            .map(|schema_use| &mut schema_use.schema)
            .collect();
        schema::settle_inline_names(&mut schemas, uses);
        let auth = self
            .schemes
            .take()
            .and_then(|schemes| schemes.finish(auth_trait, &title, &operations));

        Api {
            title,
            version: info.version.clone(),
            summary: self
                .doc
                .node("/info/summary")
                .and_then(Value::as_str)
                .map(str::to_string),
            description: info.description.clone(),
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
                format!("external reference `{target}` is not supported; inline it or bundle the spec"),
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
        modelled.extend(["parameters", "$ref"]);
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
        for method in METHODS {
            if item.contains_key(*method) {
                let op_pointer = pointer_join(&item_pointer, method);
                if let Some(op) = self.operation(path, method, &op_pointer, &shared) {
                    operations.push(op);
                }
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
        let method_name = self.methods.claim(&snake(&operation_id, "operation"));
        let base = self
            .types
            .claim(pascal(&operation_id, "Operation").trim_end_matches('_'));
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
        let responses = self.responses(pointer, &base);
        let pagination = self.pagination(pointer, &base, &mut params, &responses);
        let link_pagination = self.link_pagination(pointer, &responses);
        let security = match &self.schemes {
            Some(schemes) => schemes.for_operation(self.doc, pointer, &mut self.problems),
            None => Vec::new(),
        };

        Some(Operation {
            operation_id,
            pointer: pointer.to_string(),
            method: method.to_ascii_uppercase(),
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
            segment_literals,
            segment_classes: Default::default(),
            operation_id_declared: op.operation_id.is_some(),
            responses_extra,
            extra,
        })
    }

    /// The axum route for `path`, each template parameter with where it is read from,
    /// and the literal pieces of segments that mix text and parameters.
    fn route(&mut self, path: &str, pointer: &str) -> Route {
        let mut route = Route::default();
        if !path.starts_with('/') {
            self.problem(pointer, format!("path `{path}` must start with `/`"));
            route.axum.push('/');
            return route;
        }
        let mut segment_count = 0;
        // A fragment is never sent; AWS uses one to name operations that share a path.
        let path = path.split('#').next().unwrap_or(path);
        for segment in path.split('/').skip(1) {
            route.axum.push('/');
            if !segment.contains(['{', '}']) {
                route.axum.push_str(segment);
                continue;
            }
            let Some((literals, names)) = split_segment(segment) else {
                self.problem(
                    pointer,
                    format!("path segment `{segment}` has unbalanced or nested braces"),
                );
                continue;
            };
            // Two parameters with nothing between them cannot be told apart.
            if literals[1..literals.len() - 1].iter().any(String::is_empty) {
                self.problem(
                    pointer,
                    format!(
                        "path segment `{segment}` has two parameters with no text between them"
                    ),
                );
                continue;
            }
            let index = segment_count;
            segment_count += 1;
            route.axum.push_str(&format!("{{p{index}}}"));
            if names.len() == 1 && literals.iter().all(String::is_empty) {
                route.params.push((names[0].clone(), Location::Path(index)));
            } else {
                for (position, name) in names.into_iter().enumerate() {
                    route.params.push((
                        name,
                        Location::PathPart {
                            segment: index,
                            position,
                        },
                    ));
                }
                route.literals.insert(index, literals);
            }
        }
        let unique: BTreeSet<&String> = route.params.iter().map(|(n, _)| n).collect();
        if unique.len() != route.params.len() {
            self.problem(pointer, format!("path `{path}` names a parameter twice"));
        }
        route
    }

    fn params(
        &mut self,
        op_pointer: &str,
        shared: &[String],
        template: &[(String, Location)],
        type_base: &str,
        fields: &mut Namespace,
    ) -> Vec<Parameter> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut declared: Vec<(String, openapiv3::Parameter)> = Vec::new();
        let own_count = match self.doc.node(&format!("{op_pointer}/parameters")) {
            Some(Value::Array(list)) => list.len(),
            _ => 0,
        };
        let own: Vec<String> = (0..own_count)
            .map(|i| format!("{op_pointer}/parameters/{i}"))
            .collect();
        for pointer in own.iter().chain(shared) {
            let Some((at, param)) = self.typed::<openapiv3::Parameter>(pointer) else {
                continue;
            };
            let key = (
                location_word(&param),
                param.parameter_data_ref().name.clone(),
            );
            if declared
                .iter()
                .any(|(_, p)| (location_word(p), p.parameter_data_ref().name.clone()) == key)
            {
                continue;
            }
            declared.push((at, param));
        }

        let mut out = Vec::new();
        for (name, location) in template {
            let found = declared.iter().any(|(_, p)| {
                matches!(p, openapiv3::Parameter::Path { .. })
                    && &p.parameter_data_ref().name == name
            });
            if !found {
                // Undeclared template variables are common in real specs; the path still
                // says where the value is, and text is all it can be.
                out.push(Parameter {
                    name: name.clone(),
                    pointer: op_pointer.to_string(),
                    field: fields.claim(&snake(name, "param")),
                    location: *location,
                    required: true,
                    description: Some(
                        "Not declared in the spec; read from the path as text.".into(),
                    ),
                    schema: SchemaUse {
                        schema: json!({ "type": "string" }),
                        name_hint: format!("{type_base}{}", pascal(name, "Param")),
                    },
                    shape: schema::Shape::Scalar(schema::Scalar::String),
                    style: Style::Simple,
                    explode: false,
                    declared: false,
                    written_schema: None,
                    extra: serde_json::Map::new(),
                });
            }
        }

        let mut collector: Option<String> = None;
        for (at, param) in &declared {
            let Some(p) = self.param(at, param, template, type_base, fields) else {
                continue;
            };
            if p.collects_rest() {
                if let Some(first) = &collector {
                    self.problem(
                        &p.pointer,
                        format!(
                            "parameter `{}`: only one exploded `form` object per operation can \
                             take the query keys no other parameter names, and `{first}` \
                             already does; declare this one's properties or use `deepObject`",
                            p.name
                        ),
                    );
                    continue;
                }
                collector = Some(p.name.clone());
            }
            out.push(p);
        }
        out.sort_by_key(|p| match p.location {
            Location::Path(i) => (0, i, 0),
            Location::PathPart { segment, position } => (0, segment, position),
            Location::Query => (1, 0, 0),
            Location::Header => (2, 0, 0),
            Location::Cookie => (3, 0, 0),
        });
        out
    }

    fn param(
        &mut self,
        at: &str,
        param: &openapiv3::Parameter,
        template: &[(String, Location)],
        type_base: &str,
        fields: &mut Namespace,
    ) -> Option<Parameter> {
        use openapiv3::{Parameter as P, PathStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let name = data.name.clone();
        let (location, required, style) = match param {
            P::Path { style, .. } => {
                let Some(location) = template.iter().find(|(n, _)| n == &name).map(|(_, l)| *l)
                else {
                    self.problem(
                        at,
                        format!("path parameter `{name}` does not appear in the path"),
                    );
                    return None;
                };
                let style = match style {
                    PathStyle::Simple => Style::Simple,
                    PathStyle::Label => Style::Label,
                    PathStyle::Matrix => Style::Matrix,
                };
                (location, true, style)
            }
            P::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                (Location::Query, data.required, style)
            }
            // Headers and cookies each have one style.
            P::Header { .. } => (Location::Header, data.required, Style::Simple),
            P::Cookie { .. } => (Location::Cookie, data.required, Style::Form),
        };
        let (schema_pointer, shape) = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(_) => {
                let pointer = pointer_join(at, "schema");
                let raw = self.doc.node(&pointer).cloned().unwrap_or(json!({}));
                (Some(pointer), schema::shape(&self.doc.raw, &raw))
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                let content_pointer = pointer_join(at, "content");
                let Some(media_type) = pick_media_type(content.keys()) else {
                    self.problem(
                        content_pointer,
                        format!("parameter `{name}` must declare one media type in `content`"),
                    );
                    return None;
                };
                if is_json(&media_type) {
                    let pointer =
                        pointer_join(&pointer_join(&content_pointer, &media_type), "schema");
                    (Some(pointer), Shape::JsonText)
                } else {
                    // Other media types have no decoder here: the handler gets the text.
                    (None, Shape::Scalar(Scalar::String))
                }
            }
        };
        let explode = data.explode.unwrap_or(style == Style::Form);
        if let Some(reason) = style_problem(location, style, explode, &shape) {
            let style_pointer = pointer_join(at, "style");
            let pointer = match self.doc.node(&style_pointer) {
                Some(_) => style_pointer,
                None => pointer_join(at, "schema"),
            };
            self.problem(pointer, format!("parameter `{name}`: {reason}"));
            return None;
        }
        let schema = match schema_pointer {
            Some(schema_pointer) => {
                let raw = self.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
                // Absence already maps to `None`; a nullable parameter would double the Option.
                let mut without_null = raw.clone();
                if let Some(map) = without_null.as_object_mut() {
                    map.remove("nullable");
                }
                schema::normalize_in(
                    &self.doc.raw,
                    &without_null,
                    &schema_pointer,
                    &mut self.problems,
                )
            }
            None => json!({"type": "string"}),
        };
        let extra = leftover(
            self.doc.node(at).unwrap_or(&Value::Null),
            &[
                "name",
                "in",
                "description",
                "required",
                "style",
                "explode",
                "schema",
            ],
        );
        let written_schema = self.doc.node(&pointer_join(at, "schema")).cloned();
        Some(Parameter {
            pointer: at.to_string(),
            field: fields.claim(&snake(&name, "param")),
            name: name.clone(),
            location,
            required,
            description: data.description.clone(),
            schema: SchemaUse {
                schema,
                name_hint: format!("{type_base}{}", pascal(&name, "Param")),
            },
            shape,
            style,
            explode,
            declared: true,
            written_schema,
            extra,
        })
    }

    fn request_body(&mut self, op_pointer: &str, type_base: &str) -> Option<RequestBody> {
        let pointer = format!("{op_pointer}/requestBody");
        self.doc.node(&pointer)?;
        let (at, body) = self.typed::<openapiv3::RequestBody>(&pointer)?;
        let content_pointer = pointer_join(&at, "content");
        let Some(media_type) = pick_media_type(body.content.keys()) else {
            self.problem(
                content_pointer,
                "a request body must declare at least one media type",
            );
            return None;
        };
        let kind = self.body_kind(
            &content_pointer,
            &media_type,
            type_base,
            &format!("{type_base}Body"),
        );
        let mut alternatives = Vec::new();
        if body.content.len() > 1 {
            let mut variants = Namespace::default();
            for other in body.content.keys() {
                let variant = variants.claim(&media_variant(other));
                // The preferred type keeps the names it had when it was the only decoder.
                let kind = if *other == media_type {
                    kind.clone()
                } else {
                    self.body_kind(
                        &content_pointer,
                        other,
                        type_base,
                        &format!("{type_base}{variant}Body"),
                    )
                };
                alternatives.push(BodyAlternative {
                    media_type: other.clone(),
                    variant,
                    kind,
                });
            }
        }
        let limit_pointer = pointer_join(op_pointer, BODY_LIMIT_EXTENSION);
        let max_bytes = match self.doc.node(&limit_pointer) {
            None => None,
            Some(value) => match value.as_u64().filter(|n| *n > 0) {
                Some(n) => Some(n),
                None => {
                    self.problem(
                        limit_pointer,
                        "the body limit must be a positive number of bytes",
                    );
                    None
                }
            },
        };
        let raw_body = self.doc.node(&at).unwrap_or(&Value::Null);
        Some(RequestBody {
            media_type,
            kind,
            max_bytes,
            required: body.required,
            description: body.description,
            content: media_types(raw_body),
            alternatives,
            extra: leftover(raw_body, &["description", "required", "content"]),
        })
    }

    /// How a response body of `media_type` (a key under `content_pointer`) is encoded;
    /// `name` is the name hint of an inline schema.
    fn response_body(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        name: &str,
    ) -> ResponseBody {
        if is_json(media_type) {
            let schema_pointer = pointer_join(&pointer_join(content_pointer, media_type), "schema");
            let raw = self.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
            ResponseBody::Json {
                schema: SchemaUse {
                    schema: schema::normalize_in(
                        &self.doc.raw,
                        &raw,
                        &schema_pointer,
                        &mut self.problems,
                    ),
                    name_hint: name.to_string(),
                },
                media_type: media_type.to_string(),
            }
        } else if media_essence(media_type) == "text/plain" {
            ResponseBody::Text {
                media_type: media_type.to_string(),
            }
        } else {
            ResponseBody::Bytes {
                handler_sets_type: media_type.contains('*'),
                media_type: media_type.to_string(),
            }
        }
    }

    /// How a body of `media_type` (a key under `content_pointer`) is decoded; `name` is the
    /// name hint of an inline schema, and a multipart struct is `{type_base}Multipart`.
    fn body_kind(
        &mut self,
        content_pointer: &str,
        media_type: &str,
        type_base: &str,
        name: &str,
    ) -> BodyKind {
        let schema_pointer = pointer_join(&pointer_join(content_pointer, media_type), "schema");
        let schema_use = |this: &mut Self| {
            let raw = this.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
            SchemaUse {
                schema: schema::normalize_in(
                    &this.doc.raw,
                    &raw,
                    &schema_pointer,
                    &mut this.problems,
                ),
                name_hint: name.to_string(),
            }
        };
        let essence = media_essence(media_type);
        if is_json(media_type) {
            BodyKind::Json(schema_use(self))
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form(schema_use(self))
        } else if essence == "multipart/form-data" {
            // A schema that is not an object of properties names no parts: bytes, as before.
            match self.multipart_body(&schema_pointer, type_base) {
                Some(multipart) => BodyKind::Multipart(multipart),
                None => BodyKind::Bytes,
            }
        } else if essence == "text/plain" {
            BodyKind::Text
        } else {
            BodyKind::Bytes
        }
    }

    /// The parts of a `multipart/form-data` body: the properties of its object schema (own
    /// and from `allOf` members), or `None` when it declares none.
    fn multipart_body(&mut self, schema_pointer: &str, type_base: &str) -> Option<MultipartBody> {
        self.doc.node(schema_pointer)?;
        let mut properties: Vec<(String, String)> = Vec::new();
        let mut required = BTreeSet::new();
        let mut pending = vec![schema_pointer.to_string()];
        let mut visited = 0;
        while let Some(pointer) = pending.pop() {
            visited += 1;
            if visited > MAX_REF_HOPS {
                break;
            }
            let Some((at, node)) = self.deref(&pointer) else {
                continue;
            };
            if let Some(Value::Array(names)) = node.get("required") {
                required.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
            }
            if let Some(Value::Object(own)) = node.get("properties") {
                let base = pointer_join(&at, "properties");
                for key in own.keys() {
                    if !properties.iter().any(|(known, _)| known == key) {
                        properties.push((key.clone(), pointer_join(&base, key)));
                    }
                }
            }
            if let Some(Value::Array(members)) = node.get("allOf") {
                // Popped from the end: pushed in reverse so members are read in order.
                for index in (0..members.len()).rev() {
                    pending.push(pointer_join(&pointer_join(&at, "allOf"), index.to_string()));
                }
            }
        }
        if properties.is_empty() {
            return None;
        }
        let mut fields = Namespace::default();
        let mut parts = Vec::new();
        for (part, pointer) in properties {
            let (_, node) = self.deref(&pointer)?;
            let node = node.clone();
            let binary = |schema: &Value| {
                schema.get("type").and_then(Value::as_str) == Some("string")
                    && schema.get("format").and_then(Value::as_str) == Some("binary")
            };
            let mut written = self.doc.node(&pointer).cloned().unwrap_or(json!({}));
            let is_required = required.contains(&part);
            if !is_required {
                // Absence already maps to `None`; a nullable part would double the Option.
                if let Some(map) = written.as_object_mut() {
                    map.remove("nullable");
                }
            }
            let schema = SchemaUse {
                schema: schema::normalize_in(&self.doc.raw, &written, &pointer, &mut self.problems),
                name_hint: format!("{type_base}{}Part", pascal(&part, "Part")),
            };
            let kind = if binary(&node) {
                PartKind::File
            } else if node.get("type").and_then(Value::as_str) == Some("array") {
                let items_pointer = pointer_join(&resolved_pointer(self, &pointer), "items");
                let items = self.deref(&items_pointer).map(|(_, items)| items.clone());
                match items {
                    Some(items) if binary(&items) => PartKind::Files,
                    Some(items) => PartKind::Values {
                        scalar: part_scalar(&self.doc.raw, &items),
                        schema,
                    },
                    None => PartKind::Values {
                        scalar: Scalar::Json,
                        schema,
                    },
                }
            } else {
                PartKind::Value {
                    scalar: part_scalar(&self.doc.raw, &node),
                    schema,
                }
            };
            parts.push(MultipartPart {
                field: fields.claim(&snake(&part, "part")),
                required: is_required,
                description: node
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                name: part,
                kind,
            });
        }
        Some(MultipartBody {
            type_name: format!("{type_base}Multipart"),
            parts,
        })
    }

    fn responses(&mut self, op_pointer: &str, type_base: &str) -> Vec<Response> {
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
                if name.eq_ignore_ascii_case("content-type") {
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
            out.push(Response {
                status: StatusSpec::Default,
                variant: "Default".into(),
                description: Some("The spec declares no responses.".into()),
                headers: Vec::new(),
                body: None,
                declared: false,
                content: Vec::new(),
                alternatives: Vec::new(),
                ignored_headers: serde_json::Map::new(),
                extra: serde_json::Map::new(),
            });
        }
        out
    }

    /// Splits the scan parameters out of `params` for an operation marked as paginated.
    fn pagination(
        &mut self,
        op_pointer: &str,
        type_base: &str,
        params: &mut Vec<Parameter>,
        responses: &[Response],
    ) -> Option<Pagination> {
        let (key, marker) = ["x-dropshot-pagination", "x-pagination"]
            .iter()
            .find_map(|key| {
                let pointer = pointer_join(op_pointer, key);
                self.doc
                    .node(&pointer)
                    .map(|value| (pointer, value.clone()))
            })?;
        let required: Vec<String> = match &marker {
            Value::Bool(false) => return None,
            Value::Bool(true) | Value::Null => Vec::new(),
            Value::Object(map) => match map.get("required") {
                None => Vec::new(),
                Some(Value::Array(names)) if names.iter().all(Value::is_string) => names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect(),
                Some(_) => {
                    self.problem(
                        pointer_join(&key, "required"),
                        "`required` must be a list of query parameter names",
                    );
                    return None;
                }
            },
            _ => {
                self.problem(
                    key,
                    "expected `true` or an object such as `{\"required\": []}`",
                );
                return None;
            }
        };
        if !params
            .iter()
            .any(|p| p.location == Location::Query && p.name == "page_token")
        {
            self.problem(
                key,
                "a paginated operation must declare the `page_token` query parameter (and usually `limit`)",
            );
            return None;
        }
        let mut scan = Vec::new();
        let mut runtime_params = Vec::new();
        params.retain(|p| {
            if p.location != Location::Query || p.name == "limit" || p.name == "page_token" {
                if p.location == Location::Query {
                    runtime_params.push(p.clone());
                }
                return p.location != Location::Query;
            }
            scan.push(p.clone());
            false
        });
        let mut required_by_marker = Vec::new();
        for name in &required {
            match scan.iter_mut().find(|p| &p.name == name) {
                Some(param) => {
                    if !param.required {
                        required_by_marker.push(name.clone());
                    }
                    param.required = true;
                }
                None => self.problem(
                    pointer_join(&key, "required"),
                    format!("`{name}` is not a query parameter of this operation"),
                ),
            }
        }
        Some(Pagination {
            scan,
            scan_type: format!("{type_base}Scan"),
            marker_type: format!("{type_base}Marker"),
            page: self.page_body(responses),
            runtime_params,
            required_by_marker,
        })
    }

    /// Azure's `x-ms-pageable`: the page body's items and next-link fields, when the page
    /// is a named schema holding exactly those two.
    fn link_pagination(
        &mut self,
        op_pointer: &str,
        responses: &[Response],
    ) -> Option<LinkPagination> {
        let pointer = pointer_join(op_pointer, "x-ms-pageable");
        let marker = self.doc.node(&pointer)?;
        let Some(marker) = marker.as_object() else {
            self.problem(
                pointer,
                "`x-ms-pageable` must be an object such as `{\"nextLinkName\": \"nextLink\"}`",
            );
            return None;
        };
        let next = marker.get("nextLinkName").and_then(Value::as_str)?;
        let items = marker
            .get("itemName")
            .and_then(Value::as_str)
            .unwrap_or("value");
        let body = self.page_body_with(responses, items, next)?;
        Some(LinkPagination {
            body,
            items_field: schema::typify_field_name(items),
            next_field: schema::typify_field_name(next),
        })
    }

    /// The `{items, next_page}` body of the first success response, when both the page
    /// and its items are named component schemas.
    fn page_body(&self, responses: &[Response]) -> Option<PageBody> {
        self.page_body_with(responses, "items", "next_page")
    }

    /// The `{<items>, <next>}` body of the first success response, when both the page and
    /// its items are named component schemas.
    fn page_body_with(
        &self,
        responses: &[Response],
        items_key: &str,
        next_key: &str,
    ) -> Option<PageBody> {
        let schema = responses.iter().find_map(|r| match (&r.status, &r.body) {
            (StatusSpec::Code(200..=299), Some(ResponseBody::Json { schema, .. })) => Some(schema),
            _ => None,
        })?;
        let reference = schema.schema.get("$ref")?.as_str()?;
        let raw = self
            .doc
            .node(&refs::local_pointer(reference)?)?;
        let properties = raw.get("properties")?.as_object()?;
        let keys: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
        if keys != BTreeSet::from([items_key, next_key]) {
            return None;
        }
        // The runtime's pages hold the next marker as an `Option`; a required one is a
        // plain field the conversion cannot fill on the last page.
        let next = properties.get(next_key)?;
        let required = raw
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|names| names.iter().any(|name| name == next_key));
        let nullable = next.get("nullable") == Some(&Value::Bool(true))
            || next
                .get("type")
                .and_then(Value::as_array)
                .is_some_and(|types| types.iter().any(|t| t == "null"));
        if required && !nullable {
            return None;
        }
        let items = properties.get(items_key)?;
        if items.get("type")?.as_str()? != "array" {
            return None;
        }
        let item_ref = items.get("items")?.get("$ref")?.as_str()?;
        refs::component_schema_name(item_ref)?;
        Some(PageBody {
            page: schema.clone(),
            item: SchemaUse {
                schema: json!({ "$ref": item_ref }),
                name_hint: String::new(),
            },
        })
    }

    /// Two operations on one route and method would make axum panic at start-up.
    /// Operations on one route and method are told apart by their required query
    /// parameters and the conditions after `#` in their paths (AWS writes
    /// `/#X-Amz-Target=Service.Operation`); two with the same ones would receive the same
    /// requests, unless what a path parameter accepts tells them apart: an `enum`
    /// (`/cards/{filter}` beside `/cards/{idCard}`), an integer (The Noun Project's
    /// `/icon/{id}` beside `/icon/{term}`) or a UUID (Xero's `/Attachments/{AttachmentID}`
    /// beside `/Attachments/{FileName}`).
    fn check_routes(&mut self, operations: &mut [Operation]) {
        let mut groups: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (index, op) in operations.iter().enumerate() {
            let key = (
                op.route.clone(),
                op.method.clone(),
                op.discriminators(),
                op.segment_literals.clone(),
            );
            groups.entry(key).or_default().push(index);
        }
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let classes: Vec<_> = members
                .iter()
                .map(|&i| self.segment_classes(&operations[i]))
                .collect();
            if let Some(classes) = told_apart_by_value(&classes) {
                for (&i, classes) in members.iter().zip(classes) {
                    operations[i].segment_classes = classes;
                }
                continue;
            }
            for &i in &members[1..] {
                let op = &operations[i];
                let message = format!(
                    "`{} {}` matches the same requests as another operation: their paths differ \
                     only in parameter names, and nothing (required query parameters, conditions \
                     after `#`, or a path parameter's `enum`, integer type or UUID format) tells \
                     their requests apart",
                    op.method, op.path
                );
                self.problem(&op.pointer, message);
            }
        }
    }

    /// Each whole-segment path parameter of `op` whose schema narrows what the segment
    /// can be (a string `enum`, an integer, a UUID), by route parameter.
    fn segment_classes(&self, op: &Operation) -> BTreeMap<usize, SegmentClass> {
        let mut out = BTreeMap::new();
        for param in &op.params {
            let Location::Path(segment) = param.location else {
                continue;
            };
            let schema = refs::follow(&self.doc.raw, &param.schema.schema);
            let values: Option<Vec<String>> = schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|values| {
                    values
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
            let class = match values {
                Some(mut values) if !values.is_empty() => {
                    values.sort();
                    values.dedup();
                    SegmentClass::OneOf(values)
                }
                _ => match (
                    schema.get("type").and_then(Value::as_str),
                    schema.get("format").and_then(Value::as_str),
                ) {
                    (Some("integer"), _) => SegmentClass::Integer,
                    (Some("string"), Some("uuid")) => SegmentClass::Uuid,
                    _ => continue,
                },
            };
            out.insert(segment, class);
        }
        out
    }
}

/// How operations sharing a route, method and conditions are told apart by what their
/// path parameters accept, given each one's narrowed segments
/// ([`Lower::segment_classes`]). A segment narrowed alike in every operation tells
/// none apart and is left to decoding (a bad value is a 400, not a 404). At most one
/// operation may then have no narrowed segment: it takes the requests the others do
/// not. Every two others need a segment both narrow to disjoint classes. Returns the
/// classes each operation requires, in order, or `None` when some request would match
/// two of them.
fn told_apart_by_value(
    classes: &[BTreeMap<usize, SegmentClass>],
) -> Option<Vec<BTreeMap<usize, SegmentClass>>> {
    let segments: BTreeSet<usize> = classes.iter().flat_map(|own| own.keys().copied()).collect();
    let alike: BTreeSet<usize> = segments
        .into_iter()
        .filter(|segment| {
            let first = classes.first().and_then(|own| own.get(segment));
            first.is_some() && classes.iter().all(|own| own.get(segment) == first)
        })
        .collect();
    let classes: Vec<BTreeMap<usize, SegmentClass>> = classes
        .iter()
        .map(|own| {
            own.iter()
                .filter(|(segment, _)| !alike.contains(segment))
                .map(|(segment, class)| (*segment, class.clone()))
                .collect()
        })
        .collect();
    if classes.iter().filter(|own| own.is_empty()).count() > 1 {
        return None;
    }
    for (i, own) in classes.iter().enumerate() {
        for other in classes[i + 1..].iter().filter(|other| !other.is_empty()) {
            let disjoint_somewhere = own.iter().any(|(segment, class)| {
                other
                    .get(segment)
                    .is_some_and(|theirs| theirs.is_disjoint(class))
            });
            if !own.is_empty() && !disjoint_somewhere {
                return None;
            }
        }
    }
    Some(classes)
}

/// typify names each component after its key in Pascal case, so `dataArray` and
/// `DataArray` would both become `DataArray`. Later ones are renamed (and every reference
/// to them rewritten) so each gets a type of its own.
fn rename_colliding_components<'o>(
    schemas: &mut [(String, Value)],
    operations: impl IntoIterator<Item = &'o mut Operation>,
) {
    let keys: BTreeSet<String> = schemas.iter().map(|(k, _)| k.clone()).collect();
    let mut taken = BTreeSet::new();
    let mut renames = std::collections::BTreeMap::new();
    for (key, _) in schemas.iter_mut() {
        if taken.insert(schema::typify_variant_name(key)) {
            continue;
        }
        let new = schema::numbered_key(key, |candidate| {
            !keys.contains(candidate) && !taken.contains(&schema::typify_variant_name(candidate))
        });
        taken.insert(schema::typify_variant_name(&new));
        renames.insert(std::mem::replace(key, new.clone()), new);
    }
    if renames.is_empty() {
        return;
    }
    for (_, schema) in schemas.iter_mut() {
        schema::rename_refs(schema, &renames);
    }
    for op in operations {
        for schema_use in schema_uses(op) {
            schema::rename_refs(&mut schema_use.schema, &renames);
        }
    }
}

/// Every schema an operation uses, for passes over all of them.
fn schema_uses(op: &mut Operation) -> Vec<&mut SchemaUse> {
    let mut uses: Vec<&mut SchemaUse> = op.params.iter_mut().map(|p| &mut p.schema).collect();
    if let Some(pagination) = &mut op.pagination {
        uses.extend(pagination.scan.iter_mut().map(|p| &mut p.schema));
        if let Some(page) = &mut pagination.page {
            uses.push(&mut page.page);
            uses.push(&mut page.item);
        }
    }
    if let Some(body) = &mut op.body {
        uses.extend(body.kind.schema_uses_mut());
        // The preferred alternative is a copy of `kind`, already listed.
        for alternative in &mut body.alternatives {
            if alternative.media_type != body.media_type {
                uses.extend(alternative.kind.schema_uses_mut());
            }
        }
    }
    for response in &mut op.responses {
        uses.extend(response.headers.iter_mut().map(|h| &mut h.schema));
        let preferred = response.body.as_ref().map(ResponseBody::media_type);
        if let Some(ResponseBody::Json { schema, .. }) = &mut response.body {
            uses.push(schema);
        }
        for alternative in &mut response.alternatives {
            // The preferred alternative is a copy of `body`, already listed.
            if Some(alternative.media_type.as_str()) == preferred.as_deref() {
                continue;
            }
            if let ResponseBody::Json { schema, .. } = &mut alternative.body {
                uses.push(schema);
            }
        }
    }
    uses
}

/// What [`Lower::route`] makes of a path template.
#[derive(Default)]
struct Route {
    /// The axum route, parameters named by position.
    axum: String,
    /// Each template parameter and where it is read from.
    params: Vec<(String, Location)>,
    /// Literal pieces of mixed segments, by route parameter.
    literals: std::collections::BTreeMap<usize, Vec<String>>,
}

/// A segment such as `{base}...{head}` as its literal pieces (one more than the names)
/// and its parameter names; `None` for unbalanced or nested braces.
fn split_segment(segment: &str) -> Option<(Vec<String>, Vec<String>)> {
    let mut literals = vec![String::new()];
    let mut names = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return None;
        }
        literals.last_mut()?.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        names.push(name.to_string());
        literals.push(String::new());
        rest = &after[close + 1..];
    }
    literals.last_mut()?.push_str(rest);
    Some((literals, names))
}

/// A webhook name as one path segment: unreserved characters as they are, anything
/// else percent-encoded, so every name makes a valid, distinct route.
fn webhook_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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

/// Every entry of the `content` map of `node`, as written.
fn media_types(node: &Value) -> Vec<MediaType> {
    let Some(Value::Object(content)) = node.get("content") else {
        return Vec::new();
    };
    content
        .iter()
        .map(|(media_type, entry)| MediaType {
            media_type: media_type.clone(),
            schema: entry.get("schema").cloned(),
            extra: leftover(entry, &["schema"]),
        })
        .collect()
}

fn location_word(param: &openapiv3::Parameter) -> &'static str {
    match param {
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    }
}

/// Why `style` cannot write a parameter of `shape`, if it cannot.
fn style_problem(location: Location, style: Style, explode: bool, shape: &Shape) -> Option<String> {
    let object = match shape {
        Shape::Object(object) => object,
        // Stripe writes lists as `deepObject` (`expand[]=a`), and the runtime reads them.
        Shape::Array(_) if style == Style::DeepObject => return None,
        // A composition (Stripe's `created`: an integer or a `{gt, lt}` range) may be an
        // object or a list; the runtime reads `name=v`, `name[k]=v` and `name[]=v` for it.
        Shape::Scalar(Scalar::Json) if style == Style::DeepObject => return None,
        _ if style == Style::DeepObject && *shape != Shape::JsonText => {
            return Some("`deepObject` writes objects, and the schema is not an object".into())
        }
        _ => return None,
    };
    // A nested object takes a key per property: brackets below a `deepObject`'s name
    // (`name[inner][x]=1`), and in an exploded `form` query object, which OpenAPI leaves
    // undefined, brackets below the property as qs and Rails write it (`inner[x]=1`).
    let brackets = style == Style::DeepObject
        || (style == Style::Form && explode && location == Location::Query);
    for (property, field) in &object.properties {
        if matches!(field, Field::Object(_)) && !brackets {
            return Some(format!(
                "property `{property}` is an object, which only `deepObject` and exploded \
                 `form` query objects can write"
            ));
        }
    }
    // A query object without properties that admits other keys collects the query keys
    // no other parameter names (`Parameter::collects_rest`); a cookie has no such rest.
    let collects = location == Location::Query && object.additional.is_some();
    if style == Style::Form && explode && object.properties.is_empty() && !collects {
        return Some(
            "an exploded `form` object needs declared properties: its keys are its \
             properties' names, which cannot be told apart from other parameters otherwise"
                .into(),
        );
    }
    None
}

/// `application/json` and `+json` types, with or without parameters.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// A media type without parameters, trimmed and lowercased.
fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// The body enum's variant for `media_type`: `application/json` is `ApplicationJson`,
/// `image/*` is `ImageAny`, `*/*` is `Any`.
fn media_variant(media_type: &str) -> String {
    let essence = media_essence(media_type);
    if essence == "*/*" {
        return "Any".into();
    }
    pascal(&essence.replace('*', "any"), "Media")
}

/// The pointer `pointer` resolves to through `$ref`s, or itself.
fn resolved_pointer(lower: &mut Lower<'_>, pointer: &str) -> String {
    lower
        .deref(pointer)
        .map_or_else(|| pointer.to_string(), |(at, _)| at)
}

/// How a multipart part's text becomes a JSON value: as a form field of its type, objects
/// and anything without a simple type as JSON text.
fn part_scalar(root: &Value, schema: &Value) -> Scalar {
    match schema::shape(root, schema) {
        Shape::Scalar(scalar) => scalar,
        _ => Scalar::Json,
    }
}

/// JSON first, then form, then whatever comes first: the decoder of a body with one
/// media type, and the variant whose names stay as they were when there are several.
fn pick_media_type<'k>(keys: impl Iterator<Item = &'k String> + Clone) -> Option<String> {
    keys.clone()
        .find(|k| is_json(k))
        .or_else(|| {
            keys.clone()
                .find(|k| k.as_str() == "application/x-www-form-urlencoded")
        })
        .or_else(|| keys.clone().next())
        .cloned()
}

fn parse_status(key: &str) -> Option<StatusSpec> {
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

fn variant_name(status: StatusSpec) -> String {
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

    #[test]
    fn operations_told_apart_by_enum_segments() {
        let set =
            |values: &[&str]| SegmentClass::OneOf(values.iter().map(|v| v.to_string()).collect());
        let open = BTreeMap::new();
        let filter = BTreeMap::from([(1, set(&["closed", "open"]))]);
        let other = BTreeMap::from([(1, set(&["all"]))]);
        let overlapping = BTreeMap::from([(1, set(&["all", "open"]))]);
        let elsewhere = BTreeMap::from([(0, set(&["x"]))]);

        let told = told_apart_by_value(&[filter.clone(), open.clone()]).expect("told apart");
        assert_eq!(told[0], filter);
        assert!(told[1].is_empty());
        assert!(told_apart_by_value(&[filter.clone(), other, open.clone()]).is_some());
        // Two operations taking any value, a shared value, or enums on different segments
        // (a request can fit both) are not told apart.
        assert!(told_apart_by_value(&[open.clone(), open.clone()]).is_none());
        assert!(told_apart_by_value(&[filter.clone(), overlapping]).is_none());
        assert!(told_apart_by_value(&[filter, elsewhere, open]).is_none());
    }

    #[test]
    fn operations_told_apart_by_integer_and_uuid_segments() {
        use SegmentClass::{Integer, OneOf, Uuid};
        let any = BTreeMap::new();
        // `/icon/{id}` (integer) beside `/icon/{term}`: integers go to the first.
        let told = told_apart_by_value(&[BTreeMap::from([(0, Integer)]), any.clone()])
            .expect("an integer segment beside a free one");
        assert_eq!(told[0], BTreeMap::from([(0, Integer)]));
        // A segment narrowed alike everywhere tells nothing apart and is dropped:
        // `/{AccountID}/Attachments/{AttachmentID}` beside `/{AccountID}/Attachments/{FileName}`.
        let told = told_apart_by_value(&[
            BTreeMap::from([(0, Uuid), (1, Uuid)]),
            BTreeMap::from([(0, Uuid)]),
        ])
        .expect("a UUID segment beside a free one");
        assert_eq!(told, vec![BTreeMap::from([(1, Uuid)]), BTreeMap::new()]);
        // An integer is never a hyphenated UUID; enum values are checked one by one.
        assert!(told_apart_by_value(&[
            BTreeMap::from([(1, Uuid)]),
            BTreeMap::from([(1, Integer)])
        ])
        .is_some());
        let words = OneOf(vec!["all".into(), "open".into()]);
        let numbers = OneOf(vec!["1".into(), "open".into()]);
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, words)])
        ])
        .is_some());
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, numbers)])
        ])
        .is_none());
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, Integer)]),
            any
        ])
        .is_none());
    }

    #[test]
    fn segment_classes_admit_what_the_runtime_admits() {
        assert!(SegmentClass::Integer.admits("-42"));
        assert!(SegmentClass::Integer.admits("+7"));
        assert!(!SegmentClass::Integer.admits("-"));
        assert!(!SegmentClass::Integer.admits("4a"));
        assert!(SegmentClass::Uuid.admits("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!SegmentClass::Uuid.admits("67e5504410b1426f9247bb680e5fe0c8"));
        assert!(!SegmentClass::Uuid.admits("67e55044-10b1-426f-9247-bb680e5fe0cg"));
    }
}
