//! Each generated module describes what its code serves (`API_DESCRIPTION`), and that
//! description, as an OpenAPI document, says what the spec says: the round trip's
//! comparison finds no difference. An altered description is caught.

use serde_json::Value;
use specfirst::roundtrip::{compare, Difference};
use specfirst_fixture_buildrs::DESCRIPTIONS;
use specfirst_runtime::describe::{
    ApiDescription, OperationDescription, ParamDescription, ResponseDescription,
};

/// The 3.0-form document the generator built the module from.
fn spec(path: &str) -> Value {
    match specfirst::load::Document::from_path(std::path::Path::new(path)) {
        Ok(document) => document.raw,
        Err(error) => panic!("{path}: {error}"),
    }
}

fn report(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(|d| format!("  {d}\n"))
        .collect::<String>()
}

#[test]
fn every_module_describes_its_spec() {
    assert!(DESCRIPTIONS.len() >= 10, "the local specs are all listed");
    let mut failures = String::new();
    for (module, path, description) in DESCRIPTIONS {
        let differences = compare(&spec(path), &description.to_openapi());
        if !differences.is_empty() {
            failures.push_str(&format!("{module} ({path}):\n{}", report(&differences)));
        }
    }
    assert!(
        failures.is_empty(),
        "descriptions differ from their specs:\n{failures}"
    );
}

/// The bookshelf's description and spec.
fn bookshelf() -> (&'static ApiDescription, Value) {
    let (_, path, description) = DESCRIPTIONS
        .iter()
        .find(|(module, _, _)| *module == "bookshelf")
        .expect("the bookshelf module is generated");
    (description, spec(path))
}

/// `description` with operation `index` replaced by what `change` makes of it.
fn altered(
    description: &ApiDescription,
    index: usize,
    change: impl FnOnce(&mut OperationDescription),
) -> Value {
    let mut operations = description.operations.to_vec();
    change(&mut operations[index]);
    let operations: &'static [OperationDescription] = Box::leak(operations.into_boxed_slice());
    ApiDescription {
        operations,
        ..*description
    }
    .to_openapi()
}

#[test]
fn an_optional_parameter_made_required_is_reported() {
    let (description, spec) = bookshelf();
    let index = description
        .operations
        .iter()
        .position(|op| op.parameters.iter().any(|p| !p.required))
        .expect("an operation with an optional parameter");
    let document = altered(description, index, |op| {
        let mut parameters: Vec<ParamDescription> = op.parameters.to_vec();
        if let Some(p) = parameters.iter_mut().find(|p| !p.required) {
            p.required = true;
        }
        op.parameters = Box::leak(parameters.into_boxed_slice());
    });
    let differences = compare(&spec, &document);
    assert_eq!(differences.len(), 1, "{}", report(&differences));
    assert!(
        differences[0].pointer.ends_with("/required"),
        "{}",
        report(&differences)
    );
}

#[test]
fn a_removed_status_is_reported() {
    let (description, spec) = bookshelf();
    let index = description
        .operations
        .iter()
        .position(|op| op.responses.len() > 1)
        .expect("an operation with two responses");
    let mut removed = String::new();
    let document = altered(description, index, |op| {
        let mut responses: Vec<ResponseDescription> = op.responses.to_vec();
        removed = responses.remove(0).status.key();
        op.responses = Box::leak(responses.into_boxed_slice());
    });
    let differences = compare(&spec, &document);
    assert_eq!(differences.len(), 1, "{}", report(&differences));
    assert!(
        differences[0]
            .pointer
            .ends_with(&format!("/responses/{removed}")),
        "{}",
        report(&differences)
    );
    assert_eq!(differences[0].output, None);
}

#[test]
fn a_change_to_a_decoder_shows_in_the_description() {
    // The description reads name, location and style from the handler's decoder, so
    // decoding a parameter differently describes it differently.
    let (description, spec) = bookshelf();
    let (index, position) = description
        .operations
        .iter()
        .enumerate()
        .find_map(|(i, op)| {
            op.parameters
                .iter()
                .position(|p| p.decode.location == specfirst_runtime::__private::Location::Query)
                .map(|position| (i, position))
        })
        .expect("a query parameter");
    let document = altered(description, index, |op| {
        let mut parameters: Vec<ParamDescription> = op.parameters.to_vec();
        let decode = Box::leak(Box::new(
            parameters[position]
                .decode
                .styled(specfirst_runtime::__private::Style::PipeDelimited),
        ));
        parameters[position].decode = decode;
        op.parameters = Box::leak(parameters.into_boxed_slice());
    });
    let differences = compare(&spec, &document);
    assert!(
        differences.iter().any(|d| d.pointer.ends_with("/style")),
        "{}",
        report(&differences)
    );
}
