//! SAM frames in both directions: encoding, and an incremental decoder that resynchronises.
//!
//! Layout (`shared/reference/idcard-sam-protocol.md`, section "Frame"):
//!
//! ```text
//! host -> reader:  AA AA AA 96 69 | LEN_H LEN_L | CMD PARA DATA... | CHK
//! reader -> host:  AA AA AA 96 69 | LEN_H LEN_L | SW1 SW2 SW3 DATA... | CHK
//! ```
//!
//! LEN is big-endian, unsigned, and counts every byte after itself including CHK, so a whole frame
//! is LEN + 7 bytes. CHK is the XOR of every byte from LEN_H to the last data byte.
//!
//! The decoder is sans-IO: it takes bytes and returns frames. "Need more bytes" is `Ok(None)`.
//! Every error leaves it hunting for the next preamble, so a caller may keep feeding it.

use crate::status::Status;
use thiserror::Error;

/// The five-byte preamble that starts every frame.
pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];

/// Preamble plus the two length bytes.
pub const HEADER_LEN: usize = PREAMBLE.len() + 2;

/// Largest LEN this codec accepts. The largest known reply is the read-with-fingerprint reply,
/// LEN `09 0A` (2314, a 2321-byte frame); anything far above is noise, refused before buffering.
pub const MAX_LEN: u16 = 4096;

/// Largest LEN accepted from a host. Every command in the reference is at most CMD PARA + one data
/// byte + CHK (LEN 4); a larger LEN in a host frame is noise, refused before it can swallow the
/// commands after it.
pub const MAX_REQUEST_LEN: u16 = 64;

/// Smallest LEN of a host frame: CMD, PARA, CHK.
pub const MIN_REQUEST_LEN: u16 = 3;

/// Smallest LEN of a reader frame: SW1, SW2, SW3, CHK.
pub const MIN_RESPONSE_LEN: u16 = 4;

/// Default number of noise bytes skipped while hunting before the decoder reports it.
pub const DEFAULT_MAX_NOISE: usize = 2048;

/// XOR checksum over the length bytes and the body (reference: "CHK is the XOR of every byte from
/// LEN_H to the last DATA byte").
pub fn checksum(len_and_body: &[u8]) -> u8 {
    len_and_body.iter().fold(0, |acc, b| acc ^ b)
}

/// Wraps a body (everything between LEN and CHK) into a whole frame.
///
/// Fails only when the body is too long for [`MAX_LEN`].
pub fn encode_body(body: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let len = body.len() + 1;
    let len16 = u16::try_from(len)
        .ok()
        .filter(|l| *l <= MAX_LEN)
        .ok_or(EncodeError::TooLong { len })?;
    let mut out = Vec::with_capacity(HEADER_LEN + len);
    out.extend_from_slice(&PREAMBLE);
    out.extend_from_slice(&len16.to_be_bytes());
    out.extend_from_slice(body);
    let chk = checksum(out.get(PREAMBLE.len()..).unwrap_or_default());
    out.push(chk);
    Ok(out)
}

/// A frame could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The body does not fit in a frame of at most [`MAX_LEN`].
    #[error("frame body of {len} bytes exceeds the maximum length")]
    TooLong {
        /// The LEN the frame would have had.
        len: usize,
    },
}

/// A command from the host, with its parameter byte and data (reference: "Commands").
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// `10 FF`: reset the SAM.
    ResetSam,
    /// `11 FF`: SAM status / self-check.
    SamStatus,
    /// `12 FF`: read the SAM id (16 bytes).
    SamId,
    /// `20 01`: find card.
    FindCard,
    /// `20 02`: select card.
    SelectCard,
    /// `30 01`: read text and photo.
    ReadText,
    /// `30 10`: read text, photo and fingerprint.
    ReadTextWithFingerprint,
    /// `61 FF nn`: set the maximum RF frame size (one source).
    SetMaxRfFrame(u8),
    /// Any other command, kept as it came.
    Other {
        /// CMD byte.
        cmd: u8,
        /// PARA byte.
        para: u8,
        /// Data after PARA.
        data: Vec<u8>,
    },
}

impl Command {
    /// The CMD and PARA bytes.
    pub fn code(&self) -> (u8, u8) {
        match self {
            Command::ResetSam => (0x10, 0xFF),
            Command::SamStatus => (0x11, 0xFF),
            Command::SamId => (0x12, 0xFF),
            Command::FindCard => (0x20, 0x01),
            Command::SelectCard => (0x20, 0x02),
            Command::ReadText => (0x30, 0x01),
            Command::ReadTextWithFingerprint => (0x30, 0x10),
            Command::SetMaxRfFrame(_) => (0x61, 0xFF),
            Command::Other { cmd, para, .. } => (*cmd, *para),
        }
    }

    fn data(&self) -> &[u8] {
        match self {
            Command::SetMaxRfFrame(size) => std::slice::from_ref(size),
            Command::Other { data, .. } => data,
            _ => &[],
        }
    }

    /// The whole host frame for this command.
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let (cmd, para) = self.code();
        let mut body = Vec::with_capacity(2 + self.data().len());
        body.push(cmd);
        body.push(para);
        body.extend_from_slice(self.data());
        encode_body(&body)
    }

    /// Parses the body of a host frame (used by the reader side, the simulator).
    pub fn from_body(body: &[u8]) -> Result<Command, FrameError> {
        let [cmd, para, data @ ..] = body else {
            return Err(FrameError::BadLength {
                len: body.len() + 1,
            });
        };
        Ok(match (*cmd, *para, data) {
            (0x10, 0xFF, []) => Command::ResetSam,
            (0x11, 0xFF, []) => Command::SamStatus,
            (0x12, 0xFF, []) => Command::SamId,
            (0x20, 0x01, []) => Command::FindCard,
            (0x20, 0x02, []) => Command::SelectCard,
            (0x30, 0x01, []) => Command::ReadText,
            (0x30, 0x10, []) => Command::ReadTextWithFingerprint,
            (0x61, 0xFF, [size]) => Command::SetMaxRfFrame(*size),
            (cmd, para, data) => Command::Other {
                cmd,
                para,
                data: data.to_vec(),
            },
        })
    }

    /// The largest reply this command can draw, in bytes on the wire, for sizing time-outs.
    pub fn max_reply_len(&self) -> usize {
        match self {
            // 1295 bytes (reference: "read ... -> 1295 bytes"); 1297 when a reader adds an empty
            // fingerprint length, which some do even to 30 01.
            Command::ReadText => 1297,
            // 2321 bytes with a 1024-byte fingerprint block.
            Command::ReadTextWithFingerprint => 2321,
            // 27-byte frame with 16 data bytes.
            Command::SamId => 27,
            // select: 19 bytes; find: 15 bytes.
            _ => 19,
        }
    }
}

/// A reader's reply: the three status bytes and the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// SW1, `00` in every known reader.
    pub sw1: u8,
    /// SW2, `00` in every known reader.
    pub sw2: u8,
    /// SW3, the status that matters.
    pub status: Status,
    /// Bytes after SW3, before CHK.
    pub data: Vec<u8>,
}

impl Response {
    /// A reply with SW1 = SW2 = 00, as every known reader sends.
    pub fn new(status: Status, data: Vec<u8>) -> Response {
        Response {
            sw1: 0,
            sw2: 0,
            status,
            data,
        }
    }

    /// The whole reader frame (used by the simulator, and by tests).
    pub fn encode(&self) -> Result<Vec<u8>, EncodeError> {
        let mut body = Vec::with_capacity(3 + self.data.len());
        body.extend_from_slice(&[self.sw1, self.sw2, self.status.code()]);
        body.extend_from_slice(&self.data);
        encode_body(&body)
    }

    /// Parses the body of a reader frame.
    pub fn from_body(body: &[u8]) -> Result<Response, FrameError> {
        let [sw1, sw2, sw3, data @ ..] = body else {
            return Err(FrameError::BadLength {
                len: body.len() + 1,
            });
        };
        Ok(Response {
            sw1: *sw1,
            sw2: *sw2,
            status: Status::from_code(*sw3),
            data: data.to_vec(),
        })
    }
}

/// Why bytes were not a frame. The decoder has already moved on and hunts for the next preamble.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FrameError {
    /// LEN outside the accepted range; the frame was dropped unbuffered.
    #[error("frame length {len} out of range")]
    BadLength {
        /// The LEN that was read.
        len: usize,
    },
    /// CHK did not match the XOR of the frame.
    #[error("frame checksum mismatch: computed {computed:02X}, received {received:02X}")]
    Checksum {
        /// XOR computed over the received bytes.
        computed: u8,
        /// CHK byte received.
        received: u8,
    },
    /// Too many bytes arrived without a preamble.
    #[error("{skipped} bytes of noise without a frame preamble")]
    Noise {
        /// Bytes dropped since the last frame or the last report.
        skipped: usize,
    },
}

#[derive(Debug, Clone)]
enum State {
    /// Matching the preamble; `matched` bytes of it seen so far.
    Hunting { matched: usize },
    /// Reading LEN; the high byte if it arrived.
    Length { high: Option<u8> },
    /// Reading LEN bytes (body and CHK).
    Body { len: u16 },
}

/// Incremental frame decoder for one direction.
///
/// Feed it any chunks with [`Decoder::decode`]; it buffers at most one frame (at most [`MAX_LEN`]
/// bytes), never panics, and drops noise between frames.
#[derive(Debug, Clone)]
pub struct Decoder {
    state: State,
    body: Vec<u8>,
    min_len: u16,
    max_len: u16,
    max_noise: usize,
    skipped: usize,
}

impl Decoder {
    /// A decoder for frames from the reader (replies), as the host sees them.
    pub fn for_responses() -> Decoder {
        Decoder::new(MIN_RESPONSE_LEN, MAX_LEN)
    }

    /// A decoder for frames from the host (commands), as the reader sees them.
    pub fn for_requests() -> Decoder {
        Decoder::new(MIN_REQUEST_LEN, MAX_REQUEST_LEN)
    }

    fn new(min_len: u16, max_len: u16) -> Decoder {
        Decoder {
            state: State::Hunting { matched: 0 },
            body: Vec::new(),
            min_len,
            max_len,
            max_noise: DEFAULT_MAX_NOISE,
            skipped: 0,
        }
    }

    /// Sets how many noise bytes may be skipped before [`FrameError::Noise`] is reported.
    pub fn with_max_noise(mut self, max_noise: usize) -> Decoder {
        self.max_noise = max_noise.max(1);
        self
    }

    /// Drops any partial frame and hunts for a fresh preamble.
    pub fn reset(&mut self) {
        self.state = State::Hunting { matched: 0 };
        self.body.clear();
        self.skipped = 0;
    }

    /// Whether the decoder holds part of a frame (a preamble byte or more).
    pub fn is_mid_frame(&self) -> bool {
        !matches!(self.state, State::Hunting { matched: 0 })
    }

    /// Consumes bytes from the front of `input` until a frame is complete, an error occurs, or
    /// the input is exhausted (`Ok(None)`: need more bytes).
    ///
    /// On `Ok(Some(body))` the body is everything between LEN and CHK, checksum verified; the
    /// rest of `input` is left for the next call.
    pub fn decode(&mut self, input: &mut &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
        while let Some((&byte, rest)) = input.split_first() {
            *input = rest;
            match self.state {
                State::Hunting { matched } => {
                    let next = next_match(matched, byte);
                    // Bytes that fell out of the partial match are noise.
                    self.skipped += matched + 1 - next;
                    if next == PREAMBLE.len() {
                        self.state = State::Length { high: None };
                    } else {
                        self.state = State::Hunting { matched: next };
                    }
                    if self.skipped > self.max_noise {
                        let skipped = self.skipped;
                        self.skipped = 0;
                        return Err(FrameError::Noise { skipped });
                    }
                }
                State::Length { high: None } => self.state = State::Length { high: Some(byte) },
                State::Length { high: Some(high) } => {
                    let len = u16::from_be_bytes([high, byte]);
                    if len < self.min_len || len > self.max_len {
                        self.reset();
                        return Err(FrameError::BadLength { len: len.into() });
                    }
                    self.body.clear();
                    self.body.reserve(len.into());
                    self.state = State::Body { len };
                }
                State::Body { len } => {
                    self.body.push(byte);
                    if self.body.len() == usize::from(len) {
                        return self.finish(len).map(Some);
                    }
                }
            }
        }
        Ok(None)
    }

    fn finish(&mut self, len: u16) -> Result<Vec<u8>, FrameError> {
        let mut body = std::mem::take(&mut self.body);
        self.reset();
        let received = body.pop().unwrap_or_default();
        let computed = len.to_be_bytes().iter().fold(checksum(&body), |a, b| a ^ b);
        if computed == received {
            Ok(body)
        } else {
            Err(FrameError::Checksum { computed, received })
        }
    }
}

/// How many preamble bytes are matched after `byte`, given `matched` before it.
///
/// The preamble is `AA AA AA 96 69`; a mismatch may still leave a shorter match (a run of `AA`).
fn next_match(matched: usize, byte: u8) -> usize {
    match (matched, byte) {
        (0..=2, 0xAA) => matched + 1,
        (3, 0xAA) => 3,
        (3, 0x96) => 4,
        (4, 0x69) => 5,
        (4, 0xAA) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|h| u8::from_str_radix(h, 16).unwrap())
            .collect()
    }

    fn decode_all(dec: &mut Decoder, bytes: &[u8]) -> Vec<Result<Vec<u8>, FrameError>> {
        let mut input = bytes;
        let mut out = Vec::new();
        while !input.is_empty() {
            match dec.decode(&mut input) {
                Ok(None) => {}
                Ok(Some(body)) => out.push(Ok(body)),
                Err(e) => out.push(Err(e)),
            }
        }
        out
    }

    // Byte vectors from the reference, section "Frames seen in several sources".
    #[test]
    fn request_byte_vectors() {
        assert_eq!(
            Command::FindCard.encode().unwrap(),
            hex("AA AA AA 96 69 00 03 20 01 22")
        );
        assert_eq!(
            Command::SelectCard.encode().unwrap(),
            hex("AA AA AA 96 69 00 03 20 02 21")
        );
        assert_eq!(
            Command::ReadText.encode().unwrap(),
            hex("AA AA AA 96 69 00 03 30 01 32")
        );
        assert_eq!(
            Command::ReadTextWithFingerprint.encode().unwrap(),
            hex("AA AA AA 96 69 00 03 30 10 23")
        );
        assert_eq!(
            Command::SamStatus.encode().unwrap(),
            hex("AA AA AA 96 69 00 03 11 FF ED")
        );
    }

    #[test]
    fn response_byte_vectors() {
        let find_ok = hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97");
        assert_eq!(
            Response::new(Status::FindOk, vec![0; 4]).encode().unwrap(),
            find_ok
        );
        let no_card = hex("AA AA AA 96 69 00 04 00 00 80 84");
        assert_eq!(
            Response::new(Status::NoCard, vec![]).encode().unwrap(),
            no_card
        );
        let mut select = hex("AA AA AA 96 69 00 0C 00 00 90");
        select.extend([0; 8]);
        select.push(0x9C);
        assert_eq!(
            Response::new(Status::Success, vec![0; 8]).encode().unwrap(),
            select
        );
        let sam_ok = hex("AA AA AA 96 69 00 04 00 00 90 94");
        assert_eq!(
            Response::new(Status::Success, vec![]).encode().unwrap(),
            sam_ok
        );
        let read_failed = hex("AA AA AA 96 69 00 04 00 00 41 45");
        assert_eq!(
            Response::new(Status::ReadFailed, vec![]).encode().unwrap(),
            read_failed
        );
        for frame in [find_ok, no_card, select, sam_ok, read_failed] {
            let mut dec = Decoder::for_responses();
            let out = decode_all(&mut dec, &frame);
            let body = out[0].clone().unwrap();
            assert_eq!(Response::from_body(&body).unwrap().encode().unwrap(), frame);
        }
    }

    #[test]
    fn read_reply_is_1295_bytes_with_reference_header() {
        let mut data = vec![0x01, 0x00, 0x04, 0x00];
        data.extend(std::iter::repeat_n(0x20, 256));
        data.extend(std::iter::repeat_n(0x5A, 1024));
        let frame = Response::new(Status::Success, data).encode().unwrap();
        assert_eq!(frame.len(), 1295);
        assert_eq!(
            frame[..14],
            hex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")[..]
        );
    }

    #[test]
    fn read_with_fingerprint_reply_lengths() {
        for (fp, total, len) in [(1024, 2321, 0x090A), (512, 1809, 0x070A), (0, 1297, 0x050A)] {
            let mut data = vec![0x01, 0x00, 0x04, 0x00];
            data.extend_from_slice(&(fp as u16).to_be_bytes());
            data.extend(std::iter::repeat_n(0, 256 + 1024 + fp));
            let frame = Response::new(Status::Success, data).encode().unwrap();
            assert_eq!(frame.len(), total);
            assert_eq!(u16::from_be_bytes([frame[5], frame[6]]), len);
        }
    }

    #[test]
    fn decodes_requests_on_the_reader_side() {
        let mut dec = Decoder::for_requests();
        let out = decode_all(&mut dec, &hex("AA AA AA 96 69 00 03 20 01 22"));
        assert_eq!(
            Command::from_body(out[0].as_ref().unwrap()).unwrap(),
            Command::FindCard
        );
        let set = Command::SetMaxRfFrame(0x50).encode().unwrap();
        let out = decode_all(&mut dec, &set);
        assert_eq!(
            Command::from_body(out[0].as_ref().unwrap()).unwrap(),
            Command::SetMaxRfFrame(0x50)
        );
    }

    #[test]
    fn need_more_bytes_is_not_an_error() {
        let frame = hex("AA AA AA 96 69 00 04 00 00 80 84");
        let mut dec = Decoder::for_responses();
        for (i, byte) in frame.iter().enumerate() {
            let mut input = std::slice::from_ref(byte);
            let got = dec.decode(&mut input).unwrap();
            if i + 1 < frame.len() {
                assert_eq!(got, None);
            } else {
                assert_eq!(got, Some(vec![0, 0, 0x80]));
            }
        }
    }

    #[test]
    fn resynchronises_after_noise_and_partial_preambles() {
        let mut bytes = hex("00 FF AA AA 13 AA AA AA AA 96 13 AA");
        bytes.extend(hex("AA AA AA 96 69 00 04 00 00 80 84"));
        let mut dec = Decoder::for_responses();
        let out = decode_all(&mut dec, &bytes);
        assert_eq!(out, vec![Ok(vec![0, 0, 0x80])]);
    }

    #[test]
    fn preamble_after_extra_aa_bytes() {
        let bytes = hex("AA AA AA AA AA 96 69 00 04 00 00 80 84");
        let mut dec = Decoder::for_responses();
        assert_eq!(decode_all(&mut dec, &bytes), vec![Ok(vec![0, 0, 0x80])]);
    }

    #[test]
    fn checksum_error_is_reported_and_next_frame_still_decodes() {
        let mut bytes = hex("AA AA AA 96 69 00 04 00 00 80 85");
        bytes.extend(hex("AA AA AA 96 69 00 04 00 00 90 94"));
        let mut dec = Decoder::for_responses();
        let out = decode_all(&mut dec, &bytes);
        assert_eq!(
            out,
            vec![
                Err(FrameError::Checksum {
                    computed: 0x84,
                    received: 0x85
                }),
                Ok(vec![0, 0, 0x90])
            ]
        );
    }

    #[test]
    fn oversized_length_is_refused_before_buffering() {
        let bytes = hex("AA AA AA 96 69 FF FF 00 00");
        let mut dec = Decoder::for_responses();
        let out = decode_all(&mut dec, &bytes);
        assert_eq!(out[0], Err(FrameError::BadLength { len: 0xFFFF }));
        assert!(dec.body.capacity() < 0xFFFF);
        // A response shorter than SW1 SW2 SW3 CHK is refused too.
        let out = decode_all(&mut dec, &hex("AA AA AA 96 69 00 03 00 00 03"));
        assert_eq!(out[0], Err(FrameError::BadLength { len: 3 }));
    }

    #[test]
    fn host_frames_are_capped_much_lower() {
        // A preamble in noise with LEN 0x0F00 would swallow the commands after it.
        let mut bytes = hex("AA AA AA 96 69 0F 00");
        bytes.extend(hex("AA AA AA 96 69 00 03 20 01 22"));
        let mut dec = Decoder::for_requests();
        let out = decode_all(&mut dec, &bytes);
        assert_eq!(
            out,
            vec![
                Err(FrameError::BadLength { len: 0x0F00 }),
                Ok(vec![0x20, 0x01])
            ]
        );
    }

    #[test]
    fn noise_is_capped() {
        let mut dec = Decoder::for_responses().with_max_noise(100);
        let noise = vec![0x55; 250];
        let out = decode_all(&mut dec, &noise);
        assert_eq!(
            out,
            vec![
                Err(FrameError::Noise { skipped: 101 }),
                Err(FrameError::Noise { skipped: 101 })
            ]
        );
    }

    #[test]
    fn body_too_long_to_encode() {
        let err = Response::new(Status::Success, vec![0; MAX_LEN as usize])
            .encode()
            .unwrap_err();
        assert!(matches!(err, EncodeError::TooLong { .. }));
    }
}
