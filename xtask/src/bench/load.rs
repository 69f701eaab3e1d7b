//! One load run of section 3: the `wrk` command, what wrk printed, and the CPU time the
//! loaded server spent meanwhile, read from `/proc`; and where the server and wrk run
//! (each pinned to a core of its own when the machine allows it).

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use super::measure::{first_line_of, Cmd};
use super::memory;
use super::serve::Scenario;
use super::Ctx;

/// wrk's open connections, as in every earlier report: enough to keep a server on one
/// core busy (wrk pipelines nothing, so each connection has one request in flight).
pub(super) const WRK_CONNECTIONS: &str = "32";
/// The core the server is pinned to.
const SERVER_CORE: &str = "0";
/// The core wrk is pinned to.
const WRK_CORE: &str = "1";

/// Where the server and the load generator run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Placement {
    /// The server on core 0, wrk with one thread on core 1: neither takes the other's
    /// CPU, so a server's req/s is not decided by how the scheduler shares two cores.
    Pinned,
    /// Wherever the scheduler puts them, wrk with two threads: one core only, or no
    /// `taskset`.
    Unpinned,
}

impl Placement {
    /// [`Placement::Pinned`] when there are two cores or more and `taskset` can put a
    /// process on cores 0 and 1 (a container may be limited to other cores).
    pub(super) fn detect() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        let can_pin = |core: &str| {
            Command::new("taskset")
                .args(["-c", core, "true"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if cores >= 2 && can_pin(SERVER_CORE) && can_pin(WRK_CORE) {
            Placement::Pinned
        } else {
            Placement::Unpinned
        }
    }

    /// A command running `program` on `core` when pinned.
    fn on(self, core: &str, program: impl AsRef<OsStr>) -> Cmd {
        match self {
            Placement::Pinned => Cmd::new("taskset").args(["-c", core]).arg(program),
            Placement::Unpinned => Cmd::new(program.as_ref().to_string_lossy()),
        }
    }

    /// The command starting server `exe`, without its arguments. `taskset` execs the
    /// server, so the child's pid is the server's, as `/proc` is read by it.
    pub(super) fn server(self, exe: &Path) -> Cmd {
        self.on(SERVER_CORE, exe)
    }

    /// wrk's threads: one per core it may use.
    pub(super) fn wrk_threads(self) -> &'static str {
        match self {
            Placement::Pinned => "1",
            Placement::Unpinned => "2",
        }
    }

    /// How the report describes it.
    pub(super) fn describe(self) -> String {
        match self {
            Placement::Pinned => format!(
                "Each server runs pinned to core {SERVER_CORE} (`taskset -c {SERVER_CORE}`; its \
                 tokio runtime then starts one worker thread) and wrk to core {WRK_CORE} \
                 (`taskset -c {WRK_CORE} wrk -t1`), so the load generator does not take the \
                 server's CPU."
            ),
            Placement::Unpinned => "The servers and wrk run **unpinned** (this machine has \
                 fewer than two cores or no working `taskset`), so they share the cores as \
                 the scheduler decides and wrk runs two threads."
                .to_string(),
        }
    }
}

/// The kernel's clock ticks per second, the unit of CPU time in `/proc/PID/stat`.
pub(super) struct ClockTicks {
    pub(super) per_sec: f64,
    /// Whether `getconf CLK_TCK` gave nothing usable and 100 was assumed.
    pub(super) assumed: bool,
}

impl ClockTicks {
    /// From `getconf CLK_TCK`, else 100 (Linux's value on every common architecture).
    pub(super) fn detect() -> Self {
        match first_line_of("getconf", &["CLK_TCK"]).parse::<f64>() {
            Ok(n) if n > 0.0 => ClockTicks {
                per_sec: n,
                assumed: false,
            },
            _ => ClockTicks {
                per_sec: 100.0,
                assumed: true,
            },
        }
    }
}

/// The CPU time a process has used, user plus system (`utime` + `stime`, fields 14 and
/// 15, summed over its threads by the kernel), in clock ticks, from the text of
/// `/proc/PID/stat`.
fn stat_cpu_ticks(stat: &str) -> Option<u64> {
    // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so the fields
    // are counted from the last `)`; field 3 (state) is the first after it.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(14 - 3);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The CPU time process `pid` has used, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    stat_cpu_ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// Server CPU time per request in µs: the ticks used during a run over the requests
/// wrk completed; NaN when either reading or the count is missing.
fn cpu_per_request_us(before: Option<u64>, after: Option<u64>, requests: u64, per_sec: f64) -> f64 {
    match (before, after) {
        (Some(b), Some(a)) if a >= b && requests > 0 => {
            (a - b) as f64 / per_sec * 1e6 / requests as f64
        }
        _ => f64::NAN,
    }
}

/// What wrk printed for one run.
#[derive(Default)]
pub(super) struct WrkOutput {
    pub(super) rps: f64,
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
    /// Requests completed, from `N requests in 10.00s, ...`.
    pub(super) requests: u64,
    pub(super) non_2xx: u64,
    pub(super) socket_errors: String,
}

/// One of wrk's latencies (`412.00us`, `1.20ms`, `1.5s`) in milliseconds.
pub(super) fn parse_latency_ms(text: &str) -> f64 {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, f64::NAN)
    };
    number.trim().parse::<f64>().map_or(f64::NAN, |n| n * scale)
}

/// The count of wrk's summary line `N requests in 10.00s, 1.00MB read`.
fn parse_requests(line: &str) -> Option<u64> {
    let (count, _) = line.trim().split_once(" requests in ")?;
    count.trim().parse().ok()
}

/// The figures of wrk's `--latency` output; NaN (or 0 requests) for any it did not print.
pub(super) fn parse_wrk(output: &str) -> WrkOutput {
    let mut result = WrkOutput {
        rps: f64::NAN,
        p50_ms: f64::NAN,
        p99_ms: f64::NAN,
        ..Default::default()
    };
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            result.rps = rest.trim().parse().unwrap_or(f64::NAN);
        } else if let Some(rest) = line.strip_prefix("50%") {
            result.p50_ms = parse_latency_ms(rest);
        } else if let Some(rest) = line.strip_prefix("99%") {
            result.p99_ms = parse_latency_ms(rest);
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            result.non_2xx = rest.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            result.socket_errors = rest.trim().to_string();
        } else if let Some(n) = parse_requests(line) {
            result.requests = n;
        }
    }
    result
}

/// The wrk command for one scenario against the server at `addr` (`127.0.0.1:PORT`),
/// sending `headers` (`Name: value`) besides the scenario's own.
pub(super) fn wrk_cmd(
    cx: &Ctx,
    placement: Placement,
    addr: &str,
    scenario: &Scenario,
    id: &str,
    duration: u64,
    headers: &[&str],
) -> Cmd {
    let mut cmd = placement.on(WRK_CORE, "wrk").args([
        "-t",
        placement.wrk_threads(),
        "-c",
        WRK_CONNECTIONS,
        "-d",
        &format!("{duration}s"),
        "--latency",
    ]);
    for header in headers {
        cmd = cmd.args(["-H", header]);
    }
    if let Some(script) = scenario.script {
        cmd = cmd.arg("-s").arg(cx.dir.join("wrk").join(script));
    }
    cmd.arg(format!(
        "http://{addr}{}",
        scenario.path.replace("{id}", id)
    ))
}

/// The figures of one load run that the report keeps.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sample {
    pub(super) rps: f64,
    /// Latencies in milliseconds.
    pub(super) p50_ms: f64,
    pub(super) p99_ms: f64,
    /// The server's CPU time (user + system) per request, in µs.
    pub(super) cpu_us: f64,
}

/// What one load run measured.
pub(super) struct Measured {
    pub(super) sample: Sample,
    pub(super) wrk: WrkOutput,
    /// The server's peak VmRSS during the run, in KiB.
    pub(super) peak_rss_kib: u64,
}

/// Runs `cmd` (a wrk command) against the server with pid `pid`, wrk's output kept in
/// `log`; reads the server's CPU time just before and after, and samples its VmRSS.
pub(super) fn load(pid: u32, cmd: &Cmd, log: &Path, ticks: &ClockTicks) -> Result<Measured> {
    let before = cpu_ticks(pid);
    let (output, peak_rss_kib) =
        memory::peak_during(pid, || cmd.command(None).stdin(Stdio::null()).output());
    let after = cpu_ticks(pid);
    let output = output.context("cannot run wrk; install it with `apt-get install wrk`")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(log, &text)?;
    if !output.status.success() {
        bail!("wrk failed: {text}");
    }
    let wrk = parse_wrk(&text);
    let sample = Sample {
        rps: wrk.rps,
        p50_ms: wrk.p50_ms,
        p99_ms: wrk.p99_ms,
        cpu_us: cpu_per_request_us(before, after, wrk.requests, ticks.per_sec),
    };
    Ok(Measured {
        sample,
        wrk,
        peak_rss_kib,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let text = "Running 10s test @ http://127.0.0.1:1/books\n  2 threads and 32 connections\n  Latency Distribution\n     50%  412.00us\n     75%    1.20ms\n     90%    2.00ms\n     99%    3.50ms\n  100 requests in 10.00s, 1.00MB read\n  Non-2xx or 3xx responses: 7\nRequests/sec:  12345.67\nTransfer/sec:      1.00MB\n";
        let r = parse_wrk(text);
        assert_eq!(r.rps, 12345.67);
        assert!((r.p50_ms - 0.412).abs() < 1e-9);
        assert_eq!(r.p99_ms, 3.5);
        assert_eq!(r.non_2xx, 7);
        assert_eq!(r.requests, 100);
        assert_eq!(parse_latency_ms("1.5s"), 1500.0);
        assert!(parse_wrk("").rps.is_nan());
        assert_eq!(parse_wrk("").requests, 0);
    }

    #[test]
    fn reads_request_count() {
        assert_eq!(
            parse_requests("  345678 requests in 10.10s, 98.76MB read"),
            Some(345678)
        );
        assert_eq!(parse_requests("Requests/sec:  12345.67"), None);
        assert_eq!(parse_requests("many requests in 1s"), None);
    }

    #[test]
    fn reads_proc_stat() {
        // comm with a space and parentheses; utime 250, stime 50.
        let stat = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 99 1000 50";
        assert_eq!(stat_cpu_ticks(stat), Some(300));
        assert_eq!(stat_cpu_ticks("1234 (x) S 1 2"), None);
        assert_eq!(stat_cpu_ticks("no parenthesis"), None);
        // This very process: the kernel's own format parses.
        assert!(cpu_ticks(std::process::id()).is_some());
    }

    #[test]
    fn divides_cpu_by_requests() {
        // 150 ticks at 100 Hz = 1.5 s over 100 000 requests = 15 µs each.
        let us = cpu_per_request_us(Some(1000), Some(1150), 100_000, 100.0);
        assert!((us - 15.0).abs() < 1e-9);
        assert!(cpu_per_request_us(None, Some(1), 1, 100.0).is_nan());
        assert!(cpu_per_request_us(Some(1), Some(2), 0, 100.0).is_nan());
        assert!(cpu_per_request_us(Some(2), Some(1), 1, 100.0).is_nan());
    }
}
