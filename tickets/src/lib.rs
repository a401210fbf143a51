//! Thermal-ticket documents: the queue ticket, the appointment check-in slip, the material
//! checklist and the payment slip.
//!
//! A [`Ticket`] is laid out once into a [`Layout`] of blocks (text, label-value pairs, QR codes,
//! rules, spacers). Two renderers read the layout:
//! - [`render_raster`]: a packed 1-bit [`Raster`] (MSB leftmost, 1 = black; 576 dots for 80 mm,
//!   384 for 58 mm), ready for ESC/POS `GS v 0` bands; [`Raster::to_png`] previews it;
//! - [`render_text_mode`]: neutral [`TextModeOp`]s for the printer's own font and native QR,
//!   falling back to raster blocks for lines the printer's character set cannot print.
//!
//! This crate does no I/O besides reading the font file in [`Fonts::load`], reads no clock, and
//! knows no printer protocol: the ESC/POS encoder translates its output.

#![deny(missing_docs)]

pub mod fonts;
pub mod layout;
pub mod raster;
pub mod render;
pub mod text_mode;
pub mod ticket;

pub use fonts::{FontConfig, FontError, Fonts};
pub use layout::{Align, Block, Layout, TextSize, TextStyle};
pub use raster::{PaperWidth, PngError, Raster};
pub use render::{RenderError, render_block, render_raster};
pub use text_mode::{Capability, QrLevel, TextEncoding, TextModeOp, render_text_mode};
pub use ticket::{
    CheckInSlip, FeeLine, MaterialChecklist, MaterialItem, PaymentSlip, QueueTicket, Ticket,
    mask_name, yuan,
};
