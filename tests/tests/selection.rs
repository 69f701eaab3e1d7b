//! Selecting operations (`--tags`, `--operations`, `specfirst::Selection`): each
//! operation of every project spec alone, and tags of the shared specs, load, type and
//! round-trip against the selected document, keeping exactly what was selected.

use std::path::Path;

use serde_json::Value;
use specfirst::{Error, Generator, Selection};
use specfirst_tests::{shared_specs, spec_files, workspace_root};

/// The tags of every operation in `doc`, in order of first use.
fn tags(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for section in ["paths", "webhooks"] {
        let items = doc
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten();
        for (_, item) in items {
            let operations = item.as_object().into_iter().flatten();
            for (_, operation) in operations {
                let names = operation
                    .get("tags")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten();
                for tag in names.filter_map(Value::as_str) {
                    if !out.iter().any(|t| t == tag) {
                        out.push(tag.to_string());
                    }
                }
            }
        }
    }
    out
}

/// Checks one selection of `spec`; `false` when the spec refers from a kept operation
/// into one left out, which is reported as such.
fn check(spec: &Path, selection: &Selection) -> bool {
    let what = format!("{} with {selection}", spec.display());
    let generator = match Generator::from_path_with(spec, selection) {
        Ok(generator) => generator,
        Err(Error::Spec(problems))
            if problems
                .items
                .iter()
                .all(|p| p.message.contains("which the selection leaves out")) =>
        {
            return false;
        }
        Err(error) => panic!("{what}: {error}"),
    };
    if let Err(error) = generator.module_files("api") {
        panic!("{what}: {error}");
    }
    let differences = generator.roundtrip();
    assert!(differences.is_empty(), "{what}: {differences:#?}");
    let api = generator.api();
    for operation in api.operations.iter().chain(&api.webhooks) {
        assert!(
            selection.operations.contains(&operation.operation_id) || !selection.tags.is_empty(),
            "{what}: {} generated",
            operation.operation_id
        );
    }
    for id in &selection.operations {
        assert!(
            api.operations
                .iter()
                .chain(&api.webhooks)
                .any(|op| &op.operation_id == id),
            "{what}: {id} missing"
        );
    }
    true
}

#[test]
fn every_operation_of_the_project_specs_alone() {
    let mut checked = 0;
    let mut refused = Vec::new();
    for spec in spec_files(&workspace_root().join("specs")) {
        let whole = Generator::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
        let api = whole.api();
        let ids = api
            .operations
            .iter()
            .chain(&api.webhooks)
            .filter(|op| op.operation_id_declared)
            .map(|op| op.operation_id.clone());
        for id in ids {
            let selection = Selection::default().with_operations([id.clone()]);
            if check(&spec, &selection) {
                checked += 1;
            } else {
                refused.push(format!("{}: {id}", spec.display()));
            }
        }
        for tag in tags(whole.document()) {
            assert!(check(&spec, &Selection::default().with_tags([tag])));
        }
    }
    assert!(checked > 80, "only {checked} operations checked");
    // refs.yaml points from one operation's schema into another's on purpose.
    assert_eq!(refused.len(), 1, "{refused:#?}");
    assert!(
        refused[0].ends_with("refs.yaml: getSpecies"),
        "{refused:#?}"
    );
}

#[test]
fn tags_of_the_shared_specs() {
    for corpus in ["oxide", "dropshot"] {
        for spec in shared_specs(corpus) {
            let bytes = std::fs::read(&spec).unwrap_or_else(|e| panic!("{e}"));
            let doc: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
            // A few tags each: nexus.json has thirty, and each one types its share again.
            for tag in tags(&doc).into_iter().take(3) {
                assert!(check(&spec, &Selection::default().with_tags([tag])));
            }
        }
    }
}

/// The media types progenitor cannot read (it refuses a spec that has one).
const STREAMED: [&str; 2] = ["text/event-stream", "application/x-ndjson"];

/// progenitor reads no streamed media type, so `tests/progenitor-client` generates its
/// client from the flagship's other operations: the document this generator keeps for
/// that selection, committed there (`EXPECTORATE=overwrite` writes it again).
#[test]
fn progenitors_spec_is_the_flagship_without_its_streamed_operations() {
    let root = workspace_root();
    let spec = root.join("specs/bookshelf.yaml");
    let whole = Generator::from_path(&spec).unwrap_or_else(|e| panic!("{e}"));
    let mut kept = Vec::new();
    let mut streamed = Vec::new();
    for item in whole.document()["paths"]
        .as_object()
        .expect("paths")
        .values()
    {
        for operation in item.as_object().expect("a path item").values() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let text = operation.to_string();
            match STREAMED.iter().any(|media_type| text.contains(media_type)) {
                true => streamed.push(id.to_owned()),
                false => kept.push(id.to_owned()),
            }
        }
    }
    assert_eq!(streamed, ["watchChanges", "exportBooks", "importBooks"]);
    let selection = Selection::default().with_operations(kept);
    let selected = Generator::from_path_with(&spec, &selection).unwrap_or_else(|e| panic!("{e}"));
    let text = serde_json::to_string_pretty(selected.document()).expect("JSON") + "\n";
    assert!(!STREAMED.iter().any(|media_type| text.contains(media_type)));
    expectorate::assert_contents(
        root.join("tests/progenitor-client/bookshelf-paged.json"),
        &text,
    );
}
