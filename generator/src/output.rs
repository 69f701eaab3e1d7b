//! Writing generated files without leaving half-written output, and comparing them
//! with what is on disk.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// One generated file: a path relative to the output root and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the crate (or output) directory, with `/` separators.
    pub path: String,
    /// The file's full text.
    pub contents: String,
}

/// How one file on disk differs from what the spec generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    /// The file, relative to the checked directory.
    pub path: String,
    /// A unified diff from what is on disk to what would be generated.
    pub diff: String,
}

/// Writes `files` under `root`. Every file is first written beside its target under a
/// temporary name, and only when all are written are they renamed into place, so an
/// I/O failure part-way leaves the old files as they were. Files whose contents are
/// unchanged are not touched, so build scripts do not trigger needless rebuilds.
pub fn write_all(root: &Path, files: &[GeneratedFile]) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        for file in files {
            let target = root.join(&file.path);
            if std::fs::read(&target).ok().as_deref() == Some(file.contents.as_bytes()) {
                continue;
            }
            let parent = target.parent().unwrap_or(root);
            std::fs::create_dir_all(parent).map_err(io(parent))?;
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temp = parent.join(format!(".{name}.specfirst-{}.tmp", std::process::id()));
            std::fs::write(&temp, &file.contents).map_err(io(&temp))?;
            staged.push((temp, target));
        }
        Ok(())
    })();
    if let Err(error) = result {
        for (temp, _) in &staged {
            let _ = std::fs::remove_file(temp);
        }
        return Err(error);
    }
    for (temp, target) in &staged {
        std::fs::rename(temp, target).map_err(io(target))?;
    }
    Ok(())
}

/// Compares `files` with what is under `root`; an empty list means fresh.
pub fn drift(root: &Path, files: &[GeneratedFile]) -> Vec<Drift> {
    let mut out = Vec::new();
    for file in files {
        let on_disk = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            let diff = similar::TextDiff::from_lines(&on_disk, &file.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", file.path), &format!("b/{}", file.path))
                .to_string();
            out.push(Drift {
                path: file.path.clone(),
                diff,
            });
        }
    }
    out
}

/// The module files (`src/generated/<module>.rs`, see [`crate::emit::ModuleFile`])
/// under `root` that specfirst wrote and that `files` no longer holds, as paths
/// relative to `root`, in order: what a generation of a smaller crate leaves behind.
pub fn stale_module_files(root: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(MODULES_DIR)) else {
        return Vec::new();
    };
    let mut stale: Vec<String> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = format!("{MODULES_DIR}/{name}");
            if !name.ends_with(".rs") || files.iter().any(|file| file.path == path) {
                return None;
            }
            // Only a file of ours: a user's own file stays.
            let text = std::fs::read_to_string(entry.path()).ok()?;
            text.starts_with(&format!("// {}", crate::GENERATED_MARK))
                .then_some(path)
        })
        .collect();
    stale.sort();
    stale
}

/// Removes `stale` files under `root` ([`stale_module_files`]), and their directory when
/// that leaves it empty.
pub fn remove_module_files(root: &Path, stale: &[String]) -> Result<(), Error> {
    for path in stale {
        let path = root.join(path);
        std::fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
    }
    if !stale.is_empty() {
        // Fails, as it should, when anything else is in it.
        let _ = std::fs::remove_dir(root.join(MODULES_DIR));
    }
    Ok(())
}

/// Where the module files of the API crate are, relative to the crate.
pub const MODULES_DIR: &str = "src/generated";

/// The part crate directories (`models-N` and `operations-N`, see [`crate::Split`])
/// under `root` that specfirst wrote and that `files` no longer holds, in order: what a
/// generation with fewer parts, or none, leaves behind.
pub fn stale_part_crates(root: &Path, files: &[GeneratedFile]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut stale: Vec<((usize, usize), String)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let (kind, number) = ["models-", "operations-"]
                .into_iter()
                .enumerate()
                .find_map(|(kind, prefix)| {
                    name.strip_prefix(prefix)?
                        .parse::<usize>()
                        .ok()
                        .map(|n| (kind, n))
                })?;
            let prefix = format!("{name}/");
            if files.iter().any(|file| file.path.starts_with(&prefix)) {
                return None;
            }
            // Only a crate of ours: a user's own directory of that name stays.
            let manifest = std::fs::read_to_string(entry.path().join("Cargo.toml")).ok()?;
            manifest
                .starts_with(&format!("# {}", crate::GENERATED_MARK))
                .then_some(((kind, number), name))
        })
        .collect();
    stale.sort();
    stale.into_iter().map(|(_, name)| name).collect()
}
