//! The SQLite store: schema, rows to books, keyset-paginated queries and the change log.
//!
//! Each sort mode reads along an index in order (`(title, id)` or the primary key), and
//! a later page starts strictly after the previous page's last row, so a scan sees
//! every book exactly once even while books are added or removed behind it.

use std::str::FromStr;

use bookshelf_api::types::{Book, BookChange, BookSortMode, BookTitle, DeletedBook, Genre};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension, Row};
use specfirst_runtime::Nullable;
use uuid::Uuid;

use super::{corrupt, Scan, StoreError};

/// The tables and indexes; `IF NOT EXISTS` so an existing database file is reused.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS books (
    id             TEXT PRIMARY KEY NOT NULL,
    title          TEXT NOT NULL,
    author         TEXT NOT NULL,
    genre          TEXT NOT NULL,
    published_year INTEGER,
    added_at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS books_by_title ON books (title, id);
CREATE TABLE IF NOT EXISTS book_tags (
    book_id  TEXT NOT NULL REFERENCES books (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tag      TEXT NOT NULL,
    PRIMARY KEY (book_id, position)
);
CREATE INDEX IF NOT EXISTS book_tags_by_tag ON book_tags (tag, book_id);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key  TEXT PRIMARY KEY NOT NULL,
    book TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    change TEXT NOT NULL
);
";

/// Opens (or creates) the database at `path`, or an in-memory one.
pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Connection> {
    let connection = match path {
        Some(path) => Connection::open(path)?,
        None => Connection::open_in_memory()?,
    };
    connection.execute_batch("PRAGMA foreign_keys = ON;")?;
    connection.execute_batch(SCHEMA)?;
    Ok(connection)
}

const COLUMNS: &str = "id, title, author, genre, published_year, added_at";

fn book_from_row(connection: &Connection, row: &Row<'_>) -> Result<Book, StoreError> {
    let id: String = row.get(0)?;
    let title: String = row.get(1)?;
    let genre: String = row.get(3)?;
    let added_at: String = row.get(5)?;
    let mut tags_query = connection
        .prepare_cached("SELECT tag FROM book_tags WHERE book_id = ?1 ORDER BY position")?;
    let tags = tags_query
        .query_map([&id], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Book {
        id: Uuid::parse_str(&id).map_err(|e| corrupt(&id, e))?,
        title: BookTitle::try_from(title).map_err(|e| corrupt(&id, e))?,
        author: row.get(2)?,
        genre: Genre::from_str(&genre).map_err(|e| corrupt(&id, e))?,
        // An unknown year is left out of the book rather than written as `null`.
        published_year: Nullable::absent_if_none(row.get(4)?),
        added_at: chrono::DateTime::parse_from_rfc3339(&added_at)
            .map_err(|e| corrupt(&id, e))?
            .with_timezone(&chrono::Utc),
        // A book without tags is written without them, as it was created.
        tags: (!tags.is_empty()).then_some(tags),
    })
}

/// The book with `id`, if there is one.
pub fn get(connection: &Connection, id: Uuid) -> Result<Option<Book>, StoreError> {
    let mut query =
        connection.prepare_cached(&format!("SELECT {COLUMNS} FROM books WHERE id = ?1"))?;
    let mut rows = query.query([id.to_string()])?;
    match rows.next()? {
        Some(row) => book_from_row(connection, row).map(Some),
        None => Ok(None),
    }
}

/// Starts a unit of writes that [`finish`] ends: all of its writes are kept or none is,
/// whatever stops the process half-way. A savepoint, so it nests inside a caller's unit.
pub fn begin(connection: &Connection) -> Result<(), StoreError> {
    connection.execute_batch("SAVEPOINT change")?;
    Ok(())
}

/// Ends the unit [`begin`] started: keeps its writes if `result` is a success, and
/// drops them otherwise.
pub fn finish<T>(connection: &Connection, result: Result<T, StoreError>) -> Result<T, StoreError> {
    match result {
        Ok(value) => {
            connection.execute_batch("RELEASE change")?;
            Ok(value)
        }
        Err(error) => {
            // The error that stopped the change is the one to report.
            let _ = connection.execute_batch("ROLLBACK TO change; RELEASE change");
            Err(error)
        }
    }
}

/// Inserts or replaces `book` with its tags, as one unit.
pub fn put(connection: &Connection, book: &Book) -> Result<(), StoreError> {
    begin(connection)?;
    finish(connection, put_rows(connection, book))
}

fn put_rows(connection: &Connection, book: &Book) -> Result<(), StoreError> {
    let id = book.id.to_string();
    let existed: bool = connection
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM books WHERE id = ?1)")?
        .query_row([&id], |row| row.get(0))?;
    connection.execute(
        "INSERT INTO books (id, title, author, genre, published_year, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET title = ?2, author = ?3, genre = ?4, published_year = ?5",
        params![
            id,
            book.title.as_str(),
            book.author,
            book.genre.to_string(),
            book.published_year.as_option(),
            book.added_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        ],
    )?;
    connection.execute("DELETE FROM book_tags WHERE book_id = ?1", [&id])?;
    for (position, tag) in book.tags.iter().flatten().enumerate() {
        connection.execute(
            "INSERT INTO book_tags (book_id, position, tag) VALUES (?1, ?2, ?3)",
            params![id, position as i64, tag],
        )?;
    }
    // The book as readers will get it back (the time it was first added kept).
    let stored = get(connection, book.id)?.ok_or_else(|| corrupt(&id, "not stored"))?;
    log(
        connection,
        &match existed {
            true => BookChange::Replaced(stored),
            false => BookChange::Created(stored),
        },
    )
}

/// Removes the book with `id`, logging it; whether there was one.
pub fn delete(connection: &Connection, id: Uuid) -> Result<bool, StoreError> {
    begin(connection)?;
    let deleted = (|| {
        let deleted = connection.execute("DELETE FROM books WHERE id = ?1", [id.to_string()])? > 0;
        if deleted {
            log(connection, &BookChange::Deleted(DeletedBook { id }))?;
        }
        Ok(deleted)
    })();
    finish(connection, deleted)
}

/// Appends `change` to the change log.
fn log(connection: &Connection, change: &BookChange) -> Result<(), StoreError> {
    let json = serde_json::to_string(change).map_err(|e| corrupt("change", e))?;
    connection
        .prepare_cached("INSERT INTO changes (change) VALUES (?1)")?
        .execute([json])?;
    Ok(())
}

/// At most `limit` changes after the one numbered `after`, each with its number.
pub fn changes_after(
    connection: &Connection,
    after: u64,
    limit: u32,
) -> Result<Vec<(u64, BookChange)>, StoreError> {
    let mut query = connection.prepare_cached(
        "SELECT number, change FROM changes WHERE number > ?1 ORDER BY number LIMIT ?2",
    )?;
    let after = i64::try_from(after).unwrap_or(i64::MAX);
    let rows = query.query_map(params![after, limit], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (number, json) = row?;
        let change = serde_json::from_str(&json).map_err(|e| corrupt(&number.to_string(), e))?;
        changes.push((number as u64, change));
    }
    Ok(changes)
}

/// The number of the latest change, 0 before the first.
pub fn last_change(connection: &Connection) -> Result<u64, StoreError> {
    let last: i64 = connection
        .prepare_cached("SELECT COALESCE(MAX(number), 0) FROM changes")?
        .query_row([], |row| row.get(0))?;
    Ok(last as u64)
}

/// The book first created under an idempotency key, as it was returned then.
pub fn created_by_key(connection: &Connection, key: &str) -> Result<Option<Book>, StoreError> {
    let stored: Option<String> = connection
        .query_row(
            "SELECT book FROM idempotency_keys WHERE key = ?1",
            [key],
            |row| row.get(0),
        )
        .optional()?;
    stored
        .map(|json| serde_json::from_str(&json).map_err(|e| corrupt(key, e)))
        .transpose()
}

/// Remembers `book` as the result of the first create under `key`.
pub fn remember_key(connection: &Connection, key: &str, book: &Book) -> Result<(), StoreError> {
    let json = serde_json::to_string(book).map_err(|e| corrupt(key, e))?;
    connection.execute(
        "INSERT INTO idempotency_keys (key, book) VALUES (?1, ?2)",
        params![key, json],
    )?;
    Ok(())
}

/// The books of one page of `scan`, in order.
pub fn page(connection: &Connection, scan: &Scan<'_>) -> Result<Vec<Book>, StoreError> {
    let mut conditions = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    let (order, cmp) = match scan.sort {
        BookSortMode::TitleAscending => ("title ASC, id ASC", ">"),
        BookSortMode::TitleDescending => ("title DESC, id DESC", "<"),
        BookSortMode::IdAscending => ("id ASC", ">"),
        BookSortMode::IdDescending => ("id DESC", "<"),
    };
    if let Some(after) = scan.after {
        match scan.sort {
            BookSortMode::TitleAscending | BookSortMode::TitleDescending => {
                conditions.push(format!("(title, id) {cmp} (?, ?)"));
                values.push(SqlValue::Text(after.title.clone()));
            }
            BookSortMode::IdAscending | BookSortMode::IdDescending => {
                conditions.push(format!("id {cmp} ?"));
            }
        }
        values.push(SqlValue::Text(after.id.to_string()));
    }
    if let Some(genre) = scan.genre {
        conditions.push("genre = ?".into());
        values.push(SqlValue::Text(genre.to_string()));
    }
    for tag in scan.tags {
        conditions.push(
            "EXISTS (SELECT 1 FROM book_tags t WHERE t.book_id = books.id AND t.tag = ?)".into(),
        );
        values.push(SqlValue::Text(tag.clone()));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    values.push(SqlValue::Integer(i64::from(scan.limit)));
    let sql = format!("SELECT {COLUMNS} FROM books {filter} ORDER BY {order} LIMIT ?");
    let mut query = connection.prepare_cached(&sql)?;
    let mut rows = query.query(rusqlite::params_from_iter(values))?;
    let mut books = Vec::new();
    while let Some(row) = rows.next()? {
        books.push(book_from_row(connection, row)?);
    }
    Ok(books)
}
