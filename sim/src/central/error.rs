//! Refusals: an HTTP status with the contract's [`ErrorBody`] (English for logs, Chinese for the
//! citizen). Every error the simulator sends goes through [`ApiError`], including the
//! extractor rejections that axum would otherwise answer in plain text.

use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use central_api::dto::{ErrorBody, ErrorCode};
use time::OffsetDateTime;

/// A refusal: status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error with its status, code and two messages.
    pub fn new(
        status: StatusCode,
        code: ErrorCode,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            body: ErrorBody::new(code, message, message_zh),
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>, message_zh: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            message,
            message_zh,
        )
    }

    /// 400 `bad_request` for a body or parameter that does not parse.
    pub fn malformed(detail: impl std::fmt::Display) -> ApiError {
        ApiError::bad_request(format!("malformed request: {detail}"), "请求格式有误")
    }

    /// 404 `not_found`.
    pub fn not_found(what: &str, what_zh: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("{what} not found"),
            format!("未找到{what_zh}"),
        )
    }

    /// 403 `verification_expired`.
    pub fn verification_expired() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::VerificationExpired,
            "verification unknown or expired: verify the citizen again",
            "身份核验已过期，请重新核验",
        )
    }

    /// 409 with a code.
    pub fn conflict(
        code: ErrorCode,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message, message_zh)
    }

    /// 422 with a code (identity verification refusals).
    pub fn unprocessable(
        code: ErrorCode,
        message: impl Into<String>,
        message_zh: impl Into<String>,
    ) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message, message_zh)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthenticated,
            message,
            "终端身份认证失败",
        )
    }

    /// 500 `internal`: the simulator itself failed (a database error); the request may be
    /// retried.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            format!("internal error: {detail}"),
            "系统内部错误，请稍后重试",
        )
    }

    /// Adds `earliest_at` (for `too_early`).
    pub fn with_earliest_at(mut self, at: OffsetDateTime) -> ApiError {
        self.body.earliest_at = Some(at);
        self
    }

    /// Adds `walk_in_offered` (for `too_late`).
    pub fn with_walk_in_offered(mut self, offered: bool) -> ApiError {
        self.body.walk_in_offered = Some(offered);
        self
    }

    /// Adds `retry_after_ms` (for `unavailable`).
    pub fn with_retry_after_ms(mut self, ms: u64) -> ApiError {
        self.body.retry_after_ms = Some(ms);
        self
    }

    /// The body as JSON bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        // Serialising a struct of strings and options cannot fail; an empty body would be
        // noticed by any client.
        serde_json::to_vec(&self.body).unwrap_or_default()
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(error: rusqlite::Error) -> ApiError {
        ApiError::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = self.body_bytes();
        (self.status, [(CONTENT_TYPE, "application/json")], body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_carries_the_extras_only_when_set() {
        let plain = ApiError::not_found("case", "办件");
        let json: serde_json::Value = serde_json::from_slice(&plain.body_bytes()).unwrap();
        assert_eq!(json["code"], "not_found");
        assert!(json.get("earliest_at").is_none());
        let late =
            ApiError::conflict(ErrorCode::TooLate, "late", "迟到").with_walk_in_offered(true);
        let json: serde_json::Value = serde_json::from_slice(&late.body_bytes()).unwrap();
        assert_eq!(json["walk_in_offered"], true);
        assert_eq!(late.status, StatusCode::CONFLICT);
    }
}
