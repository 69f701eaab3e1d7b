//! Operations cut into parts by tag: the API trait's parts
//! ([`crate::ir::TraitPart`]) and the operations crates are filled by tag ([`fill`]);
//! a split API crate's operation files are a part per tag ([`per_tag`]).

use std::collections::HashMap;

/// The operations (by index) that `include` keeps, grouped by their first tag (`tags`,
/// one per operation; untagged ones a group of their own), tags in the order they first
/// appear, filling parts of at most `capacity` by `weight`: a tag starts a new part
/// when it does not fit the one being filled but fits a part of its own; a bigger tag
/// fills the part being filled and is cut where parts end.
pub fn fill(
    tags: &[Option<&str>],
    include: impl Fn(usize) -> bool,
    weight: impl Fn(usize) -> usize,
    capacity: usize,
) -> Vec<Vec<usize>> {
    let mut parts = Parts::new(capacity);
    for group in by_first_tag(tags, include) {
        let group_weight: usize = group.iter().map(|&i| weight(i)).sum();
        if parts.filled + group_weight > parts.capacity && group_weight <= parts.capacity {
            parts.close();
        }
        for index in group {
            parts.add(index, weight(index));
        }
    }
    parts.finish()
}

/// The operations (by index) that `include` keeps, one part per first tag (`tags`;
/// untagged ones a part of their own), tags in the order they first appear, a tag cut
/// into parts of at most `capacity` by `weight` where it is bigger (an operation
/// heavier than that alone in its part).
pub fn per_tag(
    tags: &[Option<&str>],
    include: impl Fn(usize) -> bool,
    weight: impl Fn(usize) -> usize,
    capacity: usize,
) -> Vec<Vec<usize>> {
    let mut parts = Parts::new(capacity);
    for group in by_first_tag(tags, include) {
        for index in group {
            parts.add(index, weight(index));
        }
        parts.close();
    }
    parts.finish()
}

/// Parts being filled: operations go into the current part until the next would take
/// it over capacity (one heavier than that is alone in its part).
struct Parts {
    done: Vec<Vec<usize>>,
    current: Vec<usize>,
    filled: usize,
    capacity: usize,
}

impl Parts {
    fn new(capacity: usize) -> Self {
        Self {
            done: Vec::new(),
            current: Vec::new(),
            filled: 0,
            capacity: capacity.max(1),
        }
    }

    /// Adds operation `index` of `weight`, starting a new part when it does not fit.
    fn add(&mut self, index: usize, weight: usize) {
        if self.filled + weight > self.capacity {
            self.close();
        }
        self.current.push(index);
        self.filled += weight;
    }

    /// Ends the current part, when it has anything.
    fn close(&mut self) {
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        self.filled = 0;
    }

    fn finish(mut self) -> Vec<Vec<usize>> {
        self.close();
        self.done
    }
}

/// The operations `include` keeps grouped by first tag, in the order tags first appear.
fn by_first_tag(tags: &[Option<&str>], include: impl Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let mut group_of: HashMap<Option<&str>, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (index, &tag) in tags.iter().enumerate() {
        if !include(index) {
            continue;
        }
        let next = groups.len();
        let group = *group_of.entry(tag).or_insert(next);
        if group == next {
            groups.push(Vec::new());
        }
        groups[group].push(index);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tag_is_a_part_of_its_own_cut_where_it_is_too_big() {
        let tags = [Some("a"), Some("b"), Some("a"), None, Some("a"), Some("b")];
        // Weights 1 each; a part holds 2 at most.
        assert_eq!(
            per_tag(&tags, |_| true, |_| 1, 2),
            [vec![0, 2], vec![4], vec![1, 5], vec![3]]
        );
        // Left out operations are in no part; a heavy one is alone in its part.
        assert_eq!(
            per_tag(&tags, |i| i != 2, |i| if i == 4 { 5 } else { 1 }, 2),
            [vec![0], vec![4], vec![1, 5], vec![3]]
        );
    }

    #[test]
    fn small_tags_share_a_part() {
        let tags = [Some("a"), Some("b"), Some("c"), Some("a")];
        assert_eq!(fill(&tags, |_| true, |_| 1, 3), [vec![0, 3, 1], vec![2]]);
    }
}
