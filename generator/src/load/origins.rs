//! Where the nodes of the document the generator reads came from in the input.
//!
//! Loading may move nodes (a schema referenced from the middle of another moves into
//! `components/schemas`; a Swagger 2.0 `definitions` entry becomes a component). Every
//! diagnostic must still name the node as the user wrote it, so each move is recorded
//! and pointers are translated back before they are shown.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Diagnostics};

/// `pointer` through the longest move of `stage` containing it.
fn step(stage: &BTreeMap<String, String>, pointer: &str) -> String {
    let mut prefix = pointer;
    loop {
        if let Some(before) = stage.get(prefix) {
            return format!("{before}{}", &pointer[prefix.len()..]);
        }
        // Escaped tokens never contain `/`, so cutting at the last one cuts at a token
        // boundary.
        match prefix.rfind('/') {
            Some(cut) => prefix = &prefix[..cut],
            None => return pointer.to_string(),
        }
    }
}

/// Moves from input pointers to pointers in the document as read, in stages: each stage
/// (a conversion, a hoisting pass) records where its output nodes were in its input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    /// Per stage, in the order they ran: node now at key was at value before the stage.
    stages: Vec<BTreeMap<String, String>>,
}

impl Origins {
    /// Starts a new stage: later records translate into the pointers of the document
    /// as it was when this is called.
    pub fn next_stage(&mut self) {
        self.stages.push(BTreeMap::new());
    }

    /// Records that the subtree now at `now` was at `before` when the stage began.
    pub fn record(&mut self, now: impl Into<String>, before: impl Into<String>) {
        if self.stages.is_empty() {
            self.next_stage();
        }
        if let Some(stage) = self.stages.last_mut() {
            stage.insert(now.into(), before.into());
        }
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.stages.iter().all(BTreeMap::is_empty)
    }

    /// The input pointer of the node now at `pointer`: each stage, latest first, maps it
    /// through its longest recorded move that contains it (whole reference tokens only).
    pub fn input_pointer(&self, pointer: &str) -> String {
        let mut current = pointer.to_string();
        for stage in self.stages.iter().rev() {
            current = step(stage, &current);
        }
        current
    }

    /// `items` for `file`, each pointer translated back to the input.
    pub fn diagnostics(
        &self,
        file: impl Into<std::path::PathBuf>,
        items: Vec<Diagnostic>,
    ) -> Diagnostics {
        let items = items
            .into_iter()
            .map(|item| Diagnostic {
                pointer: self.input_pointer(&item.pointer),
                ..item
            })
            .collect();
        Diagnostics::new(file, items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_follow_moves_back() {
        let mut origins = Origins::default();
        origins.record(
            "/components/schemas/AccountType",
            "/components/schemas/Account/definitions/type",
        );
        origins.record("/components/schemas/Pet", "/definitions/Pet");
        assert_eq!(
            origins.input_pointer("/components/schemas/AccountType/enum/0"),
            "/components/schemas/Account/definitions/type/enum/0"
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/Pet"),
            "/definitions/Pet"
        );
        // A token that only starts the same is another node.
        assert_eq!(
            origins.input_pointer("/components/schemas/PetList"),
            "/components/schemas/PetList"
        );
        assert_eq!(origins.input_pointer("/paths"), "/paths");
    }

    #[test]
    fn stages_apply_latest_first_once_each() {
        let mut origins = Origins::default();
        // A conversion moved definitions and shifted a parameter list...
        origins.record("/components/schemas/Outer", "/definitions/Outer");
        origins.record("/paths/~1a/get/parameters/0", "/paths/~1a/get/parameters/1");
        origins.record("/paths/~1a/get/parameters/1", "/paths/~1a/get/parameters/2");
        // ...then hoisting moved a property out of a converted schema.
        origins.next_stage();
        origins.record(
            "/components/schemas/Inner",
            "/components/schemas/Outer/properties/inner",
        );
        assert_eq!(
            origins.input_pointer("/components/schemas/Inner/type"),
            "/definitions/Outer/properties/inner/type"
        );
        assert_eq!(
            origins.input_pointer("/paths/~1a/get/parameters/0/name"),
            "/paths/~1a/get/parameters/1/name"
        );
    }
}
