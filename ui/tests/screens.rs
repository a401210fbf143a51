#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly on unexpected values"
)]
//! UI tests through Slint's testing API on the headless software renderer: elements found by
//! accessible label, pressed through their default action, and the drawn pixels checked.

use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementRoot};
use kiosk_ui::generated::Theme;
use kiosk_ui::palette::contrast_ratio;
use kiosk_ui::{
    Frame, Item, KioskUi, Lang, Orientation, Picture, ScreenKind, ScreenView, Text, UiError,
    UiEvent, samples,
};
use slint::{ComponentHandle, Model};
use std::cell::RefCell;
use std::rc::Rc;

/// The events a UI reported, in order.
type Events = Rc<RefCell<Vec<UiEvent>>>;

/// The UI and the events it reported, without the [`UiEvent::Typing`] every key sends (see
/// [`typing_counts`]).
fn headless(o: Orientation, lang: Lang, elder: bool) -> (KioskUi, Events) {
    let (ui, events, _) = typing_counts(o, lang, elder);
    (ui, events)
}

/// The UI, the events it reported other than `Typing`, and how many `Typing` events it sent.
fn typing_counts(o: Orientation, lang: Lang, elder: bool) -> (KioskUi, Events, Rc<RefCell<usize>>) {
    let ui = KioskUi::headless(o, lang, elder).unwrap();
    let events = Rc::new(RefCell::new(Vec::new()));
    let typed = Rc::new(RefCell::new(0));
    let (sink, count) = (events.clone(), typed.clone());
    ui.on_event(move |e| match e {
        UiEvent::Typing => *count.borrow_mut() += 1,
        e => sink.borrow_mut().push(e),
    });
    (ui, events, typed)
}

fn find(ui: &KioskUi, label: &str) -> Option<ElementHandle> {
    ElementHandle::find_by_accessible_label(ui.component(), label).next()
}

fn press(ui: &KioskUi, label: &str) {
    find(ui, label)
        .unwrap_or_else(|| panic!("no element labelled {label:?}"))
        .invoke_accessible_default_action();
}

/// The rectangle of an element in physical pixels (scale factor 1).
fn rect(e: &ElementHandle) -> (u32, u32, u32, u32) {
    let p = e.absolute_position();
    let s = e.size();
    (p.x as u32, p.y as u32, s.width as u32, s.height as u32)
}

/// Pixels in a rectangle that differ clearly from the colour at its top-left inner corner.
fn ink(frame: &Frame, (x, y, w, h): (u32, u32, u32, u32)) -> usize {
    let bg = frame.pixel(x + 6, y + 6).unwrap();
    let mut n = 0;
    for yy in y + 4..y + h.saturating_sub(4) {
        for xx in x + 4..x + w.saturating_sub(4) {
            let p = frame.pixel(xx, yy).unwrap();
            let d: i32 = (0..3)
                .map(|i| (i32::from(p[i]) - i32::from(bg[i])).abs())
                .sum();
            if d > 150 {
                n += 1;
            }
        }
    }
    n
}

fn crop(frame: &Frame, (x, y, w, h): (u32, u32, u32, u32)) -> Vec<[u8; 3]> {
    let mut v = Vec::new();
    for yy in y..y + h {
        for xx in x..x + w {
            v.push(frame.pixel(xx, yy).unwrap());
        }
    }
    v
}

#[test]
fn frames_have_the_orientation_size_and_png_round_trips() {
    for (o, size) in [
        (Orientation::Portrait, (1080, 1920)),
        (Orientation::Landscape, (1920, 1080)),
    ] {
        let (ui, _) = headless(o, Lang::Zh, false);
        ui.show(&samples::menu()).unwrap();
        let frame = ui.render().unwrap();
        assert_eq!((frame.width, frame.height), size);
        assert_eq!(frame.rgb.len(), (size.0 * size.1 * 3) as usize);
    }
    let dir = std::env::temp_dir().join(format!("kiosk-ui-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("menu.png");
    kiosk_ui::render_png(
        &samples::menu(),
        Orientation::Landscape,
        Lang::En,
        true,
        &path,
    )
    .unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
    let reader = decoder.read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (1920, 1080));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_language_toggle_flips_every_text_on_the_screen() {
    let (ui, events) = headless(Orientation::Portrait, Lang::Zh, false);
    let menu = samples::menu();
    ui.show(&menu).unwrap();
    let before = ui.render().unwrap();
    for item in &menu.items {
        assert!(find(&ui, &item.label.zh).is_some(), "{}", item.label.zh);
        assert!(find(&ui, &item.label.en).is_none(), "{}", item.label.en);
    }
    assert!(find(&ui, "返回").is_none(), "the menu hides back");
    assert!(find(&ui, "去人工窗口").is_some());

    press(&ui, "English");
    assert_eq!(ui.lang(), Lang::En);
    assert_eq!(events.borrow().as_slice(), &[UiEvent::Language(Lang::En)]);
    for item in &menu.items {
        assert!(find(&ui, &item.label.en).is_some(), "{}", item.label.en);
        assert!(find(&ui, &item.label.zh).is_none(), "{}", item.label.zh);
    }
    assert!(find(&ui, "Staffed window").is_some());
    assert!(find(&ui, "中文").is_some(), "the toggle now offers Chinese");

    // The pixels of the first tile changed, and both languages left ink in it.
    let tile = rect(&find(&ui, &menu.items[0].label.en).unwrap());
    let after = ui.render().unwrap();
    assert_ne!(crop(&before, tile), crop(&after, tile));
    assert!(
        ink(&before, tile) > 500,
        "zh tile ink {}",
        ink(&before, tile)
    );
    assert!(ink(&after, tile) > 500, "en tile ink {}", ink(&after, tile));

    press(&ui, "中文");
    assert_eq!(ui.lang(), Lang::Zh);
    assert!(find(&ui, &menu.items[0].label.zh).is_some());
}

#[test]
fn tiles_rows_and_chrome_report_the_citizens_intent() {
    let (ui, events) = headless(Orientation::Landscape, Lang::Zh, false);
    ui.show(&samples::menu()).unwrap();
    press(&ui, "预约签到");
    press(&ui, "去人工窗口");
    let list = samples::list();
    ui.show(&list).unwrap();
    press(&ui, &list.items[0].label.zh);
    press(&ui, &list.items[2].label.zh); // disabled: nothing happens
    press(&ui, "返回");
    press(&ui, "首页");
    press(&ui, "大字模式");
    assert!(ui.elder());
    assert_eq!(
        events.borrow().as_slice(),
        &[
            UiEvent::Pressed("checkin".into()),
            UiEvent::StaffedWindow,
            UiEvent::Pressed("u1".into()),
            UiEvent::Back,
            UiEvent::Home,
            UiEvent::ElderMode(true),
        ]
    );
}

#[test]
fn every_touch_target_is_at_least_60_px_in_elder_mode_and_grows() {
    for o in [Orientation::Portrait, Orientation::Landscape] {
        for (name, view) in samples::all() {
            let (ui, _) = headless(o, Lang::Zh, true);
            ui.show(&view).unwrap();
            let buttons = ui
                .component()
                .root_element()
                .query_descendants()
                .match_accessible_role(AccessibleRole::Button)
                .find_all();
            assert!(buttons.len() >= 3, "{name}: {} buttons", buttons.len());
            for b in &buttons {
                let s = b.size();
                assert!(
                    s.width >= 60.0 && s.height >= 60.0,
                    "{name} {o:?}: {:?} is {}x{}",
                    b.accessible_label(),
                    s.width,
                    s.height
                );
            }
        }
    }
    // Elder mode makes the same target larger.
    let height = |elder| {
        let (ui, _) = headless(Orientation::Portrait, Lang::Zh, elder);
        ui.show(&samples::notice()).unwrap();
        find(&ui, "同意并继续").unwrap().size().height
    };
    assert!(height(true) > height(false));
}

#[test]
fn the_palette_has_at_least_4_5_to_1_contrast_in_both_modes() {
    for elder in [false, true] {
        let (ui, _) = headless(Orientation::Portrait, Lang::Zh, elder);
        let t = ui.component().global::<Theme>();
        let pairs = [
            ("ink/background", t.get_ink(), t.get_background()),
            ("ink/surface", t.get_ink(), t.get_surface()),
            ("ink/secondary", t.get_ink(), t.get_secondary()),
            ("ink-muted/surface", t.get_ink_muted(), t.get_surface()),
            (
                "ink-muted/background",
                t.get_ink_muted(),
                t.get_background(),
            ),
            ("on-primary/primary", t.get_on_primary(), t.get_primary()),
            ("primary/surface", t.get_primary(), t.get_surface()),
            (
                "on-secondary/secondary",
                t.get_on_secondary(),
                t.get_secondary(),
            ),
            ("on-danger/danger", t.get_on_danger(), t.get_danger()),
            ("on-header/header", t.get_on_header(), t.get_header()),
            (
                "on-disabled/disabled",
                t.get_on_disabled(),
                t.get_disabled(),
            ),
        ];
        for (name, fg, bg) in pairs {
            let r = contrast_ratio(fg, bg);
            assert!(r >= 4.5, "{name} elder={elder}: {r:.2}:1");
        }
        // The camera band is drawn over a frame: against a white frame it must still hold.
        let band = t.get_camera_band();
        let a = f64::from(band.alpha()) / 255.0;
        let over_white = slint::Color::from_rgb_u8(
            (f64::from(band.red()) * a + 255.0 * (1.0 - a)) as u8,
            (f64::from(band.green()) * a + 255.0 * (1.0 - a)) as u8,
            (f64::from(band.blue()) * a + 255.0 * (1.0 - a)) as u8,
        );
        assert!(contrast_ratio(t.get_on_camera(), over_white) >= 4.5);
    }
}

/// Renders a one-row list whose label is `label` and returns its text's pixels and ink.
fn row_pixels(label: &str) -> (Vec<[u8; 3]>, usize) {
    let (ui, _) = headless(Orientation::Portrait, Lang::Zh, true);
    let mut v = ScreenView::new(ScreenKind::List, Text::same("名单"));
    v.items = vec![Item::new("x", Text::same(label))];
    ui.show(&v).unwrap();
    // The row's Text element (the row itself carries the same label).
    let text = ElementHandle::find_by_accessible_label(ui.component(), label)
        .find(|e| e.type_name().as_deref() == Some("Text"))
        .unwrap();
    let r = rect(&text);
    let frame = ui.render().unwrap();
    (crop(&frame, r), ink(&frame, r))
}

#[test]
fn rare_cjk_characters_render_as_glyphs() {
    let (_, empty_ink) = row_pixels(" ");
    let (missing, _) = row_pixels("\u{F0000}\u{F0001}"); // private use: no font has it
    for name in ["𠮷", "䶮", "王𠮷", "刘䶮"] {
        let (pixels, ink) = row_pixels(name);
        assert!(
            ink > empty_ink + 200,
            "{name}: ink {ink}, empty row {empty_ink}"
        );
        assert_ne!(pixels, missing, "{name} renders like a missing glyph");
    }
    let (a, _) = row_pixels("𠮷");
    let (b, _) = row_pixels("䶮");
    assert_ne!(a, b, "two rare characters draw differently");
    let (ji, _) = row_pixels("吉");
    assert_ne!(a, ji, "𠮷 is not drawn as the common 吉");
}

#[test]
fn the_keypad_collects_a_bounded_entry() {
    let (ui, events, typed) = typing_counts(Orientation::Portrait, Lang::Zh, true);
    ui.show(&samples::entry()).unwrap();
    for k in ["1", "2", "3", "4", "5", "6", "7"] {
        press(&ui, k);
    }
    // Every key is activity, the seventh too, which the entry refused (max_len 6).
    assert_eq!(*typed.borrow(), 7);
    let value = || {
        find(&ui, "entry-value")
            .unwrap()
            .accessible_value()
            .unwrap()
            .to_string()
    };
    assert_eq!(value(), "123456", "max_len 6");
    press(&ui, "删除");
    assert_eq!(value(), "12345");
    // Showing the same screen again (a countdown tick) keeps the text.
    ui.show(&samples::entry()).unwrap();
    assert_eq!(value(), "12345");
    press(&ui, "确定");
    let ev = events.borrow();
    assert_eq!(ev.last(), Some(&UiEvent::EntrySubmitted("12345".into())));
    assert_eq!(ev.first(), Some(&UiEvent::EntryChanged("1".into())));
    drop(ev);
    press(&ui, "清空");
    assert_eq!(value(), "");

    // Masked entries show dots but report the digits.
    let mut masked = samples::entry();
    masked.entry.as_mut().unwrap().masked = true;
    ui.show(&masked).unwrap();
    press(&ui, "9");
    press(&ui, "8");
    assert_eq!(value(), "●●");
    press(&ui, "确定");
    assert_eq!(
        events.borrow().last(),
        Some(&UiEvent::EntrySubmitted("98".into()))
    );
}

#[test]
fn the_timeout_warning_offers_more_time_and_finish() {
    let (ui, events) = headless(Orientation::Portrait, Lang::En, false);
    ui.show(&samples::timeout_warning()).unwrap();
    assert!(find(&ui, "timeout-warning").is_some());
    assert!(
        find(
            &ui,
            "20 seconds until the kiosk returns to the start and clears your data"
        )
        .is_some()
    );
    press(&ui, "More time");
    press(&ui, "Finish");
    assert_eq!(
        events.borrow().as_slice(),
        &[UiEvent::MoreTime, UiEvent::Home]
    );

    let mut no_extend = samples::timeout_warning();
    no_extend.timeout_warning.as_mut().unwrap().can_extend = false;
    ui.show(&no_extend).unwrap();
    assert!(find(&ui, "More time").is_none());
    ui.show(&samples::list()).unwrap();
    assert!(find(&ui, "timeout-warning").is_none());

    // Elder mode: no seconds, the session does not end by itself.
    let mut elder = samples::timeout_warning();
    elder.timeout_warning.as_mut().unwrap().remaining_s = None;
    ui.show(&elder).unwrap();
    assert!(find(&ui, "To go on, tap \"More time\"").is_some());
    assert!(find(&ui, "More time").is_some());
}

#[test]
fn selected_buttons_are_checked_and_drawn_differently() {
    let (ui, events) = headless(Orientation::Portrait, Lang::Zh, false);
    let mut v = ScreenView::new(ScreenKind::Menu, Text::same("评价"));
    v.buttons = vec![
        kiosk_ui::Button::new(
            "slow",
            Text::new("等候太久", "Waited too long"),
            kiosk_ui::ButtonStyle::Secondary,
        ),
        kiosk_ui::Button::new(
            "rude",
            Text::new("态度不好", "Unfriendly"),
            kiosk_ui::ButtonStyle::Secondary,
        ),
    ];
    v.buttons[0].selected = true;
    ui.show(&v).unwrap();
    let on = find(&ui, "等候太久").unwrap();
    let off = find(&ui, "态度不好").unwrap();
    assert_eq!(on.accessible_checked(), Some(true));
    assert_ne!(off.accessible_checked(), Some(true));
    let frame = ui.render().unwrap();
    let (x, y, _, h) = rect(&on);
    let (x2, y2, _, h2) = rect(&off);
    // The left frame edge, half-way down: the selected one is primary-blue and thick.
    assert_ne!(
        frame.pixel(x + 4, y + h / 2),
        frame.pixel(x2 + 4, y2 + h2 / 2)
    );
    off.invoke_accessible_default_action();
    assert_eq!(
        events.borrow().as_slice(),
        &[UiEvent::Pressed("rude".into())]
    );
}

#[test]
fn the_face_check_draws_the_camera_frame_under_the_prompt() {
    let (ui, _) = headless(Orientation::Portrait, Lang::Zh, false);
    let mut v = samples::face_check();
    v.picture = Some(Picture {
        width: 64,
        height: 48,
        rgba: [200u8, 20, 20, 255].repeat(64 * 48),
    });
    ui.show(&v).unwrap();
    let frame = ui.render().unwrap();
    let camera = rect(&find(&ui, "camera").unwrap());
    let p = frame.pixel(camera.0 + 20, camera.1 + 20).unwrap();
    assert!(p[0] > 180 && p[1] < 60 && p[2] < 60, "camera pixel {p:?}");
    let prompt = rect(&find(&ui, &v.prompt.zh).unwrap());
    assert!(ink(&frame, prompt) > 500, "prompt text drawn over the band");
}

#[test]
fn views_the_screen_cannot_show_are_refused_and_the_old_screen_stays() {
    let (ui, _) = headless(Orientation::Portrait, Lang::Zh, false);
    ui.show(&samples::menu()).unwrap();
    let mut bad = samples::face_check();
    bad.picture.as_mut().unwrap().rgba.pop();
    assert!(matches!(ui.show(&bad), Err(UiError::PictureSize { .. })));
    let mut bad = samples::entry();
    bad.entry = None;
    assert!(matches!(ui.show(&bad), Err(UiError::EntryMissing)));
    let mut bad = samples::waiting();
    bad.progress = Some(f32::NAN);
    assert!(matches!(ui.show(&bad), Err(UiError::Progress(_))));
    let mut bad = samples::menu();
    bad.items = vec![Item::new("x", Text::same("x")); 65];
    assert!(matches!(ui.show(&bad), Err(UiError::TooManyItems { .. })));
    assert!(find(&ui, "权属查询").is_some(), "the menu is still shown");
}

#[test]
fn every_sample_renders_in_both_languages_with_its_title_drawn() {
    for (name, view) in samples::all() {
        let mut headers = Vec::new();
        for lang in [Lang::Zh, Lang::En] {
            let (ui, _) = headless(Orientation::Landscape, lang, false);
            ui.show(&view).unwrap();
            let frame = ui.render().unwrap();
            // The header band: the title is the only wide text on its left half.
            let header = (0, 0, 900, 100);
            assert!(ink(&frame, header) > 300, "{name} {lang:?}: no title ink");
            headers.push(crop(&frame, header));
        }
        assert_ne!(
            headers[0], headers[1],
            "{name}: the title did not change language"
        );
    }
}

#[test]
fn a_missing_or_broken_font_file_is_a_typed_error() {
    kiosk_ui::headless::install().unwrap();
    let missing = std::path::Path::new("/nonexistent/kiosk-font.ttc");
    assert!(matches!(
        KioskUi::with_font(Orientation::Portrait, Lang::Zh, false, missing),
        Err(UiError::FontRead { .. })
    ));
    let dir = std::env::temp_dir().join(format!("kiosk-ui-font-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.ttf");
    std::fs::write(&junk, b"not a font at all").unwrap();
    assert!(matches!(
        KioskUi::with_font(Orientation::Portrait, Lang::Zh, false, &junk),
        Err(UiError::FontFace { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn font_bytes_provided_by_the_program_are_used_instead_of_the_file() {
    kiosk_ui::headless::install().unwrap();
    // No file at this path: the bytes handed over are the font.
    let path = std::path::Path::new("/nonexistent/provided/NotoSansCJK.ttc");
    let bytes = std::fs::read(kiosk_ui::fonts::DEFAULT_CJK_FONT_PATH).unwrap();
    kiosk_ui::fonts::provide_font_data(path, std::sync::Arc::new(bytes));
    let ui = KioskUi::with_font(Orientation::Portrait, Lang::Zh, false, path).unwrap();
    assert_eq!(
        ui.component().global::<Theme>().get_font_family(),
        kiosk_ui::fonts::PREFERRED_FAMILY
    );
}

/// The accessible value of the element labelled `label`.
fn value_of(ui: &KioskUi, label: &str) -> String {
    find(ui, label)
        .unwrap_or_else(|| panic!("no element labelled {label:?}"))
        .accessible_value()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_abc_keyboard_types_a_case_number_with_letters_and_dashes() {
    let (ui, events) = headless(Orientation::Portrait, Lang::Zh, false);
    ui.show(&samples::case_number()).unwrap();
    assert!(find(&ui, "拼音").is_none(), "case numbers offer ABC only");
    for k in "BDC-2026-000101".chars() {
        press(&ui, &k.to_string());
    }
    assert_eq!(value_of(&ui, "entry-value"), "BDC-2026-000101");
    press(&ui, "删除");
    press(&ui, "1");
    press(&ui, "确定");
    assert_eq!(
        events.borrow().last(),
        Some(&UiEvent::EntrySubmitted("BDC-2026-000101".into()))
    );
    assert_eq!(
        events.borrow().first(),
        Some(&UiEvent::EntryChanged("B".into()))
    );
    press(&ui, "清空");
    assert_eq!(value_of(&ui, "entry-value"), "");
}

#[test]
fn the_pinyin_layout_commits_beijing_from_its_letters() {
    let (ui, events) = headless(Orientation::Portrait, Lang::Zh, false);
    ui.show(&samples::question_form()).unwrap();
    for k in ["b", "e", "i", "j", "i", "n", "g"] {
        press(&ui, k);
    }
    assert_eq!(value_of(&ui, "preedit"), "bei'jing");
    assert_eq!(value_of(&ui, "field:question"), "", "nothing committed yet");
    // Delete takes composed letters first.
    press(&ui, "删除");
    assert_eq!(value_of(&ui, "preedit"), "bei'jin");
    press(&ui, "g");
    press(&ui, "北京");
    assert_eq!(value_of(&ui, "field:question"), "北京");
    assert_eq!(value_of(&ui, "preedit"), "");
    // The candidate bar pages: "shi" has more candidates than one page.
    for k in ["s", "h", "i"] {
        press(&ui, k);
    }
    let first_page: Vec<String> = ui
        .component()
        .global::<kiosk_ui::generated::Api>()
        .get_candidates()
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert!(!first_page.is_empty());
    press(&ui, "下一页");
    let api = ui.component().global::<kiosk_ui::generated::Api>();
    let second: Vec<String> = api.get_candidates().iter().map(|s| s.to_string()).collect();
    assert_ne!(first_page, second);
    assert!(api.get_candidates_prev());
    press(&ui, &second[0]);
    assert_eq!(
        value_of(&ui, "field:question"),
        format!("北京{}", second[0])
    );
    // Forms report nothing while typing.
    assert!(events.borrow().is_empty(), "{:?}", events.borrow());
}

#[test]
fn a_form_collects_its_fields_and_reports_them_on_submit() {
    let (ui, events) = headless(Orientation::Landscape, Lang::Zh, true);
    let form = samples::address_form();
    ui.show(&form).unwrap();
    // Nothing to submit yet.
    press(&ui, "提交");
    assert!(events.borrow().is_empty());
    // The recipient on the ABC layout, the phone on digits, the address in pinyin.
    press(&ui, "ABC");
    for k in ["L", "I", "SPACE"] {
        if k == "SPACE" {
            press(&ui, "空格");
        } else {
            press(&ui, k);
        }
    }
    press(&ui, "拼音");
    for k in ["w", "a", "n", "g"] {
        press(&ui, k);
    }
    press(&ui, "王");
    assert_eq!(value_of(&ui, "field:recipient"), "LI 王");
    press(&ui, "field:phone");
    assert!(find(&ui, "q").is_none(), "the phone takes digits only");
    for k in "138001380001".chars() {
        press(&ui, &k.to_string());
    }
    assert_eq!(
        value_of(&ui, "field:phone"),
        "13800138000",
        "11 digits at most"
    );
    press(&ui, "下一项");
    for k in ["b", "e", "i", "j", "i", "n", "g"] {
        press(&ui, k);
    }
    press(&ui, "北京");
    press(&ui, "1");
    press(&ui, "field:postal_code");
    for k in "100020".chars() {
        press(&ui, &k.to_string());
    }
    // The flow answers with an error: the same form again keeps what was typed.
    let mut again = form.clone();
    again.prompt = Text::new("邮政编码为 6 位数字", "A postal code has 6 digits");
    ui.show(&again).unwrap();
    assert_eq!(value_of(&ui, "form-prompt"), "邮政编码为 6 位数字");
    assert_eq!(value_of(&ui, "field:address"), "北京1");
    press(&ui, "提交");
    let expected: Vec<(String, String)> = [
        ("recipient", "LI 王"),
        ("phone", "13800138000"),
        ("address", "北京1"),
        ("postal_code", "100020"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert_eq!(
        events.borrow().as_slice(),
        &[UiEvent::FormSubmitted(expected)]
    );
    // Another screen, then the form again: it starts empty.
    ui.show(&samples::menu()).unwrap();
    ui.show(&form).unwrap();
    assert_eq!(value_of(&ui, "field:recipient"), "");
    assert_eq!(value_of(&ui, "field:postal_code"), "");
}

#[test]
fn the_form_shows_both_languages_and_its_keys_stay_large_in_elder_mode() {
    for o in [Orientation::Portrait, Orientation::Landscape] {
        let (ui, _) = headless(o, Lang::Zh, true);
        ui.show(&samples::address_form()).unwrap();
        for label in ["收件人", "手机号码", "详细地址", "邮政编码", "提交"] {
            assert!(find(&ui, label).is_some(), "{label}");
        }
        // With candidates in the bar, every key and candidate is at least 60 px.
        for k in ["b", "e", "i"] {
            press(&ui, k);
        }
        let keyboard = find(&ui, "keyboard").unwrap();
        let keys = keyboard
            .query_descendants()
            .match_accessible_role(AccessibleRole::Button)
            .find_all();
        assert!(keys.len() > 40, "{} keys", keys.len());
        for k in &keys {
            let s = k.size();
            assert!(
                s.width >= 60.0 && s.height >= 60.0,
                "{o:?}: key {:?} is {}x{}",
                k.accessible_label(),
                s.width,
                s.height
            );
        }
        // Every key lies inside the screen.
        let (w, h) = o.size();
        for k in &keys {
            let (x, y, kw, kh) = rect(k);
            assert!(
                x + kw <= w && y + kh <= h,
                "{:?} off screen",
                k.accessible_label()
            );
        }
        press(&ui, "English");
        for label in [
            "Recipient",
            "Mobile number",
            "Address",
            "Postal code",
            "Submit",
        ] {
            assert!(find(&ui, label).is_some(), "{label}");
        }
        assert!(find(&ui, "收件人").is_none());
    }
}

#[test]
fn the_hidden_corner_reports_taps_and_covers_nothing_pressable() {
    for o in [Orientation::Portrait, Orientation::Landscape] {
        for elder in [false, true] {
            let (ui, events) = headless(o, Lang::En, elder);
            for (name, view) in samples::all() {
                ui.show(&view).unwrap();
                let corner = find(&ui, "maintenance-corner").unwrap();
                let (cx, cy, cw, ch) = rect(&corner);
                assert_eq!((cx, cy, cw, ch), (0, 0, 120, 120), "{name}");
                for b in ui
                    .component()
                    .root_element()
                    .query_descendants()
                    .match_accessible_role(AccessibleRole::Button)
                    .find_all()
                {
                    if b.accessible_label().as_deref() == Some("maintenance-corner") {
                        continue;
                    }
                    let (x, y, w, h) = rect(&b);
                    let overlaps = x < cx + cw && cx < x + w && y < cy + ch && cy < y + h;
                    assert!(
                        !overlaps,
                        "{name} {o:?} elder={elder}: {:?} under the corner",
                        b.accessible_label()
                    );
                }
            }
            events.borrow_mut().clear();
            press(&ui, "maintenance-corner");
            press(&ui, "maintenance-corner");
            assert_eq!(
                events.borrow().as_slice(),
                &[UiEvent::CornerTap, UiEvent::CornerTap]
            );
        }
    }
    // Invisible: inside the corner the header looks as it does just outside it.
    let (ui, _) = headless(Orientation::Portrait, Lang::Zh, false);
    ui.show(&samples::menu()).unwrap();
    let frame = ui.render().unwrap();
    let header_bg = frame.pixel(130, 5).unwrap();
    for (x, y) in [(5, 5), (5, 115), (115, 5)] {
        assert_eq!(frame.pixel(x, y).unwrap(), header_bg, "({x}, {y})");
    }
}

#[test]
fn long_titles_wrap_onto_two_lines_instead_of_being_cut() {
    let long = "Face verification: notice and consent for the records query";
    for (o, elder) in [
        (Orientation::Landscape, true),
        (Orientation::Portrait, true),
        (Orientation::Portrait, false),
    ] {
        let (ui, _) = headless(o, Lang::En, elder);
        let mut v = samples::notice();
        v.title = Text::new("人脸识别告知与同意（权属查询、有房无房查询）", long);
        ui.show(&v).unwrap();
        let title = ElementHandle::find_by_accessible_label(ui.component(), long)
            .find(|e| e.type_name().as_deref() == Some("Text"))
            .unwrap();
        let (x, y, w, h) = rect(&title);
        assert!(h >= 130, "{o:?} elder={elder}: title {h} px high");
        let frame = ui.render().unwrap();
        // Both lines carry text, and the toggles are still fully drawn at the top right.
        let top = ink(&frame, (x, y, w, h / 2));
        let bottom = ink(&frame, (x, y + h / 2, w, h / 2));
        assert!(top > 300 && bottom > 300, "{o:?}: ink {top} / {bottom}");
        let toggle = rect(&find(&ui, "中文").unwrap());
        assert!(toggle.1 + toggle.3 <= y + h + 40 && toggle.0 > x + w);
    }
    // A short title keeps the one-line header.
    let (ui, _) = headless(Orientation::Landscape, Lang::En, true);
    ui.show(&samples::notice()).unwrap();
    let short = find(&ui, &samples::notice().title.en).unwrap();
    assert!(rect(&short).3 < 130);
}

#[test]
fn the_camera_preview_is_large_but_bounded_and_keeps_its_shape() {
    let frame_of = |w: u32, h: u32| Picture {
        width: w,
        height: h,
        rgba: [90u8, 100, 110, 255].repeat((w * h) as usize),
    };
    let (ui, _) = headless(Orientation::Portrait, Lang::Zh, false);
    let mut v = samples::face_check();
    // The kiosk's 480 px preview: exactly twice its size.
    v.picture = Some(frame_of(480, 360));
    ui.show(&v).unwrap();
    let s = find(&ui, "camera").unwrap().size();
    assert_eq!((s.width, s.height), (960.0, 720.0));
    // A large portrait frame: shrunk to at most 960 px a side, same shape.
    v.picture = Some(frame_of(1080, 1440));
    ui.show(&v).unwrap();
    let s = find(&ui, "camera").unwrap().size();
    assert!(s.width <= 960.0 && s.height <= 960.0, "{s:?}");
    assert!((s.height / s.width - 1440.0 / 1080.0).abs() < 0.01, "{s:?}");
    assert!(s.height >= 900.0, "{s:?}: still large");
    // Landscape: the preview fits above the prompt band.
    let (ui, _) = headless(Orientation::Landscape, Lang::En, true);
    v.picture = Some(frame_of(480, 360));
    ui.show(&v).unwrap();
    let camera = rect(&find(&ui, "camera").unwrap());
    let prompt = rect(&find(&ui, &v.prompt.en).unwrap());
    assert!(
        camera.1 + camera.3 <= prompt.1,
        "{camera:?} over {prompt:?}"
    );
    assert!(camera.2 >= 560, "{camera:?}: clearly visible");
}
