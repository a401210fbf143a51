//! Printed documents of the kiosk.
//!
//! What it is: pure rendering. [`certificate`] turns a query-result certificate issued by central
//! ([`central_api::dto::Certificate`]) plus the kiosk's context into an A4 PDF with real,
//! extractable text in an embedded, subset CJK font. [`fonts`] loads that font.
//!
//! What it is not: no printing, no network, no clock. The caller passes the print time in and
//! sends the bytes to the printer. The only I/O is reading font files in [`fonts::Fonts::load`]
//! and a seal image in [`certificate::Seal::from_png_file`].
//!
//! Facts: `shared/reference/printing.md` ("A4 certificates") and
//! `shared/reference/registration-domain.md` ("The query-result certificate (A4)").

pub mod certificate;
pub mod fonts;
