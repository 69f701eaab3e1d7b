//! Section 3, serving: `wrk` load against `generated-example`,
//! `bench/handwritten-axum` and `bench/dropshot-server`, each started fresh per round
//! and checked to answer the benchmarked requests alike before it is loaded. The
//! memory figures of section 4 are taken during the same rounds ([`memory`]).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::measure::{median, ratio, run_quiet, Cmd};
use super::{memory, Ctx};

/// The bearer token every server is started with and every request sends.
const TOKEN: &str = "t";
/// The books each server starts with.
pub(super) const DEMO_ITEMS: &str = "1000";
/// wrk's threads and connections: the load generator shares the two cores with the
/// server it loads.
const WRK_THREADS: &str = "2";
const WRK_CONNECTIONS: &str = "32";
/// The book the POST scenario creates, valid for every server.
const POST_BODY: &str = r#"{"title":"Dune","author":"Frank Herbert","genre":"fiction","tags":["classic","sf"],"published_year":1965}"#;

/// One server binary under test.
struct Server {
    /// Its name in logs and errors.
    name: &'static str,
    exe: PathBuf,
}

/// A started server, killed when dropped so no round leaves one behind.
struct Running {
    child: Child,
    port: u16,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free at the moment of asking, for the next server to bind.
fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `server` on a free port with the demo data and waits until it listens.
fn start(cx: &Ctx, server: &Server, round: usize) -> Result<Running> {
    let port = free_port()?;
    let log = std::fs::File::create(cx.logs.join(format!("serve-{}-{round}.log", server.name)))?;
    let child = Command::new(&server.exe)
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--demo-items", DEMO_ITEMS, "--api-token", TOKEN])
        .args(if server.name == "specfirst" {
            &["--log-format", "json"][..]
        } else {
            &[][..]
        })
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", server.exe.display()))?;
    let running = Running { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("{} did not listen on {port} within 30 s", server.name);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(running)
}

/// One HTTP/1.1 request; returns the status code and body.
fn http(port: u16, method: &str, path: &str, body: Option<&str>) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\n"
    );
    if let Some(body) = body {
        write!(
            request,
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        )?;
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or(""));
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// One benchmarked request.
struct Scenario {
    /// Its name in logs and aims.
    key: &'static str,
    /// Its name in the report's tables.
    label: &'static str,
    /// Path and query; `{id}` is replaced with an existing book's id.
    path: &'static str,
    /// The wrk script under `target/bench/wrk` that makes the request, when not a GET.
    script: Option<&'static str>,
}

/// The requests, in the report's order.
const SCENARIOS: [Scenario; 3] = [
    Scenario {
        key: "get",
        label: "small GET `GET /books/{id}`",
        path: "/books/{id}",
        script: None,
    },
    Scenario {
        key: "list",
        label: "paginated list `GET /books?limit=20`",
        path: "/books?limit=20",
        script: None,
    },
    Scenario {
        key: "post",
        label: "validated JSON POST `POST /books`",
        path: "/books",
        script: Some("post.lua"),
    },
];

/// What one wrk run measured.
#[derive(Default)]
struct LoadResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    socket_errors: String,
}

/// One of wrk's latencies (`412.00us`, `1.20ms`, `1.5s`) in milliseconds.
fn parse_latency_ms(text: &str) -> f64 {
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

/// The figures of wrk's `--latency` output; NaN for any it did not print.
fn parse_wrk(output: &str) -> LoadResult {
    let mut result = LoadResult {
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
        }
    }
    result
}

/// The wrk command for one scenario against the server on `port`.
fn wrk_cmd(cx: &Ctx, port: u16, scenario: &Scenario, id: &str, duration: u64) -> Cmd {
    let mut cmd = Cmd::new("wrk").args([
        "-t",
        WRK_THREADS,
        "-c",
        WRK_CONNECTIONS,
        "-d",
        &format!("{duration}s"),
        "--latency",
    ]);
    if let Some(script) = scenario.script {
        cmd = cmd.arg("-s").arg(cx.dir.join("wrk").join(script));
    }
    cmd.arg(format!(
        "http://127.0.0.1:{port}{}",
        scenario.path.replace("{id}", id)
    ))
}

/// Runs one `wrk` command against a running server, its output kept in `log`; returns
/// what wrk measured and the server's peak VmRSS during the run.
fn load(running: &Running, cmd: &Cmd, log: &Path) -> Result<(LoadResult, u64)> {
    let (output, peak) = memory::peak_during(running.child.id(), || {
        cmd.command(None).stdin(Stdio::null()).output()
    });
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
    Ok((parse_wrk(&text), peak))
}

/// One server's figures over the rounds, per scenario where indexed by three.
#[derive(Default)]
pub(super) struct ServerStats {
    rps: [Vec<f64>; 3],
    /// Latencies in milliseconds.
    p50: [Vec<f64>; 3],
    p99: [Vec<f64>; 3],
    non_2xx: [u64; 3],
    /// VmRSS in KiB once a round's server has started and answered the sanity requests.
    pub(super) idle_rss: Vec<f64>,
    /// The peak VmRSS in KiB over a round's load runs.
    pub(super) load_rss: Vec<f64>,
}

/// The order servers run in during `round`: rotated by one each round, so each goes
/// first, middle and last equally often and slow drift in background load is shared.
fn round_order(round: usize, servers: usize) -> Vec<usize> {
    (0..servers).map(|i| (i + round) % servers).collect()
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

/// Sections 3 and 4: builds the comparison servers, runs the rounds and writes the
/// serving and memory sections and the serving aims.
pub(super) fn serving(cx: &mut Ctx) -> Result<()> {
    // Both comparison servers have their own workspace and lock file, so `cargo test
    // --workspace` never builds them; they share target/bench so reruns are incremental.
    for (crate_dir, key) in [
        ("bench/handwritten-axum", "handwritten"),
        ("bench/dropshot-server", "dropshot"),
    ] {
        eprintln!("bench: building {crate_dir} into target/bench");
        let manifest = cx.root.join(crate_dir).join("Cargo.toml");
        let build = Cmd::new("cargo")
            .args(["build", "--release", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", &cx.dir);
        run_quiet(&build, &cx.logs.join(format!("build-{key}.log")))?;
        cx.commands.push(build.display(&cx.root));
    }
    let wrk_dir = cx.dir.join("wrk");
    std::fs::create_dir_all(&wrk_dir)?;
    std::fs::write(
        wrk_dir.join("post.lua"),
        format!(
            "wrk.method = \"POST\"\nwrk.body = '{POST_BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {TOKEN}\"\n"
        ),
    )?;
    let servers = [
        Server {
            name: "specfirst",
            exe: cx.release.join("generated-example"),
        },
        Server {
            name: "handwritten",
            exe: cx.dir.join("release/handwritten-axum"),
        },
        Server {
            name: "dropshot",
            exe: cx.dir.join("release/dropshot-server"),
        },
    ];
    let runs = cx.opts.runs;
    let duration = cx.opts.duration;
    // In report order; specfirst's must stay first (the ratios divide by the others).
    let mut stats: [ServerStats; 3] = Default::default();
    let mut shown = Vec::new();
    for round in 0..runs {
        for index in round_order(round, servers.len()) {
            let server = &servers[index];
            let running = start(cx, server, round)?;
            let port = running.port;
            // Sanity: every server answers the benchmarked requests the same way.
            let (status, body) = http(port, "GET", "/books?limit=1", None)?;
            let id = body
                .split("\"id\":\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .map(str::to_string)
                .with_context(|| format!("{}: no book id in {status} {body}", server.name))?;
            for (method, path, body, want) in [
                ("GET", format!("/books/{id}"), None, 200),
                ("GET", "/books?limit=20".to_string(), None, 200),
                ("POST", "/books".to_string(), Some(POST_BODY), 201),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"","author":"x","genre":"fiction"}"#),
                    400,
                ),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"x","author":"x","genre":"cookery"}"#),
                    400,
                ),
                (
                    "POST",
                    "/books".to_string(),
                    Some(r#"{"title":"x","genre":"fiction"}"#),
                    400,
                ),
            ] {
                let (status, text) = http(port, method, &path, body)?;
                if status != want {
                    bail!(
                        "{}: {method} {path} gave {status}, expected {want}: {text}",
                        server.name
                    );
                }
            }
            std::thread::sleep(Duration::from_millis(500));
            let idle = memory::vm_rss_kib(running.child.id()).unwrap_or(0);
            stats[index].idle_rss.push(idle as f64);
            // Warm-up, not recorded.
            let warm = wrk_cmd(
                cx,
                port,
                &SCENARIOS[0],
                &id,
                if cx.opts.quick { 1 } else { 2 },
            );
            load(
                &running,
                &warm,
                &cx.logs
                    .join(format!("wrk-{}-warmup-{round}.log", server.name)),
            )?;
            let mut peak = 0u64;
            for (s, scenario) in SCENARIOS.iter().enumerate() {
                let cmd = wrk_cmd(cx, port, scenario, &id, duration);
                if round == 0 && index == 0 {
                    shown.push(
                        cmd.display(&cx.root)
                            .replace(&format!(":{port}/"), ":PORT/")
                            .replace(&id, "{id}"),
                    );
                }
                let log = cx
                    .logs
                    .join(format!("wrk-{}-{}-{round}.log", server.name, scenario.key));
                let (result, rss) = load(&running, &cmd, &log)?;
                eprintln!(
                    "bench:   round {} {} {}: {:.0} req/s p50 {:.3} ms p99 {:.3} ms{}",
                    round + 1,
                    server.name,
                    scenario.key,
                    result.rps,
                    result.p50_ms,
                    result.p99_ms,
                    if result.non_2xx > 0 {
                        format!(" ({} non-2xx!)", result.non_2xx)
                    } else {
                        String::new()
                    }
                );
                peak = peak.max(rss);
                let st = &mut stats[index];
                st.rps[s].push(result.rps);
                st.p50[s].push(result.p50_ms);
                st.p99[s].push(result.p99_ms);
                st.non_2xx[s] += result.non_2xx;
            }
            stats[index].load_rss.push(peak as f64);
            drop(running);
        }
    }
    let mut s = String::new();
    let rps = write_serving(&mut s, cx, &stats)?;
    memory::write_memory(&mut s, &stats, runs)?;
    s.push('\n');
    cx.out.push_str(&s);
    cx.commands.extend(shown);
    serving_aims(cx, &rps);
    Ok(())
}

/// Section 3: what the servers are, how they are loaded, and their req/s and latency.
/// Returns each server's median req/s per scenario, which the aims compare.
fn write_serving(s: &mut String, cx: &Ctx, stats: &[ServerStats; 3]) -> Result<Vec<[f64; 3]>> {
    let runs = cx.opts.runs;
    let duration = cx.opts.duration;
    writeln!(s, "## 3. Serving\n")?;
    writeln!(
        s,
        "Three servers answer the same three requests:\n\n\
         - `specfirst` is `target/release/generated-example`: the generated router and \
         `specfirst-runtime` in front of the example's SQLite store.\n\
         - `hand-written` is `bench/handwritten-axum`: plain axum 0.8 extractors and \
         handlers in front of the same store source file and model types, doing the same \
         validation (required fields, title length 1..=200, genre enum, uint32 `limit`), \
         bearer auth, `x-request-id` echo, error bodies and page tokens.\n\
         - `Dropshot` is `bench/dropshot-server`: the same store and model types behind \
         Dropshot {}'s `#[endpoint]` handlers, typed `Path`/`Query`/`TypedBody` \
         extractors, `HttpError` and `PaginationParams`/`ResultsPage`, with the title and \
         genre checks by hand in the handler as the hand-written server does. Off the \
         benchmarked requests it keeps Dropshot's own behaviour where that differs (its \
         extractors' error messages, its page tokens, a fresh `x-request-id` on every \
         response); the module doc of its `main.rs` lists the differences.\n\n\
         All three start with {DEMO_ITEMS} demo books in in-memory SQLite, \
         `RUST_LOG=warn`, JSON logs on stderr (Dropshot's Bunyan JSON), so none writes a \
         line per request. Each round starts each server fresh (the order rotating by one \
         each round), checks that it answers the benchmarked requests with the same \
         statuses (200, 200, 201, and 400 for an empty title, an unknown genre and a \
         missing field), warms up with a short GET run, then runs \
         `wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{duration}s --latency` per request; \
         medians over {runs} rounds. The POST creates a book per request, so the table \
         grows during that run (the same for every server).\n",
        dropshot_version(&cx.root)
    )?;
    writeln!(
        s,
        "What they do not share: `specfirst-runtime::serve` also runs, per request, a \
         concurrency limit (a semaphore, 1024), a request timeout (`tokio::time::timeout`, \
         30 s), an `info` span (method, path template, request id, operation id), a body \
         wrapper that tracks completion, the observer hook and graceful-shutdown \
         tracking, and per connection a header-read timeout and head size and count limits. \
         The hand-written server is `axum::serve` with none of these (the kind of server the \
         issue asks to compare with), so part of any gap is the price of those features \
         rather than of the generated code. Dropshot, with its defaults, builds a child \
         logger per request (filtered out at `warn`), runs each handler in its own tokio task \
         (`HandlerTaskMode::Detached`) and has no concurrency limit or request timeout.\n"
    )?;
    writeln!(
        s,
        "| Request | specfirst req/s | hand-written req/s | Dropshot req/s | specfirst / hand-written | specfirst / Dropshot |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|")?;
    let rps: Vec<[f64; 3]> = stats
        .iter()
        .map(|st| std::array::from_fn(|i| median(&st.rps[i])))
        .collect();
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        writeln!(
            s,
            "| {} | {:.0} | {:.0} | {:.0} | {} | {} |",
            scenario.label,
            rps[0][i],
            rps[1][i],
            rps[2][i],
            ratio(rps[0][i], rps[1][i]),
            ratio(rps[0][i], rps[2][i]),
        )?;
    }
    writeln!(s, "\nLatency (medians of each round's p50 and p99):\n")?;
    writeln!(
        s,
        "| Request | specfirst p50 | hand-written p50 | Dropshot p50 | specfirst p99 | hand-written p99 | Dropshot p99 |"
    )?;
    writeln!(s, "|---|---|---|---|---|---|---|")?;
    for (i, scenario) in SCENARIOS.iter().enumerate() {
        write!(s, "| {} ", scenario.label)?;
        let p50 = stats.iter().map(|st| median(&st.p50[i]));
        let p99 = stats.iter().map(|st| median(&st.p99[i]));
        for ms in p50.chain(p99) {
            write!(s, "| {ms:.3} ms ")?;
        }
        writeln!(s, "|")?;
    }
    let errors: u64 = stats.iter().flat_map(|st| st.non_2xx).sum();
    if errors > 0 {
        writeln!(s, "\n**{errors} non-2xx responses** were counted during the load runs; see target/bench/logs.")?;
    }
    writeln!(
        s,
        "\nPer-round figures are in `target/bench/logs/wrk-*.log`.\n"
    )?;
    Ok(rps)
}

/// The serving aims of issue 8: against hand-written axum and against Dropshot, each
/// judged on the request where specfirst fares worst.
fn serving_aims(cx: &mut Ctx, rps: &[[f64; 3]]) {
    if let Some((r, i)) = worst_ratio(&rps[0], &rps[1]) {
        cx.aims.push(format!(
            "Serving within 5% of hand-written axum: {} (worst request `{}`: specfirst at {:.0}% of the hand-written req/s).{}",
            if r >= 0.95 { "met" } else { "**not met**" },
            SCENARIOS[i].key,
            r * 100.0,
            if r >= 0.95 {
                ""
            } else {
                " What limits it: the per-request work the runtime does and the hand-written \
                 server does not (concurrency limit, request timeout, tracing span, body \
                 wrapper, observer; see section 3), which weighs most on the cheapest request."
            }
        ));
    }
    if let Some((r, i)) = worst_ratio(&rps[0], &rps[2]) {
        cx.aims.push(format!(
            "Ahead of Dropshot on the same routes: {} (worst request `{}`: specfirst at {:.0}% of Dropshot's req/s).{}",
            if r > 1.0 { "met" } else { "**not met**" },
            SCENARIOS[i].key,
            r * 100.0,
            if r > 1.0 {
                ""
            } else {
                " What limits it: the same per-request work; Dropshot by default runs without a \
                 concurrency limit or request timeout."
            }
        ));
    }
}

/// The Dropshot version in `bench/dropshot-server/Cargo.lock`, for the report.
fn dropshot_version(root: &Path) -> String {
    let lock =
        std::fs::read_to_string(root.join("bench/dropshot-server/Cargo.lock")).unwrap_or_default();
    locked_version(&lock, "dropshot").unwrap_or_else(|| "0.x".into())
}

/// The version of package `name` in the text of a Cargo.lock.
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            return lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')
                .map(str::to_string);
        }
    }
    None
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
        assert_eq!(parse_latency_ms("1.5s"), 1500.0);
    }

    #[test]
    fn rotates_servers() {
        assert_eq!(round_order(0, 3), [0, 1, 2]);
        assert_eq!(round_order(1, 3), [1, 2, 0]);
        assert_eq!(round_order(2, 3), [2, 0, 1]);
        assert_eq!(round_order(3, 3), [0, 1, 2]);
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
    fn reads_locked_version() {
        let lock = "version = 4\n\n[[package]]\nname = \"dropshot\"\nversion = \"0.18.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"dropshot_endpoint\"\nversion = \"0.18.1\"\n";
        assert_eq!(locked_version(lock, "dropshot").as_deref(), Some("0.18.0"));
        assert_eq!(
            locked_version(lock, "dropshot_endpoint").as_deref(),
            Some("0.18.1")
        );
        assert_eq!(locked_version(lock, "axum"), None);
    }
}
