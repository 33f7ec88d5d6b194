//! Prometheus metrics, hand-written: request counts by route and status, a latency histogram
//! per route, changes stored/refused/replayed, pull and snapshot pages, logins, and the devices
//! seen since start. Only known routes are labels, so a scan of random paths adds no series.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    devices: Mutex<HashSet<String>>,
    pub changes_stored: AtomicU64,
    pub changes_refused: AtomicU64,
    pub changes_replayed: AtomicU64,
    pub pull_pages: AtomicU64,
    pub pull_changes: AtomicU64,
    pub snapshot_pages: AtomicU64,
    pub logins_ok: AtomicU64,
    pub logins_failed: AtomicU64,
}

/// The route label of a path.
pub fn route(path: &str) -> &'static str {
    match path {
        "/health" => "/health",
        "/metrics" => "/metrics",
        "/api/v1/login" => "/api/v1/login",
        "/api/v1/logout" => "/api/v1/logout",
        "/api/v1/push" => "/api/v1/push",
        "/api/v1/pull" => "/api/v1/pull",
        "/api/v1/snapshot" => "/api/v1/snapshot",
        // Dashboard paths carry an indicator code at most; queries (area ids) are never logged.
        p if p.starts_with("/dashboard/coverage/") => "/dashboard/coverage/{indicator}",
        p if p.starts_with("/dashboard/export/") => "/dashboard/export",
        "/dashboard/coverage" => "/dashboard/coverage",
        "/dashboard/login" => "/dashboard/login",
        "/dashboard/logout" => "/dashboard/logout",
        "/dashboard/targets" => "/dashboard/targets",
        p if p.starts_with("/dashboard") => "/dashboard",
        _ => "other",
    }
}

impl Metrics {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn request(&self, route: &'static str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((route, status))
            .or_default() += 1;
        let mut lat = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let h = lat.entry(route).or_default();
        for (i, b) in BUCKETS.iter().enumerate() {
            if seconds <= *b {
                h.buckets[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    pub fn device_seen(&self, device: &str) {
        let mut d = self.devices.lock().unwrap_or_else(|p| p.into_inner());
        if !d.contains(device) {
            d.insert(device.to_string());
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", v.load(Ordering::Relaxed));
        };
        let _ = writeln!(
            out,
            "# HELP ilp_http_requests_total HTTP requests by route and status.\n# TYPE ilp_http_requests_total counter"
        );
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "ilp_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP ilp_http_request_duration_seconds Request latency by route.\n# TYPE ilp_http_request_duration_seconds histogram"
        );
        for (route, h) in self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "ilp_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {}",
                    h.buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "ilp_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\nilp_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\nilp_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        counter(
            &mut out,
            "ilp_changes_stored_total",
            "Pushed changes stored.",
            &self.changes_stored,
        );
        counter(
            &mut out,
            "ilp_changes_refused_total",
            "Pushed changes refused.",
            &self.changes_refused,
        );
        counter(
            &mut out,
            "ilp_changes_replayed_total",
            "Pushed changes already decided (retries).",
            &self.changes_replayed,
        );
        counter(
            &mut out,
            "ilp_pull_pages_total",
            "Pull pages served.",
            &self.pull_pages,
        );
        counter(
            &mut out,
            "ilp_pull_changes_total",
            "Changes sent in pull pages.",
            &self.pull_changes,
        );
        counter(
            &mut out,
            "ilp_snapshot_pages_total",
            "Snapshot pages served.",
            &self.snapshot_pages,
        );
        counter(
            &mut out,
            "ilp_logins_total",
            "Successful logins.",
            &self.logins_ok,
        );
        counter(
            &mut out,
            "ilp_logins_failed_total",
            "Refused logins.",
            &self.logins_failed,
        );
        let _ = writeln!(
            out,
            "# HELP ilp_devices_seen Distinct devices seen since the server started.\n# TYPE ilp_devices_seen gauge\nilp_devices_seen {}",
            self.devices.lock().unwrap_or_else(|p| p.into_inner()).len()
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_buckets() {
        let m = Metrics::default();
        m.request(route("/api/v1/push"), 200, 0.02);
        m.request(route("/wp-admin"), 404, 0.001);
        Metrics::add(&m.changes_stored, 3);
        m.device_seen("d1");
        m.device_seen("d1");
        let text = m.render();
        assert!(text.contains("ilp_http_requests_total{route=\"/api/v1/push\",status=\"200\"} 1"));
        assert!(text.contains("route=\"other\""));
        assert!(text.contains(
            "ilp_http_request_duration_seconds_bucket{route=\"/api/v1/push\",le=\"0.025\"} 1"
        ));
        assert!(text.contains("ilp_changes_stored_total 3"));
        assert!(text.contains("ilp_devices_seen 1"));
    }
}
