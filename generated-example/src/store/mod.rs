//! Where the books are kept: SQLite (`sqlite.rs`) or plain ordered maps (`memory.rs`),
//! chosen when the server starts. Each keeps a log of the changes made to its books,
//! which `GET /books/changes` follows.
//!
//! The server keeps its books in SQLite. The in-memory store exists for the serving
//! benchmark: SQLite's cost hides the HTTP layer's, so the benchmark also runs every
//! server on a store that costs next to nothing. Both give the same answers to every
//! operation here (the tests compare them), so whatever differs between the runs is the
//! store's cost alone.
//!
//! The benchmark's hand-written servers include this directory unchanged with
//! `#[path]`, so it names nothing of the crate but [`BookMarker`].

mod memory;
mod sqlite;

use std::path::Path;

use bookshelf_api::types::{Book, BookChange, BookSortMode, BookTitle, Genre};
use specfirst_runtime::Nullable;
use uuid::Uuid;

use crate::BookMarker;

pub use memory::MemoryStore;

/// Every genre, in the order the demo books take them.
pub const GENRES: [Genre; 5] = [
    Genre::Fiction,
    Genre::NonFiction,
    Genre::Poetry,
    Genre::Science,
    Genre::History,
];

/// The books, in SQLite or in memory; every operation gives the same answer with either.
///
/// Not synchronised: the servers keep it behind one mutex, so each operation, and each
/// [`atomically`](Self::atomically) unit, sees no other request's writes half-done.
pub enum Store {
    /// A SQLite database, in a file or in memory.
    Sqlite(rusqlite::Connection),
    /// Ordered maps in memory, without SQLite.
    Memory(MemoryStore),
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A stored value no longer fits the API's types.
    #[error("stored book {id} is invalid: {reason}")]
    Corrupt {
        /// The book's id.
        id: String,
        /// What does not fit.
        reason: String,
    },
    /// A second book was remembered under an idempotency key; SQLite's primary key
    /// refuses this as an [`Sql`](Self::Sql) error, the in-memory store with this one.
    #[error("idempotency key {key:?} is already taken")]
    KeyTaken {
        /// The key.
        key: String,
    },
}

fn corrupt(id: &str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt {
        id: id.to_string(),
        reason: reason.to_string(),
    }
}

/// One page of a scan: filters, order, where to start and how many.
pub struct Scan<'a> {
    /// The order.
    pub sort: BookSortMode,
    /// Only this genre.
    pub genre: Option<Genre>,
    /// Only books carrying every one of these tags.
    pub tags: &'a [String],
    /// Start strictly after this position.
    pub after: Option<&'a BookMarker>,
    /// At most this many books.
    pub limit: u32,
}

impl Store {
    /// The SQLite database at `path` (created when missing), or an in-memory one.
    pub fn sqlite(path: Option<&Path>) -> Result<Self, StoreError> {
        Ok(Store::Sqlite(sqlite::open(path)?))
    }

    /// An empty in-memory store.
    pub fn memory() -> Self {
        Store::Memory(MemoryStore::default())
    }

    /// The book with `id`, if there is one.
    pub fn get(&self, id: Uuid) -> Result<Option<Book>, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::get(connection, id),
            Store::Memory(books) => Ok(books.get(id)),
        }
    }

    /// Inserts `book`, or replaces the book with its id, keeping the time that book was
    /// first added; as one unit with its entry in the change log (`created` or
    /// `replaced`, the book as stored).
    pub fn put(&mut self, book: &Book) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::put(connection, book),
            Store::Memory(books) => {
                books.put(book);
                Ok(())
            }
        }
    }

    /// Removes the book with `id`, logged as `deleted`; whether there was one.
    pub fn delete(&mut self, id: Uuid) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::delete(connection, id),
            Store::Memory(books) => Ok(books.delete(id)),
        }
    }

    /// The book first created under an idempotency key, as it was returned then.
    pub fn created_by_key(&self, key: &str) -> Result<Option<Book>, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::created_by_key(connection, key),
            Store::Memory(books) => Ok(books.created_by_key(key)),
        }
    }

    /// Remembers `book` as the result of the first create under `key`; a key already
    /// remembered is an error.
    pub fn remember_key(&mut self, key: &str, book: &Book) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::remember_key(connection, key, book),
            Store::Memory(books) => books.remember_key(key, book),
        }
    }

    /// The books of one page of `scan`, in order.
    pub fn page(&self, scan: &Scan<'_>) -> Result<Vec<Book>, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::page(connection, scan),
            Store::Memory(books) => Ok(books.page(scan)),
        }
    }

    /// At most `limit` changes of the log after the one numbered `after`, oldest first,
    /// each with its number (from 1).
    pub fn changes_after(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<(u64, BookChange)>, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::changes_after(connection, after, limit),
            Store::Memory(books) => Ok(books.changes_after(after, limit)),
        }
    }

    /// The number of the latest change, 0 before the first.
    pub fn last_change(&self) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::last_change(connection),
            Store::Memory(books) => Ok(books.last_change()),
        }
    }

    /// Runs `change` as one unit: if it fails, none of its writes is kept. In SQLite the
    /// unit also survives whatever stops the process half-way. Units nest.
    pub fn atomically<T>(
        &mut self,
        change: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Store::Sqlite(connection) => sqlite::begin(connection)?,
            Store::Memory(books) => books.begin(),
        }
        let result = change(self);
        match self {
            Store::Sqlite(connection) => sqlite::finish(connection, result),
            Store::Memory(books) => books.finish(result),
        }
    }

    /// Adds `count` generated books, for demonstrations and load tests. Every server
    /// fills its store here, so all of them start with the same shelf whichever the
    /// store (only the random ids and the clock differ).
    pub fn fill_demo(&mut self, count: usize) -> Result<(), StoreError> {
        // One unit: in SQLite one transaction, far faster than one per book.
        self.atomically(|store| {
            for n in 0..count {
                let book = Book {
                    id: Uuid::new_v4(),
                    title: BookTitle::try_from(format!("Volume {n:06}"))
                        .map_err(|e| corrupt(&n.to_string(), e))?,
                    author: format!("Author {}", n % 97),
                    genre: GENRES[n % GENRES.len()],
                    tags: Some(vec![format!("shelf-{}", n % 10)]),
                    published_year: Nullable::Value(1900 + (n % 125) as i32),
                    added_at: chrono::Utc::now(),
                };
                store.put(&book)?;
            }
            Ok(())
        })
    }
}
