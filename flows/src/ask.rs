//! Flow 6: ask and rate.
//!
//! ```text
//! Menu --FAQ--> LoadingFaq --> FaqList --choose--> FaqEntry
//!      --ask--> Question --valid text and phone--> SendingQuestion --> Thanks
//!      --rate case / rate ticket--> RateTarget --number--> RateLevel
//! RateLevel --satisfied levels--> SendingRating --> Thanks
//!           --dissatisfied levels--> RateReasons --at least one reason--> SendingRating
//! SendingRating --refused already_rated--> Message (one rating per case)
//! ```

use crate::case::{FormError, parse_case_number, parse_phone};
use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::io::{Cached, CentralCall, Completion, Intent, QuestionForm, Reply};
use crate::screen::{Button, ButtonId, Field, Item, Screen, ScreenId, Text};
use crate::text::TextKey;
use crate::types::{Device, ExitReason};
use central_api::domain::{RatingLevel, RatingReason};
use central_api::dto::{ErrorCode, Faq, QuestionRequest, RatingRequest, RatingTarget};

/// Longest question accepted, in characters.
const QUESTION_MAX: usize = 500;

/// Checks the question form.
pub fn parse_question(form: &QuestionForm) -> Result<(String, String), FormError> {
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > QUESTION_MAX {
        return Err(FormError::Question);
    }
    Ok((text.to_owned(), parse_phone(&form.phone)?))
}

/// A ticket number: a letter series and digits (`A012`).
fn parse_ticket_number(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_uppercase();
    let mut chars = t.chars();
    let first = chars.next()?;
    let rest: String = chars.collect();
    (first.is_ascii_uppercase()
        && (1..=6).contains(&rest.len())
        && rest.bytes().all(|b| b.is_ascii_digit()))
    .then_some(t)
}

/// A rating level's label in both languages (the catalogue's text is the contract's Chinese).
pub(crate) fn level_text(level: RatingLevel) -> TextKey {
    match level {
        RatingLevel::VerySatisfied => TextKey::LevelVerySatisfied,
        RatingLevel::Satisfied => TextKey::LevelSatisfied,
        RatingLevel::FairlySatisfied => TextKey::LevelFairlySatisfied,
        RatingLevel::Dissatisfied => TextKey::LevelDissatisfied,
        RatingLevel::VeryDissatisfied => TextKey::LevelVeryDissatisfied,
    }
}

/// A reason's label in both languages.
pub(crate) fn reason_text(reason: RatingReason) -> TextKey {
    match reason {
        RatingReason::LongWait => TextKey::ReasonLongWait,
        RatingReason::Attitude => TextKey::ReasonAttitude,
        RatingReason::Environment => TextKey::ReasonEnvironment,
        RatingReason::Efficiency => TextKey::ReasonEfficiency,
        RatingReason::Other => TextKey::ReasonOther,
    }
}

/// What is being rated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetKind {
    /// A case.
    Case,
    /// A ticket.
    Ticket,
}

/// The ask-and-rate flow's states.
#[derive(Debug)]
pub(crate) enum AskFlow {
    /// FAQ, ask, rate.
    Menu,
    /// Waiting for the FAQ.
    LoadingFaq,
    /// The FAQ.
    FaqList(Cached<Faq>),
    /// One answer.
    FaqEntry(Cached<Faq>, usize),
    /// The question form.
    Question(Option<TextKey>),
    /// Sending the question.
    SendingQuestion,
    /// The rating target keypad.
    RateTarget(TargetKind, Option<TextKey>),
    /// The rating levels.
    RateLevel(RatingTarget),
    /// Reasons for dissatisfaction.
    RateReasons(
        RatingTarget,
        RatingLevel,
        Vec<RatingReason>,
        Option<TextKey>,
    ),
    /// Sending the rating.
    SendingRating(RatingRequest),
    /// A result message.
    Message(TextKey),
}

impl AskFlow {
    /// The first state.
    pub fn start() -> AskFlow {
        AskFlow::Menu
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        matches!(self, AskFlow::SendingQuestion | AskFlow::SendingRating(_))
            && device == Device::Central
    }

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            AskFlow::LoadingFaq | AskFlow::SendingQuestion | AskFlow::SendingRating(_)
        )
    }

    fn send_rating(
        target: RatingTarget,
        level: RatingLevel,
        reasons: Vec<RatingReason>,
        cx: &mut Cx<'_>,
    ) -> Step<AskFlow> {
        let request = RatingRequest {
            target,
            level,
            reasons,
            comment: None,
            rated_at: cx.now.wall,
        };
        cx.call(CentralCall::CreateRating(request.clone()));
        Step::Next(AskFlow::SendingRating(request))
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<AskFlow> {
        use AskFlow as S;
        let central = cx.devices.is_up(Device::Central);
        match (self, event) {
            (S::Menu, Event::Intent(Intent::Press(ButtonId::Faq))) => {
                cx.call(CentralCall::Faq);
                Step::Next(S::LoadingFaq)
            }
            (S::Menu, Event::Intent(Intent::Press(ButtonId::Ask))) if central => {
                Step::Next(S::Question(None))
            }
            (S::Menu, Event::Intent(Intent::Press(ButtonId::RateCase))) if central => {
                Step::Next(S::RateTarget(TargetKind::Case, None))
            }
            (S::Menu, Event::Intent(Intent::Press(ButtonId::RateTicket))) if central => {
                Step::Next(S::RateTarget(TargetKind::Ticket, None))
            }
            (S::Menu, Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::LoadingFaq, Event::Done(Completion::Central(Reply::Faq(result)))) => match result {
                Ok(faq) => Step::Next(S::FaqList(faq)),
                Err(failure) => {
                    cx.journal("faq", failure.as_str());
                    central_fault(S::LoadingFaq, failure)
                }
            },
            (S::FaqList(faq), Event::Intent(Intent::Select(i))) if i < faq.value.entries.len() => {
                Step::Next(S::FaqEntry(faq, i))
            }
            (S::FaqEntry(faq, _), Event::Intent(Intent::Back)) => Step::Next(S::FaqList(faq)),
            (
                S::FaqList(_) | S::Question(_) | S::RateTarget(..) | S::Message(_) | S::LoadingFaq,
                Event::Intent(Intent::Back),
            ) => Step::Next(S::Menu),
            (S::Question(_), Event::Intent(Intent::Question(form))) => {
                match parse_question(&form) {
                    Ok((text, phone)) => {
                        cx.call(CentralCall::CreateQuestion(QuestionRequest {
                            text,
                            phone,
                            topic_code: None,
                            asked_at: cx.now.wall,
                        }));
                        Step::Next(S::SendingQuestion)
                    }
                    Err(e) => Step::Next(S::Question(Some(e.key()))),
                }
            }
            (S::SendingQuestion, Event::Done(Completion::Central(Reply::Question(result)))) => {
                match result {
                    Ok(receipt) => {
                        cx.journal("question", format!("id={}", receipt.question_id));
                        Step::Next(S::Message(TextKey::QuestionThanks))
                    }
                    Err(failure) => {
                        cx.journal("question", failure.as_str());
                        central_fault(S::SendingQuestion, failure)
                    }
                }
            }
            (S::RateTarget(kind, _), Event::Intent(Intent::Enter(text))) => {
                let target = match kind {
                    TargetKind::Case => parse_case_number(&text)
                        .ok()
                        .map(|case_number| RatingTarget::Case { case_number }),
                    TargetKind::Ticket => parse_ticket_number(&text)
                        .map(|ticket_number| RatingTarget::Ticket { ticket_number }),
                };
                match target {
                    Some(target) => Step::Next(S::RateLevel(target)),
                    None => Step::Next(S::RateTarget(
                        kind,
                        Some(match kind {
                            TargetKind::Case => TextKey::CaseNumberInvalid,
                            TargetKind::Ticket => TextKey::TicketNumberInvalid,
                        }),
                    )),
                }
            }
            (S::RateLevel(target), Event::Intent(Intent::Back)) => Step::Next(S::RateTarget(
                match target {
                    RatingTarget::Case { .. } => TargetKind::Case,
                    RatingTarget::Ticket { .. } => TargetKind::Ticket,
                },
                None,
            )),
            (S::RateLevel(target), Event::Intent(Intent::Press(ButtonId::Level(level)))) => {
                if level.is_dissatisfied() {
                    Step::Next(S::RateReasons(target, level, Vec::new(), None))
                } else {
                    AskFlow::send_rating(target, level, Vec::new(), cx)
                }
            }
            (S::RateReasons(target, ..), Event::Intent(Intent::Back)) => {
                Step::Next(S::RateLevel(target))
            }
            (
                S::RateReasons(target, level, mut reasons, _),
                Event::Intent(Intent::Press(ButtonId::Reason(reason))),
            ) => {
                if let Some(at) = reasons.iter().position(|r| *r == reason) {
                    reasons.remove(at);
                } else {
                    reasons.push(reason);
                }
                Step::Next(S::RateReasons(target, level, reasons, None))
            }
            (
                S::RateReasons(target, level, reasons, _),
                Event::Intent(Intent::Press(ButtonId::Submit)),
            ) => {
                if reasons.is_empty() {
                    Step::Next(S::RateReasons(
                        target,
                        level,
                        reasons,
                        Some(TextKey::ReasonRequired),
                    ))
                } else {
                    AskFlow::send_rating(target, level, reasons, cx)
                }
            }
            (
                S::SendingRating(request),
                Event::Done(Completion::Central(Reply::Rating(result))),
            ) => match result {
                Ok(receipt) => {
                    cx.journal(
                        "rating",
                        format!("id={} level={}", receipt.rating_id, request.level),
                    );
                    Step::Next(S::Message(TextKey::RatingThanks))
                }
                Err(failure) if failure.code() == Some(ErrorCode::AlreadyRated) => {
                    cx.journal("rating", "refused: already rated");
                    Step::Next(S::Message(TextKey::AlreadyRated))
                }
                Err(failure) if failure.code() == Some(ErrorCode::NotFound) => {
                    Step::Next(S::Message(TextKey::RatingTargetNotFound))
                }
                Err(failure) => {
                    cx.journal("rating", failure.as_str());
                    central_fault(S::SendingRating(request), failure)
                }
            },
            (S::Message(_), Event::Intent(Intent::Press(ButtonId::Done))) => {
                Step::Exit(ExitReason::Done)
            }
            (state, _) => Step::Next(state),
        }
    }

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        use AskFlow as S;
        let central = sx.devices.is_up(Device::Central);
        match self {
            S::Menu => {
                let mut screen = Screen::new(ScreenId::AskRateMenu, TextKey::AskRateTitle)
                    .button(Button::new(ButtonId::Faq, TextKey::Faq))
                    .button(Button::new(ButtonId::Ask, TextKey::Ask).enabled(central))
                    .button(Button::new(ButtonId::RateCase, TextKey::RateCase).enabled(central))
                    .button(
                        Button::new(ButtonId::RateTicket, TextKey::RateTicket).enabled(central),
                    );
                if !central {
                    screen = screen.line(TextKey::CentralUnavailableAskRate);
                }
                screen
            }
            S::LoadingFaq | S::SendingQuestion | S::SendingRating(_) => {
                Screen::new(ScreenId::Working, TextKey::QueryingTitle)
                    .line(TextKey::PleaseWait)
                    .busy()
            }
            S::FaqList(faq) => {
                let mut screen = Screen::new(ScreenId::FaqList, TextKey::Faq).items(
                    faq.value
                        .entries
                        .iter()
                        .map(|e| Item::new(vec![Text::Data(e.question.clone())]))
                        .collect(),
                );
                if let Some(age) = faq.offline_age_ms {
                    screen = screen.line(Text::args(
                        TextKey::OfflineCopy,
                        [(age / 60_000).to_string()],
                    ));
                }
                screen
            }
            S::FaqEntry(faq, i) => {
                let mut screen = Screen::new(ScreenId::FaqEntry, TextKey::Faq);
                if let Some(e) = faq.value.entries.get(*i) {
                    screen = screen
                        .line(Text::Data(e.question.clone()))
                        .line(Text::Data(e.answer.clone()));
                }
                screen
            }
            S::Question(error) => Screen::new(ScreenId::QuestionForm, TextKey::Ask)
                .line(TextKey::QuestionBody)
                .field(Field::Question)
                .error(error.map(Text::Key)),
            S::RateTarget(kind, error) => Screen::new(ScreenId::RateTarget, TextKey::RateTitle)
                .line(match kind {
                    TargetKind::Case => TextKey::TypeCaseNumber,
                    TargetKind::Ticket => TextKey::TypeTicketNumber,
                })
                .field(match kind {
                    TargetKind::Case => Field::CaseNumber,
                    TargetKind::Ticket => Field::TicketNumber,
                })
                .error(error.map(Text::Key)),
            S::RateLevel(_) => {
                let mut screen =
                    Screen::new(ScreenId::RateLevel, TextKey::RateTitle).line(TextKey::RateOnce);
                for level in RatingLevel::ALL {
                    screen = screen.button(Button {
                        id: ButtonId::Level(*level),
                        label: Text::Key(level_text(*level)),
                        enabled: true,
                        selected: false,
                    });
                }
                screen
            }
            S::RateReasons(_, _, chosen, error) => {
                let mut screen = Screen::new(ScreenId::RateReasons, TextKey::ReasonsTitle);
                for reason in RatingReason::ALL {
                    screen = screen.button(Button {
                        id: ButtonId::Reason(*reason),
                        label: Text::Key(reason_text(*reason)),
                        enabled: true,
                        selected: chosen.contains(reason),
                    });
                }
                screen
                    .button(Button::new(ButtonId::Submit, TextKey::Submit))
                    .error(error.map(Text::Key))
            }
            S::Message(key) => Screen::new(ScreenId::Thanks, TextKey::NoticeTitle)
                .line(*key)
                .button(Button::new(ButtonId::Done, TextKey::Done)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn rating_labels_are_the_contracts_chinese_with_english() {
        let mut english = HashSet::new();
        for level in RatingLevel::ALL {
            let key = level_text(*level);
            assert_eq!(key.zh(), level.chinese(), "{level:?}");
            assert!(key.en().is_ascii() && !key.en().is_empty(), "{level:?}");
            assert!(english.insert(key.en()), "{level:?}: English used twice");
        }
        for reason in RatingReason::ALL {
            let key = reason_text(*reason);
            assert_eq!(key.zh(), reason.chinese(), "{reason:?}");
            assert!(key.en().is_ascii() && !key.en().is_empty(), "{reason:?}");
            assert!(english.insert(key.en()), "{reason:?}: English used twice");
        }
    }
}
