//! Nothing acknowledged is lost: the example serving a database file is killed with
//! `SIGKILL` in the middle of a stream of creates, 20 times over; after each kill the
//! database passes `PRAGMA integrity_check`, holds every book the server answered 201
//! for, and no book without all its tags, and the restarted server serves them all.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

// Shared with the runtime's tests that `cargo xtask soak` runs.
#[path = "../../runtime/tests/soak/mod.rs"]
mod soak;

const TOKEN: &str = "crash-test-token";
const CYCLES: usize = 20;
const WRITERS: usize = 4;

/// The example serving `database`, and the address it listens on. The caller kills
/// and waits for it; a panic here (the test failing) leaves it to the test's end.
#[allow(clippy::zombie_processes)]
fn start(database: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_generated-example"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--api-token",
            TOKEN,
            "--log-format",
            "json",
        ])
        .arg("--database")
        .arg(database)
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example starts");
    let (lines, seen) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().expect("piped")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("piped")),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            // Read to the end, wanted or not: a full pipe would stop the server.
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = seen
            .recv_timeout(left)
            .expect("a `listening on` line within 30 s");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            let address: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ':')
                .collect();
            return (child, address);
        }
    }
}

/// What the database file holds: integrity, the ids of its books, and the books
/// whose tags are not all there.
fn inspect(database: &std::path::Path) -> (String, Vec<String>, i64) {
    let connection = rusqlite::Connection::open(database).expect("the database opens");
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check");
    let mut query = connection.prepare("SELECT id FROM books").expect("a query");
    let ids = query
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<Vec<String>, _>>()
        .expect("ids");
    // Every book is created with two tags.
    let torn: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM books WHERE (SELECT COUNT(*) FROM book_tags WHERE book_id = id) != 2",
            [],
            |row| row.get(0),
        )
        .expect("a count");
    (integrity, ids, torn)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_stream_it_keeps_every_acknowledged_book() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let database = dir.path().join("books.sqlite");
    let client = reqwest::Client::new();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let cycles = soak::scale("SPECFIRST_SOAK_CYCLES", CYCLES);
    let mut found_after_last = 0;
    for cycle in 0..cycles {
        let (mut child, address) = start(&database);
        // The restarted server serves what was acknowledged before the last kill.
        let before = acknowledged.lock().unwrap().clone();
        for id in before.iter().rev().take(5) {
            let response = client
                .get(format!("http://{address}/books/{id}"))
                .send()
                .await
                .expect("a read");
            assert_eq!(response.status(), StatusCode::OK, "cycle {cycle}: {id}");
        }
        // Writers create books until enough are acknowledged, then the server is
        // killed under them, with creates in flight.
        let target = before.len() + 5 + cycle % 7 * 3;
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let (client, address, acknowledged) =
                (client.clone(), address.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                for n in 0.. {
                    let book = json!({
                        "title": format!("Cycle {cycle} writer {writer} book {n}"),
                        "author": "Crash",
                        "genre": "fiction",
                        "tags": ["a", "b"],
                    });
                    let sent = client
                        .post(format!("http://{address}/books"))
                        .bearer_auth(TOKEN)
                        .json(&book)
                        .send()
                        .await;
                    let Ok(response) = sent else { break };
                    if response.status() != StatusCode::CREATED {
                        break;
                    }
                    let Ok(body) = response.json::<Value>().await else {
                        break;
                    };
                    let id = body["id"].as_str().expect("an id").to_string();
                    acknowledged.lock().unwrap().push(id);
                }
            }));
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while acknowledged.lock().unwrap().len() < target {
            assert!(Instant::now() < deadline, "cycle {cycle}: creates stalled");
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("the child ends");
        for writer in writers {
            writer.await.expect("a writer");
        }

        let (integrity, stored, torn) = inspect(&database);
        assert_eq!(integrity, "ok", "cycle {cycle}");
        assert_eq!(torn, 0, "cycle {cycle}: a book without all its tags");
        let acknowledged = acknowledged.lock().unwrap();
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| !stored.contains(id))
            .collect();
        assert!(lost.is_empty(), "cycle {cycle}: lost {lost:?}");
        found_after_last = acknowledged.iter().filter(|id| stored.contains(id)).count();
    }
    let total = acknowledged.lock().unwrap().len();
    assert!(total >= cycles * 5, "{total} books acknowledged");
    soak::record(
        "crash",
        serde_json::json!({
            "cycles": cycles,
            "acknowledged": total,
            "found": found_after_last,
            "lost": total - found_after_last,
            "integrity_checks_ok": cycles,
        }),
    );
}
