//! Section 3, serving: `wrk` load against `generated-example`,
//! `bench/handwritten-axum` and `bench/dropshot-server`, each answering from SQLite and
//! from the in-memory store (`--store`), started fresh per store and round and checked
//! to answer the benchmarked requests alike before it is loaded. Beside them, the cost
//! of each runtime feature ([`features`]) and a profile of specfirst ([`profile`]); the
//! report's text and tables are in [`serve_report`], the memory figures of section 4,
//! taken during the same rounds, in [`memory`].

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::load::{self, wrk_cmd, ClockTicks, Measured, Placement, Sample};
use super::measure::{run_quiet, Cmd};
use super::{features, instructions, memory, profile, serve_report, Ctx};

/// The bearer token every server is started with and every request sends.
pub(super) const TOKEN: &str = "t";
/// The books each server starts with.
pub(super) const DEMO_ITEMS: &str = "1000";
/// The book the POST scenario creates, valid for every server.
pub(super) const POST_BODY: &str = r#"{"title":"Dune","author":"Frank Herbert","genre":"fiction","tags":["classic","sf"],"published_year":1965}"#;
/// `RUST_LOG` of every server unless a per-feature run says otherwise: no line per
/// request from any of them.
pub(super) const RUST_LOG: &str = "warn";

/// Where a server keeps its books, chosen with its `--store` flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Store {
    /// The example's SQLite store (in-memory SQLite), the same source file in all three.
    Sqlite,
    /// The same in-memory store in all three, no SQLite: what is left is the framework.
    Memory,
}

/// The stores, in the report's order.
pub(super) const STORES: [Store; 2] = [Store::Sqlite, Store::Memory];

impl Store {
    /// The value of `--store`.
    pub(super) fn flag(self) -> &'static str {
        match self {
            Store::Sqlite => "sqlite",
            Store::Memory => "memory",
        }
    }
    /// Its name in the report.
    pub(super) fn label(self) -> &'static str {
        match self {
            Store::Sqlite => "SQLite",
            Store::Memory => "in-memory",
        }
    }
}

/// One benchmarked request.
pub(super) struct Scenario {
    /// Its name in logs and aims.
    pub(super) key: &'static str,
    /// Its name in the report's tables.
    pub(super) label: &'static str,
    /// Path and query; `{id}` is replaced with an existing book's id.
    pub(super) path: &'static str,
    /// The wrk script under `target/bench/wrk` that makes the request, when not a GET.
    pub(super) script: Option<&'static str>,
}

/// The requests, in the order they run against each started server and in the report's
/// order. The POST adds a book per request, so it runs last: the lists measured before
/// it see the same 1001 books (the demo books and the sanity check's) on every server.
pub(super) const SCENARIOS: [Scenario; 4] = [
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
        key: "large-list",
        label: "large list `GET /books?limit=500`",
        path: "/books?limit=500",
        script: None,
    },
    Scenario {
        key: "post",
        label: "validated JSON POST `POST /books`",
        path: "/books",
        script: Some("post.lua"),
    },
];
/// The index of the small GET in [`SCENARIOS`].
pub(super) const GET: usize = 0;
/// The index of the POST in [`SCENARIOS`].
pub(super) const POST: usize = 3;
/// The page size of the large list, which the sanity check counts.
const LARGE_PAGE: usize = 500;

/// One server binary under test.
pub(super) struct Server {
    /// Its name in logs and errors.
    pub(super) name: &'static str,
    exe: PathBuf,
    /// Flags only this server takes.
    flags: &'static [&'static str],
}

impl Server {
    /// The binary.
    pub(super) fn exe(&self) -> &std::path::Path {
        &self.exe
    }

    /// Flags only this server takes.
    pub(super) fn flags(&self) -> &'static [&'static str] {
        self.flags
    }
}

/// The servers, in the report's order; specfirst's must stay first (the ratios divide
/// its figures by the others').
fn servers(cx: &Ctx) -> [Server; 3] {
    [
        Server {
            name: "specfirst",
            exe: cx.release.join("generated-example"),
            // JSON lines like the others' logs (Dropshot's are Bunyan JSON).
            flags: &["--log-format", "json"],
        },
        Server {
            name: "handwritten",
            exe: cx.dir.join("release/handwritten-axum"),
            flags: &[],
        },
        Server {
            name: "dropshot",
            exe: cx.dir.join("release/dropshot-server"),
            flags: &[],
        },
    ]
}

/// What every load run of the section shares.
pub(super) struct Rig {
    pub(super) placement: Placement,
    pub(super) ticks: ClockTicks,
    /// Seconds of each measured wrk run.
    pub(super) duration: u64,
    /// Seconds of the unrecorded GET run after each start.
    pub(super) warm_up: u64,
}

impl Rig {
    fn new(cx: &Ctx) -> Self {
        Rig {
            placement: Placement::detect(),
            ticks: ClockTicks::detect(),
            duration: cx.opts.duration,
            warm_up: if cx.opts.quick { 1 } else { 2 },
        }
    }
}

/// How one server is started.
pub(super) struct Launch<'a> {
    pub(super) server: &'a Server,
    pub(super) store: Store,
    /// Flags added for a per-feature run.
    pub(super) flags: &'a [&'a str],
    pub(super) rust_log: &'a str,
}

/// The command starting `launch` listening on `addr`.
fn server_cmd(rig: &Rig, launch: &Launch, addr: &str) -> Cmd {
    rig.placement
        .server(&launch.server.exe)
        .args([
            "--bind",
            addr,
            "--demo-items",
            DEMO_ITEMS,
            "--api-token",
            TOKEN,
        ])
        .args(["--store", launch.store.flag()])
        .args(launch.server.flags)
        .args(launch.flags)
        .env("RUST_LOG", launch.rust_log)
}

/// A started server that answered the sanity requests, killed when dropped so no round
/// leaves one behind.
pub(super) struct Running {
    child: Child,
    port: u16,
    /// An existing book's id, for the GET.
    pub(super) id: String,
}

impl Running {
    /// The server's pid (not `taskset`'s: it execs the server).
    pub(super) fn pid(&self) -> u32 {
        self.child.id()
    }
    /// `127.0.0.1:PORT`.
    pub(super) fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free at the moment of asking, for the next server to bind.
pub(super) fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts `launch` on a free port, its output in `serve-TAG.log`, waits until it listens
/// and checks that it answers the benchmarked requests as the others do.
pub(super) fn start(cx: &Ctx, rig: &Rig, launch: &Launch, tag: &str) -> Result<Running> {
    let port = free_port()?;
    let log_path = cx.logs.join(format!("serve-{tag}.log"));
    let log = std::fs::File::create(&log_path)?;
    let cmd = server_cmd(rig, launch, &format!("127.0.0.1:{port}"));
    let child = cmd
        .command(None)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", launch.server.exe.display()))?;
    let mut running = Running {
        child,
        port,
        id: String::new(),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        // A server that exits at once (an unknown flag, a taken port) fails here rather
        // than after 30 s.
        if let Some(status) = running.child.try_wait()? {
            bail!(
                "{} exited with {status} before listening; see {}",
                launch.server.name,
                log_path.display()
            );
        }
        if Instant::now() > deadline {
            bail!(
                "{} did not listen on {port} within 30 s",
                launch.server.name
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    running.id = sanity(port, launch.server.name)?;
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

/// How many books a JSON list body holds.
fn count_books(body: &str) -> usize {
    body.matches("\"id\":\"").count()
}

/// Checks that the server on `port` answers every benchmarked request with the same
/// status as the others, and its large list with a full page; returns a book's id.
pub(super) fn sanity(port: u16, name: &str) -> Result<String> {
    let (status, body) = http(port, "GET", "/books?limit=1", None)?;
    let id = body
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string)
        .with_context(|| format!("{name}: no book id in {status} {body}"))?;
    // Before the POSTs, so the lists are measured on the books they see here.
    let (status, body) = http(port, "GET", &format!("/books?limit={LARGE_PAGE}"), None)?;
    if status != 200 || count_books(&body) != LARGE_PAGE {
        bail!(
            "{name}: GET /books?limit={LARGE_PAGE} gave {status} with {} books, expected 200 with {LARGE_PAGE}",
            count_books(&body)
        );
    }
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
            bail!("{name}: {method} {path} gave {status}, expected {want}: {text}");
        }
    }
    Ok(id)
}

/// An unrecorded GET run, so the first measured run does not pay for cold caches,
/// lazily made connections and allocator growth.
pub(super) fn warm_up(
    cx: &Ctx,
    rig: &Rig,
    running: &Running,
    tag: &str,
    headers: &[&str],
) -> Result<()> {
    let cmd = wrk_cmd(
        cx,
        rig.placement,
        &running.addr(),
        &SCENARIOS[GET],
        &running.id,
        rig.warm_up,
        headers,
    );
    load::load(
        running.pid(),
        &cmd,
        &cx.logs.join(format!("wrk-{tag}-warmup.log")),
        &rig.ticks,
    )?;
    Ok(())
}

/// One measured wrk run of scenario `index` against `running`, logged to
/// `wrk-TAG-KEY.log` and reported on stderr as it ends.
pub(super) fn measure(
    cx: &Ctx,
    rig: &Rig,
    running: &Running,
    index: usize,
    tag: &str,
    headers: &[&str],
) -> Result<Measured> {
    let scenario = &SCENARIOS[index];
    let cmd = wrk_cmd(
        cx,
        rig.placement,
        &running.addr(),
        scenario,
        &running.id,
        rig.duration,
        headers,
    );
    let log = cx.logs.join(format!("wrk-{tag}-{}.log", scenario.key));
    let measured = load::load(running.pid(), &cmd, &log, &rig.ticks)?;
    let (s, wrk) = (&measured.sample, &measured.wrk);
    let mut trouble = String::new();
    if wrk.non_2xx > 0 {
        write!(trouble, " ({} non-2xx!)", wrk.non_2xx)?;
    }
    if !wrk.socket_errors.is_empty() {
        write!(trouble, " (socket errors: {})", wrk.socket_errors)?;
    }
    eprintln!(
        "bench:   {tag} {}: {:.0} req/s p50 {:.3} ms p99 {:.3} ms, {:.2} µs CPU/request{trouble}",
        scenario.key, s.rps, s.p50_ms, s.p99_ms, s.cpu_us
    );
    Ok(measured)
}

/// What one server start measured.
pub(super) struct Session {
    /// Per scenario asked for, in that order.
    pub(super) samples: Vec<Sample>,
    pub(super) non_2xx: Vec<u64>,
    /// VmRSS in KiB once the server has answered the sanity requests.
    pub(super) idle_rss_kib: u64,
    /// The peak VmRSS in KiB over the measured runs.
    pub(super) peak_rss_kib: u64,
}

/// Starts `launch`, warms it up and measures `scenarios` (indices into [`SCENARIOS`],
/// in order) with wrk sending `headers`; the logs are named by `tag`.
pub(super) fn session(
    cx: &Ctx,
    rig: &Rig,
    launch: &Launch,
    scenarios: &[usize],
    tag: &str,
    headers: &[&str],
) -> Result<Session> {
    let running = start(cx, rig, launch, tag)?;
    std::thread::sleep(Duration::from_millis(500));
    let idle_rss_kib = memory::vm_rss_kib(running.pid()).unwrap_or(0);
    warm_up(cx, rig, &running, tag, headers)?;
    let mut session = Session {
        samples: Vec::new(),
        non_2xx: Vec::new(),
        idle_rss_kib,
        peak_rss_kib: 0,
    };
    for &index in scenarios {
        let measured = measure(cx, rig, &running, index, tag, headers)?;
        session.samples.push(measured.sample);
        session.non_2xx.push(measured.wrk.non_2xx);
        session.peak_rss_kib = session.peak_rss_kib.max(measured.peak_rss_kib);
    }
    Ok(session)
}

/// One server's figures on one store over the rounds.
#[derive(Default)]
pub(super) struct ServerStats {
    /// Per scenario, one sample per round in round order, so that index `r` of two
    /// servers' samples is the same round (for the per-round ratios).
    pub(super) samples: [Vec<Sample>; SCENARIOS.len()],
    pub(super) non_2xx: [u64; SCENARIOS.len()],
    /// VmRSS in KiB once a round's server has started and answered the sanity requests.
    pub(super) idle_rss: Vec<f64>,
    /// The peak VmRSS in KiB over a round's load runs.
    pub(super) load_rss: Vec<f64>,
}

impl ServerStats {
    /// Adds one round's session, which measured every scenario in order.
    fn add(&mut self, session: Session) {
        for (i, sample) in session.samples.into_iter().enumerate() {
            self.samples[i].push(sample);
        }
        for (i, n) in session.non_2xx.into_iter().enumerate() {
            self.non_2xx[i] += n;
        }
        self.idle_rss.push(session.idle_rss_kib as f64);
        self.load_rss.push(session.peak_rss_kib as f64);
    }
}

/// The figures of the comparison, indexed `[store][server]` in the orders of [`STORES`]
/// and [`servers`].
pub(super) type Stats = [[ServerStats; 3]; STORES.len()];

/// The order of `n` things during `round`: rotated by one each round, so each runs first,
/// middle and last equally often and slow drift in background load is shared.
pub(super) fn round_order(round: usize, n: usize) -> Vec<usize> {
    (0..n).map(|i| (i + round) % n).collect()
}

/// The comparison: per round, both stores (their order alternating) and per store the
/// three servers (their order rotating), each started fresh and loaded with every
/// scenario.
fn compare(cx: &Ctx, rig: &Rig, servers: &[Server; 3]) -> Result<Stats> {
    let mut stats: Stats = Default::default();
    let all: Vec<usize> = (0..SCENARIOS.len()).collect();
    for round in 0..cx.opts.runs {
        for st in round_order(round, STORES.len()) {
            for index in round_order(round, servers.len()) {
                let launch = Launch {
                    server: &servers[index],
                    store: STORES[st],
                    flags: &[],
                    rust_log: RUST_LOG,
                };
                let tag = format!(
                    "{}-{}-{}",
                    servers[index].name,
                    STORES[st].flag(),
                    round + 1
                );
                stats[st][index].add(session(cx, rig, &launch, &all, &tag, &[])?);
            }
        }
    }
    Ok(stats)
}

/// Builds the comparison servers. Both have their own workspace and lock file, so
/// `cargo test --workspace` never builds them; they share target/bench so reruns are
/// incremental.
fn build_peers(cx: &mut Ctx) -> Result<()> {
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
    Ok(())
}

/// Writes `target/bench/wrk/post.lua`, the POST scenario's script.
fn write_post_script(cx: &Ctx) -> Result<()> {
    let wrk_dir = cx.dir.join("wrk");
    std::fs::create_dir_all(&wrk_dir)?;
    std::fs::write(
        wrk_dir.join("post.lua"),
        format!(
            "wrk.method = \"POST\"\nwrk.body = '{POST_BODY}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.headers[\"Authorization\"] = \"Bearer {TOKEN}\"\n"
        ),
    )?;
    Ok(())
}

/// The commands of the section as a reader would type them, with `PORT`, `{id}` and
/// `STORE` standing for what changes from run to run.
fn commands(cx: &Ctx, rig: &Rig, servers: &[Server; 3]) -> Vec<String> {
    let mut lines = Vec::new();
    for server in servers {
        let launch = Launch {
            server,
            store: Store::Sqlite,
            flags: &[],
            rust_log: RUST_LOG,
        };
        lines.push(
            server_cmd(rig, &launch, "127.0.0.1:PORT")
                .display(&cx.root)
                .replace("--store sqlite", "--store STORE"),
        );
    }
    lines.push(
        "# STORE is sqlite and memory; every server is started fresh per store and round, \
         then loaded with a warm-up GET run and:"
            .to_string(),
    );
    for scenario in &SCENARIOS {
        let cmd = wrk_cmd(
            cx,
            rig.placement,
            "127.0.0.1:PORT",
            scenario,
            "{id}",
            rig.duration,
            &[],
        );
        lines.push(cmd.display(&cx.root));
    }
    lines.extend(features::commands());
    lines.extend(profile::commands(cx, rig));
    lines
}

/// Sections 3 and 4: builds the comparison servers, runs the rounds, the per-feature
/// runs and the profile, and writes the serving and memory sections and the serving
/// aims.
pub(super) fn serving(cx: &mut Ctx) -> Result<()> {
    build_peers(cx)?;
    write_post_script(cx)?;
    let rig = Rig::new(cx);
    let servers = servers(cx);
    let stats = compare(cx, &rig, &servers)?;
    let features = features::measure(cx, &rig, &servers[0])?;
    let profile = profile::profile(cx, &rig, &servers[0]);
    let instructions = instructions::count(cx, &servers);
    let text = serve_report::write(cx, &rig, &stats, &features, &profile, &instructions)?;
    cx.out.push_str(&text);
    let mut shown = commands(cx, &rig, &servers);
    shown.extend(instructions::commands(&servers));
    cx.commands.extend(shown);
    serve_report::aims(cx, &stats, &features);
    Ok(())
}

/// The Dropshot version in `bench/dropshot-server/Cargo.lock`, for the report.
pub(super) fn dropshot_version(root: &std::path::Path) -> String {
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
    fn rotates_servers() {
        assert_eq!(round_order(0, 3), [0, 1, 2]);
        assert_eq!(round_order(1, 3), [1, 2, 0]);
        assert_eq!(round_order(2, 3), [2, 0, 1]);
        assert_eq!(round_order(3, 3), [0, 1, 2]);
        // Two stores alternate.
        assert_eq!(round_order(1, 2), [1, 0]);
    }

    #[test]
    fn post_runs_last() {
        // The POST grows the lists; nothing measured after it in a server start.
        assert_eq!(SCENARIOS[POST].key, "post");
        assert_eq!(POST, SCENARIOS.len() - 1);
        assert_eq!(SCENARIOS[GET].key, "get");
    }

    #[test]
    fn lists_commands() {
        let cx = crate::bench::tests::ctx(&[]);
        let rig = Rig {
            placement: Placement::Pinned,
            ticks: ClockTicks {
                per_sec: 100.0,
                assumed: false,
            },
            duration: 10,
            warm_up: 2,
        };
        let lines = commands(&cx, &rig, &servers(&cx));
        assert_eq!(
            lines[0],
            "RUST_LOG=warn taskset -c 0 target/release/generated-example --bind 127.0.0.1:PORT \
             --demo-items 1000 --api-token t --store STORE --log-format json"
        );
        assert!(lines.contains(
            &"taskset -c 1 wrk -t 1 -c 32 -d 10s --latency http://127.0.0.1:PORT/books?limit=500"
                .to_string()
        ));
        assert!(lines.iter().any(|l| l.starts_with("perf record -F 999")));
    }

    #[test]
    fn counts_books() {
        assert_eq!(
            count_books(r#"{"items":[{"id":"a","title":"x"},{"id":"b"}],"next_page":null}"#),
            2
        );
        assert_eq!(count_books("{}"), 0);
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
