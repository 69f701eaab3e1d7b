//! WebSocket operations: Dropshot marks them `x-dropshot-websocket`; a spec may instead
//! declare a 101 response whose `Upgrade` header names the protocol.

use serde_json::Value;

use crate::diagnostic::pointer_join;
use crate::ir::{Response, StatusSpec};
use crate::naming::Namespace;

use super::Lower;

/// Dropshot's marker of an operation that upgrades its connection to a WebSocket.
pub(super) const MARKER: &str = "x-dropshot-websocket";

/// Whether `name` is a header of the handshake itself, which the upgrade writes: a 101
/// response's declaration of it is kept as written, never a field of its variant.
pub(super) fn handshake_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "upgrade" || name == "connection" || name.starts_with("sec-websocket-")
}

impl Lower<'_> {
    /// Whether the operation at `pointer` (`method`, lower case) upgrades to a
    /// WebSocket, with a problem for one that cannot be served. A marked operation that
    /// declares no 101 (older Dropshot wrote only `default`, as Oxide's gateway has) gets
    /// one made up, which the handler accepts the upgrade with.
    pub(super) fn websocket(
        &mut self,
        pointer: &str,
        method: &str,
        responses: &mut Vec<Response>,
    ) -> bool {
        let marked = self
            .doc
            .node(pointer)
            .is_some_and(|op| op.get(MARKER).is_some());
        let switching = responses
            .iter()
            .find(|response| response.status == StatusSpec::Code(101));
        let declares_101 = switching.is_some();
        let upgrade = switching.and_then(|response| {
            response
                .ignored_headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("upgrade"))
                .map(|(name, header)| (name.clone(), header.clone()))
        });
        if !marked && upgrade.is_none() {
            return false;
        }
        if let Some((name, header)) = upgrade {
            let offered = offered_protocols(&header);
            if !offered.is_empty() && !offered.iter().any(|p| p.eq_ignore_ascii_case("websocket")) {
                let at = pointer_join(
                    &pointer_join(&pointer_join(pointer, "responses"), "101"),
                    "headers",
                );
                self.problem(
                    pointer_join(&at, &name),
                    format!(
                        "the 101 response upgrades to {}, and only WebSocket upgrades are served",
                        offered.join(", ")
                    ),
                );
                return false;
            }
        }
        let mut servable = true;
        if method != "get" {
            self.problem(
                pointer,
                format!(
                    "a WebSocket handshake is a GET request; a `{}` operation cannot upgrade",
                    method.to_ascii_uppercase()
                ),
            );
            servable = false;
        }
        if servable && !declares_101 {
            let mut variants = Namespace::default();
            for response in responses.iter() {
                variants.claim(&response.variant);
            }
            responses.insert(
                0,
                Response::undeclared(
                    StatusSpec::Code(101),
                    variants.claim("SwitchingProtocols"),
                    "The upgrade to a WebSocket (the spec declares no 101 response).",
                ),
            );
        }
        servable
    }
}

/// The protocols a declared `Upgrade` header's schema allows (`enum`, `const`); none
/// when it leaves the value open.
fn offered_protocols(header: &Value) -> Vec<String> {
    let Some(schema) = header.get("schema") else {
        return Vec::new();
    };
    let listed = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(schema.get("const"));
    listed
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}
