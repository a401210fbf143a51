//! A private cupsd per test: its own ServerRoot, state, spool and log under a temporary
//! directory, listening on 127.0.0.1 only, killed when the guard drops. Tests run as root (CI
//! does); a cupsd that cannot start fails the test with its log, it never passes silently.

use std::io::{BufRead, BufReader};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long cupsd may take to listen (the reference says well under a second).
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// How long cupsd may take to stop its jobs and exit on SIGTERM.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A running private cupsd; killed and its directory removed on drop.
pub struct Cupsd {
    /// `None` only while dropping.
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

fn free_port() -> u16 {
    let l = StdListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 to find a free port");
    l.local_addr().expect("local address").port()
}

/// `cupsd.conf`: loopback only, no browsing, no web interface, no authentication.
pub fn cupsd_conf(port: u16) -> String {
    format!(
        "Listen 127.0.0.1:{port}
LogLevel debug
Browsing No
BrowseLocalProtocols none
WebInterface No
DefaultAuthType None
DefaultEncryption Never
ErrorPolicy stop-printer
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
"
    )
}

/// `cups-files.conf`: every path cupsd writes lives under `dir`; logs go to stderr.
pub fn cups_files_conf(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "ServerRoot {d}
StateDir {d}/state
CacheDir {d}/cache
RequestRoot {d}/spool
TempDir {d}/tmp
Printcap {d}/printcap
ServerBin {d}/serverbin
AccessLog stderr
ErrorLog stderr
PageLog stderr
SystemGroup root
FileDevice No
"
    )
}

/// A backend (backend(7)) for a device that reports a fault: `fault://KEYWORD` announces
/// `STATE: +KEYWORD` (for example `media-empty-error`) as a real printer's backend would, takes
/// the job's bytes and then holds the job until CUPS stops the backend.
const FAULT_BACKEND: &str = r#"#!/bin/sh
[ $# -eq 0 ] && exit 0
echo "STATE: +${DEVICE_URI#fault://}" >&2
echo "WARNING: test device reports ${DEVICE_URI#fault://}" >&2
cat > /dev/null
exec sleep 3600
"#;

/// ServerBin: the system's helpers (cups-exec and friends), the system's socket backend and the
/// test's fault backend.
fn install_server_bin(bin: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let socket = Path::new("/usr/lib/cups/backend/socket");
    if !socket.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "no /usr/lib/cups/backend/socket: install Debian package `cups` \
             (cups-daemon alone has only the ipp backends)",
        ));
    }
    for sub in [
        "daemon", "filter", "notifier", "monitor", "cgi-bin", "driver",
    ] {
        symlink(Path::new("/usr/lib/cups").join(sub), bin.join(sub))?;
    }
    symlink(socket, bin.join("backend/socket"))?;
    let fault = bin.join("backend/fault");
    std::fs::write(&fault, FAULT_BACKEND)?;
    std::fs::set_permissions(&fault, std::fs::Permissions::from_mode(0o755))?;
    for dir in [bin.to_path_buf(), bin.join("backend")] {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// Writes the configuration and ServerBin under `dir`; returns the two configuration files.
fn prepare(dir: &Path, port: u16) -> Result<(PathBuf, PathBuf), String> {
    use std::os::unix::fs::PermissionsExt;
    for sub in ["", "state", "cache", "spool", "tmp", "serverbin/backend"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| format!("mkdir {dir:?}: {e}"))?;
    }
    install_server_bin(&dir.join("serverbin")).map_err(|e| format!("ServerBin: {e}"))?;
    // Backends run as user lp and must traverse to the spool.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {dir:?}: {e}"))?;
    let conf = dir.join("cupsd.conf");
    let files = dir.join("cups-files.conf");
    std::fs::write(&conf, cupsd_conf(port)).map_err(|e| format!("{conf:?}: {e}"))?;
    std::fs::write(&files, cups_files_conf(dir)).map_err(|e| format!("{files:?}: {e}"))?;
    Ok((conf, files))
}

impl Cupsd {
    /// Starts a private cupsd and waits until it listens. Panics with cupsd's log if it cannot.
    pub async fn start() -> Cupsd {
        let mut last_log = String::new();
        // A free port can be taken between probing and cupsd binding it: try a few.
        for _ in 0..3 {
            match Cupsd::try_start().await {
                Ok(cupsd) => return cupsd,
                Err(log) => last_log = log,
            }
        }
        panic!(
            "cupsd did not start (needs root and Debian package `cups`); its output:\n{last_log}"
        );
    }

    async fn try_start() -> Result<Cupsd, String> {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!(
            "cups-test-{}-{}-{port}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let (conf, files) = prepare(&dir, port).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&dir);
        })?;
        let mut child = Command::new("cupsd")
            .arg("-f")
            .arg("-c")
            .arg(&conf)
            .arg("-s")
            .arg(&files)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                format!("cannot run cupsd: {e} (install Debian package `cups`; run as root)")
            })?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (ready_tx, ready_rx) = oneshot::channel::<()>();
        let stderr = child.stderr.take().expect("piped stderr");
        let thread_log = Arc::clone(&log);
        let ready_line = format!("Listening to 127.0.0.1:{port} ");
        // Drains cupsd's stderr for its whole life (a full pipe would block it) and signals
        // readiness on the line cupsd logs after listen() succeeded.
        std::thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains(&ready_line)
                    && let Some(tx) = ready_tx.take()
                {
                    let _ = tx.send(());
                }
                thread_log.lock().expect("log lock").push(line);
            }
            // Dropping `ready_tx` unsent tells the waiter cupsd exited.
        });
        let mut cupsd = Cupsd {
            child: Some(child),
            dir,
            port,
            log,
        };
        match tokio::time::timeout(START_TIMEOUT, ready_rx).await {
            Ok(Ok(())) => Ok(cupsd),
            Ok(Err(_)) => {
                if let Some(child) = cupsd.child.as_mut() {
                    let _ = child.wait();
                }
                Err(cupsd.log())
            }
            Err(_) => Err(format!(
                "no `Listening to` line within {START_TIMEOUT:?}\n{}",
                cupsd.log()
            )),
        }
    }

    /// `127.0.0.1:PORT`.
    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// cupsd's output so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").join("\n")
    }

    fn run(&self, program: &str, args: &[&str]) {
        let out = Command::new(program)
            .arg("-h")
            .arg(self.server())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}\ncupsd log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }

    /// Creates an enabled raw queue to a `socket://127.0.0.1:PORT` device.
    pub fn add_raw_queue(&self, name: &str, device_port: u16) {
        let uri = format!("socket://127.0.0.1:{device_port}");
        self.run("lpadmin", &["-p", name, "-v", &uri, "-E"]);
    }

    /// Creates an enabled raw queue to a device that reports `reason` (for example
    /// `media-empty-error`) and never finishes.
    pub fn add_faulty_queue(&self, name: &str, reason: &str) {
        let uri = format!("fault://{reason}");
        self.run("lpadmin", &["-p", name, "-v", &uri, "-E"]);
    }

    /// Stops a queue (`cupsdisable`).
    pub fn disable(&self, name: &str) {
        self.run("cupsdisable", &[name]);
    }
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        // SIGTERM first: cupsd then stops its jobs and kills their backends, which SIGKILL
        // would orphan (the socket backend retries a refusing device for days). SIGKILL only
        // if it has not exited within SHUTDOWN_TIMEOUT.
        if let Some(mut child) = self.child.take() {
            let pid = nix::unistd::Pid::from_raw(child.id() as i32);
            let (tx, rx) = std::sync::mpsc::channel();
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            std::thread::spawn(move || {
                let _ = child.wait();
                let _ = tx.send(());
            });
            if rx.recv_timeout(SHUTDOWN_TIMEOUT).is_err() {
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                let _ = rx.recv_timeout(SHUTDOWN_TIMEOUT);
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A port that refuses connections and stays reserved while the socket lives: bound, never
/// listening, so no other test (or cupsd) can take it meanwhile.
pub struct RefusedPort {
    /// The port.
    pub port: u16,
    _socket: tokio::net::TcpSocket,
}

/// Reserves a port that refuses connections.
pub fn refused_port() -> RefusedPort {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("address"))
        .expect("bind");
    let port = socket.local_addr().expect("bound address").port();
    RefusedPort {
        port,
        _socket: socket,
    }
}

/// What the fake device saw.
pub struct Received {
    /// Every byte, up to the backend's end of file.
    pub bytes: Vec<u8>,
    /// Close the connection: until then the job cannot complete.
    pub release: oneshot::Sender<()>,
}

/// A fake raw (9100-style) printer: accepts one connection, reads to end of file, reports the
/// bytes, and closes only when released.
pub async fn device() -> (u16, oneshot::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind device");
    let port = listener.local_addr().expect("device address").port();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("device accept");
        let mut bytes = Vec::new();
        socket.read_to_end(&mut bytes).await.expect("device read");
        let (release, released) = oneshot::channel();
        let _ = tx.send(Received { bytes, release });
        let _ = released.await;
        drop(socket);
    });
    (port, rx)
}

/// A document that looks like a PDF and contains every byte value, so any filtering, newline
/// translation or truncation shows.
pub fn sample_pdf() -> Vec<u8> {
    let mut doc = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    for i in 0..40_000u32 {
        doc.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
    }
    doc.extend_from_slice(b"\n%%EOF\n");
    doc
}
