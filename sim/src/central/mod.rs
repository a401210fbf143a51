//! A simulated central system of the registration hall: every operation of the contract
//! (`central-api`: `api/src/spec.rs`) over HTTP/1.1 or mutual TLS, with SQLite behind it and a
//! synthetic registry seeded deterministically.
//!
//! - [`spawn`] starts it on the current tokio runtime; [`CentralSim`] is the running server
//!   ([`CentralSim::base_url`], [`CentralSim::faults`], [`CentralSim::stats`],
//!   [`CentralSim::demo`], [`CentralSim::shutdown`]).
//! - Requests are authenticated as the contract says: an HMAC signature by a configured kiosk
//!   and a timestamp within [`central_api::signing::MAX_SKEW_MS`] of the server's clock; every
//!   answer carries `x-server-time`. State-changing requests need an `idempotency-key` and are
//!   applied once (see [`store`]).
//! - The business rules and their choices are documented where they live: identity in
//!   [`routes::identity`], records and certificates in [`routes::records`], appointments and the
//!   queue in [`routes::queue`], cases, fees, payment and pickup in [`routes::cases`], the guide,
//!   questions and ratings in [`routes::guide`], heartbeat and journal in [`routes::kiosk`];
//!   the seeded data in [`seed`].
//! - Faults ([`FaultHandle`], or the [`Command`]s of the command line): latency, injected
//!   errors, dropped requests, lost answers, outages, a shifted clock.
//!
//! What it is not: a model of any real central system (there is no public one); its rules are
//! the project's own reading of the reference, `shared/reference/registration-domain.md`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kiosk_sim::central::{self, CentralSimConfig};
//! let sim = central::spawn(CentralSimConfig::default()).await?;
//! let url = sim.base_url(); // http://127.0.0.1:PORT, kiosk "demo-kiosk", key "demo-key"
//! sim.faults().fail_next(2, 503);
//! sim.shutdown().await;
//! # let _ = url; Ok(()) }
//! ```

pub mod app;
pub mod error;
pub mod faults;
pub mod guide;
pub mod routes;
pub mod script;
pub mod seed;
mod server;
pub mod store;

pub use faults::{FaultHandle, FaultState, Stats};
pub use script::{Command, CommandError};
pub use seed::{Demo, DemoAppointment, DemoHolder, DemoPerson, Timing};
pub use server::{CentralSim, CentralSimConfig, DEMO_KIOSK_ID, DEMO_KIOSK_KEY, ServerTls, spawn};
