//! Reading a spec: JSON or YAML by content, the version check, and the typed model.
//!
//! The raw `serde_json::Value` is kept beside the typed `openapiv3` model because
//! schemas are handed to typify from the raw text (nothing lost to the typed model)
//! and because every diagnostic needs a JSON pointer into what the user wrote.

mod dangling;
pub(crate) mod hoist;
mod openapi31;
mod openapi32;
pub(crate) mod origins;
pub(crate) mod refs;
mod select;
mod shapes;
mod swagger2;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::load::origins::Origins;
pub use select::{Selection, Unmatched};

/// Which specification a document was written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputVersion {
    /// OpenAPI 3.0.x, read as it is.
    OpenApi30,
    /// OpenAPI 3.1.x, rewritten into 3.0 form (see `load/openapi31.rs`).
    OpenApi31,
    /// OpenAPI 3.2.x, rewritten into 3.1 form (see `load/openapi32.rs`), then as 3.1.
    OpenApi32,
    /// Swagger 2.0, converted to OpenAPI 3.0 (see `load/swagger2/`).
    Swagger20,
}

/// A parsed OpenAPI document, in the 3.0 form the generator reads.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file the document came from, as the user named it.
    pub file: PathBuf,
    /// The document as JSON in 3.0 form, with the key order of the input.
    pub raw: Value,
    /// The version the input was written in.
    pub version: InputVersion,
    /// The input as written, when `raw` is a rewrite of it; this is what generated
    /// servers publish.
    pub original: Option<Value>,
    /// Where nodes that loading moved were in the input, for diagnostics.
    pub origins: Origins,
    /// The document's `info`.
    pub info: openapiv3::Info,
    /// SHA-256, in hex, of the document as parsed (compact JSON, keys in input order),
    /// written into generated headers: comments, quoting and layout do not change it, and
    /// a YAML spec and its JSON translation share it.
    pub sha256: String,
    /// The operations kept; everything else was removed from `raw` and `original`.
    pub selection: Selection,
    /// Local `$ref`s that point at nothing or lead a schema back into its own `allOf`,
    /// each at its pointer in the input: lowering reports them with its own problems.
    pub dangling: Vec<Diagnostic>,
    /// Constraints of the wrong kind of JSON, removed from `raw` (kept in `original`),
    /// each at its pointer in the input: lowering reports them as warnings.
    pub set_aside: Vec<Diagnostic>,
}

impl Document {
    /// Reads and parses the spec at `path`.
    pub fn from_path(path: &Path) -> Result<Self, Error> {
        Self::from_path_with(path, &Selection::default())
    }

    /// Reads and parses the spec at `path`, keeping only what `selection` keeps (see
    /// [`Selection`]).
    pub fn from_path_with(path: &Path, selection: &Selection) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::ReadSpec {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes_with(path, &bytes, selection)
    }

    /// Parses `bytes`, naming them `file` in diagnostics.
    pub fn from_bytes(file: &Path, bytes: &[u8]) -> Result<Self, Error> {
        Self::from_bytes_with(file, bytes, &Selection::default())
    }

    /// Parses `bytes`, naming them `file` in diagnostics, keeping only what `selection`
    /// keeps. The selection applies to the input as written, before any conversion, so
    /// [`Document::input`] is the selected document in the input's own version.
    pub fn from_bytes_with(
        file: &Path,
        bytes: &[u8],
        selection: &Selection,
    ) -> Result<Self, Error> {
        let fail = |pointer: &str, message: String| {
            Error::Spec(Diagnostics::new(
                file,
                vec![Diagnostic::new(pointer, message)],
            ))
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| fail("", format!("the spec is not valid UTF-8: {e}")))?;
        let mut parsed = parse_text(text).map_err(|message| fail("", message))?;
        let sha256 = document_sha256(&parsed);
        let version = if parsed.get("swagger").is_some() {
            InputVersion::Swagger20
        } else {
            check_version(&parsed).map_err(|(pointer, message)| fail(&pointer, message))?
        };
        // What is not selected is gone before anything else reads the document; only
        // object members are removed, so the pointers of what is left do not change.
        select::prune(&mut parsed, selection).map_err(|rejected| match rejected {
            select::Rejected::Unmatched(unmatched) => Error::Unselected {
                path: file.to_path_buf(),
                unmatched,
            },
            select::Rejected::Dangling(items) => Error::Spec(Diagnostics::new(file, items)),
        })?;
        // A reference to nothing is reported at itself, found before any stage trips
        // over it.
        // Read as OpenAPI, a malformed schema nested deep takes time that doubles with
        // each level: such schemas are reported before anything reads them.
        let malformed = shapes::malformed_schemas(&parsed);
        if !malformed.errors.is_empty() {
            return Err(Error::Spec(Diagnostics::new(file, malformed.errors)));
        }
        // Constraints of the wrong kind go from what is read; what is published and
        // round-tripped keeps them as written.
        let as_written = (!malformed.set_aside.is_empty()).then(|| parsed.clone());
        shapes::set_aside(&mut parsed, &malformed.set_aside);
        let mut dangling = dangling::dangling_refs(&parsed);
        dangling.extend(dangling::all_of_cycles(&parsed));
        let mut origins = Origins::default();
        let (mut raw, mut original) = if version == InputVersion::Swagger20 {
            // Swagger 2.0 is rewritten as the OpenAPI 3.0 it means; everything after
            // reads `raw`, and diagnostics go back through `origins`.
            let converted = crate::load::swagger2::convert(&parsed)
                .map_err(|items| Error::Spec(Diagnostics::new(file, items)))?;
            origins = converted.origins;
            (converted.doc, Some(as_written.unwrap_or(parsed)))
        } else {
            (parsed, as_written)
        };
        if version == InputVersion::OpenApi32 {
            original.get_or_insert_with(|| raw.clone());
            let problems = crate::load::openapi32::lift(&mut raw, &mut origins);
            if !problems.is_empty() {
                return Err(Error::Spec(Diagnostics::new(file, problems)));
            }
        }
        if matches!(version, InputVersion::OpenApi31 | InputVersion::OpenApi32) {
            original.get_or_insert_with(|| raw.clone());
            let problems = crate::load::openapi31::downgrade(&mut raw, &mut origins);
            if !problems.is_empty() {
                return Err(Error::Spec(Diagnostics::new(file, problems)));
            }
        }
        if crate::load::hoist::has_subschema_refs(&raw) {
            original.get_or_insert_with(|| raw.clone());
            crate::load::hoist::hoist_subschema_refs(&mut raw, &mut origins);
        }
        let info = typed(&raw).map_err(|(pointer, message)| fail(&pointer, message))?;
        Ok(Self {
            file: file.to_path_buf(),
            raw,
            version,
            original,
            origins,
            info,
            sha256,
            selection: selection.clone(),
            dangling,
            set_aside: malformed.set_aside,
        })
    }

    /// `items` as diagnostics of this document, each pointing into the input.
    pub fn diagnostics(&self, items: Vec<Diagnostic>) -> Diagnostics {
        self.origins.diagnostics(&self.file, items)
    }

    /// The document as the user wrote it.
    pub fn input(&self) -> &Value {
        self.original.as_ref().unwrap_or(&self.raw)
    }

    /// The raw node at `pointer`, if there is one.
    pub fn node(&self, pointer: &str) -> Option<&Value> {
        self.raw.pointer(pointer)
    }
}

/// JSON when the text starts like JSON, else YAML (a superset of JSON, but slower and
/// with worse messages for JSON input).
fn parse_text(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| format!("invalid JSON: {e}"))
    } else {
        let value: Value =
            serde_yaml::from_str(trimmed).map_err(|e| format!("invalid YAML: {e}"))?;
        Ok(value)
    }
}

fn check_version(raw: &Value) -> Result<InputVersion, (String, String)> {
    let Some(object) = raw.as_object() else {
        return Err((String::new(), "the document must be a JSON object".into()));
    };
    match object.get("openapi") {
        None => Err((
            String::new(),
            "missing the `openapi` version field; is this an OpenAPI document?".into(),
        )),
        Some(Value::String(version)) if version.starts_with("3.0.") => Ok(InputVersion::OpenApi30),
        Some(Value::String(version)) if version.starts_with("3.1.") => Ok(InputVersion::OpenApi31),
        Some(Value::String(version)) if version.starts_with("3.2.") => Ok(InputVersion::OpenApi32),
        Some(Value::String(version)) => Err((
            "/openapi".into(),
            format!("OpenAPI {version} is not supported; 3.0.x, 3.1.x and 3.2.x are"),
        )),
        Some(other) => Err((
            "/openapi".into(),
            format!("the `openapi` field must be a string such as \"3.0.3\", found {other}"),
        )),
    }
}

/// Reads `info` and checks the top-level shape; everything below `paths` and
/// `components` is read node by node while lowering, where each error gets the
/// pointer of its own node instead of one somewhere above it.
fn typed(raw: &Value) -> Result<openapiv3::Info, (String, String)> {
    for key in ["paths", "components"] {
        if let Some(value) = raw.get(key) {
            if !value.is_object() {
                return Err((format!("/{key}"), format!("`{key}` must be an object")));
            }
        }
    }
    let Some(info) = raw.get("info") else {
        return Err((String::new(), "missing the required `info` object".into()));
    };
    serde_path_to_error::deserialize(info).map_err(|error| {
        let pointer = format!("/info{}", path_to_pointer(error.path()));
        (pointer, format!("malformed: {}", error.inner()))
    })
}

/// serde's path to the node that failed, as a JSON pointer relative to where
/// deserializing started.
pub(crate) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                pointer = crate::diagnostic::pointer_join(&pointer, index.to_string())
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer = crate::diagnostic::pointer_join(&pointer, key)
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

/// The hash of `parsed` that generated headers carry: over the document, not its text, so
/// that `specfirst check` does not call a crate stale after an edit that changes no value.
fn document_sha256(parsed: &Value) -> String {
    use sha2::Digest;
    let compact = serde_json::to_vec(parsed)
        .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes"));
    let digest = sha2::Sha256::digest(compact);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
