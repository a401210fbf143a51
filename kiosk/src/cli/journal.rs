//! `kiosk journal verify` and `kiosk journal tail`: check the session journal's hash chain and
//! read its last entries, on the kiosk or on a copy of its store file.
//!
//! The store file is `--db PATH`, or [`default_store_path`]. Neither command creates a store:
//! a missing file is an error (exit 2), not an empty journal. An existing file of an older schema
//! is brought up to date on open, as the kiosk itself would.

use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kiosk::store::journal::{ChainBreak, JournalEntry};
use kiosk::store::{JournalError, Store};

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
    /// The kiosk's store file (default: $STATE_DIRECTORY/kiosk.sqlite3, else
    /// $XDG_STATE_HOME/kiosk/kiosk.sqlite3, else ~/.local/state/kiosk/kiosk.sqlite3, else
    /// /var/lib/kiosk/kiosk.sqlite3).
    #[arg(long)]
    db: Option<PathBuf>,
}

impl DbArgs {
    fn path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(default_store_path)
    }
}

/// The kiosk's store file when none is configured: `kiosk.sqlite3` in systemd's
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
    dir.join("kiosk.sqlite3")
}

/// Runs a `journal` subcommand.
pub fn run(command: JournalCommand) -> ExitCode {
    ExitCode::from(match command {
        JournalCommand::Verify { db, json } => verify(&db.path(), json),
        JournalCommand::Tail { n, db, json } => tail(&db.path(), n, json),
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
