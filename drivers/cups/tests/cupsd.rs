//! The driver against a real cupsd (one private daemon per test) with raw socket queues to
//! in-test devices. Needs root and Debian package `cups`; fails loudly without them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod support;

use cups::{
    Condition, CupsError, DocumentFormat, JobFailure, JobOutcome, JobState, Printer, PrinterConfig,
    PrinterState,
};
use ipp::model::StatusCode;
use std::time::Duration;
use support::{Cupsd, device, refused_port, sample_pdf};

/// Generous: a loaded CI machine; the happy path takes well under a second.
const LONG: Duration = Duration::from_secs(20);

fn config() -> PrinterConfig {
    PrinterConfig {
        poll_interval: Duration::from_millis(50),
        ..PrinterConfig::default()
    }
}

fn printer(cupsd: &Cupsd, queue: &str) -> Printer {
    Printer::on_server(&cupsd.server(), queue, config()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completed_only_after_the_device_took_every_byte_and_closed() {
    let cupsd = Cupsd::start().await;
    let (port, received) = device().await;
    cupsd.add_raw_queue("kiosk-a4", port);
    let printer = printer(&cupsd, "kiosk-a4");
    let doc = sample_pdf();

    let job = printer
        .submit(doc.clone(), DocumentFormat::Pdf, "certificate")
        .await
        .unwrap();
    let got = tokio::time::timeout(LONG, received)
        .await
        .unwrap_or_else(|_| panic!("device got nothing; cupsd log:\n{}", cupsd.log()))
        .unwrap();
    assert_eq!(got.bytes.len(), doc.len());
    assert!(got.bytes == doc, "the device got different bytes");

    // Every byte is at the device but it has not closed: CUPS must not say completed yet.
    match printer
        .follow(job, Duration::from_millis(800))
        .await
        .unwrap()
    {
        JobOutcome::TimedOut { job, .. } => assert_eq!(job.state, JobState::Processing),
        other => panic!("reported before the device closed: {other:?}"),
    }

    got.release.send(()).unwrap();
    match printer.follow(job, LONG).await.unwrap() {
        JobOutcome::Completed { job } => assert_eq!(job.state, JobState::Completed),
        other => panic!("{other:?}\ncupsd log:\n{}", cupsd.log()),
    }
    let status = printer.printer_status().await.unwrap();
    assert_ne!(status.state, PrinterState::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_bytes_pass_unchanged_as_octet_stream() {
    let cupsd = Cupsd::start().await;
    let (port, received) = device().await;
    cupsd.add_raw_queue("raw", port);
    let printer = printer(&cupsd, "raw");
    let doc: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let job = printer
        .submit(doc.clone(), DocumentFormat::OctetStream, "raw")
        .await
        .unwrap();
    let got = tokio::time::timeout(LONG, received).await.unwrap().unwrap();
    assert!(got.bytes == doc, "the device got different bytes");
    got.release.send(()).unwrap();
    assert!(printer.follow(job, LONG).await.unwrap().is_completed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_refusing_connections_keeps_the_job_processing_until_the_timeout() {
    let cupsd = Cupsd::start().await;
    let refused = refused_port();
    cupsd.add_raw_queue("offline", refused.port);
    let printer = printer(&cupsd, "offline");
    let job = printer
        .submit(sample_pdf(), DocumentFormat::Pdf, "certificate")
        .await
        .unwrap();
    let timeout = Duration::from_secs(2);
    match printer.follow(job, timeout).await.unwrap() {
        JobOutcome::TimedOut {
            timeout: t,
            job,
            printer,
        } => {
            assert_eq!(t, timeout);
            // The socket backend retries; CUPS keeps the job and the queue processing and says
            // why only in the message ("The printer may not exist or is unavailable at this
            // time." from CUPS 2.4's socket backend).
            assert_eq!(job.state, JobState::Processing, "{job:?}");
            assert_eq!(printer.state, PrinterState::Processing, "{printer:?}");
            assert!(
                printer.message.is_some() || job.message.is_some(),
                "{job:?} {printer:?}"
            );
        }
        other => panic!("{other:?}\ncupsd log:\n{}", cupsd.log()),
    }
    printer.cancel(job).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_queue_is_reported_stopped() {
    let cupsd = Cupsd::start().await;
    let (port, _received) = device().await;
    cupsd.add_raw_queue("disabled", port);
    cupsd.disable("disabled");
    let printer = printer(&cupsd, "disabled");

    let status = printer.printer_status().await.unwrap();
    assert_eq!(status.state, PrinterState::Stopped);
    assert!(status.has(&Condition::Paused), "{status:?}");

    let job = printer
        .submit(sample_pdf(), DocumentFormat::Pdf, "certificate")
        .await
        .unwrap();
    match printer.follow(job, LONG).await.unwrap() {
        JobOutcome::Failed(failure @ JobFailure::PrinterStopped { .. }) => {
            assert!(!failure.is_terminal());
            assert_eq!(failure.job().state, JobState::Pending);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabling_a_queue_under_a_processing_job_is_reported() {
    let cupsd = Cupsd::start().await;
    let refused = refused_port();
    cupsd.add_raw_queue("flaky", refused.port);
    let printer = printer(&cupsd, "flaky");
    let job = printer
        .submit(sample_pdf(), DocumentFormat::Pdf, "certificate")
        .await
        .unwrap();
    match printer
        .follow(job, Duration::from_millis(500))
        .await
        .unwrap()
    {
        JobOutcome::TimedOut { .. } => {}
        other => panic!("{other:?}"),
    }
    cupsd.disable("flaky");
    match printer.follow(job, LONG).await.unwrap() {
        // CUPS stops the backend and puts the job back to pending (CUPS 2.4: "Job stopped due
        // to printer being paused").
        JobOutcome::Failed(failure @ JobFailure::PrinterStopped { .. }) => {
            assert!(!failure.is_terminal());
            assert!(matches!(
                failure.job().state,
                JobState::Pending | JobState::Processing
            ));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paper_out_and_jam_reported_by_the_backend_are_typed_failures() {
    let cupsd = Cupsd::start().await;
    for (queue, keyword, condition) in [
        ("paper", "media-empty-error", Condition::MediaEmpty),
        ("jam", "media-jam-error", Condition::MediaJam),
    ] {
        cupsd.add_faulty_queue(queue, keyword);
        let printer = printer(&cupsd, queue);
        let job = printer
            .submit(sample_pdf(), DocumentFormat::Pdf, "certificate")
            .await
            .unwrap();
        match printer.follow(job, LONG).await.unwrap() {
            JobOutcome::Failed(
                ref failure @ JobFailure::PrinterNeedsAttention {
                    ref reason,
                    ref printer,
                    ..
                },
            ) => {
                assert_eq!(reason.keyword, keyword);
                assert_eq!(reason.condition, condition);
                assert!(printer.has(&condition));
                // The job waits for paper; it is not gone.
                assert!(!failure.is_terminal());
                assert!(!failure.job().state.is_terminal());
            }
            other => panic!("{other:?}\ncupsd log:\n{}", cupsd.log()),
        }
        let status = printer.printer_status().await.unwrap();
        assert_eq!(
            status.blocking_reason().map(|r| r.condition.clone()),
            Some(condition)
        );
        printer.cancel(job).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canceled_job_is_reported_canceled() {
    let cupsd = Cupsd::start().await;
    let refused = refused_port();
    cupsd.add_raw_queue("cancel", refused.port);
    let printer = printer(&cupsd, "cancel");
    let job = printer
        .submit(sample_pdf(), DocumentFormat::Pdf, "certificate")
        .await
        .unwrap();
    printer.cancel(job).await.unwrap();
    match printer.follow(job, LONG).await.unwrap() {
        JobOutcome::Failed(failure @ JobFailure::Canceled { .. }) => {
            assert!(failure.is_terminal());
            assert_eq!(failure.job().state, JobState::Canceled);
        }
        other => panic!("{other:?}"),
    }
    // A finished job cannot be canceled again: CUPS refuses, the link is fine.
    let err = printer.cancel(job).await.unwrap_err();
    assert!(err.is_refusal(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_queue_is_a_refusal_and_a_dead_server_a_link_failure() {
    let cupsd = Cupsd::start().await;
    let unknown = printer(&cupsd, "no-such-queue");
    match unknown.submit(sample_pdf(), DocumentFormat::Pdf, "x").await {
        Err(CupsError::Refused { status, .. }) => {
            assert_eq!(status, StatusCode::ClientErrorNotFound)
        }
        other => panic!("{other:?}"),
    }
    let refused = refused_port();
    let dead = Printer::on_server(&format!("127.0.0.1:{}", refused.port), "q", config()).unwrap();
    match dead.printer_status().await {
        Err(err @ CupsError::Link { .. }) => assert!(!err.is_refusal()),
        other => panic!("{other:?}"),
    }
}
