//! The reader model: what a SAM answers to each host frame, with the scripted faults.
//!
//! Sans-IO: it takes a decoded host frame (or the decoder's error) and returns a [`ReplyPlan`],
//! the exact bytes to put on the wire. It never reads the clock, sleeps or owns a port; pacing,
//! warm-up and the transport live in the async shell ([`super::spawn`]). Every frame is encoded
//! by the driver's core ([`idcard::Response::encode`], [`idcard::reply::join_read_data`]).
//!
//! Behaviour (reference `idcard-sam-protocol.md`, sections "Commands" and "Status codes"):
//!
//! | host frame | card on the reader | no card |
//! |---|---|---|
//! | `10 FF` reset SAM, `11 FF` SAM status, `61 FF nn` set RF frame | `90` | `90` |
//! | `12 FF` SAM id | `90` + 16 bytes | same |
//! | `20 01` find | `9F` + 4 x `00` | `80` |
//! | `20 02` select | `90` + 8 x `00` | `81` |
//! | `30 01` read | `90` + text + photo (1295-byte frame) | `41` |
//! | `30 10` read with fingerprint | `90` + text + photo + fingerprint | `41` |
//! | anything else | `21` | `21` |
//! | bad checksum / bad length | `10` / `11` | same |
//!
//! SW1 = SW2 = `00` always. While the SAM is failed every command is answered `60`. Noise
//! between frames gets no answer. The same card may be read again and again; every command is
//! counted ([`Counters`]).

use super::cards::SimCard;
use crate::xorshift::XorShift64;
use idcard::frame::EncodeError;
use idcard::reply::join_read_data;
use idcard::{Command, FrameError, Response, Status};

/// Bytes of the read frame sent before a `lift-mid-read short` cut: well into the photo block,
/// so the host has a header that promises more than ever comes.
pub const CUT_AFTER: usize = 600;

/// Most noise bytes one `noise` fault may inject (about 5.7 s of wire time at 115200 baud).
pub const MAX_NOISE: usize = 65_536;

/// The 16 data bytes of the SAM-id reply (reference: "12 FF ... SW3 90 + 16 data bytes").
/// Arbitrary but fixed, so hosts can compare it between calls.
pub const SAM_ID: [u8; 16] = [
    0x05, 0x00, 0x01, 0x00, 0x20, 0x24, 0x06, 0x01, 0x00, 0x00, 0x00, 0x01, 0x4B, 0x49, 0x4F, 0x53,
];

/// Data bytes of a find-card success (reference: "SW3 9F + 4 bytes (all 00 in practice)").
const FIND_DATA: [u8; 4] = [0; 4];

/// Data bytes of a select-card success (reference: "SW3 90 + 8 bytes (all 00 in practice)").
const SELECT_DATA: [u8; 8] = [0; 8];

/// Seed of the noise generator: any fixed value, so noise is the same on every run.
const NOISE_SEED: u64 = 0x6E6F_6973_6521; // "noise!"

/// Size of the fingerprint block a `30 10` read returns (reference: "0, 512 or 1024 bytes").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FingerprintSize {
    /// No fingerprint on the card: the block is empty, its length `00 00` (a 1297-byte frame).
    Empty,
    /// 512 bytes (a 1809-byte frame).
    Half,
    /// 1024 bytes (a 2321-byte frame).
    #[default]
    Full,
}

impl FingerprintSize {
    /// The block size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            FingerprintSize::Empty => 0,
            FingerprintSize::Half => 512,
            FingerprintSize::Full => 1024,
        }
    }

    /// The size for 0, 512 or 1024; `None` for any other value.
    pub fn from_bytes(bytes: usize) -> Option<FingerprintSize> {
        match bytes {
            0 => Some(FingerprintSize::Empty),
            512 => Some(FingerprintSize::Half),
            1024 => Some(FingerprintSize::Full),
            _ => None,
        }
    }
}

/// How a read is cut when the card is lifted mid-read (reference: "A card lifted mid-read
/// gives SW3 41, or a short frame / time-out").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MidReadCut {
    /// Only the first [`CUT_AFTER`] bytes of the read frame are sent, then nothing.
    #[default]
    Short,
    /// The read is answered `41` (card read failed) with no data.
    Status,
}

/// How many commands and replies the reader has seen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Find-card commands, answered or not with a card.
    pub finds: u64,
    /// Find-card commands answered `9F`.
    pub finds_with_card: u64,
    /// Select-card commands.
    pub selects: u64,
    /// Read commands (`30 01` and `30 10`), whatever their outcome.
    pub reads: u64,
    /// Replies planned, one per host frame answered (each is written unless the link drops).
    pub replies: u64,
    /// Host frames with a bad checksum.
    pub checksum_errors: u64,
}

/// One reply, exactly as it goes on the wire: noise first, then the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPlan {
    /// The status (SW3) the frame carries.
    pub status: Status,
    /// Noise to write just before the frame (a `noise` fault), usually empty.
    pub noise: Vec<u8>,
    /// The frame: whole, or its first bytes when `cut`; CHK inverted under `bad-checksum`.
    pub frame: Vec<u8>,
    /// Whether the frame was cut short (`lift-mid-read short`).
    pub cut: bool,
}

impl ReplyPlan {
    /// Noise and frame together, in wire order.
    pub fn wire_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.noise.len() + self.frame.len());
        out.extend_from_slice(&self.noise);
        out.extend_from_slice(&self.frame);
        out
    }
}

/// The simulated reader: the card on it, the SAM's health, armed faults and counters.
#[derive(Debug, Clone)]
pub struct Engine {
    card: Option<SimCard>,
    sam_failed: bool,
    fingerprint: FingerprintSize,
    lift_mid_read: Option<MidReadCut>,
    pending_noise: usize,
    bad_checksum: bool,
    /// A card was swapped for another: the field was empty for a moment, so the next find
    /// answers "no card" once.
    swap_gap: bool,
    noise: XorShift64,
    counters: Counters,
}

impl Engine {
    /// An idle reader: no card, SAM healthy, no fault armed.
    pub fn new(fingerprint: FingerprintSize) -> Engine {
        Engine {
            card: None,
            sam_failed: false,
            fingerprint,
            lift_mid_read: None,
            pending_noise: 0,
            bad_checksum: false,
            swap_gap: false,
            noise: XorShift64::new(NOISE_SEED),
            counters: Counters::default(),
        }
    }

    /// Lays a card on the reader, replacing any card there. A hand swapping cards empties the
    /// field for a moment, so after a swap the next find answers "no card" once.
    pub fn place(&mut self, card: SimCard) {
        self.swap_gap = self.card.is_some();
        self.card = Some(card);
    }

    /// Takes the card off the reader.
    pub fn lift(&mut self) -> Option<SimCard> {
        self.swap_gap = false;
        self.card.take()
    }

    /// The card on the reader.
    pub fn card(&self) -> Option<&SimCard> {
        self.card.as_ref()
    }

    /// Arms a lift-mid-read: the next read that finds a card is cut, and the card is gone.
    pub fn arm_lift_mid_read(&mut self, cut: MidReadCut) {
        self.lift_mid_read = Some(cut);
    }

    /// Adds `count` noise bytes before the next reply (capped at [`MAX_NOISE`] in all).
    pub fn add_noise(&mut self, count: usize) {
        self.pending_noise = self.pending_noise.saturating_add(count).min(MAX_NOISE);
    }

    /// Arms a bad checksum: the next reply's CHK byte is inverted.
    pub fn arm_bad_checksum(&mut self) {
        self.bad_checksum = true;
    }

    /// Fails or restores the SAM; while failed every command is answered `60`.
    pub fn set_sam_failed(&mut self, failed: bool) {
        self.sam_failed = failed;
    }

    /// Whether the SAM is failed.
    pub fn sam_failed(&self) -> bool {
        self.sam_failed
    }

    /// The counters so far.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Answers what the request decoder produced: a frame body, or the decoder's error.
    ///
    /// `Ok(None)` means no reply (noise between frames).
    pub fn handle_request(
        &mut self,
        decoded: Result<Vec<u8>, FrameError>,
    ) -> Result<Option<ReplyPlan>, EncodeError> {
        match decoded.and_then(|body| Command::from_body(&body)) {
            Ok(command) => self.handle_command(&command).map(Some),
            Err(error) => self.handle_frame_error(&error),
        }
    }

    /// Answers a host command.
    pub fn handle_command(&mut self, command: &Command) -> Result<ReplyPlan, EncodeError> {
        self.count(command);
        if self.sam_failed {
            return self.reply(Status::SelfTestFailed, Vec::new(), false);
        }
        match command {
            Command::ResetSam | Command::SamStatus | Command::SetMaxRfFrame(_) => {
                self.reply(Status::Success, Vec::new(), false)
            }
            Command::SamId => self.reply(Status::Success, SAM_ID.to_vec(), false),
            Command::FindCard if self.swap_gap => {
                self.swap_gap = false;
                self.reply(Status::NoCard, Vec::new(), false)
            }
            Command::FindCard if self.card.is_some() => {
                self.counters.finds_with_card += 1;
                self.reply(Status::FindOk, FIND_DATA.to_vec(), false)
            }
            Command::FindCard => self.reply(Status::NoCard, Vec::new(), false),
            Command::SelectCard if self.card.is_some() => {
                self.reply(Status::Success, SELECT_DATA.to_vec(), false)
            }
            Command::SelectCard => self.reply(Status::SelectFailed, Vec::new(), false),
            Command::ReadText => self.read(false),
            Command::ReadTextWithFingerprint => self.read(true),
            _ => self.reply(Status::BadCommand, Vec::new(), false),
        }
    }

    /// Answers a host frame the decoder refused: `10` for a bad checksum, `11` for a bad
    /// length, nothing for noise (reference, "Status codes").
    pub fn handle_frame_error(
        &mut self,
        error: &FrameError,
    ) -> Result<Option<ReplyPlan>, EncodeError> {
        let status = match error {
            FrameError::Checksum { .. } => {
                self.counters.checksum_errors += 1;
                Status::HostChecksumError
            }
            FrameError::BadLength { .. } => Status::HostLengthError,
            // Noise, and whatever the decoder may report in future: ignored, as a reader does.
            _ => return Ok(None),
        };
        self.reply(status, Vec::new(), false).map(Some)
    }

    fn count(&mut self, command: &Command) {
        let counter = match command {
            Command::FindCard => &mut self.counters.finds,
            Command::SelectCard => &mut self.counters.selects,
            Command::ReadText | Command::ReadTextWithFingerprint => &mut self.counters.reads,
            _ => return,
        };
        *counter += 1;
    }

    fn read(&mut self, with_fingerprint: bool) -> Result<ReplyPlan, EncodeError> {
        let Some(card) = self.card.as_ref() else {
            return self.reply(Status::ReadFailed, Vec::new(), false);
        };
        let cut = self.lift_mid_read.take();
        if cut == Some(MidReadCut::Status) {
            self.card = None;
            return self.reply(Status::ReadFailed, Vec::new(), false);
        }
        let fingerprint = with_fingerprint.then(|| card.fingerprint(self.fingerprint.bytes()));
        let data = join_read_data(card.text(), card.photo(), fingerprint.as_deref());
        if cut.is_some() {
            self.card = None;
        }
        self.reply(Status::Success, data, cut.is_some())
    }

    /// Encodes a reply and applies the armed one-shot faults (noise, bad checksum).
    fn reply(
        &mut self,
        status: Status,
        data: Vec<u8>,
        cut: bool,
    ) -> Result<ReplyPlan, EncodeError> {
        let mut frame = Response::new(status, data).encode()?;
        if std::mem::take(&mut self.bad_checksum) {
            if let Some(chk) = frame.last_mut() {
                *chk = !*chk;
            }
        }
        if cut {
            frame.truncate(CUT_AFTER);
        }
        let noise = self.noise.bytes(std::mem::take(&mut self.pending_noise));
        self.counters.replies += 1;
        Ok(ReplyPlan {
            status,
            noise,
            frame,
            cut,
        })
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
