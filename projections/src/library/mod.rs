//! The knowledge library: publications, news and gatherings, listed and searched.
//!
//! Every item that is or may yet be listed is folded by the aggregate itself (so the list shows
//! exactly what the domain says an item is); withdrawn items are dropped, withdrawal being
//! final. Beside the folded items, derived and rebuilt on restore: each item's folded text for
//! search and its place in three orders (newest submitted first; gatherings soonest first, and
//! latest first for past ones). Who sees what is [`Viewer`]'s rule: approved items for everyone,
//! submitted and rejected ones for their author and for moderators.

mod query;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use domain::publication::{Kind, Publication, PublicationStatus};
use serde::{Deserialize, Serialize};

use crate::listing::{newest_first, oldest_first, Ordering, SortKey};
use crate::map::text;
use crate::{DomainEvent, Envelope, Projection, ProjectionError};

pub use query::{GatheringFilter, LibraryFilter, LibraryItem, Viewer, When};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Library {
    /// By publication id, as the aggregate folds each.
    items: BTreeMap<String, Publication>,
    #[serde(skip)]
    derived: Derived,
}

/// What queries read beside the folded items.
#[derive(Debug, Default, Clone)]
struct Derived {
    /// Title, summary and place, folded; the title alone, folded, ranks search hits.
    texts: HashMap<String, (String, String)>,
    newest: Ordering,
    soonest: Ordering,
    latest: Ordering,
}

impl Projection for Library {
    const NAME: &'static str = "library";

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        let DomainEvent::Publication(_, payload) = event.event()? else {
            return Ok(());
        };
        let id = &event.feed.aggregate_id;
        let item = self.items.entry(id.clone()).or_default();
        item.apply(payload.clone());
        if item.status() == PublicationStatus::Withdrawn {
            self.items.remove(id);
            self.derived.remove(id);
        } else {
            self.derived.upsert(id, item);
        }
        Ok(())
    }

    fn restored(&mut self, _restoring: crate::Restoring) -> Result<(), crate::ProjectionError> {
        let mut derived = Derived::default();
        for (id, item) in &self.items {
            derived.upsert(id, item);
        }
        self.derived = derived;
        Ok(())
    }
}

impl Derived {
    fn upsert(&mut self, id: &str, item: &Publication) {
        let (Some(content), Some(submitted)) = (item.content(), item.submitted_at()) else {
            return;
        };
        self.newest
            .set(SortKey::new(newest_first(submitted), "", id));
        let mut searchable = format!("{} {}", content.title, content.summary);
        match &content.kind {
            Kind::Gathering(gathering) => {
                if let Some(place) = &gathering.place {
                    searchable.push(' ');
                    searchable.push_str(place.as_str());
                }
                let start = gathering.start_instant().unwrap_or(submitted);
                self.soonest.set(SortKey::new(oldest_first(start), "", id));
                self.latest.set(SortKey::new(newest_first(start), "", id));
            }
            Kind::Publication | Kind::News => {
                self.soonest.remove(id);
                self.latest.remove(id);
            }
        }
        let title = text::fold(content.title.as_str());
        self.texts
            .insert(id.to_owned(), (text::fold(&searchable), title));
    }

    fn remove(&mut self, id: &str) {
        self.texts.remove(id);
        self.newest.remove(id);
        self.soonest.remove(id);
        self.latest.remove(id);
    }
}

impl Library {
    /// How many items (of every state but withdrawn) it holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn item(&self, id: &str) -> Option<&Publication> {
        self.items.get(id)
    }

    fn texts(&self, id: &str) -> Option<&(String, String)> {
        self.derived.texts.get(id)
    }
}

/// When an approved gathering was last seen to start, for "upcoming" at a given time.
fn ends(item: &Publication) -> Option<DateTime<Utc>> {
    match &item.content()?.kind {
        Kind::Gathering(gathering) => gathering.end_instant(),
        Kind::Publication | Kind::News => None,
    }
}
