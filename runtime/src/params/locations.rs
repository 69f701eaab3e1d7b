//! Where a request holds a parameter and the shape of the text there: a path segment (or
//! the piece of one that a mixed segment gives a variable), a header's lines, or the
//! decoded pairs of the query string or the cookies.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::deep::{deep_any, deep_array, deep_object};
use super::objects::exploded_form_object;
use super::percent::percent_decode;
use super::scalars::{items, json_text};
use super::styles::{delimiter, delimiter_word, split_nonempty};
use super::vocabulary::{Gap, Location, Param, Shape, Style};
use crate::validate;
use crate::HttpError;

/// The raw text a request holds for one parameter, before decoding.
#[derive(Debug)]
pub(crate) enum Raw<'a> {
    /// A path segment, or the piece of one that belongs to the parameter.
    Segment(&'a str),
    /// Every line of the parameter's header, in order.
    Lines(Vec<&'a str>),
    /// Every decoded key/value pair of the query string or the cookies, in order.
    Pairs(&'a [(String, String)]),
    /// The whole query string, percent-decoded; `None` when the request has none.
    Whole(Option<&'a str>),
}

impl Param {
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
        serde_json::from_value(value).map(Some).map_err(|e| {
            let text = e.to_string();
            self.invalid(super::scalars::out_of_range(&text).unwrap_or(text))
        })
    }

    /// The parameter's value as JSON, before rules and types are applied; `None` when the
    /// request does not have it, `Err` with the reason when its text is malformed.
    fn extract(&self, raw: Raw<'_>) -> Result<Option<Value>, String> {
        match raw {
            Raw::Segment(segment) => self.read_segment(segment).map(Some),
            Raw::Lines(lines) if lines.is_empty() => Ok(None),
            Raw::Lines(lines) => self.read_lines(&lines).map(Some),
            Raw::Pairs(pairs) if self.location == Location::QueryString => {
                self.read_whole_pairs(pairs)
            }
            Raw::Pairs(pairs) => self.read_pairs(pairs),
            Raw::Whole(None) => Ok(None),
            Raw::Whole(Some(text)) => self.scalar(text).map(Some),
        }
    }

    /// The whole query string as an object of its pairs: absent when there are none,
    /// and otherwise the object they make, keys it does not declare passed over (as
    /// they are beside query parameters).
    fn read_whole_pairs(&self, pairs: &[(String, String)]) -> Result<Option<Value>, String> {
        let Shape::Object { object, .. } = self.shape else {
            return Err("the query string is read as an object of its pairs".into());
        };
        if pairs.is_empty() {
            return Ok(None);
        }
        let found = exploded_form_object(&object, self.others, pairs)?;
        Ok(Some(
            found.unwrap_or_else(|| Value::Object(Default::default())),
        ))
    }

    /// A path value: `simple`, `label` or `matrix`.
    fn read_segment(&self, raw: &str) -> Result<Value, String> {
        if self.shape == Shape::JsonText {
            return json_text(raw);
        }
        match self.style {
            Style::Label => self.label(raw),
            Style::Matrix => self.matrix(raw),
            _ => self.simple(raw, |text| split_nonempty(text, ',')),
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
        let delimiter = delimiter(self.style);
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

/// Every cookie in the `Cookie` header lines, in order, with values percent-decoded as the
/// `form` style writes them and surrounding double quotes (RFC 6265) removed.
pub(crate) fn cookie_pairs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    cookies(lines, percent_decode)
}

/// Every cookie in the `Cookie` header lines, in order, as the `cookie` style writes
/// them: values as sent, but for surrounding double quotes.
pub(crate) fn raw_cookie_pairs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    cookies(lines, str::to_owned)
}

fn cookies<'a>(
    lines: impl Iterator<Item = &'a str>,
    decode: fn(&str) -> String,
) -> Vec<(String, String)> {
    lines
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(key, value)| {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            (decode(key), decode(value))
        })
        .collect()
}

/// The piece of `segment` at variable `position` when it is split at `literals`
/// (`literals[0]` before the first variable, `literals[k]` between variable `k - 1` and
/// `k`, the last after the last); `None` when the segment does not have that shape.
pub(crate) fn segment_piece<'a>(
    segment: &'a str,
    literals: &[&str],
    gaps: &[(usize, Gap)],
    position: usize,
) -> Option<&'a str> {
    let (first, rest) = literals.split_first()?;
    let mut remaining = segment.strip_prefix(first)?;
    let (last, between) = rest.split_last()?;
    remaining = remaining.strip_suffix(last)?;
    let mut pieces = Vec::with_capacity(between.len() + 1);
    for (index, separator) in between.iter().enumerate() {
        let gap = gaps
            .iter()
            .find(|(at, _)| *at == index + 1)
            .map(|(_, gap)| *gap);
        let at = match gap {
            Some(gap) if separator.is_empty() => gap_end(remaining, gap)?,
            _ => remaining.find(separator)?,
        };
        pieces.push(&remaining[..at]);
        remaining = &remaining[at + separator.len()..];
    }
    pieces.push(remaining);
    pieces.get(position).copied()
}

/// Where the variable before `gap` ends in `text` (which starts with it).
fn gap_end(text: &str, gap: Gap) -> Option<usize> {
    match gap {
        Gap::BeforeOneOf(values) => values
            .iter()
            .filter(|value| !value.is_empty())
            .filter_map(|value| text.rfind(value))
            .max(),
        Gap::AfterDigits => {
            let signed = usize::from(text.starts_with(['+', '-']));
            let digits = text[signed..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            (digits > 0).then_some(signed + digits)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::testing::*;
    use crate::params::Scalar;
    use crate::validate::Schema;
    use serde_json::json;

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
    fn mixed_segments_split_at_their_literals() {
        let compare = ["", "...", ""];
        assert_eq!(
            segment_piece("main...topic", &compare, &[], 0),
            Some("main")
        );
        assert_eq!(
            segment_piece("main...topic", &compare, &[], 1),
            Some("topic")
        );
        assert_eq!(segment_piece("main..topic", &compare, &[], 1), None);
        let file = ["", ".json"];
        assert_eq!(segment_piece("report.json", &file, &[], 0), Some("report"));
        assert_eq!(segment_piece("report.yaml", &file, &[], 0), None);
        let versioned = ["v", ""];
        assert_eq!(segment_piece("v2", &versioned, &[], 0), Some("2"));
        assert_eq!(segment_piece("x2", &versioned, &[], 0), None);
    }

    #[test]
    fn variables_with_nothing_between_them_split_at_their_gap() {
        // `{id}{ext}`, `ext` one of `.json` and `.xml`.
        let adjacent = ["", "", ""];
        let by_value = [(1, Gap::BeforeOneOf(&[".json", ".xml"]))];
        assert_eq!(
            segment_piece("a.json.xml", &adjacent, &by_value, 0),
            Some("a.json")
        );
        assert_eq!(
            segment_piece("a.json.xml", &adjacent, &by_value, 1),
            Some(".xml")
        );
        assert_eq!(segment_piece("report", &adjacent, &by_value, 0), None);
        // `{id}{.format}`, `id` an integer.
        let by_digits = [(1, Gap::AfterDigits)];
        assert_eq!(
            segment_piece("-42.csv", &adjacent, &by_digits, 0),
            Some("-42")
        );
        assert_eq!(
            segment_piece("-42.csv", &adjacent, &by_digits, 1),
            Some(".csv")
        );
        assert_eq!(segment_piece("x.csv", &adjacent, &by_digits, 0), None);
    }
}
