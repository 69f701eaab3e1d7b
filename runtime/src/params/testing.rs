//! Parameter descriptions and decoding shortcuts the tests of every reading step share.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Extra, Field, Object, Param, Property, Raw, Scalar, Shape};
use crate::HttpError;

pub(super) const LIMIT: Param = Param::query("limit", Shape::Scalar(Scalar::Integer));

pub(super) const RGB: Object = Object {
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
pub(super) const FILTER: Object = Object {
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

pub(super) const fn array(item: Scalar, explode: bool) -> Shape {
    Shape::Array { item, explode }
}

pub(super) const fn object(explode: bool) -> Shape {
    Shape::Object {
        object: RGB,
        explode,
    }
}

pub(super) fn message(e: HttpError) -> String {
    e.external_message
}

pub(super) fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
    raw.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Decodes from query pairs `key=value`.
pub(super) fn query(param: &Param, raw: &[(&str, &str)]) -> Result<Option<Value>, HttpError> {
    param.decode(Raw::Pairs(&pairs(raw)))
}

/// Decodes query values all under the parameter's own name.
pub(super) fn own<T: DeserializeOwned>(param: &Param, values: &[&str]) -> Result<T, HttpError> {
    let raw: Vec<(&str, &str)> = values.iter().map(|v| (param.name, *v)).collect();
    let pairs = pairs(&raw);
    param
        .decode(Raw::Pairs(&pairs))
        .and_then(|v| v.ok_or_else(|| param.missing()))
}

pub(super) fn path(param: &Param, segment: &str) -> Result<Value, HttpError> {
    param
        .decode(Raw::Segment(segment))
        .map(|v| v.unwrap_or_default())
}

pub(super) fn header(param: &Param, lines: &[&str]) -> Result<Option<Value>, HttpError> {
    param.decode(Raw::Lines(lines.to_vec()))
}
