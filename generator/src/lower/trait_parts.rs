//! A very big API's methods declared in several traits ([`TraitPart`]), each holding
//! the operations of some tags, all supertraits of the API trait.

use std::collections::HashMap;

use crate::ir::{Operation, TraitPart};
use crate::naming::{pascal, Namespace};

/// Above this many operations the methods are declared in parts: rustc's check of
/// one trait grows with the square of its methods (2,000 take 3.5 s, 8,000 take 62 s),
/// while GitHub's 1,000 operations take under a second.
pub const ONE_TRAIT_AT_MOST: usize = 2_000;

/// How many methods one part declares at most.
pub const PART_METHODS: usize = 1_000;

/// The parts of the API trait named `trait_name` for `operations`, their names claimed
/// in `types`; none when one trait declares them all.
///
/// Operations are grouped by their first tag, tags in the order they first appear, and
/// the groups fill parts of at most [`PART_METHODS`] methods; a tag starts a new part
/// when it does not fit the one being filled, and a tag bigger than a part is cut
/// where the parts end.
pub fn trait_parts(
    operations: &[Operation],
    trait_name: &str,
    types: &mut Namespace,
) -> Vec<TraitPart> {
    let tags: Vec<Option<&str>> = operations.iter().map(first_tag).collect();
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

/// An operation's first tag.
fn first_tag(op: &Operation) -> Option<&str> {
    op.extra
        .get("tags")
        .and_then(|tags| tags.as_array())
        .and_then(|tags| tags.first())
        .and_then(|tag| tag.as_str())
}

/// The operations of each part, by index, given each one's first tag: none when there
/// are at most `at_most` operations.
fn place(tags: &[Option<&str>], at_most: usize, per_part: usize) -> Vec<Vec<usize>> {
    if tags.len() <= at_most {
        return Vec::new();
    }
    let mut group_of: HashMap<Option<&str>, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, &tag) in tags.iter().enumerate() {
        let next = groups.len();
        let group = *group_of.entry(tag).or_insert(next);
        if group == next {
            groups.push(Vec::new());
        }
        groups[group].push(index);
    }
    let per_part = per_part.max(1);
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for members in groups {
        // A tag that fits a part of its own starts one when it does not fit this one;
        // a bigger tag is cut anyway, so it fills this part first.
        if !current.is_empty()
            && current.len() + members.len() > per_part
            && members.len() <= per_part
        {
            parts.push(std::mem::take(&mut current));
        }
        for index in members {
            if current.len() == per_part {
                parts.push(std::mem::take(&mut current));
            }
            current.push(index);
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
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
