//! Every spec in `specs/invalid/` fails with diagnostics that name the file and the JSON
//! pointer of each problem; the full text is snapshotted in `tests/snapshots/invalid/`.
//! What the generator serves although the spec is doubtful is a warning at its pointer.

use specfirst::{Error, Generator};
use specfirst_tests::{spec_files, workspace_root};

#[test]
fn invalid_specs_report_every_problem_with_its_pointer() {
    let root = workspace_root();
    let specs = spec_files(&root.join("specs/invalid"));
    assert!(specs.len() >= 5, "expected invalid specs in specs/invalid/");
    for spec in specs {
        let name = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let relative = spec.strip_prefix(&root).unwrap_or(&spec).to_path_buf();
        let bytes = std::fs::read(&spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        let error = match Generator::from_bytes(&relative, &bytes) {
            Ok(_) => panic!("{} was accepted", spec.display()),
            Err(error) => error,
        };
        let Error::Spec(diagnostics) = &error else {
            panic!("{}: expected spec diagnostics, got {error}", spec.display());
        };
        let text = error.to_string();
        for (line, item) in text.lines().zip(&diagnostics.items) {
            assert!(
                line.starts_with(&format!("{}#{}: ", relative.display(), item.pointer)),
                "{line:?} does not start with the file and pointer"
            );
            // The pointer must resolve in the document (or be the root).
            assert!(
                item.pointer.is_empty() || pointer_resolves(&bytes, &item.pointer),
                "{line}"
            );
        }
        expectorate::assert_contents(
            root.join(format!("tests/snapshots/invalid/{name}.txt")),
            &format!("{text}\n"),
        );
    }
}

#[test]
fn many_problems_are_all_reported_at_once() {
    let spec = workspace_root().join("specs/invalid/many-problems.yaml");
    let Err(Error::Spec(diagnostics)) = Generator::from_path(&spec) else {
        panic!("many-problems.yaml was accepted");
    };
    assert!(diagnostics.items.len() >= 10, "{diagnostics}");
}

#[test]
fn what_is_served_despite_the_spec_is_a_warning_at_its_pointer() {
    let cases = [
        (
            "specs/route-choices.yaml",
            "/paths/~1v1~1{parent}~1exchanges/get",
            "the trait's `choose_list_project_exchanges` picks the operation",
        ),
        (
            "specs/params.yaml",
            "/paths/~1repeats~1{id}~1of~1{id}/get",
            "names `id` more than once; a parameter is read where it first appears",
        ),
        (
            "specs/param-styles.yaml",
            "/paths/~1rest~1twice/get/parameters/2",
            "`filter` also takes the query keys no other parameter names",
        ),
        (
            "specs/params.yaml",
            "/paths/~1send~1#env~1partners~1{partnerId}/get",
            "the `#` is read as a character of the path, which requests send as `%23`",
        ),
        (
            "specs/refs.yaml",
            "/paths/~1notes/post/requestBody/content/application~1json/schema/$ref",
            "`$ref` `#/components/responses/Planted` points at a response, where a schema is \
             expected (JSON Schema Core: ",
        ),
        (
            "specs/schemas.yaml",
            "/components/schemas/Record/properties/code/pattern",
            "`pattern` must be a string (a regular expression; JSON Schema Validation: \
             \"The value of this keyword MUST be a string\"); ignored, so nothing checks it",
        ),
        (
            "specs/schemas.yaml",
            "/components/schemas/Record/properties/kind/type",
            "\"The value of this keyword MUST be either a string or an array\"); ignored, so \
             this schema takes a value of any type",
        ),
        (
            "specs/security.yaml",
            "/paths/~1legacy/get/security/0/legacySession",
            "security scheme `legacySession` is not declared under `components/securitySchemes` \
             (OpenAPI, Security Requirement Object: \"Each name MUST correspond",
        ),
        (
            "specs/security.yaml",
            "/components/securitySchemes/vendorToken/type",
            "unknown security scheme type `x-vendor-token` (OpenAPI, Security Scheme Object: \
             \"Valid values are",
        ),
        (
            "specs/events.yaml",
            "/paths/~1completions/post/requestBody/content/application~1json/\
             x-specfirst-item-schema",
            "the item schema types the items of JSON Lines and application/json-seq bodies \
             and of text/event-stream responses only; here it is not read",
        ),
    ];
    for (spec, pointer, words) in cases {
        let generator = Generator::from_path(workspace_root().join(spec))
            .unwrap_or_else(|error| panic!("{spec}: {error}"));
        let warnings = generator.warnings();
        assert!(
            warnings
                .items
                .iter()
                .any(|item| item.pointer == pointer && item.message.contains(words)),
            "{spec}: no warning at {pointer} saying {words:?}: {warnings}"
        );
    }
}

/// Whether `pointer` names a node of the YAML or JSON document in `bytes`.
fn pointer_resolves(bytes: &[u8], pointer: &str) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    let value: Option<serde_yaml::Value> = serde_yaml::from_str(text).ok();
    let Some(value) = value else { return false };
    let Ok(json) = serde_json_value(value) else {
        return false;
    };
    json.pointer(pointer).is_some()
}

fn serde_json_value(value: serde_yaml::Value) -> Result<serde_json::Value, serde_yaml::Error> {
    serde_yaml::from_value(value)
}
