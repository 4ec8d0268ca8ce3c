//! Request bodies of the initiative routes, and their parsing into the domain's value types.
//!
//! Every field is parsed and every problem collected, so one 400 names all the fields to fix
//! (`name`, `location.lat`, `sectors[2]`, `governance.private` …). Required profile fields are
//! `Option`s here so that a missing one is reported by name like any other invalid field,
//! rather than as serde's one-at-a-time "missing field".

use domain::initiative::ProfileChanges;
use domain::values::Reason;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::initiatives::{GovernanceShares, Location, ProfileFields};
use crate::http::Refusal;

/// A WGS84 point.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationRequest {
    /// Latitude, -90 to 90 degrees.
    #[schema(example = -23.6509)]
    pub(super) lat: f64,
    /// Longitude, -180 to 180 degrees.
    #[schema(example = -70.3975)]
    pub(super) lon: f64,
}

/// Who facilitates the initiative, and the governing body's composition in whole percentages
/// that add up to 100.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GovernanceRequest {
    #[schema(example = "Corporación Regional de Desarrollo")]
    pub(super) facilitating_organization: String,
    #[schema(example = 50)]
    pub(super) private: i64,
    #[schema(example = 25)]
    pub(super) public: i64,
    #[schema(example = 20)]
    pub(super) academia: i64,
    #[schema(example = 5)]
    pub(super) civil_society: i64,
}

/// The full profile of a new initiative (DESIGN §2).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 1 to 200 characters, one line.
    #[schema(value_type = String, required = true, example = "Clúster del Litio de Antofagasta")]
    name: Option<String>,
    /// Up to 5000 characters.
    description: Option<String>,
    /// `cluster_initiative`, `business_network`, `local_productive_project`,
    /// `supplier_development_programme` or `productive_chain_programme`.
    #[schema(value_type = String, required = true, example = "cluster_initiative")]
    kind: Option<String>,
    /// ISO 3166-1 alpha-2 code.
    #[schema(value_type = String, required = true, example = "CL")]
    country: Option<String>,
    /// State, province, department or municipality: 1 to 120 characters.
    #[schema(value_type = String, required = true, example = "Antofagasta")]
    region: Option<String>,
    #[schema(value_type = LocationRequest, required = true)]
    location: Option<LocationRequest>,
    /// 1 to 10 sector codes of the taxonomy, the main one first.
    #[schema(value_type = Vec<String>, required = true, example = json!(["lithium", "mining"]))]
    sectors: Option<Vec<String>>,
    /// Up to 1000 characters.
    value_chain_focus: Option<String>,
    /// `internationalization`, `productive_linkages`, `innovation`, `quality`,
    /// `technology_extension`, `investment_attraction`, `access_to_credit`, `infrastructure`.
    strategic_focus: Option<Vec<String>>,
    /// 1 to 1,000,000.
    #[schema(value_type = i64, required = true, example = 85)]
    number_of_firms: Option<i64>,
    #[schema(value_type = GovernanceRequest, required = true)]
    governance: Option<GovernanceRequest>,
    /// `national_government`, `subnational_government`, `international_cooperation`,
    /// `multilateral_development_bank`, `private_sector`, `member_fees`, `academia`,
    /// `own_revenue`, `other`.
    funding_sources: Option<Vec<String>>,
    /// `pre_incubation`, `launch`, `construction` or `consolidation`.
    #[schema(value_type = String, required = true, example = "construction")]
    maturity_stage: Option<String>,
    /// From 1900 to the current year.
    #[schema(value_type = i64, required = true, example = 2016)]
    founding_year: Option<i64>,
    /// An http(s) address of a public host.
    #[schema(example = "https://clusterlitio.cl")]
    website: Option<String>,
}

/// Changes to an initiative's profile: each field present replaces the current one; leave a
/// field out (or send `null`) to keep it, except `website`, where `null` removes it. On an
/// approved initiative, changes to name, kind, country, region or location wait for a
/// moderator's review; the others apply at once.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileChangeRequest {
    name: Option<String>,
    /// An empty text clears it.
    description: Option<String>,
    kind: Option<String>,
    country: Option<String>,
    region: Option<String>,
    location: Option<LocationRequest>,
    sectors: Option<Vec<String>>,
    /// An empty text clears it.
    value_chain_focus: Option<String>,
    strategic_focus: Option<Vec<String>>,
    number_of_firms: Option<i64>,
    governance: Option<GovernanceRequest>,
    funding_sources: Option<Vec<String>>,
    maturity_stage: Option<String>,
    founding_year: Option<i64>,
    /// A new address, or `null` to remove it; leave out to keep it.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(value_type = Option<String>)]
    website: Option<Option<String>>,
}

/// Why a moderator refuses something: 1 to 1000 characters, shown to the managers.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    #[schema(example = "The location is in the sea; please check latitude and longitude.")]
    reason: String,
}

/// An optional reason (send `{}` for none).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionalReasonRequest {
    reason: Option<String>,
}

/// The account to make a manager.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagerRequest {
    #[schema(format = Uuid)]
    pub account_id: String,
}

impl ReasonRequest {
    pub fn parse(self) -> Result<Reason, Refusal> {
        Reason::new(self.reason).map_err(|e| Refusal::invalid(vec![e]))
    }
}

impl OptionalReasonRequest {
    pub fn parse(self) -> Result<Option<Reason>, Refusal> {
        self.reason
            .map(Reason::new)
            .transpose()
            .map_err(|e| Refusal::invalid(vec![e]))
    }
}

impl From<LocationRequest> for Location {
    fn from(raw: LocationRequest) -> Self {
        Self {
            lat: raw.lat,
            lon: raw.lon,
        }
    }
}

impl From<GovernanceRequest> for GovernanceShares {
    fn from(raw: GovernanceRequest) -> Self {
        Self {
            facilitating_organization: raw.facilitating_organization,
            private: raw.private,
            public: raw.public,
            academia: raw.academia,
            civil_society: raw.civil_society,
        }
    }
}

impl From<RegisterRequest> for ProfileFields {
    fn from(r: RegisterRequest) -> Self {
        Self {
            name: r.name,
            description: r.description,
            kind: r.kind,
            country: r.country,
            region: r.region,
            location: r.location.map(Into::into),
            sectors: r.sectors,
            value_chain_focus: r.value_chain_focus,
            strategic_focus: r.strategic_focus,
            number_of_firms: r.number_of_firms,
            governance: r.governance.map(Into::into),
            funding_sources: r.funding_sources,
            maturity_stage: r.maturity_stage,
            founding_year: r.founding_year,
            website: r.website.map(Some),
        }
    }
}

impl ProfileChangeRequest {
    /// The changes, or a 400 naming every invalid field.
    pub fn parse(self) -> Result<ProfileChanges, Refusal> {
        let fields = ProfileFields {
            name: self.name,
            description: self.description,
            kind: self.kind,
            country: self.country,
            region: self.region,
            location: self.location.map(Into::into),
            sectors: self.sectors,
            value_chain_focus: self.value_chain_focus,
            strategic_focus: self.strategic_focus,
            number_of_firms: self.number_of_firms,
            governance: self.governance.map(Into::into),
            funding_sources: self.funding_sources,
            maturity_stage: self.maturity_stage,
            founding_year: self.founding_year,
            website: self.website,
        };
        fields.into_changes(Vec::new())
    }
}
