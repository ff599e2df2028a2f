//! Shared helpers of the benchmarks (`src/bin/*`), run by `cargo xtask bench`.

pub mod server;

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ is inside the workspace")
        .to_path_buf()
}

/// The median of some durations.
pub fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Peak resident set size of this process so far (VmHWM), in bytes.
pub fn peak_rss() -> u64 {
    status_kb("VmHWM:") * 1024
}

/// Current resident set size (VmRSS), in bytes.
pub fn rss() -> u64 {
    status_kb("VmRSS:") * 1024
}

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the peak RSS counter to the current RSS (Linux: writing 5 to clear_refs).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
