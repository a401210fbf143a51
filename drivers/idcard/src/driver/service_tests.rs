//! The reader service under virtual time, against a scripted peer: every exchange is listed, and
//! a test fails if the service sends something else or leaves a step unused.

use super::service::{DeviceStatus, ReaderEvent, ReaderService, ServiceConfig};
use crate::frame::{Command, Decoder, Response};
use crate::record::CardRecord;
use crate::reply::join_read_data;
use crate::status::Status;
use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};

#[derive(Debug, Clone)]
enum Reply {
    Status(Status, Vec<u8>),
    /// Nothing: a module still warming up, or gone quiet.
    Silent,
    /// The first bytes of the frame only (card lifted mid-read).
    Cut(Status, Vec<u8>, usize),
    /// The device goes away: the stream is closed.
    Hangup,
}

fn ok() -> Reply {
    Reply::Status(Status::Success, vec![])
}

fn sam_id() -> Reply {
    Reply::Status(Status::Success, vec![0x05; 16])
}

fn found() -> Reply {
    Reply::Status(Status::FindOk, vec![0; 4])
}

fn no_card() -> Reply {
    Reply::Status(Status::NoCard, vec![])
}

fn card_data(id_number: &str, birth: &str) -> Vec<u8> {
    let record = CardRecord {
        card_type: "resident".into(),
        name: "王小明".into(),
        sex: "male".into(),
        nation: Some("汉".into()),
        birth_date: birth.into(),
        address: Some("北京市东城区东长安街1号".into()),
        id_number: id_number.into(),
        authority: Some("北京市公安局东城分局".into()),
        valid_from: "2010-01-01".into(),
        valid_to: "2030-01-01".into(),
        ..CardRecord::default()
    };
    join_read_data(&record.encode_text().unwrap(), &[0xA5; 1024], None)
}

fn good_card() -> Reply {
    Reply::Status(
        Status::Success,
        card_data("110101199001010015", "1990-01-01"),
    )
}

/// The script: what the service must send, and what the peer answers.
type Script = Vec<(Command, Reply)>;

fn warm() -> Script {
    vec![(Command::SamStatus, ok()), (Command::SamId, sam_id())]
}

/// Plays a script on one stream; returns how many steps were used. After the script, finds are
/// answered "no card" and anything else fails the test.
async fn peer(mut io: DuplexStream, script: Script, used: Arc<Mutex<usize>>) {
    let mut steps: VecDeque<_> = script.into();
    let mut decoder = Decoder::for_requests();
    let mut buf = [0u8; 256];
    loop {
        let n = match io.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut input = &buf[..n];
        while let Some(body) = decoder.decode(&mut input).unwrap() {
            let command = Command::from_body(&body).unwrap();
            let reply = match steps.pop_front() {
                Some((expected, reply)) => {
                    assert_eq!(command, expected, "step {}", *used.lock().unwrap());
                    *used.lock().unwrap() += 1;
                    reply
                }
                None => {
                    assert_eq!(command, Command::FindCard, "unscripted command");
                    no_card()
                }
            };
            match reply {
                Reply::Status(status, data) => {
                    io.write_all(&Response::new(status, data).encode().unwrap())
                        .await
                        .unwrap();
                }
                Reply::Silent => {}
                Reply::Cut(status, data, keep) => {
                    let frame = Response::new(status, data).encode().unwrap();
                    io.write_all(&frame[..keep]).await.unwrap();
                }
                Reply::Hangup => return,
            }
        }
    }
}

struct Rig {
    service: ReaderService,
    used: Vec<Arc<Mutex<usize>>>,
    lengths: Vec<usize>,
}

/// Starts the service; each script is one connection, `None` a failed open.
fn rig(connections: Vec<Option<Script>>) -> Rig {
    let mut streams = VecDeque::new();
    let mut used = Vec::new();
    let mut lengths = Vec::new();
    for script in connections {
        match script {
            Some(script) => {
                let (host, device) = tokio::io::duplex(8192);
                let counter = Arc::new(Mutex::new(0));
                lengths.push(script.len());
                used.push(counter.clone());
                tokio::spawn(peer(device, script, counter));
                streams.push_back(Ok(host));
            }
            None => streams.push_back(Err(io::Error::from(io::ErrorKind::NotFound))),
        }
    }
    let streams = Arc::new(Mutex::new(streams));
    let service = ReaderService::spawn_with(
        move || {
            let next = streams
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Err(io::Error::from(io::ErrorKind::NotFound)));
            async move { next }
        },
        ServiceConfig::default(),
    );
    Rig {
        service,
        used,
        lengths,
    }
}

impl Rig {
    async fn event(&mut self) -> ReaderEvent {
        tokio::time::timeout(Duration::from_secs(60), self.service.next_event())
            .await
            .expect("no event within a minute of virtual time")
            .expect("service stopped")
    }

    /// Lets the service run a while and asserts every scripted step was used.
    async fn assert_script_done(&self) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        for (i, (used, len)) in self.used.iter().zip(&self.lengths).enumerate() {
            assert_eq!(*used.lock().unwrap(), *len, "connection {i}: steps used");
        }
    }
}

#[tokio::test(start_paused = true)]
async fn warm_up_then_read_once_then_removed() {
    let mut script = vec![
        // Power-on: the module is silent for a while (reference: 1.3-5 s).
        (Command::SamStatus, Reply::Silent),
        (Command::SamStatus, Reply::Silent),
        (Command::SamStatus, Reply::Silent),
    ];
    script.extend(warm());
    script.extend([
        (Command::FindCard, no_card()),
        (Command::FindCard, found()),
        (
            Command::SelectCard,
            Reply::Status(Status::Success, vec![0; 8]),
        ),
        (Command::ReadText, good_card()),
        // The card stays: found again, but not selected or read again.
        (Command::FindCard, found()),
        (Command::FindCard, found()),
        (Command::FindCard, no_card()),
    ]);
    let mut rig = rig(vec![Some(script)]);
    assert_eq!(rig.service.status().status, DeviceStatus::Starting);
    match rig.event().await {
        ReaderEvent::CardPresented(card) => {
            assert_eq!(card.text.document_number(), "110101199001010015");
            assert_eq!(card.text.name().expose(), "王小明");
        }
        other => panic!("unexpected {other:?}"),
    }
    let status = rig.service.status();
    assert_eq!(status.status, DeviceStatus::Online);
    assert!(status.card_present);
    assert_eq!(status.sam_id.unwrap().to_string(), "05".repeat(16));
    assert!(matches!(rig.event().await, ReaderEvent::CardRemoved));
    assert!(!rig.service.status().card_present);
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn card_lifted_mid_read_is_reported_once() {
    let mut script = warm();
    script.extend([
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        // A short frame: 600 of 1295 bytes, then nothing.
        (
            Command::ReadText,
            Reply::Cut(
                Status::Success,
                card_data("110101199001010015", "1990-01-01"),
                600,
            ),
        ),
        // Still in the field: tried again, fails with SW3 41 — not reported a second time.
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        (Command::ReadText, Reply::Status(Status::ReadFailed, vec![])),
        (Command::FindCard, no_card()),
        // Placed again: read whole.
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        (Command::ReadText, good_card()),
    ]);
    let mut rig = rig(vec![Some(script)]);
    assert!(matches!(rig.event().await, ReaderEvent::CardLifted));
    assert!(matches!(rig.event().await, ReaderEvent::CardPresented(_)));
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn inconsistent_card_is_rejected_once_and_not_retried() {
    let mut script = warm();
    // The birth-date field says 1990-01-02, the number says 1990-01-01.
    let bad = Reply::Status(
        Status::Success,
        card_data("110101199001010015", "1990-01-02"),
    );
    script.extend([
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        (Command::ReadText, bad),
        (Command::FindCard, found()),
        (Command::FindCard, found()),
    ]);
    let mut rig = rig(vec![Some(script)]);
    match rig.event().await {
        ReaderEvent::CardRejected(e) => {
            assert_eq!(
                e.to_string(),
                "inconsistent card: birth date differs from the ID number's"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn sam_self_test_failure_then_recovery() {
    let script = vec![
        (
            Command::SamStatus,
            Reply::Status(Status::SelfTestFailed, vec![]),
        ),
        (
            Command::SamStatus,
            Reply::Status(Status::SelfTestFailed, vec![]),
        ),
        (Command::SamStatus, ok()),
        (Command::SamId, sam_id()),
    ];
    let mut rig = rig(vec![Some(script)]);
    match rig.event().await {
        ReaderEvent::Fault { status, detail } => {
            assert_eq!(status, DeviceStatus::HardwareError);
            assert!(detail.contains("SAM self-test failed"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(rig.event().await, ReaderEvent::Recovered));
    assert_eq!(rig.service.status().status, DeviceStatus::Online);
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn unplugged_and_replugged_without_restart() {
    let mut first = warm();
    first.extend([
        (Command::FindCard, no_card()),
        (Command::FindCard, Reply::Hangup),
    ]);
    let mut second = warm();
    second.extend([
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        (Command::ReadText, good_card()),
    ]);
    // Open, lose it, fail to open twice (unplugged), open again (plugged back).
    let mut rig = rig(vec![Some(first), None, None, Some(second)]);
    match rig.event().await {
        ReaderEvent::Fault { status, .. } => assert_eq!(status, DeviceStatus::NoDevice),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(rig.service.status().status, DeviceStatus::NoDevice);
    assert!(matches!(rig.event().await, ReaderEvent::Recovered));
    assert!(matches!(rig.event().await, ReaderEvent::CardPresented(_)));
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn garbled_reply_is_retried_within_the_cap() {
    let mut script = warm();
    script.extend([
        // The reader saw our frame damaged (SW3 10): the find is repeated.
        (
            Command::FindCard,
            Reply::Status(Status::HostChecksumError, vec![]),
        ),
        (Command::FindCard, found()),
        (Command::SelectCard, ok()),
        (Command::ReadText, good_card()),
    ]);
    let mut rig = rig(vec![Some(script)]);
    assert!(matches!(rig.event().await, ReaderEvent::CardPresented(_)));
    rig.assert_script_done().await;
}

#[tokio::test(start_paused = true)]
async fn silent_reader_goes_offline_after_warm_up_limit() {
    // The module never answers: after the warm-up limit the reader is offline.
    let script = vec![(Command::SamStatus, Reply::Silent); 40];
    let mut rig = rig(vec![Some(script)]);
    let start = tokio::time::Instant::now();
    match rig.event().await {
        ReaderEvent::Fault { status, .. } => assert_eq!(status, DeviceStatus::Offline),
        other => panic!("unexpected {other:?}"),
    }
    assert!(start.elapsed() >= ServiceConfig::default().warmup_limit);
}

#[tokio::test(start_paused = true)]
async fn missing_device_is_reported_once() {
    let mut rig = rig(vec![None, None, None]);
    match rig.event().await {
        ReaderEvent::Fault { status, detail } => {
            assert_eq!(status, DeviceStatus::NoDevice);
            assert!(detail.starts_with("cannot open reader"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // Further failed opens change nothing and send no event.
    let quiet = tokio::time::timeout(Duration::from_secs(10), rig.service.next_event()).await;
    assert!(quiet.is_err(), "unexpected event {quiet:?}");
}
