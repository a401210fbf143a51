//! Benchmark: how often the liveness check accepts a cooperative citizen and refuses prints, on
//! the camera simulator's scripted sequences, with YuNet and with the cascades.
//!
//! Ten seeds per case (each seed changes the citizen's sway, timing and camera noise); every
//! plan the detector is asked to judge. Reports genuine passes (1 - BPCER on these sequences)
//! and attacks accepted (APCER per attack type), and fails when any attack is accepted.
//!
//! Needs `KIOSK_FACE_PHOTOS` (scripts/fetch-face-data prints it); YuNet runs when
//! `KIOSK_YUNET_MODEL` names the model. Run with `cargo bench -p kiosk-sim --bench face_sweep`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    reason = "a benchmark binary reports on stdout and fails loudly"
)]

use camera::{Consent, Outcome, RunLimits};
use kiosk_sim::camera::{FacePhoto, Scenario, ScenarioConfig, ScriptedSource};
use liveness::{Challenge, ChallengePlan, CheckConfig};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SEEDS: u64 = 10;

fn sweep(photos: &Path, model: Option<&Path>) -> bool {
    use Challenge::*;
    let mut det = camera::detector_from_model(model).unwrap();
    let name = det.name();
    let (allowed, required) = det.challenges();
    let photo = FacePhoto::load(&photos.join("obama.jpg"), det.as_mut()).unwrap();
    let plans: Vec<[Challenge; 2]> = [
        [TurnLeft, Blink],
        [TurnRight, Blink],
        [Nod, Blink],
        [TurnLeft, TurnRight],
    ]
    .into_iter()
    .filter(|p| p.iter().all(|c| allowed.contains(c)) && required.is_none_or(|r| p.contains(&r)))
    .collect();
    println!("detector {name}: plans it judges {plans:?}");
    let mut ok = true;
    for scenario in [
        Scenario::Cooperative,
        Scenario::StillPhoto,
        Scenario::MovedPhoto,
    ] {
        for plan in &plans {
            let mut passed = 0;
            for seed in 1..=SEEDS {
                let mut cfg = ScenarioConfig::new(scenario);
                cfg.frames = 10 * u64::from(cfg.fps);
                cfg.seed = seed;
                let mut source = ScriptedSource::new(cfg, &photo, None).unwrap();
                let report = camera::run_check(
                    &mut source,
                    &mut det,
                    ChallengePlan::fixed(plan).unwrap(),
                    CheckConfig::default(),
                    &Consent::new("bench", std::time::SystemTime::now()),
                    RunLimits::default(),
                )
                .unwrap();
                if report.outcome == Outcome::Passed {
                    passed += 1;
                }
            }
            let what = if scenario == Scenario::Cooperative {
                "genuine passes"
            } else {
                "attacks accepted"
            };
            println!("  {scenario:<12} {plan:?}: {what} {passed}/{SEEDS}");
            if scenario != Scenario::Cooperative && passed > 0 {
                ok = false;
            }
        }
    }
    ok
}

fn main() -> ExitCode {
    let Some(photos) = std::env::var_os("KIOSK_FACE_PHOTOS").map(PathBuf::from) else {
        println!("face_sweep did not run: KIOSK_FACE_PHOTOS is not set (scripts/fetch-face-data)");
        return ExitCode::FAILURE;
    };
    let model = std::env::var_os("KIOSK_YUNET_MODEL").map(PathBuf::from);
    let mut ok = sweep(&photos, None);
    match &model {
        Some(m) => ok &= sweep(&photos, Some(m)),
        None => println!("YuNet not swept: KIOSK_YUNET_MODEL is not set"),
    }
    if ok {
        println!("PASS: no attack accepted");
        ExitCode::SUCCESS
    } else {
        println!("FAIL: an attack was accepted");
        ExitCode::FAILURE
    }
}
