//! The illustrative seed data set (seeds/) loaded through the command path: what a newcomer
//! sees on the map and in the statistics, that every point lies inside its country's outline
//! as shipped in seeds/countries.geojson, that a second run writes nothing, that the synthetic
//! mode is deterministic, and that only the embedded default seeds itself on its first start.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use e2e::{spawn_app, test_settings};
use gateway::seed::data::{self, COUNTRIES_GEOJSON};
use gateway::seed::synthetic::write_platform;
use gateway::{Application, Settings};
use serde_json::Value;
use store::testing::TestPostgres;
use store::{Database, EventLog};

async fn fresh_log() -> (TestPostgres, EventLog) {
    let db = TestPostgres::create().await;
    let database = Database::connect(&db.url.parse().unwrap()).await.unwrap();
    database.migrate().await.unwrap();
    (db, EventLog::open(database))
}

/// The outlines shipped in seeds/, by ISO code: polygons of rings of [lon, lat].
fn outlines() -> BTreeMap<String, Vec<Vec<Vec<[f64; 2]>>>> {
    let collection: Value = serde_json::from_str(COUNTRIES_GEOJSON).unwrap();
    let mut by_code = BTreeMap::new();
    for feature in collection["features"].as_array().unwrap() {
        let code = feature["id"].as_str().unwrap().to_string();
        let polygons: Vec<Vec<Vec<[f64; 2]>>> =
            serde_json::from_value(feature["geometry"]["coordinates"].clone()).unwrap();
        by_code.insert(code, polygons);
    }
    by_code
}

fn inside_ring(lon: f64, lat: f64, ring: &[[f64; 2]]) -> bool {
    let mut hit = false;
    let mut j = ring.len() - 1;
    for i in 0..ring.len() {
        let ([xi, yi], [xj, yj]) = (ring[i], ring[j]);
        if (yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            hit = !hit;
        }
        j = i;
    }
    hit
}

fn inside(lon: f64, lat: f64, polygons: &[Vec<Vec<[f64; 2]>>]) -> bool {
    polygons.iter().any(|rings| {
        inside_ring(lon, lat, &rings[0]) && !rings[1..].iter().any(|h| inside_ring(lon, lat, h))
    })
}

#[test]
fn the_outline_check_tells_inside_from_outside() {
    let outlines = outlines();
    assert_eq!(outlines.len(), 8);
    // Santiago is in Chile, not in Argentina; the Pacific off Valparaíso is in neither.
    assert!(inside(-70.65, -33.45, &outlines["CL"]));
    assert!(!inside(-70.65, -33.45, &outlines["AR"]));
    assert!(!inside(-73.5, -33.0, &outlines["CL"]));
}

#[tokio::test]
async fn a_seeded_store_shows_258_initiatives_in_8_countries_and_a_second_seed_writes_nothing() {
    let (db, log) = fresh_log().await;
    let settings = test_settings(Some(db.url.clone()));
    let first = gateway::seed::load(&log, &settings, &|_| {}).await.unwrap();
    assert_eq!(first.counts.initiatives, 258);
    assert_eq!(first.accounts_created.len(), 7);
    assert!(first.counts.communities > 0 && first.counts.threads > 0);
    assert!(first.counts.joint_projects >= 7 && first.counts.publications > 0);

    let app = spawn_app(settings.clone()).await;
    let head = app.head().await;
    // Every event went through the command path with the seed as its actor.
    let by_actor = actors(&db.url).await;
    assert_eq!(by_actor.keys().collect::<Vec<_>>(), ["system:seed"]);
    assert!(by_actor["system:seed"] as u64 > first.counts.events);

    let map: Value = app
        .get(&format!("/v1/map?min_position={head}"))
        .await
        .json()
        .await
        .unwrap();
    let features = map["features"].as_array().unwrap();
    assert_eq!(features.len(), 258);
    let outlines = outlines();
    for feature in features {
        let country = feature["properties"]["country"].as_str().unwrap();
        let [lon, lat] = [0, 1].map(|i| feature["geometry"]["coordinates"][i].as_f64().unwrap());
        let outline = outlines
            .get(country)
            .unwrap_or_else(|| panic!("no outline for {country}"));
        assert!(
            inside(lon, lat, outline),
            "{} at ({lat}, {lon}) is not inside {country}",
            feature["properties"]["name"]
        );
    }

    let stats: Value = app
        .get(&format!("/v1/stats?min_position={head}"))
        .await
        .json()
        .await
        .unwrap();
    let countries = stats["by_country"].as_object().unwrap();
    assert_eq!(countries.len(), 8, "{countries:?}");
    let firms: u64 = countries
        .values()
        .map(|c| c["firms"].as_u64().unwrap())
        .sum();
    assert_eq!(firms, data::initiatives().unwrap().total_firms);
    assert_eq!(stats["total"]["initiatives"], 258);

    let second = gateway::seed::load(&log, &settings, &|_| {}).await.unwrap();
    assert_eq!(second.counts.events, 0);
    assert!(second.accounts_created.is_empty());
    assert_eq!(app.head().await, head, "the second seed wrote events");
}

/// The actors recorded on every event of the store, with how many events each wrote.
async fn actors(url: &str) -> BTreeMap<String, i64> {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let rows: Vec<(Option<String>, i64)> =
        sqlx::query_as("SELECT metadata::jsonb->>'actor', count(*) FROM events GROUP BY 1")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(actor, n)| (actor.unwrap_or_default(), n))
        .collect()
}

/// The synthetic history's events (of `initiatives` and `seed`, gatherings dated around
/// `anchor`), in stream order, and how many were written.
async fn synthetic_events(initiatives: usize, seed: u64, anchor: NaiveDate) -> (Vec<String>, u64) {
    let (db, log) = fresh_log().await;
    let written = write_platform(&log, initiatives, seed, anchor, &|_| {})
        .await
        .unwrap();
    assert!(written.threads > 0 && written.publications > 0 && written.joint_projects > 0);
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let rows: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT aggregate_type, aggregate_id, sequence, event_type, payload::text FROM events \
         ORDER BY aggregate_type, aggregate_id, sequence",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // A second run of the same history writes nothing.
    let again = write_platform(&log, initiatives, seed, anchor, &|_| {})
        .await
        .unwrap();
    assert!(again.already_present);
    assert_eq!(again.events, 0);
    let rows = rows
        .into_iter()
        .map(|(t, id, n, e, p)| format!("{t}/{id}/{n}/{e}/{p}"))
        .collect();
    pool.close().await;
    (rows, written.events)
}

#[tokio::test]
async fn the_synthetic_history_is_the_same_for_the_same_seed_and_anchor_day() {
    let anchor = NaiveDate::from_ymd_opt(2031, 3, 14).unwrap();
    let (first, events) = synthetic_events(120, 11, anchor).await;
    let (second, _) = synthetic_events(120, 11, anchor).await;
    let (other, _) = synthetic_events(120, 12, anchor).await;
    assert_eq!(first.len() as u64, events);
    assert_eq!(first, second);
    assert_ne!(first, other);
    // Another day moves the gatherings only: the same streams, and every other event the same.
    let (later, _) = synthetic_events(120, 11, anchor + Duration::days(1)).await;
    assert_eq!(first.len(), later.len());
    let differing: Vec<(&String, &String)> =
        first.iter().zip(&later).filter(|(a, b)| a != b).collect();
    assert!(!differing.is_empty());
    assert!(
        differing.iter().all(|(a, _)| a.contains("\"starts_at\"")),
        "{differing:?}"
    );
}

#[tokio::test]
async fn synthetic_gatherings_are_dated_around_the_anchor_day_some_past_most_upcoming() {
    let anchor = NaiveDate::from_ymd_opt(2031, 3, 14).unwrap();
    let (events, _) = synthetic_events(120, 11, anchor).await;
    let starts: Vec<NaiveDate> = events
        .iter()
        .filter_map(|e| {
            let at = e.split("\"starts_at\"").nth(1)?;
            let at = at.trim_start_matches([':', ' ', '"']);
            NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok()
        })
        .collect();
    assert!(starts.len() >= 5, "{} gatherings", starts.len());
    let past = starts.iter().filter(|d| **d < anchor).count();
    assert!(past > 0 && past < starts.len() / 2, "{past} of {starts:?}");
    assert!(starts.iter().all(|d| (*d - anchor).num_days().abs() <= 366));
}

fn embedded(dir: &std::path::Path, seed: bool) -> Settings {
    Settings {
        data_dir: dir.to_path_buf(),
        port: 0,
        seed_on_first_start: seed,
        ..test_settings(None)
    }
}

async fn head_after_start(settings: &Settings) -> i64 {
    let app = Application::build(settings).await.unwrap();
    let head = app.state().log.feed().head_position().await.unwrap();
    app.state().log.database().close().await;
    head
}

#[tokio::test]
async fn the_embedded_default_seeds_itself_once_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let first = head_after_start(&embedded(dir.path(), true)).await;
    assert!(first > 800, "the first start did not seed: head {first}");
    assert_eq!(head_after_start(&embedded(dir.path(), true)).await, first);

    let off = tempfile::tempdir().unwrap();
    assert_eq!(head_after_start(&embedded(off.path(), false)).await, 0);

    // A configured database (as every PostgreSQL test uses) is never seeded implicitly.
    let db = TestPostgres::create().await;
    assert_eq!(
        head_after_start(&test_settings(Some(db.url.clone()))).await,
        0
    );
}
