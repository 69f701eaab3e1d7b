//! Section 3, instructions per request: each server run under valgrind's callgrind on
//! the in-memory store, driven by a fixed number of requests over one keep-alive
//! connection, twice, with `FEW` and `MANY` requests. The difference between the two
//! runs' instruction counts, over the difference in requests, is what one request costs
//! in user space, start-up and shutdown cancelled out. Unlike req/s on this shared
//! machine, the count does not depend on what else runs: it is the same from run to run
//! within a few instructions, so differences of a percent are real.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::measure;
use super::serve::{self, Server, Store, SCENARIOS};
use super::Ctx;

/// Requests of the shorter run, and of the longer one, per scenario; the large list
/// (500 books a page) takes fewer, as each costs as much as a hundred small ones.
fn counts(key: &str) -> (u64, u64) {
    match key {
        "large-list" => (10, 60),
        _ => (200, 1200),
    }
}

/// What the section measured.
pub(super) enum Instructions {
    /// Instructions per request, by server (the report's order) and scenario.
    Counted(Vec<[Option<f64>; SCENARIOS.len()]>),
    /// Why nothing was counted.
    Missing(String),
}

/// Counts each server's instructions per request for every scenario.
pub(super) fn count(cx: &Ctx, servers: &[Server; 3]) -> Instructions {
    if !measure::tool_works("valgrind") {
        return Instructions::Missing(
            "valgrind is not installed (`valgrind --version` failed)".into(),
        );
    }
    let dir = cx.dir.join("callgrind");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return Instructions::Missing(format!("cannot create {}: {e}", dir.display()));
    }
    let mut table = Vec::new();
    for server in servers {
        let mut row = [None; SCENARIOS.len()];
        for (i, scenario) in SCENARIOS.iter().enumerate() {
            let (few, many) = counts(scenario.key);
            eprintln!(
                "bench: counting instructions of {} for {}",
                server.name, scenario.key
            );
            let runs = [few, many].map(|n| run(cx, &dir, server, i, n));
            match runs {
                [Ok(a), Ok(b)] if b > a => row[i] = Some((b - a) as f64 / (many - few) as f64),
                [a, b] => {
                    let why = a.err().or(b.err()).map_or_else(
                        || "the longer run counted no more instructions".to_string(),
                        |e| format!("{e:#}"),
                    );
                    eprintln!(
                        "bench: no instruction count of {} for {}: {why}",
                        server.name, scenario.key
                    );
                }
            }
        }
        table.push(row);
    }
    Instructions::Counted(table)
}

/// The callgrind command starting `server` on the in-memory store at `addr`.
fn command(server: &Server, out: &Path, log: &Path, addr: &str) -> Command {
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(format!("--log-file={}", log.display()))
        .arg(server.exe())
        .args(["--bind", addr, "--demo-items", serve::DEMO_ITEMS])
        .args(["--api-token", serve::TOKEN, "--store", Store::Memory.flag()])
        .args(server.flags())
        .env("RUST_LOG", serve::RUST_LOG);
    command
}

/// Starts `server` under callgrind, answers its sanity requests, sends it `n` requests
/// of scenario `index`, stops it and returns the instructions it ran in all.
fn run(cx: &Ctx, dir: &Path, server: &Server, index: usize, n: u64) -> Result<u64> {
    let key = SCENARIOS[index].key;
    let out = dir.join(format!("{}-{key}-{n}.out", server.name));
    let log = cx
        .logs
        .join(format!("callgrind-{}-{key}-{n}.log", server.name));
    let _ = std::fs::remove_file(&out);
    let port = serve::free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let child = command(server, &out, &log, &addr)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("starting valgrind")?;
    let mut running = Stopped(Some(child));
    // Under valgrind a server starts tens of times slower.
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = running.child().try_wait()? {
            bail!(
                "{} exited with {status} under valgrind; see {}",
                server.name,
                log.display()
            );
        }
        if Instant::now() > deadline {
            bail!("{} did not listen under valgrind within 120 s", server.name);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let id = serve::sanity(port, server.name)?;
    drive(port, index, &id, n)?;
    running.stop()?;
    let text =
        std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
    total(&text).with_context(|| format!("no total in {}", out.display()))
}

/// A server under valgrind, stopped with SIGTERM (so callgrind writes its counts) when
/// [`Stopped::stop`] is called, and killed if it is dropped before.
struct Stopped(Option<Child>);

impl Stopped {
    fn child(&mut self) -> &mut Child {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("taken only by stop"))
    }

    /// Stops the server with SIGTERM and waits for it; on any failure, dropping `self`
    /// kills it instead.
    fn stop(mut self) -> Result<()> {
        let pid = self.child().id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status()?;
        if !status.success() {
            bail!("kill -TERM {pid} failed");
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if self.child().try_wait()?.is_some() {
                self.0 = None;
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the server did not stop within 60 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The `totals:` (or `summary:`) line of a callgrind output file: every instruction run.
pub(super) fn total(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Sends `n` requests of scenario `index` over one keep-alive connection, each answered
/// with a 2xx before the next is sent.
fn drive(port: u16, index: usize, id: &str, n: u64) -> Result<()> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let scenario = &SCENARIOS[index];
    let path = scenario.path.replace("{id}", id);
    let request = match scenario.script {
        None => format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
            serve::TOKEN
        ),
        Some(_) => format!(
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{}",
            serve::TOKEN,
            serve::POST_BODY.len(),
            serve::POST_BODY
        ),
    };
    for i in 0..n {
        writer.write_all(request.as_bytes())?;
        let status = read_response(&mut reader)?;
        if !(200..300).contains(&status) {
            bail!("request {} of {n} to {path} answered {status}", i + 1);
        }
    }
    Ok(())
}

/// Reads one response (its body by `Content-Length` or chunked) and returns its status.
fn read_response(reader: &mut impl BufRead) -> Result<u16> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no status line: {line:?}"))?;
    let mut length = None;
    let mut chunked = false;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            bail!("the connection closed inside a response head");
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            }
        }
    }
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .with_context(|| format!("bad chunk size {line:?}"))?;
            // The chunk and its CRLF; the last chunk's CRLF ends the body.
            skip(reader, size + 2)?;
            if size == 0 {
                return Ok(status);
            }
        }
    }
    skip(reader, length.unwrap_or(0))?;
    Ok(status)
}

fn skip(reader: &mut impl BufRead, n: usize) -> Result<()> {
    let copied = std::io::copy(&mut reader.take(n as u64), &mut std::io::sink())?;
    if copied != n as u64 {
        bail!("the connection closed inside a response body");
    }
    Ok(())
}

/// The section's text: the table and the ratios, or why there is none.
pub(super) fn write(s: &mut String, instructions: &Instructions) -> Result<()> {
    writeln!(s, "### Instructions per request\n")?;
    let table = match instructions {
        Instructions::Missing(why) => {
            writeln!(s, "Not counted: {why}.\n")?;
            return Ok(());
        }
        Instructions::Counted(table) => table,
    };
    writeln!(
        s,
        "Each server run under valgrind's callgrind (`valgrind --tool=callgrind`, one \
         process, not pinned) with `--store memory` and the flags above, answering the \
         sanity requests and then one request type over one keep-alive connection, \
         each request sent when the last is answered: once with {few} requests and \
         once with {many} ({lfew} and {lmany} for the large list). A request's cost is \
         the difference between the two runs' instruction counts over the difference in \
         requests, so start-up, the sanity requests and shutdown cancel out. The count \
         is of the server's user-space instructions only (the kernel's work of the \
         sockets is not in it) and does not move with the machine's load, so it shows \
         differences the req/s above cannot: lower is less work.\n",
        few = counts("get").0,
        many = counts("get").1,
        lfew = counts("large-list").0,
        lmany = counts("large-list").1,
    )?;
    writeln!(
        s,
        "| Request | specfirst | hand-written | Dropshot | hand-written / specfirst | Dropshot / specfirst |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|")?;
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        let cell = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.0}"));
        let ratio = |theirs: Option<f64>| match (theirs, table[0][i]) {
            (Some(theirs), Some(ours)) if ours > 0.0 => format!("{:.3}x", theirs / ours),
            _ => "n/a".to_string(),
        };
        writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            scenario.label,
            cell(table[0][i]),
            cell(table[1][i]),
            cell(table[2][i]),
            ratio(table[1][i]),
            ratio(table[2][i]),
        )?;
    }
    writeln!(
        s,
        "\nThe ratios are the other server's instructions over specfirst's: above 1 where \
         specfirst does less work per request. The callgrind files are in \
         `target/bench/callgrind`.\n"
    )?;
    Ok(())
}

/// The commands behind the section, as a reader would type them.
pub(super) fn commands(servers: &[Server; 3]) -> Vec<String> {
    let mut shown = vec!["# instructions per request: each server, on its own, for FEW and MANY requests of each type:".to_string()];
    for server in servers {
        let exe: PathBuf = server.exe().to_path_buf();
        shown.push(format!(
            "RUST_LOG={} valgrind --tool=callgrind --callgrind-out-file=target/bench/callgrind/{}-KEY-N.out {} --bind 127.0.0.1:PORT --demo-items {} --api-token {} --store memory{}",
            serve::RUST_LOG,
            server.name,
            exe.display(),
            serve::DEMO_ITEMS,
            serve::TOKEN,
            server
                .flags()
                .iter()
                .map(|f| format!(" {f}"))
                .collect::<String>()
        ));
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_read_from_callgrinds_file() {
        let text =
            "version: 1\ncmd: x\nevents: Ir\nsummary: 12345\n\nfn=main\n1 2\ntotals: 12345\n";
        assert_eq!(total(text), Some(12345));
        assert_eq!(total("events: Ir\n"), None);
    }

    #[test]
    fn responses_are_read_whole_by_length_and_by_chunks() {
        let wire = "HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n\
                    Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 404 Not Found\r\n\
                    Content-Length: 0\r\n\r\n";
        let mut reader = BufReader::new(wire.as_bytes());
        assert_eq!(read_response(&mut reader).unwrap(), 201);
        assert_eq!(read_response(&mut reader).unwrap(), 200);
        assert_eq!(read_response(&mut reader).unwrap(), 404);
        assert!(read_response(&mut reader).is_err());
    }
}
