//! Not a timed test: the browser's side of the console's figures (docs/benchmarks.md), against a
//! server that is already running (`ARTICULA_BENCH_URL`, e.g. one serving the seed or the
//! synthetic data set). Run on purpose:
//!
//! ```sh
//! ARTICULA_BENCH_URL=http://127.0.0.1:8080 cargo nextest run -p e2e --test console \
//!     --run-ignored only --no-capture
//! ```

use std::time::Duration;

use crate::browser::Driver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement against a running server: see docs/benchmarks.md"]
async fn the_map_draws_its_points_and_stays_usable() {
    let base = std::env::var("ARTICULA_BENCH_URL").expect("ARTICULA_BENCH_URL names a server");
    let driver = Driver::start().await;
    let browser = driver.browser(true).await;
    for round in ["first visit", "repeat visit"] {
        browser
            .client
            .goto(&format!("{base}/?lang=es"))
            .await
            .unwrap();
        let drawn = browser
            .wait_for(
                "return document.getElementById('map').dataset.pointsDrawn",
                "the points",
                Duration::from_secs(300),
            )
            .await;
        let figures = browser
            .eval(
                "const m = performance.getEntriesByName('articula:points')[0];
                 const nav = performance.getEntriesByType('navigation')[0];
                 const bytes = performance.getEntriesByType('resource')
                     .reduce((sum, r) => sum + r.transferSize, nav.transferSize);
                 return {points_ms: m.duration, drawn_since_navigation_ms: m.startTime + m.duration,
                         transferred_bytes: bytes}",
            )
            .await;
        println!("{round}: {drawn} points, {figures}");
    }
    // Usable: zooming in and out, and a change of filter, with every point loaded.
    let started = std::time::Instant::now();
    browser
        .eval("document.querySelector('[data-map-action=zoom-in]').click(); return true")
        .await;
    browser
        .eval("document.querySelector('[data-map-action=zoom-out]').click(); return true")
        .await;
    browser
        .wait_for(
            "return document.querySelectorAll('.leaflet-marker-icon').length > 0",
            "markers after zooming",
            Duration::from_secs(60),
        )
        .await;
    println!("zoom in and out, markers shown: {:?}", started.elapsed());
    browser.client.close().await.unwrap();
}
