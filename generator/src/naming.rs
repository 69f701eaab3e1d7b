//! Turning whatever a spec calls things into valid, collision-free Rust identifiers.

use std::collections::BTreeSet;

/// Splits `name` into lowercase ASCII words at punctuation, spaces and case changes.
///
/// Non-ASCII letters are dropped rather than transliterated; the caller falls back
/// to a generic name when nothing is left.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        // An apostrophe joins a word ("I'm", "don't") rather than splitting it.
        if c == '\'' || c == '\u{2019}' {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let prev = index.checked_sub(1).map(|i| chars[i]);
        let next = chars.get(index + 1);
        let boundary = match prev {
            Some(p) if c.is_ascii_uppercase() => {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case` identifier for `name`, never a keyword and never starting with a digit.
pub fn snake(name: &str, fallback: &str) -> String {
    let joined = words(name).join("_");
    let mut ident = if joined.is_empty() {
        fallback.to_string()
    } else {
        joined
    };
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'n');
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    ident
}

/// `PascalCase` identifier for `name`, never a keyword and never starting with a digit.
pub fn pascal(name: &str, fallback: &str) -> String {
    let mut ident: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if ident.is_empty() {
        ident = fallback.to_string();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, 'N');
    }
    if is_keyword(&ident) {
        ident.push('_');
    }
    ident
}

/// Hands out names from one namespace, appending a number on collision.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A namespace where `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(str::to_string).collect(),
        }
    }

    /// Whether `name` is still free.
    pub fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// Claims the first free name of `wanted`, better names first; when all are taken,
    /// the first numbered as [`Namespace::claim`] numbers it. A number says nothing of
    /// the thing named, so it is the last resort.
    pub fn claim_first(&mut self, wanted: &[String]) -> String {
        match wanted.iter().find(|name| self.is_free(name)) {
            Some(name) => self.claim(name),
            None => self.claim(wanted.first().map_or("", String::as_str)),
        }
    }

    /// Claims `wanted`, or `wanted2`, `wanted3`, ... if it is taken. Snake-case names
    /// get an underscore before the number so `id` and `id_2` read naturally.
    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let base = wanted.trim_end_matches('_');
        let separator = if base.chars().any(|c| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| unreachable!("an unbounded range always yields a free name"))
    }
}

/// The part of an API's title that names it, for the trait: without a subtitle (after
/// ` - `, ` | `, `+` or `(`), possessives, version numbers and the words every spec's
/// title could carry (`official`, `OpenAPI`, `spec`, `REST`, `API`). GitHub's "GitHub's
/// official OpenAPI spec + Octokit extension" is `GitHub`; "Bookshelf API" is
/// `Bookshelf`. Empty when nothing is left.
pub fn short_title(title: &str) -> String {
    const FILLER: [&str; 10] = [
        "official",
        "openapi",
        "spec",
        "specs",
        "specification",
        "api",
        "apis",
        "rest",
        "restful",
        "definition",
    ];
    let mut head = title;
    for separator in [" - ", " \u{2013} ", " \u{2014} ", " | ", "+", "("] {
        if let Some((before, _)) = head.split_once(separator) {
            if !before.trim().is_empty() {
                head = before;
            }
        }
    }
    head.split_whitespace()
        .map(|word| {
            word.trim_end_matches("'s")
                .trim_end_matches("\u{2019}s")
                .trim_matches(|c: char| !c.is_alphanumeric())
        })
        .filter(|word| {
            let lower = word.to_lowercase();
            let version = lower
                .strip_prefix('v')
                .unwrap_or(&lower)
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.');
            !word.is_empty() && !version && !FILLER.contains(&lower.as_str())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one of `names` nearest `wanted`, when it is near enough to be a slip: the same
/// but for case, or about one character in four different (at least one). For "did you
/// mean" in diagnostics.
pub(crate) fn closest<'a>(
    names: impl IntoIterator<Item = &'a str>,
    wanted: &str,
) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 4).max(1);
    names
        .into_iter()
        .map(|name| (edit_distance(&lower, &name.to_lowercase()), name))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, name)| name)
}

/// Edit distance between `a` and `b`, in characters: insertions, deletions,
/// substitutions and swaps of neighbours (`arary` is one from `array`) count one each.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Whether `name` can name an item a person chose: a Rust identifier (ASCII letters,
/// digits and `_`, not starting with a digit), not a keyword and none of `taken`;
/// the error completes "NAME ...".
pub fn check_item_name(name: &str, taken: &[&str]) -> Result<(), String> {
    let mut chars = name.chars();
    let starts_well = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts_well || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || name == "_" {
        return Err(
            "is not a Rust identifier: use ASCII letters, digits and `_`, not starting with a digit"
                .into(),
        );
    }
    if is_keyword(name) {
        return Err("is a Rust keyword".into());
    }
    if taken.contains(&name) {
        return Err(format!(
            "is a name the generated code already uses; choose another than {}",
            taken.join(", ")
        ));
    }
    Ok(())
}

fn is_keyword(ident: &str) -> bool {
    matches!(
        ident,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "abstract"
            | "become"
            | "box"
            | "do"
            | "final"
            | "macro"
            | "override"
            | "priv"
            | "typeof"
            | "unsized"
            | "virtual"
            | "yield"
            | "try"
            | "gen"
            | "union"
            | "_"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("arary", "array"), 1);
        let names = ["Owner", "Pet", "Category"];
        assert_eq!(closest(names, "owner"), Some("Owner"));
        assert_eq!(closest(names, "Categroy"), Some("Category"));
        assert_eq!(closest(names, "Missing"), None);
    }

    #[test]
    fn short_titles() {
        let cases = [
            (
                "GitHub's official OpenAPI spec + Octokit extension",
                "GitHub",
            ),
            ("GitHub v3 REST API", "GitHub"),
            ("Bookshelf API", "Bookshelf"),
            ("Swagger Petstore - OpenAPI 3.0", "Swagger Petstore"),
            (
                "Oxide Management Gateway Service API",
                "Oxide Management Gateway Service",
            ),
            (
                "type: the naming torture test",
                "type the naming torture test",
            ),
            ("Swagger Two", "Swagger Two"),
            ("Microsoft Graph (beta)", "Microsoft Graph"),
            ("API", ""),
            ("- leading dash", "leading dash"),
        ];
        for (title, short) in cases {
            assert_eq!(short_title(title), short, "{title}");
        }
    }

    #[test]
    fn item_names_a_person_chose() {
        let taken = ["Result"];
        for good in ["Shelf", "ShelfApi", "_Private", "V2"] {
            assert_eq!(check_item_name(good, &taken), Ok(()), "{good}");
        }
        for bad in ["", "_", "2Shelf", "Shelf-Api", "my trait", "Bücher"] {
            let why = check_item_name(bad, &taken).expect_err(bad);
            assert!(why.starts_with("is not a Rust identifier"), "{bad}: {why}");
        }
        assert_eq!(
            check_item_name("fn", &taken),
            Err("is a Rust keyword".into())
        );
        let why = check_item_name("Result", &taken).expect_err("taken");
        assert!(why.contains("already uses"), "{why}");
    }

    #[test]
    fn cases() {
        assert_eq!(snake("listPets", "x"), "list_pets");
        assert_eq!(snake("HTTPServer", "x"), "http_server");
        assert_eq!(snake("x-request-id", "x"), "x_request_id");
        assert_eq!(snake("type", "x"), "type_");
        assert_eq!(snake("2fa", "x"), "n2fa");
        assert_eq!(snake("ünï", "field"), "n");
        assert_eq!(snake("—", "field"), "field");
        assert_eq!(pascal("list_pets", "X"), "ListPets");
        assert_eq!(pascal("self", "X"), "Self_");
        assert_eq!(pascal("404", "X"), "N404");
    }

    #[test]
    fn collisions_get_numbers() {
        let mut names = Namespace::with_reserved(["body"]);
        assert_eq!(names.claim("body"), "body_2");
        assert_eq!(names.claim("id"), "id");
        assert_eq!(names.claim("id"), "id_2");
        let mut types = Namespace::default();
        assert_eq!(types.claim("Pet"), "Pet");
        assert_eq!(types.claim("Pet"), "Pet2");
    }

    #[test]
    fn collisions_take_a_better_name_before_a_number() {
        let mut names = Namespace::with_reserved(["body"]);
        let wanted = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        assert_eq!(
            names.claim_first(&wanted(&["body", "query_body"])),
            "query_body"
        );
        assert_eq!(names.claim_first(&wanted(&["type", "query_type"])), "type");
        assert_eq!(
            names.claim_first(&wanted(&["type", "query_type"])),
            "query_type"
        );
        assert_eq!(
            names.claim_first(&wanted(&["type", "query_type"])),
            "type_2"
        );
        assert!(!names.is_free("type_2"));
        assert!(names.is_free("type_3"));
    }
}
