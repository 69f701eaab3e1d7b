//! `specfirst check --lint`: statuses the served API answers that its spec does not
//! declare.
//!
//! The runtime rejects some requests before the implementation sees them: a parameter
//! or body that does not decode or validate is a 400, missing credentials a 401,
//! credentials without a required scope a 403, a body over the limit a 413 and one of
//! an undeclared media type a 415; a WebSocket operation answers a request that is no
//! handshake with a 400, and one on a connection that cannot upgrade with a 426. A client generated from the spec knows nothing of
//! a status the operation does not declare (`showPetById` declares no 400, yet answers
//! one). An operation covers a status by declaring it, its class (`4XX`) or `default`.

use crate::ir::{Api, Operation, StatusSpec};

/// A status the runtime may answer an operation with itself, and why.
struct Rejection {
    status: u16,
    why: &'static str,
}

/// The statuses the runtime may reject a request to `op` with, in order.
fn rejections(api: &Api, op: &Operation) -> Vec<Rejection> {
    let mut out = Vec::new();
    if op.websocket {
        out.push(Rejection {
            status: 400,
            why: "a request that is no WebSocket handshake, or a parameter that does not \
                  decode or validate",
        });
    } else if !op.params.is_empty() || op.body.is_some() || op.pagination.is_some() {
        out.push(Rejection {
            status: 400,
            why: "a parameter or body that does not decode or validate",
        });
    }
    if api.secures(op) {
        out.push(Rejection {
            status: 401,
            why: "missing or refused credentials",
        });
        let scoped = op
            .security
            .iter()
            .flat_map(|requirement| &requirement.schemes)
            .any(|scheme| !scheme.scopes.is_empty());
        if scoped {
            out.push(Rejection {
                status: 403,
                why: "credentials without a required scope",
            });
        }
    }
    if op.websocket {
        out.push(Rejection {
            status: 426,
            why: "a handshake on a connection that cannot be upgraded",
        });
    }
    if op.body.is_some() {
        out.push(Rejection {
            status: 413,
            why: "a body over the size limit",
        });
        out.push(Rejection {
            status: 415,
            why: "a body of a media type it does not declare",
        });
    }
    out
}

/// Whether `op` declares a response for `status`: the status, its class or `default`.
fn declares(op: &Operation, status: u16) -> bool {
    op.responses
        .iter()
        .filter(|response| response.declared)
        .any(|response| match response.status {
            StatusSpec::Code(code) => code == status,
            StatusSpec::Range(digit) => digit == status / 100,
            StatusSpec::Default => true,
        })
}

/// One line per operation of `api` that the runtime may answer with a status the
/// operation does not declare: its pointer (the operation's `responses`) and what is
/// missing. Empty when every such status is declared.
pub fn undeclared_rejections(api: &Api) -> Vec<(String, String)> {
    api.operations
        .iter()
        .filter_map(|op| {
            let missing: Vec<String> = rejections(api, op)
                .into_iter()
                .filter(|rejection| !declares(op, rejection.status))
                .map(|rejection| format!("{} ({})", rejection.status, rejection.why))
                .collect();
            if missing.is_empty() {
                return None;
            }
            let message = format!(
                "`{} {}` (operation `{}`) can be answered {}, which its responses do not \
                 declare (as the status, its class such as `4XX`, or `default`)",
                op.method,
                op.path,
                op.operation_id,
                missing.join(", ")
            );
            Some((format!("{}/responses", op.pointer), message))
        })
        .collect()
}
