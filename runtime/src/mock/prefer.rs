//! The request's `Prefer` header (RFC 7240), as mock servers read it.

use http::HeaderMap;

use super::Synthesis;

/// What a request asks a mock to answer: a status, an example by name, or a value
/// made up from the schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefer {
    /// `code=404`: the response declared for this status.
    pub code: Option<u16>,
    /// `example=NAME`: the body's example of this name.
    pub example: Option<String>,
    /// `dynamic=true`: a body synthesized from the schema even where examples exist.
    pub dynamic: bool,
}

impl Prefer {
    /// The preferences of every `Prefer` header of `headers`; unknown ones are ignored,
    /// as RFC 7240 says.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut prefer = Self::default();
        let lines = headers
            .get_all("prefer")
            .iter()
            .filter_map(|value| value.to_str().ok());
        for preference in lines.flat_map(|line| line.split([',', ';'])) {
            let Some((name, value)) = preference.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "code" => prefer.code = value.parse().ok(),
                "example" => prefer.example = Some(value.to_owned()),
                "dynamic" => prefer.dynamic = value.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        prefer
    }

    /// How values are made for this request: examples, or (`dynamic=true`) values
    /// synthesized afresh for each request.
    pub fn synthesis(&self) -> Synthesis {
        if self.dynamic {
            Synthesis::Dynamic(fastrand::u64(..))
        } else {
            Synthesis::Examples
        }
    }
}
