//! `cargo xtask soak`: every reliability check of the server and the generator, run at
//! a scale CI does not afford, and RELIABILITY.md written from what the run measured.
//!
//! The checks are the workspace's own tests, run with a larger scale in the
//! environment (`SPECFIRST_SOAK_*`); each appends the figures it measured to the file
//! `SPECFIRST_SOAK_FIGURES` names. The mutants are [`crate::mutate`]'s.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// How much of each check to run.
struct Options {
    /// Mutated inputs per fuzz target, beyond its corpus.
    fuzz: usize,
    /// Idle connections held while health requests are sent.
    idle: usize,
    /// Requests in flight when the server gets SIGTERM.
    in_flight: usize,
    /// SIGKILL-and-restart cycles of the example serving a database file.
    cycles: usize,
    /// Mutated specs generated.
    mutants: usize,
    seed: u64,
    report: PathBuf,
    /// The command line the report names.
    command: String,
}

fn options(args: &[String], root: &Path) -> Result<Options> {
    let short = args.iter().any(|arg| arg == "--short");
    let mut options = match short {
        true => Options {
            fuzz: 20_000,
            idle: 2_000,
            in_flight: 50,
            cycles: 5,
            mutants: 1_000,
            seed: 1,
            report: root.join("target/soak/RELIABILITY.md"),
            command: String::new(),
        },
        false => Options {
            fuzz: 100_000,
            idle: 5_000,
            in_flight: 200,
            cycles: 20,
            mutants: 100_000,
            seed: 2,
            report: root.join("RELIABILITY.md"),
            command: String::new(),
        },
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--short" => {}
            "--fuzz" => options.fuzz = value()?.parse().context("--fuzz")?,
            "--idle" => options.idle = value()?.parse().context("--idle")?,
            "--in-flight" => options.in_flight = value()?.parse().context("--in-flight")?,
            "--cycles" => options.cycles = value()?.parse().context("--cycles")?,
            "--mutants" => options.mutants = value()?.parse().context("--mutants")?,
            "--seed" => options.seed = value()?.parse().context("--seed")?,
            "--report" => options.report = PathBuf::from(value()?),
            "--help" | "-h" => bail!(
                "usage: cargo xtask soak [--short] [--fuzz N] [--idle N] [--in-flight N] \
                 [--cycles N] [--mutants N] [--seed S] [--report FILE]\n  \
                 fuzzes the runtime's decoders, holds idle connections, stops a loaded \
                 server with SIGTERM,\n  kills the example mid-write, and generates \
                 mutated specs; writes RELIABILITY.md (--short: a\n  CI-sized run written \
                 to target/soak/RELIABILITY.md)"
            ),
            other => bail!("unknown option {other} (see --help)"),
        }
    }
    options.command =
        format!(
        "cargo xtask soak --fuzz {} --idle {} --in-flight {} --cycles {} --mutants {} --seed {}",
        options.fuzz, options.idle, options.in_flight, options.cycles, options.mutants, options.seed
    );
    Ok(options)
}

/// One test of the workspace, and the scale it is given.
struct Check {
    section: &'static str,
    package: &'static str,
    test: &'static str,
    name: &'static str,
    scale: (&'static str, usize),
}

pub fn run(args: &[String]) -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = options(args, &root)?;
    let started = Instant::now();
    let dir = root.join("target/soak");
    std::fs::create_dir_all(&dir).context("target/soak")?;
    let figures_file = dir.join("figures.jsonl");
    let _ = std::fs::remove_file(&figures_file);

    let checks = [
        Check {
            section: "fuzz",
            package: "specfirst-runtime",
            test: "fuzz",
            name: "every_decoder_keeps_its_promise_over_the_corpus_and_its_mutations",
            scale: ("SPECFIRST_SOAK_FUZZ", options.fuzz),
        },
        Check {
            section: "idle",
            package: "specfirst-runtime",
            test: "server",
            name: "thousands_of_idle_connections_do_not_stop_requests",
            scale: ("SPECFIRST_SOAK_IDLE", options.idle),
        },
        Check {
            section: "shutdown",
            package: "specfirst-runtime",
            test: "sigterm",
            name: "sigterm_finishes_the_request_in_flight_then_exits",
            scale: ("SPECFIRST_SOAK_IN_FLIGHT", options.in_flight),
        },
        Check {
            section: "crash",
            package: "generated-example",
            test: "crash",
            name: "killed_mid_stream_it_keeps_every_acknowledged_book",
            scale: ("SPECFIRST_SOAK_CYCLES", options.cycles),
        },
    ];
    let mut failed = Vec::new();
    for check in &checks {
        eprintln!(
            "soak: {} ({}={})",
            check.section, check.scale.0, check.scale.1
        );
        // A soft limit on open files below the hard one would stop thousands of
        // connections (a client's and a server's end each) early.
        let script = format!(
            "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$CARGO\" test -q -p {} --test {} -- --exact {}",
            check.package, check.test, check.name
        );
        let status = Command::new("bash")
            .args(["-c", &script])
            .env(
                "CARGO",
                std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
            )
            .env(check.scale.0, check.scale.1.to_string())
            .env("SPECFIRST_SOAK_FIGURES", &figures_file)
            .current_dir(&root)
            .status()
            .with_context(|| format!("running {}", check.test))?;
        if !status.success() {
            failed.push(format!("{} ({status})", check.section));
        }
    }
    let hostile = crate::mutate::hostile(options.mutants, options.seed, &options.command)?;
    let figures = read_figures(&figures_file)?;

    let report = report(&options, &figures, &hostile.section, &failed, started);
    if let Some(parent) = options.report.parent() {
        std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
    }
    std::fs::write(&options.report, &report)
        .with_context(|| options.report.display().to_string())?;
    eprintln!("soak: wrote {}", options.report.display());
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    hostile.verdict()
}

/// The figures each check recorded, by section.
fn read_figures(path: &Path) -> Result<Vec<(String, Value)>> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).context("a figures line")?;
            let section = value["section"].as_str().unwrap_or_default().to_string();
            Ok((section, value["figures"].clone()))
        })
        .collect()
}

fn report(
    options: &Options,
    figures: &[(String, Value)],
    hostile: &str,
    failed: &[String],
    started: Instant,
) -> String {
    let of = |section: &str| {
        figures
            .iter()
            .find(|(name, _)| name == section)
            .map(|(_, value)| value.clone())
    };
    let mut out = String::new();
    let _ = writeln!(out, "# Reliability\n");
    let _ = writeln!(
        out,
        "Written by `cargo xtask soak` (xtask/src/soak.rs) from one run of the current code: \
         the workspace's reliability tests run at a larger scale, each writing what it \
         measured, then the mutants of `cargo xtask mutate`. A check that failed has no \
         figures below and fails the command.\n"
    );
    out.push_str(&crate::corpus::report::run_lines(&options.command));
    let _ = writeln!(
        out,
        "- Wall time: {:.0} s (tests in debug builds, as `cargo test` builds them)",
        started.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        let _ = writeln!(out, "- **Failed:** {}", failed.join(", "));
    }

    let _ = writeln!(out, "\n## Decoders fuzzed\n");
    let _ = writeln!(
        out,
        "Each fuzz target of `specfirst_runtime::fuzz` (runtime/tests/fuzz.rs; the same \
         targets run unbounded under `cargo fuzz` in runtime/fuzz/) on every input of its \
         corpus, then on {} seeded mutations of them. A failure is a panic, a value the \
         decoder's rules refuse, or a refusal that is not a 4xx JSON answer.\n",
        options.fuzz
    );
    match of("fuzz") {
        Some(fuzz) => {
            let _ = writeln!(out, "| target | executions |\n|---|--:|");
            let mut total = 0;
            if let Some(targets) = fuzz["executions"].as_object() {
                for (target, count) in targets {
                    total += count.as_u64().unwrap_or(0);
                    let _ = writeln!(out, "| `{target}` | {count} |");
                }
            }
            let _ = writeln!(out, "| all | {total} |");
            let _ = writeln!(
                out,
                "\nFailures: {}. Time: {:.0} s.",
                fuzz["failures"],
                fuzz["seconds"].as_f64().unwrap_or(0.0)
            );
        }
        None => out.push_str("No figures: the check failed.\n"),
    }

    let _ = writeln!(out, "\n## Idle connections\n");
    let _ = writeln!(
        out,
        "A server with the default configuration (at most 10,000 connections) holds TCP \
         connections that never send a request, while a client sends requests \
         (`GET /hello/x`, runtime/tests/server.rs), each of which must be answered 200 \
         within 2 s. Memory is the test process's resident set: the server \
         and the client ends of every connection.\n"
    );
    match of("idle") {
        Some(idle) => {
            let kib = |key: &str| idle[key].as_u64().map_or("?".into(), mib);
            let _ = writeln!(
                out,
                "| idle connections held | requests | answered 200 | slowest answer | resident memory before | with the connections held |\n|--:|--:|--:|--:|--:|--:|"
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.1} ms | {} | {} |",
                idle["connections"],
                idle["requests"],
                idle["answered"],
                idle["slowest_ms"].as_f64().unwrap_or(0.0),
                kib("resident_kib_before"),
                kib("resident_kib_held"),
            );
        }
        None => out.push_str("No figures: the check failed.\n"),
    }

    let _ = writeln!(out, "\n## Shutdown under load\n");
    let _ = writeln!(
        out,
        "`serve` in a process of its own, with requests in flight on a route that takes \
         800 ms, gets SIGTERM (runtime/tests/sigterm.rs): each request must be answered \
         200, none reset, and the process must exit cleanly, no longer listening.\n"
    );
    match of("shutdown") {
        Some(shutdown) => {
            let _ = writeln!(
                out,
                "| requests in flight at SIGTERM | answered 200 | lost | SIGTERM to exit |\n|--:|--:|--:|--:|"
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.0} ms |",
                shutdown["in_flight"],
                shutdown["answered"],
                shutdown["lost"],
                shutdown["exit_ms"].as_f64().unwrap_or(0.0)
            );
        }
        None => out.push_str("No figures: the check failed.\n"),
    }

    let _ = writeln!(out, "\n## Crash safety\n");
    let _ = writeln!(
        out,
        "The example serving a database file, killed with SIGKILL in the middle of a stream \
         of creates from four writers and restarted, cycle after cycle \
         (generated-example/tests/crash.rs). After each kill the database must pass `PRAGMA \
         integrity_check`, hold every book answered 201, and no book without all its tags.\n"
    );
    match of("crash") {
        Some(crash) => {
            let _ = writeln!(
                out,
                "| SIGKILL-restart cycles | books acknowledged (201) | found after the last kill | lost | integrity checks passed |\n|--:|--:|--:|--:|--:|"
            );
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                crash["cycles"],
                crash["acknowledged"],
                crash["found"],
                crash["lost"],
                crash["integrity_checks_ok"]
            );
        }
        None => out.push_str("No figures: the check failed.\n"),
    }

    out.push('\n');
    out.push_str(hostile);
    out
}

/// KiB as MiB, for the report.
fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}
