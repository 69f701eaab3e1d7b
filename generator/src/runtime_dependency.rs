//! Where a generated crate's `specfirst-runtime` comes from, and the runtime this
//! generator was built from, which a crate depends on by default.

use std::path::Path;

use crate::VERSION;

/// How a generated crate depends on `specfirst-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// From crates.io, by version requirement.
    Version(String),
    /// From a local directory, written as given (relative to the generated crate).
    Path(String),
    /// From a git repository holding the workspace, by URL (its default branch).
    Git(String),
}

impl Default for RuntimeDependency {
    fn default() -> Self {
        Self::Version(VERSION.to_string())
    }
}

impl RuntimeDependency {
    /// The runtime this generator was built from, for a crate to be written in `dir`:
    /// its sources' directory, relative to `dir`, while they are still where they were
    /// built (a `cargo install --path` from a checkout); else the version on crates.io.
    /// The command line's default, since no registry has the runtime yet: a crate
    /// generated with default settings builds.
    pub fn built_for(dir: &Path) -> Self {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        let built = runtime
            .join("Cargo.toml")
            .is_file()
            .then(|| runtime.canonicalize().ok())
            .flatten();
        match built.and_then(|runtime| relative_path(dir, &runtime)) {
            Some(path) => Self::Path(path),
            None => Self::default(),
        }
    }

    /// Its key in a Cargo dependency (`version`, `path` or `git`) and the value: the
    /// manifest writes `key = value`, the recorded settings `runtime_key`, the command
    /// line `--runtime-key`.
    pub fn key_and_value(&self) -> (&'static str, &str) {
        match self {
            Self::Version(version) => ("version", version),
            Self::Path(path) => ("path", path),
            Self::Git(url) => ("git", url),
        }
    }

    /// The same runtime for a crate one directory further down (a model crate in
    /// `models-N`): a relative path gains a `../`.
    pub fn one_level_down(&self) -> Self {
        match self {
            Self::Path(path) if Path::new(path).is_relative() => Self::Path(format!("../{path}")),
            other => other.clone(),
        }
    }

    /// How a person reads it: `path "../runtime"` or `version "0.1.0"`.
    pub fn describe(&self) -> String {
        let (key, value) = self.key_and_value();
        format!("{key} {value:?}")
    }
}

/// `target` (absolute) as seen from `dir`, which need not exist yet: `..` up to their
/// common ancestor, then down, with `/` between parts; `None` when they share no root.
pub(crate) fn relative_path(dir: &Path, target: &Path) -> Option<String> {
    use std::path::Component;
    let absolute = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(dir)
    };
    // `dir` without `.` and with `..` applied, then its longest part that exists made
    // canonical (symbolic links resolved, as in `target`), and the rest as written.
    let mut lexical = std::path::PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
    let mut from: Vec<std::ffi::OsString> = Vec::new();
    let mut root = None;
    for component in existing.canonicalize().ok()?.components() {
        match component {
            Component::Normal(name) => from.push(name.to_os_string()),
            Component::ParentDir => {
                from.pop();
            }
            Component::CurDir => {}
            Component::Prefix(_) | Component::RootDir => root
                .get_or_insert_with(std::path::PathBuf::new)
                .push(component),
        }
    }
    from.extend(rest.into_iter().rev());
    let mut to = Vec::new();
    let mut target_root = None;
    for component in target.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => target_root
                .get_or_insert_with(std::path::PathBuf::new)
                .push(component),
            Component::Normal(name) => to.push(name.to_os_string()),
            Component::CurDir | Component::ParentDir => return None,
        }
    }
    if root.is_none() || root != target_root {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|name| name.to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_further_down_climbs_one_more_level() {
        let down = |dependency: RuntimeDependency| dependency.one_level_down();
        assert_eq!(
            down(RuntimeDependency::Path("../runtime".into())),
            RuntimeDependency::Path("../../runtime".into())
        );
        assert_eq!(
            down(RuntimeDependency::Path("/opt/runtime".into())),
            RuntimeDependency::Path("/opt/runtime".into())
        );
        assert_eq!(
            down(RuntimeDependency::Version("0.1".into())),
            RuntimeDependency::Version("0.1".into())
        );
    }

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        let temp = tempfile::tempdir().expect("a temp dir");
        let base = temp.path().canonicalize().expect("canonical");
        let runtime = base.join("tools/specfirst/runtime");
        std::fs::create_dir_all(&runtime).expect("writable");
        // The crate's directory need not exist yet.
        let at = |dir: &str| relative_path(&base.join(dir), &runtime);
        assert_eq!(
            at("app/crates/api").as_deref(),
            Some("../../../tools/specfirst/runtime")
        );
        assert_eq!(at("tools/specfirst/api").as_deref(), Some("../runtime"));
        assert_eq!(at("tools/specfirst/runtime").as_deref(), Some("."));
        assert_eq!(
            at("app/./x/../api").as_deref(),
            Some("../../tools/specfirst/runtime")
        );
    }

    #[test]
    fn the_built_runtime_is_this_workspaces() {
        // Tests run from the checkout the generator is built from, so its runtime is there.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/some-api");
        assert_eq!(
            RuntimeDependency::built_for(&dir),
            RuntimeDependency::Path("../../runtime".into())
        );
    }
}
