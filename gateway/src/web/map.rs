//! The map page (`/`): the filter panel, the count, the interactive map (drawn by
//! `assets/js/map.js` from `/map/points.json`) and the table of the same initiatives, which is
//! the whole page without JavaScript; and the downloads of the selection as GeoJSON and CSV.
//!
//! The filters are the URL's query (`country`, `sector`, `kind`, `maturity`, `q`), so a filtered
//! view is a link; empty fields mean "any". Every read is `app::map::features`, the same use
//! case as the JSON API's `GET /v1/map`.

use std::borrow::Cow;

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::values::{CountryCode, InitiativeKind, MaturityStage, Sector};
use projections::MapFeature;
use serde::Serialize;

use super::assets;
use super::i18n::{code_of, Arg, Tr};
use super::initiative::initiative_path;
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::map::{self, MapQuery, FILTERS};
use crate::app::{statistics, ReadAt};

/// Rows of the table per page.
const ROWS_PER_PAGE: usize = 100;

/// The filters of a request: the query's filter parameters that are not empty.
fn filters(reader: &Reader) -> Vec<(String, String)> {
    reader
        .query
        .iter()
        .filter(|(key, value)| FILTERS.contains(&key.as_str()) && !value.trim().is_empty())
        .cloned()
        .collect()
}

/// The map's query: its filters, and the moment it is read at (the past for auditors, with
/// `as_of` or `at_position`, kept in the returned parameters so that every link keeps it).
fn query_of(reader: &Reader) -> Result<(MapQuery, Vec<(String, String)>), Problem> {
    let mut given = filters(reader);
    let filter = map::parse_filter(
        given
            .iter()
            .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()))),
    )
    .map_err(|refusal| reader.refused(refusal))?;
    let past = super::audit::past(reader)?;
    given.extend(past.keep);
    let query = MapQuery {
        filter,
        read_at: past.read_at,
    };
    Ok((query, given))
}

/// `path` with the filters (and no language: links keep the reader's by the cookie).
fn filtered(path: &str, given: &[(String, String)]) -> String {
    if given.is_empty() {
        return path.to_owned();
    }
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in given {
        serializer.append_pair(key, value);
    }
    format!("{path}?{}", serializer.finish())
}

/// One option of a select.
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

/// A group of options.
struct ChoiceGroup {
    label: String,
    choices: Vec<Choice>,
}

/// One initiative in the table.
struct Row {
    href: String,
    name: String,
    country: String,
    region: String,
    kind: String,
    sectors: String,
    firms: String,
    maturity: String,
    stale: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    t: Tr,
    chrome: Chrome,
    countries: Vec<Choice>,
    sectors: Vec<ChoiceGroup>,
    kinds: Vec<Choice>,
    maturities: Vec<Choice>,
    text: String,
    count: String,
    caption: String,
    rows: Vec<Row>,
    previous: Option<String>,
    next: Option<String>,
    points_url: String,
    geojson_url: String,
    csv_url: String,
    outlines_url: String,
    reset_url: String,
    filtered: bool,
}

fn choices<T: Serialize + Copy>(
    t: &Tr,
    vocabulary: &str,
    all: &[T],
    reader: &Reader,
    parameter: &str,
) -> Vec<Choice> {
    let selected = reader.param(parameter);
    all.iter()
        .map(|value| {
            let code = code_of(value);
            Choice {
                label: t.label(vocabulary, &code),
                selected: selected == Some(code.as_str()),
                code,
            }
        })
        .collect()
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let t = reader.t.clone();
    let (query, given) = query_of(&reader)?;
    let page_number = reader
        .param("page")
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let skip = (page_number - 1) * ROWS_PER_PAGE;
    let (total, rows) = map::features(&web.app, &reader.caller, &query, |features| {
        let rows: Vec<Row> = features
            .iter()
            .skip(skip)
            .take(ROWS_PER_PAGE)
            .map(|feature| row(&t, feature))
            .collect();
        (features.len(), rows)
    })
    .await
    .map_err(|refusal| reader.refused(refusal))?;
    // The countries that have initiatives (and the one asked for, even if it has none).
    let tallies = statistics::tallies(&web.app, &reader.caller, &ReadAt::LIVE)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    let asked_country = reader.param("country").map(str::to_ascii_uppercase);
    let mut countries: Vec<Choice> = CountryCode::all()
        .filter(|c| {
            tallies.by_country.contains_key(c.as_str())
                || asked_country.as_deref() == Some(c.as_str())
        })
        .map(|c| Choice {
            code: c.as_str().to_owned(),
            label: t.label("country", c.as_str()),
            selected: asked_country.as_deref() == Some(c.as_str()),
        })
        .collect();
    countries.sort_by_key(|c| collate(&c.label));
    let (broad, driving): (Vec<Sector>, Vec<Sector>) =
        Sector::ALL.iter().partition(|s| !s.is_driving_sector());
    let sectors = vec![
        ChoiceGroup {
            label: t.get("sectors-broad"),
            choices: choices(&t, "sector", &broad, &reader, "sector"),
        },
        ChoiceGroup {
            label: t.get("sectors-driving"),
            choices: choices(&t, "sector", &driving, &reader, "sector"),
        },
    ];
    let page_link = |number: usize| {
        let mut with_page = given.clone();
        if number > 1 {
            with_page.push(("page".into(), number.to_string()));
        }
        with_lang("/", &with_page, t.language)
    };
    let last_page = total.div_ceil(ROWS_PER_PAGE).max(1);
    let mut chrome = Chrome::new(&reader, &web.site, t.get("map-title"), "/")
        .in_section(Section::Map)
        .described(t.get("map-description"));
    if query.read_at.is_historical() {
        let live: Vec<(String, String)> = filters(&reader);
        let banner = super::audit::past(&reader)?.banner;
        chrome = chrome.in_the_past(banner, with_lang("/", &live, t.language));
    }
    // Before the console's own styles, which adjust them.
    chrome.styles.splice(
        0..0,
        [
            assets::url("vendor/leaflet/leaflet.css"),
            assets::url("vendor/leaflet.markercluster/MarkerCluster.css"),
        ],
    );
    chrome.scripts.extend([
        assets::url("vendor/leaflet/leaflet.js"),
        assets::url("vendor/leaflet.markercluster/leaflet.markercluster.js"),
        assets::url("js/map.js"),
    ]);
    let page = MapPage {
        countries,
        sectors,
        kinds: choices(&t, "kind", InitiativeKind::ALL, &reader, "kind"),
        maturities: choices(&t, "maturity", MaturityStage::ALL, &reader, "maturity"),
        text: reader.param("q").unwrap_or_default().to_owned(),
        count: t.count("map-count", total as u64),
        caption: t.with(
            "results-caption",
            &[
                ("first", Arg::Text(t.number((skip + 1) as u64))),
                ("last", Arg::Text(t.number((skip + rows.len()) as u64))),
                ("total", Arg::Text(t.number(total as u64))),
            ],
        ),
        rows,
        previous: (page_number > 1).then(|| page_link(page_number - 1)),
        next: (page_number < last_page).then(|| page_link(page_number + 1)),
        points_url: filtered("/map/points.json", &given),
        geojson_url: filtered("/map/initiatives.geojson", &given),
        csv_url: filtered("/map/initiatives.csv", &given),
        outlines_url: assets::url("vendor/natural-earth/region.geojson"),
        reset_url: with_lang("/", &[], t.language),
        filtered: !given.is_empty(),
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A label as it sorts: without accents, in lower case ("Perú" beside "Peru").
fn collate(label: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    label
        .nfkd()
        .filter(|c| c.is_ascii())
        .collect::<String>()
        .to_lowercase()
}

fn row(t: &Tr, feature: &MapFeature<'_>) -> Row {
    let entry = feature.entry;
    let sectors: Vec<String> = entry
        .sectors
        .iter()
        .map(|s| t.label("sector", s.code()))
        .collect();
    Row {
        href: initiative_path(&entry.id.to_string(), &entry.name),
        name: entry.name.clone(),
        country: t.label("country", entry.country.as_str()),
        region: entry.region.clone(),
        kind: t.label_of("kind", &entry.kind),
        sectors: sectors.join(", "),
        firms: t.number(u64::from(entry.number_of_firms)),
        maturity: t.label_of("maturity", &entry.maturity),
        stale: feature.stale,
    }
}

/// The points the map draws: `[lat, lon, id, name]` each, compact because the synthetic data set
/// has 100,000 of them.
pub async fn points(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let (query, _) = query_of(&reader)?;
    let body = map::features(&web.app, &reader.caller, &query, |features| {
        let mut out = String::with_capacity(features.len() * 80 + 32);
        out.push_str(&format!("{{\"count\":{},\"points\":[", features.len()));
        for (i, feature) in features.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let entry = feature.entry;
            let name = serde_json::to_string(&entry.name).unwrap_or_default();
            out.push_str(&format!(
                "[{},{},\"{}\",{name}]",
                entry.location.lat(),
                entry.location.lon(),
                entry.id
            ));
        }
        out.push_str("]}");
        out
    })
    .await
    .map_err(|refusal| reader.refused(refusal))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

fn download(body: impl Into<Body>, content_type: &'static str, file: &str) -> Response {
    let mut response = ([(header::CONTENT_TYPE, content_type)], body.into()).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The selection as GeoJSON, as `GET /v1/map` gives it.
pub async fn geojson(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let (query, _) = query_of(&reader)?;
    // Plain: the console's own layer compresses what it sends.
    let geojson = map::geojson(&web.app, &reader.caller, &query, false)
        .await
        .map_err(|refusal| reader.refused(refusal))?;
    Ok(download(
        geojson.body,
        "application/geo+json",
        "articula-initiatives.geojson",
    ))
}

/// The selection as CSV (RFC 4180): codes for machines, labels in the reader's language.
pub async fn csv(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let (query, _) = query_of(&reader)?;
    let t = reader.t.clone();
    let base = web.site.base_url.clone();
    let body = map::features(&web.app, &reader.caller, &query, |features| {
        let mut out = String::from(
            "id,name,country,country_name,region,kind,kind_label,sectors,sector_labels,\
             number_of_firms,maturity,maturity_label,stale,latitude,longitude,url\r\n",
        );
        for feature in features {
            let e = feature.entry;
            let sectors: Vec<&str> = e.sectors.iter().map(|s| s.code()).collect();
            let labels: Vec<String> = e
                .sectors
                .iter()
                .map(|s| t.label("sector", s.code()))
                .collect();
            let fields = [
                e.id.to_string(),
                e.name.clone(),
                e.country.to_string(),
                t.label("country", e.country.as_str()),
                e.region.clone(),
                code_of(&e.kind),
                t.label_of("kind", &e.kind),
                sectors.join(";"),
                labels.join("; "),
                e.number_of_firms.to_string(),
                code_of(&e.maturity),
                t.label_of("maturity", &e.maturity),
                feature.stale.to_string(),
                e.location.lat().to_string(),
                e.location.lon().to_string(),
                format!("{base}{}", initiative_path(&e.id.to_string(), &e.name)),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    })
    .await
    .map_err(|refusal| reader.refused(refusal))?;
    Ok(download(
        body,
        "text/csv; charset=utf-8",
        "articula-initiatives.csv",
    ))
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}
