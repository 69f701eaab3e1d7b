//! The style-specific parts of reading a value: the `label` and `matrix` prefixes, the
//! delimiters lists are joined with, and `simple` values (a scalar, a list or a flat
//! object) once the prefix is gone.

use serde_json::Value;

use super::objects::object_from_list;
use super::scalars::items;
use super::vocabulary::{Param, Shape, Style};

impl Param {
    /// A `label` path value: the items, or an object's names and values, after a `.`.
    pub(super) fn label(&self, raw: &str) -> Result<Value, String> {
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

    /// A `matrix` path value: `;name=value` (an exploded list repeats it per item), or an
    /// exploded object's `;key=value` pairs.
    pub(super) fn matrix(&self, raw: &str) -> Result<Value, String> {
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
    pub(super) fn simple<'a>(
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
}

/// The character a non-exploded query list or object is joined with.
pub(super) fn delimiter(style: Style) -> char {
    match style {
        Style::SpaceDelimited => ' ',
        Style::PipeDelimited => '|',
        _ => ',',
    }
}

pub(super) fn delimiter_word(delimiter: char) -> &'static str {
    match delimiter {
        ' ' => "space",
        '|' => "pipe",
        _ => "comma",
    }
}

/// Splits a list at `delimiter`; an empty string is an empty list.
pub(super) fn split_nonempty(raw: &str, delimiter: char) -> Vec<&str> {
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

#[cfg(test)]
mod tests {
    use crate::params::testing::*;
    use crate::params::{cookie_pairs, Param, Raw, Scalar, Shape, Style};
    use serde_json::json;

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
}
