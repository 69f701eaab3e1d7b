//! Security requirements: a change breaks callers when credentials that used to
//! suffice for an operation no longer do.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{ChangeKind, Differ, Node, Side};

/// A security requirement: scheme names and the scopes each needs.
type Requirement = BTreeMap<String, BTreeSet<String>>;

impl<'a> Differ<'a> {
    /// The requirements that apply to an operation and where they are written. No
    /// security at all is one empty requirement: anyone may call.
    fn requirements(&self, side: Side, op: &Node<'a>) -> (Vec<Requirement>, String) {
        let node = op
            .child("security")
            .or_else(|| self.root(side).child("security"));
        let Some(node) = node else {
            return (vec![Requirement::new()], op.pointer.clone());
        };
        let mut out: Vec<Requirement> = node
            .items()
            .iter()
            .filter_map(|requirement| {
                let map = requirement.object()?;
                Some(
                    map.iter()
                        .map(|(scheme, scopes)| {
                            let scopes = scopes
                                .as_array()
                                .map(|s| {
                                    s.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (scheme.clone(), scopes)
                        })
                        .collect(),
                )
            })
            .collect();
        if out.is_empty() {
            out.push(Requirement::new());
        }
        (out, node.pointer)
    }

    /// Compares the requirements in force for an operation both documents have.
    pub(super) fn security(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let (old, _) = self.requirements(Side::Old, old_op);
        let (new, at) = self.requirements(Side::New, new_op);
        // A caller who met old requirement `r` can still call when some new
        // requirement asks for a subset of what `r` gave.
        let suffices = |given: &Requirement, asked: &Requirement| {
            asked.iter().all(|(scheme, scopes)| {
                given
                    .get(scheme)
                    .is_some_and(|granted| scopes.is_subset(granted))
            })
        };
        let stranded: Vec<&Requirement> = old
            .iter()
            .filter(|given| !new.iter().any(|asked| suffices(given, asked)))
            .collect();
        if !stranded.is_empty() {
            let who = stranded
                .iter()
                .map(|r| describe_requirement(r))
                .collect::<Vec<_>>()
                .join(" or ");
            self.push(
                Side::New,
                &at,
                ChangeKind::SecurityRequirementAdded,
                true,
                format!(
                    "{label} now requires {}; callers with {who} no longer qualify",
                    new.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        } else if old.iter().collect::<BTreeSet<_>>() != new.iter().collect::<BTreeSet<_>>() {
            self.push(
                Side::New,
                &at,
                ChangeKind::SecurityRequirementRemoved,
                false,
                format!(
                    "{label} security relaxed from {} to {}",
                    old.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or "),
                    new.iter()
                        .map(describe_requirement)
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
            );
        }
    }
}

/// A requirement as the messages name it.
fn describe_requirement(requirement: &Requirement) -> String {
    if requirement.is_empty() {
        return "no credentials".into();
    }
    requirement
        .iter()
        .map(|(scheme, scopes)| {
            if scopes.is_empty() {
                format!("`{scheme}`")
            } else {
                format!(
                    "`{scheme}` [{}]",
                    scopes.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}
