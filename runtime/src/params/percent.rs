//! Percent-decoding for the values the request has not decoded already (cookies).

/// `%XX` escapes decoded; text that is not a valid escape, or that would not decode to
/// UTF-8, is kept as written.
pub(super) fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| raw.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                at += 3;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn only_valid_escapes_are_decoded() {
        assert_eq!(percent_decode("%7B%22k%22%3A1%7D"), "{\"k\":1}");
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        // %FF alone is not UTF-8: the text stays as written.
        assert_eq!(percent_decode("x%FFy"), "x%FFy");
    }
}
