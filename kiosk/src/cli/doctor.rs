//! `kiosk doctor`: checks the configuration, the devices, the fonts, CUPS, central and the
//! store, one line per check (`OK`, `WARN` or `FAIL`), and says what to fix. Exit code 0 when
//! every check passed (a `WARN` passes: the kiosk works, but something should change, such as
//! a local CUPS keeping printed certificates in its spool), 1 otherwise, 2 when the
//! configuration is refused.
//!
//! With no `--config` it checks the embedded demo: the simulators are started in this process.
//! `kiosk doctor --hash-pin` reads a PIN on stdin and prints the `maintenance.pin_hash` value.

use kiosk::app::doctor::{self, Target};
use kiosk::app::rig::{DemoRig, RigOptions};
use kiosk::config::{Config, PIN_ITERATIONS, hash_pin};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// `kiosk doctor` options.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Read an operator PIN on stdin and print its hash for `maintenance.pin_hash`.
    #[arg(long)]
    pub hash_pin: bool,
}

/// Runs `kiosk doctor`.
pub async fn run(config: Option<&Path>, args: DoctorArgs) -> ExitCode {
    if args.hash_pin {
        return hash_from_stdin();
    }
    let (checks, rig) = match config {
        Some(path) => {
            let config = match Config::load(path) {
                Ok(c) => c,
                Err(e) => {
                    println!(
                        "FAIL configuration: {e} -- fix: correct that key (see kiosk.example.toml)"
                    );
                    return ExitCode::from(2);
                }
            };
            match Target::from_config(&config) {
                Ok(target) => (doctor::run(target).await, None),
                Err(e) => {
                    println!("FAIL configuration: {e:#} -- fix: correct the file it names");
                    return ExitCode::from(2);
                }
            }
        }
        None => {
            let dir = std::env::temp_dir().join(format!("kiosk-doctor-{}", std::process::id()));
            let mut options = RigOptions::demo(dir);
            options.reader_warmup = Duration::from_millis(200);
            let rig = match DemoRig::start(options).await {
                Ok(r) => r,
                Err(e) => {
                    println!(
                        "FAIL simulators: {e:#} -- fix: the demo needs pseudo-terminals and loopback"
                    );
                    return ExitCode::FAILURE;
                }
            };
            match rig.doctor_target() {
                Ok(target) => (doctor::run(target).await, Some(rig)),
                Err(e) => {
                    println!("FAIL central: {e:#}");
                    rig.shutdown().await;
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    for check in &checks {
        println!("{}", check.line());
    }
    if let Some(rig) = rig {
        let dir = rig.options.state_dir.clone();
        rig.shutdown().await;
        let _ = std::fs::remove_dir_all(dir);
    }
    if doctor::all_ok(&checks) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn hash_from_stdin() -> ExitCode {
    let mut pin = String::new();
    if std::io::stdin().read_line(&mut pin).is_err() {
        eprintln!("kiosk doctor --hash-pin: cannot read the PIN from stdin");
        return ExitCode::FAILURE;
    }
    let pin = pin.trim();
    if pin.len() < 6 || !pin.chars().all(|c| c.is_ascii_digit()) {
        eprintln!("kiosk doctor --hash-pin: the PIN must be at least 6 digits");
        return ExitCode::FAILURE;
    }
    println!("pin_hash = \"{}\"", hash_pin(pin, PIN_ITERATIONS));
    ExitCode::SUCCESS
}
