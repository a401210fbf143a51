//! `kiosk idcard read` and `kiosk idcard watch`: talk to a reader the way the kiosk does (the same
//! reader service), for installers wiring a device.

use clap::{Args, Subcommand};
use idcard::driver::{
    DEFAULT_BAUD, DeviceStatus, Endpoint, ReaderEvent, ReaderService, ServiceConfig,
};
use idcard::{Card, CardRecord};
use std::process::ExitCode;
use std::time::Duration;

/// Exit code: a card was read.
pub const EXIT_READ: u8 = 0;
/// Exit code: no card within `--timeout`.
pub const EXIT_NO_CARD: u8 = 2;
/// Exit code: the reader is missing, silent or faulty.
pub const EXIT_FAULT: u8 = 3;
/// Exit code: a card was read but refused (malformed, inconsistent, unreadable).
pub const EXIT_CARD_REFUSED: u8 = 4;

/// ID-card reader diagnostics.
#[derive(Debug, Subcommand)]
pub enum IdcardCommand {
    /// Reads one card and prints it (masked unless --unmasked). Exit codes: 0 read, 2 no card
    /// within --timeout, 3 reader fault, 4 card refused (inconsistent or unreadable).
    Read {
        #[command(flatten)]
        port: PortArgs,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Print the full ID number, name and address (the holder's own diagnostics only).
        #[arg(long)]
        unmasked: bool,
        /// Seconds to wait for a card.
        #[arg(long, default_value_t = 10.0)]
        timeout: f64,
    },
    /// Prints reader events as they happen, until interrupted.
    Watch {
        #[command(flatten)]
        port: PortArgs,
        /// Print one JSON object per event.
        #[arg(long)]
        json: bool,
    },
}

/// Where the reader is.
#[derive(Debug, Args)]
pub struct PortArgs {
    /// Serial device path (e.g. /dev/ttyUSB0, /dev/serial/by-id/...), or tcp://HOST:PORT.
    #[arg(long)]
    port: String,
    /// Line speed.
    #[arg(long, default_value_t = DEFAULT_BAUD)]
    baud: u32,
    /// Find-card poll interval in milliseconds.
    #[arg(long, default_value_t = 250)]
    poll_ms: u64,
}

impl PortArgs {
    fn service(&self) -> ReaderService {
        let config = ServiceConfig {
            poll_interval: Duration::from_millis(self.poll_ms.max(10)),
            ..ServiceConfig::default()
        };
        ReaderService::spawn(Endpoint::parse(&self.port, self.baud), config)
    }
}

/// Runs an `idcard` subcommand.
pub async fn run(command: IdcardCommand) -> ExitCode {
    match command {
        IdcardCommand::Read {
            port,
            json,
            unmasked,
            timeout,
        } => ExitCode::from(read(&port, json, unmasked, timeout).await),
        IdcardCommand::Watch { port, json } => watch(&port, json).await,
    }
}

async fn read(port: &PortArgs, json: bool, unmasked: bool, timeout: f64) -> u8 {
    let mut service = port.service();
    let wait = Duration::try_from_secs_f64(timeout.max(0.0)).unwrap_or(Duration::from_secs(10));
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let event = match tokio::time::timeout_at(deadline, service.next_event()).await {
            Ok(Some(event)) => event,
            Ok(None) => return EXIT_FAULT,
            Err(_) => {
                let status = service.status().status;
                return if status == DeviceStatus::Online {
                    eprintln!("no card placed within {timeout} s (未检测到身份证)");
                    EXIT_NO_CARD
                } else {
                    eprintln!("reader not ready: {status}");
                    EXIT_FAULT
                };
            }
        };
        match event {
            ReaderEvent::CardPresented(card) => {
                print_card(&card, json, unmasked);
                return EXIT_READ;
            }
            ReaderEvent::CardLifted => {
                eprintln!(
                    "card lifted during the read; place it again (读卡时证件被移开，请重新放置)"
                );
            }
            ReaderEvent::CardRejected(e) => {
                eprintln!("card refused: {e} (证件信息无法校验，请到人工窗口办理)");
                return EXIT_CARD_REFUSED;
            }
            ReaderEvent::CardUnreadable(status) => {
                eprintln!("card unreadable: {status} (无法读取该证件)");
                return EXIT_CARD_REFUSED;
            }
            ReaderEvent::Fault { status, detail } => {
                eprintln!("reader fault ({status}): {detail}");
                return EXIT_FAULT;
            }
            ReaderEvent::CardRemoved | ReaderEvent::Recovered => {}
            other => tracing::debug!(?other, "ignored event"),
        }
    }
}

async fn watch(port: &PortArgs, json: bool) -> ExitCode {
    let mut service = port.service();
    loop {
        let event = tokio::select! {
            event = service.next_event() => event,
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
        };
        let Some(event) = event else {
            return ExitCode::from(EXIT_FAULT);
        };
        let line = describe(&event, json);
        println!("{line}");
    }
}

/// One line for an event: JSON or text. Personal values masked.
pub fn describe(event: &ReaderEvent, json: bool) -> String {
    let (name, detail): (&str, serde_json::Value) = match event {
        ReaderEvent::CardPresented(card) => (
            "card_presented",
            serde_json::to_value(record(card, false)).unwrap_or_default(),
        ),
        ReaderEvent::CardRemoved => ("card_removed", serde_json::Value::Null),
        ReaderEvent::CardLifted => ("card_lifted", serde_json::Value::Null),
        ReaderEvent::CardRejected(e) => ("card_rejected", e.to_string().into()),
        ReaderEvent::CardUnreadable(s) => ("card_unreadable", s.to_string().into()),
        ReaderEvent::Fault { status, detail } => (
            "fault",
            serde_json::json!({"status": status.as_str(), "detail": detail}),
        ),
        ReaderEvent::Recovered => ("recovered", serde_json::Value::Null),
        _ => ("other", serde_json::Value::Null),
    };
    if json {
        serde_json::json!({"event": name, "detail": detail}).to_string()
    } else {
        match (event, detail) {
            (ReaderEvent::CardPresented(card), _) => format!(
                "card_presented {} {} {}",
                card.text.card_type(),
                card.text.name(),
                card.text.document_number_masked()
            ),
            (_, serde_json::Value::Null) => name.to_owned(),
            (_, serde_json::Value::String(s)) => format!("{name} {s}"),
            (_, other) => format!("{name} {other}"),
        }
    }
}

fn record(card: &Card, unmasked: bool) -> CardRecord {
    let mut record = CardRecord::from_text(&card.text, unmasked);
    record.warnings = card.warnings.iter().map(ToString::to_string).collect();
    record
}

fn print_card(card: &Card, json: bool, unmasked: bool) {
    let record = record(card, unmasked);
    if json {
        match serde_json::to_string(&record) {
            Ok(line) => println!("{line}"),
            Err(e) => eprintln!("cannot print the card as JSON: {e}"),
        }
        return;
    }
    let rows: Vec<(&str, Option<&str>)> = vec![
        ("证件类型 card type", Some(card.text.card_type().chinese())),
        ("姓名 name", Some(&record.name)),
        ("英文名 English name", record.english_name.as_deref()),
        ("性别 sex", Some(card.text.sex().chinese())),
        ("民族 nation", record.nation.as_deref()),
        (
            "国籍 nationality",
            record
                .nationality
                .as_deref()
                .or(record.country_code.as_deref()),
        ),
        ("出生 birth date", Some(&record.birth_date)),
        ("住址 address", record.address.as_deref()),
        ("证件号码 number", Some(&record.id_number)),
        ("签发机关 authority", record.authority.as_deref()),
        ("有效期自 valid from", Some(&record.valid_from)),
        ("有效期至 valid to", Some(&record.valid_to)),
        (
            "通行证号码 travel permit",
            record.travel_permit_number.as_deref(),
        ),
    ];
    for (label, value) in rows {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            println!("{label}: {value}");
        }
    }
    for warning in &record.warnings {
        println!("warning: {warning}");
    }
}
