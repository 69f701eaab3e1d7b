//! Problems found in a spec, each tied to the JSON pointer of the node at fault.

use std::fmt;
use std::path::PathBuf;

/// One problem in a spec: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The JSON pointer of the offending node, e.g. `/paths/~1pets/get`.
    pub pointer: String,
    /// What is wrong, lowercase, saying what to do where it can.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Every problem found in one spec file, sorted by pointer.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The spec the problems were found in, as the user named it.
    pub file: PathBuf,
    /// The problems, sorted and without duplicates.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Collects `items` for `file`, sorted and deduplicated so output is stable.
    pub fn new(file: impl Into<PathBuf>, mut items: Vec<Diagnostic>) -> Self {
        items.sort();
        items.dedup();
        Self {
            file: file.into(),
            items,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}#{}: {}",
                self.file.display(),
                item.pointer,
                item.message
            )?;
        }
        Ok(())
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins `base` and one unescaped `token` into a JSON pointer.
pub fn pointer_join(base: &str, token: impl AsRef<str>) -> String {
    format!("{base}/{}", escape_token(token.as_ref()))
}
