//! Section 2, compile cost: `cargo check` and `cargo build --release` of the crate
//! generated for nexus.json, beside rust-axum's output for it.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use super::measure::{fmt_secs, median, ratio, run_quiet, secs, timed, touch, Cmd};
use super::{Ctx, SLOW_RUN, SLOW_RUNS};

/// The compile times of one crate, in seconds.
struct CompileTimes {
    /// The first `cargo check`, dependencies included unless already built.
    cold_check: f64,
    /// The first `cargo build --release`, likewise.
    cold_build: f64,
    /// `cargo check` of the crate alone, once per run.
    check: Vec<f64>,
    /// `cargo build --release` of the crate alone, once per run.
    build: Vec<f64>,
    /// Whether the crate compiles.
    ok: bool,
    /// Why a figure is missing, for the table.
    note: String,
    /// Lines of Rust in the crate's `src/`.
    lines: usize,
}

/// Times `cargo check` and `cargo build --release` of the crate in `crate_dir`: once
/// cold (its dependencies too, unless already cached in `target_dir`), then `runs` times
/// after touching `touch_file`, which rebuilds only the crate itself.
fn measure_compile(
    cx: &Ctx,
    key: &str,
    crate_dir: &Path,
    target_dir: &Path,
    touch_file: &Path,
    runs: usize,
    release: bool,
) -> Result<CompileTimes> {
    let cargo = |sub: &[&str]| {
        Cmd::new("cargo")
            .args(sub)
            .env("CARGO_TARGET_DIR", target_dir)
            // Otherwise `cargo check` reuses the previous run's incremental results for
            // the touched but unchanged file, which is not what compiling a new crate costs.
            .env("CARGO_INCREMENTAL", "0")
            .dir(crate_dir)
    };
    let lines = count_lines(&crate_dir.join("src"));
    let mut times = CompileTimes {
        cold_check: f64::NAN,
        cold_build: f64::NAN,
        check: Vec::new(),
        build: Vec::new(),
        ok: true,
        note: String::new(),
        lines,
    };
    let check = cargo(&["check", "--quiet"]);
    let build = cargo(&["build", "--release", "--quiet"]);
    let log = cx.logs.join(format!("compile-{key}-check-cold.log"));
    let t = timed(&check, &log)?;
    times.cold_check = secs(t.wall);
    if !t.ok {
        times.ok = false;
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let errors = text.lines().filter(|l| l.starts_with("error[")).count();
        let first = text.lines().find(|l| l.starts_with("error[")).unwrap_or("");
        times.note = format!(
            "`cargo check` fails with {errors} errors; the first: {}",
            first.trim().replace('`', "'")
        );
        return Ok(times);
    }
    let mut check_runs = runs;
    let mut run = 0;
    while run < check_runs {
        touch(touch_file)?;
        let t = timed(
            &check,
            &cx.logs.join(format!("compile-{key}-check-{run}.log")),
        )?;
        eprintln!(
            "bench:   {key} cargo check run {}: {:.1} s",
            run + 1,
            secs(t.wall)
        );
        times.check.push(secs(t.wall));
        if run == 0 && t.wall > 2 * SLOW_RUN && check_runs > SLOW_RUNS {
            check_runs = SLOW_RUNS;
        }
        run += 1;
    }
    if release {
        let t = timed(
            &build,
            &cx.logs.join(format!("compile-{key}-build-cold.log")),
        )?;
        times.cold_build = secs(t.wall);
        if !t.ok {
            times.note = "`cargo build --release` failed".into();
            return Ok(times);
        }
        let mut runs = runs;
        let mut run = 0;
        while run < runs {
            touch(touch_file)?;
            let t = timed(
                &build,
                &cx.logs.join(format!("compile-{key}-build-{run}.log")),
            )?;
            eprintln!(
                "bench:   {key} cargo build --release run {}: {:.1} s",
                run + 1,
                secs(t.wall)
            );
            times.build.push(secs(t.wall));
            // Like slow generators: a release build over a minute is repeated 3 times.
            if run == 0 && t.wall > 2 * SLOW_RUN && runs > SLOW_RUNS {
                runs = SLOW_RUNS;
            }
            run += 1;
        }
    }
    Ok(times)
}

/// Lines of the `.rs` files under `dir`.
fn count_lines(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                total += std::fs::read_to_string(&p)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    total
}

/// Gives a generated crate a `[workspace]` table of its own so cargo does not look for one
/// above it.
pub(super) fn own_workspace(crate_dir: &Path) -> Result<()> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    Ok(())
}

/// Section 2: generates the crate for nexus.json and times compiling it, and
/// rust-axum's output for it when that was generated.
pub(super) fn compile(cx: &mut Ctx) -> Result<()> {
    eprintln!("bench: compile cost");
    let nexus = cx.root.join("../shared/specs/oxide/nexus.json");
    if !nexus.is_file() {
        cx.aims.push(
            "Compile cost was not measured: ../shared/specs/oxide/nexus.json is missing.".into(),
        );
        return Ok(());
    }
    let crate_dir = cx.dir.join("nexus-api");
    let gen = Cmd::new(cx.specfirst.to_string_lossy())
        .arg("generate")
        .arg(nexus.canonicalize()?)
        .arg("--out")
        .arg(&crate_dir)
        .arg("--runtime-path")
        .arg(cx.root.join("runtime"));
    run_quiet(&gen, &cx.logs.join("compile-generate-nexus.log"))?;
    own_workspace(&crate_dir)?;
    cx.commands.push(gen.display(&cx.root));
    let target = cx.dir.join("nexus-target");
    cx.commands.push(
        "(cd target/bench/nexus-api && CARGO_TARGET_DIR=target/bench/nexus-target CARGO_INCREMENTAL=0 cargo check --quiet)".into(),
    );
    cx.commands.push(
        "(cd target/bench/nexus-api && CARGO_TARGET_DIR=target/bench/nexus-target CARGO_INCREMENTAL=0 cargo build --release --quiet)".into(),
    );
    cx.commands.push(
        "# each rerun after touching target/bench/nexus-api/src/generated.rs; rust-axum's crate likewise in target/bench/gen/rust-axum-nexus".into(),
    );
    let runs = cx.opts.runs;
    let ours = measure_compile(
        cx,
        "specfirst-nexus",
        &crate_dir,
        &target,
        &crate_dir.join("src/generated.rs"),
        runs,
        true,
    )?;
    let theirs_dir = cx.dir.join("gen/rust-axum-nexus");
    let theirs = if cx.opts.rust_axum && !cx.opts.quick && theirs_dir.join("Cargo.toml").is_file() {
        own_workspace(&theirs_dir)?;
        Some(measure_compile(
            cx,
            "rust-axum-nexus",
            &theirs_dir,
            &cx.dir.join("rust-axum-target"),
            &theirs_dir.join("src/lib.rs"),
            runs,
            false,
        )?)
    } else {
        None
    };
    let mut s = String::new();
    writeln!(
        s,
        "## 2. Compile cost of the generated crate for nexus.json\n"
    )?;
    writeln!(
        s,
        "`cold` builds the crate and every dependency not yet in its target directory (cached \
         after the first `cargo xtask bench`, so on a rerun it is close to the warm figure); \
         the median is over {runs} rebuilds of the crate alone after touching its main source \
         file, dependencies already built, with `CARGO_INCREMENTAL=0` so each one compiles the \
         whole crate again as after a real change.\n"
    )?;
    writeln!(s, "| Crate | lines of Rust | `cargo check` cold | `cargo check` (median) | `cargo build --release` cold | `cargo build --release` (median) | note |")?;
    writeln!(s, "|---|---|---|---|---|---|---|")?;
    let row = |name: &str, t: &CompileTimes| {
        format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            t.lines,
            fmt_secs(t.cold_check),
            if t.check.len() == runs || t.check.is_empty() {
                fmt_secs(median(&t.check))
            } else {
                format!("{} ({} runs)", fmt_secs(median(&t.check)), t.check.len())
            },
            fmt_secs(t.cold_build),
            if t.build.len() == runs || t.build.is_empty() {
                fmt_secs(median(&t.build))
            } else {
                format!("{} ({} runs)", fmt_secs(median(&t.build)), t.build.len())
            },
            t.note
        )
    };
    s.push_str(&row("specfirst (`nexus-api`)", &ours));
    match &theirs {
        Some(t) => {
            s.push_str(&row("rust-axum (`openapi`)", t));
            if t.ok {
                writeln!(
                    s,
                    "\nRatio specfirst / rust-axum, `cargo check` of the crate alone: {}.",
                    ratio(median(&ours.check), median(&t.check)),
                )?;
                writeln!(
                    s,
                    "\n`cargo build --release` of rust-axum's output is not measured: it is \
                     several times the size of ours, and release builds of it on this shared \
                     2-core machine did not fit the bench's time budget."
                )?;
            } else {
                writeln!(
                    s,
                    "\nrust-axum's output for nexus.json does not compile, so there is no \
                     compile-time ratio; its `cold` figure is the time until `cargo check` \
                     reports the errors (dependencies cached from earlier runs)."
                )?;
            }
        }
        None => {
            writeln!(
                s,
                "\nrust-axum's output was not compiled in this run ({}).",
                if cx.opts.quick {
                    "`--quick`"
                } else {
                    "its generation was not run or produced no crate"
                }
            )?;
        }
    }
    s.push('\n');
    cx.out.push_str(&s);
    Ok(())
}
