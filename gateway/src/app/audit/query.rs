//! The query string of `GET /v1/audit/events`, checked in full before anything is read: unknown
//! or repeated parameters, values that do not parse, types the domain does not have, reversed
//! ranges and cursors of another query are each a 400 that says what to send instead.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use store::audit::AuditFilter;
use store::{ActorRef, FeedPosition};

use super::{cursor, known};
use crate::app::read_at::{parse_limit, parse_position};
use crate::app::Refusal;

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1_000;

const PARAMETERS: [&str; 11] = [
    "from_position",
    "to_position",
    "from",
    "to",
    "aggregate_type",
    "aggregate_id",
    "event_type",
    "actor",
    "correlation_id",
    "limit",
    "cursor",
];

/// What was asked for: which events, how many per page, and after which one.
#[derive(Debug, PartialEq)]
pub struct EventsQuery {
    pub filter: AuditFilter,
    pub limit: usize,
    pub after: FeedPosition,
}

impl EventsQuery {
    pub fn parse(query: &str) -> Result<Self, Refusal> {
        let mut filter = AuditFilter::default();
        let mut limit = None;
        let mut cursor_text = None;
        let mut seen = BTreeSet::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let Some(name) = PARAMETERS.iter().copied().find(|p| *p == key) else {
                return Err(Refusal::invalid_input(format!(
                    "unknown query parameter `{key}`: the audit log takes {}",
                    PARAMETERS.join(", ")
                )));
            };
            if !seen.insert(name) {
                return Err(Refusal::invalid_input(format!("give `{name}` once")));
            }
            if value.is_empty() {
                return Err(Refusal::invalid_input(format!(
                    "`{name}` is empty: give it a value or leave it out"
                )));
            }
            match name {
                "from_position" => filter.from_position = Some(parse_position(name, &value)?),
                "to_position" => filter.to_position = Some(parse_position(name, &value)?),
                "from" => filter.from_time = Some(time(name, &value)?),
                "to" => filter.to_time = Some(time(name, &value)?),
                "aggregate_type" => filter.aggregate_type = Some(value.into_owned()),
                "aggregate_id" => filter.aggregate_id = Some(value.into_owned()),
                "event_type" => filter.event_type = Some(value.into_owned()),
                "actor" => filter.actor = Some(actor(&value)?),
                "correlation_id" => filter.correlation_id = Some(correlation(&value)?),
                "limit" => limit = Some(parse_limit(&value, MAX_LIMIT)?),
                _ => cursor_text = Some(value.into_owned()),
            }
        }
        check_ranges(&filter)?;
        check_types(&mut filter)?;
        let after = match cursor_text {
            Some(text) => cursor::decode(&text, &filter.digest())?,
            None => FeedPosition::START,
        };
        Ok(Self {
            filter,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            after,
        })
    }
}

/// The longest name of a system actor (`system:<name>`).
const MAX_SYSTEM_NAME: usize = 40;

/// An actor as the filter takes it. A system actor's name is what the platform calls its own
/// work (`seed`, `articula admin create`): lower-case letters, spaces and hyphens, at most 40.
/// Anything else, an email or a phone number typed in by mistake above all, is refused before
/// the read is recorded, so it never reaches `audit_reads`.
fn actor(value: &str) -> Result<ActorRef, Refusal> {
    let refuse = || {
        Refusal::invalid_input(format!(
            "actor must be an account id (a UUID), `anonymous` or `system:<name>` with a name of \
             at most {MAX_SYSTEM_NAME} lower-case letters, spaces and hyphens, such as \
             `system:seed`; never an email or a name"
        ))
    };
    if value.len() > 64 {
        return Err(refuse());
    }
    let actor = ActorRef::try_from(value.to_string()).map_err(|_| refuse())?;
    if let ActorRef::System(name) = &actor {
        let plain = name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b' ' || b == b'-');
        if !plain || name.len() > MAX_SYSTEM_NAME {
            return Err(refuse());
        }
    }
    Ok(actor)
}

/// A correlation id as requests carry them (the same rule as `x-correlation-id`): anything
/// else cannot be one, and is refused before the read is recorded.
fn correlation(value: &str) -> Result<String, Refusal> {
    if super::is_acceptable_trace_id(value.as_bytes()) {
        Ok(value.to_string())
    } else {
        Err(Refusal::invalid_input(
            "correlation_id must be 1 to 128 letters, digits and -_.:~/+=, as a request's \
             x-correlation-id (events carry the request id when none was sent)",
        ))
    }
}

fn time(name: &str, value: &str) -> Result<DateTime<Utc>, Refusal> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            Refusal::invalid_input(format!(
                "{name} must be an RFC 3339 time such as 2024-06-30T23:59:59Z (got `{value}`; \
                 in a URL, write `+` in an offset as %2B)"
            ))
        })
}

fn check_ranges(filter: &AuditFilter) -> Result<(), Refusal> {
    if let (Some(from), Some(to)) = (filter.from_position, filter.to_position) {
        if from > to {
            return Err(Refusal::invalid_input(format!(
                "from_position {from} is after to_position {to}: the range is reversed"
            )));
        }
    }
    if let (Some(from), Some(to)) = (filter.from_time, filter.to_time) {
        if from > to {
            return Err(Refusal::invalid_input(format!(
                "from {} is after to {}: the range is reversed",
                from.to_rfc3339(),
                to.to_rfc3339()
            )));
        }
    }
    Ok(())
}

/// Checks the aggregate type, event type and stream id against the domain, and puts the id in
/// the form it is stored in.
fn check_types(filter: &mut AuditFilter) -> Result<(), Refusal> {
    let kind = match &filter.aggregate_type {
        Some(name) => Some(known::aggregate(name).ok_or_else(|| {
            Refusal::invalid_input(format!(
                "aggregate_type `{name}` is not one of the domain's: use one of {}",
                known::aggregate_names()
            ))
        })?),
        None => None,
    };
    if let Some(event_type) = &filter.event_type {
        match (known::aggregate_of_event(event_type), kind) {
            (None, Some(kind)) => {
                return Err(Refusal::invalid_input(format!(
                    "event_type `{event_type}` is not an event of {} streams: use one of {}",
                    kind.name,
                    kind.event_types.join(", ")
                )))
            }
            (None, None) => {
                let all: Vec<&str> = known::AGGREGATES
                    .iter()
                    .flat_map(|k| k.event_types.iter().copied())
                    .collect();
                return Err(Refusal::invalid_input(format!(
                    "event_type `{event_type}` is not one of the domain's: use one of {}",
                    all.join(", ")
                )));
            }
            (Some(owner), Some(kind)) if owner.name != kind.name => {
                return Err(Refusal::invalid_input(format!(
                    "event_type `{event_type}` belongs to {} streams, not {} ones: no event \
                     matches both",
                    owner.name, kind.name
                )))
            }
            _ => {}
        }
    }
    if let Some(raw) = &filter.aggregate_id {
        let normalized = match kind {
            Some(kind) => kind.id.normalize(raw).ok_or_else(|| {
                Refusal::invalid_input(format!(
                    "aggregate_id `{raw}` is not an id of {} streams: those are {}",
                    kind.name,
                    kind.id.describe()
                ))
            })?,
            None => known::normalize_any_id(raw).ok_or_else(|| {
                Refusal::invalid_input(format!(
                    "aggregate_id `{raw}` is not a stream id: stream ids are UUIDs, email \
                     digests (64 lowercase hex digits) or `admins`"
                ))
            })?,
        };
        filter.aggregate_id = Some(normalized);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(query: &str) -> String {
        match EventsQuery::parse(query) {
            Err(Refusal::Invalid { message, .. }) => message,
            other => panic!("expected a 400 for `{query}`, got {other:?}"),
        }
    }

    #[test]
    fn every_filter_is_read() {
        let id = "0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b";
        let query = format!(
            "from_position=3&to_position=9&from=2024-01-01T00:00:00Z&to=2024-01-02T00:00:00%2B02:00\
             &aggregate_type=initiative&aggregate_id={}&event_type=InitiativeApproved\
             &actor=system:seed&limit=7",
            id.to_uppercase()
        );
        let parsed = EventsQuery::parse(&query).unwrap();
        assert_eq!(parsed.limit, 7);
        assert_eq!(parsed.after, FeedPosition::START);
        let filter = parsed.filter;
        assert_eq!(
            (filter.from_position, filter.to_position),
            (Some(3), Some(9))
        );
        assert_eq!(
            filter.to_time.map(|t| t.to_rfc3339()),
            Some("2024-01-01T22:00:00+00:00".to_string())
        );
        assert_eq!(filter.aggregate_id.as_deref(), Some(id), "stored form");
        assert_eq!(filter.actor, Some(ActorRef::System("seed".into())));
        assert_eq!(EventsQuery::parse("").unwrap().limit, DEFAULT_LIMIT);
        let traced = EventsQuery::parse("correlation_id=req-1:a/b").unwrap();
        assert_eq!(traced.filter.correlation_id.as_deref(), Some("req-1:a/b"));
    }

    #[test]
    fn unknown_types_are_refused_naming_the_known_ones() {
        let wrong_type = message("aggregate_type=initiatives");
        assert!(wrong_type.contains("joint_project"), "{wrong_type}");
        let wrong_event = message("event_type=InitiativeDeleted");
        assert!(wrong_event.contains("InitiativeApproved"), "{wrong_event}");
        assert!(wrong_event.contains("ThreadStarted"), "{wrong_event}");
        let narrowed = message("aggregate_type=thread&event_type=Nope");
        assert!(narrowed.contains("ThreadStarted"), "{narrowed}");
        assert!(!narrowed.contains("InitiativeApproved"), "{narrowed}");
        let crossed = message("aggregate_type=thread&event_type=InitiativeApproved");
        assert!(
            crossed.contains("belongs to initiative streams"),
            "{crossed}"
        );
    }

    #[test]
    fn bad_values_and_reversed_ranges_are_refused() {
        assert!(message("from_position=9&to_position=3").contains("reversed"));
        assert!(message("from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z").contains("reversed"));
        assert!(message("from=yesterday").contains("RFC 3339"));
        assert!(message("from_position=-1").contains("`-1`"));
        assert!(message("to_position=ten").contains("`ten`"));
        assert!(message("actor=ana@example.org").contains("actor"));
        assert!(message("actor=system:ana.secret@example.org").contains("never an email"));
        assert!(message("actor=system:5511912345678").contains("actor"));
        assert!(message(&format!("actor=system:{}", "a".repeat(5000))).contains("actor"));
        assert!(message("actor=system:Ana").contains("actor"));
        assert!(message("aggregate_id=ana@example.org").contains("not a stream id"));
        assert!(message("aggregate_type=account&aggregate_id=admins").contains("a UUID"));
        assert!(message("limit=0").contains("limit"));
        assert!(message("limit=1001").contains("1001"));
        assert!(message("sort=desc").contains("unknown query parameter `sort`"));
        assert!(message("limit=5&limit=6").contains("once"));
        assert!(message("correlation_id=a%20b").contains("correlation_id"));
        assert!(message(&format!("correlation_id={}", "c".repeat(129))).contains("128"));
        assert!(message("aggregate_type=").contains("empty"));
    }

    #[test]
    fn a_cursor_continues_only_its_own_query() {
        let first = EventsQuery::parse("aggregate_type=thread&limit=2").unwrap();
        let at = FeedPosition { tx: 5, position: 8 };
        let next = cursor::encode(at, &first.filter.digest());
        let same = format!("limit=50&cursor={next}&aggregate_type=thread");
        assert_eq!(EventsQuery::parse(&same).unwrap().after, at);
        let other = format!("aggregate_type=account&cursor={next}");
        assert!(message(&other).contains("another query"));
        assert!(message("cursor=AAAA").contains("handed out"));
    }
}
