//! Stage 2: generation in worker processes.
//!
//! The parent (`cargo xtask corpus`) hands documents to `xtask corpus-worker`
//! processes over their stdin, one at a time, largest first. A worker calls
//! `specfirst::Generator` in-process under `catch_unwind`; a worker that dies (stack
//! overflow, abort) or takes longer than `--gen-timeout` is replaced and its document
//! recorded as a crash, so no document can stop the run.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::model::{Doc, Generation};
use super::{minutes, Options};

/// The message of the last panic in this worker, kept by the panic hook: a caught panic
/// carries only its payload, and the hook's text also says where it happened.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// `xtask corpus-worker`: reads `index \t spec \t out_dir` lines on stdin; for each,
/// prints `start \t index`, generates `api.rs` and `api.json` into `out_dir`, and
/// prints `result \t index \t {json}`.
pub(crate) fn worker() -> Result<()> {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string().replace('\n', " "));
        }
    }));
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        let mut parts = line.splitn(3, '\t');
        let (Some(index), Some(spec), Some(out)) = (parts.next(), parts.next(), parts.next())
        else {
            bail!("corpus-worker: malformed job `{line}`");
        };
        writeln!(stdout, "start\t{index}")?;
        stdout.flush()?;
        let started = Instant::now();
        let mut result = generate_one(Path::new(spec), Path::new(out));
        result["ms"] = json!(started.elapsed().as_millis() as u64);
        writeln!(stdout, "result\t{index}\t{result}")?;
        stdout.flush()?;
    }
    Ok(())
}

/// Generates one document on a thread of its own and describes the outcome as the
/// JSON the parent reads: `ok`, `failed` (the generator's diagnostics) or `panic`.
fn generate_one(spec: &Path, out: &Path) -> Value {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    let (spec_owned, out_owned) = (spec.to_path_buf(), out.to_path_buf());
    // 8 MiB, as a build script's main thread has: a stack overflow here would be one
    // in a user's build too. It aborts this worker, and the parent records a crash.
    let joined = std::thread::Builder::new()
        .name("generate".into())
        .stack_size(8 << 20)
        .spawn(move || {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                generate_files(&spec_owned, &out_owned)
            }))
        })
        .map(|handle| handle.join());
    let panic_message = || {
        LAST_PANIC
            .lock()
            .ok()
            .and_then(|mut last| last.take())
            .unwrap_or_else(|| "panicked (no message)".into())
    };
    match joined {
        Ok(Ok(Ok(Ok(rs_bytes)))) => json!({"status": "ok", "rs_bytes": rs_bytes}),
        Ok(Ok(Ok(Err(text)))) => {
            let prefix = format!("{}", spec.display());
            let count = text.lines().count().max(1);
            let first = text.lines().next().unwrap_or("").to_string();
            let first = first.strip_prefix(&prefix).unwrap_or(&first).to_string();
            json!({"status": "failed", "first": first, "count": count})
        }
        Ok(Ok(Err(_))) | Ok(Err(_)) => json!({"status": "panic", "message": panic_message()}),
        Err(error) => {
            json!({"status": "panic", "message": format!("cannot start a thread: {error}")})
        }
    }
}

/// Generates one document; `Err` holds the generator's error text.
fn generate_files(spec: &Path, out: &Path) -> Result<u64, String> {
    let generator = specfirst::Generator::from_path(spec).map_err(|e| e.to_string())?;
    let files = generator.module_files("api").map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut rs_bytes = 0;
    for file in files {
        if file.path.ends_with(".rs") {
            rs_bytes += file.contents.len() as u64;
        }
        let path = out.join(&file.path);
        std::fs::write(&path, file.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(rs_bytes)
}

/// One worker process, with a thread that forwards its stdout lines.
struct Worker {
    child: Child,
    /// Where jobs are sent, one line each.
    stdin: ChildStdin,
    /// The worker's stdout, a line at a time, so the parent can wait with a timeout.
    lines: mpsc::Receiver<String>,
    /// The worker's stderr, whose last lines say why it died.
    log: PathBuf,
}

impl Worker {
    /// Starts `exe corpus-worker` with its stderr in `log`.
    fn spawn(exe: &Path, log: &Path) -> Result<Self> {
        let stderr = std::fs::File::create(log)?;
        let mut child = Command::new(exe)
            .arg("corpus-worker")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .context("cannot start a corpus worker")?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let stdout = child.stdout.take().context("worker stdout")?;
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            child,
            stdin,
            lines,
            log: log.to_path_buf(),
        })
    }

    /// Kills the worker (it is ours, by its handle) and says why it ended.
    fn end(mut self, why: &str) -> String {
        let _ = self.child.kill();
        let status = self
            .child
            .wait()
            .map(|s| s.to_string())
            .unwrap_or_else(|e| e.to_string());
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let tail: Vec<&str> = log
            .lines()
            .filter(|l| !l.trim().is_empty())
            .rev()
            .take(2)
            .collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        if tail.is_empty() {
            format!("{why} ({status})")
        } else {
            format!("{why} ({status}): {}", tail.join(" | "))
        }
    }
}

/// Stage 2: generates every selected document into `gen_root/m{index}` with
/// `options.jobs` workers, and records each outcome and time in its [`Doc`].
pub(super) fn generate_all(
    docs: &mut [Doc],
    gen_root: &Path,
    build: &Path,
    options: &Options,
) -> Result<()> {
    // Largest first, so the long ones do not end up alone at the end.
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(docs[i].bytes));
    let queue = Mutex::new(order.into_iter().collect::<VecDeque<_>>());
    let results: Mutex<Vec<(usize, Generation, u64)>> = Mutex::new(Vec::new());
    let total = docs.len();
    let done = Mutex::new(0usize);
    let started = Instant::now();
    let jobs: Vec<(PathBuf, PathBuf)> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.path.clone(), d.dir(gen_root, i)))
        .collect();
    // A private copy of this executable: a concurrent `cargo build` may replace
    // target/debug/xtask while the run goes on.
    let exe = build.join(format!("xtask-worker{}", std::env::consts::EXE_SUFFIX));
    let own = std::env::current_exe().context("cannot find the xtask executable")?;
    let _ = std::fs::remove_file(&exe);
    std::fs::copy(&own, &exe)
        .or_else(|_| std::fs::copy("/proc/self/exe", &exe))
        .with_context(|| format!("cannot copy {} to {}", own.display(), exe.display()))?;
    let exe = exe.as_path();
    let shared = (&queue, &results, &done, &jobs);
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for slot in 0..options.jobs.min(total.max(1)) {
            let (queue, results, done, jobs) = shared;
            let log = build.join(format!("worker-{slot}.log"));
            handles.push(scope.spawn(move || -> Result<()> {
                let mut worker: Option<Worker> = None;
                while let Some(index) = queue.lock().ok().and_then(|mut q| q.pop_front()) {
                    let (spec, out) = &jobs[index];
                    let current = match worker.take() {
                        Some(w) => w,
                        None => Worker::spawn(exe, &log)?,
                    };
                    let (outcome, ms, next) =
                        generate_in(current, index, spec, out, options.gen_timeout);
                    worker = next;
                    if let Ok(mut results) = results.lock() {
                        results.push((index, outcome, ms));
                    }
                    if let Ok(mut done) = done.lock() {
                        *done += 1;
                        if *done % 100 == 0 || *done == total {
                            eprintln!(
                                "corpus: generated {}/{total} in {}",
                                *done,
                                minutes(started.elapsed())
                            );
                        }
                    }
                }
                if let Some(mut w) = worker {
                    drop(w.stdin);
                    let _ = w.child.wait();
                }
                Ok(())
            }));
        }
        for handle in handles {
            match handle.join() {
                Ok(result) => result?,
                Err(_) => bail!("a generation thread panicked"),
            }
        }
        Ok(())
    })?;
    for (index, outcome, ms) in results.into_inner().unwrap_or_default() {
        docs[index].generation = outcome;
        docs[index].generate_ms = ms;
    }
    Ok(())
}

/// Sends one job to `worker` and waits for its result; returns the worker when it is
/// still usable.
fn generate_in(
    mut worker: Worker,
    index: usize,
    spec: &Path,
    out: &Path,
    timeout: Duration,
) -> (Generation, u64, Option<Worker>) {
    let started = Instant::now();
    let sent = writeln!(
        worker.stdin,
        "{index}\t{}\t{}",
        spec.display(),
        out.display()
    )
    .and_then(|_| worker.stdin.flush());
    if sent.is_err() {
        let why = worker.end("the worker exited before the document was sent");
        return (Generation::Crashed(why), 0, None);
    }
    let prefix = format!("result\t{index}\t");
    loop {
        let left = timeout.saturating_sub(started.elapsed());
        match worker.lines.recv_timeout(left) {
            Ok(line) => {
                let Some(payload) = line.strip_prefix(&prefix) else {
                    continue;
                };
                let value: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
                let ms = value["ms"].as_u64().unwrap_or(0);
                let text = |key: &str| value[key].as_str().unwrap_or("").to_string();
                let outcome = match value["status"].as_str() {
                    Some("ok") => Generation::Ok {
                        rs_bytes: value["rs_bytes"].as_u64().unwrap_or(0),
                    },
                    Some("failed") => Generation::Failed {
                        first: text("first"),
                        count: value["count"].as_u64().unwrap_or(1) as usize,
                    },
                    Some("panic") => Generation::Panicked(text("message")),
                    _ => Generation::Crashed(format!("unreadable worker output: {payload}")),
                };
                return (outcome, ms, Some(worker));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let why = worker.end(&format!("timed out after {}s", timeout.as_secs()));
                return (
                    Generation::Crashed(why),
                    started.elapsed().as_millis() as u64,
                    None,
                );
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Let the process finish writing its last words before reading them.
                std::thread::sleep(Duration::from_millis(100));
                let why = worker.end("the worker process died");
                return (
                    Generation::Crashed(why),
                    started.elapsed().as_millis() as u64,
                    None,
                );
            }
        }
    }
}
