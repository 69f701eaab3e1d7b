//! The names of an operation's trait method and its request and response types.

use crate::naming::{pascal, snake};

use super::Lower;

impl<'a> Lower<'a> {
    /// The trait method's name and the base of the operation's type names
    /// (`{base}Request`, `{base}Response`).
    ///
    /// Both come from the operationId. Two operationIds can be one name in Rust
    /// (`get-item` and `getItem`), so a later operation whose name is taken is named
    /// from its place instead: the operationId with the last literal segment of its path
    /// (`get_item_children` for `GET /items/{name}/children`), else its method and
    /// whole path (`get_items_name_children`). Only when those are taken too does a
    /// number tell them apart.
    pub(super) fn operation_names(
        &mut self,
        operation_id: &str,
        method: &str,
        path: &str,
    ) -> (String, String) {
        let mut wanted = vec![operation_id.to_string()];
        let last_literal = path
            .split('/')
            .rev()
            .find(|segment| !segment.is_empty() && !segment.contains('{'));
        if let Some(segment) = last_literal {
            let with_place = snake(&format!("{operation_id} {segment}"), "operation");
            if !snake(operation_id, "operation").ends_with(&snake(segment, "operation")) {
                wanted.push(with_place);
            }
        }
        wanted.push(format!("{method} {path}"));

        // A name a setting gives was claimed before the walk, so no operation takes it.
        let set = self.settings.method_names.get(operation_id).cloned();
        let methods: Vec<String> = wanted.iter().map(|w| snake(w, "operation")).collect();
        let types: Vec<String> = wanted
            .iter()
            .map(|w| pascal(w, "Operation").trim_end_matches('_').to_string())
            .collect();
        let free = (0..wanted.len()).find(|&i| {
            (set.is_some() || self.methods.is_free(&methods[i])) && self.types.is_free(&types[i])
        });
        // Numbered after the operationId when every place name is taken.
        let i = free.unwrap_or(0);
        let method_name = match set {
            Some(name) => name,
            None => self.methods.claim(&methods[i]),
        };
        (method_name, self.types.claim(&types[i]))
    }
}
