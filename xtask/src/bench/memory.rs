//! Section 4, memory: each server's VmRSS idle and its peak under load on each store,
//! read from `/proc` during the serving rounds.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use super::measure::{fmt_mib, median};
use super::serve::{Stats, DEMO_ITEMS, STORES};

/// The resident memory of process `pid` in KiB, from `/proc/PID/status`.
pub(super) fn vm_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Runs `work` while sampling the VmRSS of process `pid` every 100 ms; returns what
/// `work` returned and the highest sample (0 when none could be read).
pub(super) fn peak_during<T>(pid: u32, work: impl FnOnce() -> T) -> (T, u64) {
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(vm_rss_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(100));
            }
            peak
        })
    };
    let result = work();
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.join().unwrap_or(0);
    (result, peak)
}

/// Section 4: the servers' memory on each store, idle and under load, medians over
/// `runs` rounds.
pub(super) fn write_memory(s: &mut String, stats: &Stats, runs: usize) -> Result<()> {
    writeln!(s, "## 4. Memory\n")?;
    writeln!(
        s,
        "VmRSS from `/proc/PID/status`, taken during the rounds of section 3 on both \
         stores: idle is read 0.5 s after the sanity requests, with {DEMO_ITEMS} books \
         loaded; under load is the highest of samples taken every 100 ms during that \
         server's load runs of a round. The POST run adds a book per request to the store, \
         so the under-load figure mostly measures the store's growth and rises with the \
         number of POSTs a server answered. Medians over {runs} rounds.\n"
    )?;
    write!(s, "| Server |")?;
    for store in STORES {
        write!(s, " idle, {0} | under load, {0} |", store.label())?;
    }
    writeln!(s, "\n|---|{}", "---|---|".repeat(STORES.len()))?;
    for (i, name) in [
        "specfirst (`generated-example`)",
        "hand-written axum",
        "Dropshot",
    ]
    .iter()
    .enumerate()
    {
        write!(s, "| {name} |")?;
        for by_store in stats {
            write!(
                s,
                " {} | {} |",
                fmt_mib(median(&by_store[i].idle_rss)),
                fmt_mib(median(&by_store[i].load_rss))
            )?;
        }
        writeln!(s)?;
    }
    Ok(())
}
