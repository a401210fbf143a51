//! Errors of the async shell: a failed link to CUPS kept apart from CUPS refusing a request.

use crate::state::MissingAttribute;
use ipp::error::IppError;
use ipp::model::StatusCode;
use thiserror::Error;

/// The printer address could not be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not a URI, or not an `ipp://` or `http://` URI with a host.
    #[error("not a usable printer URI (ipp://host:port/printers/NAME): {uri:?}")]
    BadUri {
        /// The URI as given.
        uri: String,
    },
}

/// A request to CUPS failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CupsError {
    /// The link failed: cupsd unreachable, connection reset, HTTP error, request time-out. Wraps
    /// the `ipp` crate's error.
    #[error("CUPS link failed during {operation}: {source}")]
    Link {
        /// The IPP operation, for example `Print-Job`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: IppError,
    },
    /// CUPS answered and refused: unknown queue or job (`client-error-not-found`), queue
    /// rejecting jobs (`server-error-not-accepting-jobs`), unsupported format, not authorised.
    #[error("CUPS refused {operation}: {status}{}", .message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default())]
    Refused {
        /// The IPP operation.
        operation: &'static str,
        /// The IPP status code.
        status: StatusCode,
        /// CUPS's `status-message`, if any.
        message: Option<String>,
    },
    /// CUPS answered success but without an attribute the driver needs.
    #[error("CUPS answered {operation} without what the driver needs: {source}")]
    Response {
        /// The IPP operation.
        operation: &'static str,
        /// What was missing.
        #[source]
        source: MissingAttribute,
    },
    /// The request could not be built (a job name longer than IPP allows, for example).
    #[error("request for {operation} could not be built: {source}")]
    Request {
        /// The IPP operation.
        operation: &'static str,
        /// The `ipp` crate's reason.
        #[source]
        source: ipp::parser::IppParseError,
    },
}

impl CupsError {
    /// Whether CUPS itself answered (a refusal or an odd response) rather than the link failing.
    pub fn is_refusal(&self) -> bool {
        matches!(self, CupsError::Refused { .. })
    }
}
