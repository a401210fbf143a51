//! The `kiosk-sim central` binary: its first line, its script commands on standard input, TLS
//! from PEM files, and a clean exit. Every wait is on a line, with a time-out.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "integration tests: a failed step is a failed test"
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const PATIENCE: Duration = Duration::from_secs(20);

struct Sim {
    child: Option<Child>,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Sim {
    fn start(args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk-sim"))
            .arg("central")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
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
        let stdin = child.stdin.take().unwrap();
        Sim {
            child: Some(child),
            stdin,
            lines,
        }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .expect("a line from kiosk-sim in time")
    }

    /// Sends a command; its answer lines up to and including the OK or ERR.
    fn ask(&mut self, command: &str) -> Vec<String> {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
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

    /// Waits for the process to exit (on a thread, with a time-out); whether it succeeded.
    fn wait_exit(mut self) -> bool {
        let mut child = self.child.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait().map(|status| status.success()));
        });
        rx.recv_timeout(PATIENCE)
            .expect("kiosk-sim exits in time")
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

/// `GET /v1/time` over plain HTTP; the status code.
fn time_status(addr: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "GET /v1/time HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply.split(' ').nth(1).unwrap().parse().unwrap()
}

#[test]
fn plain_http_script_and_quit() {
    let mut sim = Sim::start(&["--seed", "9", "--kiosk", "k1:secret"]);
    let first = sim.line();
    let url = first.strip_prefix("HTTP http://").expect(&first).to_owned();
    assert!(url.starts_with("127.0.0.1:"));
    assert_eq!(time_status(&url), 200);

    let status = sim.ask("status");
    assert!(status[0].starts_with("STATUS requests=1 "), "{status:?}");
    assert_eq!(status[1], "OK status");
    let demo = sim.ask("demo");
    assert_eq!(
        demo.iter()
            .filter(|l| l.starts_with("DEMO holder "))
            .count(),
        4
    );
    assert!(demo[0].contains("name=张𠮷英"));
    assert_eq!(demo.last().unwrap(), "OK demo");
    let called = sim.ask("call A");
    assert!(called[0].starts_with("CALLED "), "{called:?}");

    assert_eq!(sim.ask("errors 1"), ["OK errors 1 503"]);
    assert_eq!(time_status(&url), 503);
    assert_eq!(time_status(&url), 200);
    assert_eq!(sim.ask("latency 5"), ["OK latency 5"]);
    assert_eq!(sim.ask("clear"), ["OK clear"]);
    assert_eq!(sim.ask("config volume 3"), ["OK config volume 3"]);
    assert!(sim.ask("jump")[0].starts_with("ERR unknown command"));
    assert!(sim.ask("outage maybe")[0].starts_with("ERR outage: bad argument"));
    assert!(sim.ask("call Z")[0].starts_with("ERR "));
    assert_eq!(sim.ask("quit"), ["OK quit"]);
    assert!(sim.wait_exit());
}

#[test]
fn tls_from_pem_files() {
    let pki = kiosk_sim::pki::TestPki::generate().unwrap();
    let dir = std::env::temp_dir().join(format!("central-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, pem: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, pem).unwrap();
        path.display().to_string()
    };
    let cert = write("server.pem", &pki.server_cert_pem);
    let key = write("server.key", &pki.server_key_pem);
    let ca = write("client-ca.pem", &pki.client_ca_pem);
    let mut sim = Sim::start(&["--tls-cert", &cert, "--tls-key", &key, "--client-ca", &ca]);
    let first = sim.line();
    assert!(first.starts_with("HTTPS https://localhost:"), "{first}");
    assert_eq!(sim.ask("quit"), ["OK quit"]);
    assert!(sim.wait_exit());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tls_needs_all_three_files() {
    let output = Command::new(env!("CARGO_BIN_EXE_kiosk-sim"))
        .args(["central", "--tls-cert", "/nonexistent.pem"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--tls-key"));
}
