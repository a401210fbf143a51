//! A simulated second-generation ID-card reader (GA/T 467 SAM protocol).
//!
//! - [`engine`]: the pure reader model: host frame in, exact reply bytes out, with faults.
//! - [`cards`]: the built-in sample cards and fixture files.
//! - [`script`]: the script commands, from standard input or from Rust.
//! - the async shell ([`spawn`], [`IdcardSim`]): pseudo-terminal or TCP, wire pacing, warm-up.
//!
//! Frames are encoded and decoded only by the `idcard` crate's core, the same code the kiosk's
//! driver uses; facts are from `shared/reference/idcard-sam-protocol.md`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kiosk_sim::idcard::{self, CardSpec, IdcardSimConfig, Script};
//! let sim = idcard::spawn(IdcardSimConfig::default()).await?;
//! let path = sim.device(); // open it like a serial port
//! sim.run(Script::Place(CardSpec::parse("resident"))).await?;
//! sim.run(Script::LiftMidRead(idcard::MidReadCut::Short)).await?;
//! assert_eq!(sim.stats().counters.reads, 0);
//! sim.shutdown().await;
//! # let _ = path; Ok(()) }
//! ```

pub mod cards;
pub mod engine;
pub mod script;
mod server;

pub use cards::{CardLoadError, CardSpec, SimCard, load_card};
pub use engine::{Counters, Engine, FingerprintSize, MidReadCut, ReplyPlan};
pub use script::{Script, ScriptError};
pub use server::{DEFAULT_BAUD, IdcardSim, IdcardSimConfig, PACE_CHUNK, Stats, Transport, spawn};
