//! Giving memory back when a session ends: the allocator keeps freed chunks in its arenas (one
//! per thread that allocated), so a kiosk that just ran a face check and rendered a certificate
//! holds megabytes it no longer uses. At every session's end the driver hands them back, with the
//! store's SQLite page cache, so the resident memory between citizens is what the kiosk needs.

/// Gives the free memory of every malloc arena back to the kernel (glibc's `malloc_trim`); true
/// when some was. Does nothing on other C libraries.
pub fn trim() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        #[allow(unsafe_code, reason = "glibc's malloc_trim, declared as it is")]
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim takes no pointers and may be called from any thread at any time
        // (glibc locks each arena while it trims it).
        #[allow(unsafe_code, reason = "a libc call without pointers, see above")]
        let trimmed = unsafe { malloc_trim(0) } != 0;
        trimmed
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    #[test]
    fn freed_small_chunks_are_given_back() {
        // 16 MB in small chunks (below the mmap threshold, so they live in an arena), freed.
        let chunks: Vec<Vec<u8>> = (0..16_384).map(|i| vec![(i % 251) as u8; 1024]).collect();
        assert_eq!(chunks.len(), 16_384);
        drop(chunks);
        assert!(
            super::trim(),
            "glibc gave nothing back after 16 MB were freed"
        );
    }
}
