//! A test that runs itself again as a child process (so the child's stderr, signals
//! and global subscriber are its own), and reads the child's stderr line by line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The running test binary again, running only `test` with `marker` set in its
/// environment (so it knows it is the child), and its stderr as lines.
#[allow(dead_code)] // Not every test that runs a child starts it this way.
pub fn spawn(test: &str, marker: &str) -> (Child, Receiver<String>) {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", test, "--nocapture"])
        .env(marker, "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts");
    let seen = lines(&mut child);
    (child, seen)
}

/// The lines `child` writes to its piped stderr, as they come.
pub fn lines(child: &mut Child) -> Receiver<String> {
    let stderr = child.stderr.take().expect("piped");
    let (lines, seen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Read to the end, wanted or not: a full pipe would stop the child.
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    seen
}

/// Reads lines from `seen` into `log` until one contains `needle`; kills `child` and
/// fails after 30 s without it.
pub fn wait_for(child: &mut Child, seen: &Receiver<String>, log: &mut Vec<String>, needle: &str) {
    wait_for_lines(child, seen, log, needle, 1);
}

/// Reads lines from `seen` into `log` until `count` of them contain `needle`; kills
/// `child` and fails after 30 s without them.
#[allow(dead_code)] // Not every test that runs a child counts lines.
pub fn wait_for_lines(
    child: &mut Child,
    seen: &Receiver<String>,
    log: &mut Vec<String>,
    needle: &str,
    count: usize,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while log.iter().filter(|line| line.contains(needle)).count() < count {
        let left = deadline.saturating_duration_since(Instant::now());
        match seen.recv_timeout(left) {
            Ok(line) => log.push(line),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("no {needle:?} within 30 s: {log:#?}");
            }
        }
    }
}

/// Waits for the child's `listening on http://ADDRESS` line and returns the address.
#[allow(dead_code)] // Not every test that runs a child serves.
pub fn address(child: &mut Child, seen: &Receiver<String>, log: &mut Vec<String>) -> String {
    wait_for(child, seen, log, "listening on http://");
    log.iter()
        .find_map(|line| line.split("listening on http://").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the address")
        .to_string()
}
