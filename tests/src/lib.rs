//! Shared helpers for the integration tests: where the specs are.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// The YAML and JSON files directly in `dir`, sorted by name.
pub fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    files
}

/// `../shared/specs/`, the real-world specs beside the workspace. The tests that use it
/// fail without it, naming the path, rather than passing without checking anything.
pub fn shared_specs_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/specs");
    assert!(
        dir.is_dir(),
        "{} is missing: these tests need the shared specs checked out beside the workspace",
        dir.display()
    );
    dir
}

/// The real-world specs in `../shared/specs/<corpus>/`; panics naming the path when it is
/// missing.
pub fn shared_specs(corpus: &str) -> Vec<PathBuf> {
    let dir = shared_specs_dir().join(corpus);
    assert!(dir.is_dir(), "{} is missing", dir.display());
    spec_files(&dir)
}
