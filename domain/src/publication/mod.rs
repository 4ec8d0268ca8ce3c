//! Publications, news and gatherings (never "events": that word belongs to event sourcing).
//!
//! Any member submits one; a moderator approves it (it is then public) or rejects it with a
//! reason, as for initiatives. The author may edit it before approval (editing a rejected one
//! sends it back to the queue) and withdraw it at any time. Gatherings carry their start and end
//! as wall-clock times in an IANA time zone, because that is what the organiser announces and
//! what an iCalendar `DTSTART;TZID=...` needs; instants in UTC are derived from them.

mod commands;
mod error;
mod events;
mod gathering;
#[cfg(test)]
mod gathering_tests;
mod library;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod time_zone_tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::values::{AccountId, Description, PublicationId, Reason, Title, Website};

pub use commands::PublicationCommand;
pub use error::{PublicationError, PublicationRule};
pub use events::PublicationEvent;
pub use gathering::{Gathering, IanaTimeZone, Place, PlaceRules};
pub use library::{GatheringFormat, Language, Topic};

/// What kind of item this is, with what only that kind carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// A report, study or guide.
    Publication,
    News,
    Gathering(Gathering),
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Publication => "publication",
            Self::News => "news",
            Self::Gathering(_) => "gathering",
        }
    }
}

/// Everything the author writes; replaced as a whole on edit so that an edit is one event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationContent {
    pub title: Title,
    pub summary: Description,
    /// Where to read more (the document, the article, the registration page).
    pub link: Option<Website>,
    #[serde(flatten)]
    pub kind: Kind,
    /// The language it is written in. Absent from items submitted before the library
    /// classified them: `default` lets their events load, and skipping `None` keeps their
    /// stored form unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Publications only (a rule of the aggregate): what kind of document it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// Gatherings only (a rule of the aggregate): what happens there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<GatheringFormat>,
}

/// The lifecycle, reported in a 409 when a command does not fit it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationStatus {
    #[default]
    NotSubmitted,
    Submitted,
    Approved,
    Rejected,
    Withdrawn,
}

impl PublicationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotSubmitted => "not_submitted",
            Self::Submitted => "submitted",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

impl fmt::Display for PublicationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    status: PublicationStatus,
    id: Option<PublicationId>,
    author: Option<AccountId>,
    content: Option<PublicationContent>,
    #[serde(default, deserialize_with = "crate::values::time::optional")]
    submitted_at: Option<DateTime<Utc>>,
    /// The moderator's reason, while the item stands rejected.
    rejection_reason: Option<Reason>,
}

impl Publication {
    pub fn status(&self) -> PublicationStatus {
        self.status
    }

    pub fn id(&self) -> Option<PublicationId> {
        self.id
    }

    pub fn author(&self) -> Option<AccountId> {
        self.author
    }

    pub fn content(&self) -> Option<&PublicationContent> {
        self.content.as_ref()
    }

    pub fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.submitted_at
    }

    pub fn rejection_reason(&self) -> Option<&Reason> {
        self.rejection_reason.as_ref()
    }

    fn is_author(&self, account: AccountId) -> bool {
        self.author == Some(account)
    }
}

impl Aggregate for Publication {
    const TYPE: &'static str = "publication";
    type Command = PublicationCommand;
    type Event = PublicationEvent;
    type Error = PublicationError;
    type Services = ();

    async fn handle(
        &mut self,
        command: PublicationCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), PublicationError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: PublicationEvent) {
        use PublicationEvent as E;
        match event {
            E::PublicationSubmitted {
                publication_id,
                author,
                content,
                at,
            } => {
                self.status = PublicationStatus::Submitted;
                self.id = Some(publication_id);
                self.author = Some(author);
                self.content = Some(content);
                self.submitted_at = Some(at);
            }
            E::PublicationEdited { content, .. } => {
                self.content = Some(content);
                // An edit of a rejected item is a resubmission: back to the queue.
                self.status = PublicationStatus::Submitted;
                self.rejection_reason = None;
            }
            E::PublicationApproved { .. } => self.status = PublicationStatus::Approved,
            E::PublicationRejected { reason, .. } => {
                self.status = PublicationStatus::Rejected;
                self.rejection_reason = Some(reason);
            }
            E::PublicationWithdrawn { .. } => self.status = PublicationStatus::Withdrawn,
        }
    }
}
