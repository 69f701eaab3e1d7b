//! The `specfirst` command line: generate a crate from a spec, check that a
//! committed crate still matches its spec, or round-trip a spec through the model.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use specfirst::{CrateOptions, Generator, RuntimeDependency};

/// Generate typed axum servers from OpenAPI documents.
#[derive(Parser)]
#[command(name = "specfirst", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a whole crate (Cargo.toml and src/) generated from SPEC into DIR.
    Generate {
        /// The OpenAPI 3.0 document, JSON or YAML.
        spec: PathBuf,
        /// The crate directory to write; created if missing.
        #[arg(long, short)]
        out: PathBuf,
        #[command(flatten)]
        options: CrateArgs,
    },
    /// Exit 0 when DIR is what SPEC generates, else print a unified diff and exit 1.
    Check {
        /// The OpenAPI 3.0 document, JSON or YAML.
        spec: PathBuf,
        /// The generated crate directory to compare.
        dir: PathBuf,
        #[command(flatten)]
        options: CrateArgs,
    },
    /// Rebuild SPEC from the generator's model and compare: print each difference as
    /// `POINTER: input=<json> output=<json>` and exit 1 when there is any, 2 when SPEC
    /// cannot be read or lowered.
    Roundtrip {
        /// The OpenAPI 3.0 document, JSON or YAML.
        spec: PathBuf,
    },
}

#[derive(Args)]
struct CrateArgs {
    /// Package name of the generated crate [default: the spec's title in kebab case].
    #[arg(long)]
    crate_name: Option<String>,
    /// Depend on specfirst-runtime at this path (relative to the generated crate)
    /// instead of by version.
    #[arg(long, value_name = "DIR")]
    runtime_path: Option<String>,
}

impl From<CrateArgs> for CrateOptions {
    fn from(args: CrateArgs) -> Self {
        CrateOptions {
            name: args.crate_name,
            runtime: args
                .runtime_path
                .map_or_else(RuntimeDependency::default, RuntimeDependency::Path),
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Generate { spec, out, options } => {
            let result = Generator::from_path(&spec)
                .and_then(|generator| generator.write_crate(&out, &options.into()));
            match result {
                Ok(()) => {
                    eprintln!("wrote {}", out.display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { spec, dir, options } => {
            let drift = Generator::from_path(&spec)
                .and_then(|generator| generator.check_crate(&dir, &options.into()));
            match drift {
                Ok(drift) if drift.is_empty() => ExitCode::SUCCESS,
                Ok(drift) => {
                    for file in &drift {
                        print!("{}", file.diff);
                    }
                    eprintln!(
                        "{} is stale: {} file(s) differ from what {} generates; run `specfirst generate` again",
                        dir.display(),
                        drift.len(),
                        spec.display()
                    );
                    ExitCode::from(1)
                }
                Err(error) => {
                    eprintln!("{error}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Roundtrip { spec } => match Generator::from_path(&spec) {
            Ok(generator) => {
                let differences = generator.roundtrip();
                if differences.is_empty() {
                    return ExitCode::SUCCESS;
                }
                for difference in &differences {
                    println!("{difference}");
                }
                eprintln!(
                    "{}: {} difference(s) between the spec and the document rebuilt from the model",
                    spec.display(),
                    differences.len()
                );
                ExitCode::from(1)
            }
            Err(error) => {
                eprintln!("{error}");
                ExitCode::from(2)
            }
        },
    }
}
