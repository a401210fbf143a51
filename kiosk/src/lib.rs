//! Kiosk library (temporary: store only, until the crate owner wires it).
pub mod central;
pub mod store;
