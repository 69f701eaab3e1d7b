//! The description of a schema that generated code writes as `static` trees: only what
//! constrains a value beyond its Rust type, since serde already enforces the type.

use super::formats::Format;

/// The JSON type a schema requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    String,
    /// A number with no fractional part.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A list.
    Array,
    /// An object.
    Object,
}

/// What an object allows beyond its declared properties.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Additional {
    /// Anything.
    Any,
    /// Nothing: `additionalProperties: false`.
    Deny,
    /// Values matching this schema.
    Schema(&'static Schema),
}

/// One constraint on a value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Check {
    /// `minimum`, or `exclusiveMinimum` when `exclusive`.
    Minimum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `maximum`, or `exclusiveMaximum` when `exclusive`.
    Maximum {
        /// The bound.
        value: f64,
        /// Whether the bound itself is excluded.
        exclusive: bool,
    },
    /// `multipleOf`.
    MultipleOf(f64),
    /// `minLength`, in characters.
    MinLength(usize),
    /// `maxLength`, in characters.
    MaxLength(usize),
    /// `pattern`: an ECMA-262 regular expression, compiled once on first use.
    Pattern(&'static str),
    /// `minItems`.
    MinItems(usize),
    /// `maxItems`.
    MaxItems(usize),
    /// `uniqueItems: true`.
    UniqueItems,
    /// `minProperties`.
    MinProperties(usize),
    /// `maxProperties`.
    MaxProperties(usize),
    /// `format`, for the formats with a checkable syntax.
    Format(Format),
}

/// A schema, as far as it constrains values beyond their Rust type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schema {
    /// The required JSON type, if the schema names one.
    pub kind: Option<Kind>,
    /// Whether `null` is allowed too.
    pub nullable: bool,
    /// `enum`, as JSON text of each allowed value.
    pub allowed: &'static [&'static str],
    /// Constraints on the value itself.
    pub checks: &'static [Check],
    /// Declared properties of an object.
    pub properties: &'static [(&'static str, &'static Schema)],
    /// Properties an object must have.
    pub required: &'static [&'static str],
    /// What an object allows beyond `properties`.
    pub additional: Additional,
    /// The schemas of an array's first items, by position (a tuple).
    pub prefix_items: &'static [&'static Schema],
    /// The schema of every item of an array (after `prefix_items`).
    pub items: Option<&'static Schema>,
    /// `allOf`: schemas the value must match as well.
    pub all_of: &'static [&'static Schema],
    /// A `oneOf` told apart by a tag (a `discriminator`, or a property each alternative
    /// requires to be a value of its own): the alternative an object's tag selects.
    pub tagged: Option<&'static Tagged>,
    /// `propertyNames`: the schema every key of an object must match, as a string.
    pub property_names: Option<&'static Schema>,
}

/// The alternatives of a discriminated `oneOf`, by the tag values that select them.
#[derive(Debug, PartialEq)]
pub struct Tagged {
    /// The discriminating property.
    pub property: &'static str,
    /// Each tag value and the schema of the alternative it selects.
    pub alternatives: &'static [(&'static str, &'static Schema)],
    /// The tag values whose alternative declares nothing but the tag: a unit variant,
    /// whose type holds nothing else (see [`fit`](super::fit)).
    pub bare: &'static [&'static str],
}

impl Schema {
    /// A schema that allows anything; generated schemas start from it.
    pub const ANY: Schema = Schema {
        kind: None,
        nullable: false,
        allowed: &[],
        checks: &[],
        properties: &[],
        required: &[],
        additional: Additional::Any,
        prefix_items: &[],
        items: None,
        all_of: &[],
        tagged: None,
        property_names: None,
    };

    /// A string, and not `null`: an optional property whose Rust type (an `Option`)
    /// would read `null` as if the property were missing. The other kinds likewise.
    pub const STRING: Schema = Schema::of(Kind::String);
    /// An integer, and not `null` (see [`Schema::STRING`]).
    pub const INTEGER: Schema = Schema::of(Kind::Integer);
    /// A number, and not `null` (see [`Schema::STRING`]).
    pub const NUMBER: Schema = Schema::of(Kind::Number);
    /// `true` or `false`, and not `null` (see [`Schema::STRING`]).
    pub const BOOLEAN: Schema = Schema::of(Kind::Boolean);
    /// A list, and not `null` (see [`Schema::STRING`]).
    pub const ARRAY: Schema = Schema::of(Kind::Array);
    /// An object, and not `null` (see [`Schema::STRING`]).
    pub const OBJECT: Schema = Schema::of(Kind::Object);

    const fn of(kind: Kind) -> Schema {
        Schema {
            kind: Some(kind),
            ..Schema::ANY
        }
    }
}
