//! Writing a parameter's value as the decoders read it, for clients: the inverse of
//! [`locations`](super::locations), [`styles`](super::styles), [`objects`](super::objects)
//! and [`deep`](super::deep).
//!
//! Whatever [`Param::encode`] writes, the server reads back as the same JSON. A value the
//! decoders would read as something else (an item holding its list's delimiter, an empty
//! list written as no key at all, a string where an integer is declared) is refused with
//! the reason rather than sent changed. The text is not percent-encoded yet: the client
//! escapes path pieces, query keys and values and cookies, and the server undoes that
//! before it splits at delimiters.

use serde_json::{Map, Value};

use super::scalars::to_value;
use super::styles::delimiter;
use super::vocabulary::{Extra, Field, Gap, Location, Object, Param, Scalar, Shape, Style};

/// A parameter's value written as its location and style write it, before percent-encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encoded {
    /// The text that replaces `{name}` in the path template (for `PathPart`, the variable's piece only).
    Path(String),
    /// Query pairs `(key, value)`, in order.
    Query(Vec<(String, String)>),
    /// The whole query string's text, percent-encoded as one piece when sent.
    QueryString(String),
    /// The header's value (one line).
    Header(String),
    /// Cookie pairs `(name, value)`, percent-encoded when sent.
    Cookie(Vec<(String, String)>),
    /// Cookie pairs `(name, value)` of the `cookie` style, sent as they are.
    RawCookie(Vec<(String, String)>),
}

/// `text` when the `cookie` style can send it as it is: no whitespace, control, double
/// quote, backslash or semicolon (RFC 6265's cookie octets, and the style's commas), which
/// the caller must have escaped as its API says.
fn cookie_text(text: &str) -> Result<(), String> {
    match text
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | ';'))
    {
        Some(c) => Err(format!(
            "{text:?} cannot be sent as a cookie without escaping ({c:?}): the `cookie` style \
             sends values as they are"
        )),
        None => Ok(()),
    }
}

impl Param {
    /// The parameter's JSON value (as `serde_json::to_value` makes it from the typed value) written as
    /// this parameter's location, style and shape write it; `Ok(None)` for `Value::Null` (absent),
    /// `Err` with the reason when the value cannot be written so (a header value with a line break,
    /// an object for a scalar parameter, ...).
    ///
    /// Object properties that are `null` are left out, as an absent `Option` field reads
    /// the same, except where their type is JSON and `null` is written as such.
    pub fn encode(&self, value: &Value) -> Result<Option<Encoded>, String> {
        if value.is_null() {
            return Ok(None);
        }
        let encoded = match self.location {
            Location::Path(_) => Encoded::Path(whole_segment(self.write_segment(value)?)?),
            Location::PathPart {
                literals,
                position,
                gaps,
                ..
            } => {
                let piece = self.write_segment(value)?;
                fits_segment(&piece, literals, gaps, position)?;
                Encoded::Path(piece)
            }
            Location::Query => Encoded::Query(self.write_pairs(value)?),
            Location::QueryString => match self.shape {
                Shape::Object { .. } => Encoded::Query(self.write_pairs(value)?),
                Shape::JsonText => Encoded::QueryString(value.to_string()),
                Shape::Scalar(scalar) => Encoded::QueryString(scalar_text(scalar, value)?),
                Shape::Array { .. } => {
                    return Err("the query string is an object of pairs or one value".into())
                }
            },
            // Header lists are `simple` lists whose items the server trims.
            Location::Header => Encoded::Header(header_line(self.write_simple(value, ',', true)?)?),
            Location::Cookie if self.style == Style::Cookie => {
                let pairs = self.write_pairs(value)?;
                for (name, value) in &pairs {
                    cookie_text(name)?;
                    cookie_text(value)?;
                }
                Encoded::RawCookie(pairs)
            }
            Location::Cookie => Encoded::Cookie(self.write_pairs(value)?),
        };
        Ok(Some(encoded))
    }

    /// A path value as `read_segment` reads it: `label`, `matrix`, else `simple`.
    fn write_segment(&self, value: &Value) -> Result<String, String> {
        match (self.shape, self.style) {
            (Shape::JsonText, _) => Ok(value.to_string()),
            (_, Style::Label) => self.write_label(value),
            (_, Style::Matrix) => self.write_matrix(value),
            _ => self.write_simple(value, ',', false),
        }
    }

    /// A value in `simple` form: a scalar, list items joined with `delimiter`, or an
    /// object's names and values (`name=value` when exploded). `trimmed` when the server
    /// trims each item.
    fn write_simple(
        &self,
        value: &Value,
        delimiter: char,
        trimmed: bool,
    ) -> Result<String, String> {
        match self.shape {
            Shape::Scalar(scalar) => scalar_text(scalar, value),
            Shape::JsonText => Ok(value.to_string()),
            Shape::Array { item, .. } => join(list_texts(item, value)?, delimiter, trimmed),
            Shape::Object { object, explode } => {
                join(object_pieces(&object, value, explode)?, delimiter, trimmed)
            }
        }
    }

    /// `.` and the items (exploded: each after a `.`), or the scalar.
    fn write_label(&self, value: &Value) -> Result<String, String> {
        let rest = match self.shape {
            Shape::Array {
                item,
                explode: true,
            } => join(list_texts(item, value)?, '.', false)?,
            Shape::Object {
                object,
                explode: true,
            } => join(object_pieces(&object, value, true)?, '.', false)?,
            // Joined with commas as RFC 6570 and OpenAPI 3.0.4 write it (`.a,b`), so items
            // may hold dots; the server only splits at dots when there is no comma, so a
            // lone item must not hold one. An object has at least two pieces, or none.
            Shape::Array {
                item,
                explode: false,
            } => {
                let texts = list_texts(item, value)?;
                if let [only] = texts.as_slice() {
                    if only.contains('.') {
                        return Err(format!(
                            "\"{only}\" contains \".\", which separates the items of a label \
                             list without commas"
                        ));
                    }
                }
                join(texts, ',', false)?
            }
            _ => self.write_simple(value, ',', false)?,
        };
        Ok(format!(".{rest}"))
    }

    /// `;name=value` (an exploded list: once per item), `;name` alone when the value is
    /// empty, or an exploded object's `;key=value` pairs.
    fn write_matrix(&self, value: &Value) -> Result<String, String> {
        let name = self.name;
        match self.shape {
            Shape::Array {
                item,
                explode: true,
            } => {
                let texts = list_texts(item, value)?;
                if texts.is_empty() {
                    return Ok(format!(";{name}"));
                }
                let mut text = String::new();
                for item in texts {
                    // The value is what follows the first `=`, so only `;` splits it.
                    whole(&item, ';', false)?;
                    text.push_str(&format!(";{name}={item}"));
                }
                Ok(text)
            }
            Shape::Object {
                object,
                explode: true,
            } => Ok(format!(
                ";{}",
                join(object_pieces(&object, value, true)?, ';', false)?
            )),
            _ => match self.write_simple(value, ',', false)? {
                text if text.is_empty() => Ok(format!(";{name}")),
                text => Ok(format!(";{name}={text}")),
            },
        }
    }

    /// A query or cookie value as `read_pairs` reads it: one pair under the name, the name
    /// repeated per item, a key per property, or `deepObject` keys.
    fn write_pairs(&self, value: &Value) -> Result<Vec<(String, String)>, String> {
        let name = self.name;
        let deep = self.style == Style::DeepObject;
        let mut pairs = Vec::new();
        match self.shape {
            Shape::JsonText => pairs.push((name.to_owned(), value.to_string())),
            Shape::Object { object, .. } if deep => {
                deep_properties(&object, value, name, &mut pairs)?;
            }
            Shape::Array { item, .. } if deep => {
                for text in list_texts(item, value)? {
                    pairs.push((format!("{name}[]"), text));
                }
            }
            Shape::Scalar(_) if deep && (value.is_array() || value.is_object()) => {
                tree_pairs(name.to_owned(), value, &mut pairs)?;
            }
            Shape::Object {
                object,
                explode: true,
            } => self.form_properties(&object, value, &mut pairs)?,
            Shape::Array {
                item,
                explode: true,
            } => {
                for text in list_texts(item, value)? {
                    pairs.push((name.to_owned(), text));
                }
            }
            _ => pairs.push((
                name.to_owned(),
                self.write_simple(value, delimiter(self.style), false)?,
            )),
        }
        // An empty list or object written as keys is no key at all: the server reads the
        // parameter as absent.
        if pairs.is_empty() {
            return Err(format!(
                "{} writes no key, which reads as absent",
                kind(value)
            ));
        }
        Ok(pairs)
    }

    /// An exploded `form` object: each property its own key (repeated for a list, `inner[x]`
    /// for a nested object, as `exploded_form_object` reads them).
    fn form_properties(
        &self,
        object: &Object,
        value: &Value,
        pairs: &mut Vec<(String, String)>,
    ) -> Result<(), String> {
        for (key, value) in as_object(value)? {
            let field = field(object, key)?;
            if value.is_null() && !takes_null(field) {
                continue;
            }
            if !object.properties.iter().any(|p| p.name == key) {
                self.collects(object, key)?;
            }
            match field {
                Field::Object(inner) => nested(&inner, value, key, key, pairs)?,
                _ => {
                    for text in property_texts(key, field, value)? {
                        pairs.push((key.clone(), text));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether the server gives an exploded `form` object's undeclared property `key`
    /// back to it: only a collecting object keeps such keys, and only those no other
    /// parameter claims and that are not a nested object property's `inner[...]`.
    fn collects(&self, object: &Object, key: &str) -> Result<(), String> {
        let Some(others) = self.others else {
            return Err(format!(
                "undeclared property \"{key}\" is only read by a collecting parameter"
            ));
        };
        if others.iter().any(|claim| claim.takes(key)) {
            return Err(format!(
                "undeclared property \"{key}\" is a key another parameter reads"
            ));
        }
        let nested = key.find('[').is_some_and(|at| {
            object
                .properties
                .iter()
                .any(|p| p.name == &key[..at] && matches!(p.value, Field::Object(_)))
        });
        if nested {
            return Err(format!(
                "undeclared property \"{key}\" reads as a key of a nested object property"
            ));
        }
        Ok(())
    }
}

/// One value as text `to_value(scalar, text)` reads back as the same value.
fn scalar_text(scalar: Scalar, value: &Value) -> Result<String, String> {
    let text = match value {
        // A JSON-typed string that parses as JSON (`5`, `true`, `"x"`) would come back
        // as that, so it is written as a JSON string.
        Value::String(text)
            if scalar == Scalar::Json && serde_json::from_str::<Value>(text).is_ok() =>
        {
            value.to_string()
        }
        Value::String(text) => text.clone(),
        _ => value.to_string(),
    };
    // The server converts the text by the declared type: a value of another type (a
    // string for an integer, an object for a string) would come back as something else,
    // or be refused.
    match to_value(scalar, &text) {
        Ok(read) if read == *value => Ok(text),
        _ => Err(format!(
            "expected {}, got {}",
            expected(scalar),
            kind(value)
        )),
    }
}

/// A list's items as text.
fn list_texts(item: Scalar, value: &Value) -> Result<Vec<String>, String> {
    let Value::Array(items) = value else {
        return Err(format!("expected a list, got {}", kind(value)));
    };
    items
        .iter()
        .enumerate()
        .map(|(at, value)| scalar_text(item, value).map_err(|e| format!("item {at}: {e}")))
        .collect()
}

/// The texts of a property, one per item for a list property, whose key the builder
/// reads repeated; an empty list writes nothing, which reads as absent.
fn property_texts(key: &str, field: Field, value: &Value) -> Result<Vec<String>, String> {
    let within = |e: String| format!("property \"{key}\": {e}");
    match field {
        Field::Scalar(scalar) => Ok(vec![scalar_text(scalar, value).map_err(within)?]),
        Field::Array(item) => match list_texts(item, value).map_err(within)? {
            texts if texts.is_empty() => Err(within(
                "an empty list writes no key, which reads as absent".to_owned(),
            )),
            texts => Ok(texts),
        },
        Field::Object(_) => Err(format!(
            "property \"{key}\" is an object, which needs a key per property"
        )),
    }
}

/// An object as a list writes it: `name=value` pieces when exploded, else names and
/// values alternating; a list property's name once per item.
fn object_pieces(object: &Object, value: &Value, explode: bool) -> Result<Vec<String>, String> {
    let mut pieces = Vec::new();
    for (key, value) in as_object(value)? {
        let field = field(object, key)?;
        if value.is_null() && !takes_null(field) {
            continue;
        }
        if explode && key.contains('=') {
            return Err(format!(
                "property name \"{key}\" contains \"=\", which ends a name"
            ));
        }
        for text in property_texts(key, field, value)? {
            if explode {
                pieces.push(format!("{key}={text}"));
            } else {
                pieces.push(key.clone());
                pieces.push(text);
            }
        }
    }
    Ok(pieces)
}

/// `deepObject` keys `prefix[key]` for an object's properties: `prefix[key][]` per item
/// of a list property, `prefix[key][inner]` for a nested object's.
fn deep_properties(
    object: &Object,
    value: &Value,
    prefix: &str,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), String> {
    for (key, value) in as_object(value)? {
        let field = field(object, key)?;
        if value.is_null() && !takes_null(field) {
            continue;
        }
        if key.is_empty() || key.contains(']') {
            return Err(format!(
                "property name \"{key}\" cannot be written between brackets"
            ));
        }
        let at = format!("{prefix}[{key}]");
        match field {
            Field::Object(inner) => nested(&inner, value, key, &at, pairs)?,
            Field::Array(_) => {
                for text in property_texts(key, field, value)? {
                    pairs.push((format!("{at}[]"), text));
                }
            }
            Field::Scalar(_) => {
                for text in property_texts(key, field, value)? {
                    pairs.push((at.clone(), text));
                }
            }
        }
    }
    Ok(())
}

/// A nested object property `key` as keys `at[inner]`; it needs at least one, as an
/// object with no keys reads as absent.
fn nested(
    object: &Object,
    value: &Value,
    key: &str,
    at: &str,
    pairs: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let before = pairs.len();
    deep_properties(object, value, at, pairs).map_err(|e| format!("property \"{key}\": {e}"))?;
    if pairs.len() == before {
        return Err(format!(
            "property \"{key}\": {} writes no key, which reads as absent",
            kind(value)
        ));
    }
    Ok(())
}

/// A `deepObject` value of a composition, as `deep_any` builds it back: object keys in
/// brackets, list items at their index (`at[0][coupon]`), leaves as JSON-typed text.
fn tree_pairs(at: String, value: &Value, pairs: &mut Vec<(String, String)>) -> Result<(), String> {
    match value {
        Value::Object(map) if map.is_empty() => {
            Err(format!("\"{at}\" is an empty object, which writes no key"))
        }
        Value::Array(items) if items.is_empty() => {
            Err(format!("\"{at}\" is an empty list, which writes no key"))
        }
        Value::Object(map) => {
            for (key, value) in map {
                // Digits (or nothing) between brackets are a list index to the server.
                if key.bytes().all(|b| b.is_ascii_digit()) || key.contains(']') {
                    return Err(format!(
                        "\"{at}\" has key \"{key}\", which cannot be written between brackets"
                    ));
                }
                tree_pairs(format!("{at}[{key}]"), value, pairs)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            // An index the server has seen addresses that item, so an item's keys fill
            // one object; a new index appends.
            for (index, value) in items.iter().enumerate() {
                tree_pairs(format!("{at}[{index}]"), value, pairs)?;
            }
            Ok(())
        }
        leaf => {
            let text = scalar_text(Scalar::Json, leaf).map_err(|e| format!("\"{at}\": {e}"))?;
            pairs.push((at, text));
            Ok(())
        }
    }
}

/// List pieces joined with `delimiter`, refusing a piece the server would read
/// differently: one holding the delimiter, one with surrounding whitespace where items
/// are `trimmed`, or a lone empty piece, which reads as an empty list.
fn join(pieces: Vec<String>, delimiter: char, trimmed: bool) -> Result<String, String> {
    if let [only] = pieces.as_slice() {
        if only.is_empty() {
            return Err(
                "a list of one empty item is written as nothing, which reads as an empty list"
                    .to_owned(),
            );
        }
    }
    for piece in &pieces {
        whole(piece, delimiter, trimmed)?;
    }
    Ok(pieces.join(&delimiter.to_string()))
}

/// Refuses a piece that the server would cut at `delimiter` or (when `trimmed`) trim.
fn whole(piece: &str, delimiter: char, trimmed: bool) -> Result<(), String> {
    if piece.contains(delimiter) {
        return Err(format!(
            "\"{piece}\" contains \"{delimiter}\", which separates the items"
        ));
    }
    if trimmed && piece.trim() != piece {
        return Err(format!(
            "\"{piece}\" starts or ends with whitespace, which is trimmed from each item"
        ));
    }
    Ok(())
}

/// A path variable's whole segment, which a request must be able to carry.
fn whole_segment(text: String) -> Result<String, String> {
    match text.as_str() {
        "" => Err("a path segment cannot be empty: the router matches no empty segment".to_owned()),
        // URL parsers resolve these (escaped as `%2E` too) before the request is sent.
        "." | ".." => Err(format!(
            "a path segment cannot be \"{text}\": URLs drop such segments"
        )),
        _ => Ok(text),
    }
}

/// Refuses a piece of a mixed segment that `segment_piece` would not cut back out at
/// `position`, as far as this piece decides it.
fn fits_segment(
    piece: &str,
    literals: &[&str],
    gaps: &[(usize, Gap)],
    position: usize,
) -> Result<(), String> {
    let gap = |index| {
        gaps.iter()
            .find(|(at, _)| *at == index)
            .map(|(_, gap)| *gap)
    };
    // The literal after the piece, unless it is the segment's last, which is cut from
    // the end instead.
    if position + 2 < literals.len() {
        let after = literals[position + 1];
        match gap(position + 1) {
            Some(Gap::AfterDigits) if after.is_empty() => {
                let digits = piece.strip_prefix(['+', '-']).unwrap_or(piece);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "\"{piece}\" is not an integer, where the next variable starts after \
                         the digits"
                    ));
                }
            }
            // The next variable starts at the last of its values in the segment, which
            // is in its own piece or after it.
            Some(Gap::BeforeOneOf(_)) if after.is_empty() => {}
            // The piece ends at the first place the literal appears, even one that
            // overlaps the piece's end.
            _ if format!("{piece}{after}").find(after) != Some(piece.len()) => {
                return Err(format!(
                    "\"{piece}\" would be cut at the first \"{after}\" in it"
                ));
            }
            _ => {}
        }
    }
    if position > 0 && literals.get(position).is_some_and(|l| l.is_empty()) {
        match gap(position) {
            Some(Gap::AfterDigits) if piece.starts_with(|c: char| c.is_ascii_digit()) => {
                return Err(format!(
                    "\"{piece}\" starts with a digit, which the integer before it would take"
                ));
            }
            Some(Gap::BeforeOneOf(values)) => {
                let start = values
                    .iter()
                    .filter(|value| !value.is_empty())
                    .filter_map(|value| piece.rfind(value))
                    .max();
                if start != Some(0) {
                    return Err(format!(
                        "\"{piece}\" would start where one of {values:?} last begins in it"
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A header value as HTTP carries it: one line of visible characters, spaces and tabs,
/// without surrounding whitespace, which HTTP drops.
fn header_line(text: String) -> Result<String, String> {
    if let Some(c) = text
        .chars()
        .find(|&c| (c < ' ' && c != '\t') || c == '\x7f')
    {
        return Err(match c {
            '\r' | '\n' => "a header value cannot contain a line break".to_owned(),
            _ => format!(
                "a header value cannot contain control character U+{:04X}",
                u32::from(c)
            ),
        });
    }
    if text.trim_matches([' ', '\t']) != text {
        return Err("a header value cannot start or end with whitespace".to_owned());
    }
    Ok(text)
}

/// The type of an object's property `key` (mirroring `ObjectBuilder::field`).
fn field(object: &Object, key: &str) -> Result<Field, String> {
    if let Some(property) = object.properties.iter().find(|p| p.name == key) {
        return Ok(property.value);
    }
    match object.additional {
        Some(Extra::Scalar(scalar)) => Ok(Field::Scalar(scalar)),
        Some(Extra::Array(item)) => Ok(Field::Array(item)),
        None => Err(format!("unknown property \"{key}\"")),
    }
}

/// Whether a `null` property is written (JSON text `null` reads back as null) rather than
/// left out.
fn takes_null(field: Field) -> bool {
    field == Field::Scalar(Scalar::Json)
}

fn as_object(value: &Value) -> Result<&Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("expected an object, got {}", kind(value)))
}

fn expected(scalar: Scalar) -> &'static str {
    match scalar {
        Scalar::String => "a string",
        Scalar::Integer => "an integer",
        Scalar::Number => "a number",
        Scalar::Boolean => "a boolean",
        Scalar::Json => "JSON that reads back the same",
    }
}

/// The value in a message: containers by kind, others as JSON.
fn kind(value: &Value) -> String {
    match value {
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::percent::{percent_decode, percent_encode};
    use super::Encoded;
    use crate::params::testing::*;
    use crate::params::{
        cookie_pairs, raw_cookie_pairs, segment_piece, Claim, Extra, Field, Gap, Location, Object,
        Param, Property, Raw, Scalar, Shape, Style,
    };

    /// Strings, a list, JSON and undeclared integers: text where every delimiter can
    /// turn up.
    const NOTE: Object = Object {
        properties: &[
            Property {
                name: "text",
                value: Field::Scalar(Scalar::String),
            },
            Property {
                name: "tags",
                value: Field::Array(Scalar::String),
            },
            Property {
                name: "any",
                value: Field::Scalar(Scalar::Json),
            },
        ],
        additional: Some(Extra::Scalar(Scalar::Integer)),
    };

    const fn note(explode: bool) -> Shape {
        Shape::Object {
            object: NOTE,
            explode,
        }
    }

    const fn filter(explode: bool) -> Shape {
        Shape::Object {
            object: FILTER,
            explode,
        }
    }

    /// Text with every delimiter some style splits at, and what percent-encoding escapes.
    const AWKWARD: &str = "a,b;c=d.e|f g&h+i%20/?#[x]\"é'";

    fn percent_query(pairs: &[(String, String)], between: &str) -> String {
        pairs
            .iter()
            .map(|(key, value)| format!("{}={}", percent_encode(key), percent_encode(value)))
            .collect::<Vec<_>>()
            .join(between)
    }

    /// What the server reads from `encoded` once the client has percent-encoded it and
    /// the request is taken apart as `RawRequest` does: the router percent-decodes path
    /// segments, `serde_urlencoded` the query and `cookie_pairs` the cookies, and a
    /// header value must be one `http` accepts.
    fn served(param: &Param, encoded: &Encoded) -> Result<Option<Value>, String> {
        let read = match encoded {
            Encoded::Path(text) => {
                assert!(matches!(param.location, Location::Path(_)));
                let segment = percent_decode(&percent_encode(text));
                param.decode(Raw::Segment(&segment))
            }
            Encoded::Query(pairs) => {
                assert!(matches!(
                    param.location,
                    Location::Query | Location::QueryString
                ));
                let query = percent_query(pairs, "&");
                let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&query).unwrap();
                param.decode(Raw::Pairs(&pairs))
            }
            Encoded::QueryString(text) => {
                assert_eq!(param.location, Location::QueryString);
                let whole = percent_decode(&percent_encode(text));
                param.decode(Raw::Whole(Some(&whole)))
            }
            Encoded::Header(line) => {
                assert_eq!(param.location, Location::Header);
                let value = http::HeaderValue::from_str(line).expect("a valid header value");
                let line = std::str::from_utf8(value.as_bytes()).unwrap();
                param.decode(Raw::Lines(vec![line]))
            }
            Encoded::RawCookie(pairs) => {
                assert_eq!(param.style, Style::Cookie);
                let written: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let line = format!("session=x; {}", written.join("; "));
                let cookies = raw_cookie_pairs([line.as_str()].into_iter());
                param.decode(Raw::Pairs(&cookies))
            }
            Encoded::Cookie(pairs) => {
                assert_eq!(param.location, Location::Cookie);
                let line = format!("session=x; {}", percent_query(pairs, "; "));
                let cookies = cookie_pairs([line.as_str()].into_iter());
                param.decode(Raw::Pairs(&cookies))
            }
        };
        read.map_err(message)
    }

    /// Encodes `value`, checks the server reads it back unchanged and gives the encoding.
    #[track_caller]
    fn round_trip(param: &Param, value: Value) -> Encoded {
        let encoded = match param.encode(&value) {
            Ok(Some(encoded)) => encoded,
            other => panic!("{value} encoded as {other:?}"),
        };
        assert_eq!(
            served(param, &encoded),
            Ok(Some(value)),
            "read from {encoded:?}"
        );
        encoded
    }

    /// Why `value` is not written.
    #[track_caller]
    fn refused(param: &Param, value: Value) -> String {
        match param.encode(&value) {
            Err(reason) => reason,
            other => panic!("{value} encoded as {other:?}"),
        }
    }

    fn query_pairs(raw: &[(&str, &str)]) -> Encoded {
        Encoded::Query(pairs(raw))
    }

    #[test]
    fn null_is_absent() {
        let params = [
            LIMIT,
            Param::path(0, "id", array(Scalar::String, false)).styled(Style::Matrix),
            Param::path_part(0, &["v", ""], 0, "v", Shape::INTEGER),
            Param::query("color", object(true)).styled(Style::DeepObject),
            Param::header("x-where", Shape::JsonText),
            Param::cookie("c", Shape::JSON),
        ];
        for param in params {
            assert_eq!(param.encode(&Value::Null), Ok(None), "{param:?}");
        }
    }

    #[test]
    fn scalars_at_every_location() {
        let values = [
            (Shape::STRING, json!(AWKWARD)),
            (Shape::STRING, json!("")),
            (Shape::INTEGER, json!(-42)),
            (Shape::INTEGER, json!(u64::MAX)),
            (Shape::NUMBER, json!(1.5)),
            (Shape::NUMBER, json!(2.0)),
            (Shape::NUMBER, json!(-1e300)),
            (Shape::NUMBER, json!(7)),
            (Shape::BOOLEAN, json!(false)),
            (Shape::JSON, json!({"a": [1, "x,y"], "b": null})),
            (Shape::JSON, json!("plain text")),
            // Strings that parse as JSON stay strings.
            (Shape::JSON, json!("5")),
            (Shape::JSON, json!("\"quoted\"")),
            (Shape::JSON, json!("")),
            (Shape::JSON, json!(0.1)),
            (Shape::JsonText, json!({"a": [1, 2], "b": "x;y\nz"})),
            (Shape::JsonText, json!("text")),
        ];
        for (shape, value) in values {
            let header_safe = value.as_str().map_or(true, |s| !s.is_empty());
            let mut params = vec![Param::query("q", shape), Param::cookie("q", shape)];
            if value != json!("") {
                params.push(Param::path(0, "q", shape));
            }
            if header_safe {
                params.push(Param::header("x-q", shape));
            }
            for param in params {
                round_trip(&param, value.clone());
            }
        }
        assert_eq!(
            round_trip(&Param::query("q", Shape::JSON), json!("5")),
            query_pairs(&[("q", "\"5\"")])
        );
        assert_eq!(
            round_trip(&Param::query("q", Shape::JSON), json!("plain")),
            query_pairs(&[("q", "plain")])
        );
        assert_eq!(
            round_trip(&Param::header("x-n", Shape::NUMBER), json!(2.5)),
            Encoded::Header("2.5".to_owned())
        );
        assert_eq!(
            round_trip(
                &Param::path(0, "w", Shape::JsonText),
                json!([1, {"a": "b"}])
            ),
            Encoded::Path("[1,{\"a\":\"b\"}]".to_owned())
        );
    }

    #[test]
    fn values_of_other_types_are_refused() {
        let cases = [
            (Shape::INTEGER, json!("7"), "expected an integer, got \"7\""),
            (Shape::INTEGER, json!(1.5), "expected an integer, got 1.5"),
            (Shape::INTEGER, json!(3.0), "expected an integer, got 3.0"),
            (Shape::STRING, json!(5), "expected a string, got 5"),
            (
                Shape::STRING,
                json!({"a": 1}),
                "expected a string, got an object",
            ),
            (
                Shape::BOOLEAN,
                json!("true"),
                "expected a boolean, got \"true\"",
            ),
            (Shape::NUMBER, json!([1]), "expected a number, got a list"),
            (
                array(Scalar::Integer, false),
                json!(1),
                "expected a list, got 1",
            ),
            (
                array(Scalar::Integer, true),
                json!([1, "x"]),
                "item 1: expected an integer, got \"x\"",
            ),
            (
                array(Scalar::String, false),
                json!([null]),
                "item 0: expected a string, got null",
            ),
            (object(false), json!([1]), "expected an object, got a list"),
            (object(true), json!({"X": 1}), "unknown property \"X\""),
            (
                object(true),
                json!({"R": "1"}),
                "property \"R\": expected an integer, got \"1\"",
            ),
        ];
        for (shape, value, reason) in cases {
            assert_eq!(refused(&Param::query("q", shape), value), reason);
        }
    }

    #[test]
    fn simple_paths() {
        for explode in [false, true] {
            let list = Param::path(0, "ids", array(Scalar::String, explode));
            assert_eq!(
                round_trip(&list, json!(["a.b;c=d", "x y/z", ""])),
                Encoded::Path("a.b;c=d,x y/z,".to_owned())
            );
            assert_eq!(
                refused(&list, json!(["a,b"])),
                "\"a,b\" contains \",\", which separates the items"
            );
            assert!(refused(&list, json!([""])).starts_with("a list of one empty item"));
            // An empty list would leave the segment empty.
            assert!(refused(&list, json!([])).starts_with("a path segment cannot be empty"));
        }
        let flat = Param::path(0, "color", object(false));
        assert_eq!(
            round_trip(&flat, json!({"R": 1, "G": 2})),
            Encoded::Path("R,1,G,2".to_owned())
        );
        let exploded = Param::path(0, "color", object(true));
        assert_eq!(
            round_trip(&exploded, json!({"R": 1, "G": 2, "B": 3})),
            Encoded::Path("R=1,G=2,B=3".to_owned())
        );
        for explode in [false, true] {
            let param = Param::path(0, "note", note(explode));
            let value = json!({"text": "a=b;c.d", "tags": ["x", "y"], "any": {"k": [1]}, "n": 5});
            round_trip(&param, value);
            assert!(refused(&param, json!({"text": "a,b"}))
                .ends_with("a,b\" contains \",\", which separates the items"));
            assert!(refused(&param, json!({"tags": []})).ends_with("which reads as absent"));
            // A null property is left out, as an absent one reads the same; JSON keeps it.
            let encoded = param
                .encode(&json!({"text": null, "any": null, "n": 1}))
                .unwrap()
                .unwrap();
            assert_eq!(
                served(&param, &encoded),
                Ok(Some(json!({"any": null, "n": 1})))
            );
        }
        assert_eq!(
            refused(&Param::path(0, "note", note(true)), json!({"a=b": 1})),
            "property name \"a=b\" contains \"=\", which ends a name"
        );
        round_trip(&Param::path(0, "note", note(false)), json!({"a=b": 1}));
        assert_eq!(
            refused(
                &Param::path(0, "f", filter(false)),
                json!({"range": {"min": 1}})
            ),
            "property \"range\" is an object, which needs a key per property"
        );
        let scalar = Param::path(0, "id", Shape::STRING);
        assert_eq!(
            round_trip(&scalar, json!("a/b")),
            Encoded::Path("a/b".to_owned())
        );
        assert!(refused(&scalar, json!("")).starts_with("a path segment cannot be empty"));
        assert!(refused(&scalar, json!("..")).ends_with("URLs drop such segments"));
    }

    #[test]
    fn label_paths() {
        let scalar = Param::path(0, "c", Shape::STRING).styled(Style::Label);
        assert_eq!(
            round_trip(&scalar, json!("a.b,c")),
            Encoded::Path(".a.b,c".to_owned())
        );
        // `.` alone (an empty value) is a segment URLs drop.
        assert!(refused(&scalar, json!("")).ends_with("URLs drop such segments"));
        let exploded = Param::path(0, "c", array(Scalar::String, true)).styled(Style::Label);
        assert_eq!(
            round_trip(&exploded, json!(["a,b", "c"])),
            Encoded::Path(".a,b.c".to_owned())
        );
        assert_eq!(
            refused(&exploded, json!(["1.2"])),
            "\"1.2\" contains \".\", which separates the items"
        );
        let joined = Param::path(0, "c", array(Scalar::String, false)).styled(Style::Label);
        assert_eq!(
            round_trip(&joined, json!(["1.2", "c"])),
            Encoded::Path(".1.2,c".to_owned())
        );
        assert_eq!(
            round_trip(&joined, json!(["a"])),
            Encoded::Path(".a".to_owned())
        );
        round_trip(&joined, json!(["", ""]));
        assert!(refused(&joined, json!(["1.2"])).contains("list without commas"));
        assert!(refused(&joined, json!(["a,b", "c"])).contains("separates the items"));
        assert!(refused(&joined, json!([""])).starts_with("a list of one empty item"));
        let pairs = Param::path(0, "color", object(true)).styled(Style::Label);
        assert_eq!(
            round_trip(&pairs, json!({"R": 1, "G": 2})),
            Encoded::Path(".R=1.G=2".to_owned())
        );
        let flat = Param::path(0, "color", object(false)).styled(Style::Label);
        assert_eq!(
            round_trip(&flat, json!({"R": 1})),
            Encoded::Path(".R,1".to_owned())
        );
        let note_pairs = Param::path(0, "n", note(true)).styled(Style::Label);
        round_trip(&note_pairs, json!({"text": "a,b=c", "tags": ["x;y"]}));
        assert!(refused(&note_pairs, json!({"text": "a.b"})).contains("separates the items"));
        let note_flat = Param::path(0, "n", note(false)).styled(Style::Label);
        round_trip(&note_flat, json!({"text": "a.b=c", "tags": ["x;y"]}));
    }

    #[test]
    fn matrix_paths() {
        let scalar = Param::path(0, "color", Shape::STRING).styled(Style::Matrix);
        assert_eq!(
            round_trip(&scalar, json!("a;b=c,d")),
            Encoded::Path(";color=a;b=c,d".to_owned())
        );
        assert_eq!(
            round_trip(&scalar, json!("")),
            Encoded::Path(";color".to_owned())
        );
        let joined = Param::path(0, "color", array(Scalar::String, false)).styled(Style::Matrix);
        assert_eq!(
            round_trip(&joined, json!(["a;b", "c=d"])),
            Encoded::Path(";color=a;b,c=d".to_owned())
        );
        assert_eq!(
            round_trip(&joined, json!([])),
            Encoded::Path(";color".to_owned())
        );
        assert!(refused(&joined, json!([""])).starts_with("a list of one empty item"));
        let exploded = Param::path(0, "color", array(Scalar::String, true)).styled(Style::Matrix);
        assert_eq!(
            round_trip(&exploded, json!(["a=b", "c,d"])),
            Encoded::Path(";color=a=b;color=c,d".to_owned())
        );
        assert_eq!(
            round_trip(&exploded, json!([])),
            Encoded::Path(";color".to_owned())
        );
        assert_eq!(
            round_trip(&exploded, json!([""])),
            Encoded::Path(";color=".to_owned())
        );
        assert_eq!(
            refused(&exploded, json!(["a;b"])),
            "\"a;b\" contains \";\", which separates the items"
        );
        let pairs = Param::path(0, "color", object(true)).styled(Style::Matrix);
        assert_eq!(
            round_trip(&pairs, json!({"R": 1, "G": 2})),
            Encoded::Path(";R=1;G=2".to_owned())
        );
        assert_eq!(round_trip(&pairs, json!({})), Encoded::Path(";".to_owned()));
        let flat = Param::path(0, "color", object(false)).styled(Style::Matrix);
        assert_eq!(
            round_trip(&flat, json!({"R": 1, "G": 2})),
            Encoded::Path(";color=R,1,G,2".to_owned())
        );
        assert_eq!(
            round_trip(&flat, json!({})),
            Encoded::Path(";color".to_owned())
        );
        let note_pairs = Param::path(0, "n", note(true)).styled(Style::Matrix);
        round_trip(&note_pairs, json!({"text": "a,b=c.d", "tags": ["x", "y"]}));
        assert!(refused(&note_pairs, json!({"text": "a;b"})).contains("separates the items"));
    }

    /// The pieces of one mixed segment, each encoded by its parameter and joined with
    /// the literals as the client fills the template, read back by each parameter.
    fn served_segment(params: &[Param], values: &[Value]) -> Result<Vec<Option<Value>>, String> {
        let Location::PathPart { literals, gaps, .. } = params[0].location else {
            panic!("not a path part");
        };
        let mut raw = literals[0].to_owned();
        for (at, (param, value)) in params.iter().zip(values).enumerate() {
            match param.encode(value)? {
                Some(Encoded::Path(piece)) => raw.push_str(&percent_encode(&piece)),
                other => panic!("{other:?}"),
            }
            raw.push_str(literals[at + 1]);
        }
        let segment = percent_decode(&raw);
        params
            .iter()
            .enumerate()
            .map(|(position, param)| {
                let piece = segment_piece(&segment, literals, gaps, position)
                    .ok_or_else(|| format!("{segment:?} does not fit"))?;
                param.decode(Raw::Segment(piece)).map_err(message)
            })
            .collect()
    }

    #[track_caller]
    fn segment_round_trip(params: &[Param], values: &[Value]) {
        let expected: Vec<Option<Value>> = values.iter().cloned().map(Some).collect();
        assert_eq!(served_segment(params, values), Ok(expected));
    }

    #[test]
    fn path_parts() {
        const COMPARE: &[&str] = &["", "...", ""];
        let base = Param::path_part(0, COMPARE, 0, "base", Shape::STRING);
        let head = Param::path_part(0, COMPARE, 1, "head", array(Scalar::String, false));
        let both = [base, head];
        segment_round_trip(&both, &[json!("main.x"), json!(["topic...x", "a"])]);
        segment_round_trip(&both, &[json!(""), json!([])]);
        assert_eq!(
            refused(&base, json!("a...b")),
            "\"a...b\" would be cut at the first \"...\" in it"
        );
        // The literal would start inside the piece.
        assert!(refused(&base, json!("a.")).starts_with("\"a.\" would be cut"));

        // `v{version}` in label style: an empty list is `v.`.
        let version = Param::path_part(0, &["v", ""], 0, "v", array(Scalar::Integer, true))
            .styled(Style::Label);
        segment_round_trip(&[version], &[json!([])]);
        segment_round_trip(&[version], &[json!([1, 2])]);

        // `{id}{ext}`, `ext` one of its values.
        const ADJACENT: &[&str] = &["", "", ""];
        const BY_VALUE: &[(usize, Gap)] = &[(1, Gap::BeforeOneOf(&[".gz", ".tar.gz"]))];
        let id = Param::path_part_with_gaps(0, ADJACENT, BY_VALUE, 0, "id", Shape::STRING);
        let ext = Param::path_part_with_gaps(0, ADJACENT, BY_VALUE, 1, "ext", Shape::STRING);
        segment_round_trip(&[id, ext], &[json!("a.gz"), json!(".gz")]);
        assert_eq!(
            refused(&ext, json!(".tar.gz")),
            "\".tar.gz\" would start where one of [\".gz\", \".tar.gz\"] last begins in it"
        );
        assert!(refused(&ext, json!("x.gz")).contains("would start where"));

        // `{id}{.format}`, `id` an integer: it ends after its digits.
        const BY_DIGITS: &[(usize, Gap)] = &[(1, Gap::AfterDigits)];
        let number = Param::path_part_with_gaps(0, ADJACENT, BY_DIGITS, 0, "id", Shape::INTEGER);
        let format = Param::path_part_with_gaps(0, ADJACENT, BY_DIGITS, 1, "f", Shape::STRING)
            .styled(Style::Label);
        segment_round_trip(&[number, format], &[json!(-42), json!("csv")]);
        let word = Param::path_part_with_gaps(0, ADJACENT, BY_DIGITS, 0, "id", Shape::STRING);
        assert!(refused(&word, json!("4x")).starts_with("\"4x\" is not an integer"));
        let digits = Param::path_part_with_gaps(0, ADJACENT, BY_DIGITS, 1, "f", Shape::STRING);
        assert_eq!(
            refused(&digits, json!("5.csv")),
            "\"5.csv\" starts with a digit, which the integer before it would take"
        );
    }

    #[test]
    fn form_queries() {
        let exploded = Param::query("t", array(Scalar::String, true));
        assert_eq!(
            round_trip(&exploded, json!(["a,b", ""])),
            query_pairs(&[("t", "a,b"), ("t", "")])
        );
        assert_eq!(
            refused(&exploded, json!([])),
            "a list writes no key, which reads as absent"
        );
        let joined = Param::query("t", array(Scalar::Integer, false));
        assert_eq!(
            round_trip(&joined, json!([1, 2])),
            query_pairs(&[("t", "1,2")])
        );
        assert_eq!(round_trip(&joined, json!([])), query_pairs(&[("t", "")]));
        let words = Param::query("t", array(Scalar::String, false));
        round_trip(&words, json!(["a b|c", "&=;"]));
        assert!(refused(&words, json!(["a,b"])).contains("separates the items"));
        assert!(refused(&words, json!([""])).starts_with("a list of one empty item"));

        let flat = Param::query("color", object(false));
        assert_eq!(
            round_trip(&flat, json!({"R": 1, "G": 2})),
            query_pairs(&[("color", "R,1,G,2")])
        );
        assert_eq!(round_trip(&flat, json!({})), query_pairs(&[("color", "")]));
        let pairs = Param::query("color", object(true));
        assert_eq!(
            round_trip(&pairs, json!({"R": 1, "G": 2})),
            query_pairs(&[("R", "1"), ("G", "2")])
        );
        assert_eq!(
            refused(&pairs, json!({})),
            "an object writes no key, which reads as absent"
        );
        round_trip(
            &Param::query("n", note(false)),
            json!({"text": "a=b", "tags": ["x"]}),
        );

        // Nested objects of an exploded form object are written as qs writes them.
        let filter = Param::query("filter", filter(true));
        assert_eq!(
            round_trip(
                &filter,
                json!({"name": AWKWARD, "tags": ["a", "b,c"], "range": {"min": 1.5, "max": 3}})
            ),
            query_pairs(&[
                ("name", AWKWARD),
                ("tags", "a"),
                ("tags", "b,c"),
                ("range[min]", "1.5"),
                ("range[max]", "3"),
            ])
        );
        assert_eq!(
            refused(&filter, json!({"range": {}})),
            "property \"range\": an object writes no key, which reads as absent"
        );
        assert_eq!(
            refused(&filter, json!({"range": {"avg": 1}})),
            "property \"range\": unknown property \"avg\""
        );
        // Its other keys belong to other parameters unless it collects them.
        assert_eq!(
            refused(&filter, json!({"extra": "x"})),
            "undeclared property \"extra\" is only read by a collecting parameter"
        );

        let json = Param::query("where", Shape::JsonText);
        assert_eq!(
            round_trip(&json, json!({"a": [1, 2]})),
            query_pairs(&[("where", "{\"a\":[1,2]}")])
        );
    }

    /// A collecting exploded `form` object of `additional` values beside a declared
    /// property `own` and a nested object `range`, leaving `limit` and `sort[...]`.
    fn collector(additional: Extra) -> Param {
        const OTHERS: &[Claim] = &[Claim::Key("limit"), Claim::Under("sort")];
        const PROPERTIES: &[Property] = &[
            Property {
                name: "own",
                value: Field::Scalar(Scalar::Integer),
            },
            Property {
                name: "range",
                value: Field::Object(Object {
                    properties: &[Property {
                        name: "min",
                        value: Field::Scalar(Scalar::Integer),
                    }],
                    additional: None,
                }),
            },
        ];
        let object = Object {
            properties: PROPERTIES,
            additional: Some(additional),
        };
        Param::query(
            "rest",
            Shape::Object {
                object,
                explode: true,
            },
        )
        .collecting(OTHERS)
    }

    #[test]
    fn collected_queries() {
        let strings = collector(Extra::Scalar(Scalar::String));
        assert_eq!(
            round_trip(
                &strings,
                json!({"own": 3, "color": "red", "sorting": "a,b", "range": {"min": 1}})
            ),
            query_pairs(&[
                ("own", "3"),
                ("color", "red"),
                ("sorting", "a,b"),
                ("range[min]", "1"),
            ])
        );
        assert_eq!(
            refused(&strings, json!({"limit": "5"})),
            "undeclared property \"limit\" is a key another parameter reads"
        );
        assert!(refused(&strings, json!({"sort[by]": "x"})).contains("another parameter"));
        assert_eq!(
            refused(&strings, json!({"range[x]": "1"})),
            "undeclared property \"range[x]\" reads as a key of a nested object property"
        );
        let lists = collector(Extra::Array(Scalar::Integer));
        assert_eq!(
            round_trip(&lists, json!({"a": [1, 3], "b": [2]})),
            query_pairs(&[("a", "1"), ("a", "3"), ("b", "2")])
        );
        assert_eq!(
            refused(&lists, json!({"a": []})),
            "property \"a\": an empty list writes no key, which reads as absent"
        );
        let anything = collector(Extra::Scalar(Scalar::Json));
        round_trip(
            &anything,
            json!({"a": null, "b": "5", "c": [1, {"d": true}]}),
        );
    }

    #[test]
    fn delimited_queries() {
        let space = Param::query("c", array(Scalar::String, false)).styled(Style::SpaceDelimited);
        assert_eq!(
            round_trip(&space, json!(["a,b", "c|d"])),
            query_pairs(&[("c", "a,b c|d")])
        );
        assert!(refused(&space, json!(["a b"])).contains("\" \", which separates"));
        let pipe = Param::query("c", array(Scalar::String, false)).styled(Style::PipeDelimited);
        assert_eq!(
            round_trip(&pipe, json!(["a b", "c,d"])),
            query_pairs(&[("c", "a b|c,d")])
        );
        assert!(refused(&pipe, json!(["a|b"])).contains("\"|\", which separates"));
        assert_eq!(round_trip(&pipe, json!([])), query_pairs(&[("c", "")]));
        let repeated = Param::query("c", array(Scalar::Integer, true)).styled(Style::PipeDelimited);
        assert_eq!(
            round_trip(&repeated, json!([1, 2])),
            query_pairs(&[("c", "1"), ("c", "2")])
        );
        let space_object = Param::query("color", object(false)).styled(Style::SpaceDelimited);
        assert_eq!(
            round_trip(&space_object, json!({"R": 1, "G": 2})),
            query_pairs(&[("color", "R 1 G 2")])
        );
        let pipe_object = Param::query("n", note(false)).styled(Style::PipeDelimited);
        round_trip(&pipe_object, json!({"text": "a b,c", "n": 1}));
    }

    #[test]
    fn deep_queries() {
        let rgb = Param::query("color", object(true)).styled(Style::DeepObject);
        assert_eq!(
            round_trip(&rgb, json!({"R": 1, "G": 2})),
            query_pairs(&[("color[R]", "1"), ("color[G]", "2")])
        );
        assert_eq!(
            refused(&rgb, json!({})),
            "an object writes no key, which reads as absent"
        );
        let filter = Param::query("filter", filter(false)).styled(Style::DeepObject);
        assert_eq!(
            round_trip(
                &filter,
                json!({
                    "name": "a]b[c", "tags": ["x", AWKWARD],
                    "range": {"min": 1.5, "max": 3}, "extra": "kept",
                })
            ),
            query_pairs(&[
                ("filter[name]", "a]b[c"),
                ("filter[tags][]", "x"),
                ("filter[tags][]", AWKWARD),
                ("filter[range][min]", "1.5"),
                ("filter[range][max]", "3"),
                ("filter[extra]", "kept"),
            ])
        );
        assert_eq!(
            refused(&filter, json!({"tags": []})),
            "property \"tags\": an empty list writes no key, which reads as absent"
        );
        assert_eq!(
            refused(&filter, json!({"range": {}})),
            "property \"range\": an object writes no key, which reads as absent"
        );
        assert_eq!(
            refused(&filter, json!({"range": {"min": "x"}})),
            "property \"range\": property \"min\": expected a number, got \"x\""
        );
        assert_eq!(
            refused(&filter, json!({"a]": "x"})),
            "property name \"a]\" cannot be written between brackets"
        );
        assert!(refused(&filter, json!({"": "x"})).contains("between brackets"));
        assert_eq!(
            refused(&filter, json!({"name": {"x": 1}})),
            "property \"name\": expected a string, got an object"
        );

        for explode in [false, true] {
            let expand =
                Param::query("expand", array(Scalar::String, explode)).styled(Style::DeepObject);
            assert_eq!(
                round_trip(&expand, json!(["a", "b,c"])),
                query_pairs(&[("expand[]", "a"), ("expand[]", "b,c")])
            );
            assert!(refused(&expand, json!([])).ends_with("reads as absent"));
        }

        let created = Param::query("created", Shape::JSON).styled(Style::DeepObject);
        assert_eq!(
            round_trip(&created, json!(5)),
            query_pairs(&[("created", "5")])
        );
        round_trip(&created, json!("text"));
        assert_eq!(
            round_trip(&created, json!({"gt": 1, "lte": "9"})),
            query_pairs(&[("created[gt]", "1"), ("created[lte]", "\"9\"")])
        );
        let discounts = Param::query("discounts", Shape::JSON).styled(Style::DeepObject);
        assert_eq!(
            round_trip(
                &discounts,
                json!([{"coupon": "a", "discount": "b"}, {"coupon": "c"}])
            ),
            query_pairs(&[
                ("discounts[0][coupon]", "a"),
                ("discounts[0][discount]", "b"),
                ("discounts[1][coupon]", "c"),
            ])
        );
        round_trip(&discounts, json!([[1, 2], [3], {"a": [null, true]}]));
        assert_eq!(
            refused(&discounts, json!({"0": 1})),
            "\"discounts\" has key \"0\", which cannot be written between brackets"
        );
        assert_eq!(
            refused(&discounts, json!([{"a": {}}])),
            "\"discounts[0][a]\" is an empty object, which writes no key"
        );
        assert_eq!(
            refused(&discounts, json!([])),
            "\"discounts\" is an empty list, which writes no key"
        );
        let word = Param::query("q", Shape::STRING).styled(Style::DeepObject);
        assert_eq!(
            round_trip(&word, json!("x,y")),
            query_pairs(&[("q", "x,y")])
        );
    }

    #[test]
    fn headers() {
        let scalar = Param::header("x-s", Shape::STRING);
        assert_eq!(
            round_trip(&scalar, json!("a, b;\tc é")),
            Encoded::Header("a, b;\tc é".to_owned())
        );
        assert_eq!(
            refused(&scalar, json!("a\r\nb")),
            "a header value cannot contain a line break"
        );
        assert_eq!(
            refused(&scalar, json!("a\u{1}")),
            "a header value cannot contain control character U+0001"
        );
        assert_eq!(
            refused(&scalar, json!(" a")),
            "a header value cannot start or end with whitespace"
        );
        let list = Param::header("x-ids", array(Scalar::String, false));
        assert_eq!(
            round_trip(&list, json!(["a b", "c;d"])),
            Encoded::Header("a b,c;d".to_owned())
        );
        assert_eq!(round_trip(&list, json!([])), Encoded::Header(String::new()));
        assert_eq!(
            refused(&list, json!(["a", " b"])),
            "\" b\" starts or ends with whitespace, which is trimmed from each item"
        );
        assert!(refused(&list, json!(["a,b"])).contains("separates the items"));
        assert!(refused(&list, json!([""])).starts_with("a list of one empty item"));
        let numbers = Param::header("x-ids", array(Scalar::Integer, true));
        assert_eq!(
            round_trip(&numbers, json!([1, 2])),
            Encoded::Header("1,2".to_owned())
        );
        let flat = Param::header("x-color", object(false));
        assert_eq!(
            round_trip(&flat, json!({"R": 1, "G": 2})),
            Encoded::Header("R,1,G,2".to_owned())
        );
        let pairs = Param::header("x-color", object(true));
        assert_eq!(
            round_trip(&pairs, json!({"R": 1, "G": 2})),
            Encoded::Header("R=1,G=2".to_owned())
        );
        let notes = Param::header("x-note", note(true));
        round_trip(&notes, json!({"text": "a = b", "tags": ["x y"]}));
        assert!(refused(&notes, json!({"text": "a "})).contains("trimmed from each item"));
        let json = Param::header("x-where", Shape::JsonText);
        assert_eq!(
            round_trip(&json, json!({"a": 1, "b": "x\ny"})),
            Encoded::Header("{\"a\":1,\"b\":\"x\\ny\"}".to_owned())
        );
        assert_eq!(
            round_trip(&Param::header("x-j", Shape::JSON), json!("5")),
            Encoded::Header("\"5\"".to_owned())
        );
    }

    #[test]
    fn cookies() {
        let scalar = Param::cookie("c", Shape::STRING);
        assert_eq!(
            round_trip(&scalar, json!(" a; b=\"c\" ")),
            Encoded::Cookie(pairs(&[("c", " a; b=\"c\" ")]))
        );
        let joined = Param::cookie("t", array(Scalar::String, false));
        assert_eq!(
            round_trip(&joined, json!(["x;y", "z"])),
            Encoded::Cookie(pairs(&[("t", "x;y,z")]))
        );
        assert!(refused(&joined, json!(["x,y"])).contains("separates the items"));
        let exploded = Param::cookie("t", array(Scalar::Integer, true));
        assert_eq!(
            round_trip(&exploded, json!([1, 2])),
            Encoded::Cookie(pairs(&[("t", "1"), ("t", "2")]))
        );
        assert!(refused(&exploded, json!([])).ends_with("reads as absent"));
        let pairs_object = Param::cookie("color", object(true));
        assert_eq!(
            round_trip(&pairs_object, json!({"R": 1, "G": 2})),
            Encoded::Cookie(pairs(&[("R", "1"), ("G", "2")]))
        );
        round_trip(&Param::cookie("prefs", object(false)), json!({"R": 1}));
        let deep = Param::cookie("f", filter(true)).styled(Style::DeepObject);
        round_trip(&deep, json!({"name": "a=b; c", "range": {"min": 1}}));
        round_trip(&Param::cookie("w", Shape::JsonText), json!({"k": "a;b"}));
    }

    #[test]
    fn whole_query_strings_are_written_as_one_value() {
        let json = Param::query_string("selector", Shape::JsonText);
        let value = json!({"ids": [1, 2], "text": AWKWARD});
        assert_eq!(
            round_trip(&json, value.clone()),
            Encoded::QueryString(value.to_string())
        );
        let text = Param::query_string("q", Shape::STRING);
        assert_eq!(
            round_trip(&text, json!(AWKWARD)),
            Encoded::QueryString(AWKWARD.to_owned())
        );
        let form = Param::query_string("color", object(true));
        let encoded = round_trip(&form, json!({"R": 1, "G": 2}));
        assert!(matches!(encoded, Encoded::Query(_)), "{encoded:?}");
        let list = Param::query_string("ids", array(Scalar::Integer, true));
        assert!(list.encode(&json!([1])).is_err());
    }

    #[test]
    fn cookies_of_the_cookie_style_are_sent_as_they_are() {
        let scalar = Param::cookie("c", Shape::STRING).styled(Style::Cookie);
        assert_eq!(
            scalar.encode(&json!("a%20b")).unwrap(),
            Some(Encoded::RawCookie(pairs(&[("c", "a%20b")])))
        );
        // Read back as written: no percent-decoding.
        let cookies = raw_cookie_pairs(["c=a%20b; d=\"q\""].into_iter());
        assert_eq!(cookies, pairs(&[("c", "a%20b"), ("d", "q")]));
        assert_eq!(
            scalar.decode::<String>(Raw::Pairs(&cookies)).unwrap(),
            Some("a%20b".to_owned())
        );
        let joined = Param::cookie("t", array(Scalar::String, false)).styled(Style::Cookie);
        assert_eq!(
            joined.encode(&json!(["x", "y"])).unwrap(),
            Some(Encoded::RawCookie(pairs(&[("t", "x,y")])))
        );
        let exploded = Param::cookie("color", object(true)).styled(Style::Cookie);
        round_trip(&exploded, json!({"R": 1, "G": 2}));
        round_trip(
            &Param::cookie("t", array(Scalar::Integer, true)).styled(Style::Cookie),
            json!([1, 2]),
        );
        // What the style cannot send unescaped is refused, not sent broken.
        for bad in ["a b", "a;b", "a\"b"] {
            let error = scalar.encode(&json!(bad)).unwrap_err();
            assert!(error.contains("without escaping"), "{error}");
        }
    }
}
