//! The verification QR as vector modules.

use qrcode::{Color, EcLevel, QrCode};

/// The QR's modules, row by row (`true` dark), and its width in modules (no quiet zone).
pub(crate) fn modules(data: &str) -> Result<(usize, Vec<bool>), qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((width, dark))
}

/// Horizontal runs of dark modules: `(row, first column, length)`.
pub(crate) fn runs(width: usize, dark: &[bool]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (row, cells) in dark.chunks(width.max(1)).enumerate() {
        let mut start = None;
        for (col, &d) in cells.iter().chain(std::iter::once(&false)).enumerate() {
            match (d, start) {
                (true, None) => start = Some(col),
                (false, Some(s)) => {
                    out.push((row, s, col - s));
                    start = None;
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_every_dark_module() {
        let (width, dark) = modules("https://bdc.example.gov.cn/verify/7KQ4M2XP9D").unwrap();
        assert_eq!(dark.len(), width * width);
        let covered: usize = runs(width, &dark).iter().map(|r| r.2).sum();
        assert_eq!(covered, dark.iter().filter(|d| **d).count());
    }

    #[test]
    fn runs_end_at_the_row_end() {
        assert_eq!(
            runs(3, &[true, true, true, false, true, false]),
            vec![(0, 0, 3), (1, 1, 1)]
        );
    }
}
