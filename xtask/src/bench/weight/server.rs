//! The server crate the weight section builds beside each generated crate: a binary
//! serving the crate's mock with its router, so the build of a server (the router
//! instantiated for an implementation) is measured, not only the library's check.

use std::path::{Path, PathBuf};

use anyhow::Result;

/// The server crate of the generated crate in `crate_dir`: `KEY-server` beside it.
pub(super) fn server_dir(crate_dir: &Path) -> PathBuf {
    let mut name = crate_dir.file_name().unwrap_or_default().to_os_string();
    name.push("-server");
    crate_dir.with_file_name(name)
}

/// Writes the server crate beside the generated crate in `crate_dir` (package
/// `package`), depending on the runtime of the workspace at `root`: a binary serving the
/// crate's `mock::Mock` with its router, as `specfirst mock` builds it. Checking the
/// library alone never instantiates the router for an implementation, where the axum
/// services and every operation's handler are compiled; a server's build does.
pub(super) fn write_server(root: &Path, crate_dir: &Path, package: &str) -> Result<()> {
    let dir = server_dir(crate_dir);
    std::fs::create_dir_all(dir.join("src"))?;
    let api = crate_dir.file_name().unwrap_or_default().to_string_lossy();
    std::fs::write(
        dir.join("Cargo.toml"),
        server_manifest(&api, package, &root.join("runtime")),
    )?;
    std::fs::write(dir.join("src/main.rs"), SERVER_MAIN)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(())
}

/// The server crate's manifest: the generated crate (directory `api` beside it, package
/// `package`) with its mock, the runtime at `runtime`, and tokio for `main`.
fn server_manifest(api: &str, package: &str, runtime: &Path) -> String {
    format!(
        "[package]\nname = \"{api}-server\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\n\
             api = {{ package = \"{package}\", path = \"../{api}\", features = [\"mock\"] }}\n\
             specfirst-runtime = {{ path = {} }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
             [workspace]\n",
        serde_json::Value::from(runtime.to_string_lossy()),
    )
}

/// The server crate's `main.rs`: the mock served on the address given, never run here.
const SERVER_MAIN: &str = r#"use std::sync::Arc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:4010".to_owned());
    let config = specfirst_runtime::ServerConfig {
        bind_address: bind.parse().map_err(std::io::Error::other)?,
        ..specfirst_runtime::ServerConfig::default()
    };
    let router = api::router(Arc::new(api::mock::Mock::new()));
    specfirst_runtime::serve(config, router).await
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_crate_sits_beside_the_generated_one_and_uses_its_mock() {
        let crate_dir = Path::new("target/bench/weight/nexus");
        assert_eq!(
            server_dir(crate_dir),
            Path::new("target/bench/weight/nexus-server")
        );
        let manifest = server_manifest("nexus", "oxide-region-api", Path::new("/w/runtime"));
        assert!(manifest.contains("name = \"nexus-server\""));
        assert!(manifest.contains(
            "api = { package = \"oxide-region-api\", path = \"../nexus\", features = [\"mock\"] }"
        ));
        assert!(manifest.contains("specfirst-runtime = { path = \"/w/runtime\" }"));
        // Its own workspace: cargo would otherwise look for one above it.
        assert!(manifest.trim_end().ends_with("[workspace]"));
    }
}
