//! When a gathering takes place, as its pages write it: in the gathering's own time zone, named,
//! with its offset from UTC, so that the page reads well without script; and the instants in UTC
//! that `assets/js/local-time.js` turns into the visitor's own time.

use chrono::{DateTime, NaiveDateTime, Offset, Timelike, Utc};
use domain::publication::Gathering;

use super::i18n::{Arg, Tr};

/// A gathering's start and end, written for one reader.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// "6 August 2026, 09:00".
    pub start_text: String,
    /// "17:30" on the same day, else the day and the time.
    pub end_text: String,
    /// The IANA name of its zone: "America/Argentina/Buenos_Aires".
    pub zone: String,
    /// "UTC−03:00" at the start ("" if the start does not exist in the zone).
    pub offset: String,
    /// For `<time datetime>`: the wall-clock time with its offset, `2026-08-06T09:00-03:00`.
    pub start_iso: String,
    pub end_iso: String,
    /// The instants, in UTC (`2026-08-06T12:00:00Z`), for the visitor's own time.
    pub start_utc: String,
    pub end_utc: String,
}

impl Schedule {
    pub fn of(t: &Tr, gathering: &Gathering) -> Self {
        let zone = gathering.time_zone.tz();
        let start = gathering.start_instant();
        let end = gathering.end_instant();
        let iso = |local: NaiveDateTime, instant: Option<DateTime<Utc>>| match instant {
            Some(at) => at
                .with_timezone(&zone)
                .format("%Y-%m-%dT%H:%M%:z")
                .to_string(),
            None => local.format("%Y-%m-%dT%H:%M").to_string(),
        };
        let offset = start
            .map(|at| {
                let seconds = at.with_timezone(&zone).offset().fix().local_minus_utc();
                utc_offset(seconds)
            })
            .unwrap_or_default();
        let same_day = gathering.starts_at.date() == gathering.ends_at.date();
        Self {
            start_text: day_and_time(t, gathering.starts_at),
            end_text: if same_day {
                time(gathering.ends_at)
            } else {
                day_and_time(t, gathering.ends_at)
            },
            zone: gathering.time_zone.as_str().to_owned(),
            offset,
            start_iso: iso(gathering.starts_at, start),
            end_iso: iso(gathering.ends_at, end),
            start_utc: utc(start),
            end_utc: utc(end),
        }
    }

    /// "6 August 2026, 09:00–17:30 (America/Argentina/Buenos_Aires, UTC−03:00)".
    pub fn text_with_zone(&self) -> String {
        format!(
            "{}–{} ({})",
            self.start_text,
            self.end_text,
            self.zone_and_offset()
        )
    }

    /// "America/Argentina/Buenos_Aires, UTC−03:00".
    pub fn zone_and_offset(&self) -> String {
        if self.offset.is_empty() {
            self.zone.clone()
        } else {
            format!("{}, {}", self.zone, self.offset)
        }
    }
}

/// A wall-clock day and time in the reader's language: "6 de agosto de 2026, 09:00".
fn day_and_time(t: &Tr, local: NaiveDateTime) -> String {
    t.with(
        "date-and-time",
        &[
            ("date", Arg::Text(t.date(local.and_utc()))),
            ("time", Arg::Text(time(local))),
        ],
    )
}

/// "09:00": every language of the console writes the 24-hour clock.
fn time(local: NaiveDateTime) -> String {
    format!("{:02}:{:02}", local.hour(), local.minute())
}

fn utc(instant: Option<DateTime<Utc>>) -> String {
    instant
        .map(|at| at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// "UTC−03:00", "UTC+05:30", "UTC".
fn utc_offset(seconds: i32) -> String {
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '−' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::publication::IanaTimeZone;
    use domain::values::Language;

    fn gathering(start: &str, end: &str, zone: &str) -> Gathering {
        Gathering {
            starts_at: start.parse().unwrap(),
            ends_at: end.parse().unwrap(),
            time_zone: IanaTimeZone::new(zone).unwrap(),
            place: None,
            online_link: None,
        }
    }

    #[test]
    fn a_gathering_is_written_in_its_own_zone_with_the_zone_named() {
        let en = Tr::new(Language::En);
        let g = gathering(
            "2026-08-06T09:00:00",
            "2026-08-06T17:30:00",
            "America/Argentina/Buenos_Aires",
        );
        let s = Schedule::of(&en, &g);
        assert_eq!(
            s.text_with_zone(),
            "6 August 2026, 09:00–17:30 (America/Argentina/Buenos_Aires, UTC−03:00)"
        );
        assert_eq!(s.start_iso, "2026-08-06T09:00-03:00");
        assert_eq!(s.start_utc, "2026-08-06T12:00:00Z");
        assert_eq!(s.end_utc, "2026-08-06T20:30:00Z");
        let es = Tr::new(Language::Es);
        let two_days = gathering(
            "2026-03-01T09:00:00",
            "2026-03-02T18:00:00",
            "America/Mexico_City",
        );
        let s = Schedule::of(&es, &two_days);
        assert_eq!(s.start_text, "1 de marzo de 2026, 09:00");
        assert_eq!(s.end_text, "2 de marzo de 2026, 18:00");
        assert_eq!(s.offset, "UTC−06:00");
        assert_eq!(utc_offset(0), "UTC");
        assert_eq!(utc_offset(19800), "UTC+05:30");
    }
}
