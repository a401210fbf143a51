//! Writes PNG previews of the sample tickets: `cargo run -p tickets --example preview -- DIR`.

use std::path::PathBuf;
use tickets::{Fonts, PaperWidth, Ticket, render_raster};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "/tmp".into()));
    let fonts = Fonts::load_default()?;
    for ticket in Ticket::samples() {
        for (paper, tag) in [(PaperWidth::Mm80, "80"), (PaperWidth::Mm58, "58")] {
            let raster = render_raster(&ticket.layout(), paper, &fonts)?;
            let path = dir.join(format!("ticket_{}_{tag}.png", ticket.kind()));
            std::fs::write(&path, raster.to_png()?)?;
            println!(
                "{} {}x{} {} bytes raster, face {}",
                path.display(),
                raster.width_dots,
                raster.height,
                raster.bytes.len(),
                fonts.face_index()
            );
        }
    }
    if std::env::args().nth(2).is_some() {
        zoom(&fonts, &dir)?;
    }
    Ok(())
}

/// Writes a 4x magnified strip of rare characters, to check the fallback glyphs by eye.
fn zoom(fonts: &Fonts, dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use tickets::{Block, Layout, TextStyle};
    let layout = Layout {
        blocks: vec![
            Block::text("如堃、䶮、𠮷 姓名·￥80 王", TextStyle::sized(1)),
            Block::text("𠮷吉 䶮堃", TextStyle::sized(3)),
        ],
    };
    let r = render_raster(&layout, PaperWidth::Mm58, fonts)?;
    let mut big = tickets::Raster::blank(r.width_dots * 2, r.height * 4);
    for y in 0..r.height * 4 {
        for x in 0..r.width_dots * 2 {
            big.set(x as i32, y as i32, r.get(x / 4, y / 4));
        }
    }
    std::fs::write(dir.join("ticket_zoom.png"), big.to_png()?)?;
    Ok(())
}
