//! A gathering's when and where: wall-clock start and end in an IANA time zone, and a place, an
//! online link, or both.

use chrono::offset::LocalResult;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::values::{Text, TextRules, ValueError, Website};

/// An IANA time-zone name known to the bundled database (`America/Santiago`, `UTC`).
///
/// Stored as the name, not as an offset: an offset cannot follow daylight-saving changes, and
/// iCalendar needs the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IanaTimeZone(String);

impl IanaTimeZone {
    pub const FIELD: &'static str = "time_zone";

    pub fn new(raw: impl AsRef<str>) -> Result<Self, ValueError> {
        let raw = raw.as_ref().trim();
        // Tz parsing is exact and case-sensitive, so the stored name is the canonical spelling.
        let tz = Tz::from_str(raw).map_err(|_| {
            ValueError::new(
                Self::FIELD,
                format!("'{raw}' is not a known IANA time zone; use a name such as America/Bogota"),
            )
        })?;
        Ok(Self(tz.name().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn tz(&self) -> Tz {
        // Only valid names get in (constructor and deserialisation), so this cannot fail; UTC is a
        // harmless answer should the bundled database ever drop a name.
        Tz::from_str(&self.0).unwrap_or(Tz::UTC)
    }
}

impl fmt::Display for IanaTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IanaTimeZone {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(s)
    }
}

impl TryFrom<&str> for IanaTimeZone {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}

impl From<IanaTimeZone> for String {
    fn from(tz: IanaTimeZone) -> String {
        tz.0
    }
}

/// Limits of [`Place`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceRules {}

impl TextRules for PlaceRules {
    const FIELD: &'static str = "place";
    const MIN: usize = 1;
    const MAX: usize = 300;
    const MULTILINE: bool = false;
}

/// Where a gathering happens (venue, address, city): 1 to 300 characters, one line.
pub type Place = Text<PlaceRules>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gathering {
    /// Wall-clock start in `time_zone`.
    pub starts_at: NaiveDateTime,
    /// Wall-clock end in `time_zone`.
    pub ends_at: NaiveDateTime,
    pub time_zone: IanaTimeZone,
    pub place: Option<Place>,
    /// Where to join online.
    pub online_link: Option<Website>,
}

impl Gathering {
    /// The start as an instant, or `None` if that wall-clock time does not exist in the zone
    /// (skipped by a daylight-saving change).
    pub fn start_instant(&self) -> Option<DateTime<Utc>> {
        instant(self.starts_at, &self.time_zone)
    }

    /// The end as an instant; see [`Gathering::start_instant`].
    pub fn end_instant(&self) -> Option<DateTime<Utc>> {
        instant(self.ends_at, &self.time_zone)
    }
}

/// A wall-clock time that occurs twice (clocks going back) means its first occurrence, which is
/// what people expect of a gathering announced for that hour.
fn instant(local: NaiveDateTime, zone: &IanaTimeZone) -> Option<DateTime<Utc>> {
    match zone.tz().from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}
