//! The operations of `api/src/spec.rs`, one file per tag. Each handler parses its input, then
//! runs its logic in one SQLite transaction through [`super::app::mutate`] or
//! [`super::app::read`]; the logic functions take the transaction and the request's [`Ctx`]
//! (the server's clock among it) and return the answer or an [`ApiError`].
//!
//! [`Ctx`]: super::app::Ctx
//! [`ApiError`]: super::error::ApiError

pub mod cases;
pub mod guide;
pub mod identity;
pub mod kiosk;
pub mod queue;
pub mod records;

use super::error::ApiError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};

/// A path parameter, or `400` with an error body.
pub fn path_param(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|Path(value)| value).map_err(ApiError::malformed)
}

/// Query parameters, or `400` with an error body.
pub fn query_params<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query.map(|Query(value)| value).map_err(ApiError::malformed)
}
