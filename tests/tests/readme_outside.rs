//! The README's "Use it in your own project" block, run as written in an empty directory
//! outside the workspace: install the command, generate a crate, implement two
//! operations, serve them, call them with curl and check the crate.
//!
//! Only the environment is the test's: `CHECKOUT` (this workspace), an install root in
//! the temporary directory at the front of `PATH` and the workspace's target directory,
//! so that what the workspace already built is not built again; and `cargo install`
//! gets `--debug`, for the same reason (below).

use std::process::Command;

use specfirst_tests::workspace_root;

const START: &str = "<!-- outside-workspace:start -->\n```sh\n";
const END: &str = "```\n<!-- outside-workspace:end -->";

#[test]
fn the_readme_walkthrough_works_outside_the_workspace() {
    let root = workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let script = readme
        .split_once(START)
        .and_then(|(_, rest)| rest.split_once(END))
        .map(|(block, _)| block)
        .expect("README.md has the outside-workspace block");
    // `cargo install` builds the command with the dev profile here: it shares the
    // workspace's target directory, where the tests' build left every dependency of the
    // command already built that way. The command does the same work either way, and
    // the test took 111 s in CI building it again under the release profile.
    let script = script.replacen("cargo install ", "cargo install --debug ", 1);
    assert!(
        script.contains("cargo install --debug --locked --path"),
        "{script}"
    );
    let temp = tempfile::tempdir().expect("a temp dir");
    let bin = temp.path().join("root/bin");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    // Bounded, so that a server that never answers fails the test instead of hanging it.
    let out = Command::new("timeout")
        .args(["1200", "bash", "-euo", "pipefail", "-c", &script])
        .current_dir(temp.path())
        .env("CHECKOUT", &root)
        .env("CARGO_INSTALL_ROOT", temp.path().join("root"))
        .env("CARGO_TARGET_DIR", &target)
        .env("PATH", path)
        .env_remove("RUST_LOG")
        .output()
        .expect("bash runs");
    // A server left behind by a failed run would hold the port for the next one.
    let _ = Command::new("pkill").args(["-x", "shelf-server"]).status();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Each curl's body, in the README's order.
    let mut rest = &*stdout;
    for expected in [
        "{\"items\":[]}",
        "\"error_code\":\"NotFound\"",
        "\"error_code\":\"Unauthenticated\"",
        "\"error_code\":\"NotImplemented\"",
        "\"error_code\":\"InvalidParameter\"",
    ] {
        let at = rest
            .find(expected)
            .unwrap_or_else(|| panic!("{expected} not in order in: {stdout}\n{stderr}"));
        rest = &rest[at + expected.len()..];
    }
    // `specfirst generate` said which runtime it chose; nothing reported the crate stale.
    assert!(stderr.contains("specfirst-runtime: path"), "{stderr}");
    assert!(!stderr.contains("is stale"), "{stderr}");
}
