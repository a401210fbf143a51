//! Flow 1: records query and certificate.

use super::*;

#[test]
fn ownership_query_to_printed_certificate() {
    let mut h = H::new();
    h.start(FlowKind::Records);
    assert_eq!(h.screen_id(), ScreenId::RecordsKind);
    h.press(ButtonId::OwnershipQuery);
    assert_eq!(h.screen_id(), ScreenId::Consent);
    h.press(ButtonId::Accept);
    assert_eq!(h.screen_id(), ScreenId::PlaceCard);
    h.card(card());
    assert_eq!(
        h.last
            .iter()
            .filter(|e| **e == Effect::StartFaceCheck)
            .count(),
        1
    );
    assert_eq!(h.screen_id(), ScreenId::FaceCheck);
    assert!(h.screen().busy && !h.screen().nav.back);
    h.done(Completion::Face(FaceOutcome::Passed { best_frame: 42 }));
    match &h.calls()[..] {
        [
            CentralCall::VerifyIdentity {
                identity,
                best_frame: 42,
                consent: true,
            },
        ] => {
            assert_eq!(identity.id_number.0, own_id());
            assert_eq!(identity.birth_date, time::macros::date!(1949 - 12 - 31));
            assert_eq!(identity.document_type, DocumentType::Resident);
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Verification(Ok(verification())));
    assert!(
        h.last.contains(&Effect::DiscardFaceImages),
        "face images go right after verification"
    );
    assert_eq!(h.screen_id(), ScreenId::Purpose);
    assert_eq!(h.screen().items.len(), QueryPurpose::ALL.len());
    h.select(1);
    assert_eq!(
        h.calls(),
        [CentralCall::Records {
            verification_id: Uuid::from_u128(7)
        }]
    );
    h.reply(Reply::Records(Ok(records(vec![unit()]))));
    assert_eq!(h.screen_id(), ScreenId::Units);
    let text = h.text();
    assert!(text.contains("朝阳区建国路甲88号院3号楼2单元1101"));
    assert!(text.contains("京(2018)朝阳区不动产权第0001234号"));
    assert!(text.contains("110105012003GB00001F00020063"));

    h.select(0);
    assert_eq!(h.screen_id(), ScreenId::UnitDetail);
    let text = h.text();
    // Every restriction, in both languages.
    assert!(text.contains("抵押：中国工商银行北京朝阳支行"), "{text}");
    assert!(text.contains("1500000.00 元"));
    assert!(text.contains("Seizure: 北京市朝阳区人民法院"));
    assert!(text.contains("轮候查封"));
    // The co-holder is masked, the citizen sees their own number.
    assert!(text.contains("李** 1101**********0017"), "{text}");
    assert!(!text.contains("110105195001010017"));
    assert!(text.contains(&own_id()));
    // ... but a dump of the screen or the kiosk never shows it.
    assert!(!format!("{:?}", h.screen()).contains(&own_id()));
    assert!(!format!("{:?}", h.k).contains(&own_id()));

    h.press(ButtonId::Certificate);
    match &h.calls()[..] {
        [CentralCall::IssueCertificate(r)] => {
            assert_eq!(r.purpose, QueryPurpose::SchoolEnrolment);
            assert_eq!(r.requester, Requester::Holder);
            assert_eq!(r.verification_id, Uuid::from_u128(7));
            assert_eq!(r.unit_codes, Some(vec![unit().unit_code]));
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Certificate(Ok(certificate(vec![unit()]))));
    assert_eq!(h.screen_id(), ScreenId::Preview);
    assert!(h.text().contains("Q20261128000123"));
    assert!(h.last.iter().any(|e| matches!(e, Effect::Journal(j) if j.step == "certificate_issued" && j.outcome.contains("Q20261128000123"))));
    // Back from the preview returns to the unit.
    h.intent(Intent::Back);
    assert_eq!(h.screen_id(), ScreenId::UnitDetail);
    h.press(ButtonId::Certificate)
        .reply(Reply::Certificate(Ok(certificate(vec![unit()]))));
    h.press(ButtonId::Print);
    assert_eq!(
        h.prints(),
        [PrintJob::Certificate(certificate(vec![unit()]))]
    );
    assert_eq!(h.prints()[0].device(), Device::A4Printer);
    assert_eq!(h.screen_id(), ScreenId::Printing);
    // Lifting the card while printing does not stop the print.
    h.lift();
    assert_eq!(h.screen_id(), ScreenId::Printing);
    h.done(Completion::Printed);
    assert_eq!(h.screen_id(), ScreenId::TakeCertificate);
    h.press(ButtonId::Done);
    h.assert_exit("done");
}

#[test]
fn take_screen_ends_when_the_card_is_lifted() {
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    h.reply(Reply::Records(Ok(records(vec![unit()]))));
    h.press(ButtonId::Certificate);
    match &h.calls()[..] {
        [CentralCall::IssueCertificate(r)] => assert_eq!(r.unit_codes, None),
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Certificate(Ok(certificate(vec![unit()]))))
        .press(ButtonId::Print)
        .done(Completion::Printed)
        .lift();
    h.assert_exit("done");
}

#[test]
fn property_check_has_property() {
    let mut h = H::new();
    h.verified(ButtonId::PropertyQuery).select(0);
    assert!(matches!(h.calls()[..], [CentralCall::PropertyCheck { .. }]));
    h.reply(Reply::PropertyCheck(Ok(PropertyCheck {
        has_property: true,
        residential_units: 2,
    })));
    assert_eq!(h.screen_id(), ScreenId::PropertyResult);
    assert!(h.text().contains("登记有住宅 2 套"));
    h.press(ButtonId::Certificate);
    assert!(matches!(h.calls()[..], [CentralCall::IssueCertificate(_)]));
}

#[test]
fn no_record_prints_the_no_record_certificate() {
    for kind in [ButtonId::OwnershipQuery, ButtonId::PropertyQuery] {
        let mut h = H::new();
        h.verified(kind).select(0);
        if kind == ButtonId::OwnershipQuery {
            h.reply(Reply::Records(Ok(records(vec![]))));
        } else {
            h.reply(Reply::PropertyCheck(Ok(PropertyCheck {
                has_property: false,
                residential_units: 0,
            })));
        }
        assert_eq!(h.screen_id(), ScreenId::NoRecord);
        h.press(ButtonId::Certificate)
            .reply(Reply::Certificate(Ok(certificate(vec![]))));
        assert!(h.text().contains("经查询，无不动产登记记录"));
        h.press(ButtonId::Print);
        assert_eq!(h.prints()[0].as_str(), "no_record_certificate");
        h.done(Completion::Printed).press(ButtonId::Done);
        h.assert_exit("done");
    }
}

#[test]
fn declining_consent_sends_to_the_staffed_window() {
    let mut h = H::new();
    h.start(FlowKind::Records).press(ButtonId::OwnershipQuery);
    assert!(h.text().contains("人工窗口"));
    h.press(ButtonId::Decline);
    h.assert_exit("consent_declined");
    assert!(h.text().contains("请到 1 号人工窗口办理"));
}

#[test]
fn three_face_failures_offer_only_the_staffed_window() {
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .card(card());
    for attempt in 1..=3 {
        h.done(Completion::Face(FaceOutcome::Failed(
            liveness::FailReason::NoMotion,
        )));
        assert_eq!(h.screen_id(), ScreenId::FaceFailed);
        assert!(h.text().contains("未检测到动作"));
        if attempt < 3 {
            assert!(h.screen().can_press(ButtonId::Retry));
            h.press(ButtonId::Retry);
            assert_eq!(h.last, [Effect::StartFaceCheck]);
        }
    }
    assert!(!h.screen().can_press(ButtonId::Retry));
    assert!(h.text().contains("多次未通过"));
    h.press(ButtonId::Retry);
    assert_eq!(h.screen_id(), ScreenId::FaceFailed);
    h.intent(Intent::StaffedWindow);
    h.assert_exit("staffed_window");
}

#[test]
fn central_face_mismatch_counts_as_a_failure() {
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .card(card())
        .done(Completion::Face(FaceOutcome::Passed { best_frame: 1 }))
        .reply(Reply::Verification(Err(refused(ErrorCode::FaceMismatch))));
    assert_eq!(h.screen_id(), ScreenId::FaceFailed);
    assert!(h.text().contains("人脸与身份证不一致"));
    assert!(h.screen().can_press(ButtonId::Retry));
}

#[test]
fn card_lifted_before_printing_ends_the_session() {
    // During the face check.
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .card(card())
        .lift();
    h.assert_exit("card_lifted");
    assert!(h.text().contains("身份证已取走"));
    // On the preview.
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    h.reply(Reply::Records(Ok(records(vec![unit()]))))
        .press(ButtonId::Certificate)
        .reply(Reply::Certificate(Ok(certificate(vec![unit()]))))
        .lift();
    h.assert_exit("card_lifted");
    assert!(h.prints().is_empty());
}

#[test]
fn printer_failure_shows_a_fault_and_ends() {
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    h.reply(Reply::Records(Ok(records(vec![]))))
        .press(ButtonId::Certificate)
        .reply(Reply::Certificate(Ok(certificate(vec![]))))
        .press(ButtonId::Print)
        .done(Completion::PrintFailed(PrintFault::PaperOut));
    let s = h.screen();
    assert_eq!(s.id, ScreenId::Fault);
    assert!(h.text().contains("打印机缺纸"));
    assert!(h.text().contains("The printer is out of paper"));
    assert!(h.text().contains("请到 1 号人工窗口办理"));
    assert!(!s.can_press(ButtonId::Retry));
    assert!(s.nav.staffed && s.nav.home && !s.nav.back);
    assert!(h.last.iter().any(
        |e| matches!(e, Effect::Journal(j) if j.step == "print_failed" && j.outcome == "paper_out")
    ));
    h.press(ButtonId::Exit);
    h.assert_exit("fault");
    assert!(h.text().contains("打印机缺纸"));
}

#[test]
fn central_timeout_offers_retry_which_resends_the_call() {
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    let call = h.calls();
    h.reply(Reply::Records(Err(CentralFailure::Timeout)));
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(h.text().contains("暂时无法连接登记中心"));
    assert!(h.screen().can_press(ButtonId::Retry));
    h.press(ButtonId::Retry);
    assert_eq!(h.calls(), call);
    assert_eq!(h.screen_id(), ScreenId::Working);
    h.reply(Reply::Records(Ok(records(vec![unit()]))));
    assert_eq!(h.screen_id(), ScreenId::Units);
}

#[test]
fn central_unavailable_and_refused() {
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    h.reply(Reply::Records(Err(CentralFailure::Unreachable)));
    assert!(h.screen().can_press(ButtonId::Retry));
    h.intent(Intent::StaffedWindow);
    h.assert_exit("staffed_window");

    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .card(card())
        .done(Completion::Face(FaceOutcome::Passed { best_frame: 1 }))
        .reply(Reply::Verification(Err(refused(
            ErrorCode::IdentityUnknown,
        ))));
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(!h.screen().can_press(ButtonId::Retry));
    assert!(h.text().contains("登记系统中未找到您的身份信息"));
    assert!(
        h.text().contains("拒绝"),
        "central's own Chinese message is shown"
    );
    h.press(ButtonId::Exit);
    h.assert_exit("fault");
}

#[test]
fn devices_failing_mid_flow() {
    // The A4 printer goes down while the citizen reads their units.
    let mut h = H::new();
    h.verified(ButtonId::OwnershipQuery).select(0);
    h.reply(Reply::Records(Ok(records(vec![unit()]))));
    h.device(Device::A4Printer, false);
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(h.text().contains("A4 打印机故障"));
    h.press(ButtonId::Exit);
    h.assert_exit("fault");
    assert_eq!(h.k.availability(FlowKind::Records), Err(Device::A4Printer));

    // The camera goes down during the face check.
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .card(card())
        .device(Device::Camera, false);
    assert!(h.text().contains("摄像头故障"));
    // The reader goes down before the card.
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept)
        .device(Device::Reader, false);
    assert!(h.text().contains("身份证阅读器故障"));
    h.wait_ms(60_000).wait_ms(20_000);
    h.assert_exit("timed_out");
}

#[test]
fn rejected_and_expired_cards() {
    let mut h = H::new();
    h.start(FlowKind::Records)
        .press(ButtonId::OwnershipQuery)
        .press(ButtonId::Accept);
    let CardText::Resident(mut expired) = card() else {
        unreachable!()
    };
    expired.validity.to = Expiry::On(Date::new(2025, 1, 1).unwrap());
    h.card(CardText::Resident(expired));
    assert_eq!(h.screen_id(), ScreenId::PlaceCard);
    assert!(h.text().contains("身份证已过有效期"));
    h.input(Input::Device(DeviceEvent::CardRejected));
    assert!(h.text().contains("身份证读取失败"));
    h.input(Input::Device(DeviceEvent::CardRejected));
    h.input(Input::Device(DeviceEvent::CardRejected));
    h.assert_exit("fault");
    assert!(h.text().contains("无法读取身份证"));
}
