//! `GET /v1/audit/streams/{type}/{id}`: a stream's history with the state after each event, its
//! chain checked, paged by sequence.

use serde_json::Value;
use store::Database;

use super::audited;

fn events(history: &Value) -> &Vec<Value> {
    history["events"].as_array().expect("events")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_shows_the_state_after_each_event() {
    let audit = audited().await;
    let path = format!("/v1/audit/streams/initiative/{}", audit.initiative);
    let history = audit.ok(&path).await;
    assert_eq!(history["aggregate_type"], "initiative");
    assert_eq!(history["total_events"], 2);
    assert_eq!(history["chain"], serde_json::json!({ "ok": true }));
    assert_eq!(history["next_after_sequence"], Value::Null);
    let list = events(&history);
    let types: Vec<&str> = list
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["InitiativeRegistered", "InitiativeApproved"]);
    assert_eq!(list[0]["state"]["status"], "submitted");
    assert_eq!(list[1]["state"]["status"], "approved");
    assert_eq!(list[0]["state"]["approved_at"], Value::Null);
    assert!(list[1]["state"]["approved_at"].is_string(), "{}", list[1]);
    assert_eq!(list[0]["metadata"]["actor"], audit.ana.id.to_string());
    assert_eq!(list[0]["hash"].as_str().map(str::len), Some(64));

    // A page still shows states folded from the first event.
    let second = audit.ok(&format!("{path}?after_sequence=1&limit=1")).await;
    assert_eq!(events(&second).len(), 1);
    assert_eq!(events(&second)[0]["sequence"], 2);
    assert_eq!(events(&second)[0]["state"]["status"], "approved");
    let first = audit.ok(&format!("{path}?limit=1")).await;
    assert_eq!(first["next_after_sequence"], 1);

    // An id in capitals is the same stream.
    let upper = format!(
        "/v1/audit/streams/initiative/{}",
        audit.initiative.to_uppercase()
    );
    assert_eq!(audit.ok(&upper).await["aggregate_id"], audit.initiative);

    // An account's state holds its personal data sealed, never in clear.
    let account = audit
        .ok(&format!("/v1/audit/streams/account/{}", audit.ana.id))
        .await;
    assert!(account["total_events"].as_i64().unwrap() >= 1);
    assert!(!account.to_string().contains(&audit.ana.email));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_streams_and_types_are_not_found() {
    let audit = audited().await;
    let nobody = uuid::Uuid::now_v7();
    let (status, body) = audit
        .get(&format!("/v1/audit/streams/initiative/{nobody}"))
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = audit
        .get(&format!("/v1/audit/streams/initiatives/{nobody}"))
        .await;
    assert_eq!(status, 404, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("joint_project"), "{message}");
    let malformed = audit.refused("/v1/audit/streams/initiative/ana").await;
    assert!(malformed.contains("UUID"), "{malformed}");
    let path = format!("/v1/audit/streams/initiative/{}?page=2", audit.initiative);
    assert!(audit.refused(&path).await.contains("`page`"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_event_breaks_its_streams_chain_there() {
    let audit = audited().await;
    let Database::Postgres(pool) = audit.app().state.log.database() else {
        panic!("the e2e tests run on PostgreSQL");
    };
    // Someone with database access rewrites the approval's metadata.
    sqlx::query(
        "UPDATE events SET metadata = '{\"actor\": \"anonymous\"}'
         WHERE aggregate_type = 'initiative' AND aggregate_id = $1 AND sequence = 2",
    )
    .bind(&audit.initiative)
    .execute(pool)
    .await
    .unwrap();
    let history = audit
        .ok(&format!(
            "/v1/audit/streams/initiative/{}",
            audit.initiative
        ))
        .await;
    assert_eq!(history["chain"]["ok"], false, "{history}");
    assert_eq!(history["chain"]["first_break"]["sequence"], 2);
    let reason = history["chain"]["first_break"]["reason"].as_str().unwrap();
    assert!(reason.contains("does not match its hash"), "{reason}");
    // The system's initiative is untouched.
    let other = audit
        .ok(&format!(
            "/v1/audit/streams/initiative/{}",
            audit.system_initiative
        ))
        .await;
    assert_eq!(other["chain"]["ok"], true);
}
