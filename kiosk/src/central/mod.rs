//! The kiosk's side of the central API: the signed HTTP client and its typed errors.
//!
//! The contract (types, signing, OpenAPI) is the `central-api` crate, shared with the simulator.

pub mod client;
pub mod deliver;
pub mod error;
pub mod guide;

pub use client::{CentralClient, ClientConfig, Conditional, RawResponse, Timeouts, TlsConfig};
pub use deliver::CentralDeliverer;
pub use error::CentralError;
