//! The service-guide cache: the catalogue, FAQ and materials as central last sent them.

use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError};

/// A cached response body and what is needed to revalidate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedEntry {
    /// The entity tag central sent with the body, if it sent one.
    pub etag: Option<String>,
    /// The body as central sent it.
    pub body: Vec<u8>,
    /// When the body was fetched or last revalidated, in unix milliseconds.
    pub fetched_at_ms: i64,
}

impl Store {
    /// Stores `body` under `key`, replacing what was there.
    pub fn cache_put(
        &self,
        key: &str,
        etag: Option<&str>,
        body: &[u8],
        fetched_at_ms: i64,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.prepare_cached(
            "INSERT INTO cache (key, etag, body, fetched_at) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (key) DO UPDATE \
             SET etag = excluded.etag, body = excluded.body, fetched_at = excluded.fetched_at",
        )?
        .execute(params![key, etag, body, fetched_at_ms])?;
        Ok(())
    }

    /// The entry stored under `key`, if any.
    pub fn cache_get(&self, key: &str) -> Result<Option<CachedEntry>, StoreError> {
        let conn = self.lock();
        let entry = conn
            .prepare_cached("SELECT etag, body, fetched_at FROM cache WHERE key = ?1")?
            .query_row([key], |row| Ok(decode_entry(row)))
            .optional()?;
        match entry {
            None => Ok(None),
            Some(Ok(entry)) => Ok(Some(entry)),
            Some(Err(e)) => Err(StoreError::CorruptRow {
                table: "cache",
                row: key.to_owned(),
                detail: e.to_string(),
            }),
        }
    }

    /// Marks the entry under `key` as revalidated at `fetched_at_ms` (central answered "not
    /// modified"); returns whether there was an entry.
    pub fn cache_touch(&self, key: &str, fetched_at_ms: i64) -> Result<bool, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached("UPDATE cache SET fetched_at = ?2 WHERE key = ?1")?
            .execute(params![key, fetched_at_ms])?;
        Ok(changed > 0)
    }

    /// Removes the entry under `key`; returns whether there was one.
    pub fn cache_remove(&self, key: &str) -> Result<bool, StoreError> {
        let conn = self.lock();
        let changed = conn
            .prepare_cached("DELETE FROM cache WHERE key = ?1")?
            .execute([key])?;
        Ok(changed > 0)
    }
}

/// Decodes a cache row; an error here means the row, not the query, is at fault.
fn decode_entry(row: &Row<'_>) -> rusqlite::Result<CachedEntry> {
    Ok(CachedEntry {
        etag: row.get(0)?,
        body: row.get(1)?,
        fetched_at_ms: row.get(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::TempDir;
    use super::*;

    #[test]
    fn put_get_and_overwrite() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        assert_eq!(store.cache_get("catalogue").unwrap(), None);

        store
            .cache_put("catalogue", Some("\"1\""), b"one", 100)
            .unwrap();
        assert_eq!(
            store.cache_get("catalogue").unwrap(),
            Some(CachedEntry {
                etag: Some("\"1\"".to_owned()),
                body: b"one".to_vec(),
                fetched_at_ms: 100,
            })
        );

        store.cache_put("catalogue", None, b"two", 200).unwrap();
        assert_eq!(
            store.cache_get("catalogue").unwrap(),
            Some(CachedEntry {
                etag: None,
                body: b"two".to_vec(),
                fetched_at_ms: 200,
            })
        );
        assert_eq!(store.cache_get("faq").unwrap(), None);
    }

    #[test]
    fn touch_revalidates_and_remove_deletes() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        assert!(!store.cache_touch("faq", 5).unwrap());
        store.cache_put("faq", Some("e"), b"body", 1).unwrap();
        assert!(store.cache_touch("faq", 5).unwrap());
        let entry = store.cache_get("faq").unwrap().unwrap();
        assert_eq!(
            (entry.fetched_at_ms, entry.body.as_slice()),
            (5, &b"body"[..])
        );
        assert!(store.cache_remove("faq").unwrap());
        assert!(!store.cache_remove("faq").unwrap());
        assert_eq!(store.cache_get("faq").unwrap(), None);
    }

    #[test]
    fn an_undecodable_entry_is_reported() {
        let dir = TempDir::new();
        let store = Store::open(dir.db()).unwrap();
        store
            .lock()
            .execute(
                "INSERT INTO cache (key, etag, body, fetched_at) VALUES ('x', NULL, X'00', 'soon')",
                [],
            )
            .unwrap();
        assert!(matches!(
            store.cache_get("x"),
            Err(StoreError::CorruptRow { table: "cache", .. })
        ));
    }
}
