//! Formatting: tokens to the text prettyplease writes, on every core.
//!
//! prettyplease writes a file one item after another, and an item's text depends only on
//! how deep the item is, not on its neighbours. So code is formatted in parts, on as many
//! threads as there are cores, and the texts are joined in order ([`Joined`]): the text
//! of formatting the whole file at once, without ever holding the syntax tree of the
//! whole file, and the same whatever the threads' timing.
//!
//! Emitting builds its parts on the threads that format them ([`parallel`], [`items`]).
//! typify's code is one token stream, and token streams cannot move between threads, so
//! [`format`] cuts it into items, a module into its head and its items, and hands out
//! batches of items as token text, each formatted inside as many wrapper modules as it is
//! deep (whose lines are cut off again) while the next batch is cut. Code that does not
//! come apart this way (an item the cutting misjudged, or an [`Edit`] that reached past
//! its batch) is formatted whole instead.

pub(crate) mod invocations;
pub(crate) mod operations;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Token text per batch of items: big enough that formatting, not handing out work,
/// costs the time, and small enough that the cores share the work evenly.
const BATCH: usize = 32 * 1024;

/// The item that stands in for a module's items while its head is formatted.
const PLACEHOLDER: &str = "struct __SpecfirstPlaceholder;";

/// The module each batch is wrapped in once per level of depth.
const WRAPPER: &str = "mod __specfirst_depth {";

/// A change to the top-level items of a batch before they are formatted, which returns
/// the names of the types it changed; every struct of such a name and every impl for it
/// must be in the batch (a batch ends before an item that is not an impl, so a struct
/// and the impls written right after it stay together).
pub(crate) type Edit = Arc<dyn Fn(&mut Vec<syn::Item>) -> Vec<String> + Send + Sync>;

/// Code that does not parse: why, and the code unformatted.
pub(crate) struct Unparsable {
    pub message: String,
    pub code: String,
}

/// The code `build` pushes, formatted as prettyplease formats it `depth` modules deep,
/// with a blank line between items ([`space_items`]), its top-level items changed by
/// `edit`. Other threads format batches while `build` pushes more.
pub(crate) fn format(
    depth: usize,
    edit: Option<Edit>,
    build: impl FnOnce(&mut Code<'_>),
) -> Result<String, Unparsable> {
    let mut code = Vec::new();
    let done = scoped(|pool| {
        let mut items = Code::new(pool, depth, edit.clone());
        build(&mut items);
        items.flush();
        code = items.parts;
    });
    if let Ok(done) = done.into_iter().collect::<Result<Vec<_>, _>>() {
        if edits_stay_in_batches(&done) {
            let mut out = Joined::with_capacity(done.iter().map(Done::len).sum());
            join(&code, &mut done.into_iter(), &mut out);
            return Ok(out.text);
        }
    }
    // Formatting the code whole gives the same text when the items come apart as they
    // should; this is the way for code where they did not.
    let mut unformatted = String::new();
    write_unformatted(&code, &mut unformatted);
    let job = Job {
        code: unformatted.as_str().into(),
        depth,
        kind: Kind::Items { edit },
    };
    match job.run() {
        Ok(Done::Items { text, .. }) => Ok(text),
        Ok(Done::Module { .. }) => unreachable!("an items job gives items"),
        Err(message) => Err(Unparsable {
            message,
            code: unformatted,
        }),
    }
}

/// Code being pushed, `depth` modules deep: batches of items, and modules split open.
pub(crate) struct Code<'p> {
    pool: &'p Pool<'static, Result<Done, String>>,
    depth: usize,
    /// The change to this code's items (not to those of the modules in it).
    edit: Option<Edit>,
    parts: Vec<Part>,
    /// Items not yet handed out, as token text.
    batch: String,
}

enum Part {
    /// Items as token text.
    Items { code: Arc<str> },
    /// A module: its head up to and with the opening brace and any inner attributes,
    /// then its items.
    Module { open: Arc<str>, inner: Vec<Part> },
}

impl<'p> Code<'p> {
    fn new(
        pool: &'p Pool<'static, Result<Done, String>>,
        depth: usize,
        edit: Option<Edit>,
    ) -> Self {
        Self {
            pool,
            depth,
            edit,
            parts: Vec::new(),
            batch: String::new(),
        }
    }

    /// Adds the items of `tokens`, with every module with items split open.
    pub fn push(&mut self, tokens: TokenStream) {
        for item in split_items(tokens) {
            if let Some((open, content)) = module_open(&item) {
                if !content.is_empty() {
                    self.flush();
                    let open: Arc<str> = open.into();
                    self.submit(&open, self.depth, Kind::Module);
                    let mut inner = Code::new(self.pool, self.depth + 1, None);
                    inner.push(content.into_iter().collect());
                    inner.flush();
                    self.parts.push(Part::Module {
                        open,
                        inner: inner.parts,
                    });
                    continue;
                }
            }
            // A batch ends before an item that is not an impl, so that an edit sees a
            // struct with the impls written right after it.
            if self.batch.len() >= BATCH && !is_impl(&item) {
                self.flush();
            }
            write_tokens(&mut self.batch, &item);
            self.batch.push('\n');
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let code: Arc<str> = std::mem::take(&mut self.batch).into();
        let edit = self.edit.clone();
        self.submit(&code, self.depth, Kind::Items { edit });
        self.parts.push(Part::Items { code });
    }

    fn submit(&self, code: &Arc<str>, depth: usize, kind: Kind) {
        let job = Job {
            code: Arc::clone(code),
            depth,
            kind,
        };
        self.pool.submit(Box::new(move || job.run()));
    }
}

/// Work for another thread, living as long as `'s`.
pub(crate) type Task<'s, R> = Box<dyn FnOnce() -> R + Send + 's>;

/// `tasks` run on every core, those at the indices `first` before the others; their
/// results in the order of the tasks.
pub(crate) fn parallel<'s, R: Send>(tasks: Vec<Task<'s, R>>, first: &[usize]) -> Vec<R> {
    if tasks.len() < 2 {
        return tasks.into_iter().map(|task| task()).collect();
    }
    let order: Vec<usize> = first
        .iter()
        .copied()
        .chain((0..tasks.len()).filter(|index| !first.contains(index)))
        .collect();
    let mut tasks: Vec<Option<Task<'s, R>>> = tasks.into_iter().map(Some).collect();
    let done = scoped(|pool| {
        for &index in &order {
            if let Some(task) = tasks[index].take() {
                pool.submit(task);
            }
        }
    });
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(order.len()).collect();
    for (index, result) in order.into_iter().zip(done) {
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| unreachable!("every task ran once")))
        .collect()
}

/// The results of the tasks `produce` submits to the pool, in the order submitted.
/// Other threads run tasks while `produce` is still submitting; then this one helps.
fn scoped<'s, R: Send>(produce: impl FnOnce(&Pool<'s, R>)) -> Vec<R> {
    let pool = Pool {
        state: Mutex::new(State {
            waiting: VecDeque::new(),
            submitted: 0,
            closed: false,
            done: Vec::new(),
        }),
        ready: Condvar::new(),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 1..threads {
            // Without a thread the calling one does all the work.
            let _ = std::thread::Builder::new()
                .stack_size(crate::THREAD_STACK)
                .spawn_scoped(scope, || pool.work(true));
        }
        produce(&pool);
        pool.close();
        pool.work(false);
    });
    pool.finish()
}

/// Tasks handed out in order to the threads running them, and their results.
struct Pool<'s, R> {
    state: Mutex<State<'s, R>>,
    ready: Condvar,
}

struct State<'s, R> {
    waiting: VecDeque<(usize, Task<'s, R>)>,
    submitted: usize,
    closed: bool,
    done: Vec<(usize, R)>,
}

impl<'s, R> Pool<'s, R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State<'s, R>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn submit(&self, task: Task<'s, R>) {
        let mut state = self.lock();
        let index = state.submitted;
        state.submitted += 1;
        state.waiting.push_back((index, task));
        drop(state);
        self.ready.notify_one();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    /// Runs tasks until none is left: until the pool is closed when `wait`ing.
    fn work(&self, wait: bool) {
        let mut state = self.lock();
        loop {
            if let Some((index, task)) = state.waiting.pop_front() {
                drop(state);
                let result = task();
                state = self.lock();
                state.done.push((index, result));
            } else if wait && !state.closed {
                state = self
                    .ready
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            } else {
                return;
            }
        }
    }

    /// The results in the order the tasks were submitted.
    fn finish(self) -> Vec<R> {
        let mut done = self
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .done;
        done.sort_unstable_by_key(|(index, _)| *index);
        done.into_iter().map(|(_, result)| result).collect()
    }
}

fn join(parts: &[Part], done: &mut std::vec::IntoIter<Done>, out: &mut Joined) {
    for part in parts {
        match part {
            Part::Items { .. } => match done.next() {
                Some(Done::Items { text, .. }) => out.push(&text),
                _ => unreachable!("one result per job, in order"),
            },
            Part::Module { inner, .. } => match done.next() {
                Some(Done::Module { head, foot }) => {
                    out.push(&head);
                    join(inner, done, out);
                    out.push(&foot);
                }
                _ => unreachable!("one result per job, in order"),
            },
        }
    }
}

/// The code as one token text.
fn write_unformatted(parts: &[Part], out: &mut String) {
    for part in parts {
        match part {
            Part::Items { code, .. } => out.push_str(code),
            Part::Module { open, inner } => {
                out.push_str(open);
                out.push('\n');
                write_unformatted(inner, out);
                out.push_str("}\n");
            }
        }
    }
}

/// One batch of items, or one module's head, to format.
struct Job {
    code: Arc<str>,
    depth: usize,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Items { edit: Option<Edit> },
    Module,
}

enum Done {
    Items {
        text: String,
        /// What an edit changed, and the types the items are of.
        edited: Option<Edited>,
    },
    Module {
        head: String,
        foot: String,
    },
}

impl Done {
    /// The length of the text.
    fn len(&self) -> usize {
        match self {
            Done::Items { text, .. } => text.len(),
            Done::Module { head, foot } => head.len() + foot.len(),
        }
    }
}

/// The types an edit changed in a batch, and the names of the batch's structs and of
/// the types its impls are for.
struct Edited {
    changed: Vec<String>,
    types: Vec<String>,
}

impl Job {
    fn run(&self) -> Result<Done, String> {
        let mut wrapped = String::with_capacity(self.code.len() + self.depth * 32 + 64);
        for _ in 0..self.depth {
            wrapped.push_str(WRAPPER);
            wrapped.push('\n');
        }
        wrapped.push_str(&self.code);
        if let Kind::Module = self.kind {
            wrapped.push_str(PLACEHOLDER);
            wrapped.push_str("\n}");
        }
        for _ in 0..self.depth {
            wrapped.push_str("\n}");
        }
        let mut file: syn::File = syn::parse_str(&wrapped).map_err(|error| error.to_string())?;
        drop(wrapped);
        let mut edited = None;
        if let Kind::Items { edit: Some(edit) } = &self.kind {
            edited = Some(apply(edit, innermost(&mut file.items, self.depth)));
        }
        let text = prettyplease::unparse(&file);
        drop(file);
        let text = unwrap(&text, self.depth).ok_or("wrapper modules not found")?;
        match self.kind {
            Kind::Items { .. } => Ok(Done::Items {
                text: space_items(text),
                edited,
            }),
            Kind::Module => {
                let (head, foot) = around_placeholder(text).ok_or("placeholder not found")?;
                Ok(Done::Module {
                    head: space_items(head),
                    foot: space_items(foot),
                })
            }
        }
    }
}

/// `tokens`, items, formatted at the top level, with a blank line between items.
pub(crate) fn items(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|error| error.to_string())?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// `tokens`, items, formatted as [`items`] does, except that the items of each
/// top-level inline module named in `modules` are formatted on their own, as the text of
/// a file of that module, and the module is declared there instead (`mod name;`, its
/// attributes kept). Gives the text and each such module's name and items, in order.
pub(crate) fn items_and_modules(
    tokens: TokenStream,
    modules: &[&str],
) -> Result<(String, Vec<(String, String)>), String> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|error| error.to_string())?;
    let mut files = Vec::new();
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if !modules.iter().any(|name| module.ident == name) {
            continue;
        }
        let Some((_, items)) = module.content.take() else {
            continue;
        };
        module.semi = Some(Default::default());
        let inner = syn::File {
            shebang: None,
            attrs: Vec::new(),
            items,
        };
        files.push((module.ident.to_string(), file_text(&inner)));
    }
    Ok((file_text(&file), files))
}

/// `file` formatted as a file of its own: [`space_items`], and a blank line after each
/// run of one-line top-level `use` or `mod` declarations that other code follows, as
/// after the imports a person writes (a module declared `mod name;` has no closing brace
/// for [`space_items`] to see).
fn file_text(file: &syn::File) -> String {
    spaced(&prettyplease::unparse(file), |previous, line| {
        blank_between(previous, line) || ends_declarations(previous, line)
    })
}

/// The text before and after the items of `module`, a module written with no items, at
/// the top level: what goes around items formatted one level deeper.
pub(crate) fn module_parts(module: TokenStream) -> Result<(String, String), String> {
    let mut module: Vec<TokenTree> = module.into_iter().collect();
    let body = match module.last_mut() {
        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => group,
        _ => return Err("not a module with a body".into()),
    };
    let placeholder: TokenStream = PLACEHOLDER.parse().map_err(|_| "placeholder")?;
    let mut items = body.stream();
    items.extend(placeholder);
    *body = proc_macro2::Group::new(Delimiter::Brace, items);
    let file: syn::File =
        syn::parse2(module.into_iter().collect()).map_err(|error| error.to_string())?;
    let text = prettyplease::unparse(&file);
    let (head, foot) = around_placeholder(&text).ok_or("placeholder not found")?;
    Ok((space_items(head), space_items(foot)))
}

/// `text` before and after the line of [`PLACEHOLDER`].
fn around_placeholder(text: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == PLACEHOLDER {
            return Some((&text[..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// The items `depth` wrapper modules deep in `items`.
fn innermost(items: &mut Vec<syn::Item>, depth: usize) -> &mut Vec<syn::Item> {
    if depth == 0 {
        return items;
    }
    match items.as_mut_slice() {
        [syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        })] => innermost(inner, depth - 1),
        _ => unreachable!("the wrapper modules parsed as written"),
    }
}

/// `text` without the first `depth` lines and the last `depth` lines, which are the
/// wrapper modules' own.
fn unwrap(text: &str, depth: usize) -> Option<&str> {
    let mut start = 0;
    for _ in 0..depth {
        let line = text[start..].split_inclusive('\n').next()?;
        if line.trim() != WRAPPER {
            return None;
        }
        start += line.len();
    }
    let mut end = text.len();
    for _ in 0..depth {
        let before = text[..end].strip_suffix('\n')?;
        let line_start = before.rfind('\n').map_or(0, |at| at + 1);
        if before[line_start..].trim() != "}" {
            return None;
        }
        end = line_start;
    }
    (start <= end).then(|| &text[start..end])
}

/// `edit` over one batch's `items`.
fn apply(edit: &Edit, items: &mut Vec<syn::Item>) -> Edited {
    let changed = edit(items);
    let mut types = Vec::new();
    for item in items.iter() {
        match item {
            syn::Item::Struct(item) => types.push(item.ident.to_string()),
            syn::Item::Impl(item) => {
                if let syn::Type::Path(self_type) = &*item.self_ty {
                    if let Some(name) = self_type.path.segments.last() {
                        types.push(name.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    Edited { changed, types }
}

/// Whether each type an edit changed had its batch to itself: it was changed in one
/// batch only, and no other batch has a struct of that name or an impl for it. The edit
/// over all items at once would then have made the same changes.
fn edits_stay_in_batches(done: &[Done]) -> bool {
    let edited: Vec<&Edited> = done
        .iter()
        .filter_map(|done| match done {
            Done::Items {
                edited: Some(edited),
                ..
            } => Some(edited),
            _ => None,
        })
        .collect();
    let mut changed = std::collections::BTreeMap::new();
    for (index, batch) in edited.iter().enumerate() {
        for name in &batch.changed {
            if changed.insert(name.as_str(), index).is_some() {
                return false;
            }
        }
    }
    edited.iter().enumerate().all(|(index, batch)| {
        batch
            .types
            .iter()
            .all(|name| changed.get(name.as_str()).map_or(true, |&at| at == index))
    })
}

/// Formatted pieces joined with a blank line between items, as [`space_items`] puts it
/// inside each piece.
pub(crate) struct Joined {
    pub text: String,
}

impl Joined {
    /// Room for pieces of `len` bytes in all, and the blank lines between them.
    pub fn with_capacity(len: usize) -> Self {
        Self {
            text: String::with_capacity(len + len / 16),
        }
    }

    /// Adds `piece`, text of whole lines.
    pub fn push(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        if let (Some(previous), Some(first)) = (self.text.lines().next_back(), piece.lines().next())
        {
            if blank_between(previous, first) || ends_declarations(previous, first) {
                self.text.push('\n');
            }
        }
        self.text.push_str(piece);
    }
}

/// `tokens` cut into top-level items: an item ends with a `;`, or with a `{ ... }` that
/// another item follows (so `const X: T = T { .. };` stays one item).
fn split_items(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    const STARTS: &[&str] = &[
        "pub",
        "fn",
        "struct",
        "enum",
        "impl",
        "mod",
        "trait",
        "type",
        "const",
        "static",
        "use",
        "extern",
        "unsafe",
        "async",
        "union",
        "macro_rules",
    ];
    let mut items = Vec::new();
    let mut item = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(tree) = tokens.next() {
        let ends = match &tree {
            TokenTree::Punct(punct) => punct.as_char() == ';',
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                match tokens.peek() {
                    None => true,
                    Some(TokenTree::Punct(punct)) => punct.as_char() == '#',
                    Some(TokenTree::Ident(ident)) => STARTS.iter().any(|start| ident == start),
                    Some(_) => false,
                }
            }
            _ => false,
        };
        item.push(tree);
        if ends {
            items.push(std::mem::take(&mut item));
        }
    }
    if !item.is_empty() {
        items.push(item);
    }
    items
}

/// For a module with a body, its head (outer attributes, `mod` and name, the opening
/// brace, any inner attributes) as token text, and the tokens of its items.
fn module_open(item: &[TokenTree]) -> Option<(String, Vec<TokenTree>)> {
    let mut at = skip_attributes(item, 0);
    if matches!(item.get(at), Some(TokenTree::Ident(ident)) if ident == "pub") {
        at += 1;
        if matches!(item.get(at), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis)
        {
            at += 1;
        }
    }
    if matches!(item.get(at), Some(TokenTree::Ident(ident)) if ident == "unsafe") {
        at += 1;
    }
    let (Some(TokenTree::Ident(keyword)), Some(TokenTree::Ident(_)), Some(TokenTree::Group(body))) =
        (item.get(at), item.get(at + 1), item.get(at + 2))
    else {
        return None;
    };
    if keyword != "mod" || body.delimiter() != Delimiter::Brace || at + 3 != item.len() {
        return None;
    }
    let content: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut inner = 0;
    while matches!(content.get(inner), Some(TokenTree::Punct(punct)) if punct.as_char() == '#')
        && matches!(content.get(inner + 1), Some(TokenTree::Punct(punct)) if punct.as_char() == '!')
        && matches!(content.get(inner + 2), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Bracket)
    {
        inner += 3;
    }
    let mut open = String::new();
    write_tokens(&mut open, &item[..at + 2]);
    open.push_str(" {\n");
    write_tokens(&mut open, &content[..inner]);
    open.push('\n');
    Some((open, content[inner..].to_vec()))
}

/// Whether `item` is an impl block.
fn is_impl(item: &[TokenTree]) -> bool {
    let mut at = skip_attributes(item, 0);
    if matches!(item.get(at), Some(TokenTree::Ident(ident)) if ident == "unsafe") {
        at += 1;
    }
    matches!(item.get(at), Some(TokenTree::Ident(ident)) if ident == "impl")
}

/// The index after the outer attributes starting at `at`.
fn skip_attributes(item: &[TokenTree], mut at: usize) -> usize {
    while matches!(item.get(at), Some(TokenTree::Punct(punct)) if punct.as_char() == '#')
        && matches!(item.get(at + 1), Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Bracket)
    {
        at += 2;
    }
    at
}

/// `trees` as `TokenStream`'s `Display` writes them.
fn write_tokens(out: &mut String, trees: &[TokenTree]) {
    let mut joint = false;
    for (index, tree) in trees.iter().enumerate() {
        if index != 0 && !joint {
            out.push(' ');
        }
        joint = matches!(tree, TokenTree::Punct(punct) if punct.spacing() == Spacing::Joint);
        let _ = write!(out, "{tree}");
    }
}

const ITEM_STARTS: &[&str] = &[
    "///",
    "#[",
    "pub ",
    "pub(",
    "fn ",
    "async fn ",
    "impl ",
    "impl<",
    "mod ",
    "struct ",
    "enum ",
    "trait ",
    "const ",
    "static ",
    "use ",
];

/// Whether a blank line goes between `previous` and `line`: an item ends with its
/// closing brace or parenthesis at its own depth, or with a `;` on a deeper continuation
/// line (`.checked(&RULES);`), and another starts.
fn blank_between(previous: &str, line: &str) -> bool {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body = line.trim_start();
    let ends_item = (matches!(previous.trim(), "}" | "};" | ");" | "];")
        && indent(previous) == indent(line))
        || (previous.ends_with(';') && indent(previous) > indent(line));
    ends_item && ITEM_STARTS.iter().any(|start| body.starts_with(start))
}

/// Whether `line` ends a run of one-line top-level `use` or `mod` declarations that
/// `next` does not continue.
fn ends_declarations(line: &str, next: &str) -> bool {
    let kind = |line: &str| {
        let rest = line
            .strip_prefix("pub(crate) ")
            .or_else(|| line.strip_prefix("pub "))
            .unwrap_or(line);
        let one_line = line.ends_with(';');
        if rest.starts_with("use ") && one_line {
            Some("use")
        } else if rest.starts_with("mod ") && one_line {
            Some("mod")
        } else {
            None
        }
    };
    kind(line).is_some_and(|kind_of_line| !next.is_empty() && kind(next) != Some(kind_of_line))
}

/// prettyplease puts items right after one another; a blank line between an item's
/// closing brace and the next item at the same depth makes the output read like code
/// written by hand.
fn space_items(code: &str) -> String {
    spaced(code, blank_between)
}

/// `code`'s lines, with a blank line between two where `blank(previous, line)`.
fn spaced(code: &str, blank: impl Fn(&str, &str) -> bool) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if previous.is_some_and(|previous| blank(previous, line)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::{format_ident, quote};

    /// What formatting the whole code at once writes, `depth` modules deep.
    fn whole(tokens: TokenStream, depth: usize, edit: Option<Edit>) -> String {
        let job = Job {
            code: tokens.to_string().into(),
            depth,
            kind: Kind::Items { edit },
        };
        match job.run() {
            Ok(Done::Items { text, .. }) => text,
            _ => panic!("the code parses"),
        }
    }

    fn in_parts(tokens: TokenStream, depth: usize, edit: Option<Edit>) -> String {
        match format(depth, edit, |code| code.push(tokens)) {
            Ok(text) => text,
            Err(unparsable) => panic!("{}", unparsable.message),
        }
    }

    /// Items of many kinds, modules with and without items, and enough of them for
    /// several batches.
    fn sample() -> TokenStream {
        let many = (0..400).map(|n| {
            let name = format_ident!("Item{n}");
            quote! {
                /// A struct with a long enough name and fields to wrap somewhere.
                #[derive(Debug, Clone, PartialEq)]
                pub struct #name { pub first_field_with_a_long_name: Option<Vec<String>>, pub second: u64 }
                impl Default for #name {
                    fn default() -> Self {
                        Self { first_field_with_a_long_name: None, second: #n }
                    }
                }
            }
        });
        quote! {
            use std::fmt;
            const LIMIT: Limits = Limits { lower: 1, upper: 2 };
            #(#many)*
            /// A module.
            pub mod inner {
                #![allow(dead_code)]
                pub fn f(x: u64) -> u64 { x + 1 }
                pub mod deeper { pub enum E { A, B(u8), C { c: i32 } } }
                mod empty {}
                pub static S: &str = "s";
            }
            impl fmt::Display for Item0 {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "{}", self.second) }
            }
            pub type Alias = Vec<(u8, String)>;
        }
    }

    #[test]
    fn formatting_in_parts_is_formatting_whole() {
        for depth in [0, 1, 2] {
            assert_eq!(
                in_parts(sample(), depth, None),
                whole(sample(), depth, None)
            );
        }
    }

    /// Renames the field `second` of `Item1`, where it is declared and built.
    fn rename_second(items: &mut Vec<syn::Item>) -> Vec<String> {
        struct Rename;
        impl syn::visit_mut::VisitMut for Rename {
            fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
                if ident == "second" {
                    *ident = format_ident!("renamed");
                }
            }
        }
        let mut changed = Vec::new();
        for item in items {
            let name = match item {
                syn::Item::Struct(item) => item.ident.to_string(),
                syn::Item::Impl(item) => {
                    let self_type = &item.self_ty;
                    quote!(#self_type).to_string()
                }
                _ => continue,
            };
            if name == "Item1" {
                syn::visit_mut::VisitMut::visit_item_mut(&mut Rename, item);
                changed.push(name);
            }
        }
        changed.dedup();
        changed
    }

    #[test]
    fn an_edit_sees_a_struct_with_its_impls() {
        let edit: Option<Edit> = Some(Arc::new(rename_second));
        let text = in_parts(sample(), 1, edit.clone());
        assert!(text.contains("pub renamed: u64"), "{text}");
        assert!(text.contains("renamed: 1i32,"), "{text}");
        assert_eq!(text, whole(sample(), 1, edit));
    }

    #[test]
    fn an_edit_reaching_past_its_batch_is_made_on_the_whole() {
        // An impl of Item1 far from the struct, in another batch.
        let tokens = {
            let sample = sample();
            quote! {
                #sample
                impl Item1 { pub fn make() -> Self { Self { first_field_with_a_long_name: None, second: 2 } } }
            }
        };
        let edit: Option<Edit> = Some(Arc::new(rename_second));
        let text = in_parts(tokens.clone(), 1, edit.clone());
        assert!(text.contains("renamed: 2"), "{text}");
        assert_eq!(text, whole(tokens, 1, edit));
    }

    #[test]
    fn items_are_cut_where_they_end() {
        let items = split_items(quote! {
            const A: T = T { a: 1 };
            const B: T = if x { y } else { z };
            #[attr] pub struct C { c: u8 }
            impl C {} fn d() {}
        });
        let texts: Vec<String> = items
            .iter()
            .map(|item| item.iter().map(ToString::to_string).collect())
            .collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
    }

    #[test]
    fn code_that_does_not_parse_comes_back_unformatted() {
        let result = format(0, None, |code| code.push(quote!(fn f() -> {})));
        let unparsable = result.expect_err("does not parse");
        assert!(unparsable.code.contains("fn f"), "{}", unparsable.code);
    }

    #[test]
    fn tasks_give_their_results_in_order() {
        let tasks: Vec<Task<'_, usize>> = (0..50_usize)
            .map(|n| Box::new(move || n * 2) as Task<'_, usize>)
            .collect();
        let expected: Vec<usize> = (0..50).map(|n| n * 2).collect();
        assert_eq!(parallel(tasks, &[7, 3]), expected);
    }
}
