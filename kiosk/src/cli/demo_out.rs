//! `kiosk demo --out DIR [--flows LIST]`: scripted journeys through every flow, headless. At
//! every new screen it writes `DIR/<flow>/<NN>-<screen>-<zh|en>-<portrait|landscape>.png`, every
//! print job as `DIR/<flow>/print-NN-<kind>.png` (tickets, as the printer's raster) or `.pdf`
//! (certificates), and `DIR/index.json` listing every file with its flow, step and screen.
//!
//! Files on disk never carry a full ID number: the screenshots show the citizen's own values
//! masked ([`journeys::for_disk`]). The certificate PDFs are the exception, as a printed
//! certificate must show its holder's number: they keep the synthetic sample's (no real
//! person), and `index.json`'s `note` says so.

use anyhow::{Context, Result, anyhow};
use central_api::dto::Requester;
use flows::PrintJob;
use kiosk::screens::journeys::{self, CITIZEN_NAME, Event, Journey};
use kiosk::screens::{self, Pictures};
use kiosk_ui::{KioskUi, Lang, Orientation, Picture};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The hall's name on the demo's tickets.
const HALL: &str = "北京市朝阳区不动产登记中心";

/// Arguments of `kiosk demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Write the screenshots, printouts and `index.json` into this folder (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Only these journeys, comma-separated: records, records-elder, checkin, ticket, case,
    /// guide, ask-rate, faults (default: all).
    #[arg(long, value_delimiter = ',')]
    pub flows: Option<Vec<String>>,
}

/// One file of the output, as listed in `index.json`.
#[derive(Debug, Serialize)]
struct FileEntry {
    /// Path relative to the output folder.
    file: String,
    /// The journey.
    flow: &'static str,
    /// The step: the screen's number in the journey (a print job's, the screen it came from).
    step: usize,
    /// The screen id (kebab-case).
    screen: String,
    /// `screen` or `print`.
    kind: &'static str,
    /// Screenshots: `zh` or `en`.
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'static str>,
    /// Screenshots: `portrait` or `landscape`.
    #[serde(skip_serializing_if = "Option::is_none")]
    orientation: Option<&'static str>,
    /// Screenshots: elder mode.
    #[serde(skip_serializing_if = "Option::is_none")]
    elder: Option<bool>,
    /// Print jobs: what was printed (`certificate`, `queue_ticket`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    print: Option<&'static str>,
}

/// What `index.json` says about personal data in the output.
const NOTE: &str = "Synthetic data (flows::samples), no real person. Screenshots mask the \
citizen's own ID number (first 4 and last 4 characters) and name, as files on disk must; the \
certificate PDFs (print-NN-certificate.pdf) keep the sample's full synthetic ID number to show \
the real certificate layout.";

#[derive(Debug, Serialize)]
struct Index {
    /// Personal data in these files.
    note: &'static str,
    screens: usize,
    screenshots: usize,
    prints: usize,
    elapsed_ms: u128,
    /// Time spent drawing screens (software renderer).
    render_ms: u128,
    /// Time spent encoding and writing screenshots.
    png_ms: u128,
    files: Vec<FileEntry>,
}

/// Runs `kiosk demo --out DIR`. Exit codes: 0 written, 1 failed (the reason on stderr).
pub fn run(args: DemoArgs) -> ExitCode {
    match write_all(&args) {
        Ok(index) => {
            println!(
                "{}: {} screens, {} screenshots, {} printouts in {} ms ({} ms drawing, {} ms PNG)",
                args.out.display(),
                index.screens,
                index.screenshots,
                index.prints,
                index.elapsed_ms,
                index.render_ms,
                index.png_ms
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kiosk demo: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The four headless screens: both orientations, both languages.
struct Screens {
    uis: Vec<(KioskUi, Orientation, &'static str, Lang, &'static str)>,
}

impl Screens {
    fn new() -> Result<Screens> {
        let mut uis = Vec::new();
        for (o, on) in [
            (Orientation::Portrait, "portrait"),
            (Orientation::Landscape, "landscape"),
        ] {
            for (l, ln) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
                let ui = KioskUi::headless(o, l, false)
                    .map_err(|e| anyhow!("headless screen ({on}, {ln}): {e}"))?;
                uis.push((ui, o, on, l, ln));
            }
        }
        Ok(Screens { uis })
    }
}

fn write_all(args: &DemoArgs) -> Result<Index> {
    let started = Instant::now();
    let names: Vec<String> = match &args.flows {
        Some(list) => list.iter().map(|s| s.trim().to_owned()).collect(),
        None => journeys::NAMES.iter().map(|s| (*s).to_owned()).collect(),
    };
    let journeys: Vec<Journey> = names
        .iter()
        .map(|n| journeys::journey(n))
        .collect::<Result<_>>()?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let pictures = Pictures::load_default().map_err(|e| anyhow!("ticket fonts: {e}"))?;
    let pdf_fonts =
        documents::fonts::Fonts::load_default().map_err(|e| anyhow!("certificate fonts: {e}"))?;
    let screens = Screens::new()?;
    let mut index = Index {
        note: NOTE,
        screens: 0,
        screenshots: 0,
        prints: 0,
        elapsed_ms: 0,
        render_ms: 0,
        png_ms: 0,
        files: Vec::new(),
    };
    for journey in &journeys {
        write_journey(
            journey, &args.out, &screens, &pictures, &pdf_fonts, &mut index,
        )?;
    }
    index.elapsed_ms = started.elapsed().as_millis();
    let json = serde_json::to_vec_pretty(&index)?;
    let path = args.out.join("index.json");
    std::fs::write(&path, json).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(index)
}

fn write_journey(
    journey: &Journey,
    out: &Path,
    screens: &Screens,
    pictures: &Pictures,
    pdf_fonts: &documents::fonts::Fonts,
    index: &mut Index,
) -> Result<()> {
    let dir = out.join(journey.name);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut step = 0usize;
    let mut screen_name = String::from("idle");
    let mut print_no = 0usize;
    for event in &journey.events {
        match event {
            Event::Shot(shot) => {
                step += 1;
                screen_name = screens::screen_name(shot.screen.id);
                let view = screen_view(shot, pictures)?;
                index.screens += 1;
                for (ui, _, on, _, ln) in &screens.uis {
                    ui.set_elder(shot.screen.elder);
                    ui.show(&view).map_err(|e| {
                        anyhow!("{} step {step} ({screen_name}): {e}", journey.name)
                    })?;
                    let file = format!("{step:02}-{screen_name}-{ln}-{on}.png");
                    let t = Instant::now();
                    let frame = ui.render().map_err(|e| anyhow!("render: {e}"))?;
                    index.render_ms += t.elapsed().as_millis();
                    let t = Instant::now();
                    frame
                        .write_png(&dir.join(&file))
                        .map_err(|e| anyhow!("{file}: {e}"))?;
                    index.png_ms += t.elapsed().as_millis();
                    index.screenshots += 1;
                    index.files.push(FileEntry {
                        file: format!("{}/{file}", journey.name),
                        flow: journey.name,
                        step,
                        screen: screen_name.clone(),
                        kind: "screen",
                        lang: Some(ln),
                        orientation: Some(on),
                        elder: Some(shot.screen.elder),
                        print: None,
                    });
                }
            }
            Event::Print(job) => {
                print_no += 1;
                let kind = job.as_str();
                let (ext, bytes) = printout(job, pictures, pdf_fonts)?;
                let file = format!("print-{print_no:02}-{}.{ext}", kind.replace('_', "-"));
                std::fs::write(dir.join(&file), bytes)
                    .with_context(|| format!("cannot write {file}"))?;
                index.prints += 1;
                index.files.push(FileEntry {
                    file: format!("{}/{file}", journey.name),
                    flow: journey.name,
                    step,
                    screen: screen_name.clone(),
                    kind: "print",
                    lang: None,
                    orientation: None,
                    elder: None,
                    print: Some(kind),
                });
            }
        }
    }
    Ok(())
}

/// A screen as its screenshots show it: the citizen's own values masked, with its picture.
fn screen_view(shot: &journeys::Shot, pictures: &Pictures) -> Result<kiosk_ui::ScreenView> {
    let picture = picture_for(shot, pictures)?;
    Ok(screens::view_with(
        &journeys::for_disk(&shot.screen),
        picture,
    ))
}

/// The picture a screen shows: the camera (a stand-in frame), the certificate preview or the
/// payment QR.
fn picture_for(shot: &journeys::Shot, pictures: &Pictures) -> Result<Option<Picture>> {
    use flows::ScreenId;
    Ok(match shot.screen.id {
        ScreenId::FaceCheck | ScreenId::ScanQr => Some(screens::camera_frame(640, 480)),
        ScreenId::Preview => match &shot.screen.document {
            Some(flows::screen::Document::Certificate(c)) => Some(
                pictures
                    .certificate(c)
                    .map_err(|e| anyhow!("certificate preview: {e}"))?,
            ),
            None => None,
        },
        ScreenId::PaymentQr => match &shot.screen.qr {
            Some(payload) => Some(
                pictures
                    .qr(payload)
                    .map_err(|e| anyhow!("payment QR: {e}"))?,
            ),
            None => None,
        },
        _ => None,
    })
}

/// A print job as the file it becomes: `("pdf", bytes)` or `("png", bytes)`.
fn printout(
    job: &PrintJob,
    pictures: &Pictures,
    pdf_fonts: &documents::fonts::Fonts,
) -> Result<(&'static str, Vec<u8>)> {
    use documents::certificate::{CertificateDoc, KioskContext, Wording, render_pdf};
    use kiosk::app::printers::{Printout, printout};
    let ticket = match printout(
        job.clone(),
        HALL,
        tickets::mask_name(CITIZEN_NAME),
        journeys::START,
    ) {
        Printout::Certificate(cert) => {
            let ctx = KioskContext {
                device_id: "KIOSK-DEMO-01".to_owned(),
                printed_at: journeys::START,
                requester: Requester::Holder,
                wording: Wording::for_agency(&cert.agency),
            };
            let pdf = render_pdf(&CertificateDoc::new(&cert, &ctx), pdf_fonts)
                .map_err(|e| anyhow!("certificate PDF: {e}"))?;
            return Ok(("pdf", pdf));
        }
        Printout::Ticket(ticket) => ticket,
    };
    let raster = tickets::render_raster(
        &ticket.layout(),
        tickets::PaperWidth::Mm80,
        pictures.fonts(),
    )
    .map_err(|e| anyhow!("ticket raster: {e}"))?;
    let png = raster.to_png().map_err(|e| anyhow!("ticket PNG: {e}"))?;
    Ok(("png", png))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]
    use super::*;

    #[test]
    fn no_screenshot_carries_the_citizens_full_id_number() {
        let own = flows::samples::own_id().unwrap();
        let pictures = Pictures::load_default().unwrap();
        let (mut views, mut unmasked) = (0, 0);
        for journey in journeys::all().unwrap() {
            for shot in journey.shots() {
                let mut view = screen_view(shot, &pictures).unwrap();
                view.picture = None;
                let texts = format!("{view:?}");
                assert!(
                    !texts.contains(&own),
                    "{} {:?}: {texts}",
                    journey.name,
                    shot.screen.id
                );
                views += 1;
                // The same screen without the masking shows the number (the check can fail).
                if format!("{:?}", screens::view(&shot.screen)).contains(&own) {
                    unmasked += 1;
                }
            }
        }
        assert!(views > 50, "{views} screens");
        assert!(unmasked > 0, "no journey shows the citizen her own number");
    }
}
