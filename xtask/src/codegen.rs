//! The committed generated crates (the example's API and two split fixtures), and the
//! check that keeps them fresh.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use specfirst::{CrateOptions, Generator, RuntimeDependency, Split};

/// Rewrite the committed files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what the specs generate.
    Write,
    /// Fail with a diff when the committed files differ.
    Check,
}

/// One committed crate: the spec it comes from and how it is generated.
struct Job {
    spec: &'static str,
    dir: &'static str,
    name: &'static str,
    runtime_path: &'static str,
    /// Whether the types go into model crates, and how big those are.
    split: Split,
    split_size: Option<usize>,
}

const JOBS: &[Job] = &[
    Job {
        spec: "specs/bookshelf.yaml",
        dir: "generated-example/api",
        name: "bookshelf-api",
        runtime_path: "../../runtime",
        split: Split::Auto,
        split_size: None,
    },
    // The schema fixture with its types in model crates a few kilobytes each, so that
    // the workspace compiles (and the fixture's HTTP tests serve) a split crate whose
    // parts import each other.
    Job {
        spec: "specs/schemas.yaml",
        dir: "tests/split-schemas",
        name: "schemas-split-api",
        runtime_path: "../../runtime",
        split: Split::Always,
        split_size: Some(4000),
    },
    // A paginated spec split: its page types stay in the API crate, which converts the
    // runtime's pages into them.
    Job {
        spec: "specs/pageable.yaml",
        dir: "tests/split-pageable",
        name: "pageable-split-api",
        runtime_path: "../../runtime",
        split: Split::Always,
        split_size: Some(1500),
    },
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Runs every job in `mode`.
pub fn run(mode: Mode) -> Result<()> {
    let root = workspace_root();
    let mut stale = Vec::new();
    for job in JOBS {
        // Relative spec paths keep the generated headers the same on every machine.
        std::env::set_current_dir(&root)?;
        let generator = Generator::from_path(job.spec)?;
        let options = CrateOptions {
            name: Some(job.name.to_string()),
            runtime: RuntimeDependency::Path(job.runtime_path.to_string()),
            split: job.split,
            split_size: job.split_size,
        };
        match mode {
            Mode::Write => {
                generator.write_crate(job.dir, &options)?;
                eprintln!("wrote {}", job.dir);
            }
            Mode::Check => {
                for drift in generator.check_crate(job.dir, &options)? {
                    print!("{}", drift.diff);
                    stale.push(format!("{}/{}", job.dir, drift.path));
                }
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "stale generated files: {}\nrun `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `cargo test` alone catches a committed crate that no longer matches its spec.
    #[test]
    fn generated_example_is_fresh() {
        if let Err(error) = super::run(super::Mode::Check) {
            panic!("{error}");
        }
    }
}
