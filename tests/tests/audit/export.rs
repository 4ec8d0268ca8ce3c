//! `GET /v1/audit/events` with `Accept: application/x-ndjson`: every matching event streamed, one
//! JSON object per line, across the server's read batches.

use domain::bench::{Tally, TallyCommand};
use serde_json::Value;
use store::EventMetadata;

use super::{audited, positions, settle, Audited};

/// Streams `query` as NDJSON and returns each line parsed.
async fn ndjson(audit: &Audited, query: &str) -> Vec<Value> {
    let app = audit.app();
    let response = app
        .client
        .get(format!("{}/v1/audit/events?{query}", app.address))
        .bearer_auth(&audit.token)
        .header("Accept", "application/x-ndjson")
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/x-ndjson",
        "content type"
    );
    let body = response.text().await.expect("the whole stream");
    assert!(body.ends_with('\n') || body.is_empty(), "every line ends");
    body.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_matching_event_is_streamed_one_per_line() {
    let audit = audited().await;
    // More events than the server reads per batch (1000), so the stream spans several reads.
    let bus = audit.app().state.log.commands::<Tally>(());
    for _ in 0..1_050 {
        let metadata = EventMetadata::system("load", "Increment");
        bus.execute("counter", TallyCommand::Increment { by: 1 }, metadata)
            .await
            .expect("increment");
    }
    settle(audit.app()).await;
    let head = audit.app().head().await;

    let streamed = ndjson(&audit, "").await;
    assert_eq!(streamed.len() as i64, head, "every event, `limit` aside");
    let paged = audit.all_events("limit=1000").await;
    assert_eq!(
        positions(&streamed),
        positions(&paged),
        "same events, same order"
    );
    assert_eq!(streamed, paged, "same content as the JSON pages");

    let filtered = ndjson(&audit, "aggregate_type=initiative&limit=1").await;
    assert_eq!(
        filtered,
        audit.all_events("aggregate_type=initiative").await
    );
    assert!(filtered.len() >= 4, "{}", filtered.len());

    // From a cursor: the rest of the query.
    let first = audit
        .ok("/v1/audit/events?aggregate_type=initiative&limit=2")
        .await;
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let rest = ndjson(
        &audit,
        &format!("aggregate_type=initiative&cursor={cursor}"),
    )
    .await;
    assert_eq!(rest, filtered[2..].to_vec());

    let nothing = ndjson(&audit, "actor=system:nobody").await;
    assert!(nothing.is_empty());
}
