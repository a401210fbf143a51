//! Performs the flows' [`CentralCall`]s through the signed client and maps the client's typed
//! errors onto the flows' [`CentralFailure`].

use crate::central::guide::{self, GuideError, Source};
use crate::central::{CentralClient, CentralError};
use crate::store::Store;
use base64::Engine;
use central_api::dto::{LivenessEvidence, VerificationRequest};
use flows::{Cached, CentralCall, CentralFailure, Reply};
use std::sync::Arc;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

/// The face evidence of a passed check, held until the flows discard it (right after the
/// verification) or the session is wiped; a copy goes with each verification call (a retry
/// after a transient failure needs it again). Both copies are zeroed on drop.
#[derive(Clone)]
pub struct FaceEvidence {
    /// The best frame, JPEG; zeroed on drop.
    pub jpeg: Zeroizing<Vec<u8>>,
    /// What the liveness check observed.
    pub liveness: LivenessEvidence,
}

impl std::fmt::Debug for FaceEvidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FaceEvidence {{ {} JPEG bytes }}", self.jpeg.len())
    }
}

/// The flows' failure for a client error: one to one.
pub fn failure(error: &CentralError) -> CentralFailure {
    match error {
        CentralError::Unreachable(_) => CentralFailure::Unreachable,
        CentralError::Timeout(_) => CentralFailure::Timeout,
        CentralError::Refused { body, .. } => CentralFailure::Refused(body.clone()),
        CentralError::Server { .. } => CentralFailure::Server,
        _ => CentralFailure::Broken,
    }
}

fn guide_failure(error: &GuideError) -> CentralFailure {
    match error {
        GuideError::NoCopy(e) | GuideError::Central(e) => failure(e),
        _ => CentralFailure::Broken,
    }
}

fn cached<T>(g: guide::Guide<T>, now_ms: i64) -> Cached<T> {
    Cached {
        value: g.value,
        offline_age_ms: match g.source {
            Source::Offline { fetched_at_ms } => {
                Some(u64::try_from(now_ms.saturating_sub(fetched_at_ms)).unwrap_or(0))
            }
            _ => None,
        },
    }
}

/// Whether a failure means central cannot be reached (its status goes down).
pub fn is_unreachable(reply: &Reply) -> bool {
    let failure = match reply {
        Reply::Verification(Err(f))
        | Reply::Records(Err(f))
        | Reply::PropertyCheck(Err(f))
        | Reply::Certificate(Err(f))
        | Reply::Appointments(Err(f))
        | Reply::Ticket(Err(f))
        | Reply::Case(Err(f))
        | Reply::Fees(Err(f))
        | Reply::Payment(Err(f))
        | Reply::Pickup(Err(f))
        | Reply::Catalogue(Err(f))
        | Reply::Faq(Err(f))
        | Reply::Question(Err(f))
        | Reply::Rating(Err(f)) => f,
        _ => return false,
    };
    matches!(
        failure,
        CentralFailure::Unreachable | CentralFailure::Timeout
    )
}

/// Performs one call. State changes get a fresh idempotency key (the client retries under it).
/// `face` is the evidence for [`CentralCall::VerifyIdentity`]; it is dropped (zeroed) here.
pub async fn perform(
    client: &CentralClient,
    store: &Arc<Store>,
    call: CentralCall,
    face: Option<FaceEvidence>,
    now_ms: i64,
) -> Reply {
    let key = Uuid::new_v4();
    let err = |e: CentralError| failure(&e);
    match call {
        CentralCall::VerifyIdentity {
            identity, consent, ..
        } => {
            let Some(face) = face else {
                // The frame was wiped (or never taken): the check must be done again.
                tracing::warn!("verification asked without a best frame; refusing locally");
                return Reply::Verification(Err(CentralFailure::Broken));
            };
            let mut request = VerificationRequest {
                identity,
                face_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&*face.jpeg),
                liveness: face.liveness.clone(),
                consent,
            };
            drop(face);
            let result = client.verify_identity(&request, key).await.map_err(err);
            request.face_jpeg_base64.zeroize();
            Reply::Verification(result)
        }
        CentralCall::Records { verification_id } => {
            Reply::Records(client.records(verification_id).await.map_err(err))
        }
        CentralCall::PropertyCheck { verification_id } => {
            Reply::PropertyCheck(client.property_check(verification_id).await.map_err(err))
        }
        CentralCall::IssueCertificate(request) => Reply::Certificate(
            client
                .issue_certificate(&request, key)
                .await
                .map(Box::new)
                .map_err(err),
        ),
        CentralCall::AppointmentsOf { verification_id } => {
            Reply::Appointments(client.appointments_of(verification_id).await.map_err(err))
        }
        CentralCall::AppointmentsByCode { booking_code } => Reply::Appointments(
            client
                .appointments_by_code(&booking_code)
                .await
                .map_err(err),
        ),
        CentralCall::CheckIn {
            appointment_id,
            request,
        } => Reply::Ticket(
            client
                .check_in(&appointment_id, &request, key)
                .await
                .map_err(err),
        ),
        CentralCall::CreateTicket(request) => {
            Reply::Ticket(client.create_ticket(&request, key).await.map_err(err))
        }
        CentralCall::Case { case_number } => {
            Reply::Case(client.case(&case_number).await.map_err(err))
        }
        CentralCall::Fees { case_number } => {
            Reply::Fees(client.fees(&case_number).await.map_err(err))
        }
        CentralCall::CreatePayment { case_number } => {
            Reply::Payment(client.create_payment(&case_number, key).await.map_err(err))
        }
        CentralCall::Payment { order_id } => {
            Reply::Payment(client.payment(&order_id).await.map_err(err))
        }
        CentralCall::SetPickup {
            case_number,
            request,
        } => Reply::Pickup(
            client
                .set_pickup(&case_number, &request, key)
                .await
                .map_err(err),
        ),
        CentralCall::Catalogue => Reply::Catalogue(
            guide::catalogue(client, store, now_ms)
                .await
                .map(|g| cached(g, now_ms))
                .map_err(|e| guide_failure(&e)),
        ),
        CentralCall::Faq => Reply::Faq(
            guide::faq(client, store, now_ms)
                .await
                .map(|g| cached(g, now_ms))
                .map_err(|e| guide_failure(&e)),
        ),
        CentralCall::CreateQuestion(request) => {
            Reply::Question(client.create_question(&request, key).await.map_err(err))
        }
        CentralCall::CreateRating(request) => {
            Reply::Rating(client.create_rating(&request, key).await.map_err(err))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use central_api::dto::{ErrorBody, ErrorCode};
    use std::time::Duration;

    #[test]
    fn client_errors_map_one_to_one() {
        assert_eq!(
            failure(&CentralError::Unreachable("x".into())),
            CentralFailure::Unreachable
        );
        assert_eq!(
            failure(&CentralError::Timeout(Duration::from_secs(1))),
            CentralFailure::Timeout
        );
        assert_eq!(
            failure(&CentralError::Server {
                status: 503,
                body: None
            }),
            CentralFailure::Server
        );
        assert_eq!(
            failure(&CentralError::Protocol("x".into())),
            CentralFailure::Broken
        );
        assert_eq!(
            failure(&CentralError::Config("x".into())),
            CentralFailure::Broken
        );
        let body: ErrorBody = serde_json::from_value(serde_json::json!({
            "code": "not_found", "message": "no", "message_zh": "无"
        }))
        .unwrap();
        assert_eq!(body.code, ErrorCode::NotFound);
        assert_eq!(
            failure(&CentralError::Refused {
                status: 404,
                body: body.clone()
            }),
            CentralFailure::Refused(body)
        );
        assert!(is_unreachable(&Reply::Case(Err(CentralFailure::Timeout))));
        assert!(!is_unreachable(&Reply::Case(Err(CentralFailure::Server))));
    }
}
