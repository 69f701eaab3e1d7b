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

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

use crate::corpus;

const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--runs N] [--duration SECS] [--report PATH]
                         [--skip-generation] [--skip-compile] [--skip-serving] [--no-rust-axum]
  --quick            a short smoke run: 1 run of everything, 2 s load runs, no rust-axum compile
  --runs N           runs per measurement, medians reported (default 5)
  --duration SECS    length of each wrk run (default 10)
  --report PATH      where to write the report (default BENCHMARKS.md in the workspace root)
  --skip-generation, --skip-compile, --skip-serving   leave a section out
  --no-rust-axum     do not run OpenAPI Generator's rust-axum";

const TOKEN: &str = "t";
const DEMO_ITEMS: &str = "1000";
const WRK_THREADS: &str = "2";
const WRK_CONNECTIONS: &str = "32";
/// A generation run longer than this is repeated only `SLOW_RUNS` times.
const SLOW_RUN: Duration = Duration::from_secs(30);
const SLOW_RUNS: usize = 3;
const POST_BODY: &str = r#"{"title":"Dune","author":"Frank Herbert","genre":"fiction","tags":["classic","sf"],"published_year":1965}"#;

struct Options {
    quick: bool,
    runs: usize,
    duration: u64,
    report: Option<PathBuf>,
    generation: bool,
    compile: bool,
    serving: bool,
    rust_axum: bool,
}

impl Options {
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

/// A command as run and as shown in the report.
#[derive(Clone)]
struct Cmd {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: Option<PathBuf>,
}

impl Cmd {
    fn new(program: impl Into<String>) -> Self {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            dir: None,
        }
    }
    fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self
    }
    fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Self {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }
    fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env
            .push((key.into(), value.as_ref().to_string_lossy().into_owned()));
        self
    }
    fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_path_buf());
        self
    }
    /// The shell line, with paths under `root` shown relative to it.
    fn display(&self, root: &Path) -> String {
        let root = format!("{}/", root.display());
        let mut words: Vec<String> = self.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        words.push(self.program.clone());
        words.extend(self.args.iter().cloned());
        let line = words
            .iter()
            .map(|w| w.replace(&root, ""))
            .collect::<Vec<_>>()
            .join(" ");
        match &self.dir {
            Some(dir) if format!("{}/", dir.display()) != root => {
                format!(
                    "(cd {} && {line})",
                    dir.display().to_string().replace(&root, "")
                )
            }
            _ => line,
        }
    }
    fn command(&self, wrap_time: Option<&Path>) -> Command {
        let mut command = match wrap_time {
            Some(out) => {
                let mut c = Command::new("/usr/bin/time");
                c.arg("-f").arg("%M").arg("-o").arg(out).arg(&self.program);
                c
            }
            None => Command::new(&self.program),
        };
        command.args(&self.args);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
    }
}

/// One timed run of a command.
struct Timed {
    wall: Duration,
    /// Peak resident memory in KiB, when `/usr/bin/time` is available.
    max_rss_kib: Option<u64>,
    ok: bool,
}

fn time_available() -> bool {
    Path::new("/usr/bin/time").is_file()
}

/// Runs `cmd` with output to `log`, measuring wall time and (when possible) peak RSS.
fn timed(cmd: &Cmd, log: &Path) -> Result<Timed> {
    let rss_file = log.with_extension("rss");
    let wrap = time_available().then_some(rss_file.as_path());
    let out = std::fs::File::create(log)?;
    let started = Instant::now();
    let status = cmd
        .command(wrap)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .with_context(|| format!("cannot run {}", cmd.program))?;
    let wall = started.elapsed();
    let max_rss_kib = wrap.and_then(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        // With a failing command, GNU time writes "Command exited with non-zero status".
        text.lines().last()?.trim().parse().ok()
    });
    Ok(Timed {
        wall,
        max_rss_kib,
        ok: status.success(),
    })
}

fn run_quiet(cmd: &Cmd, log: &Path) -> Result<()> {
    let t = timed(cmd, log)?;
    if !t.ok {
        bail!(
            "{} failed; see {}\n{}",
            cmd.program,
            log.display(),
            tail(log, 15)
        );
    }
    Ok(())
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn fmt_secs(s: f64) -> String {
    if !s.is_finite() {
        "n/a".into()
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

fn fmt_mib(kib: f64) -> String {
    if kib.is_finite() {
        format!("{:.1} MiB", kib / 1024.0)
    } else {
        "n/a".into()
    }
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b > 0.0 {
        format!("{:.2}x", a / b)
    } else {
        "n/a".into()
    }
}

fn touch(path: &Path) -> Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}

fn first_line_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "not found".into())
}

// ---------------------------------------------------------------------------------
// Entry point.

struct Ctx {
    root: PathBuf,
    dir: PathBuf,
    logs: PathBuf,
    opts: Options,
    /// Report sections, in order.
    out: String,
    /// Aims from issue 8 and whether they were met.
    aims: Vec<String>,
    commands: Vec<String>,
}

/// Runs `cargo xtask bench` with the arguments after `bench`.
pub fn run(args: &[String]) -> Result<()> {
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
        generation(&mut cx)?;
    }
    if cx.opts.compile {
        compile(&mut cx)?;
    }
    if cx.opts.serving {
        serving(&mut cx)?;
    }

    let load_after = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let report = report(
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

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!(
        "- CPU: {model}; `nproc` = {cores}\n- Memory: {mem}\n- OS: {}\n- Rust: {}\n- Java: {}\n- Load generator: {}\n",
        first_line_of("uname", &["-sr"]),
        first_line_of("rustc", &["-V"]),
        first_line_of("java", &["-version"]),
        first_line_of("wrk", &["-v"]),
    )
}

// ---------------------------------------------------------------------------------
// 1. Generation.

struct Spec {
    key: &'static str,
    label: String,
    path: PathBuf,
}

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

struct GenResult {
    wall: Vec<f64>,
    rss: Vec<f64>,
    ok: usize,
    runs: usize,
    note: String,
}

impl GenResult {
    fn wall(&self) -> f64 {
        median(&self.wall)
    }
    /// The median time with the number of runs behind it when it is not the usual.
    fn wall_shown(&self, usual: usize) -> String {
        if self.runs == usual {
            fmt_secs(self.wall())
        } else {
            format!("{} ({} runs)", fmt_secs(self.wall()), self.runs)
        }
    }
    fn rss(&self) -> f64 {
        median(&self.rss)
    }
}

fn measure_generation(
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

fn generation(cx: &mut Ctx) -> Result<()> {
    eprintln!("bench: generation");
    let specs = specs(cx)?;
    let specfirst = cx.root.join("target/release/specfirst");
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
    writeln!(
        s,
        "Median of {runs} runs each; output directory removed before every run. Peak memory is the \
         child's maximum resident set size from `/usr/bin/time -f %M` (for rust-axum that is \
         the JVM). rust-axum is OpenAPI Generator's `rust-axum` generator, run as `java -jar \
         openapi-generator.jar` from the PyPI package `openapi-generator-cli` (so JVM start-up is \
         part of its time, as it is for every user of it). A generator whose first run takes \
         over 30 s is run 3 times instead of {runs}; the table says so where that happened.\n"
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
        (time, true) if time.is_finite() => cx.aims.push(format!(
            "Generation of GitHub's spec under one second: {} (median {}).{}",
            if time < 1.0 { "met" } else { "**not met**" },
            fmt_secs(time),
            if time < 1.0 { "" } else { concat!(" ", "What limits it: `perf` shows the time in building, parsing and formatting the generated code (typify's types, `quote`, `syn` and `prettyplease` over about 10 MB of Rust for this spec): allocation and token-stream drops lead the profile; loading and lowering take under a second.") }
        )),
        (time, false) if time.is_finite() => cx.aims.push(format!(
            "Generation of GitHub's spec under one second: **not met**: specfirst currently \
             rejects the spec with diagnostics (after a median {}; see the table), so there is \
             no generation time to judge, and no speed ratio against rust-axum for it.",
            fmt_secs(time)
        )),
        _ => {}
    }
    for (key, speedup) in speedups {
        cx.aims.push(format!(
            "At least 20x faster than rust-axum on `{key}`: {} ({speedup:.1}x).{}",
            if speedup >= 20.0 {
                "met"
            } else {
                "**not met**"
            },
            if speedup >= 20.0 {
                ""
            } else {
                " What limits it: rust-axum's fixed cost (JVM start-up) weighs less on a large \
                 spec, while ours grows with the code written out (see the GitHub aim)."
            }
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// 2. Compile cost.

struct CompileTimes {
    cold_check: f64,
    cold_build: f64,
    check: Vec<f64>,
    build: Vec<f64>,
    ok: bool,
    note: String,
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
fn own_workspace(crate_dir: &Path) -> Result<()> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        std::fs::write(&manifest, format!("{text}\n[workspace]\n"))?;
    }
    Ok(())
}

fn compile(cx: &mut Ctx) -> Result<()> {
    eprintln!("bench: compile cost");
    let nexus = cx.root.join("../shared/specs/oxide/nexus.json");
    if !nexus.is_file() {
        cx.aims.push(
            "Compile cost was not measured: ../shared/specs/oxide/nexus.json is missing.".into(),
        );
        return Ok(());
    }
    let crate_dir = cx.dir.join("nexus-api");
    let gen = Cmd::new(cx.root.join("target/release/specfirst").to_string_lossy())
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

// ---------------------------------------------------------------------------------
// 3 and 4. Serving and memory.

struct Server {
    name: &'static str,
    exe: PathBuf,
}

struct Running {
    child: Child,
    port: u16,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start(cx: &Ctx, server: &Server, round: usize) -> Result<Running> {
    let port = free_port()?;
    let log = std::fs::File::create(cx.logs.join(format!("serve-{}-{round}.log", server.name)))?;
    let child = Command::new(&server.exe)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--demo-items", DEMO_ITEMS, "--api-token", TOKEN])
        .args(if server.name == "specfirst" {
            &["--log-format", "json"][..]
        } else {
            &[][..]
        })
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", server.exe.display()))?;
    let running = Running { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("{} did not listen on {port} within 30 s", server.name);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(running)
}

/// One HTTP/1.1 request; returns the status code and body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n"
    );
    if let Some(body) = body {
        write!(
            request,
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )?;
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

struct Scenario {
    key: &'static str,
    label: &'static str,
    /// Path and query; `{id}` is replaced with an existing book's id.
    path: &'static str,
    script: Option<&'static str>,
}

const SCENARIOS: [Scenario; 3] = [
    Scenario {
        key: "get",
        label: "small GET `GET /books/{id}`",
        path: "/books/{id}",
        script: None,
    },
    Scenario {
        key: "list",
        label: "paginated list `GET /books?limit=20`",
        path: "/books?limit=20",
        script: None,
    },
    Scenario {
        key: "post",
        label: "validated JSON POST `POST /books`",
        path: "/books",
        script: Some("post.lua"),
    },
];

#[derive(Default)]
struct LoadResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    socket_errors: String,
}

fn parse_latency_ms(text: &str) -> f64 {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, f64::NAN)
    };
    number.trim().parse::<f64>().map_or(f64::NAN, |n| n * scale)
}

fn parse_wrk(output: &str) -> LoadResult {
    let mut result = LoadResult {
        rps: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        ..Default::default()
    };
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            result.rps = rest.trim().parse().unwrap_or(f64::NAN);
        } else if let Some(rest) = line.strip_prefix("50%") {
            result.p50_ms = parse_latency_ms(rest);
        } else if let Some(rest) = line.strip_prefix("99%") {
            result.p99_ms = parse_latency_ms(rest);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            result.non_2xx = rest.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            result.socket_errors = rest.trim().to_string();
        }
    }
    result
}

fn wrk_cmd(cx: &Ctx, port: u16, scenario: &Scenario, id: &str, duration: u64) -> Cmd {
    let mut cmd = Cmd::new("wrk").args([
        "-t",
        WRK_THREADS,
        "-c",
        WRK_CONNECTIONS,
        "-d",
        &format!("{duration}s"),
        "--latency",
    ]);
    if let Some(script) = scenario.script {
        cmd = cmd.arg("-s").arg(cx.dir.join("wrk").join(script));
    }
    cmd.arg(format!(
        "http://127.0.0.1:{port}{}",
        scenario.path.replace("{id}", id)
    ))
}

fn load(cx: &Ctx, running: &Running, cmd: &Cmd, log: &Path) -> Result<(LoadResult, u64)> {
    let stop = Arc::new(AtomicBool::new(false));
    let pid = running.child.id();
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(vm_rss_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let output = cmd
        .command(None)
        .stdin(Stdio::null())
        .output()
        .context("cannot run wrk; install it with `apt-get install wrk`")?;
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(log, &text)?;
    if !output.status.success() {
        bail!("wrk failed: {text}");
    }
    let _ = cx;
    Ok((parse_wrk(&text), peak))
}

#[derive(Default)]
struct ServerStats {
    rps: [Vec<f64>; 3],
    p50: [Vec<f64>; 3],
    p99: [Vec<f64>; 3],
    non_2xx: [u64; 3],
    idle_rss: Vec<f64>,
    load_rss: Vec<f64>,
}

/// The order servers run in during `round`: rotated by one each round, so each goes
/// first, middle and last equally often and slow drift in background load is shared.
fn round_order(round: usize, servers: usize) -> Vec<usize> {
    (0..servers).map(|i| (i + round) % servers).collect()
}

/// The lowest `ours / theirs` req/s ratio over the scenarios, with its scenario index;
/// `None` when no scenario has figures for both.
fn worst_ratio(ours: &[f64], theirs: &[f64]) -> Option<(f64, usize)> {
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| a / b)
        .enumerate()
        .filter(|(_, r)| r.is_finite())
        .min_by(|(_, a), (_, b)| a.total_cmp(b))
        .map(|(i, r)| (r, i))
}

fn serving(cx: &mut Ctx) -> Result<()> {
    // Both comparison servers have their own workspace and lock file, so `cargo test
    // --workspace` never builds them; they share target/bench so reruns are incremental.
    for (crate_dir, key) in [
        ("bench/handwritten-axum", "handwritten"),
        ("bench/dropshot-server", "dropshot"),
    ] {
        eprintln!("bench: building {crate_dir} into target/bench");
        let manifest = cx.root.join(crate_dir).join("Cargo.toml");
        let build = Cmd::new("cargo")
            .args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &cx.dir);
        run_quiet(&build, &cx.logs.join(format!("build-{key}.log")))?;
        cx.commands.push(build.display(&cx.root));
    }
    let wrk_dir = cx.dir.join("wrk");
    std::fs::create_dir_all(&wrk_dir)?;
    std::fs::write(
        wrk_dir.join("post.lua"),
        format!(
            "wrk.method = \"POST\"\nwrk.body = '{POST_BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {TOKEN}\"\n"
        ),
    )?;
    let servers = [
        Server {
            name: "specfirst",
            exe: cx.root.join("target/release/generated-example"),
        },
        Server {
            name: "handwritten",
            exe: cx.dir.join("release/handwritten-axum"),
        },
        Server {
            name: "dropshot",
            exe: cx.dir.join("release/dropshot-server"),
        },
    ];
    let runs = cx.opts.runs;
    let duration = cx.opts.duration;
    // In report order; specfirst's must stay first (the ratios divide by the others).
    let mut stats: [ServerStats; 3] = Default::default();
    let mut shown = Vec::new();
    for round in 0..runs {
        for index in round_order(round, servers.len()) {
            let server = &servers[index];
            let running = start(cx, server, round)?;
            let port = running.port;
            // Sanity: every server answers the benchmarked requests the same way.
            let (status, body) = http(port, "GET", "/books?limit=1", None)?;
            let id = body
                .split("\"id\":\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
                .with_context(|| format!("{}: no book id in {status} {body}", server.name))?;
            for (method, path, body, want) in [
                ("GET", format!("/books/{id}"), None, 200),
                ("GET", "/books?limit=20".to_string(), None, 200),
                ("POST", "/books".to_string(), Some(POST_BODY), 201),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"","author":"x","genre":"fiction"}"#),
                    400,
                ),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"x","author":"x","genre":"cookery"}"#),
                    400,
                ),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"x","genre":"fiction"}"#),
                    400,
                ),
            ] {
                let (status, text) = http(port, method, &path, body)?;
                if status != want {
                    bail!(
                        "{}: {method} {path} gave {status}, expected {want}: {text}",
                        server.name
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(500));
            let idle = vm_rss_kib(running.child.id()).unwrap_or(0);
            stats[index].idle_rss.push(idle as f64);
            // Warm-up, not recorded.
            let warm = wrk_cmd(
                cx,
                port,
                &SCENARIOS[0],
                &id,
                if cx.opts.quick { 1 } else { 2 },
            );
            load(
                cx,
                &running,
                &warm,
                &cx.logs
                    .join(format!("wrk-{}-warmup-{round}.log", server.name)),
            )?;
            let mut peak = 0u64;
            for (s, scenario) in SCENARIOS.iter().enumerate() {
                let cmd = wrk_cmd(cx, port, scenario, &id, duration);
                if round == 0 && index == 0 {
                    shown.push(
                        cmd.display(&cx.root)
                            .replace(&format!(":{port}/"), ":PORT/")
                            .replace(&id, "{id}"),
                    );
                }
                let log = cx
                    .logs
                    .join(format!("wrk-{}-{}-{round}.log", server.name, scenario.key));
                let (result, rss) = load(cx, &running, &cmd, &log)?;
                eprintln!(
                    "bench:   round {} {} {}: {:.0} req/s p50 {:.3} ms p99 {:.3} ms{}",
                    round + 1,
                    server.name,
                    scenario.key,
                    result.rps,
                    result.p50_ms,
                    result.p99_ms,
                    if result.non_2xx > 0 {
                        format!(" ({} non-2xx!)", result.non_2xx)
                    } else {
                        String::new()
                    }
                );
                peak = peak.max(rss);
                let st = &mut stats[index];
                st.rps[s].push(result.rps);
                st.p50[s].push(result.p50_ms);
                st.p99[s].push(result.p99_ms);
                st.non_2xx[s] += result.non_2xx;
            }
            stats[index].load_rss.push(peak as f64);
            drop(running);
        }
    }
    let mut s = String::new();
    writeln!(s, "## 3. Serving\n")?;
    writeln!(
        s,
        "Three servers answer the same three requests:\n\n\
         - `specfirst` is `target/release/generated-example`: the generated router and \
         `specfirst-runtime` in front of the example's SQLite store.\n\
         - `hand-written` is `bench/handwritten-axum`: plain axum 0.8 extractors and \
         handlers in front of the same store source file and model types, doing the same \
         validation (required fields, title length 1..=200, genre enum, uint32 `limit`), \
         bearer auth, `x-request-id` echo, error bodies and page tokens.\n\
         - `Dropshot` is `bench/dropshot-server`: the same store and model types behind \
         Dropshot {}'s `#[endpoint]` handlers, typed `Path`/`Query`/`TypedBody` \
         extractors, `HttpError` and `PaginationParams`/`ResultsPage`, with the title and \
         genre checks by hand in the handler as the hand-written server does. Off the \
         benchmarked requests it keeps Dropshot's own behaviour where that differs (its \
         extractors' error messages, its page tokens, a fresh `x-request-id` on every \
         response); the module doc of its `main.rs` lists the differences.\n\n\
         All three start with {DEMO_ITEMS} demo books in in-memory SQLite, \
         `RUST_LOG=warn`, JSON logs on stderr (Dropshot's Bunyan JSON), so none writes a \
         line per request. Each round starts each server fresh (the order rotating by one \
         each round), checks that it answers the benchmarked requests with the same \
         statuses (200, 200, 201, and 400 for an empty title, an unknown genre and a \
         missing field), warms up with a short GET run, then runs \
         `wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{duration}s --latency` per request; \
         medians over {runs} rounds. The POST creates a book per request, so the table \
         grows during that run (the same for every server).\n",
        dropshot_version(&cx.root)
    )?;
    writeln!(
        s,
        "What they do not share: `specfirst-runtime::serve` also runs, per request, a \
         concurrency limit (a semaphore, 1024), a request timeout (`tokio::time::timeout`, \
         30 s), an `info` span (method, path template, request id, operation id), a body \
         wrapper that tracks completion, the observer hook and graceful-shutdown \
         tracking, and per connection a header-read timeout and head size and count limits. \
         The hand-written server is `axum::serve` with none of these (the kind of server the \
         issue asks to compare with), so part of any gap is the price of those features \
         rather than of the generated code. Dropshot, with its defaults, builds a child \
         logger per request (filtered out at `warn`), runs each handler in its own tokio task \
         (`HandlerTaskMode::Detached`) and has no concurrency limit or request timeout.\n"
    )?;
    writeln!(
        s,
        "| Request | specfirst req/s | hand-written req/s | Dropshot req/s | specfirst / hand-written | specfirst / Dropshot |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|")?;
    let rps: Vec<[f64; 3]> = stats
        .iter()
        .map(|st| std::array::from_fn(|i| median(&st.rps[i])))
        .collect();
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        writeln!(
            s,
            "| {} | {:.0} | {:.0} | {:.0} | {} | {} |",
            scenario.label,
            rps[0][i],
            rps[1][i],
            rps[2][i],
            ratio(rps[0][i], rps[1][i]),
            ratio(rps[0][i], rps[2][i]),
        )?;
    }
    writeln!(s, "\nLatency (medians of each round's p50 and p99):\n")?;
    writeln!(
        s,
        "| Request | specfirst p50 | hand-written p50 | Dropshot p50 | specfirst p99 | hand-written p99 | Dropshot p99 |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|")?;
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        write!(s, "| {} ", scenario.label)?;
        let p50 = stats.iter().map(|st| median(&st.p50[i]));
        let p99 = stats.iter().map(|st| median(&st.p99[i]));
        for ms in p50.chain(p99) {
            write!(s, "| {ms:.3} ms ")?;
        }
        writeln!(s, "|")?;
    }
    let errors: u64 = stats.iter().flat_map(|st| st.non_2xx).sum();
    if errors > 0 {
        writeln!(s, "\n**{errors} non-2xx responses** were counted during the load runs; see target/bench/logs.")?;
    }
    writeln!(
        s,
        "\nPer-round figures are in `target/bench/logs/wrk-*.log`.\n"
    )?;
    writeln!(s, "## 4. Memory\n")?;
    writeln!(
        s,
        "VmRSS from `/proc/PID/status`: idle is read 0.5 s after the sanity requests, with \
         {DEMO_ITEMS} books loaded; under load is the highest of samples taken every 100 ms \
         during that server's load runs of a round. The POST run adds a book per request to \
         the in-memory SQLite table, so the under-load figure mostly measures that table's \
         growth and rises with the number of POSTs a server answered. Medians over {runs} \
         rounds.\n"
    )?;
    writeln!(s, "| Server | idle | under load |")?;
    writeln!(s, "|---|---|---|")?;
    for (i, name) in [
        "specfirst (`generated-example`)",
        "hand-written axum",
        "Dropshot",
    ]
    .iter()
    .enumerate()
    {
        writeln!(
            s,
            "| {name} | {} | {} |",
            fmt_mib(median(&stats[i].idle_rss)),
            fmt_mib(median(&stats[i].load_rss))
        )?;
    }
    s.push('\n');
    cx.out.push_str(&s);
    cx.commands.extend(shown);
    if let Some((r, i)) = worst_ratio(&rps[0], &rps[1]) {
        cx.aims.push(format!(
            "Serving within 5% of hand-written axum: {} (worst request `{}`: specfirst at {:.0}% of the hand-written req/s).{}",
            if r >= 0.95 { "met" } else { "**not met**" },
            SCENARIOS[i].key,
            r * 100.0,
            if r >= 0.95 {
                ""
            } else {
                " What limits it: the per-request work the runtime does and the hand-written \
                 server does not (concurrency limit, request timeout, tracing span, body \
                 wrapper, observer; see section 3), which weighs most on the cheapest request."
            }
        ));
    }
    if let Some((r, i)) = worst_ratio(&rps[0], &rps[2]) {
        cx.aims.push(format!(
            "Ahead of Dropshot on the same routes: {} (worst request `{}`: specfirst at {:.0}% of Dropshot's req/s).{}",
            if r > 1.0 { "met" } else { "**not met**" },
            SCENARIOS[i].key,
            r * 100.0,
            if r > 1.0 {
                ""
            } else {
                " What limits it: the same per-request work; Dropshot by default runs without a \
                 concurrency limit or request timeout."
            }
        ));
    }
    Ok(())
}

/// The Dropshot version in `bench/dropshot-server/Cargo.lock`, for the report.
fn dropshot_version(root: &Path) -> String {
    let lock =
        std::fs::read_to_string(root.join("bench/dropshot-server/Cargo.lock")).unwrap_or_default();
    locked_version(&lock, "dropshot").unwrap_or_else(|| "0.x".into())
}

/// The version of package `name` in the text of a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            return lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_string);
        }
    }
    None
}

// ---------------------------------------------------------------------------------
// The report.

fn report(cx: &Ctx, date: &str, load_before: &str, load_after: &str, took: Duration) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench{}` on {date} in {:.0} minutes. Rerun it to refresh \
         this file; downloads, tools and builds are cached under `target/` (`target/bench`, \
         `target/bench-venv`, `target/corpus-cache`).\n",
        if cx.opts.quick { " --quick" } else { "" },
        took.as_secs_f64() / 60.0
    );
    if cx.opts.quick {
        let _ = writeln!(
            s,
            "**This is a `--quick` smoke run: one run per figure and short load runs. The \
             figures are not medians and are not fit to quote.**\n"
        );
    }
    let _ = writeln!(s, "## Machine\n");
    s.push_str(&machine());
    let _ = writeln!(
        s,
        "- Load average (1, 5, 15 min) at start: `{load_before}`; at end: `{load_after}`\n"
    );
    let _ = writeln!(
        s,
        "**Noise.** This is a shared 2-core machine: other work (corpus builds and test runs) \
         ran while these figures were taken, and the load generator shares the same two cores \
         with the server it loads. {} Differences of 10-20% between runs are normal here; \
         treat ratios near 1 as a tie, and compare only figures from the same run.\n",
        if cx.opts.runs > 1 {
            format!(
                "Every figure is a median of {} runs (fewer where a table says so) to damp that.",
                cx.opts.runs
            )
        } else {
            "A single run per figure does nothing to damp that.".to_string()
        }
    );
    s.push_str(&cx.out);
    let _ = writeln!(s, "## Aims from issue 8\n");
    for aim in &cx.aims {
        let _ = writeln!(s, "- {aim}");
    }
    s.push('\n');
    let _ = writeln!(s, "## Commands\n");
    let _ = writeln!(s, "Paths are relative to the workspace root; logs of every run are in `target/bench/logs/`.\n");
    let _ = writeln!(s, "```sh");
    for c in &cx.commands {
        let _ = writeln!(s, "{c}");
    }
    let _ = writeln!(s, "```");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn reads_wrk_output() {
        let text = "Running 10s test @ http://127.0.0.1:1/books\n  2 threads and 32 connections\n  Latency Distribution\n     50%  412.00us\n     75%    1.20ms\n     90%    2.00ms\n     99%    3.50ms\n  100 requests in 10.00s, 1.00MB read\n  Non-2xx or 3xx responses: 7\nRequests/sec:  12345.67\nTransfer/sec:      1.00MB\n";
        let r = parse_wrk(text);
        assert_eq!(r.rps, 12345.67);
        assert!((r.p50_ms - 0.412).abs() < 1e-9);
        assert_eq!(r.p99_ms, 3.5);
        assert_eq!(r.non_2xx, 7);
        assert_eq!(parse_latency_ms("1.5s"), 1500.0);
    }

    #[test]
    fn rotates_servers() {
        assert_eq!(round_order(0, 3), [0, 1, 2]);
        assert_eq!(round_order(1, 3), [1, 2, 0]);
        assert_eq!(round_order(2, 3), [2, 0, 1]);
        assert_eq!(round_order(3, 3), [0, 1, 2]);
    }

    #[test]
    fn finds_worst_ratio() {
        assert_eq!(
            worst_ratio(&[90.0, 50.0, 100.0], &[100.0, 100.0, 100.0]),
            Some((0.5, 1))
        );
        // A scenario without figures for both servers is left out, not taken as worst.
        assert_eq!(
            worst_ratio(&[f64::NAN, 80.0, 100.0], &[100.0, 100.0, 0.0]),
            Some((0.8, 1))
        );
        assert_eq!(worst_ratio(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn reads_locked_version() {
        let lock = "version = 4\n\n[[package]]\nname = \"dropshot\"\nversion = \"0.18.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"dropshot_endpoint\"\nversion = \"0.18.1\"\n";
        assert_eq!(locked_version(lock, "dropshot").as_deref(), Some("0.18.0"));
        assert_eq!(
            locked_version(lock, "dropshot_endpoint").as_deref(),
            Some("0.18.1")
        );
        assert_eq!(locked_version(lock, "axum"), None);
    }

    #[test]
    fn options() {
        let quick = Options::parse(&["--quick".into()]).unwrap();
        assert_eq!((quick.runs, quick.duration), (1, 2));
        let full = Options::parse(&[]).unwrap();
        assert_eq!((full.runs, full.duration), (5, 10));
        assert!(Options::parse(&["--bogus".into()]).is_err());
    }
}
