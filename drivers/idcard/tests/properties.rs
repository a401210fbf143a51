//! Property tests: round trips, arbitrary bytes never panic, arbitrary chunking decodes the same.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use idcard::{CardText, Command, Decoder, FrameError, Response, Status};
use proptest::prelude::*;

fn decode_chunks(decoder: &mut Decoder, chunks: &[Vec<u8>]) -> Vec<Result<Vec<u8>, FrameError>> {
    let mut out = Vec::new();
    for chunk in chunks {
        let mut input = chunk.as_slice();
        while !input.is_empty() {
            match decoder.decode(&mut input) {
                Ok(None) => {}
                Ok(Some(body)) => out.push(Ok(body)),
                Err(e) => out.push(Err(e)),
            }
        }
    }
    out
}

fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for p in points {
        chunks.push(bytes[start..p].to_vec());
        start = p;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

fn response() -> impl Strategy<Value = Response> {
    (any::<u8>(), proptest::collection::vec(any::<u8>(), 0..1500))
        .prop_map(|(sw3, data)| Response::new(Status::from_code(sw3), data))
}

proptest! {
    #[test]
    fn response_round_trip(resp in response()) {
        let frame = resp.encode().unwrap();
        prop_assert_eq!(frame.len(), resp.data.len() + 3 + 8);
        let out = decode_chunks(&mut Decoder::for_responses(), &[frame]);
        prop_assert_eq!(out.len(), 1);
        let body = out[0].clone().unwrap();
        prop_assert_eq!(Response::from_body(&body).unwrap(), resp);
    }

    #[test]
    fn request_round_trip(cmd in any::<u8>(), para in any::<u8>(), data in proptest::collection::vec(any::<u8>(), 0..32)) {
        let command = Command::from_body(&[&[cmd, para][..], &data].concat()).unwrap();
        let frame = command.encode().unwrap();
        let out = decode_chunks(&mut Decoder::for_requests(), &[frame]);
        prop_assert_eq!(Command::from_body(out[0].as_ref().unwrap()).unwrap(), command);
    }

    #[test]
    fn arbitrary_chunking_decodes_the_same_frames(
        frames in proptest::collection::vec(response(), 1..5),
        noise in proptest::collection::vec(proptest::collection::vec(0u8..0xA0, 0..20), 5),
        cuts in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        // Noise (never starting a preamble: bytes below AA) between the frames.
        let mut stream = Vec::new();
        for (frame, noise) in frames.iter().zip(noise.iter().cycle()) {
            stream.extend(noise);
            stream.extend(frame.encode().unwrap());
        }
        let whole = decode_chunks(&mut Decoder::for_responses(), &[stream.clone()]);
        let chunked = decode_chunks(&mut Decoder::for_responses(), &split(&stream, &cuts));
        prop_assert_eq!(&whole, &chunked);
        let decoded: Vec<Response> = whole.iter().map(|b| Response::from_body(b.as_ref().unwrap()).unwrap()).collect();
        prop_assert_eq!(decoded, frames);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..6000), cuts in proptest::collection::vec(any::<usize>(), 0..10)) {
        let mut decoder = Decoder::for_responses();
        for result in decode_chunks(&mut decoder, &split(&bytes, &cuts)).into_iter().flatten() {
            let _ = Response::from_body(&result);
        }
    }

    #[test]
    fn frames_survive_arbitrary_leading_noise(noise in proptest::collection::vec(any::<u8>(), 0..300), resp in response()) {
        // Whatever came before, a frame after a clean gap of 8 non-preamble bytes is decoded.
        let mut stream = noise;
        stream.extend([0u8; 8]);
        stream.extend(resp.encode().unwrap());
        let out = decode_chunks(&mut Decoder::for_responses(), &[stream]);
        let last = out.last().unwrap().clone().unwrap();
        prop_assert_eq!(Response::from_body(&last).unwrap(), resp);
    }

    #[test]
    fn arbitrary_text_blocks_never_panic(block in proptest::collection::vec(any::<u8>(), 256), marker in prop_oneof![Just(b' '), Just(b'I'), Just(b'Y'), Just(b'J')]) {
        let mut block = block;
        block[248] = marker;
        block[249] = 0;
        let _ = CardText::parse(&block);
        let _ = idcard::Card::from_read_data(&block);
    }

    #[test]
    fn valid_id_numbers_round_trip(region in 110000u32..660000, days in 0u32..36000, seq in 0u32..1000) {
        let y = 1900 + days / 366;
        let m = 1 + (days / 31) % 12;
        let d = 1 + days % 28;
        let first17 = format!("{region:06}{y:04}{m:02}{d:02}{seq:03}");
        let bytes: [u8; 17] = first17.as_bytes().try_into().unwrap();
        let check = idcard::id_number::check_character(&bytes);
        let full = format!("{first17}{check}");
        let id = idcard::IdNumber::parse(&full.to_lowercase()).unwrap();
        prop_assert_eq!(id.expose(), full.as_str());
        prop_assert_eq!(id.birth_date().to_string(), format!("{y:04}-{m:02}-{d:02}"));
        prop_assert_eq!(id.sequence_is_odd(), seq % 2 == 1);
        // Any other check character is refused.
        for other in "0123456789X".chars().filter(|c| *c != check) {
            let wrong = format!("{first17}{other}");
            prop_assert!(idcard::IdNumber::parse(&wrong).is_err());
        }
    }
}
