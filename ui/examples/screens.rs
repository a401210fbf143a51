//! Writes a PNG of every sample screen, both languages, both orientations, normal and elder mode:
//! `cargo run -p kiosk-ui --example screens -- OUT_DIR [NAME]` (NAME: only samples whose name
//! contains it). The question form is also drawn while pinyin is being typed
//! (`question-form-typing-*`), with the candidate bar filled.

use kiosk_ui::generated::Api;
use kiosk_ui::{KioskUi, Lang, Orientation, render_png, samples};
use slint::ComponentHandle;
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
    if "question-form-typing".contains(only.as_str()) {
        for (o, on) in [
            (Orientation::Portrait, "portrait"),
            (Orientation::Landscape, "landscape"),
        ] {
            for (l, ln) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
                for elder in [false, true] {
                    let ui = KioskUi::headless(o, l, elder)?;
                    ui.show(&samples::question_form())?;
                    let api = ui.component().global::<Api>();
                    for k in ["b", "e", "i", "j", "i", "n", "g"] {
                        api.invoke_key(k.into());
                    }
                    api.invoke_candidate(0);
                    for k in ["z", "h", "e", "n", "g"] {
                        api.invoke_key(k.into());
                    }
                    let file = out.join(format!(
                        "question-form-typing-{on}-{ln}{}.png",
                        if elder { "-elder" } else { "" }
                    ));
                    ui.render()?.write_png(&file)?;
                    // The phone field focused: the 123 layout.
                    api.invoke_field_focus(1);
                    for k in ["1", "3", "8"] {
                        api.invoke_key(k.into());
                    }
                    let file = out.join(format!(
                        "question-form-typing-phone-{on}-{ln}{}.png",
                        if elder { "-elder" } else { "" }
                    ));
                    ui.render()?.write_png(&file)?;
                }
            }
        }
    }
    println!("wrote {}", out.display());
    Ok(())
}
