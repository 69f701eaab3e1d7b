//! Operations cut into parts by tag: the API trait's parts
//! ([`crate::ir::TraitPart`]) and the operations crates are both filled this way.

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
    let capacity = capacity.max(1);
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut filled = 0;
    for group in groups {
        let group_weight: usize = group.iter().map(|&i| weight(i)).sum();
        if !current.is_empty() && filled + group_weight > capacity && group_weight <= capacity {
            parts.push(std::mem::take(&mut current));
            filled = 0;
        }
        for index in group {
            let w = weight(index);
            if !current.is_empty() && filled + w > capacity {
                parts.push(std::mem::take(&mut current));
                filled = 0;
            }
            current.push(index);
            filled += w;
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}
