//! The SAM frame decoder, both directions, fed arbitrary bytes in arbitrary chunks: it must never
//! panic, never buffer more than one frame, and every frame it returns must re-encode to the same
//! bytes.
#![no_main]

use idcard::frame::{Command, Decoder, MAX_LEN, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the chunk size, so chunk boundaries are explored too.
    let Some((&chunk, bytes)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let mut responses = Decoder::for_responses();
    let mut requests = Decoder::for_requests();
    for piece in bytes.chunks(chunk) {
        let mut input = piece;
        while !input.is_empty() {
            if let Ok(Some(body)) = responses.decode(&mut input) {
                assert!(body.len() < usize::from(MAX_LEN));
                let response = Response::from_body(&body).expect("decoded body is a response");
                let frame = response.encode().expect("re-encodes");
                assert_eq!(&frame[7..frame.len() - 1], &body[..]);
            }
        }
        let mut input = piece;
        while !input.is_empty() {
            if let Ok(Some(body)) = requests.decode(&mut input) {
                let command = Command::from_body(&body).expect("decoded body is a command");
                let frame = command.encode().expect("re-encodes");
                assert_eq!(&frame[7..frame.len() - 1], &body[..]);
            }
        }
    }
});
