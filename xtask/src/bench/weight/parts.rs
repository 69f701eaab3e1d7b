//! The parts of a generated crate (models, operations, handlers, rules, description),
//! found by scanning its top-level items, and their sizes.

use std::ops::Range;

/// The parts of a generated crate, in the order the tables show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    /// `pub mod types`: the schemas' types.
    Models,
    /// The API trait, its authentication trait, the request structs, the response enums
    /// and their impls, and `pub mod webhooks`.
    Operations,
    /// `mod handlers` and the `router` functions.
    Handlers,
    /// `mod rules`: the validation rules.
    Rules,
    /// `mod description`, `pub use description::...` and `OPENAPI_DOCUMENT`.
    Description,
    /// `mod client` and `mod mock`, behind the crate's features.
    Contracts,
    /// Anything else: the header comment, items none of the above names.
    Other,
}

/// Every part, in table order.
pub(super) const PARTS: [Part; 7] = [
    Part::Models,
    Part::Operations,
    Part::Handlers,
    Part::Rules,
    Part::Description,
    Part::Contracts,
    Part::Other,
];

impl Part {
    pub(super) fn label(self) -> &'static str {
        match self {
            Part::Models => "models",
            Part::Operations => "operations",
            Part::Handlers => "handlers",
            Part::Rules => "rules",
            Part::Description => "description",
            Part::Contracts => "client and mock",
            Part::Other => "other",
        }
    }
}

/// The part a top-level item belongs to, from its keyword (`mod`, `fn`, `struct`, ...,
/// visibility left out) and the word after it.
pub(super) fn classify(keyword: &str, name: &str) -> Part {
    match (keyword, name) {
        ("mod", "types") => Part::Models,
        ("mod", "handlers") => Part::Handlers,
        ("fn", name) if name.starts_with("router") => Part::Handlers,
        ("mod", "rules") => Part::Rules,
        ("mod", "client" | "mock") => Part::Contracts,
        ("mod", "description") | ("use", "description") | ("const", "OPENAPI_DOCUMENT") => {
            Part::Description
        }
        // The imports at the top serve the traits and the response enums' impls; at the
        // top level, `deserialize_struct!` reads a scan struct, like an impl of it.
        ("mod", "webhooks")
        | ("trait" | "struct" | "enum" | "impl" | "type" | "use", _)
        | ("specfirst_runtime", "deserialize_struct") => Part::Operations,
        _ => Part::Other,
    }
}

/// Whether `c` can be part of an identifier.
pub(super) fn ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// If a comment, string, raw string or character literal starts at `i`, the index just
/// after it; `None` otherwise (a lifetime's quote included). The scan works on bytes:
/// every byte it looks for is ASCII, which never occurs inside a multi-byte UTF-8 char.
pub(super) fn skip_literal(b: &[u8], i: usize) -> Option<usize> {
    let at = |j: usize| b.get(j).copied().unwrap_or(0);
    match at(i) {
        b'/' if at(i + 1) == b'/' => Some(
            b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| i + p + 1),
        ),
        b'/' if at(i + 1) == b'*' => {
            // Block comments nest.
            let (mut j, mut depth) = (i + 2, 1);
            while j < b.len() && depth > 0 {
                if at(j) == b'/' && at(j + 1) == b'*' {
                    depth += 1;
                    j += 2;
                } else if at(j) == b'*' && at(j + 1) == b'/' {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            Some(j)
        }
        b'"' => {
            let mut j = i + 1;
            while j < b.len() && at(j) != b'"' {
                j += if at(j) == b'\\' { 2 } else { 1 };
            }
            Some((j + 1).min(b.len()))
        }
        // `r"..."`, `r#"..."#`, `br#"..."#`, but not the `r` ending an identifier.
        b'r' if (i == 0
            || !ident(at(i - 1))
            || (at(i - 1) == b'b' && (i < 2 || !ident(at(i - 2)))))
            && matches!(at(i + 1), b'"' | b'#') =>
        {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            if at(i + 1 + hashes) != b'"' {
                return None;
            }
            let mut j = i + 2 + hashes;
            while j < b.len() {
                if at(j) == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&c| c == b'#')
                        .count()
                        == hashes
                {
                    return Some((j + 1 + hashes).min(b.len()));
                }
                j += 1;
            }
            Some(b.len())
        }
        b'\'' => {
            if at(i + 1) == b'\\' {
                // An escape (`'\''`, `'\n'`, `'\u{1F600}'`): the first quote after the
                // escaped char closes it.
                let from = (i + 3).min(b.len());
                let close = b[from..].iter().position(|&c| c == b'\'')?;
                return Some(from + close + 1);
            }
            // One char, of one to four UTF-8 bytes, then a quote; else a lifetime.
            let len = match at(i + 1) {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            (at(i + 1) != 0 && at(i + 1 + len) == b'\'').then_some(i + 2 + len)
        }
        _ => None,
    }
}

/// Where the item whose tokens start at `i` ends: just after the `;` at depth 0 that ends
/// it, or after the `}` that brings the depth back to 0 (and the `;` right after it, as
/// in `static X: T = T { .. };`). Parentheses, brackets and braces count alike.
pub(super) fn item_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if let Some(next) = skip_literal(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    let mut j = i + 1;
                    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                        j += 1;
                    }
                    return if b.get(j) == Some(&b';') {
                        j + 1
                    } else {
                        i + 1
                    };
                }
            }
            b';' if depth == 0 => return i + 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// Splits a generated file into contiguous spans, each with its part, covering the whole
/// text: a top-level item with the doc comments and attributes before it, to the end of
/// its last line and the blank lines after it. Plain comments between items (the
/// `@generated` header) are [`Part::Other`].
pub(super) fn split(text: &str) -> Vec<(Part, Range<usize>)> {
    let b = text.as_bytes();
    let mut spans: Vec<(Part, Range<usize>)> = Vec::new();
    let mut push = |part: Part, range: Range<usize>| match spans.last_mut() {
        Some((last, r)) if *last == part && r.end == range.start => r.end = range.end,
        _ if range.is_empty() => {}
        _ => spans.push((part, range)),
    };
    // Past whitespace, to the end of the line and through the blank lines after it.
    let line_end = |mut j: usize| {
        while j < b.len() && b[j] != b'\n' && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    // A comment that is not an outer doc comment (`///`, `/**`): plain, or inner (`//!`).
    let plain_comment = |j: usize| {
        let rest = &b[j..];
        let doc = (rest.starts_with(b"///") && !rest.starts_with(b"////"))
            || (rest.starts_with(b"/**")
                && !rest.starts_with(b"/**/")
                && !rest.starts_with(b"/***"));
        (rest.starts_with(b"//") || rest.starts_with(b"/*")) && !doc
    };
    // Whitespace at the start: other.
    let mut i = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    push(Part::Other, 0..i);
    while i < b.len() {
        if plain_comment(i) {
            let end = line_end(skip_literal(b, i).unwrap_or(b.len())).max(i + 1);
            push(Part::Other, i..end);
            i = end;
            continue;
        }
        // The doc comments and attributes before the item belong to it.
        let start = i;
        let mut head = i;
        loop {
            while head < b.len() && b[head].is_ascii_whitespace() {
                head += 1;
            }
            if b[head..].starts_with(b"#[") {
                head = item_end_brackets(b, head + 1);
            } else if b[head..].starts_with(b"//") || b[head..].starts_with(b"/*") {
                head = skip_literal(b, head).unwrap_or(b.len());
            } else {
                break;
            }
        }
        if b[head..].starts_with(b"#![") {
            // An inner attribute: an item of its own, of no part.
            let end = line_end(item_end_brackets(b, head + 2)).max(i + 1);
            push(Part::Other, start..end);
            i = end;
            continue;
        }
        let (keyword, name) = head_words(&text[head..]);
        let end = line_end(item_end(b, head)).max(i + 1);
        push(classify(keyword, name), start..end);
        i = end;
    }
    spans
}

/// Just after the `]` closing the `[` at `i`, skipping literals inside.
pub(super) fn item_end_brackets(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if let Some(next) = skip_literal(b, i) {
            i = next;
            continue;
        }
        match b[i] {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// An item's keyword and the word after it, visibility (`pub`, `pub(super)`, ...) and
/// qualifiers (`unsafe`, `async`, `extern "C"`) left out; path separators end a word.
pub(super) fn head_words(head: &str) -> (&str, &str) {
    fn word<'a>(rest: &mut &'a str) -> &'a str {
        let text = rest.trim_start();
        let text = text.strip_prefix("::").unwrap_or(text);
        let len = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        let (w, r) = text.split_at(len);
        *rest = r;
        w
    }
    let mut rest = head;
    let mut keyword = word(&mut rest);
    loop {
        match keyword {
            "pub" => {
                rest = rest.trim_start();
                if rest.starts_with('(') {
                    rest = rest.find(')').map_or("", |p| &rest[p + 1..]);
                }
            }
            "unsafe" | "async" | "default" => {}
            "extern" => {
                rest = rest.trim_start();
                if rest.starts_with('"') {
                    rest = rest[1..].find('"').map_or("", |p| &rest[p + 2..]);
                }
            }
            _ => break,
        }
        keyword = word(&mut rest);
    }
    (keyword, word(&mut rest))
}

/// Bytes and lines of each part, in [`PARTS`] order.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Sizes {
    pub(super) bytes: [usize; 7],
    pub(super) lines: [usize; 7],
}

impl Sizes {
    pub(super) fn of(text: &str) -> Sizes {
        let mut sizes = Sizes::default();
        for (part, range) in split(text) {
            let i = PARTS
                .iter()
                .position(|p| *p == part)
                .unwrap_or(PARTS.len() - 1);
            sizes.bytes[i] += range.len();
            sizes.lines[i] += text.as_bytes()[range]
                .iter()
                .filter(|&&c| c == b'\n')
                .count();
        }
        sizes
    }
    pub(super) fn total_bytes(&self) -> usize {
        self.bytes.iter().sum()
    }
    pub(super) fn total_lines(&self) -> usize {
        self.lines.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-written file with every kind of top-level item the generator writes, and
    /// braces, semicolons and quotes in comments, strings and chars to trip a naive scan.
    const SAMPLE: &str = r##"// @generated by specfirst from `x.yaml`.
// Do not edit by hand.

/// Types generated from the schemas of the API.
#[allow(clippy::all)]
pub mod types {
    /// A brace in a doc comment: } and a quote: "
    pub struct Book {
        pub title: String,
    }
    const OPEN: char = '{';
    const S: &str = "}}} ;";
    const R: &str = r#"a "}" b"#;
    fn f<'a>(x: &'a str) -> &'a str { x }
}

/** A block doc comment
with } at column 0 */
pub trait BookshelfApi: Send + Sync + 'static {
    fn get_book(&self) -> u8;
}
/// The input of [`BookshelfApi::get_book`].
#[derive(Debug, Clone)]
pub struct GetBookRequest {}
impl ::specfirst_runtime::__private::axum::response::IntoResponse
for GetBookResponse {
    fn into_response(self) {}
}
pub fn router<A: BookshelfApi>(
    api: A,
) -> ::specfirst_runtime::__private::axum::Router {
    router_with_options(api, Default::default())
}
/// One handler per operation.
mod handlers {
    pub(super) async fn get_book() { let _ = '}'; }
}

mod rules {
    pub(super) static GENRE: Schema = Schema {
        allowed: &["\"fiction\""],
        ..Schema::ANY
    };
}

pub use description::API_DESCRIPTION;
/// The API as this code serves it.
mod description {
    pub static API_DESCRIPTION: Api = Api { paths: &["/books/{id}"] };
}
/// The OpenAPI document.
pub const OPENAPI_DOCUMENT: &str = include_str!("openapi.json");
pub(crate) static UNKNOWN: u8 = 1;
"##;

    fn parts_of(text: &str) -> Vec<(Part, &str)> {
        split(text)
            .into_iter()
            .map(|(part, range)| (part, &text[range]))
            .collect()
    }

    #[test]
    fn splits_the_sample_by_part() {
        let parts = parts_of(SAMPLE);
        // The spans cover the text in order, with no gap or overlap.
        assert_eq!(parts.iter().map(|(_, t)| *t).collect::<String>(), SAMPLE);
        let kinds: Vec<Part> = parts.iter().map(|(p, _)| *p).collect();
        assert_eq!(
            kinds,
            [
                Part::Other,
                Part::Models,
                Part::Operations,
                Part::Handlers,
                Part::Rules,
                Part::Description,
                Part::Other
            ]
        );
        assert!(parts[0].1.starts_with("// @generated") && parts[0].1.ends_with("hand.\n\n"));
        assert!(parts[1].1.starts_with("/// Types generated"));
        assert!(parts[1].1.ends_with("x }\n}\n\n"));
        assert!(parts[2].1.starts_with("/** A block doc comment"));
        assert!(parts[2].1.ends_with("fn into_response(self) {}\n}\n"));
        assert!(parts[3].1.starts_with("pub fn router<A"));
        assert!(parts[4].1.starts_with("mod rules {"));
        assert!(parts[5]
            .1
            .starts_with("pub use description::API_DESCRIPTION;"));
        assert!(parts[5].1.ends_with("include_str!(\"openapi.json\");\n"));
        assert_eq!(parts[6].1, "pub(crate) static UNKNOWN: u8 = 1;\n");

        let sizes = Sizes::of(SAMPLE);
        assert_eq!(sizes.total_bytes(), SAMPLE.len());
        assert_eq!(sizes.total_lines(), SAMPLE.lines().count());
        // Models: `/// Types` to the blank line after `pub mod types`.
        assert_eq!(sizes.lines[0], 13);
        // Handlers: `router` (5 lines) and `mod handlers` with its doc and blank line (5).
        assert_eq!(sizes.lines[2], 5 + 5);
        // Other: the header with its blank line, and `UNKNOWN`.
        assert_eq!(sizes.lines[6], 3 + 1);
    }

    #[test]
    fn one_item_ends_where_it_should() {
        let b = "static X: T = T { a: [1; 2] };\nnext".as_bytes();
        assert_eq!(item_end(b, 0), 30);
        let b = b"impl A for B { fn f() {} }\nnext";
        assert_eq!(item_end(b, 0), 26);
        let b = b"pub use a::{b, c};\n";
        assert_eq!(item_end(b, 0), 18);
        // A lifetime is not a char literal; a char of a multi-byte character is.
        let s = "trait T<'a>: 'a { fn f(&self) -> char { '\u{e9}' } }x";
        assert_eq!(item_end(s.as_bytes(), 0), s.len() - 1);
        let s = "const C: char = '\\''; x";
        assert_eq!(item_end(s.as_bytes(), 0), 21);
    }

    #[test]
    fn reads_an_items_keyword_and_name() {
        assert_eq!(head_words("pub mod types {"), ("mod", "types"));
        assert_eq!(
            head_words("pub(super) static GENRE: S"),
            ("static", "GENRE")
        );
        assert_eq!(
            head_words("pub use description::API_DESCRIPTION;"),
            ("use", "description")
        );
        assert_eq!(
            head_words("impl ::specfirst_runtime::X"),
            ("impl", "specfirst_runtime")
        );
        assert_eq!(
            head_words("pub unsafe extern \"C\" fn router()"),
            ("fn", "router")
        );
        assert_eq!(head_words("pub(in crate::a) fn f()"), ("fn", "f"));
    }

    #[test]
    fn splits_the_bookshelf_snapshot() {
        let text = include_str!("../../../../tests/snapshots/bookshelf.rs");
        let sizes = Sizes::of(text);
        assert_eq!(sizes.total_bytes(), text.len());
        assert_eq!(sizes.total_lines(), text.lines().count());
        // Every part is there; nothing but the two-line header is unclassified.
        for (i, part) in PARTS.iter().enumerate().take(6) {
            assert!(sizes.bytes[i] > 0, "{part:?} is empty");
        }
        assert_eq!(sizes.lines[6], 3);
    }
}
