//! `$ref`s: the one resolver every stage follows them with, and the pointers they name.
//!
//! A local reference is a URI fragment holding a JSON pointer. Chains are followed up to
//! [`MAX_REF_HOPS`] references, and a reference back to a node already on the chain is
//! a cycle, so no document can make a stage loop.

use std::collections::BTreeSet;

use serde_json::Value;

/// How many `$ref`s in a row are followed before a chain counts as too long.
pub(crate) const MAX_REF_HOPS: usize = 64;

/// Why a `$ref` chain stopped before a node that is no reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Broken {
    /// The `$ref` is not a string.
    NotAString,
    /// The reference names another document.
    External(String),
    /// The reference names no node of this document.
    Unresolved(String),
    /// The reference leads back to a node already on the chain.
    Cycle(String),
    /// More than [`MAX_REF_HOPS`] references in a row.
    TooLong,
}

/// Where a chain stopped: the node whose `$ref` could not be followed, at `at`.
#[derive(Debug, Clone)]
pub(crate) struct Stopped<'v> {
    /// The JSON pointer of the node holding the `$ref`.
    pub at: String,
    /// That node, the last one the chain reached.
    pub node: &'v Value,
    /// Why it stopped.
    pub why: Broken,
}

/// Follows `$ref`s from `node`, found at pointer `at` in `root`, to the node that
/// defines it; returns that node and its pointer.
pub(crate) fn resolve<'v>(
    root: &'v Value,
    at: &str,
    node: &'v Value,
) -> Result<(String, &'v Value), Stopped<'v>> {
    let mut at = at.to_string();
    let mut node = node;
    let mut seen = BTreeSet::new();
    for _ in 0..MAX_REF_HOPS {
        let Some(reference) = node.get("$ref") else {
            return Ok((at, node));
        };
        let stop = |at: String, why| Err(Stopped { at, node, why });
        let Some(target) = reference.as_str() else {
            return stop(at, Broken::NotAString);
        };
        let Some(local) = local_pointer(target) else {
            return stop(at, Broken::External(target.to_string()));
        };
        if !seen.insert(local.clone()) {
            return stop(at, Broken::Cycle(target.to_string()));
        }
        let Some(next) = root.pointer(&local) else {
            return stop(at, Broken::Unresolved(target.to_string()));
        };
        at = local;
        node = next;
    }
    Err(Stopped {
        at,
        node,
        why: Broken::TooLong,
    })
}

/// The node `$ref`s from `node` lead to, or the last one reached when the chain is
/// broken: for readers that take a dangling reference as written.
pub(crate) fn follow<'v>(root: &'v Value, node: &'v Value) -> &'v Value {
    match resolve(root, "", node) {
        Ok((_, node)) => node,
        Err(stopped) => stopped.node,
    }
}

/// The JSON pointer of a local reference, percent-decoded; `None` for another
/// document's. One decoder for the generator and the runtime.
pub(crate) use specfirst_model::refs::local_pointer;

/// `NAME` of a `#/components/schemas/NAME` reference, unescaped.
pub(crate) fn component_schema_name(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    if name.contains('/') {
        return None;
    }
    Some(crate::diagnostic::unescape_token(name))
}
