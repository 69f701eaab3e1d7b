//! `specfirst` turns an OpenAPI document (3.0, 3.1 or Swagger 2.0) into a Rust crate:
//! typed models, one trait with an async method per operation, and a function that
//! serves any implementation of that trait on an axum router through
//! `specfirst-runtime`.
//!
//! The library's API:
//!
//! - [`Generator`]: load and check a spec ([`Generator::from_path`], or only some of its
//!   operations with [`Generator::from_path_with`] and a [`Selection`]), then write a whole
//!   crate ([`Generator::write_crate`]), a module for `build.rs`
//!   ([`Generator::write_to`]), or compare a crate on disk with what the spec generates
//!   ([`Generator::check_crate`]). Every problem in the spec comes back at once in an
//!   [`Error`], each [`Diagnostic`] naming the file and the JSON pointer of the node.
//! - [`load`]: the spec read into one JSON document in OpenAPI 3.0 form.
//! - [`ir`]: the API model the code is generated from ([`Generator::api`]).
//! - [`roundtrip`]: the model written back as OpenAPI and compared with the input.
//! - [`check`]: the CI gate over the crates a `specfirst.toml` lists.
//! - [`diff`]: breaking and compatible changes between two versions of a spec.
//!
//! Inside, the flow is one way: loading, lowering into the model (where every problem
//! is found, typify's included), then emitting Rust, which cannot fail.
//!
//! From a build script:
//!
//! ```no_run
//! # fn main() -> Result<(), specfirst::Error> {
//! let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
//! specfirst::Generator::from_path("api.yaml")?.write_to(out_dir.join("api.rs"))?;
//! # Ok(()) }
//! ```
//! and then `include!(concat!(env!("OUT_DIR"), "/api.rs"));` in the crate.

pub mod check;
mod diagnostic;
pub mod diff;
mod emit;
mod error;
mod format;
pub mod ir;
mod keywords;
pub mod load;
mod lower;
mod naming;
mod output;
pub mod roundtrip;
mod text;

use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Diagnostics};
pub use error::Error;
pub use load::Selection;
pub use output::{Drift, GeneratedFile};

/// The version written into generated headers.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// How a generated crate depends on `specfirst-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// From crates.io, by version requirement.
    Version(String),
    /// From a local directory, written as given (relative to the generated crate).
    Path(String),
}

impl Default for RuntimeDependency {
    fn default() -> Self {
        Self::Version(VERSION.to_string())
    }
}

/// Settings for generating a whole crate.
#[derive(Debug, Clone, Default)]
pub struct CrateOptions {
    /// The package name; defaults to the spec's title in kebab case.
    pub name: Option<String>,
    /// Where `specfirst-runtime` comes from.
    pub runtime: RuntimeDependency,
}

/// A loaded, checked spec, ready to generate code from.
#[derive(Debug, Clone)]
pub struct Generator {
    document: load::Document,
    api: ir::Api,
    /// The Rust type of every schema the API uses, or what typify could not type.
    types: Result<ir::Types, Diagnostics>,
}

impl Generator {
    /// Loads and checks the spec at `path`; every problem found is in the error, except
    /// schemas typify cannot turn into types, which the methods that write code report.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        Self::from_document(load::Document::from_path(path.as_ref())?)
    }

    /// Loads and checks a spec from memory; `file` names it in diagnostics. Reports
    /// problems as [`Generator::from_path`] does.
    pub fn from_bytes(file: impl AsRef<Path>, bytes: &[u8]) -> Result<Self, Error> {
        Self::from_document(load::Document::from_bytes(file.as_ref(), bytes)?)
    }

    /// Loads the spec at `path` keeping only the operations `selection` keeps, and the
    /// components they reach; checks and generates that, as [`Generator::from_path`]
    /// does the whole spec. The crate serves the selected document, and its headers
    /// record the selection. A selected name that matches no operation is an
    /// [`Error::Unselected`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), specfirst::Error> {
    /// let selection = specfirst::Selection::default().with_tags(["repos"]);
    /// let generator = specfirst::Generator::from_path_with("github.json", &selection)?;
    /// # Ok(()) }
    /// ```
    pub fn from_path_with(path: impl AsRef<Path>, selection: &Selection) -> Result<Self, Error> {
        Self::from_document(load::Document::from_path_with(path.as_ref(), selection)?)
    }

    /// [`Generator::from_bytes`] with a selection, as [`Generator::from_path_with`].
    pub fn from_bytes_with(
        file: impl AsRef<Path>,
        bytes: &[u8],
        selection: &Selection,
    ) -> Result<Self, Error> {
        Self::from_document(load::Document::from_bytes_with(
            file.as_ref(),
            bytes,
            selection,
        )?)
    }

    fn from_document(document: load::Document) -> Result<Self, Error> {
        let api = lower::lower(&document).map_err(Error::Spec)?;
        // typify runs now, so every problem is known before emitting; a spec it cannot
        // type still lowers, so the round trip and the model stay available for it.
        let types = lower::types::resolve(&document, &api);
        Ok(Self {
            document,
            api,
            types,
        })
    }

    /// The API model.
    pub fn api(&self) -> &ir::Api {
        &self.api
    }

    /// The spec as loaded: JSON, in the key order of the input; with a selection, what
    /// it kept.
    pub fn document(&self) -> &serde_json::Value {
        &self.document.raw
    }

    /// The operations this generator keeps ([`Selection::is_all`] when every one).
    pub fn selection(&self) -> &Selection {
        &self.document.selection
    }

    /// The differences between the spec and the document rebuilt from the API model
    /// ([`roundtrip`]); empty when lowering lost nothing. A spec that loading rewrote
    /// (OpenAPI 3.1, Swagger 2.0, moved sub-schemas) is compared in its own version
    /// ([`roundtrip::compare_through`]).
    pub fn roundtrip(&self) -> Vec<roundtrip::Difference> {
        roundtrip::compare_through(
            self.document.input(),
            &self.document.raw,
            &roundtrip::emit_document(&self.api),
        )
    }

    fn emit(&self, document_file: &str) -> Result<emit::Emitted, Error> {
        let published = self.document.input();
        match &self.types {
            Ok(types) => Ok(emit::emit(&self.api, types, published, document_file)),
            Err(problems) => Err(Error::Spec(problems.clone())),
        }
    }

    fn header(&self, comment: &str) -> String {
        let file = self
            .document
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A partial crate says so where a reader looks first.
        let selection = match &self.document.selection {
            selection if selection.is_all() => String::new(),
            selection => format!(", selection: {selection}"),
        };
        format!(
            "{comment} @generated by specfirst {VERSION} from `{file}` (sha256 {}){selection}.\n\
             {comment} Do not edit by hand: change the spec and generate again.\n",
            self.document.sha256
        )
    }

    fn document_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self.document.input())
            .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes"));
        text.push('\n');
        text
    }

    /// The files of a single-module build: `<stem>.rs`, to be `include!`d, and
    /// `<stem>.json`, the document it serves.
    pub fn module_files(&self, stem: &str) -> Result<Vec<GeneratedFile>, Error> {
        let emitted = self.emit(&format!("{stem}.json"))?;
        Ok(vec![
            GeneratedFile {
                path: format!("{stem}.rs"),
                contents: format!("{}\n{}", self.header("//"), emitted.items),
            },
            GeneratedFile {
                path: format!("{stem}.json"),
                contents: self.document_json(),
            },
        ])
    }

    /// Writes the module for `include!` at `path`, and the document beside it with
    /// the extension `json`. Unchanged files are left alone.
    pub fn write_to(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let path = path.as_ref();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "api".into());
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        output::write_all(&dir, &self.module_files(&stem)?)
    }

    /// The files of a whole crate: `Cargo.toml`, `src/lib.rs`, `src/generated.rs` and
    /// `src/openapi.json`.
    ///
    /// The code lives in `generated.rs` behind `#[rustfmt::skip]`, so `cargo fmt` in the
    /// user's workspace never rewrites it and `specfirst check` stays green.
    pub fn crate_files(&self, options: &CrateOptions) -> Result<Vec<GeneratedFile>, Error> {
        let emitted = self.emit("openapi.json")?;
        let api = &self.api;
        let mut lib = self.header("//!");
        // A line break in the title or version would end the comment mid-sentence.
        let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        lib.push_str(&format!(
            "//!\n//! Server interface for {} {}.\n",
            one_line(&api.title),
            one_line(&api.version)
        ));
        for text in [&api.summary, &api.description].into_iter().flatten() {
            lib.push_str("//!\n");
            for line in text::unix_line_breaks(text).trim().lines() {
                lib.push_str(format!("//! {line}").trim_end());
                lib.push('\n');
            }
        }
        lib.push_str("\n#[rustfmt::skip]\nmod generated;\n\npub use generated::*;\n");
        Ok(vec![
            GeneratedFile {
                path: "Cargo.toml".into(),
                contents: self.manifest(options, emitted.uses),
            },
            GeneratedFile {
                path: "src/lib.rs".into(),
                contents: lib,
            },
            GeneratedFile {
                path: "src/generated.rs".into(),
                contents: format!("{}\n{}", self.header("//"), emitted.items),
            },
            GeneratedFile {
                path: "src/openapi.json".into(),
                contents: self.document_json(),
            },
        ])
    }

    fn manifest(&self, options: &CrateOptions, uses: ir::Uses) -> String {
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| self.default_crate_name());
        let runtime = match &options.runtime {
            RuntimeDependency::Version(version) => format!("version = {}", toml_string(version)),
            RuntimeDependency::Path(path) => format!("path = {}", toml_string(path)),
        };
        let mut text = self.header("#");
        text.push_str(&format!(
            "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\n\n",
            toml_string(&name),
            toml_string(&format!(
                "Server interface for {} {}, generated by specfirst",
                self.api.title, self.api.version
            )),
        ));
        text.push_str("[dependencies]\n");
        if uses.chrono {
            text.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n");
        }
        if uses.regress {
            text.push_str("regress = \"0.10\"\n");
        }
        text.push_str("serde = { version = \"1\", features = [\"derive\"] }\n");
        text.push_str("serde_json = \"1\"\n");
        text.push_str(&format!("specfirst-runtime = {{ {runtime} }}\n"));
        if uses.uuid {
            text.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
        }
        text
    }

    /// The spec's title in kebab case, for the package name.
    pub fn default_crate_name(&self) -> String {
        naming::snake(&self.api.title, "api")
            .trim_end_matches('_')
            .replace('_', "-")
    }

    /// Writes the whole crate into `dir`; on any error nothing is changed.
    pub fn write_crate(&self, dir: impl AsRef<Path>, options: &CrateOptions) -> Result<(), Error> {
        output::write_all(dir.as_ref(), &self.crate_files(options)?)
    }

    /// How the crate in `dir` differs from what this spec generates; empty when fresh.
    pub fn check_crate(
        &self,
        dir: impl AsRef<Path>,
        options: &CrateOptions,
    ) -> Result<Vec<Drift>, Error> {
        Ok(output::drift(dir.as_ref(), &self.crate_files(options)?))
    }
}

fn toml_string(value: &str) -> String {
    // A JSON string is a valid TOML basic string for everything a name or path holds.
    serde_json::to_string(value).unwrap_or_else(|_| unreachable!("strings always serialize"))
}
