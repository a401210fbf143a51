//! Where a benchmark process's memory is: the Rust heap (a counting global allocator), the whole
//! malloc heap (glibc `mallinfo2`: Rust, SQLite, OpenCV and every other C library together),
//! SQLite's own allocations, and the resident set (`/proc/self/status`).
//!
//! Live heap bytes stay flat when nothing leaks; RSS can still creep from fragmentation (glibc
//! keeps freed chunks in per-thread arenas), which `malloc_trim` gives back.
#![allow(
    unsafe_code,
    reason = "a global allocator and two glibc calls; nothing else is unsafe"
)]
#![allow(dead_code, reason = "each bench uses the helpers it needs")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// The system allocator, counting the bytes live and the allocations made.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded to `System` with the caller's arguments unchanged; the counters
// are plain atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as is.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
}

/// glibc's `struct mallinfo2` (glibc 2.33 and newer).
#[repr(C)]
#[derive(Default)]
struct MallInfo2 {
    arena: usize,
    ordblks: usize,
    smblks: usize,
    hblks: usize,
    hblkhd: usize,
    usmblks: usize,
    fsmblks: usize,
    uordblks: usize,
    fordblks: usize,
    keepcost: usize,
}

unsafe extern "C" {
    fn mallinfo2() -> MallInfo2;
}

/// One look at the process's memory, in bytes (RSS in KB as the kernel reports it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Snapshot {
    /// Resident set, KB (`VmRSS`).
    pub rss_kb: u64,
    /// Peak resident set, KB (`VmHWM`).
    pub hwm_kb: u64,
    /// Bytes the Rust code holds (counting allocator).
    pub rust_live: u64,
    /// Rust allocations made so far.
    pub rust_allocs: u64,
    /// Bytes malloc has handed out and not had back, all callers (`uordblks + hblkhd`).
    pub malloc_live: u64,
    /// Bytes malloc holds from the kernel (`arena + hblkhd`): live plus free chunks kept.
    pub malloc_held: u64,
    /// Bytes SQLite has allocated (`sqlite3_memory_used`, every connection in the process).
    pub sqlite_live: u64,
}

impl Snapshot {
    /// Now.
    pub fn take() -> Snapshot {
        // SAFETY: mallinfo2 only reads malloc's statistics.
        let mi = unsafe { mallinfo2() };
        // SAFETY: a read of SQLite's global counter; safe from any thread.
        let sqlite = unsafe { rusqlite::ffi::sqlite3_memory_used() };
        let (rss_kb, hwm_kb) = proc_status("self");
        Snapshot {
            rss_kb,
            hwm_kb,
            rust_live: LIVE.load(Ordering::Relaxed) as u64,
            rust_allocs: ALLOCS.load(Ordering::Relaxed),
            malloc_live: (mi.uordblks + mi.hblkhd) as u64,
            malloc_held: (mi.arena + mi.hblkhd) as u64,
            sqlite_live: u64::try_from(sqlite).unwrap_or(0),
        }
    }
}

/// Gives the free memory of every malloc arena back to the kernel; true when some was.
pub fn trim() -> bool {
    kiosk::app::memory::trim()
}

/// `VmRSS` and `VmHWM` of `/proc/<pid>/status`, KB (0 when unreadable).
pub fn proc_status(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// KB to MB.
pub fn mb_kb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Bytes to MB.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
