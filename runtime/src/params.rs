//! Descriptions of path, query and header parameters, and the conversion of their raw string
//! values into typed values.
//!
//! Raw strings are first turned into a [`serde_json::Value`] according to the parameter's
//! OpenAPI type and then deserialized, so generated types (enums, newtypes with validation)
//! decode parameters exactly as they decode JSON bodies.

use serde::de::DeserializeOwned;
use serde_json::{Number, Value};

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

/// Whether a parameter holds one value or a list of values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A single value.
    Scalar(Scalar),
    /// A list of values.
    Array {
        /// Type of each item.
        item: Scalar,
        /// For query parameters, whether items are repeated keys (`?a=1&a=2`) rather than one
        /// comma-separated value (`?a=1,2`). Path and header arrays are always comma-separated.
        explode: bool,
    },
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
}

impl Location {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Location::Path(_) | Location::PathPart { .. } => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

/// A parameter declared by an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Param {
    /// Name as written in the OpenAPI document.
    pub name: &'static str,
    /// Where the parameter is found.
    pub location: Location,
    /// Whether it is a single value or a list, and of what type.
    pub shape: Shape,
    /// Constraints checked before the value is decoded, all reported at once.
    pub rules: Option<&'static Schema>,
}

impl Param {
    /// The same parameter with constraints to check before decoding.
    pub const fn checked(mut self, rules: &'static Schema) -> Self {
        self.rules = Some(rules);
        self
    }

    /// A path parameter at position `index` of the path template.
    pub const fn path(index: usize, name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            location: Location::Path(index),
            shape,
            rules: None,
        }
    }

    /// One of several path variables in a segment that mixes them with literal text.
    pub const fn path_part(
        segment: usize,
        literals: &'static [&'static str],
        position: usize,
        name: &'static str,
        shape: Shape,
    ) -> Self {
        Self {
            name,
            location: Location::PathPart {
                segment,
                literals,
                position,
            },
            shape,
            rules: None,
        }
    }

    /// A query parameter.
    pub const fn query(name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            location: Location::Query,
            shape,
            rules: None,
        }
    }

    /// A header parameter.
    pub const fn header(name: &'static str, shape: Shape) -> Self {
        Self {
            name,
            location: Location::Header,
            shape,
            rules: None,
        }
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

    /// Decodes the raw values found for this parameter; `values` holds one entry per
    /// occurrence (repeated query keys or header lines).
    pub(crate) fn decode<T: DeserializeOwned>(&self, values: &[&str]) -> Result<T, HttpError> {
        let value = match self.shape {
            Shape::Scalar(scalar) => match values {
                [one] => to_value(scalar, one).map_err(|reason| self.invalid(reason))?,
                _ => {
                    return Err(self.invalid(format_args!(
                        "expected a single value, got {}",
                        values.len()
                    )))
                }
            },
            Shape::Array { item, explode } => {
                let repeated = explode && self.location == Location::Query;
                let items: Vec<&str> = if repeated {
                    values.to_vec()
                } else if self.location == Location::Header {
                    // Several header lines are equivalent to one comma-joined line (RFC 9110).
                    values
                        .iter()
                        .flat_map(|v| split_simple(v))
                        .map(str::trim)
                        .collect()
                } else {
                    match values {
                        [one] => split_simple(one),
                        _ => {
                            return Err(self.invalid(format_args!(
                                "expected a single comma-separated value, got {}",
                                values.len()
                            )))
                        }
                    }
                };
                let items = items
                    .into_iter()
                    .map(|raw| to_value(item, raw))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|reason| self.invalid(reason))?;
                Value::Array(items)
            }
        };
        if let Some(rules) = self.rules {
            let violations = validate::validate(&value, rules);
            if !violations.is_empty() {
                return Err(self.invalid(validate::describe_violations(&violations)));
            }
        }
        serde_json::from_value(value).map_err(|e| self.invalid(e))
    }
}

/// Splits a simple-style (comma-separated) array; an empty string is an empty array.
fn split_simple(raw: &str) -> Vec<&str> {
    if raw.is_empty() {
        Vec::new()
    } else {
        raw.split(',').collect()
    }
}

fn to_value(scalar: Scalar, raw: &str) -> Result<Value, &'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));

    fn message(e: HttpError) -> String {
        e.external_message
    }

    #[test]
    fn scalars() {
        assert_eq!(LIMIT.decode::<u32>(&["7"]).unwrap(), 7);
        assert_eq!(
            LIMIT.decode::<u64>(&["18446744073709551615"]).unwrap(),
            u64::MAX
        );
        assert_eq!(
            message(LIMIT.decode::<u32>(&["x"]).unwrap_err()),
            "invalid value for query parameter \"limit\": expected an integer"
        );
        assert!(message(LIMIT.decode::<u32>(&["-1"]).unwrap_err()).contains("expected u32"));
        let n = Param::query("n", Shape::Scalar(Scalar::Number));
        assert_eq!(n.decode::<f64>(&["1.5"]).unwrap(), 1.5);
        assert_eq!(n.decode::<f64>(&["2"]).unwrap(), 2.0);
        assert!(n.decode::<f64>(&["NaN"]).is_err());
        let b = Param::header("x-flag", Shape::Scalar(Scalar::Boolean));
        assert!(b.decode::<bool>(&["true"]).unwrap());
        assert_eq!(
            message(b.decode::<bool>(&["1"]).unwrap_err()),
            "invalid value for header parameter \"x-flag\": expected a boolean (true or false)"
        );
        let j = Param::query("j", Shape::Scalar(Scalar::Json));
        assert_eq!(
            j.decode::<Value>(&["{\"a\":1}"]).unwrap(),
            serde_json::json!({"a": 1})
        );
        assert_eq!(j.decode::<String>(&["plain"]).unwrap(), "plain");
    }

    #[test]
    fn duplicated_scalar_is_rejected() {
        let e = LIMIT.decode::<u32>(&["1", "2"]).unwrap_err();
        assert_eq!(e.error_code.as_deref(), Some("InvalidParameter"));
    }

    #[test]
    fn arrays() {
        let exploded = Param::query(
            "t",
            Shape::Array {
                item: Scalar::Integer,
                explode: true,
            },
        );
        assert_eq!(exploded.decode::<Vec<i32>>(&["1", "2"]).unwrap(), [1, 2]);
        let joined = Param::query(
            "t",
            Shape::Array {
                item: Scalar::Integer,
                explode: false,
            },
        );
        assert_eq!(joined.decode::<Vec<i32>>(&["1,2,3"]).unwrap(), [1, 2, 3]);
        assert!(joined.decode::<Vec<i32>>(&["1", "2"]).is_err());
        assert_eq!(joined.decode::<Vec<i32>>(&[""]).unwrap(), Vec::<i32>::new());
        let path = Param::path(
            0,
            "ids",
            Shape::Array {
                item: Scalar::String,
                explode: false,
            },
        );
        assert_eq!(path.decode::<Vec<String>>(&["a,b"]).unwrap(), ["a", "b"]);
        let header = Param::header(
            "x-ids",
            Shape::Array {
                item: Scalar::Integer,
                explode: false,
            },
        );
        assert_eq!(
            header.decode::<Vec<i32>>(&["1, 2", "3"]).unwrap(),
            [1, 2, 3]
        );
        assert_eq!(
            message(header.decode::<Vec<i32>>(&["1,x"]).unwrap_err()),
            "invalid value for header parameter \"x-ids\": expected an integer"
        );
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
