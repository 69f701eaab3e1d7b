//! Replacing any node of a valid spec with a value of the wrong kind gives either a
//! working generator or diagnostics, never a panic.

use serde_json::Value;
use specfirst::{Error, Generator};
use specfirst_tests::workspace_root;

fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                pointers(child, format!("{at}/{token}"), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

#[test]
fn no_mutation_of_the_flagship_spec_panics() {
    let text =
        std::fs::read_to_string(workspace_root().join("specs/bookshelf.yaml")).expect("readable");
    let original: Value = serde_yaml::from_str(&text).expect("valid YAML");
    let mut all = Vec::new();
    pointers(&original, String::new(), &mut all);
    let replacements = [
        Value::Null,
        Value::from(7),
        Value::from("x"),
        Value::Array(vec![]),
        Value::Object(Default::default()),
    ];
    let mut rejected = 0;
    for pointer in all.iter().filter(|p| !p.is_empty()) {
        for replacement in &replacements {
            let mut doc = original.clone();
            *doc.pointer_mut(pointer)
                .expect("pointer from this document") = replacement.clone();
            let bytes = serde_json::to_vec(&doc).expect("serializes");
            let outcome = std::panic::catch_unwind(|| {
                Generator::from_bytes("mutated.json", &bytes).and_then(|g| g.module_files("api"))
            });
            match outcome {
                Ok(Ok(_)) => {}
                Ok(Err(Error::Spec(diagnostics))) => {
                    rejected += 1;
                    assert!(
                        !diagnostics.items.is_empty(),
                        "{pointer} = {replacement}: empty diagnostics"
                    );
                }
                Ok(Err(other)) => panic!("{pointer} = {replacement}: unexpected error {other}"),
                Err(_) => panic!("the generator panicked with {pointer} = {replacement}"),
            }
        }
    }
    assert!(
        rejected > 100,
        "only {rejected} mutations were rejected; is the test mutating anything?"
    );
}
