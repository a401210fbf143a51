//! Reader commands with typed results: what the reader refused is kept apart from what the link
//! failed to carry.

use super::link::{LinkError, SamLink, Timing};
use crate::card::Card;
use crate::frame::{Command, Response};
use crate::status::Status;
use crate::text::CardError;
use std::fmt;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncWrite};

/// A reader command failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReaderError {
    /// The link failed: no reply, a garbled one, or the device is gone.
    #[error(transparent)]
    Link(#[from] LinkError),
    /// The reader answered with a refusal.
    #[error("reader refused: {0}")]
    Refused(Status),
    /// The reader answered success with data of the wrong shape.
    #[error("reply to {command} has {len} data bytes, expected {expected}")]
    BadReply {
        /// The command.
        command: &'static str,
        /// Data bytes received.
        len: usize,
        /// Data bytes expected.
        expected: usize,
    },
    /// The card's data was read but cannot be accepted (malformed or inconsistent).
    #[error("card data rejected: {0}")]
    Card(#[from] CardError),
}

impl ReaderError {
    /// Whether this is how a card lifted mid-read shows itself: SW3 41, a short frame or a
    /// time-out, or a read reply whose blocks do not add up (reference, "Timing and behaviour":
    /// "treat them alike").
    pub fn is_card_lifted(&self) -> bool {
        matches!(
            self,
            ReaderError::Refused(Status::ReadFailed | Status::NoCard | Status::SelectFailed)
                | ReaderError::Link(LinkError::Timeout { .. })
                | ReaderError::Card(CardError::Reply(_))
        )
    }

    /// Whether the exchange may simply be repeated (the frame was damaged on the way).
    fn is_retryable(&self) -> bool {
        matches!(
            self,
            ReaderError::Link(LinkError::Timeout { .. } | LinkError::Frame(_))
                | ReaderError::Refused(Status::HostChecksumError | Status::HostLengthError)
        )
    }
}

/// The SAM's 16-byte identity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SamId(pub [u8; 16]);

impl fmt::Display for SamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SamId({self})")
    }
}

/// Commands of one reader over one open link.
#[derive(Debug)]
pub struct Reader<T> {
    link: SamLink<T>,
    retries: u32,
}

impl<T: AsyncRead + AsyncWrite + Unpin> Reader<T> {
    /// A reader over `io`. `retries` caps how often a damaged exchange is repeated.
    pub fn new(io: T, timing: Timing, retries: u32) -> Reader<T> {
        Reader {
            link: SamLink::new(io, timing),
            retries,
        }
    }

    /// The underlying link (for wire accounting).
    pub fn link(&self) -> &SamLink<T> {
        &self.link
    }

    async fn command(&mut self, command: &Command) -> Result<Response, ReaderError> {
        let mut attempt = 0;
        loop {
            let result = match self.link.transact(command).await {
                Ok(r)
                    if matches!(
                        r.status,
                        Status::HostChecksumError | Status::HostLengthError
                    ) =>
                {
                    Err(ReaderError::Refused(r.status))
                }
                Ok(r) => Ok(r),
                Err(e) => Err(ReaderError::Link(e)),
            };
            match result {
                Err(e) if attempt < self.retries && e.is_retryable() => {
                    tracing::debug!(?command, error = %e, attempt, "retrying reader command");
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// SAM self-check (`11 FF`). `Ok` when the module answers 90.
    pub async fn sam_status(&mut self) -> Result<(), ReaderError> {
        expect_success(self.command(&Command::SamStatus).await?).map(drop)
    }

    /// Reads the SAM id (`12 FF`).
    pub async fn sam_id(&mut self) -> Result<SamId, ReaderError> {
        let data = expect_success(self.command(&Command::SamId).await?)?;
        let id: [u8; 16] = data
            .as_slice()
            .try_into()
            .map_err(|_| ReaderError::BadReply {
                command: "SAM id",
                len: data.len(),
                expected: 16,
            })?;
        Ok(SamId(id))
    }

    /// Find card (`20 01`): `true` when a card is in the field (9F), `false` for 80.
    pub async fn find_card(&mut self) -> Result<bool, ReaderError> {
        let reply = self.command(&Command::FindCard).await?;
        match reply.status {
            Status::FindOk => Ok(true),
            Status::NoCard | Status::NoCardYet => Ok(false),
            other => Err(ReaderError::Refused(other)),
        }
    }

    /// Select card (`20 02`).
    pub async fn select_card(&mut self) -> Result<(), ReaderError> {
        expect_success(self.command(&Command::SelectCard).await?).map(drop)
    }

    /// Reads the card (`30 01`, or `30 10` with fingerprints, which are dropped). A read is never
    /// repeated here: a failed read usually means the card moved, which the caller decides on.
    pub async fn read_card(&mut self, fingerprint: bool) -> Result<Card, ReaderError> {
        let command = if fingerprint {
            Command::ReadTextWithFingerprint
        } else {
            Command::ReadText
        };
        let reply = self.link.transact(&command).await?;
        let data = expect_success(reply)?;
        Ok(Card::from_read_data(&data)?)
    }

    /// Gives the stream back.
    pub fn into_inner(self) -> T {
        self.link.into_inner()
    }
}

fn expect_success(reply: Response) -> Result<Vec<u8>, ReaderError> {
    if reply.status == Status::Success {
        Ok(reply.data)
    } else {
        Err(ReaderError::Refused(reply.status))
    }
}
