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

/// The real-world specs in `../shared/specs/`, when that directory is present.
pub fn shared_specs(corpus: &str) -> Option<Vec<PathBuf>> {
    let dir = workspace_root().join("../shared/specs").join(corpus);
    dir.is_dir().then(|| spec_files(&dir))
}
