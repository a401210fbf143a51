//! Card data from the reader (read reply data: block lengths, text, photo, fingerprint) and bare
//! 256-byte text blocks: parsing must never panic, and an accepted card must survive the record
//! round trip.
#![no_main]

use idcard::{Card, CardRecord, CardText};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(card) = Card::from_read_data(data) {
        check(&card.text);
    }
    if data.len() >= 256 {
        if let Ok(parsed) = CardText::parse(&data[..256]) {
            check(&parsed.text);
        }
    }
});

fn check(text: &CardText) {
    let record = CardRecord::from_text(text, true);
    let block = record.encode_text().expect("an accepted card re-encodes");
    let again = CardText::parse(&block).expect("a re-encoded card parses");
    assert_eq!(CardRecord::from_text(&again.text, true), record);
    // Masked output never contains the full number.
    let masked = CardRecord::from_text(text, false);
    assert!(masked.id_number != text.document_number() || text.document_number().len() <= 2);
}
