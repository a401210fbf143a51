//! What the kiosk reads from the network and from people: central's JSON answers and the
//! registration codes (unit codes, certificate numbers, districts, case numbers) typed or scanned;
//! and what central reads from kiosks: journal uploads, whose events must re-serialise to the
//! same canonical JSON the hash chain was computed over.
//! Parsing must never panic, and whatever parses must print back to something that parses to
//! the same value.
#![no_main]

use central_api::domain::{CaseNumber, CertificateNumber, DistrictCode, UnitCode};
use central_api::dto::{CaseProgress, Certificate, ErrorBody, JournalUpload, Records, Ticket};
use central_api::journal::{JournalEvent, event_json};
use libfuzzer_sys::fuzz_target;
use std::str::FromStr;

fn round_trip<T: FromStr + ToString + PartialEq + std::fmt::Debug>(text: &str) {
    if let Ok(value) = text.parse::<T>() {
        let printed = value.to_string();
        let again = printed.parse::<T>().ok();
        assert_eq!(again.as_ref(), Some(&value), "{printed:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Records>(data);
    let _ = serde_json::from_slice::<Certificate>(data);
    let _ = serde_json::from_slice::<CaseProgress>(data);
    let _ = serde_json::from_slice::<Ticket>(data);
    let _ = serde_json::from_slice::<ErrorBody>(data);
    if let Ok(upload) = serde_json::from_slice::<JournalUpload>(data) {
        for entry in &upload.entries {
            let canonical = event_json(&entry.event);
            let again = serde_json::from_str::<JournalEvent>(&canonical).ok();
            assert_eq!(again.as_ref(), Some(&entry.event), "{canonical}");
            assert_eq!(event_json(&entry.event), canonical);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        round_trip::<UnitCode>(text);
        round_trip::<CertificateNumber>(text);
        round_trip::<DistrictCode>(text);
        round_trip::<CaseNumber>(text);
    }
});
