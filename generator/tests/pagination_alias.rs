//! `x-pagination` is read as `x-dropshot-pagination` is: the same operation, paginated,
//! from either marker.

fn spec(marker: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: Pages, version: "1"}}
paths:
  /things:
    get:
      operationId: listThings
      {marker}:
        required: []
      parameters:
        - {{name: limit, in: query, schema: {{type: integer, format: uint32, minimum: 1, nullable: true}}}}
        - {{name: page_token, in: query, schema: {{type: string, nullable: true}}}}
      responses:
        '200':
          description: A page.
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/ThingPage'}}
components:
  schemas:
    Thing: {{type: object, required: [id], properties: {{id: {{type: string}}}}}}
    ThingPage:
      type: object
      required: [items]
      properties:
        items: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
        next_page: {{type: string, nullable: true}}
"#
    )
}

/// The generated module's code after its header (the document's hash) and up to its
/// description (which quotes the document, and so the marker).
fn code(marker: &str) -> String {
    let generator = specfirst::Generator::from_bytes("pages.yaml", spec(marker).as_bytes())
        .unwrap_or_else(|error| panic!("{}", error.report()));
    assert!(
        generator.api().operations[0].pagination.is_some(),
        "{marker} paginates"
    );
    let files = generator.module_files("pages").expect("generated");
    let text = files
        .iter()
        .map(|file| file.contents.as_str())
        .collect::<String>();
    let start = text.find("\n\n").expect("a header");
    let end = text.find("API_DESCRIPTION").unwrap_or(text.len());
    text[start..end].to_string()
}

#[test]
fn x_pagination_is_an_alias_of_x_dropshot_pagination() {
    let dropshot = code("x-dropshot-pagination");
    assert!(dropshot.contains("WhichPage"), "a paginated request");
    assert_eq!(code("x-pagination"), dropshot);
}
