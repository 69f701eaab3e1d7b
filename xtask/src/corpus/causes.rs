//! Causes: compiler and generator messages with their names taken out, so that
//! documents failing for one reason fall into one group of the report.

use std::collections::BTreeMap;

/// A message with its names taken out: backtick- and double-quoted text becomes `…`,
/// and the first line only, cut at 200 characters.
pub(super) fn normalize(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '`' || c == '"' {
            out.push(c);
            out.push('…');
            for inner in chars.by_ref() {
                if inner == c {
                    break;
                }
            }
            out.push(c);
        } else {
            out.push(c);
        }
    }
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + "…";
    }
    out
}

/// `[a, b]` lists (typify names the colliding variants so) become `[…]`.
pub(super) fn normalize_lists(key: &str) -> String {
    let mut out = String::new();
    let mut rest = key;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str("[…]");
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The message of a `file#/pointer: message` diagnostic line, without the file.
pub(super) fn diagnostic_message(first: &str) -> &str {
    let rest = first.strip_prefix('#').unwrap_or(first);
    if rest.starts_with('/') || rest.starts_with(':') {
        if let Some(at) = rest.find(": ") {
            return &rest[at + 2..];
        }
    }
    rest
}

/// A group of documents failing for one cause.
pub(super) struct Group {
    /// The cause, with names taken out.
    pub(super) key: String,
    /// The first few documents' messages as written.
    pub(super) examples: Vec<String>,
    /// How many documents fail for this cause.
    pub(super) count: usize,
}

/// Groups (cause, example) pairs by cause, the most frequent first, keeping five
/// examples of each.
pub(super) fn groups(items: impl Iterator<Item = (String, String)>) -> Vec<Group> {
    let mut map: BTreeMap<String, Group> = BTreeMap::new();
    for (key, example) in items {
        let group = map.entry(key.clone()).or_insert_with(|| Group {
            key,
            examples: Vec::new(),
            count: 0,
        });
        group.count += 1;
        if group.examples.len() < 5 {
            group.examples.push(example);
        }
    }
    let mut groups: Vec<Group> = map.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_causes() {
        assert_eq!(
            normalize("the trait bound `Foo: Bar` is not satisfied\nmore"),
            "the trait bound `…` is not satisfied"
        );
        assert_eq!(
            normalize(r#"unknown format "uint8" in `x`"#),
            r#"unknown format "…" in `…`"#
        );
        assert_eq!(
            diagnostic_message(
                "#/paths/~1a/get/parameters/0: cookie parameter `s` is not supported yet"
            ),
            "cookie parameter `s` is not supported yet"
        );
        assert_eq!(diagnostic_message("#: invalid JSON: x"), "invalid JSON: x");
        assert_eq!(
            normalize_lists("typify panicked: names for [a-+1,a--1] and [x]"),
            "typify panicked: names for […] and […]"
        );
    }
}
