//! The map of approved initiatives as GeoJSON (`GET /v1/map`).
//!
//! The read model is the `map` projection (projections/src/map); this module reads the query's
//! filters, refusing anything it does not understand with a 400 that says what to send, and
//! answers with the projection's FeatureCollection.

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use projections::MapFilter;
use serde::Serialize;
use utoipa::ToSchema;

use crate::access::{Access, ApiRoutes, Caller};
use crate::app::map::{self, MapQuery, FILTERS};
use crate::http::reading::{ReadAt, READ_AT_PARAMETERS};
use crate::http::{ErrorBody, Refusal};
use crate::state::AppState;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new().route(Access::Public, utoipa_axum::routes!(get_map))
}

/// Approved initiatives that are not retired, as a GeoJSON FeatureCollection (RFC 7946) that
/// Leaflet, MapLibre and QGIS load as it is: Point geometries with `[longitude, latitude]`,
/// features in id order. `country`, `sector`, `kind` and `maturity` may be repeated or hold
/// comma-separated values (any of them); different filters must all hold. Unknown parameters are
/// refused.
#[utoipa::path(get, path = "/v1/map", tag = "map",
    params(
        ("country" = Option<Vec<String>>, Query, explode = true,
            description = "ISO 3166-1 alpha-2 code, e.g. `CL`; several mean any of them"),
        ("sector" = Option<Vec<String>>, Query, explode = true,
            description = "Sector code of the taxonomy, e.g. `lithium`; initiatives with any of them"),
        ("kind" = Option<Vec<String>>, Query, explode = true,
            description = "Kind of initiative, e.g. `cluster_initiative`"),
        ("maturity" = Option<Vec<String>>, Query, explode = true,
            description = "Maturity stage: `pre_incubation`, `launch`, `construction` or `consolidation`"),
        ("stale" = Option<bool>, Query,
            description = "`true`: only records not confirmed for 18 months; `false`: only the others"),
        ("bbox" = Option<String>, Query, example = "-75.5,-56,-66.4,-17.5",
            description = "minLon,minLat,maxLon,maxLat (RFC 7946 order), edges included; boxes \
                           across the antimeridian are refused: send two requests"),
        ("q" = Option<String>, Query,
            description = "Words to find in name, description or region, ignoring case and \
                           accents; every word must occur inside some word of those texts"),
        ("min_position" = Option<i64>, Query,
            description = "Wait until the read model has applied this feed position"),
        ("as_of" = Option<String>, Query,
            description = "Auditors and admins: the map as of this RFC 3339 time"),
        ("at_position" = Option<i64>, Query,
            description = "Auditors and admins: the map as of this feed position"),
    ),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection",
            content_type = "application/geo+json", body = FeatureCollection),
        (status = 400, description = "A filter or parameter is malformed or unknown", body = ErrorBody),
        (status = 401, description = "as_of or at_position without signing in", body = ErrorBody),
        (status = 403, description = "as_of or at_position by someone who is not an auditor or admin", body = ErrorBody),
        (status = 503, description = "min_position not reached in time", body = ErrorBody)))]
async fn get_map(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
    read_at: ReadAt,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    let query = MapQuery {
        filter: parse_filter(query.as_deref().unwrap_or_default())?,
        read_at,
    };
    let geojson = map::geojson(&state, &caller, &query, takes_gzip(&headers)).await?;
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/geo+json"),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        geojson.body,
    )
        .into_response();
    if geojson.gzip {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}

/// Whether the client's `Accept-Encoding` (RFC 9110 §12.5.3) takes gzip: `gzip` (or `x-gzip`,
/// or `*`) listed with a weight above zero, `gzip` not refused by name.
fn takes_gzip(headers: &HeaderMap) -> bool {
    let mut named = None;
    let mut any = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match coding.as_str() {
                "gzip" | "x-gzip" => named = Some(weight > 0.0),
                "*" => any = weight > 0.0,
                _ => {}
            }
        }
    }
    named.unwrap_or(any)
}

/// Reads the map's filters from a raw query string, refusing parameters it does not know.
pub fn parse_filter(query: &str) -> Result<MapFilter, Refusal> {
    refuse_unknown_parameters(query, &FILTERS)?;
    map::parse_filter(form_urlencoded::parse(query.as_bytes()))
}

/// Refuses any parameter that is neither one of `accepted` nor a read-at parameter, naming it.
pub fn refuse_unknown_parameters(query: &str, accepted: &[&str]) -> Result<(), Refusal> {
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        if !accepted.contains(&key.as_ref()) && !READ_AT_PARAMETERS.contains(&key.as_ref()) {
            let known: Vec<&str> = accepted
                .iter()
                .chain(&READ_AT_PARAMETERS)
                .copied()
                .collect();
            return Err(Refusal::invalid_input(format!(
                "unknown query parameter `{key}`; this endpoint accepts {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// The body of `GET /v1/map` (written by the projection; described here for OpenAPI).
#[derive(Serialize, ToSchema)]
#[schema(as = MapFeatureCollection)]
pub struct FeatureCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = MapFeature)]
pub struct Feature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The initiative's id.
    #[schema(format = Uuid)]
    pub id: String,
    pub geometry: Point,
    pub properties: FeatureProperties,
}

#[derive(Serialize, ToSchema)]
#[schema(as = MapPoint)]
pub struct Point {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `[longitude, latitude]` in WGS84 degrees.
    pub coordinates: [f64; 2],
}

#[derive(Serialize, ToSchema)]
#[schema(as = MapFeatureProperties)]
pub struct FeatureProperties {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    /// e.g. `cluster_initiative`.
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub region: String,
    /// Sector codes, the main one first.
    pub sectors: Vec<String>,
    pub number_of_firms: u32,
    /// e.g. `construction`.
    pub maturity: String,
    /// Not confirmed by a manager for 18 months (at the time asked about).
    pub stale: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::values::{MaturityStage, Sector};

    fn refusal(query: &str) -> String {
        match parse_filter(query) {
            Err(Refusal::Invalid { message, .. }) => message,
            other => panic!("`{query}` gave {other:?}"),
        }
    }

    #[test]
    fn repeated_and_comma_separated_values_mean_any_of_them() {
        let filter = parse_filter(
            "country=CL&country=ar,br&sector=lithium&kind=business_network,cluster_initiative\
             &maturity=launch&stale=false&bbox=-75,-56,-66,-17&q=S%C3%A3o+Paulo&min_position=3",
        )
        .unwrap();
        let countries: Vec<&str> = filter.countries.iter().map(|c| c.as_str()).collect();
        assert_eq!(countries, ["AR", "BR", "CL"]);
        assert_eq!(filter.sectors, [Sector::Lithium].into());
        assert_eq!(filter.kinds.len(), 2);
        assert_eq!(filter.maturities, [MaturityStage::Launch].into());
        assert_eq!(filter.stale, Some(false));
        assert_eq!(filter.bbox.unwrap().min_lat(), -56.0);
        assert_eq!(filter.text.unwrap().words(), ["paulo", "sao"]);
        assert_eq!(parse_filter("").unwrap(), MapFilter::default());
    }

    #[test]
    fn bad_filters_are_refused_naming_the_problem() {
        assert!(refusal("colour=red").contains("unknown query parameter `colour`"));
        assert!(refusal("country=XX").contains("'XX' is not an assigned"));
        assert!(refusal("country=Chile").contains("two-letter"));
        assert!(refusal("country=").contains("empty value"));
        assert!(refusal("country=CL,").contains("empty value"));
        let sector = refusal("sector=litium");
        assert!(sector.contains("`litium` is not a sector"), "{sector}");
        assert!(sector.contains("lithium"), "lists the codes: {sector}");
        assert!(refusal("kind=cluster").contains("cluster_initiative"));
        assert!(refusal("maturity=old").contains("consolidation"));
        assert!(refusal("stale=yes").contains("`true` or `false`"));
        assert!(refusal("stale=true&stale=false").contains("send stale once"));
        assert!(refusal("bbox=1,2,3").contains("four numbers"));
        assert!(refusal("bbox=170,-20,-170,-10").contains("antimeridian"));
        assert!(refusal("bbox=-70,-20,-60,-30").contains("south before north"));
        assert!(refusal("bbox=-200,-20,-60,-10").contains("between -180 and 180"));
        assert!(refusal("q=%20%2C").contains("at least one word"));
    }

    fn accepting(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it() {
        for takes in [
            &["gzip"][..],
            &["gzip, deflate, br, zstd"],
            &["br;q=1.0, gzip;q=0.8"],
            &["identity", "x-gzip"],
            &["*"],
            &["GZIP"],
        ] {
            assert!(takes_gzip(&accepting(takes)), "{takes:?}");
        }
        for refuses in [
            &[][..],
            &["identity"],
            &["br"],
            &["gzip;q=0"],
            &["*, gzip;q=0"],
            &["*;q=0"],
            &["gzipped"],
        ] {
            assert!(!takes_gzip(&accepting(refuses)), "{refuses:?}");
        }
    }
}
