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
use std::ffi::{c_int, c_void};
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
    fn malloc(size: usize) -> *mut c_void;
    fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
    fn malloc_usable_size(ptr: *mut c_void) -> usize;
}

/// glibc's bookkeeping in front of every heap chunk it hands out (`SIZE_SZ` on 64-bit): a chunk
/// spans its usable size plus this (`malloc_usable_size` = chunk size - `SIZE_SZ`).
const CHUNK_HEADER: u64 = 8;

// SQLite's allocator for the bench: glibc's malloc itself, so that SQLite's own count
// (`sqlite3_memory_used`, the sum of `xSize`) is the usable size of each of its chunks, and its
// share of the malloc heap is exact: that sum plus one chunk header per live allocation. (The
// default allocator asks malloc for 8 bytes more than it counts, to store the size.)
unsafe extern "C" fn sqlite_malloc(n: c_int) -> *mut c_void {
    // SAFETY: plain malloc; SQLite never asks for a negative size.
    unsafe { malloc(usize::try_from(n).unwrap_or(0)) }
}
unsafe extern "C" fn sqlite_free(p: *mut c_void) {
    // SAFETY: `p` came from `sqlite_malloc`/`sqlite_realloc` (SQLite's contract).
    unsafe { free(p) }
}
unsafe extern "C" fn sqlite_realloc(p: *mut c_void, n: c_int) -> *mut c_void {
    // SAFETY: as `sqlite_free`.
    unsafe { realloc(p, usize::try_from(n).unwrap_or(0)) }
}
unsafe extern "C" fn sqlite_size(p: *mut c_void) -> c_int {
    // SAFETY: as `sqlite_free`.
    c_int::try_from(unsafe { malloc_usable_size(p) }).unwrap_or(c_int::MAX)
}
unsafe extern "C" fn sqlite_roundup(n: c_int) -> c_int {
    // What SQLite's default allocator does: a multiple of 8.
    (n + 7) & !7
}
unsafe extern "C" fn sqlite_init(_: *mut c_void) -> c_int {
    0
}
unsafe extern "C" fn sqlite_shutdown(_: *mut c_void) {}

/// Gives SQLite glibc's malloc as its allocator, so that [`Snapshot::sqlite_heap`] is exact.
/// Call first thing in `main`, before any SQLite connection opens.
///
/// # Panics
/// When SQLite is already initialised (`SQLITE_MISUSE`).
pub fn sqlite_on_malloc() {
    let methods = Box::leak(Box::new(rusqlite::ffi::sqlite3_mem_methods {
        xMalloc: Some(sqlite_malloc),
        xFree: Some(sqlite_free),
        xRealloc: Some(sqlite_realloc),
        xSize: Some(sqlite_size),
        xRoundup: Some(sqlite_roundup),
        xInit: Some(sqlite_init),
        xShutdown: Some(sqlite_shutdown),
        pAppData: std::ptr::null_mut(),
    }));
    // SAFETY: SQLITE_CONFIG_MALLOC takes a pointer to a `sqlite3_mem_methods` that SQLite copies;
    // called before SQLite is initialised (else it answers SQLITE_MISUSE, checked).
    let rc = unsafe {
        rusqlite::ffi::sqlite3_config(
            rusqlite::ffi::SQLITE_CONFIG_MALLOC,
            std::ptr::from_mut(methods),
        )
    };
    assert_eq!(rc, rusqlite::ffi::SQLITE_OK, "SQLITE_CONFIG_MALLOC refused");
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
    /// SQLite's live allocations (`SQLITE_STATUS_MALLOC_COUNT`).
    pub sqlite_allocs: u64,
}

impl Snapshot {
    /// Now.
    pub fn take() -> Snapshot {
        // SAFETY: mallinfo2 only reads malloc's statistics.
        let mi = unsafe { mallinfo2() };
        // SAFETY: a read of SQLite's global counter; safe from any thread.
        let sqlite = unsafe { rusqlite::ffi::sqlite3_memory_used() };
        let (mut count, mut highwater) = (0_i64, 0_i64);
        // SAFETY: reads one of SQLite's global counters into two local integers.
        unsafe {
            rusqlite::ffi::sqlite3_status64(
                rusqlite::ffi::SQLITE_STATUS_MALLOC_COUNT,
                &mut count,
                &mut highwater,
                0,
            )
        };
        let (rss_kb, hwm_kb) = proc_status("self");
        Snapshot {
            rss_kb,
            hwm_kb,
            rust_live: LIVE.load(Ordering::Relaxed) as u64,
            rust_allocs: ALLOCS.load(Ordering::Relaxed),
            malloc_live: (mi.uordblks + mi.hblkhd) as u64,
            malloc_held: (mi.arena + mi.hblkhd) as u64,
            sqlite_live: u64::try_from(sqlite).unwrap_or(0),
            sqlite_allocs: u64::try_from(count).unwrap_or(0),
        }
    }

    /// SQLite's share of the malloc heap: its allocations' usable sizes plus glibc's header of
    /// each chunk. Exact after [`sqlite_on_malloc`] (with SQLite's default allocator, 8 bytes an
    /// allocation more are SQLite's and counted outside it).
    pub fn sqlite_heap(&self) -> u64 {
        self.sqlite_live + CHUNK_HEADER * self.sqlite_allocs
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
