//! One scratch crate and the `cargo check`s run in it: a crate in
//! `target/corpus-build/slot-N/` (its own workspace) with one module per document,
//! checked into its own target directory. Compiler messages are attributed to
//! documents by the file of their primary span; a failing set is narrowed until what
//! is left compiles, so one bad document never fails its neighbours.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::causes::normalize;
use super::model::Compilation;

/// One compiler message, attributed to a module when its span lies in one.
#[derive(Debug, Clone, PartialEq)]
struct CompilerMessage {
    level: String,
    /// `E0277: the trait bound `…` is not satisfied`.
    key: String,
    /// `api.rs:12:5: error[E0277]: the trait bound ...`.
    text: String,
    /// The module index, from the file of the primary span.
    module: Option<usize>,
}

/// What one `cargo check` of a scratch crate said.
struct CheckOutcome {
    success: bool,
    messages: Vec<CompilerMessage>,
    /// Why the check failed when no message says so (timeout, cargo error).
    trouble: String,
}

/// The scratch crate's `Cargo.toml`: the runtime from this workspace (with its
/// `websocket` feature, which a generated crate turns on when its spec has WebSocket
/// operations, as Oxide's do) and the crates generated code uses. It is part of the
/// ledger's environment: a change to it invalidates every stored answer.
pub(super) fn manifest(root: &Path) -> String {
    let runtime = root.join("runtime");
    format!(
        "[package]\nname = \"specfirst-corpus-batch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n\
         [dependencies]\n\
         specfirst-runtime = {{ path = {runtime:?}, features = [\"websocket\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
         uuid = {{ version = \"1\", features = [\"serde\"] }}\n\
         regress = \"0.10\"\n\n\
         # The generated code's client and mock, declared (as a build script's crate\n\
         # must) and left off, as a crate that only serves has them.\n\
         [features]\nclient = []\nhttp-client = [\"client\", \"specfirst-runtime/http-client\"]\n\
         mock = [\"client\"]\n\n\
         # Not part of the specfirst workspace.\n[workspace]\n",
        runtime = runtime.display().to_string()
    )
}

/// What checking found for one document: its compilation and its warnings.
pub(super) type Verdict = (usize, Compilation, Vec<(String, String)>);

/// One job's scratch crate and target directory; a job checks one batch at a time.
pub(super) struct Checker<'a> {
    /// The scratch crate.
    pub(super) build: PathBuf,
    /// Its target directory, apart from every other job's so no job waits on another's
    /// lock.
    pub(super) target: PathBuf,
    /// How long one `cargo check` may take before it is killed.
    pub(super) timeout: Duration,
    /// Each module's `api.rs`, to attribute messages.
    pub(super) files: &'a HashMap<PathBuf, usize>,
    /// Where the generated modules are, `m{index}/api.rs` each.
    pub(super) gen_root: &'a Path,
}

impl Checker<'_> {
    /// Writes the scratch crate and checks it without modules: the dependencies alone
    /// must build, or no result below would mean anything.
    pub(super) fn prepare(&self, root: &Path) -> Result<()> {
        std::fs::create_dir_all(self.build.join("src"))?;
        std::fs::write(self.build.join("Cargo.toml"), manifest(root))?;
        let lock = self.build.join("Cargo.lock");
        if !lock.exists() {
            // Start from the workspace's versions; cargo drops what this crate does not use.
            let _ = std::fs::copy(root.join("Cargo.lock"), &lock);
        }
        eprintln!(
            "corpus: checking the dependencies in {}",
            self.build.display()
        );
        let warm = self.check(&[])?;
        if !warm.success {
            let first = warm
                .messages
                .iter()
                .find(|m| m.level == "error")
                .map(|m| m.text.clone())
                .unwrap_or(warm.trouble);
            bail!("the scratch crate does not build without any module: {first}");
        }
        Ok(())
    }

    /// Checks `set` until what is left compiles: documents with errors leave the set
    /// each round; errors no document owns split the set in two.
    pub(super) fn check_set(&self, set: Vec<usize>, verdicts: &mut Vec<Verdict>) -> Result<()> {
        let mut live = set;
        while !live.is_empty() {
            let outcome = self.check(&live)?;
            if outcome.success {
                let mut warnings: HashMap<usize, Vec<(String, String)>> = HashMap::new();
                for message in outcome.messages {
                    if let (Some(module), "warning") = (message.module, message.level.as_str()) {
                        warnings
                            .entry(module)
                            .or_default()
                            .push((message.key, message.text));
                    }
                }
                for &i in &live {
                    let mine = warnings.remove(&i).unwrap_or_default();
                    verdicts.push((i, Compilation::Ok, mine));
                }
                return Ok(());
            }
            let mut failed: Vec<usize> = Vec::new();
            for message in &outcome.messages {
                let Some(module) = message.module else {
                    continue;
                };
                if message.level != "error" || !live.contains(&module) {
                    continue;
                }
                if !failed.contains(&module) {
                    failed.push(module);
                    let compilation = Compilation::Failed {
                        key: message.key.clone(),
                        first: message.text.clone(),
                    };
                    verdicts.push((module, compilation, Vec::new()));
                }
            }
            if !failed.is_empty() {
                live.retain(|i| !failed.contains(i));
                continue;
            }
            if live.len() == 1 {
                let first = outcome
                    .messages
                    .iter()
                    .find(|m| m.level == "error")
                    .cloned();
                let (key, text) = match first {
                    Some(m) => (m.key, m.text),
                    None => (
                        format!("check failed: {}", normalize(&outcome.trouble)),
                        outcome.trouble.clone(),
                    ),
                };
                let compilation = Compilation::Failed { key, first: text };
                verdicts.push((live[0], compilation, Vec::new()));
                return Ok(());
            }
            let second = live.split_off(live.len() / 2);
            self.check_set(second, verdicts)?;
        }
        Ok(())
    }

    /// Writes `src/lib.rs` with one module per index and runs `cargo check`.
    fn check(&self, modules: &[usize]) -> Result<CheckOutcome> {
        let mut lib =
            String::from("//! Generated by `cargo xtask corpus`: one module per document.\n");
        for &i in modules {
            let path = self.gen_root.join(format!("m{i}")).join("api.rs");
            let _ = writeln!(
                lib,
                "pub mod m{i} {{ include!({:?}); }}",
                path.display().to_string()
            );
        }
        std::fs::write(self.build.join("src/lib.rs"), lib)?;
        cargo_check(&self.build, &self.target, self.timeout, self.files)
    }
}

/// Checks the generated crate of document `index` in `dir` (a crate with model and
/// operations crates, [`super::split`]) into `target`: its verdict, every message in
/// its `.rs` files being the document's.
pub(super) fn check_crate(
    dir: &Path,
    target: &Path,
    timeout: Duration,
    index: usize,
) -> Result<Verdict> {
    let mut files = HashMap::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(at) = dirs.pop() {
        for entry in std::fs::read_dir(&at)?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.insert(path, index);
            }
        }
    }
    let outcome = cargo_check(dir, target, timeout, &files)?;
    let (errors, warnings): (Vec<CompilerMessage>, Vec<CompilerMessage>) = outcome
        .messages
        .into_iter()
        .filter(|m| m.module == Some(index) || m.level == "error")
        .partition(|m| m.level == "error");
    if outcome.success {
        let warnings = warnings.into_iter().map(|m| (m.key, m.text)).collect();
        return Ok((index, Compilation::Ok, warnings));
    }
    let (key, first) = match errors.into_iter().next() {
        Some(m) => (m.key, m.text),
        None => (
            format!("check failed: {}", normalize(&outcome.trouble)),
            outcome.trouble,
        ),
    };
    Ok((index, Compilation::Failed { key, first }, Vec::new()))
}

/// Runs `cargo check` of the crate in `dir` into `target`, killed after `timeout`;
/// messages are attributed to documents by `files`.
fn cargo_check(
    dir: &Path,
    target: &Path,
    timeout: Duration,
    files: &HashMap<PathBuf, usize>,
) -> Result<CheckOutcome> {
    {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let stderr_log = dir.join("cargo-stderr.log");
        let mut command = Command::new(cargo);
        command
            .args(["check", "--message-format=json", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", target)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log)?);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let mut child = command.spawn().context("cannot run cargo check")?;
        let stdout = child.stdout.take().context("cargo stdout")?;
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let started = Instant::now();
        let mut trouble = String::new();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if started.elapsed() > timeout {
                // The group is cargo and its rustc children, all started here.
                #[cfg(unix)]
                let _ = Command::new("kill")
                    .args(["-KILL", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                trouble = format!("cargo check timed out after {}s", timeout.as_secs());
                break None;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let lines = reader.join().unwrap_or_default();
        let messages: Vec<CompilerMessage> = lines
            .iter()
            .filter_map(|line| parse_message(line, files))
            .collect();
        let success = status.is_some_and(|s| s.success());
        if !success && trouble.is_empty() {
            let log = std::fs::read_to_string(&stderr_log).unwrap_or_default();
            trouble = log
                .lines()
                .filter(|l| l.contains("error"))
                .take(3)
                .collect::<Vec<_>>()
                .join(" | ");
            if trouble.is_empty() {
                trouble = format!("cargo check failed ({:?})", status);
            }
        }
        Ok(CheckOutcome {
            success,
            messages,
            trouble,
        })
    }
}

/// Reads one line of `cargo --message-format=json`; `None` for anything but an error
/// or warning from the compiler.
fn parse_message(line: &str, files: &HashMap<PathBuf, usize>) -> Option<CompilerMessage> {
    let value: Value = serde_json::from_str(line).ok()?;
    if value["reason"] != "compiler-message" {
        return None;
    }
    let message = &value["message"];
    let level = message["level"].as_str()?.to_string();
    if level != "error" && level != "warning" {
        return None;
    }
    let text = message["message"].as_str().unwrap_or("").to_string();
    let spans = message["spans"].as_array().cloned().unwrap_or_default();
    if spans.is_empty()
        && (text.starts_with("aborting due to")
            || text.ends_with("warnings emitted")
            || text.ends_with("warning emitted"))
    {
        return None;
    }
    let code = message["code"]["code"].as_str().unwrap_or("");
    // The primary span, or the place a macro expanded from.
    let mut module = None;
    let mut location = String::new();
    let primary = spans
        .iter()
        .find(|s| s["is_primary"] == true)
        .or_else(|| spans.first());
    let mut span = primary;
    while let Some(s) = span {
        let file = s["file_name"].as_str().unwrap_or("");
        if let Some(&index) = files.get(Path::new(file)) {
            module = Some(index);
            // A module's one file, or a file of a split crate by its place in it.
            let name = match file.rsplit_once("/crate/") {
                Some((_, inside)) => inside,
                None => "api.rs",
            };
            location = format!(
                "{name}:{}:{}: ",
                s["line_start"].as_u64().unwrap_or(0),
                s["column_start"].as_u64().unwrap_or(0)
            );
            break;
        }
        span = s["expansion"]["span"]
            .as_object()
            .map(|_| &s["expansion"]["span"]);
    }
    let label = primary
        .and_then(|s| s["label"].as_str())
        .map(|l| format!(" ({l})"))
        .unwrap_or_default();
    let heading = if code.is_empty() {
        format!("{level}: {text}")
    } else {
        format!("{level}[{code}]: {text}")
    };
    let key = if code.is_empty() {
        normalize(&text)
    } else {
        format!("{code}: {}", normalize(&text))
    };
    Some(CompilerMessage {
        level,
        key,
        text: format!("{location}{heading}{label}"),
        module,
    })
}

/// Copies the target directory `first`, where a scratch crate's dependencies were just
/// built, to each of `others` that does not exist yet, times kept so that cargo finds
/// the copies fresh: jobs building their dependencies each for themselves took both
/// cores for about a minute apiece before their first batch.
pub(super) fn share_target(first: &Path, others: &[PathBuf]) -> Result<()> {
    for target in others.iter().filter(|target| !target.exists()) {
        let status = Command::new("cp")
            .arg("-a")
            .arg(first)
            .arg(target)
            .status()
            .context("cannot run cp")?;
        if !status.success() {
            bail!("cannot copy {} to {}", first.display(), target.display());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shares_a_target_with_its_times_and_keeps_existing_ones() {
        let dir = std::env::temp_dir().join(format!("specfirst-share-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = dir.join("slot-0");
        std::fs::create_dir_all(first.join("debug/deps")).unwrap();
        let rlib = first.join("debug/deps/libdep.rlib");
        std::fs::write(&rlib, "built").unwrap();
        let built = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(&rlib)
            .unwrap()
            .set_modified(built)
            .unwrap();
        let kept = dir.join("slot-2");
        std::fs::create_dir_all(&kept).unwrap();
        share_target(&first, &[dir.join("slot-1"), kept.clone()]).unwrap();
        let copy = dir.join("slot-1/debug/deps/libdep.rlib");
        assert_eq!(std::fs::read_to_string(&copy).unwrap(), "built");
        // cargo judges freshness by times: the copy's are the original's.
        assert_eq!(std::fs::metadata(&copy).unwrap().modified().unwrap(), built);
        // A job's own target directory is left as it is.
        assert!(!kept.join("debug").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn attributes_compiler_messages() {
        let files: HashMap<PathBuf, usize> =
            [(PathBuf::from("/g/m3/api.rs"), 3)].into_iter().collect();
        let line = json!({
            "reason": "compiler-message",
            "message": {
                "level": "error",
                "message": "cannot find type `Foo` in this scope",
                "code": {"code": "E0412"},
                "spans": [{
                    "file_name": "/g/m3/api.rs", "is_primary": true, "line_start": 10,
                    "column_start": 5, "label": "not found", "expansion": null
                }]
            }
        })
        .to_string();
        let message = parse_message(&line, &files).unwrap();
        assert_eq!(message.module, Some(3));
        assert_eq!(message.key, "E0412: cannot find type `…` in this scope");
        assert_eq!(
            message.text,
            "api.rs:10:5: error[E0412]: cannot find type `Foo` in this scope (not found)"
        );
        let macro_line = json!({
            "reason": "compiler-message",
            "message": {
                "level": "warning", "message": "unused", "code": null,
                "spans": [{
                    "file_name": "<derive>", "is_primary": true, "line_start": 1, "column_start": 1,
                    "label": null,
                    "expansion": {"span": {"file_name": "/g/m3/api.rs", "line_start": 2, "column_start": 3, "expansion": null}}
                }]
            }
        })
        .to_string();
        assert_eq!(parse_message(&macro_line, &files).unwrap().module, Some(3));
        assert!(parse_message(r#"{"reason":"build-finished","success":true}"#, &files).is_none());
    }
}
