//! A big API crate's code in several files, so that an editor opens each of them.
//!
//! With its types in model crates ([`super::models::split`]), GitHub's API crate still
//! held 5.3 MB in one `generated.rs`: the trait, the operations' request and response
//! types, the handlers, the validation rules and the description; more than editors and
//! rust-analyzer open comfortably. In a crate whose types are split, the operations'
//! types that stay in the API crate go to a file per first tag
//! (`generated/<tag>_operations.rs`, modules the root re-exports whole, so every path
//! stays as it was; a tag of more than 512 KB to several), and the `handlers`,
//! `webhooks`, `rules` and `description` modules to `generated/<module>.rs`. A module's items are the items it had; only where they
//! are written changes.

use std::collections::BTreeSet;

use super::Formatted;
use crate::format::Joined;
use crate::naming::{snake, Namespace};
use crate::tag_parts;

/// A module of the generated code written to a file of its own, `generated/<module>.rs`
/// beside the `generated.rs` that declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleFile {
    /// The module's name, which names the file.
    pub module: String,
    /// The module's items, formatted.
    pub items: String,
}

/// The inline modules of the generated code that go to files of their own.
pub const MODULES: [&str; 6] = [
    "handlers",
    "webhooks",
    "rules",
    "description",
    "client",
    "mock",
];

/// How many bytes of operations' types one file holds at most, unless one operation's
/// are more: a tag's operations are one file up to this size, and several above it.
pub const OPERATIONS_FILE_BYTES: usize = 512 * 1024;

/// Moves the operations' items that stay in the API crate (`pieces`, one per operation,
/// formatted at the top level, empty for one moved elsewhere: `moved`) into a file per
/// first tag (`tags`, one per operation; [`tag_parts::per_tag`]): their pieces become
/// empty, and the files and the root's declarations of
/// them (`mod ...;` and `pub use ...::*;`) are returned. Nothing moves when a piece did
/// not format (the error then shows where it is).
pub fn operations(
    tags: &[Option<&str>],
    pieces: &mut [Formatted],
    moved: &BTreeSet<usize>,
) -> (String, Vec<ModuleFile>) {
    let Some(lengths) = pieces
        .iter()
        .map(|piece| piece.as_ref().ok().map(String::len))
        .collect::<Option<Vec<usize>>>()
    else {
        return (String::new(), Vec::new());
    };
    let parts = tag_parts::per_tag(
        tags,
        |index| !moved.contains(&index),
        |index| lengths[index],
        OPERATIONS_FILE_BYTES,
    );
    let mut names = Namespace::with_reserved(MODULES.into_iter().chain(["types"]));
    let mut files = Vec::new();
    for part in parts {
        let tag = part.iter().find_map(|&index| tags[index]);
        // snake case is ASCII, as a module loaded from a file must be.
        let word = snake(tag.unwrap_or("untagged"), "tagged");
        let module = names.claim(&format!("{word}_operations"));
        let mut items = Joined::with_capacity(part.iter().map(|&i| lengths[i]).sum::<usize>() + 16);
        items.push("use super::*;\n\n");
        for index in part {
            if let Ok(text) = std::mem::replace(&mut pieces[index], Ok(String::new())) {
                items.push(&text);
            }
        }
        files.push(ModuleFile {
            module,
            items: items.text,
        });
    }
    (declarations(&files), files)
}

/// The root's lines declaring `files` and re-exporting their items.
fn declarations(files: &[ModuleFile]) -> String {
    if files.is_empty() {
        return String::new();
    }
    let mut text: String = files
        .iter()
        .map(|file| format!("mod {};\n", file.module))
        .collect();
    text.push('\n');
    text.extend(
        files
            .iter()
            .map(|file| format!("pub use {}::*;\n", file.module)),
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_declare_then_re_export_each_module() {
        let file = |module: &str| ModuleFile {
            module: module.into(),
            items: String::new(),
        };
        assert_eq!(
            declarations(&[file("pets_operations"), file("store_operations")]),
            "mod pets_operations;\nmod store_operations;\n\n\
             pub use pets_operations::*;\npub use store_operations::*;\n"
        );
        assert_eq!(declarations(&[]), "");
    }

    #[test]
    fn operations_that_stay_go_to_a_file_per_first_tag() {
        let tags = [
            Some("pets"),
            Some("store"),
            Some("pets"),
            None,
            Some("handlers"),
        ];
        let mut pieces: Vec<Formatted> = (0..5).map(|i| Ok(format!("struct S{i};\n"))).collect();
        pieces[1] = Ok(String::new());
        let moved = BTreeSet::from([1]);
        let (declarations, files) = operations(&tags, &mut pieces, &moved);
        let modules: Vec<&str> = files.iter().map(|file| file.module.as_str()).collect();
        assert_eq!(
            modules,
            [
                "pets_operations",
                "untagged_operations",
                "handlers_operations"
            ]
        );
        assert_eq!(files[0].items, "use super::*;\n\nstruct S0;\nstruct S2;\n");
        assert!(
            declarations.starts_with("mod pets_operations;\n"),
            "{declarations}"
        );
        assert!(pieces.iter().all(|piece| piece == &Ok(String::new())));

        // A piece that did not format keeps every operation where it was.
        let mut pieces: Vec<Formatted> = vec![Ok("struct A;\n".into()), Err("bad".into())];
        let (declarations, files) = operations(&tags[..2], &mut pieces, &BTreeSet::new());
        assert!(declarations.is_empty() && files.is_empty());
        assert_eq!(pieces[0], Ok("struct A;\n".to_string()));
    }
}
