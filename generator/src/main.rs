//! The `specfirst` command line: generate a crate from a spec, check that committed
//! crates still match their specs, classify the changes between two specs, or
//! round-trip a spec through the generator's model; or serve a spec's mock.

mod mock_command;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use specfirst::check::{self, CheckConfig, CrateEntry, CrateReport, Status};
use specfirst::diff::{self, Change, Side};
use specfirst::{
    CrateOptions, Generator, MethodBodies, NullableFields, RuntimeDependency, Selection, Settings,
    Split,
};

/// Generating a big API allocates and frees millions of small values (tokens, syntax
/// trees, strings); mimalloc does that in a third less time than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generate typed axum servers from OpenAPI documents.
#[derive(Parser)]
#[command(name = "specfirst", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How problems in specs are printed on stderr: for people, like rustc (the file,
    /// pointer, line and column, and the line underlined), or as one JSON object per
    /// line, for tools.
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    /// Like rustc's messages.
    Human,
    /// One JSON object per problem and line: level, file, pointer, message, line,
    /// column and rendered.
    Json,
}

impl MessageFormat {
    /// Prints `warnings` on stderr in this format.
    fn print_warnings(self, warnings: &specfirst::Diagnostics) {
        if warnings.items.is_empty() {
            return;
        }
        match self {
            MessageFormat::Human => eprintln!("{}", warnings.report()),
            MessageFormat::Json => {
                for object in warnings.report_json() {
                    eprintln!("{object}");
                }
            }
        }
    }

    /// Prints `error` on stderr in this format.
    fn print(self, error: &specfirst::Error) {
        match self {
            MessageFormat::Human => eprintln!("{}", error.report()),
            MessageFormat::Json => {
                for object in error.json() {
                    eprintln!("{object}");
                }
            }
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Write a whole crate (Cargo.toml and src/) generated from SPEC into DIR. With
    /// --config, write every crate listed.
    Generate {
        /// The spec: an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document, JSON or YAML.
        #[arg(required_unless_present = "config")]
        spec: Option<PathBuf>,
        /// The crate directory to write; created if missing.
        #[arg(long, short, required_unless_present = "config")]
        out: Option<PathBuf>,
        /// A `specfirst.toml` of `[[crate]]` entries, as `check --config` reads.
        #[arg(long, value_name = "FILE", conflicts_with = "spec")]
        config: Option<PathBuf>,
        #[command(flatten)]
        options: CrateArgs,
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Exit 0 when DIR is what SPEC generates, 1 (with a unified diff) when it is
    /// stale, 2 when the spec is unreadable. Given only DIR, check it with the spec and
    /// settings its Cargo.toml records. With --config, check every crate listed. With
    /// --lint, also list the operations the runtime may answer with a status they do
    /// not declare, and exit 1 when there are any.
    Check {
        /// The spec: an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document, JSON or YAML; or,
        /// alone, the crate directory.
        #[arg(required_unless_present = "config")]
        spec: Option<PathBuf>,
        /// The generated crate directory to compare.
        dir: Option<PathBuf>,
        /// A TOML file of `[[crate]]` entries (spec, dir, name, runtime_path, runtime_version, tags,
        /// operations, split, split_size, default_not_implemented, trait_name, nullable), paths relative to it; the exit code is the worst of all crates.
        #[arg(long, value_name = "FILE", conflicts_with = "spec")]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Also list each operation the runtime may reject with a status (400, 401,
        /// 403, 413, 415) that its responses do not declare, nor its class or
        /// `default`; exit 1 when there is one.
        #[arg(long)]
        lint: bool,
        #[command(flatten)]
        options: CrateArgs,
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Classify every change from OLD to NEW as breaking or compatible for existing
    /// clients. Exit 0 when none breaks, 1 when some do, 2 when a spec is unreadable.
    Diff {
        /// The spec clients were written against.
        old: PathBuf,
        /// The proposed spec.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Rebuild SPEC (or the part --tags and --operations select) from the generator's
    /// model and compare: print each difference as `POINTER: input=<json>
    /// output=<json>` and exit 1 when there is any, 2 when SPEC cannot be read or lowered.
    Roundtrip {
        /// The spec: an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document, JSON or YAML.
        spec: PathBuf,
        #[command(flatten)]
        select: SelectArgs,
    },
    /// Serve SPEC with no code: each operation answers with a response the spec
    /// declares, its example or a value made to fit its schema, chosen by the request's
    /// `Prefer` header (`code=404`, `example=NAME`, `dynamic=true`). Requests are
    /// decoded and validated as the generated server does: the mock is the generated
    /// crate's `mock::Mock`, built with cargo into a cache directory on first use.
    Mock {
        /// The spec: an OpenAPI 3.0 or 3.1 or a Swagger 2.0 document, JSON or YAML.
        spec: PathBuf,
        /// The address to serve on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4010")]
        bind: String,
        /// Where the generated crates are kept [default: specfirst-mock in the system's
        /// temporary directory]
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
        /// The cargo target directory to build in [default: `target` in the cache
        /// directory]
        #[arg(long, value_name = "DIR")]
        target_dir: Option<PathBuf>,
        /// Depend on specfirst-runtime at this path (relative to the generated crate)
        /// [default: the runtime this specfirst was built from, while its sources are there]
        #[arg(long, value_name = "DIR")]
        runtime_path: Option<String>,
        /// Depend on specfirst-runtime from crates.io by this version requirement.
        #[arg(long, value_name = "REQ", conflicts_with = "runtime_path")]
        runtime_version: Option<String>,
        /// Build the mock and print its binary's path instead of serving.
        #[arg(long)]
        build_only: bool,
        /// Accept only this credential (repeatable): a bearer or OAuth 2 token, an API
        /// key, `user:password` for basic authentication. Without it, any credential
        /// presented is accepted; a missing one is refused either way.
        #[arg(long, value_name = "VALUE")]
        credential: Vec<String>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Lines for people.
    Text,
    /// One JSON object on stdout, for programs.
    Json,
}

#[derive(Args)]
struct CrateArgs {
    /// Package name of the generated crate [default: the spec's title in kebab case].
    #[arg(long)]
    crate_name: Option<String>,
    /// Depend on specfirst-runtime at this path (relative to the generated crate)
    /// [default: the runtime this specfirst was built from, while its sources are there]
    #[arg(long, value_name = "DIR")]
    runtime_path: Option<String>,
    /// Depend on specfirst-runtime from crates.io by this version requirement.
    #[arg(long, value_name = "REQ", conflicts_with = "runtime_path")]
    runtime_version: Option<String>,
    /// Depend on specfirst-runtime from this git repository (specfirst's workspace).
    #[arg(long, value_name = "URL", conflicts_with_all = ["runtime_path", "runtime_version"])]
    runtime_git: Option<String>,
    /// Put the types in model crates of their own (models-1, models-2, ... in the
    /// crate's directory), so rustc compiles a big API in parts: auto splits when the
    /// types are over 2.4 MB of Rust, and the operations' request and response types
    /// into operations-1, operations-2, ... (by tag) when they are over 2.4 MB too.
    /// [default: auto]
    #[arg(long, value_name = "WHEN", value_parser = |text: &str| text.parse::<Split>())]
    split: Option<Split>,
    /// About how many bytes of Rust one model or operations crate holds when split
    /// (at least 1) [default: 1200000]
    #[arg(long, value_name = "BYTES", value_parser = split_size)]
    split_size: Option<usize>,
    /// Give every method of the API trait a default body that answers 501 Not
    /// Implemented, so the server serves the operations written so far.
    #[arg(long)]
    default_not_implemented: bool,
    /// The API trait's name; the authentication and webhook traits are named after it
    /// (`Shelf` or `ShelfApi` gives `ShelfAuth`) [default: the spec's title without
    /// subtitle, version or words such as "official" and "API", in PascalCase, ending
    /// in `Api`]
    #[arg(long, value_name = "NAME", value_parser = trait_name)]
    trait_name: Option<String>,
    /// How a property that is both optional and nullable is typed: three-state
    /// (`specfirst_runtime::Nullable`, which tells an absent property from a null one)
    /// or option (a plain `Option`, absent and null alike) [default: three-state]
    #[arg(long, value_name = "HOW", value_parser = |text: &str| text.parse::<NullableFields>())]
    nullable: Option<NullableFields>,
    /// Set a customising key of a `specfirst.toml` entry, as TOML: `derives=["PartialEq"]`,
    /// `types.Book.rename="Volume"`, `types.Genre.replace="my_types::Genre"`,
    /// `method_names.listBooks="books"`, `dependencies.my-types={path="../my-types"}`;
    /// may be repeated
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = custom)]
    set: Vec<Custom>,
}

/// One `--set KEY=VALUE`, read.
#[derive(Debug, Clone)]
struct Custom(String);

fn custom(text: &str) -> Result<Custom, String> {
    specfirst::check::custom_assignment(text).map(|()| Custom(text.to_string()))
}

impl CrateArgs {
    /// The options for a crate in `dir`; without `--runtime-path` or
    /// `--runtime-version`, it depends on the runtime this binary was built from.
    fn options(&self, dir: &std::path::Path) -> CrateOptions {
        CrateOptions {
            name: self.crate_name.clone(),
            runtime: self
                .runtime()
                .unwrap_or_else(|| RuntimeDependency::built_for(dir)),
            split: self.split.unwrap_or_default(),
            split_size: self.split_size,
        }
    }

    /// The runtime the flags name; clap lets at most one of them through.
    fn runtime(&self) -> Option<RuntimeDependency> {
        let path = self.runtime_path.clone().map(RuntimeDependency::Path);
        let version = self.runtime_version.clone().map(RuntimeDependency::Version);
        path.or(version)
            .or_else(|| self.runtime_git.clone().map(RuntimeDependency::Git))
    }

    /// `entry` (from a `specfirst.toml` or a crate's manifest) with the options given on
    /// the command line put over its own.
    fn put_over(&self, entry: &mut CrateEntry, select: &SelectArgs) {
        let options = &mut entry.options;
        if let Some(name) = &self.crate_name {
            options.name = Some(name.clone());
        }
        if let Some(runtime) = self.runtime() {
            options.runtime = runtime;
        }
        if let Some(split) = self.split {
            options.split = split;
        }
        if let Some(size) = self.split_size {
            options.split_size = Some(size);
        }
        if self.default_not_implemented {
            entry.bodies = MethodBodies::NotImplemented;
        }
        if let Some(name) = &self.trait_name {
            entry.settings.trait_name = Some(name.clone());
        }
        if let Some(nullable) = self.nullable {
            entry.settings.nullable = nullable;
        }
        for Custom(assignment) in &self.set {
            specfirst::check::apply_assignment(&mut entry.settings, assignment);
        }
        if !(select.tags.is_empty() && select.operations.is_empty()) {
            entry.selection = Selection {
                tags: select.tags.clone(),
                operations: select.operations.clone(),
            };
        }
    }

    /// The names the flags give.
    fn settings(&self) -> Settings {
        let mut settings = Settings {
            trait_name: self.trait_name.clone(),
            nullable: self.nullable.unwrap_or_default(),
            ..Settings::default()
        };
        for Custom(assignment) in &self.set {
            specfirst::check::apply_assignment(&mut settings, assignment);
        }
        settings
    }

    /// How the API trait's methods are written.
    fn bodies(&self) -> MethodBodies {
        if self.default_not_implemented {
            MethodBodies::NotImplemented
        } else {
            MethodBodies::Required
        }
    }
}

/// Which operations to generate; without either option, all of them.
#[derive(Args)]
struct SelectArgs {
    /// Only the operations with one of these tags (and the components they use).
    /// Repeat the option or separate tags with commas.
    #[arg(long, value_name = "TAG", value_delimiter = ',')]
    tags: Vec<String>,
    /// Only the operations with these operationIds, besides those --tags keeps.
    /// Repeat the option or separate ids with commas.
    #[arg(long, value_name = "OPERATION_ID", value_delimiter = ',')]
    operations: Vec<String>,
}

impl From<SelectArgs> for Selection {
    fn from(args: SelectArgs) -> Self {
        Selection {
            tags: args.tags,
            operations: args.operations,
        }
    }
}

/// `--trait-name`: a name the generated module can give the trait.
fn trait_name(text: &str) -> Result<String, String> {
    Settings::check_trait_name(text).map(|()| text.to_string())
}

/// `--split-size`: a byte count of at least 1.
fn split_size(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("a model crate holds at least 1 byte".into()),
        Ok(bytes) => Ok(bytes),
        Err(error) => Err(error.to_string()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let messages = cli.message_format;
    match cli.command {
        Command::Generate {
            spec,
            out,
            config,
            options,
            select,
        } => {
            let entries = match (config, spec, out) {
                (Some(config), _, _) => match CheckConfig::from_path(&config) {
                    Ok(config) => config.crates,
                    Err(error) => {
                        eprintln!("{error}");
                        return ExitCode::FAILURE;
                    }
                },
                (None, Some(spec), Some(out)) => {
                    let entry = CrateEntry {
                        spec,
                        bodies: options.bodies(),
                        settings: options.settings(),
                        options: options.options(&out),
                        dir: out,
                        selection: select.into(),
                    };
                    return generate(&entry, options.runtime().is_none(), messages);
                }
                // clap requires SPEC and --out without --config.
                _ => return ExitCode::FAILURE,
            };
            // Every crate, even after one fails, so one run reports every problem.
            let codes: Vec<ExitCode> = entries
                .into_iter()
                .map(|mut entry| {
                    options.put_over(&mut entry, &select);
                    generate(&entry, false, messages)
                })
                .collect();
            codes
                .into_iter()
                .find(|code| *code != ExitCode::SUCCESS)
                .unwrap_or(ExitCode::SUCCESS)
        }
        Command::Check {
            spec,
            dir,
            config,
            format,
            lint,
            options,
            select,
        } => {
            let entries = match (config, spec, dir) {
                (Some(config), _, _) => match CheckConfig::from_path(&config) {
                    Ok(config) => config
                        .crates
                        .into_iter()
                        .map(|mut entry| {
                            options.put_over(&mut entry, &select);
                            entry
                        })
                        .collect(),
                    Err(error) => {
                        eprintln!("{error}");
                        return ExitCode::from(Status::Error.exit_code());
                    }
                },
                (None, Some(dir), None) if dir.is_dir() => match CrateEntry::from_crate_dir(&dir) {
                    Ok(mut entry) => {
                        options.put_over(&mut entry, &select);
                        vec![entry]
                    }
                    Err(error) => {
                        eprintln!("{error}");
                        return ExitCode::from(Status::Error.exit_code());
                    }
                },
                (None, Some(spec), None) => {
                    eprintln!(
                        "{}: give the crate directory too (`specfirst check SPEC DIR`), or only a crate \
                         directory: it is checked with the spec and settings its Cargo.toml records",
                        spec.display()
                    );
                    return ExitCode::from(Status::Error.exit_code());
                }
                (None, Some(spec), Some(dir)) => vec![CrateEntry {
                    spec,
                    bodies: options.bodies(),
                    settings: options.settings(),
                    options: options.options(&dir),
                    dir,
                    selection: select.into(),
                }],
                // clap requires SPEC and DIR without --config.
                _ => return ExitCode::from(Status::Error.exit_code()),
            };
            let check_one = if lint {
                check::check_crate_linted
            } else {
                check::check_crate
            };
            let reports: Vec<CrateReport> = entries.iter().map(check_one).collect();
            let worst = check::worst(&reports);
            // Lint findings fail the check as a stale crate does, and an unreadable
            // spec still wins.
            let linted = reports.iter().any(|report| !report.lints.is_empty());
            let code = if linted {
                worst.exit_code().max(Status::Stale.exit_code())
            } else {
                worst.exit_code()
            };
            match format {
                Format::Json => print_json(&serde_json::json!({
                    "status": worst,
                    "crates": reports,
                })),
                Format::Text => reports.iter().for_each(print_check),
            }
            ExitCode::from(code)
        }
        Command::Diff { old, new, format } => {
            let load = |path: &PathBuf| specfirst::load::Document::from_path(path);
            let (old_doc, new_doc) = match (load(&old), load(&new)) {
                (Ok(old_doc), Ok(new_doc)) => (old_doc, new_doc),
                (old_result, new_result) => {
                    for error in [old_result.err(), new_result.err()].into_iter().flatten() {
                        messages.print(&error);
                    }
                    return ExitCode::from(2);
                }
            };
            let changes = diff::diff(&old_doc, &new_doc);
            let breaking = changes.iter().filter(|c| c.breaking).count();
            match format {
                Format::Json => print_json(&serde_json::json!({
                    "old": old,
                    "new": new,
                    "breaking": breaking,
                    "compatible": changes.len() - breaking,
                    "changes": changes,
                })),
                Format::Text => print_diff(&old, &new, &changes),
            }
            ExitCode::from(u8::from(breaking > 0))
        }
        Command::Roundtrip { spec, select } => roundtrip(&spec, &select.into(), messages),
        Command::Mock {
            spec,
            bind,
            cache_dir,
            target_dir,
            runtime_path,
            runtime_version,
            build_only,
            credential,
        } => {
            let runtime = runtime_path
                .map(RuntimeDependency::Path)
                .or(runtime_version.map(RuntimeDependency::Version));
            let args = mock_command::MockArgs {
                spec,
                bind,
                cache_dir,
                target_dir,
                runtime,
                build_only,
                credentials: credential,
            };
            match mock_command::run(&args) {
                Ok(code) => code,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `specfirst generate` of one crate; with `say_runtime`, says which runtime the crate
/// depends on (the user chose none).
fn generate(entry: &CrateEntry, say_runtime: bool, messages: MessageFormat) -> ExitCode {
    let result = entry.generator().and_then(|generator| {
        messages.print_warnings(generator.warnings());
        let written = generator.write_crate(&entry.dir, &entry.options);
        // The process ends next: freeing the spec's model piece by piece would only
        // delay that (by about 5% of the time for GitHub's spec).
        std::mem::forget(generator);
        written
    });
    match result {
        Ok(()) => {
            eprintln!("wrote {}", entry.dir.display());
            if say_runtime {
                let why = match entry.options.runtime {
                    RuntimeDependency::Path(_) => "the runtime this specfirst was built from",
                    RuntimeDependency::Version(_) | RuntimeDependency::Git(_) => {
                        "from crates.io: the sources this specfirst was built from are gone"
                    }
                };
                eprintln!(
                    "specfirst-runtime: {} ({why}); choose with --runtime-path DIR, --runtime-version REQ or --runtime-git URL",
                    entry.options.runtime.describe()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            messages.print(&error);
            ExitCode::FAILURE
        }
    }
}

/// `specfirst roundtrip`: 0 when the model loses nothing, 1 with the differences, 2
/// when the spec cannot be read or lowered.
fn roundtrip(spec: &std::path::Path, selection: &Selection, messages: MessageFormat) -> ExitCode {
    match Generator::from_path_with(spec, selection) {
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
            messages.print(&error);
            ExitCode::from(2)
        }
    }
}

fn print_json(value: &serde_json::Value) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("cannot serialize the report: {error}"),
    }
}

fn print_check(report: &CrateReport) {
    match report.status {
        Status::Fresh => {}
        Status::Stale => {
            print!("{}", report.diff.as_deref().unwrap_or_default());
            eprintln!(
                "{} is stale: {} file(s) differ from what {} generates; generate it again:\n  {}",
                report.dir.display(),
                report.changed_files.len(),
                report.spec.display(),
                report.regenerate
            );
        }
        Status::Error => eprintln!("{}", report.error.as_deref().unwrap_or_default()),
    }
    for lint in &report.lints {
        println!("lint: {lint}");
    }
}

fn print_diff(old: &std::path::Path, new: &std::path::Path, changes: &[Change]) {
    if changes.is_empty() {
        println!("no changes between {} and {}", old.display(), new.display());
        return;
    }
    for (breaking, title) in [(true, "breaking"), (false, "compatible")] {
        let group: Vec<&Change> = changes.iter().filter(|c| c.breaking == breaking).collect();
        if group.is_empty() {
            continue;
        }
        println!("{} {title} change(s):", group.len());
        for change in group {
            let file = match change.side {
                Side::Old => old,
                Side::New => new,
            };
            println!(
                "  {}#{}: {}",
                file.display(),
                change.pointer,
                change.message
            );
        }
    }
}
