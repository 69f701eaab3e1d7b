//! The value round trip: for every JSON body of every spec in `specs/` and the shared
//! specs, values synthesized from the body's schema as written (`specfirst::values`) go
//! through the body's generated type as the server decodes it and back out as it encodes
//! it. What the schema accepts must come out as it went in (defaults aside); what breaks
//! one of a request body's rules must be refused. The round trip of documents compares
//! the schemas the model keeps as written, so it cannot see what a type loses; this can.

use serde_json::Value;
use specfirst::values::{differences, samples};
use specfirst_fixture_buildrs::VALUE_CHECKS;

#[test]
fn every_json_body_keeps_what_its_schema_accepts_and_refuses_what_it_does_not() {
    let mut losses = Vec::new();
    let (mut bodies, mut probed, mut valid, mut invalid) = (0, 0, 0, 0);
    for (module, spec, checks) in VALUE_CHECKS {
        let generator = specfirst::Generator::from_path(spec)
            .unwrap_or_else(|error| panic!("{spec}: {}", error.report()));
        let root = generator.document();
        for (label, schema, request, probe) in checks.iter() {
            bodies += 1;
            let schema: Value = serde_json::from_str(schema).expect("the schema is JSON");
            let made = samples(&schema, root);
            if !made.valid.is_empty() {
                probed += 1;
            }
            for value in &made.valid {
                valid += 1;
                match probe(value) {
                    Ok(out) => {
                        for difference in differences(value, &out, &schema, root) {
                            losses.push(format!("{module}: {label}: {value}: {difference}"));
                        }
                    }
                    Err(message) => losses.push(format!(
                        "{module}: {label}: refused {value}, which the schema accepts: {message}"
                    )),
                }
            }
            if !request {
                continue;
            }
            for (value, rule) in &made.invalid {
                invalid += 1;
                if let Ok(out) = probe(value) {
                    losses.push(format!(
                        "{module}: {label}: accepted {value} (as {out}), which breaks {rule}"
                    ));
                }
            }
        }
    }
    println!(
        "{bodies} JSON bodies, {probed} with values made: {valid} valid values and \
         {invalid} invalid ones sent through their types"
    );
    assert!(
        losses.is_empty(),
        "{} losses:\n{}",
        losses.len(),
        losses.join("\n")
    );
    // Values were made for most bodies: the round trip cannot pass by making none.
    assert!(
        probed * 4 >= bodies * 3,
        "values for only {probed} of {bodies} bodies"
    );
    assert!(invalid > 100, "only {invalid} invalid values");
}
