//! Documents whose module is more than one rustc can check here (Microsoft Graph's):
//! generated again as a whole crate, as `specfirst generate` writes it with the
//! default `--split auto`, whose model and operations crates rustc checks one at a
//! time, and checked so, alone. What a user of such an API builds is that crate, not
//! a module.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::ledger;
use specfirst::{CrateOptions, RuntimeDependency};

/// A document's split crate, written and ready to check.
pub(super) struct SplitCrate {
    /// The crate's directory.
    pub(super) dir: PathBuf,
    /// Its largest file of Rust, in bytes: what one rustc has to hold.
    pub(super) largest_rs: u64,
    /// A digest of every file, the ledger's key for it.
    pub(super) digest: String,
}

/// Generates the crate of the document at `spec` into `dir` (emptied first), with the
/// runtime of the workspace at `root` and the scratch crate's lock file (`lock`), so
/// its dependencies are those of every other check.
pub(super) fn generate(spec: &Path, dir: &Path, root: &Path, lock: &Path) -> Result<SplitCrate> {
    let generator = specfirst::Generator::from_path(spec)
        .with_context(|| format!("cannot load {}", spec.display()))?;
    let options = CrateOptions {
        name: Some("corpus-split".into()),
        runtime: RuntimeDependency::Path(root.join("runtime").display().to_string()),
        ..CrateOptions::default()
    };
    let files = generator
        .crate_files(&options)
        .with_context(|| format!("cannot generate the crate of {}", spec.display()))?;
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let mut largest_rs = 0;
    let mut hashed = Vec::new();
    for file in &files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut contents = file.contents.clone();
        if file.path == "Cargo.toml" {
            // A workspace of its own: it is under this workspace's target directory.
            contents.push_str("\n[workspace]\n");
        }
        if file.path.ends_with(".rs") {
            largest_rs = largest_rs.max(contents.len() as u64);
        }
        hashed.extend_from_slice(file.path.as_bytes());
        hashed.push(0);
        hashed.extend_from_slice(contents.as_bytes());
        hashed.push(0);
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    std::fs::copy(lock, dir.join("Cargo.lock"))
        .with_context(|| format!("cannot copy {}", lock.display()))?;
    Ok(SplitCrate {
        dir: dir.to_path_buf(),
        largest_rs,
        digest: ledger::module_digest(&hashed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_split_crate_is_a_workspace_of_its_own_with_the_given_versions() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let dir = std::env::temp_dir().join(format!("specfirst-split-{}", std::process::id()));
        let lock = dir.with_extension("lock");
        std::fs::write(&lock, "# versions\n").unwrap();
        let spec = root.join("specs/pageable.yaml");
        let krate = generate(&spec, &dir, root, &lock).unwrap();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(manifest.ends_with("\n[workspace]\n"), "{manifest}");
        assert!(manifest.contains("name = \"corpus-split\""), "{manifest}");
        assert_eq!(
            std::fs::read_to_string(dir.join("Cargo.lock")).unwrap(),
            "# versions\n"
        );
        let api = std::fs::read(dir.join("src/generated.rs")).unwrap();
        assert!(krate.largest_rs >= api.len() as u64);
        // The same document gives the same key; a stale file from before is gone.
        std::fs::write(dir.join("stale.rs"), "").unwrap();
        let again = generate(&spec, &dir, root, &lock).unwrap();
        assert_eq!(again.digest, krate.digest);
        assert!(!dir.join("stale.rs").exists());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_file(&lock).unwrap();
    }
}
