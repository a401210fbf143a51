//! Maintenance mode: the operator's side of the kiosk, as a pure state machine.
//!
//! What it is: the hidden gesture (five taps in a corner within [`PinPolicy::gesture_window_ms`]),
//! the PIN prompt with a lockout after [`PinPolicy::max_failures`] wrong PINs for
//! [`PinPolicy::lockout_ms`], and the menu (device status, a test print on each printer, paper
//! replaced, outbox depth and replay, the journal tail, network and central status, the software
//! version, leave). While the PIN prompt or the menu is open citizens are locked out: the driver
//! calls [`crate::Kiosk::set_locked`] on [`MaintenanceEffect::LockCitizens`] and the idle menu shows
//! every service out of service.
//!
//! What it is not: no I/O and no clock. The PIN is checked by a closure the driver passes (it
//! holds the salted hash from the configuration); what the pages show (statuses, depths, journal
//! lines) is the driver's, fetched on [`MaintenanceEffect::Refresh`]. Operator actions come out
//! as [`MaintenanceEffect::Journal`] with the contract's [`OperatorAction`].
//!
//! ```text
//! Closed --5 corner taps within 3 s--> Pin  (locked out: Closed, the gesture shows LockedOut)
//! Pin --right PIN--> Open(Menu) + LockCitizens(true) + journal MaintenanceEntered
//! Pin --wrong PIN--> Pin (failures+1; at max_failures: LockedOut until now+lockout, PinRefused)
//! Pin --cancel | idle pin_timeout--> Closed + LockCitizens(false)
//! Open(page) --choose--> Open(other page) + Refresh | TestPrint | PaperReplaced | ReplayOutbox
//! Open --leave | idle open_timeout--> Closed + LockCitizens(false) + journal MaintenanceLeft
//! ```

use crate::types::Device;
use central_api::journal::OperatorAction;

/// The PIN and gesture policy (from the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinPolicy {
    /// Corner taps that open the PIN prompt.
    pub gesture_taps: u32,
    /// Within this time (ms).
    pub gesture_window_ms: u64,
    /// Wrong PINs in a row before the lockout.
    pub max_failures: u32,
    /// How long the lockout lasts (ms).
    pub lockout_ms: u64,
    /// The PIN prompt closes after this long without input (ms).
    pub pin_timeout_ms: u64,
    /// Maintenance closes after this long without input (ms).
    pub open_timeout_ms: u64,
}

impl Default for PinPolicy {
    /// Five taps within 3 s; five wrong PINs lock for 15 minutes; the prompt closes after 30 s
    /// and the menu after 5 minutes of no input.
    fn default() -> Self {
        PinPolicy {
            gesture_taps: 5,
            gesture_window_ms: 3_000,
            max_failures: 5,
            lockout_ms: 15 * 60_000,
            pin_timeout_ms: 30_000,
            open_timeout_ms: 5 * 60_000,
        }
    }
}

/// A page of the maintenance menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    /// The menu itself.
    Menu,
    /// Every device's status.
    Devices,
    /// Outbox depth, dead letters, the last replay.
    Outbox,
    /// The last journal entries.
    JournalTail,
    /// Network and central: reachability, TLS, clock offset.
    Network,
    /// Software version and configuration file.
    Version,
}

/// What the operator chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Show a page.
    Show(Page),
    /// Print a test page on this printer ([`Device::TicketPrinter`] or [`Device::A4Printer`]).
    TestPrint(Device),
    /// Paper was replaced in this printer.
    PaperReplaced(Device),
    /// Replay the outbox now.
    ReplayOutbox,
    /// Leave maintenance.
    Leave,
}

/// An input to maintenance mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceInput {
    /// A tap in the hidden corner.
    CornerTap,
    /// A PIN was submitted.
    Pin(String),
    /// The operator cancelled the PIN prompt.
    Cancel,
    /// A menu choice.
    Choose(Choice),
    /// Back to the menu.
    Back,
    /// Time passed.
    Tick,
    /// An action the driver performed ended; `ok` and an English line for the page.
    Result {
        /// Whether it worked.
        ok: bool,
        /// What happened, in English (no personal data).
        detail: String,
    },
}

/// What the driver must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceEffect {
    /// Lock citizens out (true) or let them in again (false).
    LockCitizens(bool),
    /// Fetch what this page shows.
    Refresh(Page),
    /// Print a test page; answer with [`MaintenanceInput::Result`].
    TestPrint(Device),
    /// Tell the device service its paper was replaced (re-check its status).
    PaperReplaced(Device),
    /// Replay the outbox now; answer with [`MaintenanceInput::Result`].
    ReplayOutbox,
    /// Append an operator action to the journal.
    Journal(OperatorAction),
}

/// What the maintenance side shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceView {
    /// Nothing: the citizen side is shown.
    Closed,
    /// The PIN prompt; `failures` wrong PINs so far.
    Pin {
        /// Wrong PINs in a row so far.
        failures: u32,
        /// Tries left before the lockout.
        tries_left: u32,
    },
    /// Locked out after too many wrong PINs; the gesture shows this until it expires.
    LockedOut {
        /// Seconds until the PIN can be tried again.
        seconds_left: u64,
    },
    /// A page of the menu, with the result of the last action.
    Open {
        /// The page.
        page: Page,
        /// The last action's result, in English.
        last_result: Option<(bool, String)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Closed,
    /// The lockout note shown after the gesture while locked out, until `until_ms`.
    LockedNote,
    Pin,
    Open {
        page: Page,
        last_result: Option<(bool, String)>,
    },
}

/// Maintenance mode.
#[derive(Debug, Clone)]
pub struct Maintenance {
    policy: PinPolicy,
    state: State,
    taps: Vec<u64>,
    failures: u32,
    locked_until_ms: Option<u64>,
    last_input_ms: u64,
}

impl Maintenance {
    /// Closed, no failures.
    pub fn new(policy: PinPolicy) -> Maintenance {
        Maintenance {
            policy,
            state: State::Closed,
            taps: Vec::new(),
            failures: 0,
            locked_until_ms: None,
            last_input_ms: 0,
        }
    }

    /// Whether the PIN prompt or the menu is open (citizens are locked out).
    pub fn is_open(&self) -> bool {
        matches!(self.state, State::Pin | State::Open { .. })
    }

    /// Whether PIN entry is locked out at `now_ms`.
    pub fn locked_out(&self, now_ms: u64) -> bool {
        self.locked_until_ms.is_some_and(|until| now_ms < until)
    }

    /// The next time at which a [`MaintenanceInput::Tick`] changes something.
    pub fn next_deadline(&self) -> Option<u64> {
        match self.state {
            State::Closed => None,
            State::LockedNote => self.locked_until_ms,
            State::Pin => Some(
                self.last_input_ms
                    .saturating_add(self.policy.pin_timeout_ms),
            ),
            State::Open { .. } => Some(
                self.last_input_ms
                    .saturating_add(self.policy.open_timeout_ms),
            ),
        }
    }

    /// What to show at `now_ms`.
    pub fn view(&self, now_ms: u64) -> MaintenanceView {
        match &self.state {
            State::Closed => MaintenanceView::Closed,
            State::LockedNote => MaintenanceView::LockedOut {
                seconds_left: self
                    .locked_until_ms
                    .unwrap_or(now_ms)
                    .saturating_sub(now_ms)
                    .div_ceil(1000),
            },
            State::Pin => MaintenanceView::Pin {
                failures: self.failures,
                tries_left: self.policy.max_failures.saturating_sub(self.failures),
            },
            State::Open { page, last_result } => MaintenanceView::Open {
                page: *page,
                last_result: last_result.clone(),
            },
        }
    }

    /// Handles one input at `now_ms`; `verify_pin` checks a PIN against the configured hash.
    pub fn handle(
        &mut self,
        input: MaintenanceInput,
        now_ms: u64,
        verify_pin: &dyn Fn(&str) -> bool,
    ) -> Vec<MaintenanceEffect> {
        let mut fx = Vec::new();
        if self.locked_until_ms.is_some_and(|until| now_ms >= until) {
            // The lockout expired: a fresh count of tries.
            self.locked_until_ms = None;
            self.failures = 0;
            if self.state == State::LockedNote {
                self.state = State::Closed;
            }
        }
        if input != MaintenanceInput::Tick {
            self.last_input_ms = now_ms;
        }
        let state = std::mem::replace(&mut self.state, State::Closed);
        self.state = match (state, input) {
            (prev @ (State::Closed | State::LockedNote), MaintenanceInput::CornerTap) => {
                self.tap(prev, now_ms, &mut fx)
            }
            (State::LockedNote, MaintenanceInput::Tick) if !self.locked_out(now_ms) => {
                State::Closed
            }
            (s @ (State::Closed | State::LockedNote), _) => s,
            (State::Pin, MaintenanceInput::Pin(pin)) => self.pin(&pin, now_ms, verify_pin, &mut fx),
            (State::Pin, MaintenanceInput::Cancel) => {
                fx.push(MaintenanceEffect::LockCitizens(false));
                State::Closed
            }
            (State::Pin, MaintenanceInput::Tick)
                if now_ms
                    >= self
                        .last_input_ms
                        .saturating_add(self.policy.pin_timeout_ms) =>
            {
                fx.push(MaintenanceEffect::LockCitizens(false));
                State::Closed
            }
            (State::Pin, _) => State::Pin,
            (State::Open { .. }, MaintenanceInput::Choose(Choice::Leave))
            | (State::Open { .. }, MaintenanceInput::Cancel) => self.leave(&mut fx),
            (State::Open { .. }, MaintenanceInput::Tick)
                if now_ms
                    >= self
                        .last_input_ms
                        .saturating_add(self.policy.open_timeout_ms) =>
            {
                self.leave(&mut fx)
            }
            (State::Open { page, last_result }, MaintenanceInput::Choose(choice)) => {
                Maintenance::choose(page, last_result, choice, &mut fx)
            }
            (State::Open { .. }, MaintenanceInput::Back) => State::Open {
                page: Page::Menu,
                last_result: None,
            },
            (State::Open { page, .. }, MaintenanceInput::Result { ok, detail }) => {
                fx.push(MaintenanceEffect::Refresh(page));
                State::Open {
                    page,
                    last_result: Some((ok, detail)),
                }
            }
            (s @ State::Open { .. }, _) => s,
        };
        fx
    }

    fn tap(&mut self, prev: State, now_ms: u64, fx: &mut Vec<MaintenanceEffect>) -> State {
        let window = self.policy.gesture_window_ms;
        self.taps
            .retain(|t| now_ms.saturating_sub(*t) < window && *t <= now_ms);
        self.taps.push(now_ms);
        let enough = self.taps.len() >= usize::try_from(self.policy.gesture_taps).unwrap_or(5);
        if !enough {
            return prev;
        }
        self.taps.clear();
        if self.locked_out(now_ms) {
            return State::LockedNote;
        }
        fx.push(MaintenanceEffect::LockCitizens(true));
        State::Pin
    }

    fn pin(
        &mut self,
        pin: &str,
        now_ms: u64,
        verify_pin: &dyn Fn(&str) -> bool,
        fx: &mut Vec<MaintenanceEffect>,
    ) -> State {
        if verify_pin(pin) {
            self.failures = 0;
            fx.push(MaintenanceEffect::Journal(
                OperatorAction::MaintenanceEntered,
            ));
            fx.push(MaintenanceEffect::Refresh(Page::Menu));
            return State::Open {
                page: Page::Menu,
                last_result: None,
            };
        }
        self.failures = self.failures.saturating_add(1);
        fx.push(MaintenanceEffect::Journal(OperatorAction::PinRefused));
        if self.failures >= self.policy.max_failures {
            self.locked_until_ms = Some(now_ms.saturating_add(self.policy.lockout_ms));
            fx.push(MaintenanceEffect::LockCitizens(false));
            return State::LockedNote;
        }
        State::Pin
    }

    fn leave(&mut self, fx: &mut Vec<MaintenanceEffect>) -> State {
        fx.push(MaintenanceEffect::Journal(OperatorAction::MaintenanceLeft));
        fx.push(MaintenanceEffect::LockCitizens(false));
        State::Closed
    }

    fn choose(
        page: Page,
        last_result: Option<(bool, String)>,
        choice: Choice,
        fx: &mut Vec<MaintenanceEffect>,
    ) -> State {
        match choice {
            Choice::Show(page) => {
                fx.push(MaintenanceEffect::Refresh(page));
                State::Open {
                    page,
                    last_result: None,
                }
            }
            Choice::TestPrint(device) if is_printer(device) => {
                fx.push(MaintenanceEffect::Journal(OperatorAction::TestPrint {
                    printer: device.as_str().to_owned(),
                }));
                fx.push(MaintenanceEffect::TestPrint(device));
                State::Open {
                    page: Page::Devices,
                    last_result: None,
                }
            }
            Choice::PaperReplaced(device) if is_printer(device) => {
                fx.push(MaintenanceEffect::Journal(OperatorAction::PaperReplaced {
                    printer: device.as_str().to_owned(),
                }));
                fx.push(MaintenanceEffect::PaperReplaced(device));
                fx.push(MaintenanceEffect::Refresh(Page::Devices));
                State::Open {
                    page: Page::Devices,
                    last_result: None,
                }
            }
            Choice::ReplayOutbox => {
                fx.push(MaintenanceEffect::Journal(OperatorAction::OutboxReplayed));
                fx.push(MaintenanceEffect::ReplayOutbox);
                State::Open {
                    page: Page::Outbox,
                    last_result: None,
                }
            }
            // Not a printer, or Leave (handled before): nothing happens.
            _ => State::Open { page, last_result },
        }
    }
}

fn is_printer(device: Device) -> bool {
    matches!(device, Device::TicketPrinter | Device::A4Printer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIN: &str = "246810";

    fn verify(pin: &str) -> bool {
        pin == PIN
    }

    fn m() -> Maintenance {
        Maintenance::new(PinPolicy::default())
    }

    fn taps(m: &mut Maintenance, start: u64, n: u64, gap: u64) -> Vec<MaintenanceEffect> {
        let mut fx = Vec::new();
        for i in 0..n {
            fx.extend(m.handle(MaintenanceInput::CornerTap, start + i * gap, &verify));
        }
        fx
    }

    fn open(m: &mut Maintenance, at: u64) {
        taps(m, at, 5, 100);
        let fx = m.handle(MaintenanceInput::Pin(PIN.into()), at + 1_000, &verify);
        assert!(fx.contains(&MaintenanceEffect::Journal(
            OperatorAction::MaintenanceEntered
        )));
        assert!(m.is_open());
    }

    #[test]
    fn five_quick_taps_open_the_pin_prompt_and_lock_citizens_out() {
        let mut m = m();
        let fx = taps(&mut m, 1_000, 4, 500);
        assert!(fx.is_empty());
        assert_eq!(m.view(3_000), MaintenanceView::Closed);
        let fx = m.handle(MaintenanceInput::CornerTap, 3_000, &verify);
        assert_eq!(fx, [MaintenanceEffect::LockCitizens(true)]);
        assert_eq!(
            m.view(3_000),
            MaintenanceView::Pin {
                failures: 0,
                tries_left: 5
            }
        );
    }

    #[test]
    fn slow_taps_do_not_open() {
        let mut m = m();
        // 5 taps 800 ms apart span 3.2 s: never 5 within 3 s.
        let fx = taps(&mut m, 0, 5, 800);
        assert!(fx.is_empty());
        assert!(!m.is_open());
        // Two more quick taps complete 5 within the window (1.6 s .. 4.1 s).
        assert!(
            m.handle(MaintenanceInput::CornerTap, 4_000, &verify)
                .is_empty()
        );
        let fx = m.handle(MaintenanceInput::CornerTap, 4_100, &verify);
        assert_eq!(fx, [MaintenanceEffect::LockCitizens(true)]);
    }

    #[test]
    fn right_pin_opens_the_menu_and_leave_journals_and_unlocks() {
        let mut m = m();
        taps(&mut m, 0, 5, 10);
        let fx = m.handle(MaintenanceInput::Pin(PIN.into()), 2_000, &verify);
        assert_eq!(
            fx,
            [
                MaintenanceEffect::Journal(OperatorAction::MaintenanceEntered),
                MaintenanceEffect::Refresh(Page::Menu)
            ]
        );
        assert_eq!(
            m.view(2_000),
            MaintenanceView::Open {
                page: Page::Menu,
                last_result: None
            }
        );
        let fx = m.handle(MaintenanceInput::Choose(Choice::Leave), 3_000, &verify);
        assert_eq!(
            fx,
            [
                MaintenanceEffect::Journal(OperatorAction::MaintenanceLeft),
                MaintenanceEffect::LockCitizens(false)
            ]
        );
        assert!(!m.is_open());
    }

    #[test]
    fn wrong_pins_lock_out_then_the_lockout_expires() {
        let policy = PinPolicy::default();
        let mut m = m();
        taps(&mut m, 0, 5, 10);
        for i in 1..policy.max_failures {
            let fx = m.handle(
                MaintenanceInput::Pin("1111".into()),
                100 * u64::from(i),
                &verify,
            );
            assert_eq!(fx, [MaintenanceEffect::Journal(OperatorAction::PinRefused)]);
            assert_eq!(
                m.view(0),
                MaintenanceView::Pin {
                    failures: i,
                    tries_left: policy.max_failures - i
                }
            );
        }
        let fx = m.handle(MaintenanceInput::Pin("1111".into()), 1_000, &verify);
        assert_eq!(
            fx,
            [
                MaintenanceEffect::Journal(OperatorAction::PinRefused),
                MaintenanceEffect::LockCitizens(false)
            ]
        );
        assert!(!m.is_open(), "citizens are let back in during the lockout");
        assert!(m.locked_out(1_000));
        assert_eq!(
            m.view(1_000),
            MaintenanceView::LockedOut {
                seconds_left: policy.lockout_ms / 1000
            }
        );
        assert_eq!(m.next_deadline(), Some(1_000 + policy.lockout_ms));
        m.handle(MaintenanceInput::Tick, 2_000, &verify);
        // The gesture during the lockout only shows the lockout, even with the right PIN after.
        let fx = taps(&mut m, 60_000, 5, 10);
        assert!(fx.is_empty());
        assert!(matches!(m.view(60_100), MaintenanceView::LockedOut { .. }));
        let fx = m.handle(MaintenanceInput::Pin(PIN.into()), 60_200, &verify);
        assert!(fx.is_empty());
        assert!(!m.is_open());
        // Expiry: the note goes away on the tick, and the PIN works again with a fresh count.
        let expiry = 1_000 + policy.lockout_ms;
        m.handle(MaintenanceInput::Tick, expiry, &verify);
        assert_eq!(m.view(expiry), MaintenanceView::Closed);
        assert!(!m.locked_out(expiry));
        taps(&mut m, expiry + 10, 5, 10);
        assert_eq!(
            m.view(expiry + 100),
            MaintenanceView::Pin {
                failures: 0,
                tries_left: policy.max_failures
            }
        );
        m.handle(MaintenanceInput::Pin(PIN.into()), expiry + 200, &verify);
        assert!(m.is_open());
    }

    #[test]
    fn a_right_pin_resets_the_failure_count() {
        let mut m = m();
        taps(&mut m, 0, 5, 10);
        m.handle(MaintenanceInput::Pin("0".into()), 100, &verify);
        m.handle(MaintenanceInput::Pin(PIN.into()), 200, &verify);
        m.handle(MaintenanceInput::Choose(Choice::Leave), 300, &verify);
        taps(&mut m, 400, 5, 10);
        assert_eq!(
            m.view(500),
            MaintenanceView::Pin {
                failures: 0,
                tries_left: 5
            }
        );
    }

    #[test]
    fn pin_prompt_cancel_and_time_out_let_citizens_back() {
        let mut m = m();
        taps(&mut m, 0, 5, 10);
        let fx = m.handle(MaintenanceInput::Cancel, 100, &verify);
        assert_eq!(fx, [MaintenanceEffect::LockCitizens(false)]);
        assert!(!m.is_open());
        taps(&mut m, 1_000, 5, 10);
        let deadline = m.next_deadline().unwrap();
        assert_eq!(deadline, 1_040 + PinPolicy::default().pin_timeout_ms);
        assert!(
            m.handle(MaintenanceInput::Tick, deadline - 1, &verify)
                .is_empty()
        );
        let fx = m.handle(MaintenanceInput::Tick, deadline, &verify);
        assert_eq!(fx, [MaintenanceEffect::LockCitizens(false)]);
        assert!(!m.is_open());
    }

    #[test]
    fn an_idle_menu_closes_itself() {
        let mut m = m();
        open(&mut m, 0);
        let deadline = m.next_deadline().unwrap();
        let fx = m.handle(MaintenanceInput::Tick, deadline, &verify);
        assert_eq!(
            fx,
            [
                MaintenanceEffect::Journal(OperatorAction::MaintenanceLeft),
                MaintenanceEffect::LockCitizens(false)
            ]
        );
    }

    #[test]
    fn menu_pages_and_actions() {
        let mut m = m();
        open(&mut m, 0);
        for page in [
            Page::Devices,
            Page::Outbox,
            Page::JournalTail,
            Page::Network,
            Page::Version,
        ] {
            let fx = m.handle(MaintenanceInput::Choose(Choice::Show(page)), 2_000, &verify);
            assert_eq!(fx, [MaintenanceEffect::Refresh(page)]);
            assert_eq!(
                m.view(2_000),
                MaintenanceView::Open {
                    page,
                    last_result: None
                }
            );
            m.handle(MaintenanceInput::Back, 2_100, &verify);
            assert_eq!(
                m.view(2_100),
                MaintenanceView::Open {
                    page: Page::Menu,
                    last_result: None
                }
            );
        }
        for printer in [Device::TicketPrinter, Device::A4Printer] {
            let fx = m.handle(
                MaintenanceInput::Choose(Choice::TestPrint(printer)),
                3_000,
                &verify,
            );
            assert_eq!(
                fx,
                [
                    MaintenanceEffect::Journal(OperatorAction::TestPrint {
                        printer: printer.as_str().into()
                    }),
                    MaintenanceEffect::TestPrint(printer)
                ]
            );
            let fx = m.handle(
                MaintenanceInput::Result {
                    ok: true,
                    detail: "printed".into(),
                },
                3_500,
                &verify,
            );
            assert_eq!(fx, [MaintenanceEffect::Refresh(Page::Devices)]);
            assert_eq!(
                m.view(3_500),
                MaintenanceView::Open {
                    page: Page::Devices,
                    last_result: Some((true, "printed".into()))
                }
            );
            let fx = m.handle(
                MaintenanceInput::Choose(Choice::PaperReplaced(printer)),
                4_000,
                &verify,
            );
            assert_eq!(
                fx,
                [
                    MaintenanceEffect::Journal(OperatorAction::PaperReplaced {
                        printer: printer.as_str().into()
                    }),
                    MaintenanceEffect::PaperReplaced(printer),
                    MaintenanceEffect::Refresh(Page::Devices)
                ]
            );
        }
        // Not printers: nothing.
        assert!(
            m.handle(
                MaintenanceInput::Choose(Choice::TestPrint(Device::Camera)),
                5_000,
                &verify
            )
            .is_empty()
        );
        let fx = m.handle(
            MaintenanceInput::Choose(Choice::ReplayOutbox),
            6_000,
            &verify,
        );
        assert_eq!(
            fx,
            [
                MaintenanceEffect::Journal(OperatorAction::OutboxReplayed),
                MaintenanceEffect::ReplayOutbox
            ]
        );
        assert!(matches!(
            m.view(6_000),
            MaintenanceView::Open {
                page: Page::Outbox,
                ..
            }
        ));
    }

    #[test]
    fn inputs_while_closed_do_nothing() {
        let mut m = m();
        for input in [
            MaintenanceInput::Pin(PIN.into()),
            MaintenanceInput::Choose(Choice::ReplayOutbox),
            MaintenanceInput::Back,
            MaintenanceInput::Cancel,
            MaintenanceInput::Tick,
        ] {
            assert!(m.handle(input, 10, &verify).is_empty());
            assert!(!m.is_open());
        }
        assert_eq!(m.next_deadline(), None);
    }

    #[test]
    fn a_locked_kiosk_starts_no_session_and_shows_every_service_out_of_service() {
        use crate::{Config, FlowKind, Input, Intent, Kiosk, Now};
        let now = Now::new(0, time::OffsetDateTime::UNIX_EPOCH);
        let mut k = Kiosk::new(Config::default());
        k.set_locked(true);
        assert!(k.locked());
        let fx = k.handle(Input::Citizen(Intent::Start(FlowKind::Guide)), now);
        assert!(fx.is_empty());
        assert_eq!(k.session(), None);
        let fx = k.handle(Input::Citizen(Intent::Select(0)), now);
        assert!(fx.is_empty());
        let screen = k.screen(now);
        assert_eq!(screen.items.len(), FlowKind::ALL.len());
        assert!(screen.items.iter().all(|i| !i.enabled));
        k.set_locked(false);
        k.handle(Input::Citizen(Intent::Start(FlowKind::Guide)), now);
        assert!(k.session().is_some());
    }
}
