//! Installer diagnostics.

pub mod demo_out;
pub mod doctor;
pub mod face;
pub mod idcard;
pub mod journal;
pub mod print;
