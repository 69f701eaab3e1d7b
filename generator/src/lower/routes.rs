//! Routes: path templates to axum routes, and operations that share a route told apart.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::ir::{
    path_conditions, Location, Operation, Parameter, RouteChoice, SegmentClass, SegmentGap,
};
use crate::load::refs::{self};
use crate::naming::pascal;

use super::Lower;

impl<'a> Lower<'a> {
    /// The axum route for `path`, each template parameter with where it is read from,
    /// and the literal pieces of segments that mix text and parameters.
    pub(super) fn route(&mut self, path: &str, pointer: &str) -> Route {
        let mut route = Route::default();
        if !path.starts_with('/') {
            self.problem(pointer, format!("path `{path}` must start with `/`"));
            route.axum.push('/');
            return route;
        }
        let mut segment_count = 0;
        // A fragment is never sent; AWS uses one to name operations that share a path.
        let path = match path_conditions(path) {
            Some(conditions) => &path[..path.len() - conditions.len() - 1],
            None => {
                if path.contains('#') {
                    self.warnings.push(Diagnostic::new(
                        pointer,
                        format!(
                            "path `{path}` goes on after `#` with more path, not with \
                             conditions (`name` or `name=value`, as AWS writes them): the `#` \
                             is read as a character of the path, which requests send as `%23` \
                             (a URL that keeps it as written ends the path there: what \
                             follows is a fragment, never sent)"
                        ),
                    ));
                }
                path
            }
        };
        for segment in path.split('/').skip(1) {
            route.axum.push('/');
            if !segment.contains(['{', '}']) {
                // The route matches the path as sent, percent-encoded.
                route.axum.push_str(&segment.replace('#', "%23"));
                continue;
            }
            let Some((literals, names)) = split_segment(segment) else {
                self.problem(
                    pointer,
                    format!("path segment `{segment}` has unbalanced or nested braces"),
                );
                continue;
            };
            let index = segment_count;
            segment_count += 1;
            route.axum.push_str(&format!("{{p{index}}}"));
            if names.len() == 1 && literals.iter().all(String::is_empty) {
                route.params.push((names[0].clone(), Location::Path(index)));
            } else {
                for (position, name) in names.into_iter().enumerate() {
                    route.params.push((
                        name,
                        Location::PathPart {
                            segment: index,
                            position,
                        },
                    ));
                }
                route.literals.insert(index, literals);
            }
        }
        // A name given twice (Azure's `.../System.{location}/.../{location}/...`) is one
        // parameter, which has one value: it is read where it first appears.
        let mut seen = BTreeSet::new();
        let mut repeated = BTreeSet::new();
        route.params.retain(|(name, _)| {
            seen.insert(name.clone()) || {
                repeated.insert(format!("`{name}`"));
                false
            }
        });
        if !repeated.is_empty() {
            let names: Vec<String> = repeated.into_iter().collect();
            self.warnings.push(Diagnostic::new(
                pointer,
                format!(
                    "path `{path}` names {} more than once; a parameter is read where it \
                     first appears, and its other segments match any value",
                    names.join(", ")
                ),
            ));
        }
        route
    }

    /// Two operations on one route and method would make axum panic at start-up.
    /// Operations on one route and method are told apart by their required query
    /// parameters and the conditions after `#` in their paths (AWS writes
    /// `/#X-Amz-Target=Service.Operation`); two with the same ones would receive the same
    /// requests, unless what a path parameter accepts tells them apart: an `enum`
    /// (`/cards/{filter}` beside `/cards/{idCard}`), an integer (The Noun Project's
    /// `/icon/{id}` beside `/icon/{term}`) or a UUID (Xero's `/Attachments/{AttachmentID}`
    /// beside `/Attachments/{FileName}`).
    ///
    /// Operations that nothing tells apart are still served, when `choose` (the API's
    /// operations; webhooks are named apart): a method of the trait picks one for each
    /// request ([`RouteChoice`]), and a warning names them. Otherwise they are a problem.
    pub(super) fn check_routes(
        &mut self,
        operations: &mut [Operation],
        choose: bool,
    ) -> Vec<RouteChoice> {
        let mut groups: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (index, op) in operations.iter().enumerate() {
            let key = (
                op.route.clone(),
                op.method.clone(),
                op.discriminators(),
                op.segment_literals.clone(),
            );
            groups.entry(key).or_default().push(index);
        }
        let mut choices = Vec::new();
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let classes: Vec<_> = members
                .iter()
                .map(|&i| self.segment_classes(&operations[i]))
                .collect();
            if let Some(classes) = told_apart_by_value(&classes) {
                for (&i, classes) in members.iter().zip(classes) {
                    operations[i].segment_classes = classes;
                }
                continue;
            }
            if !choose {
                for &i in &members[1..] {
                    let op = &operations[i];
                    let message = format!(
                        "`{} {}` matches the same requests as another operation: {SAME}",
                        op.method, op.path
                    );
                    self.problem(&op.pointer, message);
                }
                continue;
            }
            let first = &operations[members[0]];
            let method_name = self.methods.claim(&format!("choose_{}", first.method_name));
            let type_name = self.types.claim(&format!(
                "{}Choice",
                pascal(&first.method_name, "Operation")
            ));
            let named: Vec<String> = members
                .iter()
                .map(|&i| {
                    let op = &operations[i];
                    format!("`{} {}` ({})", op.method, op.path, op.operation_id)
                })
                .collect();
            let message = format!(
                "{} match the same requests: {SAME}; they share one route, and the trait's \
                 `{method_name}` picks the operation that answers each request (by default \
                 the first, `{}`)",
                named.join(", "),
                first.operation_id
            );
            self.warnings.push(Diagnostic::new(&first.pointer, message));
            choices.push(RouteChoice {
                method_name,
                type_name,
                operations: members,
            });
        }
        choices.sort_by_key(|choice| choice.operations[0]);
        choices
    }

    /// For each segment of `path` where two parameters meet with no text between them
    /// (`{id}{ext}`, by `literals`), where the first ends, from the second's string
    /// `enum` or the first's integer type; a problem when neither says.
    pub(super) fn segment_gaps(
        &mut self,
        pointer: &str,
        path: &str,
        literals: &BTreeMap<usize, Vec<String>>,
        params: &[Parameter],
    ) -> BTreeMap<usize, Vec<(usize, SegmentGap)>> {
        let mut out = BTreeMap::new();
        for (&segment, pieces) in literals {
            let inner = pieces.len().saturating_sub(1);
            for (gap, piece) in pieces.iter().enumerate().take(inner).skip(1) {
                if !piece.is_empty() {
                    continue;
                }
                let class = |position: usize| {
                    params
                        .iter()
                        .find(|param| param.location == Location::PathPart { segment, position })
                        .and_then(|param| self.segment_class(param))
                };
                let rule = match (class(gap), class(gap - 1)) {
                    // An empty value would end the first parameter anywhere.
                    (Some(SegmentClass::OneOf(values)), _)
                        if values.iter().all(|value| !value.is_empty()) =>
                    {
                        SegmentGap::BeforeOneOf(values)
                    }
                    (_, Some(SegmentClass::Integer)) => SegmentGap::AfterDigits,
                    _ => {
                        self.problem(
                            pointer,
                            format!(
                                "path `{path}` has two parameters with no text between them, and \
                                 nothing tells where the first ends: give the second a string \
                                 `enum` or the first an integer type"
                            ),
                        );
                        continue;
                    }
                };
                out.entry(segment)
                    .or_insert_with(Vec::new)
                    .push((gap, rule));
            }
        }
        out
    }

    /// Each whole-segment path parameter of `op` whose schema narrows what the segment
    /// can be (a string `enum`, an integer, a UUID), by route parameter.
    pub(super) fn segment_classes(&self, op: &Operation) -> BTreeMap<usize, SegmentClass> {
        let mut out = BTreeMap::new();
        for param in &op.params {
            let Location::Path(segment) = param.location else {
                continue;
            };
            let Some(mut class) = self.segment_class(param) else {
                continue;
            };
            if let SegmentClass::OneOf(values) = &mut class {
                values.sort();
                values.dedup();
            }
            out.insert(segment, class);
        }
        out
    }

    /// What `param`'s schema says its path text can be: one of its string `enum`'s
    /// values (in the enum's order), an integer, or a UUID; `None` for anything else.
    fn segment_class(&self, param: &Parameter) -> Option<SegmentClass> {
        let schema = refs::follow(&self.doc.raw, &param.schema.schema);
        let values: Option<Vec<String>> =
            schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|values| {
                    values
                        .iter()
                        .map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
        match values {
            Some(values) if !values.is_empty() => Some(SegmentClass::OneOf(values)),
            _ => match (
                schema.get("type").and_then(Value::as_str),
                schema.get("format").and_then(Value::as_str),
            ) {
                (Some("integer"), _) => Some(SegmentClass::Integer),
                (Some("string"), Some("uuid")) => Some(SegmentClass::Uuid),
                _ => None,
            },
        }
    }
}

/// Why operations sharing a route and method cannot be told apart.
const SAME: &str = "their paths differ only in parameter names, and nothing (required \
                    query parameters, conditions after `#`, or a path parameter's `enum`, \
                    integer type or UUID format) tells their requests apart";

/// How operations sharing a route, method and conditions are told apart by what their
/// path parameters accept, given each one's narrowed segments
/// ([`Lower::segment_classes`]). A segment narrowed alike in every operation tells
/// none apart and is left to decoding (a bad value is a 400, not a 404). At most one
/// operation may then have no narrowed segment: it takes the requests the others do
/// not. Every two others need a segment both narrow to disjoint classes. Returns the
/// classes each operation requires, in order, or `None` when some request would match
/// two of them.
pub(super) fn told_apart_by_value(
    classes: &[BTreeMap<usize, SegmentClass>],
) -> Option<Vec<BTreeMap<usize, SegmentClass>>> {
    let segments: BTreeSet<usize> = classes.iter().flat_map(|own| own.keys().copied()).collect();
    let alike: BTreeSet<usize> = segments
        .into_iter()
        .filter(|segment| {
            let first = classes.first().and_then(|own| own.get(segment));
            first.is_some() && classes.iter().all(|own| own.get(segment) == first)
        })
        .collect();
    let classes: Vec<BTreeMap<usize, SegmentClass>> = classes
        .iter()
        .map(|own| {
            own.iter()
                .filter(|(segment, _)| !alike.contains(segment))
                .map(|(segment, class)| (*segment, class.clone()))
                .collect()
        })
        .collect();
    if classes.iter().filter(|own| own.is_empty()).count() > 1 {
        return None;
    }
    for (i, own) in classes.iter().enumerate() {
        for other in classes[i + 1..].iter().filter(|other| !other.is_empty()) {
            let disjoint_somewhere = own.iter().any(|(segment, class)| {
                other
                    .get(segment)
                    .is_some_and(|theirs| theirs.is_disjoint(class))
            });
            if !own.is_empty() && !disjoint_somewhere {
                return None;
            }
        }
    }
    Some(classes)
}

/// What [`Lower::route`] makes of a path template.
#[derive(Default)]
pub(super) struct Route {
    /// The axum route, parameters named by position.
    pub(super) axum: String,
    /// Each template parameter and where it is read from.
    pub(super) params: Vec<(String, Location)>,
    /// Literal pieces of mixed segments, by route parameter.
    pub(super) literals: std::collections::BTreeMap<usize, Vec<String>>,
}

/// A segment such as `{base}...{head}` as its literal pieces (one more than the names)
/// and its parameter names; `None` for unbalanced or nested braces.
pub(super) fn split_segment(segment: &str) -> Option<(Vec<String>, Vec<String>)> {
    let mut literals = vec![String::new()];
    let mut names = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return None;
        }
        literals.last_mut()?.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return None;
        }
        names.push(name.to_string());
        literals.push(String::new());
        rest = &after[close + 1..];
    }
    literals.last_mut()?.push_str(rest);
    Some((literals, names))
}

/// A webhook name as one path segment: unreserved characters as they are, anything
/// else percent-encoded, so every name makes a valid, distinct route.
pub(super) fn webhook_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_told_apart_by_enum_segments() {
        let set =
            |values: &[&str]| SegmentClass::OneOf(values.iter().map(|v| v.to_string()).collect());
        let open = BTreeMap::new();
        let filter = BTreeMap::from([(1, set(&["closed", "open"]))]);
        let other = BTreeMap::from([(1, set(&["all"]))]);
        let overlapping = BTreeMap::from([(1, set(&["all", "open"]))]);
        let elsewhere = BTreeMap::from([(0, set(&["x"]))]);

        let told = told_apart_by_value(&[filter.clone(), open.clone()]).expect("told apart");
        assert_eq!(told[0], filter);
        assert!(told[1].is_empty());
        assert!(told_apart_by_value(&[filter.clone(), other, open.clone()]).is_some());
        // Two operations taking any value, a shared value, or enums on different segments
        // (a request can fit both) are not told apart.
        assert!(told_apart_by_value(&[open.clone(), open.clone()]).is_none());
        assert!(told_apart_by_value(&[filter.clone(), overlapping]).is_none());
        assert!(told_apart_by_value(&[filter, elsewhere, open]).is_none());
    }

    #[test]
    fn operations_told_apart_by_integer_and_uuid_segments() {
        use SegmentClass::{Integer, OneOf, Uuid};
        let any = BTreeMap::new();
        // `/icon/{id}` (integer) beside `/icon/{term}`: integers go to the first.
        let told = told_apart_by_value(&[BTreeMap::from([(0, Integer)]), any.clone()])
            .expect("an integer segment beside a free one");
        assert_eq!(told[0], BTreeMap::from([(0, Integer)]));
        // A segment narrowed alike everywhere tells nothing apart and is dropped:
        // `/{AccountID}/Attachments/{AttachmentID}` beside `/{AccountID}/Attachments/{FileName}`.
        let told = told_apart_by_value(&[
            BTreeMap::from([(0, Uuid), (1, Uuid)]),
            BTreeMap::from([(0, Uuid)]),
        ])
        .expect("a UUID segment beside a free one");
        assert_eq!(told, vec![BTreeMap::from([(1, Uuid)]), BTreeMap::new()]);
        // An integer is never a hyphenated UUID; enum values are checked one by one.
        assert!(told_apart_by_value(&[
            BTreeMap::from([(1, Uuid)]),
            BTreeMap::from([(1, Integer)])
        ])
        .is_some());
        let words = OneOf(vec!["all".into(), "open".into()]);
        let numbers = OneOf(vec!["1".into(), "open".into()]);
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, words)])
        ])
        .is_some());
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, numbers)])
        ])
        .is_none());
        assert!(told_apart_by_value(&[
            BTreeMap::from([(0, Integer)]),
            BTreeMap::from([(0, Integer)]),
            any
        ])
        .is_none());
    }

    #[test]
    fn segment_classes_admit_what_the_runtime_admits() {
        assert!(SegmentClass::Integer.admits("-42"));
        assert!(SegmentClass::Integer.admits("+7"));
        assert!(!SegmentClass::Integer.admits("-"));
        assert!(!SegmentClass::Integer.admits("4a"));
        assert!(SegmentClass::Uuid.admits("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!SegmentClass::Uuid.admits("67e5504410b1426f9247bb680e5fe0c8"));
        assert!(!SegmentClass::Uuid.admits("67e55044-10b1-426f-9247-bb680e5fe0cg"));
    }
}
