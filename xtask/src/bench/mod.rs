//! `cargo xtask bench`: measures generation, compile cost, serving and the weight of
//! generated crates on this machine and writes BENCHMARKS.md.
//!
//! 1. **Generation.** The release `specfirst generate` (built into the target directory,
//!    `CARGO_TARGET_DIR` when set, and copied to `target/bench/specfirst` for the run) on
//!    GitHub's spec (npm
//!    `@octokit/openapi`, fetched like the corpus), Oxide's `nexus.json` and
//!    `specs/bookshelf.yaml`, beside OpenAPI Generator's `rust-axum` (the jar from the
//!    PyPI package `openapi-generator-cli`, installed into `target/bench-venv`). Wall time
//!    is measured here; peak memory is the child's max RSS from `/usr/bin/time`.
//! 2. **Compile cost.** `cargo check` and `cargo build --release` of the crate generated
//!    for nexus.json, after its dependencies are built, by touching its sources; the
//!    same for rust-axum's output when it compiles.
//! 3. **Serving.** `wrk` against `generated-example`, `bench/handwritten-axum` and
//!    `bench/dropshot-server` (the last two built into `target/bench`, outside the
//!    workspace) for a small GET, a paginated list, a large list and a validated JSON
//!    POST, each server answering from SQLite and from the in-memory store, started fresh
//!    per store and round, the order rotating from round to round, pinned to a core apart
//!    from wrk's when the machine allows; the server's CPU time per request beside req/s;
//!    the cost of each runtime feature; a `perf` profile of specfirst's server; and each
//!    server's instructions per request under valgrind's callgrind, which unlike req/s
//!    do not move with the machine's load.
//! 4. **Memory.** VmRSS of each server idle and the peak sampled under load, per store.
//! 5. **Weight.** For bookshelf, nexus, Stripe, GitHub and GitHub Enterprise Cloud: the
//!    generated crate's bytes and lines split by part (models, operations, handlers,
//!    rules, description), generation time and memory, and `cargo check` and
//!    `cargo build --release` of it with the peak memory of its rustc; and beside it,
//!    openapi-to-rust's server output (crates.io, installed into `target/bench/tools`)
//!    for five specs both generate, by size and `cargo check`.
//!
//! Everything is kept under `target/bench` and reused on the next run.
//!
//! This file holds the options and the order of the sections; each has a file:
//! [`generation`], [`compile`], [`serve`] (with [`load`] for one wrk run, [`features`]
//! and [`profile`] for the per-feature runs and the profile, [`instructions`] for the
//! counts under callgrind, [`serve_report`] for their text, and [`memory`], measured
//! during the same rounds) and [`weight`], with
//! [`measure`] for running and timing commands and [`report`] for BENCHMARKS.md around
//! them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::corpus;
use measure::{first_line_of, run_quiet, Cmd};

mod compile;
mod features;
mod generation;
mod instructions;
mod load;
mod measure;
mod memory;
mod profile;
mod report;
mod serve;
mod serve_report;
mod weight;

/// What `cargo xtask bench --help` prints, and every argument error after its message.
const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--runs N] [--duration SECS] [--report PATH]
                         [--skip-generation] [--skip-compile] [--skip-serving] [--skip-weight]
                         [--only SECTIONS] [--no-rust-axum] [--no-openapi-to-rust]
                         [--weight-specs SPECS] [--weight-timeout SECS]
  --quick            a short smoke run: 1 run of everything, 2 s load runs, no rust-axum
                     compile, the per-feature serving runs on the small GET only
  --runs N           runs per measurement, medians reported (default 5)
  --duration SECS    length of each wrk run (default 10)
  --report PATH      where to write the report (default BENCHMARKS.md in the workspace root)
  --skip-generation, --skip-compile, --skip-serving, --skip-weight   leave a section out
  --only SECTIONS    run only these sections, comma-separated: generation, compile, serving, weight
  --no-rust-axum     do not run OpenAPI Generator's rust-axum
  --no-openapi-to-rust  do not compare the weight with openapi-to-rust's output
  --weight-specs SPECS  the weight section's specs, comma-separated
                     (default all: bookshelf,nexus,stripe,github,ghec)
  --weight-timeout SECS  stop any one build of the weight section after SECS (default 900)";

/// The sections, by the names `--only` takes.
const SECTIONS: [&str; 4] = ["generation", "compile", "serving", "weight"];

/// A generation run longer than this, or a build longer than twice this, is repeated
/// only `SLOW_RUNS` times.
const SLOW_RUN: Duration = Duration::from_secs(30);
/// How many times a slow generation or build is run instead of `--runs`.
const SLOW_RUNS: usize = 3;

/// Command-line options of `cargo xtask bench`.
struct Options {
    /// A smoke run: one run per figure, short load runs, rust-axum's crate not compiled.
    quick: bool,
    /// Runs per figure, whose median is reported.
    runs: usize,
    /// Seconds per wrk run.
    duration: u64,
    /// Where the report goes, when not BENCHMARKS.md.
    report: Option<PathBuf>,
    /// Whether each section runs.
    generation: bool,
    compile: bool,
    serving: bool,
    weight: bool,
    /// Whether OpenAPI Generator's rust-axum is measured beside specfirst.
    rust_axum: bool,
    /// Whether the weight section compares with openapi-to-rust's output.
    openapi_to_rust: bool,
    /// The weight section's specs, as keys of [`weight::SPECS`], in its order.
    weight_specs: Vec<&'static str>,
    /// The budget of each build in the weight section.
    weight_timeout: Duration,
    /// The arguments, as the report's first line repeats them.
    args: Vec<String>,
}

impl Options {
    /// Parses the arguments after `bench`.
    fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options {
            quick: false,
            runs: 5,
            duration: 10,
            report: None,
            generation: true,
            compile: true,
            serving: true,
            weight: true,
            rust_axum: true,
            openapi_to_rust: true,
            weight_specs: weight::SPECS.iter().map(|s| s.key).collect(),
            weight_timeout: Duration::from_secs(900),
            args: args.to_vec(),
        };
        let mut runs = None;
        let mut duration = None;
        let mut only: Option<Vec<String>> = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .with_context(|| format!("{arg} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--runs" => runs = Some(value()?.parse::<usize>().context("--runs")?.max(1)),
                "--duration" => {
                    duration = Some(value()?.parse::<u64>().context("--duration")?.max(1))
                }
                "--report" => options.report = Some(PathBuf::from(value()?)),
                "--skip-generation" => options.generation = false,
                "--skip-compile" => options.compile = false,
                "--skip-serving" => options.serving = false,
                "--skip-weight" => options.weight = false,
                "--only" => {
                    let names = list(value()?);
                    if let Some(bad) = names.iter().find(|n| !SECTIONS.contains(&n.as_str())) {
                        bail!(
                            "--only: unknown section {bad:?}; choose from {}\n{USAGE}",
                            SECTIONS.join(", ")
                        );
                    }
                    only.get_or_insert_with(Vec::new).extend(names);
                }
                "--weight-specs" => {
                    let names = list(value()?);
                    let keys: Vec<&str> = weight::SPECS.iter().map(|s| s.key).collect();
                    if let Some(bad) = names.iter().find(|n| !keys.contains(&n.as_str())) {
                        bail!(
                            "--weight-specs: unknown spec {bad:?}; choose from {}\n{USAGE}",
                            keys.join(", ")
                        );
                    }
                    if names.is_empty() {
                        bail!("--weight-specs needs at least one spec\n{USAGE}");
                    }
                    // Smallest first, whatever the order given: the memory estimate for a
                    // crate is made from the smaller ones measured before it.
                    options.weight_specs = keys
                        .into_iter()
                        .filter(|k| names.iter().any(|n| n == k))
                        .collect();
                }
                "--weight-timeout" => {
                    let secs = value()?.parse::<u64>().context("--weight-timeout")?.max(1);
                    options.weight_timeout = Duration::from_secs(secs);
                }
                "--no-rust-axum" => options.rust_axum = false,
                "--no-openapi-to-rust" => options.openapi_to_rust = false,
                "-h" | "--help" => bail!("{USAGE}"),
                other => bail!("unknown argument {other:?}\n{USAGE}"),
            }
        }
        if let Some(only) = only {
            let on = |name: &str| only.iter().any(|o| o == name);
            options.generation &= on("generation");
            options.compile &= on("compile");
            options.serving &= on("serving");
            options.weight &= on("weight");
        }
        options.runs = runs.unwrap_or(if options.quick { 1 } else { 5 });
        options.duration = duration.unwrap_or(if options.quick { 2 } else { 10 });
        Ok(options)
    }
}

/// The words of a comma-separated list, trimmed, empty ones left out.
fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// What the sections share: where things go, the options, and what each section
/// adds to the report.
struct Ctx {
    /// The workspace root.
    root: PathBuf,
    /// `target/bench`, where builds, generated crates and scripts are kept.
    dir: PathBuf,
    /// `target/bench/logs`: the output of every command run.
    logs: PathBuf,
    opts: Options,
    /// The `specfirst` binary measured: `target/bench/specfirst`, copied from the
    /// release build at the start so that a build in another checkout sharing the
    /// target directory cannot swap it during the run.
    specfirst: PathBuf,
    /// The release directory of the target directory (see [`target_dir`]).
    release: PathBuf,
    /// Report sections, in order.
    out: String,
    /// Aims from issue 8 and whether they were met.
    aims: Vec<String>,
    /// Aims from issue 20 (weight) and whether they were met.
    weight_aims: Vec<String>,
    /// Aims from issue 22 (serving) and whether they were met.
    serving_aims: Vec<String>,
    /// The commands the report lists, as a reader would type them.
    commands: Vec<String>,
}

/// Runs `cargo xtask bench` with the arguments after `bench`.
pub(crate) fn run(args: &[String]) -> Result<()> {
    let opts = Options::parse(args)?;
    let root = corpus::workspace_root();
    let dir = root.join("target/bench");
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs)?;
    let started = Instant::now();
    let date = first_line_of("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let load_before = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let release = target_dir(&root).join("release");
    let mut cx = Ctx {
        root: root.clone(),
        specfirst: dir.join("specfirst"),
        release: release.clone(),
        dir,
        logs,
        opts,
        out: String::new(),
        aims: Vec::new(),
        weight_aims: Vec::new(),
        serving_aims: Vec::new(),
        commands: Vec::new(),
    };

    let mut build = Cmd::new("cargo").args(["build", "--release", "-p", "specfirst"]);
    if cx.opts.serving {
        build = build.args(["-p", "generated-example"]);
    }
    let build = build.dir(&root);
    eprintln!(
        "bench: building specfirst{} into {}",
        if cx.opts.serving {
            " and generated-example"
        } else {
            ""
        },
        release.display()
    );
    run_quiet(&build, &cx.logs.join("build-release.log"))?;
    cx.commands.push(build.display(&root));
    std::fs::copy(release.join("specfirst"), &cx.specfirst)
        .with_context(|| format!("copying {}", release.join("specfirst").display()))?;

    if cx.opts.generation {
        generation::generation(&mut cx)?;
    }
    if cx.opts.compile {
        compile::compile(&mut cx)?;
    }
    if cx.opts.serving {
        serve::serving(&mut cx)?;
    }
    // Last: its builds of GitHub's crates take the longest and the most memory.
    if cx.opts.weight {
        weight::weight(&mut cx)?;
    }

    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let report = report::report(
        &cx,
        &date,
        load_before.trim(),
        load_after.trim(),
        started.elapsed(),
    );
    let path = cx
        .opts
        .report
        .clone()
        .unwrap_or_else(|| root.join("BENCHMARKS.md"));
    std::fs::write(&path, report)?;
    eprintln!(
        "bench: wrote {} in {:.0} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The target directory cargo builds this workspace into: `CARGO_TARGET_DIR` when set
/// (as when several checkouts share one), else `target/` in the workspace.
fn target_dir(root: &std::path::Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context as `cargo xtask bench` makes it, writing nowhere.
    pub(super) fn ctx(args: &[&str]) -> Ctx {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let root = std::path::PathBuf::from("/w");
        Ctx {
            dir: root.join("target/bench"),
            logs: root.join("target/bench/logs"),
            specfirst: root.join("target/bench/specfirst"),
            release: root.join("target/release"),
            root,
            opts: Options::parse(&args).unwrap(),
            out: String::new(),
            aims: Vec::new(),
            weight_aims: Vec::new(),
            serving_aims: Vec::new(),
            commands: Vec::new(),
        }
    }

    #[test]
    fn options() {
        let quick = Options::parse(&["--quick".into()]).unwrap();
        assert_eq!((quick.runs, quick.duration), (1, 2));
        let full = Options::parse(&[]).unwrap();
        assert_eq!((full.runs, full.duration), (5, 10));
        assert!(Options::parse(&["--bogus".into()]).is_err());
        assert!(full.generation && full.compile && full.serving && full.weight);
        assert_eq!(
            full.weight_specs,
            [
                "bookshelf",
                "nexus",
                "stripe",
                "github",
                "github-repos",
                "ghec"
            ]
        );
        assert_eq!(full.weight_timeout, Duration::from_secs(900));
    }

    fn full_peers(args: &[&str]) -> bool {
        parse(args).unwrap().openapi_to_rust
    }

    fn parse(args: &[&str]) -> Result<Options> {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Options::parse(&args)
    }

    #[test]
    fn weight_options() {
        let only = parse(&["--only", "weight"]).unwrap();
        assert!(only.weight && !only.generation && !only.compile && !only.serving);
        let two = parse(&["--only", "compile,weight", "--skip-weight"]).unwrap();
        assert!(two.compile && !two.weight && !two.generation && !two.serving);
        let skip = parse(&["--skip-weight"]).unwrap();
        assert!(!skip.weight && skip.generation);
        assert!(parse(&["--only", "weigth"]).is_err());
        assert!(parse(&["--only"]).is_err());

        // Kept smallest first whatever the order given.
        let specs = parse(&["--weight-specs", "github, bookshelf,nexus"]).unwrap();
        assert_eq!(specs.weight_specs, ["bookshelf", "nexus", "github"]);
        assert!(parse(&["--weight-specs", "gitlab"]).is_err());
        assert!(parse(&["--weight-specs", ","]).is_err());

        let timeout = parse(&["--weight-timeout", "60"]).unwrap();
        assert_eq!(timeout.weight_timeout, Duration::from_secs(60));
        assert!(parse(&["--weight-timeout", "soon"]).is_err());
        assert!(full_peers(&[]) && !full_peers(&["--no-openapi-to-rust"]));
        assert_eq!(timeout.args, ["--weight-timeout", "60"]);
    }
}
