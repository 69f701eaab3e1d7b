//! Problems found in a spec, each tied to the JSON pointer of the node at fault.

use std::fmt;
use std::fmt::Write as _;
use std::path::PathBuf;

pub mod locate;

/// One problem in a spec: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The JSON pointer of the offending node, e.g. `/paths/~1pets/get`.
    pub pointer: String,
    /// What is wrong, lowercase, saying what to do where it can.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// How serious the problems of a [`Diagnostics`] are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// Nothing was generated.
    #[default]
    Error,
    /// The spec generated, but says something it should not (such as a path parameter
    /// it never declares), and the code does what the warning says.
    Warning,
}

impl Level {
    /// `error` or `warning`, as rustc writes it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// Every problem found in one spec file, sorted by pointer.
#[derive(Debug, Clone)]
pub struct Diagnostics {
    /// The spec the problems were found in, as the user named it.
    pub file: PathBuf,
    /// The problems, sorted and without duplicates.
    pub items: Vec<Diagnostic>,
    /// Whether they stopped generation.
    pub level: Level,
}

impl Diagnostics {
    /// Collects errors `items` for `file`, sorted and deduplicated so output is stable.
    pub fn new(file: impl Into<PathBuf>, mut items: Vec<Diagnostic>) -> Self {
        items.sort();
        items.dedup();
        Self {
            file: file.into(),
            items,
            level: Level::Error,
        }
    }

    /// These problems as warnings.
    pub fn warnings(mut self) -> Self {
        self.level = Level::Warning;
        self
    }

    /// [`Diagnostics::render`] with the spec's text read again from its file (when it is
    /// still there), without the last line break: what the command line prints.
    pub fn report(&self) -> String {
        let mut text = self.render(self.source().as_deref());
        text.truncate(text.trim_end().len());
        text
    }

    /// [`Diagnostics::json`] with the spec's text read again from its file.
    pub fn report_json(&self) -> Vec<serde_json::Value> {
        self.json(self.source().as_deref())
    }

    fn source(&self) -> Option<String> {
        std::fs::read_to_string(&self.file).ok()
    }
}

impl Diagnostics {
    /// The problems as a person reads them, in rustc's manner: each problem's line as
    /// [`Display`](fmt::Display) writes it, then, when `source` (the spec's text) has the
    /// node, `file:line:column` and that line with the node underlined.
    pub fn render(&self, source: Option<&str>) -> String {
        self.items
            .iter()
            .map(|item| self.render_item(item, source, locate_in(source, item)))
            .collect()
    }

    /// Each problem as one JSON object, for tools (`--message-format json`): `level`,
    /// `file`, `pointer`, `message`, `line` and `column` (one-based, `null` when `source`
    /// does not have the node) and `rendered`, the text [`Diagnostics::render`] writes
    /// for it.
    pub fn json(&self, source: Option<&str>) -> Vec<serde_json::Value> {
        self.items
            .iter()
            .map(|item| {
                // Found once: each search reads the spec's text again.
                let at = locate_in(source, item);
                serde_json::json!({
                    "level": self.level.name(),
                    "file": self.file.display().to_string(),
                    "pointer": item.pointer,
                    "message": item.message,
                    "line": at.map(|at| at.line),
                    "column": at.map(|at| at.column),
                    "rendered": self.render_item(item, source, at),
                })
            })
            .collect()
    }

    /// One problem as [`Diagnostics::render`] writes it, its node found at `at`.
    fn render_item(
        &self,
        item: &Diagnostic,
        source: Option<&str>,
        at: Option<locate::Position>,
    ) -> String {
        let mut out = format!(
            "{}: {}#{}: {}\n",
            self.level.name(),
            self.file.display(),
            item.pointer,
            item.message
        );
        let (Some(source), Some(at)) = (source, at) else {
            return out;
        };
        let Some(line) = source.lines().nth(at.line - 1) else {
            return out;
        };
        let number = at.line.to_string();
        let gutter = " ".repeat(number.len());
        let line = line.replace('\t', " ");
        let start: String = line.chars().take(at.column - 1).collect();
        let width = token_width(&line[start.len()..]);
        let (line, before, width) = excerpt(&line, start.chars().count(), width);
        let marks = "^".repeat(width);
        let _ = writeln!(
            out,
            "{gutter}--> {}:{}:{}",
            self.file.display(),
            at.line,
            at.column
        );
        let _ = writeln!(out, "{gutter} |");
        let _ = writeln!(out, "{number} | {line}");
        let _ = writeln!(out, "{gutter} | {}{marks}", " ".repeat(before));
        out
    }
}

/// The longest line an excerpt shows whole. A longer one, such as a minified JSON spec's
/// only line, is cut to this many characters around the node, `...` marking each cut.
const EXCERPT_WIDTH: usize = 120;

/// How many characters before the node a cut line keeps.
const EXCERPT_LEAD: usize = 40;

/// `line` as an excerpt shows it, for a node `width` characters wide starting `start`
/// characters in, with where the node then starts and how much of it shows.
fn excerpt(line: &str, start: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= EXCERPT_WIDTH {
        return (line.to_string(), start, width);
    }
    let from = start.saturating_sub(EXCERPT_LEAD);
    let to = (from + EXCERPT_WIDTH).min(chars.len());
    let from = to.saturating_sub(EXCERPT_WIDTH).min(from);
    let mut out = String::new();
    let mut before = start - from;
    if from > 0 {
        out.push_str("...");
        before += 3;
    }
    out.extend(&chars[from..to]);
    if to < chars.len() {
        out.push_str("...");
    }
    (out, before, width.min(to.saturating_sub(start)).max(1))
}

/// Where `item`'s node is in `source`, when there is a source and it has the node.
fn locate_in(source: Option<&str>, item: &Diagnostic) -> Option<locate::Position> {
    source.and_then(|source| locate::locate(source, &item.pointer))
}

/// How many characters of `rest` the node starting it takes on its line: a quoted
/// string to its closing quote, else up to the `:` of a key, a separator of flow
/// collections or a comment; at least one.
fn token_width(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let width = match chars.next() {
        Some((_, quote @ ('"' | '\''))) => {
            let mut escaped = false;
            chars
                .find(|&(_, c)| {
                    let closes = c == quote && !escaped;
                    escaped = quote == '"' && c == '\\' && !escaped;
                    closes
                })
                .map_or(rest.len(), |(index, c)| index + c.len_utf8())
        }
        Some(_) => rest
            .find([',', ']', '}'])
            .into_iter()
            .chain(rest.find(": "))
            .chain(rest.find(" #"))
            .chain(rest.ends_with(':').then(|| rest.len() - 1))
            .min()
            .unwrap_or(rest.len()),
        None => 0,
    };
    rest[..width].trim_end().chars().count().max(1)
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, item) in self.items.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{}#{}: {}",
                self.file.display(),
                item.pointer,
                item.message
            )?;
        }
        Ok(())
    }
}

/// Escapes one reference token for a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// One reference token of a JSON pointer unescaped (RFC 6901): what [`escape_token`]
/// escaped.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Joins `base` and one unescaped `token` into a JSON pointer.
pub fn pointer_join(base: &str, token: impl AsRef<str>) -> String {
    format!("{base}/{}", escape_token(token.as_ref()))
}

/// The pointer `tokens` lead to below `base`, each escaped as [`pointer_join`] does.
pub fn pointer_below<T: AsRef<str>>(base: &str, tokens: &[T]) -> String {
    tokens.iter().fold(base.to_string(), |pointer, token| {
        pointer_join(&pointer, token)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_points_at_the_line_of_the_node() {
        let source = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      operationId: 5 # why\n      'x-y': {a: 1}\n";
        let diagnostics = Diagnostics::new(
            "api.yaml",
            vec![
                Diagnostic::new("/paths/~1a/get/operationId", "must be a string"),
                Diagnostic::new("/paths/~1a/get/x-y/a", "unknown"),
                Diagnostic::new("", "at the root"),
            ],
        );
        let expected = "\
error: api.yaml#: at the root
error: api.yaml#/paths/~1a/get/operationId: must be a string
 --> api.yaml:5:7
  |
5 |       operationId: 5 # why
  |       ^^^^^^^^^^^
error: api.yaml#/paths/~1a/get/x-y/a: unknown
 --> api.yaml:6:15
  |
6 |       'x-y': {a: 1}
  |               ^
";
        assert_eq!(diagnostics.render(Some(source)), expected);
        // Without the text, each problem is its one line.
        assert_eq!(
            diagnostics.render(None).lines().count(),
            diagnostics.items.len()
        );
    }

    #[test]
    fn a_long_line_is_cut_around_the_node() {
        // A minified spec is one line: the excerpt shows where the node is, not all of it.
        let padding = "x".repeat(500);
        let source = format!(
            "{{\"openapi\":\"3.0.3\",\"x-pad\":\"{padding}\",\"paths\":{{\"/a\":{{\"get\":{{\"operationId\":5,\"x-more\":\"{padding}\"}}}}}}}}"
        );
        let diagnostics = Diagnostics::new(
            "api.json",
            vec![Diagnostic::new(
                "/paths/~1a/get/operationId",
                "must be a string",
            )],
        );
        let rendered = diagnostics.render(Some(&source));
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines[1], " --> api.json:1:553");
        let shown = lines[3].strip_prefix("1 | ").unwrap();
        assert!(
            shown.starts_with("...") && shown.ends_with("..."),
            "{shown}"
        );
        assert_eq!(shown.chars().count(), EXCERPT_WIDTH + 6);
        let marks = lines[4].strip_prefix("  | ").unwrap();
        let at = marks.find('^').unwrap();
        assert_eq!(&shown[at..at + marks.len() - at], "\"operationId\"");
        // A short line is shown whole.
        assert_eq!(excerpt("abc", 1, 1), ("abc".to_string(), 1, 1));
    }

    #[test]
    fn a_quoted_key_is_underlined_with_its_quotes() {
        assert_eq!(token_width("\"a\\\"b\": 1"), 6);
        assert_eq!(token_width("'it''s': 1"), 4);
        assert_eq!(token_width("name"), 4);
        assert_eq!(token_width(""), 1);
    }
}
