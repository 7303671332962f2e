//! What the load generators share: the latency line every benchmark script reads.
use std::time::Duration;

/// `latency ms: p50 …  p90 …  p99 …  p99.9 …  max …` of the (unsorted) latencies, or a line
/// saying there were none.
pub fn latency_line(latencies: &mut [Duration]) -> String {
    latencies.sort_unstable();
    let Some(max) = latencies.last() else {
        return "latency ms: no requests".to_owned();
    };
    let ms = |d: &Duration| d.as_secs_f64() * 1e3;
    let pct = |p: f64| {
        let at = ((latencies.len() as f64 * p) as usize).min(latencies.len() - 1);
        latencies.get(at).map_or(0.0, ms)
    };
    format!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        pct(0.999),
        ms(max)
    )
}
