//! The API model the emitter works from: plain data, already named and checked.
//!
//! Names here are final Rust identifiers; schemas are draft-7 JSON Schema ready for
//! typify. Nothing in this module knows about tokens.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
pub use specfirst_model::streams::Framing;

pub use specfirst_model::Status as StatusSpec;
pub use specfirst_model::{Extra, Scalar, Style};

/// One API: what becomes one generated crate or file.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.summary` (OpenAPI 3.1).
    pub summary: Option<String>,
    /// `info.description`.
    pub description: Option<String>,
    /// Name of the generated trait, e.g. `PetstoreApi`.
    pub trait_name: String,
    /// Component schemas, in document order, by their spec name.
    pub schemas: Vec<(String, Value)>,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The traits that declare the operations' methods when there are too many for
    /// one trait, each a supertrait of [`Api::trait_name`]'s; empty when that trait
    /// declares them all.
    pub trait_parts: Vec<TraitPart>,
    /// Groups of operations whose requests nothing in the spec tells apart, each served
    /// through one route and picked by a method of the trait.
    pub route_choices: Vec<RouteChoice>,
    /// The security schemes, when at least one operation requires authentication.
    pub auth: Option<Auth>,
    /// The requests the API sends to its users (OpenAPI 3.1 `webhooks`), in document
    /// order, each routed at `/` and its webhook name for a receiver to serve.
    pub webhooks: Vec<Operation>,
    /// Name of the generated webhooks trait, e.g. `PetstoreWebhooks`.
    pub webhooks_trait: String,
    /// What the code generator does not read but the round trip
    /// ([`crate::roundtrip`]) needs to rebuild the document.
    pub source: ApiSource,
}

/// One of the traits a very big API's methods are declared in: rustc checks a trait in
/// time that grows with the square of its methods (its `impl Future` return types are
/// associated types, each checked against every method), so 22,000 methods take it
/// minutes where twenty traits of 1,100 take seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraitPart {
    /// The trait's name: the API trait's and the first tag's, e.g. `GraphApiUsers`.
    pub name: String,
    /// The first tags of its operations, in order; empty for untagged operations.
    pub tags: Vec<String>,
    /// Its operations, by index into [`Api::operations`], in order.
    pub operations: Vec<usize>,
}

/// Where one of two path parameters with no literal text between them ends
/// (`{id}{ext}`), from what the spec says of one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentGap {
    /// The parameter after it is one of these strings (its `enum`): it starts at the
    /// last place where one of them begins.
    BeforeOneOf(Vec<String>),
    /// The parameter before it is an integer: it ends after its sign and digits.
    AfterDigits,
}

/// Operations on one route and method whose requests nothing in the spec tells apart
/// (Google's `GET /v1/{parent}/dataExchanges` beside `GET /v1/{organization}/dataExchanges`):
/// the route serves them all, and a method of the trait picks which one answers a
/// request, by default the first declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteChoice {
    /// The trait method that picks: `choose_` and the first operation's method.
    pub method_name: String,
    /// The enum of the operations the method returns, e.g. `ListExchangesChoice`.
    pub type_name: String,
    /// The operations, by index into [`Api::operations`], in declaration order.
    pub operations: Vec<usize>,
}

impl Api {
    /// The choice whose first operation is `op`, which declares its method and enum.
    pub fn choice_led_by(&self, op: &Operation) -> Option<&RouteChoice> {
        self.choice_of(op).filter(|choice| {
            choice
                .operations
                .first()
                .is_some_and(|&first| std::ptr::eq(&self.operations[first], op))
        })
    }

    /// Whether `op` has security requirements its handler checks before decoding.
    pub fn secures(&self, op: &Operation) -> bool {
        self.auth.is_some() && !op.security.is_empty()
    }

    /// The choice `op` is one of, when its requests are told apart by a trait method.
    pub fn choice_of(&self, op: &Operation) -> Option<&RouteChoice> {
        self.route_choices.iter().find(|choice| {
            choice
                .operations
                .iter()
                .any(|&index| std::ptr::eq(&self.operations[index], op))
        })
    }
}

/// The parts of a document the code generator does not model, kept so the round trip
/// can rebuild the document from the IR alone.
#[derive(Debug, Clone, Default)]
pub struct ApiSource {
    /// Top-level keys other than `info`, `paths`, `components` and `security` (the
    /// global requirements are already folded into each [`Operation::security`]), as
    /// written: `openapi`, `servers`, `tags`, `externalDocs`, `x-` extensions.
    pub extra: Map<String, Value>,
    /// `info` keys other than `title`, `version` and `description`, as written.
    pub info_extra: Map<String, Value>,
    /// `paths` keys that are extensions (`x-`), as written.
    pub paths_extra: Map<String, Value>,
    /// Every path item, in document order, with the keys the IR does not model (its
    /// operations and `parameters` live in [`Api::operations`]).
    pub path_items: Vec<PathItemSource>,
    /// Component schemas as written, with their spec names, in document order.
    /// [`Api::schemas`] holds them normalized for typify and with colliding names
    /// renamed; the round trip emits these instead.
    pub schemas: Vec<(String, Value)>,
    /// `components` keys other than `schemas` and the sections the IR resolves
    /// references into (`parameters`, `requestBodies`, `responses`, `headers`,
    /// `pathItems`), as written: `securitySchemes`, `examples`, `links`, `callbacks`,
    /// `x-` extensions.
    pub components_extra: Map<String, Value>,
}

/// A path item's keys other than its operations and `parameters`, after references.
#[derive(Debug, Clone)]
pub struct PathItemSource {
    /// The path template, the key under `paths`.
    pub path: String,
    /// `summary`, `description`, `servers`, `x-` extensions, as written.
    pub extra: Map<String, Value>,
}

/// One operation: a trait method, a request struct, a response enum and a route.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's operationId, or one derived from method and path.
    pub operation_id: String,
    /// The part of the API trait that declares this operation's method
    /// ([`Api::trait_parts`]); `None` when the API trait declares it.
    pub declared_in: Option<String>,
    /// JSON pointer of the operation object.
    pub pointer: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// The axum route, with path parameters renamed by position (`{p0}`, `{p1}`) so
    /// routes that name a segment differently never conflict in the router.
    pub route: String,
    /// Trait method name.
    pub method_name: String,
    /// Request struct name.
    pub request_type: String,
    /// Response enum name.
    pub response_type: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Path, query and header parameters, in that order.
    pub params: Vec<Parameter>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Declared responses, in document order.
    pub responses: Vec<Response>,
    /// Set for operations marked `x-dropshot-pagination` (or `x-pagination`).
    pub pagination: Option<Pagination>,
    /// Set for operations marked `x-ms-pageable` whose page is a named
    /// `{items, next link}` schema.
    pub link_pagination: Option<LinkPagination>,
    /// For each route parameter that stands for a segment mixing literal text and
    /// parameters: the literal pieces around and between them (one more than the
    /// parameters; the first and last may be empty).
    pub segment_literals: std::collections::BTreeMap<usize, Vec<String>>,
    /// For route parameters that tell this operation apart from another with the same
    /// route and method: what a request's segment must be to be this operation's.
    pub segment_classes: std::collections::BTreeMap<usize, SegmentClass>,
    /// For route parameters whose segment has parameters with no literal text between
    /// them (`{id}{ext}`): by the index of that empty literal, where the parameter
    /// before it ends.
    pub segment_gaps: std::collections::BTreeMap<usize, Vec<(usize, SegmentGap)>>,
    /// The security requirements in force, any one of which admits a request; empty
    /// when the operation is public.
    pub security: Vec<Requirement>,
    /// Whether the operation upgrades the connection to a WebSocket
    /// (`x-dropshot-websocket`, or a 101 response declaring `Upgrade`): its request then
    /// carries the checked handshake and its 101 variant the accepted upgrade.
    pub websocket: bool,
    /// Whether the spec gives `operationId` ([`Operation::operation_id`] is derived
    /// from method and path otherwise).
    pub operation_id_declared: bool,
    /// `responses` keys that are extensions (`x-`), as written.
    pub responses_extra: Map<String, Value>,
    /// Operation keys the IR does not model, as written: `tags`, `externalDocs`,
    /// `callbacks`, `servers`, `x-` extensions (including the pagination markers, whose
    /// effect is in [`Operation::pagination`] but whose spelling carries more).
    pub extra: Map<String, Value>,
}

impl Operation {
    /// The operation's first tag, which groups it with others in a part of the API
    /// trait or an operations crate.
    pub fn first_tag(&self) -> Option<&str> {
        self.extra
            .get("tags")
            .and_then(|tags| tags.as_array())
            .and_then(|tags| tags.first())
            .and_then(|tag| tag.as_str())
    }
}

/// The values a whole-segment path parameter accepts, when they tell operations that
/// share a route apart (`/icons/{id}` with an integer `id` beside `/icons/{term}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentClass {
    /// One of these strings: the parameter's string `enum`.
    OneOf(Vec<String>),
    /// An optional sign and decimal digits: `type: integer`.
    Integer,
    /// A hyphenated UUID (`8-4-4-4-12` hex digits): `format: uuid`.
    Uuid,
}

impl SegmentClass {
    /// Whether no segment is in both classes.
    pub fn is_disjoint(&self, other: &SegmentClass) -> bool {
        match (self, other) {
            (Self::OneOf(a), Self::OneOf(b)) => a.iter().all(|value| !b.contains(value)),
            (Self::OneOf(values), class) | (class, Self::OneOf(values)) => {
                values.iter().all(|value| !class.admits(value))
            }
            // A hyphenated UUID has four hyphens; an integer has at most a leading sign.
            (Self::Integer, Self::Uuid) | (Self::Uuid, Self::Integer) => true,
            (Self::Integer, Self::Integer) | (Self::Uuid, Self::Uuid) => false,
        }
    }

    /// Whether `segment` is in this class; the same test the runtime makes
    /// (`RawRequest::segment_is`, `segment_is_integer`, `segment_is_uuid`).
    pub fn admits(&self, segment: &str) -> bool {
        match self {
            Self::OneOf(values) => values.iter().any(|value| value == segment),
            Self::Integer => {
                let digits = segment.strip_prefix(['+', '-']).unwrap_or(segment);
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
            }
            Self::Uuid => {
                segment.len() == 36
                    && segment.char_indices().all(|(i, c)| match i {
                        8 | 13 | 18 | 23 => c == '-',
                        _ => c.is_ascii_hexdigit(),
                    })
            }
        }
    }
}

/// A paginated operation in Dropshot's shape: `limit` and `page_token` query parameters
/// are handled by the runtime, every other query parameter is a scan parameter.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The scan parameters; `required` means required on the first page.
    pub scan: Vec<Parameter>,
    /// Name of the generated struct holding the scan parameters.
    pub scan_type: String,
    /// Name of the trait's associated type for the position a scan resumes from.
    pub marker_type: String,
    /// The success body when it is a `{items, next_page}` page of a named item type,
    /// so a `From<ResultsPage<Item>>` conversion can be generated.
    pub page: Option<PageBody>,
    /// The `limit` and `page_token` parameters, which the runtime handles and which
    /// are therefore in neither [`Operation::params`] nor `scan`.
    pub runtime_params: Vec<Parameter>,
    /// Scan parameters the marker's `required` list made required; the spec declares
    /// them optional.
    pub required_by_marker: Vec<String>,
}

/// A `{items: [Item], next_page}` response schema.
#[derive(Debug, Clone)]
pub struct PageBody {
    /// The page schema (a component reference).
    pub page: SchemaUse,
    /// The item schema (a component reference).
    pub item: SchemaUse,
}

/// How a parameter's value is shaped on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One value.
    Scalar(Scalar),
    /// Several values of one kind.
    Array(Scalar),
    /// An object with named properties.
    Object(ObjectShape),
    /// A `content: application/json` parameter: the value is JSON text.
    JsonText,
}

/// The properties of an object-valued parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectShape {
    /// Declared properties (own and from `allOf` members), in schema order.
    pub properties: Vec<(String, Field)>,
    /// How undeclared keys are converted; `None` when `additionalProperties: false`
    /// rejects them.
    pub additional: Option<Extra>,
    /// Whether the schema writes `additionalProperties` as `true` or a schema: it then
    /// means to hold keys beyond its properties, rather than merely not forbidding them.
    pub declares_additional: bool,
}

/// The shape of one property of an object-valued parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    /// One value.
    Scalar(Scalar),
    /// Several values of one kind.
    Array(Scalar),
    /// A nested object.
    Object(ObjectShape),
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A whole path segment, by its position among the route's parameters.
    Path(usize),
    /// One of several parameters sharing a segment with literal text (`{base}...{head}`):
    /// the route parameter `segment`, split at the operation's literals for it.
    PathPart {
        /// The route parameter holding the whole segment.
        segment: usize,
        /// Which parameter of the segment this is, from 0.
        position: usize,
    },
    /// The query string.
    Query,
    /// The whole query string as one value (OpenAPI 3.2's `in: querystring`).
    QueryString,
    /// A request header.
    Header,
    /// A cookie in the `Cookie` header.
    Cookie,
}

impl Location {
    /// Whether the value is read from the query string's pairs, by its own key or as a
    /// whole.
    pub fn is_query(self) -> bool {
        matches!(self, Location::Query | Location::QueryString)
    }
}

/// One parameter, which becomes one field of the request struct.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// JSON pointer of the parameter object (after references).
    pub pointer: String,
    /// The struct field.
    pub field: String,
    /// Where it is read from.
    pub location: Location,
    /// Whether a request without it is rejected.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// The value's schema.
    pub schema: SchemaUse,
    /// How the value is written on the wire.
    pub shape: Shape,
    /// `style`, or the location's default.
    pub style: Style,
    /// `explode`, or the style's default (`true` for `form` only): for arrays and objects,
    /// whether each item or property is written on its own.
    pub explode: bool,
    /// Whether the spec declares the parameter; `false` for a path template variable
    /// it leaves undeclared.
    pub declared: bool,
    /// The schema as written, before normalization; `None` when absent.
    pub written_schema: Option<Value>,
    /// Parameter keys the IR does not model, as written: `deprecated`,
    /// `allowEmptyValue`, `allowReserved`, `example`, `examples`, `x-` extensions.
    pub extra: Map<String, Value>,
}

/// One entry of a `content` map, as written.
#[derive(Debug, Clone)]
pub struct MediaType {
    /// The media type key.
    pub media_type: String,
    /// The schema as written, before normalization; `None` when absent.
    pub schema: Option<Value>,
    /// Other keys: `example`, `examples`, `encoding`, `x-` extensions.
    pub extra: Map<String, Value>,
}

impl Parameter {
    /// Whether the query key of this parameter is its name; exploded `form` objects use
    /// their properties' names and `deepObject`s `name[property]`.
    pub fn keyed_by_name(&self) -> bool {
        match self.shape {
            Shape::Object(_) => self.style != Style::DeepObject && !self.explode,
            // `name[]` and `name[0]` as well as `name`.
            Shape::Array(_) => self.style != Style::DeepObject,
            _ => true,
        }
    }

    /// Whether this is an exploded `form` query object that takes the query keys no other
    /// parameter names, as a map: one without declared properties, or one whose schema
    /// writes `additionalProperties`. OpenAPI has no other way to say "the remaining
    /// query parameters", and such an object's keys cannot be anything else.
    pub fn collects_rest(&self) -> bool {
        match &self.shape {
            Shape::Object(object) => {
                self.location.is_query()
                    && self.style == Style::Form
                    && self.explode
                    && object.additional.is_some()
                    && (object.properties.is_empty() || object.declares_additional)
            }
            _ => false,
        }
    }
}

/// A schema used in one place, with the name typify should give it if it is inline.
#[derive(Debug, Clone)]
pub struct SchemaUse {
    /// Draft-7 JSON Schema.
    pub schema: Value,
    /// PascalCase name for an inline type, derived from where the schema sits.
    pub name_hint: String,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// The media type the body is read as.
    pub media_type: String,
    /// How it is decoded.
    pub kind: BodyKind,
    /// Whether an empty body is rejected.
    pub required: bool,
    /// The operation's own body limit (`x-specfirst-body-max-bytes`), replacing the
    /// server's.
    pub max_bytes: Option<u64>,
    /// `description`.
    pub description: Option<String>,
    /// Every declared media type in document order, the decoded one included.
    pub content: Vec<MediaType>,
    /// When the body declares several media types: each of them, in document order,
    /// with its own decoder. The request's `content-type` chooses one, and the request
    /// struct's `body` is an enum with one variant per entry. Empty for one media type,
    /// whose decoder is [`RequestBody::kind`].
    pub alternatives: Vec<BodyAlternative>,
    /// Request body keys the IR does not model (`x-` extensions), as written.
    pub extra: Map<String, Value>,
}

/// One media type of a body that declares several: a variant of the body enum.
#[derive(Debug, Clone)]
pub struct BodyAlternative {
    /// The media type key, as written.
    pub media_type: String,
    /// The enum variant.
    pub variant: String,
    /// How a body of this type is decoded.
    pub kind: BodyKind,
}

/// How a request body is decoded.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// JSON into a typed value.
    Json(SchemaUse),
    /// `application/x-www-form-urlencoded` into a typed value.
    Form(SchemaUse),
    /// `multipart/form-data` with an object schema: one typed field per part.
    Multipart(MultipartBody),
    /// JSON Lines or json-seq whose items are described: typed items read as they
    /// arrive, each checked.
    Stream {
        /// How the items are framed.
        framing: Framing,
        /// The schema of one item.
        item: SchemaUse,
    },
    /// `text/plain`: a string.
    Text,
    /// Any other media type: the raw bytes, streamed to the handler.
    Bytes,
}

impl BodyKind {
    /// Every schema the decoder uses, for passes over all of them.
    pub fn schema_uses_mut(&mut self) -> Vec<&mut SchemaUse> {
        match self {
            BodyKind::Json(schema)
            | BodyKind::Form(schema)
            | BodyKind::Stream { item: schema, .. } => {
                vec![schema]
            }
            BodyKind::Multipart(multipart) => multipart
                .parts
                .iter_mut()
                .filter_map(|part| match &mut part.kind {
                    PartKind::Value { schema, .. } | PartKind::Values { schema, .. } => {
                        Some(schema)
                    }
                    PartKind::File | PartKind::Files => None,
                })
                .collect(),
            BodyKind::Text | BodyKind::Bytes => Vec::new(),
        }
    }
}

/// A multipart body read into a generated struct: a `multipart/form-data` body one field
/// per property, or one read by position (OpenAPI 3.2's `prefixEncoding` and
/// `itemEncoding`) one field per leading part and one for the rest.
#[derive(Debug, Clone)]
pub struct MultipartBody {
    /// Name of the generated struct.
    pub type_name: String,
    /// The properties of the body schema (own and from `allOf` members), in schema order;
    /// for a body read by position, its leading parts in order, then the rest.
    pub parts: Vec<MultipartPart>,
    /// Where each part goes when the body is read by position; `None` when parts are
    /// read by name.
    pub positions: Option<Positions>,
}

/// The layout of a multipart body read by position.
#[derive(Debug, Clone)]
pub struct Positions {
    /// The body's media type (`multipart/mixed`, ...), which the client sends.
    pub media_type: String,
    /// The media ranges each leading part may have, by position (`prefixEncoding`'s
    /// `contentType`, else its schema's default).
    pub prefix: Vec<Vec<String>>,
    /// Those of every later part (`itemEncoding`'s), or `None` when no part may follow
    /// the leading ones (`items: false`).
    pub rest: Option<Vec<String>>,
    /// The fewest parts a body may have (`minItems`).
    pub min: usize,
    /// The most (`maxItems`), when the schema says.
    pub max: Option<usize>,
}

/// One property of a multipart body schema: the part (or parts) of that name.
#[derive(Debug, Clone)]
pub struct MultipartPart {
    /// The part name on the wire.
    pub name: String,
    /// The struct field.
    pub field: String,
    /// Whether the schema lists it in `required`.
    pub required: bool,
    /// The property's `description`.
    pub description: Option<String>,
    /// How its content is converted.
    pub kind: PartKind,
}

/// How a multipart part is converted.
#[derive(Debug, Clone)]
pub enum PartKind {
    /// One part whose text is converted as a form field of kind `scalar` would be (objects
    /// are JSON text, [`Scalar::Json`]).
    Value {
        /// How the text becomes a JSON value.
        scalar: Scalar,
        /// The property's schema.
        schema: SchemaUse,
    },
    /// An array: one part per item, each converted as by [`PartKind::Value`].
    Values {
        /// How each item's text becomes a JSON value.
        scalar: Scalar,
        /// The array property's schema.
        schema: SchemaUse,
    },
    /// A `format: binary` string: the bytes with their filename and content type.
    File,
    /// An array of `format: binary` strings: one part per file.
    Files,
}

/// One declared response: a variant of the response enum.
#[derive(Debug, Clone)]
pub struct Response {
    /// The statuses it stands for.
    pub status: StatusSpec,
    /// Variant name.
    pub variant: String,
    /// `description`.
    pub description: Option<String>,
    /// Declared headers.
    pub headers: Vec<ResponseHeader>,
    /// The body, if any.
    pub body: Option<ResponseBody>,
    /// Whether the spec declares the response; `false` for the one made up for
    /// `responses: {}`.
    pub declared: bool,
    /// Every declared media type in document order, the one in `body` included.
    pub content: Vec<MediaType>,
    /// When the response declares several media types: each of them with its body, in
    /// document order. The variant's `body` is then an enum with one variant per entry,
    /// and the handler's choice sets `content-type`. Empty for one media type, whose body
    /// is [`Response::body`].
    pub alternatives: Vec<ResponseAlternative>,
    /// Headers the generator ignores (`Content-Type`, which the media type governs),
    /// after references, by name as written.
    pub ignored_headers: Map<String, Value>,
    /// Response keys the IR does not model (`links`, `x-` extensions), as written.
    pub extra: Map<String, Value>,
}

impl Response {
    /// A response the spec does not declare but the served operation needs a variant for
    /// (any status of `responses: {}`, a WebSocket's 101): no headers, no body.
    pub fn undeclared(status: StatusSpec, variant: String, description: &str) -> Self {
        Response {
            status,
            variant,
            description: Some(description.to_string()),
            headers: Vec::new(),
            body: None,
            declared: false,
            content: Vec::new(),
            alternatives: Vec::new(),
            ignored_headers: Map::new(),
            extra: Map::new(),
        }
    }
}

/// One media type of a response that declares several: a variant of its body enum.
#[derive(Debug, Clone)]
pub struct ResponseAlternative {
    /// The media type key, as written.
    pub media_type: String,
    /// The enum variant.
    pub variant: String,
    /// How a body of this type is encoded.
    pub body: ResponseBody,
}

/// A declared response header.
#[derive(Debug, Clone)]
pub struct ResponseHeader {
    /// The header's name on the wire.
    pub name: String,
    /// The variant field.
    pub field: String,
    /// Whether the handler must give it.
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// The value's schema.
    pub schema: SchemaUse,
    /// The schema as written, before normalization; `None` when absent.
    pub written_schema: Option<Value>,
    /// Header keys the IR does not model (`deprecated`, `style`, `explode`, `example`,
    /// `examples`, `content`, `x-` extensions), as written.
    pub extra: Map<String, Value>,
}

/// A response body.
#[derive(Debug, Clone)]
pub enum ResponseBody {
    /// JSON from a typed value.
    Json {
        /// The media type written in `content-type`.
        media_type: String,
        /// The value's schema.
        schema: SchemaUse,
    },
    /// Typed items sent one by one as they come: Server-Sent Events whose data is the
    /// item, JSON Lines or json-seq.
    Stream {
        /// The declared media type.
        media_type: String,
        /// How the items are framed.
        framing: Framing,
        /// The schema of one item (of an event's data).
        item: SchemaUse,
        /// Whether the items are events told apart by name: the item is then an enum
        /// of one-property objects, each variant's property the event's name and its
        /// value the event's data.
        named: bool,
    },
    /// `text/plain`: a string.
    Text {
        /// The declared media type.
        media_type: String,
    },
    /// Raw bytes of a declared media type, whole or streamed; a wildcard type (`*/*`,
    /// `image/*`) makes the handler name the concrete type.
    Bytes {
        /// The declared media type.
        media_type: String,
        /// Whether the handler gives the content type (the declared one has a `*`).
        handler_sets_type: bool,
    },
}

impl ResponseBody {
    /// The declared media type.
    pub fn media_type(&self) -> String {
        match self {
            ResponseBody::Json { media_type, .. }
            | ResponseBody::Stream { media_type, .. }
            | ResponseBody::Text { media_type }
            | ResponseBody::Bytes { media_type, .. } => media_type.clone(),
        }
    }

    /// The schema of the body's value, or of one item of a stream; `None` for text and
    /// bytes.
    pub fn schema(&self) -> Option<&SchemaUse> {
        match self {
            ResponseBody::Json { schema, .. } | ResponseBody::Stream { item: schema, .. } => {
                Some(schema)
            }
            ResponseBody::Text { .. } | ResponseBody::Bytes { .. } => None,
        }
    }

    /// [`ResponseBody::schema`], to change.
    pub fn schema_mut(&mut self) -> Option<&mut SchemaUse> {
        match self {
            ResponseBody::Json { schema, .. } | ResponseBody::Stream { item: schema, .. } => {
                Some(schema)
            }
            ResponseBody::Text { .. } | ResponseBody::Bytes { .. } => None,
        }
    }
}

/// The security schemes of an API, which become one authentication trait.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Name of the generated trait, e.g. `PetstoreAuth`.
    pub trait_name: String,
    /// The realm named in `WWW-Authenticate` challenges: the API's title.
    pub realm: String,
    /// Every scheme under `components/securitySchemes`, in document order.
    pub schemes: Vec<SecurityScheme>,
}

/// One entry of `components/securitySchemes`: a method of the authentication trait.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// The name in the spec.
    pub name: String,
    /// The trait method.
    pub method_name: String,
    /// `description`.
    pub description: Option<String>,
    /// How the credential is presented.
    pub kind: SchemeKind,
}

/// How a scheme's credential is presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// HTTP `Authorization: Bearer <token>`.
    Bearer {
        /// `bearerFormat`, a hint only.
        format: Option<String>,
    },
    /// HTTP `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// Any other HTTP authentication scheme: `Authorization: <scheme> <credentials>`,
    /// the credentials handed over as sent.
    Http {
        /// The scheme name as the spec writes it (`Digest`, `Negotiate`, a vendor's).
        scheme: String,
    },
    /// A key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key is read from.
        location: ApiKeyLocation,
        /// The header, parameter or cookie name.
        name: String,
    },
    /// OAuth 2 access tokens, presented as bearer tokens and carrying scopes.
    OAuth2 {
        /// Every scope a flow declares.
        scopes: Vec<String>,
    },
    /// OpenID Connect tokens, presented as bearer tokens and carrying scopes.
    OpenIdConnect {
        /// `openIdConnectUrl`.
        url: String,
    },
    /// A client certificate verified in the TLS handshake (OpenAPI 3.1 `mutualTLS`).
    MutualTls,
    /// A scheme the spec names without saying how its credential is presented: a
    /// requirement naming no declared scheme, or a scheme of a type OpenAPI does not
    /// define. Its method reads the credential from the whole request.
    Undescribed {
        /// The `type` the declaration gives; `None` when nothing declares the scheme.
        declared_type: Option<String>,
    },
}

impl SchemeKind {
    /// Whether requirements may name scopes for this scheme.
    pub fn has_scopes(&self) -> bool {
        matches!(self, Self::OAuth2 { .. } | Self::OpenIdConnect { .. })
    }
}

/// Where an API key is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One security requirement: every scheme in it must accept the request. An empty
/// requirement admits anonymous requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// The schemes, in the order the spec lists them.
    pub schemes: Vec<SchemeUse>,
}

/// A scheme named by a requirement, with the scopes it must grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeUse {
    /// Index into [`Auth::schemes`].
    pub scheme: usize,
    /// Scopes the credential must carry (OAuth 2 and OpenID Connect only).
    pub scopes: Vec<String>,
}

/// An operation paged by next links (Azure's `x-ms-pageable`).
#[derive(Debug, Clone)]
pub struct LinkPagination {
    /// The page schema (a component reference) and its item schema.
    pub body: PageBody,
    /// The Rust field holding the items (`itemName`, `value` by default).
    pub items_field: String,
    /// The Rust field holding the next link (`nextLinkName`).
    pub next_field: String,
}

impl Operation {
    /// What a request must carry to be this operation rather than another on the same
    /// route and method, sorted: its required query parameters (by name), and the
    /// `name` or `name=value` conditions AWS writes after `#` in the path, each met by a
    /// query parameter or a header.
    pub fn discriminators(&self) -> Vec<(String, Option<String>)> {
        let mut out: Vec<(String, Option<String>)> = self
            .params
            .iter()
            .filter(|p| p.location == Location::Query && p.required && p.keyed_by_name())
            .map(|p| (p.name.clone(), None))
            .collect();
        if let Some(fragment) = path_conditions(&self.path) {
            for condition in fragment.split('&').filter(|c| !c.is_empty()) {
                out.push(match condition.split_once('=') {
                    Some((name, value)) => (name.to_string(), Some(value.to_string())),
                    None => (condition.to_string(), None),
                });
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The conditions after `#` in `path` (AWS writes `/#Action=CreateQueue` or
/// `/#X-Amz-Target=Service.Operation`): `name` or `name=value` pairs joined by `&`.
/// `None` when the path has no `#`, or when what follows it is more path (Mastercard's
/// `/send/#env/v1/partners/{partnerId}`), which is then part of the path, `#` and all.
pub fn path_conditions(path: &str) -> Option<&str> {
    let (_, after) = path.split_once('#')?;
    (!after.contains(['/', '{', '}'])).then_some(after)
}

/// The method every generated authentication trait has besides its scheme methods;
/// scheme methods are named around it.
pub const COMBINE_METHOD: &str = "combine_principals";

/// The Rust types of one API as typify wrote them, found at the end of lowering.
///
/// Kept as text, not tokens, so the generator holding it stays `Send` and `Sync`
/// (`proc_macro2`'s tokens are neither) and the model stays plain data; the emitters
/// read a type's text back as the tokens typify wrote, and write the code of every type
/// as it is, formatted already.
#[derive(Debug, Clone)]
pub struct Types {
    /// The Rust type of each schema use, e.g. `types :: Pet`, by the schema's JSON and
    /// its name hint.
    pub(crate) made: BTreeMap<(String, String), String>,
    /// The code of every type, formatted as the items of the `types` module.
    pub(crate) items: String,
    /// The optional crates that code uses.
    pub(crate) uses: Uses,
}

impl Types {
    /// The Rust type written for `schema_use`, if typing saw it.
    pub(crate) fn type_text(&self, schema_use: &SchemaUse) -> Option<&str> {
        let key = (schema_use.schema.to_string(), schema_use.name_hint.clone());
        self.made.get(&key).map(String::as_str)
    }

    /// The code of every type, formatted as the items of the `types` module.
    pub(crate) fn items_text(&self) -> &str {
        &self.items
    }

    /// The optional crates the types use.
    pub fn uses(&self) -> Uses {
        self.uses
    }
}

/// Which optional crates the generated types use, so the manifest names only those.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// `chrono`, for `date` and `date-time`.
    pub chrono: bool,
    /// `uuid`, for `uuid`.
    pub uuid: bool,
    /// `regress`, for `pattern`.
    pub regress: bool,
}
