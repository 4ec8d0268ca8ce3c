//! The knowledge library: one publication, news item or gathering ([`read`]), and the lists:
//! publications, news and gatherings, newest first, and gatherings alone, soonest first.
//! Approved items for everyone; their authors and moderators also see the submitted and
//! rejected ones (the `library` projection's `Viewer` rule, and [`is_visible`] for one item).
//! Auditors may read either list as of a past moment.
//!
//! Anyone else is told there is no such item, the same answer as for an id that was never used,
//! so that nothing reveals what is waiting for moderation or was taken down.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use domain::actor::Actor;
use domain::publication::{GatheringFormat, Language, Publication, PublicationStatus, Topic};
use domain::values::PublicationId;
use projections::{GatheringFilter, LibraryFilter, LibraryItem, When};

use super::listing::{self, codes, Listed, PageRequest};
use super::map::{invalid, values};
use super::{load_error, ReadAt, Refusal};
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

/// One item as the caller may see it.
#[derive(Debug, Clone)]
pub struct SeenItem {
    pub id: PublicationId,
    pub item: Arc<Publication>,
    /// The stream's version (what `If-Match` carries).
    pub version: usize,
    /// The caller is its author or a moderator: they see it in every state, and who wrote it.
    pub privileged: bool,
}

/// The item `raw_id`, if the caller may see it; not found otherwise.
pub async fn read(state: &AppState, caller: &Caller, raw_id: &str) -> Result<SeenItem, Refusal> {
    let id = parse_id(raw_id)?;
    let (item, version) = load_visible(state, id, caller).await?;
    if item.content().is_none() {
        return Err(not_found(id));
    }
    Ok(SeenItem {
        id,
        privileged: is_privileged(&item, caller),
        item,
        version,
    })
}

/// The item and its version, if it exists and `caller` may see it; not found otherwise.
pub async fn load_visible(
    state: &AppState,
    id: PublicationId,
    caller: &Caller,
) -> Result<(Arc<Publication>, usize), Refusal> {
    let loaded = state
        .publications
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    if loaded.version > 0 && is_visible(&loaded.aggregate, caller) {
        Ok((loaded.aggregate, loaded.version))
    } else {
        Err(not_found(id))
    }
}

pub fn parse_id(raw: &str) -> Result<PublicationId, Refusal> {
    raw.parse::<PublicationId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

fn not_found(id: PublicationId) -> Refusal {
    Refusal::NotFound(format!("there is no publication {id}"))
}

/// Its author or a moderator: who sees the item in every state.
pub fn is_privileged(item: &Publication, caller: &Caller) -> bool {
    caller
        .actor()
        .is_some_and(|actor| actor.is_moderator() || item.author() == Some(actor.account))
}

/// Approved items for everyone; the others for their author and moderators.
pub fn is_visible(item: &Publication, caller: &Caller) -> bool {
    match item.status() {
        PublicationStatus::Approved => true,
        PublicationStatus::NotSubmitted => false,
        PublicationStatus::Submitted
        | PublicationStatus::Rejected
        | PublicationStatus::Withdrawn => is_privileged(item, caller),
    }
}

/// How many of a member's own submissions their dashboard lists.
pub const MINE: usize = 50;

/// The items `actor` submitted (publications, news, gatherings) in every state but withdrawn,
/// newest first, each with its review state and, when rejected, the moderator's reason: from
/// the same `library` read model as the lists, under the same rule (an author sees their own).
pub async fn mine(state: &AppState, actor: &Actor) -> Result<Vec<LibraryItem>, Refusal> {
    let account = actor.account;
    ReadAt::LIVE
        .read(state, &state.read.library, |library| {
            library.by_author(account, MINE)
        })
        .await
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
