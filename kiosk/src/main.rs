//! `kiosk`: the self-service kiosk of a real-estate registration hall.
//!
//! With no arguments it runs on its embedded defaults: the simulated devices stand in for the
//! hardware and the real drivers talk to them over the same bytes real devices use. Subcommands
//! are diagnostics for installers (`kiosk idcard read`, `kiosk idcard watch`).

mod cli;
mod demo;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Self-service kiosk for real-estate registration halls.
#[derive(Debug, Parser)]
#[command(name = "kiosk", version, about)]
struct Args {
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
    runtime.block_on(async {
        match args.command {
            Some(Command::Idcard(command)) => cli::idcard::run(command).await,
            Some(Command::Print(command)) => cli::print::run(command).await,
            Some(Command::Printer(command)) => cli::print::run_printer(command).await,
            None => demo::run().await,
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
