//! The V4L2 capture API, spoken directly: open, negotiate a format and a frame rate, stream
//! through memory-mapped buffers. No OpenCV and no libv4l: the kiosk's camera needs a handful of
//! ioctls, and OpenCV's `videoio` module would bring FFmpeg, GStreamer and (through
//! `imgcodecs`) GDAL into the kiosk's memory.
//!
//! The structures and numbers are those of the kernel's UAPI header `linux/videodev2.h`; each
//! is cited where it is defined. The layouts are those of a 64-bit (LP64) Linux, the kiosk's
//! targets (x86-64, aarch64); the sizes are checked at compile time and the ioctl request codes
//! in the tests, against the values `videodev2.h` yields. The whole streaming path (and an
//! unplugged, stalled, busy or damaged camera) runs in `tests/v4l2_stream.rs` against a capture
//! device in user space built from the header itself (`tests/fake_v4l2/fake_v4l2.c`).
//!
//! Nothing here panics: every failure is an [`std::io::Error`] the caller turns into a
//! [`crate::CameraError`]; dropping a [`Device`] stops the stream and unmaps the buffers,
//! ignoring the errors a device that has been unplugged returns.
#![allow(
    unsafe_code,
    reason = "V4L2 is ioctl and mmap: each unsafe block says why it is sound"
)]

use std::ffi::c_void;
use std::fs::OpenOptions;
use std::io;
use std::num::NonZeroUsize;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::ptr::NonNull;

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap};

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
compile_error!("the V4L2 layouts below are those of 64-bit Linux");

/// `V4L2_BUF_TYPE_VIDEO_CAPTURE` (`enum v4l2_buf_type`).
const BUF_TYPE_VIDEO_CAPTURE: u32 = 1;
/// `V4L2_MEMORY_MMAP` (`enum v4l2_memory`).
const MEMORY_MMAP: u32 = 1;
/// `V4L2_FIELD_NONE` (`enum v4l2_field`): progressive frames.
const FIELD_NONE: u32 = 1;
/// `V4L2_CAP_VIDEO_CAPTURE` (`struct v4l2_capability`, `capabilities`).
const CAP_VIDEO_CAPTURE: u32 = 0x0000_0001;
/// `V4L2_CAP_STREAMING`: the device supports the streaming (mmap) I/O used here.
const CAP_STREAMING: u32 = 0x0400_0000;
/// `V4L2_CAP_DEVICE_CAPS`: `device_caps` describes this node (else `capabilities` does).
const CAP_DEVICE_CAPS: u32 = 0x8000_0000;
/// `V4L2_CAP_TIMEPERFRAME` (`struct v4l2_captureparm`, `capability`): the frame rate can be set.
const CAP_TIMEPERFRAME: u32 = 0x1000;
/// `V4L2_BUF_FLAG_ERROR`: the buffer was filled but its data may be corrupt.
const BUF_FLAG_ERROR: u32 = 0x0000_0040;
/// `V4L2_FRMSIZE_TYPE_DISCRETE` and `V4L2_FRMIVAL_TYPE_DISCRETE` (`enum v4l2_frmsizetypes`,
/// `enum v4l2_frmivaltypes`): one size or interval per index; 2 (continuous) and 3 (stepwise)
/// give a range at index 0.
const FRM_TYPE_DISCRETE: u32 = 1;
/// How many frame sizes of a format, and intervals of a size, are listed at most.
const MAX_MODES: u32 = 32;

/// `struct v4l2_frmsizeenum` (44 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct FrmSizeEnum {
    index: u32,
    pixel_format: u32,
    type_: u32,
    /// Discrete: width, height. Stepwise or continuous: min, max and step of the width, then
    /// of the height.
    size: [u32; 6],
    reserved: [u32; 2],
}

/// `struct v4l2_frmivalenum` (52 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct FrmIvalEnum {
    index: u32,
    pixel_format: u32,
    width: u32,
    height: u32,
    type_: u32,
    /// Discrete: numerator, denominator (seconds per frame). Stepwise or continuous: the
    /// shortest, the longest and the step, each a fraction.
    interval: [u32; 6],
    reserved: [u32; 2],
}

/// `struct v4l2_capability` (104 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
struct Capability {
    driver: [u8; 16],
    card: [u8; 32],
    bus_info: [u8; 32],
    version: u32,
    capabilities: u32,
    device_caps: u32,
    reserved: [u32; 3],
}

/// `struct v4l2_fmtdesc` (64 bytes).
#[repr(C)]
#[derive(Clone, Copy)]
struct FmtDesc {
    index: u32,
    type_: u32,
    flags: u32,
    description: [u8; 32],
    pixelformat: u32,
    mbus_code: u32,
    reserved: [u32; 3],
}

/// `struct v4l2_pix_format` (48 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct PixFormat {
    width: u32,
    height: u32,
    pixelformat: u32,
    field: u32,
    bytesperline: u32,
    sizeimage: u32,
    colorspace: u32,
    priv_: u32,
    flags: u32,
    ycbcr_enc: u32,
    quantization: u32,
    xfer_func: u32,
}

/// `struct v4l2_format` (208 bytes): the type, then a 200-byte union aligned to 8 (it holds
/// pointers in `struct v4l2_window`), of which capture uses `pix`.
#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct Format {
    type_: u32,
    _union_align: u32,
    pix: PixFormat,
    _rest_of_union: [u8; 152],
}

/// `struct v4l2_captureparm` (40 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CaptureParm {
    capability: u32,
    capturemode: u32,
    /// `struct v4l2_fract timeperframe`: numerator, denominator (seconds per frame).
    timeperframe: [u32; 2],
    extendedmode: u32,
    readbuffers: u32,
    reserved: [u32; 4],
}

/// `struct v4l2_streamparm` (204 bytes): the type, then a 200-byte union.
#[repr(C)]
#[derive(Clone, Copy)]
struct StreamParm {
    type_: u32,
    capture: CaptureParm,
    _rest_of_union: [u8; 160],
}

/// `struct v4l2_requestbuffers` (20 bytes).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct RequestBuffers {
    count: u32,
    type_: u32,
    memory: u32,
    capabilities: u32,
    flags: u8,
    reserved: [u8; 3],
}

/// The `m` union of `struct v4l2_buffer`: `offset` (for mmap) is its first 4 bytes whatever
/// the byte order; the union is 8 bytes (it also holds `unsigned long userptr`).
#[repr(C, align(8))]
#[derive(Clone, Copy, Default)]
struct BufferM {
    offset: u32,
    _rest: u32,
}

/// `struct v4l2_buffer` (88 bytes on LP64).
#[repr(C)]
#[derive(Clone, Copy, Default)]
struct Buffer {
    index: u32,
    type_: u32,
    bytesused: u32,
    flags: u32,
    field: u32,
    /// `struct timeval` (two 64-bit words on LP64).
    timestamp: [i64; 2],
    /// `struct v4l2_timecode` (16 bytes).
    timecode: [u32; 4],
    sequence: u32,
    memory: u32,
    m: BufferM,
    length: u32,
    reserved2: u32,
    request_fd: u32,
}

// The sizes `videodev2.h` gives on LP64; a wrong layout would also give wrong ioctl numbers.
const _: () = assert!(size_of::<Capability>() == 104);
const _: () = assert!(size_of::<FmtDesc>() == 64);
const _: () = assert!(size_of::<PixFormat>() == 48);
const _: () = assert!(size_of::<Format>() == 208);
const _: () = assert!(size_of::<StreamParm>() == 204);
const _: () = assert!(size_of::<RequestBuffers>() == 20);
const _: () = assert!(size_of::<Buffer>() == 88);
const _: () = assert!(size_of::<FrmSizeEnum>() == 44);
const _: () = assert!(size_of::<FrmIvalEnum>() == 52);

// The ioctls (`videodev2.h`: `#define VIDIOC_* _IO*('V', nr, type)`).
nix::ioctl_read!(vidioc_querycap, b'V', 0, Capability);
nix::ioctl_readwrite!(vidioc_enum_fmt, b'V', 2, FmtDesc);
nix::ioctl_readwrite!(vidioc_s_fmt, b'V', 5, Format);
nix::ioctl_readwrite!(vidioc_reqbufs, b'V', 8, RequestBuffers);
nix::ioctl_readwrite!(vidioc_querybuf, b'V', 9, Buffer);
nix::ioctl_readwrite!(vidioc_qbuf, b'V', 15, Buffer);
nix::ioctl_readwrite!(vidioc_dqbuf, b'V', 17, Buffer);
nix::ioctl_write_ptr!(vidioc_streamon, b'V', 18, i32);
nix::ioctl_write_ptr!(vidioc_streamoff, b'V', 19, i32);
nix::ioctl_readwrite!(vidioc_g_parm, b'V', 21, StreamParm);
nix::ioctl_readwrite!(vidioc_s_parm, b'V', 22, StreamParm);
nix::ioctl_readwrite!(vidioc_enum_framesizes, b'V', 74, FrmSizeEnum);
nix::ioctl_readwrite!(vidioc_enum_frameintervals, b'V', 75, FrmIvalEnum);

/// A pixel format's four-character code (`v4l2_fourcc`: the first character in the low byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct FourCc(pub(crate) u32);

impl FourCc {
    /// `V4L2_PIX_FMT_YUYV`: packed 4:2:2, Y0 U Y1 V.
    pub(crate) const YUYV: Self = Self::new(*b"YUYV");
    /// `V4L2_PIX_FMT_MJPEG`: each buffer one JPEG image (often without Huffman tables).
    pub(crate) const MJPG: Self = Self::new(*b"MJPG");
    /// `V4L2_PIX_FMT_JPEG`: the same, as some drivers name it.
    pub(crate) const JPEG: Self = Self::new(*b"JPEG");
    /// `V4L2_PIX_FMT_GREY`: 8-bit luminance (near-infrared cameras).
    pub(crate) const GREY: Self = Self::new(*b"GREY");

    pub(crate) const fn new(c: [u8; 4]) -> Self {
        Self(u32::from_le_bytes(c))
    }
}

impl std::fmt::Display for FourCc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0.to_le_bytes() {
            let c = if b.is_ascii_graphic() { b as char } else { '?' };
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// The formats this driver can turn into BGR, in order of preference: raw 4:2:2 first (no
/// decoding, no compression artefacts on a face), Motion-JPEG when the camera cannot give the
/// frame rate raw at the size asked for, grey for an infrared camera.
pub(crate) const PREFERRED: [FourCc; 4] = [FourCc::YUYV, FourCc::MJPG, FourCc::JPEG, FourCc::GREY];

/// What the driver granted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Granted {
    pub(crate) fourcc: FourCc,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Bytes per row of a raw format (0 for a compressed one).
    pub(crate) stride: u32,
    /// Frames a second, when the driver says.
    pub(crate) fps: Option<f64>,
}

/// One mapped capture buffer.
struct Mapping {
    ptr: NonNull<c_void>,
    len: usize,
}

/// An open V4L2 capture device, streaming into two memory-mapped buffers.
pub(crate) struct Device {
    fd: OwnedFd,
    buffers: Vec<Mapping>,
    granted: Granted,
    driver: String,
    /// The formats the device offered at open, in its order.
    formats: Vec<FourCc>,
    streaming: bool,
}

// SAFETY: the mappings are owned by this value alone (nothing else holds their addresses) and
// are only read through `&mut self`, so moving the value to another thread is sound.
unsafe impl Send for Device {}

/// Two buffers: one the driver fills while the kiosk reads the other. More would queue stale
/// pictures behind the current one; the reader also skips to the newest ready buffer.
const BUFFERS: u32 = 2;

/// How long a frame may take before the camera counts as lost.
const FRAME_TIMEOUT_MS: u16 = 2000;

fn errno(e: Errno, what: &str) -> io::Error {
    io::Error::new(io::Error::from(e).kind(), format!("{what}: {}", e.desc()))
}

fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

impl Device {
    /// Opens a capture device and starts it streaming in the first of `PREFERRED` it offers,
    /// at the size and frame rate nearest to those asked for.
    pub(crate) fn open(path: &Path, width: u32, height: u32, fps: f64) -> io::Result<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc_o_nonblock())
            .open(path)?;
        let fd = OwnedFd::from(file);
        let raw = fd.as_raw_fd();

        let mut cap = Capability {
            driver: [0; 16],
            card: [0; 32],
            bus_info: [0; 32],
            version: 0,
            capabilities: 0,
            device_caps: 0,
            reserved: [0; 3],
        };
        // SAFETY: `cap` is a valid, writable `struct v4l2_capability` for the call's duration.
        unsafe { vidioc_querycap(raw, &mut cap) }.map_err(|e| match e {
            Errno::ENOTTY | Errno::EINVAL => io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a V4L2 device (VIDIOC_QUERYCAP refused)",
            ),
            e => errno(e, "VIDIOC_QUERYCAP"),
        })?;
        let caps = if cap.capabilities & CAP_DEVICE_CAPS != 0 {
            cap.device_caps
        } else {
            cap.capabilities
        };
        let driver = format!("{} {}", c_string(&cap.driver), c_string(&cap.card));
        if caps & CAP_VIDEO_CAPTURE == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{driver}: this node does not capture video (a metadata or output node?)"),
            ));
        }
        if caps & CAP_STREAMING == 0 {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{driver}: no streaming I/O"),
            ));
        }

        let offered = formats(raw)?;
        let candidates: Vec<FourCc> = PREFERRED
            .into_iter()
            .filter(|f| offered.contains(f))
            .collect();
        if candidates.is_empty() {
            let names: Vec<String> = offered.iter().map(ToString::to_string).collect();
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "{driver}: offers {} but none of YUYV, MJPG, JPEG, GREY",
                    names.join(", ")
                ),
            ));
        }
        // The first format that gives (nearly) the frame rate asked for; else the last tried.
        let mut granted = None;
        for fourcc in candidates {
            let g = negotiate(raw, fourcc, width, height, fps)?;
            let fast_enough = g.fps.is_none_or(|got| got + 0.5 >= fps.min(30.0));
            granted = Some(g);
            if fast_enough {
                break;
            }
        }
        let granted = granted.ok_or_else(|| io::Error::other("no format negotiated"))?;

        let mut device = Self {
            fd,
            buffers: Vec::new(),
            granted,
            driver,
            formats: offered,
            streaming: false,
        };
        device.map_buffers()?;
        device.start()?;
        Ok(device)
    }

    /// What the driver granted.
    pub(crate) fn granted(&self) -> Granted {
        self.granted
    }

    /// The driver and card names.
    pub(crate) fn driver(&self) -> &str {
        &self.driver
    }

    /// What the camera offers: formats, their frame sizes and frame rates (see [`modes`]),
    /// asked of the device now (the listing ioctls work while it streams), so that opening the
    /// camera for a face check does not pay for a listing only `kiosk doctor` reads.
    pub(crate) fn offers(&self) -> String {
        modes(self.fd.as_raw_fd(), &self.formats)
    }

    fn map_buffers(&mut self) -> io::Result<()> {
        let raw = self.fd.as_raw_fd();
        let mut req = RequestBuffers {
            count: BUFFERS,
            type_: BUF_TYPE_VIDEO_CAPTURE,
            memory: MEMORY_MMAP,
            ..RequestBuffers::default()
        };
        // SAFETY: `req` is a valid `struct v4l2_requestbuffers` for the call's duration.
        unsafe { vidioc_reqbufs(raw, &mut req) }.map_err(|e| errno(e, "VIDIOC_REQBUFS"))?;
        if req.count == 0 {
            return Err(io::Error::other("the driver granted no capture buffers"));
        }
        for index in 0..req.count {
            let mut buf = Buffer {
                index,
                type_: BUF_TYPE_VIDEO_CAPTURE,
                memory: MEMORY_MMAP,
                ..Buffer::default()
            };
            // SAFETY: `buf` is a valid `struct v4l2_buffer` for the call's duration.
            unsafe { vidioc_querybuf(raw, &mut buf) }.map_err(|e| errno(e, "VIDIOC_QUERYBUF"))?;
            let len = NonZeroUsize::new(buf.length as usize)
                .ok_or_else(|| io::Error::other("the driver reported an empty buffer"))?;
            // SAFETY: maps `len` bytes of the device at the offset the driver gave for this
            // buffer, shared and read-only; the mapping is unmapped exactly once, in `drop`.
            let ptr = unsafe {
                mmap(
                    None,
                    len,
                    ProtFlags::PROT_READ,
                    MapFlags::MAP_SHARED,
                    self.fd.as_fd(),
                    i64::from(buf.m.offset),
                )
            }
            .map_err(|e| errno(e, "mmap of a capture buffer"))?;
            self.buffers.push(Mapping {
                ptr,
                len: len.get(),
            });
        }
        Ok(())
    }

    fn start(&mut self) -> io::Result<()> {
        for index in 0..self.buffers.len() {
            self.queue(index)?;
        }
        let typ = BUF_TYPE_VIDEO_CAPTURE as i32;
        // SAFETY: passes a pointer to a valid `int` holding the buffer type.
        unsafe { vidioc_streamon(self.fd.as_raw_fd(), &typ) }
            .map_err(|e| errno(e, "VIDIOC_STREAMON"))?;
        self.streaming = true;
        Ok(())
    }

    fn queue(&mut self, index: usize) -> io::Result<()> {
        let mut buf = Buffer {
            index: u32::try_from(index).map_err(io::Error::other)?,
            type_: BUF_TYPE_VIDEO_CAPTURE,
            memory: MEMORY_MMAP,
            ..Buffer::default()
        };
        // SAFETY: `buf` is a valid `struct v4l2_buffer` for the call's duration.
        unsafe { vidioc_qbuf(self.fd.as_raw_fd(), &mut buf) }
            .map_err(|e| errno(e, "VIDIOC_QBUF"))?;
        Ok(())
    }

    /// Takes a filled buffer off the driver's queue: `Ok(None)` when none is ready.
    fn dequeue(&mut self) -> io::Result<Option<Buffer>> {
        let mut buf = Buffer {
            type_: BUF_TYPE_VIDEO_CAPTURE,
            memory: MEMORY_MMAP,
            ..Buffer::default()
        };
        // SAFETY: `buf` is a valid `struct v4l2_buffer` for the call's duration.
        match unsafe { vidioc_dqbuf(self.fd.as_raw_fd(), &mut buf) } {
            Ok(_) => Ok(Some(buf)),
            Err(Errno::EAGAIN) => Ok(None),
            Err(e) => Err(errno(e, "VIDIOC_DQBUF")),
        }
    }

    /// Waits for the next picture and hands its bytes to `read`, then gives the buffer back to
    /// the driver. When several are ready, the newest is read and the older ones go straight
    /// back: the check judges the citizen as they are now, not a queue of past frames.
    pub(crate) fn next<T>(&mut self, read: impl FnOnce(&[u8]) -> T) -> io::Result<T> {
        let buf = take_newest(self)?;
        let index = buf.index as usize;
        let Some(mapping) = self.buffers.get(index) else {
            return Err(io::Error::other("the driver returned an unknown buffer"));
        };
        let used = (buf.bytesused as usize).min(mapping.len);
        // SAFETY: the mapping is `mapping.len` readable bytes (mapped in `map_buffers`, alive
        // until `drop`); the driver does not write it while it is dequeued (until `queue`).
        let bytes = unsafe { std::slice::from_raw_parts(mapping.ptr.as_ptr().cast::<u8>(), used) };
        let out = read(bytes);
        self.queue(index)?;
        Ok(out)
    }
}

/// A filled buffer as `VIDIOC_DQBUF` returns it (the fields the reader uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Filled {
    index: u32,
    bytesused: u32,
    flags: u32,
}

/// The driver's buffer queue, as the reader uses it (a trait so the reading rules can be
/// tested without a camera).
trait BufferQueue {
    /// Waits until a buffer is ready: `Ok(false)` when none came in time.
    fn wait(&mut self) -> io::Result<bool>;
    /// Takes a filled buffer: `Ok(None)` when none is ready.
    fn take(&mut self) -> io::Result<Option<Filled>>;
    /// Gives a buffer back to the driver to fill.
    fn give_back(&mut self, index: u32) -> io::Result<()>;
}

impl BufferQueue for Device {
    fn wait(&mut self) -> io::Result<bool> {
        let mut fds = [PollFd::new(self.fd.as_fd(), PollFlags::POLLIN)];
        let ready =
            poll(&mut fds, PollTimeout::from(FRAME_TIMEOUT_MS)).map_err(|e| errno(e, "poll"))?;
        Ok(ready > 0)
    }

    fn take(&mut self) -> io::Result<Option<Filled>> {
        Ok(self.dequeue()?.map(|b| Filled {
            index: b.index,
            bytesused: b.bytesused,
            flags: b.flags,
        }))
    }

    fn give_back(&mut self, index: u32) -> io::Result<()> {
        self.queue(index as usize)
    }
}

/// How many damaged buffers in a row (flagged `V4L2_BUF_FLAG_ERROR`, or empty) are given back
/// unread before the camera counts as broken.
const DAMAGED_BUFFERS_TOLERATED: u32 = 10;

/// The reading rules: wait for a picture; of all the pictures ready, keep the newest and give
/// the older ones straight back; give back damaged ones unread and wait again.
fn take_newest(q: &mut impl BufferQueue) -> io::Result<Filled> {
    let mut damaged = 0;
    loop {
        if !q.wait()? {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("no frame within {FRAME_TIMEOUT_MS} ms"),
            ));
        }
        let Some(mut buf) = q.take()? else {
            continue;
        };
        while let Some(newer) = q.take()? {
            q.give_back(buf.index)?;
            buf = newer;
        }
        if buf.flags & BUF_FLAG_ERROR == 0 && buf.bytesused > 0 {
            return Ok(buf);
        }
        q.give_back(buf.index)?;
        damaged += 1;
        if damaged >= DAMAGED_BUFFERS_TOLERATED {
            return Err(io::Error::other("the camera delivers only damaged frames"));
        }
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if self.streaming {
            let typ = BUF_TYPE_VIDEO_CAPTURE as i32;
            // SAFETY: passes a pointer to a valid `int`. An unplugged camera answers ENODEV:
            // nothing more to stop then.
            let _ = unsafe { vidioc_streamoff(self.fd.as_raw_fd(), &typ) };
        }
        for m in self.buffers.drain(..) {
            // SAFETY: unmaps a mapping made in `map_buffers`, exactly once; no slice of it
            // outlives `next`.
            let _ = unsafe { munmap(m.ptr, m.len) };
        }
        // The descriptor closes when `fd` drops.
    }
}

/// `O_NONBLOCK`: `VIDIOC_DQBUF` answers EAGAIN instead of blocking; waiting is done by `poll`.
fn libc_o_nonblock() -> i32 {
    nix::fcntl::OFlag::O_NONBLOCK.bits()
}

/// The capture formats a device offers (`VIDIOC_ENUM_FMT` until EINVAL).
fn formats(fd: i32) -> io::Result<Vec<FourCc>> {
    let mut out = Vec::new();
    for index in 0..64 {
        let mut desc = FmtDesc {
            index,
            type_: BUF_TYPE_VIDEO_CAPTURE,
            flags: 0,
            description: [0; 32],
            pixelformat: 0,
            mbus_code: 0,
            reserved: [0; 3],
        };
        // SAFETY: `desc` is a valid `struct v4l2_fmtdesc` for the call's duration.
        match unsafe { vidioc_enum_fmt(fd, &mut desc) } {
            Ok(_) => out.push(FourCc(desc.pixelformat)),
            Err(Errno::EINVAL) => break,
            Err(e) => return Err(errno(e, "VIDIOC_ENUM_FMT")),
        }
    }
    Ok(out)
}

/// What a device offers, for the installer: each format with its frame sizes and their frame
/// rates, e.g. `YUYV 640x480 (30, 15 fps), 1280x720 (10 fps); MJPG 1280x720 (30 fps)`. A driver
/// that does not list sizes (or rates) gives the format (or the size) alone.
fn modes(fd: i32, formats: &[FourCc]) -> String {
    let listed: Vec<String> = formats
        .iter()
        .map(|&fourcc| {
            let sizes = frame_sizes(fd, fourcc);
            if sizes.is_empty() {
                fourcc.to_string()
            } else {
                format!("{fourcc} {}", sizes.join(", "))
            }
        })
        .collect();
    listed.join("; ")
}

/// The frame sizes of a format (`VIDIOC_ENUM_FRAMESIZES` until it refuses), with their rates.
fn frame_sizes(fd: i32, fourcc: FourCc) -> Vec<String> {
    let mut out = Vec::new();
    for index in 0..MAX_MODES {
        let mut e = FrmSizeEnum {
            index,
            pixel_format: fourcc.0,
            ..FrmSizeEnum::default()
        };
        // SAFETY: `e` is a valid `struct v4l2_frmsizeenum` for the call's duration.
        if unsafe { vidioc_enum_framesizes(fd, &mut e) }.is_err() {
            break;
        }
        if e.type_ == FRM_TYPE_DISCRETE {
            let [w, h, ..] = e.size;
            out.push(format!("{w}x{h}{}", rates(fd, fourcc, w, h)));
        } else {
            // A range, at index 0 only; its rates are listed for the largest size.
            let [min_w, max_w, step_w, min_h, max_h, step_h] = e.size;
            out.push(format!(
                "{min_w}x{min_h} to {max_w}x{max_h} step {step_w}x{step_h}{}",
                rates(fd, fourcc, max_w, max_h)
            ));
            break;
        }
    }
    out
}

/// The frame rates of a mode (`VIDIOC_ENUM_FRAMEINTERVALS`), as ` (30, 15 fps)` or
/// ` (1 to 30 fps)`; empty when the driver does not list them.
fn rates(fd: i32, fourcc: FourCc, width: u32, height: u32) -> String {
    let mut listed = Vec::new();
    for index in 0..MAX_MODES {
        let mut e = FrmIvalEnum {
            index,
            pixel_format: fourcc.0,
            width,
            height,
            ..FrmIvalEnum::default()
        };
        // SAFETY: `e` is a valid `struct v4l2_frmivalenum` for the call's duration.
        if unsafe { vidioc_enum_frameintervals(fd, &mut e) }.is_err() {
            break;
        }
        let [num, den, max_num, max_den, ..] = e.interval;
        if e.type_ != FRM_TYPE_DISCRETE {
            // A range: the shortest interval is the highest rate.
            return match (per_second(num, den), per_second(max_num, max_den)) {
                (Some(fast), Some(slow)) => format!(" ({slow} to {fast} fps)"),
                (Some(fast), None) => format!(" (up to {fast} fps)"),
                _ => String::new(),
            };
        }
        listed.extend(per_second(num, den));
    }
    if listed.is_empty() {
        String::new()
    } else {
        format!(" ({} fps)", listed.join(", "))
    }
}

/// Frames a second from seconds per frame: `30`, `7.5`, `29.97`; `None` for a zero term.
fn per_second(numerator: u32, denominator: u32) -> Option<String> {
    if numerator == 0 || denominator == 0 {
        return None;
    }
    let text = format!("{:.2}", f64::from(denominator) / f64::from(numerator));
    Some(text.trim_end_matches('0').trim_end_matches('.').to_owned())
}

/// Sets the format and the frame rate; returns what the driver granted.
fn negotiate(fd: i32, fourcc: FourCc, width: u32, height: u32, fps: f64) -> io::Result<Granted> {
    let mut format = Format {
        type_: BUF_TYPE_VIDEO_CAPTURE,
        _union_align: 0,
        pix: PixFormat {
            width,
            height,
            pixelformat: fourcc.0,
            field: FIELD_NONE,
            ..PixFormat::default()
        },
        _rest_of_union: [0; 152],
    };
    // SAFETY: `format` is a valid `struct v4l2_format` for the call's duration.
    unsafe { vidioc_s_fmt(fd, &mut format) }.map_err(|e| errno(e, "VIDIOC_S_FMT"))?;
    let pix = format.pix;
    if FourCc(pix.pixelformat) != fourcc {
        return Err(io::Error::other(format!(
            "asked for {fourcc}, the driver chose {}",
            FourCc(pix.pixelformat)
        )));
    }

    let mut parm = StreamParm {
        type_: BUF_TYPE_VIDEO_CAPTURE,
        capture: CaptureParm::default(),
        _rest_of_union: [0; 160],
    };
    // SAFETY: `parm` is a valid `struct v4l2_streamparm` for the call's duration.
    let got = unsafe { vidioc_g_parm(fd, &mut parm) };
    if got.is_ok() && parm.capture.capability & CAP_TIMEPERFRAME != 0 && fps > 0.0 {
        // Seconds per frame as a fraction: 1000 / (fps x 1000) keeps 29.97 exact enough.
        parm.capture.timeperframe = [1000, (fps * 1000.0).round().clamp(1.0, 1e9) as u32];
        // SAFETY: as above. A driver that refuses keeps its own rate, read back below.
        let _ = unsafe { vidioc_s_parm(fd, &mut parm) };
    }
    let [num, den] = parm.capture.timeperframe;
    let fps = (got.is_ok() && num > 0 && den > 0).then(|| f64::from(den) / f64::from(num));
    let compressed = matches!(fourcc, FourCc::MJPG | FourCc::JPEG);
    Ok(Granted {
        fourcc,
        width: pix.width,
        height: pix.height,
        stride: if compressed { 0 } else { pix.bytesperline },
        fps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request codes `videodev2.h` yields on LP64 (`_IOR('V', 0, struct v4l2_capability)`
    /// and so on), as `strace` prints them: they prove the layouts above match the kernel's.
    #[test]
    fn ioctl_request_codes_match_the_kernel_header() {
        use nix::{request_code_read, request_code_readwrite, request_code_write};
        let codes: [(u64, u64); 13] = [
            (
                request_code_read!(b'V', 0, size_of::<Capability>()) as u64,
                0x8068_5600,
            ),
            (
                request_code_readwrite!(b'V', 2, size_of::<FmtDesc>()) as u64,
                0xc040_5602,
            ),
            (
                request_code_readwrite!(b'V', 5, size_of::<Format>()) as u64,
                0xc0d0_5605,
            ),
            (
                request_code_readwrite!(b'V', 8, size_of::<RequestBuffers>()) as u64,
                0xc014_5608,
            ),
            (
                request_code_readwrite!(b'V', 9, size_of::<Buffer>()) as u64,
                0xc058_5609,
            ),
            (
                request_code_readwrite!(b'V', 15, size_of::<Buffer>()) as u64,
                0xc058_560f,
            ),
            (
                request_code_readwrite!(b'V', 17, size_of::<Buffer>()) as u64,
                0xc058_5611,
            ),
            (
                request_code_write!(b'V', 18, size_of::<i32>()) as u64,
                0x4004_5612,
            ),
            (
                request_code_write!(b'V', 19, size_of::<i32>()) as u64,
                0x4004_5613,
            ),
            (
                request_code_readwrite!(b'V', 21, size_of::<StreamParm>()) as u64,
                0xc0cc_5615,
            ),
            (
                request_code_readwrite!(b'V', 22, size_of::<StreamParm>()) as u64,
                0xc0cc_5616,
            ),
            (
                request_code_readwrite!(b'V', 74, size_of::<FrmSizeEnum>()) as u64,
                0xc02c_564a,
            ),
            (
                request_code_readwrite!(b'V', 75, size_of::<FrmIvalEnum>()) as u64,
                0xc034_564b,
            ),
        ];
        for (i, (ours, kernel)) in codes.into_iter().enumerate() {
            assert_eq!(ours, kernel, "request code #{i}: {ours:#x} != {kernel:#x}");
        }
    }

    #[test]
    fn the_m_union_and_timestamp_sit_where_the_kernel_puts_them() {
        assert_eq!(std::mem::offset_of!(Buffer, timestamp), 24);
        assert_eq!(std::mem::offset_of!(Buffer, sequence), 56);
        assert_eq!(std::mem::offset_of!(Buffer, m), 64);
        assert_eq!(std::mem::offset_of!(Buffer, length), 72);
        assert_eq!(std::mem::offset_of!(Format, pix), 8);
        assert_eq!(std::mem::offset_of!(StreamParm, capture), 4);
        assert_eq!(std::mem::offset_of!(FrmSizeEnum, size), 12);
        assert_eq!(std::mem::offset_of!(FrmIvalEnum, interval), 20);
    }

    #[test]
    fn frame_rates_are_written_short() {
        assert_eq!(per_second(1, 30).as_deref(), Some("30"));
        assert_eq!(per_second(2, 15).as_deref(), Some("7.5"));
        assert_eq!(per_second(1001, 30000).as_deref(), Some("29.97"));
        assert_eq!(per_second(1000, 15000).as_deref(), Some("15"));
        assert_eq!(per_second(0, 30), None);
        assert_eq!(per_second(1, 0), None);
    }

    #[test]
    fn fourcc_codes_are_v4l2_fourcc() {
        // v4l2_fourcc('Y','U','Y','V') = 'Y' | 'U' << 8 | 'Y' << 16 | 'V' << 24.
        assert_eq!(FourCc::YUYV.0, 0x5659_5559);
        assert_eq!(FourCc::MJPG.0, 0x4750_4a4d);
        assert_eq!(FourCc::GREY.to_string(), "GREY");
        assert_eq!(FourCc(0x0000_4a4d).to_string(), "MJ??");
    }

    /// A driver queue playing a script: each `wait` makes the next group of buffers ready.
    struct Script {
        groups: std::collections::VecDeque<Vec<Filled>>,
        ready: std::collections::VecDeque<Filled>,
        given_back: Vec<u32>,
    }

    impl Script {
        fn new(groups: Vec<Vec<Filled>>) -> Self {
            Self {
                groups: groups.into(),
                ready: Default::default(),
                given_back: Vec::new(),
            }
        }
    }

    impl BufferQueue for Script {
        fn wait(&mut self) -> io::Result<bool> {
            match self.groups.pop_front() {
                Some(g) => {
                    self.ready.extend(g);
                    Ok(true)
                }
                None => Ok(false),
            }
        }
        fn take(&mut self) -> io::Result<Option<Filled>> {
            Ok(self.ready.pop_front())
        }
        fn give_back(&mut self, index: u32) -> io::Result<()> {
            self.given_back.push(index);
            Ok(())
        }
    }

    fn filled(index: u32, bytesused: u32, flags: u32) -> Filled {
        Filled {
            index,
            bytesused,
            flags,
        }
    }

    #[test]
    fn the_newest_ready_picture_is_read_and_older_ones_given_back() {
        let mut q = Script::new(vec![vec![filled(0, 100, 0), filled(1, 100, 0)]]);
        assert_eq!(take_newest(&mut q).unwrap(), filled(1, 100, 0));
        assert_eq!(q.given_back, [0]);

        let mut q = Script::new(vec![vec![filled(1, 100, 0)]]);
        assert_eq!(take_newest(&mut q).unwrap().index, 1);
        assert!(
            q.given_back.is_empty(),
            "the only picture is not given back before reading"
        );
    }

    #[test]
    fn damaged_pictures_are_given_back_unread_and_the_next_one_read() {
        let mut q = Script::new(vec![
            vec![filled(0, 100, BUF_FLAG_ERROR)],
            vec![filled(1, 0, 0)],
            vec![filled(0, 100, 0)],
        ]);
        assert_eq!(take_newest(&mut q).unwrap(), filled(0, 100, 0));
        assert_eq!(q.given_back, [0, 1]);
    }

    #[test]
    fn only_damaged_pictures_or_none_at_all_is_an_error() {
        let groups = (0..DAMAGED_BUFFERS_TOLERATED)
            .map(|i| vec![filled(i % 2, 100, BUF_FLAG_ERROR)])
            .collect();
        let mut q = Script::new(groups);
        let err = take_newest(&mut q).unwrap_err();
        assert_eq!(err.to_string(), "the camera delivers only damaged frames");
        assert_eq!(q.given_back.len(), DAMAGED_BUFFERS_TOLERATED as usize);

        let mut q = Script::new(vec![]);
        assert_eq!(
            take_newest(&mut q).unwrap_err().kind(),
            io::ErrorKind::TimedOut
        );
    }

    #[test]
    fn a_file_that_is_not_a_camera_is_refused_cleanly() {
        let err = Device::open(Path::new("/dev/null"), 640, 480, 15.0)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("not a V4L2 device (VIDIOC_QUERYCAP refused)")
        );
        let missing = Device::open(Path::new("/nonexistent/video7"), 640, 480, 15.0);
        assert_eq!(
            missing.err().map(|e| e.kind()),
            Some(io::ErrorKind::NotFound)
        );
    }
}
