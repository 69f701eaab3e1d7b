//! Project automation, run as `cargo xtask <command>`.
//!
//! - `codegen`: regenerate the committed crates (the example's generated API).
//! - `check`: fail with a diff when a committed generated crate is stale.
//! - `corpus`: generate and compile public OpenAPI corpora; write CORPUS.md.
//! - `bench`: measure generation, compile cost and serving; write BENCHMARKS.md.
//! - `mutate`: generate randomly mutated specs; write their report.
//! - `soak`: fuzz, load, shutdown, crash and mutant checks at scale; write RELIABILITY.md.

mod bench;
mod codegen;
mod corpus;
mod mutate;
mod soak;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(codegen::Mode::Write),
        Some("check") => codegen::run(codegen::Mode::Check),
        Some("corpus") => corpus::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("mutate") => mutate::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        // Internal: one mutant, in a process of its own.
        Some("mutate-one") => mutate::one(),
        // Internal: the generator worker that `corpus` starts.
        Some("corpus-worker") => corpus::worker(),
        _ => bail!("usage: cargo xtask <codegen|check|corpus|bench|mutate|soak>\n  codegen  rewrite generated-example/api and tests/split-* from specs/\n  check    fail when generated-example/api is stale\n  corpus   generate and compile public OpenAPI corpora, write CORPUS.md (see `cargo xtask corpus --help`)\n  bench    measure generation, compile cost and serving, write BENCHMARKS.md (see `cargo xtask bench --help`)\n  mutate   generate randomly mutated specs (see `cargo xtask mutate --help`)\n  soak     fuzz, hold idle connections, stop under load, crash mid-write, mutate specs; write RELIABILITY.md (see `cargo xtask soak --help`)"),
    }
}
