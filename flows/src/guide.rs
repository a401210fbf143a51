//! Flow 5: the service guide, browsed by the catalogue's classifications; works offline from
//! the cache (the screen says how old the copy is).
//!
//! ```text
//! Loading (catalogue, cache) --> Dimensions --choose--> Values --choose--> Topics --choose-->
//! Topic (materials, fee, time limit) --print checklist--> Printing --printed--> Topic (printed)
//! back walks up one level; Dimensions --back--> exit Home
//! ```

use crate::cx::{Cx, Event, Step, Sx, central_fault};
use crate::io::{Cached, CentralCall, Completion, Intent, PrintJob, Reply};
use crate::screen::{Button, ButtonId, Item, Screen, ScreenId, Text};
use crate::show;
use crate::text::TextKey;
use crate::types::{Device, ExitReason, Fault};
use central_api::dto::{Catalogue, Classification, Topic};
use std::sync::Arc;

/// The classifications topics are browsed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// 申请人类型.
    ApplicantType,
    /// 联办形式.
    JointHandling,
    /// 处分类型.
    Disposition,
    /// 用途.
    Use,
    /// 权利类型.
    RightType,
}

impl Dimension {
    /// Every dimension, in menu order.
    pub const ALL: [Dimension; 5] = [
        Dimension::Disposition,
        Dimension::ApplicantType,
        Dimension::JointHandling,
        Dimension::Use,
        Dimension::RightType,
    ];

    fn key(self) -> TextKey {
        match self {
            Dimension::ApplicantType => TextKey::DimApplicant,
            Dimension::JointHandling => TextKey::DimJoint,
            Dimension::Disposition => TextKey::DimDisposition,
            Dimension::Use => TextKey::DimUse,
            Dimension::RightType => TextKey::DimRight,
        }
    }

    fn values(self, c: &Catalogue) -> &[Classification] {
        let k = &c.classifications;
        match self {
            Dimension::ApplicantType => &k.applicant_types,
            Dimension::JointHandling => &k.joint_handling,
            Dimension::Disposition => &k.dispositions,
            Dimension::Use => &k.uses,
            Dimension::RightType => &k.right_types,
        }
    }

    fn matches(self, t: &Topic, code: &str) -> bool {
        match self {
            Dimension::ApplicantType => t.applicant_type == code,
            Dimension::JointHandling => t.joint_handling == code,
            Dimension::Disposition => t.disposition == code,
            Dimension::Use => t.usage == code,
            Dimension::RightType => t.right_type.as_str() == code,
        }
    }
}

/// Where the citizen is in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// The dimensions.
    Dimensions,
    /// A dimension's values.
    Values(Dimension),
    /// Topics with this value.
    Topics(Dimension, usize),
    /// One topic (index into the catalogue's topics); `printed` once its checklist printed.
    Topic(Dimension, usize, usize, bool),
    /// Printing a topic's checklist.
    Printing(Dimension, usize, usize),
}

/// The guide flow's states.
#[derive(Debug)]
pub(crate) enum GuideFlow {
    /// Waiting for the catalogue.
    Loading,
    /// Browsing.
    Browse(Arc<Cached<Catalogue>>, Level),
}

impl GuideFlow {
    /// The first state, with its effects.
    pub fn start(cx: &mut Cx<'_>) -> GuideFlow {
        cx.call(CentralCall::Catalogue);
        GuideFlow::Loading
    }

    /// Whether a device is needed now.
    pub fn needs(&self, device: Device) -> bool {
        matches!(self, GuideFlow::Browse(_, Level::Printing(..))) && device == Device::TicketPrinter
    }

    /// Whether it waits for a device or central.
    pub fn busy(&self) -> bool {
        matches!(
            self,
            GuideFlow::Loading | GuideFlow::Browse(_, Level::Printing(..))
        )
    }

    fn topics(c: &Catalogue, dim: Dimension, value: usize) -> Vec<usize> {
        let Some(code) = dim.values(c).get(value).map(|v| v.code.as_str()) else {
            return Vec::new();
        };
        c.topics
            .iter()
            .enumerate()
            .filter(|(_, t)| dim.matches(t, code))
            .map(|(i, _)| i)
            .collect()
    }

    /// Handles one event.
    pub fn handle(self, event: Event, cx: &mut Cx<'_>) -> Step<GuideFlow> {
        use GuideFlow as S;
        match (self, event) {
            (S::Loading, Event::Done(Completion::Central(Reply::Catalogue(result)))) => {
                match result {
                    Ok(cached) => {
                        cx.journal(
                            "catalogue",
                            if cached.offline_age_ms.is_some() {
                                "offline copy"
                            } else {
                                "fresh"
                            },
                        );
                        Step::Next(S::Browse(Arc::new(cached), Level::Dimensions))
                    }
                    Err(failure) => {
                        cx.journal("catalogue", failure.as_str());
                        central_fault(S::Loading, failure)
                    }
                }
            }
            (S::Loading, Event::Intent(Intent::Back)) => Step::Exit(ExitReason::Home),
            (S::Browse(c, level), Event::Intent(Intent::Back)) => match level {
                Level::Dimensions => Step::Exit(ExitReason::Home),
                Level::Values(_) => Step::Next(S::Browse(c, Level::Dimensions)),
                Level::Topics(d, _) => Step::Next(S::Browse(c, Level::Values(d))),
                Level::Topic(d, v, ..) => Step::Next(S::Browse(c, Level::Topics(d, v))),
                level @ Level::Printing(..) => Step::Next(S::Browse(c, level)),
            },
            (S::Browse(c, level), Event::Intent(Intent::Select(i))) => {
                let next = match level {
                    Level::Dimensions => Dimension::ALL.get(i).map(|d| Level::Values(*d)),
                    Level::Values(d) => {
                        (i < d.values(&c.value).len()).then_some(Level::Topics(d, i))
                    }
                    Level::Topics(d, v) => GuideFlow::topics(&c.value, d, v)
                        .get(i)
                        .map(|t| Level::Topic(d, v, *t, false)),
                    _ => None,
                };
                Step::Next(S::Browse(c, next.unwrap_or(level)))
            }
            (
                S::Browse(c, Level::Topic(d, v, t, _)),
                Event::Intent(Intent::Press(ButtonId::Print)),
            ) if cx.devices.is_up(Device::TicketPrinter) => match c.value.topics.get(t) {
                Some(topic) => {
                    cx.print(PrintJob::Checklist(Box::new(topic.clone())));
                    Step::Next(S::Browse(c, Level::Printing(d, v, t)))
                }
                None => Step::Next(S::Browse(c, Level::Topic(d, v, t, false))),
            },
            (S::Browse(c, Level::Printing(d, v, t)), Event::Done(Completion::Printed)) => {
                cx.journal("printed", "checklist");
                Step::Next(S::Browse(c, Level::Topic(d, v, t, true)))
            }
            (
                S::Browse(c, Level::Printing(d, v, t)),
                Event::Done(Completion::PrintFailed(fault)),
            ) => {
                cx.journal("print_failed", fault.as_str());
                Step::Fault {
                    state: S::Browse(c, Level::Topic(d, v, t, false)),
                    fault: Fault::Print {
                        device: Device::TicketPrinter,
                        fault,
                    },
                    retry: false,
                }
            }
            (S::Browse(c, Level::Topic(..)), Event::Intent(Intent::Press(ButtonId::Done))) => {
                drop(c);
                Step::Exit(ExitReason::Done)
            }
            (state, _) => Step::Next(state),
        }
    }

    /// The screen.
    pub fn screen(&self, sx: &Sx<'_>) -> Screen {
        let (cached, level) = match self {
            GuideFlow::Loading => {
                return Screen::new(ScreenId::Working, TextKey::GuideTitle)
                    .line(TextKey::PleaseWait)
                    .busy();
            }
            GuideFlow::Browse(c, level) => (c, *level),
        };
        let c = &cached.value;
        let mut screen = match level {
            Level::Dimensions => Screen::new(ScreenId::GuideDimensions, TextKey::GuideTitle).items(
                Dimension::ALL
                    .iter()
                    .map(|d| Item::new(vec![Text::Key(d.key())]))
                    .collect(),
            ),
            Level::Values(d) => Screen::new(ScreenId::GuideValues, d.key()).items(
                d.values(c)
                    .iter()
                    .map(|v| Item::new(vec![Text::Data(v.name.clone())]))
                    .collect(),
            ),
            Level::Topics(d, v) => {
                let topics = GuideFlow::topics(c, d, v);
                let mut s = Screen::new(ScreenId::GuideTopics, TextKey::TopicsTitle).items(
                    topics
                        .iter()
                        .filter_map(|i| c.topics.get(*i))
                        .map(|t| Item::new(vec![Text::Data(t.name.clone())]))
                        .collect(),
                );
                if topics.is_empty() {
                    s = s.line(TextKey::NoTopics);
                }
                s
            }
            Level::Topic(_, _, t, printed) => {
                let mut s = Screen::new(ScreenId::GuideTopic, TextKey::TopicTitle);
                if let Some(topic) = c.topics.get(t) {
                    s = s.line(Text::Data(topic.name.clone()));
                    for m in &topic.materials {
                        s = s.line(Text::args(
                            if m.original {
                                TextKey::MaterialOriginal
                            } else {
                                TextKey::MaterialCopy
                            },
                            [
                                m.name.clone(),
                                m.copies.to_string(),
                                m.note.clone().unwrap_or_default(),
                            ],
                        ));
                    }
                    s = s
                        .line(Text::args(TextKey::TopicFee, [show::yuan(topic.fee_fen)]))
                        .line(Text::args(
                            TextKey::TopicTimeLimit,
                            [topic.time_limit_days.to_string()],
                        ));
                }
                if printed {
                    s = s.line(TextKey::ChecklistPrinted);
                }
                let printer = sx.devices.is_up(Device::TicketPrinter);
                if !printer {
                    s = s.line(TextKey::PrinterUnavailable);
                }
                s.button(Button::new(ButtonId::Print, TextKey::PrintChecklist).enabled(printer))
                    .button(Button::new(ButtonId::Done, TextKey::Done))
            }
            Level::Printing(..) => Screen::new(ScreenId::Printing, TextKey::PrintingTitle)
                .line(TextKey::PleaseWait)
                .busy(),
        };
        if let Some(age) = cached.offline_age_ms {
            screen.lines.insert(
                0,
                Text::args(TextKey::OfflineCopy, [(age / 60_000).to_string()]),
            );
        }
        screen
    }
}
