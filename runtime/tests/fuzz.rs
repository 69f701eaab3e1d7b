//! The fuzz targets of `specfirst_runtime::fuzz` on stable, bounded: every input of the
//! corpus kept in `runtime/fuzz/corpus/<target>/`, then seeded mutations of them (bits
//! flipped, bytes inserted, ranges dropped or repeated, inputs spliced). A target panics
//! when a decoder breaks its promise (a value its rules refuse, a refusal that is not a
//! 4xx JSON answer, or a panic of its own); the input that did it is written to
//! `target/fuzz-failures/<target>` and named in the failure. `runtime/fuzz/` runs the
//! same targets unbounded under `cargo fuzz`.

use std::path::{Path, PathBuf};

use specfirst_runtime::fuzz::TARGETS;

mod soak;

/// Mutated inputs per target: about ten seconds for all of them in a debug build.
const MUTATIONS: usize = 20_000;

/// Bytes that mean something to one decoder or another.
const INTERESTING: &[u8] = b"{}[]\",:;=&|.%+-_~ \r\n\t\\/0123456789eE[]\xff\x00abcAZ";

/// xorshift64: the same inputs on every run, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, seed: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(6) {
            0 if !out.is_empty() => {
                let at = rng.below(out.len());
                out[at] ^= 1 << rng.below(8);
            }
            1 => out.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < out.len() => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            3 if at < out.len() => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                let piece = out[at..end].to_vec();
                let times = 1 + rng.below(8);
                for _ in 0..times {
                    out.splice(at..at, piece.iter().copied());
                }
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                out.splice(at..at, other[from..].iter().copied());
            }
            _ if !out.is_empty() => {
                let at = rng.below(out.len());
                out[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
            _ => out.push(INTERESTING[rng.below(INTERESTING.len())]),
        }
    }
    out
}

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus of {name} is missing ({}): {e}", dir.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .collect();
    files.sort();
    let inputs: Vec<Vec<u8>> = files
        .iter()
        .map(|file| std::fs::read(file).expect("a corpus file"))
        .collect();
    assert!(!inputs.is_empty(), "the corpus of {name} is empty");
    inputs
}

/// Runs `target` on `input`; a panic is reported with the input, kept on disk.
fn run(name: &str, target: fn(&[u8]), input: &[u8]) {
    let outcome = std::panic::catch_unwind(|| target(input));
    if outcome.is_err() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fuzz-failures");
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join(name);
        let _ = std::fs::write(&file, input);
        panic!(
            "fuzz target {name} failed on {:?} (kept in {})",
            String::from_utf8_lossy(input),
            file.display()
        );
    }
}

#[test]
fn every_decoder_keeps_its_promise_over_the_corpus_and_its_mutations() {
    // `cargo xtask soak` runs more.
    let mutations = soak::scale("SPECFIRST_SOAK_FUZZ", MUTATIONS);
    let started = std::time::Instant::now();
    let mut executions = serde_json::Map::new();
    for &(name, target) in TARGETS {
        let inputs = corpus(name);
        for input in &inputs {
            run(name, target, input);
        }
        executions.insert(name.into(), (inputs.len() + mutations).into());
        let mut rng = Rng(name.bytes().fold(0x9E37_79B9_7F4A_7C15, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
        }));
        for _ in 0..mutations {
            let seed = &inputs[rng.below(inputs.len())];
            let input = mutate(&mut rng, seed, &inputs);
            run(name, target, &input);
        }
    }
    // Reached only when no target failed.
    soak::record(
        "fuzz",
        serde_json::json!({
            "executions": executions,
            "failures": 0,
            "seconds": started.elapsed().as_secs_f64(),
        }),
    );
}

#[test]
fn every_target_has_a_fuzz_target_and_a_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    for &(name, _) in TARGETS {
        assert!(
            root.join("fuzz_targets")
                .join(format!("{name}.rs"))
                .is_file(),
            "runtime/fuzz/fuzz_targets/{name}.rs"
        );
        assert!(!corpus(name).is_empty());
    }
}
