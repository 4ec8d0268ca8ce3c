//! Everything that shares a correlation id (a request and what it caused), as a tree: each
//! request (its events grouped by request id) under the request that caused it.

use std::collections::{BTreeMap, HashSet};

use store::audit::{read_events, AuditFilter};
use store::chain::ChainedEvent;
use store::FeedPosition;

use super::{is_acceptable_trace_id, open_read, Asked};
use crate::access::Caller;
use crate::app::Refusal;
use crate::state::AppState;

/// How many events of one correlation are read at most (one request writes a handful).
pub const MAX_EVENTS: usize = 1_000;

/// One request of the trace: its events and the requests it caused.
#[derive(Debug)]
pub struct TraceNode {
    pub request_id: String,
    pub events: Vec<ChainedEvent>,
    pub children: Vec<TraceNode>,
}

/// The tree of `correlation`: its roots in feed order (empty when no event carries it).
pub async fn trace(
    state: &AppState,
    caller: &Caller,
    correlation: &str,
    asked: Asked<'_>,
) -> Result<Vec<TraceNode>, Refusal> {
    if !is_acceptable_trace_id(correlation.as_bytes()) {
        return Err(Refusal::invalid_input(
            "a correlation id is 1 to 128 letters, digits and -_.:~/+=",
        ));
    }
    open_read(state, caller, asked).await?;
    let filter = AuditFilter {
        correlation_id: Some(correlation.to_owned()),
        ..AuditFilter::default()
    };
    let events = read_events(
        state.log.database(),
        &filter,
        FeedPosition::START,
        MAX_EVENTS,
    )
    .await?;
    Ok(tree(events))
}

fn metadata_field(event: &ChainedEvent, field: &str) -> String {
    serde_json::from_str::<serde_json::Value>(&event.metadata)
        .ok()
        .and_then(|m| m.get(field).and_then(|v| v.as_str()).map(str::to_owned))
        .unwrap_or_default()
}

/// Groups events by request and hangs each request under the one named by its causation id
/// (a request caused by none of these, or by itself, is a root).
fn tree(events: Vec<ChainedEvent>) -> Vec<TraceNode> {
    let mut order = Vec::new();
    let mut requests: BTreeMap<String, (String, Vec<ChainedEvent>)> = BTreeMap::new();
    for event in events {
        let request = metadata_field(&event, "request_id");
        let cause = metadata_field(&event, "causation_id");
        let entry = requests.entry(request.clone()).or_insert_with(|| {
            order.push(request.clone());
            (cause, Vec::new())
        });
        entry.1.push(event);
    }
    let known: HashSet<&String> = requests.keys().collect();
    let roots: Vec<String> = order
        .iter()
        .filter(|r| {
            let cause = &requests[*r].0;
            cause == *r || !known.contains(cause)
        })
        .cloned()
        .collect();
    let mut placed = HashSet::new();
    roots
        .into_iter()
        .map(|root| build(&root, &order, &mut requests, &mut placed))
        .collect()
}

fn build(
    request: &str,
    order: &[String],
    requests: &mut BTreeMap<String, (String, Vec<ChainedEvent>)>,
    placed: &mut HashSet<String>,
) -> TraceNode {
    placed.insert(request.to_owned());
    let events = requests
        .get_mut(request)
        .map(|(_, events)| std::mem::take(events))
        .unwrap_or_default();
    let children: Vec<String> = order
        .iter()
        .filter(|r| r.as_str() != request && !placed.contains(*r))
        .filter(|r| requests.get(*r).is_some_and(|(cause, _)| cause == request))
        .cloned()
        .collect();
    let children = children
        .iter()
        .map(|child| build(child, order, requests, placed))
        .collect();
    TraceNode {
        request_id: request.to_owned(),
        events,
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(position: i64, request: &str, cause: &str) -> ChainedEvent {
        ChainedEvent {
            position,
            tx: 0,
            aggregate_type: "initiative".into(),
            aggregate_id: "i".into(),
            sequence: position,
            event_type: "InitiativeSubmitted".into(),
            event_version: "1".into(),
            payload: "{}".into(),
            metadata: format!(
                r#"{{"request_id":"{request}","causation_id":"{cause}","correlation_id":"c"}}"#
            ),
            recorded_at: chrono::Utc::now(),
            hash: None,
            sealed: None,
        }
    }

    #[test]
    fn requests_hang_under_the_request_that_caused_them() {
        let roots = tree(vec![
            event(1, "a", "a"),
            event(2, "a", "a"),
            event(3, "b", "a"),
            event(4, "c", "b"),
            event(5, "d", "elsewhere"),
        ]);
        let shape: Vec<(&str, usize, usize)> = roots
            .iter()
            .map(|n| (n.request_id.as_str(), n.events.len(), n.children.len()))
            .collect();
        assert_eq!(shape, [("a", 2, 1), ("d", 1, 0)]);
        let b = &roots[0].children[0];
        assert_eq!(b.request_id, "b");
        assert_eq!(b.children[0].request_id, "c");
        assert_eq!(b.children[0].events[0].position, 4);
    }
}
