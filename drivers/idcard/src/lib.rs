//! Second-generation ID-card readers (GA/T 467 SAM protocol): a pure protocol core and an async
//! driver.
//!
//! The core ([`frame`], [`status`], [`text`], [`reply`], [`record`] and the value types) is sans-IO:
//! it takes bytes and returns typed values; it never reads the clock, sleeps or owns a port. It
//! never panics on device bytes: every accessor is length-checked. The [`driver`] module is the
//! thin async shell: it owns a serial port (or any `AsyncRead + AsyncWrite`), sizes time-outs for
//! the wire, retries, and runs the polling reader service.
//!
//! Facts come from `shared/reference/idcard-sam-protocol.md`; comments cite its sections.
//!
//! Personal data: [`IdNumber`] and [`Sensitive`] mask themselves in `Display` and `Debug`; the
//! full value only comes out of an explicit `expose()`. The photo is kept as raw WLT bytes behind
//! [`PhotoDecoder`] (no decoder is bundled; none is open source) and wiped on drop.

#![warn(clippy::indexing_slicing)]

pub mod card;
pub mod codes;
pub mod date;
pub mod driver;
pub mod frame;
pub mod id_number;
pub mod record;
pub mod reply;
pub mod sensitive;
pub mod status;
pub mod text;

pub use card::{Card, DecodedPhoto, Photo, PhotoDecodeError, PhotoDecoder};
pub use codes::{Nation, Sex};
pub use date::{Date, Expiry};
pub use frame::{Command, Decoder, FrameError, Response};
pub use id_number::{IdNumber, IdNumberError};
pub use record::CardRecord;
pub use sensitive::{MaskStyle, Sensitive};
pub use status::Status;
pub use text::{CardError, CardText, CardType, CardWarning, Inconsistency, Validity};
