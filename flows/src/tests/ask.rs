//! Flow 6: FAQ, questions, ratings.

use super::*;
use central_api::domain::{RatingLevel, RatingReason};

#[test]
fn faq_list_and_answer() {
    let mut h = H::new();
    h.start(FlowKind::AskRate).press(ButtonId::Faq);
    assert_eq!(h.calls(), [CentralCall::Faq]);
    let faq = faq();
    h.reply(Reply::Faq(Ok(fresh(faq.clone()))));
    assert_eq!(h.screen().items.len(), faq.entries.len());
    h.select(0);
    assert!(h.text().contains(&faq.entries[0].answer));
    assert!(!h.text().contains(&faq.entries[1].answer));
    h.intent(Intent::Back).intent(Intent::Back);
    assert_eq!(h.screen_id(), ScreenId::AskRateMenu);
}

#[test]
fn question_needs_a_valid_phone() {
    let mut h = H::new();
    h.start(FlowKind::AskRate).press(ButtonId::Ask);
    for (text, phone, err) in [
        ("", "13800138000", TextKey::QuestionInvalid),
        ("继承需要什么？", "1380013800", TextKey::PhoneInvalid),
        ("继承需要什么？", "23800138000", TextKey::PhoneInvalid),
        ("继承需要什么？", "1380013800a", TextKey::PhoneInvalid),
    ] {
        h.intent(Intent::Question(QuestionForm {
            text: text.into(),
            phone: phone.into(),
        }));
        assert_eq!(h.screen().error, Some(Text::Key(err)));
        assert!(h.calls().is_empty());
    }
    h.intent(Intent::Question(QuestionForm {
        text: "继承需要什么？".into(),
        phone: "13800138000".into(),
    }));
    match &h.calls()[..] {
        [CentralCall::CreateQuestion(q)] => {
            assert_eq!(q.phone, "13800138000");
            assert_eq!(q.asked_at, START);
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Question(Ok(QuestionReceipt {
        question_id: "Q1".into(),
    })));
    assert!(h.text().contains("留言已提交"));
    h.press(ButtonId::Done);
    h.assert_exit("done");
}

#[test]
fn rating_once_per_case() {
    let mut h = H::new();
    h.start(FlowKind::AskRate)
        .press(ButtonId::RateCase)
        .enter("BDC-2026-000101");
    assert_eq!(h.screen().buttons.len(), 5);
    h.press(ButtonId::Level(RatingLevel::VerySatisfied));
    match &h.calls()[..] {
        [CentralCall::CreateRating(r)] => {
            assert_eq!(
                r.target,
                RatingTarget::Case {
                    case_number: "BDC-2026-000101".parse().unwrap()
                }
            );
            assert!(r.reasons.is_empty());
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Rating(Err(refused(ErrorCode::AlreadyRated))));
    assert!(h.text().contains("此办件已评价过，每个办件只能评价一次"));
    assert!(h.text().contains("each case can be rated once"));
}

#[test]
fn dissatisfied_needs_a_reason() {
    let mut h = H::new();
    h.start(FlowKind::AskRate)
        .press(ButtonId::RateTicket)
        .enter("a12x");
    assert_eq!(
        h.screen().error,
        Some(Text::Key(TextKey::TicketNumberInvalid))
    );
    h.enter("a012")
        .press(ButtonId::Level(RatingLevel::Dissatisfied));
    assert_eq!(h.screen_id(), ScreenId::RateReasons);
    h.press(ButtonId::Submit);
    assert_eq!(h.screen().error, Some(Text::Key(TextKey::ReasonRequired)));
    h.press(ButtonId::Reason(RatingReason::LongWait))
        .press(ButtonId::Reason(RatingReason::Attitude))
        .press(ButtonId::Reason(RatingReason::Attitude));
    assert!(
        h.screen()
            .buttons
            .iter()
            .any(|b| b.id == ButtonId::Reason(RatingReason::LongWait) && b.selected)
    );
    h.press(ButtonId::Submit);
    match &h.calls()[..] {
        [CentralCall::CreateRating(r)] => {
            assert_eq!(
                r.target,
                RatingTarget::Ticket {
                    ticket_number: "A012".into()
                }
            );
            assert_eq!(r.reasons, [RatingReason::LongWait]);
            assert_eq!(r.level, RatingLevel::Dissatisfied);
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Rating(Ok(RatingReceipt {
        rating_id: "R1".into(),
    })));
    assert!(h.text().contains("感谢您的评价"));
}

#[test]
fn central_down_disables_questions_and_ratings() {
    let mut h = H::new();
    h.device(Device::Central, false).start(FlowKind::AskRate);
    for id in [ButtonId::Ask, ButtonId::RateCase, ButtonId::RateTicket] {
        assert!(!h.screen().can_press(id));
    }
    assert!(h.screen().can_press(ButtonId::Faq));
    h.press(ButtonId::Ask);
    assert_eq!(h.screen_id(), ScreenId::AskRateMenu);
}
