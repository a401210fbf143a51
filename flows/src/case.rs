//! Flow 4: case progress, pickup and fees.
//!
//! ```text
//! Method --keypad--> Keypad --number--> Loading --progress--> Progress
//!        --QR------> Scan --QR (case number)--> Loading
//! Progress --pickup (changeable)--> Pickups --courier--> Address --valid--> SettingPickup
//!                                           --other method-------------> SettingPickup --> Progress
//! Progress --fees--> LoadingFees --> Fees --pay--> CreatingPayment --> PayQr
//! PayQr polls the order every payment_poll_ms: paid / expired / failed shown; retry makes a new order
//! ```

use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::io::{AddressForm, CentralCall, Completion, Effect, Intent, Reply};
use crate::screen::{Button, ButtonId, Field, Screen, ScreenId, Text};
use crate::show;
use crate::text::TextKey;
use crate::types::{Device, ExitReason};
use central_api::domain::{CaseNumber, PickupMethod};
use central_api::dto::{
    CaseProgress, CourierAddress, ErrorCode, Fees, PaymentOrder, PaymentState, PickupRequest,
};

/// Why a typed form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormError {
    /// The case number is empty or has characters a case number cannot have.
    #[error("not a case number")]
    CaseNumber,
    /// The recipient is empty or longer than 50 characters.
    #[error("recipient missing or too long")]
    Recipient,
    /// Not an 11-digit mainland mobile number starting with 1.
    #[error("not a mobile phone number")]
    Phone,
    /// The address is empty or longer than 200 characters.
    #[error("address missing or too long")]
    Address,
    /// Not a 6-digit postal code.
    #[error("not a postal code")]
    PostalCode,
    /// The question is empty or longer than 500 characters.
    #[error("question missing or too long")]
    Question,
}

impl FormError {
    /// The message key shown to the citizen.
    pub fn key(self) -> TextKey {
        match self {
            FormError::CaseNumber => TextKey::CaseNumberInvalid,
            FormError::Recipient => TextKey::RecipientInvalid,
            FormError::Phone => TextKey::PhoneInvalid,
            FormError::Address => TextKey::AddressInvalid,
            FormError::PostalCode => TextKey::PostalCodeInvalid,
            FormError::Question => TextKey::QuestionInvalid,
        }
    }
}

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes ignored).
pub fn parse_phone(text: &str) -> Result<String, FormError> {
    let digits: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(FormError::Phone)
    }
}

/// A case number typed, or read from a receipt's QR (the number itself, or a URL ending in it
/// or carrying it as `case=`).
pub fn parse_case_number(text: &str) -> Result<CaseNumber, FormError> {
    let text = text.trim();
    let candidate = if let Some((_, rest)) = text.split_once("case=") {
        rest.split('&').next().unwrap_or_default()
    } else if text.contains("://") {
        text.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
    } else {
        text
    };
    candidate.parse().map_err(|_| FormError::CaseNumber)
}

/// Checks the courier address form.
pub fn parse_address(form: &AddressForm) -> Result<CourierAddress, FormError> {
    let recipient = form.recipient.trim();
    if recipient.is_empty() || recipient.chars().count() > 50 {
        return Err(FormError::Recipient);
    }
    let phone = parse_phone(&form.phone)?;
    let address = form.address.trim();
    if address.is_empty() || address.chars().count() > 200 {
        return Err(FormError::Address);
    }
    let postal_code = form.postal_code.trim();
    if postal_code.len() != 6 || !postal_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FormError::PostalCode);
    }
    Ok(CourierAddress {
        recipient: recipient.to_owned(),
        phone,
        address: address.to_owned(),
        postal_code: postal_code.to_owned(),
    })
}

/// A payment order being shown, and its polling.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    order: PaymentOrder,
    /// When to poll next (monotonic ms); `None` while a poll is in flight or once settled.
    next_poll_ms: Option<u64>,
}

/// The case flow's states.
#[derive(Debug)]
pub(crate) enum CaseFlow {
    /// Keypad or QR.
    Method,
    /// The case number keypad.
    Keypad(Option<TextKey>),
    /// Watching the camera for the receipt's QR code.
    Scan,
    /// Waiting for the progress.
    Loading(CaseNumber),
    /// The progress.
    Progress(Box<CaseProgress>, Option<TextKey>),
    /// Choosing the pickup method.
    Pickups(Box<CaseProgress>),
    /// The courier address form.
    Address(Box<CaseProgress>, Option<TextKey>),
    /// Waiting for the pickup change.
    SettingPickup(Box<CaseProgress>),
    /// Waiting for the fees.
    LoadingFees(Box<CaseProgress>),
    /// The fees.
    Fees(Box<CaseProgress>, Fees),
    /// Waiting for a payment order.
    CreatingPayment(Box<CaseProgress>, Fees),
    /// The payment QR and its state.
    PayQr(Box<CaseProgress>, Fees, Payment),
}

impl CaseFlow {
    /// The first state.
    pub fn start() -> CaseFlow {
        CaseFlow::Method
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        match self {
            CaseFlow::Scan => matches!(device, Device::Camera | Device::Central),
            _ => device == Device::Central,
        }
    }

    /// Whether it waits for a device or central (a pending payment counts: the citizen pays
    /// on their phone).
    pub fn busy(&self) -> bool {
        match self {
            CaseFlow::Loading(_)
            | CaseFlow::SettingPickup(_)
            | CaseFlow::LoadingFees(_)
            | CaseFlow::CreatingPayment(..) => true,
            CaseFlow::PayQr(_, _, p) => p.order.state == PaymentState::Pending,
            _ => false,
        }
    }

    /// The next time a tick matters (payment polling).
    pub fn deadline(&self) -> Option<u64> {
        match self {
            CaseFlow::PayQr(_, _, p) => p.next_poll_ms,
            _ => None,
        }
    }

    fn number(progress: &CaseProgress) -> String {
        progress.case_number.to_string()
    }

    fn load(number: CaseNumber, cx: &mut Cx<'_>) -> Step<CaseFlow> {
        cx.call(CentralCall::Case {
            case_number: number.to_string(),
        });
        Step::Next(CaseFlow::Loading(number))
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<CaseFlow> {
        use CaseFlow as S;
        match (self, event) {
            (S::Method, Event::Intent(Intent::Press(ButtonId::UseKeypad))) => {
                Step::Next(S::Keypad(None))
            }
            (S::Method, Event::Intent(Intent::Press(ButtonId::ScanQr)))
                if cx.devices.is_up(Device::Camera) =>
            {
                cx.effect(Effect::StartQrScan);
                Step::Next(S::Scan)
            }
            (S::Method, Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Keypad(_), Event::Intent(Intent::Enter(text))) => match parse_case_number(&text) {
                Ok(number) => CaseFlow::load(number, cx),
                Err(e) => Step::Next(S::Keypad(Some(e.key()))),
            },
            (S::Keypad(_), Event::Intent(Intent::Back)) => Step::Next(S::Method),
            (S::Scan, Event::Done(Completion::Qr(payload))) => {
                match parse_case_number(&payload) {
                    Ok(number) => {
                        cx.effect(Effect::StopQrScan);
                        CaseFlow::load(number, cx)
                    }
                    // Keep watching: another code may be in view.
                    Err(_) => Step::Next(S::Scan),
                }
            }
            (S::Scan, Event::Intent(Intent::Back)) => {
                cx.effect(Effect::StopQrScan);
                Step::Next(S::Method)
            }
            (S::Loading(number), Event::Done(Completion::Central(Reply::Case(result)))) => {
                match result {
                    Ok(progress) => {
                        cx.journal("case", format!("status={}", progress.status));
                        Step::Next(S::Progress(Box::new(progress), None))
                    }
                    Err(failure) if failure.code() == Some(ErrorCode::NotFound) => {
                        cx.journal("case", "not found");
                        Step::Next(S::Keypad(Some(TextKey::CaseNotFound)))
                    }
                    Err(failure) => {
                        cx.journal("case", failure.as_str());
                        central_fault(S::Loading(number), failure)
                    }
                }
            }
            (S::Progress(..), Event::Intent(Intent::Back)) => Step::Next(S::Keypad(None)),
            (S::Progress(progress, note), Event::Intent(Intent::Press(ButtonId::Pickup))) => {
                if progress.pickup.changeable {
                    Step::Next(S::Pickups(progress))
                } else {
                    Step::Next(S::Progress(progress, note))
                }
            }
            (S::Progress(progress, _), Event::Intent(Intent::Press(ButtonId::Fees))) => {
                cx.call(CentralCall::Fees {
                    case_number: CaseFlow::number(&progress),
                });
                Step::Next(S::LoadingFees(progress))
            }
            (S::Pickups(progress), Event::Intent(Intent::Back)) => {
                Step::Next(S::Progress(progress, None))
            }
            (
                S::Pickups(progress),
                Event::Intent(Intent::Press(ButtonId::PickupMethod(method))),
            ) => {
                if method == PickupMethod::Courier {
                    Step::Next(S::Address(progress, None))
                } else {
                    CaseFlow::set_pickup(progress, method, None, cx)
                }
            }
            (S::Address(progress, _), Event::Intent(Intent::Back)) => {
                Step::Next(S::Pickups(progress))
            }
            (S::Address(progress, _), Event::Intent(Intent::Address(form))) => {
                match parse_address(&form) {
                    Ok(address) => {
                        CaseFlow::set_pickup(progress, PickupMethod::Courier, Some(address), cx)
                    }
                    Err(e) => Step::Next(S::Address(progress, Some(e.key()))),
                }
            }
            (
                S::SettingPickup(mut progress),
                Event::Done(Completion::Central(Reply::Pickup(result))),
            ) => match result {
                Ok(pickup) => {
                    cx.journal("pickup", format!("{:?}", pickup.method));
                    progress.pickup = pickup;
                    Step::Next(S::Progress(progress, Some(TextKey::PickupUpdated)))
                }
                Err(failure) if failure.code() == Some(ErrorCode::PickupLocked) => {
                    progress.pickup.changeable = false;
                    Step::Next(S::Progress(progress, Some(TextKey::PickupLocked)))
                }
                Err(failure) => {
                    cx.journal("set_pickup", failure.as_str());
                    central_fault(S::SettingPickup(progress), failure)
                }
            },
            (S::LoadingFees(progress), Event::Done(Completion::Central(Reply::Fees(result)))) => {
                match result {
                    Ok(fees) => Step::Next(S::Fees(progress, fees)),
                    Err(failure) => {
                        cx.journal("fees", failure.as_str());
                        central_fault(S::LoadingFees(progress), failure)
                    }
                }
            }
            (S::Fees(progress, _), Event::Intent(Intent::Back)) => {
                Step::Next(S::Progress(progress, None))
            }
            (S::Fees(progress, fees), Event::Intent(Intent::Press(ButtonId::Pay)))
                if !fees.paid && fees.total_fen > 0 =>
            {
                cx.call(CentralCall::CreatePayment {
                    case_number: CaseFlow::number(&progress),
                });
                Step::Next(S::CreatingPayment(progress, fees))
            }
            (
                S::CreatingPayment(progress, mut fees),
                Event::Done(Completion::Central(Reply::Payment(result))),
            ) => match result {
                Ok(order) => {
                    cx.journal(
                        "payment",
                        format!("order={} {:?}", order.order_id, order.state),
                    );
                    let next_poll_ms = Some(cx.now.ms.saturating_add(cx.config.payment_poll_ms));
                    Step::Next(S::PayQr(
                        progress,
                        fees,
                        Payment {
                            order,
                            next_poll_ms,
                        },
                    ))
                }
                Err(failure) if failure.code() == Some(ErrorCode::NothingToPay) => {
                    fees.paid = true;
                    Step::Next(S::Fees(progress, fees))
                }
                Err(failure) => {
                    cx.journal("create_payment", failure.as_str());
                    central_fault(S::CreatingPayment(progress, fees), failure)
                }
            },
            (S::PayQr(progress, fees, mut payment), Event::Tick) => {
                if payment.next_poll_ms.is_some_and(|at| cx.now.ms >= at)
                    && payment.order.state == PaymentState::Pending
                {
                    payment.next_poll_ms = None;
                    cx.call(CentralCall::Payment {
                        order_id: payment.order.order_id.clone(),
                    });
                }
                Step::Next(S::PayQr(progress, fees, payment))
            }
            (
                S::PayQr(progress, mut fees, mut payment),
                Event::Done(Completion::Central(Reply::Payment(result))),
            ) => {
                match result {
                    Ok(order) if order.order_id == payment.order.order_id => {
                        if order.state != payment.order.state {
                            cx.journal("payment", format!("{:?}", order.state));
                        }
                        if order.state == PaymentState::Paid {
                            fees.paid = true;
                        }
                        payment.next_poll_ms = (order.state == PaymentState::Pending)
                            .then(|| cx.now.ms.saturating_add(cx.config.payment_poll_ms));
                        payment.order = order;
                    }
                    Ok(_) => {}
                    // A failed poll is tried again at the next interval.
                    Err(failure) => {
                        cx.journal("payment_poll", failure.as_str());
                        payment.next_poll_ms =
                            Some(cx.now.ms.saturating_add(cx.config.payment_poll_ms));
                    }
                }
                Step::Next(S::PayQr(progress, fees, payment))
            }
            (S::PayQr(progress, fees, payment), Event::Intent(Intent::Press(ButtonId::Retry)))
                if matches!(
                    payment.order.state,
                    PaymentState::Expired | PaymentState::Failed
                ) =>
            {
                cx.call(CentralCall::CreatePayment {
                    case_number: CaseFlow::number(&progress),
                });
                Step::Next(S::CreatingPayment(progress, fees))
            }
            (S::PayQr(progress, fees, _), Event::Intent(Intent::Back)) => {
                Step::Next(S::Fees(progress, fees))
            }
            (S::PayQr(_, _, payment), Event::Intent(Intent::Press(ButtonId::Done)))
                if payment.order.state == PaymentState::Paid =>
            {
                Step::Exit(ExitReason::Done)
            }
            (S::Progress(..) | S::Fees(..), Event::Intent(Intent::Press(ButtonId::Done))) => {
                Step::Exit(ExitReason::Done)
            }
            (state, _) => Step::Next(state),
        }
    }

    fn set_pickup(
        progress: Box<CaseProgress>,
        method: PickupMethod,
        address: Option<CourierAddress>,
        cx: &mut Cx<'_>,
    ) -> Step<CaseFlow> {
        cx.call(CentralCall::SetPickup {
            case_number: CaseFlow::number(&progress),
            request: PickupRequest { method, address },
        });
        Step::Next(CaseFlow::SettingPickup(progress))
    }

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        use CaseFlow as S;
        match self {
            S::Method => {
                let camera = sx.devices.is_up(Device::Camera);
                let mut screen = Screen::new(ScreenId::CaseMethod, TextKey::CaseTitle)
                    .button(Button::new(ButtonId::UseKeypad, TextKey::TypeCaseNumber))
                    .button(Button::new(ButtonId::ScanQr, TextKey::ScanReceipt).enabled(camera));
                if !camera {
                    screen = screen.line(TextKey::QrUnavailable);
                }
                screen
            }
            S::Keypad(error) => Screen::new(ScreenId::CaseNumber, TextKey::CaseNumberTitle)
                .field(Field::CaseNumber)
                .error(error.map(Text::Key)),
            S::Scan => Screen::new(ScreenId::ScanQr, TextKey::ScanTitle).line(TextKey::ScanBody),
            S::Loading(_) | S::SettingPickup(_) | S::LoadingFees(_) | S::CreatingPayment(..) => {
                Screen::new(ScreenId::Working, TextKey::QueryingTitle)
                    .line(TextKey::PleaseWait)
                    .busy()
            }
            S::Progress(p, note) => {
                let mut screen = Screen::new(ScreenId::CaseProgress, TextKey::CaseProgressTitle)
                    .line(Text::args(
                        TextKey::CaseSummary,
                        [
                            p.case_number.to_string(),
                            p.business_type.chinese().to_owned(),
                            p.status.chinese().to_owned(),
                        ],
                    ));
                for stage in &p.stages {
                    screen = screen.line(match stage.finished_at {
                        Some(done) => Text::args(
                            TextKey::StageDone,
                            [
                                stage.stage.chinese().to_owned(),
                                show::datetime(stage.started_at),
                                show::datetime(done),
                            ],
                        ),
                        None => Text::args(
                            TextKey::StageOpen,
                            [
                                stage.stage.chinese().to_owned(),
                                show::datetime(stage.started_at),
                            ],
                        ),
                    });
                }
                screen = screen.line(if p.pickup.ready {
                    TextKey::PickupReady
                } else {
                    TextKey::PickupNotReady
                });
                if let Some(method) = p.pickup.method {
                    screen = screen.line(Text::args(
                        TextKey::PickupMethodIs,
                        [method.chinese().to_owned()],
                    ));
                }
                if let Some(window) = &p.pickup.window {
                    screen = screen.line(Text::args(TextKey::PickupWindow, [window.clone()]));
                }
                screen
                    .button(
                        Button::new(ButtonId::Pickup, TextKey::ChangePickup)
                            .enabled(p.pickup.changeable),
                    )
                    .button(Button::new(ButtonId::Fees, TextKey::ShowFees))
                    .button(Button::new(ButtonId::Done, TextKey::Done))
                    .error(note.map(Text::Key))
            }
            S::Pickups(_) => {
                let mut screen = Screen::new(ScreenId::PickupMethods, TextKey::PickupTitle);
                for m in PickupMethod::ALL {
                    screen = screen.button(Button {
                        id: ButtonId::PickupMethod(*m),
                        label: Text::Data(m.chinese().to_owned()),
                        enabled: true,
                        selected: false,
                    });
                }
                screen
            }
            S::Address(_, error) => Screen::new(ScreenId::Address, TextKey::AddressTitle)
                .field(Field::Address)
                .error(error.map(Text::Key)),
            S::Fees(_, fees) => fees_screen(fees),
            S::PayQr(_, fees, payment) => {
                let mut screen = Screen::new(ScreenId::PaymentQr, TextKey::PaymentTitle)
                    .line(Text::args(TextKey::FeesTotal, [show::yuan(fees.total_fen)]));
                match payment.order.state {
                    PaymentState::Pending => {
                        screen.qr = Some(payment.order.qr_payload.clone());
                        screen = screen.line(Text::args(
                            TextKey::PaymentPending,
                            [show::hm(payment.order.expires_at)],
                        ));
                    }
                    PaymentState::Paid => {
                        screen = screen
                            .line(TextKey::PaymentPaid)
                            .button(Button::new(ButtonId::Done, TextKey::Done));
                    }
                    PaymentState::Expired | PaymentState::Failed => {
                        screen = screen
                            .line(if payment.order.state == PaymentState::Expired {
                                TextKey::PaymentExpired
                            } else {
                                TextKey::PaymentFailed
                            })
                            .button(Button::new(ButtonId::Retry, TextKey::Retry));
                    }
                }
                screen
            }
        }
    }
}

fn fees_screen(fees: &Fees) -> Screen {
    let mut screen = Screen::new(ScreenId::Fees, TextKey::FeesTitle);
    for item in &fees.items {
        screen = screen.line(Text::Data(format!(
            "{}  {}",
            item.name,
            show::yuan(item.amount_fen)
        )));
    }
    screen = screen.line(Text::args(TextKey::FeesTotal, [show::yuan(fees.total_fen)]));
    if fees.paid || fees.total_fen <= 0 {
        screen
            .line(TextKey::FeesPaid)
            .button(Button::new(ButtonId::Done, TextKey::Done))
    } else {
        screen.button(Button::new(ButtonId::Pay, TextKey::Pay))
    }
}
