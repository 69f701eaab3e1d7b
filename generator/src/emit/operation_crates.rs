//! The operations' request and response types of a very big API cut into crates.
//!
//! With the types in model crates ([`super::models`]), what is left of a big API crate
//! is mostly its operations: Microsoft Graph's 22,000 operations leave 120 MB of Rust,
//! more than one rustc checks on a 24 GiB machine. Each operation's request struct,
//! body types and response enum (with its `IntoResponse`) name only model types and
//! the runtime, so they move to crates of their own, `operations-1`, `operations-2`,
//! ..., each depending on the model crates; the API crate re-exports them, so every
//! path stays as it was, and keeps the trait, the router and the decoders, which name
//! the trait. Operations are grouped by their first tag, a tag's operations kept
//! together while they fit a part, so a part is one area of the API.
//!
//! An operation whose types name a type that stays in the API crate (a page type the
//! API crate converts to, [`super::models::Split::kept`]) stays with it.

use std::collections::BTreeSet;

use crate::format;
use crate::ir::Api;
use crate::tag_parts;

/// How the operations' types may be cut into crates.
#[derive(Debug, Clone, Copy)]
pub struct OperationCrates<'a> {
    /// The crates' names as Rust spells them, without the part's number
    /// (`graph_api_operations_`).
    pub prefix: &'a str,
    /// About how many bytes of Rust one crate holds.
    pub part_bytes: usize,
    /// Cut only when the operations' types are more than this many bytes.
    pub above: usize,
    /// The types that stay in the API crate's `types` module.
    pub kept_types: &'a BTreeSet<String>,
}

/// Which operations (by index) go to each crate, in order, given each one's formatted
/// items (`texts`) and first tag (`tags`), filled by tag ([`crate::tag_parts::fill`]);
/// `None` when the operations stay in the API crate.
pub fn place(
    tags: &[Option<&str>],
    texts: &[String],
    at: &OperationCrates<'_>,
) -> Option<Vec<Vec<usize>>> {
    let total: usize = texts.iter().map(String::len).sum();
    if total <= at.above {
        return None;
    }
    let parts = tag_parts::fill(
        tags,
        |index| !names_kept(&texts[index], at.kept_types),
        |index| texts[index].len(),
        at.part_bytes,
    );
    (!parts.is_empty()).then_some(parts)
}

/// The items of the crate holding `operations`, joined in their order. Links to the API
/// trait's methods become plain code: the trait is in the API crate, which this crate
/// cannot name.
pub fn part_items(api: &Api, texts: &[String], operations: &[usize]) -> String {
    let len = operations.iter().map(|&i| texts[i].len()).sum();
    let mut joined = format::Joined::with_capacity(len);
    for &index in operations {
        let op = &api.operations[index];
        joined.push(&unlinked(&texts[index], super::method_trait(api, op)));
    }
    joined.text
}

/// The API crate's items re-exporting each of `count` crates named `prefix` and a
/// number.
pub fn re_exports(prefix: &str, count: usize) -> String {
    (1..=count)
        .map(|k| format!("pub use ::{prefix}{k}::*;\n"))
        .collect()
}

/// Whether `text` names one of `kept` as `types::Name`.
fn names_kept(text: &str, kept: &BTreeSet<String>) -> bool {
    if kept.is_empty() {
        return false;
    }
    text.match_indices("types::").any(|(at, found)| {
        let rest = &text[at + found.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        kept.contains(&rest[..end])
    })
}

/// `text` with each intra-doc link to a method of `trait_name` (``[`Api::method`]``)
/// written as plain code (`` `Api::method` ``).
fn unlinked(text: &str, trait_name: &str) -> String {
    let open = format!("[`{trait_name}::");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + 1..];
        // The link's end on the same line; a link this code did not write stays.
        let line_end = after.find('\n').unwrap_or(after.len());
        let Some(end) = after[..line_end].find("`]") else {
            out.push_str(&rest[..at + open.len()]);
            rest = &rest[at + open.len()..];
            continue;
        };
        out.push_str(&rest[..at]);
        out.push_str(&after[..end + 1]);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crates(part_bytes: usize, above: usize, kept: &BTreeSet<String>) -> OperationCrates<'_> {
        OperationCrates {
            prefix: "api_operations_",
            part_bytes,
            above,
            kept_types: kept,
        }
    }

    #[test]
    fn a_tag_stays_together_while_it_fits() {
        let kept = BTreeSet::new();
        let texts: Vec<String> = [10, 10, 10, 10, 10].map(|n| "x".repeat(n)).into();
        let tags = [Some("a"), Some("b"), Some("a"), None, Some("b")];
        // Each tag's 20 bytes fit a part of 25, two tags do not.
        let placed = place(&tags, &texts, &crates(25, 0, &kept));
        assert_eq!(placed, Some(vec![vec![0, 2], vec![1, 4], vec![3]]));
        // Two tags fit a part of 40; the untagged group starts the next.
        let placed = place(&tags, &texts, &crates(40, 0, &kept));
        assert_eq!(placed, Some(vec![vec![0, 2, 1, 4], vec![3]]));
        // A tag bigger than a part is cut, after filling the part being filled.
        let placed = place(&tags, &texts, &crates(15, 0, &kept));
        assert_eq!(
            placed,
            Some(vec![vec![0], vec![2], vec![1], vec![4], vec![3]])
        );
        let tags = [Some("a"), Some("b"), Some("b"), Some("b")];
        let placed = place(&tags, &texts[..4], &crates(25, 0, &kept));
        assert_eq!(placed, Some(vec![vec![0, 1], vec![2, 3]]));
    }

    #[test]
    fn small_operations_and_kept_types_stay() {
        let kept: BTreeSet<String> = ["Page".to_string()].into();
        let texts: Vec<String> = vec!["body: types::Page".into(), "body: types::Book".into()];
        let tags = [None, None];
        assert_eq!(place(&tags, &texts, &crates(100, 100, &kept)), None);
        assert_eq!(
            place(&tags, &texts, &crates(100, 0, &kept)),
            Some(vec![vec![1]])
        );
        let texts = vec!["body: types::Page".to_string()];
        assert_eq!(place(&[None], &texts, &crates(100, 0, &kept)), None);
    }

    #[test]
    fn links_to_the_trait_become_code() {
        let text = "/// The input of [`ShelfApi::get_book`]: `GET /books`.\n/// See [`Other`].\n";
        assert_eq!(
            unlinked(text, "ShelfApi"),
            "/// The input of `ShelfApi::get_book`: `GET /books`.\n/// See [`Other`].\n"
        );
        let unclosed = "/// [`ShelfApi::get_book\n/// next`]\n";
        assert_eq!(unlinked(unclosed, "ShelfApi"), unclosed);
    }

    #[test]
    fn kept_types_are_found_by_whole_name() {
        let kept: BTreeSet<String> = ["BookPage".to_string()].into();
        assert!(names_kept("body: types::BookPage,", &kept));
        assert!(!names_kept("body: types::BookPageItem,", &kept));
        assert!(!names_kept("body: types::Book,", &kept));
    }
}
