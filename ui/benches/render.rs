//! Benchmarks with budgets: start to first frame (500 ms) and a full 1080x1920 frame in the
//! software renderer (4 ms). Prints medians. `cargo bench -p kiosk-ui --bench render`.
//!
//! Start to first frame is measured in fresh child processes (this binary re-run with
//! `KIOSK_UI_BENCH_CHILD=1`): platform, window, font registration, first view, first full frame.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark harness")]

use kiosk_ui::{KioskUi, Lang, Orientation, samples};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn child() {
    let start = Instant::now();
    let ui = KioskUi::headless(Orientation::Portrait, Lang::Zh, false).unwrap();
    ui.show(&samples::menu()).unwrap();
    let mut buffer = Vec::new();
    ui.render_rgb565(&mut buffer).unwrap();
    println!("{}", start.elapsed().as_nanos());
}

fn main() {
    if std::env::var_os("KIOSK_UI_BENCH_CHILD").is_some() {
        child();
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let starts: Vec<Duration> = (0..7)
        .map(|_| {
            let out = Command::new(&exe)
                .env("KIOSK_UI_BENCH_CHILD", "1")
                .output()
                .unwrap();
            let ns: u64 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
            Duration::from_nanos(ns)
        })
        .collect();
    let start = median(starts);
    println!(
        "start to first frame (1080x1920, menu, fresh process): median {:.1} ms (budget 500 ms)",
        start.as_secs_f64() * 1e3
    );

    let ui = KioskUi::headless(Orientation::Portrait, Lang::Zh, false).unwrap();
    for (name, view) in [
        ("menu", samples::menu()),
        ("list", samples::list()),
        ("face-check", samples::face_check()),
        ("face-check without a camera frame", {
            let mut v = samples::face_check();
            v.picture = None;
            v
        }),
        ("face-check, 480x360 frame (the kiosk's preview size)", {
            let mut v = samples::face_check();
            let (w, h) = (480, 360);
            v.picture = Some(kiosk_ui::Picture {
                width: w,
                height: h,
                rgba: [120u8, 130, 140, 255].repeat((w * h) as usize),
            });
            v
        }),
        (
            "address form with the pinyin keyboard",
            samples::address_form(),
        ),
        ("face-check, 1080x1440 frame (shrunk to the box)", {
            let mut v = samples::face_check();
            let (w, h) = (1080, 1440);
            v.picture = Some(kiosk_ui::Picture {
                width: w,
                height: h,
                rgba: [120u8, 130, 140, 255].repeat((w * h) as usize),
            });
            v
        }),
    ] {
        ui.show(&view).unwrap();
        let mut buffer = Vec::new();
        ui.render_rgb565(&mut buffer).unwrap(); // warm glyph caches
        let times: Vec<Duration> = (0..31)
            .map(|_| {
                let t = Instant::now();
                ui.render_rgb565(&mut buffer).unwrap();
                t.elapsed()
            })
            .collect();
        println!(
            "full 1080x1920 frame, {name}, RGB565, software renderer: median {:.2} ms (budget 4 ms)",
            median(times).as_secs_f64() * 1e3
        );
    }
    ui.show(&samples::menu()).unwrap();
    let times: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            ui.render().unwrap();
            t.elapsed()
        })
        .collect();
    println!(
        "full 1080x1920 frame, menu, RGB8 (screenshot path): median {:.2} ms",
        median(times).as_secs_f64() * 1e3
    );
}
