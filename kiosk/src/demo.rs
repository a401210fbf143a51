//! The kiosk on its embedded defaults: simulated devices on this machine, real drivers on them.
//!
//! For now (the reader is the first device): the ID-card reader simulator on a pseudo-terminal,
//! the real reader service on that pseudo-terminal, and every event printed. Lines typed on stdin
//! are simulator commands (`place foreigner_2023`, `lift`, `unplug`, ...), so an operator can play
//! the citizen and the faults.

use crate::cli::idcard::describe;
use idcard::driver::{Endpoint, ReaderEvent, ReaderService, ServiceConfig};
use kiosk_sim::idcard::{IdcardSimConfig, Script, Transport};
use std::process::ExitCode;
use std::time::Duration;
use tokio::io::AsyncBufReadExt;

/// A real module needs 1.3-5 s after power-up (reference, "Link"); the demo shows that start.
const DEMO_WARMUP: Duration = Duration::from_millis(1500);

/// Runs the demo until Ctrl-C (or `quit` on stdin).
pub async fn run() -> ExitCode {
    let link = std::env::temp_dir().join(format!("kiosk-demo-idcard-{}", std::process::id()));
    let card = match kiosk_sim::idcard::load_card("resident") {
        Ok(card) => card,
        Err(e) => {
            eprintln!("kiosk: built-in sample card unusable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = IdcardSimConfig {
        card: Some(card),
        transport: Transport::Pty {
            link: Some(link.clone()),
        },
        warmup: DEMO_WARMUP,
        ..IdcardSimConfig::default()
    };
    let sim = match kiosk_sim::idcard::spawn(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("kiosk: cannot start the simulated ID-card reader: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "模拟读卡器 simulated ID-card reader on {} (stable name {})",
        sim.device(),
        link.display()
    );
    println!(
        "type simulator commands: place <card>, lift, lift-mid-read, noise N, bad-checksum, sam-fail, sam-ok, unplug, replug, warmup MS, status, quit"
    );
    let mut reader = ReaderService::spawn(
        Endpoint::parse(&link.to_string_lossy(), idcard::driver::DEFAULT_BAUD),
        ServiceConfig::default(),
    );
    let mut status = reader.watch_status();
    let mut shown_status = None;
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    loop {
        tokio::select! {
            event = reader.next_event() => {
                let Some(event) = event else { break };
                print_event(&event);
            }
            changed = status.changed() => {
                if changed.is_err() { break; }
                let now = status.borrow_and_update().status;
                if shown_status != Some(now) {
                    shown_status = Some(now);
                    println!("读卡器状态 reader status: {now}");
                }
            }
            line = stdin.next_line(), if stdin_open => match line {
                Ok(Some(line)) => {
                    let line = line.trim();
                    if line.is_empty() { continue; }
                    match Script::parse(line) {
                        Ok(Some(Script::Quit)) => break,
                        Ok(Some(script)) => match sim.run(script).await {
                            Ok(()) => println!("sim: OK {line}"),
                            Err(e) => println!("sim: ERR {e:#}"),
                        },
                        Ok(None) => {}
                        Err(e) => println!("sim: ERR {e}"),
                    }
                }
                // No terminal (a service, CI): keep running on the sample card alone.
                Ok(None) | Err(_) => stdin_open = false,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    reader.stop();
    sim.shutdown().await;
    ExitCode::SUCCESS
}

fn print_event(event: &ReaderEvent) {
    match event {
        ReaderEvent::CardPresented(card) => {
            let validity = card.text.validity();
            println!(
                "读到证件 card read: {} {} {} (有效期 valid {} – {})",
                card.text.card_type().chinese(),
                card.text.name(),
                card.text.document_number_masked(),
                validity.from,
                validity.to
            );
        }
        other => println!("读卡器事件 reader event: {}", describe(other, false)),
    }
}
