//! `GET /v1/gatherings.ics`: approved gatherings that have not ended, as an iCalendar
//! (RFC 5545) that calendar applications can subscribe to.
//!
//! The read model is a [`Projection`] so that it can run under the projection engine as it is;
//! until the application state runs it, each request folds the feed from the start (see
//! [`current`]). That is linear in the number of events and must become a running projection.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::publication::{Kind, Publication, PublicationEvent, PublicationStatus};
use projections::{Projection, ProjectionError};
use store::{FeedEvent, FeedPosition};

use crate::access::{Access, ApiRoutes};
use crate::http::ApiError;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, utoipa_axum::routes!(gatherings_calendar))
}

/// Every publication stream that may yet be, or is, an approved gathering, folded by the
/// aggregate itself, with the time of its stream's last event.
#[derive(Debug, Default, Clone)]
pub struct GatheringCalendar {
    items: BTreeMap<String, (Publication, DateTime<Utc>)>,
}

impl Projection for GatheringCalendar {
    const NAME: &'static str = "gathering_calendar";

    fn apply(&mut self, event: &FeedEvent) -> Result<(), ProjectionError> {
        if event.aggregate_type != Publication::TYPE {
            return Ok(());
        }
        let payload: PublicationEvent = serde_json::from_value(event.payload.clone())
            .map_err(|e| ProjectionError(format!("unreadable publication event: {e}")))?;
        let (item, changed) = self
            .items
            .entry(event.aggregate_id.clone())
            .or_insert_with(|| (Publication::default(), event.recorded_at));
        item.apply(payload);
        *changed = event.recorded_at;
        // Withdrawn is final, and so is an approved item's content: what can never show in the
        // calendar is not kept.
        let never = match item.status() {
            PublicationStatus::Withdrawn => true,
            PublicationStatus::Approved => {
                !matches!(item.content().map(|c| &c.kind), Some(Kind::Gathering(_)))
            }
            _ => false,
        };
        if never {
            self.items.remove(&event.aggregate_id);
        }
        Ok(())
    }
}

/// One gathering as the calendar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEntry {
    pub id: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub title: String,
    pub summary: String,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub link: Option<String>,
    /// When its record last changed (iCalendar's DTSTAMP for a calendar without METHOD).
    pub changed: DateTime<Utc>,
}

impl GatheringCalendar {
    /// Approved gatherings that have not ended by `now`, soonest first.
    pub fn upcoming(&self, now: DateTime<Utc>) -> Vec<CalendarEntry> {
        let mut entries: Vec<CalendarEntry> = self
            .items
            .iter()
            .filter(|(_, (item, _))| item.status() == PublicationStatus::Approved)
            .filter_map(|(id, (item, changed))| {
                let content = item.content()?;
                let Kind::Gathering(gathering) = &content.kind else {
                    return None;
                };
                Some(CalendarEntry {
                    id: id.clone(),
                    starts: gathering.start_instant()?,
                    ends: gathering.end_instant()?,
                    title: content.title.to_string(),
                    summary: content.summary.to_string(),
                    place: gathering.place.as_ref().map(ToString::to_string),
                    online_link: gathering.online_link.as_ref().map(ToString::to_string),
                    link: content.link.as_ref().map(ToString::to_string),
                    changed: *changed,
                })
            })
            .filter(|entry| entry.ends > now)
            .collect();
        entries.sort_by(|a, b| (a.starts, &a.id).cmp(&(b.starts, &b.id)));
        entries
    }
}

/// How long a request waits for events that have committed but that an older transaction
/// elsewhere still holds back from the feed.
const CATCH_UP: Duration = Duration::from_secs(1);
const BATCH: usize = 1_000;

/// The calendar as of now, folded from the whole feed. Reads until it has seen the newest
/// committed event (so that a gathering approved just before is in), waiting at most
/// [`CATCH_UP`] when the feed holds it back.
async fn current(state: &AppState) -> Result<GatheringCalendar, ApiError> {
    let feed = state.log.feed();
    let head = feed.head_position().await?;
    let mut calendar = GatheringCalendar::default();
    let mut seen = 0;
    let mut fold = |batch: &[FeedEvent], seen: &mut i64| -> Result<(), ApiError> {
        for event in batch {
            calendar.apply(event).map_err(|e| ApiError::internal(e.0))?;
            // Feed order is (transaction, position): positions are not monotonic in it.
            *seen = (*seen).max(event.position);
        }
        Ok(())
    };
    let mut after = FeedPosition::START;
    loop {
        let batch = feed.read_after(after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.feed_position();
        fold(&batch, &mut seen)?;
    }
    if seen < head {
        let deadline = tokio::time::Instant::now() + CATCH_UP;
        let mut reader = feed.reader(after, BATCH);
        while seen < head {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let batch = reader.next_batch_within(left).await?;
            if batch.is_empty() {
                break;
            }
            fold(&batch, &mut seen)?;
        }
    }
    Ok(calendar)
}

/// Approved gatherings that have not ended yet, as an iCalendar to subscribe to. Times are in
/// UTC, which every client shows in its own zone; each gathering's own time zone is in its JSON.
#[utoipa::path(get, path = "/v1/gatherings.ics", tag = "publications",
    responses(
        (status = 200, description = "An iCalendar (RFC 5545) of upcoming approved gatherings",
            content_type = "text/calendar", body = String)))]
async fn gatherings_calendar(State(state): State<AppState>) -> Result<Response, ApiError> {
    let calendar = current(&state).await?;
    let body = render(&calendar.upcoming(Utc::now()));
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// The iCalendar text of `entries`: CRLF line endings, lines folded at 75 octets, TEXT values
/// escaped. DTSTART and DTEND are in UTC, so no VTIMEZONE is needed (a TZID would require one).
pub fn render(entries: &[CalendarEntry]) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Articula//Gatherings//EN",
        "CALSCALE:GREGORIAN",
        "NAME:Articula gatherings",
        "X-WR-CALNAME:Articula gatherings",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ] {
        push_line(&mut out, line);
    }
    for entry in entries {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}@articula", entry.id));
        push_line(&mut out, &format!("DTSTAMP:{}", utc(entry.changed)));
        push_line(&mut out, &format!("LAST-MODIFIED:{}", utc(entry.changed)));
        push_line(&mut out, &format!("DTSTART:{}", utc(entry.starts)));
        push_line(&mut out, &format!("DTEND:{}", utc(entry.ends)));
        push_line(&mut out, &format!("SUMMARY:{}", text(&entry.title)));
        let mut description = entry.summary.clone();
        // The location shows one of them; the other would be lost without this.
        if let (Some(_), Some(online)) = (&entry.place, &entry.online_link) {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str("Online: ");
            description.push_str(online);
        }
        if !description.is_empty() {
            push_line(&mut out, &format!("DESCRIPTION:{}", text(&description)));
        }
        if let Some(location) = entry.place.as_ref().or(entry.online_link.as_ref()) {
            push_line(&mut out, &format!("LOCATION:{}", text(location)));
        }
        // URL is a URI value, written as is (validated addresses hold no spaces or controls).
        if let Some(url) = entry.link.as_ref().or(entry.online_link.as_ref()) {
            push_line(&mut out, &format!("URL:{url}"));
        }
        push_line(&mut out, "STATUS:CONFIRMED");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as `\n`.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // TEXT allows no other control characters (tabs are fine); the domain refuses
            // them already, this keeps the output valid whatever the store holds.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` folded to lines of at most 75 octets (RFC 5545 §3.1), never splitting a
/// UTF-8 character, each ended with CRLF.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            // The space that continues a line counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry() -> CalendarEntry {
        CalendarEntry {
            id: "0190f5c2-8a3e-7c1d-9b2a-4f6e8d0c1a2b".into(),
            starts: Utc.with_ymd_and_hms(2030, 10, 1, 12, 0, 0).unwrap(),
            ends: Utc.with_ymd_and_hms(2030, 10, 2, 21, 0, 0).unwrap(),
            title: "Clusters, litio; y \\ más".into(),
            summary: "Línea uno\nLínea dos ".repeat(10),
            place: Some("Edificio CEPAL, Vitacura".into()),
            online_link: Some("https://meet.example.org/x".into()),
            link: None,
            changed: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn text_is_escaped_and_lines_are_folded_at_75_octets() {
        let ics = render(&[entry()]);
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "bare LF in {ics:?}"
        );
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Clusters\\, litio\\; y \\\\ más\r\n"));
        assert!(unfolded.contains("DTSTART:20301001T120000Z\r\n"));
        assert!(unfolded.contains("DTEND:20301002T210000Z\r\n"));
        assert!(unfolded.contains("LOCATION:Edificio CEPAL\\, Vitacura\r\n"));
        assert!(unfolded.contains("\\n\\nOnline: https://meet.example.org/x\r\n"));
        assert!(unfolded.contains("URL:https://meet.example.org/x\r\n"));
        assert!(unfolded.contains("DTSTAMP:20300101T000000Z\r\n"));
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", "ñ".repeat(100)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75);
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "ñ".repeat(100))
        );
    }
}
