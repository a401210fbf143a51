//! The contract between the kiosk and the hall's central system.
//!
//! There is no public specification of the central system; this crate is the project's own. It
//! holds, in one place that both the kiosk's client and the simulator's server use:
//! - [`domain`]: the registration domain's values with strict parsers (unit codes, certificate
//!   numbers, district codes, business and right types, case stages, pickup methods, ratings);
//! - [`dto`]: every request and response body;
//! - [`journal`]: the session journal's events and its hash chain (canonical bytes, hashes);
//! - [`signing`]: the request signature both sides compute;
//! - [`spec`]: the OpenAPI 3.1 document, generated from these types and committed as
//!   `api/central.yaml` (a test keeps the two equal).
//!
//! Facts: `shared/reference/registration-domain.md`.

pub mod domain;
pub mod dto;
pub mod journal;
pub mod signing;
pub mod spec;
