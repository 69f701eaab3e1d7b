//! Project automation, run as `cargo xtask <command>`.
//!
//! - `codegen`: regenerate the committed crates (the example's generated API).
//! - `check`: fail with a diff when a committed generated crate is stale.

mod codegen;

use anyhow::{bail, Result};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(codegen::Mode::Write),
        Some("check") => codegen::run(codegen::Mode::Check),
        _ => bail!("usage: cargo xtask <codegen|check>\n  codegen  rewrite generated-example/api from specs/bookshelf.yaml\n  check    fail when generated-example/api is stale"),
    }
}
