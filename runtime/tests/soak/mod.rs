//! What `cargo xtask soak` asks of a test: a larger scale than CI's, and the figures the
//! run measured, appended as JSON lines to the file it names.

use std::io::Write;

/// `default`, or the scale `cargo xtask soak` sets in the environment variable `name`.
pub fn scale(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Appends `figures` for `section` to the file `SPECFIRST_SOAK_FIGURES` names, if any.
pub fn record(section: &str, figures: serde_json::Value) {
    let Some(path) = std::env::var_os("SPECFIRST_SOAK_FIGURES") else {
        return;
    };
    let line = serde_json::json!({ "section": section, "figures": figures });
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .expect("the soak's figures file opens");
    writeln!(file, "{line}").expect("the soak's figures are written");
}

/// This process's resident memory in KiB (Linux), for the figures.
#[allow(dead_code)] // Not every test that records figures reads memory.
pub fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}
