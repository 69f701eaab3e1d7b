//! Numbers and made-up text: numeric bounds, integers and numbers within them, strings
//! fitted to a length, and the date, time and UUID text formats are written from.

use serde_json::{Number, Value};

use super::merge::flag;
use super::Schema;

/// The numeric bounds of one side with whether each is exclusive, in 3.0 (boolean
/// `exclusiveMinimum`) and 3.1 (numeric `exclusiveMinimum`) spelling.
pub(super) fn limits(s: &Schema, upper: bool) -> Vec<(&Value, bool)> {
    let (plain, strict) = if upper {
        ("maximum", "exclusiveMaximum")
    } else {
        ("minimum", "exclusiveMinimum")
    };
    let mut out = Vec::new();
    if let Some(bound) = s.get(plain).filter(|v| v.is_number()) {
        out.push((bound, flag(s, strict)));
    }
    if let Some(bound) = s.get(strict).filter(|v| v.is_number()) {
        out.push((bound, true));
    }
    out
}

fn tighter(upper: bool, x: f64, strict: bool, best: Option<(f64, bool)>) -> bool {
    match best {
        None => true,
        Some((b, e)) => (upper && x < b) || (!upper && x > b) || (x == b && strict && !e),
    }
}

pub(super) fn tightest(s: &Schema, upper: bool) -> Option<(f64, bool)> {
    let mut best = None;
    for (bound, strict) in limits(s, upper) {
        let Some(x) = bound.as_f64() else { continue };
        if tighter(upper, x, strict, best) {
            best = Some((x, strict));
        }
    }
    best
}

/// [`tightest`] across schemas, keeping the bound's own number (exact for big integers).
pub(super) fn tightest_value(schemas: &[&Schema], upper: bool) -> Option<(Value, bool)> {
    let mut best: Option<(Value, bool)> = None;
    for s in schemas {
        for (bound, strict) in limits(s, upper) {
            let Some(x) = bound.as_f64() else { continue };
            let current = best.as_ref().and_then(|(v, e)| Some((v.as_f64()?, *e)));
            if tighter(upper, x, strict, current) {
                best = Some((bound.clone(), strict));
            }
        }
    }
    best
}

pub(super) fn int_low(bound: &Value, strict: bool) -> Option<i128> {
    if let Some(i) = bound.as_i64() {
        return Some(i128::from(i) + i128::from(strict));
    }
    if let Some(u) = bound.as_u64() {
        return Some(i128::from(u) + i128::from(strict));
    }
    Some(float_int_low(bound.as_f64()?, strict))
}

pub(super) fn int_high(bound: &Value, strict: bool) -> Option<i128> {
    if let Some(i) = bound.as_i64() {
        return Some(i128::from(i) - i128::from(strict));
    }
    if let Some(u) = bound.as_u64() {
        return Some(i128::from(u) - i128::from(strict));
    }
    Some(float_int_high(bound.as_f64()?, strict))
}

/// The least integer above (or at, unless `strict`) `x`; float casts saturate.
pub(super) fn float_int_low(x: f64, strict: bool) -> i128 {
    if strict {
        (x.floor() as i128).saturating_add(1)
    } else {
        x.ceil() as i128
    }
}

pub(super) fn float_int_high(x: f64, strict: bool) -> i128 {
    if strict {
        (x.ceil() as i128).saturating_sub(1)
    } else {
        x.floor() as i128
    }
}

/// The range of an integer `format`.
pub(super) fn int_range(format: &str) -> Option<(i128, i128)> {
    Some(match format {
        "int8" => (i8::MIN.into(), i8::MAX.into()),
        "int16" => (i16::MIN.into(), i16::MAX.into()),
        "int32" => (i32::MIN.into(), i32::MAX.into()),
        "int64" | "long" => (i64::MIN.into(), i64::MAX.into()),
        "uint8" => (0, u8::MAX.into()),
        "uint16" => (0, u16::MAX.into()),
        "uint32" => (0, u32::MAX.into()),
        "uint64" | "uint" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The integer step a `multipleOf` imposes on integers: the least positive integer
/// multiple of it (1 for `0.5`, 3 for `1.5`); `None` when there is none nearby.
pub(super) fn integer_step(multiple: &Value) -> Option<i128> {
    if let Some(u) = multiple.as_u64() {
        return (u > 0).then(|| i128::from(u));
    }
    let m = multiple.as_f64().filter(|m| *m > 0.0 && m.is_finite())?;
    (1..=1000).find_map(|k| {
        let x = f64::from(k) * m;
        ((x - x.round()).abs() < 1e-9 && x.round() >= 1.0).then(|| x.round() as i128)
    })
}

/// `target` moved to a multiple of `step` inside `[low, high]`, up first.
pub(super) fn snap(
    target: i128,
    step: Option<i128>,
    low: Option<i128>,
    high: Option<i128>,
) -> i128 {
    let Some(step) = step.filter(|step| *step > 1) else {
        return target;
    };
    let inside = |x: i128| low.map_or(true, |l| x >= l) && high.map_or(true, |h| x <= h);
    let down = target.div_euclid(step).checked_mul(step);
    let up = down.and_then(|down| {
        if down == target {
            Some(down)
        } else {
            down.checked_add(step)
        }
    });
    [up, down]
        .into_iter()
        .flatten()
        .find(|x| inside(*x))
        .unwrap_or(target)
}

pub(super) fn int_value(x: i128) -> Value {
    if let Ok(i) = i64::try_from(x) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(x) {
        Value::from(u)
    } else {
        number_value(x as f64)
    }
}

/// A JSON number, written as an integer when it is one.
pub(super) fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// The decimal places of `m` as written (`0.01` → 2), so `k·m` can drop float noise.
pub(super) fn decimals(m: f64) -> usize {
    let text = m.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
        .min(17)
}

pub(super) fn round_to(x: f64, places: usize) -> f64 {
    format!("{x:.places$}").parse().unwrap_or(x)
}

pub(super) fn is_multiple(x: f64, m: f64) -> bool {
    let q = x / m;
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

/// `base` repeated or cut to a length within `[min, max]`.
pub(super) fn fit_length(base: &str, min: usize, max: Option<usize>) -> String {
    let base = if base.is_empty() { "a" } else { base };
    let mut out: String = base
        .chars()
        .cycle()
        .take(min.max(base.chars().count()))
        .collect();
    if let Some(max) = max {
        out = out.chars().take(max).collect();
    }
    out
}

pub(super) fn date(r: u64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        2020 + r % 8,
        1 + (r >> 8) % 12,
        1 + (r >> 16) % 28
    )
}

pub(super) fn time(r: u64) -> String {
    format!("{:02}:{:02}:{:02}", r % 24, (r >> 8) % 60, (r >> 16) % 60)
}

/// A version 4 UUID from two random words.
pub(super) fn uuid(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}
