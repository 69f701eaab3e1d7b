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
    /// Whether the types go into model crates of their own.
    pub split: Split,
    /// About how many bytes of Rust one model crate holds when split; `None` for
    /// [`Split::PART_BYTES`].
    pub split_size: Option<usize>,
}

/// Whether a generated crate's types go into model crates of their own, `models-1`,
/// `models-2`, ... inside the crate's directory, each depending only on earlier ones.
///
/// rustc compiles a crate in one piece, so its memory and time grow with the crate;
/// split, a big API's types compile in parts of about 1.2 MB, one rustc each, and a
/// change to the operations does not recompile the types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Split {
    /// Split when the types are more than [`Split::AUTO_ABOVE`] bytes of Rust.
    #[default]
    Auto,
    /// Always: even a small API's types are a crate of their own.
    Always,
    /// Never: the types stay in the crate's `types` module.
    Never,
}

impl Split {
    /// The size of the types above which [`Split::Auto`] splits them: two parts' worth.
    /// Oxide's nexus (0.9 MB of types) stays one crate; GitHub's (4.7 MB) and Stripe's
    /// are split.
    pub const AUTO_ABOVE: usize = 2 * Split::PART_BYTES;

    /// About how many bytes of Rust one model crate holds by default: GitHub's 4.7 MB of
    /// types took 4.7 GiB to check as one crate; in parts this size each rustc peaks
    /// near 1.6 GiB.
    pub const PART_BYTES: usize = emit::models::PART_BYTES;

    /// Its name in `--split` and `specfirst.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Split::Auto => "auto",
            Split::Always => "always",
            Split::Never => "never",
        }
    }
}

impl std::str::FromStr for Split {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "auto" => Ok(Split::Auto),
            "always" => Ok(Split::Always),
            "never" => Ok(Split::Never),
            other => Err(format!(
                "unknown split {other:?}: choose auto, always or never"
            )),
        }
    }
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

    fn emit(&self, document_file: &str, model_crates: &[String]) -> Result<emit::Emitted, Error> {
        let published = self.document.input();
        let types = self.types()?;
        let at = emit::TypesAt::Here;
        debug_assert!(model_crates.is_empty());
        Ok(emit::emit(&self.api, types, published, document_file, at))
    }

    /// [`Generator::emit`] for a crate whose types are in `model_crates` but for `kept`.
    fn emit_split(&self, model_crates: &[String], kept: &str) -> Result<emit::Emitted, Error> {
        let published = self.document.input();
        let types = self.types()?;
        let at = emit::TypesAt::Crates {
            crates: model_crates,
            kept,
        };
        Ok(emit::emit(&self.api, types, published, "openapi.json", at))
    }

    fn types(&self) -> Result<&ir::Types, Error> {
        self.types
            .as_ref()
            .map_err(|problems| Error::Spec(problems.clone()))
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
        let emitted = self.emit(&format!("{stem}.json"), &[])?;
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
    ///
    /// With the types split ([`Split`]), also each model crate's `models-N/Cargo.toml`,
    /// `models-N/src/lib.rs` and `models-N/src/generated.rs`.
    pub fn crate_files(&self, options: &CrateOptions) -> Result<Vec<GeneratedFile>, Error> {
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| self.default_crate_name());
        let types = self.types()?;
        let split = match options.split {
            Split::Never => None,
            Split::Auto if types.items_text().len() <= Split::AUTO_ABOVE => None,
            Split::Auto | Split::Always => emit::models::split(
                types.items_text(),
                options.split_size.unwrap_or(Split::PART_BYTES).max(1),
                &emit::models::page_types(&self.api, types),
            ),
        }
        // Nothing to split off when every type stays.
        .filter(|split| !split.parts.is_empty());
        let (parts, kept) = match &split {
            Some(split) => (split.parts.as_slice(), split.kept.as_str()),
            None => (&[][..], ""),
        };
        let model_names: Vec<String> = (1..=parts.len())
            .map(|k| format!("{name}-models-{k}"))
            .collect();
        let model_crates: Vec<String> = model_names.iter().map(|n| n.replace('-', "_")).collect();
        let emitted = match split {
            Some(_) => self.emit_split(&model_crates, kept)?,
            None => self.emit("openapi.json", &[])?,
        };
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
        let mut files = vec![
            GeneratedFile {
                path: "Cargo.toml".into(),
                contents: self.manifest(&name, options, emitted.uses, &model_names),
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
        ];
        for (k, part) in parts.iter().enumerate() {
            files.extend(self.model_crate(&name, k, parts.len(), part, &model_names));
        }
        Ok(files)
    }

    /// The files of model crate `k` (from 0) of `count`, `models-{k + 1}/`.
    fn model_crate(
        &self,
        api_crate: &str,
        k: usize,
        count: usize,
        part: &emit::models::Part,
        names: &[String],
    ) -> Vec<GeneratedFile> {
        let dir = format!("models-{}", k + 1);
        let what = format!(
            "Types of {} {}, part {} of {count}, for the crate `{api_crate}`",
            self.api.title,
            self.api.version,
            k + 1
        );
        let mut manifest = self.header("#");
        manifest.push_str(&format!(
            "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\n\n",
            toml_string(&names[k]),
            toml_string(&format!("{what}, generated by specfirst")),
        ));
        manifest.push_str("[dependencies]\n");
        let uses = self.types.as_ref().map(|t| t.uses()).unwrap_or_default();
        let mut deps: Vec<String> = part
            .imports
            .iter()
            .map(|&j| format!("{} = {{ path = \"../models-{}\" }}\n", names[j], j + 1))
            .collect();
        deps.extend(dependency_lines(uses));
        deps.sort();
        manifest.extend(deps);

        let mut lib = self.header("//!");
        lib.push_str(&format!(
            "//!\n//! {}.\n\n#[rustfmt::skip]\nmod generated;\n\npub use generated::types::*;\n",
            what.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        let imports: String = part
            .imports
            .iter()
            .map(|&j| format!("    use ::{}::*;\n", names[j].replace('-', "_")))
            .collect();
        let code = format!(
            "{}\n/// Types generated from the schemas of the API, part {} of {count}.\n\
             #[allow(clippy::all, missing_docs, dead_code, unused_comparisons, unused_imports)]\n\
             pub mod types {{\n{imports}{}{}}}\n",
            self.header("//"),
            k + 1,
            if imports.is_empty() || part.items.is_empty() {
                ""
            } else {
                "\n"
            },
            part.items,
        );
        vec![
            GeneratedFile {
                path: format!("{dir}/Cargo.toml"),
                contents: manifest,
            },
            GeneratedFile {
                path: format!("{dir}/src/lib.rs"),
                contents: lib,
            },
            GeneratedFile {
                path: format!("{dir}/src/generated.rs"),
                contents: code,
            },
        ]
    }

    fn manifest(
        &self,
        name: &str,
        options: &CrateOptions,
        uses: ir::Uses,
        model_names: &[String],
    ) -> String {
        let runtime = match &options.runtime {
            RuntimeDependency::Version(version) => format!("version = {}", toml_string(version)),
            RuntimeDependency::Path(path) => format!("path = {}", toml_string(path)),
        };
        let mut text = self.header("#");
        text.push_str(&format!(
            "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\n\n",
            toml_string(name),
            toml_string(&format!(
                "Server interface for {} {}, generated by specfirst",
                self.api.title, self.api.version
            )),
        ));
        text.push_str("[dependencies]\n");
        let mut deps = dependency_lines(uses);
        deps.push(format!("specfirst-runtime = {{ {runtime} }}\n"));
        for (k, model) in model_names.iter().enumerate() {
            deps.push(format!("{model} = {{ path = \"models-{}\" }}\n", k + 1));
        }
        deps.sort();
        text.extend(deps);
        text
    }

    /// The spec's title in kebab case, for the package name.
    pub fn default_crate_name(&self) -> String {
        naming::snake(&self.api.title, "api")
            .trim_end_matches('_')
            .replace('_', "-")
    }

    /// Writes the whole crate into `dir`; on any error nothing is changed.
    ///
    /// Model crates of an earlier generation that this one no longer has (`models-N`
    /// directories whose manifest specfirst wrote) are removed once the new files are
    /// in place.
    pub fn write_crate(&self, dir: impl AsRef<Path>, options: &CrateOptions) -> Result<(), Error> {
        let dir = dir.as_ref();
        let files = self.crate_files(options)?;
        output::write_all(dir, &files)?;
        for stale in output::stale_model_crates(dir, &files) {
            let path = dir.join(stale);
            std::fs::remove_dir_all(&path).map_err(|source| Error::Io { path, source })?;
        }
        Ok(())
    }

    /// How the crate in `dir` differs from what this spec generates; empty when fresh.
    pub fn check_crate(
        &self,
        dir: impl AsRef<Path>,
        options: &CrateOptions,
    ) -> Result<Vec<Drift>, Error> {
        let files = self.crate_files(options)?;
        let mut drift = output::drift(dir.as_ref(), &files);
        for stale in output::stale_model_crates(dir.as_ref(), &files) {
            drift.push(Drift {
                diff: format!(
                    "{stale}/ is a model crate the spec no longer generates: remove it\n"
                ),
                path: format!("{stale}/"),
            });
        }
        Ok(drift)
    }
}

/// The manifest lines of the crates the types use (`uses`) and serde's, one each.
fn dependency_lines(uses: ir::Uses) -> Vec<String> {
    let mut lines = Vec::new();
    if uses.chrono {
        lines.push("chrono = { version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }\n".to_string());
    }
    if uses.regress {
        lines.push("regress = \"0.10\"\n".to_string());
    }
    lines.push("serde = { version = \"1\", features = [\"derive\"] }\n".to_string());
    lines.push("serde_json = \"1\"\n".to_string());
    if uses.uuid {
        lines.push("uuid = { version = \"1\", features = [\"serde\"] }\n".to_string());
    }
    lines
}

fn toml_string(value: &str) -> String {
    // A JSON string is a valid TOML basic string for everything a name or path holds.
    serde_json::to_string(value).unwrap_or_else(|_| unreachable!("strings always serialize"))
}
