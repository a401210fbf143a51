//! The kiosk of a real-estate registration hall, as a library: the central API client, the
//! SQLite store (offline outbox, service-guide cache) and the printing of tickets. The binary
//! `kiosk` (demo and installer diagnostics) is built on it.

pub mod app;
pub mod central;
pub mod config;
pub mod printing;
pub mod screens;
pub mod store;
#[cfg(test)]
mod ui_flows;
