//! The real-world specs in `../shared/specs/` generate without diagnostics, and every
//! operation in them becomes a trait method: none is dropped. Compilation of the Oxide
//! specs under `#![deny(warnings)]` happens in `tests/fixture-buildrs`.

use specfirst::Generator;
use specfirst_tests::shared_specs;

fn operation_count(spec: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let doc: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    doc["paths"]
        .as_object()
        .map(|paths| {
            paths
                .values()
                .map(|item| methods.iter().filter(|m| item.get(**m).is_some()).count())
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn oxide_specs_generate_every_operation() {
    let Some(specs) = shared_specs("oxide") else {
        eprintln!("../shared/specs/oxide is missing; skipping");
        return;
    };
    assert_eq!(specs.len(), 5);
    for spec in specs {
        let generator = Generator::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            generator.api().operations.len(),
            operation_count(&spec),
            "{}: an operation was dropped",
            spec.display()
        );
        let files = generator
            .module_files("api")
            .unwrap_or_else(|e| panic!("{e}"));
        let code = &files[0].contents;
        for op in &generator.api().operations {
            assert!(
                code.contains(&format!("fn {}(", op.method_name)),
                "{} is missing",
                op.method_name
            );
        }
    }
}

#[test]
fn nexus_has_its_317_operations() {
    let Some(specs) = shared_specs("oxide") else {
        return;
    };
    let nexus = specs
        .iter()
        .find(|p| p.ends_with("nexus.json"))
        .expect("nexus.json");
    let generator = Generator::from_path(nexus).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generator.api().operations.len(), 317);
}
