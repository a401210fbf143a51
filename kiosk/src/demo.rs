//! The kiosk on its embedded defaults (simulators in this process, real drivers on them) or on a
//! configuration file (real hardware). With a display (`SLINT_BACKEND`, `WAYLAND_DISPLAY` or
//! `DISPLAY` set) the Slint touchscreen shows the screens ([`kiosk::app::ui_bridge`]); without one
//! every screen is logged as text lines (personal values withheld). In both, stdin plays the
//! citizen, the operator and the faults.
//!
//! stdin commands:
//! ```text
//! start N | select N | press N | enter TEXT | back | home | window | extend | lang zh|en | elder on|off
//! maint tap | maint pin PIN | maint show N | maint back | maint leave
//! reader <sim command>     (place resident, lift, unplug, ...)      [demo only]
//! printer <sim command>    (paper-out, paper-replaced, cover-open, ...)
//! central <sim command>    (outage on, latency 500, demo, ...)
//! quit
//! ```

use flows::{Choice, FlowKind, Intent, Lang, MaintenanceInput, MaintenanceView, Page, Text};
use kiosk::app::rig::{DemoRig, RigOptions};
use kiosk::app::{DriverHandle, View};
use kiosk::config::Config;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The touchscreen's settings: orientation, language, elder mode at start.
type UiSettings = (kiosk_ui::Orientation, kiosk_ui::Lang, bool);

/// A started kiosk: the driver, the simulators (demo only), the touchscreen's settings.
type Started = (DriverHandle, Option<DemoRig>, UiSettings);

/// Why the touchscreen is wanted: `SLINT_BACKEND`, `WAYLAND_DISPLAY` or `DISPLAY` is set.
fn display_available() -> Option<&'static str> {
    ["SLINT_BACKEND", "WAYLAND_DISPLAY", "DISPLAY"]
        .into_iter()
        .find(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

/// Runs the kiosk until Ctrl-C, `quit` or the window closes: on the embedded demo without a
/// configuration, on real hardware with one. With a display the touchscreen runs on this (the
/// main) thread and the console on `runtime`; without one the screens are printed as text.
pub fn main(runtime: &tokio::runtime::Runtime, config: Option<&std::path::Path>) -> ExitCode {
    let started = runtime.block_on(async {
        match config {
            Some(path) => start_config(path).await,
            None => start_demo().await,
        }
    });
    let (driver, rig, settings) = match started {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (driver, rig, code) = match display_available() {
        Some(var) => {
            tracing::info!("{var} is set: the touchscreen (SLINT_BACKEND selects the backend)");
            touchscreen(runtime, driver, rig, settings)
        }
        None => {
            tracing::info!("no display (SLINT_BACKEND, WAYLAND_DISPLAY, DISPLAY): text screens");
            let code = runtime.block_on(console(&driver, rig.as_ref()));
            (driver, rig, code)
        }
    };
    runtime.block_on(async {
        // The driver writes out the journal before it reports it has stopped.
        driver.shutdown().await;
        if let Some(rig) = rig {
            rig.shutdown().await;
        }
    });
    code
}

/// The touchscreen on this thread, the console on the runtime; falls back to the console alone
/// when the window cannot be opened.
fn touchscreen(
    runtime: &tokio::runtime::Runtime,
    driver: DriverHandle,
    rig: Option<DemoRig>,
    (orientation, lang, elder): UiSettings,
) -> (DriverHandle, Option<DemoRig>, ExitCode) {
    let driver = Arc::new(driver);
    let rig = Arc::new(rig);
    let console_task = {
        let (driver, rig) = (Arc::clone(&driver), Arc::clone(&rig));
        runtime.spawn(async move {
            let code = console(&driver, rig.as_ref().as_ref()).await;
            // `quit` or Ctrl-C on the console closes the window too.
            let _ = slint::quit_event_loop();
            code
        })
    };
    let shown =
        kiosk::app::ui_bridge::run_touchscreen(&driver, runtime.handle(), orientation, lang, elder);
    if let Err(e) = shown {
        tracing::warn!("the touchscreen did not start ({e}): text screens only");
    } else {
        console_task.abort();
    }
    // Awaited, the console task has dropped its handles (a cancelled console is a closed window).
    let code = runtime.block_on(console_task).unwrap_or(ExitCode::SUCCESS);
    match (Arc::try_unwrap(driver), Arc::try_unwrap(rig)) {
        (Ok(driver), Ok(rig)) => (driver, rig, code),
        (driver, rig) => {
            // Still shared (cannot happen once the task is awaited): no orderly shutdown.
            tracing::warn!("the console still holds the driver; not shutting it down");
            drop((driver, rig));
            std::process::exit(0);
        }
    }
}

/// Starts the simulators and the driver on them.
async fn start_demo() -> Result<Started, ExitCode> {
    let state_dir = std::env::var_os("KIOSK_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("kiosk-demo-{}", std::process::id())));
    let mut options = RigOptions::demo(state_dir.clone());
    options.card = None;
    let rig = match DemoRig::start(options).await {
        Ok(rig) => rig,
        Err(e) => {
            eprintln!("kiosk: cannot start the simulated devices: {e:#}");
            return Err(ExitCode::FAILURE);
        }
    };
    println!(
        "模拟读卡器 simulated ID-card reader on {}",
        rig.idcard.device()
    );
    println!(
        "模拟票据打印机 simulated ticket printer on {}",
        rig.printer.device()
    );
    println!(
        "模拟登记中心 simulated central at {}",
        rig.central.base_url()
    );
    println!(
        "状态目录 state: {} (tickets in tickets/, certificates in pdf/)",
        state_dir.display()
    );
    for line in rig.central.demo().lines() {
        // The demo holders' numbers are synthetic; still printed masked.
        println!("{}", mask_digits(&line));
    }
    println!("维护口令 operator PIN of the demo: 246810 (maint tap, then maint pin 246810)");
    let (config, parts) = match rig.parts() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kiosk: {e:#}");
            rig.shutdown().await;
            return Err(ExitCode::FAILURE);
        }
    };
    match kiosk::app::spawn(config, parts) {
        Ok(driver) => Ok((driver, Some(rig), UiSettings::default())),
        Err(e) => {
            eprintln!("kiosk: cannot start the driver: {e}");
            rig.shutdown().await;
            Err(ExitCode::FAILURE)
        }
    }
}

/// Starts the driver on the hardware a configuration file names.
async fn start_config(path: &std::path::Path) -> Result<Started, ExitCode> {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("kiosk: configuration refused: {e}");
            return Err(ExitCode::from(2));
        }
    };
    let ui = &config.file.ui;
    let settings = (
        match ui.orientation {
            kiosk::config::Orientation::Landscape => kiosk_ui::Orientation::Landscape,
            kiosk::config::Orientation::Portrait => kiosk_ui::Orientation::Portrait,
        },
        if ui.language == "en" {
            kiosk_ui::Lang::En
        } else {
            kiosk_ui::Lang::Zh
        },
        ui.elder_mode,
    );
    let (driver_config, parts) = match kiosk::app::from_config(&config) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kiosk: {e:#}");
            return Err(ExitCode::FAILURE);
        }
    };
    match kiosk::app::spawn(driver_config, parts) {
        Ok(driver) => Ok((driver, None, settings)),
        Err(e) => {
            eprintln!("kiosk: cannot start the driver: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Masks `key=value` words with 8 or more digits (ID numbers) but the first and last 4.
fn mask_digits(line: &str) -> String {
    line.split(' ')
        .map(|word| match word.split_once('=') {
            Some((k, v)) if v.chars().filter(char::is_ascii_digit).count() >= 8 => {
                let chars: Vec<char> = v.chars().collect();
                let n = chars.len();
                let masked: String = chars
                    .iter()
                    .enumerate()
                    .map(|(i, c)| if i < 4 || i + 4 >= n { *c } else { '*' })
                    .collect();
                format!("{k}={masked}")
            }
            _ => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A screen as text lines, personal values withheld: the header `== <ScreenId>: <title>` (with
/// ` (…)` while busy, ` (starting)` while the devices are first checked), the body lines, the
/// items `[i] ...` (`(x)` when out of service, for `select i`), an error `! ...`, the buttons
/// `(i) <label> {<ButtonId>}` (for `press i`), the inactivity warning and the maintenance view.
/// The console ends each screen with an empty line.
pub fn describe(view: &View) -> Vec<String> {
    let s = &view.screen;
    let lang = s.lang;
    let text = |t: &Text| match t {
        Text::Personal(_) => "[个人信息 personal]".to_owned(),
        other => other.render(lang),
    };
    let mut out = vec![format!(
        "== {:?}: {}{}{}",
        s.id,
        flows::text::TextKey::get(s.title, lang),
        if s.busy { " (…)" } else { "" },
        if view.starting { " (starting)" } else { "" }
    )];
    out.extend(s.lines.iter().map(|l| format!("   {}", text(l))));
    for (i, item) in s.items.iter().enumerate() {
        let lines: Vec<String> = item.lines.iter().map(&text).collect();
        out.push(format!(
            "   [{i}]{} {}",
            if item.enabled { "" } else { " (x)" },
            lines.join(" / ")
        ));
    }
    if let Some(e) = &s.error {
        out.push(format!("   ! {}", text(e)));
    }
    let buttons: Vec<String> = s
        .buttons
        .iter()
        .enumerate()
        .map(|(i, b)| format!("({i}) {} {{{:?}}}", text(&b.label), b.id))
        .collect();
    if !buttons.is_empty() {
        out.push(format!("   {}", buttons.join("  ")));
    }
    if let Some(w) = &s.warning {
        out.push(format!("   ⚠ {:?}", w.seconds_left));
    }
    match &view.maintenance {
        MaintenanceView::Closed => {}
        other => out.push(format!("   [maintenance] {other:?}")),
    }
    out
}

/// Prints a screen ([`describe`]) and the empty line that ends it.
fn print_screen(view: &View) {
    for line in describe(view) {
        println!("{line}");
    }
    println!();
}

/// The lines of stdin, read on a thread of its own: a read in progress cannot be cancelled, and
/// unlike the runtime's blocking pool (`tokio::io::stdin`) a plain thread does not hold up the
/// exit after `quit` until another line or the end of input arrives.
fn stdin_lines() -> tokio::sync::mpsc::Receiver<String> {
    use std::io::BufRead as _;
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let spawned = std::thread::Builder::new()
        .name("console-stdin".to_owned())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if tx.blocking_send(line).is_err() {
                    break;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("no console input: {e}");
    }
    rx
}

async fn console(driver: &DriverHandle, rig: Option<&DemoRig>) -> ExitCode {
    let mut view = driver.view();
    let mut stdin = stdin_lines();
    let mut stdin_open = true;
    print_screen(&view.borrow_and_update());
    loop {
        tokio::select! {
            changed = view.changed() => {
                if changed.is_err() { break; }
                let v = view.borrow_and_update().clone();
                print_screen(&v);
            }
            line = stdin.recv(), if stdin_open => match line {
                Some(line) => {
                    let line = line.trim().to_owned();
                    if line == "quit" { break; }
                    if let Err(e) = command(driver, rig, &line).await {
                        println!("? {e}");
                    }
                }
                // No terminal (a service, CI): keep running.
                None => stdin_open = false,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    ExitCode::SUCCESS
}

async fn command(driver: &DriverHandle, rig: Option<&DemoRig>, line: &str) -> Result<(), String> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    let num = || {
        rest.parse::<usize>()
            .map_err(|_| format!("{word}: a number"))
    };
    let screen = driver.view().borrow().screen.clone();
    match word {
        "" => {}
        "start" => {
            let kind = FlowKind::ALL.get(num()?).ok_or("start: 0 to 5")?;
            driver.intent(Intent::Start(*kind)).await;
        }
        "select" => driver.intent(Intent::Select(num()?)).await,
        "press" => {
            let b = screen.buttons.get(num()?).ok_or("press: no such button")?;
            driver.intent(Intent::Press(b.id)).await;
        }
        "enter" => driver.intent(Intent::Enter(rest.to_owned())).await,
        "back" => driver.intent(Intent::Back).await,
        "home" => driver.intent(Intent::Home).await,
        "window" => driver.intent(Intent::StaffedWindow).await,
        "extend" => driver.intent(Intent::Extend).await,
        "lang" => {
            let lang = if rest == "en" { Lang::En } else { Lang::Zh };
            driver.intent(Intent::Language(lang)).await;
        }
        "elder" => driver.intent(Intent::ElderMode(rest == "on")).await,
        "maint" => {
            let (w, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            let input = match w {
                "tap" => {
                    for _ in 0..4 {
                        driver.maintenance(MaintenanceInput::CornerTap).await;
                    }
                    MaintenanceInput::CornerTap
                }
                "pin" => MaintenanceInput::Pin(arg.trim().to_owned()),
                "back" => MaintenanceInput::Back,
                "leave" => MaintenanceInput::Choose(Choice::Leave),
                "cancel" => MaintenanceInput::Cancel,
                "show" => {
                    let pages = [
                        Page::Devices,
                        Page::Outbox,
                        Page::JournalTail,
                        Page::Network,
                        Page::Version,
                    ];
                    let i: usize = arg.trim().parse().map_err(|_| "maint show 0..4")?;
                    MaintenanceInput::Choose(Choice::Show(*pages.get(i).ok_or("maint show 0..4")?))
                }
                "test-ticket" => {
                    MaintenanceInput::Choose(Choice::TestPrint(flows::Device::TicketPrinter))
                }
                "test-a4" => MaintenanceInput::Choose(Choice::TestPrint(flows::Device::A4Printer)),
                "paper" => {
                    MaintenanceInput::Choose(Choice::PaperReplaced(flows::Device::TicketPrinter))
                }
                "replay" => MaintenanceInput::Choose(Choice::ReplayOutbox),
                other => {
                    return Err(format!(
                        "maint {other}: tap, pin, show, back, leave, test-ticket, test-a4, paper, replay"
                    ));
                }
            };
            driver.maintenance(input).await;
        }
        "reader" | "printer" | "central" => {
            let rig = rig.ok_or("simulators run only in the demo")?;
            let failed = |e: anyhow::Error| format!("{e:#}");
            match word {
                "reader" => rig.reader(rest).await.map_err(failed)?,
                "printer" => rig.printer(rest).await.map_err(failed)?,
                _ => {
                    for l in rig.central(rest).await.map_err(failed)? {
                        println!("{}", mask_digits(&l));
                    }
                }
            }
            println!("sim: OK {rest}");
        }
        other => return Err(format!("unknown command {other:?}")),
    }
    Ok(())
}
