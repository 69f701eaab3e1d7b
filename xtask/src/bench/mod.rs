//! `cargo xtask bench`: measures generation, compile cost and serving side by side on
//! this machine and writes BENCHMARKS.md.
//!
//! 1. **Generation.** `target/release/specfirst generate` on GitHub's spec (npm
//!    `@octokit/openapi`, fetched like the corpus), Oxide's `nexus.json` and
//!    `specs/bookshelf.yaml`, beside OpenAPI Generator's `rust-axum` (the jar from the
//!    PyPI package `openapi-generator-cli`, installed into `target/bench-venv`). Wall time
//!    is measured here; peak memory is the child's max RSS from `/usr/bin/time`.
//! 2. **Compile cost.** `cargo check` and `cargo build --release` of the crate generated
//!    for nexus.json, after its dependencies are built, by touching its sources; the
//!    same for rust-axum's output when it compiles.
//! 3. **Serving.** `wrk` against `generated-example`, `bench/handwritten-axum` and
//!    `bench/dropshot-server` (the last two built into `target/bench`, outside the
//!    workspace) for a small GET, a validated JSON POST and a paginated list, each server
//!    started fresh per round, the order rotating from round to round.
//! 4. **Memory.** VmRSS of each server idle and the peak sampled under load.
//!
//! Everything is kept under `target/bench` and reused on the next run.
//!
//! This file holds the options and the order of the sections; each has a file:
//! [`generation`], [`compile`], [`serve`] (and [`memory`], measured during the same
//! rounds), with [`measure`] for running and timing commands and [`report`] for
//! BENCHMARKS.md around them.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::corpus;
use measure::{first_line_of, run_quiet, Cmd};

mod compile;
mod generation;
mod measure;
mod memory;
mod report;
mod serve;

/// What `cargo xtask bench --help` prints, and every argument error after its message.
const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--runs N] [--duration SECS] [--report PATH]
                         [--skip-generation] [--skip-compile] [--skip-serving] [--no-rust-axum]
  --quick            a short smoke run: 1 run of everything, 2 s load runs, no rust-axum compile
  --runs N           runs per measurement, medians reported (default 5)
  --duration SECS    length of each wrk run (default 10)
  --report PATH      where to write the report (default BENCHMARKS.md in the workspace root)
  --skip-generation, --skip-compile, --skip-serving   leave a section out
  --no-rust-axum     do not run OpenAPI Generator's rust-axum";

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
    /// Whether OpenAPI Generator's rust-axum is measured beside specfirst.
    rust_axum: bool,
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
            rust_axum: true,
        };
        let mut runs = None;
        let mut duration = None;
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
                "--no-rust-axum" => options.rust_axum = false,
                "-h" | "--help" => bail!("{USAGE}"),
                other => bail!("unknown argument {other:?}\n{USAGE}"),
            }
        }
        options.runs = runs.unwrap_or(if options.quick { 1 } else { 5 });
        options.duration = duration.unwrap_or(if options.quick { 2 } else { 10 });
        Ok(options)
    }
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
    /// Report sections, in order.
    out: String,
    /// Aims from issue 8 and whether they were met.
    aims: Vec<String>,
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
    let mut cx = Ctx {
        root: root.clone(),
        dir,
        logs,
        opts,
        out: String::new(),
        aims: Vec::new(),
        commands: Vec::new(),
    };

    eprintln!("bench: building target/release/specfirst and generated-example");
    let build = Cmd::new("cargo")
        .args([
            "build",
            "--release",
            "-p",
            "specfirst",
            "-p",
            "generated-example",
        ])
        .dir(&root);
    run_quiet(&build, &cx.logs.join("build-release.log"))?;
    cx.commands.push(build.display(&root));

    if cx.opts.generation {
        generation::generation(&mut cx)?;
    }
    if cx.opts.compile {
        compile::compile(&mut cx)?;
    }
    if cx.opts.serving {
        serve::serving(&mut cx)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options() {
        let quick = Options::parse(&["--quick".into()]).unwrap();
        assert_eq!((quick.runs, quick.duration), (1, 2));
        let full = Options::parse(&[]).unwrap();
        assert_eq!((full.runs, full.duration), (5, 10));
        assert!(Options::parse(&["--bogus".into()]).is_err());
    }
}
