//! Version sniffing: the top-level `openapi` or `swagger` field, read from a
//! document's text without parsing it, so a corpus of thousands of documents (some of
//! them tens of megabytes) is sorted by version in seconds.

use std::path::Path;

use super::model::{Sniffed, Version};

/// The version the file at `path` declares; an unreadable file is an "other" file.
pub(super) fn sniff_file(path: &Path) -> Sniffed {
    match std::fs::read(path) {
        Ok(bytes) => sniff(&bytes),
        Err(error) => Sniffed::Other(format!("unreadable ({})", error.kind())),
    }
}

/// The version a document's text declares, JSON or YAML, with or without a BOM.
fn sniff(bytes: &[u8]) -> Sniffed {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let fields = if bytes.get(start) == Some(&b'{') {
        json_top_level(&bytes[start..])
    } else {
        yaml_top_level(&String::from_utf8_lossy(bytes))
    };
    classify(fields.0, fields.1)
}

/// The version a document declares: `openapi` first, then `swagger`. `3.0` and `3.1`
/// are prefixes, as they always were for 3.0 (the figures stay comparable); the
/// generator itself wants `3.0.x` or `3.1.x` and reports the rest.
fn classify(openapi: Option<String>, swagger: Option<String>) -> Sniffed {
    match (openapi, swagger) {
        (Some(v), _) if v.starts_with("3.0") => Sniffed::Input(Version::OpenApi30),
        (Some(v), _) if v.starts_with("3.1") => Sniffed::Input(Version::OpenApi31),
        (Some(v), _) => Sniffed::Other(format!("OpenAPI {v}")),
        (None, Some(v)) if v == "2.0" => Sniffed::Input(Version::Swagger20),
        (None, Some(v)) => Sniffed::Other(format!("Swagger {v}")),
        (None, None) => Sniffed::Other("not an OpenAPI document".into()),
    }
}

/// The top-level `openapi` and `swagger` values of a JSON text, found by a scan that
/// tracks strings and nesting (no full parse: some documents are tens of megabytes).
fn json_top_level(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let (mut openapi, mut swagger) = (None, None);
    let mut depth = 0usize;
    let mut i = 0;
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    // Returns the end of the string starting at `i` (just past the closing quote).
    let string_end = |mut i: usize| {
        i += 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        bytes.len()
    };
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(i);
                let after = skip_ws(end);
                if depth == 1 && bytes.get(after) == Some(&b':') {
                    let key = &bytes[i + 1..end.saturating_sub(1).max(i + 1)];
                    let value_start = skip_ws(after + 1);
                    let value = if bytes.get(value_start) == Some(&b'"') {
                        let value_end = string_end(value_start);
                        let text = &bytes
                            [value_start + 1..value_end.saturating_sub(1).max(value_start + 1)];
                        Some(String::from_utf8_lossy(text).into_owned())
                    } else {
                        let value_end = bytes[value_start..]
                            .iter()
                            .position(|b| {
                                matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace()
                            })
                            .map_or(bytes.len(), |p| value_start + p);
                        Some(String::from_utf8_lossy(&bytes[value_start..value_end]).into_owned())
                    };
                    match key {
                        b"openapi" => openapi = value,
                        b"swagger" => swagger = value,
                        _ => {}
                    }
                    if openapi.is_some() && swagger.is_some() {
                        break;
                    }
                }
                i = end;
            }
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    (openapi, swagger)
}

/// The top-level `openapi` and `swagger` values of a YAML text: unindented lines.
fn yaml_top_level(text: &str) -> (Option<String>, Option<String>) {
    let (mut openapi, mut swagger) = (None, None);
    for line in text.lines() {
        if line.starts_with([' ', '\t', '#', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = value.split(" #").next().unwrap_or("").trim();
        let value = value.trim_matches(['"', '\'']).to_string();
        match key {
            "openapi" if openapi.is_none() => openapi = Some(value),
            "swagger" if swagger.is_none() => swagger = Some(value),
            _ => {}
        }
    }
    (openapi, swagger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_versions() {
        let v30 = Sniffed::Input(Version::OpenApi30);
        let v31 = Sniffed::Input(Version::OpenApi31);
        let v20 = Sniffed::Input(Version::Swagger20);
        assert_eq!(sniff(br#"{"openapi": "3.0.1", "info": {}}"#), v30);
        assert_eq!(
            sniff(br#"{"info": {"openapi": "3.0.0", "x": "}{"}, "openapi": "3.1.0"}"#),
            v31
        );
        assert_eq!(sniff(br#"  {"swagger": "2.0"}"#), v20);
        assert_eq!(sniff(b"openapi: 3.0.3\ninfo:\n  title: x\n"), v30);
        assert_eq!(sniff(b"openapi: 3.1.1\ninfo:\n  title: x\n"), v31);
        assert_eq!(
            sniff(b"\xef\xbb\xbf# c\n'openapi': \"3.0.0\" # note\n"),
            v30
        );
        assert_eq!(sniff(b"info:\n  openapi: 3.0.0\nswagger: '2.0'\n"), v20);
        // An unquoted YAML number and a JSON number read as 2.0 too.
        assert_eq!(sniff(b"swagger: 2.0\n"), v20);
        assert_eq!(sniff(br#"{"swagger": 2.0}"#), v20);
        assert_eq!(
            sniff(br#"{"swagger": "1.2"}"#),
            Sniffed::Other("Swagger 1.2".into())
        );
        assert_eq!(
            sniff(b"openapi: 3.2.0\n"),
            Sniffed::Other("OpenAPI 3.2.0".into())
        );
        assert_eq!(
            sniff(b"{\"name\": \"x\"}"),
            Sniffed::Other("not an OpenAPI document".into())
        );
    }
}
