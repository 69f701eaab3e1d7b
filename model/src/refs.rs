//! Local JSON References (`{"$ref": "#/components/schemas/Pet"}`) as both the generator
//! and the runtime read them: one decoder of the pointer a reference holds, and one
//! hop from a reference to what it names. (The generator's chains of references, with
//! their hop limit and cycle check, are its own, in its `load::refs`.)

use serde_json::Value;

/// The JSON pointer of a local reference (`#/components/schemas/Pet`), its URI
/// fragment percent-decoded as RFC 6901 says (`%7Bid%7D` is `{id}`); `None` for a
/// reference to another document.
pub fn local_pointer(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    if !fragment.contains('%') {
        return Some(fragment.to_string());
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(String::from_utf8(out).unwrap_or_else(|_| fragment.to_string()))
}

/// The node `node` refers to when it is a local reference that resolves in `document`
/// (one hop); `None` for anything else.
pub fn referred<'v>(document: &'v Value, node: &Value) -> Option<&'v Value> {
    let reference = node.get("$ref")?.as_str()?;
    document.pointer(&local_pointer(reference)?)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn local_references_are_pointers_percent_decoded() {
        assert_eq!(local_pointer("#/a/b").as_deref(), Some("/a/b"));
        assert_eq!(
            local_pointer("#/paths/~1a%7Bid%7D").as_deref(),
            Some("/paths/~1a{id}")
        );
        assert_eq!(local_pointer("other.yaml#/a"), None);
        let doc = json!({"components": {"x": {"n": 1}}});
        assert_eq!(
            referred(&doc, &json!({"$ref": "#/components/x"})),
            Some(&json!({"n": 1}))
        );
        assert_eq!(referred(&doc, &json!({"$ref": "#/components/y"})), None);
        assert_eq!(referred(&doc, &json!({"n": 1})), None);
    }
}
