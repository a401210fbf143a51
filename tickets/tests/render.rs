//! Renders the sample tickets and checks the raster, the QR codes, the fallback glyphs, the
//! text-mode fallbacks and the PNG preview. Needs Debian's fonts-noto-cjk.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed expectation is the test failing"
)]

use std::sync::OnceLock;
use tickets::{
    Align, Block, Capability, FontConfig, Fonts, Layout, PaperWidth, Raster, TextEncoding,
    TextModeOp, TextStyle, Ticket, render_raster, render_text_mode,
};

const PAPERS: [(PaperWidth, u32, usize); 2] =
    [(PaperWidth::Mm80, 576, 72), (PaperWidth::Mm58, 384, 48)];

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load_default().expect("fonts-noto-cjk installed"))
}

fn decode_qrs(raster: &Raster) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(
        raster.width_dots as usize,
        raster.height as usize,
        |x, y| {
            if raster.get(x as u32, y as u32) {
                0
            } else {
                255
            }
        },
    );
    img.detect_grids()
        .iter()
        .map(|g| g.decode().expect("QR decodes").1)
        .collect()
}

fn one_line(text: &str, size: u8) -> Raster {
    let layout = Layout {
        blocks: vec![Block::text(text, TextStyle::sized(size))],
    };
    render_raster(&layout, PaperWidth::Mm80, fonts()).unwrap()
}

#[test]
fn every_sample_renders_at_both_widths_with_exact_geometry() {
    for ticket in Ticket::samples() {
        for (paper, dots, row_bytes) in PAPERS {
            let r = render_raster(&ticket.layout(), paper, fonts()).unwrap();
            assert_eq!(r.width_dots, dots, "{}", ticket.kind());
            assert_eq!(r.bytes_per_row(), row_bytes);
            assert!(r.height > 200, "{} is {} rows", ticket.kind(), r.height);
            assert_eq!(r.bytes.len(), r.height as usize * row_bytes);
            assert!(r.black_dots() > 1000);
            let bands: Vec<&[u8]> = r.bands(255).collect();
            assert_eq!(bands.len(), r.height.div_ceil(255) as usize);
            assert!(bands.iter().all(|b| b.len() <= 255 * row_bytes));
        }
    }
}

#[test]
fn the_qr_in_the_raster_decodes_to_its_payload() {
    let mut checked = 0;
    for ticket in Ticket::samples() {
        let Some(payload) = ticket.qr_payload() else {
            continue;
        };
        for (paper, _, _) in PAPERS {
            let r = render_raster(&ticket.layout(), paper, fonts()).unwrap();
            assert_eq!(
                decode_qrs(&r),
                vec![payload.to_owned()],
                "{}",
                ticket.kind()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4);
}

#[test]
fn the_outline_face_has_ext_b() {
    assert!(fonts().outline_has('\u{20BB7}'));
    assert!(fonts().outline_has('\u{4DAE}'));
    assert!(fonts().outline_has('堃'));
}

#[test]
fn rare_characters_produce_ink_unlike_the_missing_glyph_box() {
    // U+10FFFD is a private-use code point no font here has: it prints the "missing glyph" box.
    for size in [1, 2, 6] {
        let missing = one_line("\u{10FFFD}", size);
        assert!(missing.black_dots() > 0, "the box itself has ink");
        for c in ["𠮷", "䶮", "堃", "·", "￥"] {
            let r = one_line(c, size);
            assert!(r.black_dots() > 0, "{c} at size {size} has no ink");
            assert_ne!(
                r.bytes, missing.bytes,
                "{c} at size {size} is the missing-glyph box"
            );
        }
        // 𠮷 (土 over 口) is not drawn as 吉 (士 over 口).
        assert_ne!(one_line("𠮷", size).bytes, one_line("吉", size).bytes);
    }
}

#[test]
fn a_rare_character_is_drawn_in_place_within_bitmap_text() {
    let with = one_line("张𠮷英", 1);
    let without = one_line("张英", 1);
    assert!(with.black_dots() > without.black_dots());
}

fn fallback_layout() -> Layout {
    let s = TextStyle::sized(1);
    Layout {
        blocks: vec![
            Block::text("排队号 A012", s),            // 0: GB2312
            Block::text("申请人 王堃", s),            // 1: GBK, not GB2312
            Block::text("申请人 李䶮", s),            // 2: Ext-A, four bytes
            Block::pair("缴款人", "张𠮷英", s),       // 3: Ext-B, four bytes
            Block::pair("合计", "￥90.00", s),        // 4: full-width yuan, GB2312 A3A4
            Block::text("合计 ¥90.00", s),            // 5: U+00A5, four bytes
            Block::text("朝阳区·一层", s.centered()), // 6: middle dot, GB2312 A1A4
            Block::Rule,
            Block::Qr {
                payload: "https://queue.invalid/t/A012".into(),
            },
            Block::Spacer { dots: 24 },
        ],
    }
}

fn raster_indices(ops: &[TextModeOp]) -> Vec<usize> {
    ops.iter()
        .enumerate()
        .filter(|(_, op)| matches!(op, TextModeOp::Raster(_)))
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn text_mode_falls_back_to_raster_exactly_for_unprintable_lines() {
    let layout = fallback_layout();
    for (encoding, expected) in [
        (TextEncoding::Gb2312, vec![1, 2, 3, 5]),
        (TextEncoding::Gbk, vec![2, 3, 5]),
        (TextEncoding::Gb18030, vec![]),
    ] {
        for (paper, dots, _) in PAPERS {
            let cap = Capability {
                encoding,
                native_qr: true,
                paper,
            };
            let ops = render_text_mode(&layout, &cap, fonts()).unwrap();
            // One op per block, then feed and cut.
            assert_eq!(ops.len(), layout.blocks.len() + 2);
            assert_eq!(ops.last(), Some(&TextModeOp::Cut));
            assert_eq!(raster_indices(&ops), expected, "{encoding:?}");
            for op in &ops {
                if let TextModeOp::Raster(r) = op {
                    assert_eq!(r.width_dots, dots);
                    assert!(r.black_dots() > 0);
                }
            }
            assert!(
                matches!(ops[8], TextModeOp::Qr { ref payload, .. } if payload == "https://queue.invalid/t/A012")
            );
            assert!(matches!(
                ops[6],
                TextModeOp::Text {
                    align: Align::Center,
                    ..
                }
            ));
        }
    }
}

#[test]
fn text_mode_pairs_fill_the_printer_columns() {
    let cap = Capability {
        encoding: TextEncoding::Gb18030,
        native_qr: true,
        paper: PaperWidth::Mm80,
    };
    let ops = render_text_mode(&fallback_layout(), &cap, fonts()).unwrap();
    let TextModeOp::Text { text, .. } = &ops[4] else {
        panic!("pair is text: {:?}", ops[4]);
    };
    // 合计 (4 columns) + spaces + ￥90.00 (2 + 5) = 48 columns of 12 dots.
    assert!(text.starts_with("合计 ") && text.ends_with("￥90.00"));
    assert_eq!(tickets::text_mode::display_columns(text), 48);
}

#[test]
fn without_native_qr_the_qr_becomes_a_raster_that_decodes() {
    let ticket = Ticket::sample_payment();
    let cap = Capability {
        encoding: TextEncoding::Gb18030,
        native_qr: false,
        paper: PaperWidth::Mm58,
    };
    let ops = render_text_mode(&ticket.layout(), &cap, fonts()).unwrap();
    let decoded: Vec<String> = ops
        .iter()
        .filter_map(|op| match op {
            TextModeOp::Raster(r) => Some(decode_qrs(r)),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(decoded, vec![ticket.qr_payload().unwrap().to_owned()]);
    assert!(!ops.iter().any(|op| matches!(op, TextModeOp::Qr { .. })));
}

#[test]
fn samples_in_text_mode_fall_back_only_for_rare_names() {
    let count = |ticket: &Ticket, encoding| {
        let cap = Capability {
            encoding,
            native_qr: true,
            paper: PaperWidth::Mm80,
        };
        raster_indices(&render_text_mode(&ticket.layout(), &cap, fonts()).unwrap()).len()
    };
    // The queue ticket and the check-in slip (masked 张*英) print entirely as GB2312 text.
    for ticket in [Ticket::sample_queue(), Ticket::sample_check_in()] {
        for encoding in [
            TextEncoding::Gb2312,
            TextEncoding::Gbk,
            TextEncoding::Gb18030,
        ] {
            assert_eq!(
                count(&ticket, encoding),
                0,
                "{} {encoding:?}",
                ticket.kind()
            );
        }
    }
    // The payer 张𠮷英 and the note naming 堃 䶮 𠮷: one line each outside GBK.
    assert_eq!(count(&Ticket::sample_payment(), TextEncoding::Gbk), 1);
    assert_eq!(count(&Ticket::sample_materials(), TextEncoding::Gbk), 1);
    assert_eq!(count(&Ticket::sample_payment(), TextEncoding::Gb18030), 0);
    assert_eq!(count(&Ticket::sample_materials(), TextEncoding::Gb18030), 0);
}

#[test]
fn the_png_preview_decodes_to_the_raster() {
    for ticket in Ticket::samples() {
        for (paper, dots, _) in PAPERS {
            let r = render_raster(&ticket.layout(), paper, fonts()).unwrap();
            let png_bytes = r.to_png().unwrap();
            let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
            let mut reader = decoder.read_info().unwrap();
            let mut buf = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buf).unwrap();
            assert_eq!((info.width, info.height), (dots, r.height));
            assert_eq!(info.color_type, png::ColorType::Grayscale);
            assert_eq!(info.bit_depth, png::BitDepth::One);
            // White is 1 in PNG, black is 1 in the raster.
            let inverted: Vec<u8> = buf[..info.buffer_size()].iter().map(|b| !b).collect();
            assert_eq!(inverted, r.bytes);
        }
    }
}

#[test]
fn a_missing_font_file_is_an_error_not_a_panic() {
    let config = FontConfig {
        path: "/nonexistent/font.ttc".into(),
        face_index: 2,
    };
    assert!(matches!(
        Fonts::load(&config),
        Err(tickets::FontError::Io { .. })
    ));
    assert!(Fonts::from_bytes(b"not a font".to_vec(), 0).is_none());
}

#[test]
fn the_chosen_face_has_ext_b_whatever_face_is_asked_for() {
    let data = std::fs::read(tickets::fonts::DEFAULT_CJK_FONT_PATH).unwrap();
    for face in [0, 2, 4] {
        let fonts = Fonts::from_bytes(data.clone(), face).unwrap();
        assert!(fonts.outline_has('\u{20BB7}'), "face {face}");
    }
}

#[test]
fn a_font_without_ext_b_is_still_used() {
    // DejaVu (fonts-dejavu-core) has no CJK: no face qualifies, the preferred one is kept.
    let data = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").unwrap();
    let fonts = Fonts::from_bytes(data, 0).unwrap();
    assert_eq!(fonts.face_index(), 0);
    assert!(!fonts.outline_has('\u{20BB7}'));
    assert!(
        one_line_with(&fonts, "𠮷").black_dots() > 0,
        "prints the missing-glyph box"
    );
}

fn one_line_with(fonts: &Fonts, text: &str) -> Raster {
    let layout = Layout {
        blocks: vec![Block::text(text, TextStyle::sized(2))],
    };
    render_raster(&layout, PaperWidth::Mm58, fonts).unwrap()
}

#[test]
fn a_runaway_layout_is_refused_not_rendered() {
    let layout = Layout {
        blocks: vec![Block::Spacer { dots: u16::MAX }],
    };
    assert!(matches!(
        render_raster(&layout, PaperWidth::Mm80, fonts()),
        Err(tickets::RenderError::TooTall)
    ));
}

#[test]
fn the_outline_file_is_shared_not_copied() {
    let fonts = Fonts::load_default().unwrap();
    let a = fonts.shared_data();
    let b = fonts.shared_data();
    let (a, b): (&[u8], &[u8]) = ((*a).as_ref(), (*b).as_ref());
    // The whole file, once: both views point at the same bytes.
    assert_eq!(a.as_ptr(), b.as_ptr());
    let on_disk = std::fs::metadata(tickets::fonts::DEFAULT_CJK_FONT_PATH)
        .unwrap()
        .len();
    assert_eq!(a.len() as u64, on_disk);
    assert!(a.starts_with(b"ttcf"), "a collection");
}
