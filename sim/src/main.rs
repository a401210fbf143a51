//! kiosk-sim
fn main() {}
