//! Submitting to the knowledge library: a publication, a news item or a gathering, which a
//! moderator then approves or rejects, and its author edits (before approval) or withdraws. The
//! content is parsed here from what a person typed or a client sent ([`ContentFields`]: every
//! invalid field is named at once, under the name the JSON API uses), so the JSON API and the
//! console share it.
//!
//! Approved items are public. Submitted, rejected and withdrawn ones are shown only to their
//! author and to moderators; anyone else is told there is no such item, the same answer as for
//! an id that was never used. Commands on an item the caller may not see answer the same.

use chrono::{Datelike, NaiveDateTime, Utc};
use domain::actor::Actor;
use domain::publication::{
    Gathering, GatheringFormat, IanaTimeZone, Kind, Language, Place, Publication,
    PublicationCommand, PublicationContent, Topic,
};
use domain::values::{Description, PublicationId, Reason, Title, ValueError, Website};
use store::{Committed, EventMetadata};

use super::{command_error, library, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// An item's content as written, before parsing.
#[derive(Debug, Clone, Default)]
pub struct ContentFields {
    /// `publication`, `news` or `gathering`.
    pub kind: String,
    pub title: String,
    pub summary: Option<String>,
    pub link: Option<String>,
    /// A gathering's dates and place: required for a gathering, and only then.
    pub gathering: Option<GatheringFields>,
    /// `es`, `pt` or `en`.
    pub language: Option<String>,
    /// Publications only.
    pub topic: Option<String>,
    /// Gatherings only.
    pub format: Option<String>,
}

/// When and where a gathering happens, as written: wall-clock times in `time_zone`.
#[derive(Debug, Clone, Default)]
pub struct GatheringFields {
    /// `2025-10-01T09:00` or `2025-10-01T09:00:00`.
    pub starts_at: String,
    pub ends_at: String,
    /// An IANA time-zone name.
    pub time_zone: String,
    pub place: Option<String>,
    pub online_link: Option<String>,
}

/// A step on an item already submitted.
#[derive(Debug, Clone)]
pub enum PublicationAction {
    /// Its author replaces the content (before approval; a rejected item goes back to review).
    Edit(PublicationContent),
    /// Its author takes it down.
    Withdraw,
    Approve,
    Reject(Reason),
}

impl PublicationAction {
    /// The command's name in the events' metadata.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Edit(_) => "EditPublication",
            Self::Withdraw => "WithdrawPublication",
            Self::Approve => "ApprovePublication",
            Self::Reject(_) => "RejectPublication",
        }
    }
}

/// Takes `action` on item `id` as `actor`, if they may see it (not found otherwise, as on
/// reads); the aggregate decides whether they may do it.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: PublicationId,
    action: PublicationAction,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Publication>, Refusal> {
    library::load_visible(state, id, &Caller::Account(actor.clone())).await?;
    let actor = actor.clone();
    let at = Utc::now();
    let command = match action {
        PublicationAction::Edit(content) => PublicationCommand::Edit { actor, content, at },
        PublicationAction::Withdraw => PublicationCommand::Withdraw { actor, at },
        PublicationAction::Approve => PublicationCommand::Approve { actor, at },
        PublicationAction::Reject(reason) => PublicationCommand::Reject { actor, reason, at },
    };
    state
        .publications
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// Submits `content` as item `id` by `actor`; it is public once a moderator approves it.
pub async fn submit(
    state: &AppState,
    actor: &Actor,
    id: PublicationId,
    content: PublicationContent,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Publication>, Refusal> {
    let command = PublicationCommand::Submit {
        publication_id: id,
        actor: actor.clone(),
        content,
        at: Utc::now(),
    };
    state
        .publications
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// Collects the error of each parsed field, leaving the value (if any) in place.
#[derive(Default)]
struct Errors(Vec<ValueError>);

impl Errors {
    fn take<T>(&mut self, result: Result<T, ValueError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }
}

impl ContentFields {
    /// The domain content, or the refusal naming every invalid field. Rules that need the fields
    /// together (end after start, a place or a link) are the aggregate's (a broken rule).
    pub fn into_content(self) -> Result<PublicationContent, Refusal> {
        let mut errors = Errors::default();
        let title = errors.take(Title::new(&self.title).map_err(|e| e.in_field("title")));
        let summary = errors.take(
            Description::new(self.summary.as_deref().unwrap_or_default())
                .map_err(|e| e.in_field("summary")),
        );
        let link = errors.take(
            self.link
                .as_deref()
                .map(Website::new)
                .transpose()
                .map_err(|e| e.in_field("link")),
        );
        let language = errors.take(code(self.language.as_deref(), "language", Language::ALL));
        let topic = errors.take(code(self.topic.as_deref(), "topic", Topic::ALL));
        let format = errors.take(code(self.format.as_deref(), "format", GatheringFormat::ALL));
        let kind = match (self.kind.trim(), self.gathering) {
            ("publication", None) => Some(Kind::Publication),
            ("news", None) => Some(Kind::News),
            ("gathering", Some(gathering)) => gathering.parse(&mut errors).map(Kind::Gathering),
            ("gathering", None) => errors.take(Err(ValueError::new(
                "gathering",
                "a gathering needs its dates, time zone and place or link here",
            ))),
            ("publication" | "news", Some(_)) => errors.take(Err(ValueError::new(
                "gathering",
                "only a gathering has dates and a place; leave this out or set kind to \
                 `gathering`",
            ))),
            (other, _) => errors.take(Err(ValueError::new(
                "kind",
                format!("'{other}' is not a kind of item; use publication, news or gathering"),
            ))),
        };
        match (title, summary, link, kind, language, topic, format) {
            (
                Some(title),
                Some(summary),
                Some(link),
                Some(kind),
                Some(language),
                Some(topic),
                Some(format),
            ) if errors.0.is_empty() => Ok(PublicationContent {
                title,
                summary,
                link,
                kind,
                language,
                topic,
                format,
            }),
            _ => Err(Refusal::invalid(errors.0)),
        }
    }
}

impl GatheringFields {
    fn parse(self, errors: &mut Errors) -> Option<Gathering> {
        let starts_at = errors.take(wall_clock(&self.starts_at, "gathering.starts_at"));
        let ends_at = errors.take(wall_clock(&self.ends_at, "gathering.ends_at"));
        let time_zone = errors.take(
            IanaTimeZone::new(&self.time_zone).map_err(|e| e.in_field("gathering.time_zone")),
        );
        let place = errors.take(
            self.place
                .as_deref()
                .map(Place::new)
                .transpose()
                .map_err(|e| e.in_field("gathering.place")),
        );
        let online_link = errors.take(
            self.online_link
                .as_deref()
                .map(Website::new)
                .transpose()
                .map_err(|e| e.in_field("gathering.online_link")),
        );
        Some(Gathering {
            starts_at: starts_at?,
            ends_at: ends_at?,
            time_zone: time_zone?,
            place: place?,
            online_link: online_link?,
        })
    }
}

/// One of `all` by its code, or `None` when left out.
fn code<T: Copy + serde::Serialize>(
    raw: Option<&str>,
    field: &str,
    all: &[T],
) -> Result<Option<T>, ValueError> {
    raw.map(|raw| crate::app::codes::parse(field, raw.trim(), all, &format!("a {field}")))
        .transpose()
}

/// A local date and time without offset, to the minute or the second. Offsets are refused
/// rather than converted: the zone belongs in `time_zone`, and an offset cannot say which one.
fn wall_clock(raw: &str, field: &str) -> Result<NaiveDateTime, ValueError> {
    let raw = raw.trim();
    let parsed = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M"));
    match parsed {
        // iCalendar writes years with four digits.
        Ok(time) if (1900..=9999).contains(&time.year()) => Ok(time),
        Ok(_) => Err(ValueError::new(
            field,
            "the year must lie between 1900 and 9999",
        )),
        Err(_) => Err(ValueError::new(
            field,
            format!(
                "'{raw}' is not a local date and time; write it as 2025-10-01T09:00 (no offset: \
                 the zone goes in gathering.time_zone)"
            ),
        )),
    }
}
