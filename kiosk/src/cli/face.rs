//! `kiosk face detect` and `kiosk face liveness`: the camera pipeline the kiosk runs, on a photo, a
//! video, a folder of frames or a camera, for installers checking a camera's placement and light.
//!
//! Nothing here writes an image: the best frame of a passed check is encoded in memory (as for the
//! central verification call), reported by size only, and wiped with the rest.

use camera::{
    Consent, FaceDetector, Frame, Outcome, RunLimits, SourceOptions, SourceSpec,
    detector_from_model, draw_plan, open_source, run_check_with,
};
use clap::Subcommand;
use liveness::{
    Action, Challenge, ChallengePlan, CheckConfig, Observation, QualityConfig, QualityGate, Verdict,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

/// Exit code: detect found a face that passes the quality gate; liveness passed.
pub const EXIT_OK: u8 = 0;
/// Exit code: liveness failed (the verdict is printed).
pub const EXIT_FAILED: u8 = 1;
/// Exit code: detect found no face, or one that fails the quality gate; liveness ended without a
/// verdict (the source ran out of frames).
pub const EXIT_NOT_USABLE: u8 = 2;
/// Exit code: the image, source or model could not be opened or read.
pub const EXIT_FAULT: u8 = 3;

/// Face-camera diagnostics.
#[derive(Debug, Subcommand)]
pub enum FaceCommand {
    /// Finds the faces in one image: boxes, landmarks, pose, eye openness, the quality gate's
    /// verdict and the time taken. Exit codes: 0 one usable face, 2 no usable face, 3 unreadable.
    Detect {
        /// The image (JPEG or PNG).
        #[arg(long)]
        image: PathBuf,
        /// YuNet model file (ONNX); without it the Haar cascades from opencv-data are used.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Runs the liveness check the kiosk runs over a source. Exit codes: 0 passed, 1 failed, 2 no
    /// verdict before the source ended, 3 source or model fault.
    Liveness {
        /// `video:FILE` (an MJPEG AVI), `frames:DIR` (JPEG/PNG images) or `device:N|PATH`.
        #[arg(long)]
        source: SourceSpec,
        /// Challenges in order, e.g. `turn-left,blink` (2 or 3 of turn-left, turn-right, nod,
        /// blink); without it two are drawn at random among those the detector judges, as the
        /// kiosk does.
        #[arg(long, value_delimiter = ',', value_parser = parse_challenge)]
        challenges: Vec<Challenge>,
        /// YuNet model file (ONNX); without it the Haar cascades from opencv-data are used.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Frame rate of a `frames:DIR` source.
        #[arg(long, default_value_t = camera::DEFAULT_FRAMES_FPS)]
        fps: f64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn parse_challenge(s: &str) -> Result<Challenge, String> {
    Ok(match s.trim() {
        "turn-left" => Challenge::TurnLeft,
        "turn-right" => Challenge::TurnRight,
        "nod" => Challenge::Nod,
        "blink" => Challenge::Blink,
        other => {
            return Err(format!(
                "{other:?} is not one of turn-left, turn-right, nod, blink"
            ));
        }
    })
}

fn challenge_name(c: Challenge) -> &'static str {
    match c {
        Challenge::TurnLeft => "turn-left",
        Challenge::TurnRight => "turn-right",
        Challenge::Nod => "nod",
        Challenge::Blink => "blink",
    }
}

/// Runs a `face` subcommand (OpenCV work on a blocking thread).
pub async fn run(command: FaceCommand) -> ExitCode {
    match tokio::task::spawn_blocking(move || run_blocking(command)).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: the face diagnostic stopped: {e}");
            ExitCode::from(EXIT_FAULT)
        }
    }
}

fn run_blocking(command: FaceCommand) -> u8 {
    match command {
        FaceCommand::Detect { image, model, json } => detect(&image, model.as_deref(), json),
        FaceCommand::Liveness {
            source,
            challenges,
            model,
            fps,
            json,
        } => liveness_check(&source, &challenges, model.as_deref(), fps, json),
    }
}

fn fault(json: bool, what: &str, e: &dyn std::fmt::Display) -> u8 {
    if json {
        println!("{}", json!({ "error": format!("{what}: {e}") }));
    } else {
        eprintln!("error: {what}: {e}");
    }
    EXIT_FAULT
}

fn load(image: &Path) -> Result<Frame, String> {
    // A JPEG or PNG (by content), decoded in pure Rust; the decoded pixels are wiped once copied.
    let mat = camera::decode_image_file(image).map_err(|e| e.to_string())?;
    Ok(Frame::new(mat, 0, 0))
}

fn detect(image: &Path, model: Option<&Path>, json: bool) -> u8 {
    let frame = match load(image) {
        Ok(f) => f,
        Err(e) => return fault(json, &format!("cannot read {}", image.display()), &e),
    };
    let mut detector = match detector_from_model(model) {
        Ok(d) => d,
        Err(e) => return fault(json, "cannot load the face detector", &e),
    };
    let started = Instant::now();
    let detections = match detector.detect(frame.mat()) {
        Ok(d) => d,
        Err(e) => return fault(json, "detection failed", &e),
    };
    let obs = camera::observe(&frame, &detections);
    let quality = QualityGate::assess(&obs, &QualityConfig::default());
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let (w, h) = frame.size();
    let usable = quality.verdict == Verdict::Ok;
    if json {
        let report = json!({
            "image": image.display().to_string(),
            "width": w,
            "height": h,
            "detector": detector.name(),
            "faces": faces_json(&obs),
            "quality": quality_json(quality.verdict, quality.score),
            "brightness": obs.frame.brightness,
            "sharpness": obs.frame.sharpness,
            "time_ms": ms,
        });
        println!("{report}");
    } else {
        println!(
            "{} ({w}x{h}), detector {}: {} face(s) in {ms:.1} ms; brightness {:.0}, sharpness {:.0}",
            image.display(),
            detector.name(),
            obs.faces.len(),
            obs.frame.brightness,
            obs.frame.sharpness
        );
        for (i, f) in obs.faces.iter().enumerate() {
            println!(
                "  face {}: box {:.0},{:.0} {:.0}x{:.0}, score {:.2}, yaw {:+.1}°, pitch {:+.1}°, eyes {}, landmarks {}",
                i + 1,
                f.bbox.x,
                f.bbox.y,
                f.bbox.w,
                f.bbox.h,
                f.score,
                f.yaw_deg,
                f.pitch_deg,
                f.eye_openness
                    .map_or_else(|| "unmeasured".to_owned(), |o| format!("{o:.2}")),
                if f.landmarks.is_some() {
                    "5 points"
                } else {
                    "none"
                },
            );
        }
        match quality.verdict {
            Verdict::Ok => println!("quality: ok (score {:.2})", quality.score),
            Verdict::Prompt(p) => println!("quality: not usable: {} / {}", p.en(), p.zh()),
        }
    }
    if usable { EXIT_OK } else { EXIT_NOT_USABLE }
}

fn faces_json(obs: &Observation) -> Value {
    let pt = |p: liveness::Point| json!([p.x, p.y]);
    Value::Array(
        obs.faces
            .iter()
            .map(|f| {
                json!({
                    "box": [f.bbox.x, f.bbox.y, f.bbox.w, f.bbox.h],
                    "score": f.score,
                    "landmarks": f.landmarks.map(|l| json!({
                        "right_eye": pt(l.right_eye),
                        "left_eye": pt(l.left_eye),
                        "nose": pt(l.nose),
                        "mouth_right": pt(l.mouth_right),
                        "mouth_left": pt(l.mouth_left),
                    })),
                    "yaw_deg": f.yaw_deg,
                    "pitch_deg": f.pitch_deg,
                    "eye_openness": f.eye_openness,
                })
            })
            .collect(),
    )
}

fn quality_json(verdict: Verdict, score: f32) -> Value {
    match verdict {
        Verdict::Ok => json!({ "ok": true, "score": score }),
        Verdict::Prompt(p) => json!({
            "ok": false,
            "prompt": format!("{p:?}"),
            "prompt_zh": p.zh(),
            "prompt_en": p.en(),
        }),
    }
}

fn liveness_check(
    spec: &SourceSpec,
    challenges: &[Challenge],
    model: Option<&Path>,
    fps: f64,
    json: bool,
) -> u8 {
    let mut detector = match detector_from_model(model) {
        Ok(d) => d,
        Err(e) => return fault(json, "cannot load the face detector", &e),
    };
    let plan = if challenges.is_empty() {
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        draw_plan(&detector, seed, 2)
    } else {
        ChallengePlan::fixed(challenges)
    };
    let plan = match plan {
        Ok(p) => p,
        Err(e) => return fault(json, "bad --challenges", &e),
    };
    let options = SourceOptions {
        frames_fps: fps,
        ..SourceOptions::default()
    };
    let mut source = match open_source(spec, &options) {
        Ok(s) => s,
        Err(e) => return fault(json, "cannot open the source", &e),
    };
    // The installer runs this on themselves; the kiosk records a citizen's consent in its journal.
    let consent = Consent::new("diagnostic", SystemTime::now());
    let mut on_action = |action: &Action, at_ms: u64| {
        if json {
            return;
        }
        match action {
            Action::ShowChallenge {
                challenge,
                number,
                of,
                ..
            } => println!(
                "{at_ms:>6} ms  challenge {number}/{of}: {} ({})",
                challenge.en(),
                challenge.zh()
            ),
            Action::ShowPrompt(p) => println!("{at_ms:>6} ms  prompt: {} ({})", p.en(), p.zh()),
            Action::ChallengeMet(c) => println!("{at_ms:>6} ms  met: {}", challenge_name(*c)),
            _ => {}
        }
    };
    let report = match run_check_with(
        &mut source,
        &mut detector,
        plan,
        CheckConfig::default(),
        &consent,
        RunLimits::default(),
        &mut on_action,
    ) {
        Ok(r) => r,
        Err(e) => return fault(json, "the check stopped", &e),
    };
    let (verdict, reason, code) = match report.outcome {
        Outcome::Passed => ("passed", None, EXIT_OK),
        Outcome::Failed(r) => ("failed", Some(r.to_string()), EXIT_FAILED),
        Outcome::SourceEnded => (
            "no-verdict",
            Some("the source ended".into()),
            EXIT_NOT_USABLE,
        ),
        Outcome::FrameLimit => (
            "no-verdict",
            Some("frame limit reached".into()),
            EXIT_NOT_USABLE,
        ),
    };
    let challenges: Vec<Value> = report
        .challenges
        .iter()
        .map(|c| {
            json!({
                "challenge": challenge_name(c.challenge),
                "shown": c.shown,
                "met": c.met,
                "time_ms": c.time_ms,
            })
        })
        .collect();
    if json {
        let out = json!({
            "verdict": verdict,
            "reason": reason,
            "challenges": challenges,
            "frames": report.frames,
            "duration_ms": report.duration_ms,
            "detector": report.detector,
            "source": report.source,
            "per_frame_ms": {
                "median": report.timing.median_ms,
                "p90": report.timing.p90_ms,
                "max": report.timing.max_ms,
            },
            "best_frame_jpeg_bytes": report.best_frame.as_ref().map(|b| b.jpeg.len()),
        });
        println!("{out}");
    } else {
        println!(
            "verdict: {verdict}{}",
            reason.map_or_else(String::new, |r| format!(" ({r})"))
        );
        for c in &report.challenges {
            let state = match (c.shown, c.met) {
                (_, true) => "met",
                (true, false) => "not met",
                (false, false) => "not shown",
            };
            println!(
                "  {:<10} {state}{}",
                challenge_name(c.challenge),
                c.time_ms
                    .map_or_else(String::new, |t| format!(" after {t} ms"))
            );
        }
        println!(
            "{} frames over {} ms of video with {}; per frame median {:.1} ms, p90 {:.1} ms",
            report.frames,
            report.duration_ms,
            report.detector,
            report.timing.median_ms,
            report.timing.p90_ms
        );
        if let Some(best) = &report.best_frame {
            println!(
                "best frame: {}x{} at {} ms, {} JPEG bytes in memory (wiped now, never written)",
                best.width,
                best.height,
                best.at_ms,
                best.jpeg.len()
            );
        }
    }
    code
}
