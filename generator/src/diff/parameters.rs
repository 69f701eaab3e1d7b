//! Parameters, the path item's merged into each operation's and matched by where
//! they are sent (path parameters by position): additions, removals, whether they
//! are required, their style and their schemas.

use serde_json::Value;

use super::operations::Operation;
use super::{ChangeKind, Differ, Direction, Node, Side};

/// The names of a path template's parameters, in order.
fn path_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// A parameter as the wire sees it: located, and for path parameters, by position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ParamKey {
    location: String,
    name: String,
}

/// A parameter in effect for an operation.
struct Param<'a> {
    /// Where the operation lists it, for additions and removals.
    listed: String,
    /// The parameter object itself, after `$ref`s.
    node: Node<'a>,
    name: String,
    required: bool,
}

impl<'a> Differ<'a> {
    /// The operation's parameters with the path item's merged in (the operation's
    /// own win, as OpenAPI says).
    fn effective_parameters(
        &self,
        side: Side,
        op: &Operation<'a, '_>,
    ) -> Vec<(ParamKey, Param<'a>)> {
        let variables = path_variables(op.path);
        let mut out: Vec<(ParamKey, Param<'a>)> = Vec::new();
        for list in [op.item.child("parameters"), op.node.child("parameters")]
            .into_iter()
            .flatten()
        {
            for listed in list.items() {
                let pointer = listed.pointer.clone();
                let Some(node) = self.resolve(side, listed) else {
                    continue;
                };
                let name = node
                    .value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let location = node
                    .value
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let key_name = match variables.iter().position(|v| *v == name) {
                    Some(position) if location == "path" => format!("#{position}"),
                    _ if location == "header" => name.to_ascii_lowercase(),
                    _ => name.clone(),
                };
                let key = ParamKey {
                    location: location.clone(),
                    name: key_name,
                };
                let required = location == "path"
                    || node.value.get("required").and_then(Value::as_bool) == Some(true);
                let param = Param {
                    listed: pointer,
                    node,
                    name,
                    required,
                };
                match out.iter_mut().find(|(k, _)| *k == key) {
                    Some(slot) => slot.1 = param,
                    None => out.push((key, param)),
                }
            }
        }
        out
    }

    /// Compares the parameters in effect for an operation both documents have.
    pub(super) fn parameters(
        &mut self,
        label: &str,
        old_op: &Operation<'a, '_>,
        new_op: &Operation<'a, '_>,
    ) {
        let old = self.effective_parameters(Side::Old, old_op);
        let new = self.effective_parameters(Side::New, new_op);
        for (key, param) in &old {
            if !new.iter().any(|(k, _)| k == key) {
                self.push(
                    Side::Old,
                    &param.listed,
                    ChangeKind::ParameterRemoved,
                    false,
                    format!(
                        "{} parameter `{}` removed from {label}; the server ignores it when sent",
                        key.location, param.name
                    ),
                );
            }
        }
        for (key, new_param) in &new {
            let Some((_, old_param)) = old.iter().find(|(k, _)| k == key) else {
                let (kind, breaking, what) = if new_param.required {
                    (ChangeKind::RequiredParameterAdded, true, "required")
                } else {
                    (ChangeKind::OptionalParameterAdded, false, "optional")
                };
                self.push(
                    Side::New,
                    &new_param.listed,
                    kind,
                    breaking,
                    format!(
                        "{what} {} parameter `{}` added to {label}",
                        key.location, new_param.name
                    ),
                );
                continue;
            };
            let at = new_param.node.pointer.clone();
            let what = format!("{} parameter `{}`", key.location, new_param.name);
            match (old_param.required, new_param.required) {
                (false, true) => self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterMadeRequired,
                    true,
                    format!("{what} is now required"),
                ),
                (true, false) => self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterMadeOptional,
                    false,
                    format!("{what} is now optional"),
                ),
                _ => {}
            }
            let style = |param: &Param<'_>| {
                let default_style = match key.location.as_str() {
                    "query" | "cookie" => "form",
                    _ => "simple",
                };
                let style = param
                    .node
                    .value
                    .get("style")
                    .and_then(Value::as_str)
                    .unwrap_or(default_style)
                    .to_string();
                let explode = param
                    .node
                    .value
                    .get("explode")
                    .and_then(Value::as_bool)
                    .unwrap_or(style == "form");
                (style, explode)
            };
            let (old_style, new_style) = (style(old_param), style(new_param));
            if old_style != new_style {
                self.push(
                    Side::New,
                    &at,
                    ChangeKind::ParameterStyleChanged,
                    true,
                    format!(
                        "{what} changed from style {} (explode {}) to style {} (explode {})",
                        old_style.0, old_style.1, new_style.0, new_style.1
                    ),
                );
            }
            let schema = |param: &Param<'a>| {
                param.node.child("schema").or_else(|| {
                    let content = param.node.child("content")?;
                    content.entries().into_iter().next()?.1.child("schema")
                })
            };
            if let (Some(old_schema), Some(new_schema)) = (schema(old_param), schema(new_param)) {
                self.schema(old_schema, new_schema, Direction::Request);
            }
        }
    }
}
