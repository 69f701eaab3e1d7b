//! BENCHMARKS.md: the machine, the noise it was measured under, the sections in
//! the order they ran, the aims of issues 8, 20 and 22 and every command.

use std::fmt::Write as _;
use std::time::Duration;

use super::measure::first_line_of;
use super::Ctx;

/// The report's machine section: CPU, memory, OS and the tools measured.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    format!(
        "- CPU: {model}; `nproc` = {cores}\n- Memory: {mem}\n- OS: {}\n- Rust: {}\n- Java: {}\n- Load generator: {}\n",
        first_line_of("uname", &["-sr"]),
        first_line_of("rustc", &["-V"]),
        first_line_of("java", &["-version"]),
        first_line_of("wrk", &["-v"]),
    )
}

/// The whole report around the sections `cx.out` holds.
pub(super) fn report(
    cx: &Ctx,
    date: &str,
    load_before: &str,
    load_after: &str,
    took: Duration,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmarks\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench{}` on {date} in {:.0} minutes. Rerun it to refresh \
         this file; downloads, tools and builds are cached under `target/` (`target/bench`, \
         `target/bench-venv`, `target/corpus-cache`).\n",
        cx.opts
            .args
            .iter()
            .map(|a| format!(" {a}"))
            .collect::<String>(),
        took.as_secs_f64() / 60.0
    );
    if cx.opts.quick {
        let _ = writeln!(
            s,
            "**This is a `--quick` smoke run: one run per figure and short load runs. The \
             figures are not medians and are not fit to quote.**\n"
        );
    }
    let _ = writeln!(s, "## Machine\n");
    s.push_str(&machine());
    let _ = writeln!(
        s,
        "- Load average (1, 5, 15 min) at start: `{load_before}`; at end: `{load_after}`\n"
    );
    let _ = writeln!(
        s,
        "**Noise.** This is a shared 2-core machine: other work (corpus builds and test runs) \
         ran while these figures were taken. {} Differences of 10-20% between runs are \
         normal here; treat ratios near 1 as a tie, and compare only figures from the same \
         run. Section 3 says where its servers and load generator ran and states the spread \
         it measured between its rounds.\n",
        if cx.opts.runs > 1 {
            format!(
                "Every figure is a median of {} runs (fewer where a table says so) to damp that.",
                cx.opts.runs
            )
        } else {
            "A single run per figure does nothing to damp that.".to_string()
        }
    );
    s.push_str(&cx.out);
    for (title, aims) in [
        ("Aims from issue 8", &cx.aims),
        ("Aims from issue 20 (weight)", &cx.weight_aims),
        ("Aims from issue 22 (serving)", &cx.serving_aims),
    ] {
        if !aims.is_empty() {
            let _ = writeln!(s, "## {title}\n");
            for aim in aims {
                let _ = writeln!(s, "- {aim}");
            }
            s.push('\n');
        }
    }
    let _ = writeln!(s, "## Commands\n");
    let _ = writeln!(s, "Paths are relative to the workspace root; logs of every run are in `target/bench/logs/`.\n");
    let _ = writeln!(s, "```sh");
    for c in &cx.commands {
        let _ = writeln!(s, "{c}");
    }
    let _ = writeln!(s, "```");
    s
}
