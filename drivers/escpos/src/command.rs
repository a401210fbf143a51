//! The command encoder: typed ESC/POS commands in, exact bytes out.
//!
//! Every byte sequence is from `shared/reference/printing.md`, table "ESC/POS (hex)", except
//! line feed (`0A`), feed n lines (`1B 64 n`) and bold (`1B 45 n`), which are Epson ESC/POS
//! basics every clone implements. [`Job`] strings commands into one buffer for the driver.

use crate::text::{self, TextCapability, Unprintable};
use thiserror::Error;

/// Initialise (`1B 40`): clears modes, not the receive buffer.
pub const INITIALISE: [u8; 2] = [0x1B, 0x40];
/// Chinese mode on (`1C 26`).
pub const CHINESE_ON: [u8; 2] = [0x1C, 0x26];
/// Chinese mode off (`1C 2E`).
pub const CHINESE_OFF: [u8; 2] = [0x1C, 0x2E];
/// Automatic status back for every condition (`1D 61 0F`).
pub const ASB_ENABLE: [u8; 3] = [0x1D, 0x61, 0x0F];
/// Processed-up-to-here marker (`1D 72 01`): answered in order, not while offline.
pub const MARKER: [u8; 3] = [0x1D, 0x72, 0x01];
/// Rows per raster band: the reference says to send bands of at most 255 rows.
pub const MAX_BAND_ROWS: usize = 255;
/// Largest QR payload: a version-40 symbol holds at most 7089 characters (numeric mode).
pub const MAX_QR_DATA: usize = 7089;

/// Horizontal alignment (`1B 61 n`), which applies to raster images too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Justify {
    /// `n = 0`.
    #[default]
    Left,
    /// `n = 1`.
    Centre,
    /// `n = 2`.
    Right,
}

impl Justify {
    /// The `n` of `1B 61 n`.
    pub fn code(self) -> u8 {
        match self {
            Justify::Left => 0,
            Justify::Centre => 1,
            Justify::Right => 2,
        }
    }

    /// The alignment for `n` (`0`/`48` left, `1`/`49` centre, `2`/`50` right), as printers read it.
    pub fn from_code(n: u8) -> Option<Justify> {
        match n {
            0 | b'0' => Some(Justify::Left),
            1 | b'1' => Some(Justify::Centre),
            2 | b'2' => Some(Justify::Right),
            _ => None,
        }
    }
}

/// Character magnification (`1D 21 n`): width in bits 4-7, height in bits 0-3, each 1..=8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CharSize {
    width: u8,
    height: u8,
}

impl Default for CharSize {
    fn default() -> CharSize {
        CharSize::NORMAL
    }
}

impl CharSize {
    /// Single width and height.
    pub const NORMAL: CharSize = CharSize {
        width: 1,
        height: 1,
    };

    /// A magnification; `None` unless both factors are 1..=8.
    pub fn new(width: u8, height: u8) -> Option<CharSize> {
        ((1..=8).contains(&width) && (1..=8).contains(&height))
            .then_some(CharSize { width, height })
    }

    /// The magnification a `1D 21 n` byte selects (factors above 8 are clamped to 8).
    pub fn from_byte(n: u8) -> CharSize {
        CharSize {
            width: ((n >> 4) + 1).min(8),
            height: ((n & 0x0F) + 1).min(8),
        }
    }

    /// The `n` of `1D 21 n`.
    pub fn byte(self) -> u8 {
        ((self.width - 1) << 4) | (self.height - 1)
    }

    /// Width factor, 1..=8.
    pub fn width(self) -> u8 {
        self.width
    }

    /// Height factor, 1..=8.
    pub fn height(self) -> u8 {
        self.height
    }
}

/// Paper width and its printable dots (reference, raster row: 576 dots on 80 mm, 384 on 58 mm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaperWidth {
    /// 80 mm paper, 576 dots, 72 bytes a raster row.
    #[default]
    Mm80,
    /// 58 mm paper, 384 dots, 48 bytes a raster row.
    Mm58,
}

impl PaperWidth {
    /// Printable dots across.
    pub fn dots(self) -> u16 {
        match self {
            PaperWidth::Mm80 => 576,
            PaperWidth::Mm58 => 384,
        }
    }

    /// Bytes in one raster row.
    pub fn row_bytes(self) -> u16 {
        self.dots() / 8
    }

    /// The paper width for a dot count (576 or 384).
    pub fn from_dots(dots: u16) -> Option<PaperWidth> {
        match dots {
            576 => Some(PaperWidth::Mm80),
            384 => Some(PaperWidth::Mm58),
            _ => None,
        }
    }
}

/// A 1-bit image in the printer's raster layout: rows of `row_bytes`, MSB = leftmost dot,
/// 1 = black.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RasterImage {
    row_bytes: u16,
    data: Vec<u8>,
}

/// A command could not be built from its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The raster width is zero or the data is not a whole number of rows.
    #[error("raster data of {len} bytes is not whole rows of {row_bytes} bytes")]
    RasterShape {
        /// Bytes per row.
        row_bytes: u16,
        /// Bytes given.
        len: usize,
    },
    /// The QR payload is empty or longer than [`MAX_QR_DATA`].
    #[error("QR payload of {0} bytes is empty or too long")]
    QrLength(usize),
    /// The QR module size is outside 1..=16.
    #[error("QR module size {0} is outside 1..=16")]
    QrModuleSize(u8),
    /// The text cannot be printed in text mode.
    #[error("text cannot be printed in text mode: {0}")]
    Text(#[from] Unprintable),
}

impl RasterImage {
    /// An image from packed rows; refuses a zero width or a partial last row.
    pub fn new(row_bytes: u16, data: Vec<u8>) -> Result<RasterImage, EncodeError> {
        if row_bytes == 0 || data.len() % usize::from(row_bytes) != 0 {
            return Err(EncodeError::RasterShape {
                row_bytes,
                len: data.len(),
            });
        }
        Ok(RasterImage { row_bytes, data })
    }

    /// An all-white image as wide as the paper.
    pub fn blank(width: PaperWidth, rows: usize) -> RasterImage {
        RasterImage {
            row_bytes: width.row_bytes(),
            data: vec![0; usize::from(width.row_bytes()) * rows],
        }
    }

    /// Bytes per row.
    pub fn row_bytes(&self) -> u16 {
        self.row_bytes
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.data.len() / usize::from(self.row_bytes.max(1))
    }

    /// The packed rows.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Appends whole rows (a partial last row is dropped).
    pub fn extend_rows(&mut self, rows: &[u8]) {
        let whole = rows.len() - rows.len() % usize::from(self.row_bytes.max(1));
        self.data
            .extend_from_slice(rows.get(..whole).unwrap_or_default());
    }

    /// Sets dot (`x`, `y`) black or white; dots outside the image are ignored.
    pub fn set(&mut self, x: usize, y: usize, black: bool) {
        if x >= usize::from(self.row_bytes) * 8 {
            return;
        }
        let index = y * usize::from(self.row_bytes) + x / 8;
        let bit = 0x80u8 >> (x % 8);
        if let Some(byte) = self.data.get_mut(index) {
            if black {
                *byte |= bit;
            } else {
                *byte &= !bit;
            }
        }
    }

    /// Whether dot (`x`, `y`) is black (false outside the image).
    pub fn get(&self, x: usize, y: usize) -> bool {
        if x >= usize::from(self.row_bytes) * 8 {
            return false;
        }
        let index = y * usize::from(self.row_bytes) + x / 8;
        self.data
            .get(index)
            .is_some_and(|byte| byte & (0x80 >> (x % 8)) != 0)
    }
}

/// QR error-correction level (`1D 28 6B 03 00 31 45 n`, n = `30..33`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum QrErrorCorrection {
    /// About 7 % recovery, `30`.
    Low,
    /// About 15 %, `31`.
    #[default]
    Medium,
    /// About 25 %, `32`.
    Quartile,
    /// About 30 %, `33`.
    High,
}

impl QrErrorCorrection {
    /// The level byte.
    pub fn code(self) -> u8 {
        match self {
            QrErrorCorrection::Low => 0x30,
            QrErrorCorrection::Medium => 0x31,
            QrErrorCorrection::Quartile => 0x32,
            QrErrorCorrection::High => 0x33,
        }
    }

    /// The level for a byte `30..33` (or `0..3`).
    pub fn from_code(n: u8) -> Option<QrErrorCorrection> {
        match n {
            0x30 | 0 => Some(QrErrorCorrection::Low),
            0x31 | 1 => Some(QrErrorCorrection::Medium),
            0x32 | 2 => Some(QrErrorCorrection::Quartile),
            0x33 | 3 => Some(QrErrorCorrection::High),
            _ => None,
        }
    }
}

/// How to cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cut {
    /// `1D 56 00`.
    Full,
    /// `1D 56 01` (some models only partial-cut).
    Partial,
    /// `1D 56 41 n`: feed n then full cut.
    FeedFull(u8),
    /// `1D 56 42 n`: feed n then partial cut.
    FeedPartial(u8),
}

/// Which real-time status `10 04 n` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusRequest {
    /// n = 1: printer status (bit 3 offline).
    Printer,
    /// n = 2: offline cause (cover, paper end stop, error).
    Offline,
    /// n = 3: error cause (cutter, unrecoverable, auto-recoverable).
    Error,
    /// n = 4: paper roll sensor (near end, end).
    Paper,
}

impl StatusRequest {
    /// All four, in `n` order.
    pub const ALL: [StatusRequest; 4] = [
        StatusRequest::Printer,
        StatusRequest::Offline,
        StatusRequest::Error,
        StatusRequest::Paper,
    ];

    /// The `n` of `10 04 n`.
    pub fn n(self) -> u8 {
        match self {
            StatusRequest::Printer => 1,
            StatusRequest::Offline => 2,
            StatusRequest::Error => 3,
            StatusRequest::Paper => 4,
        }
    }

    /// The request for `n` = 1..=4.
    pub fn from_n(n: u8) -> Option<StatusRequest> {
        match n {
            1 => Some(StatusRequest::Printer),
            2 => Some(StatusRequest::Offline),
            3 => Some(StatusRequest::Error),
            4 => Some(StatusRequest::Paper),
            _ => None,
        }
    }

    /// The three bytes `10 04 n`.
    pub fn bytes(self) -> [u8; 3] {
        [0x10, 0x04, self.n()]
    }
}

/// One ESC/POS command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `1B 40`.
    Initialise,
    /// `1C 26`.
    ChineseOn,
    /// `1C 2E`.
    ChineseOff,
    /// Already-encoded GB18030 text (see [`Command::text`]).
    Text(Vec<u8>),
    /// `1D 21 n`.
    Size(CharSize),
    /// `1B 61 n`.
    Justify(Justify),
    /// `1B 45 n`.
    Bold(bool),
    /// `0A`.
    LineFeed,
    /// `1B 64 n`: print and feed n lines.
    Feed(u8),
    /// `1D 76 30 00 xL xH yL yH data`, one per band of at most 255 rows.
    Raster(RasterImage),
    /// The five QR commands: model 2, module size, error correction, store, print.
    Qr {
        /// Payload bytes.
        data: Vec<u8>,
        /// Module size in dots, 1..=16.
        module: u8,
        /// Error-correction level.
        ecc: QrErrorCorrection,
    },
    /// `1D 56 ..`.
    Cut(Cut),
    /// `10 04 n`.
    Status(StatusRequest),
    /// `1D 61 0F`.
    AsbEnable,
    /// `1D 72 01`.
    Marker,
}

impl Command {
    /// Text in Chinese mode, checked against what the printer can print.
    pub fn text(text: &str, capability: TextCapability) -> Result<Command, EncodeError> {
        Ok(Command::Text(text::encode(text, capability)?))
    }

    /// A QR code, checking payload length and module size.
    pub fn qr(data: &[u8], module: u8, ecc: QrErrorCorrection) -> Result<Command, EncodeError> {
        if data.is_empty() || data.len() > MAX_QR_DATA {
            return Err(EncodeError::QrLength(data.len()));
        }
        if !(1..=16).contains(&module) {
            return Err(EncodeError::QrModuleSize(module));
        }
        Ok(Command::Qr {
            data: data.to_vec(),
            module,
            ecc,
        })
    }

    /// Appends this command's bytes to `out`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Command::Initialise => out.extend_from_slice(&INITIALISE),
            Command::ChineseOn => out.extend_from_slice(&CHINESE_ON),
            Command::ChineseOff => out.extend_from_slice(&CHINESE_OFF),
            Command::Text(bytes) => out.extend_from_slice(bytes),
            Command::Size(size) => out.extend_from_slice(&[0x1D, 0x21, size.byte()]),
            Command::Justify(j) => out.extend_from_slice(&[0x1B, 0x61, j.code()]),
            Command::Bold(on) => out.extend_from_slice(&[0x1B, 0x45, u8::from(*on)]),
            Command::LineFeed => out.push(0x0A),
            Command::Feed(n) => out.extend_from_slice(&[0x1B, 0x64, *n]),
            Command::Raster(image) => encode_raster(image, out),
            Command::Qr { data, module, ecc } => encode_qr(data, *module, *ecc, out),
            Command::Cut(cut) => out.extend_from_slice(&match cut {
                Cut::Full => vec![0x1D, 0x56, 0x00],
                Cut::Partial => vec![0x1D, 0x56, 0x01],
                Cut::FeedFull(n) => vec![0x1D, 0x56, 0x41, *n],
                Cut::FeedPartial(n) => vec![0x1D, 0x56, 0x42, *n],
            }),
            Command::Status(request) => out.extend_from_slice(&request.bytes()),
            Command::AsbEnable => out.extend_from_slice(&ASB_ENABLE),
            Command::Marker => out.extend_from_slice(&MARKER),
        }
    }

    /// This command's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

/// Raster in bands of at most [`MAX_BAND_ROWS`] rows (reference: tall images print garbage).
fn encode_raster(image: &RasterImage, out: &mut Vec<u8>) {
    let row_bytes = usize::from(image.row_bytes);
    let [x_lo, x_hi] = image.row_bytes.to_le_bytes();
    for band in image.data.chunks(row_bytes * MAX_BAND_ROWS) {
        // At most 255 rows, so the row count fits yL with yH = 0.
        let rows = u8::try_from(band.len() / row_bytes).unwrap_or(u8::MAX);
        out.extend_from_slice(&[0x1D, 0x76, 0x30, 0x00, x_lo, x_hi, rows, 0x00]);
        out.extend_from_slice(band);
    }
}

/// The five QR functions of `1D 28 6B` (reference table, "QR code" row).
fn encode_qr(data: &[u8], module: u8, ecc: QrErrorCorrection, out: &mut Vec<u8>) {
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, module]);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, ecc.code()]);
    // pL + pH * 256 = len + 3 (the `31 50 30` bytes count).
    let [p_lo, p_hi] = u16::try_from(data.len() + 3)
        .unwrap_or(u16::MAX)
        .to_le_bytes();
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, p_lo, p_hi, 0x31, 0x50, 0x30]);
    out.extend_from_slice(data);
    out.extend_from_slice(&[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]);
}

/// A print job under construction: commands appended in order, bytes out at the end.
#[derive(Debug, Clone, Default)]
pub struct Job {
    bytes: Vec<u8>,
    capability: Option<TextCapability>,
}

impl Job {
    /// A job that starts with initialise and Chinese mode on, so a half-printed earlier ticket's
    /// modes never carry over; text is checked against `capability`.
    pub fn new(capability: TextCapability) -> Job {
        let mut job = Job {
            bytes: Vec::new(),
            capability: Some(capability),
        };
        job.push(&Command::Initialise).push(&Command::ChineseOn);
        job
    }

    /// Appends one command.
    pub fn push(&mut self, command: &Command) -> &mut Job {
        command.encode(&mut self.bytes);
        self
    }

    /// Appends text, refusing characters the printer cannot print (the caller falls back to
    /// raster).
    pub fn text(&mut self, text: &str) -> Result<&mut Job, EncodeError> {
        let capability = self.capability.unwrap_or(TextCapability::Gb2312);
        let command = Command::text(text, capability)?;
        Ok(self.push(&command))
    }

    /// The bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The finished job's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(command: Command) -> Vec<u8> {
        command.to_bytes()
    }

    #[test]
    fn simple_commands_match_the_reference_table() {
        assert_eq!(bytes(Command::Initialise), [0x1B, 0x40]);
        assert_eq!(bytes(Command::ChineseOn), [0x1C, 0x26]);
        assert_eq!(bytes(Command::ChineseOff), [0x1C, 0x2E]);
        assert_eq!(bytes(Command::Justify(Justify::Left)), [0x1B, 0x61, 0]);
        assert_eq!(bytes(Command::Justify(Justify::Centre)), [0x1B, 0x61, 1]);
        assert_eq!(bytes(Command::Justify(Justify::Right)), [0x1B, 0x61, 2]);
        assert_eq!(bytes(Command::Cut(Cut::Full)), [0x1D, 0x56, 0x00]);
        assert_eq!(bytes(Command::Cut(Cut::Partial)), [0x1D, 0x56, 0x01]);
        assert_eq!(bytes(Command::Cut(Cut::FeedFull(5))), [0x1D, 0x56, 0x41, 5]);
        assert_eq!(
            bytes(Command::Cut(Cut::FeedPartial(3))),
            [0x1D, 0x56, 0x42, 3]
        );
        for n in 1..=4u8 {
            let request = StatusRequest::from_n(n).unwrap();
            assert_eq!(bytes(Command::Status(request)), [0x10, 0x04, n]);
        }
        assert_eq!(bytes(Command::AsbEnable), [0x1D, 0x61, 0x0F]);
        assert_eq!(bytes(Command::Marker), [0x1D, 0x72, 0x01]);
        assert_eq!(bytes(Command::LineFeed), [0x0A]);
        assert_eq!(bytes(Command::Feed(4)), [0x1B, 0x64, 4]);
        assert_eq!(bytes(Command::Bold(true)), [0x1B, 0x45, 1]);
        assert_eq!(bytes(Command::Bold(false)), [0x1B, 0x45, 0]);
    }

    #[test]
    fn character_size_packs_width_high_and_height_low() {
        assert_eq!(bytes(Command::Size(CharSize::NORMAL)), [0x1D, 0x21, 0x00]);
        let size = CharSize::new(2, 3).unwrap();
        assert_eq!(bytes(Command::Size(size)), [0x1D, 0x21, 0x12]);
        assert_eq!(CharSize::new(8, 8).unwrap().byte(), 0x77);
        assert_eq!(CharSize::from_byte(0x12), size);
        assert_eq!(CharSize::new(0, 1), None);
        assert_eq!(CharSize::new(1, 9), None);
    }

    #[test]
    fn raster_width_bytes_from_the_reference() {
        assert_eq!(PaperWidth::Mm80.row_bytes(), 72);
        assert_eq!(PaperWidth::Mm58.row_bytes(), 48);
        let image = RasterImage::blank(PaperWidth::Mm80, 2);
        let out = bytes(Command::Raster(image));
        // x = 72 bytes = 48 00, y = 2 rows.
        assert_eq!(out[..8], [0x1D, 0x76, 0x30, 0x00, 0x48, 0x00, 0x02, 0x00]);
        assert_eq!(out.len(), 8 + 144);
    }

    #[test]
    fn tall_raster_is_split_into_bands_of_255_rows() {
        let mut image = RasterImage::blank(PaperWidth::Mm58, 600);
        image.set(0, 599, true);
        image.set(9, 0, true);
        assert_eq!(image.data()[1], 0x40, "MSB is the leftmost dot");
        let out = bytes(Command::Raster(image));
        let header = |rows: u8| [0x1D, 0x76, 0x30, 0x00, 48, 0x00, rows, 0x00];
        let band = 48 * 255;
        assert_eq!(out[..8], header(255));
        assert_eq!(out[8 + band..16 + band], header(255));
        assert_eq!(out[16 + 2 * band..24 + 2 * band], header(90));
        assert_eq!(out.len(), 24 + 48 * 600);
        assert_eq!(out[out.len() - 48], 0x80);
    }

    #[test]
    fn raster_shape_is_checked() {
        assert!(RasterImage::new(72, vec![0; 73]).is_err());
        assert!(RasterImage::new(0, vec![]).is_err());
        assert_eq!(RasterImage::new(2, vec![0; 6]).unwrap().rows(), 3);
    }

    #[test]
    fn qr_bytes_match_the_reference_table() {
        let out = bytes(Command::qr(b"ABC", 6, QrErrorCorrection::Quartile).unwrap());
        let expected: Vec<u8> = [
            &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00][..],
            &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06],
            &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x32],
            &[
                0x1D, 0x28, 0x6B, 0x06, 0x00, 0x31, 0x50, 0x30, b'A', b'B', b'C',
            ],
            &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30],
        ]
        .concat();
        assert_eq!(out, expected);
        // 300 bytes: pL + pH * 256 = 303 = 0x012F.
        let long = bytes(Command::qr(&[b'7'; 300], 3, QrErrorCorrection::Low).unwrap());
        assert_eq!(long[25..30], [0x1D, 0x28, 0x6B, 0x2F, 0x01]);
        assert!(Command::qr(b"", 3, QrErrorCorrection::Low).is_err());
        assert!(Command::qr(b"x", 17, QrErrorCorrection::Low).is_err());
        assert!(Command::qr(b"x", 0, QrErrorCorrection::Low).is_err());
    }

    #[test]
    fn job_starts_initialised_and_checks_text() {
        let mut job = Job::new(TextCapability::Gb2312);
        job.text("号\n").unwrap();
        assert_eq!(job.bytes(), [0x1B, 0x40, 0x1C, 0x26, 0xBA, 0xC5, 0x0A]);
        assert!(matches!(
            job.text("堃"),
            Err(EncodeError::Text(Unprintable::NotInCharset {
                ch: '堃',
                ..
            }))
        ));
    }
}
