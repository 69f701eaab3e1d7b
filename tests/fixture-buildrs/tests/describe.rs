//! Each generated module describes what its code serves (`API_DESCRIPTION`), and that
//! description, as an OpenAPI document, says what the spec says: the round trip's
//! comparison finds no difference. An altered description is caught, whether the change
//! is in its data or in a decoder.

use serde_json::Value;
use specfirst::roundtrip::{compare, Difference};
use specfirst_fixture_buildrs::DESCRIPTIONS;
use specfirst_runtime::__private::{Location, Param, Style};
use specfirst_runtime::describe::ApiDescription;
use specfirst_runtime::model::compact::{operations_mut, unpack};

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

/// The document `description` stands for once `change` has altered its data, given
/// each operation's data with its decoders. The data is unpacked first, so nothing in
/// it refers to the published document.
fn with_data(
    description: &ApiDescription,
    change: impl FnOnce(Vec<(&mut serde_json::Map<String, Value>, &[&Param])>),
) -> Value {
    let published: Value =
        serde_json::from_str(description.published).expect("the published document is JSON");
    let mut data = unpack(description.document, &published).expect("the data is JSON");
    let operations = operations_mut(&mut data)
        .into_iter()
        .map(|(_, _, op)| op)
        .zip(description.decoders.iter().copied())
        .collect();
    change(operations);
    let document: &'static str = Box::leak(data.to_string().into_boxed_str());
    ApiDescription {
        document,
        ..*description
    }
    .to_openapi()
}

/// The document `description` stands for once `change` has made a new decoder of the
/// first query parameter's, and the name of the parameter that decoder read.
fn with_decoder(description: &ApiDescription, change: impl FnOnce(&Param) -> Param) -> Value {
    let (index, position) = description
        .decoders
        .iter()
        .enumerate()
        .find_map(|(i, decoders)| {
            decoders
                .iter()
                .position(|p| p.location == Location::Query)
                .map(|position| (i, position))
        })
        .expect("a query parameter");
    let mut decoders = description.decoders.to_vec();
    let mut operation = decoders[index].to_vec();
    operation[position] = Box::leak(Box::new(change(operation[position])));
    decoders[index] = Box::leak(operation.into_boxed_slice());
    ApiDescription {
        decoders: Box::leak(decoders.into_boxed_slice()),
        ..*description
    }
    .to_openapi()
}

#[test]
fn an_optional_parameter_made_required_is_reported() {
    let (description, spec) = bookshelf();
    let document = with_data(description, |operations| {
        let optional = operations
            .into_iter()
            .flat_map(|(op, decoders)| {
                let Some(Value::Array(parameters)) = op.get_mut("parameters") else {
                    return Vec::new();
                };
                parameters.iter_mut().zip(decoders).collect()
            })
            .find_map(|(parameter, decoder)| {
                let parameter = parameter.as_object_mut()?;
                let optional = !parameter.contains_key("required");
                let on_path = matches!(decoder.location, Location::Path(_));
                (optional && !on_path).then_some(parameter)
            })
            .expect("an optional parameter");
        optional.insert("required".into(), true.into());
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
    let mut removed = String::new();
    let document = with_data(description, |operations| {
        let responses = operations
            .into_iter()
            .find_map(|(op, _)| match op.get_mut("responses") {
                Some(Value::Object(responses)) if responses.len() > 1 => Some(responses),
                _ => None,
            })
            .expect("an operation with two responses");
        removed = responses.keys().next().cloned().unwrap_or_default();
        responses.remove(&removed);
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
    let document = with_decoder(description, |decoder| decoder.styled(Style::PipeDelimited));
    let differences = compare(&spec, &document);
    assert!(
        differences.iter().any(|d| d.pointer.ends_with("/style")),
        "{}",
        report(&differences)
    );
}

#[test]
fn a_renamed_decoder_shows_in_the_description() {
    let (description, spec) = bookshelf();
    let mut name = "";
    let document = with_decoder(description, |decoder| {
        name = decoder.name;
        Param {
            name: "renamed",
            ..*decoder
        }
    });
    let differences = compare(&spec, &document);
    let pointers: Vec<&str> = differences.iter().map(|d| d.pointer.as_str()).collect();
    assert_eq!(pointers.len(), 2, "{}", report(&differences));
    assert!(
        pointers[0].ends_with(&format!("/parameters/query:{name}"))
            && differences[0].output.is_none(),
        "{}",
        report(&differences)
    );
    assert!(
        pointers[1].ends_with("/parameters/query:renamed") && differences[1].input.is_none(),
        "{}",
        report(&differences)
    );
}

#[test]
fn what_the_data_refers_to_is_read_from_the_published_document() {
    // The data refers to the nodes it shares with the published document, so a
    // published document edited by hand shows where the description relies on it.
    let (description, spec) = bookshelf();
    let mut published: Value =
        serde_json::from_str(description.published).expect("the published document is JSON");
    published["info"]["title"] = "Edited".into();
    let published: &'static str = Box::leak(published.to_string().into_boxed_str());
    let document = ApiDescription {
        published,
        ..*description
    }
    .to_openapi();
    let differences = compare(&spec, &document);
    assert_eq!(differences.len(), 1, "{}", report(&differences));
    assert_eq!(differences[0].pointer, "/info/title");
}
