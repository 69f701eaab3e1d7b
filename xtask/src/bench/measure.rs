//! Running and timing commands, and the figures made of the times: the pieces every
//! section of the bench shares.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{bail, Context, Result};

/// A command as run and as shown in the report.
#[derive(Clone)]
pub(super) struct Cmd {
    program: String,
    args: Vec<String>,
    env: Vec<(String, String)>,
    dir: Option<PathBuf>,
}

impl Cmd {
    /// A command running `program` with no arguments.
    pub(super) fn new(program: impl Into<String>) -> Self {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
            dir: None,
        }
    }
    /// Adds one argument.
    pub(super) fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self
    }
    /// Adds arguments.
    pub(super) fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(
        mut self,
        args: I,
    ) -> Self {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }
    /// Sets an environment variable.
    pub(super) fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.env
            .push((key.into(), value.as_ref().to_string_lossy().into_owned()));
        self
    }
    /// Runs the command in `dir`.
    pub(super) fn dir(mut self, dir: &Path) -> Self {
        self.dir = Some(dir.to_path_buf());
        self
    }
    /// The shell line, with paths under `root` shown relative to it.
    pub(super) fn display(&self, root: &Path) -> String {
        let root = format!("{}/", root.display());
        let mut words: Vec<String> = self.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        words.push(self.program.clone());
        words.extend(self.args.iter().cloned());
        let line = words
            .iter()
            .map(|w| w.replace(&root, ""))
            .collect::<Vec<_>>()
            .join(" ");
        match &self.dir {
            Some(dir) if format!("{}/", dir.display()) != root => {
                format!(
                    "(cd {} && {line})",
                    dir.display().to_string().replace(&root, "")
                )
            }
            _ => line,
        }
    }
    /// The command to run, under `/usr/bin/time` writing peak memory to `wrap_time`
    /// when given.
    pub(super) fn command(&self, wrap_time: Option<&Path>) -> Command {
        let mut command = match wrap_time {
            Some(out) => {
                let mut c = Command::new("/usr/bin/time");
                c.arg("-f").arg("%M").arg("-o").arg(out).arg(&self.program);
                c
            }
            None => Command::new(&self.program),
        };
        command.args(&self.args);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        command
    }
}

/// One timed run of a command.
pub(super) struct Timed {
    pub(super) wall: Duration,
    /// Peak resident memory in KiB, when `/usr/bin/time` is available.
    pub(super) max_rss_kib: Option<u64>,
    /// Whether the command succeeded.
    pub(super) ok: bool,
}

/// Whether GNU time is there to measure peak memory.
fn time_available() -> bool {
    Path::new("/usr/bin/time").is_file()
}

/// Runs `cmd` with output to `log`, measuring wall time and (when possible) peak RSS.
pub(super) fn timed(cmd: &Cmd, log: &Path) -> Result<Timed> {
    let rss_file = log.with_extension("rss");
    let wrap = time_available().then_some(rss_file.as_path());
    let out = std::fs::File::create(log)?;
    let started = Instant::now();
    let status = cmd
        .command(wrap)
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out)
        .status()
        .with_context(|| format!("cannot run {}", cmd.program))?;
    let wall = started.elapsed();
    let max_rss_kib = wrap.and_then(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        // With a failing command, GNU time writes "Command exited with non-zero status".
        text.lines().last()?.trim().parse().ok()
    });
    Ok(Timed {
        wall,
        max_rss_kib,
        ok: status.success(),
    })
}

/// Why [`timed_limited`] stopped a command before it finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stopped {
    /// It ran past its time budget.
    Timeout,
    /// `MemAvailable` fell below the floor while it ran.
    LowMemory,
}

/// One run of [`timed_limited`]: the timing, and why it was stopped when it was.
pub(super) struct Limited {
    pub(super) timed: Timed,
    pub(super) stopped: Option<Stopped>,
}

/// Whether `program --version` runs and succeeds: whether a tool a section needs is
/// installed.
pub(super) fn tool_works(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `MemAvailable` from `/proc/meminfo`, in KiB.
pub(super) fn mem_available_kib() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The pids of `pid`'s descendants, from the parent pids in `/proc/*/stat`.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.push((child, ppid));
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

/// Like [`timed`], but the command and everything it started are killed when it runs
/// longer than `limit` or when `MemAvailable` falls below `floor_kib` while it runs: on
/// a machine shared with others, a build that would bring on the OOM killer is stopped
/// before the OOM killer can take someone else's process.
pub(super) fn timed_limited(
    cmd: &Cmd,
    log: &Path,
    limit: Duration,
    floor_kib: u64,
) -> Result<Limited> {
    let rss_file = log.with_extension("rss");
    let wrap = time_available().then_some(rss_file.as_path());
    let out = std::fs::File::create(log)?;
    let started = Instant::now();
    let mut command = cmd.command(wrap);
    command
        .stdin(Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(out);
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot run {}", cmd.program))?;
    // A watcher thread checks the budget and memory every 100 ms while this thread waits,
    // so the wall time is not rounded to the watcher's period.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let done = done.clone();
        let pid = child.id();
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let stop = if started.elapsed() > limit {
                    Some(Stopped::Timeout)
                } else if mem_available_kib().is_some_and(|kib| kib < floor_kib) {
                    Some(Stopped::LowMemory)
                } else {
                    None
                };
                if stop.is_some() {
                    // The whole tree (`time`, cargo, rustc, ...), twice in case cargo
                    // started a process between the listing and the kill.
                    for _ in 0..2 {
                        if done.load(Ordering::Relaxed) {
                            break;
                        }
                        let mut pids: Vec<String> =
                            descendants(pid).iter().map(u32::to_string).collect();
                        pids.push(pid.to_string());
                        let _ = Command::new("kill")
                            .arg("-KILL")
                            .args(&pids)
                            .stderr(Stdio::null())
                            .status();
                        std::thread::sleep(Duration::from_millis(100));
                    }
                    return stop;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            None
        })
    };
    let status = child.wait()?;
    // Before the watcher is joined: it may sleep up to 100 ms more before it sees `done`.
    let wall = started.elapsed();
    done.store(true, Ordering::Relaxed);
    let stopped = watcher.join().unwrap_or(None);
    let max_rss_kib = wrap.and_then(|path| {
        let text = std::fs::read_to_string(path).ok()?;
        text.lines().last()?.trim().parse().ok()
    });
    Ok(Limited {
        timed: Timed {
            wall,
            max_rss_kib,
            ok: status.success() && stopped.is_none(),
        },
        stopped,
    })
}

/// Runs `cmd` with its output in `log`, failing with the log's tail when it fails.
pub(super) fn run_quiet(cmd: &Cmd, log: &Path) -> Result<()> {
    let t = timed(cmd, log)?;
    if !t.ok {
        bail!(
            "{} failed; see {}\n{}",
            cmd.program,
            log.display(),
            tail(log, 15)
        );
    }
    Ok(())
}

/// The last `lines` lines of a log.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The median of the finite values; NaN when there are none.
pub(super) fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// A duration in seconds, as the figures are kept.
pub(super) fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Seconds as the report shows them: milliseconds below one second, `n/a` for NaN.
pub(super) fn fmt_secs(s: f64) -> String {
    if !s.is_finite() {
        "n/a".into()
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1000.0)
    } else {
        format!("{s:.2} s")
    }
}

/// KiB as the report shows memory: MiB with one decimal, `n/a` for NaN.
pub(super) fn fmt_mib(kib: f64) -> String {
    if kib.is_finite() {
        format!("{:.1} MiB", kib / 1024.0)
    } else {
        "n/a".into()
    }
}

/// `a / b` as the report shows a ratio (`1.25x`); `n/a` when either is missing.
pub(super) fn ratio(a: f64, b: f64) -> String {
    if a.is_finite() && b.is_finite() && b > 0.0 {
        format!("{:.2}x", a / b)
    } else {
        "n/a".into()
    }
}

/// Sets a file's modification time to now, so cargo rebuilds its crate.
pub(super) fn touch(path: &Path) -> Result<()> {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .with_context(|| format!("touching {}", path.display()))
}

/// The first line a command prints (stdout, else stderr, as `java -version` writes
/// there), or `not found` when it cannot run.
pub(super) fn first_line_of(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_else(|| "not found".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
