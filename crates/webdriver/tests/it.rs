//! The driver cleans up after itself: dropping it — as a panicking test does, without `quit` —
//! ends the browser too, not only chromedriver.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use std::time::{Duration, Instant};

use rapport_webdriver::Driver;

/// Processes whose command line names this profile directory.
fn browsers_using(profile: &str) -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .filter(|cmd| String::from_utf8_lossy(cmd).contains(profile))
        .count()
}

#[tokio::test]
async fn dropping_the_driver_ends_the_browser() {
    let Some(d) = Driver::start().await else {
        return;
    };
    d.goto("about:blank").await;
    let profile = d.profile_dir().display().to_string();
    assert!(
        browsers_using(&profile) > 0,
        "the browser runs with its profile"
    );
    drop(d);
    let started = Instant::now();
    while browsers_using(&profile) > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "Chromium still runs after the driver was dropped"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
