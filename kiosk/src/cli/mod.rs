//! Installer diagnostics.

pub mod idcard;
pub mod print;
