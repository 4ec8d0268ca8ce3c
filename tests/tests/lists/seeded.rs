//! The seed's first run looks alive whatever today's date: upcoming gatherings in the calendar
//! and the lists, past ones too, every list filled; and no seeded domain time lies after the
//! moment its event was recorded.

use chrono::{DateTime, Utc};
use e2e::{spawn_app, test_settings};
use serde_json::Value;
use store::testing::TestPostgres;
use store::{Database, EventLog};

use super::get_ok;

/// Every `at` in `value` (the domain times of an event payload), however deep.
fn times(value: &Value, found: &mut Vec<DateTime<Utc>>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                if key == "at" {
                    let at = field.as_str().expect("`at` is a time");
                    found.push(at.parse().expect("an RFC 3339 time"));
                } else {
                    times(field, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| times(item, found)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_seed_has_upcoming_gatherings_full_lists_and_no_time_after_its_recording() {
    let db = TestPostgres::create().await;
    let database = Database::connect(&db.url.parse().unwrap()).await.unwrap();
    database.migrate().await.unwrap();
    let log = EventLog::open(database);
    let settings = test_settings(Some(db.url.clone()));
    gateway::seed::load(&log, &settings, &|_| {}).await.unwrap();
    let app = spawn_app(settings).await;
    let head = app.head().await;
    let at_head = |path: &str| format!("{path}?min_position={head}");

    let upcoming = get_ok(&app, &at_head("/v1/gatherings"), None).await;
    assert!(upcoming["total"].as_u64().unwrap() >= 3, "{upcoming}");
    app.wait_ready().await;
    let calendar = app.get("/v1/gatherings.ics").await.text().await.unwrap();
    assert!(calendar.matches("BEGIN:VEVENT").count() >= 3, "{calendar}");
    let first_start = upcoming["items"][0]["gathering"]["starts_at_utc"]
        .as_str()
        .unwrap();
    assert!(first_start.parse::<DateTime<Utc>>().unwrap() > Utc::now() - chrono::Duration::days(1));
    let past = get_ok(
        &app,
        &format!("{}&when=past", at_head("/v1/gatherings")),
        None,
    )
    .await;
    assert!(past["total"].as_u64().unwrap() >= 1, "{past}");
    for list in ["/v1/publications", "/v1/communities", "/v1/joint-projects"] {
        let page = get_ok(&app, &at_head(list), None).await;
        assert!(page["total"].as_u64().unwrap() > 0, "{list}: {page}");
    }
    let communities = get_ok(&app, &at_head("/v1/communities"), None).await;
    let id = communities["items"][0]["id"].as_str().unwrap();
    let threads = get_ok(&app, &format!("/v1/communities/{id}/threads"), None).await;
    assert!(threads["total"].as_u64().unwrap() > 0);
    let found = get_ok(&app, "/v1/search?q=cluster", None).await;
    assert!(found["total"].as_u64().unwrap() > 0);

    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let rows: Vec<(String, String, DateTime<Utc>)> =
        sqlx::query_as("SELECT event_type, payload::text, recorded_at FROM events")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let mut checked = 0;
    for (event_type, payload, recorded_at) in rows {
        let mut found = Vec::new();
        times(&serde_json::from_str(&payload).unwrap(), &mut found);
        for at in found {
            assert!(
                at <= recorded_at,
                "{event_type} says it happened at {at}, after it was recorded at {recorded_at}"
            );
            checked += 1;
        }
    }
    assert!(checked > 800, "only {checked} domain times were found");
}
