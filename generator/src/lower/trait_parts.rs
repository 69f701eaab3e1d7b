//! A very big API's methods declared in several traits ([`TraitPart`]), each holding
//! the operations of some tags, all supertraits of the API trait.

use crate::ir::{Operation, TraitPart};
use crate::naming::{pascal, Namespace};
use crate::tag_parts;

/// Above this many operations the methods are declared in parts: rustc's check of
/// one trait grows with the square of its methods (2,000 take 3.5 s, 8,000 take 62 s),
/// while GitHub's 1,000 operations take under a second.
pub const ONE_TRAIT_AT_MOST: usize = 2_000;

/// How many methods one part declares at most.
pub const PART_METHODS: usize = 1_000;

/// The parts of the API trait named `trait_name` for `operations`, their names claimed
/// in `types`; none when one trait declares them all.
///
/// Operations are grouped by their first tag and fill parts of at most
/// [`PART_METHODS`] methods ([`tag_parts::fill`]).
pub fn trait_parts(
    operations: &[Operation],
    trait_name: &str,
    types: &mut Namespace,
) -> Vec<TraitPart> {
    let tags: Vec<Option<&str>> = operations.iter().map(Operation::first_tag).collect();
    place(&tags, ONE_TRAIT_AT_MOST, PART_METHODS)
        .into_iter()
        .map(|members| {
            let mut part_tags: Vec<String> = Vec::new();
            for &index in &members {
                if let Some(tag) = tags[index] {
                    if !part_tags.iter().any(|t| t == tag) {
                        part_tags.push(tag.to_string());
                    }
                }
            }
            let tag = part_tags.first().map_or("Untagged", String::as_str);
            TraitPart {
                name: types.claim(&format!("{trait_name}{}", pascal(tag, "Untagged"))),
                tags: part_tags,
                operations: members,
            }
        })
        .collect()
}

/// The operations of each part, by index, given each one's first tag: none when there
/// are at most `at_most` operations.
fn place(tags: &[Option<&str>], at_most: usize, per_part: usize) -> Vec<Vec<usize>> {
    if tags.len() <= at_most {
        return Vec::new();
    }
    tag_parts::fill(tags, |_| true, |_| 1, per_part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_fill_parts_in_order() {
        let tags = [Some("b"), Some("a"), Some("b"), None, Some("a"), Some("b")];
        assert!(place(&tags, 6, 2).is_empty());
        // b's three are cut at two; a's two do not fit beside b's last.
        assert_eq!(
            place(&tags, 5, 2),
            vec![vec![0, 2], vec![5], vec![1, 4], vec![3]]
        );
        assert_eq!(place(&tags, 5, 4), vec![vec![0, 2, 5], vec![1, 4, 3]]);
        // A tag bigger than a part fills the part being filled first.
        let tags = [Some("a"), Some("b"), Some("b"), Some("b"), Some("b")];
        assert_eq!(place(&tags, 1, 3), vec![vec![0, 1, 2], vec![3, 4]]);
    }
}
