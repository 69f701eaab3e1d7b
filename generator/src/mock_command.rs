//! `specfirst mock SPEC --bind ADDR`: serves any spec with no code of the user's.
//!
//! The mock is the generated crate's own `mock::Mock` served by its own router, so
//! requests are decoded and validated exactly as a generated server does it: the crate
//! is generated into a cache directory named for the spec's hash, with a small server
//! crate beside it, built with cargo and run. A second run of the same spec only
//! starts the binary built the first time.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use specfirst::{CrateOptions, Generator, RuntimeDependency, Selection};

/// What `specfirst mock` was asked for.
pub struct MockArgs {
    /// The spec.
    pub spec: PathBuf,
    /// The address to serve on.
    pub bind: String,
    /// Where the generated crates and their build live.
    pub cache_dir: Option<PathBuf>,
    /// The cargo target directory to build in (shared with other builds to reuse
    /// their dependencies); `<cache>/target` by default.
    pub target_dir: Option<PathBuf>,
    /// The runtime the generated crates depend on; the one this binary was built
    /// from by default.
    pub runtime: Option<RuntimeDependency>,
    /// Only build (print the binary's path) instead of serving.
    pub build_only: bool,
    /// The only credentials accepted; any presented one when empty.
    pub credentials: Vec<String>,
}

/// Runs the mock server until it stops; its exit status is the command's.
pub fn run(args: &MockArgs) -> Result<ExitCode> {
    let spec_text = std::fs::read(&args.spec)
        .with_context(|| format!("cannot read {}", args.spec.display()))?;
    let cache = match &args.cache_dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join("specfirst-mock"),
    };
    let runtime_key = format!("{:?}", args.runtime);
    let hash = Sha256::new()
        .chain_update(&spec_text)
        .chain_update(runtime_key.as_bytes())
        .chain_update(env!("CARGO_PKG_VERSION").as_bytes())
        .finalize();
    let name: String = hash
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let dir = cache.join(format!("mock-{name}"));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dir.display()))?;
    let api_dir = dir.join("api");
    let server_dir = dir.join("server");

    let generator = Generator::from_path_with(&args.spec, &Selection::default())
        .map_err(|error| anyhow::anyhow!("{}", error.report()))?;
    let runtime = args
        .runtime
        .clone()
        .unwrap_or_else(|| RuntimeDependency::built_for(&api_dir));
    let options = CrateOptions {
        name: Some("specfirst-mock-api".to_owned()),
        runtime: runtime.clone(),
        ..CrateOptions::default()
    };
    generator
        .write_crate(&api_dir, &options)
        .map_err(|error| anyhow::anyhow!("{}", error.report()))?;
    write_server(&server_dir, &runtime)?;
    seed_lock_file(&server_dir, &runtime);

    let target_dir = args
        .target_dir
        .clone()
        .unwrap_or_else(|| dir.join("../target"));
    eprintln!(
        "building the mock of {} in {}",
        args.spec.display(),
        dir.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(server_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .context("cannot run cargo, which builds the mock")?;
    if !status.success() {
        bail!(
            "building the mock failed ({status}); the crate is in {}",
            dir.display()
        );
    }
    let binary = target_dir.join("debug").join(format!(
        "specfirst-mock-server{}",
        std::env::consts::EXE_SUFFIX
    ));
    if args.build_only {
        println!("{}", binary.display());
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "serving the mock of {} on http://{}",
        args.spec.display(),
        args.bind
    );
    let mut server = Command::new(&binary);
    server.arg(&args.bind);
    for credential in &args.credentials {
        server.arg("--credential").arg(credential);
    }
    let status = server
        .status()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The server crate beside the generated one: its mock behind its router.
fn write_server(dir: &Path, runtime: &RuntimeDependency) -> Result<()> {
    let (key, value) = runtime.key_and_value();
    let manifest = format!(
        "# Written by `specfirst mock`: serves the generated crate's mock.\n\
         [package]\n\
         name = \"specfirst-mock-server\"\n\
         version = \"0.1.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\n\
         [dependencies]\n\
         api = {{ package = \"specfirst-mock-api\", path = \"../api\", features = [\"mock\"] }}\n\
         specfirst-runtime = {{ {key} = {} }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
         [workspace]\n",
        toml_string(value)
    );
    let main = r#"//! Written by `specfirst mock`: `ADDR [--credential VALUE]...`.

use std::sync::Arc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match serve().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("specfirst-mock-server: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:4010".to_owned());
    let bind_address = bind.parse().map_err(|e| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{bind}: {e}"))
    })?;
    let mut credentials = Vec::new();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--credential", Some(value)) => credentials.push(value),
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("unexpected argument `{arg}`: ADDR [--credential VALUE]..."),
                ))
            }
        }
    }
    let mut mock = api::mock::Mock::new();
    if !credentials.is_empty() {
        mock = mock.accepting(credentials);
    }
    let config = specfirst_runtime::ServerConfig {
        bind_address,
        ..specfirst_runtime::ServerConfig::default()
    };
    let router = api::router(Arc::new(mock));
    specfirst_runtime::serve(config, router).await
}
"#;
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src/main.rs"), main)?;
    Ok(())
}

/// Starts the server crate's lock file from the workspace's of a runtime given by
/// path, so cargo picks the versions (and reuses the builds) that workspace has;
/// cargo adds what is missing.
fn seed_lock_file(dir: &Path, runtime: &RuntimeDependency) {
    let lock = dir.join("Cargo.lock");
    if lock.exists() {
        return;
    }
    let RuntimeDependency::Path(path) = runtime else {
        return;
    };
    let api_dir = dir.join("../api");
    let workspace_lock = api_dir.join(path).join("../Cargo.lock");
    if workspace_lock.is_file() {
        // Without it cargo resolves afresh; the seed only saves time.
        let _ = std::fs::copy(workspace_lock, lock);
    }
}

/// Writes `contents` unless the file already holds them, so cargo sees no change.
fn write_if_changed(path: &Path, contents: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
