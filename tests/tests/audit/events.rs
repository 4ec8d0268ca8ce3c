//! `GET /v1/audit/events`: each filter against the whole log filtered here, paging with cursors,
//! and every kind of bad query.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{audited, positions};

fn time(event: &Value) -> DateTime<Utc> {
    event["recorded_at"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .expect("recorded_at is RFC 3339")
        .with_timezone(&Utc)
}

/// Whether an event belongs in a filter's answer, decided here from the whole log.
type Matcher<'a> = Box<dyn Fn(&Value) -> bool + 'a>;

fn text<'a>(event: &'a Value, key: &str) -> &'a str {
    event[key].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_filter_returns_exactly_the_matching_events() {
    let audit = audited().await;
    let everything = audit.all_events("limit=1000").await;
    assert_eq!(
        everything.len() as i64,
        audit.app().head().await,
        "the whole log"
    );
    let mut sorted = positions(&everything);
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), everything.len(), "each event once");

    let ana = audit.ana.id.to_string();
    let (from, to) = (&everything[3], &everything[8]);
    let (from_time, to_time) = (time(from), time(to));
    let cases: Vec<(String, Matcher)> = vec![
        (
            format!(
                "from_position={}&to_position={}",
                from["position"], to["position"]
            ),
            Box::new(|e: &Value| {
                let p = e["position"].as_i64().unwrap();
                p >= from["position"].as_i64().unwrap() && p <= to["position"].as_i64().unwrap()
            }),
        ),
        (
            format!(
                "from={}&to={}",
                urlencoded(text(from, "recorded_at")),
                urlencoded(text(to, "recorded_at"))
            ),
            Box::new(move |e: &Value| time(e) >= from_time && time(e) <= to_time),
        ),
        (
            "aggregate_type=initiative".into(),
            Box::new(|e: &Value| text(e, "aggregate_type") == "initiative"),
        ),
        (
            format!("aggregate_id={}", audit.initiative),
            Box::new(|e: &Value| text(e, "aggregate_id") == audit.initiative),
        ),
        (
            "event_type=InitiativeApproved".into(),
            Box::new(|e: &Value| text(e, "event_type") == "InitiativeApproved"),
        ),
        (
            format!("actor={ana}"),
            Box::new(|e: &Value| e["metadata"]["actor"] == ana.as_str()),
        ),
        (
            "actor=anonymous".into(),
            Box::new(|e: &Value| e["metadata"]["actor"] == "anonymous"),
        ),
        (
            "actor=system:test&aggregate_type=initiative".into(),
            Box::new(|e: &Value| {
                e["metadata"]["actor"] == "system:test" && text(e, "aggregate_type") == "initiative"
            }),
        ),
    ];
    for (query, matches) in cases {
        let expected: Vec<i64> = positions(
            &everything
                .iter()
                .filter(|e| matches(e))
                .cloned()
                .collect::<Vec<_>>(),
        );
        assert!(!expected.is_empty(), "{query} matches something");
        assert!(
            expected.len() < everything.len(),
            "{query} leaves something out"
        );
        let found = audit.all_events(&format!("{query}&limit=3")).await;
        assert_eq!(positions(&found), expected, "{query}");
    }
}

/// `+` in an RFC 3339 offset must be escaped in a URL; times from the API end in `Z`, but the
/// test does not rely on it.
fn urlencoded(text: &str) -> String {
    text.replace('+', "%2B")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_carry_metadata_hashes_and_sealed_personal_data() {
    let audit = audited().await;
    let everything = audit.all_events("").await;
    let registered = everything
        .iter()
        .find(|e| text(e, "event_type") == "AccountSignedUp")
        .expect("a sign-up");
    for key in [
        "request_id",
        "correlation_id",
        "causation_id",
        "command",
        "client",
    ] {
        assert!(
            registered["metadata"][key].is_string(),
            "{key}: {registered}"
        );
    }
    let hash = text(registered, "hash");
    assert_eq!(hash.len(), 64, "{registered}");
    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(registered["sequence"] == 1 && registered["event_version"] == "1");
    // The payload is as stored: names and emails only as ciphertext and keyed digests.
    let whole = serde_json::to_string(&everything).unwrap();
    assert!(
        !whole.contains(&audit.ana.email),
        "an email in the audit log"
    );
    assert!(
        !whole.contains("Auditora"),
        "a display name in the audit log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_with_cursors_visits_every_event_once_in_order() {
    let audit = audited().await;
    let everything = positions(&audit.all_events("limit=1000").await);
    let mut seen = Vec::new();
    let mut path = "/v1/audit/events?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = audit.ok(&path).await;
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 2 && !events.is_empty(), "{page}");
        seen.extend(positions(events));
        pages += 1;
        match page["next_cursor"].as_str() {
            // `limit` may change between pages; the filters may not.
            Some(next) => path = format!("/v1/audit/events?limit={}&cursor={next}", 1 + pages % 2),
            None => break,
        }
    }
    assert_eq!(seen, everything);
    assert!(pages > 3, "{pages} pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_are_refused_saying_what_to_send() {
    let audit = audited().await;
    let page = audit
        .ok("/v1/audit/events?aggregate_type=initiative&limit=1")
        .await;
    let cursor = page["next_cursor"]
        .as_str()
        .expect("more than one initiative event");
    let other = audit
        .refused(&format!(
            "/v1/audit/events?aggregate_type=account&cursor={cursor}"
        ))
        .await;
    assert!(
        other.contains("this cursor belongs to another query"),
        "{other}"
    );
    let garbled = audit
        .refused("/v1/audit/events?cursor=bm90IGEgY3Vyc29y")
        .await;
    assert!(garbled.contains("cursor"), "{garbled}");

    let cases = [
        ("aggregate_type=initiatives", "joint_project"),
        ("event_type=InitiativeDeleted", "InitiativeApproved"),
        ("aggregate_type=thread&event_type=Nope", "ThreadReplyPosted"),
        ("order=desc", "unknown query parameter `order`"),
        ("from_position=9&to_position=3", "reversed"),
        (
            "from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z",
            "reversed",
        ),
        ("from=last%20week", "RFC 3339"),
        ("to_position=ten", "`ten`"),
        ("actor=someone", "actor"),
        ("aggregate_id=ana%40example.org", "not a stream id"),
        ("limit=1001", "1001"),
    ];
    for (query, named) in cases {
        let message = audit.refused(&format!("/v1/audit/events?{query}")).await;
        assert!(message.contains(named), "{query}: {message}");
    }
}
