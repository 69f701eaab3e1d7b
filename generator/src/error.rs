//! The error type of the library.

use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

/// Why generation or checking could not be done.
///
/// `Display` writes one line per problem. [`Error::report`] (which `Debug` writes too, so
/// that a build script returning this error prints it readably) adds, for problems in the
/// spec, the line of the spec each one is on.
#[derive(thiserror::Error)]
pub enum Error {
    /// The spec could not be read from disk.
    #[error("{}: cannot read the spec: {source}", path.display())]
    ReadSpec {
        /// The spec's path.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The spec is malformed or uses something not supported; nothing was written.
    #[error("{0}")]
    Spec(Diagnostics),
    /// The selection names a tag or an `operationId` no operation of the spec has;
    /// nothing was written.
    #[error("{}: {unmatched}", path.display())]
    Unselected {
        /// The spec's path.
        path: PathBuf,
        /// The names that matched nothing, and what the spec has instead.
        unmatched: crate::load::Unmatched,
    },
    /// A setting (such as the trait name) cannot be used; nothing was written.
    #[error("{0}")]
    Setting(String),
    /// Writing or reading generated output failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

impl Error {
    /// The error as a person reads it, in rustc's manner: for a spec's problems, each one's
    /// `file:line:column` and the spec's line with the node underlined (read again from
    /// the spec's file, when it is still there), else the `Display` text.
    pub fn report(&self) -> String {
        match self {
            Error::Spec(diagnostics) => diagnostics.report(),
            other => other.to_string(),
        }
    }

    /// The error as JSON objects, one per problem, for tools: a spec's problems as
    /// [`Diagnostics::json`] writes them (with the spec's text read again for lines and
    /// columns), any other error as one `{"level": "error", "message": ...}`.
    pub fn json(&self) -> Vec<serde_json::Value> {
        match self {
            Error::Spec(diagnostics) => diagnostics.report_json(),
            other => vec![serde_json::json!({
                "level": "error",
                "message": other.to_string(),
                "rendered": other.to_string(),
            })],
        }
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.report())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Diagnostics};

    #[test]
    fn debug_is_the_report_a_build_script_prints() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let spec = dir.path().join("api.yaml");
        std::fs::write(&spec, "openapi: 3.0.3\ninfo: 5\n").expect("writable");
        let error = Error::Spec(Diagnostics::new(
            &spec,
            vec![Diagnostic::new("/info", "must be an object")],
        ));
        let debug = format!("{error:?}");
        assert_eq!(debug, error.report());
        assert!(debug.starts_with("error: "), "{debug}");
        assert!(debug.contains("api.yaml:2:1\n"), "{debug}");
        assert!(debug.contains("2 | info: 5\n  | ^^^^"), "{debug}");

        let json = error.json();
        assert_eq!(json.len(), 1);
        assert_eq!(json[0]["pointer"], "/info");
        assert_eq!(json[0]["message"], "must be an object");
        assert_eq!(json[0]["line"], 2);
        assert_eq!(json[0]["column"], 1);
        assert_eq!(
            json[0]["rendered"].as_str(),
            Some(format!("{}\n", error.report()).as_str())
        );
    }
}
