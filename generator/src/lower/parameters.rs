//! Parameters: location, style, `explode` and wire shape, checked against each other.

use serde_json::{json, Value};

use crate::diagnostic::{pointer_join, Diagnostic};
use crate::ir::{Field, Location, Parameter, Scalar, SchemaUse, Shape, Style};
use crate::keywords::{COOKIE_STYLE, QUERYSTRING};
use crate::naming::{pascal, snake, Namespace};

use super::bodies::{is_json, media_essence, pick_media_type};
use super::{leftover, schema, Lower};

impl<'a> Lower<'a> {
    pub(super) fn params(
        &mut self,
        op_pointer: &str,
        shared: &[String],
        template: &[(String, Location)],
        type_base: &str,
        fields: &mut Namespace,
    ) -> Vec<Parameter> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut declared: Vec<(String, openapiv3::Parameter)> = Vec::new();
        let own_count = match self.doc.node(&format!("{op_pointer}/parameters")) {
            Some(Value::Array(list)) => list.len(),
            _ => 0,
        };
        let own: Vec<String> = (0..own_count)
            .map(|i| format!("{op_pointer}/parameters/{i}"))
            .collect();
        for pointer in own.iter().chain(shared) {
            let Some((at, param)) = self.typed::<openapiv3::Parameter>(pointer) else {
                continue;
            };
            let key = (
                location_word(&param),
                param.parameter_data_ref().name.clone(),
            );
            if declared
                .iter()
                .any(|(_, p)| (location_word(p), p.parameter_data_ref().name.clone()) == key)
            {
                continue;
            }
            declared.push((at, param));
        }

        let mut out = Vec::new();
        for (name, location) in template {
            let found = declared.iter().any(|(_, p)| {
                matches!(p, openapiv3::Parameter::Path { .. })
                    && &p.parameter_data_ref().name == name
            });
            if !found {
                // Undeclared template variables are common in real specs; the path still
                // says where the value is, and text is all it can be.
                self.warnings.push(Diagnostic::new(
                    op_pointer,
                    format!(
                        "path parameter `{name}` is not declared: it is read as text; declare it \
                         (`in: path`, `required: true`) in the operation's or the path's \
                         `parameters` to give it a type"
                    ),
                ));
                out.push(Parameter {
                    name: name.clone(),
                    pointer: op_pointer.to_string(),
                    field: field_name(fields, name, "path"),
                    location: *location,
                    required: true,
                    description: Some(
                        "Not declared in the spec; read from the path as text.".into(),
                    ),
                    schema: SchemaUse {
                        schema: json!({ "type": "string" }),
                        name_hint: format!("{type_base}{}", pascal(name, "Param")),
                    },
                    shape: Shape::Scalar(Scalar::String),
                    style: Style::Simple,
                    explode: false,
                    declared: false,
                    written_schema: None,
                    extra: serde_json::Map::new(),
                });
            }
        }

        let mut collector: Option<String> = None;
        for (at, param) in &declared {
            let Some(p) = self.param(at, param, template, type_base, fields) else {
                continue;
            };
            if p.collects_rest() {
                // Nothing in a request says which of two such objects a key is for, so
                // each receives every key no other parameter names: no key is lost.
                if let Some(first) = &collector {
                    self.warnings.push(Diagnostic::new(
                        &p.pointer,
                        format!(
                            "parameter `{}`: `{first}` also takes the query keys no other \
                             parameter names (both are exploded `form` objects without declared \
                             properties), so both receive each such key; declare this one's \
                             properties or use `deepObject` to tell them apart",
                            p.name
                        ),
                    ));
                } else {
                    collector = Some(p.name.clone());
                }
            }
            out.push(p);
        }
        self.check_query_string(&out);
        out.sort_by_key(|p| match p.location {
            Location::Path(i) => (0, i, 0),
            Location::PathPart { segment, position } => (0, segment, position),
            Location::Query | Location::QueryString => (1, 0, 0),
            Location::Header => (2, 0, 0),
            Location::Cookie => (3, 0, 0),
        });
        out
    }

    /// OpenAPI 3.2: the whole query string is one parameter's or the query parameters'
    /// (a `querystring` parameter "MUST NOT" appear with `in: query` ones, nor twice).
    fn check_query_string(&mut self, params: &[Parameter]) {
        let mut whole = params
            .iter()
            .filter(|p| p.location == Location::QueryString);
        let Some(first) = whole.next() else {
            return;
        };
        let problems: Vec<Diagnostic> = whole
            .map(|p| {
                (
                    p,
                    format!("`{}` already takes the whole query string", first.name),
                )
            })
            .chain(
                params
                    .iter()
                    .filter(|p| p.location == Location::Query)
                    .map(|p| {
                        (
                            p,
                            format!(
                                "`{}` takes the whole query string (`in: querystring`), so no \
                                 parameter may be `in: query` beside it",
                                first.name
                            ),
                        )
                    }),
            )
            .map(|(p, reason)| {
                Diagnostic::new(
                    pointer_join(&p.pointer, "in"),
                    format!("parameter `{}`: {reason}", p.name),
                )
            })
            .collect();
        self.problems.extend(problems);
    }

    pub(super) fn param(
        &mut self,
        at: &str,
        param: &openapiv3::Parameter,
        template: &[(String, Location)],
        type_base: &str,
        fields: &mut Namespace,
    ) -> Option<Parameter> {
        use openapiv3::{Parameter as P, PathStyle, QueryStyle};
        let data = param.parameter_data_ref();
        let name = data.name.clone();
        let (location, required, style) = match param {
            P::Path { style, .. } => {
                let Some(location) = template.iter().find(|(n, _)| n == &name).map(|(_, l)| *l)
                else {
                    self.problem(
                        at,
                        format!(
                            "path parameter `{name}` does not appear in the path (OpenAPI, \
                             Parameter Object: \"If `in` is `path`, the name field MUST \
                             correspond to a template expression occurring within the path \
                             field\")"
                        ),
                    );
                    return None;
                };
                let style = match style {
                    PathStyle::Simple => Style::Simple,
                    PathStyle::Label => Style::Label,
                    PathStyle::Matrix => Style::Matrix,
                };
                (location, true, style)
            }
            // OpenAPI 3.2's `in: querystring`, which loading marked: written as a
            // `form` object or as one value of its media type.
            P::Query { .. }
                if self
                    .doc
                    .node(at)
                    .is_some_and(|p| p.get(QUERYSTRING).is_some()) =>
            {
                (Location::QueryString, data.required, Style::Form)
            }
            P::Query { style, .. } => {
                let style = match style {
                    QueryStyle::Form => Style::Form,
                    QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                    QueryStyle::PipeDelimited => Style::PipeDelimited,
                    QueryStyle::DeepObject => Style::DeepObject,
                };
                (Location::Query, data.required, style)
            }
            // Headers and cookies each have one style.
            P::Header { .. } => (Location::Header, data.required, Style::Simple),
            // OpenAPI 3.2's `cookie` style, which loading marked.
            P::Cookie { .. }
                if self
                    .doc
                    .node(at)
                    .is_some_and(|p| p.get(COOKIE_STYLE).is_some()) =>
            {
                (Location::Cookie, data.required, Style::Cookie)
            }
            P::Cookie { .. } => (Location::Cookie, data.required, Style::Form),
        };
        let (schema_pointer, shape) = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(_) if location == Location::QueryString => {
                self.problem(
                    pointer_join(at, "schema"),
                    format!(
                        "parameter `{name}` takes the whole query string, whose media type \
                         `content` names (OpenAPI 3.2: it MUST use `content`, not `schema`)"
                    ),
                );
                return None;
            }
            openapiv3::ParameterSchemaOrContent::Schema(_) => {
                let pointer = pointer_join(at, "schema");
                let raw = self.doc.node(&pointer).cloned().unwrap_or(json!({}));
                (Some(pointer), schema::shape(&self.doc.raw, &raw))
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                let content_pointer = pointer_join(at, "content");
                let Some(media_type) = pick_media_type(content.keys()) else {
                    self.problem(
                        content_pointer,
                        format!("parameter `{name}` must declare one media type in `content`"),
                    );
                    return None;
                };
                let pointer = pointer_join(&pointer_join(&content_pointer, &media_type), "schema");
                if is_json(&media_type) {
                    (Some(pointer), Shape::JsonText)
                } else if location == Location::QueryString
                    && media_essence(&media_type) == "application/x-www-form-urlencoded"
                {
                    // The query string's pairs are the object's properties, as an
                    // exploded `form` object's are.
                    let raw = self.doc.node(&pointer).cloned().unwrap_or(json!({}));
                    match schema::shape(&self.doc.raw, &raw) {
                        shape @ Shape::Object(_) => (Some(pointer), shape),
                        _ => {
                            self.problem(
                                pointer,
                                format!(
                                    "parameter `{name}`: a query string of \
                                     `application/x-www-form-urlencoded` is pairs of names and \
                                     values, so its schema must be an object"
                                ),
                            );
                            return None;
                        }
                    }
                } else {
                    // Other media types have no decoder here: the handler gets the text.
                    (None, Shape::Scalar(Scalar::String))
                }
            }
        };
        let explode = data.explode.unwrap_or(style.is_form());
        if let Some(reason) = style_problem(location, style, explode, &shape) {
            let style_pointer = pointer_join(at, "style");
            let pointer = match self.doc.node(&style_pointer) {
                Some(_) => style_pointer,
                None => pointer_join(at, "schema"),
            };
            self.problem(pointer, format!("parameter `{name}`: {reason}"));
            return None;
        }
        let schema = match schema_pointer {
            Some(schema_pointer) => {
                let raw = self.doc.node(&schema_pointer).cloned().unwrap_or(json!({}));
                // Absence already maps to `None`; a nullable parameter would double the Option.
                let mut without_null = raw.clone();
                if let Some(map) = without_null.as_object_mut() {
                    map.remove("nullable");
                }
                schema::normalize_in(
                    &self.doc.raw,
                    &without_null,
                    &schema_pointer,
                    &mut self.problems,
                )
            }
            None => json!({"type": "string"}),
        };
        let extra = leftover(
            self.doc.node(at).unwrap_or(&Value::Null),
            &[
                "name",
                "in",
                "description",
                "required",
                "style",
                "explode",
                "schema",
                COOKIE_STYLE,
            ],
        );
        let written_schema = self.doc.node(&pointer_join(at, "schema")).cloned();
        Some(Parameter {
            pointer: at.to_string(),
            field: field_name(fields, &name, location_word(param)),
            name: name.clone(),
            location,
            required,
            description: data.description.clone(),
            schema: SchemaUse {
                schema,
                name_hint: format!("{type_base}{}", pascal(&name, "Param")),
            },
            shape,
            style,
            explode,
            declared: true,
            written_schema,
            extra,
        })
    }
}

/// The request struct's field for parameter `name`: its own name, or, when a parameter
/// elsewhere or the body has that, the name qualified by where it is read
/// (`query_body` beside the body).
fn field_name(fields: &mut Namespace, name: &str, location: &str) -> String {
    fields.claim_first(&[
        snake(name, "param"),
        snake(&format!("{location} {name}"), "param"),
    ])
}

pub(super) fn location_word(param: &openapiv3::Parameter) -> &'static str {
    match param {
        openapiv3::Parameter::Path { .. } => "path",
        openapiv3::Parameter::Query { .. } => "query",
        openapiv3::Parameter::Header { .. } => "header",
        openapiv3::Parameter::Cookie { .. } => "cookie",
    }
}

/// Why `style` cannot write a parameter of `shape`, if it cannot.
pub(super) fn style_problem(
    location: Location,
    style: Style,
    explode: bool,
    shape: &Shape,
) -> Option<String> {
    let object = match shape {
        Shape::Object(object) => object,
        // Stripe writes lists as `deepObject` (`expand[]=a`), and the runtime reads them.
        Shape::Array(_) if style == Style::DeepObject => return None,
        // A composition (Stripe's `created`: an integer or a `{gt, lt}` range) may be an
        // object or a list; the runtime reads `name=v`, `name[k]=v` and `name[]=v` for it.
        Shape::Scalar(Scalar::Json) if style == Style::DeepObject => return None,
        _ if style == Style::DeepObject && *shape != Shape::JsonText => {
            return Some("`deepObject` writes objects, and the schema is not an object".into())
        }
        _ => return None,
    };
    // A nested object takes a key per property: brackets below a `deepObject`'s name
    // (`name[inner][x]=1`), and in an exploded `form` query object, which OpenAPI leaves
    // undefined, brackets below the property as qs and Rails write it (`inner[x]=1`).
    let brackets =
        style == Style::DeepObject || (style == Style::Form && explode && location.is_query());
    for (property, field) in &object.properties {
        if matches!(field, Field::Object(_)) && !brackets {
            return Some(format!(
                "property `{property}` is an object, which only `deepObject` and exploded \
                 `form` query objects can write"
            ));
        }
    }
    // A query object without properties that admits other keys collects the query keys
    // no other parameter names (`Parameter::collects_rest`); a cookie has no such rest.
    let collects = location.is_query() && object.additional.is_some();
    if style.is_form() && explode && object.properties.is_empty() && !collects {
        return Some(
            "an exploded `form` object needs declared properties: its keys are its \
             properties' names, which cannot be told apart from other parameters otherwise"
                .into(),
        );
    }
    None
}
