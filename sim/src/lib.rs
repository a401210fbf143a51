//! Simulators of the kiosk's devices, speaking the same bytes as the real hardware.
//!
//! What is here:
//! - [`idcard`]: a second-generation ID-card reader (GA/T 467 SAM protocol) on a pseudo-terminal
//!   or a TCP socket, with a scripted card and fault injection (card lifted mid-read, line noise,
//!   bad checksums, a failed SAM, the device unplugged, a power-on warm-up). Every frame is
//!   encoded and decoded by the driver's own protocol core (the `idcard` crate), so the
//!   simulator and the driver cannot disagree on the format; what they can disagree on is
//!   behaviour, which is what the simulator is for.
//! - [`printer`]: an ESC/POS ticket printer on a pseudo-terminal or TCP, writing every cut
//!   ticket as a PNG and a JSON sidecar, with faults (paper near end or out mid-ticket, cover
//!   open, offline, a slow receiver).
//! - [`camera`]: a camera playing scripted face sequences built from real photos (a cooperative
//!   citizen following the screen's challenges, a still or moved print, two faces, nobody, a
//!   citizen walking away), as a `camera::FrameSource` or written to PNG frames or an AVI file.
//! - [`central`]: the hall's central system (the `central-api` contract over HTTP or mutual TLS,
//!   SQLite behind it, a deterministically seeded synthetic registry, fault injection).
//! - [`pki`]: a throw-away CA with server and kiosk certificates for mutual-TLS tests and demos.
//! - [`pty`]: a pseudo-terminal device (master kept by the simulator, slave path handed to the
//!   client) and a udev-like stable link, shared by every serial-device simulator.
//!
//! What is not here: no hardware access, no real card data. Card photos and fingerprints are
//! deterministic pseudo-random bytes ([`xorshift`]), never images; the camera simulator's faces
//! come from public test photos named by the caller.
//!
//! The binary `kiosk-sim` wraps these behind a command line (`kiosk-sim idcard --help`); tests
//! use the Rust API ([`idcard::spawn`], [`central::spawn`]) on their own tokio runtime.

pub mod camera;
pub mod central;
pub mod idcard;
pub mod pki;
pub mod printer;
pub mod pty;
pub mod script_line;
pub mod xorshift;
