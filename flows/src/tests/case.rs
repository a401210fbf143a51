//! Flow 4: case progress, pickup, fees and payment.

use super::*;
use central_api::domain::PickupMethod;

fn to_progress(h: &mut H, changeable: bool) {
    h.start(FlowKind::Case).press(ButtonId::UseKeypad);
    h.enter("BDC-2026-000101");
    assert_eq!(
        h.calls(),
        [CentralCall::Case {
            case_number: "BDC-2026-000101".into()
        }]
    );
    h.reply(Reply::Case(Ok(progress(changeable))));
    assert_eq!(h.screen_id(), ScreenId::CaseProgress);
}

#[test]
fn progress_shows_stages_and_pickup() {
    let mut h = H::new();
    to_progress(&mut h, true);
    let text = h.text();
    for expected in [
        "受理编号 BDC-2026-000101，转移登记，在办",
        "受理：2026-11-20 09:00 至 2026-11-20 09:30",
        "审核：2026-11-20 09:30 开始，办理中",
        "证书尚未制作完成",
        "领证方式：窗口领取",
        "领证窗口：8",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

#[test]
fn case_number_is_validated_and_not_found_is_explained() {
    let mut h = H::new();
    h.start(FlowKind::Case)
        .press(ButtonId::UseKeypad)
        .enter("京 1");
    assert_eq!(
        h.screen().error,
        Some(Text::Key(TextKey::CaseNumberInvalid))
    );
    assert!(h.calls().is_empty());
    h.enter("X-1")
        .reply(Reply::Case(Err(refused(ErrorCode::NotFound))));
    assert_eq!(h.screen_id(), ScreenId::CaseNumber);
    assert!(h.text().contains("未找到该受理编号"));
}

#[test]
fn receipt_qr_from_the_camera() {
    let mut h = H::new();
    h.start(FlowKind::Case).press(ButtonId::ScanQr);
    assert_eq!(h.last, [Effect::StartQrScan]);
    h.done(Completion::Qr("no case here!".into()));
    assert_eq!(h.screen_id(), ScreenId::ScanQr);
    h.done(Completion::Qr(
        "https://hall.invalid/receipt?case=BDC-2026-000101&x=1".into(),
    ));
    assert_eq!(h.last[0], Effect::StopQrScan);
    assert_eq!(
        h.calls(),
        [CentralCall::Case {
            case_number: "BDC-2026-000101".into()
        }]
    );
    assert_eq!(
        parse_case_number("https://h.invalid/c/BDC-1/")
            .unwrap()
            .as_str(),
        "BDC-1"
    );
}

#[test]
fn camera_down_while_scanning_is_a_fault_and_disables_qr() {
    let mut h = H::new();
    h.start(FlowKind::Case)
        .press(ButtonId::ScanQr)
        .device(Device::Camera, false);
    assert_eq!(h.screen_id(), ScreenId::Fault);
    assert!(h.text().contains("摄像头故障"));
    h.press(ButtonId::Exit);
    h.assert_exit("fault");
    h.start(FlowKind::Case);
    assert!(!h.screen().can_press(ButtonId::ScanQr));
    h.press(ButtonId::ScanQr);
    assert_eq!(h.screen_id(), ScreenId::CaseMethod);
}

#[test]
fn courier_pickup_with_address_validation() {
    let mut h = H::new();
    to_progress(&mut h, true);
    h.press(ButtonId::Pickup);
    assert_eq!(h.screen_id(), ScreenId::PickupMethods);
    h.press(ButtonId::PickupMethod(PickupMethod::Courier));
    assert_eq!(h.screen().field, Some(Field::Address));
    let mut form = AddressForm {
        recipient: "张𠮷英".into(),
        phone: "2380013800".into(),
        address: "北京市朝阳区建国路甲88号院3号楼2单元1101号".into(),
        postal_code: "100022".into(),
    };
    h.intent(Intent::Address(form.clone()));
    assert_eq!(h.screen().error, Some(Text::Key(TextKey::PhoneInvalid)));
    form.phone = "138 0013 8000".into();
    form.postal_code = "1000".into();
    h.intent(Intent::Address(form.clone()));
    assert_eq!(
        h.screen().error,
        Some(Text::Key(TextKey::PostalCodeInvalid))
    );
    form.postal_code = "100022".into();
    h.intent(Intent::Address(form));
    match &h.calls()[..] {
        [
            CentralCall::SetPickup {
                case_number,
                request,
            },
        ] => {
            assert_eq!(case_number, "BDC-2026-000101");
            assert_eq!(request.method, PickupMethod::Courier);
            assert_eq!(request.address.as_ref().unwrap().phone, "13800138000");
        }
        other => panic!("{other:?}"),
    }
    h.reply(Reply::Pickup(Ok(Pickup {
        ready: false,
        method: Some(PickupMethod::Courier),
        window: None,
        changeable: true,
    })));
    assert!(h.text().contains("领证方式已更新"));
    assert!(h.text().contains("领证方式：邮寄"));
}

#[test]
fn pickup_locked() {
    let mut h = H::new();
    to_progress(&mut h, false);
    assert!(!h.screen().can_press(ButtonId::Pickup));
    let mut h = H::new();
    to_progress(&mut h, true);
    h.press(ButtonId::Pickup)
        .press(ButtonId::PickupMethod(PickupMethod::Window))
        .reply(Reply::Pickup(Err(refused(ErrorCode::PickupLocked))));
    assert!(h.text().contains("领证方式已不能更改"));
    assert!(!h.screen().can_press(ButtonId::Pickup));
}

#[test]
fn fees_and_payment_polled_until_paid() {
    let mut h = H::new();
    to_progress(&mut h, true);
    h.press(ButtonId::Fees);
    assert!(matches!(h.calls()[..], [CentralCall::Fees { .. }]));
    h.reply(Reply::Fees(Ok(fees())));
    assert!(h.text().contains("合计 90.00 元"));
    assert!(h.text().contains("证书工本费  10.00"));
    h.press(ButtonId::Pay);
    assert!(matches!(h.calls()[..], [CentralCall::CreatePayment { .. }]));
    h.reply(Reply::Payment(Ok(order(PaymentState::Pending))));
    let s = h.screen();
    assert_eq!(s.id, ScreenId::PaymentQr);
    assert_eq!(s.qr.as_deref(), Some("https://pay.invalid/o/PO-000017"));
    assert_eq!(h.k.next_deadline(), Some(h.now.ms + 3_000));
    h.wait_ms(2_999);
    assert!(h.calls().is_empty());
    h.wait_ms(1);
    assert_eq!(
        h.calls(),
        [CentralCall::Payment {
            order_id: "PO-000017".into()
        }]
    );
    // No second poll while one is in flight.
    h.wait_ms(10_000);
    assert!(h.calls().is_empty());
    h.reply(Reply::Payment(Ok(order(PaymentState::Pending))));
    // Paying on a phone takes time: no inactivity warning while pending.
    for _ in 0..40 {
        h.wait_ms(3_000);
        if !h.calls().is_empty() {
            h.reply(Reply::Payment(Ok(order(PaymentState::Pending))));
        }
    }
    assert!(h.screen().warning.is_none());
    h.wait_ms(3_000);
    h.reply(Reply::Payment(Ok(order(PaymentState::Paid))));
    assert!(h.text().contains("缴费成功"));
    assert!(h.screen().qr.is_none());
    h.press(ButtonId::Done);
    h.assert_exit("done");
}

#[test]
fn expired_payment_can_be_renewed() {
    let mut h = H::new();
    to_progress(&mut h, true);
    h.press(ButtonId::Fees)
        .reply(Reply::Fees(Ok(fees())))
        .press(ButtonId::Pay)
        .reply(Reply::Payment(Ok(order(PaymentState::Pending))))
        .wait_ms(3_000)
        .reply(Reply::Payment(Ok(order(PaymentState::Expired))));
    assert!(h.text().contains("支付二维码已过期"));
    h.press(ButtonId::Retry);
    assert!(matches!(h.calls()[..], [CentralCall::CreatePayment { .. }]));
}
