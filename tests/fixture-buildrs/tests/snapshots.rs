//! The code this crate compiles is the committed snapshot, so every snapshot is also a
//! compile test under `#![deny(warnings)]`.
//!
//! `specfirst-tests` keeps `tests/snapshots/<spec>.rs` equal to what the generator makes
//! of `specs/<spec>.*` (`EXPECTORATE=overwrite cargo test -p specfirst-tests --test
//! snapshots` rewrites them). This crate's build script generates the same specs again,
//! into OUT_DIR under the same names, and `src/lib.rs` `include!`s those files. Here the
//! very files it includes (`SNAPSHOTTED`, written by the build script next to the module
//! list) are compared with the snapshots byte for byte: if they are equal, what was
//! compiled is exactly what was snapshotted.

use std::path::Path;

use specfirst_fixture_buildrs::SNAPSHOTTED;

#[test]
fn the_compiled_code_is_the_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let specs = std::fs::read_dir(root.join("specs"))
        .expect("specs/")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .count();
    assert_eq!(SNAPSHOTTED.len(), specs, "one module per spec in specs/");
    for (name, compiled) in SNAPSHOTTED {
        let path = root.join(format!("tests/snapshots/{name}.rs"));
        let snapshot = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (a new spec needs its snapshot)", path.display()));
        if snapshot != *compiled {
            let line = snapshot
                .lines()
                .zip(compiled.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| snapshot.lines().count().min(compiled.lines().count()));
            panic!(
                "the code compiled for specs/{name} differs from {} from line {}: update \
                 the snapshots with `EXPECTORATE=overwrite cargo test -p specfirst-tests \
                 --test snapshots`",
                path.display(),
                line + 1
            );
        }
    }
}
