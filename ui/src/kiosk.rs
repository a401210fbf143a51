//! [`KioskUi`]: the window, fed with [`ScreenView`]s, reporting [`UiEvent`]s.

use crate::generated::{self as g, Api, MainWindow, Theme};
use crate::input::{Keyboard, Layout, Spec};
use crate::view::{Entry, Keys, Lang, Orientation, ScreenKind, ScreenView};
use crate::{UiError, convert, fonts, headless};
use slint::platform::software_renderer::{MinimalSoftwareWindow, Rgb565Pixel};
use slint::{ComponentHandle, ModelRc, PhysicalSize, Rgb8Pixel, VecModel};
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
    /// A key was pressed on the keypad or keyboard (entries and forms alike; no text): the
    /// citizen is there, whatever the key did.
    Typing,
    /// A form's submit button: every field's id and value, in the form's order.
    FormSubmitted(Vec<(String, String)>),
    /// A tap in the hidden maintenance corner (top left of the header).
    CornerTap,
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
    /// The entry typed so far.
    entry: String,
    /// The form's values, one per field, and the field the keyboard types into.
    form: Vec<String>,
    focus: usize,
    /// The keyboard's layout and pinyin composition.
    keyboard: Keyboard,
}

impl State {
    /// The text the keyboard types into now and what it accepts.
    fn target(&mut self) -> Option<(&mut Keyboard, &mut String, Spec)> {
        let view = self.view.as_ref()?;
        if view.kind == ScreenKind::Form {
            let field = view.form.get(self.focus)?;
            let spec = Spec {
                keys: field.keys,
                max_len: field.max_len,
                extra_key: None,
            };
            let text = self.form.get_mut(self.focus)?;
            Some((&mut self.keyboard, text, spec))
        } else {
            let entry = view.entry.as_ref()?;
            let spec = Spec {
                keys: entry.keys,
                max_len: entry.max_len,
                extra_key: entry.extra_key,
            };
            Some((&mut self.keyboard, &mut self.entry, spec))
        }
    }

    /// Which keys the keyboard offers now.
    fn keys(&self) -> Keys {
        match &self.view {
            Some(v) if v.kind == ScreenKind::Form => {
                v.form.get(self.focus).map_or(Keys::Digits, |f| f.keys)
            }
            Some(v) => v.entry.as_ref().map_or(Keys::Digits, |e| e.keys),
            None => Keys::Digits,
        }
    }

    /// Takes a new view: keeps what was typed while the same entry or form is shown, starts
    /// afresh otherwise.
    fn take_view(&mut self, view: &ScreenView) {
        let old = self.view.as_ref();
        if view.kind == ScreenKind::Form {
            let same_form = old.is_some_and(|old| {
                old.kind == ScreenKind::Form
                    && old.form.len() == view.form.len()
                    && old
                        .form
                        .iter()
                        .zip(&view.form)
                        .all(|(a, b)| a.same_field(b))
            });
            if !same_form {
                self.form = view.form.iter().map(|f| f.value.clone()).collect();
                self.focus = 0;
                self.keyboard =
                    Keyboard::for_keys(view.form.first().map_or(Keys::Text, |f| f.keys));
            }
            self.entry.clear();
        } else {
            // The same entry shown again (a countdown tick, a device status) keeps what was
            // typed; a new prompt (a wrong PIN, a code not found) starts it afresh.
            let same_entry = old.is_some_and(|old| {
                old.kind == view.kind && old.entry == view.entry && old.prompt == view.prompt
            });
            if !same_entry {
                self.entry.clear();
                self.keyboard =
                    Keyboard::for_keys(view.entry.as_ref().map_or(Keys::Digits, |e| e.keys));
            }
            self.form.clear();
            self.focus = 0;
        }
        // The view is kept for the typing rules only: its picture (a camera frame, a face) is
        // not kept, and the clone's pixels are zeroed before they are freed.
        let mut kept = view.clone();
        if let Some(picture) = kept.picture.take() {
            let mut rgba = picture.rgba;
            zeroize::Zeroize::zeroize(&mut rgba);
        }
        self.view = Some(kept);
    }

    /// Whether every required field of the form has a value.
    fn form_complete(&self) -> bool {
        self.view.as_ref().is_some_and(|v| {
            v.kind == ScreenKind::Form
                && v.form
                    .iter()
                    .zip(&self.form)
                    .all(|(f, value)| !f.required || !value.trim().is_empty())
        })
    }

    /// The form's fields and values, as reported on submit.
    fn form_values(&self) -> Vec<(String, String)> {
        self.view.as_ref().map_or_else(Vec::new, |v| {
            v.form
                .iter()
                .zip(&self.form)
                .map(|(f, value)| (f.id.clone(), value.clone()))
                .collect()
        })
    }

    /// Sets every property the typing changes.
    fn refresh(&self, api: &Api<'_>) {
        let entry_spec = self.view.as_ref().and_then(|v| v.entry.as_ref());
        api.set_entry_value(display(&self.entry, entry_spec).into());
        api.set_entry_keys(convert::keys(self.keys()));
        api.set_key_layout(match self.keyboard.layout {
            Layout::Digits => g::KeyLayout::Digits,
            Layout::Letters => g::KeyLayout::Letters,
            Layout::Pinyin => g::KeyLayout::Pinyin,
        });
        api.set_preedit(self.keyboard.preedit().into());
        let candidates: Vec<slint::SharedString> = self
            .keyboard
            .candidates()
            .into_iter()
            .map(Into::into)
            .collect();
        api.set_candidates(ModelRc::new(VecModel::from(candidates)));
        api.set_candidates_prev(self.keyboard.has_previous_page());
        api.set_candidates_next(self.keyboard.has_next_page());
        let fields: Vec<g::FieldData> = self
            .view
            .as_ref()
            .filter(|v| v.kind == ScreenKind::Form)
            .map_or_else(Vec::new, |v| {
                v.form
                    .iter()
                    .zip(&self.form)
                    .map(|(f, value)| g::FieldData {
                        id: f.id.as_str().into(),
                        label: convert::text(&f.label),
                        value: value.as_str().into(),
                        keys: convert::keys(f.keys),
                        required: f.required,
                    })
                    .collect()
            });
        api.set_form_fields(ModelRc::new(VecModel::from(fields)));
        api.set_form_focus(i32::try_from(self.focus).unwrap_or(0));
        api.set_form_complete(self.form_complete());
    }
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
        let mut state = self.state.borrow_mut();
        state.take_view(view);
        state.refresh(&api);
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
        api.on_corner_tap(move || e(UiEvent::CornerTap));
        let e = emit.clone();
        let state = Rc::downgrade(&self.state);
        api.on_entry_submitted(move || {
            let Some(state) = state.upgrade() else { return };
            let text = state.borrow().entry.clone();
            e(UiEvent::EntrySubmitted(text));
        });
        let e = emit.clone();
        let state = Rc::downgrade(&self.state);
        api.on_form_submitted(move || {
            let Some(state) = state.upgrade() else { return };
            let values = {
                let mut st = state.borrow_mut();
                // Letters still being composed go into the field as typed, not lost.
                if let Some((keyboard, text, spec)) = st.target() {
                    keyboard.flush(text, &spec);
                }
                st.form_complete().then(|| st.form_values())
            };
            if let Some(values) = values {
                e(UiEvent::FormSubmitted(values));
            }
        });
        let typing = {
            let state = Rc::downgrade(&self.state);
            let window = self.window.as_weak();
            let emit = emit.clone();
            // Runs one change of the typing state, refreshes the screen, and reports a changed
            // entry (forms report their values on submit).
            move |change: &dyn Fn(&mut State)| {
                let (Some(state), Some(window)) = (state.upgrade(), window.upgrade()) else {
                    return;
                };
                let changed = {
                    let mut st = state.borrow_mut();
                    let before = st.entry.clone();
                    change(&mut st);
                    st.refresh(&window.global::<Api>());
                    let is_entry = st.view.as_ref().is_some_and(|v| v.kind != ScreenKind::Form);
                    (is_entry && st.entry != before).then(|| st.entry.clone())
                };
                emit(UiEvent::Typing);
                if let Some(text) = changed {
                    emit(UiEvent::EntryChanged(text));
                }
            }
        };
        let t = typing.clone();
        api.on_key(move |key| {
            t(&|st: &mut State| {
                if let Some((keyboard, text, spec)) = st.target() {
                    keyboard.key(text, &key, &spec);
                }
            });
        });
        let t = typing.clone();
        api.on_candidate(move |index| {
            t(&|st: &mut State| {
                if let (Ok(index), Some((keyboard, text, spec))) =
                    (usize::try_from(index), st.target())
                {
                    keyboard.choose(text, index, &spec);
                }
            });
        });
        let t = typing.clone();
        api.on_candidates_page(move |delta| {
            t(&|st: &mut State| st.keyboard.turn_page(delta));
        });
        let t = typing.clone();
        api.on_layout(move |layout| {
            t(&|st: &mut State| {
                let layout = match layout {
                    g::KeyLayout::Letters => Layout::Letters,
                    g::KeyLayout::Pinyin => Layout::Pinyin,
                    _ => Layout::Digits,
                };
                let keys = st.keys();
                st.keyboard.set_layout(layout, keys);
            });
        });
        api.on_field_focus(move |index| {
            typing(&|st: &mut State| {
                let Ok(index) = usize::try_from(index) else {
                    return;
                };
                let field_keys = st
                    .view
                    .as_ref()
                    .filter(|v| v.kind == ScreenKind::Form)
                    .and_then(|v| v.form.get(index))
                    .map(|f| f.keys);
                if let Some(keys) = field_keys
                    && index != st.focus
                {
                    if let Some((keyboard, text, spec)) = st.target() {
                        keyboard.flush(text, &spec);
                    }
                    st.focus = index;
                    st.keyboard = Keyboard::for_keys(keys);
                }
            });
        });
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

    fn spec(max_len: usize) -> Entry {
        Entry {
            label: Text::same("x"),
            masked: false,
            max_len,
            extra_key: None,
            keys: Keys::Digits,
        }
    }

    #[test]
    fn masked_entries_show_dots() {
        let mut s = spec(6);
        s.masked = true;
        assert_eq!(display("123", Some(&s)), "●●●");
        assert_eq!(display("123", None), "123");
    }
}
