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
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "text/event-stream" => Some(Framing::Events),
        "application/jsonl"
        | "application/x-jsonl"
        | "application/jsonlines"
        | "application/x-jsonlines"
        | "application/json-lines"
        | "application/x-ndjson"
        | "application/ndjson" => Some(Framing::JsonLines),
        "application/json-seq" => Some(Framing::JsonSeq),
        _ => None,
    }
}

/// Where a media type object of a streamed type says what one item is, and the JSON
/// schema of that item's value.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    /// decoded `data`.
    pub schema: &'a Value,
}

/// The JSON pointer tokens of an event's `data` content schema, from the event's schema.
const EVENT_DATA: &[&str] = &["properties", "data", "contentSchema"];

/// The item schema of `media` (a media type object) of `media_type`, or `None` when the
/// type does not stream or the object describes no items.
///
/// The extension [`ITEM_SCHEMA`] gives it directly, or for events it may describe the
/// whole event the way OpenAPI 3.2's `itemSchema` does: an object whose `data` is a
/// string with a `contentSchema`. A `text/event-stream` whose `schema` is such an event
/// describes its items too.
pub fn item_schema<'a>(media_type: &str, media: &'a Value) -> Option<ItemSchema<'a>> {
    let framing = framing_of(media_type)?;
    if let Some(item) = media.get(ITEM_SCHEMA) {
        return Some(match event_data(framing, item) {
            Some(schema) => ItemSchema {
                framing,
                key: ITEM_SCHEMA,
                path: EVENT_DATA,
                schema,
            },
            None => ItemSchema {
                framing,
                key: ITEM_SCHEMA,
                path: &[],
                schema: item,
            },
        });
    }
    let schema = event_data(framing, media.get("schema")?)?;
    Some(ItemSchema {
        framing,
        key: "schema",
        path: EVENT_DATA,
        schema,
    })
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
        let item = item_schema("application/x-ndjson", &media).unwrap();
        assert_eq!(item.key, ITEM_SCHEMA);
        assert!(item.path.is_empty());
        assert_eq!(item.schema, &json!({"$ref": "#/components/schemas/Book"}));

        let event = json!({
            "type": "object",
            "properties": {"data": {"type": "string", "contentSchema": {"type": "integer"}}}
        });
        let media = json!({ "x-specfirst-item-schema": event });
        let item = item_schema("text/event-stream", &media).unwrap();
        assert_eq!(item.path, EVENT_DATA);
        assert_eq!(item.schema, &json!({"type": "integer"}));
        // The same shape is not an event's for JSON Lines: the item is the object.
        let item = item_schema("application/jsonl", &media).unwrap();
        assert_eq!(item.schema, &event);
    }

    #[test]
    fn an_event_schema_with_content_describes_the_items() {
        let media = json!({"schema": {
            "type": "object",
            "properties": {"data": {"type": "string", "contentSchema": {"type": "string"}}}
        }});
        let item = item_schema("text/event-stream", &media).unwrap();
        assert_eq!(item.key, "schema");
        assert_eq!(item.schema, &json!({"type": "string"}));
        // A schema without content is untyped, as is any other streamed type's.
        assert!(item_schema("text/event-stream", &json!({"schema": {"type": "string"}})).is_none());
        assert!(item_schema("application/jsonl", &media).is_none());
        assert!(item_schema("application/json", &json!({"x-specfirst-item-schema": {}})).is_none());
    }
}
