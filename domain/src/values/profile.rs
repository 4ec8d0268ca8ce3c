//! Characterisation of an initiative: its kind, focus, maturity, governance and funding.
//!
//! Enum serde names are stored in events: variants may be added, never renamed.

use serde::{Deserialize, Serialize};

use super::{Name, ValueError};

/// What kind of territorial productive articulation an initiative is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InitiativeKind {
    ClusterInitiative,
    BusinessNetwork,
    LocalProductiveProject,
    SupplierDevelopmentProgramme,
    ProductiveChainProgramme,
}

impl InitiativeKind {
    pub const ALL: &'static [InitiativeKind] = &[
        Self::ClusterInitiative,
        Self::BusinessNetwork,
        Self::LocalProductiveProject,
        Self::SupplierDevelopmentProgramme,
        Self::ProductiveChainProgramme,
    ];
}

/// What an initiative works on with its firms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategicFocus {
    Internationalization,
    ProductiveLinkages,
    Innovation,
    Quality,
    TechnologyExtension,
    InvestmentAttraction,
    AccessToCredit,
    Infrastructure,
}

impl StrategicFocus {
    pub const ALL: &'static [StrategicFocus] = &[
        Self::Internationalization,
        Self::ProductiveLinkages,
        Self::Innovation,
        Self::Quality,
        Self::TechnologyExtension,
        Self::InvestmentAttraction,
        Self::AccessToCredit,
        Self::Infrastructure,
    ];
}

/// How far an initiative has come, in the stages commonly used for cluster initiatives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaturityStage {
    PreIncubation,
    Launch,
    Construction,
    Consolidation,
}

impl MaturityStage {
    pub const ALL: &'static [MaturityStage] = &[
        Self::PreIncubation,
        Self::Launch,
        Self::Construction,
        Self::Consolidation,
    ];
}

/// Where an initiative's money comes from (several may apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    NationalGovernment,
    SubnationalGovernment,
    InternationalCooperation,
    MultilateralDevelopmentBank,
    PrivateSector,
    MemberFees,
    Academia,
    OwnRevenue,
    Other,
}

impl FundingSource {
    pub const ALL: &'static [FundingSource] = &[
        Self::NationalGovernment,
        Self::SubnationalGovernment,
        Self::InternationalCooperation,
        Self::MultilateralDevelopmentBank,
        Self::PrivateSector,
        Self::MemberFees,
        Self::Academia,
        Self::OwnRevenue,
        Self::Other,
    ];
}

/// Who facilitates the initiative and how its governing body is composed, in whole percentages
/// of seats held by the private sector, the public sector, academia and civil society. The four
/// shares add up to exactly 100, so that the map can compare governance mixes directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawGovernance")]
pub struct Governance {
    facilitating_organization: Name,
    private: u8,
    public: u8,
    academia: u8,
    civil_society: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGovernance {
    facilitating_organization: String,
    private: u32,
    public: u32,
    academia: u32,
    civil_society: u32,
}

impl Governance {
    pub fn new(
        facilitating_organization: impl AsRef<str>,
        private: u32,
        public: u32,
        academia: u32,
        civil_society: u32,
    ) -> Result<Self, ValueError> {
        let facilitating_organization = Name::new(facilitating_organization)
            .map_err(|e| e.in_field("governance.facilitating_organization"))?;
        Self::with_shares(
            facilitating_organization,
            private,
            public,
            academia,
            civil_society,
        )
    }

    /// The shares' rules, for a name already checked.
    fn with_shares(
        facilitating_organization: Name,
        private: u32,
        public: u32,
        academia: u32,
        civil_society: u32,
    ) -> Result<Self, ValueError> {
        let shares = [
            ("private", private),
            ("public", public),
            ("academia", academia),
            ("civil_society", civil_society),
        ];
        for (field, share) in shares {
            if share > 100 {
                return Err(ValueError::new(
                    format!("governance.{field}"),
                    format!("a share is a whole percentage from 0 to 100 (got {share})"),
                ));
            }
        }
        let total: u32 = shares.iter().map(|(_, s)| s).sum();
        if total != 100 {
            return Err(ValueError::new(
                "governance",
                format!("the shares of private, public, academia and civil society must add up to 100 (they add up to {total})"),
            ));
        }
        // Each share is ≤ 100 here, so the casts cannot truncate.
        Ok(Self {
            facilitating_organization,
            private: private as u8,
            public: public as u8,
            academia: academia as u8,
            civil_society: civil_society as u8,
        })
    }

    pub fn facilitating_organization(&self) -> &Name {
        &self.facilitating_organization
    }
    pub fn private(&self) -> u8 {
        self.private
    }
    pub fn public(&self) -> u8 {
        self.public
    }
    pub fn academia(&self) -> u8 {
        self.academia
    }
    pub fn civil_society(&self) -> u8 {
        self.civil_society
    }
}

impl TryFrom<RawGovernance> for Governance {
    type Error = ValueError;
    /// As events and snapshots are read back: the name with the rules of stored text (see
    /// [`super::text::Text::stored`]), the shares as always.
    fn try_from(r: RawGovernance) -> Result<Self, ValueError> {
        let facilitating_organization = Name::stored_string(r.facilitating_organization)
            .map_err(|e| e.in_field("governance.facilitating_organization"))?;
        Self::with_shares(
            facilitating_organization,
            r.private,
            r.public,
            r.academia,
            r.civil_society,
        )
    }
}

/// How many firms take part: at least one, at most a million (a bound that no real initiative
/// approaches, so a larger number is a typo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u32")]
pub struct FirmCount(u32);

impl FirmCount {
    pub const FIELD: &'static str = "number_of_firms";
    pub const MAX: u32 = 1_000_000;

    pub fn new(n: u64) -> Result<Self, ValueError> {
        match u32::try_from(n) {
            Ok(n @ 1..=Self::MAX) => Ok(Self(n)),
            _ => Err(ValueError::new(
                Self::FIELD,
                format!("must be a whole number from 1 to {} (got {n})", Self::MAX),
            )),
        }
    }

    pub fn get(&self) -> u32 {
        self.0
    }
}

impl TryFrom<u64> for FirmCount {
    type Error = ValueError;
    fn try_from(n: u64) -> Result<Self, ValueError> {
        Self::new(n)
    }
}
impl From<FirmCount> for u32 {
    fn from(n: FirmCount) -> u32 {
        n.0
    }
}

/// The year an initiative was founded, from 1900 on.
///
/// That it is not in the future depends on the current year, which a value type cannot know:
/// the aggregate checks it against the time carried by the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i32")]
pub struct FoundingYear(i32);

impl FoundingYear {
    pub const FIELD: &'static str = "founding_year";
    pub const EARLIEST: i32 = 1900;
    /// Far enough ahead never to bite, near enough to catch a mistyped year.
    pub const LATEST: i32 = 2999;

    pub fn new(year: i64) -> Result<Self, ValueError> {
        match i32::try_from(year) {
            Ok(y @ Self::EARLIEST..=Self::LATEST) => Ok(Self(y)),
            _ => Err(ValueError::new(
                Self::FIELD,
                format!(
                    "must be a year from {} to {} (got {year})",
                    Self::EARLIEST,
                    Self::LATEST
                ),
            )),
        }
    }

    pub fn get(&self) -> i32 {
        self.0
    }
}

impl TryFrom<i64> for FoundingYear {
    type Error = ValueError;
    fn try_from(y: i64) -> Result<Self, ValueError> {
        Self::new(y)
    }
}
impl From<FoundingYear> for i32 {
    fn from(y: FoundingYear) -> i32 {
        y.0
    }
}
