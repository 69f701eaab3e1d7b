//! The in-memory store: the books SQLite would give back, kept in ordered maps, and the
//! change log in a list.
//!
//! Each scan order is a range of one map, as it is a range of one index in SQLite, so a
//! page costs the books it reads, not a sort of the whole shelf per request.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound::{Excluded, Unbounded};

use bookshelf_api::types::{Book, BookChange, BookSortMode, DeletedBook};
use specfirst_runtime::Nullable;
use uuid::Uuid;

use super::{Scan, StoreError};

/// Books, their orders and idempotency keys in memory: what the benchmark serves from
/// when it leaves SQLite out.
#[derive(Default)]
pub struct MemoryStore {
    /// Every book, by id. A `Uuid` orders by its bytes, and so by its hyphenated
    /// lowercase text (fixed-width hex, hyphens in fixed places): the order SQLite gives
    /// the `TEXT` id column.
    by_id: BTreeMap<Uuid, Book>,
    /// `(title, id)` of every book: SQLite's `books_by_title` index. `String` compares
    /// bytes, as SQLite's default collation does.
    by_title: BTreeSet<(String, Uuid)>,
    /// The book first created under each idempotency key.
    keys: HashMap<String, Book>,
    /// The change log: change `n` at index `n - 1`.
    changes: Vec<BookChange>,
    /// How to take back each write of the open units, oldest first.
    undo: Vec<Undo>,
    /// Where each open unit's entries in `undo` start, innermost last.
    units: Vec<usize>,
}

/// How to take back one write.
enum Undo {
    /// Put back what `id` held before: a book, or none.
    Book { id: Uuid, before: Option<Book> },
    /// Forget a remembered key.
    Key(String),
    /// Forget the latest change.
    Change,
}

/// `book` as SQLite gives it back: times to the microsecond, no `null` year, no empty
/// tag list. So a book reads back the same from either store.
fn as_stored(book: &Book, added_at: chrono::DateTime<chrono::Utc>) -> Book {
    Book {
        added_at: chrono::SubsecRound::trunc_subsecs(added_at, 6),
        published_year: Nullable::absent_if_none(book.published_year.as_option().copied()),
        tags: book.tags.clone().filter(|tags| !tags.is_empty()),
        ..book.clone()
    }
}

impl MemoryStore {
    /// The book with `id`, if there is one.
    pub fn get(&self, id: Uuid) -> Option<Book> {
        self.by_id.get(&id).cloned()
    }

    /// Inserts `book`, or replaces the book with its id.
    pub fn put(&mut self, book: &Book) {
        // As SQLite's upsert: a replaced book keeps the time it was first added.
        let added_at = self
            .by_id
            .get(&book.id)
            .map_or(book.added_at, |old| old.added_at);
        let stored = as_stored(book, added_at);
        let before = self.replace(book.id, Some(stored.clone()));
        let change = match before {
            Some(_) => BookChange::Replaced(stored),
            None => BookChange::Created(stored),
        };
        self.record(Undo::Book {
            id: book.id,
            before,
        });
        self.log(change);
    }

    /// Removes the book with `id`; whether there was one.
    pub fn delete(&mut self, id: Uuid) -> bool {
        let before = self.replace(id, None);
        let existed = before.is_some();
        self.record(Undo::Book { id, before });
        if existed {
            self.log(BookChange::Deleted(DeletedBook { id }));
        }
        existed
    }

    /// At most `limit` changes after the one numbered `after`, each with its number.
    pub fn changes_after(&self, after: u64, limit: u32) -> Vec<(u64, BookChange)> {
        let start = usize::try_from(after).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        (start.saturating_add(1)..)
            .zip(self.changes.iter().skip(start))
            .take(limit)
            .map(|(number, change)| (number as u64, change.clone()))
            .collect()
    }

    /// The number of the latest change, 0 before the first.
    pub fn last_change(&self) -> u64 {
        self.changes.len() as u64
    }

    /// Appends `change` to the log.
    fn log(&mut self, change: BookChange) {
        self.changes.push(change);
        self.record(Undo::Change);
    }

    /// The book first created under an idempotency key.
    pub fn created_by_key(&self, key: &str) -> Option<Book> {
        self.keys.get(key).cloned()
    }

    /// Remembers `book` as the result of the first create under `key`.
    pub fn remember_key(&mut self, key: &str, book: &Book) -> Result<(), StoreError> {
        // SQLite's primary key refuses a second book under a key; refusing here too
        // means a caller that forgot to look first fails with either store.
        if self.keys.contains_key(key) {
            return Err(StoreError::KeyTaken {
                key: key.to_owned(),
            });
        }
        self.keys.insert(key.to_owned(), book.clone());
        self.record(Undo::Key(key.to_owned()));
        Ok(())
    }

    /// The books of one page of `scan`, in order.
    pub fn page(&self, scan: &Scan<'_>) -> Vec<Book> {
        let after_title = |after: &crate::BookMarker| (after.title.clone(), after.id);
        // Always a book: `replace` changes both maps together.
        let book = |(_, id): &(String, Uuid)| self.by_id.get(id);
        let in_order: Box<dyn Iterator<Item = &Book> + '_> = match scan.sort {
            BookSortMode::TitleAscending => {
                let start = scan
                    .after
                    .map_or(Unbounded, |after| Excluded(after_title(after)));
                Box::new(self.by_title.range((start, Unbounded)).filter_map(book))
            }
            BookSortMode::TitleDescending => {
                let end = scan
                    .after
                    .map_or(Unbounded, |after| Excluded(after_title(after)));
                Box::new(self.by_title.range((Unbounded, end)).rev().filter_map(book))
            }
            BookSortMode::IdAscending => {
                let start = scan.after.map_or(Unbounded, |after| Excluded(after.id));
                Box::new(self.by_id.range((start, Unbounded)).map(|(_, book)| book))
            }
            BookSortMode::IdDescending => {
                let end = scan.after.map_or(Unbounded, |after| Excluded(after.id));
                Box::new(
                    self.by_id
                        .range((Unbounded, end))
                        .rev()
                        .map(|(_, book)| book),
                )
            }
        };
        let wanted = |book: &&Book| {
            (scan.genre.is_none() || scan.genre == Some(book.genre))
                && scan
                    .tags
                    .iter()
                    .all(|tag| book.tags.iter().flatten().any(|carried| carried == tag))
        };
        let limit = usize::try_from(scan.limit).unwrap_or(usize::MAX);
        in_order.filter(wanted).take(limit).cloned().collect()
    }

    /// Opens a unit that [`finish`](Self::finish) closes.
    pub fn begin(&mut self) {
        self.units.push(self.undo.len());
    }

    /// Closes the innermost open unit: if `result` is an error, takes back the unit's
    /// writes, newest first.
    pub fn finish<T>(&mut self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        let start = self.units.pop().unwrap_or(0);
        if result.is_err() {
            let undone = self.undo.split_off(start.min(self.undo.len()));
            for undo in undone.into_iter().rev() {
                match undo {
                    Undo::Book { id, before } => {
                        self.replace(id, before);
                    }
                    Undo::Key(key) => {
                        self.keys.remove(&key);
                    }
                    Undo::Change => {
                        self.changes.pop();
                    }
                }
            }
        }
        // Once the outermost unit is closed nothing can take its writes back.
        if self.units.is_empty() {
            self.undo.clear();
        }
        result
    }

    /// Notes how to take back a write, while a unit is open to take it back.
    fn record(&mut self, undo: Undo) {
        if !self.units.is_empty() {
            self.undo.push(undo);
        }
    }

    /// Puts `book` (or none) at `id`, in both maps; what `id` held before.
    fn replace(&mut self, id: Uuid, book: Option<Book>) -> Option<Book> {
        let before = self.by_id.remove(&id);
        if let Some(old) = &before {
            self.by_title.remove(&(old.title.to_string(), id));
        }
        if let Some(new) = book {
            self.by_title.insert((new.title.to_string(), id));
            self.by_id.insert(id, new);
        }
        before
    }
}
