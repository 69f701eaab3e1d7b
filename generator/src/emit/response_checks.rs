//! Each operation's declared responses as a static table in the `handlers` module, which
//! the runtime holds what the implementation answers against when the server checks
//! responses (`specfirst_runtime::ResponseChecks`): the status, its media types with the
//! rules of JSON bodies, and the headers the spec marks required.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{json, Value};

use super::ident;
use super::validation::Rules;
use crate::ir::{Operation, Response, ResponseBody, SchemaUse, StatusSpec};
use crate::naming::Namespace;

/// The name of each operation's table, `None` when the operation declares no responses
/// (`responses: {}`). A table only one operation has is named for it
/// (`LIST_BOOKS_RESPONSES`); operations declaring the same responses share one
/// (GitHub's 1,223 operations have 346 different tables), named for its statuses
/// (`RESPONSES_200_404`). Names keep clear of the parameters' decoders (`taken`), which
/// share the `handlers` module.
pub(super) fn names(
    operations: &[Operation],
    taken: &[Vec<String>],
    rules: &Rules<'_>,
) -> Vec<Option<String>> {
    let mut trial = rules.blank();
    let keys: Vec<String> = operations.iter().map(|op| key(op, &mut trial)).collect();
    let mut uses: HashMap<&str, usize> = HashMap::new();
    for key in &keys {
        *uses.entry(key).or_default() += 1;
    }
    // Reserved, not claimed one by one: operations share decoders, and claiming a name
    // again would number it, for no name in the end and in time growing with its uses.
    let mut names = Namespace::with_reserved(taken.iter().flatten().map(String::as_str));
    let mut given: HashMap<&str, String> = HashMap::new();
    operations
        .iter()
        .zip(&keys)
        .map(|(op, key)| {
            let mut declared = op.responses.iter().filter(|r| r.declared).peekable();
            declared.peek()?;
            if let Some(name) = given.get(key.as_str()) {
                return Some(name.clone());
            }
            let statuses = declared.map(|response| response.status);
            let name = table_name(op, statuses, uses[key.as_str()], "RESPONSES", &mut names);
            given.insert(key, name.clone());
            Some(name)
        })
        .collect()
}

/// The name of an operation's table of `word` (`RESPONSES`, `ERRORS`) in the `handlers`
/// module: its own (`LIST_PETS_RESPONSES`) when only `op` uses it, else the listed
/// `statuses`' (`RESPONSES_200_404`), which the operations sharing it have alike.
pub(super) fn table_name(
    op: &Operation,
    statuses: impl Iterator<Item = StatusSpec>,
    uses: usize,
    word: &str,
    names: &mut Namespace,
) -> String {
    if uses == 1 {
        let upper = op.method_name.trim_end_matches('_').to_ascii_uppercase();
        return names.claim(&format!("{upper}_{word}"));
    }
    let statuses: Vec<String> = statuses
        .map(|status| status.key().to_ascii_uppercase())
        .collect();
    names.claim(&format!("{word}_{}", statuses.join("_")))
}

/// What makes two operations' tables the same: each declared response's status, media
/// types with the schemas of those JSON bodies that have rules (as `trial`, rules
/// written nowhere, finds), and required headers.
fn key(op: &Operation, trial: &mut Rules<'_>) -> String {
    let mut key = String::new();
    for response in op.responses.iter().filter(|r| r.declared) {
        key.push_str(&response.status.key());
        for media in &response.content {
            let schema = checked_body(response, &media.media_type)
                .filter(|body| trial.for_typed(&body.schema, body.hint).is_some())
                .map(|body| format!("{}{}", body.schema, if body.named { " named" } else { "" }));
            key.push_str(&format!(
                " {} {}",
                media.media_type,
                schema.unwrap_or_default()
            ));
        }
        for header in response.headers.iter().filter(|h| h.required) {
            key.push_str(&format!(" {}", header.name.to_ascii_lowercase()));
        }
        key.push('\n');
    }
    key
}

/// The tables named `names` (one per operation, from [`names`]), each written once.
/// Written after the handlers, so the rules of response bodies
/// ([`Rules::for_typed`]) come after, and do not rename, those of requests.
pub(super) fn tables(
    operations: &[Operation],
    names: &[Option<String>],
    rules: &mut Rules<'_>,
) -> Vec<TokenStream> {
    let mut written = HashSet::new();
    let mut tables = Vec::new();
    for (op, name) in operations.iter().zip(names) {
        let Some(name) = name.as_deref().filter(|name| written.insert(*name)) else {
            continue;
        };
        let entries: Vec<TokenStream> = op
            .responses
            .iter()
            .filter(|response| response.declared)
            .map(|response| entry(response, rules))
            .collect();
        let table = ident(name);
        let count = Literal::usize_unsuffixed(entries.len());
        tables.push(quote! {
            static #table: [rt::Declared; #count] = [#(#entries),*];
        });
    }
    tables
}

/// One declared response: `rt::Declared::code(200, &[(media, rules)], &[headers])`.
fn entry(response: &Response, rules: &mut Rules<'_>) -> TokenStream {
    let mut named = Vec::new();
    let content: Vec<TokenStream> = response
        .content
        .iter()
        .map(|media| {
            let key = &media.media_type;
            match body_rules(response, key, rules) {
                Some((path, by_name)) => {
                    if by_name {
                        named.push(key);
                    }
                    quote!((#key, Some(&#path)))
                }
                None => quote!((#key, None)),
            }
        })
        .collect();
    let content = quote!(&[#(#content),*]);
    let named = (!named.is_empty()).then(|| quote!(.named(&[#(#named),*])));
    let headers = response
        .headers
        .iter()
        .filter(|header| header.required)
        .map(|header| header.name.to_ascii_lowercase());
    let headers = quote!(&[#(#headers),*]);
    match response.status {
        StatusSpec::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote!(rt::Declared::code(#code, #content, #headers)#named)
        }
        StatusSpec::Range(digit) => {
            let digit = Literal::u16_unsuffixed(digit);
            quote!(rt::Declared::range(#digit, #content, #headers)#named)
        }
        StatusSpec::Default => quote!(rt::Declared::fallback(#content, #headers)#named),
    }
}

/// The rules of the body `response` has as `media_type` (of each item, when it is a
/// stream), when it is JSON and its schema says more than its Rust type holds (a body
/// the implementation answers with is made by that type: [`Rules::for_typed`]); and
/// whether they are those of events told apart by name.
fn body_rules(
    response: &Response,
    media_type: &str,
    rules: &mut Rules<'_>,
) -> Option<(TokenStream, bool)> {
    let body = checked_body(response, media_type)?;
    let path = rules.for_typed(&body.schema, body.hint)?;
    Some((path, body.named))
}

/// The schema the checks hold a body to, as [`checked_body`] finds it.
struct Checked<'a> {
    schema: Cow<'a, Value>,
    hint: &'a str,
    /// Whether the body is a stream of events told apart by name, whose items the
    /// checks read as a client does, `{name: data}`.
    named: bool,
}

/// The schema the checks hold the body `response` has as `media_type` to: a JSON body's,
/// or the items' of a stream; for events told apart by name, [`by_name`] of the items'.
fn checked_body<'a>(response: &'a Response, media_type: &str) -> Option<Checked<'a>> {
    let stream = |body: &'a ResponseBody| match body {
        ResponseBody::Stream { item, named, .. } if body.media_type() == media_type => {
            Some(Checked {
                schema: match named {
                    true => Cow::Owned(by_name(&item.schema)),
                    false => Cow::Borrowed(&item.schema),
                },
                hint: &item.name_hint,
                named: *named,
            })
        }
        _ => None,
    };
    let json = json_body(response, media_type).map(|schema| Checked {
        schema: Cow::Borrowed(&schema.schema),
        hint: &schema.name_hint,
        named: false,
    });
    json.or_else(|| match response.alternatives.as_slice() {
        [] => response.body.as_ref().and_then(stream),
        alternatives => alternatives
            .iter()
            .find(|alternative| alternative.media_type == media_type)
            .and_then(|alternative| stream(&alternative.body)),
    })
}

/// The item schema of events told apart by name (a `oneOf` of one-property objects,
/// each an event's name and the schema of its data) as one object with every name's
/// data: an item read as `{name: data}` has one of its properties, held to the rules of
/// that name's data. The enum's own rules would hold it to none of them: its variants
/// are told apart by their types, which the checks leave out.
fn by_name(item: &Value) -> Value {
    let mut properties = serde_json::Map::new();
    let variants = item.get("oneOf").and_then(Value::as_array);
    for variant in variants.into_iter().flatten() {
        if let Some(Value::Object(named)) = variant.get("properties") {
            properties.extend(
                named
                    .iter()
                    .map(|(name, data)| (name.clone(), data.clone())),
            );
        }
    }
    json!({ "type": "object", "properties": properties })
}

/// The schema of the body `response` has as `media_type`, when it is JSON.
pub(super) fn json_body<'a>(response: &'a Response, media_type: &str) -> Option<&'a SchemaUse> {
    let body = match response.alternatives.as_slice() {
        [] => response
            .body
            .as_ref()
            .filter(|body| body.media_type() == media_type)?,
        alternatives => {
            &alternatives
                .iter()
                .find(|alternative| alternative.media_type == media_type)?
                .body
        }
    };
    match body {
        ResponseBody::Json { schema, .. } => Some(schema),
        ResponseBody::Stream { .. } | ResponseBody::Text { .. } | ResponseBody::Bytes { .. } => {
            None
        }
    }
}
