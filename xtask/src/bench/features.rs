//! Section 3, the cost of each runtime feature: `generated-example` on the in-memory
//! store with every default on (the baseline), and once per feature with only that
//! feature changed through the example's flags; the difference in the server's CPU time
//! per request against the baseline is the feature's cost.

use std::fmt::Write as _;

use anyhow::Result;

use super::load::Sample;
use super::measure::median;
use super::serve::{self, round_order, Launch, Rig, Server, Store, GET, POST, RUST_LOG, SCENARIOS};
use super::Ctx;

/// One way of starting specfirst: the baseline, or one setting changed from it.
struct Variant {
    /// Its name in logs.
    key: &'static str,
    /// Its name in the table.
    label: &'static str,
    /// Flags added to the baseline's.
    flags: &'static [&'static str],
    /// `RUST_LOG`: the baseline's `warn` unless the variant is about logging.
    rust_log: &'static str,
    /// Headers wrk sends, for the variants whose feature only acts on them.
    headers: &'static [&'static str],
    /// Whether the variant turns a default feature off (rather than one on), so that
    /// the feature's cost is the baseline's CPU less the variant's.
    turns_off: bool,
}

/// The variants; the baseline must stay first.
const VARIANTS: [Variant; 11] = [
    Variant {
        key: "baseline",
        label: "baseline: every default on",
        flags: &[],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: false,
    },
    Variant {
        key: "no-request-timeout",
        label: "request timeout off",
        flags: &["--request-timeout", "off"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: true,
    },
    Variant {
        key: "no-concurrency-limit",
        label: "concurrency limit off",
        flags: &["--max-concurrent-requests", "off"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: true,
    },
    Variant {
        key: "no-connection-limit",
        label: "connection limit off",
        flags: &["--max-connections", "off"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: true,
    },
    Variant {
        key: "no-header-read-timeout",
        label: "header-read timeout off",
        flags: &["--header-read-timeout", "off"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: true,
    },
    Variant {
        key: "no-limits",
        label: "all four optional limits off",
        flags: &[
            "--request-timeout",
            "off",
            "--max-concurrent-requests",
            "off",
            "--max-connections",
            "off",
            "--header-read-timeout",
            "off",
        ],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: true,
    },
    Variant {
        key: "info-logs",
        label: "`info` logs, JSON to a file",
        flags: &[],
        rust_log: "info",
        headers: &[],
        turns_off: false,
    },
    Variant {
        key: "compression",
        label: "compression on, client does not ask for it",
        flags: &["--compression"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: false,
    },
    Variant {
        key: "compression-gzip",
        label: "compression on, client sends `Accept-Encoding: gzip`",
        flags: &["--compression"],
        rust_log: RUST_LOG,
        headers: &["Accept-Encoding: gzip"],
        turns_off: false,
    },
    Variant {
        key: "cors",
        label: "CORS on, request without `Origin`",
        flags: &["--cors-origin", "http://example.com"],
        rust_log: RUST_LOG,
        headers: &[],
        turns_off: false,
    },
    Variant {
        key: "cors-origin",
        label: "CORS on, request from the allowed origin",
        flags: &["--cors-origin", "http://example.com"],
        rust_log: RUST_LOG,
        headers: &["Origin: http://example.com"],
        turns_off: false,
    },
];

/// The per-feature figures.
pub(super) struct Features {
    /// The scenarios measured, as indices into [`SCENARIOS`].
    scenarios: Vec<usize>,
    /// `[variant][scenario position]`, one sample per round.
    samples: Vec<Vec<Vec<Sample>>>,
}

/// The scenarios of the per-feature runs: the small GET, where the runtime's share of a
/// request is largest, and in a full run the validated POST.
fn scenarios(quick: bool) -> Vec<usize> {
    if quick {
        vec![GET]
    } else {
        vec![GET, POST]
    }
}

/// Runs every variant once per round (their order rotating), each started fresh on the
/// in-memory store and loaded like the comparison's servers.
pub(super) fn measure(cx: &Ctx, rig: &Rig, specfirst: &Server) -> Result<Features> {
    let scenarios = scenarios(cx.opts.quick);
    let mut samples = vec![vec![Vec::new(); scenarios.len()]; VARIANTS.len()];
    for round in 0..cx.opts.runs {
        for v in round_order(round, VARIANTS.len()) {
            let variant = &VARIANTS[v];
            let launch = Launch {
                server: specfirst,
                store: Store::Memory,
                flags: variant.flags,
                rust_log: variant.rust_log,
            };
            let tag = format!("feature-{}-{}", variant.key, round + 1);
            let session = serve::session(cx, rig, &launch, &scenarios, &tag, variant.headers)?;
            for (i, sample) in session.samples.into_iter().enumerate() {
                samples[v][i].push(sample);
            }
        }
    }
    Ok(Features { scenarios, samples })
}

impl Features {
    /// Figures made up for tests: `samples` for every variant on every scenario.
    #[cfg(test)]
    pub(super) fn made_up(scenarios: Vec<usize>, samples: Vec<Sample>) -> Self {
        let per_variant = vec![samples; scenarios.len()];
        Features {
            scenarios,
            samples: vec![per_variant; VARIANTS.len()],
        }
    }

    /// The median of `figure` of variant `v` on scenario position `i`.
    fn median(&self, v: usize, i: usize, figure: fn(&Sample) -> f64) -> f64 {
        median(&self.samples[v][i].iter().map(figure).collect::<Vec<_>>())
    }

    /// Whether every variant has a CPU-per-request figure on every scenario measured.
    pub(super) fn complete(&self) -> bool {
        (0..VARIANTS.len())
            .all(|v| (0..self.scenarios.len()).all(|i| self.median(v, i, |s| s.cpu_us).is_finite()))
    }
}

/// The cost of variant `v`'s feature on scenario position `i`: its median CPU per
/// request less the baseline's, or the reverse when the variant turns a default off, so
/// that a positive figure is what the feature costs.
fn cost(features: &Features, v: usize, i: usize) -> f64 {
    let delta = features.median(v, i, |s| s.cpu_us) - features.median(0, i, |s| s.cpu_us);
    // `+ 0.0` turns the -0.0 of a zero difference negated into 0.0.
    if VARIANTS[v].turns_off {
        -delta + 0.0
    } else {
        delta
    }
}

/// A difference in µs with its sign, `n/a` when missing.
fn fmt_delta(us: f64) -> String {
    if us.is_finite() {
        format!("{us:+.2}")
    } else {
        "n/a".into()
    }
}

/// The largest relative deviation from their median of `values`, as a fraction.
pub(super) fn spread(values: &[f64]) -> f64 {
    let m = median(values);
    values
        .iter()
        .filter(|v| v.is_finite())
        .map(|v| (v - m).abs() / m)
        .fold(0.0, f64::max)
}

/// The per-feature subsection of section 3.
pub(super) fn write(s: &mut String, cx: &Ctx, features: &Features) -> Result<()> {
    writeln!(s, "### Cost of each runtime feature\n")?;
    writeln!(
        s,
        "`generated-example --store memory` (started and loaded as above) with every \
         default on, and once per row with only that setting changed; every variant is \
         started fresh in each of the {} rounds, their order rotating. A feature's cost is \
         the difference between the medians of the server's CPU time per request with the \
         feature and without it, so a positive figure is what the feature costs per \
         request: the row's less the baseline's for a row that turns a feature on, the \
         baseline's less the row's for a row that turns a default off. The `info` row sets \
         `RUST_LOG=info`, the server's JSON log going to a file \
         (`target/bench/logs/serve-feature-info-logs-*.log`); the header rows send the \
         header the feature acts on with every request, the others no such header.\n",
        cx.opts.runs
    )?;
    write!(s, "| Variant | flags beside the baseline's |")?;
    let mut rule = String::from("|---|---|");
    for &i in &features.scenarios {
        let key = SCENARIOS[i].key;
        write!(
            s,
            " `{key}` req/s | `{key}` CPU µs/request | `{key}` feature's cost, CPU µs/request |"
        )?;
        rule.push_str("---|---|---|");
    }
    writeln!(s, "\n{rule}")?;
    for (v, variant) in VARIANTS.iter().enumerate() {
        let mut flags: Vec<String> = Vec::new();
        if variant.rust_log != RUST_LOG {
            flags.push(format!("`RUST_LOG={}`", variant.rust_log));
        }
        if !variant.flags.is_empty() {
            flags.push(format!("`{}`", variant.flags.join(" ")));
        }
        for header in variant.headers {
            flags.push(format!("wrk `-H '{header}'`"));
        }
        let flags = if flags.is_empty() {
            "—".to_string()
        } else {
            flags.join(", ")
        };
        write!(s, "| {} | {flags} |", variant.label)?;
        for i in 0..features.scenarios.len() {
            let cpu = features.median(v, i, |s| s.cpu_us);
            let delta = if v == 0 {
                "—".to_string()
            } else {
                fmt_delta(cost(features, v, i))
            };
            write!(
                s,
                " {:.0} | {cpu:.2} | {delta} |",
                features.median(v, i, |s| s.rps)
            )?;
        }
        writeln!(s)?;
    }
    writeln!(s)?;
    write_noise(s, cx, features)?;
    Ok(())
}

/// The sentence on how much the baseline's own figures varied between rounds.
fn write_noise(s: &mut String, cx: &Ctx, features: &Features) -> Result<()> {
    if cx.opts.runs < 2 {
        writeln!(
            s,
            "One round: this run measured no spread, so no difference here can be told \
             from noise.\n"
        )?;
        return Ok(());
    }
    let parts: Vec<String> = features
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, &index)| {
            let cpu: Vec<f64> = features.samples[0][i].iter().map(|s| s.cpu_us).collect();
            let rps: Vec<f64> = features.samples[0][i].iter().map(|s| s.rps).collect();
            let m = median(&cpu);
            format!(
                "on `{}` its CPU per request was within ±{:.1}% of its median (±{:.2} µs) \
                 and its req/s within ±{:.1}%",
                SCENARIOS[index].key,
                spread(&cpu) * 100.0,
                spread(&cpu) * m,
                spread(&rps) * 100.0
            )
        })
        .collect();
    writeln!(
        s,
        "Noise: over the {} rounds the baseline's figures varied this much: {}. A cost \
         smaller than that is within this run's noise.\n",
        cx.opts.runs,
        parts.join("; ")
    )?;
    Ok(())
}

/// The per-feature runs as the report's command list shows them.
pub(super) fn commands() -> Vec<String> {
    let changes: Vec<String> = VARIANTS[1..]
        .iter()
        .map(|v| {
            let mut words: Vec<String> = Vec::new();
            if v.rust_log != RUST_LOG {
                words.push(format!("RUST_LOG={}", v.rust_log));
            }
            words.extend(v.flags.iter().map(|f| f.to_string()));
            for header in v.headers {
                words.push(format!("(wrk -H '{header}')"));
            }
            words.join(" ")
        })
        .collect();
    vec![format!(
        "# per-feature runs: generated-example as above with --store memory, then once with \
         each of: {}",
        changes.join(" | ")
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_spread() {
        assert!((spread(&[90.0, 100.0, 105.0]) - 0.1).abs() < 1e-9);
        assert_eq!(spread(&[5.0]), 0.0);
        assert_eq!(fmt_delta(0.5), "+0.50");
        assert_eq!(fmt_delta(-0.25), "-0.25");
        assert_eq!(fmt_delta(f64::NAN), "n/a");
    }

    #[test]
    fn baseline_first() {
        let base = &VARIANTS[0];
        assert!(base.flags.is_empty() && base.headers.is_empty() && base.rust_log == RUST_LOG);
        // Every other variant changes something.
        for v in &VARIANTS[1..] {
            assert!(!v.flags.is_empty() || v.rust_log != RUST_LOG, "{}", v.key);
        }
        assert_eq!(scenarios(true), [GET]);
        assert_eq!(scenarios(false), [GET, POST]);
    }
}
