//! Where the nodes of the document the generator reads came from in the input.
//!
//! Loading may move nodes (a schema referenced from the middle of another moves into
//! `components/schemas`; a Swagger 2.0 `definitions` entry becomes a component). Every
//! diagnostic must still name the node as the user wrote it, so each move is recorded
//! and pointers are translated back before they are shown.

use crate::diagnostic::{Diagnostic, Diagnostics};

/// Moves from input pointers to pointers in the document as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    /// `(now, input)`: the subtree now at `now` was at `input`.
    moves: Vec<(String, String)>,
}

impl Origins {
    /// Records that the subtree now at `now` was written at `input`.
    pub fn record(&mut self, now: impl Into<String>, input: impl Into<String>) {
        self.moves.push((now.into(), input.into()));
    }

    /// Whether nothing moved.
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// The input pointer of the node now at `pointer`: the longest recorded move that
    /// contains it (whole reference tokens only), applied again until no move applies,
    /// since a moved node may have been moved from inside another moved one.
    pub fn input_pointer(&self, pointer: &str) -> String {
        let mut current = pointer.to_string();
        // Each step strictly follows a recorded move; the bound only guards against a
        // cyclic record, which loading never writes.
        for _ in 0..=self.moves.len() {
            let best = self
                .moves
                .iter()
                .filter(|(now, _)| {
                    current == *now
                        || (current.starts_with(now.as_str())
                            && current.as_bytes().get(now.len()) == Some(&b'/'))
                })
                .max_by_key(|(now, _)| now.len());
            match best {
                Some((now, input)) => current = format!("{input}{}", &current[now.len()..]),
                None => break,
            }
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
    fn moves_out_of_moved_nodes_chain() {
        let mut origins = Origins::default();
        origins.record(
            "/components/schemas/Inner",
            "/components/schemas/Outer/properties/inner",
        );
        origins.record("/components/schemas/Outer", "/definitions/Outer");
        assert_eq!(
            origins.input_pointer("/components/schemas/Inner/type"),
            "/definitions/Outer/properties/inner/type"
        );
    }
}
