//! The CI gate: whether committed crates still match their specs, for one crate or
//! for every crate a `specfirst.toml` lists, as reports a program can read.
//!
//! ```toml
//! [[crate]]
//! spec = "api/bookshelf.yaml"     # relative to this file
//! dir = "crates/bookshelf-api"    # relative to this file
//! name = "bookshelf-api"          # optional: the package name
//! runtime_path = "../../runtime"  # optional: relative to the generated crate, as written
//! runtime_version = "0.1"         # optional, instead: from crates.io; or runtime_git = URL;
//!                                 # without any, the runtime this specfirst was built from
//! tags = ["books"]                # optional: only the operations with these tags...
//! operations = ["getAuthor"]      # ...or these operationIds (see `Selection`)
//! default_not_implemented = true  # optional: methods answer 501 until written
//! trait_name = "Bookshelf"        # optional: the API trait's name (see `Settings`)
//! nullable = "option"             # optional: optional nullable properties as `Option`
//! derives = ["PartialEq"]         # optional: derives on every model type
//!
//! [crate.types.Book]               # optional: one component schema's type
//! rename = "Volume"                # its Rust name
//! derives = ["Hash"]               # more derives
//! attrs = ["#[non_exhaustive]"]    # attributes
//! replace = "my_types::Book"       # or an existing type instead of a generated one
//!
//! [crate.method_names]             # optional: trait method names by operationId
//! listBooks = "books"
//!
//! [crate.dependencies]             # optional: crates the generated code may name
//! my-types = { path = "../my-types" }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::settings::{RawCustom, RawType};
use crate::{
    CrateOptions, Generator, MethodBodies, NullableFields, RuntimeDependency, Selection, Settings,
    Split,
};

/// Why a check configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read the configuration: {source}", path.display())]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML or does not have the expected shape.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong, from the TOML parser.
        message: String,
    },
}

/// The crates one `specfirst check --config` call checks.
#[derive(Debug, Clone)]
pub struct CheckConfig {
    /// Each crate, with paths already made relative to the working directory.
    pub crates: Vec<CrateEntry>,
}

/// One spec and the crate generated from it.
#[derive(Debug, Clone)]
pub struct CrateEntry {
    /// The spec.
    pub spec: PathBuf,
    /// The generated crate's directory.
    pub dir: PathBuf,
    /// The options it was generated with.
    pub options: CrateOptions,
    /// The operations it was generated with; [`Selection::is_all`] for every one.
    pub selection: Selection,
    /// How its trait's methods were written (`--default-not-implemented`).
    pub bodies: MethodBodies,
    /// What it was generated with beyond the spec (`--trait-name`, `--nullable`).
    pub settings: Settings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(rename = "crate", default)]
    crates: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    spec: PathBuf,
    dir: PathBuf,
    name: Option<String>,
    runtime_path: Option<String>,
    runtime_version: Option<String>,
    runtime_git: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    operations: Vec<String>,
    /// `auto`, `always` or `never`, as `--split`.
    split: Option<String>,
    /// Bytes of Rust per model crate, as `--split-size`.
    split_size: Option<usize>,
    /// As `--default-not-implemented`.
    #[serde(default)]
    default_not_implemented: bool,
    /// As `--trait-name`.
    trait_name: Option<String>,
    /// `three-state` or `option`, as `--nullable`.
    nullable: Option<String>,
    /// The customising keys (see [`Settings`]).
    #[serde(default)]
    derives: Vec<String>,
    #[serde(default)]
    types: BTreeMap<String, RawType>,
    #[serde(default)]
    method_names: BTreeMap<String, String>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
}

impl CheckConfig {
    /// Reads the configuration at `path`; `spec` and `dir` are relative to its
    /// directory, so the check gives the same answer from any working directory.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let base = path.parent().unwrap_or_else(|| Path::new(""));
        Self::from_toml(path, base, &text)
    }

    /// Parses configuration text; `file` names it in errors and `base` is the
    /// directory its paths are relative to.
    pub fn from_toml(file: &Path, base: &Path, text: &str) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: file.to_path_buf(),
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if raw.crates.is_empty() {
            // An empty gate would pass forever; more likely a typo such as `[[crates]]`.
            return Err(invalid(
                "no `[[crate]]` entries; list each spec and its crate directory".into(),
            ));
        }
        let crates = raw
            .crates
            .into_iter()
            .map(|entry| entry.resolve(base).map_err(invalid))
            .collect::<Result<_, _>>()?;
        Ok(Self { crates })
    }
}

impl RawEntry {
    /// The entry, with `spec` and `dir` taken relative to `base`; why it cannot be used.
    fn resolve(self, base: &Path) -> Result<CrateEntry, String> {
        let dir = base.join(&self.dir);
        let split = match self.split {
            Some(text) => text
                .parse::<Split>()
                .map_err(|message| format!("crate {}: {message}", dir.display()))?,
            None => Split::default(),
        };
        if self.split_size == Some(0) {
            return Err(format!(
                "crate {}: split_size must be at least 1",
                dir.display()
            ));
        }
        let nullable = match self.nullable {
            Some(text) => text
                .parse::<NullableFields>()
                .map_err(|message| format!("crate {}: {message}", dir.display()))?,
            None => NullableFields::default(),
        };
        let mut settings = Settings {
            trait_name: self.trait_name,
            nullable,
            ..Settings::default()
        };
        RawCustom {
            derives: self.derives,
            types: self.types,
            method_names: self.method_names,
            dependencies: self.dependencies,
        }
        .apply(&mut settings);
        settings
            .check()
            .map_err(|message| format!("crate {}: {message}", dir.display()))?;
        let runtime = match (self.runtime_path, self.runtime_version, self.runtime_git) {
            (Some(path), None, None) => RuntimeDependency::Path(path),
            (None, Some(version), None) => RuntimeDependency::Version(version),
            (None, None, Some(url)) => RuntimeDependency::Git(url),
            (None, None, None) => RuntimeDependency::built_for(&dir),
            _ => {
                return Err(format!(
                    "crate {}: runtime_path, runtime_version and runtime_git exclude each other",
                    dir.display()
                ))
            }
        };
        Ok(CrateEntry {
            spec: base.join(self.spec),
            dir,
            options: CrateOptions {
                name: self.name,
                runtime,
                split,
                split_size: self.split_size,
            },
            selection: Selection {
                tags: self.tags,
                operations: self.operations,
            },
            bodies: if self.default_not_implemented {
                MethodBodies::NotImplemented
            } else {
                MethodBodies::Required
            },
            settings,
        })
    }
}

impl CrateEntry {
    /// The spec loaded with this entry's selection, writing the trait's methods as the
    /// entry says: what `generate` and `check` run for it, and what a build script
    /// reading a `specfirst.toml` calls.
    pub fn generator(&self) -> Result<Generator, crate::Error> {
        Ok(
            Generator::from_path_with_settings(&self.spec, &self.selection, &self.settings)?
                .with_method_bodies(self.bodies),
        )
    }

    /// The crate in `dir` as its manifest records it: the spec and settings in
    /// `[package.metadata.specfirst]`, which `specfirst generate` writes, and the package
    /// name; the spec is relative to `dir`.
    pub fn from_crate_dir(dir: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let dir = dir.as_ref();
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.clone(),
            message,
        };
        let manifest: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let package = manifest.get("package").and_then(toml::Value::as_table);
        let Some(mut settings) = package
            .and_then(|package| package.get("metadata"))
            .and_then(|metadata| metadata.get("specfirst"))
            .and_then(toml::Value::as_table)
            .cloned()
        else {
            return Err(invalid(
                "no [package.metadata.specfirst] table: not a crate specfirst generated, or one \
                 generated before crates recorded their settings; give the spec too"
                    .into(),
            ));
        };
        settings.insert("dir".into(), toml::Value::String(".".into()));
        if let Some(name) = package.and_then(|package| package.get("name")) {
            settings.insert("name".into(), name.clone());
        }
        let raw: RawEntry = toml::Value::Table(settings)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(format!("[package.metadata.specfirst]: {e}")))?;
        let mut entry = raw.resolve(dir).map_err(invalid)?;
        // `dir/.` reads worse in reports than the directory as given.
        entry.dir = dir.to_path_buf();
        Ok(entry)
    }
}

/// Where a checked crate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The crate is what the spec generates.
    Fresh,
    /// Some files differ from what the spec generates.
    Stale,
    /// The spec could not be read or generated from.
    Error,
}

impl Status {
    /// The exit code `specfirst check` uses: 0 fresh, 1 stale, 2 error.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Fresh => 0,
            Status::Stale => 1,
            Status::Error => 2,
        }
    }
}

/// The result of checking one crate.
#[derive(Debug, Clone, Serialize)]
pub struct CrateReport {
    /// The spec, as given.
    pub spec: PathBuf,
    /// The crate directory, as given.
    pub dir: PathBuf,
    /// Fresh, stale or error.
    pub status: Status,
    /// The files that differ, relative to `dir`.
    pub changed_files: Vec<String>,
    /// The unified diff of every changed file, when stale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Why the check failed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The command that generates the crate again with the settings checked.
    pub regenerate: String,
    /// With `--lint`, each operation the runtime may answer with a status it does not
    /// declare, as `spec#pointer: message` ([`crate::lint`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lints: Vec<String>,
}

/// Checks the crate in `entry.dir` against `entry.spec`.
pub fn check_crate(entry: &CrateEntry) -> CrateReport {
    report(entry, false)
}

/// [`check_crate`], and the report's `lints`: each operation the runtime may answer
/// with a status it does not declare ([`crate::lint::undeclared_rejections`]), as
/// `spec#pointer: message`.
pub fn check_crate_linted(entry: &CrateEntry) -> CrateReport {
    report(entry, true)
}

/// The report of checking `entry`, with the lint findings when `lint`; the spec is
/// read once for both.
fn report(entry: &CrateEntry, lint: bool) -> CrateReport {
    let mut lints = Vec::new();
    let drift = entry.generator().and_then(|generator| {
        if lint {
            lints = crate::lint::undeclared_rejections(generator.api())
                .into_iter()
                .map(|(pointer, message)| format!("{}#{pointer}: {message}", entry.spec.display()))
                .collect();
        }
        generator.check_crate(&entry.dir, &entry.options)
    });
    let (status, changed_files, diff, error) = match drift {
        Ok(drift) if drift.is_empty() => (Status::Fresh, Vec::new(), None, None),
        Ok(drift) => (
            Status::Stale,
            drift.iter().map(|file| file.path.clone()).collect(),
            Some(drift.iter().map(|file| file.diff.as_str()).collect()),
            None,
        ),
        Err(error) => (Status::Error, Vec::new(), None, Some(error.report())),
    };
    CrateReport {
        spec: entry.spec.clone(),
        dir: entry.dir.clone(),
        status,
        changed_files,
        diff,
        error,
        regenerate: regenerate_command(entry),
        lints,
    }
}

/// Whether `text` is a `--set KEY=VALUE` that [`apply_assignment`] takes; why not.
pub fn custom_assignment(text: &str) -> Result<(), String> {
    RawCustom::from_assignment(text).map(|_| ())
}

/// `--set KEY=VALUE` put over `settings` (a valid one: see [`custom_assignment`];
/// others change nothing).
pub fn apply_assignment(settings: &mut Settings, text: &str) {
    if let Ok(custom) = RawCustom::from_assignment(text) {
        custom.apply(settings);
    }
}

/// `specfirst generate` with every setting `entry` was checked with, shell-quoted.
pub fn regenerate_command(entry: &CrateEntry) -> String {
    let mut args: Vec<String> = vec![
        "specfirst".into(),
        "generate".into(),
        entry.spec.display().to_string(),
        "--out".into(),
        entry.dir.display().to_string(),
    ];
    let options = &entry.options;
    if let Some(name) = &options.name {
        args.extend(["--crate-name".into(), name.clone()]);
    }
    let (key, value) = options.runtime.key_and_value();
    args.extend([format!("--runtime-{key}"), value.to_string()]);
    if options.split != Split::default() {
        args.extend(["--split".into(), options.split.name().into()]);
    }
    if let Some(size) = options.split_size.filter(|&size| size != Split::PART_BYTES) {
        args.extend(["--split-size".into(), size.to_string()]);
    }
    if !entry.selection.tags.is_empty() {
        args.extend(["--tags".into(), entry.selection.tags.join(",")]);
    }
    if !entry.selection.operations.is_empty() {
        args.extend(["--operations".into(), entry.selection.operations.join(",")]);
    }
    if entry.bodies == MethodBodies::NotImplemented {
        args.push("--default-not-implemented".into());
    }
    if let Some(name) = &entry.settings.trait_name {
        args.extend(["--trait-name".into(), name.clone()]);
    }
    if entry.settings.nullable != NullableFields::default() {
        args.extend(["--nullable".into(), entry.settings.nullable.name().into()]);
    }
    for (key, value) in entry.settings.assignments() {
        args.extend(["--set".into(), format!("{key}={value}")]);
    }
    args.iter()
        .map(|arg| shell_word(arg))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` as a POSIX shell reads it back: as is when it holds only safe characters.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,=@+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The worst status among `reports`: what the whole gate answers.
pub fn worst(reports: &[CrateReport]) -> Status {
    reports
        .iter()
        .map(|report| report.status)
        .max()
        .unwrap_or(Status::Fresh)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{regenerate_command, CheckConfig, CrateEntry};
    use crate::{
        CrateOptions, MethodBodies, NullableFields, RuntimeDependency, Selection, Settings, Split,
    };

    #[test]
    fn a_crate_entry_takes_the_split_keys() {
        let text =
            "[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\nsplit = \"always\"\nsplit_size = 4000\n\n\
                    [[crate]]\nspec = \"b.yaml\"\ndir = \"b\"\n";
        let config =
            CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), text).unwrap();
        assert_eq!(config.crates[0].options.split, Split::Always);
        assert_eq!(config.crates[0].options.split_size, Some(4000));
        assert_eq!(config.crates[1].options.split, Split::Auto);
        assert_eq!(config.crates[1].options.split_size, None);
    }

    #[test]
    fn a_zero_split_size_is_refused() {
        let text = "[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\nsplit_size = 0\n";
        let error = CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), text)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("specfirst.toml") && error.contains("split_size"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_split_names_the_file_and_the_crate() {
        let text = "[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\nsplit = \"sometimes\"\n";
        let error = CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), text)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("specfirst.toml") && error.contains("sometimes"),
            "{error}"
        );
    }

    #[test]
    fn a_crate_entry_takes_the_nullable_key() {
        let text = "[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\nnullable = \"option\"\n\n\
                    [[crate]]\nspec = \"b.yaml\"\ndir = \"b\"\n";
        let config =
            CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), text).unwrap();
        assert_eq!(config.crates[0].settings.nullable, NullableFields::Option);
        assert_eq!(
            config.crates[1].settings.nullable,
            NullableFields::ThreeState
        );
        assert!(regenerate_command(&config.crates[0]).ends_with(" --nullable option"));
        let text = "[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\nnullable = \"maybe\"\n";
        let error = CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), text)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("specfirst.toml") && error.contains("\"maybe\""),
            "{error}"
        );
    }

    #[test]
    fn the_runtime_is_a_path_a_version_or_the_one_specfirst_was_built_from() {
        let parse = |extra: &str| {
            let text = format!("[[crate]]\nspec = \"a.yaml\"\ndir = \"a\"\n{extra}");
            CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), &text)
        };
        let runtime =
            |extra: &str| parse(extra).map(|config| config.crates[0].options.runtime.clone());
        assert_eq!(
            runtime("runtime_version = \"0.1\"\n").ok(),
            Some(RuntimeDependency::Version("0.1".into()))
        );
        assert_eq!(
            runtime("runtime_path = \"../rt\"\n").ok(),
            Some(RuntimeDependency::Path("../rt".into()))
        );
        assert_eq!(
            runtime("").ok(),
            Some(RuntimeDependency::built_for(Path::new("a")))
        );
        let error = parse("runtime_path = \"../rt\"\nruntime_version = \"0.1\"\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("exclude each other"), "{error}");
        assert_eq!(
            runtime("runtime_git = \"https://example.com/specfirst\"\n").ok(),
            Some(RuntimeDependency::Git(
                "https://example.com/specfirst".into()
            ))
        );
    }

    #[test]
    fn the_regenerate_command_carries_every_setting() {
        let entry = CrateEntry {
            spec: "api specs/a.yaml".into(),
            dir: "crates/a".into(),
            options: CrateOptions {
                name: Some("a-api".into()),
                runtime: RuntimeDependency::Path("../rt".into()),
                split: Split::Always,
                split_size: Some(1000),
            },
            selection: Selection {
                tags: vec!["x".into(), "y".into()],
                operations: vec!["op".into()],
            },
            bodies: MethodBodies::NotImplemented,
            settings: Settings::default().with_trait_name("Shelf"),
        };
        assert_eq!(
            regenerate_command(&entry),
            "specfirst generate 'api specs/a.yaml' --out crates/a --crate-name a-api \
             --runtime-path ../rt --split always --split-size 1000 --tags x,y --operations op \
             --default-not-implemented --trait-name Shelf"
        );
    }

    #[test]
    fn an_entry_gives_the_generator_a_build_script_needs() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/bookshelf.yaml");
        let text = format!(
            "[[crate]]\nspec = {:?}\ndir = \"api\"\noperations = [\"getBook\"]\ndefault_not_implemented = true\n",
            spec.display().to_string()
        );
        let config = CheckConfig::from_toml(Path::new("specfirst.toml"), Path::new(""), &text)
            .expect("valid");
        let files = config.crates[0]
            .generator()
            .and_then(|generator| generator.module_files("api"))
            .expect("generates");
        let code = &files[0].contents;
        assert!(
            code.contains("rt::not_implemented(\"getBook\")"),
            "the setting is applied"
        );
        assert!(!code.contains("fn list_books("), "the selection is applied");
    }
}
