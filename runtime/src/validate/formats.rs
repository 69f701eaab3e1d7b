//! The `format`s with a syntax to check. The generator emits no check for any other
//! `format`, so an unknown or vendor format never rejects a value.

/// String formats whose syntax is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// RFC 3339 `date-time`, e.g. `2024-01-02T03:04:05Z`.
    DateTime,
    /// RFC 3339 `full-date`, e.g. `2024-01-02`.
    Date,
    /// RFC 4122 `uuid` in its hyphenated form.
    Uuid,
    /// `email`: a local part and a domain.
    Email,
    /// `ipv4`, dotted decimal.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `hostname` (RFC 1123).
    Hostname,
    /// `uri` (RFC 3986): an absolute URI, its scheme and what follows the colon,
    /// written in the characters a URI may hold.
    Uri,
}

impl Format {
    pub(super) fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Hostname => "hostname",
            Format::Uri => "uri",
        }
    }

    pub(super) fn accepts(self, text: &str) -> bool {
        match self {
            Format::DateTime => is_date_time(text),
            Format::Date => is_date(text),
            Format::Uuid => is_uuid(text),
            Format::Email => is_email(text),
            Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
            Format::Hostname => is_hostname(text),
            Format::Uri => is_uri(text),
        }
    }
}

fn digits(text: &str, len: usize) -> Option<u32> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn is_date(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(year), Some(month), Some(day)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

fn is_time(text: &str) -> bool {
    // partial-time, then Z or a numeric offset.
    let (time, offset) = if let Some(time) = text.strip_suffix(['Z', 'z']) {
        (time, None)
    } else {
        match text.rfind(['+', '-']) {
            Some(at) => (&text[..at], Some(&text[at + 1..])),
            None => return false,
        }
    };
    if let Some(offset) = offset {
        let Some((h, m)) = offset.split_once(':') else {
            return false;
        };
        if !matches!((digits(h, 2), digits(m, 2)), (Some(0..=23), Some(0..=59))) {
            return false;
        }
    }
    let (whole, fraction) = match time.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (time, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut parts = whole.split(':');
    matches!(
        (
            parts.next().and_then(|h| digits(h, 2)),
            parts.next().and_then(|m| digits(m, 2)),
            parts.next().and_then(|s| digits(s, 2)),
            parts.next()
        ),
        (Some(0..=23), Some(0..=59), Some(0..=60), None)
    )
}

fn is_date_time(text: &str) -> bool {
    match text.find(['T', 't']) {
        Some(at) => is_date(&text[..at]) && is_time(&text[at + 1..]),
        None => false,
    }
}

/// Whether `text` is a hyphenated UUID (`8-4-4-4-12` hex digits).
pub(crate) fn is_uuid(text: &str) -> bool {
    // Group by group, not byte by byte with a match on the position: this runs for
    // every `format: uuid` parameter of every request.
    let bytes = text.as_bytes();
    bytes.len() == 36
        && [8, 13, 18, 23].iter().all(|&at| bytes[at] == b'-')
        && [0..8, 9..13, 14..18, 19..23, 24..36]
            .into_iter()
            .all(|group| bytes[group].iter().all(u8::is_ascii_hexdigit))
}

fn is_email(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !text.chars().any(char::is_whitespace) && is_hostname(domain)
        }
        None => false,
    }
}

fn is_hostname(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 253
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// RFC 3986's `URI`: a scheme (a letter, then letters, digits, `+`, `-`, `.`), a
/// colon, then only unreserved and reserved characters and percent escapes.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut scheme_bytes = scheme.bytes();
    let scheme_ok = scheme_bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme_bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    let bytes = rest.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let escaped = bytes.get(at + 1..at + 3);
                if !escaped.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                at += 3;
            }
            b if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b) => at += 1,
            _ => return false,
        }
    }
    scheme_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_a_syntax_are_checked() {
        let cases = [
            (Format::DateTime, "2024-02-29T23:59:60.5+05:30", true),
            (Format::DateTime, "2024-02-29t01:02:03z", true),
            (Format::DateTime, "2023-02-29T01:02:03Z", false),
            (Format::DateTime, "2024-01-02 03:04:05Z", false),
            (Format::Date, "2024-12-31", true),
            (Format::Date, "2024-13-01", false),
            (Format::Uuid, "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5e6f", true),
            (Format::Uuid, "6f1c1a7e8a3b4c5d9e0f1a2b3c4d5e6f", false),
            (Format::Uuid, "6F1C1A7E-8A3B-4C5D-9E0F-1A2B3C4D5E6F", true),
            (Format::Uuid, "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5e6g", false),
            (Format::Uuid, "6f1c1a7e8-a3b-4c5d-9e0f-1a2b3c4d5e6f", false),
            (Format::Uuid, "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5é", false),
            (Format::Uuid, "6f1c1a7e-8a3b-4c5d-9e0f-1a2b3c4d5e6f0", false),
            (Format::Email, "ada@example.org", true),
            (Format::Email, "ada at example.org", false),
            (Format::Ipv4, "192.0.2.1", true),
            (Format::Ipv4, "192.0.2.256", false),
            (Format::Ipv6, "2001:db8::1", true),
            (Format::Hostname, "-bad.example", false),
            (Format::Uri, "https://example.com/a?b=c#d", true),
            (Format::Uri, "urn:isbn:0451450523", true),
            (Format::Uri, "mailto:ada@example.org", true),
            (Format::Uri, "https://example.com/a%20b", true),
            (Format::Uri, "/relative/path", false),
            (Format::Uri, "", false),
            (Format::Uri, "https://example.com/a b", false),
            (Format::Uri, "https://example.com/%zz", false),
            (Format::Uri, "1http://example.com", false),
        ];
        for (format, text, valid) in cases {
            assert_eq!(format.accepts(text), valid, "{format:?} {text}");
        }
    }
}
