//! Renders the sample certificates and checks them with poppler-utils (`pdffonts`, `pdftotext`,
//! `pdfinfo`, `pdftoppm`) and a QR decoder: the font is embedded and subset, the text extracts
//! with the exact code points, masking holds, and the printed QR decodes to the verification URL.
//!
//! Needs Debian's `fonts-noto-cjk` and `poppler-utils`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests fail by panicking"
)]

use documents::certificate::{CertificateDoc, RenderError, Seal, render_pdf};
use documents::fonts::Fonts;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::load_default().expect("fonts-noto-cjk is installed"))
}

/// Renders `doc` into the test's scratch directory.
fn render(name: &str, doc: &CertificateDoc) -> (PathBuf, Vec<u8>) {
    let pdf = render_pdf(doc, fonts()).expect("renders");
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.pdf"));
    std::fs::write(&path, &pdf).unwrap();
    (path, pdf)
}

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The extracted text without whitespace (extraction reflows lines and drops the spaces
/// between CJK characters); compare with [`squeeze`]d needles.
fn text(pdf: &Path) -> String {
    squeeze(&tool(
        "pdftotext",
        &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"],
    ))
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pages(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

/// Asserts every font in the PDF is embedded and subset.
fn assert_fonts_embedded_and_subset(pdf: &Path) {
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts in the PDF:\n{listing}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type... encoding emb sub uni object ID
        let n = cols.len();
        assert!(n >= 7, "unexpected pdffonts row {row}");
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "not embedded+subset+unicode: {row}"
        );
        assert!(cols[0].contains('+'), "subset fonts carry a tag: {row}");
        assert!(cols[0].contains("NotoSansCJK"), "{row}");
    }
}

/// Renders page 1 at 150 dpi and decodes the QR code on it.
fn decode_qr(pdf: &Path) -> Vec<String> {
    let prefix = pdf.with_extension("");
    let prefix_str = prefix.to_str().unwrap();
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            prefix_str,
        ],
    );
    let png_path = prefix.with_extension("png");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png_path).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let (w, h) = (info.width as usize, info.height as usize);
    // A4 at 150 dpi (poppler rounds the width up or down).
    assert!((1240..=1241).contains(&w) && h == 1754, "{w}x{h}");
    let luma = |x: usize, y: usize| -> u8 {
        let i = (y * w + x) * channels;
        let px = &buf[i..i + channels.min(3)];
        (px.iter().map(|&v| u32::from(v)).sum::<u32>() / px.len() as u32) as u8
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, luma);
    image
        .detect_grids()
        .into_iter()
        .map(|grid| grid.decode().expect("the QR decodes").1)
        .collect()
}

#[test]
fn holder_certificate_has_a_summary_and_a_page_per_unit() {
    let doc = CertificateDoc::sample_holder();
    let (path, pdf) = render("holder", &doc);
    assert_eq!(pages(&path), 3);
    assert_fonts_embedded_and_subset(&path);
    let text = text(&path);
    for needle in [
        "不动产登记资料查询结果证明",
        "CX20261128000123",
        "贷款",
        "张𠮷英",
        "龚䶮",
        "11010519491231002X",
        "4403**********0028",
        "110105012003GB00001F00020063",
        "中国工商银行股份有限公司北京望京支行",
        "1,200,000.00元",
        "北京市朝阳区人民法院",
        "居住权人终身",
        "第 1 页 共 3 页",
        "第 3 页 共 3 页",
        "7KQ4M2XP9D",
        "KIOSK-CY-0003",
        "2026年11月28日 09:15:41",
        "2026年11月28日 09:16:02",
    ] {
        assert!(
            text.contains(&squeeze(needle)),
            "{needle} missing from:\n{text}"
        );
    }
    // The drawn seal is a picture: its text does not pollute extraction.
    assert!(!text.contains("查询专用章"));
    assert_eq!(decode_qr(&path), vec![doc.verification_url.clone()]);
    println!("holder certificate: 3 pages, {} bytes", pdf.len());
}

#[test]
fn no_record_certificate_is_one_page_with_the_statement() {
    let doc = CertificateDoc::sample_no_record();
    let (path, pdf) = render("no_record", &doc);
    assert_eq!(pages(&path), 1);
    assert_fonts_embedded_and_subset(&path);
    let text = text(&path);
    for needle in [
        "CX20261128000124",
        "入学",
        "龚䶮",
        "经查询",
        "未查询到",
        "名下的不动产登记信息",
        "第 1 页 共 1 页",
    ] {
        assert!(
            text.contains(&squeeze(needle)),
            "{needle} missing from:\n{text}"
        );
    }
    assert_eq!(decode_qr(&path), vec![doc.verification_url.clone()]);
    println!("one-page certificate: {} bytes", pdf.len());
    assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
}

#[test]
fn interested_party_certificate_prints_no_full_id_number() {
    let doc = CertificateDoc::sample_interested();
    let (path, pdf) = render("interested", &doc);
    assert_eq!(pages(&path), 2);
    let text = text(&path);
    for full in [
        "110102197803154518",
        "11010519491231002X",
        "440305198807150028",
    ] {
        assert!(!text.contains(full), "{full} printed in full");
        assert!(!String::from_utf8_lossy(&pdf).contains(full));
    }
    for needle in [
        "1101**********4518",
        "1101**********002X",
        "4403**********0028",
        "诉讼",
        "张𠮷英",
        "龚䶮",
    ] {
        assert!(
            text.contains(&squeeze(needle)),
            "{needle} missing from:\n{text}"
        );
    }
    assert_eq!(decode_qr(&path), vec![doc.verification_url.clone()]);
    println!("interested-party certificate: 2 pages, {} bytes", pdf.len());
}

#[test]
fn many_units_continue_the_summary_on_further_pages() {
    let mut doc = CertificateDoc::sample_holder();
    if let documents::certificate::QueryResult::Units(units) = &mut doc.result {
        let first = units[0].clone();
        units.extend(std::iter::repeat_n(first, 28));
    }
    let (path, _) = render("many_units", &doc);
    let n = pages(&path);
    // More than one summary page, then one page per unit (30 units).
    assert!(n > 31, "{n} pages");
    let text = text(&path);
    assert!(text.contains(&format!("第{n}页共{n}页")));
}

/// A small red-ring PNG made here, as a configured seal image would be.
fn seal_png() -> Vec<u8> {
    let side = 64u32;
    let mut rgba = Vec::new();
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (x as f32 - 31.5, y as f32 - 31.5);
            let d = (dx * dx + dy * dy).sqrt();
            let on = (26.0..31.0).contains(&d);
            rgba.extend_from_slice(if on {
                &[200, 30, 30, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&rgba).unwrap();
    writer.finish().unwrap();
    out
}

#[test]
fn a_configured_seal_image_is_printed_and_a_bad_one_refused() {
    let mut doc = CertificateDoc::sample_no_record();
    doc.seal = Seal::Png(seal_png());
    let (path, _) = render("png_seal", &doc);
    let images = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    assert!(images.lines().count() > 2, "no image in the PDF:\n{images}");

    doc.seal = Seal::Png(b"not a png".to_vec());
    assert!(matches!(
        render_pdf(&doc, fonts()),
        Err(RenderError::SealImage(_))
    ));
}

#[test]
fn a_character_no_face_covers_is_an_error_not_a_blank() {
    let mut doc = CertificateDoc::sample_no_record();
    doc.requester_name = "龚\u{10FFFD}".to_owned();
    assert!(matches!(
        render_pdf(&doc, fonts()),
        Err(RenderError::MissingGlyph {
            code_point: 0x10FFFD
        })
    ));
}

#[test]
fn characters_the_primary_face_lacks_come_from_a_fallback_face() {
    use documents::fonts::{FaceSource, FontConfig};
    // DejaVu Sans (fonts-dejavu-core, pulled in by fontconfig) has Latin but no ideographs.
    let config = FontConfig {
        primary: FaceSource {
            path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf".into(),
            index: 0,
        },
        fallbacks: vec![FontConfig::default().primary],
    };
    let fonts = Fonts::load(&config).expect("fonts-dejavu-core is installed");
    let doc = CertificateDoc::sample_no_record();
    let pdf = render_pdf(&doc, &fonts).unwrap();
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fallback.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let listing = tool("pdffonts", &[path.to_str().unwrap()]);
    assert!(listing.contains("DejaVuSans"), "{listing}");
    assert!(listing.contains("NotoSansCJK"), "{listing}");
    let text = text(&path);
    for needle in ["CX20261128000124", "龚䶮", "440305198807150028", "未查询到"] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn rendering_is_deterministic() {
    let doc = CertificateDoc::sample_holder();
    assert_eq!(
        render_pdf(&doc, fonts()).unwrap(),
        render_pdf(&doc, fonts()).unwrap()
    );
}
