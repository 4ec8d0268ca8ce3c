//! `GET /v1/gatherings.ics`: approved gatherings that have not ended, as an iCalendar
//! (RFC 5545) that calendar applications can subscribe to.
//!
//! The read model is the `gathering_calendar` projection (projections/); this module only
//! writes it out as RFC 5545 text.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use projections::CalendarEntry;

use crate::access::{Access, ApiRoutes};
use crate::http::reading::ReadAt;
use crate::http::Refusal;
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, utoipa_axum::routes!(gatherings_calendar))
}

/// Approved gatherings that have not ended yet, as an iCalendar to subscribe to. Times are in
/// UTC, which every client shows in its own zone; each gathering's own time zone is in its JSON.
#[utoipa::path(get, path = "/v1/gatherings.ics", tag = "publications",
    responses(
        (status = 200, description = "An iCalendar (RFC 5545) of upcoming approved gatherings",
            content_type = "text/calendar", body = String)))]
async fn gatherings_calendar(
    State(state): State<AppState>,
    read_at: ReadAt,
) -> Result<Response, Refusal> {
    let entries = read_at
        .read(&state, &state.read.calendar, |c| c.upcoming(Utc::now()))
        .await?;
    let body = render(&entries);
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
