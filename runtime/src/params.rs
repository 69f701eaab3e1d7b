//! Descriptions of path, query, header and cookie parameters, and the conversion of their
//! raw string values into typed values.
//!
//! Raw strings are first turned into a [`serde_json::Value`] according to the parameter's
//! OpenAPI style and types and then deserialized, so generated types (enums, newtypes with
//! validation, structs for object parameters) decode parameters exactly as they decode JSON
//! bodies.
//!
//! Every style of OpenAPI 3.0 is read as its style table writes it. Values are
//! percent-decoded before they are split at the style's delimiters, so a delimiter inside
//! an item cannot be escaped; this is the same trade-off every parameter already made.

use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value};

use crate::validate::{self, Schema};
use crate::HttpError;

/// The OpenAPI type of a single parameter value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// Taken verbatim.
    String,
    /// A signed or unsigned 64-bit integer.
    Integer,
    /// A finite floating-point number.
    Number,
    /// Exactly `true` or `false`.
    Boolean,
    /// Parsed as JSON, falling back to the raw string; used for schemas without a simple type.
    Json,
}

/// Whether a parameter holds one value, a list of values or an object, and of what types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A single value.
    Scalar(Scalar),
    /// A list of values.
    Array {
        /// Type of each item.
        item: Scalar,
        /// The OpenAPI `explode`: for `form` (query, cookie), repeated keys (`?a=1&a=2`)
        /// rather than one joined value (`?a=1,2`); for `label` and `matrix`, one prefix per
        /// item. `simple` arrays read the same either way.
        explode: bool,
    },
    /// An object with named properties (`R=100,G=200`, `color[R]=100`, ...).
    Object {
        /// Its declared properties and what happens to other keys.
        object: Object,
        /// The OpenAPI `explode`: whether each property is its own `name=value` (or its own
        /// query key, for `form`) rather than a flat list alternating names and values.
        explode: bool,
    },
    /// A `content: application/json` parameter: the raw value is a JSON document.
    JsonText,
}

/// The declared properties of an object-valued parameter (or of a nested object in a
/// `deepObject` parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Object {
    /// Properties by name, each with the type its raw value is converted to.
    pub properties: &'static [Property],
    /// Keys that are not declared properties: `None` rejects them (the schema says
    /// `additionalProperties: false`), `Some(kind)` keeps them, converted as `kind`, for the
    /// generated type to accept or ignore.
    pub additional: Option<Extra>,
}

/// The type of the values an [`Object`] keeps under keys it does not declare
/// (`additionalProperties`). A separate type from [`Field`] because undeclared keys
/// never hold nested objects here, and because `Field` holds an `Object` by value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extra {
    /// One value per key; a repeated key is an error.
    Scalar(Scalar),
    /// A list per key: the key repeated (`tag=a&tag=b`) gives several items.
    Array(Scalar),
}

/// A query key that something other than a collecting parameter reads, so that
/// parameter leaves it alone (see [`Param::collecting`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Exactly this key: another parameter's name, a property of another exploded `form`
    /// object, or a key the runtime reads itself (pagination's `limit`, `page_token`).
    Key(&'static str),
    /// Keys `name[...]`: a `deepObject` parameter's.
    Under(&'static str),
}

impl Claim {
    fn takes(&self, key: &str) -> bool {
        match self {
            Claim::Key(name) => key == *name,
            Claim::Under(name) => key
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('[')),
        }
    }
}

/// One declared property of an [`Object`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Property {
    /// Name as written in the schema and on the wire.
    pub name: &'static str,
    /// The type of its value.
    pub value: Field,
}

/// The type of an object property's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// One value.
    Scalar(Scalar),
    /// A list of values: the property's key repeated (`R=1&R=2`, `color[R][]=1`).
    Array(Scalar),
    /// A nested object, only written by `deepObject` (`color[range][min]=1`).
    Object(Object),
}

/// How a parameter's value is written (the OpenAPI `style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `blue`, `blue,black`, `R,100,G,200` or exploded `R=100,G=200`: path and header.
    Simple,
    /// `.blue`, `.blue.black`, `.R=100.G=200`: path.
    Label,
    /// `;color=blue`, `;color=blue,black`, `;color=blue;color=black`, `;R=100;G=200`: path.
    Matrix,
    /// `color=blue`, `color=blue&color=black`, `color=blue,black`, `R=100&G=200`: query and
    /// cookie.
    Form,
    /// `color=blue%20black`: query.
    SpaceDelimited,
    /// `color=blue|black`: query.
    PipeDelimited,
    /// `color[R]=100&color[G]=200`: query objects.
    DeepObject,
}

/// Where a parameter is found in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// A path template variable, by its position in the template.
    Path(usize),
    /// One of several variables sharing a segment with literal text, such as `head` in
    /// `{base}...{head}`: the route variable `segment` split at `literals`.
    PathPart {
        /// The route variable holding the whole segment.
        segment: usize,
        /// The literal pieces around and between the variables (one more than them).
        literals: &'static [&'static str],
        /// Which variable of the segment, from 0.
        position: usize,
    },
    /// A query string parameter.
    Query,
    /// A request header.
    Header,
    /// A cookie in the `Cookie` header(s).
    Cookie,
}

impl Location {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Location::Path(_) | Location::PathPart { .. } => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// The raw text a request holds for one parameter, before decoding.
#[derive(Debug)]
pub(crate) enum Raw<'a> {
    /// A path segment, or the piece of one that belongs to the parameter.
    Segment(&'a str),
    /// Every line of the parameter's header, in order.
    Lines(Vec<&'a str>),
    /// Every decoded key/value pair of the query string or the cookies, in order.
    Pairs(&'a [(String, String)]),
}

/// A parameter declared by an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Name as written in the OpenAPI document.
    pub name: &'static str,
    /// Where the parameter is found.
    pub location: Location,
    /// How its value is written; the location's default unless [`styled`](Self::styled).
    pub style: Style,
    /// Whether it is a single value, a list or an object, and of what types.
    pub shape: Shape,
    /// Constraints checked before the value is decoded, all reported at once.
    pub rules: Option<&'static Schema>,
    /// For an exploded `form` object that collects the query keys no other parameter
    /// names (OpenAPI's way of writing "the remaining parameters, as a map"): the keys
    /// others read. `None` for every other parameter, whose keys are its own.
    pub others: Option<&'static [Claim]>,
}

impl Param {
    /// The same parameter with constraints to check before decoding.
    pub const fn checked(mut self, rules: &'static Schema) -> Self {
        self.rules = Some(rules);
        self
    }

    /// The same exploded `form` object collecting every query key that is neither one of
    /// its declared properties nor claimed by `others`, as its undeclared properties.
    pub const fn collecting(mut self, others: &'static [Claim]) -> Self {
        self.others = Some(others);
        self
    }

    /// The same parameter written in `style` rather than its location's default.
    pub const fn styled(mut self, style: Style) -> Self {
        self.style = style;
        self
    }

    const fn at(location: Location, style: Style, name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            location,
            style,
            shape,
            rules: None,
            others: None,
        }
    }

    /// A path parameter at position `index` of the path template, in `simple` style.
    pub const fn path(index: usize, name: &'static str, shape: Shape) -> Self {
        Self::at(Location::Path(index), Style::Simple, name, shape)
    }

    /// One of several path variables in a segment that mixes them with literal text.
    pub const fn path_part(
        segment: usize,
        literals: &'static [&'static str],
        position: usize,
        name: &'static str,
        shape: Shape,
    ) -> Self {
        let location = Location::PathPart {
            segment,
            literals,
            position,
        };
        Self::at(location, Style::Simple, name, shape)
    }

    /// A query parameter, in `form` style.
    pub const fn query(name: &'static str, shape: Shape) -> Self {
        Self::at(Location::Query, Style::Form, name, shape)
    }

    /// A header parameter, in `simple` style.
    pub const fn header(name: &'static str, shape: Shape) -> Self {
        Self::at(Location::Header, Style::Simple, name, shape)
    }

    /// A cookie parameter, in `form` style.
    pub const fn cookie(name: &'static str, shape: Shape) -> Self {
        Self::at(Location::Cookie, Style::Form, name, shape)
    }

    pub(crate) fn missing(&self) -> HttpError {
        HttpError::bad_request(
            "MissingParameter",
            format!(
                "missing required {} parameter \"{}\"",
                self.location.word(),
                self.name
            ),
        )
    }

    pub(crate) fn invalid(&self, reason: impl std::fmt::Display) -> HttpError {
        HttpError::bad_request(
            "InvalidParameter",
            format!(
                "invalid value for {} parameter \"{}\": {reason}",
                self.location.word(),
                self.name
            ),
        )
    }

    /// Decodes the parameter from what the request holds; `None` when it is absent.
    pub(crate) fn decode<T: DeserializeOwned>(&self, raw: Raw<'_>) -> Result<Option<T>, HttpError> {
        let Some(value) = self.extract(raw).map_err(|reason| self.invalid(reason))? else {
            return Ok(None);
        };
        if let Some(rules) = self.rules {
            let violations = validate::validate(&value, rules);
            if !violations.is_empty() {
                return Err(self.invalid(validate::describe_violations(&violations)));
            }
        }
        serde_json::from_value(value)
            .map(Some)
            .map_err(|e| self.invalid(e))
    }

    /// The parameter's value as JSON, before rules and types are applied; `None` when the
    /// request does not have it, `Err` with the reason when its text is malformed.
    fn extract(&self, raw: Raw<'_>) -> Result<Option<Value>, String> {
        match raw {
            Raw::Segment(segment) => self.read_segment(segment).map(Some),
            Raw::Lines(lines) if lines.is_empty() => Ok(None),
            Raw::Lines(lines) => self.read_lines(&lines).map(Some),
            Raw::Pairs(pairs) => self.read_pairs(pairs),
        }
    }

    /// A path value: `simple`, `label` or `matrix`.
    fn read_segment(&self, raw: &str) -> Result<Value, String> {
        if self.shape == Shape::JsonText {
            return json_text(raw);
        }
        match self.style {
            Style::Label => {
                let rest = raw
                    .strip_prefix('.')
                    .ok_or("expected a label value starting with \".\"")?;
                match self.shape {
                    Shape::Array { item, explode } => {
                        items(item, label_split(rest, explode).into_iter().map(Ok))
                    }
                    Shape::Object { object, explode } => {
                        let parts = label_split(rest, explode);
                        object_from_list(&object, explode, parts.into_iter())
                    }
                    _ => self.scalar(rest),
                }
            }
            Style::Matrix => {
                let rest = raw
                    .strip_prefix(';')
                    .ok_or("expected a matrix value starting with \";\"")?;
                match self.shape {
                    Shape::Array {
                        item,
                        explode: true,
                    } => {
                        if rest == self.name {
                            return Ok(Value::Array(Vec::new()));
                        }
                        let values = rest.split(';').map(|part| self.matrix_value(part));
                        items(item, values)
                    }
                    Shape::Object {
                        object,
                        explode: true,
                    } => object_from_list(&object, true, split_nonempty(rest, ';').into_iter()),
                    _ => {
                        let value = self.matrix_value(rest)?;
                        self.simple(value, |text| split_nonempty(text, ','))
                    }
                }
            }
            _ => self.simple(raw, |text| split_nonempty(text, ',')),
        }
    }

    /// The value of a matrix `name=value` (or a bare `name`, which is empty).
    fn matrix_value<'a>(&self, part: &'a str) -> Result<&'a str, String> {
        match part.split_once('=') {
            Some((key, value)) if key == self.name => Ok(value),
            None if part == self.name => Ok(""),
            _ => Err(format!("expected \";{}=value\"", self.name)),
        }
    }

    /// A value in `simple` form: a scalar, a list, or an object as a list of names and
    /// values (or of `name=value` when exploded). `split` cuts a list into items.
    fn simple<'a>(
        &self,
        raw: &'a str,
        split: impl Fn(&'a str) -> Vec<&'a str>,
    ) -> Result<Value, String> {
        match self.shape {
            Shape::Scalar(_) | Shape::JsonText => self.scalar(raw),
            Shape::Array { item, .. } => items(item, split(raw).into_iter().map(Ok)),
            Shape::Object { object, explode } => {
                object_from_list(&object, explode, split(raw).into_iter())
            }
        }
    }

    fn scalar(&self, raw: &str) -> Result<Value, String> {
        match self.shape {
            Shape::Scalar(scalar) => to_value(scalar, raw).map_err(str::to_owned),
            _ => json_text(raw),
        }
    }

    /// A header value; several lines of a list are equivalent to one comma-joined line
    /// (RFC 9110), but a single value must come on one line.
    fn read_lines(&self, lines: &[&str]) -> Result<Value, String> {
        match (self.shape, lines) {
            (Shape::Scalar(_) | Shape::JsonText, [one]) => self.scalar(one),
            (Shape::Scalar(_) | Shape::JsonText, _) => {
                Err(format!("expected a single value, got {}", lines.len()))
            }
            _ => {
                let joined = lines.join(",");
                self.simple(&joined, |text| {
                    split_nonempty(text, ',')
                        .into_iter()
                        .map(str::trim)
                        .collect()
                })
            }
        }
    }

    /// A query or cookie value, read from the pairs with this parameter's key (or, for
    /// exploded form objects and deep objects, the keys of its properties).
    fn read_pairs(&self, pairs: &[(String, String)]) -> Result<Option<Value>, String> {
        let own = || {
            pairs
                .iter()
                .filter(|(key, _)| key == self.name)
                .map(|(_, value)| value.as_str())
        };
        let delimiter = match self.style {
            Style::SpaceDelimited => ' ',
            Style::PipeDelimited => '|',
            _ => ',',
        };
        match self.shape {
            Shape::Object { object, .. } if self.style == Style::DeepObject => {
                deep_object(&object, self.name, pairs)
            }
            Shape::Object {
                object,
                explode: true,
            } => exploded_form_object(&object, self.others, pairs),
            Shape::Array { item, .. } if self.style == Style::DeepObject => {
                deep_array(item, self.name, pairs)
            }
            Shape::Scalar(scalar) if self.style == Style::DeepObject => {
                deep_any(scalar, self.name, pairs)
            }
            Shape::Array {
                item,
                explode: true,
            } => {
                let values: Vec<&str> = own().collect();
                if values.is_empty() {
                    return Ok(None);
                }
                items(item, values.into_iter().map(Ok)).map(Some)
            }
            _ => {
                let values: Vec<&str> = own().collect();
                match values[..] {
                    [] => Ok(None),
                    [one] => self
                        .simple(one, |text| split_nonempty(text, delimiter))
                        .map(Some),
                    _ => Err(match self.shape {
                        Shape::Scalar(_) | Shape::JsonText => {
                            format!("expected a single value, got {}", values.len())
                        }
                        _ => format!(
                            "expected a single {}-separated value, got {}",
                            delimiter_word(delimiter),
                            values.len()
                        ),
                    }),
                }
            }
        }
    }
}

fn delimiter_word(delimiter: char) -> &'static str {
    match delimiter {
        ' ' => "space",
        '|' => "pipe",
        _ => "comma",
    }
}

/// Splits a list at `delimiter`; an empty string is an empty list.
fn split_nonempty(raw: &str, delimiter: char) -> Vec<&str> {
    if raw.is_empty() {
        Vec::new()
    } else {
        raw.split(delimiter).collect()
    }
}

/// The items of a label value after its leading `.`. Exploded items are separated by `.`.
/// The 3.0.3 style table writes non-exploded lists with `.` too (`.blue.black`) while
/// RFC 6570 and OpenAPI 3.0.4 write `.blue,black`; a comma means the latter.
fn label_split(rest: &str, explode: bool) -> Vec<&str> {
    if !explode && rest.contains(',') {
        split_nonempty(rest, ',')
    } else {
        split_nonempty(rest, '.')
    }
}

fn json_text(raw: &str) -> Result<Value, String> {
    serde_json::from_str(raw).map_err(|e| format!("expected JSON: {e}"))
}

fn items<'a>(
    item: Scalar,
    raws: impl Iterator<Item = Result<&'a str, String>>,
) -> Result<Value, String> {
    raws.map(|raw| to_value(item, raw?).map_err(str::to_owned))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// An object written as a list: `name=value` items when exploded, otherwise names and
/// values alternating.
fn object_from_list<'a>(
    object: &Object,
    explode: bool,
    mut parts: impl Iterator<Item = &'a str>,
) -> Result<Value, String> {
    let mut builder = ObjectBuilder::new(object);
    if explode {
        for part in parts {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("expected name=value, got \"{part}\""))?;
            builder.add(key, value)?;
        }
    } else {
        while let Some(key) = parts.next() {
            let value = parts
                .next()
                .ok_or_else(|| format!("property \"{key}\" has no value"))?;
            builder.add(key, value)?;
        }
    }
    Ok(builder.finish())
}

/// An exploded `form` object: each declared property is its own query key or cookie.
/// Keys that are not declared belong to something else and are not collected, unless the
/// object collects the rest (`others` is given): then every key nobody else claims is
/// one of its undeclared properties.
fn exploded_form_object(
    object: &Object,
    others: Option<&[Claim]>,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut builder = ObjectBuilder::new(object);
    let mut found = false;
    for (key, value) in pairs {
        let declared = object.properties.iter().any(|p| p.name == key);
        if let Some(path) = nested_key(object, key) {
            found = true;
            builder.add_path(&path?, value)?;
            continue;
        }
        let collected = || others.is_some_and(|others| !others.iter().any(|c| c.takes(key)));
        if declared || collected() {
            found = true;
            builder.add(key, value)?;
        }
    }
    Ok(found.then(|| builder.finish()))
}

/// A key `inner[x]` (or `inner[x][y]`, `inner[list][]`) under a nested object property
/// `inner` of an exploded `form` object, as qs and Rails write nested objects, which
/// OpenAPI leaves undefined: the property path, or an error for malformed brackets.
/// `None` when the key does not start with such a property's name and `[`.
fn nested_key<'k>(object: &Object, key: &'k str) -> Option<Result<Vec<&'k str>, String>> {
    let (name, rest) = key.split_at(key.find('[')?);
    object
        .properties
        .iter()
        .any(|p| p.name == name && matches!(p.value, Field::Object(_)))
        .then(|| {
            let mut path = vec![name];
            path.extend(brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?);
            Ok(path)
        })
}

/// A `deepObject` array. OpenAPI defines `deepObject` for objects only; APIs that use it
/// for lists (Stripe) write `name[]=a&name[]=b` or `name[0]=a&name[1]=b`, and clients
/// also send plain `name=a&name=b`. All three are read, items in order of appearance.
fn deep_array(
    item: Scalar,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut values = Vec::new();
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        let index = match rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(index) => index,
            None if rest.is_empty() => "",
            // Another parameter whose name starts with this one's.
            None if !rest.starts_with('[') => continue,
            None => return Err(format!("malformed key \"{key}\"")),
        };
        if !index.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("key \"{key}\": a list takes no property names"));
        }
        values.push(value.as_str());
    }
    if values.is_empty() {
        return Ok(None);
    }
    items(item, values.into_iter().map(Ok)).map(Some)
}

/// A `deepObject`: every key `name[property]`, `name[property][]` (an array item) or
/// `name[property][nested]` (a property of a nested object).
fn deep_object(
    object: &Object,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut builder = ObjectBuilder::new(object);
    let mut found = false;
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name).filter(|rest| rest.starts_with('[')) else {
            continue;
        };
        found = true;
        let path = brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?;
        builder.add_path(&path, value)?;
    }
    Ok(found.then(|| builder.finish()))
}

/// A `deepObject` parameter whose schema is a composition (Stripe's `created`: an
/// integer or a `{gt, lt}` range). A plain `name=value` is the scalar, converted as
/// `scalar`; `name[a][b]=v` keys build objects and `name[]`/`name[0]` lists, each value
/// read as JSON when it parses and as text otherwise. The generated type then decides
/// which alternative the value is.
fn deep_any(
    scalar: Scalar,
    name: &str,
    pairs: &[(String, String)],
) -> Result<Option<Value>, String> {
    let mut plain = Vec::new();
    let mut tree = Value::Null;
    for (key, value) in pairs {
        let Some(rest) = key.strip_prefix(name) else {
            continue;
        };
        if rest.is_empty() {
            plain.push(value.as_str());
            continue;
        }
        if !rest.starts_with('[') {
            continue;
        }
        let path = brackets(rest).ok_or_else(|| format!("malformed key \"{key}\""))?;
        let item = to_value(Scalar::Json, value).map_err(str::to_owned)?;
        insert_path(&mut tree, &path, item).map_err(|reason| format!("key \"{key}\": {reason}"))?;
    }
    match (plain.as_slice(), tree.is_null()) {
        ([], true) => Ok(None),
        ([], false) => Ok(Some(tree)),
        ([one], true) => to_value(scalar, one).map(Some).map_err(str::to_owned),
        ([_], false) => Err(format!(
            "both \"{name}\" and \"{name}[...]\" keys are given"
        )),
        (many, _) => Err(format!("expected a single value, got {}", many.len())),
    }
}

/// Puts `value` at `path` below `target`: names are object keys, empty or numeric
/// segments list items. An index already seen addresses its item (so `a[0][x]` and
/// `a[0][y]` fill one object); any other index appends, keeping items in order.
fn insert_path(target: &mut Value, path: &[&str], value: Value) -> Result<(), String> {
    let Some((segment, rest)) = path.split_first() else {
        if !target.is_null() {
            return Err("given more than once".to_owned());
        }
        *target = value;
        return Ok(());
    };
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        if target.is_null() {
            *target = Value::Array(Vec::new());
        }
        let Value::Array(items) = target else {
            return Err("mixes list items and property names".to_owned());
        };
        let at = match segment.parse::<usize>() {
            Ok(index) if index < items.len() && !rest.is_empty() => index,
            _ => {
                items.push(Value::Null);
                items.len() - 1
            }
        };
        insert_path(&mut items[at], rest, value)
    } else {
        if target.is_null() {
            *target = Value::Object(Map::new());
        }
        let Value::Object(map) = target else {
            return Err("mixes list items and property names".to_owned());
        };
        insert_path(map.entry(*segment).or_insert(Value::Null), rest, value)
    }
}

/// The names in `[a][b][]`; `None` unless the text is only bracketed names.
fn brackets(mut rest: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        names.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    Some(names)
}

/// Collects an object's properties, converting each by its declared type.
struct ObjectBuilder {
    object: Object,
    map: Map<String, Value>,
    /// Nested objects of a deep object, by property name, in order of appearance.
    nested: Vec<(String, ObjectBuilder)>,
}

impl ObjectBuilder {
    fn new(object: &Object) -> Self {
        Self {
            object: *object,
            map: Map::new(),
            nested: Vec::new(),
        }
    }

    fn field(&self, key: &str) -> Result<Field, String> {
        if let Some(property) = self.object.properties.iter().find(|p| p.name == key) {
            return Ok(property.value);
        }
        match self.object.additional {
            Some(Extra::Scalar(scalar)) => Ok(Field::Scalar(scalar)),
            Some(Extra::Array(item)) => Ok(Field::Array(item)),
            None => Err(format!("unknown property \"{key}\"")),
        }
    }

    /// One `key=value`; a repeated key adds an item to an array property.
    fn add(&mut self, key: &str, raw: &str) -> Result<(), String> {
        let convert = |scalar| {
            to_value(scalar, raw).map_err(|reason| format!("property \"{key}\": {reason}"))
        };
        match self.field(key)? {
            Field::Scalar(scalar) => {
                let value = convert(scalar)?;
                if self.map.insert(key.to_owned(), value).is_some() {
                    return Err(format!("property \"{key}\" is given more than once"));
                }
            }
            Field::Array(item) => {
                let value = convert(item)?;
                let entry = self
                    .map
                    .entry(key.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = entry {
                    items.push(value);
                }
            }
            Field::Object(_) => {
                return Err(format!(
                    "property \"{key}\" is an object, which needs a key per property"
                ))
            }
        }
        Ok(())
    }

    /// One deep-object key below the parameter's name: `[key]`, `[key][]` (or `[key][0]`)
    /// for an item of an array property, `[key][nested]` for a nested object's property.
    fn add_path(&mut self, path: &[&str], raw: &str) -> Result<(), String> {
        let (key, rest) = match path {
            [key, rest @ ..] if !key.is_empty() => (*key, rest),
            _ => return Err("empty property name".to_owned()),
        };
        let is_index = |index: &str| index.bytes().all(|b| b.is_ascii_digit());
        match (self.field(key)?, rest) {
            (_, []) => self.add(key, raw),
            // Items are kept in order of appearance; indices only mark them as items.
            (Field::Array(_), [index]) if is_index(index) => self.add(key, raw),
            (Field::Object(object), _) => {
                let at = match self.nested.iter().position(|(name, _)| name == key) {
                    Some(at) => at,
                    None => {
                        self.nested
                            .push((key.to_owned(), ObjectBuilder::new(&object)));
                        self.nested.len() - 1
                    }
                };
                self.nested[at]
                    .1
                    .add_path(rest, raw)
                    .map_err(|reason| format!("property \"{key}\": {reason}"))
            }
            (Field::Array(_), _) => Err(format!("property \"{key}\" is an array, not an object")),
            (Field::Scalar(_), _) => Err(format!("property \"{key}\" is not an object")),
        }
    }

    fn finish(mut self) -> Value {
        for (name, nested) in self.nested {
            self.map.insert(name, nested.finish());
        }
        Value::Object(self.map)
    }
}

pub(crate) fn to_value(scalar: Scalar, raw: &str) -> Result<Value, &'static str> {
    match scalar {
        Scalar::String => Ok(Value::String(raw.to_owned())),
        Scalar::Integer => parse_integer(raw).ok_or("expected an integer"),
        Scalar::Number => parse_integer(raw)
            .or_else(|| {
                raw.parse::<f64>()
                    .ok()
                    .and_then(Number::from_f64)
                    .map(Value::Number)
            })
            .ok_or("expected a finite number"),
        Scalar::Boolean => match raw {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("expected a boolean (true or false)"),
        },
        Scalar::Json => {
            Ok(serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned())))
        }
    }
}

fn parse_integer(raw: &str) -> Option<Value> {
    raw.parse::<i64>()
        .map(Number::from)
        .or_else(|_| raw.parse::<u64>().map(Number::from))
        .ok()
        .map(Value::Number)
}

/// Every cookie in the `Cookie` header lines, in order, with values percent-decoded as the
/// `form` style writes them and surrounding double quotes (RFC 6265) removed.
pub(crate) fn cookie_pairs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(key, value)| {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// `%XX` escapes decoded; text that is not a valid escape, or that would not decode to
/// UTF-8, is kept as written.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| raw.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));

    const RGB: Object = Object {
        properties: &[
            Property {
                name: "R",
                value: Field::Scalar(Scalar::Integer),
            },
            Property {
                name: "G",
                value: Field::Scalar(Scalar::Integer),
            },
            Property {
                name: "B",
                value: Field::Scalar(Scalar::Integer),
            },
        ],
        additional: None,
    };

    /// A `deepObject` filter: a scalar, an array and a nested object; other keys kept.
    const FILTER: Object = Object {
        properties: &[
            Property {
                name: "name",
                value: Field::Scalar(Scalar::String),
            },
            Property {
                name: "tags",
                value: Field::Array(Scalar::String),
            },
            Property {
                name: "range",
                value: Field::Object(Object {
                    properties: &[
                        Property {
                            name: "min",
                            value: Field::Scalar(Scalar::Number),
                        },
                        Property {
                            name: "max",
                            value: Field::Scalar(Scalar::Number),
                        },
                    ],
                    additional: None,
                }),
            },
        ],
        additional: Some(Extra::Scalar(Scalar::String)),
    };

    const fn array(item: Scalar, explode: bool) -> Shape {
        Shape::Array { item, explode }
    }

    const fn object(explode: bool) -> Shape {
        Shape::Object {
            object: RGB,
            explode,
        }
    }

    fn message(e: HttpError) -> String {
        e.external_message
    }

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Decodes from query pairs `key=value`.
    fn query(param: &Param, raw: &[(&str, &str)]) -> Result<Option<Value>, HttpError> {
        param.decode(Raw::Pairs(&pairs(raw)))
    }

    /// Decodes query values all under the parameter's own name.
    fn own<T: DeserializeOwned>(param: &Param, values: &[&str]) -> Result<T, HttpError> {
        let raw: Vec<(&str, &str)> = values.iter().map(|v| (param.name, *v)).collect();
        let pairs = pairs(&raw);
        param
            .decode(Raw::Pairs(&pairs))
            .and_then(|v| v.ok_or_else(|| param.missing()))
    }

    fn path(param: &Param, segment: &str) -> Result<Value, HttpError> {
        param
            .decode(Raw::Segment(segment))
            .map(|v| v.unwrap_or_default())
    }

    fn header(param: &Param, lines: &[&str]) -> Result<Option<Value>, HttpError> {
        param.decode(Raw::Lines(lines.to_vec()))
    }

    #[test]
    fn scalars() {
        assert_eq!(own::<u32>(&LIMIT, &["7"]).unwrap(), 7);
        assert_eq!(
            own::<u64>(&LIMIT, &["18446744073709551615"]).unwrap(),
            u64::MAX
        );
        assert_eq!(
            message(own::<u32>(&LIMIT, &["x"]).unwrap_err()),
            "invalid value for query parameter \"limit\": expected an integer"
        );
        assert!(message(own::<u32>(&LIMIT, &["-1"]).unwrap_err()).contains("expected u32"));
        let n = Param::query("n", Shape::Scalar(Scalar::Number));
        assert_eq!(own::<f64>(&n, &["1.5"]).unwrap(), 1.5);
        assert_eq!(own::<f64>(&n, &["2"]).unwrap(), 2.0);
        assert!(own::<f64>(&n, &["NaN"]).is_err());
        let b = Param::header("x-flag", Shape::Scalar(Scalar::Boolean));
        assert_eq!(header(&b, &["true"]).unwrap(), Some(json!(true)));
        assert_eq!(
            message(header(&b, &["1"]).unwrap_err()),
            "invalid value for header parameter \"x-flag\": expected a boolean (true or false)"
        );
        let j = Param::query("j", Shape::Scalar(Scalar::Json));
        assert_eq!(own::<Value>(&j, &["{\"a\":1}"]).unwrap(), json!({"a": 1}));
        assert_eq!(own::<String>(&j, &["plain"]).unwrap(), "plain");
    }

    #[test]
    fn duplicated_scalar_is_rejected() {
        let e = own::<u32>(&LIMIT, &["1", "2"]).unwrap_err();
        assert_eq!(e.error_code.as_deref(), Some("InvalidParameter"));
        assert!(message(e).ends_with("expected a single value, got 2"));
    }

    #[test]
    fn absent_parameters_are_none() {
        assert_eq!(query(&LIMIT, &[("other", "1")]).unwrap(), None);
        let form = Param::query("color", object(true));
        assert_eq!(query(&form, &[("other", "1")]).unwrap(), None);
        let deep = Param::query("color", object(true)).styled(Style::DeepObject);
        assert_eq!(query(&deep, &[("color", "1")]).unwrap(), None);
        assert_eq!(header(&LIMIT, &[]).unwrap(), None);
    }

    #[test]
    fn form_arrays() {
        let exploded = Param::query("t", array(Scalar::Integer, true));
        assert_eq!(own::<Vec<i32>>(&exploded, &["1", "2"]).unwrap(), [1, 2]);
        let joined = Param::query("t", array(Scalar::Integer, false));
        assert_eq!(own::<Vec<i32>>(&joined, &["1,2,3"]).unwrap(), [1, 2, 3]);
        assert_eq!(own::<Vec<i32>>(&joined, &[""]).unwrap(), Vec::<i32>::new());
        assert!(message(own::<Vec<i32>>(&joined, &["1", "2"]).unwrap_err())
            .ends_with("expected a single comma-separated value, got 2"));
        let cookie = Param::cookie("t", array(Scalar::String, false));
        let found = cookie_pairs(["a=1; t=x,y", "t2=z"].into_iter());
        assert_eq!(
            cookie.decode::<Vec<String>>(Raw::Pairs(&found)).unwrap(),
            Some(vec!["x".to_owned(), "y".to_owned()])
        );
    }

    #[test]
    fn delimited_arrays() {
        let space = Param::query("c", array(Scalar::String, false)).styled(Style::SpaceDelimited);
        assert_eq!(
            own::<Vec<String>>(&space, &["blue black brown"]).unwrap(),
            ["blue", "black", "brown"]
        );
        let pipe = Param::query("c", array(Scalar::Integer, false)).styled(Style::PipeDelimited);
        assert_eq!(own::<Vec<i32>>(&pipe, &["1|2"]).unwrap(), [1, 2]);
        assert!(
            message(own::<Vec<i32>>(&pipe, &["1,2"]).unwrap_err()).ends_with("expected an integer")
        );
        assert!(message(own::<Vec<i32>>(&pipe, &["1", "2"]).unwrap_err())
            .ends_with("expected a single pipe-separated value, got 2"));
        // Exploded, they are repeated keys like `form`.
        let repeated = Param::query("c", array(Scalar::Integer, true)).styled(Style::PipeDelimited);
        assert_eq!(own::<Vec<i32>>(&repeated, &["1", "2"]).unwrap(), [1, 2]);
    }

    #[test]
    fn simple_path_values() {
        let scalar = Param::path(0, "id", Shape::Scalar(Scalar::Integer));
        assert_eq!(path(&scalar, "5").unwrap(), json!(5));
        for explode in [false, true] {
            let list = Param::path(0, "ids", array(Scalar::String, explode));
            assert_eq!(path(&list, "a,b").unwrap(), json!(["a", "b"]));
        }
        let flat = Param::path(0, "color", object(false));
        assert_eq!(
            path(&flat, "R,100,G,200,B,150").unwrap(),
            json!({"R": 100, "G": 200, "B": 150})
        );
        assert!(
            message(path(&flat, "R,100,G").unwrap_err()).ends_with("property \"G\" has no value")
        );
        let exploded = Param::path(0, "color", object(true));
        assert_eq!(
            path(&exploded, "R=100,G=200").unwrap(),
            json!({"R": 100, "G": 200})
        );
        assert!(message(path(&exploded, "R,100").unwrap_err())
            .ends_with("expected name=value, got \"R\""));
        assert!(message(path(&exploded, "R=x").unwrap_err())
            .ends_with("property \"R\": expected an integer"));
        assert!(message(path(&exploded, "R=1,R=2").unwrap_err())
            .ends_with("property \"R\" is given more than once"));
    }

    #[test]
    fn label_values() {
        let scalar = Param::path(0, "color", Shape::Scalar(Scalar::String)).styled(Style::Label);
        assert_eq!(path(&scalar, ".blue").unwrap(), json!("blue"));
        assert_eq!(path(&scalar, ".").unwrap(), json!(""));
        assert_eq!(
            message(path(&scalar, "blue").unwrap_err()),
            "invalid value for path parameter \"color\": expected a label value starting with \".\""
        );
        let joined = Param::path(0, "c", array(Scalar::String, false)).styled(Style::Label);
        // The 3.0.3 table's `.blue.black` and RFC 6570's `.blue,black` both read.
        assert_eq!(
            path(&joined, ".blue.black").unwrap(),
            json!(["blue", "black"])
        );
        assert_eq!(
            path(&joined, ".blue,black").unwrap(),
            json!(["blue", "black"])
        );
        assert_eq!(path(&joined, ".").unwrap(), json!([]));
        let exploded = Param::path(0, "c", array(Scalar::Integer, true)).styled(Style::Label);
        assert_eq!(path(&exploded, ".1.2").unwrap(), json!([1, 2]));
        assert!(path(&exploded, "1.2").is_err());
        let flat = Param::path(0, "color", object(false)).styled(Style::Label);
        assert_eq!(
            path(&flat, ".R.100.G.200").unwrap(),
            json!({"R": 100, "G": 200})
        );
        assert_eq!(
            path(&flat, ".R,100,G,200").unwrap(),
            json!({"R": 100, "G": 200})
        );
        let pairs = Param::path(0, "color", object(true)).styled(Style::Label);
        assert_eq!(
            path(&pairs, ".R=100.G=200.B=150").unwrap(),
            json!({"R": 100, "G": 200, "B": 150})
        );
        assert!(
            message(path(&pairs, ".R=100.X=1").unwrap_err()).ends_with("unknown property \"X\"")
        );
    }

    #[test]
    fn matrix_values() {
        let scalar = Param::path(0, "color", Shape::Scalar(Scalar::String)).styled(Style::Matrix);
        assert_eq!(path(&scalar, ";color=blue").unwrap(), json!("blue"));
        assert_eq!(path(&scalar, ";color").unwrap(), json!(""));
        assert_eq!(
            message(path(&scalar, "color=blue").unwrap_err()),
            "invalid value for path parameter \"color\": expected a matrix value starting with \";\""
        );
        assert!(message(path(&scalar, ";colour=blue").unwrap_err())
            .ends_with("expected \";color=value\""));
        let joined = Param::path(0, "color", array(Scalar::String, false)).styled(Style::Matrix);
        assert_eq!(
            path(&joined, ";color=blue,black").unwrap(),
            json!(["blue", "black"])
        );
        assert_eq!(path(&joined, ";color").unwrap(), json!([]));
        let exploded = Param::path(0, "color", array(Scalar::String, true)).styled(Style::Matrix);
        assert_eq!(
            path(&exploded, ";color=blue;color=black").unwrap(),
            json!(["blue", "black"])
        );
        assert_eq!(path(&exploded, ";color").unwrap(), json!([]));
        assert!(path(&exploded, ";color=blue;shade=dark").is_err());
        let flat = Param::path(0, "color", object(false)).styled(Style::Matrix);
        assert_eq!(
            path(&flat, ";color=R,100,G,200").unwrap(),
            json!({"R": 100, "G": 200})
        );
        let pairs = Param::path(0, "color", object(true)).styled(Style::Matrix);
        assert_eq!(
            path(&pairs, ";R=100;G=200").unwrap(),
            json!({"R": 100, "G": 200})
        );
        assert!(message(path(&pairs, ";R=100;G").unwrap_err())
            .ends_with("expected name=value, got \"G\""));
    }

    #[test]
    fn header_values() {
        let list = Param::header("x-ids", array(Scalar::Integer, false));
        assert_eq!(
            header(&list, &["1, 2", "3"]).unwrap(),
            Some(json!([1, 2, 3]))
        );
        assert_eq!(
            message(header(&list, &["1,x"]).unwrap_err()),
            "invalid value for header parameter \"x-ids\": expected an integer"
        );
        let flat = Param::header("x-color", object(false));
        assert_eq!(
            header(&flat, &["R,100", "G,200"]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let exploded = Param::header("x-color", object(true));
        assert_eq!(
            header(&exploded, &["R=100, G=200"]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let scalar = Param::header("x-one", Shape::Scalar(Scalar::String));
        assert!(message(header(&scalar, &["a", "b"]).unwrap_err())
            .ends_with("expected a single value, got 2"));
    }

    #[test]
    fn form_objects() {
        let exploded = Param::query("color", object(true));
        // Declared properties are their own keys; other keys belong to other parameters.
        assert_eq!(
            query(&exploded, &[("R", "100"), ("G", "200"), ("limit", "5")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        assert!(
            message(query(&exploded, &[("R", "1"), ("R", "2")]).unwrap_err())
                .ends_with("property \"R\" is given more than once")
        );
        let flat = Param::query("color", object(false));
        assert_eq!(
            query(&flat, &[("color", "R,100,G,200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        assert_eq!(query(&flat, &[("color", "")]).unwrap(), Some(json!({})));
        assert!(
            message(query(&flat, &[("color", "R,100,X,1")]).unwrap_err())
                .ends_with("unknown property \"X\"")
        );
        let space = Param::query("color", object(false)).styled(Style::SpaceDelimited);
        assert_eq!(
            query(&space, &[("color", "R 100 G 200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let pipe = Param::query("color", object(false)).styled(Style::PipeDelimited);
        assert_eq!(
            query(&pipe, &[("color", "R|100|G|200")]).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        let cookie = Param::cookie("color", object(true));
        let found = cookie_pairs(["R=100; G=200; session=x"].into_iter());
        assert_eq!(
            cookie.decode::<Value>(Raw::Pairs(&found)).unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
    }

    #[test]
    fn form_objects_with_nested_objects() {
        // FILTER as an exploded `form` object: its nested `range` arrives as qs and Rails
        // write it, `range[min]=1`, and its undeclared keys are kept.
        let filter = Param::query(
            "filter",
            Shape::Object {
                object: FILTER,
                explode: true,
            },
        );
        let decoded = query(
            &filter,
            &[
                ("name", "ann"),
                ("range[min]", "1.5"),
                ("range[max]", "3"),
                ("tags", "a"),
            ],
        )
        .unwrap();
        assert_eq!(
            decoded,
            Some(json!({"name": "ann", "tags": ["a"], "range": {"min": 1.5, "max": 3}}))
        );
        assert!(message(query(&filter, &[("range[avg]", "1")]).unwrap_err())
            .ends_with("property \"range\": unknown property \"avg\""));
        assert!(message(query(&filter, &[("range[min", "1")]).unwrap_err())
            .ends_with("malformed key \"range[min\""));
        assert!(message(query(&filter, &[("range", "1")]).unwrap_err())
            .ends_with("property \"range\" is an object, which needs a key per property"));
        // Brackets under a property that is not an object are not this object's.
        assert_eq!(query(&filter, &[("name[x]", "1")]).unwrap(), None);
    }

    #[test]
    fn deep_objects() {
        let rgb = Param::query("color", object(true)).styled(Style::DeepObject);
        assert_eq!(
            query(
                &rgb,
                &[("color[R]", "100"), ("color[G]", "200"), ("R", "1")]
            )
            .unwrap(),
            Some(json!({"R": 100, "G": 200}))
        );
        // `additionalProperties: false`: an undeclared key is an error, not ignored.
        assert!(message(query(&rgb, &[("color[X]", "1")]).unwrap_err())
            .ends_with("unknown property \"X\""));
        assert!(message(query(&rgb, &[("color[R", "1")]).unwrap_err())
            .ends_with("malformed key \"color[R\""));
        assert!(
            message(query(&rgb, &[("color[]", "1")]).unwrap_err()).ends_with("empty property name")
        );
        assert!(message(query(&rgb, &[("color[R][x]", "1")]).unwrap_err())
            .ends_with("property \"R\" is not an object"));
        // A key that merely starts with the name is another parameter's.
        assert_eq!(query(&rgb, &[("colors[R]", "1")]).unwrap(), None);

        let filter = Param::query(
            "filter",
            Shape::Object {
                object: FILTER,
                explode: true,
            },
        )
        .styled(Style::DeepObject);
        let decoded = query(
            &filter,
            &[
                ("filter[name]", "ann"),
                ("filter[tags][]", "a"),
                ("filter[tags]", "b"),
                ("filter[tags][2]", "c"),
                ("filter[range][min]", "1.5"),
                ("filter[range][max]", "3"),
                ("filter[extra]", "kept"),
            ],
        )
        .unwrap();
        assert_eq!(
            decoded,
            Some(json!({
                "name": "ann", "tags": ["a", "b", "c"],
                "range": {"min": 1.5, "max": 3}, "extra": "kept",
            }))
        );
        assert!(
            message(query(&filter, &[("filter[range][avg]", "1")]).unwrap_err())
                .ends_with("property \"range\": unknown property \"avg\"")
        );
        assert!(
            message(query(&filter, &[("filter[range][min]", "x")]).unwrap_err())
                .ends_with("property \"range\": property \"min\": expected a finite number")
        );
        assert!(
            message(query(&filter, &[("filter[range]", "1")]).unwrap_err())
                .contains("property \"range\" is an object")
        );
        assert!(
            message(query(&filter, &[("filter[name][]", "1")]).unwrap_err())
                .ends_with("property \"name\" is not an object")
        );
    }

    /// A free-form exploded `form` object of `additional` values beside a declared
    /// property `own`, collecting what `limit`, `sort[...]` and `q` leave.
    fn collector(additional: Extra) -> Param {
        const OTHERS: &[Claim] = &[Claim::Key("limit"), Claim::Under("sort"), Claim::Key("q")];
        const OWN: &[Property] = &[Property {
            name: "own",
            value: Field::Scalar(Scalar::Integer),
        }];
        Param::query(
            "filter",
            Shape::Object {
                object: Object {
                    properties: OWN,
                    additional: Some(additional),
                },
                explode: true,
            },
        )
        .collecting(OTHERS)
    }

    #[test]
    fn collected_form_objects() {
        let strings = collector(Extra::Scalar(Scalar::String));
        let raw = [
            ("limit", "5"),
            ("q", "x"),
            ("sort[by]", "name"),
            ("sorting", "kept"),
            ("own", "3"),
            ("color", "red"),
        ];
        assert_eq!(
            query(&strings, &raw).unwrap(),
            Some(json!({"sorting": "kept", "own": 3, "color": "red"}))
        );
        // Only claimed keys: nothing to collect.
        assert_eq!(query(&strings, &[("limit", "5")]).unwrap(), None);
        assert!(
            message(query(&strings, &[("a", "1"), ("a", "2")]).unwrap_err())
                .ends_with("property \"a\" is given more than once")
        );
        let numbers = collector(Extra::Scalar(Scalar::Number));
        assert_eq!(
            query(&numbers, &[("a", "1.5")]).unwrap(),
            Some(json!({"a": 1.5}))
        );
        assert!(message(query(&numbers, &[("a", "x")]).unwrap_err())
            .ends_with("property \"a\": expected a finite number"));
        let flags = collector(Extra::Scalar(Scalar::Boolean));
        assert_eq!(
            query(&flags, &[("a", "true")]).unwrap(),
            Some(json!({"a": true}))
        );
        let lists = collector(Extra::Array(Scalar::Integer));
        assert_eq!(
            query(&lists, &[("a", "1"), ("b", "2"), ("a", "3")]).unwrap(),
            Some(json!({"a": [1, 3], "b": [2]}))
        );
        // Without `collecting`, undeclared keys stay other parameters'.
        let mut plain = collector(Extra::Scalar(Scalar::String));
        plain.others = None;
        assert_eq!(
            query(&plain, &[("own", "1"), ("color", "red")]).unwrap(),
            Some(json!({"own": 1}))
        );
    }

    #[test]
    fn deep_object_arrays() {
        let expand = Param::query("expand", array(Scalar::String, true)).styled(Style::DeepObject);
        for raw in [
            &[("expand[]", "a"), ("expand[]", "b")][..],
            &[("expand[0]", "a"), ("expand[1]", "b")],
            &[("expand", "a"), ("expand", "b")],
            &[("expand[]", "a"), ("expandable", "x"), ("expand[7]", "b")],
        ] {
            assert_eq!(query(&expand, raw).unwrap(), Some(json!(["a", "b"])));
        }
        assert_eq!(query(&expand, &[("expandable", "x")]).unwrap(), None);
        assert!(message(query(&expand, &[("expand[x]", "a")]).unwrap_err())
            .ends_with("key \"expand[x]\": a list takes no property names"));
        assert!(message(query(&expand, &[("expand[0", "a")]).unwrap_err())
            .ends_with("malformed key \"expand[0\""));
        let ids = Param::query("ids", array(Scalar::Integer, false)).styled(Style::DeepObject);
        assert_eq!(
            query(&ids, &[("ids[]", "1"), ("ids[]", "2")]).unwrap(),
            Some(json!([1, 2]))
        );
        assert!(
            message(query(&ids, &[("ids[]", "x")]).unwrap_err()).ends_with("expected an integer")
        );
    }

    #[test]
    fn deep_compositions() {
        let created =
            Param::query("created", Shape::Scalar(Scalar::Json)).styled(Style::DeepObject);
        assert_eq!(
            query(&created, &[("created", "5")]).unwrap(),
            Some(json!(5))
        );
        assert_eq!(
            query(
                &created,
                &[
                    ("created[gt]", "1"),
                    ("created[lte]", "9"),
                    ("createdx", "0")
                ]
            )
            .unwrap(),
            Some(json!({"gt": 1, "lte": 9}))
        );
        assert_eq!(query(&created, &[("other", "1")]).unwrap(), None);
        assert!(
            message(query(&created, &[("created", "1"), ("created[gt]", "1")]).unwrap_err())
                .ends_with("both \"created\" and \"created[...]\" keys are given")
        );
        assert!(message(
            query(&created, &[("created[gt]", "1"), ("created[gt]", "2")]).unwrap_err()
        )
        .ends_with("key \"created[gt]\": given more than once"));
        let discounts =
            Param::query("discounts", Shape::Scalar(Scalar::Json)).styled(Style::DeepObject);
        assert_eq!(
            query(
                &discounts,
                &[
                    ("discounts[0][coupon]", "a"),
                    ("discounts[0][discount]", "b"),
                    ("discounts[1][coupon]", "c"),
                ]
            )
            .unwrap(),
            Some(json!([{"coupon": "a", "discount": "b"}, {"coupon": "c"}]))
        );
        assert_eq!(
            query(&discounts, &[("discounts[]", "x"), ("discounts[]", "y")]).unwrap(),
            Some(json!(["x", "y"]))
        );
        assert_eq!(
            query(&discounts, &[("discounts", "")]).unwrap(),
            Some(json!(""))
        );
        assert!(message(
            query(&discounts, &[("discounts[0]", "x"), ("discounts[a]", "y")]).unwrap_err()
        )
        .ends_with("mixes list items and property names"));
    }

    #[test]
    fn json_content() {
        let q = Param::query("where", Shape::JsonText);
        assert_eq!(
            own::<Value>(&q, &["{\"a\":[1,2]}"]).unwrap(),
            json!({"a": [1, 2]})
        );
        assert!(message(own::<Value>(&q, &["{oops"]).unwrap_err()).contains("expected JSON"));
        // Commas in a JSON header are not list separators.
        let h = Param::header("x-where", Shape::JsonText);
        assert_eq!(
            header(&h, &["{\"a\":1,\"b\":2}"]).unwrap(),
            Some(json!({"a": 1, "b": 2}))
        );
        let p = Param::path(0, "where", Shape::JsonText);
        assert_eq!(path(&p, "[1,2]").unwrap(), json!([1, 2]));
    }

    #[test]
    fn cookies_are_split_and_decoded() {
        let found = cookie_pairs(["a=1; b=\"x y\"", "c=%7B%22k%22%3A1%7D; bad=%zz; d"].into_iter());
        assert_eq!(
            found,
            pairs(&[("a", "1"), ("b", "x y"), ("c", "{\"k\":1}"), ("bad", "%zz")])
        );
        let c = Param::cookie("c", Shape::JsonText);
        assert_eq!(
            c.decode::<Value>(Raw::Pairs(&found)).unwrap(),
            Some(json!({"k": 1}))
        );
        let a = Param::cookie("a", Shape::Scalar(Scalar::Boolean));
        assert_eq!(
            message(a.decode::<bool>(Raw::Pairs(&found)).unwrap_err()),
            "invalid value for cookie parameter \"a\": expected a boolean (true or false)"
        );
        assert_eq!(
            message(a.missing()),
            "missing required cookie parameter \"a\""
        );
    }

    #[test]
    fn rules_run_on_objects() {
        static RULES: Schema = Schema {
            required: &["R"],
            ..Schema::ANY
        };
        let checked = Param::query("color", object(true))
            .styled(Style::DeepObject)
            .checked(&RULES);
        let e = message(query(&checked, &[("color[G]", "1")]).unwrap_err());
        assert!(e.contains("\"R\""), "{e}");
    }

    #[test]
    fn missing_message() {
        let e = Param::path(1, "id", Shape::Scalar(Scalar::String)).missing();
        assert_eq!(e.external_message, "missing required path parameter \"id\"");
        assert_eq!(e.error_code.as_deref(), Some("MissingParameter"));
    }
}

/// The piece of `segment` at variable `position` when it is split at `literals`
/// (`literals[0]` before the first variable, `literals[k]` between variable `k - 1` and
/// `k`, the last after the last); `None` when the segment does not have that shape.
pub(crate) fn split_segment<'a>(
    segment: &'a str,
    literals: &[&str],
    position: usize,
) -> Option<&'a str> {
    let (first, rest) = literals.split_first()?;
    let mut remaining = segment.strip_prefix(first)?;
    let (last, between) = rest.split_last()?;
    remaining = remaining.strip_suffix(last)?;
    let mut pieces = Vec::with_capacity(between.len() + 1);
    for separator in between {
        let at = remaining.find(separator)?;
        pieces.push(&remaining[..at]);
        remaining = &remaining[at + separator.len()..];
    }
    pieces.push(remaining);
    pieces.get(position).copied()
}

#[cfg(test)]
mod segment_tests {
    use super::split_segment;

    #[test]
    fn mixed_segments_split_at_their_literals() {
        let compare = ["", "...", ""];
        assert_eq!(split_segment("main...topic", &compare, 0), Some("main"));
        assert_eq!(split_segment("main...topic", &compare, 1), Some("topic"));
        assert_eq!(split_segment("main..topic", &compare, 1), None);
        let file = ["", ".json"];
        assert_eq!(split_segment("report.json", &file, 0), Some("report"));
        assert_eq!(split_segment("report.yaml", &file, 0), None);
        let versioned = ["v", ""];
        assert_eq!(split_segment("v2", &versioned, 0), Some("2"));
        assert_eq!(split_segment("x2", &versioned, 0), None);
    }
}
