//! Scalars made up for a schema: strings within their lengths, formats and patterns,
//! integers and numbers within their bounds and multiples.

use super::*;

impl Synth<'_> {
    pub(super) fn string(&mut self, s: &Schema) -> String {
        let min = count(s, "minLength").unwrap_or(0).min(MAX_PATTERN_OUTPUT);
        let max = count(s, "maxLength");
        let pattern = s
            .get("pattern")
            .and_then(Value::as_str)
            .filter(|p| pattern_matches(p, "").is_some());
        let format = s.get("format").and_then(Value::as_str);
        let fits = |text: &str, strict: bool| {
            let len = text.chars().count();
            len >= min
                && max.map_or(true, |max| len <= max)
                && pattern.map_or(true, |p| pattern_matches(p, text) == Some(true))
                && (!strict || format_ok(format, text))
        };
        let mut candidates = Vec::new();
        candidates.extend(format.and_then(|f| self.formatted(f)));
        if self.dynamic {
            let word = self.word();
            let number = self.rng.below(1000);
            candidates.push(word.clone());
            candidates.push(format!("{word}-{number}"));
        }
        if pattern.is_some() || !self.dynamic {
            candidates.extend(PLAIN.iter().map(|plain| (*plain).to_owned()));
        }
        for base in ["string", "a", "0", "abc"] {
            candidates.push(fit_length(base, min, max));
        }
        let parsed = pattern.and_then(Parser::parse);
        // Made-up answers vary through the pattern first; example answers prefer words.
        if self.dynamic {
            if let Some(text) = parsed
                .as_ref()
                .and_then(|p| self.pattern_string(p, &|t| fits(t, true)))
            {
                return text;
            }
        }
        if let Some(text) = candidates.iter().find(|c| fits(c, true)) {
            return text.clone();
        }
        if let Some(text) = parsed
            .as_ref()
            .and_then(|p| self.pattern_string(p, &|t| fits(t, true)))
        {
            return text;
        }
        if let Some(text) = candidates.iter().find(|c| fits(c, false)) {
            return text.clone();
        }
        if let Some(text) = parsed
            .as_ref()
            .and_then(|p| self.pattern_string(p, &|t| fits(t, false)))
        {
            return text;
        }
        fit_length(&candidates[0], min, max)
    }

    /// A string of `format`, fixed in examples mode and varied by the seed otherwise.
    pub(super) fn formatted(&mut self, format: &str) -> Option<String> {
        let dynamic = self.dynamic;
        let r = if dynamic { self.rng.next() } else { 0 };
        let text = match format {
            "date-time" if dynamic => format!("{}T{}Z", date(r), time(r >> 24)),
            "date-time" => "2024-01-02T03:04:05Z".to_owned(),
            "date" if dynamic => date(r),
            "date" => "2024-01-02".to_owned(),
            "time" if dynamic => format!("{}Z", time(r)),
            "time" => "03:04:05Z".to_owned(),
            "uuid" if dynamic => uuid(r, self.rng.next()),
            "uuid" => UUID.to_owned(),
            "email" | "idn-email" if dynamic => format!("user{}@example.com", r % 1000),
            "email" | "idn-email" => "user@example.com".to_owned(),
            "hostname" | "idn-hostname" if dynamic => format!("host{}.example.com", r % 1000),
            "hostname" | "idn-hostname" => "example.com".to_owned(),
            "ipv4" | "ip" if dynamic => format!("192.0.2.{}", 1 + r % 254),
            "ipv4" | "ip" => "192.0.2.1".to_owned(),
            "ipv6" if dynamic => format!("2001:db8::{:x}", 1 + r % 0xfffe),
            "ipv6" => "2001:db8::1".to_owned(),
            "uri" | "url" | "iri" | "uri-reference" | "iri-reference" if dynamic => {
                format!(
                    "https://example.com/{}",
                    WORDS[(r % WORDS.len() as u64) as usize]
                )
            }
            "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => {
                "https://example.com/".to_owned()
            }
            "uri-template" => "https://example.com/{id}".to_owned(),
            "byte" => {
                let word = if dynamic {
                    WORDS[(r % WORDS.len() as u64) as usize]
                } else {
                    "example"
                };
                base64::engine::general_purpose::STANDARD.encode(word)
            }
            "duration" if dynamic => format!("PT{}M", 1 + r % 59),
            "duration" => "P1D".to_owned(),
            "password" => "password".to_owned(),
            "json-pointer" => "/example".to_owned(),
            "relative-json-pointer" => "0".to_owned(),
            "regex" => "^[a-z]+$".to_owned(),
            "mac" => "00:00:5e:00:53:01".to_owned(),
            // Numbers written as strings (`int64` in JavaScript-facing APIs).
            f if int_range(f).is_some() || f == "integer" => {
                if dynamic {
                    (r % 1000).to_string()
                } else {
                    "1".to_owned()
                }
            }
            "decimal" | "double" | "float" | "number" => "1.5".to_owned(),
            _ => return None,
        };
        Some(text)
    }

    /// The first string made from `pattern` that `fits` accepts, trying repetition
    /// counts that grow (to reach `minLength`), with plain and with random choices of
    /// branches and characters (random first for made-up answers).
    pub(super) fn pattern_string(
        &mut self,
        pattern: &Node,
        fits: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        let mut extras: Vec<(u32, bool)> = vec![(0, false), (0, true)];
        extras.extend((1..=24).map(|extra| (extra, false)));
        extras.extend([32, 48, 64, 96, 128, 192, 256].map(|extra| (extra, false)));
        let saved = self.dynamic;
        let mut found = None;
        'modes: for dynamic in [saved, !saved] {
            self.dynamic = dynamic;
            for &(extra, minimal) in &extras {
                let mut out = String::new();
                if self.emit(pattern, extra, minimal, &mut out).is_some() && fits(&out) {
                    found = Some(out);
                    break 'modes;
                }
            }
        }
        self.dynamic = saved;
        found
    }

    /// Appends a string `node` matches; `None` when it grows too long.
    pub(super) fn emit(
        &mut self,
        node: &Node,
        extra: u32,
        minimal: bool,
        out: &mut String,
    ) -> Option<()> {
        if out.len() > MAX_PATTERN_OUTPUT {
            return None;
        }
        match node {
            Node::Literal(c) => out.push(*c),
            Node::Class { ranges, negated } => out.push(self.class_char(ranges, *negated)?),
            Node::Group(branches) => {
                let index = if self.dynamic {
                    self.rng.below(branches.len())
                } else {
                    0
                };
                for item in branches.get(index)? {
                    self.emit(item, extra, minimal, out)?;
                }
            }
            Node::Repeat { node, min, max } => {
                if *min > MAX_REPEAT {
                    return None; // Longer than any string made here.
                }
                // `*` and `{0,n}` give one (a plainer value than none); `?` gives none.
                let base = if *min == 0 && !minimal && max.map_or(true, |max| max > 1) {
                    1
                } else {
                    *min
                };
                let mut times = base.saturating_add(extra);
                if let Some(max) = max {
                    times = times.min(*max);
                }
                times = times.max(*min).min(MAX_REPEAT);
                for i in 0..times {
                    let before = out.len();
                    self.emit(node, extra, minimal, out)?;
                    if i == 0 && out.len() == before {
                        break; // Matches only the empty string: repeating adds nothing.
                    }
                }
            }
        }
        Some(())
    }

    pub(super) fn class_char(&mut self, ranges: &[(char, char)], negated: bool) -> Option<char> {
        let inside = |c: char| ranges.iter().any(|&(a, b)| a <= c && c <= b);
        const OUTSIDE: &[char] = &['a', '0', 'A', 'x', 'Z', '9', '_', '-', '.', ' ', '~'];
        if negated {
            let outside: Vec<char> = OUTSIDE.iter().copied().filter(|c| !inside(*c)).collect();
            let index = if self.dynamic {
                self.rng.below(outside.len())
            } else {
                0
            };
            return outside.get(index).copied();
        }
        if ranges.is_empty() {
            return None;
        }
        if self.dynamic {
            let (a, b) = ranges[self.rng.below(ranges.len())];
            let span = u64::from(b as u32 - a as u32) + 1;
            let pick = a as u32 + (self.rng.next() % span) as u32;
            return Some(char::from_u32(pick).unwrap_or(a));
        }
        ['a', '0', 'A']
            .into_iter()
            .find(|c| inside(*c))
            .or(Some(ranges[0].0))
    }

    pub(super) fn integer(&mut self, s: &Schema) -> Value {
        let format = s.get("format").and_then(Value::as_str);
        let (mut low, mut high) = match format.and_then(int_range) {
            Some((low, high)) => (Some(low), Some(high)),
            None => (None, None),
        };
        for (bound, strict) in limits(s, false) {
            if let Some(x) = int_low(bound, strict) {
                low = Some(low.map_or(x, |low| low.max(x)));
            }
        }
        for (bound, strict) in limits(s, true) {
            if let Some(x) = int_high(bound, strict) {
                high = Some(high.map_or(x, |high| high.min(x)));
            }
        }
        let step = s.get("multipleOf").and_then(integer_step);
        let target = self.pick_int(low, high);
        int_value(snap(target, step, low, high))
    }

    /// An integer in `[low, high]`: the one nearest 0 in examples mode, else one of the
    /// thousand from there; `low` when the range is empty.
    pub(super) fn pick_int(&mut self, low: Option<i128>, high: Option<i128>) -> i128 {
        if let (Some(low), Some(high)) = (low, high) {
            if low > high {
                return low;
            }
        }
        let mut near = 0i128;
        if let Some(low) = low {
            near = near.max(low);
        }
        if let Some(high) = high {
            near = near.min(high);
        }
        if !self.dynamic {
            return near;
        }
        let (a, b) = if high.map_or(true, |high| high > near) {
            let top = near.saturating_add(1000);
            (near, high.map_or(top, |high| high.min(top)))
        } else {
            let bottom = near.saturating_sub(1000);
            (low.map_or(bottom, |low| low.max(bottom)), near)
        };
        let span = b.abs_diff(a);
        let offset = match span.checked_add(1) {
            Some(n) => u128::from(self.rng.next()) % n,
            None => u128::from(self.rng.next()),
        };
        a.checked_add_unsigned(offset).unwrap_or(a)
    }

    pub(super) fn number(&mut self, s: &Schema) -> Value {
        let low = tightest(s, false);
        let high = tightest(s, true);
        if let Some(m) = s
            .get("multipleOf")
            .and_then(Value::as_f64)
            .filter(|m| *m > 0.0 && m.is_finite())
        {
            // k·m for an integer k in range.
            let k_low = low.map(|(low, strict)| float_int_low(low / m, strict));
            let k_high = high.map(|(high, strict)| float_int_high(high / m, strict));
            let k = self.pick_int(k_low, k_high);
            return number_value(round_to(k as f64 * m, decimals(m)));
        }
        let within = |x: f64| {
            low.map_or(true, |(l, strict)| if strict { x > l } else { x >= l })
                && high.map_or(true, |(h, strict)| if strict { x < h } else { x <= h })
        };
        let target = if self.dynamic {
            let (a, b) = match (low, high) {
                (Some((l, _)), Some((h, _))) => (l, h),
                (Some((l, _)), None) => (l, l + 1000.0),
                (None, Some((h, _))) => (h - 1000.0, h),
                (None, None) => (0.0, 1000.0),
            };
            let x = a + self.rng.unit() * (b - a);
            (x * 100.0).round() / 100.0
        } else {
            0.0
        };
        let step = match (low, high) {
            (Some((l, _)), Some((h, _))) => ((h - l) / 2.0).min(1.0),
            _ => 1.0,
        };
        let mut tries = vec![target];
        if let Some((l, _)) = low {
            tries.extend([l, l + step]);
        }
        if let Some((h, _)) = high {
            tries.extend([h, h - step]);
        }
        if let (Some((l, _)), Some((h, _))) = (low, high) {
            tries.push(l + (h - l) / 2.0);
        }
        let chosen = tries
            .iter()
            .copied()
            .find(|x| within(*x))
            .unwrap_or(low.map_or(target, |(l, _)| l));
        number_value(chosen)
    }
}
