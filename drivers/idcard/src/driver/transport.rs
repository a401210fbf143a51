//! Where a reader is: a serial port (RS-232, USB-serial, a pseudo-terminal) or a TCP socket.

use std::fmt;
use std::io;
use std::path::PathBuf;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_serial::{DataBits, FlowControl, Parity, SerialPort, SerialPortBuilderExt, StopBits};

/// Default line speed (reference, "Link": 115200 8N1, no flow control).
pub const DEFAULT_BAUD: u32 = 115_200;

/// A byte stream to a reader.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A boxed byte stream, whatever the transport.
pub type BoxStream = Box<dyn Stream>;

/// Where to reach a reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A serial device path (`/dev/ttyUSB0`, a udev-stable `/dev/serial/by-id/...`, a pty).
    Serial {
        /// Device path.
        path: PathBuf,
        /// Line speed.
        baud: u32,
    },
    /// A TCP `host:port` (serial servers, the simulator's `--tcp` mode).
    Tcp(String),
}

impl Endpoint {
    /// `tcp://host:port` or `tcp:host:port` is TCP; anything else is a serial device path.
    pub fn parse(port: &str, baud: u32) -> Endpoint {
        match port
            .strip_prefix("tcp://")
            .or_else(|| port.strip_prefix("tcp:"))
        {
            Some(addr) => Endpoint::Tcp(addr.to_owned()),
            None => Endpoint::Serial {
                path: PathBuf::from(port),
                baud,
            },
        }
    }

    /// The line speed to size time-outs by (TCP carries the simulator's emulated wire).
    pub fn baud(&self) -> u32 {
        match self {
            Endpoint::Serial { baud, .. } => *baud,
            Endpoint::Tcp(_) => DEFAULT_BAUD,
        }
    }

    /// Opens the endpoint: 8N1, no flow control, exclusive, input buffer cleared.
    pub async fn open(&self) -> io::Result<BoxStream> {
        match self {
            Endpoint::Serial { path, baud } => {
                let port = tokio_serial::new(path.to_string_lossy(), *baud)
                    .data_bits(DataBits::Eight)
                    .parity(Parity::None)
                    .stop_bits(StopBits::One)
                    .flow_control(FlowControl::None)
                    .open_native_async()
                    .map_err(io::Error::from)?;
                // Stale bytes from before we opened would look like a reply.
                if let Err(e) = port.clear(tokio_serial::ClearBuffer::Input) {
                    tracing::debug!(error = %e, "could not clear the serial input buffer");
                }
                Ok(Box::new(port))
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
            Endpoint::Serial { path, baud } => write!(f, "{} at {baud} baud", path.display()),
            Endpoint::Tcp(addr) => write!(f, "tcp://{addr}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ports() {
        assert_eq!(
            Endpoint::parse("/dev/ttyUSB0", 115_200),
            Endpoint::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 115_200
            }
        );
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1:7000", 9600),
            Endpoint::Tcp("127.0.0.1:7000".into())
        );
        assert_eq!(
            Endpoint::parse("tcp:localhost:7000", 9600),
            Endpoint::Tcp("localhost:7000".into())
        );
    }

    #[tokio::test]
    async fn missing_device_is_an_io_error() {
        let err = Endpoint::parse("/dev/does-not-exist-idcard", 115_200)
            .open()
            .await
            .err()
            .unwrap();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }
}
