//! The description of a parameter that generated code writes and every reading step
//! works from. All of it is `Copy` and built by `const fn`s, so an operation's parameters
//! are `static` data rather than something assembled per request.

pub use specfirst_model::{Extra, Scalar, Style};

use crate::validate::Schema;
use crate::HttpError;

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

impl Shape {
    /// A single string: `Shape::Scalar(Scalar::String)`, as generated code spells it.
    pub const STRING: Shape = Shape::Scalar(Scalar::String);
    /// A single integer.
    pub const INTEGER: Shape = Shape::Scalar(Scalar::Integer);
    /// A single number.
    pub const NUMBER: Shape = Shape::Scalar(Scalar::Number);
    /// A single boolean.
    pub const BOOLEAN: Shape = Shape::Scalar(Scalar::Boolean);
    /// A single value of a schema without a simple type: JSON, or else the raw string.
    pub const JSON: Shape = Shape::Scalar(Scalar::Json);
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
    pub(super) fn takes(&self, key: &str) -> bool {
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

/// Where one of two path variables with no literal text between them ends
/// (`{id}{ext}`): what the spec says of one of them decides it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// The variable after it is one of these values (its `enum`): it starts at the last
    /// place where one of them begins.
    BeforeOneOf(&'static [&'static str]),
    /// The variable before it is an integer: it ends after its sign and digits.
    AfterDigits,
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
        /// How variables with no literal text between them are told apart, by the
        /// index of the literal (empty) between them: `{id}{ext}`.
        gaps: &'static [(usize, Gap)],
    },
    /// A query string parameter.
    Query,
    /// The whole query string as one value (OpenAPI 3.2's `in: querystring`): an object
    /// of its pairs, or one text of its media type (JSON, percent-decoded).
    QueryString,
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
            Location::QueryString => "querystring",
            Location::Header => "header",
            Location::Cookie => "cookie",
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
        Self::path_part_with_gaps(segment, literals, &[], position, name, shape)
    }

    /// [`Param::path_part`] in a segment where variables meet with no text between
    /// them, told apart by `gaps` ([`Gap`]).
    pub const fn path_part_with_gaps(
        segment: usize,
        literals: &'static [&'static str],
        gaps: &'static [(usize, Gap)],
        position: usize,
        name: &'static str,
        shape: Shape,
    ) -> Self {
        let location = Location::PathPart {
            segment,
            literals,
            position,
            gaps,
        };
        Self::at(location, Style::Simple, name, shape)
    }

    /// A query parameter, in `form` style.
    pub const fn query(name: &'static str, shape: Shape) -> Self {
        Self::at(Location::Query, Style::Form, name, shape)
    }

    /// The whole query string, in `form` style: an exploded object of its pairs, or (of
    /// [`Shape::JsonText`] or a scalar shape) the percent-decoded text of it all.
    pub const fn query_string(name: &'static str, shape: Shape) -> Self {
        Self::at(Location::QueryString, Style::Form, name, shape)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_message() {
        let e = Param::path(1, "id", Shape::Scalar(Scalar::String)).missing();
        assert_eq!(e.external_message, "missing required path parameter \"id\"");
        assert_eq!(e.error_code.as_deref(), Some("MissingParameter"));
    }
}
