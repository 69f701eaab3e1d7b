//! Text from the spec as generated code may carry it.

/// `text` with Windows (`\r\n`) and lone `\r` line breaks as `\n`, since rustc refuses a
/// bare CR in a doc comment.
pub(crate) fn unix_line_breaks(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}
