//! Stage 3: checking the generated modules. Modules the ledger has an answer for are
//! not checked again; the rest go in batches, sized by the memory rustc needs, to one
//! [`Checker`] per job.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::Instant;

use anyhow::{bail, Context, Result};

use super::checker::{self, manifest, share_target, Checker, Verdict};
use super::ledger;
use super::model::{Compilation, Doc, Generation};
use super::split;
use super::{minutes, Options};

/// Generated Rust above this size is checked in a batch of its own.
const ALONE_BYTES: u64 = 4 << 20;

/// A batch stops growing at this much generated Rust: rustc needs about 200 MB of
/// memory per MB checked, and a failed round checks the batch again.
const BATCH_BYTES: u64 = 6 << 20;

/// Memory rustc needs per byte of generated Rust it checks: about 160 measured on the
/// largest crates (GitHub's 10.6 MB checked in 1.6 GiB; Microsoft Graph's 79 MB in
/// 11.8 GB), with room to spare.
const CHECK_MEMORY_PER_BYTE: u64 = 200;

/// The largest generated module this machine can check while the other jobs check
/// theirs: its share of the memory, at [`CHECK_MEMORY_PER_BYTE`]. `None` when the
/// memory is unknown (no limit).
fn largest_checkable(jobs: usize) -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kib: u64 = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024 / jobs.max(1) as u64 / CHECK_MEMORY_PER_BYTE)
}

/// Whether a batch of `bytes` of generated Rust is checked while no other job checks
/// anything: two modules above half their share, checked at once, could exhaust the
/// memory that each alone fits in.
fn runs_alone(bytes: u64, largest_checkable: Option<u64>) -> bool {
    largest_checkable.is_some_and(|limit| bytes > limit / 2)
}

/// Stage 3: checks every generated module that the ledger has no answer for. Returns
/// a note for the report's timing line on how many answers the ledger gave.
pub(super) fn compile_all(
    docs: &mut [Doc],
    gen_root: &Path,
    build: &Path,
    root: &Path,
    options: &Options,
) -> Result<String> {
    let mut ready: Vec<usize> = (0..docs.len())
        .filter(|&i| matches!(docs[i].generation, Generation::Ok { .. }))
        .collect();
    // A module rustc cannot check in this machine's memory, even alone, is checked as
    // the split crate `specfirst generate` writes for it, after the rest.
    let limit = largest_checkable(options.jobs);
    let mut too_big = Vec::new();
    if let Some(alone) = largest_checkable(1) {
        ready.retain(|&i| {
            let Generation::Ok { rs_bytes } = docs[i].generation else {
                return true;
            };
            if rs_bytes > alone {
                too_big.push(i);
            }
            rs_bytes <= alone
        });
    }
    ready.sort_unstable();

    // Answers for identical code in an identical environment need no second check.
    let ledger_path = options
        .ledger
        .clone()
        .unwrap_or_else(|| root.join("target/corpus-cache/checks.jsonl"));
    let ledger = ledger::Ledger::open(
        &ledger_path,
        ledger::environment(root, &manifest(root))?,
        !options.fresh,
    )?;
    let checked = ready.len();
    let mut digests: HashMap<usize, String> = HashMap::new();
    let mut kept = Vec::new();
    for i in ready {
        let code_path = docs[i].dir(gen_root, i).join("api.rs");
        let code = std::fs::read(&code_path)
            .with_context(|| format!("cannot read {}", code_path.display()))?;
        let digest = ledger::module_digest(&code);
        if let Some(entry) = ledger.lookup(&digest) {
            docs[i].compilation = entry.compilation.clone();
            docs[i].warnings = entry.warnings.clone();
        } else {
            digests.insert(i, digest);
            kept.push(i);
        }
    }
    let ready = kept;
    let reused = checked - ready.len();
    if reused > 0 {
        eprintln!(
            "corpus: {reused} of {checked} modules answered by {}; checking {}",
            ledger.path().display(),
            ready.len()
        );
    }
    let names: HashMap<usize, String> = ready.iter().map(|&i| (i, docs[i].name())).collect();

    let size = |i: usize| match docs[i].generation {
        Generation::Ok { rs_bytes } => rs_bytes,
        _ => 0,
    };
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_bytes = 0;
    for &i in &ready {
        if size(i) >= ALONE_BYTES {
            batches.push(vec![i]);
            continue;
        }
        if current.len() >= options.batch || current_bytes + size(i) > BATCH_BYTES {
            batches.push(std::mem::take(&mut current));
            current_bytes = 0;
        }
        current_bytes += size(i);
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    let count = batches.len();
    let batches: Vec<(Vec<usize>, bool)> = batches
        .into_iter()
        .map(|batch| {
            let bytes = batch.iter().map(|&i| size(i)).sum();
            (batch, runs_alone(bytes, limit))
        })
        .collect();
    // A job checking a batch that runs alone holds this for writing, every other job
    // for reading.
    let exclusive = RwLock::new(());
    let files: HashMap<PathBuf, usize> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.dir(gen_root, i).join("api.rs"), i))
        .collect();
    // rustc checks one crate mostly on one core: one scratch crate and one target
    // directory per job, so the jobs do not wait on each other's locks.
    let slots = options.jobs.min(count);
    let checker = |slot: usize| Checker {
        build: build.join(format!("slot-{slot}")),
        target: root.join(format!("target/corpus-target/slot-{slot}")),
        timeout: options.check_timeout,
        files: &files,
        gen_root,
    };
    // The first job's dependencies are checked before the others start, and shared
    // with those that have none yet.
    let others: Vec<PathBuf> = (1..slots).map(|slot| checker(slot).target).collect();
    if others.iter().any(|target| !target.exists()) {
        let first = checker(0);
        first.prepare(root)?;
        share_target(&first.target, &others)?;
    }
    let queue = Mutex::new(batches.into_iter().enumerate().collect::<VecDeque<_>>());
    let verdicts: Mutex<Vec<Verdict>> = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for slot in 0..slots {
            let checker = checker(slot);
            let (queue, verdicts, ledger, exclusive) = (&queue, &verdicts, &ledger, &exclusive);
            let (digests, names) = (&digests, &names);
            handles.push(scope.spawn(move || -> Result<()> {
                checker.prepare(root)?;
                while let Some((number, (batch, alone))) =
                    queue.lock().ok().and_then(|mut q| q.pop_front())
                {
                    let size = batch.len();
                    let mut found = Vec::new();
                    // A poisoned lock only means another job failed, which ends the run.
                    let (_reading, _writing) = if alone {
                        (
                            None,
                            Some(exclusive.write().unwrap_or_else(|e| e.into_inner())),
                        )
                    } else {
                        (
                            Some(exclusive.read().unwrap_or_else(|e| e.into_inner())),
                            None,
                        )
                    };
                    checker.check_set(batch, &mut found)?;
                    for (index, compilation, warnings) in &found {
                        if let (Some(digest), Some(name)) = (digests.get(index), names.get(index)) {
                            ledger.record(digest, name, compilation, warnings)?;
                        }
                    }
                    let failed = found
                        .iter()
                        .filter(|(_, c, _)| *c != Compilation::Ok)
                        .count();
                    if let Ok(mut all) = verdicts.lock() {
                        all.extend(found);
                    }
                    eprintln!(
                        "corpus: checked batch {}/{count} ({size} modules, {failed} failed) at {}",
                        number + 1,
                        minutes(started.elapsed())
                    );
                }
                Ok(())
            }));
        }
        for handle in handles {
            match handle.join() {
                Ok(result) => result?,
                Err(_) => bail!("a check thread panicked"),
            }
        }
        Ok(())
    })?;
    for (index, compilation, warnings) in verdicts.into_inner().unwrap_or_default() {
        docs[index].compilation = compilation;
        docs[index].warnings = warnings;
    }
    let split = check_split(docs, &too_big, gen_root, build, root, options, &ledger)?;
    let mut note = String::new();
    if reused > 0 {
        note = format!(
            " ({reused} of {checked} modules not checked again: {} held the answer for \
             identical code, runtime, dependencies and toolchain)",
            ledger
                .path()
                .strip_prefix(root)
                .unwrap_or(ledger.path())
                .display()
        );
    }
    Ok(note + &split)
}

/// Checks each of `too_big`, documents whose module one rustc cannot check here, as
/// the split crate `specfirst generate` writes ([`split`]), alone, when its largest
/// file fits; gives the note for the report.
fn check_split(
    docs: &mut [Doc],
    too_big: &[usize],
    gen_root: &Path,
    build: &Path,
    root: &Path,
    options: &Options,
    ledger: &ledger::Ledger,
) -> Result<String> {
    let Some(alone) = largest_checkable(1) else {
        return Ok(String::new());
    };
    // The scratch crates' versions, or the workspace's when none was checked.
    let lock = Some(build.join("slot-0/Cargo.lock"))
        .filter(|lock| lock.is_file())
        .unwrap_or_else(|| root.join("Cargo.lock"));
    let mut names = Vec::new();
    for &i in too_big {
        let dir = docs[i].dir(gen_root, i).join("crate");
        let started = Instant::now();
        let krate = split::generate(&docs[i].path, &dir, root, &lock)?;
        names.push(docs[i].name());
        if krate.largest_rs > alone {
            docs[i].compilation = Compilation::Failed {
                key: "too large to check on this machine".into(),
                first: format!(
                    "split into crates, its largest file is {:.0} MB of Rust, which needs \
                     about {:.0} GB of memory to check; this machine checks at most {:.0} MB",
                    krate.largest_rs as f64 / 1e6,
                    (krate.largest_rs * CHECK_MEMORY_PER_BYTE) as f64 / 1e9,
                    alone as f64 / 1e6,
                ),
            };
            continue;
        }
        if let Some(entry) = ledger.lookup(&krate.digest) {
            docs[i].compilation = entry.compilation.clone();
            docs[i].warnings = entry.warnings.clone();
            continue;
        }
        eprintln!("corpus: checking {} as a split crate", docs[i].name());
        let target = root.join("target/corpus-target/split");
        let (_, compilation, warnings) =
            checker::check_crate(&krate.dir, &target, options.check_timeout, i)?;
        ledger.record(&krate.digest, &docs[i].name(), &compilation, &warnings)?;
        eprintln!(
            "corpus: checked {} as a split crate in {}",
            docs[i].name(),
            minutes(started.elapsed())
        );
        docs[i].compilation = compilation;
        docs[i].warnings = warnings;
    }
    Ok(if names.is_empty() {
        String::new()
    } else {
        format!(
            " ({} too big to check as one module, checked as the split crate \
             `specfirst generate` writes: {})",
            names.len(),
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_above_half_a_share_run_alone() {
        // Two jobs on 24 GiB: 12 GiB each, 64 MB of Rust at most, so Microsoft
        // Graph's 72 MB module runs alone and ordinary batches share.
        let limit = Some(24 * (1 << 30) / 2 / CHECK_MEMORY_PER_BYTE);
        assert!(runs_alone(72_000_000, limit));
        assert!(!runs_alone(BATCH_BYTES, limit));
        assert!(!runs_alone(72_000_000, None));
    }
}
