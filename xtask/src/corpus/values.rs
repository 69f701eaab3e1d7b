//! The `--values` mode: the value round trip over corpus documents. Each selected
//! document is generated with its value probes (`specfirst::Generator::value_checks`);
//! the modules are built in batches into binaries that send JSON values through the
//! probes; values synthesized from each body's schema as written
//! (`specfirst::values`) must come out as they went in when the schema accepts them,
//! and be refused by request bodies when they break one of its rules.
//!
//! A batch binary answers two commands: `list` prints each probe's body, schema and
//! whether it is a request's, one JSON line each; `probe` reads `{"m", "c", "v"}` lines
//! (module, probe, value) and answers each with `{"ok": value}`, `{"err": message}` or
//! `{"panic": message}`. The values are made and judged here, so the binaries need
//! nothing beyond the runtime.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::checker::{manifest, share_target};
use super::minutes;
use super::model::Doc;

/// A batch stops growing at this much generated Rust: building needs more memory than
/// checking, and a failed build is split and built again.
const BATCH_BYTES: u64 = 4 << 20;

/// Modules per batch, at most.
const BATCH_MODULES: usize = 40;

/// Losses listed per document; the count says how many more there were.
const SHOWN_PER_DOCUMENT: usize = 10;

/// One generated document: its module's size and the spec as loaded, which the
/// schemas' `$ref`s resolve against.
struct Generated {
    index: usize,
    rs_bytes: u64,
    root: Value,
}

/// Losses by document name.
type Losses = Vec<(String, Vec<String>)>;

/// The tallies of a run, and every loss by document.
#[derive(Default)]
struct Tally {
    documents: usize,
    bodies: usize,
    probed: usize,
    valid: usize,
    invalid: usize,
    not_generated: usize,
    /// Losses (and probes that do not build or panic), by document name.
    losses: Losses,
}

impl Tally {
    fn add(&mut self, counts: Counts) {
        self.bodies += counts.bodies;
        self.probed += counts.probed;
        self.valid += counts.valid;
        self.invalid += counts.invalid;
    }
}

/// What one batch sent: JSON bodies, bodies values were made for, and the values.
#[derive(Default)]
struct Counts {
    bodies: usize,
    probed: usize,
    valid: usize,
    invalid: usize,
}

/// Runs the value round trip over `docs` with `jobs` workers: generation into
/// `gen_root`, batches built in `build`, values judged here. Fails when any value is
/// lost, a probe panics or a batch does not build.
pub(super) fn values_all(
    docs: &[Doc],
    gen_root: &Path,
    build: &Path,
    root: &Path,
    jobs: usize,
) -> Result<()> {
    let started = Instant::now();
    let tally = Mutex::new(Tally::default());
    let next = AtomicUsize::new(0);
    let generated = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(doc) = docs.get(index) else {
                    break;
                };
                let outcome = generate(doc, &doc.dir(gen_root, index), index);
                match outcome {
                    Ok(Some(one)) => lock(&generated).push(one),
                    Ok(None) => lock(&tally).not_generated += 1,
                    Err(message) => lock(&tally).losses.push((doc.name(), vec![message])),
                }
            });
        }
    });
    let mut generated = generated.into_inner().unwrap_or_else(|e| e.into_inner());
    generated.sort_unstable_by_key(|one| one.index);
    eprintln!(
        "values: {} of {} documents generated in {}",
        generated.len(),
        docs.len(),
        minutes(started.elapsed())
    );
    lock(&tally).documents = generated.len();

    let mut batches: Vec<Vec<Generated>> = Vec::new();
    let mut bytes = 0;
    for one in generated {
        let full = match batches.last() {
            Some(last) => last.len() >= BATCH_MODULES || bytes + one.rs_bytes > BATCH_BYTES,
            None => true,
        };
        if full {
            batches.push(Vec::new());
            bytes = 0;
        }
        bytes += one.rs_bytes;
        if let Some(last) = batches.last_mut() {
            last.push(one);
        }
    }
    let count = batches.len();
    share_dependencies(build, gen_root, root, jobs.min(count))?;
    let queue = Mutex::new(batches.into_iter().rev().collect::<Vec<_>>());
    // Batches a worker is still building, which may yet put halves back in the queue.
    let busy = AtomicUsize::new(0);
    let built = AtomicUsize::new(0);
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for slot in 0..jobs {
            let (queue, busy, built, tally, failure) = (&queue, &busy, &built, &tally, &failure);
            scope.spawn(move || {
                let crate_dir = build.join(format!("values-{slot}"));
                let target = slot_target(root, slot);
                if let Err(error) = prepare(&crate_dir, root) {
                    *lock(failure) = Some(error);
                    return;
                }
                loop {
                    let batch = {
                        let mut queue = lock(queue);
                        match queue.pop() {
                            Some(batch) => {
                                busy.fetch_add(1, Ordering::SeqCst);
                                batch
                            }
                            None if busy.load(Ordering::SeqCst) == 0 => break,
                            None => {
                                drop(queue);
                                std::thread::sleep(std::time::Duration::from_millis(200));
                                continue;
                            }
                        }
                    };
                    if lock(failure).is_some() {
                        busy.fetch_sub(1, Ordering::SeqCst);
                        break;
                    }
                    let outcome = build_and_run(&batch, docs, gen_root, &crate_dir, &target);
                    match outcome {
                        Ok(Ran::Judged(losses, counts)) => {
                            let done = built.fetch_add(1, Ordering::SeqCst) + 1;
                            let mut tally = lock(tally);
                            tally.add(counts);
                            tally.losses.extend(losses);
                            eprintln!(
                                "values: batch {done} ({} modules) built and probed; {} in",
                                batch.len(),
                                minutes(started.elapsed())
                            );
                        }
                        Ok(Ran::DoesNotBuild(first)) if batch.len() == 1 => {
                            let name = docs[batch[0].index].name();
                            let loss = format!("the probes do not build: {first}");
                            lock(tally).losses.push((name, vec![loss]));
                        }
                        Ok(Ran::DoesNotBuild(_)) => {
                            let mut first = batch;
                            let second = first.split_off(first.len() / 2);
                            let mut queue = lock(queue);
                            queue.push(second);
                            queue.push(first);
                        }
                        Err(error) => *lock(failure) = Some(error),
                    }
                    busy.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    if let Some(error) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(error);
    }
    let mut tally = tally.into_inner().unwrap_or_else(|e| e.into_inner());
    tally.losses.sort();
    let lost: usize = tally.losses.iter().map(|(_, l)| l.len()).sum();
    for (name, losses) in &tally.losses {
        println!("values: {name}: {} loss(es)", losses.len());
        for loss in losses.iter().take(SHOWN_PER_DOCUMENT) {
            println!("  {loss}");
        }
    }
    println!(
        "values: {} documents ({} do not generate), {} JSON bodies, {} with values made: \
         {} valid values and {} invalid ones sent through their types in {count} batches, \
         {lost} lost, in {}",
        tally.documents,
        tally.not_generated,
        tally.bodies,
        tally.probed,
        tally.valid,
        tally.invalid,
        minutes(started.elapsed())
    );
    if lost > 0 {
        bail!("{lost} value(s) lost in {} document(s)", tally.losses.len());
    }
    if tally.documents == 0 || tally.valid == 0 || tally.invalid == 0 {
        bail!("no values were sent: the run proves nothing");
    }
    Ok(())
}

/// `mutex` locked, even if a worker panicked holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes a worker's scratch crate: the corpus crate's manifest, with no debug
/// information (half the build time, and the probes are never debugged), as a binary.
fn prepare(crate_dir: &Path, root: &Path) -> Result<()> {
    std::fs::create_dir_all(crate_dir.join("src"))?;
    let manifest = format!(
        "{}
[profile.dev]
debug = 0
",
        manifest(root)
    );
    std::fs::write(crate_dir.join("Cargo.toml"), manifest)?;
    let lock = crate_dir.join("Cargo.lock");
    if !lock.exists() {
        // Start from the workspace's versions; cargo drops what this crate does not use.
        let _ = std::fs::copy(root.join("Cargo.lock"), &lock);
    }
    Ok(())
}

/// The target directory of worker `slot`'s scratch crate.
fn slot_target(root: &Path, slot: usize) -> PathBuf {
    root.join(format!("target/corpus-target/values-{slot}"))
}

/// Builds the scratch crate's dependencies once, in the first worker's target directory
/// as a batch of no documents, and shares them with the other `jobs` ([`share_target`])
/// when one of those has no target directory yet.
fn share_dependencies(build: &Path, gen_root: &Path, root: &Path, jobs: usize) -> Result<()> {
    let others: Vec<PathBuf> = (1..jobs).map(|slot| slot_target(root, slot)).collect();
    if others.iter().all(|target| target.exists()) {
        return Ok(());
    }
    let crate_dir = build.join("values-0");
    prepare(&crate_dir, root)?;
    let first = slot_target(root, 0);
    if let Err(error) = build_batch(&[], gen_root, &crate_dir, &first)? {
        bail!("the value probes' dependencies do not build: {error}");
    }
    share_target(&first, &others)
}

/// What became of a batch.
enum Ran {
    /// Built and probed: the losses by document, and the figures.
    Judged(Losses, Counts),
    /// The first error its build printed.
    DoesNotBuild(String),
}

/// Builds `batch` and runs its probes.
fn build_and_run(
    batch: &[Generated],
    docs: &[Doc],
    gen_root: &Path,
    crate_dir: &Path,
    target: &Path,
) -> Result<Ran> {
    match build_batch(batch, gen_root, crate_dir, target)? {
        Ok(binary) => {
            let (losses, counts) = run_batch(&binary, batch, docs)?;
            Ok(Ran::Judged(losses, counts))
        }
        Err(first) => Ok(Ran::DoesNotBuild(first)),
    }
}

/// Generates one document's module and probes into `dir`. `Ok(None)` when the
/// generator refuses the document (the compiling run reports those); `Err` when it
/// panics.
fn generate(doc: &Doc, dir: &Path, index: usize) -> Result<Option<Generated>, String> {
    let (path, dir_owned) = (doc.path.clone(), dir.to_path_buf());
    // 8 MiB like a build script's main thread; a panic is a loss, not an abort.
    let joined = std::thread::Builder::new()
        .name("values".into())
        .stack_size(8 << 20)
        .spawn(move || {
            std::panic::catch_unwind(move || -> Result<Option<(u64, Value)>, String> {
                let Ok(generator) = specfirst::Generator::from_path(&path) else {
                    return Ok(None);
                };
                let (Ok(files), Ok(checks)) =
                    (generator.module_files("api"), generator.value_checks())
                else {
                    return Ok(None);
                };
                std::fs::create_dir_all(&dir_owned)
                    .map_err(|e| format!("cannot create {}: {e}", dir_owned.display()))?;
                let mut rs_bytes = checks.len() as u64;
                for file in files {
                    if file.path.ends_with(".rs") {
                        rs_bytes += file.contents.len() as u64;
                    }
                    let at = dir_owned.join(&file.path);
                    std::fs::write(&at, file.contents)
                        .map_err(|e| format!("cannot write {}: {e}", at.display()))?;
                }
                let at = dir_owned.join("value_checks.rs");
                std::fs::write(&at, checks)
                    .map_err(|e| format!("cannot write {}: {e}", at.display()))?;
                Ok(Some((rs_bytes, generator.document().clone())))
            })
        })
        .map(|handle| handle.join());
    match joined {
        Ok(Ok(Ok(Ok(result)))) => Ok(result.map(|(rs_bytes, root)| Generated {
            index,
            rs_bytes,
            root,
        })),
        Ok(Ok(Ok(Err(message)))) => Err(message),
        _ => Err("the generator panicked".into()),
    }
}

/// Writes the batch binary's source and builds it into `target`: the binary's path,
/// or the first error the build printed.
fn build_batch(
    batch: &[Generated],
    gen_root: &Path,
    crate_dir: &Path,
    target: &Path,
) -> Result<Result<PathBuf, String>> {
    let mut main = String::from(
        "//! Generated by `cargo xtask corpus --values`: one module per document, and a\n\
         //! `main` sending values through their probes.\n\
         #![allow(warnings)]\n",
    );
    let mut table = String::new();
    for one in batch {
        let dir = gen_root.join(format!("m{}", one.index));
        let _ = writeln!(
            main,
            "pub mod m{} {{ include!({:?}); include!({:?}); }}",
            one.index,
            dir.join("api.rs").display().to_string(),
            dir.join("value_checks.rs").display().to_string()
        );
        let _ = writeln!(
            table,
            "    ({}, m{}::value_checks::CHECKS),",
            one.index, one.index
        );
    }
    let _ = write!(main, "{PROBE_MAIN_HEAD}{table}{PROBE_MAIN_TAIL}");
    std::fs::write(crate_dir.join("src/lib.rs"), "")?;
    std::fs::write(crate_dir.join("src/main.rs"), main)?;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--bin", "specfirst-corpus-batch"])
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .stdin(Stdio::null())
        .output()
        .context("cannot run cargo build")?;
    if output.status.success() {
        return Ok(Ok(target.join("debug/specfirst-corpus-batch")));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr
        .lines()
        .skip_while(|line| !line.starts_with("error"))
        .take(6)
        .collect::<Vec<_>>()
        .join("\n");
    Ok(Err(if first.is_empty() {
        stderr.chars().take(2000).collect()
    } else {
        first
    }))
}

/// The batch binary's `main`, up to its table of modules.
const PROBE_MAIN_HEAD: &str = r#"
use std::io::{BufRead, Write};

use specfirst_runtime::__private::serde_json::{self, json, Value};

type Probe = fn(&Value) -> Result<Value, String>;

/// Each module's probes, by the document's index.
static MODULES: &[(usize, &[(&str, &str, bool, Probe)])] = &[
"#;

/// The rest of the batch binary's `main`.
const PROBE_MAIN_TAIL: &str = r#"];

fn main() {
    std::panic::set_hook(Box::new(|_| {}));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match std::env::args().nth(1).as_deref() {
        Some("list") => {
            for (module, checks) in MODULES {
                for (check, (label, schema, request, _)) in checks.iter().enumerate() {
                    let line = json!({
                        "m": module, "c": check, "label": label, "schema": schema,
                        "request": request,
                    });
                    writeln!(out, "{line}").expect("stdout");
                }
            }
        }
        Some("probe") => {
            for line in std::io::stdin().lock().lines() {
                let line = line.expect("stdin");
                let input: Value = serde_json::from_str(&line).expect("a probe line");
                let (module, check) = (input["m"].as_u64(), input["c"].as_u64());
                let probe = MODULES
                    .iter()
                    .find(|(index, _)| Some(*index as u64) == module)
                    .and_then(|(_, checks)| checks.get(check? as usize))
                    .map(|(_, _, _, probe)| *probe)
                    .expect("a known probe");
                let value = &input["v"];
                let answer = match std::panic::catch_unwind(|| probe(value)) {
                    Ok(Ok(out)) => json!({ "ok": out }),
                    Ok(Err(message)) => json!({ "err": message }),
                    Err(_) => json!({ "panic": "the probe panicked" }),
                };
                writeln!(out, "{answer}").expect("stdout");
            }
        }
        _ => {
            eprintln!("usage: specfirst-corpus-batch list|probe");
            std::process::exit(2);
        }
    }
}
"#;

/// One probe as `list` describes it.
struct Listed {
    module: usize,
    check: usize,
    label: String,
    schema: Value,
    request: bool,
}

/// Lists the batch's probes, makes values for each, sends them through and judges
/// what comes back.
fn run_batch(binary: &Path, batch: &[Generated], docs: &[Doc]) -> Result<(Losses, Counts)> {
    let mut tally = Counts::default();
    let listing = Command::new(binary)
        .arg("list")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    if !listing.status.success() {
        bail!("{} list failed", binary.display());
    }
    let roots: HashMap<usize, &Value> = batch.iter().map(|g| (g.index, &g.root)).collect();
    let mut listed = Vec::new();
    for line in String::from_utf8_lossy(&listing.stdout).lines() {
        let entry: Value = serde_json::from_str(line).context("a `list` line")?;
        let schema_text = entry["schema"].as_str().unwrap_or("null");
        listed.push(Listed {
            module: entry["m"].as_u64().unwrap_or(0) as usize,
            check: entry["c"].as_u64().unwrap_or(0) as usize,
            label: entry["label"].as_str().unwrap_or("").to_string(),
            schema: serde_json::from_str(schema_text).context("a probe's schema")?,
            request: entry["request"].as_bool().unwrap_or(false),
        });
    }
    // Every value sent, with what it is: `None` for a valid one, else the rule broken.
    let mut sent: Vec<(usize, Value, Option<String>)> = Vec::new();
    let mut input = String::new();
    for (at, probe) in listed.iter().enumerate() {
        let Some(root) = roots.get(&probe.module) else {
            continue;
        };
        tally.bodies += 1;
        let made = specfirst::values::samples(&probe.schema, root);
        if !made.valid.is_empty() {
            tally.probed += 1;
        }
        let invalid = if probe.request {
            made.invalid
        } else {
            Vec::new()
        };
        let values = made
            .valid
            .into_iter()
            .map(|value| (value, None))
            .chain(invalid.into_iter().map(|(value, rule)| (value, Some(rule))));
        for (value, rule) in values {
            let line = json!({"m": probe.module, "c": probe.check, "v": value});
            let _ = writeln!(input, "{line}");
            if rule.is_some() {
                tally.invalid += 1;
            } else {
                tally.valid += 1;
            }
            sent.push((at, value, rule));
        }
    }
    let input_path = binary.with_extension("values.jsonl");
    std::fs::write(&input_path, input)?;
    let answers = Command::new(binary)
        .arg("probe")
        .stdin(std::fs::File::open(&input_path)?)
        .output()
        .with_context(|| format!("cannot run {}", binary.display()))?;
    let text = String::from_utf8_lossy(&answers.stdout);
    let lines: Vec<&str> = text.lines().collect();
    if !answers.status.success() || lines.len() != sent.len() {
        bail!(
            "{} probe answered {} of {} values: {}",
            binary.display(),
            lines.len(),
            sent.len(),
            String::from_utf8_lossy(&answers.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let mut losses: HashMap<usize, Vec<String>> = HashMap::new();
    for ((at, value, rule), line) in sent.iter().zip(lines) {
        let probe = &listed[*at];
        let answer: Value = serde_json::from_str(line).context("a `probe` line")?;
        let mut lose = |text: String| {
            losses
                .entry(probe.module)
                .or_default()
                .push(format!("{}: {text}", probe.label));
        };
        if let Some(panic) = answer.get("panic") {
            lose(format!("{value}: {panic}"));
            continue;
        }
        match (rule, answer.get("ok"), answer.get("err")) {
            (None, Some(out), _) => {
                let root = roots.get(&probe.module).copied().unwrap_or(&Value::Null);
                for difference in specfirst::values::differences(value, out, &probe.schema, root) {
                    lose(format!("{value}: {difference}"));
                }
            }
            (None, None, error) => lose(format!(
                "refused {value}, which the schema accepts: {}",
                error.and_then(Value::as_str).unwrap_or("")
            )),
            (Some(rule), Some(out), _) => {
                lose(format!("accepted {value} (as {out}), which breaks {rule}"))
            }
            (Some(_), None, _) => {}
        }
    }
    let mut modules: Vec<_> = losses.into_iter().collect();
    modules.sort_unstable_by_key(|(module, _)| *module);
    let losses = modules
        .into_iter()
        .map(|(module, lost)| (docs[module].name(), lost))
        .collect();
    Ok((losses, tally))
}
