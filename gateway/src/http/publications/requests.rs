//! Request bodies of the publication routes, and their parsing into domain values. Every field
//! is checked and every problem reported at once, each under the name the client sent.

use domain::publication::PublicationContent;
use domain::values::Reason;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::publishing::{ContentFields, GatheringFields};
use crate::http::Refusal;

/// What the author writes: the whole content, on submission and on every edit.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentRequest {
    /// `publication` (a report, study or guide), `news` or `gathering`.
    #[schema(example = "gathering")]
    pub kind: String,
    /// 1 to 200 characters, one line.
    #[schema(example = "Encuentro regional de clusters")]
    pub title: String,
    /// Up to 5000 characters, line breaks allowed; empty when left out.
    #[schema(example = "Dos días de intercambio entre iniciativas de la región.")]
    pub summary: Option<String>,
    /// Where to read more (the document, the article, the registration page).
    #[schema(example = "https://www.cepal.org/es/eventos")]
    pub link: Option<String>,
    /// Required when `kind` is `gathering`, and only then.
    pub gathering: Option<GatheringRequest>,
    /// The language it is written in: `es`, `pt` or `en`.
    #[schema(example = "es")]
    pub language: Option<String>,
    /// Publications only: `report_or_study`, `good_practice`, `methodology_or_tool` or
    /// `training_programme`.
    #[schema(example = "good_practice")]
    pub topic: Option<String>,
    /// Gatherings only: `training`, `workshop`, `webinar`, `conference` or `visit`.
    #[schema(example = "workshop")]
    pub format: Option<String>,
}

/// When and where a gathering happens. Times are wall-clock times in `time_zone`, as the
/// organiser announces them; the API also answers them in UTC.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GatheringRequest {
    /// Local date and time without offset: `2025-10-01T09:00` or `2025-10-01T09:00:00`.
    #[schema(example = "2025-10-01T09:00")]
    pub starts_at: String,
    #[schema(example = "2025-10-02T18:00")]
    pub ends_at: String,
    /// An IANA time-zone name.
    #[schema(example = "America/Santiago")]
    pub time_zone: String,
    /// Venue, address, city: 1 to 300 characters. A place, an online link, or both.
    #[schema(example = "Edificio CEPAL, Vitacura, Santiago")]
    pub place: Option<String>,
    /// Where to join online.
    #[schema(example = "https://meet.example.org/clusters")]
    pub online_link: Option<String>,
}

/// A moderator's reason for refusing an item, shown to its author.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectionRequest {
    /// 1 to 1000 characters: what the author should change.
    #[schema(example = "Falta la fecha de la convocatoria.")]
    pub reason: String,
}

impl RejectionRequest {
    pub fn into_reason(self) -> Result<Reason, Refusal> {
        Reason::new(self.reason).map_err(|e| Refusal::invalid(vec![e.in_field("reason")]))
    }
}

impl ContentRequest {
    /// The domain content, or a 400 naming every invalid field (`app::publishing`, shared with
    /// the console). Rules that need the fields together are the aggregate's, answered with 422.
    pub fn into_content(self) -> Result<PublicationContent, Refusal> {
        ContentFields {
            kind: self.kind,
            title: self.title,
            summary: self.summary,
            link: self.link,
            gathering: self.gathering.map(|g| GatheringFields {
                starts_at: g.starts_at,
                ends_at: g.ends_at,
                time_zone: g.time_zone,
                place: g.place,
                online_link: g.online_link,
            }),
            language: self.language,
            topic: self.topic,
            format: self.format,
        }
        .into_content()
    }
}
