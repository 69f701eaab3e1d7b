//! Generates one module per spec into OUT_DIR, the way a user's build script would: every
//! spec in `specs/` and every document in `../shared/specs/{oxide,dropshot}`. Adding a
//! spec to `specs/` is all it takes to compile it here; `src/lib.rs` has no list of them.
//! A few selections of `specs/` (`SELECTED`) are compiled too, as crates of some
//! operations only must compile on their own, and a few specs with methods that default
//! to 501 (`NOT_IMPLEMENTED`), a spec with webhooks and security whose trait is
//! named by a setting (`NAMED`), the flagship with plain `Option`s for its optional
//! nullable properties (`OPTION_NULLABLE`), and the flagship customised by settings:
//! derives, a renamed type, a replaced one and a renamed method (`CUSTOMISED`),
//! `specs/rust-types.yaml` with the crate its `x-rust-type` names as a dependency, and
//! a document of 2,001 operations written here ([`many_operations`]), whose methods
//! are declared in a trait per tag.
//!
//! The shared specs' modules and the 2,001 operations' are compiled without their
//! client and mock ([`leave_out_client_and_mock`]).
//!
//! Written to OUT_DIR beside the generated code:
//! - `modules.rs`: one documented `pub mod` per spec, `include!`ing its code, and
//!   `SNAPSHOTTED`, the code of each `specs/` module by spec name, from the same files;
//! - `descriptions.rs`: `DESCRIPTIONS`, every module's `API_DESCRIPTION` with its spec;
//! - `<module>.value_checks.rs` for each spec of `specs/` and the shared specs: the value
//!   round trip's probes (`Generator::value_checks`), included in the module beside its
//!   code, and listed in `VALUE_CHECKS` (in `modules.rs`) with the spec.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use specfirst::{MethodBodies, NullableFields, Selection, Settings};

/// Partial modules: (module, spec in `specs/`, tags, operationIds). Their descriptions
/// are compared with the selected document the generator writes beside them.
const SELECTED: &[(&str, &str, &[&str], &[&str])] = &[
    ("selected_swagger2_pets", "swagger2.yaml", &["pets"], &[]),
    (
        "selected_security",
        "security.yaml",
        &[],
        &["getBearer", "getEither", "listThings"],
    ),
    (
        "selected_openapi31_webhook",
        "openapi31.yaml",
        &[],
        &["alertRaised"],
    ),
];

/// Modules whose trait methods default to `501 Not Implemented`: (module, spec in
/// `specs/`). Secured and paginated operations have the most to their signatures.
const NOT_IMPLEMENTED: &[(&str, &str)] = &[
    ("unimplemented_security", "security.yaml"),
    ("unimplemented_bookshelf", "bookshelf.yaml"),
    ("unimplemented_schemas", "schemas.yaml"),
];

/// Module, spec and the trait name given instead of the title's.
const NAMED: &[(&str, &str, &str)] = &[("named_openapi31", "openapi31.yaml", "Hooked")];

/// Module and spec generated with `nullable = "option"`.
const OPTION_NULLABLE: &[(&str, &str)] = &[("option_nullable_bookshelf", "bookshelf.yaml")];

/// Module and spec generated with the customising settings of [`customised`].
const CUSTOMISED: (&str, &str) = ("customised_bookshelf", "bookshelf.yaml");

/// The settings of `CUSTOMISED`, as `--set` would give them.
fn customised() -> Settings {
    let mut settings = Settings::default();
    for assignment in [
        r#"derives=["PartialEq"]"#,
        r#"types.Book.rename="Volume""#,
        r##"types.Error.attrs=["#[non_exhaustive]"]"##,
        r#"types.Error.derives=["Eq", "Hash"]"#,
        r#"types.Genre.replace="crate::shelf::Genre""#,
        r#"method_names.listBooks="books""#,
        r#"types.Book.fields.published_year="year""#,
        r#"types.BookSortMode.variants.title_ascending="ByTitle""#,
    ] {
        specfirst::check::apply_assignment(&mut settings, assignment);
    }
    settings
}

/// One spec to generate.
struct Spec {
    /// The Rust module.
    module: String,
    /// The generated file in OUT_DIR, without `.rs`.
    file: String,
    /// The spec, as the module's documentation names it (Markdown).
    shown: String,
    path: PathBuf,
    /// Whether `tests/snapshots/<file>.rs` holds its code.
    snapshotted: bool,
    /// The operations generated; all of them but for `SELECTED`.
    selection: Selection,
    /// How the trait's methods are written; with default bodies for `NOT_IMPLEMENTED`.
    bodies: MethodBodies,
    /// What settings give: the trait's name for `NAMED`, `Option`s for
    /// `OPTION_NULLABLE`.
    settings: Settings,
    /// Whether the module includes the value round trip's probes
    /// (`Generator::value_checks`): every spec of `specs/` and the shared specs.
    probed: bool,
    /// Whether its client and mock are compiled: all but the shared specs' and the
    /// 2,001 operations' ([`leave_out_client_and_mock`]).
    client: bool,
}

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = manifest.join("../..");

    let mut specs = Vec::new();
    for path in spec_files(&root.join("specs"), &["yaml", "json"]) {
        let name = file_stem(&path);
        specs.push(Spec {
            module: name.replace('-', "_"),
            // The spec's own name, as `tests/snapshots/` has it: the generated code names
            // its document file after it (`include_str!("media-types.json")`), so only
            // this name makes the code compiled here the snapshot byte for byte.
            file: name.clone(),
            shown: format!("`specs/{}`", file_name(&path)),
            path,
            snapshotted: true,
            selection: Selection::default(),
            bodies: MethodBodies::Required,
            settings: Settings::default(),
            probed: true,
            client: true,
        });
    }
    for (module, spec, tags, operations) in SELECTED {
        let selection = Selection::default()
            .with_tags(tags.iter().copied())
            .with_operations(operations.iter().copied());
        specs.push(Spec {
            module: module.to_string(),
            file: module.to_string(),
            shown: format!("`specs/{spec}`, selection: {selection}"),
            path: root.join("specs").join(spec),
            snapshotted: false,
            selection,
            bodies: MethodBodies::Required,
            settings: Settings::default(),
            probed: false,
            client: true,
        });
    }
    for (module, spec) in NOT_IMPLEMENTED {
        specs.push(Spec {
            module: module.to_string(),
            file: module.to_string(),
            shown: format!("`specs/{spec}`, methods defaulting to 501"),
            path: root.join("specs").join(spec),
            snapshotted: false,
            selection: Selection::default(),
            bodies: MethodBodies::NotImplemented,
            settings: Settings::default(),
            probed: false,
            client: true,
        });
    }
    for (module, spec, trait_name) in NAMED {
        specs.push(Spec {
            module: module.to_string(),
            file: module.to_string(),
            shown: format!("`specs/{spec}`, its trait named `{trait_name}`"),
            path: root.join("specs").join(spec),
            snapshotted: false,
            selection: Selection::default(),
            bodies: MethodBodies::Required,
            settings: Settings::default().with_trait_name(*trait_name),
            probed: false,
            client: true,
        });
    }
    for (module, spec) in OPTION_NULLABLE {
        specs.push(Spec {
            module: module.to_string(),
            file: module.to_string(),
            shown: format!("`specs/{spec}`, optional nullable properties as `Option`s"),
            path: root.join("specs").join(spec),
            snapshotted: false,
            selection: Selection::default(),
            bodies: MethodBodies::Required,
            settings: Settings::default().with_nullable(NullableFields::Option),
            probed: false,
            client: true,
        });
    }
    let (module, spec) = CUSTOMISED;
    specs.push(Spec {
        module: module.to_string(),
        file: module.to_string(),
        shown: format!("`specs/{spec}`, customised by settings"),
        path: root.join("specs").join(spec),
        snapshotted: false,
        selection: Selection::default(),
        bodies: MethodBodies::Required,
        settings: customised(),
        probed: false,
        client: true,
    });
    let many = out.join("many-operations.json");
    std::fs::write(&many, many_operations().to_string()).expect("OUT_DIR is writable");
    specs.push(Spec {
        module: "many_operations".into(),
        file: "many_operations".into(),
        shown: "a document of 2,001 operations in three tags, written by `build.rs`, \
                methods defaulting to 501"
            .into(),
        path: many,
        snapshotted: false,
        selection: Selection::default(),
        bodies: MethodBodies::NotImplemented,
        settings: Settings::default(),
        probed: false,
        client: false,
    });
    specs.push(Spec {
        module: "rust_types_honoured".into(),
        file: "rust_types_honoured".into(),
        shown: "`specs/rust-types.yaml`, with `uuid` among its dependencies".into(),
        path: root.join("specs/rust-types.yaml"),
        snapshotted: false,
        selection: Selection::default(),
        bodies: MethodBodies::Required,
        settings: {
            let mut settings = Settings::default();
            specfirst::check::apply_assignment(&mut settings, r#"dependencies.uuid="1""#);
            settings
        },
        probed: false,
        client: true,
    });
    // The Oxide and Dropshot documents are part of what this crate checks: without them
    // the build fails rather than quietly compiling less.
    let shared = root.join("../shared/specs");
    assert!(
        shared.is_dir(),
        "../shared/specs is missing (looked for {}): this crate compiles the Oxide and \
         Dropshot specs in it; check out the shared specs beside the workspace",
        shared.display()
    );
    for corpus in ["oxide", "dropshot"] {
        for path in spec_files(&shared.join(corpus), &["json"]) {
            let module = format!("{corpus}_{}", file_stem(&path).replace('-', "_"));
            specs.push(Spec {
                file: module.clone(),
                module,
                shown: format!("`../shared/specs/{corpus}/{}`", file_name(&path)),
                path,
                snapshotted: false,
                selection: Selection::default(),
                bodies: MethodBodies::Required,
                settings: Settings::default(),
                probed: true,
                client: false,
            });
        }
    }
    specs.sort_by(|a, b| a.module.cmp(&b.module));

    let mut modules = String::new();
    let mut snapshotted = String::from(
        "/// The code of every module generated from `specs/`, by spec name: the files the\n\
         /// modules above `include!`, to compare with `tests/snapshots/<name>.rs`.\n\
         pub static SNAPSHOTTED: &[(&str, &str)] = &[\n",
    );
    // Every generated module's description with the spec it came from, so a test can
    // compare each with its spec without a list kept by hand.
    let mut described = String::from(
        "/// Every generated module's `API_DESCRIPTION`, by module name, with its spec file.\n\
         pub static DESCRIPTIONS: &[(&str, &str, &::specfirst_runtime::describe::ApiDescription)] = &[\n",
    );
    // Each probed module's value round trip probes, with its spec.
    let mut probed = String::from(
        "/// The value round trip's probes of every module generated from `specs/` and the\n\
         /// shared specs, by module name, with its spec file.\n\
         pub static VALUE_CHECKS: &[(&str, &str, &[Check])] = &[\n",
    );
    for spec in &specs {
        println!("cargo::rerun-if-changed={}", spec.path.display());
        let generator = specfirst::Generator::from_path_with_settings(
            &spec.path,
            &spec.selection,
            &spec.settings,
        )
        .unwrap_or_else(|error| panic!("{}", error.report()))
        .with_method_bodies(spec.bodies);
        let target = out.join(format!("{}.rs", spec.file));
        if let Err(error) = generator.write_to(&target) {
            panic!("{}", error.report());
        }
        if !spec.client {
            leave_out_client_and_mock(&target);
        }
        let (module, file) = (&spec.module, &spec.file);
        // The probes go in a file of their own, so the code stays its snapshot.
        let probes = if spec.probed {
            let checks = generator
                .value_checks()
                .unwrap_or_else(|error| panic!("{}", error.report()));
            std::fs::write(out.join(format!("{file}.value_checks.rs")), checks)
                .expect("OUT_DIR is writable");
            let _ = writeln!(
                probed,
                "    ({module:?}, {:?}, crate::{module}::value_checks::CHECKS),",
                spec.path.display().to_string()
            );
            format!("    include!(concat!(env!(\"OUT_DIR\"), \"/{file}.value_checks.rs\"));\n")
        } else {
            String::new()
        };
        let _ = write!(
            modules,
            "{}/// Generated from {}.\npub mod {module} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{file}.rs\"));\n{probes}}}\n\n",
            summary(generator.document()),
            spec.shown,
        );
        if spec.snapshotted {
            let _ = writeln!(
                snapshotted,
                "    ({file:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{file}.rs\"))),"
            );
        }
        // A partial module describes the selected document, written beside its code.
        let described_spec = if spec.selection.is_all() {
            spec.path.clone()
        } else {
            out.join(format!("{file}.json"))
        };
        let _ = writeln!(
            described,
            "    ({module:?}, {:?}, &crate::{module}::API_DESCRIPTION),",
            described_spec.display().to_string()
        );
    }
    snapshotted.push_str("];\n");
    described.push_str("];\n");
    probed.push_str("];\n");
    modules.push_str(&snapshotted);
    modules.push_str(&probed);
    std::fs::write(out.join("modules.rs"), modules).expect("OUT_DIR is writable");
    std::fs::write(out.join("descriptions.rs"), described).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed={}", root.join("specs").display());
    println!("cargo::rerun-if-changed={}", shared.display());
}

/// An API of more than 2,000 operations, as big APIs have (Microsoft Graph: 22,361),
/// whose methods the generated code declares in traits by tag: `GET /a/{n}` for 700
/// operations tagged `a`, 700 tagged `b` and 601 tagged `c`, each answering an `Item`.
fn many_operations() -> serde_json::Value {
    let mut paths = serde_json::Map::new();
    for (tag, count) in [("a", 700), ("b", 700), ("c", 601)] {
        for n in 0..count {
            paths.insert(
                format!("/{tag}/{n}"),
                serde_json::json!({"get": {
                    "operationId": format!("get_{tag}{n}"),
                    "tags": [tag],
                    "responses": {"200": {
                        "description": "the item",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Item"}
                        }}
                    }}
                }}),
            );
        }
    }
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Many", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Item": {
            "type": "object",
            "required": ["n"],
            "properties": {"n": {"type": "integer"}}
        }}}
    })
}

/// The files directly in `dir` with one of `extensions`, sorted by name.
fn spec_files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .collect();
    files.sort();
    files
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// The first lines of a module's documentation: the spec's `info.title`, and its
/// description (or 3.1 summary) on one line, each a `///` line followed by a blank one.
fn summary(document: &serde_json::Value) -> String {
    let info = &document["info"];
    let one_line = |key: &str| {
        info[key]
            .as_str()
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|text| !text.is_empty())
    };
    let mut doc = String::new();
    let title = one_line("title").unwrap_or_else(|| "An API without a title".into());
    let _ = writeln!(doc, "/// {title}\n///");
    if let Some(text) = one_line("description").or_else(|| one_line("summary")) {
        let _ = writeln!(doc, "/// {text}\n///");
    }
    doc
}

/// Compiles the module at `path` without its client and mock, which the modules of
/// `specs/` and their variants compile and test: with those of the shared specs and the
/// 2,001 operations too, rustc building this crate was killed for memory, on a 24 GiB
/// machine, beside another build. The code is parsed still, as `cfg(any())` leaves it.
fn leave_out_client_and_mock(path: &Path) {
    let code = std::fs::read_to_string(path).expect("the module was just written");
    let code = code
        .replace("#[cfg(feature = \"client\")]", "#[cfg(any())]")
        .replace("#[cfg(feature = \"mock\")]", "#[cfg(any())]");
    std::fs::write(path, code).expect("OUT_DIR is writable");
}
