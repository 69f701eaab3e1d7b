//! The `--roundtrip` mode: each selected document lowered and rebuilt from the model
//! ([`specfirst::roundtrip`]); nothing is generated, compiled or reported.

use anyhow::{bail, Result};

use super::model::Doc;

/// Stage 2 of a `--roundtrip` run: lowers each document and compares it with the
/// document rebuilt from the model. Documents that do not lower are counted, not
/// failed: the compiling run reports those.
pub(super) fn roundtrip_all(docs: &[Doc]) -> Result<()> {
    let (mut clean, mut not_lowered, mut differing, mut panicked) = (0, 0, 0, 0);
    for doc in docs {
        let path = doc.path.clone();
        // 8 MiB like a build script's main thread; a panic is a failure, not an abort.
        let joined = std::thread::Builder::new()
            .name("roundtrip".into())
            .stack_size(8 << 20)
            .spawn(move || {
                std::panic::catch_unwind(|| {
                    specfirst::Generator::from_path(&path)
                        .map(|generator| generator.roundtrip())
                        .map_err(|e| e.to_string())
                })
            })
            .map(|handle| handle.join());
        match joined {
            Ok(Ok(Ok(Ok(differences)))) if differences.is_empty() => clean += 1,
            Ok(Ok(Ok(Ok(differences)))) => {
                differing += 1;
                println!(
                    "roundtrip: {}: {} difference(s)",
                    doc.name(),
                    differences.len()
                );
                for difference in differences.iter().take(20) {
                    println!("  {difference}");
                }
            }
            Ok(Ok(Ok(Err(_)))) => not_lowered += 1,
            _ => {
                panicked += 1;
                println!("roundtrip: {}: panicked", doc.name());
            }
        }
    }
    println!(
        "roundtrip: {} documents: {clean} round-trip, {differing} differ, {panicked} panicked, \
         {not_lowered} do not lower",
        docs.len()
    );
    if differing + panicked > 0 {
        bail!(
            "{} document(s) that lower do not round-trip",
            differing + panicked
        );
    }
    Ok(())
}
