//! Identity verification shared by the records query and the check-in by card:
//!
//! ```text
//! Consent --accept--> PlaceCard --card read--> FaceChecking --passed--> Verifying --ok--> verified
//!    |decline             ^  |rejected x3                |failed          |face mismatch /
//!    v                    |  v                           v                | liveness refused
//! exit ConsentDeclined    |  fault CardUnreadable   FaceFailed <----------+
//!                         +------back-------------- (retry while Attempts allows, else only
//!                                                    the staffed window is offered)
//! card lifted while a card is held: exit CardLifted
//! ```

use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::io::{CentralCall, Completion, DeviceEvent, Effect, FaceOutcome, Intent, Reply};
use crate::screen::{Button, ButtonId, Screen, ScreenId, Text};
use crate::text::TextKey;
use crate::types::{Device, ExitReason, Fault};
use central_api::dto::{CardIdentity, DocumentType, ErrorCode, IdNumberDto, Verification};
use idcard::{CardText, CardType};
use liveness::{Attempts, FailReason};

/// Rejected reads after which the card counts as unreadable.
const MAX_REJECTED: u8 = 3;

/// Why the last face check did not pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FaceFailure {
    /// The liveness check failed locally.
    Liveness(FailReason),
    /// Central judged the face not to match, or the liveness evidence insufficient.
    Refused,
}

/// The identity sub-flow.
#[derive(Debug)]
pub(crate) enum Identify {
    /// The consent notice.
    Consent,
    /// Waiting for the card.
    PlaceCard {
        /// Why the last card was not accepted.
        error: Option<TextKey>,
        /// Rejected reads so far.
        rejected: u8,
    },
    /// The face check runs.
    FaceChecking {
        /// The card.
        card: Box<CardText>,
        /// Attempts so far.
        attempts: Attempts,
    },
    /// The face check failed.
    FaceFailed {
        /// The card.
        card: Box<CardText>,
        /// Attempts so far.
        attempts: Attempts,
        /// Why.
        why: FaceFailure,
    },
    /// Central verifies.
    Verifying {
        /// The card.
        card: Box<CardText>,
        /// Attempts so far.
        attempts: Attempts,
    },
}

/// A verified citizen.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    /// The card (masks itself in `Debug`).
    pub card: Box<CardText>,
    /// Central's verification.
    pub verification: Verification,
}

/// Where an identity transition leads.
pub(crate) enum IdStep {
    /// Still identifying.
    Next(Identify),
    /// Verified.
    Verified(Verified),
    /// Back past the consent notice.
    Back,
    /// A fault over the state.
    Fault(Identify, Fault, bool),
    /// The session ends.
    Exit(ExitReason),
}

impl From<Step<Identify>> for IdStep {
    fn from(step: Step<Identify>) -> Self {
        match step {
            Step::Next(s) => IdStep::Next(s),
            Step::Fault {
                state,
                fault,
                retry,
            } => IdStep::Fault(state, fault, retry),
            Step::Exit(r) => IdStep::Exit(r),
        }
    }
}

/// The card's identity as central wants it, or `None` when its dates do not convert.
pub(crate) fn card_identity(card: &CardText) -> Option<CardIdentity> {
    let birth = card.birth_date();
    let month = time::Month::try_from(birth.month()).ok()?;
    let birth_date =
        time::Date::from_calendar_date(i32::from(birth.year()), month, birth.day()).ok()?;
    Some(CardIdentity {
        document_type: match card.card_type() {
            CardType::Resident => DocumentType::Resident,
            CardType::Foreigner2017 => DocumentType::Foreigner2017,
            CardType::Foreigner2023 => DocumentType::Foreigner2023,
            CardType::HkMoTwPermit => DocumentType::HkMoTwPermit,
        },
        name: card.name().expose().to_owned(),
        id_number: IdNumberDto(card.document_number().to_owned()),
        birth_date,
    })
}

/// Today's date on the card's calendar.
pub(crate) fn card_today(now: time::OffsetDateTime) -> Option<idcard::Date> {
    let year = u16::try_from(now.year()).ok()?;
    idcard::Date::new(year, u8::from(now.month()), now.day())
}

impl Identify {
    /// The first state.
    pub fn start() -> Identify {
        Identify::Consent
    }

    /// Whether a device is needed now: the reader holds the card (its lifting ends the
    /// session), the camera until the face check is over, central to verify.
    pub fn needs(&self, device: Device) -> bool {
        match device {
            Device::Reader | Device::Central => true,
            Device::Camera => !matches!(self, Identify::Verifying { .. }),
            Device::TicketPrinter | Device::A4Printer => false,
        }
    }

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            Identify::FaceChecking { .. } | Identify::Verifying { .. }
        )
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> IdStep {
        match (self, event) {
            (Identify::Consent, Event::Intent(Intent::Press(ButtonId::Accept))) => {
                cx.journal("consent", "accepted");
                IdStep::Next(Identify::PlaceCard {
                    error: None,
                    rejected: 0,
                })
            }
            (Identify::Consent, Event::Intent(Intent::Press(ButtonId::Decline))) => {
                cx.journal("consent", "declined");
                IdStep::Exit(ExitReason::ConsentDeclined)
            }
            (Identify::Consent, Event::Intent(Intent::Back)) => IdStep::Back,
            (Identify::PlaceCard { .. }, Event::Intent(Intent::Back)) => {
                IdStep::Next(Identify::Consent)
            }
            (Identify::PlaceCard { rejected, .. }, Event::Card(DeviceEvent::CardRead(card))) => {
                let valid =
                    card_today(cx.now.wall).is_some_and(|today| card.validity().is_valid_on(today));
                if card_identity(&card).is_none() {
                    Identify::rejected(rejected, cx)
                } else if !valid {
                    cx.journal("card", "expired");
                    IdStep::Next(Identify::PlaceCard {
                        error: Some(TextKey::CardExpired),
                        rejected,
                    })
                } else {
                    cx.journal("card", format!("read {}", card.card_type().as_str()));
                    cx.effect(Effect::StartFaceCheck);
                    IdStep::Next(Identify::FaceChecking {
                        card,
                        attempts: Attempts::new(),
                    })
                }
            }
            (Identify::PlaceCard { rejected, .. }, Event::Card(DeviceEvent::CardRejected)) => {
                Identify::rejected(rejected, cx)
            }
            (
                Identify::FaceChecking { .. }
                | Identify::FaceFailed { .. }
                | Identify::Verifying { .. },
                Event::Card(DeviceEvent::CardLifted),
            ) => IdStep::Exit(ExitReason::CardLifted),
            (Identify::FaceChecking { card, attempts }, Event::Done(Completion::Face(outcome))) => {
                match outcome {
                    FaceOutcome::Passed { best_frame } => {
                        cx.journal("face_check", "passed");
                        match card_identity(&card) {
                            Some(identity) => {
                                cx.call(CentralCall::VerifyIdentity {
                                    identity,
                                    best_frame,
                                    consent: true,
                                });
                                IdStep::Next(Identify::Verifying { card, attempts })
                            }
                            None => IdStep::Exit(ExitReason::Fault(Fault::CardUnreadable)),
                        }
                    }
                    FaceOutcome::Failed(reason) => {
                        cx.journal("face_check", format!("failed: {reason}"));
                        Identify::failed(card, attempts, FaceFailure::Liveness(reason))
                    }
                }
            }
            (
                Identify::FaceFailed { card, attempts, .. },
                Event::Intent(Intent::Press(ButtonId::Retry)),
            ) if attempts.may_retry() => {
                cx.effect(Effect::StartFaceCheck);
                IdStep::Next(Identify::FaceChecking { card, attempts })
            }
            (Identify::FaceFailed { .. }, Event::Intent(Intent::Back)) => {
                IdStep::Next(Identify::PlaceCard {
                    error: None,
                    rejected: 0,
                })
            }
            (
                Identify::Verifying { card, attempts },
                Event::Done(Completion::Central(Reply::Verification(result))),
            ) => match result {
                Ok(verification) => {
                    cx.journal("verify_identity", "verified");
                    cx.effect(Effect::DiscardFaceImages);
                    IdStep::Verified(Verified { card, verification })
                }
                Err(failure)
                    if matches!(
                        failure.code(),
                        Some(ErrorCode::FaceMismatch | ErrorCode::LivenessFailed)
                    ) =>
                {
                    cx.journal("verify_identity", "face refused by central");
                    cx.effect(Effect::DiscardFaceImages);
                    Identify::failed(card, attempts, FaceFailure::Refused)
                }
                Err(failure) => {
                    cx.journal("verify_identity", failure.as_str());
                    central_fault(Identify::Verifying { card, attempts }, failure).into()
                }
            },
            (state, _) => IdStep::Next(state),
        }
    }

    fn rejected(rejected: u8, cx: &mut Cx<'_>) -> IdStep {
        let rejected = rejected.saturating_add(1);
        cx.journal("card", format!("rejected ({rejected})"));
        if rejected >= MAX_REJECTED {
            IdStep::Exit(ExitReason::Fault(Fault::CardUnreadable))
        } else {
            IdStep::Next(Identify::PlaceCard {
                error: Some(TextKey::CardRejected),
                rejected,
            })
        }
    }

    fn failed(card: Box<CardText>, mut attempts: Attempts, why: FaceFailure) -> IdStep {
        attempts.record_failure();
        IdStep::Next(Identify::FaceFailed {
            card,
            attempts,
            why,
        })
    }

    /// The screen.
    pub fn screen(&self, _sx: &Sx<'_>) -> Screen {
        match self {
            Identify::Consent => Screen::new(ScreenId::Consent, TextKey::ConsentTitle)
                .line(TextKey::ConsentBody)
                .line(TextKey::ConsentAlternative)
                .button(Button::new(ButtonId::Accept, TextKey::Accept))
                .button(Button::new(ButtonId::Decline, TextKey::Decline)),
            Identify::PlaceCard { error, .. } => {
                Screen::new(ScreenId::PlaceCard, TextKey::PlaceCardTitle)
                    .line(TextKey::PlaceCardBody)
                    .error(error.map(Text::Key))
            }
            Identify::FaceChecking { .. } => Screen::new(ScreenId::FaceCheck, TextKey::FaceTitle)
                .line(TextKey::FaceBody)
                .busy(),
            Identify::FaceFailed { attempts, why, .. } => {
                let mut screen = Screen::new(ScreenId::FaceFailed, TextKey::FaceFailedTitle);
                screen = screen.line(match why {
                    FaceFailure::Liveness(FailReason::NoMotion) => TextKey::FaceNoMotion,
                    FaceFailure::Liveness(FailReason::FaceLeft) => TextKey::FaceLeft,
                    FaceFailure::Liveness(FailReason::MultipleFaces) => TextKey::FaceMultiple,
                    FaceFailure::Liveness(_) => TextKey::FaceNotMet,
                    FaceFailure::Refused => TextKey::FaceRefused,
                });
                if attempts.may_retry() {
                    screen.button(Button::new(ButtonId::Retry, TextKey::Retry))
                } else {
                    screen.line(TextKey::FaceGiveUp)
                }
            }
            Identify::Verifying { .. } => Screen::new(ScreenId::Working, TextKey::VerifyingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
        }
    }
}
