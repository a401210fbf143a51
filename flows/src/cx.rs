//! What a flow sees while it handles one input: the time, the session, the devices, and the list
//! the effects go into; and what it returns.

use crate::io::{CentralCall, Completion, DeviceEvent, Effect, Intent, JournalEntry, PrintJob};
use crate::types::{CentralFailure, Config, Devices, ExitReason, Fault, FlowKind, Now, SessionId};

/// The context of one transition.
pub(crate) struct Cx<'a> {
    /// Now.
    pub now: Now,
    /// The session.
    pub session: SessionId,
    /// The flow.
    pub flow: FlowKind,
    /// Configuration.
    pub config: &'a Config,
    /// Devices.
    pub devices: Devices,
    /// Effects emitted so far.
    pub effects: Vec<Effect>,
}

impl Cx<'_> {
    /// Calls central.
    pub fn call(&mut self, call: CentralCall) {
        self.effects.push(Effect::Central(call));
    }

    /// Emits an effect.
    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// Journals a step.
    pub fn journal(&mut self, step: &'static str, outcome: impl Into<String>) {
        self.effects.push(Effect::Journal(JournalEntry {
            session: self.session,
            flow: self.flow,
            step,
            outcome: outcome.into(),
        }));
    }

    /// Prints, journaling the job.
    pub fn print(&mut self, job: PrintJob) {
        self.journal("print", job.as_str());
        self.effects.push(Effect::Print(job));
    }
}

/// What a screen needs to render besides the state.
pub(crate) struct Sx<'a> {
    /// Now.
    pub now: Now,
    /// Configuration.
    pub config: &'a Config,
    /// Devices.
    pub devices: Devices,
}

/// An input as a flow receives it (the shell has handled home, staffed window, language, elder
/// mode and the inactivity warning).
#[derive(Debug)]
pub(crate) enum Event {
    /// A citizen intent (including back).
    Intent(Intent),
    /// A card event.
    Card(DeviceEvent),
    /// A completion of this session's effect.
    Done(Completion),
    /// Time passed.
    Tick,
}

/// Where a transition leads.
pub(crate) enum Step<S> {
    /// The next state (possibly the same one).
    Next(S),
    /// Show a fault over the state; `retry` re-sends the last central call.
    Fault {
        /// The state, still waiting where it was.
        state: S,
        /// The fault.
        fault: Fault,
        /// Whether "retry" is offered.
        retry: bool,
    },
    /// The session ends.
    Exit(ExitReason),
}

impl<S> Step<S> {
    /// Maps the state.
    pub fn map<T>(self, f: impl FnOnce(S) -> T) -> Step<T> {
        match self {
            Step::Next(s) => Step::Next(f(s)),
            Step::Fault {
                state,
                fault,
                retry,
            } => Step::Fault {
                state: f(state),
                fault,
                retry,
            },
            Step::Exit(r) => Step::Exit(r),
        }
    }
}

/// The fault for a failed central call the flow does not handle itself: transient failures
/// offer "retry".
pub(crate) fn central_fault<S>(state: S, failure: CentralFailure) -> Step<S> {
    let retry = failure.is_transient();
    Step::Fault {
        state,
        fault: Fault::Central(failure),
        retry,
    }
}
