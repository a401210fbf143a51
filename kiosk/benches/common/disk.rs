//! The disk's durable-write floor, shared by the store benchmarks.

use std::error::Error;
use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Instant;

/// How many `fdatasync`ed 4 KiB writes the disk does a second, overwriting a file laid out in
/// advance (as SQLite reuses its WAL after a checkpoint).
pub fn fdatasync_rate(path: &Path, n: usize) -> Result<f64, Box<dyn Error>> {
    const BLOCK: usize = 4096;
    const BLOCKS: usize = 256;
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .read(true)
        .write(true)
        .open(path)?;
    file.write_all(&vec![0_u8; BLOCK * BLOCKS])?;
    file.sync_all()?;
    let block = [1_u8; BLOCK];
    let started = Instant::now();
    for i in 0..n {
        file.seek(SeekFrom::Start(((i % BLOCKS) * BLOCK) as u64))?;
        file.write_all(&block)?;
        file.sync_data()?;
    }
    Ok(per_second(n, started))
}

/// `n` over the time since `started`, a second.
pub fn per_second(n: usize, started: Instant) -> f64 {
    n as f64 / started.elapsed().as_secs_f64()
}
