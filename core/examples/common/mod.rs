//! What the benchmarks share: timing many runs of one step and quoting its median and p95
//! (these machines are noisy; a mean would hide the spread).

use std::time::{Duration, Instant};

/// The `p` quantile (0.0 to 1.0) of `samples`, in milliseconds.
pub fn percentile(samples: &mut [Duration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

/// p50 and p95 in milliseconds of `runs` calls of `f` (given the run's number).
pub fn time_many(runs: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed()
        })
        .collect();
    (percentile(&mut samples, 0.5), percentile(&mut samples, 0.95))
}
