//! Where a ticket printer is: a serial port, a USB printer-class device, or a TCP socket.

use std::fmt;
use std::io;
use std::path::PathBuf;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_serial::{DataBits, FlowControl, Parity, SerialPort, SerialPortBuilderExt, StopBits};

/// A byte stream to a printer.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A boxed byte stream, whatever the transport.
pub type BoxStream = Box<dyn Stream>;

/// Where to reach a printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A serial device (RS-232, USB-serial, a pseudo-terminal), 8N1.
    Serial {
        /// Device path.
        path: PathBuf,
        /// Line speed.
        baud: u32,
        /// RTS/CTS flow control (reference: the BK-T680 supports it; tiny buffers need it).
        rts_cts: bool,
    },
    /// A USB printer-class device (`/dev/usb/lp0`, kernel `usblp`): a file; the kernel blocks
    /// writes while the printer reports no paper (reference, "Paper-out mid-job").
    UsbLp(PathBuf),
    /// A TCP `host:port` (port 9100 printers; status replies come back on the same socket).
    Tcp(String),
}

impl Endpoint {
    /// `tcp://host:port` is TCP, `/dev/usb/lp*` a USB printer, anything else a serial path.
    pub fn parse(port: &str, baud: u32) -> Endpoint {
        if let Some(addr) = port.strip_prefix("tcp://") {
            return Endpoint::Tcp(addr.to_owned());
        }
        if port.starts_with("/dev/usb/lp") {
            return Endpoint::UsbLp(PathBuf::from(port));
        }
        Endpoint::Serial {
            path: PathBuf::from(port),
            baud,
            rts_cts: false,
        }
    }

    /// The line speed that limits sending, if the link is a serial line.
    pub fn baud(&self) -> Option<u32> {
        match self {
            Endpoint::Serial { baud, .. } => Some(*baud),
            Endpoint::UsbLp(_) | Endpoint::Tcp(_) => None,
        }
    }

    /// Opens the endpoint.
    pub async fn open(&self) -> io::Result<BoxStream> {
        match self {
            Endpoint::Serial {
                path,
                baud,
                rts_cts,
            } => {
                let port = tokio_serial::new(path.to_string_lossy(), *baud)
                    .data_bits(DataBits::Eight)
                    .parity(Parity::None)
                    .stop_bits(StopBits::One)
                    .flow_control(if *rts_cts {
                        FlowControl::Hardware
                    } else {
                        FlowControl::None
                    })
                    .open_native_async()
                    .map_err(io::Error::from)?;
                // Stale replies from before we opened would be read as this job's.
                if let Err(e) = port.clear(tokio_serial::ClearBuffer::Input) {
                    tracing::debug!(error = %e, "could not clear the serial input buffer");
                }
                Ok(Box::new(port))
            }
            Endpoint::UsbLp(path) => {
                let file = tokio::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(path)
                    .await?;
                Ok(Box::new(file))
            }
            Endpoint::Tcp(addr) => {
                let stream = tokio::net::TcpStream::connect(addr).await?;
                stream.set_nodelay(true)?;
                Ok(Box::new(stream))
            }
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Serial { path, baud, .. } => write!(f, "{} at {baud} baud", path.display()),
            Endpoint::UsbLp(path) => write!(f, "{}", path.display()),
            Endpoint::Tcp(addr) => write!(f, "tcp://{addr}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_endpoints() {
        assert_eq!(
            Endpoint::parse("/dev/ttyS0", 57_600),
            Endpoint::Serial {
                path: "/dev/ttyS0".into(),
                baud: 57_600,
                rts_cts: false
            }
        );
        assert_eq!(
            Endpoint::parse("/dev/usb/lp0", 57_600),
            Endpoint::UsbLp("/dev/usb/lp0".into())
        );
        assert_eq!(
            Endpoint::parse("tcp://10.0.0.5:9100", 57_600),
            Endpoint::Tcp("10.0.0.5:9100".into())
        );
        assert_eq!(Endpoint::parse("tcp://h:1", 9600).baud(), None);
    }

    #[tokio::test]
    async fn missing_device_is_an_io_error() {
        let err = Endpoint::parse("/dev/usb/lp-does-not-exist", 9600)
            .open()
            .await
            .err()
            .map(|e| e.kind());
        assert_eq!(err, Some(io::ErrorKind::NotFound));
    }
}
