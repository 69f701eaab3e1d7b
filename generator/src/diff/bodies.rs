//! Request bodies and responses: whether a body is required, response statuses,
//! media types and headers, and the schemas they hold.

use serde_json::Value;
use specfirst_model::extensions::{ITEM_ENCODING, ITEM_SCHEMA, PREFIX_ENCODING};

use crate::diagnostic::pointer_join;

use super::{ChangeKind, Differ, Direction, Node, Side};

/// Whether a status is a success (`2XX`): only losing those breaks clients.
fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

impl<'a> Differ<'a> {
    /// Compares the request bodies of an operation both documents have.
    pub(super) fn request_body(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let old = old_op
            .child("requestBody")
            .and_then(|n| self.resolve(Side::Old, n));
        let new = new_op
            .child("requestBody")
            .and_then(|n| self.resolve(Side::New, n));
        let required =
            |body: &Node<'_>| body.value.get("required").and_then(Value::as_bool) == Some(true);
        match (old, new) {
            (None, None) => {}
            (Some(old), None) => self.push(
                Side::Old,
                &old.pointer,
                ChangeKind::RequestBodyRemoved,
                false,
                format!("request body removed from {label}; the server ignores it when sent"),
            ),
            (None, Some(new)) => {
                if required(&new) {
                    self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequiredRequestBodyAdded,
                        true,
                        format!("required request body added to {label}"),
                    );
                } else {
                    self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::OptionalRequestBodyAdded,
                        false,
                        format!("optional request body added to {label}"),
                    );
                }
            }
            (Some(old), Some(new)) => {
                match (required(&old), required(&new)) {
                    (false, true) => self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequestBodyMadeRequired,
                        true,
                        format!("the request body of {label} is now required"),
                    ),
                    (true, false) => self.push(
                        Side::New,
                        &new.pointer,
                        ChangeKind::RequestBodyMadeOptional,
                        false,
                        format!("the request body of {label} is now optional"),
                    ),
                    _ => {}
                }
                self.content(label, &old, &new, Direction::Request, true);
            }
        }
    }

    /// Compares the `content` maps of two bodies. `success` says whether losing a
    /// media type breaks clients (always for requests; for responses, only 2XX).
    fn content(
        &mut self,
        label: &str,
        old: &Node<'a>,
        new: &Node<'a>,
        direction: Direction,
        success: bool,
    ) {
        let media = |node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            node.child("content")
                .map(|content| {
                    content
                        .entries()
                        .into_iter()
                        .map(|(key, node)| (key.to_ascii_lowercase(), node))
                        .collect()
                })
                .unwrap_or_default()
        };
        let old_media = media(old);
        let new_media = media(new);
        let (removed, added) = match direction {
            Direction::Request => (
                ChangeKind::RequestMediaTypeRemoved,
                ChangeKind::RequestMediaTypeAdded,
            ),
            Direction::Response => (
                ChangeKind::ResponseMediaTypeRemoved,
                ChangeKind::ResponseMediaTypeAdded,
            ),
        };
        let place = match direction {
            Direction::Request => format!("the request body of {label}"),
            Direction::Response => label.to_string(),
        };
        for (media_type, node) in &old_media {
            if !new_media.iter().any(|(m, _)| m == media_type) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    removed,
                    success,
                    format!(
                        "{} media type `{media_type}` removed from {place}",
                        direction.noun()
                    ),
                );
            }
        }
        for (media_type, new_node) in &new_media {
            match old_media.iter().find(|(m, _)| m == media_type) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    added,
                    false,
                    format!(
                        "{} media type `{media_type}` added to {place}",
                        direction.noun()
                    ),
                ),
                Some((_, old_node)) => {
                    // A stream's or a multipart body's items (OpenAPI 3.2's `itemSchema`)
                    // are values as the body's own are.
                    for key in ["schema", ITEM_SCHEMA] {
                        self.media_schema(old_node, new_node, key, direction);
                    }
                    if direction == Direction::Request {
                        self.part_encodings(old_node, new_node);
                    }
                }
            }
        }
    }

    /// Compares the schema under `key` of one media type in both documents.
    fn media_schema(
        &mut self,
        old_node: &Node<'a>,
        new_node: &Node<'a>,
        key: &str,
        direction: Direction,
    ) {
        match (old_node.child(key), new_node.child(key)) {
            (Some(old_schema), Some(new_schema)) => self.schema(old_schema, new_schema, direction),
            // No schema means any value: gaining one narrows, losing one widens.
            (Some(_), None) => self.widened(
                direction,
                &new_node.pointer,
                ChangeKind::ConstraintWidened,
                "the schema was removed, so any value is allowed",
            ),
            (None, Some(new_schema)) => self.narrowed(
                direction,
                &new_schema.pointer,
                ChangeKind::ConstraintNarrowed,
                "a schema was added where any value was allowed",
            ),
            (None, None) => {}
        }
    }

    /// Compares the content types each place of a multipart request body read by
    /// position allows (OpenAPI 3.2's `prefixEncoding` and `itemEncoding`): a type a
    /// place no longer allows breaks clients that send it; one more does not.
    fn part_encodings(&mut self, old_node: &Node<'a>, new_node: &Node<'a>) {
        let places = |node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            let prefix = node.child(PREFIX_ENCODING).map(|list| list.items());
            let prefix = prefix.into_iter().flatten().enumerate();
            let mut out: Vec<(String, Node<'a>)> = prefix
                .map(|(index, encoding)| (format!("part {}", index + 1), encoding))
                .collect();
            if let Some(encoding) = node.child(ITEM_ENCODING) {
                out.push(("every later part".to_string(), encoding));
            }
            out
        };
        let ranges = |encoding: &Node<'a>| -> Option<Vec<String>> {
            let text = encoding
                .child("contentType")?
                .value
                .as_str()?
                .to_ascii_lowercase();
            Some(
                text.split(',')
                    .map(|range| range.trim().to_string())
                    .collect(),
            )
        };
        let old_places = places(old_node);
        for (place, new_encoding) in places(new_node) {
            let Some((_, old_encoding)) = old_places.iter().find(|(p, _)| *p == place) else {
                continue;
            };
            let (Some(old), Some(new)) = (ranges(old_encoding), ranges(&new_encoding)) else {
                continue;
            };
            let pointer = pointer_join(&new_encoding.pointer, "contentType");
            for range in old.iter().filter(|range| !new.contains(range)) {
                self.narrowed(
                    Direction::Request,
                    &pointer,
                    ChangeKind::ConstraintNarrowed,
                    &format!("{place} may no longer be `{range}`"),
                );
            }
            for range in new.iter().filter(|range| !old.contains(range)) {
                self.widened(
                    Direction::Request,
                    &pointer,
                    ChangeKind::ConstraintWidened,
                    &format!("{place} may now be `{range}`"),
                );
            }
        }
    }

    /// Compares the responses of an operation both documents have, status by status.
    pub(super) fn responses(&mut self, label: &str, old_op: &Node<'a>, new_op: &Node<'a>) {
        let statuses = |side: Side, op: &Node<'a>| -> Vec<(String, Node<'a>)> {
            op.child("responses")
                .map(|responses| {
                    responses
                        .entries()
                        .into_iter()
                        .filter_map(|(status, node)| {
                            Some((status.to_ascii_uppercase(), self.resolve(side, node)?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let old = statuses(Side::Old, old_op);
        let new = statuses(Side::New, new_op);
        for (status, node) in &old {
            if !new.iter().any(|(s, _)| s == status) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    ChangeKind::ResponseStatusRemoved,
                    is_success(status),
                    format!("response status {status} removed from {label}"),
                );
            }
        }
        for (status, new_node) in &new {
            match old.iter().find(|(s, _)| s == status) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    ChangeKind::ResponseStatusAdded,
                    false,
                    format!("response status {status} added to {label}"),
                ),
                Some((_, old_node)) => {
                    let place = format!("the {status} response of {label}");
                    self.content(
                        &place,
                        old_node,
                        new_node,
                        Direction::Response,
                        is_success(status),
                    );
                    self.headers(&place, old_node, new_node, is_success(status));
                }
            }
        }
    }

    /// Compares the headers of two responses; header names are case-insensitive.
    fn headers(&mut self, place: &str, old: &Node<'a>, new: &Node<'a>, success: bool) {
        let headers = |side: Side, node: &Node<'a>| -> Vec<(String, Node<'a>)> {
            node.child("headers")
                .map(|headers| {
                    headers
                        .entries()
                        .into_iter()
                        .filter_map(|(name, node)| {
                            Some((name.to_ascii_lowercase(), self.resolve(side, node)?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let old_headers = headers(Side::Old, old);
        let new_headers = headers(Side::New, new);
        for (name, node) in &old_headers {
            if !new_headers.iter().any(|(n, _)| n == name) {
                self.push(
                    Side::Old,
                    &node.pointer,
                    ChangeKind::ResponseHeaderRemoved,
                    success,
                    format!("header `{name}` removed from {place}"),
                );
            }
        }
        for (name, new_node) in &new_headers {
            match old_headers.iter().find(|(n, _)| n == name) {
                None => self.push(
                    Side::New,
                    &new_node.pointer,
                    ChangeKind::ResponseHeaderAdded,
                    false,
                    format!("header `{name}` added to {place}"),
                ),
                Some((_, old_node)) => {
                    if let (Some(o), Some(n)) = (old_node.child("schema"), new_node.child("schema"))
                    {
                        self.schema(o, n, Direction::Response);
                    }
                }
            }
        }
    }
}
