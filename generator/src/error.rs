//! The error type of the library.

use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

/// Why generation or checking could not be done.
#[derive(Debug, thiserror::Error)]
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
    /// Writing or reading generated output failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}
