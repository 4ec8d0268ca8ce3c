//! The knowledge library's lists: publications, news and gatherings, newest first, and
//! gatherings alone, soonest first. Approved items for everyone; their authors and moderators
//! also see the submitted and rejected ones (the `library` projection's `Viewer` rule). Auditors
//! may read either list as of a past moment.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use domain::publication::{GatheringFormat, Language, Topic};
use projections::{GatheringFilter, LibraryFilter, LibraryItem, When};

use super::listing::{self, codes, Listed, PageRequest};
use super::map::{invalid, values};
use super::{ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// The parameters [`parse_filter`] reads.
pub const FILTERS: [&str; 5] = ["kind", "language", "topic", "format", "q"];
/// The parameters [`parse_dates`] reads.
pub const DATES: [&str; 3] = ["when", "from", "to"];
const KINDS: [&str; 3] = ["publication", "news", "gathering"];

/// What a reader asks of the library.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryQuery {
    pub filter: LibraryFilter,
    pub page: PageRequest,
    pub read_at: ReadAt,
}

/// Items the query selects that the caller sees, newest submitted first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: &LibraryQuery,
) -> Result<Listed<LibraryItem>, Refusal> {
    query.read_at.permit(caller)?;
    let viewer = listing::viewer(caller);
    let page = &query.page;
    query
        .read_at
        .read(state, &state.read.library, |library| {
            library.list(&query.filter, viewer, page.after.as_ref(), page.limit)
        })
        .await
        .map(Listed::from)
}

/// Gatherings the query and `dates` select that the caller sees: upcoming ones (the default)
/// soonest first, past ones latest first, judged at the moment read (now, or as of).
pub async fn gatherings(
    state: &AppState,
    caller: &Caller,
    query: &LibraryQuery,
    dates: &GatheringFilter,
) -> Result<Listed<LibraryItem>, Refusal> {
    query.read_at.permit(caller)?;
    let viewer = listing::viewer(caller);
    let now = query.read_at.moment();
    let page = &query.page;
    query
        .read_at
        .read(state, &state.read.library, |library| {
            let after = page.after.as_ref();
            library.gatherings(&query.filter, dates, viewer, now, after, page.limit)
        })
        .await
        .map(Listed::from)
}

/// Reads the library's filters, ignoring parameters that are not filters.
pub fn parse_filter<'a>(
    parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<LibraryFilter, Refusal> {
    let mut filter = LibraryFilter::default();
    for (key, value) in parameters {
        let key = key.as_ref();
        match key {
            "kind" => {
                for kind in values(key, &value)? {
                    if !KINDS.contains(&kind) {
                        return Err(invalid(
                            key,
                            format!(
                                "`{kind}` is not a kind of item; use one of: {}",
                                KINDS.join(", ")
                            ),
                        ));
                    }
                    filter.kinds.insert(kind.to_owned());
                }
            }
            "language" => codes(
                &mut filter.languages,
                key,
                &value,
                Language::ALL,
                "a language",
            )?,
            "topic" => codes(&mut filter.topics, key, &value, Topic::ALL, "a topic")?,
            "format" => codes(
                &mut filter.formats,
                key,
                &value,
                GatheringFormat::ALL,
                "a format of gathering",
            )?,
            "q" => filter.text = Some(listing::text(&value)?),
            _ => {}
        }
    }
    Ok(filter)
}

/// Reads `when` (`upcoming`, `past` or `all`), `from` and `to` (dates, `to` included; in UTC).
pub fn parse_dates<'a>(
    parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<GatheringFilter, Refusal> {
    let mut dates = GatheringFilter::default();
    for (key, value) in parameters {
        match key.as_ref() {
            "when" => {
                dates.when = match value.as_ref() {
                    "upcoming" => When::Upcoming,
                    "past" => When::Past,
                    "all" => When::Any,
                    other => {
                        return Err(invalid(
                            "when",
                            format!("when must be `upcoming`, `past` or `all` (got `{other}`)"),
                        ))
                    }
                }
            }
            "from" => dates.from = Some(day("from", &value, 0)?),
            // The whole of the `to` day is inside the range.
            "to" => dates.to = Some(day("to", &value, 1)?),
            _ => {}
        }
    }
    if let (Some(from), Some(to)) = (dates.from, dates.to) {
        if to <= from {
            return Err(invalid("to", "to must not be before from"));
        }
    }
    Ok(dates)
}

/// The start (UTC) of the day `value` names, plus `days_after` days.
fn day(key: &str, value: &str, days_after: i64) -> Result<DateTime<Utc>, Refusal> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(days_after)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            invalid(
                key,
                format!("{key} must be a date such as 2026-10-01 (got `{value}`)"),
            )
        })
}
