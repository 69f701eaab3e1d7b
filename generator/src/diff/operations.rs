//! Paths and the operations on them: which were added or removed, and for the ones
//! both documents have, the walk into their parameters, bodies, responses and security.

use super::{ChangeKind, Differ, Node, Side};
use crate::keywords::METHODS;
use specfirst_model::vocabulary::ADDITIONAL_OPERATIONS;

/// A path template with its parameter names blanked: `/books/{id}` and
/// `/books/{bookId}` are the same route to a client.
fn route_key(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_name = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_name = true;
                out.push_str("{}");
            }
            '}' if in_name => in_name = false,
            _ if in_name => {}
            _ => out.push(c),
        }
    }
    out
}

impl<'a> Differ<'a> {
    /// Path items by route key, each resolved (a path item may be a `$ref`).
    fn path_items(&self, side: Side) -> Vec<(String, String, Node<'a>)> {
        let Some(paths) = self.root(side).child("paths") else {
            return Vec::new();
        };
        paths
            .entries()
            .into_iter()
            .filter_map(|(path, node)| {
                let item = self.resolve(side, node)?;
                Some((route_key(&path), path, item))
            })
            .collect()
    }

    /// Compares the paths of the two documents, and what is on the routes both have.
    pub(super) fn paths(&mut self) {
        let old = self.path_items(Side::Old);
        let new = self.path_items(Side::New);
        for (key, path, old_item) in &old {
            if !new.iter().any(|(k, _, _)| k == key) {
                self.push(
                    Side::Old,
                    &old_item.pointer,
                    ChangeKind::PathRemoved,
                    true,
                    format!("path `{path}` removed"),
                );
            }
        }
        for (key, path, new_item) in &new {
            match old.iter().find(|(k, _, _)| k == key) {
                None => self.push(
                    Side::New,
                    &new_item.pointer,
                    ChangeKind::PathAdded,
                    false,
                    format!("path `{path}` added"),
                ),
                Some((_, old_path, old_item)) => {
                    self.path_item(old_path, old_item, path, new_item);
                }
            }
        }
    }

    /// Compares the operations of a route both documents have.
    fn path_item(&mut self, old_path: &str, old: &Node<'a>, new_path: &str, new: &Node<'a>) {
        // Each method with a field, then OpenAPI 3.2's others of either side.
        let mut methods: Vec<(String, bool)> = METHODS
            .iter()
            .map(|method| (method.to_string(), false))
            .collect();
        for side in [old, new] {
            let additional = side.child(ADDITIONAL_OPERATIONS);
            for (method, _) in additional.map(|a| a.entries()).unwrap_or_default() {
                if !methods.iter().any(|(m, extra)| *extra && *m == method) {
                    methods.push((method, true));
                }
            }
        }
        for (method, additional) in methods {
            let method = method.as_str();
            let child = |side: &Node<'a>| match additional {
                true => side.child(ADDITIONAL_OPERATIONS)?.child(method),
                false => side.child(method),
            };
            let label = format!("{} {new_path}", method.to_uppercase());
            match (child(old), child(new)) {
                (Some(old_op), None) => self.push(
                    Side::Old,
                    &old_op.pointer,
                    ChangeKind::OperationRemoved,
                    true,
                    format!("operation {} {old_path} removed", method.to_uppercase()),
                ),
                (None, Some(new_op)) => self.push(
                    Side::New,
                    &new_op.pointer,
                    ChangeKind::OperationAdded,
                    false,
                    format!("operation {label} added"),
                ),
                (Some(old_op), Some(new_op)) => {
                    let old_op = Operation {
                        path: old_path,
                        item: old,
                        node: old_op,
                    };
                    let new_op = Operation {
                        path: new_path,
                        item: new,
                        node: new_op,
                    };
                    self.parameters(&label, &old_op, &new_op);
                    self.request_body(&label, &old_op.node, &new_op.node);
                    self.responses(&label, &old_op.node, &new_op.node);
                    self.security(&label, &old_op.node, &new_op.node);
                }
                (None, None) => {}
            }
        }
    }
}

/// One operation with what it inherits from its path item.
pub(super) struct Operation<'a, 'b> {
    /// The path template, as written on this side.
    pub(super) path: &'b str,
    /// The path item, whose parameters the operation inherits.
    pub(super) item: &'b Node<'a>,
    /// The operation object itself.
    pub(super) node: Node<'a>,
}
