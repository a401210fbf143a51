//! [`KioskUi`]: the window, fed with [`ScreenView`]s, reporting [`UiEvent`]s.

use crate::generated::{Api, MainWindow, Theme};
use crate::view::{Entry, Lang, Orientation, ScreenView};
use crate::{UiError, convert, fonts, headless};
use slint::platform::software_renderer::{MinimalSoftwareWindow, Rgb565Pixel};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel};
use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

/// What the citizen did on the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UiEvent {
    /// A tile, row or action button with this id.
    Pressed(String),
    /// The back button.
    Back,
    /// The home button (or "finish" on the time-out warning).
    Home,
    /// "Go to a staffed window".
    StaffedWindow,
    /// "More time" on the time-out warning.
    MoreTime,
    /// The keypad entry changed (the text typed so far, unmasked).
    EntryChanged(String),
    /// The keypad's OK with the text typed.
    EntrySubmitted(String),
    /// The language toggle; every text on screen already shows in the new language.
    Language(Lang),
    /// The elder-mode toggle; the screen already shows larger text and targets.
    ElderMode(bool),
}

/// A rendered frame: RGB pixels, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

impl Frame {
    /// The pixel at (x, y), or `None` outside the frame.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 3]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        let p = self.rgb.get(i..i + 3)?;
        Some([p[0], p[1], p[2]])
    }

    /// Writes the frame as a PNG file.
    pub fn write_png(&self, path: &Path) -> Result<(), UiError> {
        let file = std::fs::File::create(path).map_err(|source| UiError::Write {
            path: path.to_owned(),
            source,
        })?;
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.rgb)?;
        writer.finish()?;
        Ok(())
    }
}

type Handler = Rc<dyn Fn(UiEvent)>;

/// The UI's own state between calls.
#[derive(Default)]
struct State {
    handler: Option<Handler>,
    view: Option<ScreenView>,
    entry: String,
}

/// The kiosk's touchscreen. Create it on the thread that runs the event loop.
pub struct KioskUi {
    window: MainWindow,
    state: Rc<RefCell<State>>,
    software: Option<Rc<MinimalSoftwareWindow>>,
}

impl KioskUi {
    /// The window on the display backend Slint selects (`SLINT_BACKEND`, e.g. `winit-software`
    /// on a desktop, `linuxkms-software` on a kiosk without one), drawn with the CJK font from
    /// [`fonts::DEFAULT_CJK_FONT_PATH`].
    pub fn new(orientation: Orientation, lang: Lang, elder: bool) -> Result<KioskUi, UiError> {
        KioskUi::with_font(
            orientation,
            lang,
            elder,
            Path::new(fonts::DEFAULT_CJK_FONT_PATH),
        )
    }

    /// Like [`KioskUi::new`] with another font file.
    pub fn with_font(
        orientation: Orientation,
        lang: Lang,
        elder: bool,
        font: &Path,
    ) -> Result<KioskUi, UiError> {
        let window = MainWindow::new()?;
        let software = if headless::is_installed() {
            headless::take_last_window()
        } else {
            None
        };
        let family = fonts::register_font_file(font)?;
        window.global::<Theme>().set_font_family(family.into());
        let ui = KioskUi {
            window,
            state: Rc::new(RefCell::new(State::default())),
            software,
        };
        ui.set_lang(lang);
        ui.set_elder(elder);
        ui.set_orientation(orientation);
        ui.connect();
        Ok(ui)
    }

    /// A window drawn into memory by the software renderer (installs the headless platform).
    pub fn headless(orientation: Orientation, lang: Lang, elder: bool) -> Result<KioskUi, UiError> {
        headless::install()?;
        let ui = KioskUi::new(orientation, lang, elder)?;
        if ui.software.is_none() {
            return Err(UiError::NotHeadless);
        }
        ui.window.show()?;
        Ok(ui)
    }

    /// Sets what the citizen's actions are reported to (replacing the previous handler).
    pub fn on_event(&self, handler: impl Fn(UiEvent) + 'static) {
        self.state.borrow_mut().handler = Some(Rc::new(handler));
    }

    /// Shows a screen. A view the screen cannot show is refused and the previous one stays.
    pub fn show(&self, view: &ScreenView) -> Result<(), UiError> {
        view.validate()?;
        let api = self.window.global::<Api>();
        convert::apply(&api, view);
        let entry_display = {
            let mut state = self.state.borrow_mut();
            let same_entry = state
                .view
                .as_ref()
                .is_some_and(|old| old.kind == view.kind && old.entry == view.entry);
            if !same_entry {
                state.entry.clear();
            }
            state.view = Some(view.clone());
            display(&state.entry, view.entry.as_ref())
        };
        api.set_entry_value(entry_display.into());
        Ok(())
    }

    /// The language of every text; the toggle changes it too.
    pub fn set_lang(&self, lang: Lang) {
        self.window
            .global::<Theme>()
            .set_lang(convert::lang_to_slint(lang));
    }

    /// The language shown now.
    pub fn lang(&self) -> Lang {
        convert::lang_from_slint(self.window.global::<Theme>().get_lang())
    }

    /// Elder mode: larger text and targets; the toggle changes it too.
    pub fn set_elder(&self, elder: bool) {
        self.window.global::<Theme>().set_elder(elder);
    }

    /// Whether elder mode is on.
    pub fn elder(&self) -> bool {
        self.window.global::<Theme>().get_elder()
    }

    /// Lays the screens out for the orientation and sizes the window to it.
    pub fn set_orientation(&self, orientation: Orientation) {
        self.window
            .global::<Theme>()
            .set_portrait(orientation == Orientation::Portrait);
        let (w, h) = orientation.size();
        self.window.window().set_size(PhysicalSize::new(w, h));
    }

    /// Shows the window and runs the event loop until the window closes.
    pub fn run(&self) -> Result<(), UiError> {
        self.window.run()?;
        Ok(())
    }

    /// The Slint component (for tests: it is an `ElementRoot` of Slint's testing API).
    pub fn component(&self) -> &MainWindow {
        &self.window
    }

    /// Draws the whole screen into RGB pixels (headless only).
    pub fn render(&self) -> Result<Frame, UiError> {
        let software = self.software.as_ref().ok_or(UiError::NotHeadless)?;
        let size = self.window.window().size();
        let (w, h) = (size.width as usize, size.height as usize);
        let mut pixels = vec![Rgb8Pixel::new(0, 0, 0); w * h];
        slint::platform::update_timers_and_animations();
        software.request_redraw();
        software.draw_if_needed(|renderer| {
            renderer.render(&mut pixels, w);
        });
        let rgb = pixels.iter().flat_map(|p| [p.r, p.g, p.b]).collect();
        Ok(Frame {
            width: size.width,
            height: size.height,
            rgb,
        })
    }

    /// Draws the whole screen into an RGB565 buffer of the window's size (headless only); for
    /// the frame-time benchmark and framebuffers.
    pub fn render_rgb565(&self, buffer: &mut Vec<Rgb565Pixel>) -> Result<(), UiError> {
        let software = self.software.as_ref().ok_or(UiError::NotHeadless)?;
        let size = self.window.window().size();
        let (w, h) = (size.width as usize, size.height as usize);
        buffer.resize(w * h, Rgb565Pixel::default());
        slint::platform::update_timers_and_animations();
        software.request_redraw();
        software.draw_if_needed(|renderer| {
            renderer.render(buffer.as_mut_slice(), w);
        });
        Ok(())
    }

    /// Wires the Slint callbacks to the handler.
    fn connect(&self) {
        let api = self.window.global::<Api>();
        let emit = {
            let state = Rc::downgrade(&self.state);
            move |event: UiEvent| {
                let Some(state) = state.upgrade() else { return };
                // Clone the handler out so it may call `show` without a double borrow.
                let handler = state.borrow().handler.clone();
                if let Some(handler) = handler {
                    handler(event);
                }
            }
        };
        let e = emit.clone();
        api.on_action(move |id| e(UiEvent::Pressed(id.into())));
        let e = emit.clone();
        api.on_back(move || e(UiEvent::Back));
        let e = emit.clone();
        api.on_home(move || e(UiEvent::Home));
        let e = emit.clone();
        api.on_staffed_window(move || e(UiEvent::StaffedWindow));
        let e = emit.clone();
        api.on_more_time(move || e(UiEvent::MoreTime));
        let e = emit.clone();
        api.on_language_changed(move |lang| e(UiEvent::Language(convert::lang_from_slint(lang))));
        let e = emit.clone();
        api.on_elder_changed(move |on| e(UiEvent::ElderMode(on)));
        let e = emit.clone();
        let state = Rc::downgrade(&self.state);
        api.on_entry_submitted(move || {
            let Some(state) = state.upgrade() else { return };
            let text = state.borrow().entry.clone();
            e(UiEvent::EntrySubmitted(text));
        });
        let state = Rc::downgrade(&self.state);
        let window = self.window.as_weak();
        api.on_key(move |key| {
            let (Some(state), Some(window)) = (state.upgrade(), window.upgrade()) else {
                return;
            };
            let (changed, shown) = {
                let mut st = state.borrow_mut();
                let Some(spec) = st.view.as_ref().and_then(|v| v.entry.clone()) else {
                    return;
                };
                let before = st.entry.clone();
                edit(&mut st.entry, &key, &spec);
                (
                    (st.entry != before).then(|| st.entry.clone()),
                    display(&st.entry, Some(&spec)),
                )
            };
            window.global::<Api>().set_entry_value(shown.into());
            if let Some(text) = changed {
                emit(UiEvent::EntryChanged(text));
            }
        });
    }
}

/// Applies one keypad key to the entry text.
fn edit(text: &mut String, key: &str, spec: &Entry) {
    match key {
        "DELETE" => {
            text.pop();
        }
        "CLEAR" => text.clear(),
        _ => {
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return;
            };
            let allowed = c.is_ascii_digit() || Some(c) == spec.extra_key;
            if allowed && text.chars().count() < spec.max_len {
                text.push(c);
            }
        }
    }
}

/// The entry as shown: dots when masked.
fn display(text: &str, spec: Option<&Entry>) -> String {
    match spec {
        Some(spec) if spec.masked => "●".repeat(text.chars().count()),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::Text;

    fn spec(max_len: usize, extra: Option<char>) -> Entry {
        Entry {
            label: Text::same("x"),
            masked: false,
            max_len,
            extra_key: extra,
        }
    }

    #[test]
    fn keypad_edits_are_bounded_and_filtered() {
        let s = spec(3, Some('X'));
        let mut t = String::new();
        for k in ["1", "A", "X", "12", "2", "3", "4"] {
            edit(&mut t, k, &s);
        }
        assert_eq!(t, "1X2");
        edit(&mut t, "DELETE", &s);
        assert_eq!(t, "1X");
        edit(&mut t, "CLEAR", &s);
        assert_eq!(t, "");
        edit(&mut t, "DELETE", &s);
        assert_eq!(t, "");
        edit(&mut t, "X", &spec(3, None));
        assert_eq!(t, "");
    }

    #[test]
    fn masked_entries_show_dots() {
        let mut s = spec(6, None);
        s.masked = true;
        assert_eq!(display("123", Some(&s)), "●●●");
        assert_eq!(display("123", None), "123");
    }
}
