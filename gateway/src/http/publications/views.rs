//! What a reader of a publication, news item or gathering is shown.

use chrono::{DateTime, NaiveDateTime, Utc};
use domain::publication::{Gathering, Kind, Publication};
use domain::values::PublicationId;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::Refusal;

#[derive(Serialize, ToSchema)]
pub struct PublicationView {
    #[schema(value_type = String, format = Uuid)]
    pub id: PublicationId,
    /// `publication`, `news` or `gathering`.
    pub kind: &'static str,
    /// `submitted`, `approved`, `rejected` or `withdrawn`; only `approved` items are public.
    pub status: &'static str,
    pub title: String,
    pub summary: String,
    pub link: Option<String>,
    /// `es`, `pt` or `en`; absent when the author did not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<&'static str>,
    /// Publications only, e.g. `good_practice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<&'static str>,
    /// Gatherings only, e.g. `workshop`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// For gatherings only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gathering: Option<GatheringView>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Shown to the author and moderators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub author_id: Option<String>,
    /// Why a moderator refused it, while it stands rejected (its author and moderators see it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GatheringView {
    /// Wall-clock start in `time_zone`, as announced: `2025-10-01T09:00:00`.
    #[schema(value_type = String, example = "2025-10-01T09:00:00")]
    pub starts_at: NaiveDateTime,
    #[schema(value_type = String, example = "2025-10-02T18:00:00")]
    pub ends_at: NaiveDateTime,
    #[schema(example = "America/Santiago")]
    pub time_zone: String,
    /// The start as an instant.
    pub starts_at_utc: Option<DateTime<Utc>>,
    pub ends_at_utc: Option<DateTime<Utc>>,
    pub place: Option<String>,
    pub online_link: Option<String>,
}

impl PublicationView {
    /// The view of `item`; `privileged` (its author or a moderator) also sees who wrote it.
    pub fn of(id: PublicationId, item: &Publication, privileged: bool) -> Result<Self, Refusal> {
        let content = item
            .content()
            .ok_or_else(|| Refusal::internal(format!("publication {id} has no content")))?;
        let gathering = match &content.kind {
            Kind::Gathering(gathering) => Some(GatheringView::of(gathering)),
            Kind::Publication | Kind::News => None,
        };
        Ok(Self {
            id,
            kind: content.kind.as_str(),
            status: item.status().as_str(),
            title: content.title.to_string(),
            summary: content.summary.to_string(),
            link: content.link.as_ref().map(ToString::to_string),
            language: content.language.map(|l| l.as_str()),
            topic: content.topic.map(|t| t.as_str()),
            format: content.format.map(|f| f.as_str()),
            gathering,
            submitted_at: item.submitted_at(),
            author_id: item.author().filter(|_| privileged).map(|a| a.to_string()),
            rejection_reason: item
                .rejection_reason()
                .filter(|_| privileged)
                .map(ToString::to_string),
        })
    }
}

impl GatheringView {
    fn of(gathering: &Gathering) -> Self {
        Self {
            starts_at: gathering.starts_at,
            ends_at: gathering.ends_at,
            time_zone: gathering.time_zone.to_string(),
            starts_at_utc: gathering.start_instant(),
            ends_at_utc: gathering.end_instant(),
            place: gathering.place.as_ref().map(ToString::to_string),
            online_link: gathering.online_link.as_ref().map(ToString::to_string),
        }
    }
}
