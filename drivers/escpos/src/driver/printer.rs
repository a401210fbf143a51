//! One ticket printer over an open link: status queries and print jobs.
//!
//! A job is reported printed only when the printer answered the `1D 72 01` marker sent after
//! it (reference, "processed-up-to-here marker": answered in order, not while offline). While
//! sending and waiting, every incoming byte goes through the [`StatusDecoder`]: an ASB block or
//! a polled `10 04 02` / `10 04 04` reply that shows paper out, an open cover, an error or
//! offline fails the job with that reason. Sending is paced to the baud rate on serial links
//! so a small receive buffer is not flooded (reference, "Wire time" and receive buffers).
//!
//! A failed job may leave half a command in the printer (a raster band cut short would swallow
//! the next job as image data). The printer remembers what it sent and the next job starts
//! with a closer: the rest of that command as white filler, a line feed and a partial cut, so
//! the half ticket's tail comes out as its own slip and the reprint, which starts with
//! initialise (see [`crate::Job::new`]), is whole.

use crate::command::{ASB_ENABLE, Cut, MARKER, StatusRequest};
use crate::interpret::Interpreter;
use crate::status::{Paper, PrinterStatus, StatusDecoder, StatusEvent};
use std::io;
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::time::{Instant, sleep, sleep_until, timeout_at};
use tracing::{debug, warn};

/// Time `bytes` take on a serial line at `baud` (8N1: 10 bits a byte).
pub fn wire_time(bytes: usize, baud: u32) -> Duration {
    Duration::from_secs_f64(bytes as f64 * 10.0 / f64::from(baud.max(1)))
}

/// Time-outs and pacing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Line speed to pace sending to; `None` sends as fast as the link takes it (USB, TCP).
    pub baud: Option<u32>,
    /// Bytes per write.
    pub chunk: usize,
    /// How long a real-time status reply may take.
    pub reply_timeout: Duration,
    /// How often to poll `10 04 02` and `10 04 04` while waiting for the marker.
    pub poll_interval: Duration,
    /// Time allowed for printing beyond the wire time before a job counts as not finished.
    pub grace: Duration,
}

impl Timing {
    /// Defaults for a link: pacing at `baud` if given, 256-byte chunks, 1 s replies, polling
    /// every 0.5 s, 20 s of printing time.
    pub fn new(baud: Option<u32>) -> Timing {
        Timing {
            baud,
            chunk: 256,
            reply_timeout: Duration::from_secs(1),
            poll_interval: Duration::from_millis(500),
            grace: Duration::from_secs(20),
        }
    }
}

/// Why the printer cannot print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// No paper: replace the roll, then reprint.
    PaperOut,
    /// The cover is open.
    CoverOpen,
    /// The auto-cutter failed.
    CutterError,
    /// An unrecoverable error (service needed).
    Unrecoverable,
    /// An auto-recoverable error (head overheated, say).
    Recoverable,
    /// Offline for another reason (panel, feed button).
    Offline,
}

impl Fault {
    /// The fault a status shows, the most actionable first; `None` if the printer is ready.
    pub fn of(status: &PrinterStatus) -> Option<Fault> {
        if status.paper == Paper::Out {
            Some(Fault::PaperOut)
        } else if status.cover_open {
            Some(Fault::CoverOpen)
        } else if status.cutter_error {
            Some(Fault::CutterError)
        } else if status.unrecoverable {
            Some(Fault::Unrecoverable)
        } else if status.recoverable {
            Some(Fault::Recoverable)
        } else if !status.online {
            Some(Fault::Offline)
        } else {
            None
        }
    }
}

/// A job or query failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PrintError {
    /// The printer refused: it reported this fault (the job is not printed; reprint it whole).
    #[error("the printer reports {0:?}")]
    Printer(Fault),
    /// The printer did not answer the marker (or a status request) in time: not finished.
    #[error("the printer did not confirm in time")]
    NotFinished,
    /// The link failed or closed (the printer went away); the caller reopens it.
    #[error("link to the printer failed: {0}")]
    Link(#[from] io::Error),
}

/// A job the printer confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobOutcome {
    /// Bytes sent (the job, plus any closer for an earlier failed job and the marker).
    pub bytes: usize,
    /// From the first byte sent to the marker's reply.
    pub elapsed: Duration,
    /// The status at the end (paper near end is a warning, not a failure).
    pub status: PrinterStatus,
}

/// A printer on an open link.
#[derive(Debug)]
pub struct Printer<S> {
    reader: ReadHalf<S>,
    writer: WriteHalf<S>,
    decoder: StatusDecoder,
    timing: Timing,
    markers_sent: u64,
    markers_answered: u64,
    asb_blocks: u64,
    closer: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite> Printer<S> {
    /// A printer on `stream`.
    pub fn new(stream: S, timing: Timing) -> Printer<S> {
        let (reader, writer) = tokio::io::split(stream);
        Printer {
            reader,
            writer,
            decoder: StatusDecoder::new(),
            timing,
            markers_sent: 0,
            markers_answered: 0,
            asb_blocks: 0,
            closer: Vec::new(),
        }
    }

    /// The status as last decoded (no query).
    pub fn last_status(&self) -> PrinterStatus {
        self.decoder.status()
    }

    /// Asks all four real-time statuses (`10 04 1..4`) and returns the folded answer.
    pub async fn status(&mut self) -> Result<PrinterStatus, PrintError> {
        for request in StatusRequest::ALL {
            self.writer.write_all(&request.bytes()).await?;
            self.decoder.requested(request);
        }
        self.writer.flush().await?;
        let deadline = Instant::now() + self.timing.reply_timeout;
        while self.decoder.pending_requests() > 0 {
            if !self.read_until(deadline).await? {
                // Late replies must not be taken for later requests' answers.
                self.decoder.forget_requests();
                return Err(PrintError::NotFinished);
            }
        }
        Ok(self.decoder.status())
    }

    /// Prints one job: status back on, a status check, the job paced, the marker; `Ok` only
    /// once the marker is answered.
    pub async fn print_job(&mut self, job: &[u8]) -> Result<JobOutcome, PrintError> {
        self.writer.write_all(&ASB_ENABLE).await?;
        self.writer.flush().await?;
        self.decoder.asb_enabled();
        // A printer answers the enable with one block once it has processed it: from then on
        // every change is pushed, even while our writes are stalled by a full buffer. No block
        // means the printer is not processing (offline) or lacks status back; the status check
        // below tells which.
        let blocks = self.asb_blocks;
        let deadline = Instant::now() + self.timing.reply_timeout;
        while self.asb_blocks == blocks && self.read_until(deadline).await? {}
        let status = self.status().await?;
        if let Some(fault) = Fault::of(&status) {
            return Err(PrintError::Printer(fault));
        }
        let mut payload = std::mem::take(&mut self.closer);
        payload.extend_from_slice(job);
        let marker_at = payload.len();
        payload.extend_from_slice(&MARKER);
        let started = Instant::now();
        let wire = self
            .timing
            .baud
            .map_or(Duration::ZERO, |baud| wire_time(payload.len(), baud));
        let deadline = started + wire * 2 + self.timing.grace;
        if let Err(e) = self.send(&payload, started, deadline).await {
            self.abandon(&payload, e.sent, marker_at);
            return Err(e.error);
        }
        self.markers_sent += 1;
        self.decoder.marker_sent();
        let mine = self.markers_sent;
        let mut next_poll = Instant::now() + self.timing.poll_interval;
        while self.markers_answered < mine {
            if let Some(fault) = Fault::of(&self.decoder.status()) {
                return Err(PrintError::Printer(fault));
            }
            if Instant::now() >= deadline {
                return Err(PrintError::NotFinished);
            }
            if !self.read_until(next_poll.min(deadline)).await? && Instant::now() >= next_poll {
                // Paper end and cover stop the printer silently if status back is lost.
                for request in [StatusRequest::Offline, StatusRequest::Paper] {
                    self.writer.write_all(&request.bytes()).await?;
                    self.decoder.requested(request);
                }
                self.writer.flush().await?;
                next_poll = Instant::now() + self.timing.poll_interval;
            }
        }
        Ok(JobOutcome {
            bytes: payload.len(),
            elapsed: started.elapsed(),
            status: self.decoder.status(),
        })
    }

    /// Sends `payload` in paced chunks, reading replies meanwhile; fails on a fault.
    async fn send(
        &mut self,
        payload: &[u8],
        started: Instant,
        deadline: Instant,
    ) -> Result<(), SendError> {
        let mut sent = 0;
        let mut buf = [0u8; 64];
        while sent < payload.len() {
            if let Some(fault) = Fault::of(&self.decoder.status()) {
                return Err(SendError {
                    sent,
                    error: PrintError::Printer(fault),
                });
            }
            let due = self
                .timing
                .baud
                .map_or(started, |baud| started + wire_time(sent, baud));
            let end = (sent + self.timing.chunk.max(1)).min(payload.len());
            let chunk = payload.get(sent..end).unwrap_or_default();
            tokio::select! {
                biased;
                read = self.reader.read(&mut buf) => match read {
                    Ok(0) => return Err(SendError { sent, error: closed().into() }),
                    Ok(n) => self.absorb(buf.get(..n).unwrap_or_default()),
                    Err(e) => return Err(SendError { sent, error: e.into() }),
                },
                () = sleep_until(deadline) => {
                    return Err(SendError { sent, error: PrintError::NotFinished });
                }
                written = write_when(&mut self.writer, chunk, due) => match written {
                    Ok(0) => return Err(SendError { sent, error: closed().into() }),
                    Ok(n) => sent += n,
                    Err(e) => return Err(SendError { sent, error: e.into() }),
                },
            }
        }
        if let Err(e) = self.writer.flush().await {
            return Err(SendError {
                sent,
                error: e.into(),
            });
        }
        Ok(())
    }

    /// Reads once, until `deadline`; false if nothing came.
    async fn read_until(&mut self, deadline: Instant) -> Result<bool, PrintError> {
        let mut buf = [0u8; 64];
        match timeout_at(deadline, self.reader.read(&mut buf)).await {
            Err(_elapsed) => Ok(false),
            Ok(Ok(0)) => Err(closed().into()),
            Ok(Ok(n)) => {
                self.absorb(buf.get(..n).unwrap_or_default());
                Ok(true)
            }
            Ok(Err(e)) => Err(e.into()),
        }
    }

    fn absorb(&mut self, bytes: &[u8]) {
        for event in self.decoder.feed(bytes) {
            debug!(?event, "printer said");
            match event {
                StatusEvent::Marker(_) => self.markers_answered += 1,
                StatusEvent::Asb(_) => self.asb_blocks += 1,
                StatusEvent::RealTime { .. } => {}
            }
        }
    }

    /// Remembers how to close what a failed job left open in the printer.
    fn abandon(&mut self, payload: &[u8], sent: usize, marker_at: usize) {
        if sent >= marker_at {
            // The job and its own cut are all in the printer; only the marker may be partial.
            if sent < payload.len() {
                self.closer = payload.get(sent..).unwrap_or_default().to_vec();
                self.markers_sent += 1;
                self.decoder.marker_sent();
            }
            return;
        }
        self.closer = closer(payload.get(..marker_at).unwrap_or_default(), sent);
        warn!(sent, closer = self.closer.len(), "job abandoned mid-way");
    }
}

/// The bytes that finish the command `job[..sent]` stopped in, then feed and cut.
pub fn closer(job: &[u8], sent: usize) -> Vec<u8> {
    let mut interpreter = Interpreter::new(true);
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < sent {
        let was_payload = interpreter.is_mid_command();
        let step = interpreter.feed(job.get(pos..).unwrap_or_default());
        if step.consumed == 0 {
            break;
        }
        let end = pos + step.consumed;
        if end > sent {
            if was_payload {
                out.resize(end - sent, 0);
            } else {
                out.extend_from_slice(job.get(sent..end).unwrap_or_default());
            }
        }
        pos = end;
    }
    out.resize(out.len() + interpreter.pending_payload(), 0);
    out.push(0x0A);
    crate::command::Command::Cut(Cut::FeedPartial(3)).encode(&mut out);
    out
}

struct SendError {
    sent: usize,
    error: PrintError,
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "the printer closed the link")
}

/// Writes part of `chunk` no earlier than `due` (cancel-safe: nothing is written if cancelled).
async fn write_when<W: AsyncWrite + Unpin>(
    writer: &mut W,
    chunk: &[u8],
    due: Instant,
) -> io::Result<usize> {
    if due > Instant::now() {
        sleep(due - Instant::now()).await;
    }
    writer.write(chunk).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, RasterImage};

    #[test]
    fn closer_finishes_a_raster_band_with_white() {
        let mut job = Command::Initialise.to_bytes();
        Command::Raster(RasterImage::new(4, vec![0xFF; 40]).unwrap()).encode(&mut job);
        // Cut inside the band header: the rest of the header, then 40 bytes of white.
        let c = closer(&job, 5);
        assert_eq!(c[..5], job[5..10]);
        assert_eq!(c[5..45], [0u8; 40]);
        assert_eq!(c[45..], [0x0A, 0x1D, 0x56, 0x42, 3]);
        // Cut inside the data: the rest of it as white.
        let c = closer(&job, 20);
        assert_eq!(c.len(), 50 - 20 + 5);
        assert!(c[..30].iter().all(|b| *b == 0));
        // Between commands: just feed and cut.
        assert_eq!(closer(&job, 2), [0x0A, 0x1D, 0x56, 0x42, 3]);
    }

    #[tokio::test]
    async fn a_job_is_printed_only_when_the_marker_is_answered() {
        let (host, mut device) = tokio::io::duplex(4096);
        let mut printer = Printer::new(host, Timing::new(None));
        let job = Command::Initialise.to_bytes();
        let fake = tokio::spawn(async move {
            let mut got = Vec::new();
            let mut buf = [0u8; 256];
            // ASB on: one block; then four status requests: answer them (all fine).
            while got.len() < 3 {
                let n = device.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            device
                .write_all(&PrinterStatus::default().asb_block())
                .await
                .unwrap();
            while got.len() < 3 + 12 {
                let n = device.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            device.write_all(&[0x12; 4]).await.unwrap();
            while got.len() < 15 + 2 + 3 {
                let n = device.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(got[got.len() - 3..], MARKER);
            device.write_all(&[0x00]).await.unwrap();
            device
        });
        let outcome = printer.print_job(&job).await.unwrap();
        assert_eq!(outcome.bytes, 2 + 3);
        drop(fake.await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn asb_paper_out_fails_the_job() {
        let (host, mut device) = tokio::io::duplex(4096);
        let mut printer = Printer::new(host, Timing::new(None));
        let fake = tokio::spawn(async move {
            let mut buf = [0u8; 256];
            let mut got = 0;
            while got < 3 {
                got += device.read(&mut buf).await.unwrap();
            }
            device
                .write_all(&PrinterStatus::default().asb_block())
                .await
                .unwrap();
            while got < 15 {
                got += device.read(&mut buf).await.unwrap();
            }
            device.write_all(&[0x12; 4]).await.unwrap();
            let out = PrinterStatus {
                online: false,
                paper: Paper::Out,
                ..PrinterStatus::default()
            };
            device.write_all(&out.asb_block()).await.unwrap();
            // Keep the link open, answer nothing more.
            loop {
                if device.read(&mut buf).await.unwrap_or(0) == 0 {
                    break;
                }
            }
        });
        let job = vec![0x0A; 100];
        let err = printer.print_job(&job).await.unwrap_err();
        assert!(matches!(err, PrintError::Printer(Fault::PaperOut)), "{err}");
        drop(printer);
        fake.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn without_status_back_polling_finds_paper_out() {
        let (host, mut device) = tokio::io::duplex(4096);
        let mut printer = Printer::new(host, Timing::new(Some(115_200)));
        let fake = tokio::spawn(async move {
            let mut buf = [0u8; 256];
            let mut got = Vec::new();
            // No ASB block: this printer lacks status back. Status all fine.
            while got.len() < 15 {
                let n = device.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            device.write_all(&[0x12; 4]).await.unwrap();
            // Then silence until polled; the paper ran out meanwhile.
            got.clear();
            loop {
                let n = device.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
                if got.ends_with(&[0x10, 0x04, 0x02, 0x10, 0x04, 0x04]) {
                    device.write_all(&[0x12 | 0x20, 0x7E]).await.unwrap();
                    break;
                }
            }
            device
        });
        let started = Instant::now();
        let err = printer.print_job(&[0x0A; 200]).await.unwrap_err();
        assert!(matches!(err, PrintError::Printer(Fault::PaperOut)), "{err}");
        // Found at the first poll, not at the job's deadline.
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(fake.await.unwrap());
    }
}
