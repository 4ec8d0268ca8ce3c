//! How an initiative reads over HTTP.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::initiative::{Initiative, InitiativeStatus, PendingChange, Profile, ProfileChanges};
use domain::values::{
    AccountId, CountryCode, FundingSource, GeoPoint, Governance, InitiativeId, InitiativeKind,
    MaturityStage, Sector, Sectors, StrategicFocus,
};
use serde::Serialize;
use utoipa::ToSchema;

/// An initiative. `pending_change` and `management_requests` are shown only to its managers and
/// to moderators.
#[derive(Serialize, ToSchema)]
pub struct InitiativeView {
    #[schema(value_type = String, format = Uuid)]
    id: Option<InitiativeId>,
    /// `submitted`, `approved`, `rejected` or `retired`.
    #[schema(value_type = String, example = "approved")]
    status: InitiativeStatus,
    /// The current profile (without a change that awaits review).
    profile: ProfileView,
    #[schema(value_type = Vec<String>)]
    managers: BTreeSet<AccountId>,
    /// Why it was rejected, while it stays rejected.
    #[serde(skip_serializing_if = "Option::is_none")]
    rejection_reason: Option<String>,
    registered_at: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
    last_confirmed_at: Option<DateTime<Utc>>,
    /// When a manager must confirm the data again (18 months after approval or the last
    /// confirmation); `null` unless approved.
    confirmation_due: Option<DateTime<Utc>>,
    /// Approved and not confirmed for 18 months: the data may be out of date.
    stale: bool,
    retired_at: Option<DateTime<Utc>>,
    /// The stream's version, as in the `ETag` header.
    version: usize,
    /// A change to name, kind, country, region or location awaiting review.
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_change: Option<PendingChangeView>,
    /// Accounts that asked to become managers and await a decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    management_requests: Option<BTreeSet<AccountId>>,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileView {
    name: String,
    description: String,
    #[schema(value_type = String, example = "cluster_initiative")]
    kind: InitiativeKind,
    #[schema(value_type = String, example = "CL")]
    country: CountryCode,
    region: String,
    location: LocationView,
    /// Sector codes, the main one first.
    #[schema(value_type = Vec<String>)]
    sectors: Vec<Sector>,
    value_chain_focus: String,
    #[schema(value_type = Vec<String>)]
    strategic_focus: BTreeSet<StrategicFocus>,
    number_of_firms: u32,
    governance: GovernanceView,
    #[schema(value_type = Vec<String>)]
    funding_sources: BTreeSet<FundingSource>,
    #[schema(value_type = String, example = "construction")]
    maturity_stage: MaturityStage,
    founding_year: i32,
    website: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LocationView {
    lat: f64,
    lon: f64,
}

#[derive(Serialize, ToSchema)]
pub struct GovernanceView {
    facilitating_organization: String,
    private: u8,
    public: u8,
    academia: u8,
    civil_society: u8,
}

/// A profile change awaiting review: only the fields it changes are present.
#[derive(Serialize, ToSchema)]
pub struct PendingChangeView {
    changes: ProfileChangesView,
    #[schema(value_type = String, format = Uuid)]
    proposed_by: AccountId,
    proposed_at: DateTime<Utc>,
}

/// The fields a change sets; absent fields stay as they are (`website: null` removes it).
#[derive(Serialize, ToSchema)]
pub struct ProfileChangesView {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    kind: Option<InitiativeKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    country: Option<CountryCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<LocationView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    sectors: Option<Vec<Sector>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_chain_focus: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    strategic_focus: Option<BTreeSet<StrategicFocus>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    number_of_firms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    governance: Option<GovernanceView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<String>>)]
    funding_sources: Option<BTreeSet<FundingSource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    maturity_stage: Option<MaturityStage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    founding_year: Option<i32>,
    /// Present and `null` when the change removes the website.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    website: Option<Option<String>>,
}

impl InitiativeView {
    /// The initiative as of `now` (for the stale flag); `insider` adds what only managers and
    /// moderators see. `None` if it has no profile (never registered).
    pub fn of(
        initiative: &Initiative,
        version: usize,
        insider: bool,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        Some(Self {
            id: initiative.id(),
            status: initiative.status(),
            profile: ProfileView::of(initiative.profile()?),
            managers: initiative.managers().clone(),
            rejection_reason: initiative.rejection_reason().map(|r| r.to_string()),
            registered_at: initiative.registered_at(),
            approved_at: initiative.approved_at(),
            last_confirmed_at: initiative.last_confirmed_at(),
            confirmation_due: initiative.confirmation_due(),
            stale: initiative.is_stale(now),
            retired_at: initiative.retired_at(),
            version,
            pending_change: insider
                .then(|| initiative.pending_change().map(PendingChangeView::of))
                .flatten(),
            management_requests: insider.then(|| initiative.management_requests().clone()),
        })
    }
}

impl ProfileView {
    fn of(p: &Profile) -> Self {
        Self {
            name: p.name.to_string(),
            description: p.description.to_string(),
            kind: p.kind,
            country: p.country,
            region: p.region.to_string(),
            location: LocationView::of(&p.location),
            sectors: sector_list(&p.sectors),
            value_chain_focus: p.value_chain_focus.to_string(),
            strategic_focus: p.strategic_focus.clone(),
            number_of_firms: p.number_of_firms.get(),
            governance: GovernanceView::of(&p.governance),
            funding_sources: p.funding_sources.clone(),
            maturity_stage: p.maturity_stage,
            founding_year: p.founding_year.get(),
            website: p.website.as_ref().map(|w| w.to_string()),
        }
    }
}

impl LocationView {
    fn of(point: &GeoPoint) -> Self {
        Self {
            lat: point.lat(),
            lon: point.lon(),
        }
    }
}

impl GovernanceView {
    fn of(g: &Governance) -> Self {
        Self {
            facilitating_organization: g.facilitating_organization().to_string(),
            private: g.private(),
            public: g.public(),
            academia: g.academia(),
            civil_society: g.civil_society(),
        }
    }
}

impl PendingChangeView {
    fn of(pending: &PendingChange) -> Self {
        Self {
            changes: ProfileChangesView::of(&pending.changes),
            proposed_by: pending.by,
            proposed_at: pending.at,
        }
    }
}

impl ProfileChangesView {
    fn of(c: &ProfileChanges) -> Self {
        Self {
            name: c.name.as_ref().map(|v| v.to_string()),
            description: c.description.as_ref().map(|v| v.to_string()),
            kind: c.kind,
            country: c.country,
            region: c.region.as_ref().map(|v| v.to_string()),
            location: c.location.as_ref().map(LocationView::of),
            sectors: c.sectors.as_ref().map(sector_list),
            value_chain_focus: c.value_chain_focus.as_ref().map(|v| v.to_string()),
            strategic_focus: c.strategic_focus.clone(),
            number_of_firms: c.number_of_firms.map(|n| n.get()),
            governance: c.governance.as_ref().map(GovernanceView::of),
            funding_sources: c.funding_sources.clone(),
            maturity_stage: c.maturity_stage,
            founding_year: c.founding_year.map(|y| y.get()),
            website: c
                .website
                .as_ref()
                .map(|w| w.as_ref().map(|w| w.to_string())),
        }
    }
}

fn sector_list(sectors: &Sectors) -> Vec<Sector> {
    sectors.iter().collect()
}
