//! The model of a run: the input versions, what each document is and what became of
//! it, and what each corpus holds. Every stage fills in part of a [`Doc`]; the report
//! reads them all.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// An input version the corpus generates; the report gives every figure per version,
/// in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Version {
    /// `openapi: 3.0.x`.
    OpenApi30,
    /// `openapi: 3.1.x`.
    OpenApi31,
    /// `swagger: "2.0"`.
    Swagger20,
}

impl Version {
    pub(super) const ALL: [Version; 3] =
        [Version::OpenApi30, Version::OpenApi31, Version::Swagger20];

    /// The short name `--versions` takes and the report's version column shows.
    pub(super) fn label(self) -> &'static str {
        match self {
            Version::OpenApi30 => "3.0",
            Version::OpenApi31 => "3.1",
            Version::Swagger20 => "2.0",
        }
    }

    /// The name of the report's section for the version.
    pub(super) fn title(self) -> &'static str {
        match self {
            Version::OpenApi30 => "OpenAPI 3.0",
            Version::OpenApi31 => "OpenAPI 3.1",
            Version::Swagger20 => "Swagger 2.0",
        }
    }

    /// The version a `--versions` label names.
    pub(super) fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        Version::ALL
            .into_iter()
            .find(|v| v.label() == text)
            .with_context(|| format!("unknown version `{text}`; choose from 3.0, 3.1, 2.0"))
    }
}

/// What a document declares, read from its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sniffed {
    Input(Version),
    /// Anything else, described: "OpenAPI 3.2.0", "Swagger 1.2", ...
    Other(String),
}

/// What generating a document gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Generation {
    NotRun,
    Ok {
        /// The size of the generated Rust, which sizes its check.
        rs_bytes: u64,
    },
    /// The first diagnostic line (file prefix removed) and the number of lines.
    Failed {
        first: String,
        count: usize,
    },
    Panicked(String),
    /// The worker process died or timed out.
    Crashed(String),
}

/// What checking a document's generated module gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Compilation {
    NotRun,
    Ok,
    /// The cause the report groups by, and the first error as rustc rendered it.
    Failed {
        key: String,
        first: String,
    },
}

/// One selected document and what each stage made of it.
#[derive(Debug, Clone)]
pub(super) struct Doc {
    pub(super) corpus: &'static str,
    pub(super) version: Version,
    /// The path inside the corpus, for reports.
    pub(super) rel: String,
    pub(super) path: PathBuf,
    /// The document's size, which orders generation (largest first).
    pub(super) bytes: u64,
    pub(super) generation: Generation,
    /// How long the worker took over it.
    pub(super) generate_ms: u64,
    pub(super) compilation: Compilation,
    /// Warnings in the generated code (key, rendered first line), from the passing check.
    pub(super) warnings: Vec<(String, String)>,
    /// The draw order in `--sample`: the documents with a rank below `m` are the
    /// sample of size `m` with the same seed.
    pub(super) sample_rank: Option<usize>,
}

impl Doc {
    /// `corpus:path`, as reports and progress lines name the document.
    pub(super) fn name(&self) -> String {
        format!("{}:{}", self.corpus, self.rel)
    }

    /// Whether the generator panicked or its worker died on the document.
    pub(super) fn crashed(&self) -> bool {
        matches!(
            self.generation,
            Generation::Panicked(_) | Generation::Crashed(_)
        )
    }

    /// Where the document's module is generated: `m{index}` of the run's documents,
    /// which is also the module's name in a scratch crate.
    pub(super) fn dir(&self, gen_root: &Path, index: usize) -> PathBuf {
        gen_root.join(format!("m{index}"))
    }
}

/// What one corpus holds, whether generated or not.
#[derive(Debug, Clone, Default)]
pub(super) struct CorpusStats {
    pub(super) name: &'static str,
    /// Where it came from: npm package and version, or a directory.
    pub(super) origin: String,
    pub(super) found: usize,
    /// The documents of each input version found in the corpus.
    pub(super) versions: BTreeMap<Version, VersionCount>,
    /// The other files, by what they declare: not counted as failures.
    pub(super) other: BTreeMap<String, usize>,
}

/// The documents of one version in one corpus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct VersionCount {
    pub(super) found: usize,
    /// Found and chosen by `--versions` and `--sample`.
    pub(super) selected: usize,
}
