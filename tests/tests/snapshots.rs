//! The generated code of every spec in `specs/` is committed under `tests/snapshots/`;
//! a change to the generator shows up as a reviewable diff. Regenerate with
//! `EXPECTORATE=overwrite cargo test -p specfirst-tests --test snapshots`.
//!
//! The same code is compiled under `#![deny(warnings)]` by `tests/fixture-buildrs`, whose
//! build script generates every spec in `specs/` again; its `snapshots` test checks that
//! the files it compiles are these snapshots byte for byte.

use specfirst::Generator;
use specfirst_tests::{spec_files, workspace_root};

#[test]
fn generated_code_matches_snapshots() {
    let root = workspace_root();
    let specs = spec_files(&root.join("specs"));
    assert!(specs.len() >= 4, "expected the project's specs in specs/");
    for spec in specs {
        let name = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A relative path keeps the header identical on every machine.
        let relative = spec.strip_prefix(&root).unwrap_or(&spec).to_path_buf();
        let bytes = std::fs::read(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        let generator = Generator::from_bytes(&relative, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let files = generator
            .module_files(&name)
            .unwrap_or_else(|e| panic!("{e}"));
        let code = files
            .iter()
            .find(|f| f.path.ends_with(".rs"))
            .unwrap_or_else(|| panic!("no Rust file generated for {name}"));
        expectorate::assert_contents(
            root.join(format!("tests/snapshots/{name}.rs")),
            &code.contents,
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    for spec in spec_files(&root.join("specs")) {
        let first = Generator::from_path(&spec)
            .and_then(|g| g.module_files("api"))
            .unwrap_or_else(|e| panic!("{e}"));
        let second = Generator::from_path(&spec)
            .and_then(|g| g.module_files("api"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            first,
            second,
            "{} generated different bytes twice",
            spec.display()
        );
    }
}
