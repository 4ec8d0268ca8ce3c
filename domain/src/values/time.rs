//! Times as the domain stores them, read on chrono's RFC 3339 parser first.
//!
//! chrono's own `Deserialize` for `DateTime<Utc>` reads a relaxed form of RFC 3339 (spaces
//! between parts, unpadded numbers, `UTC`) through its general format machinery, about four
//! times slower than its RFC 3339 parser (112 against 26 ns a time on the development machine).
//! Every event carries a time and an initiative's state several, so a rebuild reads over a
//! million of them and an as-of read of the map at 100,000 initiatives a few hundred thousand.
//! What chrono writes is RFC 3339, read on the fast path; anything that path refuses is read the
//! relaxed way, with chrono's own error, so exactly what chrono accepted is accepted.
//!
//! Every time field of the domain's events and states is read here (commands are not read from
//! storage; a community's few join requests, a map of times, are read as chrono reads them).
//! Fields use it with `#[serde(deserialize_with = "crate::values::time::deserialize")]`, and
//! optional ones with `#[serde(default, deserialize_with = "crate::values::time::optional")]`
//! (`default` keeps a missing field `None`, as serde's derive does without `deserialize_with`).

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A time as chrono writes it (RFC 3339), or in any form chrono's `Deserialize` reads.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    deserializer.deserialize_str(Rfc3339)
}

/// [`deserialize`] of a time that may be `null`.
pub fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Time>::deserialize(deserializer)?.map(|Time(time)| time))
}

struct Time(DateTime<Utc>);

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer).map(Time)
    }
}

/// The text of a time: [`parse`].
struct Rfc3339;

impl Visitor<'_> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).map_err(E::custom)
    }
}

/// `text` as a time in UTC: RFC 3339 on chrono's fast parser, else chrono's relaxed form.
fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| text.parse::<DateTime<FixedOffset>>())
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What chrono's own `Deserialize` makes of `json`: the reading this module must match.
    fn as_chrono_reads(json: &str) -> Result<DateTime<Utc>, String> {
        serde_json::from_str::<DateTime<Utc>>(json).map_err(|e| e.to_string())
    }

    fn as_read_here(json: &str) -> Result<DateTime<Utc>, String> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        deserialize(&mut deserializer).map_err(|e| e.to_string())
    }

    #[test]
    fn every_time_reads_as_chrono_reads_it_and_every_refusal_is_chronos() {
        let written = [
            Utc::now(),
            DateTime::UNIX_EPOCH,
            "2026-12-05T14:55:47Z".parse().unwrap(),
        ]
        .map(|time| serde_json::to_string(&time).unwrap());
        let others = [
            // RFC 3339 in its other shapes.
            r#""2026-12-05T14:55:47.5+03:00""#,
            r#""2026-12-05t14:55:47.123456789z""#,
            r#""2026-12-05 14:55:47-08:30""#,
            r#""2016-12-31T23:59:60Z""#,
            // Only the relaxed form.
            r#""2026-12-05T14:55:47 UTC""#,
            r#""2026-12-05 T 14:55:47 +0300""#,
            r#""+12026-12-05T14:55:47Z""#,
            // Neither.
            r#""2026-13-05T14:55:47Z""#,
            r#""2026-12-05""#,
            r#""yesterday""#,
            r#""""#,
            "17",
        ];
        for json in written.iter().map(String::as_str).chain(others) {
            assert_eq!(as_read_here(json), as_chrono_reads(json), "{json}");
        }
        assert!(as_read_here(r#""2026-12-05T14:55:47 UTC""#).is_ok());
        assert!(as_read_here(r#""yesterday""#).is_err());
    }

    #[test]
    fn an_optional_time_is_null_missing_or_a_time() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Optional {
            #[serde(default, deserialize_with = "optional")]
            at: Option<DateTime<Utc>>,
        }
        let read = |json: &str| serde_json::from_str::<Optional>(json).map(|o| o.at);
        assert_eq!(read("{}").unwrap(), None);
        assert_eq!(read(r#"{"at":null}"#).unwrap(), None);
        assert_eq!(
            read(r#"{"at":"2026-12-05T14:55:47Z"}"#).unwrap(),
            Some("2026-12-05T14:55:47Z".parse().unwrap())
        );
        assert!(read(r#"{"at":"soon"}"#).is_err());
    }
}
