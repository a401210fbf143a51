//! `kiosk journal verify` and `kiosk journal tail`: check the session journal's hash chain and
//! read its last entries, on the kiosk or on a copy of its store file.
//!
//! The store file is `--db PATH`, else the one of `kiosk --config FILE`, else
//! [`default_store_path`]. Neither command creates a store:
//! a missing file is an error (exit 2), not an empty journal. An existing file of an older schema
//! is brought up to date on open, as the kiosk itself would.

use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kiosk::store::journal::{ChainBreak, JournalEntry};
use kiosk::store::{JournalError, STORE_FILE, Store};

/// Exit code: the chain is intact (or the tail was printed).
pub const EXIT_INTACT: u8 = 0;
/// Exit code: the chain is broken.
pub const EXIT_BROKEN: u8 = 1;
/// Exit code: the store could not be opened or read.
pub const EXIT_UNREADABLE: u8 = 2;

/// Session-journal diagnostics.
#[derive(Debug, Subcommand)]
pub enum JournalCommand {
    /// Checks the hash chain from the first entry to the last. Exit codes: 0 intact (prints the
    /// number of entries), 1 broken (prints the first broken entry and why), 2 the store cannot
    /// be read.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Prints the last entries, oldest first.
    Tail {
        /// How many entries.
        #[arg(short = 'n', long = "lines", default_value_t = 20)]
        n: usize,
        #[command(flatten)]
        db: DbArgs,
        /// Print one JSON object per entry.
        #[arg(long)]
        json: bool,
    },
}

/// Which store file.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The kiosk's store file (default: `kiosk.sqlite` in the `[store] state_dir` of
    /// `--config FILE`; without one in $STATE_DIRECTORY, else $XDG_STATE_HOME/kiosk, else
    /// ~/.local/state/kiosk, else /var/lib/kiosk).
    #[arg(long)]
    db: Option<PathBuf>,
}

impl DbArgs {
    /// The store file: `--db`, else the configuration's, else [`default_store_path`].
    fn path(&self, config: Option<&Path>) -> Result<PathBuf, String> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        match config {
            Some(file) => kiosk::config::Config::load(file)
                .map(|c| c.file.store.state_dir.join(STORE_FILE))
                .map_err(|e| format!("{}: {e}", file.display())),
            None => Ok(default_store_path()),
        }
    }
}

/// The kiosk's store file when none is configured: [`STORE_FILE`] in systemd's
/// `$STATE_DIRECTORY` (the first one, for a unit with `StateDirectory=kiosk`), else in
/// `$XDG_STATE_HOME/kiosk`, else in `~/.local/state/kiosk`, else in `/var/lib/kiosk`.
pub fn default_store_path() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let dir = if let Some(dirs) = var("STATE_DIRECTORY") {
        let first = dirs.to_string_lossy().split(':').next().map(PathBuf::from);
        first.unwrap_or_else(|| PathBuf::from(dirs))
    } else if let Some(state) = var("XDG_STATE_HOME") {
        PathBuf::from(state).join("kiosk")
    } else if let Some(home) = var("HOME") {
        PathBuf::from(home).join(".local/state/kiosk")
    } else {
        PathBuf::from("/var/lib/kiosk")
    };
    dir.join(STORE_FILE)
}

/// Runs a `journal` subcommand.
pub fn run(command: JournalCommand, config: Option<&Path>) -> ExitCode {
    let (db, verify_json, n) = match &command {
        JournalCommand::Verify { db, json } => (db, *json, None),
        JournalCommand::Tail { n, db, json } => (db, *json, Some(*n)),
    };
    let path = match db.path(config) {
        Ok(path) => path,
        Err(e) => {
            eprintln!("cannot read the configuration {e}");
            return ExitCode::from(EXIT_UNREADABLE);
        }
    };
    ExitCode::from(match n {
        None => verify(&path, verify_json),
        Some(n) => tail(&path, n, verify_json),
    })
}

/// Opens an existing store; reports and returns `None` when it cannot.
fn open(path: &Path) -> Option<Store> {
    if !path.is_file() {
        eprintln!("no kiosk store at {} (use --db PATH)", path.display());
        return None;
    }
    match Store::open(path) {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("cannot open the kiosk store {}: {e}", path.display());
            None
        }
    }
}

fn verify(path: &Path, json: bool) -> u8 {
    let Some(store) = open(path) else {
        return EXIT_UNREADABLE;
    };
    match store.journal().verify() {
        Ok(count) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"intact": true, "entries": count, "db": path})
                );
            } else {
                println!("journal intact: {count} entries ({})", path.display());
            }
            EXIT_INTACT
        }
        Err(JournalError::Broken(at)) => {
            report_break(&at, path, json);
            EXIT_BROKEN
        }
        Err(e) => {
            eprintln!("cannot read the journal in {}: {e}", path.display());
            EXIT_UNREADABLE
        }
    }
}

fn report_break(at: &ChainBreak, path: &Path, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::json!({
                "intact": false,
                "seq": at.seq,
                "reason": at.reason.code(),
                "detail": at.reason.to_string(),
                "db": path,
            })
        );
    } else {
        println!("{at} ({})", path.display());
    }
}

fn tail(path: &Path, n: usize, json: bool) -> u8 {
    let Some(store) = open(path) else {
        return EXIT_UNREADABLE;
    };
    let entries = match store.journal().tail(n) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("cannot read the journal in {}: {e}", path.display());
            return EXIT_UNREADABLE;
        }
    };
    for entry in &entries {
        println!("{}", line(entry, json));
    }
    EXIT_INTACT
}

/// One entry as a line: JSON (the upload's fields and the kiosk), or text.
pub fn line(entry: &JournalEntry, json: bool) -> String {
    let dto = entry.to_dto();
    let event = serde_json::to_value(&dto.event).unwrap_or_default();
    if json {
        serde_json::json!({
            "seq": dto.seq,
            "time": dto.time,
            "kiosk": entry.kiosk,
            "session_id": dto.session_id,
            "flow": dto.flow,
            "event": event,
            "prev_hash": dto.prev_hash,
            "hash": dto.hash,
        })
        .to_string()
    } else {
        let session = dto.session_id.simple().to_string();
        format!(
            "{:>6} {} {} session {} {} {event}",
            dto.seq,
            dto.time,
            entry.kiosk,
            session.get(..8).unwrap_or(&session),
            dto.flow.as_str(),
        )
    }
}
