//! Reading a spec: JSON or YAML by content, the version check, and the typed model.
//!
//! The raw `serde_json::Value` is kept beside the typed `openapiv3` model because
//! schemas are handed to typify from the raw text (nothing lost to the typed model)
//! and because every diagnostic needs a JSON pointer into what the user wrote.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::swagger2::{self, Origins};

/// A parsed OpenAPI 3.0 document (Swagger 2.0 input is converted to 3.0 first).
#[derive(Debug, Clone)]
pub struct Document {
    /// The file the document came from, as the user named it.
    pub file: PathBuf,
    /// The document as JSON, with the key order of the input.
    pub raw: Value,
    /// The document's `info`.
    pub info: openapiv3::Info,
    /// SHA-256 of the input bytes, in hex, written into generated headers.
    pub sha256: String,
    /// The document as written, when it was converted (from Swagger 2.0) into `raw`.
    pub original: Option<Value>,
    /// Maps pointers into `raw` back to pointers into what the user wrote.
    pub origins: Origins,
}

impl Document {
    /// Reads and parses the spec at `path`.
    pub fn from_path(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::ReadSpec {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(path, &bytes)
    }

    /// Parses `bytes`, naming them `file` in diagnostics.
    pub fn from_bytes(file: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let fail = |pointer: &str, message: String| {
            Error::Spec(Diagnostics::new(
                file,
                vec![Diagnostic::new(pointer, message)],
            ))
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| fail("", format!("the spec is not valid UTF-8: {e}")))?;
        let raw = parse_text(text).map_err(|message| fail("", message))?;
        // Swagger 2.0 is rewritten as the OpenAPI 3.0 it means; everything after
        // reads `raw`, and diagnostics go back through `origins`.
        let (raw, original, origins) = if raw.get("swagger").is_some() {
            let converted = swagger2::convert(&raw)
                .map_err(|items| Error::Spec(Diagnostics::new(file, items)))?;
            (converted.doc, Some(raw), converted.origins)
        } else {
            (raw, None, Origins::identity())
        };
        check_version(&raw).map_err(|(pointer, message)| fail(&pointer, message))?;
        let info = typed(&raw).map_err(|(pointer, message)| fail(&pointer, message))?;
        Ok(Self {
            file: file.to_path_buf(),
            raw,
            info,
            sha256: sha256_hex(bytes),
            original,
            origins,
        })
    }

    /// `items`, found in `raw`, as diagnostics pointing into what the user wrote.
    pub fn diagnostics(&self, items: Vec<Diagnostic>) -> Diagnostics {
        let items = items
            .into_iter()
            .map(|item| Diagnostic::new(self.origins.original(&item.pointer), item.message))
            .collect();
        Diagnostics::new(&self.file, items)
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

fn check_version(raw: &Value) -> Result<(), (String, String)> {
    let Some(object) = raw.as_object() else {
        return Err((String::new(), "the document must be a JSON object".into()));
    };
    if let Some(swagger) = object.get("swagger") {
        return Err((
            "/swagger".into(),
            format!("Swagger {swagger} documents are not supported yet; convert to OpenAPI 3.0"),
        ));
    }
    match object.get("openapi") {
        None => Err((
            String::new(),
            "missing the `openapi` version field; is this an OpenAPI document?".into(),
        )),
        Some(Value::String(version)) if version.starts_with("3.0") => Ok(()),
        Some(Value::String(version)) => Err((
            "/openapi".into(),
            format!("OpenAPI {version} is not supported yet; only 3.0.x is"),
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

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
