//! Property tests: device and host bytes never panic the decoders, and the interpreter reads
//! back what the encoder wrote however the stream is split.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed step is a failed test"
)]

use escpos::interpret::interpret_all;
use escpos::{
    Command, Cut, Event, Interpreter, Job, PrinterStatus, RealTimeScanner, StatusDecoder,
    StatusRequest, TextCapability,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn status_decoder_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        asks in proptest::collection::vec(0u8..6, 0..32),
    ) {
        let mut decoder = StatusDecoder::new();
        for ask in asks {
            match ask {
                0 => decoder.asb_enabled(),
                5 => decoder.marker_sent(),
                n => decoder.requested(StatusRequest::from_n(n).unwrap()),
            }
        }
        let events = decoder.feed(&bytes);
        prop_assert!(events.len() <= bytes.len());
    }

    #[test]
    fn interpreter_never_panics_and_always_progresses(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut interpreter = Interpreter::new(true);
        let mut input = &bytes[..];
        while !input.is_empty() {
            let step = interpreter.feed(input);
            if step.consumed == 0 {
                // "Need more" only for a short command head.
                prop_assert!(input.len() < escpos::interpret::MAX_HEAD);
                break;
            }
            input = &input[step.consumed..];
        }
        let _ = interpreter.current_ticket();
        let _ = RealTimeScanner::default().scan(&bytes);
    }

    #[test]
    fn interpreter_reads_text_back_in_any_split(
        lines in proptest::collection::vec("[a-z0-9 张三李四¥𠮷堃]{0,12}", 1..5),
        split in 1usize..64,
    ) {
        let mut job = Job::new(TextCapability::Gb18030Full);
        for line in &lines {
            job.text(line).unwrap();
            job.push(&Command::LineFeed);
        }
        job.push(&Command::Cut(Cut::Full));
        let mut interpreter = Interpreter::new(true);
        let mut buffer = Vec::new();
        let mut events = Vec::new();
        for chunk in job.bytes().chunks(split) {
            buffer.extend_from_slice(chunk);
            loop {
                let step = interpreter.feed(&buffer);
                events.extend(step.event);
                if step.consumed == 0 {
                    break;
                }
                buffer.drain(..step.consumed);
            }
        }
        let expected: String = lines.iter().map(|l| format!("{l}\n")).collect();
        match events.as_slice() {
            [Event::Cut { ticket, .. }] => prop_assert_eq!(ticket.text(), expected),
            other => prop_assert!(false, "events {:?}", other),
        }
    }

    #[test]
    fn status_round_trips_through_asb(online: bool, cover: bool, paper in 0u8..3) {
        let status = PrinterStatus {
            online,
            cover_open: cover,
            paper: [escpos::Paper::Ok, escpos::Paper::NearEnd, escpos::Paper::Out][usize::from(paper)],
            ..PrinterStatus::default()
        };
        let mut decoder = StatusDecoder::new();
        decoder.asb_enabled();
        decoder.feed(&status.asb_block());
        prop_assert_eq!(decoder.status(), status);
        let _ = interpret_all(&mut Interpreter::default(), &status.asb_block());
    }
}
