//! Streamed bodies whose items are typed: which media types stream, how their items are
//! framed, and where a document says what one item is. The generator reads these to type
//! a response's items; the mock reads them to make items of the same type.

use serde_json::Value;

use crate::extensions::ITEM_SCHEMA;

/// How the items of a streamed body are framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Framing {
    /// `text/event-stream`: Server-Sent Events, each item the JSON `data` of an event.
    Events,
    /// JSON Lines (`application/jsonl`, `application/x-ndjson`, ...): one JSON text per
    /// line.
    JsonLines,
    /// `application/json-seq` (RFC 7464): each JSON text after a record separator
    /// (0x1E) and before a line feed.
    JsonSeq,
}

/// The framing of `media_type` (parameters and case aside), or `None` when it is not a
/// streamed type.
pub fn framing_of(media_type: &str) -> Option<Framing> {
    // Compared without a lower-cased copy: servers ask this of every response.
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    let is = |name: &str| essence.eq_ignore_ascii_case(name);
    if is("text/event-stream") {
        Some(Framing::Events)
    } else if JSON_LINES.iter().any(|name| is(name)) {
        Some(Framing::JsonLines)
    } else if is("application/json-seq") {
        Some(Framing::JsonSeq)
    } else {
        None
    }
}

/// The media types of JSON Lines, under each name in use.
const JSON_LINES: [&str; 7] = [
    "application/jsonl",
    "application/x-jsonl",
    "application/jsonlines",
    "application/x-jsonlines",
    "application/json-lines",
    "application/x-ndjson",
    "application/ndjson",
];

/// Where a media type object of a streamed type says what one item is, and the JSON
/// schema of that item's value.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSchema<'a> {
    /// How the media type frames its items.
    pub framing: Framing,
    /// The key under the media type object that holds the description: the extension
    /// [`ITEM_SCHEMA`], or `schema` for an event whose `data` names its
    /// `contentSchema`.
    pub key: &'static str,
    /// The path below that key to the item's value schema, as JSON pointer tokens
    /// (empty when the key holds it).
    pub path: &'static [&'static str],
    /// The schema of one item's value: a JSON Lines or json-seq item, or an event's
    /// decoded `data`; for events told apart by name, the schema of the events.
    pub schema: &'a Value,
    /// For events told apart by name (a `oneOf` of event schemas, each with its `event`
    /// name and its `data`'s `contentSchema`), each kind of event; empty otherwise.
    pub named: Vec<NamedEvent<'a>>,
}

/// One kind of event of a stream whose events are told apart by name.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedEvent<'a> {
    /// The event's name, its `event:` field.
    pub name: &'a str,
    /// The JSON pointer tokens from [`ItemSchema::key`] to the schema of its `data`
    /// (through a `$ref` to an event schema: the reference is followed, not named).
    pub path: Vec<String>,
    /// The schema of its decoded `data`.
    pub data: &'a Value,
}

/// The JSON pointer tokens of an event's `data` content schema, from the event's schema.
const EVENT_DATA: &[&str] = &["properties", "data", "contentSchema"];

/// The item schema of `media` (a media type object) of `media_type`, or `None` when the
/// type does not stream or the object describes no items. `document` is where the
/// references of an event schema's alternatives lead.
///
/// The extension [`ITEM_SCHEMA`] gives it directly, or for events it may describe the
/// whole event the way OpenAPI 3.2's `itemSchema` does: an object whose `data` is a
/// string with a `contentSchema`, or a `oneOf` of such objects each naming its `event`
/// (events told apart by name). A `text/event-stream` whose `schema` is such an event
/// describes its items too.
pub fn item_schema<'a>(
    document: &'a Value,
    media_type: &str,
    media: &'a Value,
) -> Option<ItemSchema<'a>> {
    let framing = framing_of(media_type)?;
    let whole = |key: &'static str, schema: &'a Value, named: Vec<NamedEvent<'a>>| ItemSchema {
        framing,
        key,
        path: &[],
        schema,
        named,
    };
    if let Some(item) = media.get(ITEM_SCHEMA) {
        if let Some(named) = named_events(framing, document, item) {
            return Some(whole(ITEM_SCHEMA, item, named));
        }
        return Some(match event_data(framing, item) {
            Some(schema) => ItemSchema {
                framing,
                key: ITEM_SCHEMA,
                path: EVENT_DATA,
                schema,
                named: Vec::new(),
            },
            None => whole(ITEM_SCHEMA, item, Vec::new()),
        });
    }
    let schema = media.get("schema")?;
    if let Some(named) = named_events(framing, document, schema) {
        return Some(whole("schema", schema, named));
    }
    Some(ItemSchema {
        framing,
        key: "schema",
        path: EVENT_DATA,
        schema: event_data(framing, schema)?,
        named: Vec::new(),
    })
}

/// The kinds of event of `events` (an event schema) when it is a `oneOf` (or `anyOf`) of
/// event schemas, each naming its `event` (`const`, or an `enum` of one name) and typing
/// its `data` by a `contentSchema`, every name its own.
fn named_events<'a>(
    framing: Framing,
    document: &'a Value,
    events: &'a Value,
) -> Option<Vec<NamedEvent<'a>>> {
    if framing != Framing::Events {
        return None;
    }
    let events = resolve(document, events);
    let (keyword, alternatives) = ["oneOf", "anyOf"].into_iter().find_map(|keyword| {
        let alternatives = events.get(keyword)?.as_array()?;
        Some((keyword, alternatives))
    })?;
    let mut named: Vec<NamedEvent<'a>> = Vec::new();
    for (index, alternative) in alternatives.iter().enumerate() {
        let properties = resolve(document, alternative).get("properties")?;
        let name = event_name(resolve(document, properties.get("event")?))?;
        let data = resolve(document, properties.get("data")?).get("contentSchema")?;
        if named.iter().any(|event| event.name == name) {
            return None;
        }
        let path = [
            keyword,
            &index.to_string(),
            "properties",
            "data",
            "contentSchema",
        ];
        named.push(NamedEvent {
            name,
            path: path.iter().map(|token| token.to_string()).collect(),
            data,
        });
    }
    (!named.is_empty()).then_some(named)
}

/// The one name an event schema's `event` allows: not empty, and on one line as the
/// `event:` field must be.
fn event_name(schema: &Value) -> Option<&str> {
    let name = match schema.get("const") {
        Some(name) => name.as_str(),
        None => match schema.get("enum")?.as_array()?.as_slice() {
            [name] => name.as_str(),
            _ => None,
        },
    }?;
    (!name.is_empty() && !name.contains(['\n', '\r'])).then_some(name)
}

/// `node`, or what its local `$ref` leads to in `document` (a few references deep).
fn resolve<'a>(document: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        let Some(target) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
            .and_then(|pointer| document.pointer(pointer))
        else {
            break;
        };
        node = target;
    }
    node
}

/// The `contentSchema` of an event schema's `data` property, for the events framing.
fn event_data(framing: Framing, event: &Value) -> Option<&Value> {
    if framing != Framing::Events {
        return None;
    }
    EVENT_DATA
        .iter()
        .try_fold(event, |node, token| node.get(*token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn streamed_types_are_known_by_their_essence() {
        assert_eq!(
            framing_of("Text/Event-Stream; charset=utf-8"),
            Some(Framing::Events)
        );
        assert_eq!(framing_of("application/x-ndjson"), Some(Framing::JsonLines));
        assert_eq!(framing_of("application/jsonl"), Some(Framing::JsonLines));
        assert_eq!(framing_of("application/json-seq"), Some(Framing::JsonSeq));
        assert_eq!(framing_of("application/json"), None);
        assert_eq!(framing_of("text/plain"), None);
    }

    #[test]
    fn the_extension_gives_the_item_or_the_whole_event() {
        let media = json!({"x-specfirst-item-schema": {"$ref": "#/components/schemas/Book"}});
        let item = item_schema(&Value::Null, "application/x-ndjson", &media).unwrap();
        assert_eq!(item.key, ITEM_SCHEMA);
        assert!(item.path.is_empty());
        assert_eq!(item.schema, &json!({"$ref": "#/components/schemas/Book"}));

        let event = json!({
            "type": "object",
            "properties": {"data": {"type": "string", "contentSchema": {"type": "integer"}}}
        });
        let media = json!({ "x-specfirst-item-schema": event });
        let item = item_schema(&Value::Null, "text/event-stream", &media).unwrap();
        assert_eq!(item.path, EVENT_DATA);
        assert_eq!(item.schema, &json!({"type": "integer"}));
        // The same shape is not an event's for JSON Lines: the item is the object.
        let item = item_schema(&Value::Null, "application/jsonl", &media).unwrap();
        assert_eq!(item.schema, &event);
    }

    #[test]
    fn an_event_schema_with_content_describes_the_items() {
        let media = json!({"schema": {
            "type": "object",
            "properties": {"data": {"type": "string", "contentSchema": {"type": "string"}}}
        }});
        let item = item_schema(&Value::Null, "text/event-stream", &media).unwrap();
        assert_eq!(item.key, "schema");
        assert_eq!(item.schema, &json!({"type": "string"}));
        // A schema without content is untyped, as is any other streamed type's.
        assert!(item_schema(
            &Value::Null,
            "text/event-stream",
            &json!({"schema": {"type": "string"}})
        )
        .is_none());
        assert!(item_schema(&Value::Null, "application/jsonl", &media).is_none());
        assert!(item_schema(
            &Value::Null,
            "application/json",
            &json!({"x-specfirst-item-schema": {}})
        )
        .is_none());
    }

    #[test]
    fn a_one_of_of_named_events_names_each_kind() {
        let document = json!({"components": {"schemas": {
            "Deleted": {
                "type": "object",
                "properties": {
                    "event": {"enum": ["deleted"]},
                    "data": {"type": "string", "contentSchema": {"type": "integer"}}
                }
            }
        }}});
        let events = json!({"oneOf": [
            {"type": "object", "properties": {
                "event": {"const": "created"},
                "data": {"type": "string", "contentSchema": {"$ref": "#/components/schemas/Book"}}
            }},
            {"$ref": "#/components/schemas/Deleted"}
        ]});
        let media = json!({ "x-specfirst-item-schema": events });
        let item = item_schema(&document, "text/event-stream", &media).unwrap();
        assert_eq!(item.schema, &events);
        assert!(item.path.is_empty());
        let names: Vec<_> = item.named.iter().map(|event| event.name).collect();
        assert_eq!(names, ["created", "deleted"]);
        assert_eq!(
            item.named[0].data,
            &json!({"$ref": "#/components/schemas/Book"})
        );
        assert_eq!(item.named[1].data, &json!({"type": "integer"}));
        assert_eq!(
            item.named[1].path,
            ["oneOf", "1", "properties", "data", "contentSchema"]
        );

        // A kind without a name, or two of one name, leave the events one kind: the
        // `oneOf` is the item's schema as written.
        let unnamed = json!({"x-specfirst-item-schema": {"oneOf": [
            {"properties": {"data": {"contentSchema": {}}}}
        ]}});
        let item = item_schema(&document, "text/event-stream", &unnamed).unwrap();
        assert!(item.named.is_empty());
        let twice = json!({"x-specfirst-item-schema": {"oneOf": [
            {"properties": {"event": {"const": "a"}, "data": {"contentSchema": {}}}},
            {"properties": {"event": {"const": "a"}, "data": {"contentSchema": {}}}}
        ]}});
        assert!(item_schema(&document, "text/event-stream", &twice)
            .unwrap()
            .named
            .is_empty());
        // Only events have names.
        assert!(item_schema(&document, "application/jsonl", &media)
            .unwrap()
            .named
            .is_empty());
    }
}
