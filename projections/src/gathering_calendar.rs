//! The gatherings a calendar shows: approved gatherings, from the publication streams.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::publication::{Kind, Publication, PublicationStatus};
use serde::{Deserialize, Serialize};

use crate::{DomainEvent, Envelope, Projection, ProjectionError};

/// Every publication stream that may yet be, or is, an approved gathering, folded by the
/// aggregate itself, with the time of its stream's last event.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct GatheringCalendar {
    items: BTreeMap<String, (Publication, DateTime<Utc>)>,
}

impl Projection for GatheringCalendar {
    const NAME: &'static str = "gathering_calendar";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let DomainEvent::Publication(_, payload) = event.event()? else {
            return Ok(());
        };
        let payload = payload.clone();
        let recorded_at = event.recorded_at();
        let event = &event.feed;
        let (item, changed) = self
            .items
            .entry(event.aggregate_id.clone())
            .or_insert_with(|| (Publication::default(), recorded_at));
        item.apply(payload);
        *changed = recorded_at;
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
            .filter_map(|(id, (item, changed))| entry(id, item, *changed))
            .filter(|entry| entry.ends > now)
            .collect();
        entries.sort_by(|a, b| (a.starts, &a.id).cmp(&(b.starts, &b.id)));
        entries
    }

    /// Gathering `id`, past or upcoming, if it is approved.
    pub fn gathering(&self, id: &str) -> Option<CalendarEntry> {
        let (item, changed) = self.items.get(id)?;
        entry(id, item, *changed)
    }
}

/// `item` as a calendar shows it, if it is an approved gathering.
fn entry(id: &str, item: &Publication, changed: DateTime<Utc>) -> Option<CalendarEntry> {
    if item.status() != PublicationStatus::Approved {
        return None;
    }
    let content = item.content()?;
    let Kind::Gathering(gathering) = &content.kind else {
        return None;
    };
    Some(CalendarEntry {
        id: id.to_owned(),
        starts: gathering.start_instant()?,
        ends: gathering.end_instant()?,
        title: content.title.to_string(),
        summary: content.summary.to_string(),
        place: gathering.place.as_ref().map(ToString::to_string),
        online_link: gathering.online_link.as_ref().map(ToString::to_string),
        link: content.link.as_ref().map(ToString::to_string),
        changed,
    })
}
