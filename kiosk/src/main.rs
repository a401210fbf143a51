//! `kiosk`: the self-service kiosk of a real-estate registration hall.
//!
//! With no arguments it runs on its embedded defaults: the simulated devices stand in for the
//! hardware and the real drivers talk to them over the same bytes real devices use. Subcommands
//! are diagnostics for installers (`kiosk idcard read`, `kiosk idcard watch`, `kiosk journal
//! verify`, ...).

mod cli;
mod demo;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Self-service kiosk for real-estate registration halls.
#[derive(Debug, Parser)]
#[command(name = "kiosk", version, about)]
struct Args {
    /// The configuration file (real hardware); without it the embedded demo runs.
    #[arg(long, global = true)]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// ID-card reader diagnostics.
    #[command(subcommand)]
    Idcard(cli::idcard::IdcardCommand),
    /// Printing diagnostics: sample tickets and certificates.
    #[command(subcommand)]
    Print(cli::print::PrintCommand),
    /// Ticket-printer diagnostics.
    #[command(subcommand)]
    Printer(cli::print::PrinterCommand),
    /// Face-camera diagnostics: detection on an image, the liveness check on a source.
    #[command(subcommand)]
    Face(cli::face::FaceCommand),
    /// Session-journal diagnostics: verify the hash chain, show the last entries.
    #[command(subcommand)]
    Journal(cli::journal::JournalCommand),
    /// Checks the configuration, devices, fonts, CUPS, central and the store.
    Doctor(cli::doctor::DoctorArgs),
    /// Scripted journeys through every flow, headless: screenshots and printouts into a folder.
    Demo(cli::demo_out::DemoArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let default_level = if args.command.is_some() {
        "warn"
    } else {
        "info"
    };
    init_logging(default_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kiosk: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(command) = args.command else {
        // The kiosk itself: the touchscreen (if any) needs the main thread.
        return demo::main(&runtime, args.config.as_deref());
    };
    runtime.block_on(async {
        match command {
            Command::Idcard(command) => cli::idcard::run(command).await,
            Command::Print(command) => cli::print::run(command).await,
            Command::Printer(command) => cli::print::run_printer(command).await,
            Command::Face(command) => cli::face::run(command).await,
            Command::Journal(command) => cli::journal::run(command, args.config.as_deref()),
            Command::Doctor(a) => cli::doctor::run(args.config.as_deref(), a).await,
            Command::Demo(a) => cli::demo_out::run(a),
        }
    })
}

/// Logs go to stderr (stdout carries command output); `RUST_LOG` overrides the level.
fn init_logging(default_level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
