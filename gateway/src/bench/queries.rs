//! Query latencies of the read models, in process (no HTTP), as percentiles over many runs.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::values::{CountryCode, InitiativeId, JointProjectId, Sector};
use projections::{BoundingBox, MapFilter, ReadModels, TextQuery};

/// Ids to ask about, taken from the log.
pub struct Subjects {
    pub initiatives: Vec<InitiativeId>,
    pub projects: Vec<JointProjectId>,
}

/// Prints one table row per query: the whole map always; filters and matching when `large`
/// (the issue sets their targets at 100,000 initiatives).
pub fn report(models: &ReadModels, samples: usize, subjects: &Subjects, large: bool) {
    let now = Utc::now();
    let features = models.map.read(|m| m.len());
    // Written afresh, as after every change of the map; then as kept between changes.
    let (p50, p99) = percentiles(samples, |_| {
        let body = models
            .map
            .read(|m| projections::to_geojson(&m.features(&MapFilter::default(), now)));
        std::hint::black_box(body);
    });
    row(
        &format!("`GET /v1/map`, all {features} features, GeoJSON written"),
        p50,
        p99,
    );
    let (p50, p99) = percentiles(samples, |_| {
        let body = models.map.read(|m| m.geojson(&MapFilter::default(), now));
        std::hint::black_box(body);
    });
    row(
        &format!("`GET /v1/map`, all {features} features, as kept between changes"),
        p50,
        p99,
    );
    if !large {
        return;
    }
    let filters = filters();
    let mut matched = 0usize;
    let (p50, p99) = percentiles(samples, |i| {
        let body = models
            .map
            .read(|m| m.geojson(&filters[i % filters.len()], now));
        matched += body.len();
    });
    row(
        "map with bbox + country + sector (+ text) filters, GeoJSON written",
        p50,
        p99,
    );
    std::hint::black_box(matched);
    if !subjects.projects.is_empty() {
        let (p50, p99) = percentiles(samples, |i| {
            let id = subjects.projects[i % subjects.projects.len()];
            std::hint::black_box(models.matching.read(|m| m.matches_for_project(id, 10)));
        });
        row("matching: top 10 partners for a joint project", p50, p99);
    }
    if !subjects.initiatives.is_empty() {
        let (p50, p99) = percentiles(samples, |i| {
            let id = subjects.initiatives[i % subjects.initiatives.len()];
            std::hint::black_box(models.matching.read(|m| m.projects_for_initiative(id, 10)));
        });
        row("matching: top 10 open projects for an initiative", p50, p99);
    }
}

/// A few realistic map queries, used in turn.
fn filters() -> Vec<MapFilter> {
    let country = |code| CountryCode::new(code).ok().into_iter().collect();
    let chile_centre = BoundingBox::new(-73.0, -36.0, -70.0, -30.0).ok();
    let andes = BoundingBox::new(-80.0, -20.0, -60.0, 5.0).ok();
    vec![
        MapFilter {
            countries: country("CL"),
            sectors: [Sector::AgriFoodFishing, Sector::Tourism]
                .into_iter()
                .collect(),
            bbox: chile_centre,
            ..MapFilter::default()
        },
        MapFilter {
            sectors: [Sector::Ict].into_iter().collect(),
            bbox: andes,
            text: TextQuery::new("sintetica 1").ok(),
            ..MapFilter::default()
        },
        MapFilter {
            countries: country("CO"),
            stale: Some(false),
            text: TextQuery::new("Región 3").ok(),
            ..MapFilter::default()
        },
    ]
}

pub fn row(what: &str, p50: Duration, p99: Duration) {
    println!("| {what} | p50 {} · p99 {} |", micros(p50), micros(p99));
}

fn micros(d: Duration) -> String {
    if d >= Duration::from_millis(1) {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{} µs", d.as_micros())
    }
}

/// p50 and p99 of `samples` runs of `query`.
pub fn percentiles(samples: usize, mut query: impl FnMut(usize)) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..samples.max(1))
        .map(|i| {
            let started = Instant::now();
            query(i);
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.50), at(0.99))
}
