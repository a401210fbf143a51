//! Untrusted ESC/POS bytes, both directions: what a printer sends back (status decoder) and what
//! a printer receives (the simulator's interpreter and real-time scanner). Neither may panic,
//! and the interpreter must always make progress.

#![no_main]

use escpos::{Interpreter, RealTimeScanner, StatusDecoder, StatusRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte chooses what the decoder was told was asked.
    let (asks, bytes) = data.split_first().map_or((0, data), |(a, rest)| (*a, rest));
    let mut decoder = StatusDecoder::new();
    if asks & 0x01 != 0 {
        decoder.asb_enabled();
    }
    for _ in 0..(asks >> 5) {
        decoder.marker_sent();
    }
    for n in 1..=4u8 {
        if asks & (1 << n) != 0 {
            if let Some(request) = StatusRequest::from_n(n) {
                decoder.requested(request);
            }
        }
    }
    let _ = decoder.feed(bytes);
    let _ = decoder.status();

    let _ = RealTimeScanner::default().scan(bytes);
    let mut interpreter = Interpreter::new(asks & 0x80 == 0);
    let mut input = bytes;
    while !input.is_empty() {
        let step = interpreter.feed(input);
        if step.consumed == 0 {
            assert!(input.len() < escpos::interpret::MAX_HEAD, "no progress");
            break;
        }
        input = input.get(step.consumed..).unwrap_or_default();
    }
    let _ = interpreter.current_ticket();
});
