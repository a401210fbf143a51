//! The session shell: the idle menu, one citizen's session around a flow, the inactivity
//! warning, language and elder mode, device availability, fault screens, and the exits.

use crate::ask::AskFlow;
use crate::case::CaseFlow;
use crate::checkin::CheckInFlow;
use crate::cx::{Cx, Event, Step, Sx};
use crate::guide::GuideFlow;
use crate::io::{CentralCall, DeviceEvent, Effect, Input, Intent, JournalEntry};
use crate::records::RecordsFlow;
use crate::screen::{Button, ButtonId, Countdown, Item, Nav, Screen, ScreenId, Text};
use crate::text::TextKey;
use crate::ticket::TicketFlow;
use crate::types::{
    CentralFailure, Config, Device, Devices, ExitReason, Fault, FlowKind, Lang, Now, PrintFault,
    SessionId,
};

/// The running flow.
#[derive(Debug)]
pub(crate) enum Flow {
    /// Records query and certificate.
    Records(RecordsFlow),
    /// Appointment check-in.
    CheckIn(CheckInFlow),
    /// Walk-in ticket.
    Ticket(TicketFlow),
    /// Case progress.
    Case(CaseFlow),
    /// Service guide.
    Guide(GuideFlow),
    /// Ask and rate.
    Ask(AskFlow),
}

impl Flow {
    fn start(kind: FlowKind, cx: &mut Cx<'_>) -> Flow {
        match kind {
            FlowKind::Records => Flow::Records(RecordsFlow::start()),
            FlowKind::CheckIn => Flow::CheckIn(CheckInFlow::start()),
            FlowKind::Ticket => Flow::Ticket(TicketFlow::start(cx)),
            FlowKind::Case => Flow::Case(CaseFlow::start()),
            FlowKind::Guide => Flow::Guide(GuideFlow::start(cx)),
            FlowKind::AskRate => Flow::Ask(AskFlow::start()),
        }
    }

    fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<Flow> {
        match self {
            Flow::Records(s) => s.handle(event, cx).map(Flow::Records),
            Flow::CheckIn(s) => s.handle(event, cx).map(Flow::CheckIn),
            Flow::Ticket(s) => s.handle(event, cx).map(Flow::Ticket),
            Flow::Case(s) => s.handle(event, cx).map(Flow::Case),
            Flow::Guide(s) => s.handle(event, cx).map(Flow::Guide),
            Flow::Ask(s) => s.handle(event, cx).map(Flow::Ask),
        }
    }

    fn needs(&self, device: Device) -> bool {
        match self {
            Flow::Records(s) => s.needs(device),
            Flow::CheckIn(s) => s.needs(device),
            Flow::Ticket(s) => s.needs(device),
            Flow::Case(s) => s.needs(device),
            Flow::Guide(s) => s.needs(device),
            Flow::Ask(s) => s.needs(device),
        }
    }

    fn busy(&self) -> bool {
        match self {
            Flow::Records(s) => s.busy(),
            Flow::CheckIn(s) => s.busy(),
            Flow::Ticket(s) => s.busy(),
            Flow::Case(s) => s.busy(),
            Flow::Guide(s) => s.busy(),
            Flow::Ask(s) => s.busy(),
        }
    }

    fn deadline(&self) -> Option<u64> {
        match self {
            Flow::Case(s) => s.deadline(),
            _ => None,
        }
    }

    fn screen(&self, sx: &Sx<'_>) -> Screen {
        match self {
            Flow::Records(s) => s.screen(sx),
            Flow::CheckIn(s) => s.screen(sx),
            Flow::Ticket(s) => s.screen(sx),
            Flow::Case(s) => s.screen(sx),
            Flow::Guide(s) => s.screen(sx),
            Flow::Ask(s) => s.screen(sx),
        }
    }
}

/// A fault shown over the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FaultScreen {
    fault: Fault,
    /// The central call "retry" sends again.
    retry: Option<CentralCall>,
}

/// The inactivity warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Warning {
    /// When the session ends; `None` in elder mode.
    expires_ms: Option<u64>,
}

/// One citizen's session.
#[derive(Debug)]
struct Active {
    id: SessionId,
    kind: FlowKind,
    flow: Flow,
    last_activity_ms: u64,
    warning: Option<Warning>,
    fault: Option<FaultScreen>,
    /// The last central call, for "retry".
    last_call: Option<CentralCall>,
}

impl Active {
    /// Whether the session waits for a device or central (the inactivity timer pauses); a
    /// fault screen never waits.
    fn waiting(&self) -> bool {
        self.fault.is_none() && self.flow.busy()
    }
}

/// Why the idle screen shows a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Notice {
    /// The last session ended.
    Ended(ExitReason),
    /// A flow is out of service.
    OutOfService(FlowKind, Device),
}

/// The kiosk's state.
#[derive(Debug)]
enum State {
    /// The idle / attract screen with the menu, and a notice about the last session.
    Idle(Option<(Notice, u64)>),
    /// A session.
    Active(Box<Active>),
}

/// The kiosk's citizen side: feed it [`Input`]s with the time, perform the [`Effect`]s it
/// returns, render its [`Screen`].
#[derive(Debug)]
pub struct Kiosk {
    config: Config,
    devices: Devices,
    lang: Lang,
    elder: bool,
    next_session: u64,
    state: State,
    /// Maintenance mode is open: no citizen session can start.
    locked: bool,
}

impl Kiosk {
    /// An idle kiosk with every device up.
    pub fn new(config: Config) -> Kiosk {
        Kiosk {
            config,
            devices: Devices::all_up(),
            lang: Lang::Zh,
            elder: false,
            next_session: 1,
            state: State::Idle(None),
            locked: false,
        }
    }

    /// Locks citizens out (maintenance mode open) or lets them in again. While locked the idle
    /// menu shows every service out of service and no session starts; the driver opens
    /// maintenance only while no session is active.
    pub fn set_locked(&mut self, locked: bool) {
        self.locked = locked;
    }

    /// Whether citizens are locked out.
    pub fn locked(&self) -> bool {
        self.locked
    }

    /// The device availability the kiosk believes.
    pub fn devices(&self) -> Devices {
        self.devices
    }

    /// The current session, if any.
    pub fn session(&self) -> Option<SessionId> {
        match &self.state {
            State::Active(a) => Some(a.id),
            State::Idle(_) => None,
        }
    }

    /// The current flow, if any.
    pub fn flow(&self) -> Option<FlowKind> {
        match &self.state {
            State::Active(a) => Some(a.kind),
            State::Idle(_) => None,
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Whether elder mode is on.
    pub fn elder(&self) -> bool {
        self.elder
    }

    /// Whether a flow can be started now, or the device that keeps it out of service.
    pub fn availability(&self, flow: FlowKind) -> Result<(), Device> {
        match self.devices.missing_for(flow) {
            Some(device) => Err(device),
            None => Ok(()),
        }
    }

    fn step_timeout(&self) -> u64 {
        if self.elder {
            self.config.elder_step_timeout_ms
        } else {
            self.config.step_timeout_ms
        }
    }

    /// The next monotonic time at which a [`Input::Tick`] changes something.
    pub fn next_deadline(&self) -> Option<u64> {
        match &self.state {
            State::Idle(notice) => notice.as_ref().map(|(_, until)| *until),
            State::Active(a) => {
                let timer = match a.warning {
                    Some(w) => w.expires_ms,
                    None if a.waiting() => None,
                    None => Some(a.last_activity_ms.saturating_add(self.step_timeout())),
                };
                [timer, a.flow.deadline()].into_iter().flatten().min()
            }
        }
    }

    /// Handles one input at `now` and returns the effects to perform, in order.
    pub fn handle(&mut self, input: Input, now: Now) -> Vec<Effect> {
        let state = std::mem::replace(&mut self.state, State::Idle(None));
        let mut effects = Vec::new();
        self.state = match state {
            State::Idle(notice) => self.idle(notice, input, now, &mut effects),
            State::Active(active) => self.active(active, input, now, &mut effects),
        };
        effects
    }

    fn idle(
        &mut self,
        notice: Option<(Notice, u64)>,
        input: Input,
        now: Now,
        effects: &mut Vec<Effect>,
    ) -> State {
        let notice = notice.filter(|(_, until)| now.ms < *until);
        match input {
            Input::Citizen(Intent::Language(lang)) => {
                self.lang = lang;
                State::Idle(notice)
            }
            Input::Citizen(Intent::ElderMode(on)) => {
                self.elder = on;
                State::Idle(notice)
            }
            Input::Citizen(Intent::Start(_) | Intent::Select(_)) if self.locked => {
                State::Idle(notice)
            }
            Input::Citizen(Intent::Start(kind)) => self.start(kind, now, effects),
            Input::Citizen(Intent::Select(i)) => match FlowKind::ALL.get(i) {
                Some(kind) => self.start(*kind, now, effects),
                None => State::Idle(notice),
            },
            Input::Device(DeviceEvent::Status { device, up }) => {
                self.devices.set(device, up);
                State::Idle(notice)
            }
            // Touches elsewhere dismiss the notice; completions of ended sessions are dropped.
            Input::Citizen(_) => State::Idle(None),
            _ => State::Idle(notice),
        }
    }

    fn start(&mut self, kind: FlowKind, now: Now, effects: &mut Vec<Effect>) -> State {
        if let Some(device) = self.devices.missing_for(kind) {
            return State::Idle(Some((
                Notice::OutOfService(kind, device),
                now.ms.saturating_add(self.config.notice_ms),
            )));
        }
        let id = SessionId(self.next_session);
        self.next_session = self.next_session.saturating_add(1);
        let mut cx = Cx {
            now,
            session: id,
            flow: kind,
            config: &self.config,
            devices: self.devices,
            effects: Vec::new(),
        };
        cx.journal("start", if self.elder { "elder mode" } else { "normal" });
        let flow = Flow::start(kind, &mut cx);
        let mut active = Box::new(Active {
            id,
            kind,
            flow,
            last_activity_ms: now.ms,
            warning: None,
            fault: None,
            last_call: None,
        });
        let fx = cx.effects;
        Kiosk::note_calls(&mut active, &fx);
        effects.extend(fx);
        State::Active(active)
    }

    fn note_calls(active: &mut Active, effects: &[Effect]) {
        for e in effects {
            if let Effect::Central(call) = e {
                active.last_call = Some(call.clone());
            }
        }
    }

    fn active(
        &mut self,
        mut a: Box<Active>,
        input: Input,
        now: Now,
        effects: &mut Vec<Effect>,
    ) -> State {
        match input {
            Input::Citizen(intent) => {
                // Any touch is activity.
                a.last_activity_ms = now.ms;
                match intent {
                    Intent::Language(lang) => {
                        self.lang = lang;
                        State::Active(a)
                    }
                    Intent::ElderMode(on) => {
                        self.elder = on;
                        if let Some(w) = &mut a.warning {
                            if on {
                                w.expires_ms = None;
                            } else {
                                w.expires_ms = Some(now.ms.saturating_add(self.config.warning_ms));
                            }
                        }
                        State::Active(a)
                    }
                    // Activity only (recorded above); never dismisses anything.
                    Intent::Typing => State::Active(a),
                    Intent::Home => self.exit(a, ExitReason::Home, now, effects),
                    Intent::StaffedWindow => self.exit(a, ExitReason::StaffedWindow, now, effects),
                    // The warning is modal: any other touch only dismisses it.
                    _ if a.warning.is_some() => {
                        a.warning = None;
                        State::Active(a)
                    }
                    Intent::Extend => State::Active(a),
                    _ if a.fault.is_some() => self.on_fault(a, intent, now, effects),
                    intent => self.step(a, Event::Intent(intent), now, effects),
                }
            }
            Input::Tick => {
                if a.waiting() {
                    a.last_activity_ms = now.ms;
                }
                match a.warning {
                    Some(Warning {
                        expires_ms: Some(at),
                    }) if now.ms >= at => {
                        return self.exit(a, ExitReason::TimedOut, now, effects);
                    }
                    None if !a.waiting()
                        && now.ms >= a.last_activity_ms.saturating_add(self.step_timeout()) =>
                    {
                        a.warning = Some(Warning {
                            expires_ms: (!self.elder)
                                .then(|| now.ms.saturating_add(self.config.warning_ms)),
                        });
                        let mut cx = self.cx(&a, now);
                        cx.journal("inactivity", "warned");
                        effects.extend(cx.effects);
                    }
                    _ => {}
                }
                if a.fault.is_some() {
                    State::Active(a)
                } else {
                    self.step(a, Event::Tick, now, effects)
                }
            }
            Input::Device(DeviceEvent::Status { device, up }) => {
                self.devices.set(device, up);
                let mut cx = self.cx(&a, now);
                cx.journal(
                    "device",
                    format!("{} {}", device.as_str(), if up { "up" } else { "down" }),
                );
                effects.extend(cx.effects);
                if !up && a.flow.needs(device) && a.fault.is_none() {
                    a.fault = Some(FaultScreen {
                        fault: Fault::DeviceDown(device),
                        retry: None,
                    });
                    let mut cx = self.cx(&a, now);
                    cx.journal("fault", Fault::DeviceDown(device).detail());
                    effects.extend(cx.effects);
                }
                State::Active(a)
            }
            // Behind a fault screen the flow stands still; only a lifted card still counts.
            Input::Device(event)
                if a.fault.is_some() && !matches!(event, DeviceEvent::CardLifted) =>
            {
                State::Active(a)
            }
            Input::Done { .. } if a.fault.is_some() => State::Active(a),
            Input::Device(event) => {
                if matches!(event, DeviceEvent::CardRead(_) | DeviceEvent::CardRejected) {
                    a.last_activity_ms = now.ms;
                    a.warning = None;
                }
                self.step(a, Event::Card(event), now, effects)
            }
            Input::Done {
                session,
                completion,
            } => {
                if session != a.id {
                    return State::Active(a);
                }
                a.last_activity_ms = now.ms;
                self.step(a, Event::Done(completion), now, effects)
            }
        }
    }

    fn on_fault(
        &mut self,
        mut a: Box<Active>,
        intent: Intent,
        now: Now,
        effects: &mut Vec<Effect>,
    ) -> State {
        let Some(fault) = a.fault.take() else {
            return State::Active(a);
        };
        match intent {
            Intent::Press(ButtonId::Retry) if fault.retry.is_some() => {
                if let Some(call) = fault.retry {
                    let mut cx = self.cx(&a, now);
                    cx.journal("retry", call.as_str());
                    effects.extend(cx.effects);
                    effects.push(Effect::Central(call.clone()));
                    a.last_call = Some(call);
                }
                State::Active(a)
            }
            Intent::Press(ButtonId::Exit) | Intent::Back => {
                self.exit(a, ExitReason::Fault(fault.fault), now, effects)
            }
            _ => {
                a.fault = Some(fault);
                State::Active(a)
            }
        }
    }

    fn cx(&self, a: &Active, now: Now) -> Cx<'_> {
        Cx {
            now,
            session: a.id,
            flow: a.kind,
            config: &self.config,
            devices: self.devices,
            effects: Vec::new(),
        }
    }

    fn step(
        &mut self,
        mut a: Box<Active>,
        event: Event,
        now: Now,
        effects: &mut Vec<Effect>,
    ) -> State {
        let mut cx = self.cx(&a, now);
        let flow = std::mem::replace(&mut a.flow, Flow::Ask(AskFlow::Menu));
        let step = flow.handle(event, &mut cx);
        let fx = cx.effects;
        Kiosk::note_calls(&mut a, &fx);
        effects.extend(fx);
        match step {
            Step::Next(flow) => {
                a.flow = flow;
                State::Active(a)
            }
            Step::Fault {
                state,
                fault,
                retry,
            } => {
                a.flow = state;
                let mut cx = self.cx(&a, now);
                cx.journal("fault", fault.detail());
                effects.extend(cx.effects);
                a.fault = Some(FaultScreen {
                    fault,
                    retry: if retry { a.last_call.clone() } else { None },
                });
                State::Active(a)
            }
            Step::Exit(reason) => self.exit(a, reason, now, effects),
        }
    }

    fn exit(
        &mut self,
        a: Box<Active>,
        reason: ExitReason,
        now: Now,
        effects: &mut Vec<Effect>,
    ) -> State {
        effects.push(Effect::Journal(JournalEntry {
            session: a.id,
            flow: a.kind,
            step: "exit",
            outcome: match &reason {
                ExitReason::Fault(f) => format!("fault: {}", f.detail()),
                r => r.code().to_owned(),
            },
        }));
        effects.push(Effect::WipeSession);
        drop(a);
        self.lang = Lang::Zh;
        self.elder = false;
        State::Idle(Some((
            Notice::Ended(reason),
            now.ms.saturating_add(self.config.notice_ms),
        )))
    }

    /// The screen to show at `now`.
    pub fn screen(&self, now: Now) -> Screen {
        let sx = Sx {
            now,
            config: &self.config,
            devices: self.devices,
        };
        let mut screen = match &self.state {
            State::Idle(notice) => self.idle_screen(notice.as_ref().filter(|(_, u)| now.ms < *u)),
            State::Active(a) => match &a.fault {
                Some(f) => self.fault_screen(f),
                None => {
                    let mut s = a.flow.screen(&sx);
                    s.warning = a.warning.map(|w| Countdown {
                        seconds_left: w
                            .expires_ms
                            .map(|at| at.saturating_sub(now.ms).div_ceil(1000)),
                    });
                    s
                }
            },
        };
        screen.lang = self.lang;
        screen.elder = self.elder;
        screen
    }

    fn window(&self) -> Text {
        Text::args(TextKey::GoToWindow, [self.config.staffed_window.clone()])
    }

    fn idle_screen(&self, notice: Option<&(Notice, u64)>) -> Screen {
        let items = FlowKind::ALL
            .iter()
            .map(|kind| {
                let mut lines = vec![Text::Key(flow_key(*kind))];
                let up = !self.locked && self.devices.missing_for(*kind).is_none();
                if !up {
                    lines.push(Text::Key(TextKey::OutOfService));
                    lines.push(self.window());
                }
                Item { lines, enabled: up }
            })
            .collect();
        let mut screen = Screen::new(ScreenId::Idle, TextKey::IdleTitle).items(items);
        screen.nav = Nav {
            back: false,
            home: false,
            staffed: true,
        };
        if let Some((notice, _)) = notice {
            match notice {
                Notice::Ended(reason) => {
                    screen = screen.line(exit_key(reason));
                    if let ExitReason::Fault(fault) = reason {
                        screen.lines.extend(fault_lines(fault));
                    }
                    if matches!(
                        reason,
                        ExitReason::StaffedWindow
                            | ExitReason::ConsentDeclined
                            | ExitReason::Fault(_)
                    ) {
                        screen = screen.line(self.window());
                    }
                }
                Notice::OutOfService(kind, device) => {
                    screen = screen
                        .line(flow_key(*kind))
                        .line(TextKey::OutOfService)
                        .line(device_key(*device))
                        .line(self.window());
                }
            }
        }
        screen
    }

    fn fault_screen(&self, f: &FaultScreen) -> Screen {
        let mut screen = Screen::new(ScreenId::Fault, TextKey::FaultTitle);
        screen.lines = fault_lines(&f.fault);
        screen = screen.line(self.window());
        if f.retry.is_some() {
            screen = screen.button(Button::new(ButtonId::Retry, TextKey::Retry));
        }
        screen = screen.button(Button::new(ButtonId::Exit, TextKey::EndSession));
        screen.nav.back = false;
        screen
    }
}

/// The menu label of a flow.
pub(crate) fn flow_key(kind: FlowKind) -> TextKey {
    match kind {
        FlowKind::Records => TextKey::FlowRecords,
        FlowKind::CheckIn => TextKey::FlowCheckIn,
        FlowKind::Ticket => TextKey::FlowTicket,
        FlowKind::Case => TextKey::FlowCase,
        FlowKind::Guide => TextKey::FlowGuide,
        FlowKind::AskRate => TextKey::FlowAskRate,
    }
}

fn device_key(device: Device) -> TextKey {
    match device {
        Device::Reader => TextKey::ReaderDown,
        Device::Camera => TextKey::CameraDown,
        Device::TicketPrinter => TextKey::TicketPrinterDown,
        Device::A4Printer => TextKey::A4PrinterDown,
        Device::Central => TextKey::CentralDown,
    }
}

fn exit_key(reason: &ExitReason) -> TextKey {
    match reason {
        ExitReason::Done => TextKey::ExitDone,
        ExitReason::Home => TextKey::ExitHome,
        ExitReason::TimedOut => TextKey::ExitTimedOut,
        ExitReason::CardLifted => TextKey::ExitCardLifted,
        ExitReason::StaffedWindow => TextKey::ExitStaffed,
        ExitReason::ConsentDeclined => TextKey::ExitConsentDeclined,
        ExitReason::Fault(_) => TextKey::ExitFault,
    }
}

/// What happened and what to do, for a fault.
fn fault_lines(fault: &Fault) -> Vec<Text> {
    let (what, todo) = match fault {
        Fault::Central(CentralFailure::Unreachable | CentralFailure::Timeout) => {
            (TextKey::CentralUnreachable, TextKey::TryLaterOrWindow)
        }
        Fault::Central(CentralFailure::Server) => (TextKey::CentralBusy, TextKey::TryLaterOrWindow),
        Fault::Central(CentralFailure::Broken) => (TextKey::SystemFault, TextKey::GoToWindowNow),
        Fault::Central(CentralFailure::Refused(body)) => {
            let mut lines = vec![Text::Key(refusal_key(body.code))];
            if !body.message_zh.is_empty() {
                lines.push(Text::Data(body.message_zh.clone()));
            }
            lines.push(Text::Key(TextKey::GoToWindowNow));
            return lines;
        }
        Fault::DeviceDown(device) => (device_key(*device), TextKey::GoToWindowNow),
        Fault::Print { fault, .. } => (
            match fault {
                PrintFault::PaperOut => TextKey::PrinterPaperOut,
                PrintFault::CoverOpen => TextKey::PrinterCoverOpen,
                PrintFault::Offline => TextKey::PrinterOffline,
                PrintFault::Hardware | PrintFault::Aborted => TextKey::PrinterFailed,
            },
            TextKey::PrintFailedTodo,
        ),
        Fault::CardUnreadable => (TextKey::CardUnreadable, TextKey::GoToWindowNow),
    };
    vec![Text::Key(what), Text::Key(todo)]
}

fn refusal_key(code: central_api::dto::ErrorCode) -> TextKey {
    use central_api::dto::ErrorCode as C;
    match code {
        C::IdentityUnknown => TextKey::RefusedIdentityUnknown,
        C::VerificationExpired => TextKey::RefusedVerificationExpired,
        C::NotFound => TextKey::RefusedNotFound,
        C::Unavailable | C::Internal => TextKey::CentralBusy,
        _ => TextKey::RefusedOther,
    }
}
