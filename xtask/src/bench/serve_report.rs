//! The text of sections 3 and 4 and the serving aims of issues 8 and 22, from the
//! figures [`super::serve`] measured. Every judgement is made from this run's figures.

use std::fmt::Write as _;

use anyhow::Result;

use super::features::{self, spread, Features};
use super::instructions::{self, Instructions};
use super::load::{Sample, WRK_CONNECTIONS};
use super::measure::{median, ratio};
use super::profile::{self, Profile};
use super::serve::{
    dropshot_version, Rig, ServerStats, Stats, Store, DEMO_ITEMS, RUST_LOG, SCENARIOS, STORES,
};
use super::{memory, Ctx};

/// Issue 22's aims: specfirst's req/s at least this share of hand-written axum's...
const AIM_HANDWRITTEN: f64 = 0.97;
/// ...and of Dropshot's.
const AIM_DROPSHOT: f64 = 1.0;

/// One figure of each round's sample.
type Figure = fn(&Sample) -> f64;

/// The figure of every round.
fn each(samples: &[Sample], figure: Figure) -> Vec<f64> {
    samples.iter().map(figure).collect()
}

/// The median over the rounds of one figure.
fn med(samples: &[Sample], figure: Figure) -> f64 {
    median(&each(samples, figure))
}

/// Sections 3 and 4.
pub(super) fn write(
    cx: &Ctx,
    rig: &Rig,
    stats: &Stats,
    features: &Features,
    profile: &Profile,
    instructions: &Instructions,
) -> Result<String> {
    let mut s = String::new();
    writeln!(s, "## 3. Serving\n")?;
    write_method(&mut s, cx, rig)?;
    for (st, store) in STORES.iter().enumerate() {
        write_throughput(&mut s, *store, &stats[st])?;
    }
    write_latency(&mut s, stats)?;
    write_noise(&mut s, cx, stats)?;
    let errors: u64 = stats.iter().flatten().flat_map(|st| st.non_2xx).sum();
    if errors > 0 {
        writeln!(
            s,
            "**{errors} non-2xx responses** were counted during the load runs; see \
             target/bench/logs.\n"
        )?;
    }
    writeln!(
        s,
        "Per-round figures are in `target/bench/logs/wrk-*.log`.\n"
    )?;
    features::write(&mut s, cx, features)?;
    profile::write(&mut s, cx, profile)?;
    instructions::write(&mut s, instructions)?;
    memory::write_memory(&mut s, stats, cx.opts.runs)?;
    s.push('\n');
    Ok(s)
}

/// What the servers are and how they are loaded.
fn write_method(s: &mut String, cx: &Ctx, rig: &Rig) -> Result<()> {
    let runs = cx.opts.runs;
    let duration = rig.duration;
    let threads = rig.placement.wrk_threads();
    writeln!(
        s,
        "Three servers answer the same four requests:\n\n\
         - `specfirst` is `target/release/generated-example`: the generated router and \
         `specfirst-runtime` with its default settings (request timeout, header-read \
         timeout, concurrency limit and connection limit on, each of which the example's \
         flags can turn off; compression and CORS off).\n\
         - `hand-written` is `bench/handwritten-axum`: plain axum 0.8 extractors and \
         handlers in front of the same stores and model types, doing the same validation \
         (required fields, title length 1..=200, genre enum, uint32 `limit`), bearer auth, \
         `x-request-id` echo, error bodies and page tokens, served by `axum::serve`.\n\
         - `Dropshot` is `bench/dropshot-server`: the same stores and model types behind \
         Dropshot {}'s `#[endpoint]` handlers, typed `Path`/`Query`/`TypedBody` \
         extractors, `HttpError` and `PaginationParams`/`ResultsPage`, with the title and \
         genre checks by hand in the handler as the hand-written server does. Off the \
         benchmarked requests it keeps Dropshot's own behaviour where that differs (its \
         extractors' error messages, its page tokens, a fresh `x-request-id` on every \
         response); the module doc of its `main.rs` lists the differences.\n",
        dropshot_version(&cx.root)
    )?;
    writeln!(
        s,
        "Each server runs twice per round: with `--store sqlite` (the example's store in \
         in-memory SQLite, one source file shared by all three) and with `--store memory` \
         (one in-memory store shared by all three, no SQLite, so what differs between the \
         servers is the framework). All start with {DEMO_ITEMS} demo books, \
         `RUST_LOG={RUST_LOG}` and JSON logs (Dropshot's Bunyan JSON) to a file, so none \
         writes a line per request. Each start is checked to answer the benchmarked \
         requests with the same statuses (200, 200, 200 with 500 books, 201, and 400 for an \
         empty title, an unknown genre and a missing field), warmed up with a {}-s GET run, \
         then loaded with `wrk -t{threads} -c{WRK_CONNECTIONS} -d{duration}s --latency` \
         per request in the tables' order. The POST adds a book per request, so it runs \
         last in each start: every list is measured on the same {} books on every server.\n",
        rig.warm_up,
        DEMO_ITEMS.parse::<usize>().unwrap_or(0) + 1
    )?;
    writeln!(
        s,
        "{} There are {} rounds; in each round the stores alternate which goes first and the \
         servers' order rotates by one, so drift in the machine's background load falls \
         on all of them alike. The figures are medians over the rounds: req/s, each \
         round's p50 and p99 latency, and the server's CPU time per request, which is the \
         server's `utime + stime` from `/proc/PID/stat` (all its threads) read just before \
         and after the wrk run, over the requests wrk reports; the clock tick is {}. CPU \
         per request counts only the server's own work, not time spent waiting for its \
         core; the noise table below gives how much each figure moved in this run.\n",
        rig.placement.describe(),
        runs,
        if rig.ticks.assumed {
            "assumed to be 1/100 s (`getconf CLK_TCK` gave nothing)".to_string()
        } else {
            format!("1/{:.0} s (`getconf CLK_TCK`)", rig.ticks.per_sec)
        }
    )?;
    Ok(())
}

/// The req/s and CPU table of one store.
fn write_throughput(s: &mut String, store: Store, stats: &[ServerStats; 3]) -> Result<()> {
    writeln!(s, "Throughput, {} store:\n", store.label())?;
    writeln!(
        s,
        "| Request | specfirst req/s | hand-written req/s | Dropshot req/s | specfirst / hand-written | specfirst / Dropshot | specfirst CPU µs/request | hand-written CPU µs/request | Dropshot CPU µs/request |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|---|")?;
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        let rps: Vec<f64> = stats
            .iter()
            .map(|st| med(&st.samples[i], |x| x.rps))
            .collect();
        write!(
            s,
            "| {} | {:.0} | {:.0} | {:.0} | {} | {} |",
            scenario.label,
            rps[0],
            rps[1],
            rps[2],
            ratio(rps[0], rps[1]),
            ratio(rps[0], rps[2])
        )?;
        for st in stats {
            write!(s, " {:.2} |", med(&st.samples[i], |x| x.cpu_us))?;
        }
        writeln!(s)?;
    }
    writeln!(s)?;
    Ok(())
}

/// The latency table, both stores.
fn write_latency(s: &mut String, stats: &Stats) -> Result<()> {
    writeln!(s, "Latency (medians of each round's p50 and p99):\n")?;
    writeln!(
        s,
        "| Request | store | specfirst p50 | hand-written p50 | Dropshot p50 | specfirst p99 | hand-written p99 | Dropshot p99 |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|")?;
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        for (st, store) in STORES.iter().enumerate() {
            write!(s, "| {} | {} ", scenario.label, store.label())?;
            let p50 = stats[st].iter().map(|x| med(&x.samples[i], |x| x.p50_ms));
            let p99 = stats[st].iter().map(|x| med(&x.samples[i], |x| x.p99_ms));
            for ms in p50.chain(p99) {
                write!(s, "| {ms:.3} ms ")?;
            }
            writeln!(s, "|")?;
        }
    }
    writeln!(s)?;
    Ok(())
}

/// `min..max` of the finite values, with `decimals` decimals.
fn range(values: &[f64], decimals: usize) -> String {
    let finite = values.iter().copied().filter(|v| v.is_finite());
    let min = finite.clone().fold(f64::INFINITY, f64::min);
    let max = finite.fold(f64::NEG_INFINITY, f64::max);
    if min.is_finite() {
        format!("{min:.decimals$}..{max:.decimals$}")
    } else {
        "n/a".into()
    }
}

/// specfirst's figure over another server's, round by round: the servers of a round run
/// one after another, so each pair shares that round's background load.
fn per_round_ratios(ours: &[Sample], theirs: &[Sample], figure: Figure) -> Vec<f64> {
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| figure(a) / figure(b))
        .collect()
}

/// The noise table: how far each row's figures moved between rounds.
fn write_noise(s: &mut String, cx: &Ctx, stats: &Stats) -> Result<()> {
    if cx.opts.runs < 2 {
        writeln!(
            s,
            "Noise: one round, so this run measured no spread; no difference above can be \
             told from noise.\n"
        )?;
        return Ok(());
    }
    // The largest spread of any row, for the summary sentence.
    let mut worst_rps = 0f64;
    let mut worst_cpu = 0f64;
    let mut table = String::new();
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        for (st, store) in STORES.iter().enumerate() {
            let row = &stats[st];
            write!(table, "| {} | {} |", scenario.label, store.label())?;
            for server in row {
                let rps = each(&server.samples[i], |x| x.rps);
                worst_rps = worst_rps.max(spread(&rps));
                write!(
                    table,
                    " {} (±{:.1}%) |",
                    range(&rps, 0),
                    spread(&rps) * 100.0
                )?;
            }
            for server in row {
                let cpu = each(&server.samples[i], |x| x.cpu_us);
                worst_cpu = worst_cpu.max(spread(&cpu));
                write!(table, " ±{:.1}% |", spread(&cpu) * 100.0)?;
            }
            for other in &row[1..] {
                let r = per_round_ratios(&row[0].samples[i], &other.samples[i], |x| x.rps);
                write!(table, " {} |", range(&r, 2))?;
            }
            writeln!(table)?;
        }
    }
    writeln!(
        s,
        "Noise, measured by this run: over its {} rounds a row's req/s moved up to \
         ±{:.1}% from its median and its CPU per request up to ±{:.1}%. Per row, req/s \
         min..max over the rounds (largest deviation from the median), the deviation of \
         CPU per request, and specfirst's req/s over the others' round by round:\n",
        cx.opts.runs,
        worst_rps * 100.0,
        worst_cpu * 100.0
    )?;
    writeln!(
        s,
        "| Request | store | specfirst req/s | hand-written req/s | Dropshot req/s | specfirst CPU/request | hand-written CPU/request | Dropshot CPU/request | specfirst / hand-written per round | specfirst / Dropshot per round |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|---|---|---|")?;
    s.push_str(&table);
    writeln!(s)?;
    Ok(())
}

/// The lowest `ours / theirs` req/s ratio over the scenarios, with its scenario index;
/// `None` when no scenario has figures for both.
fn worst_ratio(ours: &[f64], theirs: &[f64]) -> Option<(f64, usize)> {
    ours.iter()
        .zip(theirs)
        .map(|(a, b)| a / b)
        .enumerate()
        .filter(|(_, r)| r.is_finite())
        .min_by(|(_, a), (_, b)| a.total_cmp(b))
        .map(|(i, r)| (r, i))
}

/// `met` or `**not met**`.
fn judged(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**not met**"
    }
}

/// The serving aims of issues 8 and 22, judged from this run's medians.
pub(super) fn aims(cx: &mut Ctx, stats: &Stats, features: &Features) {
    let rps = |st: usize, server: usize| -> Vec<f64> {
        (0..SCENARIOS.len())
            .map(|i| med(&stats[st][server].samples[i], |x| x.rps))
            .collect()
    };
    issue8_aims(cx, &rps(0, 0), &rps(0, 1), &rps(0, 2));
    let mut lines = Vec::new();
    let mut met = 0;
    for (st, store) in STORES.iter().enumerate() {
        for (i, scenario) in SCENARIOS.iter().enumerate() {
            let (line, checks) = issue22_aim(&stats[st], i, scenario.key, store.label());
            met += checks.iter().filter(|&&c| c).count();
            lines.push(line);
        }
    }
    cx.serving_aims.push(format!(
        "With every default feature on, per request and store: {met} of {} checks met.",
        lines.len() * 3
    ));
    cx.serving_aims.extend(lines);
    cx.serving_aims.push(format!(
        "Each runtime feature's measured cost per request in BENCHMARKS.md: {} (section 3, \
         \"Cost of each runtime feature\"{}).",
        judged(features.complete()),
        if features.complete() {
            ""
        } else {
            "; some variants have no CPU figure"
        }
    ));
}

/// Issue 8's serving aims, on the SQLite rows (the store issue 8 measured), each judged
/// on the request where specfirst fares worst.
fn issue8_aims(cx: &mut Ctx, ours: &[f64], handwritten: &[f64], dropshot: &[f64]) {
    if let Some((r, i)) = worst_ratio(ours, handwritten) {
        cx.aims.push(format!(
            "Serving within 5% of hand-written axum: {} (SQLite rows; worst request `{}`: \
             specfirst at {:.0}% of the hand-written req/s).",
            judged(r >= 0.95),
            SCENARIOS[i].key,
            r * 100.0
        ));
    }
    if let Some((r, i)) = worst_ratio(ours, dropshot) {
        cx.aims.push(format!(
            "Ahead of Dropshot on the same routes: {} (SQLite rows; worst request `{}`: \
             specfirst at {:.0}% of Dropshot's req/s).",
            judged(r > 1.0),
            SCENARIOS[i].key,
            r * 100.0
        ));
    }
}

/// Issue 22's aims for one request on one store: req/s at least 0.97x hand-written and
/// 1.0x Dropshot, p99 no worse than either; the line and whether each of the three was
/// met.
fn issue22_aim(stats: &[ServerStats; 3], i: usize, key: &str, store: &str) -> (String, [bool; 3]) {
    let rps: Vec<f64> = stats
        .iter()
        .map(|st| med(&st.samples[i], |x| x.rps))
        .collect();
    let p99: Vec<f64> = stats
        .iter()
        .map(|st| med(&st.samples[i], |x| x.p99_ms))
        .collect();
    let vs_handwritten = rps[0] / rps[1];
    let vs_dropshot = rps[0] / rps[2];
    // NaN compares false, so a missing figure is never met.
    let p99_met = p99[0] <= p99[1] && p99[0] <= p99[2];
    let checks = [
        vs_handwritten >= AIM_HANDWRITTEN,
        vs_dropshot >= AIM_DROPSHOT,
        p99_met,
    ];
    let line = format!(
        "`{key}`, {store}: specfirst / hand-written {vs_handwritten:.3}x (aim ≥ \
         {AIM_HANDWRITTEN}: {}), specfirst / Dropshot {vs_dropshot:.3}x (aim ≥ \
         {AIM_DROPSHOT:.1}: {}), p99 {:.3} ms against hand-written's {:.3} ms and \
         Dropshot's {:.3} ms (no worse than either: {}).",
        judged(checks[0]),
        judged(checks[1]),
        p99[0],
        p99[1],
        p99[2],
        judged(checks[2])
    );
    (line, checks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(rps: f64, p99_ms: f64) -> Sample {
        Sample {
            rps,
            p50_ms: 1.0,
            p99_ms,
            cpu_us: 10.0,
        }
    }

    #[test]
    fn finds_worst_ratio() {
        assert_eq!(
            worst_ratio(&[90.0, 50.0, 100.0], &[100.0, 100.0, 100.0]),
            Some((0.5, 1))
        );
        // A scenario without figures for both servers is left out, not taken as worst.
        assert_eq!(
            worst_ratio(&[f64::NAN, 80.0, 100.0], &[100.0, 100.0, 0.0]),
            Some((0.8, 1))
        );
        assert_eq!(worst_ratio(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn judges_issue22() {
        let mut stats: [ServerStats; 3] = Default::default();
        stats[0].samples[0] = vec![sample(97.0, 2.0)];
        stats[1].samples[0] = vec![sample(100.0, 2.0)];
        stats[2].samples[0] = vec![sample(97.0, 3.0)];
        let (line, checks) = issue22_aim(&stats, 0, "get", "SQLite");
        assert_eq!(line.matches("**not met**").count(), 0, "{line}");
        assert_eq!(checks, [true; 3]);
        stats[0].samples[0] = vec![sample(96.0, 2.5)];
        let (line, _) = issue22_aim(&stats, 0, "get", "SQLite");
        // Below 0.97x, below 1.0x Dropshot, p99 worse than hand-written's.
        assert_eq!(line.matches("**not met**").count(), 3, "{line}");
        // No figures: nothing is judged met.
        let empty: [ServerStats; 3] = Default::default();
        let (line, checks) = issue22_aim(&empty, 1, "list", "in-memory");
        assert_eq!(checks, [false; 3]);
        assert_eq!(line.matches("**not met**").count(), 3, "{line}");
    }

    #[test]
    fn writes_sections() {
        let mut cx = super::super::tests::ctx(&["--runs", "2"]);
        let rig = Rig {
            placement: super::super::load::Placement::Pinned,
            ticks: super::super::load::ClockTicks {
                per_sec: 100.0,
                assumed: false,
            },
            duration: 10,
            warm_up: 2,
        };
        let mut stats: Stats = Default::default();
        for by_store in &mut stats {
            for (n, server) in by_store.iter_mut().enumerate() {
                let rps = 1000.0 * (n + 1) as f64;
                for samples in &mut server.samples {
                    *samples = vec![sample(rps, 2.0), sample(rps * 1.1, 3.0)];
                }
                server.idle_rss = vec![1024.0, 2048.0];
                server.load_rss = vec![4096.0];
            }
        }
        let features = Features::made_up(vec![0, 3], vec![sample(1.0, 1.0), sample(2.0, 1.0)]);
        let profile = Profile::Missing("`perf` is not installed".into());
        let instructions = Instructions::Counted(vec![
            [Some(40000.0), Some(60000.0), Some(500000.0), Some(57000.0)],
            [Some(36000.0), None, Some(600000.0), Some(48000.0)],
            [Some(50000.0); 4],
        ]);
        let text = write(&cx, &rig, &stats, &features, &profile, &instructions).unwrap();
        // Every row of a table has as many cells as its header.
        for table in text.split("\n\n").filter(|t| t.starts_with('|')) {
            let counts: Vec<usize> = table.lines().map(|l| l.matches('|').count()).collect();
            assert!(counts.iter().all(|&c| c == counts[0]), "{table}");
        }
        for wanted in [
            "Throughput, SQLite store",
            "Throughput, in-memory store",
            "large list `GET /books?limit=500`",
            "| small GET `GET /books/{id}` | 1050 | 2100 | 3150 | 0.50x | 0.33x | 10.00 | 10.00 | 10.00 |",
            "1000..1100 (±4.8%)",
            "| small GET `GET /books/{id}` | 40000 | 36000 | 50000 | 0.900x | 1.250x |",
            "| paginated list `GET /books?limit=20` | 60000 | n/a | 50000 | n/a | 0.833x |",
            "0.50..0.50",
            "taskset -c 1 wrk -t1",
            "No profile: `perf` is not installed.",
            "| 1.5 MiB | 4.0 MiB |",
            "`RUST_LOG=info`",
        ] {
            assert!(text.contains(wanted), "{wanted:?} not in:\n{text}");
        }
        aims(&mut cx, &stats, &features);
        assert_eq!(cx.aims.len(), 2);
        assert_eq!(cx.serving_aims.len(), SCENARIOS.len() * STORES.len() + 2);
        assert!(
            cx.serving_aims[0].contains("8 of 24 checks met"),
            "{}",
            cx.serving_aims[0]
        );
        assert!(cx.aims.iter().all(|a| !a.contains("What limits it")));
    }

    #[test]
    fn ratios_per_round() {
        let ours = [sample(90.0, 1.0), sample(110.0, 1.0)];
        let theirs = [sample(100.0, 1.0), sample(100.0, 1.0)];
        let r = per_round_ratios(&ours, &theirs, |x| x.rps);
        assert_eq!(range(&r, 2), "0.90..1.10");
        assert_eq!(range(&[], 0), "n/a");
    }
}
