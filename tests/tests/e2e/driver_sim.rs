//! The real reader driver (serial port code included) against the simulator over real
//! pseudo-terminals, for every card type and every fault the simulator can inject.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use idcard::CardType;
use idcard::driver::{DeviceStatus, Endpoint, ReaderEvent, ReaderService, ServiceConfig};
use kiosk_sim::idcard::{IdcardSim, IdcardSimConfig, MidReadCut, Script, Transport, load_card};
use std::time::Duration;

/// Longest wait for any one event: generous, the machine may be loaded.
const WAIT: Duration = Duration::from_secs(20);

struct Rig {
    sim: IdcardSim,
    reader: ReaderService,
}

async fn rig(card: Option<&str>, warmup: Duration) -> Rig {
    let link = kiosk_e2e::temp_dir("idcard").join("reader");
    let sim = kiosk_sim::idcard::spawn(IdcardSimConfig {
        card: card.map(|c| load_card(c).unwrap()),
        transport: Transport::Pty {
            link: Some(link.clone()),
        },
        warmup,
        ..IdcardSimConfig::default()
    })
    .await
    .unwrap();
    let config = ServiceConfig {
        reopen_interval: Duration::from_millis(200),
        ..ServiceConfig::default()
    };
    let reader = ReaderService::spawn(Endpoint::parse(link.to_str().unwrap(), 115_200), config);
    Rig { sim, reader }
}

impl Rig {
    async fn event(&mut self) -> ReaderEvent {
        tokio::time::timeout(WAIT, self.reader.next_event())
            .await
            .expect("no reader event in time")
            .expect("reader service stopped")
    }

    async fn presented(&mut self) -> Box<idcard::Card> {
        match self.event().await {
            ReaderEvent::CardPresented(card) => card,
            other => panic!("expected a card, got {other:?}"),
        }
    }

    async fn run(&self, script: Script) {
        self.sim.run(script).await.unwrap();
    }

    /// Waits until the simulator has answered `n` more finds (the driver kept polling).
    async fn polls(&self, n: u64) {
        let start = self.sim.stats().counters.finds;
        tokio::time::timeout(WAIT, async {
            while self.sim.stats().counters.finds < start + n {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("the driver stopped polling");
    }

    async fn wait_status(&self, status: DeviceStatus) {
        let mut watch = self.reader.watch_status();
        tokio::time::timeout(WAIT, watch.wait_for(|s| s.status == status))
            .await
            .expect("status not reached in time")
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_card_type_is_read_over_a_pty() {
    for card_type in CardType::ALL {
        let mut rig = rig(Some(card_type.as_str()), Duration::ZERO).await;
        let card = rig.presented().await;
        assert_eq!(card.text.card_type(), card_type);
        assert_eq!(card.photo.wlt().len(), 1024);
        assert!(card.warnings.is_empty(), "{card_type}: {:?}", card.warnings);
        assert_eq!(rig.reader.status().status, DeviceStatus::Online);
        rig.sim.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_left_on_the_reader_is_read_once_then_removed() {
    let mut rig = rig(Some("resident"), Duration::ZERO).await;
    let card = rig.presented().await;
    assert_eq!(card.text.document_number(), "11010519491231002X");
    rig.polls(5).await;
    let stats = rig.sim.stats();
    assert_eq!(
        (stats.counters.selects, stats.counters.reads),
        (1, 1),
        "re-read in a loop: {stats:?}"
    );
    assert!(rig.reader.status().card_present);
    rig.run(Script::Lift).await;
    assert!(matches!(rig.event().await, ReaderEvent::CardRemoved));
    assert!(!rig.reader.status().card_present);
    // Put back: read again.
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "hk_mo_tw_permit",
    )))
    .await;
    assert_eq!(
        rig.presented().await.text.card_type(),
        CardType::HkMoTwPermit
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_lifted_mid_read_short_frame_is_reported_once() {
    let mut rig = rig(None, Duration::ZERO).await;
    rig.wait_status(DeviceStatus::Online).await;
    rig.run(Script::LiftMidRead(MidReadCut::Short)).await;
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "resident",
    )))
    .await;
    assert!(matches!(rig.event().await, ReaderEvent::CardLifted));
    rig.polls(4).await;
    // Nothing more: no garbage card, no second report, no fault.
    let quiet = tokio::time::timeout(Duration::from_millis(300), rig.reader.next_event()).await;
    assert!(quiet.is_err(), "unexpected {quiet:?}");
    assert_eq!(rig.reader.status().status, DeviceStatus::Online);
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "resident",
    )))
    .await;
    rig.presented().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_lifted_mid_read_status_41_is_reported_once() {
    let mut rig = rig(None, Duration::ZERO).await;
    rig.wait_status(DeviceStatus::Online).await;
    rig.run(Script::LiftMidRead(MidReadCut::Status)).await;
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "foreigner_2017",
    )))
    .await;
    assert!(matches!(rig.event().await, ReaderEvent::CardLifted));
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "foreigner_2017",
    )))
    .await;
    assert_eq!(
        rig.presented().await.text.card_type(),
        CardType::Foreigner2017
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn noise_and_bad_checksums_are_absorbed() {
    let mut rig = rig(None, Duration::ZERO).await;
    rig.wait_status(DeviceStatus::Online).await;
    rig.run(Script::Noise(300)).await;
    rig.polls(2).await;
    rig.run(Script::BadChecksum).await;
    rig.polls(2).await;
    rig.run(Script::Noise(40)).await;
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "foreigner_2023",
    )))
    .await;
    let card = rig.presented().await;
    assert_eq!(card.text.card_type(), CardType::Foreigner2023);
    assert_eq!(rig.reader.status().status, DeviceStatus::Online);
    // A bad checksum on whichever reply comes next (a find, or the read itself): repeated, read.
    rig.run(Script::Lift).await;
    assert!(matches!(rig.event().await, ReaderEvent::CardRemoved));
    rig.run(Script::BadChecksum).await;
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "resident",
    )))
    .await;
    let card = rig.presented().await;
    assert_eq!(card.text.card_type(), CardType::Resident);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sam_self_test_failure_and_recovery() {
    let mut rig = rig(None, Duration::ZERO).await;
    rig.wait_status(DeviceStatus::Online).await;
    rig.run(Script::SamFail).await;
    match rig.event().await {
        ReaderEvent::Fault { status, detail } => {
            assert_eq!(status, DeviceStatus::HardwareError);
            assert!(detail.contains("SAM self-test failed"), "{detail}");
        }
        other => panic!("unexpected {other:?}"),
    }
    rig.run(Script::SamOk).await;
    assert!(matches!(rig.event().await, ReaderEvent::Recovered));
    rig.run(Script::Place(kiosk_sim::idcard::CardSpec::parse(
        "resident",
    )))
    .await;
    rig.presented().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unplugged_and_plugged_back_without_restart() {
    let mut rig = rig(Some("resident"), Duration::ZERO).await;
    rig.presented().await;
    rig.run(Script::Unplug).await;
    match rig.event().await {
        ReaderEvent::Fault { status, .. } => assert_eq!(status, DeviceStatus::NoDevice),
        other => panic!("unexpected {other:?}"),
    }
    rig.run(Script::Replug).await;
    assert!(matches!(rig.event().await, ReaderEvent::Recovered));
    assert_eq!(rig.reader.status().status, DeviceStatus::Online);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_warm_up_is_waited_out_without_a_fault() {
    // A module that needs 2.5 s after power-on (reference: 1.3-5 s).
    let mut rig = rig(Some("resident"), Duration::from_millis(2500)).await;
    assert_eq!(rig.reader.status().status, DeviceStatus::Starting);
    let card = rig.presented().await;
    assert_eq!(card.text.card_type(), CardType::Resident);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn power_cycle_while_online_is_a_fault_then_recovery() {
    let mut rig = rig(None, Duration::ZERO).await;
    rig.wait_status(DeviceStatus::Online).await;
    rig.run(Script::Warmup(Duration::from_millis(2000))).await;
    match rig.event().await {
        ReaderEvent::Fault { status, .. } => assert_eq!(status, DeviceStatus::Offline),
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(rig.event().await, ReaderEvent::Recovered));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_transport_works_like_serial() {
    let sim = kiosk_sim::idcard::spawn(IdcardSimConfig {
        card: Some(load_card("resident").unwrap()),
        transport: Transport::Tcp("127.0.0.1:0".parse().unwrap()),
        ..IdcardSimConfig::default()
    })
    .await
    .unwrap();
    let mut reader = ReaderService::spawn(
        Endpoint::parse(&sim.device(), 115_200),
        ServiceConfig::default(),
    );
    let event = tokio::time::timeout(WAIT, reader.next_event())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(event, ReaderEvent::CardPresented(_)), "{event:?}");
}
