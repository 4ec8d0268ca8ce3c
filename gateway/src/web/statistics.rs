//! The statistics page (`/statistics`): initiatives and firms per country, sector, kind and
//! maturity stage, and the platform's growth (initiatives approved per month), each as an SVG bar
//! chart with its table and a CSV file (`/statistics/<table>.csv`). The read is
//! `app::statistics::tallies`, as for the JSON API's `GET /v1/stats`.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use projections::{Count, Tallies};

use super::charts::BarChart;
use super::i18n::Tr;
use super::map::csv_field;
use super::page::{render, with_lang, Chrome, Problem, Reader, Section};
use super::Web;
use crate::app::{statistics, Refusal};

/// The tables of the page, by the name of their CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Countries,
    Sectors,
    Kinds,
    Maturity,
    Growth,
}

impl Table {
    const ALL: [Table; 5] = [
        Table::Countries,
        Table::Sectors,
        Table::Kinds,
        Table::Maturity,
        Table::Growth,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Countries => "countries",
            Self::Sectors => "sectors",
            Self::Kinds => "kinds",
            Self::Maturity => "maturity",
            Self::Growth => "growth",
        }
    }

    /// The counts of this table, in the order shown (largest first; months in time order).
    fn rows(self, t: &Tr, tallies: &Tallies) -> Vec<Line> {
        let (counts, vocabulary): (&BTreeMap<String, Count>, &str) = match self {
            Self::Countries => (&tallies.by_country, "country"),
            Self::Sectors => (&tallies.by_sector, "sector"),
            Self::Kinds => (&tallies.by_kind, "kind"),
            Self::Maturity => (&tallies.by_maturity, "maturity"),
            Self::Growth => (&tallies.approved_by_month, "month"),
        };
        let mut lines: Vec<Line> = counts
            .iter()
            .map(|(code, count)| Line {
                code: code.clone(),
                label: if self == Self::Growth {
                    t.month(code)
                } else {
                    t.label(vocabulary, code)
                },
                initiatives: t.number(count.initiatives),
                firms: t.number(count.firms),
                count: *count,
            })
            .collect();
        if self != Self::Growth {
            lines.sort_by(|a, b| {
                b.count
                    .initiatives
                    .cmp(&a.count.initiatives)
                    .then(a.label.cmp(&b.label))
            });
        }
        lines
    }
}

/// One row of a table.
struct Line {
    code: String,
    label: String,
    initiatives: String,
    firms: String,
    count: Count,
}

/// One section of the page: a chart, its table and its CSV file.
struct Figure {
    id: &'static str,
    heading: String,
    key_heading: String,
    initiatives_heading: String,
    chart: BarChart,
    lines: Vec<Line>,
    csv: String,
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    t: Tr,
    chrome: Chrome,
    total_initiatives: String,
    total_firms: String,
    figures: Vec<Figure>,
}

/// The statistics now, or as of the past an auditor asks for (`as_of`, `at_position`).
async fn tallies(web: &Web, reader: &Reader) -> Result<Tallies, Problem> {
    let past = super::audit::past(reader)?;
    statistics::tallies(&web.app, &reader.caller, &past.read_at)
        .await
        .map_err(|refusal| reader.refused(refusal))
}

pub async fn page(State(web): State<Web>, reader: Reader) -> Result<Response, Problem> {
    let tallies = tallies(&web, &reader).await?;
    let t = reader.t.clone();
    let figures = Table::ALL
        .iter()
        .map(|table| {
            let lines = table.rows(&t, &tallies);
            let chart = BarChart::new(
                lines
                    .iter()
                    .map(|l| (l.label.clone(), l.count.initiatives, l.initiatives.clone())),
            );
            let name = table.name();
            Figure {
                id: name,
                heading: t.get(&format!("statistics-{name}")),
                key_heading: t.get(&format!("statistics-{name}-key")),
                initiatives_heading: t.get(if *table == Table::Growth {
                    "statistics-approved"
                } else {
                    "statistics-initiatives"
                }),
                chart,
                lines,
                csv: format!("/statistics/{name}.csv"),
            }
        })
        .collect();
    let mut chrome = Chrome::new(&reader, &web.site, t.get("statistics-title"), "/statistics")
        .in_section(Section::Statistics)
        .described(t.get("statistics-description"));
    let past = super::audit::past(&reader)?;
    if past.read_at.is_historical() {
        let live = with_lang("/statistics", &[], t.language);
        chrome = chrome.in_the_past(past.banner, live);
    }
    let page = StatisticsPage {
        total_initiatives: t.number(tallies.total.initiatives),
        total_firms: t.number(tallies.total.firms),
        figures,
        chrome,
        t,
    };
    Ok(render(StatusCode::OK, &page))
}

/// `/statistics/<table>.csv`: `code,label,initiatives,firms`, labels in the reader's language.
pub async fn csv(
    State(web): State<Web>,
    reader: Reader,
    Path(file): Path<String>,
) -> Result<Response, Problem> {
    let table = file
        .strip_suffix(".csv")
        .and_then(|name| Table::ALL.into_iter().find(|t| t.name() == name))
        .ok_or_else(|| reader.refused(Refusal::NotFound("no such table".into())))?;
    let tallies = tallies(&web, &reader).await?;
    let mut out = String::from("code,label,initiatives,firms\r\n");
    for line in table.rows(&reader.t, &tallies) {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_field(&line.code),
            csv_field(&line.label),
            line.count.initiatives,
            line.count.firms
        ));
    }
    let disposition = format!("attachment; filename=\"articula-{}\"", file);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        out,
    )
        .into_response())
}
