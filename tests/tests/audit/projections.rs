//! `GET /v1/audit/projections/{name}/verify`: every projection equals its rebuild on a healthy
//! server; a live model restored from a doctored snapshot is caught, with the place it differs.

use e2e::{spawn_app, test_settings};
use projections::{EventCounts, Projection};
use serde_json::Value;
use store::{Snapshot, Snapshots};

use super::{audited, call, settle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_projection_equals_its_rebuild_on_a_healthy_server() {
    let audit = audited().await;
    let ready = audit.app().wait_ready().await;
    let names: Vec<String> = ready["projections"]
        .as_array()
        .unwrap_or_else(|| panic!("projections in /ready: {ready}"))
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    let head = audit.app().head().await;
    for name in names {
        let check = audit
            .ok(&format!("/v1/audit/projections/{name}/verify"))
            .await;
        assert_eq!(check["projection"], name.as_str());
        assert_eq!(check["equal"], true, "{check}");
        assert_eq!(check["differences"], serde_json::json!([]));
        assert_eq!(
            check["position"], head,
            "{name} compared at the live checkpoint"
        );
    }
    let (status, body) = audit.get("/v1/audit/projections/maps/verify").await;
    assert_eq!(status, 404, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("moderation_queue"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_model_restored_from_a_doctored_snapshot_is_caught() {
    let audit = audited().await;
    let app = audit.app();
    // The live event counts and their checkpoint, with one count changed, saved as the
    // projection's snapshot: what a bad restore or a tampered snapshot table would leave.
    let (mut doctored, at) = app.state.read.event_counts.to_json_at().unwrap();
    let approvals = doctored["by_type"]["initiative"]["InitiativeApproved"].clone();
    assert!(approvals.as_u64().is_some(), "{doctored}");
    doctored["by_type"]["initiative"]["InitiativeApproved"] = Value::from(99);
    Snapshots::new(app.state.log.database().clone())
        .save(&Snapshot {
            name: EventCounts::NAME.to_string(),
            version: EventCounts::SNAPSHOT_VERSION,
            position: at,
            events_applied: doctored["total"].as_i64().unwrap(),
            state: serde_json::to_vec(&doctored).unwrap(),
        })
        .await
        .unwrap();

    // A second server on the same database restores it.
    let restarted = spawn_app(test_settings(Some(audit.env.db.url.clone()))).await;
    restarted.wait_ready().await;
    settle(&restarted).await;
    let (status, check) = call(
        &restarted,
        "/v1/audit/projections/event_counts/verify",
        Some(&audit.token),
    )
    .await;
    assert_eq!(status, 200, "{check}");
    assert_eq!(check["equal"], false, "{check}");
    let differences = check["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{check}");
    assert_eq!(
        differences[0]["path"],
        "/by_type/initiative/InitiativeApproved"
    );
    assert_eq!(differences[0]["live"], 99);
    assert_eq!(differences[0]["rebuilt"], approvals);
    // The other projections were rebuilt at start and still agree.
    let (_, map) = call(
        &restarted,
        "/v1/audit/projections/map/verify",
        Some(&audit.token),
    )
    .await;
    assert_eq!(map["equal"], true, "{map}");
}
