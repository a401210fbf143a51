//! What a call to central can end in, kept apart by who is at fault and what the kiosk does next.

use central_api::dto::{ErrorBody, ErrorCode};
use std::time::Duration;
use thiserror::Error;

/// A call to central failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CentralError {
    /// Central could not be reached (connection refused or reset, DNS, TLS handshake). Safe calls
    /// were retried; state changes that must not be lost go to the outbox.
    #[error("central unreachable: {0}")]
    Unreachable(String),
    /// No answer within the call's time-out.
    #[error("central did not answer within {0:?}")]
    Timeout(Duration),
    /// Central answered with a refusal it explains (4xx with an error body).
    #[error("central refused ({status}): {} ({:?})", .body.message, .body.code)]
    Refused {
        /// HTTP status.
        status: u16,
        /// Central's explanation.
        body: ErrorBody,
    },
    /// Central failed (5xx), after retries where they were safe.
    #[error("central failed with HTTP {status}")]
    Server {
        /// HTTP status.
        status: u16,
        /// Central's explanation, when it gave one.
        body: Option<ErrorBody>,
    },
    /// Central answered something this client cannot read (a contract violation).
    #[error("central's answer breaks the contract: {0}")]
    Protocol(String),
    /// The client is misconfigured (bad certificate or key file, bad URL).
    #[error("central client misconfigured: {0}")]
    Config(String),
}

impl CentralError {
    /// The error code central gave, if any.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CentralError::Refused { body, .. } => Some(body.code),
            CentralError::Server {
                body: Some(body), ..
            } => Some(body.code),
            _ => None,
        }
    }

    /// Whether the same request may succeed later unchanged (network, time-out, 5xx, 429): the
    /// outbox keeps such records and replays them.
    pub fn is_transient(&self) -> bool {
        match self {
            CentralError::Unreachable(_)
            | CentralError::Timeout(_)
            | CentralError::Server { .. } => true,
            CentralError::Refused { status, .. } => *status == 429 || *status == 408,
            CentralError::Protocol(_) | CentralError::Config(_) => false,
        }
    }

    /// What to tell the citizen, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            CentralError::Refused { body, .. } if !body.message_zh.is_empty() => {
                body.message_zh.clone()
            }
            CentralError::Unreachable(_) | CentralError::Timeout(_) => {
                "暂时无法连接登记中心，请稍后再试或到人工窗口办理".to_owned()
            }
            CentralError::Server { .. } => {
                "登记中心系统繁忙，请稍后再试或到人工窗口办理".to_owned()
            }
            _ => "系统故障，请到人工窗口办理".to_owned(),
        }
    }
}
