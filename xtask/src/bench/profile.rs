//! Section 3, the profile: `perf record` on specfirst's server during one extra
//! in-memory small-GET run, and the symbols and shared objects it spent its samples in,
//! as `perf report` lists them. Nothing is said about the profile beyond what it shows.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{bail, Context, Result};

use super::measure::{self, Cmd};
use super::serve::{self, Launch, Rig, Server, Store, GET, RUST_LOG};
use super::Ctx;

/// perf's sampling frequency, in Hz: odd, so it does not beat with timers of round
/// periods.
const FREQUENCY: &str = "999";
/// How many symbols the report lists.
const TOP: usize = 15;
/// How many shared objects the report names.
const TOP_OBJECTS: usize = 5;
/// The longest symbol name shown; Rust's generic names run to hundreds of characters.
const SYMBOL_WIDTH: usize = 120;

/// One row of `perf report`: a share of the samples and what they fell in.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Share {
    pub(super) percent: f64,
    /// The symbol with perf's `[k]` (kernel) or `[.]` (user) mark, or the shared object.
    pub(super) name: String,
}

/// What the profile run gave.
pub(super) enum Profile {
    Recorded {
        /// The samples perf took, when its report says.
        samples: Option<u64>,
        /// Every symbol, largest self share first.
        symbols: Vec<Share>,
        /// Every shared object, largest share first.
        objects: Vec<Share>,
        /// The perf data file.
        data: PathBuf,
    },
    /// Why there is no profile.
    Missing(String),
}

/// The perf data file.
fn data_file(cx: &Ctx) -> PathBuf {
    cx.dir.join("perf/specfirst-memory-get.data")
}

/// `perf record` of process `pid` for `seconds`.
fn record_cmd(data: &Path, pid: &str, seconds: u64) -> Cmd {
    Cmd::new("perf")
        .args(["record", "-F", FREQUENCY, "-o"])
        .arg(data)
        .args(["-p", pid, "--", "sleep", &seconds.to_string()])
}

/// `perf report` of `data` by `sort` (`symbol` or `dso`), self shares only, no call graph.
fn report_cmd(data: &Path, sort: &str) -> Cmd {
    Cmd::new("perf").args(["report", "-i"]).arg(data).args([
        "--no-children",
        "--sort",
        sort,
        "--stdio",
        "-g",
        "none",
    ])
}

/// Records specfirst during one in-memory small-GET run and reads the report; when perf
/// is missing or fails, says why instead.
pub(super) fn profile(cx: &Ctx, rig: &Rig, specfirst: &Server) -> Profile {
    if !measure::tool_works("perf") {
        return Profile::Missing("`perf` is not installed (`perf --version` failed)".into());
    }
    match record(cx, rig, specfirst) {
        Ok(profile) => profile,
        Err(e) => Profile::Missing(format!("perf failed: {e:#}")),
    }
}

/// Starts specfirst as the comparison does, warms it up, and records it with perf while
/// wrk loads it with the small GET; this run's wrk figures are kept out of the medians,
/// since perf's sampling takes CPU from the server.
fn record(cx: &Ctx, rig: &Rig, specfirst: &Server) -> Result<Profile> {
    let data = data_file(cx);
    std::fs::create_dir_all(data.parent().context("perf data directory")?)?;
    let launch = Launch {
        server: specfirst,
        store: Store::Memory,
        flags: &[],
        rust_log: RUST_LOG,
    };
    let tag = "profile-specfirst-memory";
    let running = serve::start(cx, rig, &launch, tag)?;
    serve::warm_up(cx, rig, &running, tag, &[])?;
    eprintln!("bench: recording specfirst with perf");
    let log = std::fs::File::create(cx.logs.join("perf-record.log"))?;
    // perf's window and wrk's start together and last as long.
    let mut perf = record_cmd(&data, &running.pid().to_string(), rig.duration)
        .command(None)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .context("starting perf record")?;
    let measured = serve::measure(cx, rig, &running, GET, tag, &[]);
    let status = perf.wait()?;
    measured?;
    drop(running);
    if !status.success() {
        bail!("`perf record` exited with {status}; see target/bench/logs/perf-record.log");
    }
    let symbols = report(cx, &data, "symbol")?;
    let objects = report(cx, &data, "dso")?;
    Ok(Profile::Recorded {
        samples: symbols.0,
        symbols: symbols.1,
        objects: objects.1,
        data,
    })
}

/// Runs `perf report` sorted by `sort`, keeps its output in the logs, and parses it.
fn report(cx: &Ctx, data: &Path, sort: &str) -> Result<(Option<u64>, Vec<Share>)> {
    let output = report_cmd(data, sort)
        .command(None)
        .stdin(Stdio::null())
        .output()
        .context("running perf report")?;
    let text = String::from_utf8_lossy(&output.stdout);
    std::fs::write(
        cx.logs.join(format!("perf-report-{sort}.txt")),
        text.as_bytes(),
    )?;
    if !output.status.success() {
        bail!(
            "`perf report --sort {sort}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let parsed = parse_report(&text);
    if parsed.1.is_empty() {
        bail!("`perf report --sort {sort}` listed no samples");
    }
    Ok(parsed)
}

/// The sample count and the rows of `perf report --stdio` output, in its order.
///
/// A row is `    31.15%  [k] do_syscall_64     -      -`: the share, then the sort
/// column, then maybe columns perf adds on its own (IPC). The sort column's place is
/// read from the header's rule of dots (`# ........  .......  ....`), as its names may
/// hold spaces; without that rule, the row's rest is taken, less trailing `-` columns.
pub(super) fn parse_report(text: &str) -> (Option<u64>, Vec<Share>) {
    let mut samples = None;
    let mut column: Option<(usize, usize)> = None;
    let mut rows = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# Samples:") {
            samples = rest.split_whitespace().next().and_then(parse_count);
        } else if line.starts_with("# .") {
            column = dot_groups(line).get(1).copied();
        } else if !line.starts_with('#') {
            if let Some(share) = parse_row(line, column) {
                rows.push(share);
            }
        }
    }
    (samples, rows)
}

/// A sample count as perf prints it: `626`, or `12K` when large.
fn parse_count(text: &str) -> Option<u64> {
    match text.strip_suffix('K') {
        Some(k) => k.parse::<u64>().ok().map(|n| n * 1000),
        None => text.parse().ok(),
    }
}

/// The byte ranges (start, end) of the runs of dots in a header rule.
fn dot_groups(rule: &str) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut start = None;
    for (i, c) in rule.char_indices() {
        match (c == '.', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                groups.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        groups.push((s, rule.len()));
    }
    groups
}

/// One row of the report; `None` for a line that is not one.
fn parse_row(line: &str, column: Option<(usize, usize)>) -> Option<Share> {
    let trimmed = line.trim_start();
    let (percent, rest) = trimmed.split_once('%')?;
    let percent: f64 = percent.trim().parse().ok()?;
    let name = match column {
        Some((start, end)) => {
            // perf puts two spaces between columns: a name that runs on past the rule
            // (wider than perf sized the column) is taken to the line's end.
            let after = line.get(end..).unwrap_or("");
            let end = if after.is_empty() || after.starts_with("  ") {
                end.min(line.len())
            } else {
                line.len()
            };
            line.get(start..end).unwrap_or(rest)
        }
        None => rest,
    };
    let mut name = name.trim();
    while let Some(shorter) = name.strip_suffix(" -") {
        name = shorter.trim_end();
    }
    (!name.is_empty()).then(|| Share {
        percent,
        name: name.to_string(),
    })
}

/// A symbol as a table cell: shortened, in a code span, with `|` escaped for the table.
fn cell(name: &str) -> String {
    let short: String = if name.chars().count() > SYMBOL_WIDTH {
        name.chars().take(SYMBOL_WIDTH).chain(['…']).collect()
    } else {
        name.to_string()
    };
    format!("`{}`", short.replace('`', "'").replace('|', "\\|"))
}

/// The profile subsection of section 3.
pub(super) fn write(s: &mut String, cx: &Ctx, profile: &Profile) -> Result<()> {
    writeln!(s, "### Profile\n")?;
    let (samples, symbols, objects, data) = match profile {
        Profile::Recorded {
            samples,
            symbols,
            objects,
            data,
        } => (samples, symbols, objects, data),
        Profile::Missing(why) => {
            writeln!(s, "No profile: {why}.\n")?;
            return Ok(());
        }
    };
    let kernel: f64 = symbols
        .iter()
        .filter(|r| r.name.starts_with("[k]"))
        .map(|r| r.percent)
        .sum();
    writeln!(
        s,
        "What this run's profile shows: `perf record -F {FREQUENCY}` on \
         `generated-example --store memory` during one extra {} s small-GET run (not in the \
         medians above){}, kept in `{}`. {:.1}% of the samples fell in the kernel (`[k]`), \
         {:.1}% in user space (`[.]`). By shared object: {}. The {TOP} symbols with the \
         largest self share:\n",
        cx.opts.duration,
        samples.map_or(String::new(), |n| format!(", {n} samples")),
        data.display()
            .to_string()
            .replace(&format!("{}/", cx.root.display()), ""),
        kernel,
        100.0 - kernel,
        objects
            .iter()
            .take(TOP_OBJECTS)
            .map(|o| format!("`{}` {:.1}%", o.name, o.percent))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(s, "| Self share | Symbol |")?;
    writeln!(s, "|---|---|")?;
    for row in symbols.iter().take(TOP) {
        writeln!(s, "| {:.2}% | {} |", row.percent, cell(&row.name))?;
    }
    writeln!(
        s,
        "\nThe whole lists are in `target/bench/logs/perf-report-symbol.txt` and \
         `perf-report-dso.txt`.\n"
    )?;
    Ok(())
}

/// The profile's commands as the report lists them.
pub(super) fn commands(cx: &Ctx, rig: &Rig) -> Vec<String> {
    let data = data_file(cx);
    vec![
        "# the profile: one more in-memory small-GET run of generated-example, recorded with"
            .to_string(),
        record_cmd(&data, "PID", rig.duration).display(&cx.root),
        report_cmd(&data, "symbol").display(&cx.root),
        report_cmd(&data, "dso").display(&cx.root),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SYMBOLS: &str = "# To display the perf.data header info, please use --header/--header-only options.
#
#
# Total Lost Samples: 0
#
# Samples: 626  of event 'cpu-clock:ppp'
# Event count (approx.): 626626626
#
# Overhead  Symbol                                              IPC   [IPC Coverage]
# ........  ..................................................  ....................
#
    31.15%  [k] do_syscall_64                                   -      -            
    15.97%  [.] __GI___libc_write                               -      -            
     2.24%  [.] 0x0000000000002aa2                              -      -            
     1.10%  [.] <hyper::proto::h1::role::Server as hyper::Http1Transaction>::parse  -      -            


#
# (Tip: Show current config key-value pairs: perf config --list)
#
";

    #[test]
    fn reads_perf_report() {
        let (samples, rows) = parse_report(SYMBOLS);
        assert_eq!(samples, Some(626));
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[0],
            Share {
                percent: 31.15,
                name: "[k] do_syscall_64".into()
            }
        );
        assert_eq!(rows[2].name, "[.] 0x0000000000002aa2");
        // A name wider than the rule keeps its spaces and loses perf's IPC columns.
        assert_eq!(
            rows[3].name,
            "[.] <hyper::proto::h1::role::Server as hyper::Http1Transaction>::parse"
        );
    }

    #[test]
    fn reads_perf_report_by_object() {
        let text = "# Samples: 12K of event 'cpu-clock:ppp'\n#\n# Overhead  Shared Object    \n# ........  .................\n#\n    73.16%  [kernel.kallsyms]\n    15.97%  libc.so.6        \n    10.86%  generated-example\n";
        let (samples, rows) = parse_report(text);
        assert_eq!(samples, Some(12000));
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["[kernel.kallsyms]", "libc.so.6", "generated-example"]
        );
    }

    #[test]
    fn reads_rows_without_rule() {
        let (_, rows) = parse_report("    5.00%  [.] tokio::runtime::park  -      -\n");
        assert_eq!(rows[0].name, "[.] tokio::runtime::park");
        assert_eq!(parse_report("no rows here\n").1, []);
    }

    #[test]
    fn writes_profile() {
        let cx = crate::bench::tests::ctx(&[]);
        let (samples, symbols) = parse_report(SYMBOLS);
        let profile = Profile::Recorded {
            samples,
            symbols,
            objects: vec![Share {
                percent: 60.0,
                name: "generated-example".into(),
            }],
            data: cx.dir.join("perf/x.data"),
        };
        let mut s = String::new();
        write(&mut s, &cx, &profile).unwrap();
        for wanted in [
            "626 samples, kept in `target/bench/perf/x.data`",
            "31.1% of the samples fell in the kernel",
            "By shared object: `generated-example` 60.0%.",
            "| 31.15% | `[k] do_syscall_64` |",
        ] {
            assert!(s.contains(wanted), "{wanted:?} not in:\n{s}");
        }
        let mut s = String::new();
        write(&mut s, &cx, &Profile::Missing("perf failed: no".into())).unwrap();
        assert!(s.contains("No profile: perf failed: no."));
    }

    #[test]
    fn symbol_cells() {
        assert_eq!(cell("a|b"), "`a\\|b`");
        let long = "x".repeat(200);
        assert_eq!(cell(&long).chars().count(), SYMBOL_WIDTH + 3);
    }
}
