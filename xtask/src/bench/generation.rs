//! Section 1, generation: `specfirst generate` and OpenAPI Generator's `rust-axum` on
//! GitHub's spec, Oxide's `nexus.json` and `specs/bookshelf.yaml`, timed with their
//! peak memory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::measure::{fmt_mib, fmt_secs, median, ratio, run_quiet, secs, timed, Cmd};
use super::{Ctx, SLOW_RUN, SLOW_RUNS};
use crate::corpus;

/// One spec both generators are run on.
struct Spec {
    key: &'static str,
    label: String,
    path: PathBuf,
}

/// The specs of section 1: GitHub's (fetched like the corpus), nexus.json when
/// `../shared/specs` has it, and bookshelf.yaml.
fn specs(cx: &Ctx) -> Result<Vec<Spec>> {
    let cache = cx.root.join("target/corpus-cache");
    std::fs::create_dir_all(&cache)?;
    let (unpacked, version) = corpus::fetch("@octokit/openapi", &cache)?;
    let github = unpacked.join(corpus::OCTOKIT_DOCUMENT);
    let nexus = cx.root.join("../shared/specs/oxide/nexus.json");
    let mut specs = Vec::new();
    let size = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| format!("{:.1} MB", m.len() as f64 / 1e6))
            .unwrap_or_default()
    };
    specs.push(Spec {
        key: "github",
        label: format!(
            "GitHub (`@octokit/openapi@{version}`, `{}`, {})",
            corpus::OCTOKIT_DOCUMENT,
            size(&github)
        ),
        path: github,
    });
    if nexus.is_file() {
        specs.push(Spec {
            key: "nexus",
            label: format!("Oxide `nexus.json` ({})", size(&nexus)),
            path: nexus.canonicalize()?,
        });
    } else {
        eprintln!("bench: {} is missing; skipped", nexus.display());
    }
    let bookshelf = cx.root.join("specs/bookshelf.yaml");
    specs.push(Spec {
        key: "bookshelf",
        label: format!("`specs/bookshelf.yaml` ({})", size(&bookshelf)),
        path: bookshelf,
    });
    Ok(specs)
}

/// The rust-axum generator's jar, installed into target/bench-venv when missing.
fn openapi_generator_jar(cx: &Ctx) -> Result<PathBuf> {
    let venv = cx.root.join("target/bench-venv");
    let find = || -> Option<PathBuf> {
        let lib = std::fs::read_dir(venv.join("lib")).ok()?;
        lib.filter_map(|e| e.ok())
            .map(|e| {
                e.path()
                    .join("site-packages/openapi_generator_cli/openapi-generator.jar")
            })
            .find(|p| p.is_file())
    };
    if let Some(jar) = find() {
        return Ok(jar);
    }
    eprintln!("bench: installing openapi-generator-cli into target/bench-venv");
    run_quiet(
        &Cmd::new("python3").arg("-m").arg("venv").arg(&venv),
        &cx.logs.join("venv.log"),
    )?;
    run_quiet(
        &Cmd::new(venv.join("bin/pip").to_string_lossy()).args([
            "install",
            "--quiet",
            "openapi-generator-cli",
        ]),
        &cx.logs.join("pip.log"),
    )?;
    find().context("openapi-generator-cli installed no openapi-generator.jar")
}

/// The runs of one generator on one spec.
pub(super) struct GenResult {
    /// Wall time of each run, in seconds.
    pub(super) wall: Vec<f64>,
    /// Peak RSS of each run in KiB, when `/usr/bin/time` measured it.
    pub(super) rss: Vec<f64>,
    /// How many runs succeeded.
    pub(super) ok: usize,
    /// How many runs there were: `--runs`, or fewer for a slow generator.
    pub(super) runs: usize,
    /// The first failure's diagnostics, summed up for the table.
    pub(super) note: String,
}

impl GenResult {
    /// The median wall time.
    pub(super) fn wall(&self) -> f64 {
        median(&self.wall)
    }
    /// The median time with the number of runs behind it when it is not the usual.
    pub(super) fn wall_shown(&self, usual: usize) -> String {
        if self.runs == usual {
            fmt_secs(self.wall())
        } else {
            format!("{} ({} runs)", fmt_secs(self.wall()), self.runs)
        }
    }
    /// The median peak RSS.
    pub(super) fn rss(&self) -> f64 {
        median(&self.rss)
    }
}

/// Runs one generator `runs` times (fewer when it is slow), removing `out` before each
/// run, with each run's output in `logs/{log_stem}-{run}.log`.
pub(super) fn measure_generation(
    cx: &Ctx,
    cmd: &Cmd,
    out: &Path,
    log_stem: &str,
    runs: usize,
) -> Result<GenResult> {
    let mut result = GenResult {
        wall: Vec::new(),
        rss: Vec::new(),
        ok: 0,
        runs,
        note: String::new(),
    };
    let mut run = 0;
    while run < result.runs {
        if out.exists() {
            std::fs::remove_dir_all(out)?;
        }
        let log = cx.logs.join(format!("{log_stem}-{run}.log"));
        let t = timed(cmd, &log)?;
        result.wall.push(secs(t.wall));
        if let Some(kib) = t.max_rss_kib {
            result.rss.push(kib as f64);
        }
        if t.ok {
            result.ok += 1;
        } else if result.note.is_empty() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            // specfirst prints one diagnostic per line; OpenAPI Generator logs errors.
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            let first = lines
                .iter()
                .find(|l| l.contains("ERROR") || l.contains("Exception"))
                .or(lines.first())
                .map(|l| l.chars().take(200).collect::<String>())
                .unwrap_or_default();
            result.note = format!(
                "fails with {} line(s) of diagnostics; first: `{}`",
                lines.len(),
                first.trim().replace('|', "\\|").replace('`', "'")
            );
        }
        eprintln!(
            "bench:   {log_stem} run {}: {:.2} s{}",
            run + 1,
            secs(t.wall),
            if t.ok { "" } else { " (failed)" }
        );
        // A generator that takes more than half a minute gets 3 runs, not 5, to keep the
        // whole bench within reach; the report says how many runs each median is of.
        if run == 0 && t.wall > SLOW_RUN && result.runs > SLOW_RUNS {
            result.runs = SLOW_RUNS;
        }
        run += 1;
    }
    Ok(result)
}

/// Section 1: both generators on every spec, and the generation aims.
pub(super) fn generation(cx: &mut Ctx) -> Result<()> {
    eprintln!("bench: generation");
    let specs = specs(cx)?;
    let specfirst = &cx.specfirst;
    let jar = if cx.opts.rust_axum {
        match openapi_generator_jar(cx) {
            Ok(jar) => Some(jar),
            Err(e) => {
                cx.aims.push(format!(
                    "rust-axum generation was not measured: installing `openapi-generator-cli` failed: {e}"
                ));
                None
            }
        }
    } else {
        None
    };
    let runs = cx.opts.runs;
    let mut rows = String::new();
    let mut github_time = (f64::NAN, false);
    let mut speedups = Vec::new();
    for spec in &specs {
        let out = cx.dir.join(format!("gen/specfirst-{}", spec.key));
        let cmd = Cmd::new(specfirst.to_string_lossy())
            .arg("generate")
            .arg(&spec.path)
            .arg("--out")
            .arg(&out);
        if spec.key == "github" {
            cx.commands.push(cmd.display(&cx.root));
        }
        let ours =
            measure_generation(cx, &cmd, &out, &format!("gen-specfirst-{}", spec.key), runs)?;
        let theirs = match &jar {
            Some(jar) => {
                let out = cx.dir.join(format!("gen/rust-axum-{}", spec.key));
                let cmd = Cmd::new("java")
                    .arg("-jar")
                    .arg(jar)
                    .args(["generate", "-g", "rust-axum", "--skip-validate-spec", "-i"])
                    .arg(&spec.path)
                    .arg("-o")
                    .arg(&out);
                if spec.key == "github" {
                    cx.commands.push(cmd.display(&cx.root));
                }
                Some(measure_generation(
                    cx,
                    &cmd,
                    &out,
                    &format!("gen-rust-axum-{}", spec.key),
                    runs,
                )?)
            }
            None => None,
        };
        if spec.key == "github" {
            github_time = (ours.wall(), ours.ok == ours.runs);
        }
        let status = |r: &GenResult| {
            if r.ok == r.runs {
                "ok".to_string()
            } else {
                format!("{}/{} ok; {}", r.ok, r.runs, r.note)
            }
        };
        let (t_wall, t_rss, t_status, speed) = match &theirs {
            Some(t) => {
                if ours.ok == ours.runs && t.ok == t.runs {
                    speedups.push((spec.key, t.wall() / ours.wall()));
                }
                (
                    t.wall_shown(runs),
                    fmt_mib(t.rss()),
                    status(t),
                    if ours.ok == ours.runs && t.ok == t.runs {
                        ratio(t.wall(), ours.wall())
                    } else {
                        "n/a (a generator failed)".into()
                    },
                )
            }
            None => ("not run".into(), "".into(), "".into(), "n/a".into()),
        };
        writeln!(
            rows,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            spec.label,
            ours.wall_shown(runs),
            fmt_mib(ours.rss()),
            status(&ours),
            t_wall,
            t_rss,
            t_status,
            speed
        )?;
    }
    let mut s = String::new();
    writeln!(s, "## 1. Generation\n")?;
    // Slow runs are cut to `SLOW_RUNS` only when more were asked for.
    let slow = if runs > SLOW_RUNS {
        format!(
            " A generator whose first run takes over {} s is run {SLOW_RUNS} times instead of \
             {runs}; the table says so where that happened.",
            SLOW_RUN.as_secs()
        )
    } else {
        String::new()
    };
    writeln!(
        s,
        "Median of {runs} runs each; output directory removed before every run. Peak memory is the \
         child's maximum resident set size from `/usr/bin/time -f %M` (for rust-axum that is \
         the JVM). rust-axum is OpenAPI Generator's `rust-axum` generator, run as `java -jar \
         openapi-generator.jar` from the PyPI package `openapi-generator-cli` (so JVM start-up is \
         part of its time, as it is for every user of it).{slow}\n"
    )?;
    writeln!(
        s,
        "| Spec | specfirst time | specfirst peak RSS | specfirst result | rust-axum time | rust-axum peak RSS | rust-axum result | rust-axum / specfirst time |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|")?;
    s.push_str(&rows);
    s.push('\n');
    cx.out.push_str(&s);
    match github_time {
        (time, true) if time.is_finite() => {
            cx.aims.push(format!(
                "Generation of GitHub's spec under one second: {} (median {}).",
                if time < 1.0 { "met" } else { "**not met**" },
                fmt_secs(time),
            ));
            cx.weight_aims.push(format!(
                "Generation of GitHub's spec in at most 1.5 s: {} (median {}).",
                if time <= 1.5 { "met" } else { "**not met**" },
                fmt_secs(time),
            ));
        }
        (time, false) if time.is_finite() => cx.aims.push(format!(
            "Generation of GitHub's spec under one second: **not met**: specfirst currently \
             rejects the spec with diagnostics (after a median {}; see the table), so there is \
             no generation time to judge, and no speed ratio against rust-axum for it.",
            fmt_secs(time)
        )),
        _ => {}
    }
    for (key, speedup) in speedups {
        let verdict = if speedup >= 20.0 {
            "met"
        } else {
            "**not met**"
        };
        cx.aims.push(format!(
            "At least 20x faster than rust-axum on `{key}`: {verdict} ({speedup:.1}x)."
        ));
        if key == "github" {
            cx.weight_aims.push(format!(
                "Generation of GitHub's spec at least 20x faster than rust-axum: {verdict} ({speedup:.1}x)."
            ));
        }
    }
    Ok(())
}
