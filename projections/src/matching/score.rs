//! The score of a pairing between a joint project (through its sectors and its lead initiative)
//! and an initiative: seven factors, each worth at most its weight, summed. Weights are in
//! thousandths of the whole, so sums are exact and ties are real ties. docs/matching.md explains
//! each rule; keep the two in step.

use domain::values::{MaturityStage, Sector};

use super::index::{sectors_in, Entry, SectorMask};
use super::value_chain::stage_list;

/// Score points, in thousandths: 1000 is a perfect match.
pub type Points = u32;

/// The most a pairing can score: the sum of every weight.
pub const WHOLE: Points = 1000;

/// Sectors of the project that the candidate also works in.
pub const SHARED_SECTORS_WEIGHT: Points = 250;
/// Sectors of the candidate that complement the project's along a value chain.
pub const COMPLEMENTARY_SECTORS_WEIGHT: Points = 150;
/// The candidate works on a link of the value chain that the lead does not.
pub const COMPLEMENTARY_VALUE_CHAIN_WEIGHT: Points = 100;
/// The candidate is in another country than the lead: regional integration is an aim.
pub const CROSS_BORDER_WEIGHT: Points = 150;
/// Communities of practice where managers of both initiatives are members.
pub const SHARED_COMMUNITIES_WEIGHT: Points = 100;
/// How close the two initiatives' maturity stages are.
pub const MATURITY_WEIGHT: Points = 100;
/// The lead and the candidate took part together in an earlier public joint project.
pub const EARLIER_COLLABORATION_WEIGHT: Points = 150;

const _: () = assert!(
    SHARED_SECTORS_WEIGHT
        + COMPLEMENTARY_SECTORS_WEIGHT
        + COMPLEMENTARY_VALUE_CHAIN_WEIGHT
        + CROSS_BORDER_WEIGHT
        + SHARED_COMMUNITIES_WEIGHT
        + MATURITY_WEIGHT
        + EARLIER_COLLABORATION_WEIGHT
        == WHOLE
);

/// How many shared sectors (or complementary sectors, or communities) earn a factor's whole
/// weight; one earns half. Two is already a strong overlap: few partners cover a broad
/// project's every sector.
const ENOUGH: u32 = 2;

/// One factor of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonKind {
    SharedSectors,
    ComplementarySectors,
    ComplementaryValueChain,
    CrossBorder,
    SharedCommunities,
    Maturity,
    EarlierCollaboration,
}

impl ReasonKind {
    pub const ALL: [ReasonKind; 7] = [
        ReasonKind::SharedSectors,
        ReasonKind::ComplementarySectors,
        ReasonKind::ComplementaryValueChain,
        ReasonKind::CrossBorder,
        ReasonKind::SharedCommunities,
        ReasonKind::Maturity,
        ReasonKind::EarlierCollaboration,
    ];

    /// The stable code, as in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::SharedSectors => "shared_sectors",
            Self::ComplementarySectors => "complementary_sectors",
            Self::ComplementaryValueChain => "complementary_value_chain",
            Self::CrossBorder => "cross_border",
            Self::SharedCommunities => "shared_communities",
            Self::Maturity => "maturity",
            Self::EarlierCollaboration => "earlier_collaboration",
        }
    }

    pub fn weight(self) -> Points {
        match self {
            Self::SharedSectors => SHARED_SECTORS_WEIGHT,
            Self::ComplementarySectors => COMPLEMENTARY_SECTORS_WEIGHT,
            Self::ComplementaryValueChain => COMPLEMENTARY_VALUE_CHAIN_WEIGHT,
            Self::CrossBorder => CROSS_BORDER_WEIGHT,
            Self::SharedCommunities => SHARED_COMMUNITIES_WEIGHT,
            Self::Maturity => MATURITY_WEIGHT,
            Self::EarlierCollaboration => EARLIER_COLLABORATION_WEIGHT,
        }
    }
}

/// Why a pairing scored what it did: one factor, its weight, the points it gave and what it
/// found. Only factors that gave points are reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    pub weight: Points,
    pub points: Points,
    pub detail: String,
}

/// Points as a fraction of a perfect score (0.25 for 250).
pub fn fraction(points: Points) -> f64 {
    f64::from(points) / f64::from(WHOLE)
}

/// Everything one pairing is scored on.
pub(super) struct Pairing<'a> {
    pub project_sectors: SectorMask,
    /// Every sector that complements one of the project's (see `complements_of`).
    pub project_complements: SectorMask,
    pub lead: &'a Entry,
    pub candidate: &'a Entry,
    /// Communities where managers of the lead and of the candidate are members.
    pub shared_communities: u32,
    /// Public joint projects the lead and the candidate took part in together.
    pub collaborations: u32,
}

/// The points of each factor, in the order of [`ReasonKind::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Breakdown([Points; 7]);

impl Breakdown {
    pub fn total(&self) -> Points {
        self.0.iter().sum()
    }
}

impl Pairing<'_> {
    fn shared_sectors(&self) -> SectorMask {
        self.candidate.sectors & self.project_sectors
    }

    /// The candidate's sectors that the project lacks and that complement one of its sectors.
    fn complementary_sectors(&self) -> SectorMask {
        self.candidate.sectors & self.project_complements & !self.project_sectors
    }

    fn added_stages(&self) -> u8 {
        self.candidate.stages & !self.lead.stages
    }

    /// The factor points, or `None` when the pairing has nothing of substance in common (no
    /// shared or complementary sector, community or earlier project): being elsewhere or at a
    /// similar stage alone does not make a partner.
    pub fn score(&self) -> Option<Breakdown> {
        let shared = self.shared_sectors().count_ones();
        let complementary = self.complementary_sectors().count_ones();
        if shared == 0
            && complementary == 0
            && self.shared_communities == 0
            && self.collaborations == 0
        {
            return None;
        }
        // A one-sector project is fully shared by sharing its one sector.
        let needed = self.project_sectors.count_ones().clamp(1, ENOUGH);
        let same_chain = shared > 0 || complementary > 0;
        let value_chain = same_chain && self.lead.stages != 0 && self.added_stages() != 0;
        let distance = (self.lead.maturity as u8).abs_diff(self.candidate.maturity as u8);
        Some(Breakdown([
            SHARED_SECTORS_WEIGHT * shared.min(needed) / needed,
            COMPLEMENTARY_SECTORS_WEIGHT * complementary.min(ENOUGH) / ENOUGH,
            if value_chain {
                COMPLEMENTARY_VALUE_CHAIN_WEIGHT
            } else {
                0
            },
            if self.lead.country != self.candidate.country {
                CROSS_BORDER_WEIGHT
            } else {
                0
            },
            SHARED_COMMUNITIES_WEIGHT * self.shared_communities.min(ENOUGH) / ENOUGH,
            match distance {
                0 => MATURITY_WEIGHT,
                1 => MATURITY_WEIGHT / 2,
                _ => 0,
            },
            if self.collaborations > 0 {
                EARLIER_COLLABORATION_WEIGHT
            } else {
                0
            },
        ]))
    }

    /// The reasons behind `breakdown` (which `score` gave for this pairing), in factor order.
    pub fn reasons(&self, breakdown: &Breakdown) -> Vec<Reason> {
        ReasonKind::ALL
            .into_iter()
            .zip(breakdown.0)
            .filter(|(_, points)| *points > 0)
            .map(|(kind, points)| Reason {
                kind,
                weight: kind.weight(),
                points,
                detail: self.detail(kind),
            })
            .collect()
    }

    fn detail(&self, kind: ReasonKind) -> String {
        match kind {
            ReasonKind::SharedSectors => codes(sectors_in(self.shared_sectors())).join(", "),
            ReasonKind::ComplementarySectors => sectors_in(self.complementary_sectors())
                .map(|theirs| {
                    let ours = sectors_in(self.project_sectors)
                        .find(|ours| Sector::are_complementary(*ours, theirs))
                        .map_or("", |s| s.code());
                    format!("{} complements {ours}", theirs.code())
                })
                .collect::<Vec<_>>()
                .join("; "),
            ReasonKind::ComplementaryValueChain => format!(
                "adds {} to the lead's {}",
                stage_codes(self.added_stages()),
                stage_codes(self.lead.stages)
            ),
            ReasonKind::CrossBorder => format!(
                "{}, lead in {}",
                country(self.candidate.country),
                country(self.lead.country)
            ),
            ReasonKind::SharedCommunities => {
                plural(self.shared_communities, "community", "communities")
            }
            ReasonKind::Maturity => {
                let (theirs, ours) = (self.candidate.maturity, self.lead.maturity);
                if theirs == ours {
                    format!("same stage: {}", maturity(theirs))
                } else {
                    format!("{}, lead at {}", maturity(theirs), maturity(ours))
                }
            }
            ReasonKind::EarlierCollaboration => plural(
                self.collaborations,
                "earlier joint project",
                "earlier joint projects",
            ),
        }
    }
}

fn codes(sectors: impl Iterator<Item = Sector>) -> Vec<&'static str> {
    sectors.map(|s| s.code()).collect()
}

fn stage_codes(stages: u8) -> String {
    stage_list(stages)
        .map(|s| s.code())
        .collect::<Vec<_>>()
        .join(", ")
}

fn country(code: [u8; 2]) -> String {
    String::from_utf8_lossy(&code).into_owned()
}

/// The stage's code, as in JSON.
fn maturity(stage: MaturityStage) -> &'static str {
    match stage {
        MaturityStage::PreIncubation => "pre_incubation",
        MaturityStage::Launch => "launch",
        MaturityStage::Construction => "construction",
        MaturityStage::Consolidation => "consolidation",
    }
}

fn plural(count: u32, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
