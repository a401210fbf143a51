//! kiosk
fn main() {}
