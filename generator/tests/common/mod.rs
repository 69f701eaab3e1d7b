//! What the command-line tests share: running the binary, the workspace root, and a
//! directory's files for before-and-after comparisons.
#![allow(dead_code)] // Each test binary uses some of these.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `specfirst` binary run with `args` in `dir`.
pub fn specfirst(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specfirst"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the specfirst binary runs")
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir`, relative, with its contents, for before/after comparisons.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&at) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let contents = std::fs::read(&path).expect("readable file");
                out.push((
                    path.strip_prefix(dir).expect("under dir").to_path_buf(),
                    contents,
                ));
            }
        }
    }
    out.sort();
    out
}

/// A temporary directory holding a copy of the flagship spec, `bookshelf.yaml`.
pub fn with_bookshelf() -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("a temp dir");
    std::fs::copy(
        root().join("specs/bookshelf.yaml"),
        temp.path().join("bookshelf.yaml"),
    )
    .expect("copied");
    temp
}
