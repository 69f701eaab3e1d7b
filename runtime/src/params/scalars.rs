//! Conversion of one raw value to JSON by the type its parameter or property declares.

use serde_json::{Number, Value};

use super::vocabulary::{Param, Scalar, Shape};

impl Param {
    /// A single value: converted by its declared type, or read as a JSON document for a
    /// `content` parameter.
    pub(super) fn scalar(&self, raw: &str) -> Result<Value, String> {
        match self.shape {
            Shape::Scalar(scalar) => to_value(scalar, raw).map_err(str::to_owned),
            _ => json_text(raw),
        }
    }
}

/// A `content: application/json` value, whose commas and brackets are its own rather
/// than a style's delimiters.
pub(super) fn json_text(raw: &str) -> Result<Value, String> {
    serde_json::from_str(raw).map_err(|e| format!("expected JSON: {e}"))
}

/// A list whose items all convert as `item`; the first failure, or the first error the
/// splitting reported, is the list's.
pub(super) fn items<'a>(
    item: Scalar,
    raws: impl Iterator<Item = Result<&'a str, String>>,
) -> Result<Value, String> {
    raws.map(|raw| to_value(item, raw?).map_err(str::to_owned))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// One raw value as the JSON its declared type reads it as. Multipart text parts use it
/// too, so a text part and a query parameter of one type accept the same text.
pub(crate) fn to_value(scalar: Scalar, raw: &str) -> Result<Value, &'static str> {
    match scalar {
        Scalar::String => Ok(Value::String(raw.to_owned())),
        Scalar::Integer => parse_integer(raw).ok_or(if is_integer_text(raw) {
            "integer out of range: more than 64 bits"
        } else {
            "expected an integer"
        }),
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

/// Whether `raw` is written as an integer (an optional `-`, then digits), whatever its
/// size.
fn is_integer_text(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// serde's words for an integer that does not fit the field's type ("invalid value:
/// integer `300`, expected u8") said as a range; `None` for any other error.
pub(crate) fn out_of_range(message: &str) -> Option<String> {
    let rest = message.strip_prefix("invalid value: integer `")?;
    let (value, rest) = rest.split_once("`, expected ")?;
    let (low, high): (i128, i128) = match rest {
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" => (i64::MIN.into(), i64::MAX.into()),
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        // A `NonZero` type: serde says "a nonzero u32" and the like.
        _ => return None,
    };
    Some(format!(
        "integer {value} is out of range: expected {low} to {high}"
    ))
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
    use crate::params::testing::*;
    use crate::params::{Param, Scalar, Shape};
    use serde_json::{json, Value};

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
        assert_eq!(
            message(own::<u32>(&LIMIT, &["-1"]).unwrap_err()),
            "invalid value for query parameter \"limit\": integer -1 is out of range: expected 0 to 4294967295"
        );
        assert_eq!(
            message(own::<u64>(&LIMIT, &["99999999999999999999"]).unwrap_err()),
            "invalid value for query parameter \"limit\": integer out of range: more than 64 bits"
        );
        assert_eq!(
            message(own::<i8>(&LIMIT, &["-300"]).unwrap_err()),
            "invalid value for query parameter \"limit\": integer -300 is out of range: expected -128 to 127"
        );
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
}
