//! Writes a PNG of every sample screen, both languages, both orientations, normal and elder mode:
//! `cargo run -p kiosk-ui --example screens -- OUT_DIR [NAME]` (NAME: only samples whose name
//! contains it).

use kiosk_ui::{Lang, Orientation, render_png, samples};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "screens".into()));
    let only = std::env::args().nth(2).unwrap_or_default();
    std::fs::create_dir_all(&out)?;
    for (name, view) in samples::all() {
        if !name.contains(only.as_str()) {
            continue;
        }
        for (o, on) in [
            (Orientation::Portrait, "portrait"),
            (Orientation::Landscape, "landscape"),
        ] {
            for (l, ln) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
                for elder in [false, true] {
                    let file = out.join(format!(
                        "{name}-{on}-{ln}{}.png",
                        if elder { "-elder" } else { "" }
                    ));
                    render_png(&view, o, l, elder, &file)?;
                }
            }
        }
    }
    println!("wrote {}", out.display());
    Ok(())
}
