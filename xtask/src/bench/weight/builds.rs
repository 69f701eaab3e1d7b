//! Builds of a generated crate: `cargo check` or a release build, the peak memory of
//! its rustc, and estimates from earlier peaks to skip a build the machine cannot hold.

use std::path::Path;

use anyhow::Result;

/// `cargo check` or `cargo build --release` of the crate, or the debug build of a server
/// binary serving it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Check,
    Release,
    /// `cargo build` of the server crate beside the generated one (see
    /// `weight::write_server`): the crate with the router instantiated for an
    /// implementation, as the edit-compile loop of a server builds it.
    Server,
}

impl Mode {
    pub(super) fn key(self) -> &'static str {
        match self {
            Mode::Check => "check",
            Mode::Release => "release",
            Mode::Server => "server",
        }
    }
    pub(super) fn args(self) -> &'static [&'static str] {
        match self {
            Mode::Check => &["check", "--quiet"],
            Mode::Release => &["build", "--release", "--quiet"],
            Mode::Server => &["build", "--quiet"],
        }
    }
}

/// A peak rustc memory measured for a crate in an earlier run, kept in
/// `target/bench/weight/peaks.tsv` across runs to judge whether a build fits.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Peak {
    pub(super) key: String,
    pub(super) mode: String,
    /// The size of its `generated.rs`.
    pub(super) bytes: f64,
    pub(super) kib: f64,
}

/// Reads `peaks.tsv`: `key mode bytes kib` per line.
pub(super) fn read_peaks(path: &Path) -> Vec<Peak> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Some(Peak {
                key: f.first()?.to_string(),
                mode: f.get(1)?.to_string(),
                bytes: f.get(2)?.parse().ok()?,
                kib: f.get(3)?.parse().ok()?,
            })
        })
        .collect()
}

/// Replaces the peak of `peak.key` and `peak.mode` and writes the file again.
pub(super) fn record_peak(path: &Path, peaks: &mut Vec<Peak>, peak: Peak) -> Result<()> {
    peaks.retain(|p| !(p.key == peak.key && p.mode == peak.mode));
    peaks.push(peak);
    let text: String = peaks
        .iter()
        .map(|p| format!("{}\t{}\t{}\t{}\n", p.key, p.mode, p.bytes, p.kib))
        .collect();
    std::fs::write(path, text)?;
    Ok(())
}

/// What the rustc of a `mode` build of crate `key` with a `bytes`-long `generated.rs` is
/// expected to take, in KiB, and what the guess rests on: the crate's own peak in an
/// earlier run, scaled to its size now; else a straight line through the smallest and
/// largest other crates measured (through the origin when there is only one, which
/// overestimates, as small crates carry a fixed cost); for a release build with no
/// release figures, the `cargo check` estimate. For a release build, the crate's own
/// `cargo check` peak is a floor: a release build's rustc has taken more than the same
/// crate's check every time (bookshelf, nexus, Stripe and GitHub alike), and so is it
/// for a server's debug build, which compiles the crate with its mock and client too.
/// `None` when nothing was measured yet.
pub(super) fn estimate(peaks: &[Peak], key: &str, mode: Mode, bytes: f64) -> Option<(f64, String)> {
    let guess = estimate_from(peaks, key, mode, bytes);
    if mode != Mode::Check {
        let own_check = peaks
            .iter()
            .find(|p| p.key == key && p.mode == Mode::Check.key() && p.bytes > 0.0);
        if let Some(own) = own_check {
            let floor = own.kib * bytes / own.bytes;
            let below = match &guess {
                Some((kib, _)) => *kib < floor,
                None => true,
            };
            if below {
                return Some((floor, "its own `cargo check` peak".into()));
            }
        }
    }
    guess
}

/// [`estimate`] from the figures of `mode` builds alone.
fn estimate_from(peaks: &[Peak], key: &str, mode: Mode, bytes: f64) -> Option<(f64, String)> {
    let same_mode = |m: &'static str| peaks.iter().filter(move |p| p.mode == m && p.bytes > 0.0);
    if let Some(own) = same_mode(mode.key()).find(|p| p.key == key) {
        return Some((
            own.kib * bytes / own.bytes,
            "its own peak in an earlier run".into(),
        ));
    }
    let mut refs: Vec<&Peak> = same_mode(mode.key()).collect();
    if refs.is_empty() {
        return match mode {
            Mode::Release | Mode::Server => estimate_from(peaks, key, Mode::Check, bytes)
                .map(|(kib, basis)| (kib, format!("the `cargo check` estimate ({basis})"))),
            Mode::Check => None,
        };
    }
    refs.sort_by(|a, b| a.bytes.total_cmp(&b.bytes));
    let (small, large) = (refs[0], refs[refs.len() - 1]);
    let slope = (large.kib - small.kib) / (large.bytes - small.bytes);
    let kib = if large.bytes > small.bytes && slope > 0.0 {
        large.kib + slope * (bytes - large.bytes)
    } else {
        large.kib * bytes / large.bytes
    };
    Some((kib, format!("extrapolated from {}", large.key)))
}

/// The runs of one build of one crate.
pub(super) struct Build {
    /// Wall time of each run, in seconds.
    pub(super) wall: Vec<f64>,
    /// Peak RSS of the crate's rustc in each run, in KiB.
    pub(super) rustc_kib: Vec<f64>,
    /// Why there are no figures, or fewer than planned.
    pub(super) note: String,
    /// Whether the build ran and succeeded at least once.
    pub(super) ok: bool,
    /// Runs planned after the first: `--runs`, fewer for slow builds.
    pub(super) planned: usize,
}

/// The largest peak written by [`RUSTC_WRAPPER`] in `dir` for the crate `name`.
pub(super) fn rustc_peak(dir: &Path, name: &str) -> Option<f64> {
    let mut peak: Option<f64> = None;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        // A failed rustc has "Command exited with non-zero status N" first.
        let Some(line) = text.lines().last() else {
            continue;
        };
        let f: Vec<&str> = line.split_whitespace().collect();
        // The crate's own rustc, or one of its model crates' (`NAME_models_N`).
        let ours = f.first().is_some_and(|crate_name| {
            *crate_name == name
                || crate_name
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix("_models_"))
                    .is_some_and(|k| k.parse::<usize>().is_ok())
        });
        if ours {
            if let Some(kib) = f.get(1).and_then(|k| k.parse::<f64>().ok()) {
                peak = Some(peak.map_or(kib, |p: f64| p.max(kib)));
            }
        }
    }
    peak
}

/// GiB above one, MiB below: how the section shows memory.
pub(super) fn fmt_mem(kib: f64) -> String {
    if !kib.is_finite() {
        "n/a".into()
    } else if kib >= 1024.0 * 1024.0 {
        format!("{:.1} GiB", kib / 1024.0 / 1024.0)
    } else {
        format!("{:.0} MiB", kib / 1024.0)
    }
}

/// Bytes as MB or KB (decimal, as file sizes are usually given).
pub(super) fn fmt_bytes(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.1} MB", bytes / 1e6)
    } else if bytes >= 1e3 {
        format!("{:.1} KB", bytes / 1e3)
    } else {
        format!("{bytes:.0} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_memory_from_earlier_peaks() {
        let peak = |key: &str, mode: &str, bytes: f64, kib: f64| Peak {
            key: key.into(),
            mode: mode.into(),
            bytes,
            kib,
        };
        assert!(estimate(&[], "github", Mode::Check, 1e6).is_none());
        let peaks = [
            peak("bookshelf", "check", 1e5, 200.0),
            peak("nexus", "check", 1e6, 1100.0),
        ];
        // A line through both: 200 KiB at 100 KB, 1100 KiB at 1 MB.
        let (kib, basis) = estimate(&peaks, "github", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2100.0);
        assert!(basis.contains("nexus"));
        // Its own earlier peak, scaled to its size now, comes first.
        let (kib, _) = estimate(&peaks, "nexus", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2200.0);
        // No release figures: the check estimate.
        let (kib, basis) = estimate(&peaks, "github", Mode::Release, 2e6).unwrap();
        assert_eq!(kib, 2100.0);
        assert!(basis.contains("cargo check"));
        // One crate measured: through the origin.
        let (kib, _) = estimate(&peaks[1..], "github", Mode::Check, 2e6).unwrap();
        assert_eq!(kib, 2200.0);
        // A release build needs at least what the same crate's check took.
        let peaks = [
            peak("bookshelf", "release", 1e5, 300.0),
            peak("nexus", "release", 1e6, 1200.0),
            peak("github", "check", 2e6, 5000.0),
        ];
        let (kib, basis) = estimate(&peaks, "github", Mode::Release, 2e6).unwrap();
        assert_eq!(kib, 5000.0);
        assert!(basis.contains("cargo check"));
        let (kib, _) = estimate(&peaks, "stripe", Mode::Release, 2e6).unwrap();
        assert_eq!(kib, 2200.0);
        // A server build with no server figures: the check estimate, and at least the
        // crate's own check.
        let (kib, basis) = estimate(&peaks, "github", Mode::Server, 2e6).unwrap();
        assert_eq!(kib, 5000.0);
        assert!(basis.contains("cargo check"));
        let peaks = [peak("nexus", "server", 1e6, 900.0)];
        let (kib, basis) = estimate(&peaks, "nexus", Mode::Server, 1e6).unwrap();
        assert_eq!(kib, 900.0);
        assert!(basis.contains("its own peak"));
    }

    #[test]
    fn reads_the_wrappers_files() {
        let dir = std::env::temp_dir().join(format!("weight-rustc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("1"), "my_api 1000 2.5\n").unwrap();
        std::fs::write(
            dir.join("2"),
            "Command exited with non-zero status 1\nmy_api 3000 1.0\n",
        )
        .unwrap();
        std::fs::write(dir.join("3"), "serde 9000 1.0\n").unwrap();
        assert_eq!(rustc_peak(&dir, "my_api"), Some(3000.0));
        assert_eq!(rustc_peak(&dir, "other"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
