//! Parsing the profile fields that registration and profile changes share, collecting every
//! problem so that one refusal names all the fields to fix (`name`, `location.lat`,
//! `sectors[2]`, `governance.private` …). The JSON API and the console's forms both hand their
//! input over as [`ProfileFields`].

use std::collections::BTreeSet;

use domain::initiative::{Profile, ProfileChanges};
use domain::values::{
    CountryCode, Description, FirmCount, FoundingYear, FundingSource, GeoPoint, Governance,
    InitiativeKind, MaturityStage, Name, Region, Sector, Sectors, StrategicFocus, ValueChainFocus,
    ValueError, Website,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::Refusal;

/// A WGS84 point as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

/// The facilitating organization and the governing body's shares, as given.
#[derive(Debug, Clone, Default)]
pub struct GovernanceShares {
    pub facilitating_organization: String,
    pub private: i64,
    pub public: i64,
    pub academia: i64,
    pub civil_society: i64,
}

/// The raw fields of a profile; `None` is "not given". `website: Some(None)` removes it.
#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub location: Option<Location>,
    pub sectors: Option<Vec<String>>,
    pub value_chain_focus: Option<String>,
    pub strategic_focus: Option<Vec<String>>,
    pub number_of_firms: Option<i64>,
    pub governance: Option<GovernanceShares>,
    pub funding_sources: Option<Vec<String>>,
    pub maturity_stage: Option<String>,
    pub founding_year: Option<i64>,
    pub website: Option<Option<String>>,
}

impl ProfileFields {
    /// The complete profile of a new initiative, or a refusal naming every missing or invalid
    /// field. `errors` may hold problems the adapter found already (a number that is not one),
    /// so that they are reported together.
    pub fn into_profile(self, mut errors: Vec<ValueError>) -> Result<Profile, Refusal> {
        let required = [
            ("name", self.name.is_some()),
            ("kind", self.kind.is_some()),
            ("country", self.country.is_some()),
            ("region", self.region.is_some()),
            ("location", self.location.is_some()),
            ("sectors", self.sectors.is_some()),
            ("number_of_firms", self.number_of_firms.is_some()),
            ("governance", self.governance.is_some()),
            ("maturity_stage", self.maturity_stage.is_some()),
            ("founding_year", self.founding_year.is_some()),
        ];
        for (field, present) in required {
            let reported = errors.iter().any(|e| e.field.starts_with(field));
            if !present && !reported {
                errors.push(ValueError::new(field, "is required"));
            }
        }
        let c = self.parse(&mut errors);
        let (
            Some(name),
            Some(kind),
            Some(country),
            Some(region),
            Some(location),
            Some(sectors),
            Some(number_of_firms),
            Some(governance),
            Some(maturity_stage),
            Some(founding_year),
            true,
        ) = (
            c.name,
            c.kind,
            c.country,
            c.region,
            c.location,
            c.sectors,
            c.number_of_firms,
            c.governance,
            c.maturity_stage,
            c.founding_year,
            errors.is_empty(),
        )
        else {
            return Err(Refusal::invalid(errors));
        };
        let description = match c.description {
            Some(d) => d,
            None => Description::new("").map_err(Refusal::internal)?,
        };
        let value_chain_focus = match c.value_chain_focus {
            Some(v) => v,
            None => ValueChainFocus::new("").map_err(Refusal::internal)?,
        };
        Ok(Profile {
            name,
            description,
            kind,
            country,
            region,
            location,
            sectors,
            value_chain_focus,
            strategic_focus: c.strategic_focus.unwrap_or_default(),
            number_of_firms,
            governance,
            funding_sources: c.funding_sources.unwrap_or_default(),
            maturity_stage,
            founding_year,
            website: c.website.flatten(),
        })
    }

    /// The changes to a profile, or a refusal naming every invalid field.
    pub fn into_changes(self, mut errors: Vec<ValueError>) -> Result<ProfileChanges, Refusal> {
        let changes = self.parse(&mut errors);
        if errors.is_empty() {
            Ok(changes)
        } else {
            Err(Refusal::invalid(errors))
        }
    }

    /// Parses every given field, adding each problem to `errors`; a field that is absent or
    /// invalid is `None` in the result.
    fn parse(self, errors: &mut Vec<ValueError>) -> ProfileChanges {
        let name = self.name.and_then(|v| keep(errors, Name::new(v)));
        let description = self
            .description
            .and_then(|v| keep(errors, Description::new(v)));
        let kind = self
            .kind
            .and_then(|v| keep(errors, one_of("kind", &v, InitiativeKind::ALL)));
        let country = self
            .country
            .and_then(|v| keep(errors, CountryCode::new(&v)));
        let region = self.region.and_then(|v| keep(errors, Region::new(v)));
        let value_chain_focus = self
            .value_chain_focus
            .and_then(|v| keep(errors, ValueChainFocus::new(v)));
        let number_of_firms = self
            .number_of_firms
            .and_then(|v| keep(errors, firm_count(v)));
        let maturity_stage = self
            .maturity_stage
            .and_then(|v| keep(errors, one_of("maturity_stage", &v, MaturityStage::ALL)));
        let founding_year = self
            .founding_year
            .and_then(|v| keep(errors, FoundingYear::new(v)));
        let website = self.website.and_then(|v| {
            v.map(Website::new)
                .transpose()
                .map_err(|e| errors.push(e))
                .ok()
        });
        let location = self.location.and_then(|v| location(v, errors));
        let governance = self.governance.and_then(|v| governance(v, errors));
        let sectors = self.sectors.and_then(|v| sectors(v, errors));
        let strategic_focus = self.strategic_focus.and_then(|v| {
            set_of("strategic_focus", v, errors, |raw| {
                one_of("strategic_focus", raw, StrategicFocus::ALL)
            })
        });
        let funding_sources = self.funding_sources.and_then(|v| {
            set_of("funding_sources", v, errors, |raw| {
                one_of("funding_sources", raw, FundingSource::ALL)
            })
        });
        ProfileChanges {
            name,
            description,
            kind,
            country,
            region,
            location,
            sectors,
            value_chain_focus,
            strategic_focus,
            number_of_firms,
            governance,
            funding_sources,
            maturity_stage,
            founding_year,
            website,
        }
    }
}

/// The value, or `None` with its error added to `errors`.
fn keep<T>(errors: &mut Vec<ValueError>, result: Result<T, ValueError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// One of the codes of a fixed list (the serde names of `all`).
fn one_of<T: DeserializeOwned + Serialize>(
    field: &str,
    raw: &str,
    all: &[T],
) -> Result<T, ValueError> {
    let raw = raw.trim();
    serde_json::from_value(serde_json::Value::String(raw.to_string())).map_err(|_| {
        let codes: Vec<String> = all
            .iter()
            .filter_map(|t| serde_json::to_value(t).ok())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        ValueError::new(
            field,
            format!(
                "'{raw}' is not a known value; use one of: {}",
                codes.join(", ")
            ),
        )
    })
}

fn firm_count(n: i64) -> Result<FirmCount, ValueError> {
    let n = u64::try_from(n).map_err(|_| {
        ValueError::new(
            FirmCount::FIELD,
            format!(
                "must be a whole number from 1 to {} (got {n})",
                FirmCount::MAX
            ),
        )
    })?;
    FirmCount::new(n)
}

fn location(raw: Location, errors: &mut Vec<ValueError>) -> Option<GeoPoint> {
    match GeoPoint::new(raw.lat, raw.lon) {
        Ok(point) => Some(point),
        Err(e) => {
            // The constructor stops at the latitude; check the longitude alone too, so that
            // both are reported when both are wrong.
            let lat_wrong = e.field.ends_with("lat");
            errors.push(e);
            if lat_wrong {
                errors.extend(GeoPoint::new(0.0, raw.lon).err());
            }
            None
        }
    }
}

fn governance(raw: GovernanceShares, errors: &mut Vec<ValueError>) -> Option<Governance> {
    let share = |field: &str, value: i64| {
        u32::try_from(value).map_err(|_| {
            ValueError::new(
                format!("governance.{field}"),
                format!("a share is a whole percentage from 0 to 100 (got {value})"),
            )
        })
    };
    let shares = [
        share("private", raw.private),
        share("public", raw.public),
        share("academia", raw.academia),
        share("civil_society", raw.civil_society),
    ];
    let mut valid = Vec::new();
    for share in shares {
        match share {
            Ok(v) => valid.push(v),
            Err(e) => errors.push(e),
        }
    }
    let [private, public, academia, civil_society] = valid[..] else {
        return None;
    };
    Governance::new(
        raw.facilitating_organization,
        private,
        public,
        academia,
        civil_society,
    )
    .map_err(|e| errors.push(e))
    .ok()
}

fn sectors(raw: Vec<String>, errors: &mut Vec<ValueError>) -> Option<Sectors> {
    let before = errors.len();
    let mut parsed = Vec::new();
    for (i, code) in raw.iter().enumerate() {
        match Sector::parse(code) {
            Ok(sector) => parsed.push(sector),
            Err(e) => errors.push(e.in_field(format!("sectors[{i}]"))),
        }
    }
    if errors.len() > before {
        return None;
    }
    Sectors::new(parsed).map_err(|e| errors.push(e)).ok()
}

/// A list of codes without repeats; each bad item is named with its index.
fn set_of<T: Ord>(
    field: &str,
    raw: Vec<String>,
    errors: &mut Vec<ValueError>,
    parse: impl Fn(&str) -> Result<T, ValueError>,
) -> Option<BTreeSet<T>> {
    let before = errors.len();
    let mut set = BTreeSet::new();
    for (i, code) in raw.iter().enumerate() {
        match parse(code) {
            Ok(value) => {
                if !set.insert(value) {
                    errors.push(ValueError::new(
                        format!("{field}[{i}]"),
                        format!("'{}' is listed more than once; list each once", code.trim()),
                    ));
                }
            }
            Err(e) => errors.push(e.in_field(format!("{field}[{i}]"))),
        }
    }
    (errors.len() == before).then_some(set)
}
