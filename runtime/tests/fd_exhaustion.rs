//! Out of file descriptors, `serve` backs off instead of spinning, and answers again once
//! connections close. The test runs itself again as a child process allowed few open
//! files (`ulimit -n`), fills them with idle connections, and reads the child's CPU time
//! from /proc while accepting keeps failing.

mod child;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use specfirst_runtime::{serve, ServerConfig};

/// Set in the child's environment: serve instead of testing.
const CHILD: &str = "SPECFIRST_FD_EXHAUSTION_CHILD";

/// Open files the child may hold: the runtime's own and a few dozen connections.
const OPEN_FILES: usize = 64;

/// The child's CPU time (user and system) in clock ticks, from /proc.
fn cpu_ticks(child: &Child) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", child.id())).expect("/proc");
    // The command name may hold spaces; the fields after it are counted from its `)`.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("a stat line")
        .1
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after `)`.
    fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
}

fn get(address: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"GET /hello HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

#[test]
fn out_of_file_descriptors_it_backs_off_and_recovers() {
    if std::env::var_os(CHILD).is_some() {
        let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
        let config = ServerConfig {
            bind_address: ([127, 0, 0, 1], 0).into(),
            ..ServerConfig::default()
        };
        use specfirst_runtime::__private::axum::{routing::get, Router};
        let router = Router::new().route("/hello", get(|| async { "hello" }));
        runtime
            .block_on(serve(config, router))
            .expect("serves until terminated");
        return;
    }
    let test = "out_of_file_descriptors_it_backs_off_and_recovers";
    let binary = std::env::current_exe().expect("the test binary");
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -n {OPEN_FILES} && exec \"$0\" --exact {test} --nocapture"
        ))
        .arg(&binary)
        .env(CHILD, "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let seen = child::lines(&mut child);
    let mut log: Vec<String> = Vec::new();
    let address = child::address(&mut child, &seen, &mut log);
    assert!(get(&address).expect("a request").ends_with("hello"));

    // More connections than the child has files: the last ones wait in the backlog
    // while each accept fails.
    let idle: Vec<TcpStream> = (0..OPEN_FILES * 2)
        .map(|_| TcpStream::connect(&address).expect("the backlog takes it"))
        .collect();
    child::wait_for(&mut child, &seen, &mut log, "accept failed");
    let (ticks, started) = (cpu_ticks(&child), Instant::now());
    std::thread::sleep(Duration::from_secs(2));
    let used = (cpu_ticks(&child) - ticks) as f64 / 100.0;
    let wall = started.elapsed().as_secs_f64();
    // Spinning on accept would take a whole core; backing off takes next to nothing.
    assert!(used < wall * 0.2, "{used:.2} s of CPU in {wall:.2} s");

    // Once connections close, it serves again.
    drop(idle);
    let deadline = Instant::now() + Duration::from_secs(20);
    let answer = loop {
        match get(&address) {
            Ok(answer) if answer.ends_with("hello") => break answer,
            _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            other => panic!("no answer after the connections closed: {other:?}: {log:#?}"),
        }
    };
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let _ = child.kill();
    let _ = child.wait();
}
