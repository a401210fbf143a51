//! The service guide (catalogue and FAQ, with every topic's materials) from central, kept in the
//! store so the guide works when central is unreachable.
//!
//! Each fetch revalidates the cached copy with its ETag: "not modified" costs no body; a network
//! failure, a time-out or a 5xx falls back to the cached copy, marked as such so the screen can
//! say how old it is. Only with no copy at all does the guide fail.

use super::client::{CentralClient, Conditional};
use super::error::CentralError;
use crate::store::{Store, StoreError};
use central_api::dto::{Catalogue, Faq};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

/// Cache key of the catalogue.
pub const CATALOGUE_KEY: &str = "guide/catalogue";
/// Cache key of the FAQ.
pub const FAQ_KEY: &str = "guide/faq";

/// Where a guide value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Central sent a new version.
    Central,
    /// Central confirmed the cached copy is current.
    Revalidated,
    /// Central was unreachable: the cached copy, fetched at this time (unix ms).
    Offline {
        /// When the copy was last fetched or revalidated.
        fetched_at_ms: i64,
    },
}

/// A guide value and its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guide<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

/// The guide could not be shown.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GuideError {
    /// Central is unreachable and nothing is cached yet.
    #[error("service guide unavailable: central unreachable and nothing cached ({0})")]
    NoCopy(CentralError),
    /// Central refused or broke the contract (not a reason to show an old copy silently).
    #[error("service guide: {0}")]
    Central(CentralError),
    /// The store failed.
    #[error("service guide cache: {0}")]
    Store(#[from] StoreError),
    /// The cached copy is unreadable (it is dropped and fetched again next time).
    #[error("service guide cache holds an unreadable copy: {0}")]
    Corrupt(String),
}

/// The catalogue, from central or the cache.
pub async fn catalogue(
    client: &CentralClient,
    store: &Store,
    now_ms: i64,
) -> Result<Guide<Catalogue>, GuideError> {
    fetch(store, CATALOGUE_KEY, now_ms, |etag| async move {
        client.catalogue(etag.as_deref()).await
    })
    .await
}

/// The FAQ, from central or the cache.
pub async fn faq(
    client: &CentralClient,
    store: &Store,
    now_ms: i64,
) -> Result<Guide<Faq>, GuideError> {
    fetch(store, FAQ_KEY, now_ms, |etag| async move {
        client.faq(etag.as_deref()).await
    })
    .await
}

async fn fetch<T, F, Fut>(
    store: &Store,
    key: &str,
    now_ms: i64,
    get: F,
) -> Result<Guide<T>, GuideError>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Conditional<T>, CentralError>>,
{
    let cached = store.cache_get(key)?;
    let decode = |body: &[u8]| {
        serde_json::from_slice::<T>(body).map_err(|e| GuideError::Corrupt(e.to_string()))
    };
    let etag = cached.as_ref().and_then(|c| c.etag.clone());
    match get(etag).await {
        Ok(Conditional::Fresh { etag, value }) => {
            let body =
                serde_json::to_vec(&value).map_err(|e| GuideError::Corrupt(e.to_string()))?;
            store.cache_put(key, etag.as_deref(), &body, now_ms)?;
            Ok(Guide {
                value,
                source: Source::Central,
            })
        }
        Ok(Conditional::NotModified) => match cached {
            Some(entry) => {
                store.cache_touch(key, now_ms)?;
                match decode(&entry.body) {
                    Ok(value) => Ok(Guide {
                        value,
                        source: Source::Revalidated,
                    }),
                    Err(e) => {
                        store.cache_remove(key)?;
                        Err(e)
                    }
                }
            }
            None => Err(GuideError::Central(CentralError::Protocol(
                "304 Not Modified without an ETag sent".to_owned(),
            ))),
        },
        Err(e) if e.is_transient() => match cached {
            Some(entry) => {
                tracing::warn!(error = %e, key, "central unreachable; showing the cached service guide");
                Ok(Guide {
                    value: decode(&entry.body)?,
                    source: Source::Offline {
                        fetched_at_ms: entry.fetched_at_ms,
                    },
                })
            }
            None => Err(GuideError::NoCopy(e)),
        },
        Err(e) => Err(GuideError::Central(e)),
    }
}
