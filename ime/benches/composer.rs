//! Composer timings: parsing the embedded table (and what it holds in memory), and the cost of a
//! key press plus `candidates(0, 10)` after typical 8-letter inputs, as median and p90.
//!
//! Run in release: `cargo bench -p ime --bench composer`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ime::{Composer, parse_embedded_table};

/// 8-letter inputs a citizen types for a name or an address.
const INPUTS: [&str; 5] = ["chaoyang", "zhangwei", "beijingd", "xiaoquda", "haidianq"];

fn main() {
    let rss_before = rss_kib();
    let started = Instant::now();
    let mut warm = Composer::new();
    warm.push('a');
    let first_use = started.elapsed();
    let rss_after = rss_kib();
    println!(
        "first use (lazy parse of the shared table): {:.2} ms, resident memory +{} KiB",
        ms(first_use),
        rss_after.saturating_sub(rss_before)
    );

    let stats = parse_embedded_table();
    println!(
        "table: {} syllables, {} character entries, {} words; text {} KiB (in the binary), parsed structures {} KiB on the heap",
        stats.syllables,
        stats.char_entries,
        stats.words,
        stats.text_bytes / 1024,
        stats.heap_bytes / 1024
    );
    report(
        "parse the embedded table",
        &sample(30, || {
            black_box(parse_embedded_table());
        }),
    );

    for input in INPUTS {
        let (head, last) = input.split_at(input.len() - 1);
        let last = last.chars().next().unwrap_or('a');
        let mut base = Composer::new();
        head.chars().for_each(|c| {
            base.push(c);
        });
        let times = sample(300, || {
            let mut c = base.clone();
            c.push(last);
            black_box(c.candidates(0, 10));
        });
        let mut c = base.clone();
        c.push(last);
        report(
            &format!(
                "push 8th letter + candidates(0, 10) for {input} ({}, {} candidates)",
                c.preedit(),
                c.candidate_count()
            ),
            &times,
        );
        report(
            &format!("candidates(0, 10) alone for {input}"),
            &sample(1000, || {
                black_box(c.candidates(0, 10));
            }),
        );
    }
    // The heaviest single keys: a lone initial gives every character it begins.
    for input in ["y", "zh", "s"] {
        let times = sample(100, || {
            let mut c = Composer::new();
            input.chars().for_each(|k| {
                c.push(k);
            });
            black_box(c.candidates(0, 10));
        });
        let mut c = Composer::new();
        input.chars().for_each(|k| {
            c.push(k);
        });
        report(
            &format!(
                "type {input:?} + candidates(0, 10) ({} candidates)",
                c.candidate_count()
            ),
            &times,
        );
    }
}

/// Runs `f` `n` times, returning each duration sorted.
fn sample(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort_unstable();
    times
}

fn report(what: &str, sorted: &[Duration]) {
    let at = |q: f64| {
        let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted.get(i).copied().unwrap_or_default()
    };
    println!(
        "{what}: median {:.1} µs, p90 {:.1} µs",
        us(at(0.5)),
        us(at(0.9))
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// The process's resident set from /proc (0 where there is none).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
