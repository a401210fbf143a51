//! The `kiosk-sim idcard` binary: its standard-output protocol, script commands on standard
//! input, and clean exits. Every wait is on a line or on data, with a time-out.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions: a failed step is a failed test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(10);

const FIND: [u8; 10] = [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22];
const FIND_OK: [u8; 15] = [
    0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x08, 0x00, 0x00, 0x9F, 0x00, 0x00, 0x00, 0x00, 0x97,
];

/// A running `kiosk-sim` with its stdout read line by line on a thread.
struct Sim {
    child: Option<Child>,
    pid: u32,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Sim {
    fn start(args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk-sim"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Sim {
            pid: child.id(),
            child: Some(child),
            stdin,
            lines,
        }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("no line from kiosk-sim in time")
    }

    fn send(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{command}").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a command and returns its answer lines, up to and including the OK or ERR.
    fn ask(&mut self, command: &str) -> Vec<String> {
        self.send(command);
        let mut out = Vec::new();
        loop {
            let line = self.line();
            let done = line.starts_with("OK ") || line.starts_with("ERR ");
            out.push(line);
            if done {
                return out;
            }
        }
    }

    /// Waits for the process to exit and returns whether it succeeded.
    fn wait(&mut self) -> bool {
        let mut child = self.child.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait().map(|status| status.success()));
        });
        rx.recv_timeout(PATIENCE)
            .expect("kiosk-sim did not exit in time")
            .unwrap()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kiosk-sim-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sends a find on the pty from a thread and returns the 15-byte reply.
fn pty_find(path: &Path) -> Vec<u8> {
    let path = path.to_owned();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut port = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(nix::fcntl::OFlag::O_NOCTTY.bits())
            .open(&path)
            .unwrap();
        port.write_all(&FIND).unwrap();
        let mut reply = vec![0; 15];
        port.read_exact(&mut reply).unwrap();
        let _ = tx.send(reply);
    });
    rx.recv_timeout(PATIENCE)
        .expect("no reply on the pty in time")
}

#[test]
fn pty_mode_protocol_link_and_sigterm() {
    let dir = temp_dir("pty");
    let link = dir.join("reader");
    let mut sim = Sim::start(&[
        "idcard",
        "--card",
        "resident",
        "--link",
        link.to_str().unwrap(),
        "--no-pace",
    ]);
    let first = sim.line();
    let pts = first
        .strip_prefix("PTY ")
        .expect("first line names the pty");
    assert!(pts.starts_with("/dev/pts/"), "{first}");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new(pts));

    assert_eq!(
        sim.ask("status"),
        [
            "STATUS card=resident reads=0 finds=0 selects=0 plugged=true",
            "OK status"
        ]
    );
    assert_eq!(pty_find(&link), FIND_OK);
    assert_eq!(sim.ask("bogus"), ["ERR unknown command \"bogus\""]);
    let err = sim.ask("place /nonexistent/card.toml");
    assert!(
        err[0].starts_with("ERR ") && err[0].contains("/nonexistent/card.toml"),
        "{err:?}"
    );
    assert_eq!(sim.ask("place foreigner_2023"), ["OK place foreigner_2023"]);
    assert_eq!(sim.ask("lift-mid-read"), ["OK lift-mid-read short"]);
    assert_eq!(sim.ask("lift"), ["OK lift"]);

    assert_eq!(sim.ask("unplug"), ["OK unplug"]);
    assert!(std::fs::symlink_metadata(&link).is_err());
    assert_eq!(sim.ask("unplug")[0], "ERR the device is already unplugged");
    let replug = sim.ask("replug");
    assert_eq!(replug.len(), 2, "{replug:?}");
    let second = replug[0]
        .strip_prefix("PTY /dev/pts/")
        .map(|n| format!("/dev/pts/{n}"));
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        PathBuf::from(second.unwrap())
    );
    assert_eq!(replug[1], "OK replug");
    assert_eq!(
        sim.ask("status")[0],
        "STATUS card=none reads=0 finds=1 selects=0 plugged=true"
    );
    assert_eq!(sim.ask("place resident"), ["OK place resident"]);

    // End of input does not stop the simulator: it still answers on the pty.
    sim.stdin = None;
    assert_eq!(pty_find(&link), FIND_OK);

    let status = Command::new("kill")
        .args(["-TERM", &sim.pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(sim.wait(), "kiosk-sim did not exit cleanly on SIGTERM");
    assert!(
        std::fs::symlink_metadata(&link).is_err(),
        "link left behind"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tcp_mode_announces_the_bound_port_and_quits() {
    let mut sim = Sim::start(&[
        "idcard",
        "--tcp",
        "127.0.0.1:0",
        "--card",
        "hk_mo_tw_permit",
    ]);
    let first = sim.line();
    let addr = first
        .strip_prefix("TCP ")
        .expect("first line names the address");
    assert!(
        addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
        "{first}"
    );
    let mut client = TcpStream::connect(addr).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    client.write_all(&FIND).unwrap();
    let mut reply = [0u8; 15];
    client.read_exact(&mut reply).unwrap();
    assert_eq!(reply, FIND_OK);
    assert_eq!(
        sim.ask("status")[0],
        "STATUS card=hk_mo_tw_permit reads=0 finds=1 selects=0 plugged=true"
    );
    assert_eq!(sim.ask("quit"), ["OK quit"]);
    assert!(sim.wait());
}

#[test]
fn a_bad_card_file_is_a_clear_startup_error() {
    let dir = temp_dir("bad");
    let file = dir.join("card.toml");
    std::fs::write(&file, "card_type = \"resident\"\nname = 7\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kiosk-sim"))
        .args(["idcard", "--card", file.to_str().unwrap()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("card.toml") && stderr.contains("name"),
        "{stderr}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_kiosk-sim"))
        .args(["idcard", "--fingerprint-size", "100"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    std::fs::remove_dir_all(&dir).unwrap();
}
