//! The `types` module of a big API cut into model crates.
//!
//! rustc's memory and time grow with the size of a crate, and typify's types are most of
//! a big API's code (GitHub's: 4.7 MB, which one rustc checks in 4.7 GiB). So the types
//! are cut into parts of about [`PART_BYTES`], each a crate of its own that depends
//! only on earlier parts: a type, with its impls and the default-value functions its
//! fields name, goes to the part after every part holding a type it names, and types
//! that name each other stay together. Parts are filled by depth, so parts of one
//! depth name none of each other and cargo checks them side by side; typify's `error`
//! module, which most parts name, is a part of its own. The API crate re-exports every part from its
//! `types` module, so the paths in the rest of the code do not change.
//!
//! The cut is made on the formatted text, whose shape prettyplease fixes: the items of
//! the module four spaces deep, a blank line between two items. Text that does not come
//! apart that way is not cut ([`split`] gives `None`), and stays one module.

use std::collections::{BTreeSet, HashMap};

/// About how many bytes of types one model crate holds unless told otherwise
/// ([`crate::Split::PART_BYTES`] says why this many).
pub const PART_BYTES: usize = 1_200_000;

/// The types cut into model crates, and those that stay in the API crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Each model crate's share, in order.
    pub parts: Vec<Part>,
    /// The items that stay in the API crate's `types` module: the types `split` was
    /// told to keep, and every type that names one of them, with their impls and
    /// default functions; formatted as the module's items.
    pub kept: String,
    /// The names of the types in [`Split::kept`].
    pub kept_types: BTreeSet<String>,
}

/// One model crate's share of the types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Its items, formatted as the items of the `types` module, in the order typify
    /// wrote them.
    pub items: String,
    /// The earlier parts (by index) whose types these items name.
    pub imports: Vec<usize>,
}

/// What one top-level item of the types module is.
enum Kind<'t> {
    /// A type, or an impl for it, by the type's name.
    Owned(&'t str),
    /// typify's `defaults` module: the functions serde calls for default values.
    Defaults,
    /// typify's `error` module, which conversions name as `self::error`.
    Error,
    /// A macro's definition, or its import from the runtime, by the macro's name: each
    /// part that invokes the macro holds a copy, before its other items.
    Macro(&'t str),
}

/// One top-level item's text and what it is.
struct Item<'t> {
    text: &'t str,
    kind: Kind<'t>,
}

/// `items`, the text of the types module's items, cut into parts of about
/// `part_bytes` each, every part naming only types of itself and of earlier parts.
/// The types named in `keep` stay in the API crate, as does every type that names one
/// of them: the API crate implements the runtime's traits for them (the page
/// conversions), which the orphan rule allows only in the crate defining the type.
/// `None` when the text does not come apart into items as prettyplease writes them.
pub fn split(items: &str, part_bytes: usize, keep: &BTreeSet<String>) -> Option<Split> {
    let module = Module::read(items)?;
    let graph = Graph::of(&module);
    let stays = graph.staying(&module, keep);
    let error_alone = module
        .items
        .iter()
        .any(|item| matches!(item.kind, Kind::Error));
    let (part_of, count) = graph.place(part_bytes, &stays, error_alone);
    let mut parts = module.assemble(&graph, &part_of, count);
    // The API crate's share is the last part.
    let kept = parts.pop().map(|part| part.items).unwrap_or_default();
    let kept_types = (0..stays.len())
        .filter(|&id| stays[id])
        .map(|id| module.owners[id].to_string())
        .collect();
    Some(Split {
        parts,
        kept,
        kept_types,
    })
}

/// The types module read into items.
struct Module<'t> {
    /// The types' names, each once, in the order typify wrote them.
    owners: Vec<&'t str>,
    owner_index: HashMap<&'t str, usize>,
    items: Vec<Item<'t>>,
    defaults: Defaults<'t>,
    function_index: HashMap<&'t str, usize>,
}

impl<'t> Module<'t> {
    /// `items` cut into items and told apart; `None` for text this module cannot cut.
    fn read(items: &'t str) -> Option<Self> {
        let chunks = top_level_chunks(items)?;
        let mut owners: Vec<&str> = Vec::new();
        let mut owner_index: HashMap<&str, usize> = HashMap::new();
        // A first pass names the types, so an impl written before its type is placed.
        for chunk in &chunks {
            if let Some(name) = defined_name(chunk) {
                if !owner_index.contains_key(name) {
                    owner_index.insert(name, owners.len());
                    owners.push(name);
                }
            }
        }
        let mut parsed = Vec::with_capacity(chunks.len());
        for chunk in &chunks {
            parsed.push(Item {
                text: chunk,
                kind: classify(chunk, &owner_index)?,
            });
        }
        let defaults = match parsed
            .iter()
            .find(|item| matches!(item.kind, Kind::Defaults))
        {
            Some(item) => default_functions(item.text)?,
            None => Defaults::default(),
        };
        let function_index = defaults
            .functions
            .iter()
            .enumerate()
            .map(|(f, function)| (function.name, f))
            .collect();
        Some(Self {
            owners,
            owner_index,
            items: parsed,
            defaults,
            function_index,
        })
    }

    /// The other types `text` names, by number, besides `id`.
    fn named_types(&self, text: &str, id: usize, into: &mut BTreeSet<usize>) {
        for word in code_words(text) {
            if let Some(&other) = self.owner_index.get(word) {
                if other != id {
                    into.insert(other);
                }
            }
        }
    }

    /// The text of each of `count` parts, given the part of each type: its items in
    /// the order typify wrote them, then its default functions in a module of its own.
    fn assemble(&self, graph: &Graph, part_of: &[usize], count: usize) -> Vec<Part> {
        let mut texts: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut imports: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); count];
        let mut part_defaults: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); count];
        for (id, &part) in part_of.iter().enumerate() {
            texts[part].extend(&graph.members[id]);
            part_defaults[part].extend(&graph.uses_defaults[id]);
            for &other in &graph.names[id] {
                if part_of[other] != part {
                    imports[part].insert(part_of[other]);
                }
            }
        }
        let error = self
            .items
            .iter()
            .position(|item| matches!(item.kind, Kind::Error));
        let macros: Vec<(usize, String)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| match item.kind {
                Kind::Macro(name) => Some((i, format!("    {name}!"))),
                _ => None,
            })
            .collect();
        let mut parts = Vec::with_capacity(count);
        for part in 0..count {
            let mut at = std::mem::take(&mut texts[part]);
            for (i, invocation) in &macros {
                if at
                    .iter()
                    .any(|&j| self.items[j].text.contains(invocation.as_str()))
                {
                    at.push(*i);
                }
            }
            if part == 0 {
                at.extend(error);
            } else if error.is_some() && at.iter().any(|&i| self.items[i].text.contains("error::"))
            {
                imports[part].insert(0);
            }
            at.sort_unstable();
            let mut text = String::new();
            for i in at {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(self.items[i].text);
            }
            if !part_defaults[part].is_empty() {
                if !text.is_empty() {
                    text.push('\n');
                }
                // Private, unlike typify's: each part has its own, and a glob import of
                // an earlier part must not bring that part's.
                text.push_str("    mod defaults {\n");
                let mut first = true;
                for &f in &part_defaults[part] {
                    if !first {
                        text.push('\n');
                    }
                    first = false;
                    text.push_str(self.defaults.functions[f].text);
                }
                text.push_str("    }\n");
            }
            parts.push(Part {
                items: super::upper_camel_variants(text),
                imports: imports[part].iter().copied().collect(),
            });
        }
        parts
    }
}

/// Each type's items and size, and the types and default functions it names.
struct Graph {
    members: Vec<Vec<usize>>,
    sizes: Vec<usize>,
    names: Vec<BTreeSet<usize>>,
    uses_defaults: Vec<BTreeSet<usize>>,
}

impl Graph {
    fn of(module: &Module<'_>) -> Self {
        let n = module.owners.len();
        let mut graph = Graph {
            members: vec![Vec::new(); n],
            sizes: vec![0; n],
            names: vec![BTreeSet::new(); n],
            uses_defaults: vec![BTreeSet::new(); n],
        };
        for (at, item) in module.items.iter().enumerate() {
            let Kind::Owned(owner) = item.kind else {
                continue;
            };
            let id = module.owner_index[owner];
            graph.members[id].push(at);
            graph.sizes[id] += item.text.len();
            module.named_types(item.text, id, &mut graph.names[id]);
            for name in named_functions(item.text) {
                if let Some(&f) = module.function_index.get(name) {
                    graph.uses_defaults[id].insert(f);
                }
            }
        }
        // A default function's body names the type it returns: the field's need.
        for id in 0..n {
            for &f in &graph.uses_defaults[id] {
                let function = &module.defaults.functions[f];
                graph.sizes[id] += function.text.len();
                module.named_types(function.text, id, &mut graph.names[id]);
            }
        }
        graph
    }

    /// Which types stay in the API crate: those in `keep` and whatever names them.
    fn staying(&self, module: &Module<'_>, keep: &BTreeSet<String>) -> Vec<bool> {
        let n = self.names.len();
        let mut named_by: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (id, named) in self.names.iter().enumerate() {
            for &other in named {
                named_by[other].push(id);
            }
        }
        let mut stays = vec![false; n];
        let mut queue: Vec<usize> = (0..n)
            .filter(|&id| keep.contains(module.owners[id]))
            .collect();
        while let Some(id) = queue.pop() {
            if !std::mem::replace(&mut stays[id], true) {
                queue.extend(&named_by[id]);
            }
        }
        stays
    }

    /// The part of each type, and how many parts there are: model crates of about
    /// `part_bytes`, then the API crate's share, the types that `stays`.
    ///
    /// Parts are filled with the groups of types that name each other, by depth (how
    /// long the longest chain of names below a group is), so that a group comes after
    /// what it names, and the groups of one depth, which name none of each other, fill
    /// parts that depend on none of each other: cargo checks those side by side.
    ///
    /// With `error_alone`, the first part is left for typify's `error` module alone:
    /// most parts name its `ConversionError`, and with it in a part of types, every
    /// part would wait for that one.
    fn place(&self, part_bytes: usize, stays: &[bool], error_alone: bool) -> (Vec<usize>, usize) {
        let n = self.names.len();
        let groups = crate::graph::strongly_connected(&self.names);
        // Each group after what it names, so depths come from earlier groups.
        let mut group_of = vec![0usize; n];
        for (g, group) in groups.iter().enumerate() {
            for &id in group {
                group_of[id] = g;
            }
        }
        let mut depth = vec![0usize; groups.len()];
        for (g, group) in groups.iter().enumerate() {
            depth[g] = group
                .iter()
                .flat_map(|&id| &self.names[id])
                .map(|&other| group_of[other])
                .filter(|&other| other != g)
                .map(|other| depth[other] + 1)
                .max()
                .unwrap_or(0);
        }
        let mut order: Vec<usize> = (0..groups.len())
            .filter(|&g| !stays[groups[g][0]])
            .collect();
        order.sort_by_key(|&g| depth[g]);
        let mut part_of = vec![0usize; n];
        let mut part_sizes: Vec<usize> = if error_alone { vec![0, 0] } else { vec![0] };
        let mut last_depth = 0;
        for &g in &order {
            let group = &groups[g];
            let size: usize = group.iter().map(|&id| self.sizes[id]).sum();
            let current = part_sizes.len() - 1;
            // A part half full ends where the depth changes, so the next part holds
            // none of what this depth's types name and neither waits for the other.
            let full = part_sizes[current] + size > part_bytes
                || (depth[g] != last_depth && part_sizes[current] >= part_bytes / 2);
            last_depth = depth[g];
            if part_sizes[current] > 0 && full {
                part_sizes.push(0);
            }
            let current = part_sizes.len() - 1;
            part_sizes[current] += size;
            for &id in group {
                part_of[id] = current;
            }
        }
        let count = part_sizes.len() + 1;
        for id in (0..n).filter(|&id| stays[id]) {
            part_of[id] = count - 1;
        }
        (part_of, count)
    }
}

/// The page types of paginated operations, as typify named them: the API crate
/// converts the runtime's pages into them, so they stay there ([`split`]).
pub fn page_types(api: &crate::ir::Api, types: &crate::ir::Types) -> BTreeSet<String> {
    let mut pages = Vec::new();
    for op in &api.operations {
        if let Some(page) = op.pagination.as_ref().and_then(|p| p.page.as_ref()) {
            pages.push(&page.page);
        }
        if let Some(link) = &op.link_pagination {
            pages.push(&link.body.page);
        }
    }
    pages
        .into_iter()
        .filter_map(|page| types.type_text(page))
        .filter_map(|text| text.rsplit("::").next())
        .map(|name| name.trim().to_string())
        .collect()
}

/// The top-level items of `items`: each begins after a blank line, an item's closing
/// line or the start, with a line four spaces deep, outside a block comment, and ends
/// with a line break.
/// `None` when the text is not items four spaces deep.
fn top_level_chunks(items: &str) -> Option<Vec<&str>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut in_comment = false;
    let mut previous_blank = true;
    let mut at = 0;
    for line in items.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !in_comment && previous_blank && at > start && is_item_start(body) {
            chunks.push(&items[start..at]);
            start = at;
        }
        if at == start && !is_item_start(body) {
            return None;
        }
        let was_in_comment = in_comment;
        in_comment = comment_state(body, in_comment);
        // An item ends before a blank line, or with its own closing line four spaces
        // deep (a doc comment written as a block follows with no blank line).
        previous_blank = !in_comment
            && (body.is_empty()
                || (!was_in_comment
                    && body.strip_prefix("    ").is_some_and(|rest| {
                        !rest.starts_with(char::is_whitespace)
                            && (rest.ends_with('}') || rest.ends_with(';'))
                            && !rest.starts_with("//")
                    })));
        at += line.len();
    }
    if start < items.len() {
        chunks.push(&items[start..]);
    }
    // An item's text ends with its closing line and the blank line after it; the blank
    // line goes back between items when parts are joined.
    Some(
        chunks
            .into_iter()
            .map(|chunk| {
                chunk
                    .strip_suffix('\n')
                    .filter(|c| c.ends_with('\n'))
                    .unwrap_or(chunk)
            })
            .collect(),
    )
}

/// Whether `line` begins an item four spaces deep.
fn is_item_start(line: &str) -> bool {
    line.strip_prefix("    ")
        .is_some_and(|rest| rest.starts_with(|c: char| !c.is_whitespace() && c != '}' && c != ')'))
}

/// Whether a block comment is open after `line`, given whether one was before it.
fn comment_state(line: &str, mut open: bool) -> bool {
    let mut rest = line;
    loop {
        if open {
            match rest.find("*/") {
                Some(end) => {
                    open = false;
                    rest = &rest[end + 2..];
                }
                None => return true,
            }
        } else {
            let trimmed = rest.trim_start();
            // Only doc comments open a block here: typify writes no other comments, and
            // a `/*` inside a string literal is not at the start of a line.
            if trimmed.starts_with("/**") || trimmed.starts_with("/*!") {
                open = true;
                rest = &trimmed[3..];
            } else {
                return false;
            }
        }
    }
}

/// The lines of `chunk` that are code, not doc comments or attributes' doc text.
fn code_lines(chunk: &str) -> impl Iterator<Item = &str> {
    let mut in_comment = false;
    chunk.lines().filter(move |line| {
        let was = in_comment;
        in_comment = comment_state(line, in_comment);
        !was && !in_comment
            && !line.trim_start().starts_with("///")
            && !line.trim_start().starts_with("//!")
    })
}

/// The identifiers in the code of `chunk`.
fn code_words(chunk: &str) -> impl Iterator<Item = &str> {
    code_lines(chunk).flat_map(|line| {
        line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// The line of `chunk` that begins the item itself, after its docs and attributes:
/// the first line of code four spaces deep that opens no attribute and closes none.
fn head_line(chunk: &str) -> Option<&str> {
    code_lines(chunk).find(|line| {
        line.strip_prefix("    ").is_some_and(|rest| {
            !rest.starts_with(|c: char| c.is_whitespace() || c == '#' || c == ')' || c == ']')
        })
    })
}

/// The name of the struct, enum or type alias `chunk` defines, if it defines one; also
/// when a macro invocation defines it (`string_enum! {` with `pub enum Name {` inside).
fn defined_name(chunk: &str) -> Option<&str> {
    let mut line = head_line(chunk)?;
    if line.ends_with("! {") && !line.contains("macro_rules!") {
        line = code_lines(chunk)
            .skip_while(|code| *code != line)
            .skip(1)
            .find(|code| !code.trim_start().starts_with('#'))?;
    }
    let rest = line.trim_start().strip_prefix("pub ")?;
    let rest = ["struct ", "enum ", "type "]
        .iter()
        .find_map(|keyword| rest.strip_prefix(keyword))?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// What `chunk` is; `None` for an item this module does not know how to place.
fn classify<'t>(chunk: &'t str, owners: &HashMap<&'t str, usize>) -> Option<Kind<'t>> {
    if let Some(name) = defined_name(chunk) {
        return Some(Kind::Owned(name));
    }
    let first = head_line(chunk)?.trim_start();
    let code = code_lines(chunk)
        .skip_while(|line| line.trim_start() != first)
        .skip(1);
    match first {
        "pub mod defaults {" => return Some(Kind::Defaults),
        "pub mod error {" => return Some(Kind::Error),
        _ => {}
    }
    if let Some(name) = first
        .strip_prefix("macro_rules! ")
        .and_then(|rest| rest.strip_suffix(" {"))
    {
        return Some(Kind::Macro(name));
    }
    // A macro imported from the runtime, as a definition would be.
    if let Some(name) = first
        .strip_prefix("use ::specfirst_runtime::")
        .and_then(|rest| rest.strip_suffix(';'))
    {
        return Some(Kind::Macro(name));
    }
    // An invocation that implements a trait for a type (`deserialize_struct!(Name {`)
    // goes where an impl for it would.
    if let Some((_, args)) = first.split_once("!(") {
        return local_in(args, owners).map(Kind::Owned);
    }
    if !first.starts_with("impl") {
        return None;
    }
    // The impl's header, up to the brace that opens its body.
    let mut header = first.to_string();
    for line in code {
        if header.trim_end().ends_with('{') {
            break;
        }
        header.push(' ');
        header.push_str(line.trim());
    }
    let header = header.trim_end().strip_suffix('{')?;
    // The type after `for`, when it is one of ours; else the first of ours the header
    // names (`impl From<Ours> for String`): the orphan rule puts the impl beside it.
    header
        .rsplit_once(" for ")
        .and_then(|(_, target)| local_in(target, owners))
        .or_else(|| local_in(header, owners))
        .map(Kind::Owned)
}

/// The first of `owners` named in `text`, as `owners` spells it (borrowed from there).
fn local_in<'t>(text: &str, owners: &HashMap<&'t str, usize>) -> Option<&'t str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find_map(|word| owners.get_key_value(word).map(|(name, _)| *name))
}

/// The functions `text` names as `defaults::name`, each name whole.
fn named_functions(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices("defaults::").map(move |(at, needle)| {
        let rest = &text[at + needle.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        &rest[..end]
    })
}

/// The functions of typify's `defaults` module.
#[derive(Default)]
struct Defaults<'t> {
    functions: Vec<Function<'t>>,
}

/// One function of the `defaults` module: its name and text, eight spaces deep.
struct Function<'t> {
    name: &'t str,
    text: &'t str,
}

/// The functions inside `module`, the text of `pub mod defaults { ... }`.
fn default_functions(module: &str) -> Option<Defaults<'_>> {
    let open = module.find("pub mod defaults {\n")? + "pub mod defaults {\n".len();
    let close = module.rfind("    }\n")?;
    let body = module.get(open..close)?;
    let mut functions = Vec::new();
    for text in body.split("\n\n") {
        let text = text.trim_end_matches('\n');
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with("pub(super) fn "))?;
        let rest = line.trim_start().strip_prefix("pub(super) fn ")?;
        let end = rest.find(['<', '('])?;
        let start = body.as_ptr() as usize;
        let offset = text.as_ptr() as usize - start;
        // Each function's text with its line break, as it stands in the module.
        let with_break = &body[offset..offset + text.len() + 1];
        functions.push(Function {
            name: &rest[..end],
            text: with_break,
        });
    }
    Some(Defaults { functions })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items as typify and prettyplease write them: a block doc comment with a blank
    /// line and no blank line before it, an impl for a foreign type, a type that names
    /// a later one, two types that name each other, defaults and the error module.
    const ITEMS: &str = r#"    ///`Owner`
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
    pub struct Owner {
        pub pet: Pet,
        #[serde(default = "defaults::owner_mode")]
        pub mode: Mode,
    }
    /**A pet.

    Four spaces deep, after a blank line, and still the comment.*/
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
    pub struct Pet {
        pub name: ::std::string::String,
        #[serde(default = "defaults::pet_name_x")]
        pub nick: ::std::string::String,
    }

    impl ::std::convert::From<Pet> for ::std::string::String {
        fn from(value: Pet) -> Self {
            value.name
        }
    }

    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
    pub enum Mode {
        Careful,
    }

    impl ::std::str::FromStr for Mode {
        type Err = self::error::ConversionError;
        fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            Ok(Self::Careful)
        }
    }

    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
    pub struct Tree {
        pub forest: ::std::vec::Vec<Forest>,
    }

    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
    pub struct Forest {
        pub trees: ::std::vec::Vec<Tree>,
    }

    /// Generation of default values for serde.
    pub mod defaults {
        pub(super) fn owner_mode() -> super::Mode {
            super::Mode::Careful
        }

        pub(super) fn pet_name_x() -> ::std::string::String {
            "x".to_string()
        }
    }

    /// Error types.
    pub mod error {
        pub struct ConversionError(::std::borrow::Cow<'static, str>);
    }
"#;

    /// Which part holds the item whose text has `needle`.
    fn part_with(parts: &[Part], needle: &str) -> usize {
        let found: Vec<usize> = (0..parts.len())
            .filter(|&k| parts[k].items.contains(needle))
            .collect();
        assert_eq!(found.len(), 1, "{needle} in parts {found:?}");
        found[0]
    }

    #[test]
    fn items_come_apart_where_prettyplease_puts_them_together() {
        let chunks = top_level_chunks(ITEMS).unwrap();
        let heads: Vec<&str> = chunks
            .iter()
            .map(|c| head_line(c).unwrap().trim())
            .collect();
        assert_eq!(
            heads,
            [
                "pub struct Owner {",
                "pub struct Pet {",
                "impl ::std::convert::From<Pet> for ::std::string::String {",
                "pub enum Mode {",
                "impl ::std::str::FromStr for Mode {",
                "pub struct Tree {",
                "pub struct Forest {",
                "pub mod defaults {",
                "pub mod error {",
            ]
        );
        // Nothing is lost: the pieces are the text again, blank lines aside.
        let joined: String = chunks.concat();
        let without_blanks = |t: &str| {
            t.lines()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(without_blanks(&joined), without_blanks(ITEMS));
    }

    #[test]
    fn every_part_names_only_itself_and_earlier_parts() {
        // Parts so small that every type would be a part of its own.
        let parts = split(ITEMS, 1, &BTreeSet::new()).unwrap().parts;
        let owner = part_with(&parts, "pub struct Owner");
        let pet = part_with(&parts, "pub struct Pet");
        let mode = part_with(&parts, "pub enum Mode");
        assert!(pet < owner && mode < owner, "{parts:#?}");
        assert!(parts[owner].imports.contains(&pet) && parts[owner].imports.contains(&mode));
        // An impl goes with our type, even when it is for a foreign one.
        assert_eq!(part_with(&parts, "for ::std::string::String"), pet);
        assert_eq!(part_with(&parts, "impl ::std::str::FromStr for Mode"), mode);
        // Types that name each other stay together.
        assert_eq!(
            part_with(&parts, "pub struct Tree"),
            part_with(&parts, "pub struct Forest")
        );
        // The error module is in the first part, and a part that uses it imports it.
        assert_eq!(part_with(&parts, "pub mod error"), 0);
        assert!(mode == 0 || parts[mode].imports.contains(&0));
        // Each default function goes with the field that names it, in a private module.
        assert!(parts[owner]
            .items
            .contains("    mod defaults {\n        pub(super) fn owner_mode()"));
        assert_eq!(part_with(&parts, "fn pet_name_x"), pet);
        assert!(!parts.iter().any(|p| p.items.contains("pub mod defaults")));
        for (k, part) in parts.iter().enumerate() {
            assert!(
                part.imports.iter().all(|&j| j < k),
                "part {k}: {:?}",
                part.imports
            );
        }
    }

    /// [`ITEMS`] after a macro's definition, with two types written by invocations of it:
    /// one that `Owner` names and one that nothing names.
    fn items_with_macro() -> String {
        let definition = "    /// Writes an enum.\n    macro_rules! string_enum {\n        \
                          ($($tokens:tt)*) => { type E = self::error::ConversionError; };\n    }\n";
        let invocation = |name: &str| {
            format!("    string_enum! {{\n        ///`{name}`\n        pub enum {name} {{\n            \
                     A = \"a\",\n        }}\n    }}\n")
        };
        let items = ITEMS.replace(
            "        pub mode: Mode,\n",
            "        pub mode: Mode,\n        pub kind: Kind,\n",
        );
        format!(
            "{definition}\n{items}\n{}\n{}",
            invocation("Kind"),
            invocation("Lone")
        )
    }

    #[test]
    fn a_macro_is_defined_in_every_part_that_invokes_it() {
        let items = items_with_macro();
        let parts = split(&items, 1, &BTreeSet::new()).unwrap().parts;
        let kind = part_with(&parts, "pub enum Kind");
        let lone = part_with(&parts, "pub enum Lone");
        assert!(kind < part_with(&parts, "pub struct Owner"), "{parts:#?}");
        for (k, part) in parts.iter().enumerate() {
            let defines = part.items.matches("macro_rules! string_enum {").count();
            let invokes = part.items.contains("    string_enum! {");
            assert_eq!(defines, usize::from(invokes), "part {k}: {}", part.items);
            if invokes {
                // The definition comes first, and the macro's code names the error module.
                assert!(
                    part.items.starts_with("    /// Writes an enum."),
                    "{}",
                    part.items
                );
            }
        }
        for part in [kind, lone] {
            assert!(parts[part].items.contains("macro_rules!"));
            assert!(part == 0 || parts[part].imports.contains(&0), "{parts:#?}");
        }
    }

    #[test]
    fn an_invocation_goes_with_its_type_and_the_import_with_it() {
        // As the runtime's `deserialize_struct!` is imported and invoked after a struct.
        let items = format!(
            "    use ::specfirst_runtime::deserialize_struct;\n\n{}",
            ITEMS.replace(
                "        pub nick: ::std::string::String,\n    }\n",
                "        pub nick: ::std::string::String,\n    }\n    \
                 deserialize_struct!(Pet { name, nick default = defaults::pet_name_x });\n",
            )
        );
        let parts = split(&items, 1, &BTreeSet::new()).unwrap().parts;
        let pet = part_with(&parts, "pub struct Pet");
        assert_eq!(part_with(&parts, "deserialize_struct!(Pet"), pet);
        assert_eq!(
            part_with(&parts, "use ::specfirst_runtime::deserialize_struct;"),
            pet
        );
        assert!(
            parts[pet]
                .items
                .starts_with("    use ::specfirst_runtime::deserialize_struct;\n"),
            "{}",
            parts[pet].items
        );
        // The default function the invocation names goes with it.
        assert!(
            parts[pet].items.contains("fn pet_name_x"),
            "{}",
            parts[pet].items
        );
    }

    #[test]
    fn big_parts_hold_everything_once() {
        let parts = split(ITEMS, usize::MAX, &BTreeSet::new()).unwrap().parts;
        // The error module alone, then every type.
        assert_eq!(parts.len(), 2);
        assert!(parts[0].imports.is_empty());
        assert!(parts[0].items.trim_start().starts_with("/// Error types."));
        assert!(!parts[0].items.contains("pub struct Owner"));
        assert_eq!(parts[1].imports, [0]);
        for needle in ["pub struct Owner", "pub struct Forest", "fn owner_mode"] {
            assert_eq!(parts[1].items.matches(needle).count(), 1, "{needle}");
        }
    }

    #[test]
    fn types_of_one_depth_fill_parts_that_need_none_of_each_other() {
        // Three leaves of one depth, each a part when parts are small, and a type naming
        // two of them: the leaves' parts name only the error module's.
        let leaf = |name: &str| {
            format!(
                "    #[derive(Clone, Debug)]\n    pub struct {name} {{\n        pub x: u8,\n    }}\n"
            )
        };
        let items = [
            leaf("A"),
            leaf("B"),
            leaf("C"),
            "    #[derive(Clone, Debug)]\n    pub struct Top {\n        pub a: A,\n        pub c: C,\n    }\n".to_string(),
            "    /// Error types.\n    pub mod error {\n        pub struct ConversionError;\n    }\n".to_string(),
        ]
        .join("\n");
        let parts = split(&items, 1, &BTreeSet::new()).unwrap().parts;
        assert_eq!(parts.len(), 5, "{parts:#?}");
        let top = part_with(&parts, "pub struct Top");
        assert_eq!(top, 4);
        for leaf in ["pub struct A ", "pub struct B ", "pub struct C "] {
            let at = part_with(&parts, leaf);
            assert!((1..4).contains(&at));
            assert!(
                parts[at].imports.is_empty(),
                "{leaf}: {:?}",
                parts[at].imports
            );
        }
        let mut top_imports = parts[top].imports.clone();
        top_imports.sort_unstable();
        assert_eq!(
            top_imports,
            [
                part_with(&parts, "pub struct A "),
                part_with(&parts, "pub struct C ")
            ]
        );
    }

    #[test]
    fn kept_types_and_what_names_them_stay_in_the_api_crate() {
        let keep = BTreeSet::from(["Pet".to_string()]);
        let split = split(ITEMS, 1, &keep).unwrap();
        // `Owner` names `Pet`; `Mode` names neither and goes to a model crate.
        for needle in [
            "pub struct Pet",
            "pub struct Owner",
            "for ::std::string::String",
            "fn owner_mode",
            "fn pet_name_x",
        ] {
            assert!(split.kept.contains(needle), "{needle} kept: {}", split.kept);
            assert!(
                !split.parts.iter().any(|p| p.items.contains(needle)),
                "{needle} moved"
            );
        }
        assert!(split.kept.contains("    mod defaults {"));
        assert!(split
            .parts
            .iter()
            .any(|p| p.items.contains("pub enum Mode")));
        assert!(split.parts[0].items.contains("pub mod error"));
    }

    #[test]
    fn text_that_is_not_items_is_not_cut() {
        assert_eq!(
            split("pub struct NotIndented;\n", 1, &BTreeSet::new()),
            None
        );
        assert_eq!(
            split("    const SURPRISE: u8 = 1;\n", 1, &BTreeSet::new()),
            None
        );
    }

    #[test]
    fn a_default_function_is_named_whole() {
        let names = |text| named_functions(text).collect::<Vec<_>>();
        assert_eq!(names(r#"default = "defaults::pet_name")"#), ["pet_name"]);
        assert_eq!(
            names(r#"default = "defaults::pet_name_x")"#),
            ["pet_name_x"]
        );
        assert_eq!(
            names("defaults::default_u64::<i64, 3> defaults::a"),
            ["default_u64", "a"]
        );
    }
}
