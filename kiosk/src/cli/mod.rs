//! Installer diagnostics.

pub mod idcard;
