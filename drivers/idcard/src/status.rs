//! The reader's status code (SW3), every value the reference lists.
//!
//! Source: `shared/reference/idcard-sam-protocol.md`, section "Status codes (SW3)". SW1 and SW2 are
//! `00` in every known reader; the code that matters is SW3 (absolute frame offset 9). Codes 01-06
//! seen in vendor SDKs are host-library return codes, never on the wire, so they are not here.

use std::fmt;

/// One SW3 status code as sent by the SAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// `90`: success.
    Success,
    /// `9F`: find-card succeeded, a card is in the field.
    FindOk,
    /// `91`: the requested item is not on the card.
    ItemNotOnCard,
    /// `10`: the host's frame had a bad checksum.
    HostChecksumError,
    /// `11`: the host's frame had a bad length.
    HostLengthError,
    /// `21`: bad command or command out of sequence.
    BadCommand,
    /// `23`: operation not permitted.
    NotPermitted,
    /// `24`: unknown error in the module.
    UnknownError,
    /// `31`: the card failed to authenticate the SAM.
    CardAuthFailed,
    /// `32`: the SAM failed to authenticate the card.
    SamAuthFailed,
    /// `33`: data verification error.
    DataVerificationError,
    /// `34`: no card found yet.
    NoCardYet,
    /// `40`: card type not recognised.
    UnknownCardType,
    /// `41`: card read failed (typical when the card is lifted mid-read).
    ReadFailed,
    /// `47`: random number generation failed.
    RandomFailed,
    /// `50`: card write failed.
    WriteFailed,
    /// `60`: SAM self-test failed.
    SelfTestFailed,
    /// `61`: login failed.
    LoginFailed,
    /// `66`: SAM not authorised (keys not loaded).
    NotAuthorised,
    /// `80`: find-card failed: no card in the field.
    NoCard,
    /// `81`: select-card failed.
    SelectFailed,
    /// A code the reference does not list.
    Other(u8),
}

impl Status {
    /// Every status the reference lists, for tests and tables.
    pub const ALL: [Status; 21] = [
        Status::Success,
        Status::FindOk,
        Status::ItemNotOnCard,
        Status::HostChecksumError,
        Status::HostLengthError,
        Status::BadCommand,
        Status::NotPermitted,
        Status::UnknownError,
        Status::CardAuthFailed,
        Status::SamAuthFailed,
        Status::DataVerificationError,
        Status::NoCardYet,
        Status::UnknownCardType,
        Status::ReadFailed,
        Status::RandomFailed,
        Status::WriteFailed,
        Status::SelfTestFailed,
        Status::LoginFailed,
        Status::NotAuthorised,
        Status::NoCard,
        Status::SelectFailed,
    ];

    /// The status for a wire byte.
    pub fn from_code(code: u8) -> Status {
        match code {
            0x90 => Status::Success,
            0x9F => Status::FindOk,
            0x91 => Status::ItemNotOnCard,
            0x10 => Status::HostChecksumError,
            0x11 => Status::HostLengthError,
            0x21 => Status::BadCommand,
            0x23 => Status::NotPermitted,
            0x24 => Status::UnknownError,
            0x31 => Status::CardAuthFailed,
            0x32 => Status::SamAuthFailed,
            0x33 => Status::DataVerificationError,
            0x34 => Status::NoCardYet,
            0x40 => Status::UnknownCardType,
            0x41 => Status::ReadFailed,
            0x47 => Status::RandomFailed,
            0x50 => Status::WriteFailed,
            0x60 => Status::SelfTestFailed,
            0x61 => Status::LoginFailed,
            0x66 => Status::NotAuthorised,
            0x80 => Status::NoCard,
            0x81 => Status::SelectFailed,
            other => Status::Other(other),
        }
    }

    /// The wire byte of this status.
    pub fn code(self) -> u8 {
        match self {
            Status::Success => 0x90,
            Status::FindOk => 0x9F,
            Status::ItemNotOnCard => 0x91,
            Status::HostChecksumError => 0x10,
            Status::HostLengthError => 0x11,
            Status::BadCommand => 0x21,
            Status::NotPermitted => 0x23,
            Status::UnknownError => 0x24,
            Status::CardAuthFailed => 0x31,
            Status::SamAuthFailed => 0x32,
            Status::DataVerificationError => 0x33,
            Status::NoCardYet => 0x34,
            Status::UnknownCardType => 0x40,
            Status::ReadFailed => 0x41,
            Status::RandomFailed => 0x47,
            Status::WriteFailed => 0x50,
            Status::SelfTestFailed => 0x60,
            Status::LoginFailed => 0x61,
            Status::NotAuthorised => 0x66,
            Status::NoCard => 0x80,
            Status::SelectFailed => 0x81,
            Status::Other(code) => code,
        }
    }

    /// Whether the card (not the reader or the link) is the likely culprit: the citizen can fix it by
    /// placing the card again.
    pub fn is_card_problem(self) -> bool {
        matches!(
            self,
            Status::ReadFailed
                | Status::NoCard
                | Status::NoCardYet
                | Status::SelectFailed
                | Status::CardAuthFailed
                | Status::SamAuthFailed
                | Status::DataVerificationError
                | Status::UnknownCardType
                | Status::ItemNotOnCard
        )
    }

    /// Whether the security module itself is broken or unusable (needs a technician).
    pub fn is_module_fault(self) -> bool {
        matches!(
            self,
            Status::SelfTestFailed
                | Status::LoginFailed
                | Status::NotAuthorised
                | Status::RandomFailed
        )
    }

    fn description(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::FindOk => "card found",
            Status::ItemNotOnCard => "item not on card",
            Status::HostChecksumError => "host frame checksum error",
            Status::HostLengthError => "host frame length error",
            Status::BadCommand => "bad command or sequence",
            Status::NotPermitted => "operation not permitted",
            Status::UnknownError => "unknown module error",
            Status::CardAuthFailed => "card failed to authenticate the SAM",
            Status::SamAuthFailed => "SAM failed to authenticate the card",
            Status::DataVerificationError => "data verification error",
            Status::NoCardYet => "no card found yet",
            Status::UnknownCardType => "card type not recognised",
            Status::ReadFailed => "card read failed",
            Status::RandomFailed => "random number failed",
            Status::WriteFailed => "card write failed",
            Status::SelfTestFailed => "SAM self-test failed",
            Status::LoginFailed => "login failed",
            Status::NotAuthorised => "SAM not authorised (keys not loaded)",
            Status::NoCard => "no card",
            Status::SelectFailed => "select failed",
            Status::Other(_) => "unlisted status",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (SW3 {:02X})", self.description(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_round_trips_and_is_distinct() {
        let mut seen = std::collections::HashSet::new();
        for status in Status::ALL {
            assert!(!matches!(status, Status::Other(_)));
            assert_eq!(Status::from_code(status.code()), status);
            assert!(
                seen.insert(status.code()),
                "duplicate code {:02X}",
                status.code()
            );
        }
        // The reference lists 21 codes.
        assert_eq!(seen.len(), 21);
    }

    #[test]
    fn codes_match_the_reference_table() {
        assert_eq!(Status::from_code(0x90), Status::Success);
        assert_eq!(Status::from_code(0x9F), Status::FindOk);
        assert_eq!(Status::from_code(0x41), Status::ReadFailed);
        assert_eq!(Status::from_code(0x60), Status::SelfTestFailed);
        assert_eq!(Status::from_code(0x80), Status::NoCard);
        assert_eq!(Status::from_code(0x81), Status::SelectFailed);
        assert_eq!(Status::from_code(0x66), Status::NotAuthorised);
    }

    #[test]
    fn unlisted_codes_are_kept() {
        for code in 0u8..=255 {
            let status = Status::from_code(code);
            assert_eq!(status.code(), code);
        }
        assert_eq!(Status::from_code(0x05), Status::Other(0x05));
    }
}
