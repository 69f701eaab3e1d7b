//! Generates one module per spec into OUT_DIR, the way a user's build script would.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = manifest.join("../..");
    println!("cargo::rustc-check-cfg=cfg(shared_specs)");

    let mut specs: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(root.join("specs")).expect("specs/ exists") {
        let path = entry.expect("readable specs/ entry").path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            let stem = path
                .file_stem()
                .expect("a file name")
                .to_string_lossy()
                .replace('-', "_");
            specs.push((stem, path));
        }
    }
    let shared = root.join("../shared/specs");
    let mut modules = String::new();
    if shared.is_dir() {
        println!("cargo::rustc-cfg=shared_specs");
        for corpus in ["oxide", "dropshot"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join(corpus))
                .expect("a corpus directory")
                .map(|entry| entry.expect("readable entry").path())
                .filter(|path| path.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for path in files {
                let stem = path
                    .file_stem()
                    .expect("a file name")
                    .to_string_lossy()
                    .replace('-', "_");
                let module = format!("{corpus}_{stem}");
                modules.push_str(&format!(
                    "/// Generated from `../shared/specs/{corpus}/{}`.\npub mod {module} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{module}.rs\"));\n}}\n",
                    path.file_name().expect("a file name").to_string_lossy()
                ));
                specs.push((module, path));
            }
        }
    } else {
        println!("cargo::warning=../shared/specs is missing: the Oxide specs are not compiled");
    }
    specs.sort();
    // Every generated module's description with the spec it came from, so a test can
    // compare each with its spec without a list kept by hand.
    let mut described = String::from(
        "/// Every generated module's `API_DESCRIPTION`, by module name, with its spec file.\n\
         pub static DESCRIPTIONS: &[(&str, &str, &::specfirst_runtime::describe::ApiDescription)] = &[\n",
    );
    for (stem, path) in &specs {
        println!("cargo::rerun-if-changed={}", path.display());
        generate(path, &out.join(format!("{stem}.rs")));
        let spec = path.display().to_string();
        described.push_str(&format!(
            "    ({stem:?}, {spec:?}, &crate::{stem}::API_DESCRIPTION),\n"
        ));
    }
    described.push_str("];\n");
    std::fs::write(out.join("shared.rs"), modules).expect("OUT_DIR is writable");
    std::fs::write(out.join("descriptions.rs"), described).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed={}", root.join("specs").display());
}

fn generate(spec: &Path, out: &Path) {
    if let Err(error) = specfirst::Generator::from_path(spec).and_then(|g| g.write_to(out)) {
        panic!("{error}");
    }
}
