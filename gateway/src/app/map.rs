//! The map of approved initiatives: its filters, and the one read every adapter makes of it (the
//! JSON API's GeoJSON, the console's map, table and downloads).
//!
//! What is on the map (approved, not retired) is the `map` projection's rule
//! (projections/src/map); who may read it as of a past moment is [`ReadAt::permit`]'s.

use std::borrow::Cow;
use std::collections::BTreeSet;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use domain::values::{CountryCode, InitiativeKind, MaturityStage, Sector, ValueError};
use projections::{BoundingBox, InitiativeMap, MapFeature, MapFilter, TextQuery};
use serde::Serialize;

use super::{ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// The parameters [`parse_filter`] reads.
pub const FILTERS: [&str; 7] = [
    "country", "sector", "kind", "maturity", "stale", "bbox", "q",
];

/// What a reader asks of the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapQuery {
    pub filter: MapFilter,
    pub read_at: ReadAt,
}

/// The initiatives `query` selects, in id order, as `shape` takes them (each adapter takes what
/// it shows; the selection is the same for all). Staleness is judged at the moment asked about:
/// the map as of a past time shows what was stale then.
pub async fn features<T>(
    state: &AppState,
    caller: &Caller,
    query: &MapQuery,
    shape: impl FnOnce(&[MapFeature<'_>]) -> T,
) -> Result<T, Refusal> {
    read(state, caller, query, |map, now| {
        shape(&map.features(&query.filter, now))
    })
    .await
}

/// The selection as a GeoJSON FeatureCollection (RFC 7946), and whether it is in gzip.
pub struct Geojson {
    pub body: Bytes,
    pub gzip: bool,
}

/// The selection as a GeoJSON FeatureCollection (RFC 7946). For a reader who takes gzip, the
/// whole map comes compressed when its compressed form is ready (it is kept so, see
/// `projections::InitiativeMap::geojson_gzip`); a filtered selection is written for the
/// request, plain.
pub async fn geojson(
    state: &AppState,
    caller: &Caller,
    query: &MapQuery,
    takes_gzip: bool,
) -> Result<Geojson, Refusal> {
    read(state, caller, query, |map, now| {
        let gzip = takes_gzip
            .then(|| map.geojson_gzip(&query.filter, now))
            .flatten();
        match gzip {
            Some(body) => Geojson { body, gzip: true },
            None => Geojson {
                body: map.geojson(&query.filter, now),
                gzip: false,
            },
        }
    })
    .await
}

/// Reads the map `query` asks about (live, or as of a past moment, if `caller` may) through
/// `f`, with the moment staleness is judged at.
async fn read<T>(
    state: &AppState,
    caller: &Caller,
    query: &MapQuery,
    f: impl FnOnce(&InitiativeMap, DateTime<Utc>) -> T,
) -> Result<T, Refusal> {
    query.read_at.permit(caller)?;
    let now = query.read_at.moment();
    query
        .read_at
        .read(state, &state.read.map, |map| f(map, now))
        .await
}

/// Reads the map's filters from query parameters, ignoring parameters that are not filters.
pub fn parse_filter<'a>(
    parameters: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Result<MapFilter, Refusal> {
    let mut filter = MapFilter::default();
    let mut seen_once = BTreeSet::new();
    for (key, value) in parameters {
        let key = key.as_ref();
        if matches!(key, "stale" | "bbox" | "q") && !seen_once.insert(key.to_owned()) {
            return Err(invalid(key, format!("send {key} once")));
        }
        match key {
            "country" => {
                for code in values(key, &value)? {
                    let country = CountryCode::new(code).map_err(|e| invalid(key, e.message))?;
                    filter.countries.insert(country);
                }
            }
            "sector" => {
                for code in values(key, &value)? {
                    filter.sectors.insert(one_of(
                        key,
                        code,
                        Sector::ALL,
                        "a sector of the taxonomy",
                    )?);
                }
            }
            "kind" => {
                for code in values(key, &value)? {
                    let kind = one_of(key, code, InitiativeKind::ALL, "a kind of initiative")?;
                    filter.kinds.insert(kind);
                }
            }
            "maturity" => {
                for code in values(key, &value)? {
                    let stage = one_of(key, code, MaturityStage::ALL, "a maturity stage")?;
                    filter.maturities.insert(stage);
                }
            }
            "stale" => filter.stale = Some(super::listing::flag(key, &value)?),
            "bbox" => filter.bbox = Some(BoundingBox::parse(&value).map_err(|m| invalid(key, m))?),
            "q" => filter.text = Some(TextQuery::new(&value).map_err(|m| invalid(key, m))?),
            _ => {}
        }
    }
    Ok(filter)
}

pub(super) fn invalid(parameter: &str, message: impl Into<String>) -> Refusal {
    Refusal::invalid(vec![ValueError::new(parameter, message)])
}

/// The comma-separated values of one parameter, none of them empty.
pub(super) fn values<'a>(key: &str, value: &'a str) -> Result<Vec<&'a str>, Refusal> {
    let values: Vec<&str> = value.split(',').map(str::trim).collect();
    if values.iter().any(|v| v.is_empty()) {
        return Err(invalid(
            key,
            format!(
                "{key} has an empty value (got `{value}`); leave the parameter out to mean any"
            ),
        ));
    }
    Ok(values)
}

/// The member of `all` whose code (serde name) is `code`.
pub(super) fn one_of<T: Copy + Serialize>(
    key: &str,
    code: &str,
    all: &[T],
    what: &str,
) -> Result<T, Refusal> {
    super::codes::parse(key, code, all, what).map_err(|e| Refusal::invalid(vec![e]))
}
