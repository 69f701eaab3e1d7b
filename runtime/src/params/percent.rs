//! Percent-decoding for the values the request has not decoded already (cookies), and
//! the percent-encoding a client writes parameters with.

/// `%XX` escapes decoded; text that is not a valid escape, or that would not decode to
/// UTF-8, is kept as written.
pub(crate) fn percent_decode(raw: &str) -> String {
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

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) as `%XX`: safe
/// in a path segment, a query key or value and a cookie alike. The server decodes before
/// it splits at a style's delimiters, so escaping delimiters does not hide them; it only
/// keeps them from ending the segment, pair or cookie.
pub(crate) fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{percent_decode, percent_encode};

    #[test]
    fn only_unreserved_characters_stay_as_written() {
        assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(
            percent_encode(" !\"#$%&'()*+,/:;=?@[]|"),
            "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D%7C"
        );
        assert_eq!(percent_encode("é\n"), "%C3%A9%0A");
        let text = "a b%zz%4,é;\"x\"";
        assert_eq!(percent_decode(&percent_encode(text)), text);
    }

    #[test]
    fn only_valid_escapes_are_decoded() {
        assert_eq!(percent_decode("%7B%22k%22%3A1%7D"), "{\"k\":1}");
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
        // %FF alone is not UTF-8: the text stays as written.
        assert_eq!(percent_decode("x%FFy"), "x%FFy");
    }
}
