//! Where an initiative is: its country and its point on the map.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::countries::COUNTRIES;
use super::ValueError;

/// An officially assigned ISO 3166-1 alpha-2 country code, e.g. `BR`, `CL`, `MX`.
///
/// Accepts lower case and surrounding spaces on input; always serialises in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "String")]
pub struct CountryCode(&'static str);

impl CountryCode {
    pub const FIELD: &'static str = "country";

    pub fn new(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ValueError::new(
                Self::FIELD,
                format!("'{}' is not a country code; use the two-letter ISO 3166-1 code, e.g. BR, CL or MX", raw.trim()),
            ));
        }
        Self::index(&code).map(|i| Self(COUNTRIES[i].0)).ok_or_else(|| {
            ValueError::new(
                Self::FIELD,
                format!("'{code}' is not an assigned ISO 3166-1 country code; check the spelling (e.g. BR for Brazil, CL for Chile)"),
            )
        })
    }

    fn index(code: &str) -> Option<usize> {
        COUNTRIES.binary_search_by(|(c, _, _)| (*c).cmp(code)).ok()
    }

    fn entry(&self) -> &'static (&'static str, &'static str, bool) {
        // Only constructed from a table entry, so the lookup cannot fail.
        &COUNTRIES[Self::index(self.0).unwrap_or_default()]
    }

    /// The two upper-case letters.
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The English short name of the country or territory.
    pub fn english_name(&self) -> &'static str {
        self.entry().1
    }

    /// Whether the UN M49 geoscheme places it in Latin America and the Caribbean.
    pub fn is_latin_america_and_caribbean(&self) -> bool {
        self.entry().2
    }

    /// Every assigned code, in alphabetical order.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        COUNTRIES.iter().map(|(c, _, _)| CountryCode(c))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
impl FromStr for CountryCode {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
impl TryFrom<String> for CountryCode {
    type Error = ValueError;
    fn try_from(s: String) -> Result<Self, ValueError> {
        Self::new(&s)
    }
}
impl TryFrom<&str> for CountryCode {
    type Error = ValueError;
    fn try_from(s: &str) -> Result<Self, ValueError> {
        Self::new(s)
    }
}
// By hand: the derive would tie the input's lifetime to the `&'static str` field.
impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::new(&raw).map_err(serde::de::Error::custom)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0.to_owned()
    }
}

/// A WGS84 point: latitude in [-90, 90] and longitude in [-180, 180] degrees, both finite.
///
/// GeoJSON puts longitude first; this type names both fields so that nobody has to remember.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawGeoPoint")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGeoPoint {
    lat: f64,
    lon: f64,
}

impl GeoPoint {
    pub const FIELD: &'static str = "location";

    pub fn new(lat: f64, lon: f64) -> Result<Self, ValueError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(ValueError::new(
                "location.lat",
                format!("latitude must be a number between -90 and 90 degrees (got {lat}); check that latitude and longitude are not swapped"),
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(ValueError::new(
                "location.lon",
                format!("longitude must be a number between -180 and 180 degrees (got {lon})"),
            ));
        }
        Ok(Self {
            lat: Self::quantise(lat),
            lon: Self::quantise(lon),
        })
    }

    /// Decimal places kept: 1e-7 degrees is about 1 cm, finer than any survey of a site.
    pub const DECIMALS: i32 = 7;

    /// Rounds to [`Self::DECIMALS`] places. Why: a coordinate is written to the event log as JSON
    /// and read back on every replay; a double with 7 decimals survives that exactly with any
    /// float parser (it takes the exact fast path), while a full 17-digit double can come back one
    /// unit in the last place off, which would change the event's hash and the aggregate's
    /// equality. Adding 0.0 turns -0.0 into 0.0 so the same place always has the same bytes.
    fn quantise(x: f64) -> f64 {
        let scale = 10f64.powi(Self::DECIMALS);
        (x * scale).round() / scale + 0.0
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

// Both coordinates are finite, so equality is an equivalence relation.
impl Eq for GeoPoint {}

impl TryFrom<RawGeoPoint> for GeoPoint {
    type Error = ValueError;
    fn try_from(raw: RawGeoPoint) -> Result<Self, ValueError> {
        Self::new(raw.lat, raw.lon)
    }
}
