//! Builds the user-space V4L2 capture device (`fake_v4l2.c`, beside this file) for `LD_PRELOAD`.
//! Shared by the camera crate's streaming tests and the `kiosk doctor` end-to-end test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The device path the fake answers on (set as `FAKE_V4L2_PATH`; no such file exists).
pub const PATH: &str = "/nonexistent/fake-v4l2/video0";

/// Compiles the fake into `dir` with the C compiler (`CC`, else `cc`); returns the library.
///
/// # Panics
/// When the source cannot be written, or the compiler cannot run or fails.
pub fn build(dir: &Path) -> PathBuf {
    // The source is compiled in, so the including test need not know where it lies.
    let source = dir.join("fake_v4l2.c");
    std::fs::write(&source, include_str!("fake_v4l2.c")).unwrap();
    let lib = dir.join("libfake_v4l2.so");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let out = Command::new(&cc)
        .args([
            "-shared", "-fPIC", "-O1", "-Wall", "-Wextra", "-Werror", "-o",
        ])
        .arg(&lib)
        .arg(&source)
        .arg("-ldl")
        .output()
        .unwrap_or_else(|e| panic!("{cc} (the C compiler, package gcc) cannot run: {e}"));
    assert!(
        out.status.success(),
        "{cc} failed on fake_v4l2.c: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}
