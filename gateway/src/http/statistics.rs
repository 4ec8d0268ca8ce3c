//! Statistics of approved initiatives (`GET /v1/stats`, JSON or CSV).
//!
//! The read model is the `statistics` projection (projections/src/statistics); this module
//! chooses the format from `Accept` and writes it.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use projections::{Count, Tallies};
use serde::Serialize;
use utoipa::ToSchema;

use super::map::refuse_unknown_parameters;
use crate::access::{Access, ApiRoutes, Caller};
use crate::app;
use crate::http::reading::ReadAt;
use crate::http::{ApiJson, ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, utoipa_axum::routes!(get_statistics))
}

/// How many approved, not retired initiatives there are, and how many firms they bring
/// together: in total, per country, per sector (an initiative counts once in each of its
/// sectors, so sectors add up to more than the total), per kind and per maturity stage; and how
/// many initiatives were first approved in each month (with their firms then), from the history.
/// Only keys with at least one initiative are listed. `Accept: text/csv` gives the same as CSV, one row per dimension and
/// key (`dimension,key,initiatives,firms`); anything else gives JSON.
#[utoipa::path(get, path = "/v1/stats", tag = "statistics",
    params(
        ("min_position" = Option<i64>, Query,
            description = "Wait until the read model has applied this feed position"),
        ("as_of" = Option<String>, Query,
            description = "Auditors and admins: the statistics as of this RFC 3339 time"),
        ("at_position" = Option<i64>, Query,
            description = "Auditors and admins: the statistics as of this feed position"),
    ),
    responses(
        (status = 200, description = "The statistics", content(
            (StatisticsBody = "application/json"),
            (String = "text/csv", example = "dimension,key,initiatives,firms\r\ntotal,all,2,100\r\ncountry,CL,2,100\r\n"))),
        (status = 400, description = "An unknown or malformed parameter", body = ErrorBody),
        (status = 401, description = "as_of or at_position without signing in", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn get_statistics(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    read_at: ReadAt,
) -> Result<Response, Refusal> {
    refuse_unknown_parameters(query.as_deref().unwrap_or_default(), &[])?;
    let tallies = app::statistics::tallies(&state, &caller, &read_at).await?;
    let mut response = match preferred_format(&headers) {
        Format::Json => ApiJson(StatisticsBody::from(&tallies)).into_response(),
        Format::Csv => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            )],
            to_csv(&tallies),
        )
            .into_response(),
    };
    // The answer depends on Accept: caches must keep the two apart.
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// Initiatives and firms.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountBody {
    pub initiatives: u64,
    pub firms: u64,
}

/// The statistics as JSON; keys are ISO 3166-1 alpha-2 codes, sector codes, kind codes,
/// maturity stage codes and months (`YYYY-MM`, UTC).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsBody {
    pub total: CountBody,
    pub by_country: BTreeMap<String, CountBody>,
    pub by_sector: BTreeMap<String, CountBody>,
    pub by_kind: BTreeMap<String, CountBody>,
    pub by_maturity: BTreeMap<String, CountBody>,
    /// Initiatives first approved in each month, with the firms they had then (history: later
    /// changes and retirement do not take them out).
    pub approved_by_month: BTreeMap<String, CountBody>,
}

impl From<&Count> for CountBody {
    fn from(count: &Count) -> Self {
        Self {
            initiatives: count.initiatives,
            firms: count.firms,
        }
    }
}

impl From<&Tallies> for StatisticsBody {
    fn from(tallies: &Tallies) -> Self {
        let each = |counts: &BTreeMap<String, Count>| {
            counts
                .iter()
                .map(|(key, count)| (key.clone(), CountBody::from(count)))
                .collect()
        };
        Self {
            total: CountBody::from(&tallies.total),
            by_country: each(&tallies.by_country),
            by_sector: each(&tallies.by_sector),
            by_kind: each(&tallies.by_kind),
            by_maturity: each(&tallies.by_maturity),
            approved_by_month: each(&tallies.approved_by_month),
        }
    }
}

/// RFC 4180 CSV with a header row and CRLF line ends.
pub fn to_csv(tallies: &Tallies) -> String {
    let mut out = String::from("dimension,key,initiatives,firms\r\n");
    for row in tallies.rows() {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_field(row.dimension),
            csv_field(row.key),
            row.count.initiatives,
            row.count.firms
        ));
    }
    out
}

/// A field quoted when it holds a comma, quote or line break (codes never do; this keeps the
/// file valid whatever a key holds).
fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// How much a client wants one media type: the quality of the most specific range of `Accept`
/// that covers it (RFC 9110 §12.5.1), and how specific that range was.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Preference {
    specificity: u8,
    quality: f32,
}

/// CSV when `Accept` prefers `text/csv` to `application/json`, by quality or, at equal quality,
/// by naming it more specifically (`text/csv, */*` is CSV); JSON otherwise, also for media types
/// this endpoint does not have (the API's errors have no 406, and JSON is its language).
fn preferred_format(headers: &HeaderMap) -> Format {
    let mut json = Preference::default();
    let mut csv = Preference::default();
    let mut any_accept = false;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            if media.is_empty() {
                continue;
            }
            any_accept = true;
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            for (preference, media_type) in
                [(&mut json, "application/json"), (&mut csv, "text/csv")]
            {
                if let Some(specificity) = covers(&media, media_type) {
                    if specificity > preference.specificity {
                        *preference = Preference {
                            specificity,
                            quality,
                        };
                    }
                }
            }
        }
    }
    let csv_wins = csv.quality > 0.0
        && (csv.quality > json.quality
            || (csv.quality == json.quality && csv.specificity > json.specificity));
    if any_accept && csv_wins {
        Format::Csv
    } else {
        Format::Json
    }
}

/// How specifically `range` names `media_type`: 3 exactly, 2 as `type/*`, 1 as `*/*`.
fn covers(range: &str, media_type: &str) -> Option<u8> {
    if range == media_type {
        return Some(3);
    }
    if range == "*/*" {
        return Some(1);
    }
    let family = range.strip_suffix("/*")?;
    media_type
        .split('/')
        .next()
        .filter(|t| *t == family)
        .map(|_| 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_for(accept: &[&str]) -> Format {
        let mut headers = HeaderMap::new();
        for value in accept {
            headers.append(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        }
        preferred_format(&headers)
    }

    #[test]
    fn accept_chooses_csv_only_when_it_is_preferred() {
        assert_eq!(format_for(&[]), Format::Json);
        assert_eq!(format_for(&["text/csv"]), Format::Csv);
        assert_eq!(format_for(&["Text/CSV; charset=utf-8"]), Format::Csv);
        assert_eq!(format_for(&["text/*"]), Format::Csv);
        assert_eq!(format_for(&["text/csv, */*"]), Format::Csv);
        assert_eq!(
            format_for(&["application/json", "text/csv;q=0.5"]),
            Format::Json
        );
        assert_eq!(
            format_for(&["text/csv;q=0.9, application/json"]),
            Format::Json
        );
        assert_eq!(format_for(&["text/csv;q=0"]), Format::Json);
        assert_eq!(format_for(&["*/*"]), Format::Json);
        assert_eq!(format_for(&["application/json"]), Format::Json);
        assert_eq!(format_for(&["application/xml"]), Format::Json);
        assert_eq!(
            format_for(&["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]),
            Format::Json,
            "a browser"
        );
    }

    #[test]
    fn csv_has_a_header_row_and_crlf_lines() {
        let chile = Count {
            initiatives: 2,
            firms: 100,
        };
        let tallies = Tallies {
            total: chile,
            by_country: [("CL".to_string(), chile)].into(),
            ..Default::default()
        };
        assert_eq!(
            to_csv(&tallies),
            "dimension,key,initiatives,firms\r\ntotal,all,2,100\r\ncountry,CL,2,100\r\n"
        );
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }
}
