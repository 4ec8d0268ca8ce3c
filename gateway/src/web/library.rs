//! The knowledge library's list pages: `/publications`, `/news` and `/gatherings`, one shelf of
//! the library each, with the filters the JSON API's lists have (language, topic, format, words;
//! gatherings: upcoming by default, past or all, and dates), the count, and paging by cursor.
//! Every read is `app::library::list` or `app::library::gatherings`, the use cases of
//! `GET /v1/publications` and `GET /v1/gatherings`. `/gatherings.ics` is the calendar of the
//! upcoming gatherings to subscribe to (`app::calendar`, as `GET /v1/gatherings.ics`).

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::publication::{GatheringFormat, Kind, Language, Publication, PublicationStatus, Topic};
use projections::LibraryItem;

use super::form::Input;
use super::i18n::Tr;
use super::initiative::slug;
use super::lists::{self, Filters, Pager};
use super::page::{Chrome, Problem, Reader, Section};
use super::times::Schedule;
use super::Web;
use crate::app::library::{self, LibraryQuery};
use crate::app::listing::Listed;
use crate::app::{calendar, ReadAt, Refusal};

/// Items per page.
const ROWS: usize = 20;

/// One shelf of the library: a kind of item, its list page and its items' pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Publications,
    News,
    Gatherings,
}

impl Shelf {
    pub const ALL: [Shelf; 3] = [Self::Publications, Self::News, Self::Gatherings];

    /// The shelf of an item of `kind`.
    pub fn of(kind: &Kind) -> Self {
        match kind {
            Kind::Publication => Self::Publications,
            Kind::News => Self::News,
            Kind::Gathering(_) => Self::Gatherings,
        }
    }

    /// The list page's path, and the start of its items' paths.
    pub fn path(self) -> &'static str {
        match self {
            Self::Publications => "/publications",
            Self::News => "/news",
            Self::Gatherings => "/gatherings",
        }
    }

    /// The kind the use cases filter on.
    fn kind(self) -> &'static str {
        match self {
            Self::Publications => "publication",
            Self::News => "news",
            Self::Gatherings => "gathering",
        }
    }

    /// The part of its texts' keys (`library-<key>-heading`, …).
    pub fn key(self) -> &'static str {
        match self {
            Self::Publications => "publications",
            Self::News => "news",
            Self::Gatherings => "gatherings",
        }
    }

    pub fn section(self) -> Section {
        match self {
            Self::Publications => Section::Publications,
            Self::News => Section::News,
            Self::Gatherings => Section::Gatherings,
        }
    }

    /// The filters its page offers (the use cases' own parameter names).
    fn filters(self) -> &'static [&'static str] {
        match self {
            Self::Publications => &["q", "language", "topic"],
            Self::News => &["q", "language"],
            Self::Gatherings => &["q", "language", "format", "when", "from", "to"],
        }
    }
}

/// The page of an item (without language): `/<shelf>/<id>/<slug of its title>`.
pub fn item_path(shelf: Shelf, id: &str, title: &str) -> String {
    format!("{}/{id}/{}", shelf.path(), slug(title))
}

/// One item in a list.
pub struct Row {
    pub href: String,
    pub title: String,
    pub summary: String,
    /// Language, topic or format, labelled.
    pub tags: Vec<String>,
    /// When it was submitted, or when a gathering takes place (in its own time zone).
    pub when: String,
    pub when_iso: String,
    pub place: Option<String>,
    /// A status other than approved (its author and moderators see those), labelled.
    pub status: Option<String>,
}

impl Row {
    pub fn of(t: &Tr, id: &str, item: &Publication) -> Option<Self> {
        let content = item.content()?;
        let mut tags = Vec::new();
        if let Some(language) = content.language {
            tags.push(t.label("item-language", language.as_str()));
        }
        if let Some(topic) = content.topic {
            tags.push(t.label("topic", topic.as_str()));
        }
        if let Some(format) = content.format {
            tags.push(t.label("format", format.as_str()));
        }
        let (when, when_iso, place) = match &content.kind {
            Kind::Gathering(gathering) => {
                let schedule = Schedule::of(t, gathering);
                let place = gathering
                    .place
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| {
                        gathering
                            .online_link
                            .as_ref()
                            .map(|_| t.get("gathering-online"))
                    });
                (schedule.text_with_zone(), schedule.start_iso, place)
            }
            Kind::Publication | Kind::News => {
                let at: Option<DateTime<Utc>> = item.submitted_at();
                (
                    at.map(|at| t.date(at)).unwrap_or_default(),
                    at.map(|at| at.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    None,
                )
            }
        };
        Some(Self {
            href: item_path(Shelf::of(&content.kind), id, content.title.as_str()),
            title: content.title.to_string(),
            summary: content.summary.to_string(),
            tags,
            when,
            when_iso,
            place,
            status: status_label(t, item.status()),
        })
    }
}

/// The label of a status that is not public yet (or any more).
pub fn status_label(t: &Tr, status: PublicationStatus) -> Option<String> {
    match status {
        PublicationStatus::Approved | PublicationStatus::NotSubmitted => None,
        other => Some(t.get(&format!("library-status-{}", other.as_str()))),
    }
}

#[derive(Template)]
#[template(path = "library.html")]
struct LibraryPage {
    t: Tr,
    chrome: Chrome,
    heading: String,
    intro: String,
    action: String,
    filters: Filters,
    count: String,
    rows: Vec<Row>,
    pager: Pager,
    /// The calendar of upcoming gatherings (their shelf only).
    calendar: Option<String>,
    /// The other shelves, for the reader who came to the wrong one.
    shelves: Vec<(String, String)>,
}

pub async fn publications(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    list(&web, &reader, Shelf::Publications).await
}

pub async fn news(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    list(&web, &reader, Shelf::News).await
}

pub async fn gatherings(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    list(&web, &reader, Shelf::Gatherings).await
}

/// The items of `shelf` the reader's filters select, a page of them.
async fn read(
    web: &Web,
    reader: &Reader,
    shelf: Shelf,
    given: &[(String, String)],
) -> Result<Listed<LibraryItem>, Refusal> {
    let page = lists::page_request(given, ROWS)?;
    let mut filter = library::parse_filter(lists::parameters(given))?;
    filter.kinds = [shelf.kind().to_owned()].into();
    let query = LibraryQuery {
        filter,
        page,
        read_at: ReadAt::LIVE,
    };
    if shelf == Shelf::Gatherings {
        let dates = library::parse_dates(lists::parameters(given))?;
        library::gatherings(&web.app, &reader.caller, &query, &dates).await
    } else {
        library::list(&web.app, &reader.caller, &query).await
    }
}

async fn list(web: &Web, reader: &Reader, shelf: Shelf) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let given = lists::given(reader, shelf.filters());
    let result = read(web, reader, shelf, &given).await;
    let (listed, refused) =
        lists::listed_or_refused(result).map_err(|refusal| reader.refused(refusal))?;
    let inputs = filter_inputs(&t, shelf, &given);
    let filters = Filters::new(&t, shelf.path(), inputs, &given, refused.as_ref());
    let key = shelf.key();
    let count = t.count(&format!("library-{key}-count"), listed.total as u64);
    let rows = listed
        .items
        .iter()
        .filter_map(|listed| Row::of(&t, &listed.id, &listed.item))
        .collect();
    let pager = Pager::of(shelf.path(), &given, &listed, &t);
    let chrome = lists::chrome(
        reader,
        web,
        t.get(&format!("library-{key}-title")),
        shelf.path(),
    )
    .in_section(shelf.section())
    .described(t.get(&format!("library-{key}-intro")));
    let shelves = Shelf::ALL
        .iter()
        .filter(|other| **other != shelf)
        .map(|other| {
            (
                chrome.link(other.path()),
                t.get(&format!("library-{}-heading", other.key())),
            )
        })
        .collect();
    let page = LibraryPage {
        heading: t.get(&format!("library-{key}-heading")),
        intro: t.get(&format!("library-{key}-intro")),
        action: shelf.path().to_owned(),
        count,
        rows,
        pager,
        calendar: (shelf == Shelf::Gatherings).then(|| "/gatherings.ics".to_owned()),
        shelves,
        filters,
        chrome,
        t,
    };
    Ok(lists::answer(&page.filters, &page))
}

/// The fields of `shelf`'s filter form, holding what the reader chose.
fn filter_inputs(t: &Tr, shelf: Shelf, given: &[(String, String)]) -> Vec<Input> {
    let mut inputs = vec![lists::text_input(t, given)];
    inputs.push(lists::select(
        t,
        "language",
        "library-filter-language",
        "library-filter-any-language",
        "item-language",
        Language::ALL,
        given,
    ));
    match shelf {
        Shelf::Publications => inputs.push(lists::select(
            t,
            "topic",
            "library-filter-topic",
            "library-filter-any-topic",
            "topic",
            Topic::ALL,
            given,
        )),
        Shelf::News => {}
        Shelf::Gatherings => {
            inputs.push(lists::select(
                t,
                "format",
                "library-filter-format",
                "library-filter-any-format",
                "format",
                GatheringFormat::ALL,
                given,
            ));
            let when = ["", "past", "all"]
                .iter()
                .map(|code| {
                    let key = if code.is_empty() { "upcoming" } else { code };
                    (code.to_string(), t.get(&format!("library-when-{key}")))
                })
                .collect();
            inputs.push(
                Input::new("when", t.get("library-filter-when"), "select")
                    .options(when)
                    .value(lists::value(given, "when")),
            );
            for (name, key) in [("from", "library-filter-from"), ("to", "library-filter-to")] {
                inputs.push(
                    Input::new(name, t.get(key), "date")
                        .hint(t.get("library-filter-date-hint"))
                        .value(lists::value(given, name)),
                );
            }
        }
    }
    inputs
}

/// `/gatherings.ics`: the approved gatherings that have not ended, to subscribe to.
pub async fn calendar(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let entries = calendar::upcoming(&web.app, &ReadAt::LIVE)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    Ok(ics(calendar::render(&entries)))
}

/// An iCalendar answer.
pub fn ics(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}
