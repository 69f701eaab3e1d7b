//! `multipart/form-data` bodies: parsed by `multer` after the whole body has been read under
//! the body limit, then converted part by part into the fields of a generated struct.

use axum::body::Body;
use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use specfirst_model::vocabulary::REST_PARTS;

use crate::params::{to_value, Scalar};
use crate::validate::{self, Schema};
use crate::HttpError;

/// A file part of a `multipart/form-data` body (a property with `format: binary`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Part {
    /// The part's content.
    pub bytes: Bytes,
    /// The `filename` of its `Content-Disposition`, when the client gave one.
    pub filename: Option<String>,
    /// Its own `Content-Type`, when the client gave one.
    pub content_type: Option<String>,
}

/// Every part of a `multipart/form-data` body, by name, in the order they arrived.
///
/// Generated handlers read each declared property with one of its methods, so each
/// failure names the part.
#[derive(Debug, Default)]
pub struct Multipart {
    parts: Vec<(String, Part)>,
}

/// Every part of a body already read in full, with its name when it has one, in order.
async fn read_parts(
    bytes: Bytes,
    boundary: String,
) -> Result<Vec<(Option<String>, Part)>, HttpError> {
    // The body is already limited and complete, so multer's own limits are not needed;
    // reading it first keeps the 413 and the 408 exactly as for other bodies.
    let mut multipart = multer::Multipart::new(Body::from(bytes).into_data_stream(), boundary);
    let mut parts = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(invalid(format!("invalid multipart body: {e}"))),
        };
        let name = field.name().map(str::to_owned);
        let filename = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let position = parts.len() + 1;
        let bytes = field.bytes().await.map_err(|e| {
            let which = name.clone().unwrap_or_else(|| position.to_string());
            invalid_part(&which, format!("unreadable: {e}"))
        })?;
        parts.push((
            name,
            Part {
                bytes,
                filename,
                content_type,
            },
        ));
    }
    Ok(parts)
}

/// `bytes` with a `Content-Disposition: inline` line given to every part that has no
/// header at all, as RFC 2046 allows (its type is then its place's): multer reads a part
/// only after a header line. A delimiter cannot occur inside a part, so only delimiters
/// are matched.
fn with_header_lines(bytes: Bytes, boundary: &str) -> Bytes {
    let bare = format!("--{boundary}\r\n\r\n");
    let at_start = bytes.starts_with(bare.as_bytes());
    let inside = format!("\r\n{bare}");
    let found = bytes
        .windows(inside.len())
        .any(|window| window == inside.as_bytes());
    if !at_start && !found {
        return bytes;
    }
    let dressed = format!("--{boundary}\r\nContent-Disposition: inline\r\n\r\n");
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut rest: &[u8] = &bytes;
    if at_start {
        out.extend_from_slice(dressed.as_bytes());
        rest = &rest[bare.len()..];
    }
    while let Some(at) = rest
        .windows(inside.len())
        .position(|window| window == inside.as_bytes())
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(dressed.as_bytes());
        rest = &rest[at + inside.len()..];
    }
    out.extend_from_slice(rest);
    Bytes::from(out)
}

/// `n` parts, in words.
fn count(n: usize) -> String {
    match n {
        1 => "1 part".to_owned(),
        n => format!("{n} parts"),
    }
}

fn invalid(message: impl Into<String>) -> HttpError {
    HttpError::bad_request("InvalidBody", message)
}

fn invalid_part(name: &str, reason: impl std::fmt::Display) -> HttpError {
    invalid(format!("invalid multipart part \"{name}\": {reason}"))
}

/// Where each part of a multipart body read by position goes (OpenAPI 3.2's
/// `prefixEncoding` and `itemEncoding`): the leading parts are named by their position
/// from 1 and every later one [`REST_PARTS`], so the generated struct's decoder reads
/// them by name as it reads `multipart/form-data` parts.
#[derive(Debug, Clone, Copy)]
pub struct Positions {
    /// The body's media type (`multipart/mixed`, ...).
    pub media_type: &'static str,
    /// The media ranges each leading part may have, by position; empty for any.
    pub prefix: &'static [&'static [&'static str]],
    /// Those of every later part, or `None` when no part may follow the leading ones.
    pub rest: Option<&'static [&'static str]>,
    /// The fewest parts a body may have.
    pub min: usize,
    /// The most, when the schema says.
    pub max: Option<usize>,
}

impl Positions {
    /// The media ranges of the part at `index` (from 0), `None` when no part may be there.
    pub(crate) fn ranges_at(&self, index: usize) -> Option<&'static [&'static str]> {
        self.prefix.get(index).copied().or(self.rest)
    }

    /// The name the part at `index` (from 0) is read by.
    fn name_at(&self, index: usize) -> String {
        match index < self.prefix.len() {
            true => (index + 1).to_string(),
            false => REST_PARTS.to_owned(),
        }
    }
}

/// Whether a part's `content_type` is one of `ranges` (`type/subtype`, `type/*`, `*/*`);
/// a part that gives none is taken at its word that it is what its place says.
pub(crate) fn fits(ranges: &[&str], content_type: Option<&str>) -> bool {
    let Some(given) = content_type else {
        return true;
    };
    let given = crate::body::essence(given);
    ranges.is_empty()
        || ranges
            .iter()
            .any(|range| crate::body::in_range(&crate::body::essence(range), &given))
}

impl Multipart {
    /// Parses a body already read in full; `boundary` comes from the request's
    /// `content-type`. Parts without a name are passed over: none can be a property.
    pub(crate) async fn parse(bytes: Bytes, boundary: String) -> Result<Self, HttpError> {
        let parts = read_parts(bytes, boundary)
            .await?
            .into_iter()
            .filter_map(|(name, part)| Some((name?, part)))
            .collect();
        Ok(Self { parts })
    }

    /// Parses a body read by position, names and all ignored: each part is named by its
    /// place in `positions`, and its content type must be one that place allows; 400
    /// naming the part otherwise, or when there are too few or too many.
    pub(crate) async fn parse_at(
        bytes: Bytes,
        boundary: String,
        positions: &Positions,
    ) -> Result<Self, HttpError> {
        let bytes = with_header_lines(bytes, &boundary);
        let read = read_parts(bytes, boundary).await?;
        let most = match positions.rest {
            None => Some(positions.prefix.len()),
            Some(_) => positions.max,
        };
        if let Some(most) = most.filter(|most| read.len() > *most) {
            return Err(invalid(format!(
                "expected at most {}, got {}",
                count(most),
                read.len()
            )));
        }
        if read.len() < positions.min {
            return Err(invalid(format!(
                "expected at least {}, got {}",
                count(positions.min),
                read.len()
            )));
        }
        let mut parts = Vec::with_capacity(read.len());
        for (index, (_, part)) in read.into_iter().enumerate() {
            let ranges = positions.ranges_at(index).unwrap_or_default();
            if !fits(ranges, part.content_type.as_deref()) {
                return Err(invalid(format!(
                    "part {}: content type \"{}\" is not {}",
                    index + 1,
                    part.content_type.as_deref().unwrap_or_default(),
                    ranges.join(" or ")
                )));
            }
            parts.push((positions.name_at(index), part));
        }
        Ok(Self { parts })
    }

    fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Part> + 's {
        self.parts
            .iter()
            .filter(move |(given, _)| given == name)
            .map(|(_, part)| part)
    }

    fn single<'s>(&'s self, name: &'s str) -> Result<Option<&'s Part>, HttpError> {
        let mut named = self.named(name);
        let first = named.next();
        if named.next().is_some() {
            return Err(invalid_part(name, "given more than once"));
        }
        Ok(first)
    }

    fn text_value(name: &str, part: &Part, scalar: Scalar) -> Result<Value, HttpError> {
        let text =
            std::str::from_utf8(&part.bytes).map_err(|_| invalid_part(name, "not valid UTF-8"))?;
        to_value(scalar, text).map_err(|reason| invalid_part(name, reason))
    }

    fn typed<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, HttpError> {
        serde_json::from_value(value).map_err(|e| invalid_part(name, e))
    }

    /// The part `name` converted as a form field of kind `scalar` would be (JSON parts use
    /// [`Scalar::Json`]); `None` when absent, 400 when it is given twice or does not fit.
    pub fn value<T: DeserializeOwned>(
        &self,
        name: &str,
        scalar: Scalar,
    ) -> Result<Option<T>, HttpError> {
        match self.single(name)? {
            None => Ok(None),
            Some(part) => Self::typed(name, Self::text_value(name, part, scalar)?).map(Some),
        }
    }

    /// [`value`](Self::value), after checking the converted value against `rules`, so a
    /// part's constraints (`maxLength`, `minimum`, ...) hold as a JSON body's do.
    pub fn value_checked<T: DeserializeOwned>(
        &self,
        name: &str,
        scalar: Scalar,
        rules: &'static Schema,
    ) -> Result<Option<T>, HttpError> {
        match self.single(name)? {
            None => Ok(None),
            Some(part) => {
                let value = Self::text_value(name, part, scalar)?;
                Self::check(name, &value, rules)?;
                Self::typed(name, value).map(Some)
            }
        }
    }

    /// [`values`](Self::values), after checking the list against `rules`.
    pub fn values_checked<T: DeserializeOwned>(
        &self,
        name: &str,
        scalar: Scalar,
        rules: &'static Schema,
    ) -> Result<Option<T>, HttpError> {
        let items = self
            .named(name)
            .map(|part| Self::text_value(name, part, scalar))
            .collect::<Result<Vec<_>, _>>()?;
        if items.is_empty() {
            return Ok(None);
        }
        let value = Value::Array(items);
        Self::check(name, &value, rules)?;
        Self::typed(name, value).map(Some)
    }

    fn check(name: &str, value: &Value, rules: &'static Schema) -> Result<(), HttpError> {
        let violations = validate::validate(value, rules);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(invalid_part(
                name,
                validate::describe_violations(&violations),
            ))
        }
    }

    /// Every part named `name`, each converted as by [`value`](Self::value), as one list:
    /// how arrays are sent; `None` when there is none.
    pub fn values<T: DeserializeOwned>(
        &self,
        name: &str,
        scalar: Scalar,
    ) -> Result<Option<T>, HttpError> {
        let items = self
            .named(name)
            .map(|part| Self::text_value(name, part, scalar))
            .collect::<Result<Vec<_>, _>>()?;
        if items.is_empty() {
            return Ok(None);
        }
        Self::typed(name, Value::Array(items)).map(Some)
    }

    /// The file part `name`; `None` when absent, 400 when it is given twice.
    pub fn file(&self, name: &str) -> Result<Option<Part>, HttpError> {
        Ok(self.single(name)?.cloned())
    }

    /// Every file part named `name`; `None` when there is none.
    pub fn files(&self, name: &str) -> Option<Vec<Part>> {
        let files: Vec<Part> = self.named(name).cloned().collect();
        (!files.is_empty()).then_some(files)
    }

    /// `value`, or a 400 naming the required part `name` when it is absent.
    pub fn required<T>(value: Option<T>, name: &str) -> Result<T, HttpError> {
        value.ok_or_else(|| {
            HttpError::for_status(
                StatusCode::BAD_REQUEST,
                format!("missing required multipart part \"{name}\""),
            )
            .with_error_code("InvalidBody")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "X-BOUNDARY";

    #[test]
    fn parts_without_headers_are_given_a_line() {
        let bare = Bytes::from_static(b"--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\n");
        assert_eq!(
            with_header_lines(bare, "b"),
            Bytes::from_static(
                b"--b\r\nContent-Disposition: inline\r\n\r\none\r\n\
                  --b\r\nContent-Disposition: inline\r\n\r\ntwo\r\n--b--\r\n"
            )
        );
        let dressed = Bytes::from_static(b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n");
        assert_eq!(with_header_lines(dressed.clone(), "b"), dressed);
    }

    #[test]
    fn a_part_fits_its_place_by_media_range() {
        let images: &[&str] = &["image/png", "image/*"];
        assert!(fits(images, Some("image/gif")));
        assert!(fits(images, Some("IMAGE/PNG; q=1")));
        assert!(!fits(images, Some("text/plain")));
        assert!(fits(images, None));
        assert!(fits(&[], Some("anything/at-all")));
        assert!(fits(&["*/*"], Some("text/plain")));
    }

    #[tokio::test]
    async fn parts_by_position_are_named_by_place() {
        static POSITIONS: Positions = Positions {
            media_type: "multipart/mixed",
            prefix: &[&["application/json"]],
            rest: Some(&["text/plain"]),
            min: 1,
            max: None,
        };
        let bytes = Bytes::from_static(
            b"--b\r\nContent-Type: application/json\r\n\r\n{}\r\n\
              --b\r\n\r\nx\r\n--b\r\n\r\ny\r\n--b--\r\n",
        );
        let parsed = Multipart::parse_at(bytes, "b".into(), &POSITIONS)
            .await
            .expect("parsed");
        let names: Vec<&str> = parsed.parts.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["1", REST_PARTS, REST_PARTS]);
        let none = Multipart::parse_at(Bytes::from_static(b"--b--\r\n"), "b".into(), &POSITIONS)
            .await
            .expect_err("too few");
        assert!(none.external_message.contains("at least 1 part, got 0"));
    }

    /// `(name, filename, content type, content)`.
    type TestPart<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

    fn body(parts: &[TestPart<'_>]) -> Bytes {
        let mut out = Vec::new();
        for (name, filename, content_type, bytes) in parts {
            out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
            if let Some(filename) = filename {
                disposition.push_str(&format!("; filename=\"{filename}\""));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(content_type) = content_type {
                out.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out.into()
    }

    async fn parse(parts: &[TestPart<'_>]) -> Multipart {
        Multipart::parse(body(parts), BOUNDARY.into())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn typed_parts() {
        let parts = parse(&[
            ("title", None, None, b"Dune"),
            ("count", None, None, b"3"),
            ("tag", None, None, b"a"),
            ("tag", None, None, b"b"),
            ("meta", None, Some("application/json"), br#"{"k":1}"#),
            ("file", Some("a.png"), Some("image/png"), b"\x89PNG"),
        ])
        .await;
        let title: Option<String> = parts.value("title", Scalar::String).unwrap();
        assert_eq!(title.as_deref(), Some("Dune"));
        let count: Option<u32> = parts.value("count", Scalar::Integer).unwrap();
        assert_eq!(count, Some(3));
        let tags: Option<Vec<String>> = parts.values("tag", Scalar::String).unwrap();
        assert_eq!(tags.unwrap(), ["a", "b"]);
        let meta: Option<serde_json::Value> = parts.value("meta", Scalar::Json).unwrap();
        assert_eq!(meta.unwrap()["k"], 1);
        let file = parts.file("file").unwrap().unwrap();
        assert_eq!(file.filename.as_deref(), Some("a.png"));
        assert_eq!(file.content_type.as_deref(), Some("image/png"));
        assert_eq!(&file.bytes[..], b"\x89PNG");
        assert!(parts.file("nothing").unwrap().is_none());
        assert!(parts.files("nothing").is_none());
        let missing: Option<String> = parts.value("nothing", Scalar::String).unwrap();
        let e = Multipart::required(missing, "nothing").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            e.external_message,
            "missing required multipart part \"nothing\""
        );
    }

    #[tokio::test]
    async fn bad_parts() {
        let parts = parse(&[
            ("count", None, None, b"many"),
            ("text", None, None, b"\xff"),
            ("twice", None, None, b"1"),
            ("twice", None, None, b"2"),
        ])
        .await;
        let e = parts.value::<u32>("count", Scalar::Integer).unwrap_err();
        assert_eq!(
            e.external_message,
            "invalid multipart part \"count\": expected an integer"
        );
        let e = parts.value::<String>("text", Scalar::String).unwrap_err();
        assert_eq!(e.error_code.as_deref(), Some("InvalidBody"));
        let e = parts.value::<String>("twice", Scalar::String).unwrap_err();
        assert!(e.external_message.contains("more than once"), "{e:?}");
        let e = Multipart::parse(Bytes::from_static(b"garbage"), BOUNDARY.into())
            .await
            .unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }
}
