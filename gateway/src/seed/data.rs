//! The curated seed data set (seeds/*.json at the root of the repository), compiled into the
//! binary so that `articula seed` and the first start of the embedded default need no file and
//! no network. The data is ILLUSTRATIVE, not ECLAC's: see seeds/README.md.

use chrono::{Duration, NaiveDate};
use domain::initiative::Profile;
use domain::publication::{Kind, PublicationContent};
use domain::values::{InitiativeId, Sector};
use serde::Deserialize;
use uuid::Uuid;

/// seeds/initiatives.json.
pub const INITIATIVES_JSON: &str = include_str!("../../../seeds/initiatives.json");
/// seeds/activity.json.
pub const ACTIVITY_JSON: &str = include_str!("../../../seeds/activity.json");
/// seeds/countries.geojson: the outlines every seeded point lies inside (used by tests).
pub const COUNTRIES_GEOJSON: &str = include_str!("../../../seeds/countries.geojson");

#[derive(Debug, Deserialize)]
pub struct Initiatives {
    pub total_firms: u64,
    pub initiatives: Vec<SeedInitiative>,
}

#[derive(Debug, Deserialize)]
pub struct SeedInitiative {
    pub key: String,
    pub id: InitiativeId,
    /// The account key (in activity.json) of the member who manages it.
    pub manager: String,
    /// Deserialising the profile applies every rule of the domain's value types.
    pub profile: Profile,
}

#[derive(Debug, Deserialize)]
pub struct Activity {
    pub accounts: Vec<SeedAccount>,
    pub communities: Vec<SeedCommunity>,
    pub joint_projects: Vec<SeedProject>,
    pub publications: Vec<SeedPublication>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedRole {
    Member,
    Moderator,
    Auditor,
    Admin,
}

#[derive(Debug, Deserialize)]
pub struct SeedAccount {
    pub key: String,
    pub role: SeedRole,
    pub display_name: String,
    pub email: String,
    pub language: String,
}

#[derive(Debug, Deserialize)]
pub struct SeedCommunity {
    pub key: String,
    pub id: Uuid,
    pub name: String,
    pub sector: Sector,
    pub join_policy: domain::community::JoinPolicy,
    pub facilitator: String,
    pub members: Vec<String>,
    pub threads: Vec<SeedThread>,
}

#[derive(Debug, Deserialize)]
pub struct SeedThread {
    pub id: Uuid,
    pub opening_post_id: Uuid,
    pub title: String,
    pub author: String,
    pub body: String,
    pub replies: Vec<SeedPost>,
}

#[derive(Debug, Deserialize)]
pub struct SeedPost {
    pub id: Uuid,
    pub author: String,
    pub body: String,
}

/// Where a seeded joint project's lifecycle stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectState {
    Proposed,
    UnderReview,
    Approved,
    Rejected,
    Active,
    Completed,
    Withdrawn,
}

#[derive(Debug, Deserialize)]
pub struct SeedProject {
    pub key: String,
    pub id: Uuid,
    pub lead: InitiativeId,
    pub partners: Vec<InitiativeId>,
    pub title: String,
    pub description: String,
    pub sectors: Vec<Sector>,
    pub objectives: Vec<String>,
    pub state: ProjectState,
}

/// Where a seeded publication's moderation stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationState {
    Submitted,
    Approved,
    Rejected,
}

#[derive(Debug, Deserialize)]
pub struct SeedPublication {
    pub key: String,
    pub id: Uuid,
    pub author: String,
    pub state: PublicationState,
    pub content: PublicationContent,
    /// For a gathering: how many days after the day the seed is loaded it starts (negative:
    /// before), so that a fresh platform has past and upcoming gatherings whatever the date.
    /// Its dates in `content` then only give the time of day and the length.
    #[serde(default)]
    pub starts_in_days: Option<i64>,
}

impl SeedPublication {
    /// The content, with a gathering moved to start `starts_in_days` after `anchor`.
    pub fn content_on(&self, anchor: NaiveDate) -> PublicationContent {
        let mut content = self.content.clone();
        if let (Kind::Gathering(gathering), Some(days)) = (&mut content.kind, self.starts_in_days) {
            let length = gathering.ends_at - gathering.starts_at;
            let day = anchor + Duration::days(days);
            gathering.starts_at = day.and_time(gathering.starts_at.time());
            gathering.ends_at = gathering.starts_at + length;
        }
        content
    }
}

/// The data set, parsed and checked against the domain's rules.
pub fn initiatives() -> Result<Initiatives, String> {
    serde_json::from_str(INITIATIVES_JSON)
        .map_err(|e| format!("seeds/initiatives.json is not a valid seed file: {e}"))
}

pub fn activity() -> Result<Activity, String> {
    serde_json::from_str(ACTIVITY_JSON)
        .map_err(|e| format!("seeds/activity.json is not a valid seed file: {e}"))
}
