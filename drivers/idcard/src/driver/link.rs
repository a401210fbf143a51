//! One request, one reply: frames over any byte stream, with time-outs sized for the wire.

use crate::frame::{Command, Decoder, EncodeError, FrameError, Response};
use std::io;
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::{Instant, timeout_at};

/// Bits on the wire per byte at 8N1: start, 8 data, stop (reference, "Link").
pub const BITS_PER_BYTE: u64 = 10;

/// Time `bytes` take on the wire at `baud`.
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    let baud = u64::from(baud.max(1));
    Duration::from_micros((bytes as u64).saturating_mul(BITS_PER_BYTE * 1_000_000) / baud)
}

/// How long the module may think before it answers, per kind of command. The wire time of the
/// request and the longest reply is added, twice over, by [`Timing::timeout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Line speed in baud.
    pub baud: u32,
    /// Allowance for find, select and SAM commands.
    pub command: Duration,
    /// Allowance for reading a card (RF exchange and decryption). The reference warns that
    /// time-outs under 0.5 s for a read are risky.
    pub read: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            baud: 115_200,
            command: Duration::from_millis(300),
            read: Duration::from_millis(1200),
        }
    }
}

impl Timing {
    /// The time-out for one command: the module's allowance plus twice the wire time of the
    /// request and its longest reply (a 1295-byte reply alone needs 112 ms at 115200).
    pub fn timeout(&self, command: &Command) -> Duration {
        let allowance = match command {
            Command::ReadText | Command::ReadTextWithFingerprint | Command::ResetSam => self.read,
            _ => self.command,
        };
        let request = 10;
        allowance + wire_time(request + command.max_reply_len(), self.baud) * 2
    }
}

/// The link to the reader failed (as opposed to the reader answering with a refusal).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LinkError {
    /// The transport failed: a port gone (unplugged), a socket reset. Wraps the transport's error.
    #[error("reader link I/O error: {0}")]
    Io(#[from] io::Error),
    /// The transport reached end of file: the device went away.
    #[error("reader link closed")]
    Closed,
    /// No complete reply within the time-out. `partial` says part of a frame had arrived (a
    /// short frame: typical of a card lifted mid-read).
    #[error("no reply within {timeout:?}{}", if *.partial { " (frame cut short)" } else { "" })]
    Timeout {
        /// The time-out that expired.
        timeout: Duration,
        /// Whether part of a frame had arrived.
        partial: bool,
    },
    /// The reply was garbled (checksum, length, noise).
    #[error("garbled reply: {0}")]
    Frame(FrameError),
    /// The command could not be encoded.
    #[error("command could not be encoded: {0}")]
    Encode(#[from] EncodeError),
}

impl LinkError {
    /// Whether the device itself is gone (re-open the port) rather than one exchange failing.
    pub fn is_device_gone(&self) -> bool {
        matches!(self, LinkError::Io(_) | LinkError::Closed)
    }
}

/// A framed request/response channel to a reader over any byte stream.
#[derive(Debug)]
pub struct SamLink<T> {
    io: T,
    decoder: Decoder,
    timing: Timing,
    /// Set after a failed exchange: a late reply may still be on its way and must be drained.
    dirty: bool,
    /// Bytes written and read, for wire-time accounting.
    bytes: u64,
}

impl<T: AsyncRead + AsyncWrite + Unpin> SamLink<T> {
    /// Wraps a stream.
    pub fn new(io: T, timing: Timing) -> SamLink<T> {
        SamLink {
            io,
            decoder: Decoder::for_responses(),
            timing,
            dirty: false,
            bytes: 0,
        }
    }

    /// The timing in force.
    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// Bytes written and read so far.
    pub fn bytes_on_wire(&self) -> u64 {
        self.bytes
    }

    /// Sends a command and waits for its reply, whatever its status.
    pub async fn transact(&mut self, command: &Command) -> Result<Response, LinkError> {
        if self.dirty {
            self.drain().await?;
        }
        let frame = command.encode()?;
        let result = self.exchange(&frame, self.timing.timeout(command)).await;
        self.dirty = result.is_err();
        result
    }

    async fn exchange(&mut self, frame: &[u8], timeout: Duration) -> Result<Response, LinkError> {
        self.decoder.reset();
        self.io.write_all(frame).await?;
        self.io.flush().await?;
        self.bytes += frame.len() as u64;
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 512];
        loop {
            let n = match timeout_at(deadline, self.io.read(&mut buf)).await {
                Err(_) => {
                    return Err(LinkError::Timeout {
                        timeout,
                        partial: self.decoder.is_mid_frame(),
                    });
                }
                Ok(Err(e)) => return Err(LinkError::Io(e)),
                Ok(Ok(0)) => return Err(LinkError::Closed),
                Ok(Ok(n)) => n,
            };
            self.bytes += n as u64;
            let mut input = buf.get(..n).unwrap_or_default();
            while !input.is_empty() {
                match self.decoder.decode(&mut input) {
                    Ok(None) => {}
                    // Bytes after the reply are stray: a reply is the last thing the reader sends.
                    Ok(Some(body)) => return Response::from_body(&body).map_err(LinkError::Frame),
                    Err(e @ (FrameError::Checksum { .. } | FrameError::Noise { .. })) => {
                        return Err(LinkError::Frame(e));
                    }
                    // A preamble in noise followed by an impossible length: keep hunting.
                    Err(FrameError::BadLength { .. }) => {}
                }
            }
        }
    }

    /// Discards whatever arrives until the line has been quiet for a moment (a late reply to a
    /// timed-out command, noise).
    async fn drain(&mut self) -> Result<(), LinkError> {
        let quiet = wire_time(64, self.timing.baud).max(Duration::from_millis(20));
        let limit = Instant::now() + self.timing.read;
        let mut buf = [0u8; 512];
        while Instant::now() < limit {
            match timeout_at(Instant::now() + quiet, self.io.read(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) => return Err(LinkError::Io(e)),
                Ok(Ok(0)) => return Err(LinkError::Closed),
                Ok(Ok(n)) => self.bytes += n as u64,
            }
        }
        self.decoder.reset();
        self.dirty = false;
        Ok(())
    }

    /// Gives the stream back.
    pub fn into_inner(self) -> T {
        self.io
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_sized_for_the_wire() {
        let t = Timing::default();
        // 1297 + 10 bytes at 115200 = 113.4 ms, doubled, plus the read allowance.
        let read = t.timeout(&Command::ReadText);
        assert!(read >= Duration::from_millis(1200 + 226) && read < Duration::from_millis(1500));
        let slow = Timing { baud: 9600, ..t };
        // At 9600 baud the same reply needs 1.36 s on the wire.
        assert!(slow.timeout(&Command::ReadText) > Duration::from_millis(1200 + 2700));
        assert_eq!(wire_time(1295, 115_200), Duration::from_micros(112_413));
        assert_eq!(wire_time(2321, 115_200), Duration::from_micros(201_475));
    }
}
