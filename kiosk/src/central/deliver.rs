//! The outbox's way to central: replays a stored request with its idempotency key and maps the
//! answer onto the outbox's confirm / retry / dead-letter decision.

use super::client::CentralClient;
use super::error::CentralError;
use crate::store::{Deliver, Delivered, DeliveryError, OutboxRecord};
use central_api::dto::ErrorCode;
use std::future::Future;
use uuid::Uuid;

/// Delivers outbox records through a [`CentralClient`].
#[derive(Debug, Clone, Copy)]
pub struct CentralDeliverer<'a> {
    client: &'a CentralClient,
}

impl<'a> CentralDeliverer<'a> {
    /// A deliverer over `client`.
    pub fn new(client: &'a CentralClient) -> CentralDeliverer<'a> {
        CentralDeliverer { client }
    }
}

/// What the outbox does with central's answer.
pub fn classify(result: Result<(), CentralError>) -> Result<Delivered, DeliveryError> {
    match result {
        Ok(()) => Ok(Delivered::Applied),
        // The state change already exists on central (made at another kiosk or a window while
        // this one was offline): nothing is lost, nothing to repeat.
        Err(e)
            if matches!(
                e.code(),
                Some(ErrorCode::AlreadyCheckedIn | ErrorCode::AlreadyRated)
            ) =>
        {
            Ok(Delivered::AlreadyApplied)
        }
        Err(e) if e.is_transient() => {
            let retry_after_ms = match &e {
                CentralError::Server {
                    body: Some(body), ..
                }
                | CentralError::Refused { body, .. } => body.retry_after_ms,
                _ => None,
            };
            Err(DeliveryError::Retryable {
                reason: e.to_string(),
                retry_after_ms,
            })
        }
        Err(e) => Err(DeliveryError::Rejected {
            reason: e.to_string(),
        }),
    }
}

impl Deliver for CentralDeliverer<'_> {
    fn deliver(
        &mut self,
        record: &OutboxRecord,
    ) -> impl Future<Output = Result<Delivered, DeliveryError>> + Send {
        let client = self.client;
        let key = Uuid::parse_str(&record.idempotency_key);
        let method = record.method.as_str();
        let path = record.path.clone();
        let body = record.body.clone();
        async move {
            let Ok(key) = key else {
                return Err(DeliveryError::Rejected {
                    reason: "idempotency key is not a UUID".to_owned(),
                });
            };
            classify(client.send_raw(method, &path, &body, key).await.map(drop))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use central_api::dto::ErrorBody;

    fn refused(status: u16, code: ErrorCode) -> CentralError {
        CentralError::Refused {
            status,
            body: ErrorBody::new(code, "x", "x"),
        }
    }

    #[test]
    fn answers_map_to_outbox_decisions() {
        assert_eq!(classify(Ok(())), Ok(Delivered::Applied));
        assert_eq!(
            classify(Err(refused(409, ErrorCode::AlreadyRated))),
            Ok(Delivered::AlreadyApplied)
        );
        assert!(matches!(
            classify(Err(CentralError::Unreachable("refused".into()))),
            Err(DeliveryError::Retryable { .. })
        ));
        let mut busy = ErrorBody::new(ErrorCode::Unavailable, "x", "x");
        busy.retry_after_ms = Some(1500);
        assert_eq!(
            classify(Err(CentralError::Server {
                status: 503,
                body: Some(busy)
            })),
            Err(DeliveryError::Retryable {
                reason: "central failed with HTTP 503".into(),
                retry_after_ms: Some(1500)
            })
        );
        assert!(matches!(
            classify(Err(refused(400, ErrorCode::BadRequest))),
            Err(DeliveryError::Rejected { .. })
        ));
        assert!(matches!(
            classify(Err(refused(429, ErrorCode::Unavailable))),
            Err(DeliveryError::Retryable { .. })
        ));
    }
}
