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
    let specs = shared_specs("oxide");
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
    let specs = shared_specs("oxide");
    let nexus = specs
        .iter()
        .find(|p| p.ends_with("nexus.json"))
        .expect("nexus.json");
    let generator = Generator::from_path(nexus).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generator.api().operations.len(), 317);
}

/// The items `text` defines whose declaration line contains `needle`, each through its
/// closing brace at the same indentation, with the doc comments above it.
fn items_containing(text: &str, needle: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if !(line.starts_with("pub struct ") && line.contains(needle)) {
            continue;
        }
        let mut start = index;
        while start > 0
            && (lines[start - 1].starts_with("///") || lines[start - 1].starts_with("#["))
        {
            start -= 1;
        }
        let end = (index..lines.len())
            .find(|&i| lines[i] == "}")
            .unwrap_or(index);
        out.push(lines[start..=end].join("\n"));
    }
    out
}

#[test]
fn nexus_paginated_operations_get_typed_scans() {
    let specs = shared_specs("oxide");
    let nexus = specs
        .iter()
        .find(|p| p.ends_with("nexus.json"))
        .expect("nexus.json");
    let generator = Generator::from_path(nexus).unwrap_or_else(|e| panic!("{e}"));
    let paginated = generator
        .api()
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .count();
    assert_eq!(paginated, 80);
    let code = generator
        .module_files("api")
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0)
        .contents;
    let scans = items_containing(&code, "Scan {");
    assert_eq!(scans.len(), 80, "one scan struct per paginated operation");
    let markers = code
        .lines()
        .filter(|l| l.trim_start().starts_with("type ") && l.contains("Marker:"))
        .count();
    assert_eq!(markers, 80, "one marker type per paginated operation");
    let mut snapshot = String::from(
        "// The scan structs generated for oxide/nexus.json's paginated operations.\n\n",
    );
    snapshot.push_str(&scans.join("\n\n"));
    snapshot.push('\n');
    expectorate::assert_contents(
        specfirst_tests::workspace_root().join("tests/snapshots/oxide-nexus-scans.rs"),
        &snapshot,
    );
}
