//! Motion-JPEG AVI files: a reader that walks the `movi` list one frame at a time and a writer.
//!
//! The layout follows Microsoft's "AVI RIFF File Reference" (RIFF 'AVI ' with a 'hdrl' LIST
//! holding the 'avih' main header (AVIMAINHEADER) and one 'strl' LIST a stream with its 'strh'
//! header (AVISTREAMHEADER) and 'strf' format (a BITMAPINFOHEADER for video), then the 'movi'
//! LIST of data chunks and the optional 'idx1' index (AVIOLDINDEX)). Every RIFF chunk is a
//! four-character code, a little-endian 32-bit size that excludes the 8-byte header and any pad,
//! then the data, padded to an even length.

use std::io::{Read, Seek, SeekFrom, Write};

use zeroize::Zeroizing;

use crate::{Error, check_size};

/// The largest single frame (chunk) read or written: 16 MiB, far above any Motion-JPEG frame
/// (a 4K frame at top quality is about 5 MiB).
pub const MAX_CHUNK_BYTES: u32 = 16 << 20;

/// The largest AVI header list read ('hdrl'); real ones are a few KiB.
const MAX_HEADER_LIST: u64 = 1 << 20;

/// Nested 'rec ' lists deeper than this are refused.
const MAX_NESTING: usize = 8;

/// AVIMAINHEADER.dwFlags: AVIF_HASINDEX, the file has an 'idx1' index (AVI RIFF File Reference).
const AVIF_HASINDEX: u32 = 0x10;
/// AVIOLDINDEX entry dwFlags: AVIIF_KEYFRAME (every Motion-JPEG frame is one).
const AVIIF_KEYFRAME: u32 = 0x10;

/// The codes a Motion-JPEG video stream is labelled with (`strh.fccHandler` or
/// `strf.biCompression`), compared without case.
const MJPEG_CODES: [&[u8; 4]; 4] = [b"MJPG", b"JPEG", b"AVRN", b"DMB1"];

fn le32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

fn fourcc_text(code: [u8; 4]) -> String {
    code.iter()
        .map(|&c| {
            if c.is_ascii_graphic() || c == b' ' {
                char::from(c)
            } else {
                '?'
            }
        })
        .collect()
}

/// A chunk header: its code and data size.
struct ChunkHeader {
    id: [u8; 4],
    size: u64,
}

/// The header fields the reader keeps from one 'strl' list.
#[derive(Default)]
struct StreamInfo {
    kind: [u8; 4],
    handler: [u8; 4],
    scale: u32,
    rate: u32,
    compression: Option<[u8; 4]>,
    bmp_width: i32,
    bmp_height: i32,
}

/// Reads the frames of a Motion-JPEG AVI file, one at a time, as they are asked for.
///
/// [`AviReader::open`] reads the headers ('avih' for the size and frame rate, the first video
/// stream's 'strh'/'strf') and finds the 'movi' list; [`AviReader::next_frame`] then returns
/// the JPEG bytes of each of that stream's chunks ('NNdc' or 'NNdb', NN its number), skipping
/// other streams, 'JUNK', OpenDML 'ix##' indexes and empty (dropped) frames, and descending
/// into 'rec ' lists. The 'idx1' index is not needed and not read. An OpenDML (AVI 2.0) file
/// larger than 1 GiB continues in 'AVIX' RIFF lists after the first: those are ignored, so
/// only the frames of the first RIFF list are read.
///
/// Nothing is read beyond the sizes of the RIFF and LIST chunks (nor beyond the end of the
/// file); a frame over [`MAX_CHUNK_BYTES`] or a size over [`crate::MAX_DIMENSION`] is an error
/// rather than an allocation of what the file claims. The frames are returned in zeroizing
/// buffers.
pub struct AviReader<R: Read + Seek> {
    r: R,
    width: u32,
    height: u32,
    fps: f64,
    /// The two ASCII digits of the video stream's chunk codes.
    stream: [u8; 2],
    /// The next chunk header's offset.
    pos: u64,
    /// The ends of the lists being walked: 'movi' first, then nested 'rec ' lists.
    ends: Vec<u64>,
}

impl<R: Read + Seek> std::fmt::Debug for AviReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AviReader")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("fps", &self.fps)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl<R: Read + Seek> AviReader<R> {
    /// Reads the headers and finds the frames.
    ///
    /// The frame rate is the video stream's `dwRate / dwScale` when it states both, else
    /// `1_000_000 / dwMicroSecPerFrame` of the main header.
    ///
    /// # Errors
    /// [`Error::NotAvi`] when the bytes are not RIFF 'AVI ', [`Error::BadAvi`] when the
    /// headers or the 'movi' list are missing or damaged, [`Error::NotMjpeg`] for another
    /// codec, [`Error::Size`] for a frame size over [`crate::MAX_DIMENSION`], [`Error::Io`].
    pub fn open(mut r: R) -> Result<Self, Error> {
        let file_len = r.seek(SeekFrom::End(0))?;
        r.seek(SeekFrom::Start(0))?;
        let mut head = [0u8; 12];
        if file_len < 12 {
            return Err(Error::NotAvi("shorter than a RIFF header".into()));
        }
        r.read_exact(&mut head)?;
        if &head[..4] != b"RIFF" || &head[8..12] != b"AVI " {
            return Err(Error::NotAvi("no RIFF 'AVI ' header".into()));
        }
        let riff_end = (8 + u64::from(le32(&head, 4))).min(file_len);

        let mut main: Option<[u8; 56]> = None;
        let mut video: Option<(usize, StreamInfo)> = None;
        let mut movi: Option<(u64, u64)> = None;
        let mut pos = 12;
        while pos + 8 <= riff_end {
            let ch = read_header(&mut r, pos)?;
            let data = pos + 8;
            let end = data.saturating_add(ch.size).min(riff_end);
            if &ch.id == b"LIST" && ch.size >= 4 && data + 4 <= riff_end {
                let mut kind = [0u8; 4];
                r.read_exact(&mut kind)?;
                match &kind {
                    b"hdrl" => {
                        if ch.size > MAX_HEADER_LIST {
                            return Err(Error::BadAvi(format!("'hdrl' list of {} bytes", ch.size)));
                        }
                        let (m, v) = read_hdrl(&mut r, data + 4, end)?;
                        main = main.or(m);
                        video = video.or(v);
                    }
                    b"movi" => {
                        movi = Some((data + 4, end));
                        break;
                    }
                    _ => {}
                }
            }
            pos = next_chunk(data, ch.size);
        }

        let main = main.ok_or_else(|| Error::BadAvi("no 'avih' main header".into()))?;
        let (stream_no, info) =
            video.ok_or_else(|| Error::BadAvi("no video stream header".into()))?;
        let (movi_start, movi_end) = movi.ok_or_else(|| Error::BadAvi("no 'movi' list".into()))?;

        // fccHandler may be left empty; biCompression then tells.
        let labelled = |code: &[u8; 4]| {
            MJPEG_CODES
                .iter()
                .any(|known| code.eq_ignore_ascii_case(*known))
        };
        let blank = |code: &[u8; 4]| code.iter().all(|&c| c == 0 || c == b' ');
        let is_mjpeg = match info.compression {
            Some(c) => labelled(&c) || (blank(&c) && labelled(&info.handler)),
            None => labelled(&info.handler) || blank(&info.handler),
        };
        if !is_mjpeg {
            let code = info
                .compression
                .filter(|c| !blank(c))
                .unwrap_or(info.handler);
            return Err(Error::NotMjpeg(fourcc_text(code)));
        }

        // AVIMAINHEADER (AVI RIFF File Reference): dwMicroSecPerFrame at 0, dwWidth at 32,
        // dwHeight at 36.
        let (mut w, mut h) = (u64::from(le32(&main, 32)), u64::from(le32(&main, 36)));
        if w == 0 || h == 0 {
            w = u64::from(info.bmp_width.unsigned_abs());
            h = u64::from(info.bmp_height.unsigned_abs());
        }
        let (width, height) = check_size(w, h)?;
        let fps = if info.scale > 0 && info.rate > 0 {
            f64::from(info.rate) / f64::from(info.scale)
        } else {
            match le32(&main, 0) {
                0 => return Err(Error::BadAvi("no frame rate".into())),
                us => 1_000_000.0 / f64::from(us),
            }
        };
        if !(fps.is_finite() && fps > 0.0 && fps <= 10_000.0) {
            return Err(Error::BadAvi(format!("frame rate {fps} out of range")));
        }
        // Stream numbers are two decimal digits in the chunk codes.
        let Ok(n) = u8::try_from(stream_no) else {
            return Err(Error::BadAvi("too many streams".into()));
        };
        if n > 99 {
            return Err(Error::BadAvi("too many streams".into()));
        }
        Ok(Self {
            r,
            width,
            height,
            fps,
            stream: [b'0' + n / 10, b'0' + n % 10],
            pos: movi_start,
            ends: vec![movi_end],
        })
    }

    /// The frame width in pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// The frame height in pixels.
    #[must_use]
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Frames a second, as the file states it.
    #[must_use]
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// The next frame's JPEG bytes, `None` after the last one.
    ///
    /// # Errors
    /// [`Error::BadAvi`] when a chunk claims more bytes than its list holds (a truncated
    /// file), [`Error::FrameTooLarge`], [`Error::Io`].
    pub fn next_frame(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
        loop {
            // Leave the lists that are done (their rest is too short for a chunk header).
            while let Some(&end) = self.ends.last() {
                if self.pos.saturating_add(8) > end {
                    self.pos = end;
                    self.ends.pop();
                } else {
                    break;
                }
            }
            let Some(&end) = self.ends.last() else {
                return Ok(None);
            };
            let ch = read_header(&mut self.r, self.pos)?;
            let data = self.pos + 8;
            if data.saturating_add(ch.size) > end {
                return Err(Error::BadAvi(format!(
                    "chunk '{}' at offset {} claims {} bytes, past the end of its list at {end}",
                    fourcc_text(ch.id),
                    self.pos,
                    ch.size
                )));
            }
            let after = next_chunk(data, ch.size);
            if &ch.id == b"LIST" {
                let mut kind = [0u8; 4];
                if ch.size >= 4 {
                    self.r.read_exact(&mut kind)?;
                }
                if &kind == b"rec " {
                    if self.ends.len() > MAX_NESTING {
                        return Err(Error::BadAvi("'rec ' lists nested too deep".into()));
                    }
                    self.ends.push(data + ch.size);
                    self.pos = data + 4;
                } else {
                    self.pos = after;
                }
                continue;
            }
            self.pos = after;
            let is_video =
                ch.id[..2] == self.stream && (&ch.id[2..] == b"dc" || &ch.id[2..] == b"db");
            if !is_video || ch.size == 0 {
                continue;
            }
            if ch.size > u64::from(MAX_CHUNK_BYTES) {
                return Err(Error::FrameTooLarge { size: ch.size });
            }
            // At most MAX_CHUNK_BYTES, and within the file (checked against the list's end).
            let mut frame = Zeroizing::new(vec![0u8; ch.size as usize]);
            self.r.read_exact(&mut frame)?;
            return Ok(Some(frame));
        }
    }
}

/// Reads the 8-byte chunk header at `pos`.
fn read_header<R: Read + Seek>(r: &mut R, pos: u64) -> Result<ChunkHeader, Error> {
    r.seek(SeekFrom::Start(pos))?;
    let mut h = [0u8; 8];
    r.read_exact(&mut h)?;
    Ok(ChunkHeader {
        id: [h[0], h[1], h[2], h[3]],
        size: u64::from(le32(&h, 4)),
    })
}

/// The offset after a chunk's data and its pad byte (chunks are word-aligned).
fn next_chunk(data: u64, size: u64) -> u64 {
    data.saturating_add(size).saturating_add(size & 1)
}

/// Reads up to `N` bytes of a chunk's data (a shorter chunk leaves zeros).
fn read_fields<R: Read + Seek, const N: usize>(
    r: &mut R,
    data: u64,
    size: u64,
) -> Result<[u8; N], Error> {
    let mut buf = [0u8; N];
    let n = usize::try_from(size).unwrap_or(N).min(N);
    r.seek(SeekFrom::Start(data))?;
    r.read_exact(&mut buf[..n])?;
    Ok(buf)
}

/// Walks the 'hdrl' list: the main header and the first video stream (its number and fields).
#[allow(clippy::type_complexity)]
fn read_hdrl<R: Read + Seek>(
    r: &mut R,
    start: u64,
    end: u64,
) -> Result<(Option<[u8; 56]>, Option<(usize, StreamInfo)>), Error> {
    let mut main = None;
    let mut video = None;
    let mut streams = 0usize;
    let mut pos = start;
    while pos + 8 <= end {
        let ch = read_header(r, pos)?;
        let data = pos + 8;
        let size = ch.size.min(end - data);
        match &ch.id {
            b"avih" => main = Some(read_fields::<R, 56>(r, data, size)?),
            b"LIST" if size >= 4 => {
                let kind: [u8; 4] = read_fields(r, data, 4)?;
                if &kind == b"strl" {
                    let info = read_strl(r, data + 4, data + size)?;
                    if video.is_none() && &info.kind == b"vids" {
                        video = Some((streams, info));
                    }
                    streams += 1;
                }
            }
            _ => {}
        }
        pos = next_chunk(data, ch.size);
    }
    Ok((main, video))
}

/// Reads a 'strl' list's 'strh' and 'strf' chunks.
fn read_strl<R: Read + Seek>(r: &mut R, start: u64, end: u64) -> Result<StreamInfo, Error> {
    let mut info = StreamInfo::default();
    let mut pos = start;
    while pos + 8 <= end {
        let ch = read_header(r, pos)?;
        let data = pos + 8;
        let size = ch.size.min(end - data);
        match &ch.id {
            b"strh" => {
                // AVISTREAMHEADER (AVI RIFF File Reference): fccType at 0, fccHandler at 4,
                // dwScale at 20, dwRate at 24.
                let h: [u8; 56] = read_fields(r, data, size)?;
                info.kind = [h[0], h[1], h[2], h[3]];
                info.handler = [h[4], h[5], h[6], h[7]];
                info.scale = le32(&h, 20);
                info.rate = le32(&h, 24);
            }
            b"strf" if size >= 20 => {
                // BITMAPINFOHEADER: biSize at 0, biWidth at 4, biHeight at 8, biPlanes at 12,
                // biBitCount at 14, biCompression at 16.
                let b: [u8; 40] = read_fields(r, data, size)?;
                info.bmp_width = le32(&b, 4) as i32;
                info.bmp_height = le32(&b, 8) as i32;
                info.compression = Some([b[16], b[17], b[18], b[19]]);
            }
            _ => {}
        }
        pos = next_chunk(data, ch.size);
    }
    Ok(info)
}

/// Writes a Motion-JPEG AVI file: one video stream ('vids', 'MJPG'), one '00dc' chunk a frame
/// and an 'idx1' index: the plain AVI 1.0 layout (FFmpeg reads it) and what [`AviReader`] reads.
///
/// The headers are written by [`AviWriter::new`] with placeholder sizes, which
/// [`AviWriter::finish`] fills in; a file whose writer is dropped unfinished is left
/// incomplete. The file must stay under 4 GiB (AVI 1.0, no OpenDML extension).
pub struct AviWriter<W: Write + Seek> {
    w: W,
    /// Where the file starts in `w`.
    base: u64,
    /// Bytes written so far, from `base`.
    len: u64,
    fps: f64,
    /// (offset from the 'movi' code, size) of each frame, for 'idx1'.
    index: Vec<(u32, u32)>,
    largest: u32,
}

impl<W: Write + Seek> std::fmt::Debug for AviWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AviWriter")
            .field("frames", &self.index.len())
            .field("bytes", &self.len)
            .finish_non_exhaustive()
    }
}

// Offsets in the header the writer lays out (from the start of the file):
// 0 'RIFF' size 'AVI ', 12 'LIST' size 'hdrl', 24 'avih' 56 + data (32..88), 88 'LIST' size
// 'strl', 100 'strh' 56 + data (108..164), 164 'strf' 40 + data (172..212), 212 'LIST' size
// 'movi', the first frame chunk at 224.
const RIFF_SIZE_AT: u64 = 4;
const AVIH_DATA: u64 = 32;
const STRH_DATA: u64 = 108;
const MOVI_SIZE_AT: u64 = 216;
/// The 'movi' code; 'idx1' offsets count from here (AVI RIFF File Reference, AVIOLDINDEX).
const MOVI_CODE_AT: u64 = 220;
const HEADER_LEN: u64 = 224;

impl<W: Write + Seek> AviWriter<W> {
    /// Starts a file of `width x height` frames at `fps` frames a second, at `w`'s current
    /// position.
    ///
    /// # Errors
    /// [`Error::Size`] for a size over [`crate::MAX_DIMENSION`], [`Error::Invalid`] for a frame
    /// rate not in (0, 1000], [`Error::Io`].
    pub fn new(mut w: W, width: u32, height: u32, fps: f64) -> Result<Self, Error> {
        let (width, height) = check_size(u64::from(width), u64::from(height))?;
        if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
            return Err(Error::Invalid(format!("frame rate {fps} not in (0, 1000]")));
        }
        let base = w.stream_position()?;
        let mut h = Vec::with_capacity(HEADER_LEN as usize);
        let put = |h: &mut Vec<u8>, v: u32| h.extend_from_slice(&v.to_le_bytes());
        // Sizes patched by finish() are written as 0.
        h.extend_from_slice(b"RIFF");
        put(&mut h, 0);
        h.extend_from_slice(b"AVI ");
        h.extend_from_slice(b"LIST");
        put(&mut h, 192); // 'hdrl' + avih (8 + 56) + strl list (8 + 116)
        h.extend_from_slice(b"hdrl");
        // AVIMAINHEADER (AVI RIFF File Reference).
        h.extend_from_slice(b"avih");
        put(&mut h, 56);
        put(&mut h, (1_000_000.0 / fps).round() as u32); // dwMicroSecPerFrame
        put(&mut h, 0); // dwMaxBytesPerSec, patched
        put(&mut h, 0); // dwPaddingGranularity
        put(&mut h, AVIF_HASINDEX); // dwFlags
        put(&mut h, 0); // dwTotalFrames, patched
        put(&mut h, 0); // dwInitialFrames
        put(&mut h, 1); // dwStreams
        put(&mut h, 0); // dwSuggestedBufferSize, patched
        put(&mut h, width); // dwWidth
        put(&mut h, height); // dwHeight
        h.extend_from_slice(&[0; 16]); // dwReserved[4]
        h.extend_from_slice(b"LIST");
        put(&mut h, 116); // 'strl' + strh (8 + 56) + strf (8 + 40)
        h.extend_from_slice(b"strl");
        // AVISTREAMHEADER (AVI RIFF File Reference).
        h.extend_from_slice(b"strh");
        put(&mut h, 56);
        h.extend_from_slice(b"vids"); // fccType
        h.extend_from_slice(b"MJPG"); // fccHandler
        put(&mut h, 0); // dwFlags
        put(&mut h, 0); // wPriority, wLanguage
        put(&mut h, 0); // dwInitialFrames
        let (rate, scale) = rate_scale(fps);
        put(&mut h, scale); // dwScale
        put(&mut h, rate); // dwRate: rate / scale = frames a second
        put(&mut h, 0); // dwStart
        put(&mut h, 0); // dwLength, patched
        put(&mut h, 0); // dwSuggestedBufferSize, patched
        put(&mut h, u32::MAX); // dwQuality: -1, the default
        put(&mut h, 0); // dwSampleSize: 0, frames vary in size
        // rcFrame: left, top, right, bottom as 16-bit values (sizes are at most 8192).
        for v in [0, 0, width as u16, height as u16] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        // BITMAPINFOHEADER.
        h.extend_from_slice(b"strf");
        put(&mut h, 40);
        put(&mut h, 40); // biSize
        put(&mut h, width); // biWidth
        put(&mut h, height); // biHeight
        h.extend_from_slice(&1u16.to_le_bytes()); // biPlanes
        h.extend_from_slice(&24u16.to_le_bytes()); // biBitCount
        h.extend_from_slice(b"MJPG"); // biCompression
        put(&mut h, width * height * 3); // biSizeImage (at most 8192 x 8192 x 3)
        // biXPelsPerMeter, biYPelsPerMeter, biClrUsed, biClrImportant.
        h.extend_from_slice(&[0; 16]);
        h.extend_from_slice(b"LIST");
        put(&mut h, 0); // 'movi' size, patched
        h.extend_from_slice(b"movi");
        debug_assert_eq!(h.len() as u64, HEADER_LEN);
        w.write_all(&h)?;
        Ok(Self {
            w,
            base,
            len: HEADER_LEN,
            fps,
            index: Vec::new(),
            largest: 0,
        })
    }

    /// Appends one frame (a complete JPEG).
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty frame, [`Error::FrameTooLarge`], [`Error::AviTooLarge`]
    /// when the file would pass 4 GiB, [`Error::Io`].
    pub fn write_frame(&mut self, jpeg: &[u8]) -> Result<(), Error> {
        if jpeg.is_empty() {
            return Err(Error::Invalid("empty frame".into()));
        }
        let size = u32::try_from(jpeg.len())
            .ok()
            .filter(|&s| s <= MAX_CHUNK_BYTES)
            .ok_or(Error::FrameTooLarge {
                size: jpeg.len() as u64,
            })?;
        let padded = u64::from(size) + u64::from(size & 1);
        // The finished file: this chunk, and 'idx1' with one more entry, must fit in u32 sizes.
        let idx_len = 8 + 16 * (self.index.len() as u64 + 1);
        if self.len + 8 + padded + idx_len > u64::from(u32::MAX) {
            return Err(Error::AviTooLarge);
        }
        let offset = (self.len - MOVI_CODE_AT) as u32;
        self.w.write_all(b"00dc")?;
        self.w.write_all(&size.to_le_bytes())?;
        self.w.write_all(jpeg)?;
        if size & 1 == 1 {
            self.w.write_all(&[0])?;
        }
        self.len += 8 + padded;
        self.index.push((offset, size));
        self.largest = self.largest.max(size);
        Ok(())
    }

    /// The frames written so far.
    #[must_use]
    pub fn frames(&self) -> usize {
        self.index.len()
    }

    /// Writes the 'idx1' index, fills in the sizes and counts, and returns the writer
    /// (positioned at the end of the file).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn finish(mut self) -> Result<W, Error> {
        let movi_end = self.len;
        let mut idx = Vec::with_capacity(8 + 16 * self.index.len());
        idx.extend_from_slice(b"idx1");
        idx.extend_from_slice(&((16 * self.index.len()) as u32).to_le_bytes());
        for &(offset, size) in &self.index {
            // AVIOLDINDEX entry: dwChunkId, dwFlags, dwOffset, dwSize.
            idx.extend_from_slice(b"00dc");
            idx.extend_from_slice(&AVIIF_KEYFRAME.to_le_bytes());
            idx.extend_from_slice(&offset.to_le_bytes());
            idx.extend_from_slice(&size.to_le_bytes());
        }
        self.w.write_all(&idx)?;
        self.len += idx.len() as u64;
        // All below u32::MAX: write_frame refuses anything that would not fit.
        let frames = self.index.len() as u32;
        let buffer = self.largest + 8;
        let bytes_per_sec = (f64::from(self.largest) * self.fps).min(f64::from(u32::MAX)) as u32;
        let patches = [
            (RIFF_SIZE_AT, (self.len - 8) as u32),
            (AVIH_DATA + 4, bytes_per_sec),
            (AVIH_DATA + 16, frames),
            (AVIH_DATA + 28, buffer),
            (STRH_DATA + 32, frames),
            (STRH_DATA + 36, buffer),
            (MOVI_SIZE_AT, (movi_end - MOVI_CODE_AT) as u32),
        ];
        for (at, value) in patches {
            self.w.seek(SeekFrom::Start(self.base + at))?;
            self.w.write_all(&value.to_le_bytes())?;
        }
        self.w.seek(SeekFrom::Start(self.base + self.len))?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// `fps` as dwRate / dwScale: whole rates over 1, others over 1000 (29.97 is 29970 / 1000).
fn rate_scale(fps: f64) -> (u32, u32) {
    if (fps - fps.round()).abs() < 1e-9 {
        (fps.round() as u32, 1)
    } else {
        ((fps * 1000.0).round() as u32, 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    fn frame(n: usize, fill: u8) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.extend(std::iter::repeat_n(fill, n));
        v.extend([0xFF, 0xD9]);
        v
    }

    fn write(frames: &[Vec<u8>], fps: f64) -> Vec<u8> {
        let mut w = AviWriter::new(Cursor::new(Vec::new()), 64, 48, fps).unwrap();
        for f in frames {
            w.write_frame(f).unwrap();
        }
        assert_eq!(w.frames(), frames.len());
        w.finish().unwrap().into_inner()
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
        let mut r = AviReader::open(Cursor::new(bytes))?;
        let mut out = Vec::new();
        while let Some(f) = r.next_frame()? {
            out.push(f.to_vec());
        }
        Ok(out)
    }

    #[test]
    fn writer_and_reader_round_trip() {
        // Odd and even sizes: the pad byte must be honoured.
        let frames = vec![frame(5, 1), frame(6, 2), frame(101, 3)];
        let bytes = write(&frames, 15.0);
        let r = AviReader::open(Cursor::new(&bytes)).unwrap();
        assert_eq!((r.width(), r.height()), (64, 48));
        assert!((r.fps() - 15.0).abs() < 1e-9);
        assert_eq!(read_all(&bytes).unwrap(), frames);
        // RIFF size and the 'movi' size are filled in; the index follows 'movi'.
        assert_eq!(le32(&bytes, 4) as usize, bytes.len() - 8);
        let movi_end = MOVI_CODE_AT as usize + le32(&bytes, MOVI_SIZE_AT as usize) as usize;
        assert_eq!(&bytes[movi_end..movi_end + 4], b"idx1");
        assert_eq!(le32(&bytes, movi_end + 4), 48);
        assert_eq!(le32(&bytes, (AVIH_DATA + 16) as usize), 3);
        // The second index entry points at the second chunk (offset from the 'movi' code).
        let off = le32(&bytes, movi_end + 8 + 16 + 8) as usize;
        assert_eq!(&bytes[MOVI_CODE_AT as usize + off..][..4], b"00dc");
        assert_eq!(le32(&bytes, MOVI_CODE_AT as usize + off + 4), 10);
    }

    #[test]
    fn fractional_frame_rates_survive() {
        let bytes = write(&[frame(2, 0)], 29.97);
        let r = AviReader::open(Cursor::new(&bytes)).unwrap();
        assert!((r.fps() - 29.97).abs() < 1e-9);
        assert_eq!(rate_scale(30.0), (30, 1));
    }

    #[test]
    fn empty_video_has_no_frames() {
        let bytes = write(&[], 10.0);
        assert!(read_all(&bytes).unwrap().is_empty());
    }

    /// A hand-made file: JUNK, an audio stream first, a 'rec ' list, other chunks in 'movi'.
    fn hand_made() -> Vec<u8> {
        fn chunk(id: &[u8; 4], data: &[u8]) -> Vec<u8> {
            let mut v = id.to_vec();
            v.extend((data.len() as u32).to_le_bytes());
            v.extend(data);
            if data.len() % 2 == 1 {
                v.push(0);
            }
            v
        }
        fn list(kind: &[u8; 4], parts: &[Vec<u8>]) -> Vec<u8> {
            let mut data = kind.to_vec();
            for p in parts {
                data.extend(p);
            }
            chunk(b"LIST", &data)
        }
        let mut avih = vec![0u8; 56];
        avih[..4].copy_from_slice(&40_000u32.to_le_bytes()); // 25 fps
        avih[32..36].copy_from_slice(&320u32.to_le_bytes());
        avih[36..40].copy_from_slice(&240u32.to_le_bytes());
        let mut auds = vec![0u8; 56];
        auds[..4].copy_from_slice(b"auds");
        let mut vids = vec![0u8; 56];
        vids[..4].copy_from_slice(b"vids");
        vids[4..8].copy_from_slice(b"mjpg");
        let mut bih = vec![0u8; 40];
        bih[16..20].copy_from_slice(b"MJPG");
        let hdrl = list(
            b"hdrl",
            &[
                chunk(b"avih", &avih),
                list(b"strl", &[chunk(b"strh", &auds), chunk(b"strf", &[0; 18])]),
                list(b"strl", &[chunk(b"strh", &vids), chunk(b"strf", &bih)]),
            ],
        );
        let movi = list(
            b"movi",
            &[
                chunk(b"JUNK", &[0; 7]),
                chunk(b"00wb", b"audio"),
                chunk(b"01dc", b"one"),
                list(
                    b"rec ",
                    &[
                        chunk(b"00wb", b"au"),
                        chunk(b"01db", b"two!"),
                        chunk(b"01dc", b""),
                    ],
                ),
                chunk(b"ix01", &[0; 24]),
                chunk(b"01dc", b"three"),
            ],
        );
        let mut body = b"AVI ".to_vec();
        body.extend(chunk(b"JUNK", &[0; 3]));
        body.extend(hdrl);
        body.extend(movi);
        body.extend(chunk(b"idx1", &[]));
        chunk(b"RIFF", &body)
    }

    #[test]
    fn other_streams_junk_and_rec_lists_are_handled() {
        let bytes = hand_made();
        let r = AviReader::open(Cursor::new(&bytes)).unwrap();
        assert_eq!((r.width(), r.height()), (320, 240));
        assert!((r.fps() - 25.0).abs() < 1e-9);
        let frames = read_all(&bytes).unwrap();
        assert_eq!(
            frames,
            vec![b"one".to_vec(), b"two!".to_vec(), b"three".to_vec()]
        );
    }

    #[test]
    fn other_codecs_and_non_avi_are_refused() {
        let mut bytes = write(&[frame(2, 0)], 10.0);
        // strh.fccHandler at 112, strf.biCompression at 172 + 16.
        bytes[112..116].copy_from_slice(b"H264");
        bytes[188..192].copy_from_slice(b"H264");
        assert!(matches!(
            AviReader::open(Cursor::new(&bytes)),
            Err(Error::NotMjpeg(c)) if c == "H264"
        ));
        assert!(matches!(
            AviReader::open(Cursor::new(b"RIFF\x04\0\0\0WAVE".as_slice())),
            Err(Error::NotAvi(_))
        ));
        assert!(matches!(
            AviReader::open(Cursor::new(b"".as_slice())),
            Err(Error::NotAvi(_))
        ));
    }

    #[test]
    fn truncated_file_is_an_error_not_a_panic() {
        let frames = vec![frame(50, 1), frame(50, 2)];
        let bytes = write(&frames, 10.0);
        // Cut in the middle of the second frame: the first reads, the second is an error.
        let cut = HEADER_LEN as usize + 2 * 8 + 54 + 20;
        let mut r = AviReader::open(Cursor::new(&bytes[..cut])).unwrap();
        assert_eq!(r.next_frame().unwrap().unwrap().to_vec(), frames[0]);
        assert!(matches!(r.next_frame(), Err(Error::BadAvi(_))));
        // Cut inside the headers.
        assert!(AviReader::open(Cursor::new(&bytes[..150])).is_err());
    }

    #[test]
    fn huge_claims_are_refused_without_allocating() {
        let mut bytes = write(&[frame(2, 1)], 10.0);
        // A frame claiming 1 GiB inside a 'movi' list that claims as much too.
        bytes[HEADER_LEN as usize + 4..][..4].copy_from_slice(&(1u32 << 30).to_le_bytes());
        bytes[MOVI_SIZE_AT as usize..][..4].copy_from_slice(&u32::MAX.to_le_bytes());
        bytes[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(read_all(&bytes), Err(Error::BadAvi(_))));
        // A huge frame size in the header.
        let mut bytes = write(&[frame(2, 1)], 10.0);
        bytes[(AVIH_DATA + 32) as usize..][..4].copy_from_slice(&100_000u32.to_le_bytes());
        assert!(matches!(
            AviReader::open(Cursor::new(&bytes)),
            Err(Error::Size { .. })
        ));
    }

    #[test]
    fn oversized_frame_is_refused() {
        let big = vec![0u8; MAX_CHUNK_BYTES as usize + 1];
        let mut w = AviWriter::new(Cursor::new(Vec::new()), 8, 8, 10.0).unwrap();
        assert!(matches!(
            w.write_frame(&big),
            Err(Error::FrameTooLarge { .. })
        ));
        assert!(matches!(w.write_frame(&[]), Err(Error::Invalid(_))));
        assert!(AviWriter::new(Cursor::new(Vec::new()), 8, 8, 0.0).is_err());
        assert!(AviWriter::new(Cursor::new(Vec::new()), 0, 8, 10.0).is_err());
    }

    #[test]
    fn writer_starts_at_the_current_position() {
        let mut c = Cursor::new(Vec::new());
        c.write_all(b"prefix").unwrap();
        let mut w = AviWriter::new(c, 8, 8, 10.0).unwrap();
        w.write_frame(&frame(3, 9)).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        assert_eq!(read_all(&bytes[6..]).unwrap(), vec![frame(3, 9)]);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = read_all(&bytes);
        }

        #[test]
        fn damaged_files_never_panic(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)
        ) {
            let mut bytes = hand_made();
            for (at, v) in edits {
                let n = bytes.len();
                bytes[at % n] = v;
            }
            let _ = read_all(&bytes);
        }
    }
}
