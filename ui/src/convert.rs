//! The view model turned into the Slint `Api` global's properties.

use crate::generated::{self as g, Api};
use crate::view::{ButtonStyle, Icon, Keys, Lang, Picture, ScreenKind, ScreenView, Text};
use slint::{Image, ModelRc, Rgb8Pixel, Rgba8Pixel, SharedPixelBuffer, VecModel};

/// Sets every property of the current screen.
pub(crate) fn apply(api: &Api<'_>, view: &ScreenView) {
    api.set_kind(kind(view.kind));
    api.set_title(text(&view.title));
    api.set_prompt(text(&view.prompt));
    api.set_body(text(&view.body));
    api.set_icon(view.icon.map_or(g::IconKind::None, icon));
    let items: Vec<g::ItemData> = view
        .items
        .iter()
        .map(|i| g::ItemData {
            id: i.id.as_str().into(),
            label: text(&i.label),
            detail: text(&i.detail),
            icon: i.icon.map_or(g::IconKind::None, icon),
            enabled: i.enabled,
        })
        .collect();
    api.set_items(ModelRc::new(VecModel::from(items)));
    let buttons: Vec<g::ButtonData> = view
        .buttons
        .iter()
        .map(|b| g::ButtonData {
            id: b.id.as_str().into(),
            label: text(&b.label),
            style: match b.style {
                ButtonStyle::Primary => g::ButtonStyle::Primary,
                ButtonStyle::Secondary => g::ButtonStyle::Secondary,
                ButtonStyle::Danger => g::ButtonStyle::Danger,
            },
            enabled: b.enabled,
            selected: b.selected,
        })
        .collect();
    api.set_buttons(ModelRc::new(VecModel::from(buttons)));
    let sections: Vec<g::SectionData> = view
        .sections
        .iter()
        .map(|s| g::SectionData {
            heading: text(&s.heading),
            lines: ModelRc::new(VecModel::from(s.lines.iter().map(text).collect::<Vec<_>>())),
        })
        .collect();
    api.set_sections(ModelRc::new(VecModel::from(sections)));
    match &view.picture {
        Some(p) => {
            api.set_picture(picture(p));
            api.set_has_picture(true);
        }
        None => {
            api.set_picture(Image::default());
            api.set_has_picture(false);
        }
    }
    match view.countdown {
        Some(c) => {
            api.set_countdown_remaining(i32::try_from(c.remaining_s).unwrap_or(i32::MAX));
            api.set_countdown_total(i32::try_from(c.total_s).unwrap_or(i32::MAX));
        }
        None => {
            api.set_countdown_remaining(-1);
            api.set_countdown_total(0);
        }
    }
    api.set_progress(view.progress.unwrap_or(-1.0));
    api.set_show_back(view.back);
    api.set_show_home(view.home);
    api.set_show_staffed(view.staffed_window);
    match view.timeout_warning {
        Some(w) => {
            api.set_warning_visible(true);
            api.set_warning_seconds(
                w.remaining_s
                    .map_or(-1, |s| i32::try_from(s).unwrap_or(i32::MAX)),
            );
            api.set_warning_can_extend(w.can_extend);
        }
        None => api.set_warning_visible(false),
    }
    match &view.entry {
        Some(e) => {
            api.set_entry_label(text(&e.label));
            api.set_entry_extra_key(e.extra_key.map(String::from).unwrap_or_default().into());
            api.set_entry_keys(keys(e.keys));
        }
        None => {
            api.set_entry_label(text(&Text::default()));
            api.set_entry_extra_key("".into());
        }
    }
}

/// The picture as a Slint image; opaque pictures (camera frames) become RGB, which the software
/// renderer copies without blending. The bytes were validated against the size.
fn picture(p: &Picture) -> Image {
    if p.rgba.chunks_exact(4).all(|px| px[3] == 255) {
        let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(p.width, p.height);
        for (dst, src) in buffer
            .make_mut_slice()
            .iter_mut()
            .zip(p.rgba.chunks_exact(4))
        {
            *dst = Rgb8Pixel::new(src[0], src[1], src[2]);
        }
        Image::from_rgb8(buffer)
    } else {
        Image::from_rgba8(SharedPixelBuffer::<Rgba8Pixel>::clone_from_slice(
            &p.rgba, p.width, p.height,
        ))
    }
}

/// Which keys, as Slint's enum.
pub(crate) fn keys(k: Keys) -> g::Keys {
    match k {
        Keys::Digits => g::Keys::Digits,
        Keys::Alphanumeric => g::Keys::Alphanumeric,
        Keys::Text => g::Keys::Text,
    }
}

pub(crate) fn text(t: &Text) -> g::BiText {
    g::BiText {
        zh: t.zh.as_str().into(),
        en: t.en.as_str().into(),
    }
}

fn kind(k: ScreenKind) -> g::ScreenKind {
    match k {
        ScreenKind::Menu => g::ScreenKind::Menu,
        ScreenKind::Notice => g::ScreenKind::Notice,
        ScreenKind::PlaceCard => g::ScreenKind::PlaceCard,
        ScreenKind::FaceCheck => g::ScreenKind::FaceCheck,
        ScreenKind::List => g::ScreenKind::List,
        ScreenKind::Detail => g::ScreenKind::Detail,
        ScreenKind::Entry => g::ScreenKind::Entry,
        ScreenKind::Form => g::ScreenKind::Form,
        ScreenKind::Preview => g::ScreenKind::Preview,
        ScreenKind::Waiting => g::ScreenKind::Waiting,
        ScreenKind::Result => g::ScreenKind::Result,
        ScreenKind::Fault => g::ScreenKind::Fault,
        ScreenKind::OutOfService => g::ScreenKind::OutOfService,
    }
}

fn icon(i: Icon) -> g::IconKind {
    match i {
        Icon::Records => g::IconKind::Records,
        Icon::Certificate => g::IconKind::Certificate,
        Icon::Checkin => g::IconKind::Checkin,
        Icon::Ticket => g::IconKind::Ticket,
        Icon::Progress => g::IconKind::Progress,
        Icon::Guide => g::IconKind::Guide,
        Icon::Ask => g::IconKind::Ask,
        Icon::Rate => g::IconKind::Rate,
        Icon::IdCard => g::IconKind::Idcard,
        Icon::Face => g::IconKind::Face,
        Icon::Printer => g::IconKind::Printer,
        Icon::Success => g::IconKind::Success,
        Icon::Warning => g::IconKind::Warning,
        Icon::Window => g::IconKind::Window,
        Icon::Back => g::IconKind::Back,
        Icon::Home => g::IconKind::Home,
        Icon::Language => g::IconKind::Language,
        Icon::Elder => g::IconKind::Elder,
        Icon::Clock => g::IconKind::Clock,
        Icon::Keypad => g::IconKind::Keypad,
        Icon::Queue => g::IconKind::Queue,
        Icon::Payment => g::IconKind::Payment,
        Icon::Fault => g::IconKind::Fault,
        Icon::Forward => g::IconKind::Forward,
    }
}

/// The view model's language as Slint's.
pub(crate) fn lang_to_slint(l: Lang) -> g::Lang {
    match l {
        Lang::Zh => g::Lang::Zh,
        Lang::En => g::Lang::En,
    }
}

/// Slint's language as the view model's.
pub(crate) fn lang_from_slint(l: g::Lang) -> Lang {
    match l {
        g::Lang::En => Lang::En,
        _ => Lang::Zh,
    }
}
