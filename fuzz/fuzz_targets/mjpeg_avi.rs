//! Untrusted Motion-JPEG AVI files and still images (a camera's or a recorder's bytes): the AVI
//! reader walks every frame and each frame is decoded; the raw input is also decoded as an
//! image. Nothing may panic, and the reader must end (every step moves forward).

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut reader) = mjpeg::AviReader::open(Cursor::new(data)) {
        let _ = (reader.width(), reader.height(), reader.fps());
        // Each frame is at least one byte and a chunk header long: never more frames than that.
        let mut frames = 0usize;
        while let Ok(Some(frame)) = reader.next_frame() {
            frames += 1;
            assert!(
                frames <= data.len() / 9,
                "more frames than the file can hold"
            );
            if let Ok(image) = mjpeg::decode_jpeg(&frame) {
                assert_eq!(
                    image.bgr.len(),
                    image.width as usize * image.height as usize * 3
                );
            }
        }
    }
    if let Ok(image) = mjpeg::decode_image(data) {
        assert_eq!(
            image.bgr.len(),
            image.width as usize * image.height as usize * 3
        );
    }
});
