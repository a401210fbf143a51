//! A pseudo-terminal that stands in for a serial device, and a udev-like stable link to it.
//!
//! The simulator keeps the master side and hands the slave's path (`/dev/pts/N`) to the client,
//! which opens it like any serial port. The simulator also keeps a slave descriptor open for the
//! pseudo-terminal's whole life, so the master never sees EIO while a client closes and reopens
//! the slave; dropping the [`Pty`] closes both sides, which is what "unplugged" looks like to the
//! client (its reads fail with EIO or end of file).
//!
//! Both descriptors are opened close-on-exec, so a child process (a kiosk under test) never
//! inherits a master and keeps an "unplugged" device alive.
//!
//! Nothing here knows a protocol: every serial-device simulator uses the same type.

use nix::fcntl::OFlag;
use nix::pty::{grantpt, posix_openpt, unlockpt};
use nix::sys::termios::{SetArg, cfmakeraw, tcgetattr, tcsetattr};
use std::fs::OpenOptions;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A pseudo-terminal pair: the master, non-blocking and registered with tokio, and a slave
/// descriptor held open in raw mode.
///
/// Must be created inside a tokio runtime (the master is registered with its reactor).
#[derive(Debug)]
pub struct Pty {
    master: AsyncFd<OwnedFd>,
    // Held only to keep the pseudo-terminal alive between clients.
    _slave: OwnedFd,
    slave_path: PathBuf,
}

impl Pty {
    /// Opens a new pseudo-terminal with the slave in raw mode (`cfmakeraw`: no echo, no line
    /// discipline, 8 bits), as a serial device would be.
    pub fn open() -> io::Result<Pty> {
        let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC | OFlag::O_NONBLOCK;
        let master = posix_openpt(flags)?;
        grantpt(&master)?;
        unlockpt(&master)?;
        let name = nix::pty::ptsname_r(&master)?;
        // std opens with O_CLOEXEC; O_NOCTTY keeps the slave from becoming our controlling tty.
        let slave: OwnedFd = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(OFlag::O_NOCTTY.bits())
            .open(&name)?
            .into();
        let mut termios = tcgetattr(&slave)?;
        cfmakeraw(&mut termios);
        tcsetattr(&slave, SetArg::TCSANOW, &termios)?;
        let slave_path = nix::unistd::ttyname(&slave)?;
        Ok(Pty {
            master: register(OwnedFd::from(master))?,
            _slave: slave,
            slave_path,
        })
    }

    /// The slave's path, `/dev/pts/N`: what a client opens.
    pub fn slave_path(&self) -> &Path {
        &self.slave_path
    }

    /// Reads what the client wrote; waits until at least one byte is there.
    pub async fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.master
            .async_io(tokio::io::Interest::READABLE, |fd| {
                nix::unistd::read(fd, buf).map_err(io::Error::from)
            })
            .await
    }

    /// Writes all of `buf` for the client to read.
    pub async fn write_all(&self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            let n = self
                .master
                .async_io(tokio::io::Interest::WRITABLE, |fd| {
                    nix::unistd::write(fd, buf).map_err(io::Error::from)
                })
                .await?;
            buf = buf.get(n..).unwrap_or_default();
        }
        Ok(())
    }
}

/// Registers an owned descriptor with the tokio reactor.
///
/// tokio 1.54 deprecated `AsyncFd::new` in favour of the `unsafe` `AsyncFd::register`, because a
/// caller could pass a type whose descriptor is closed behind tokio's back (tokio PR 8587). An
/// `OwnedFd` moved into the `AsyncFd` is closed only when the `AsyncFd` is dropped, so the safe
/// constructor is sound here, and the workspace denies `unsafe`.
#[allow(
    deprecated,
    reason = "sound for an OwnedFd owned by the AsyncFd; the replacement is unsafe"
)]
fn register(fd: OwnedFd) -> io::Result<AsyncFd<OwnedFd>> {
    AsyncFd::new(fd)
}

impl AsyncRead for Pty {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.master.poll_read_ready(cx))?;
            let unfilled = buf.initialize_unfilled();
            match guard
                .try_io(|fd| nix::unistd::read(fd.get_ref(), unfilled).map_err(io::Error::from))
            {
                Ok(Ok(n)) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(()));
                }
                Ok(Err(e)) => return Poll::Ready(Err(e)),
                // Spurious readiness: cleared by try_io, wait again.
                Err(_would_block) => continue,
            }
        }
    }
}

impl AsyncWrite for Pty {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.master.poll_write_ready(cx))?;
            match guard.try_io(|fd| nix::unistd::write(fd.get_ref(), buf).map_err(io::Error::from))
            {
                Ok(result) => return Poll::Ready(result),
                Err(_would_block) => continue,
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the kernel; there is nothing to flush.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A symbolic link to the current device, like a udev-stable name (`/dev/idcard` ->
/// `/dev/pts/3`). Removed when dropped, unless it was re-pointed elsewhere meanwhile.
#[derive(Debug)]
pub struct StableLink {
    path: PathBuf,
    target: PathBuf,
}

impl StableLink {
    /// Points `path` at `target`, atomically: a link under a temporary name in the same
    /// directory, renamed over `path`. Refuses to replace anything but a symbolic link.
    pub fn create(path: &Path, target: &Path) -> io::Result<StableLink> {
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if !meta.file_type().is_symlink() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a symbolic link", path.display()),
                ));
            }
        }
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut temp_name = path.file_name().unwrap_or_default().to_os_string();
        temp_name.push(format!(
            ".tmp-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let temp = path.with_file_name(temp_name);
        std::os::unix::fs::symlink(target, &temp)?;
        if let Err(e) = std::fs::rename(&temp, path) {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        Ok(StableLink {
            path: path.to_owned(),
            target: target.to_owned(),
        })
    }

    /// The link's own path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for StableLink {
    fn drop(&mut self) {
        // Only our own link is removed, in case something else took the name meanwhile.
        if std::fs::read_link(&self.path).is_ok_and(|t| t == self.target) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::time::Duration;

    fn open_client(path: &Path) -> std::fs::File {
        OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(OFlag::O_NOCTTY.bits())
            .open(path)
            .unwrap()
    }

    #[tokio::test]
    async fn bytes_cross_both_ways_unchanged() {
        let pty = Pty::open().unwrap();
        assert!(pty.slave_path().starts_with("/dev/pts"));
        let path = pty.slave_path().to_owned();
        // Raw mode: CR, LF, 0x03 (^C) and 0xFF pass untouched, and nothing is echoed back.
        let sent = [0x0D, 0x0A, 0x03, 0xFF, 0x00, 0x7F];
        let client = std::thread::spawn(move || {
            let mut f = open_client(&path);
            f.write_all(&sent).unwrap();
            let mut back = [0u8; 4];
            f.read_exact(&mut back).unwrap();
            back
        });
        let mut got = Vec::new();
        while got.len() < sent.len() {
            let mut buf = [0u8; 16];
            let n = tokio::time::timeout(Duration::from_secs(5), pty.read(&mut buf))
                .await
                .unwrap()
                .unwrap();
            got.extend_from_slice(&buf[..n]);
        }
        assert_eq!(got, sent);
        pty.write_all(&[0xAA, 0x0D, 0x0A, 0x69]).await.unwrap();
        let back = tokio::task::spawn_blocking(move || client.join().unwrap())
            .await
            .unwrap();
        assert_eq!(back, [0xAA, 0x0D, 0x0A, 0x69]);
    }

    #[test]
    fn link_is_atomic_and_removed_on_drop() {
        let dir = std::env::temp_dir().join(format!("kiosk-sim-link-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("reader");
        let first = StableLink::create(&path, Path::new("/dev/null")).unwrap();
        assert_eq!(std::fs::read_link(&path).unwrap(), Path::new("/dev/null"));
        // Re-pointing replaces the link in one rename.
        let second = StableLink::create(&path, Path::new("/dev/zero")).unwrap();
        assert_eq!(std::fs::read_link(&path).unwrap(), Path::new("/dev/zero"));
        // The first link no longer points at its target: dropping it leaves the second alone.
        drop(first);
        assert_eq!(std::fs::read_link(&path).unwrap(), Path::new("/dev/zero"));
        drop(second);
        assert!(std::fs::symlink_metadata(&path).is_err());
        // A regular file is never replaced.
        std::fs::write(&path, b"x").unwrap();
        assert!(StableLink::create(&path, Path::new("/dev/null")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
