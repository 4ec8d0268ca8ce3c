//! Request bodies of the publication routes, and their parsing into domain values. Every field
//! is checked and every problem reported at once, each under the name the client sent.

use chrono::{Datelike, NaiveDateTime};
use domain::publication::{
    Gathering, GatheringFormat, IanaTimeZone, Kind, Language, Place, PublicationContent, Topic,
};
use domain::values::{Description, Reason, Title, ValueError, Website};
use serde::Deserialize;
use utoipa::ToSchema;

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

impl ContentRequest {
    /// The domain content, or a 400 naming every invalid field. Rules that need the fields
    /// together (end after start, a place or a link) are the aggregate's, answered with 422.
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

impl GatheringRequest {
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
