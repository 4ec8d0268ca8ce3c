//! Gatherings as iCalendar (RFC 5545), for calendar applications: the approved gatherings that
//! have not ended (a calendar to subscribe to), and one approved gathering (past or upcoming).
//! The read model is the `gathering_calendar` projection; [`render`] writes entries out as
//! RFC 5545 text, for the JSON API's `/v1/gatherings.ics` and the console's pages alike.

use chrono::{DateTime, Utc};
use domain::values::PublicationId;
use projections::CalendarEntry;

use super::{ReadAt, Refusal};
use crate::state::AppState;

/// Approved gatherings that have not ended by now, soonest first.
pub async fn upcoming(state: &AppState, read_at: &ReadAt) -> Result<Vec<CalendarEntry>, Refusal> {
    read_at
        .read(state, &state.read.calendar, |c| c.upcoming(Utc::now()))
        .await
}

/// Gathering `raw_id`, if it is approved (what is not approved is in no calendar: not found).
pub async fn gathering(state: &AppState, raw_id: &str) -> Result<CalendarEntry, Refusal> {
    let id = super::library::parse_id(raw_id)?;
    ReadAt::LIVE
        .read(state, &state.read.calendar, |c| {
            c.gathering(&id.to_string())
        })
        .await?
        .ok_or_else(|| no_gathering(id))
}

fn no_gathering(id: PublicationId) -> Refusal {
    Refusal::NotFound(format!("there is no approved gathering {id}"))
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
