//! Byte-exact tests of the reader model. Expected frames are the reference's ("Commands",
//! "Frames seen in several sources"), not re-derived from the implementation.

use super::*;
use crate::idcard::cards::{CardSpec, SimCard};
use idcard::reply::split_read_data;
use idcard::{CardType, Decoder};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn card(card_type: CardType) -> SimCard {
    SimCard::load(&CardSpec::Builtin(card_type)).unwrap()
}

fn reader_with_card() -> Engine {
    let mut engine = Engine::new(FingerprintSize::Full);
    engine.place(card(CardType::Resident));
    engine
}

/// Feeds raw host bytes through the core's request decoder into the engine, as the server does.
fn feed(engine: &mut Engine, bytes: &[u8]) -> Vec<ReplyPlan> {
    let mut decoder = Decoder::for_requests();
    let mut input = bytes;
    let mut plans = Vec::new();
    loop {
        let decoded = match decoder.decode(&mut input) {
            Ok(None) => break,
            Ok(Some(body)) => Ok(body),
            Err(e) => Err(e),
        };
        if let Some(plan) = engine.handle_request(decoded).unwrap() {
            plans.push(plan);
        }
    }
    plans
}

fn answer(engine: &mut Engine, host_frame: &str) -> Vec<u8> {
    let plans = feed(engine, &hex(host_frame));
    assert_eq!(plans.len(), 1, "one reply expected");
    plans[0].wire_bytes()
}

const FIND: &str = "AA AA AA 96 69 00 03 20 01 22";
const SELECT: &str = "AA AA AA 96 69 00 03 20 02 21";
const READ: &str = "AA AA AA 96 69 00 03 30 01 32";
const READ_FP: &str = "AA AA AA 96 69 00 03 30 10 23";
const SAM_STATUS: &str = "AA AA AA 96 69 00 03 11 FF ED";
const OK_NO_DATA: &str = "AA AA AA 96 69 00 04 00 00 90 94";
const FIND_OK: &str = "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97";
const NO_CARD: &str = "AA AA AA 96 69 00 04 00 00 80 84";
const READ_FAILED: &str = "AA AA AA 96 69 00 04 00 00 41 45";

fn select_ok() -> Vec<u8> {
    let mut frame = hex("AA AA AA 96 69 00 0C 00 00 90");
    frame.extend([0; 8]);
    frame.push(0x9C);
    frame
}

/// Decodes a reply frame with the host-side decoder, checking its checksum.
fn decode_reply(frame: &[u8]) -> Response {
    let mut decoder = Decoder::for_responses();
    let mut input = frame;
    let body = decoder.decode(&mut input).unwrap().unwrap();
    assert!(input.is_empty(), "trailing bytes after the frame");
    Response::from_body(&body).unwrap()
}

#[test]
fn sam_commands() {
    let mut engine = Engine::new(FingerprintSize::Full);
    assert_eq!(answer(&mut engine, SAM_STATUS), hex(OK_NO_DATA));
    // Reset SAM, 10 FF.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 03 10 FF EC"),
        hex(OK_NO_DATA)
    );
    // SAM id, 12 FF: a 27-byte frame, LEN 0x14, status 90 and 16 data bytes.
    let id = answer(&mut engine, "AA AA AA 96 69 00 03 12 FF EE");
    assert_eq!(id.len(), 27);
    assert_eq!(id[..10], hex("AA AA AA 96 69 00 14 00 00 90")[..]);
    assert_eq!(decode_reply(&id).data, SAM_ID);
    // Set maximum RF frame, 61 FF + 1 byte.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 04 61 FF 50 CA"),
        hex(OK_NO_DATA)
    );
}

#[test]
fn unknown_command_is_refused_with_21() {
    let mut engine = reader_with_card();
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 03 40 01 42"),
        hex("AA AA AA 96 69 00 04 00 00 21 25")
    );
    // 61 FF without its parameter byte is not the set-RF-frame command.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 03 61 FF 9D"),
        hex("AA AA AA 96 69 00 04 00 00 21 25")
    );
}

#[test]
fn find_and_select_with_and_without_a_card() {
    let mut engine = Engine::new(FingerprintSize::Full);
    assert_eq!(answer(&mut engine, FIND), hex(NO_CARD));
    assert_eq!(
        answer(&mut engine, SELECT),
        hex("AA AA AA 96 69 00 04 00 00 81 85")
    );
    engine.place(card(CardType::Resident));
    assert_eq!(answer(&mut engine, FIND), hex(FIND_OK));
    assert_eq!(answer(&mut engine, SELECT), select_ok());
    engine.lift();
    assert_eq!(answer(&mut engine, FIND), hex(NO_CARD));
    let c = engine.counters();
    assert_eq!(
        (c.finds, c.finds_with_card, c.selects, c.replies),
        (3, 1, 2, 5)
    );
}

#[test]
fn read_is_1295_bytes_with_the_cards_blocks() {
    let mut engine = reader_with_card();
    let frame = answer(&mut engine, READ);
    assert_eq!(frame.len(), 1295);
    assert_eq!(
        frame[..14],
        hex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")[..]
    );
    let reply = decode_reply(&frame);
    let blocks = split_read_data(&reply.data).unwrap();
    let expected = card(CardType::Resident);
    assert_eq!(blocks.text, &expected.text()[..]);
    assert_eq!(blocks.text, &expected.record().encode_text().unwrap()[..]);
    assert_eq!(blocks.photo, expected.photo());
    assert_eq!(blocks.fingerprint_len, 0);
    // The same card may be read again, identically; every read is counted.
    assert_eq!(answer(&mut engine, READ), frame);
    assert_eq!(engine.counters().reads, 2);
}

#[test]
fn read_with_fingerprint_for_each_block_size() {
    // Reference: 2321 bytes (LEN 09 0A) with 1024, 1809 with 512, 1297 with 0.
    for (size, total) in [
        (FingerprintSize::Full, 2321),
        (FingerprintSize::Half, 1809),
        (FingerprintSize::Empty, 1297),
    ] {
        let mut engine = Engine::new(size);
        engine.place(card(CardType::Foreigner2023));
        let frame = answer(&mut engine, READ_FP);
        assert_eq!(frame.len(), total, "{size:?}");
        let fp_len = u8::try_from(size.bytes() >> 8).unwrap();
        assert_eq!(frame[10..16], [0x01, 0x00, 0x04, 0x00, fp_len, 0x00]);
        let reply = decode_reply(&frame);
        assert_eq!(reply.status, Status::Success);
        let blocks = split_read_data(&reply.data).unwrap();
        assert_eq!(blocks.fingerprint_len, size.bytes());
        assert_eq!(
            reply.data[6 + 256 + 1024..],
            card(CardType::Foreigner2023).fingerprint(size.bytes())[..]
        );
    }
    let mut engine = reader_with_card();
    assert_eq!(answer(&mut engine, READ_FP)[5..7], [0x09, 0x0A]);
}

#[test]
fn read_without_a_card_fails_with_41() {
    let mut engine = Engine::new(FingerprintSize::Full);
    assert_eq!(answer(&mut engine, READ), hex(READ_FAILED));
    assert_eq!(answer(&mut engine, READ_FP), hex(READ_FAILED));
    assert_eq!(engine.counters().reads, 2);
}

#[test]
fn host_frame_errors() {
    let mut engine = reader_with_card();
    // Bad checksum (22 -> 23): SW3 10.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 03 20 01 23"),
        hex("AA AA AA 96 69 00 04 00 00 10 14")
    );
    assert_eq!(engine.counters().checksum_errors, 1);
    // Length below CMD PARA CHK: SW3 11.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 00 01 20"),
        hex("AA AA AA 96 69 00 04 00 00 11 15")
    );
    // Length far beyond any frame: SW3 11, refused before buffering.
    assert_eq!(
        answer(&mut engine, "AA AA AA 96 69 FF FF"),
        hex("AA AA AA 96 69 00 04 00 00 11 15")
    );
    // A bad frame is not a command.
    assert_eq!(engine.counters().finds, 0);
}

#[test]
fn noise_between_frames_is_ignored() {
    let mut engine = reader_with_card();
    let mut bytes = hex("00 FF AA 96 55 AA AA");
    bytes.extend(hex(FIND));
    bytes.extend(hex("13 37"));
    bytes.extend(hex(SELECT));
    let plans = feed(&mut engine, &bytes);
    let replies: Vec<_> = plans.iter().map(ReplyPlan::wire_bytes).collect();
    assert_eq!(replies, vec![hex(FIND_OK), select_ok()]);
    // More noise than the decoder tolerates is reported to the engine, which stays silent.
    assert_eq!(
        engine
            .handle_frame_error(&FrameError::Noise { skipped: 4096 })
            .unwrap(),
        None
    );
}

#[test]
fn lift_mid_read_short_cuts_the_frame_at_600_bytes_and_removes_the_card() {
    let mut engine = reader_with_card();
    let whole = answer(&mut reader_with_card(), READ);
    engine.arm_lift_mid_read(MidReadCut::Short);
    // Commands before the read are unaffected.
    assert_eq!(answer(&mut engine, FIND), hex(FIND_OK));
    let plans = feed(&mut engine, &hex(READ));
    assert!(plans[0].cut);
    assert_eq!(plans[0].wire_bytes(), whole[..600]);
    assert!(engine.card().is_none());
    assert_eq!(answer(&mut engine, FIND), hex(NO_CARD));
    // One-shot: a new card reads whole.
    engine.place(card(CardType::Resident));
    assert_eq!(answer(&mut engine, READ), whole);
}

#[test]
fn lift_mid_read_status_answers_41_and_removes_the_card() {
    let mut engine = reader_with_card();
    engine.arm_lift_mid_read(MidReadCut::Status);
    assert_eq!(answer(&mut engine, READ_FP), hex(READ_FAILED));
    assert!(engine.card().is_none());
    assert_eq!(answer(&mut engine, FIND), hex(NO_CARD));
}

#[test]
fn lift_mid_read_waits_for_a_read_that_finds_a_card() {
    let mut engine = Engine::new(FingerprintSize::Full);
    engine.arm_lift_mid_read(MidReadCut::Status);
    assert_eq!(answer(&mut engine, READ), hex(READ_FAILED));
    engine.place(card(CardType::Resident));
    assert_eq!(answer(&mut engine, READ), hex(READ_FAILED));
    assert!(engine.card().is_none());
}

#[test]
fn noise_precedes_the_next_reply_only_and_is_deterministic() {
    let mut engine = reader_with_card();
    engine.add_noise(37);
    let plans = feed(&mut engine, &hex(FIND));
    assert_eq!(plans[0].noise.len(), 37);
    assert_eq!(plans[0].frame, hex(FIND_OK));
    assert_eq!(plans[0].wire_bytes()[37..], hex(FIND_OK)[..]);
    assert_eq!(answer(&mut engine, FIND), hex(FIND_OK));

    let mut other = reader_with_card();
    other.add_noise(37);
    assert_eq!(feed(&mut other, &hex(FIND))[0].noise, plans[0].noise);
    // Capped.
    other.add_noise(usize::MAX);
    assert_eq!(feed(&mut other, &hex(FIND))[0].noise.len(), MAX_NOISE);
}

#[test]
fn bad_checksum_inverts_the_next_replys_chk_only() {
    let mut engine = reader_with_card();
    engine.arm_bad_checksum();
    assert_eq!(
        answer(&mut engine, FIND),
        hex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 68")
    );
    assert_eq!(answer(&mut engine, FIND), hex(FIND_OK));
    // The host decoder sees a checksum error on the corrupted read.
    engine.arm_bad_checksum();
    let frame = answer(&mut engine, READ);
    let mut decoder = Decoder::for_responses();
    let err = decoder.decode(&mut &frame[..]).unwrap_err();
    assert!(matches!(err, FrameError::Checksum { .. }));
}

#[test]
fn failed_sam_answers_60_to_every_command_until_restored() {
    let self_test_failed = hex("AA AA AA 96 69 00 04 00 00 60 64");
    let mut engine = reader_with_card();
    engine.set_sam_failed(true);
    for frame in [
        SAM_STATUS,
        FIND,
        SELECT,
        READ,
        READ_FP,
        "AA AA AA 96 69 00 03 40 01 42",
    ] {
        assert_eq!(answer(&mut engine, frame), self_test_failed, "{frame}");
    }
    // Commands are still counted; no find succeeded.
    let c = engine.counters();
    assert_eq!(
        (c.finds, c.finds_with_card, c.selects, c.reads),
        (1, 0, 1, 2)
    );
    engine.set_sam_failed(false);
    assert_eq!(answer(&mut engine, SAM_STATUS), hex(OK_NO_DATA));
    assert_eq!(answer(&mut engine, FIND), hex(FIND_OK));
}

#[test]
fn faults_combine_on_one_reply() {
    let mut engine = reader_with_card();
    engine.add_noise(5);
    engine.arm_bad_checksum();
    engine.arm_lift_mid_read(MidReadCut::Short);
    let plan = &feed(&mut engine, &hex(READ))[0];
    assert_eq!(plan.noise.len(), 5);
    assert_eq!(plan.frame.len(), CUT_AFTER);
    assert_eq!(plan.wire_bytes().len(), 5 + CUT_AFTER);
}

#[test]
fn fingerprint_sizes_parse() {
    assert_eq!(
        FingerprintSize::from_bytes(512),
        Some(FingerprintSize::Half)
    );
    assert_eq!(FingerprintSize::from_bytes(0), Some(FingerprintSize::Empty));
    assert_eq!(FingerprintSize::from_bytes(1000), None);
    assert_eq!(FingerprintSize::default().bytes(), 1024);
}

#[test]
fn swapping_cards_empties_the_field_for_one_find() {
    let mut engine = reader_with_card();
    assert_eq!(answer(&mut engine, FIND)[9], 0x9F);
    engine.place(card(CardType::HkMoTwPermit));
    // The hand took one card away before laying the other: one "no card", then the new card.
    assert_eq!(answer(&mut engine, FIND)[9], 0x80);
    assert_eq!(answer(&mut engine, FIND)[9], 0x9F);
    assert_eq!(answer(&mut engine, FIND)[9], 0x9F);
    // Placing on an empty reader has no gap.
    engine.lift();
    engine.place(card(CardType::Resident));
    assert_eq!(answer(&mut engine, FIND)[9], 0x9F);
}
