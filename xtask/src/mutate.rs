//! `cargo xtask mutate`: hostile specs. The project's specs and the shared specs are
//! mutated at random (nodes deleted, duplicated, retyped, transplanted; `$ref`s dangled
//! and made into cycles; enormous and odd names; deep nesting) and each mutant is
//! generated, in process, as `specfirst generate` would. What must never happen: a
//! panic, a hang, a diagnostic whose pointer names no node of the mutant (nor its
//! parent), or one that speaks in a library's words (typify, serde, schemars) rather
//! than the spec's. Each mutant runs in a process of its own (`cargo xtask mutate-one`),
//! so an abort is counted too. Each is counted with examples; `--report FILE` writes
//! them (RELIABILITY.md).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

/// Words that belong to the libraries inside the generator, not to a spec.
const LIBRARY_WORDS: [&str; 5] = ["typify", "serde", "schemars", "untagged enum", "openapiv3"];

/// Whether `message` speaks a library's words outside what it quotes: names the spec
/// gave, in backticks (a component called `PortSerdes`), are the spec's words.
fn library_worded(message: &str) -> bool {
    let unquoted: String = message.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    LIBRARY_WORDS.iter().any(|word| unquoted.contains(word))
}

/// How long one mutant may take before it counts as a hang.
const HANG_AFTER: Duration = Duration::from_secs(60);

/// Examples kept per kind of failure.
const EXAMPLES: usize = 5;

struct Options {
    count: usize,
    seed: u64,
    report: Option<PathBuf>,
    /// The command line the report says it came from.
    command: String,
}

fn options(args: &[String]) -> Result<Options> {
    let mut options = Options {
        count: 1000,
        seed: 1,
        report: None,
        command: String::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--count" => options.count = value()?.parse().context("--count")?,
            "--seed" => options.seed = value()?.parse().context("--seed")?,
            "--report" => options.report = Some(PathBuf::from(value()?)),
            "--help" | "-h" => bail!(
                "usage: cargo xtask mutate [--count N] [--seed S] [--report FILE]\n  \
                 mutates specs/ and ../shared/specs at random and generates each mutant;\n  \
                 fails on a panic or a hang, and counts diagnostics without a place or in a\n  \
                 library's words (default: 1000 mutants, seed 1)"
            ),
            other => bail!("unknown option {other} (see --help)"),
        }
    }
    options.command = format!(
        "cargo xtask mutate --count {} --seed {}",
        options.count, options.seed
    );
    Ok(options)
}

/// xorshift64: the same mutants for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The specs mutants are made from: `specs/` and every shared spec.
fn originals(root: &Path) -> Result<Vec<(String, Value)>> {
    let shared = root.join("../shared/specs");
    if !shared.is_dir() {
        bail!(
            "{} is missing: mutate reads the shared specs",
            shared.display()
        );
    }
    let mut files = Vec::new();
    for dir in [
        root.join("specs"),
        shared.join("oxide"),
        shared.join("dropshot"),
    ] {
        for entry in std::fs::read_dir(&dir).with_context(|| dir.display().to_string())? {
            let path = entry?.path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if matches!(ext, "yaml" | "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            // The document as written, read as the generator reads it.
            let value = specfirst::load::Document::from_path(&path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
                .input()
                .clone();
            let name = path.strip_prefix(root).unwrap_or(&path);
            Ok((name.display().to_string(), value))
        })
        .collect()
}

/// Every node's pointer below the root.
fn pointers(value: &Value, at: &mut String, out: &mut Vec<String>) {
    let visit = |key: &str, child: &Value, at: &mut String, out: &mut Vec<String>| {
        let len = at.len();
        at.push('/');
        at.push_str(&key.replace('~', "~0").replace('/', "~1"));
        out.push(at.clone());
        pointers(child, at, out);
        at.truncate(len);
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| visit(k, v, at, out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| visit(&i.to_string(), v, at, out)),
        _ => {}
    }
}

fn parent_and_key(pointer: &str) -> (&str, String) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    (parent, key.replace("~1", "/").replace("~0", "~"))
}

/// One random mutation of `doc`, described.
fn mutate(rng: &mut Rng, doc: &mut Value) -> String {
    let mut all = Vec::new();
    pointers(doc, &mut String::new(), &mut all);
    if all.is_empty() {
        return "nothing to mutate".into();
    }
    let target = rng.pick(&all).clone();
    let (parent, key) = parent_and_key(&target);
    let parent = parent.to_string();
    match rng.below(8) {
        0 => {
            match doc.pointer_mut(&parent) {
                Some(Value::Object(map)) => {
                    map.remove(&key);
                }
                Some(Value::Array(items)) => {
                    if let Ok(index) = key.parse::<usize>() {
                        if index < items.len() {
                            items.remove(index);
                        }
                    }
                }
                _ => {}
            }
            format!("deleted {target}")
        }
        1 => {
            let copy = doc.pointer(&target).cloned().unwrap_or(Value::Null);
            match doc.pointer_mut(&parent) {
                Some(Value::Object(map)) => {
                    map.insert(format!("{key}_copy"), copy);
                }
                Some(Value::Array(items)) => items.push(copy),
                _ => {}
            }
            format!("duplicated {target}")
        }
        2 => {
            let old = doc.pointer(&target).cloned().unwrap_or(Value::Null);
            let choices = [
                Value::Null,
                json!(true),
                json!(0),
                json!(-1.5),
                json!(""),
                json!("x"),
                json!([]),
                json!({}),
                json!([old.clone()]),
                json!({ "k": old }),
            ];
            let new = rng.pick(&choices).clone();
            let said = format!("retyped {target} to {}", short(&new));
            set(doc, &target, new);
            said
        }
        3 => {
            let refs: Vec<&String> = all.iter().filter(|p| p.ends_with("/$ref")).collect();
            let targets = [
                "#/components/schemas/Nope",
                "#/nowhere",
                "other.yaml#/x",
                "#",
                "",
                "#/paths",
                "#/components/schemas/",
                "#/components/schemas/%ZZ",
            ];
            let to = *rng.pick(&targets);
            match refs.is_empty() {
                false => {
                    let at = (*rng.pick(&refs)).clone();
                    set(doc, &at, json!(to));
                    format!("dangled {at} to {to:?}")
                }
                true => {
                    set(doc, &target, json!({ "$ref": to }));
                    format!("replaced {target} by a $ref to {to:?}")
                }
            }
        }
        4 => {
            // A component that is its own reference, or is among its own allOf.
            let names: Vec<String> = doc
                .pointer("/components/schemas")
                .and_then(Value::as_object)
                .map(|map| map.keys().cloned().collect())
                .unwrap_or_default();
            if names.is_empty() {
                set(doc, &target, json!({ "$ref": "#" }));
                return format!("replaced {target} by a $ref to the root");
            }
            let name = rng.pick(&names).clone();
            let at = format!(
                "/components/schemas/{}",
                name.replace('~', "~0").replace('/', "~1")
            );
            let reference = json!({ "$ref": format!("#{at}") });
            if rng.below(2) == 0 {
                set(doc, &at, reference);
                format!("made {at} a reference to itself")
            } else {
                set(
                    doc,
                    &at,
                    json!({ "allOf": [reference, {"type": "object"}] }),
                );
                format!("made {at} all of itself")
            }
        }
        5 => {
            let names = [
                "a".repeat(5000),
                String::new(),
                " ".into(),
                "\u{2200}\u{2203}".into(),
                "123".into(),
                "type".into(),
                "self".into(),
                "{x}".into(),
                "/".into(),
                "~".into(),
                "%".into(),
                "\u{0}".into(),
                "Self".into(),
                "r#type".into(),
            ];
            let name = rng.pick(&names).clone();
            if let Some(Value::Object(map)) = doc.pointer_mut(&parent) {
                if let Some(value) = map.remove(&key) {
                    map.insert(name.clone(), value);
                }
            }
            format!("renamed {target} to {:?}", truncated(&name))
        }
        6 => {
            let depth = 50 + rng.below(250);
            let mut nested = doc.pointer(&target).cloned().unwrap_or(json!({}));
            let wrap = rng.below(3);
            for _ in 0..depth {
                nested = match wrap {
                    0 => json!({ "type": "array", "items": nested }),
                    1 => json!({ "allOf": [nested] }),
                    _ => json!({ "type": "object", "properties": { "p": nested } }),
                };
            }
            set(doc, &target, nested);
            format!("nested {target} {depth} levels deep")
        }
        _ => {
            let from = rng.pick(&all).clone();
            let copy = doc.pointer(&from).cloned().unwrap_or(Value::Null);
            set(doc, &target, copy);
            format!("replaced {target} by a copy of {from}")
        }
    }
}

fn set(doc: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        *doc = value;
    } else if let Some(slot) = doc.pointer_mut(pointer) {
        *slot = value;
    }
}

fn short(value: &Value) -> String {
    truncated(&value.to_string())
}

fn truncated(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}... ({} chars)", &text[..at], text.chars().count()),
        None => text.to_string(),
    }
}

/// What generating one mutant came to.
enum Outcome {
    Generated,
    /// Every diagnostic, as pointer and message.
    Refused(Vec<(String, String)>),
    Panicked(String),
    /// The process died without an answer (a stack overflow aborts it).
    Crashed(String),
    Hung,
}

/// `cargo xtask mutate-one` (internal): generates the mutant on stdin and prints the
/// outcome as one JSON line. A process per mutant, so an abort (a stack overflow) is
/// counted rather than ending the run.
pub fn one() -> Result<()> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)?;
    // Panics are counted, not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(move || {
        match specfirst::Generator::from_bytes("mutant.json", &bytes) {
            Ok(generator) => match generator.module_files("api") {
                Ok(_) => json!({"outcome": "generated"}),
                Err(error) => refusal(error),
            },
            Err(error) => refusal(error),
        }
    });
    let answer = result.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".into());
        json!({"outcome": "panicked", "message": message})
    });
    println!("{answer}");
    Ok(())
}

fn refusal(error: specfirst::Error) -> Value {
    let diagnostics: Vec<Value> = match error {
        specfirst::Error::Spec(diagnostics) => diagnostics
            .items
            .into_iter()
            .map(|d| json!([d.pointer, d.message]))
            .collect(),
        other => vec![json!(["", other.to_string()])],
    };
    json!({"outcome": "refused", "diagnostics": diagnostics})
}

/// Generates `bytes` in a child process, within [`HANG_AFTER`].
fn generate(bytes: &[u8]) -> Result<Outcome> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::current_exe()?)
        .arg("mutate-one")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // A child that dies first closes the pipe; its status says why.
        let _ = stdin.write_all(bytes);
    }
    // Read while the child runs: one with more to say than a pipe holds (a mutant with
    // thousands of diagnostics) would otherwise wait for us as we wait for it.
    let reader = child.stdout.take().map(|mut stdout| {
        std::thread::spawn(move || {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
        })
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > HANG_AFTER {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Outcome::Hung);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let text = match reader.map(std::thread::JoinHandle::join) {
        Some(Ok(read)) => read?,
        Some(Err(_)) => anyhow::bail!("the thread reading a mutant's answer panicked"),
        None => String::new(),
    };
    let Ok(answer) = serde_json::from_str::<Value>(text.trim()) else {
        return Ok(Outcome::Crashed(format!("{status}")));
    };
    Ok(match answer["outcome"].as_str() {
        Some("generated") => Outcome::Generated,
        Some("panicked") => Outcome::Panicked(answer["message"].as_str().unwrap_or("").into()),
        _ => Outcome::Refused(
            answer["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| {
                    (
                        d[0].as_str().unwrap_or("").to_string(),
                        d[1].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect(),
        ),
    })
}

/// Whether a diagnostic at `pointer` has a place in `doc`: its node, or (for a member
/// that is missing) the node that should hold it.
fn placed(doc: &Value, pointer: &str) -> bool {
    doc.pointer(pointer).is_some() || doc.pointer(parent_and_key(pointer).0).is_some()
}

#[derive(Default)]
struct Tally {
    generated: usize,
    refused: usize,
    diagnostics: usize,
    panics: Vec<String>,
    hangs: Vec<String>,
    unplaced: Vec<String>,
    library: Vec<String>,
    unplaced_count: usize,
    library_count: usize,
}

/// Writes a mutant that failed to `target/mutants/`, to reproduce with
/// `specfirst generate`; returns its path relative to the workspace.
fn keep_mutant(root: &Path, kind: &str, index: usize, doc: &Value) -> Result<String> {
    let relative = format!("target/mutants/{kind}-{index}.json");
    let path = root.join(&relative);
    std::fs::create_dir_all(path.parent().unwrap_or(root))?;
    std::fs::write(&path, serde_json::to_vec(doc)?)?;
    Ok(relative)
}

fn keep(list: &mut Vec<String>, item: String) {
    if list.len() < EXAMPLES {
        list.push(item);
    }
}

/// `cargo xtask mutate`.
pub fn run(args: &[String]) -> Result<()> {
    let options = options(args)?;
    let hostile = hostile(options.count, options.seed, &options.command)?;
    let mut report = String::new();
    let _ = writeln!(report, "# Reliability\n");
    let _ = writeln!(
        report,
        "Written by `cargo xtask mutate` (xtask/src/mutate.rs) from one run of the current code.\n"
    );
    report.push_str(&hostile.section);
    print!("{report}");
    if let Some(path) = &options.report {
        std::fs::write(path, &report).with_context(|| path.display().to_string())?;
        eprintln!("mutate: wrote {}", path.display());
    }
    hostile.verdict()
}

/// What one run of mutants found: its section of RELIABILITY.md, and what fails it.
pub struct Hostile {
    /// `## Hostile specs` and what follows, in Markdown.
    pub section: String,
    panics: usize,
    hangs: usize,
}

impl Hostile {
    /// An error when a mutant panicked, crashed or hung.
    pub fn verdict(&self) -> Result<()> {
        if self.panics > 0 || self.hangs > 0 {
            bail!(
                "{} panics or crashes and {} hangs among the mutants",
                self.panics,
                self.hangs
            );
        }
        Ok(())
    }
}

/// Generates `count` mutants of seed `seed`, each in a process of its own; `command`
/// is the command line the section names.
pub fn hostile(count: usize, seed: u64, command: &str) -> Result<Hostile> {
    let options = Options {
        count,
        seed,
        report: None,
        command: command.to_string(),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let originals = originals(&root)?;
    let started = Instant::now();
    let mut rng = Rng(options.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut tally = Tally::default();
    for index in 0..options.count {
        let (name, original) = rng.pick(&originals);
        let mut doc = original.clone();
        let mut said = Vec::new();
        for _ in 0..1 + rng.below(3) {
            said.push(mutate(&mut rng, &mut doc));
        }
        let what = format!("{name}: {}", said.join("; "));
        match generate(&serde_json::to_vec(&doc)?)? {
            Outcome::Generated => tally.generated += 1,
            Outcome::Refused(items) => {
                tally.refused += 1;
                tally.diagnostics += items.len();
                for (pointer, message) in items {
                    if !placed(&doc, &pointer) {
                        tally.unplaced_count += 1;
                        keep(
                            &mut tally.unplaced,
                            format!("{what}\n  -> {pointer}: {message}"),
                        );
                    }
                    let lower = message.to_lowercase();
                    if library_worded(&lower) {
                        tally.library_count += 1;
                        keep(
                            &mut tally.library,
                            format!("{what}\n  -> {pointer}: {message}"),
                        );
                    }
                }
            }
            Outcome::Panicked(message) => {
                let kept = keep_mutant(&root, "panic", index, &doc)?;
                tally
                    .panics
                    .push(format!("{what}\n  -> {message}\n  kept in {kept}"));
            }
            Outcome::Crashed(status) => {
                let kept = keep_mutant(&root, "crash", index, &doc)?;
                tally
                    .panics
                    .push(format!("{what}\n  -> crashed: {status}\n  kept in {kept}"));
            }
            Outcome::Hung => {
                let kept = keep_mutant(&root, "hang", index, &doc)?;
                tally.hangs.push(format!("{what}\n  kept in {kept}"));
            }
        }
        if (index + 1) % 500 == 0 {
            eprintln!(
                "mutate: {}/{} mutants in {:.0?}",
                index + 1,
                options.count,
                started.elapsed()
            );
        }
    }
    Ok(Hostile {
        section: section(&options, &tally, originals.len(), started.elapsed()),
        panics: tally.panics.len(),
        hangs: tally.hangs.len(),
    })
}

fn section(options: &Options, tally: &Tally, originals: usize, took: Duration) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Hostile specs\n");
    let _ = writeln!(
        out,
        "The {originals} specs of `specs/` and `../shared/specs` mutated at random, one to three \
         mutations each (nodes deleted, duplicated, retyped or replaced by a copy of another; \
         `$ref`s dangled or made into cycles; names enormous or odd; nodes nested 50 to 300 \
         levels deep), and each mutant generated as `specfirst generate` would, in a process of its own.\n"
    );
    out.push_str(&crate::corpus::report::run_lines(&options.command));
    let _ = writeln!(out, "- Wall time: {:.0} s\n", took.as_secs_f64());
    let tried = tally.generated + tally.refused + tally.panics.len() + tally.hangs.len();
    let rows = [
        ("mutants generated", tally.generated.to_string()),
        (
            "mutants refused with diagnostics",
            tally.refused.to_string(),
        ),
        ("diagnostics", tally.diagnostics.to_string()),
        ("panics and crashes", tally.panics.len().to_string()),
        ("hangs (over 60 s)", tally.hangs.len().to_string()),
        (
            "diagnostics whose pointer names no node of the mutant, nor its parent",
            tally.unplaced_count.to_string(),
        ),
        (
            "diagnostics in a library's words (typify, serde, schemars, openapiv3)",
            tally.library_count.to_string(),
        ),
    ];
    let _ = writeln!(out, "| of {tried} mutants | count |\n|---|--:|");
    for (what, count) in rows {
        let _ = writeln!(out, "| {what} | {count} |");
    }
    for (title, examples) in [
        ("Panics and crashes", &tally.panics),
        ("Hangs", &tally.hangs),
        ("Diagnostics without a place", &tally.unplaced),
        ("Diagnostics in a library's words", &tally.library),
    ] {
        if examples.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title} (first {})\n", examples.len());
        for example in examples {
            let _ = writeln!(out, "```text\n{}\n```", truncate_lines(example));
        }
    }
    out
}

/// Long lines cut, so a 5000-character name does not fill the report.
fn truncate_lines(text: &str) -> String {
    text.lines()
        .map(|line| match line.char_indices().nth(400) {
            Some((at, _)) => format!("{}...", &line[..at]),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::library_worded;

    #[test]
    fn quoted_names_are_the_specs_words() {
        assert!(library_worded(
            "cannot generate types: typify panicked: $ref #/components/schemas/nope is missing"
        ));
        assert!(!library_worded(
            "`#/components/schemas/portserdes` leads back to itself through `allof`"
        ));
        assert!(library_worded(
            "`x`: data did not match any variant of untagged enum schema"
        ));
    }
}
