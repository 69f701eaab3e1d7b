//! Generates one module per spec into OUT_DIR, the way a user's build script would.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let root = manifest.join("../..");
    println!("cargo::rustc-check-cfg=cfg(shared_specs)");

    let mut specs: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(root.join("specs")).expect("specs/ exists") {
        let path = entry.expect("readable specs/ entry").path();
        if path.extension().is_some_and(|e| e == "yaml" || e == "json") {
            let stem = path.file_stem().expect("a file name").to_string_lossy().replace('-', "_");
            specs.push((stem, path));
        }
    }
    let shared = root.join("../shared/specs/oxide");
    if shared.is_dir() {
        println!("cargo::rustc-cfg=shared_specs");
        for name in ["nexus", "nexus-internal", "gateway", "oximeter", "dns-server"] {
            specs.push((format!("oxide_{}", name.replace('-', "_")), shared.join(format!("{name}.json"))));
        }
    } else {
        println!("cargo::warning=../shared/specs is missing: the Oxide specs are not compiled");
    }
    specs.sort();
    for (stem, path) in &specs {
        println!("cargo::rerun-if-changed={}", path.display());
        generate(path, &out.join(format!("{stem}.rs")));
    }
    println!("cargo::rerun-if-changed={}", root.join("specs").display());
}

fn generate(spec: &Path, out: &Path) {
    if let Err(error) = specfirst::Generator::from_path(spec).and_then(|g| g.write_to(out)) {
        panic!("{error}");
    }
}
