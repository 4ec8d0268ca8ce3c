//! The two queries and who may see their answers.
//!
//! Candidates are gathered from the indexes — initiatives in the project's sectors or in
//! sectors that complement them, initiatives whose managers share a community with the lead's,
//! initiatives that worked with the lead — and only those are scored: a pairing with none of
//! these links is not a match (see `Pairing::score`), so no query scores every initiative.
//! The best `limit` are kept in a bounded heap; reasons are written for those alone.

use std::collections::{BTreeSet, HashMap};

use domain::actor::Actor;
use domain::joint_project::{JointProject, ProjectStatus};
use domain::values::{CountryCode, InitiativeId, JointProjectId, Sector};

use super::index::{complements_of, sector_mask, sectors_in, Entry, SectorMask};
use super::ranking::{BitSet, TopN};
use super::score::{Pairing, Points, Reason};
use super::ProjectMatching;

/// An initiative as a result shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitiativeSummary {
    pub id: InitiativeId,
    pub name: String,
    pub country: CountryCode,
    /// Its sectors, the main one first.
    pub sectors: Vec<Sector>,
}

/// A candidate partner initiative for a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub initiative: InitiativeSummary,
    pub score: Points,
    pub reasons: Vec<Reason>,
}

/// A joint project as a result shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSummary {
    pub id: JointProjectId,
    pub title: String,
    pub status: ProjectStatus,
    pub lead: InitiativeSummary,
    /// The project's sectors, the main one first.
    pub sectors: Vec<Sector>,
}

/// An open project an initiative could join.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectMatch {
    pub project: ProjectSummary,
    pub score: Points,
    pub reasons: Vec<Reason>,
}

impl ProjectMatching {
    /// The best `limit` candidate partners for project `id`, best first (ties by initiative id).
    /// Candidates are approved initiatives other than the lead that were never invited to it;
    /// a project that is over (completed, withdrawn) or unknown has none.
    pub fn matches_for_project(&self, id: JointProjectId, limit: usize) -> Vec<Match> {
        let Some(project) = self.projects.get(&id) else {
            return Vec::new();
        };
        let Some(side) = self.project_side(project) else {
            return Vec::new();
        };
        if !project.status().is_ongoing() || limit == 0 {
            return Vec::new();
        }
        let links = self.links(side.lead);
        let mut seen = BitSet::new(self.index.slots());
        seen.insert(side.lead_slot);
        for partner in project.partners().keys() {
            if let Some(slot) = self.index.slot(partner) {
                seen.insert(slot);
            }
        }
        let mut top = TopN::new(limit);
        let mut consider = |slot: u32| {
            if !seen.insert(slot) {
                return;
            }
            let candidate = self.index.entry(slot);
            if candidate.eligible {
                if let Some(breakdown) = side.pairing(candidate, &links, slot).score() {
                    top.offer(breakdown.total(), candidate.id);
                }
            }
        };
        for sector in sectors_in(side.sectors | side.complements) {
            self.index
                .in_sector(sector)
                .iter()
                .for_each(|s| consider(*s));
        }
        links.slots().for_each(&mut consider);
        top.best()
            .into_iter()
            .filter_map(|(_, id)| {
                let slot = self.index.slot(&id)?;
                let pairing = side.pairing(self.index.entry(slot), &links, slot);
                let breakdown = pairing.score()?;
                Some(Match {
                    initiative: self.summary(id)?,
                    score: breakdown.total(),
                    reasons: pairing.reasons(&breakdown),
                })
            })
            .collect()
    }

    /// The best `limit` projects initiative `id` could join, best first (ties by project id):
    /// public projects (approved or active) with an open call, that it does not lead, was not
    /// invited to and has not already answered. An initiative that is not approved can join
    /// none.
    pub fn projects_for_initiative(&self, id: InitiativeId, limit: usize) -> Vec<ProjectMatch> {
        let Some(slot) = self.index.slot(&id) else {
            return Vec::new();
        };
        let candidate = self.index.entry(slot);
        if !candidate.eligible || limit == 0 {
            return Vec::new();
        }
        let links = self.links(id);
        // A project can score only through a sector it shares with the initiative, a sector
        // that complements one of the initiative's, or a link with its lead.
        let related = candidate.sectors | complements_of(candidate.sectors);
        let mut top = TopN::new(limit);
        for (project_id, open) in self.index.open_projects() {
            let Some(lead_slot) = open.lead_slot else {
                continue;
            };
            if (open.sectors & related == 0 && !links.marked.contains(lead_slot))
                || open.lead == id
                || open.settled.contains(&id)
            {
                continue;
            }
            let pairing = Pairing {
                project_sectors: open.sectors,
                project_complements: open.complements,
                lead: self.index.entry(lead_slot),
                candidate,
                shared_communities: links.communities(lead_slot),
                collaborations: links.collaborations(lead_slot),
            };
            if let Some(breakdown) = pairing.score() {
                top.offer(breakdown.total(), *project_id);
            }
        }
        top.best()
            .into_iter()
            .filter_map(|(_, project_id)| {
                let project = self.projects.get(&project_id)?;
                let details = project.details()?;
                let side = self.project_side(project)?;
                let pairing = side.pairing(candidate, &links, side.lead_slot);
                let breakdown = pairing.score()?;
                Some(ProjectMatch {
                    project: ProjectSummary {
                        id: project_id,
                        title: details.title.to_string(),
                        status: project.status(),
                        lead: self.summary(details.lead)?,
                        sectors: details.sectors.iter().collect(),
                    },
                    score: breakdown.total(),
                    reasons: pairing.reasons(&breakdown),
                })
            })
            .collect()
    }

    /// Whether `viewer` may see the matches of project `id`: whoever may see the project (see
    /// `gateway/src/http/joint_projects/views.rs`): anyone once moderators approved it;
    /// before that, and after a withdrawal, moderators and the managers of the lead and of
    /// every invited initiative. False for an unknown project.
    pub fn may_see_project_matches(&self, id: JointProjectId, viewer: Option<&Actor>) -> bool {
        let Some(project) = self.projects.get(&id) else {
            return false;
        };
        let Some(details) = project.details() else {
            return false;
        };
        let public = matches!(
            project.status(),
            ProjectStatus::Approved | ProjectStatus::Active | ProjectStatus::Completed
        );
        public
            || viewer.is_some_and(|actor| {
                actor.is_moderator()
                    || std::iter::once(&details.lead)
                        .chain(project.partners().keys())
                        .any(|initiative| self.manages(actor, initiative))
            })
    }

    /// Whether `viewer` may see the matches of initiative `id`: anyone while it is approved;
    /// otherwise (when it has none) its managers and moderators. False for an unknown one.
    pub fn may_see_initiative_matches(&self, id: InitiativeId, viewer: Option<&Actor>) -> bool {
        let Some(record) = self.initiatives.get(&id) else {
            return false;
        };
        record.is_eligible()
            || viewer.is_some_and(|actor| actor.is_moderator() || self.manages(actor, &id))
    }

    fn manages(&self, actor: &Actor, initiative: &InitiativeId) -> bool {
        self.initiatives
            .get(initiative)
            .is_some_and(|record| record.managers.contains(&actor.account))
    }

    fn summary(&self, id: InitiativeId) -> Option<InitiativeSummary> {
        let record = self.initiatives.get(&id)?;
        Some(InitiativeSummary {
            id,
            name: record.name.to_string(),
            country: record.country,
            sectors: record.sectors.iter().collect(),
        })
    }

    /// What scoring compares of a project: its sectors and its lead.
    fn project_side(&self, project: &JointProject) -> Option<ProjectSide<'_>> {
        let details = project.details()?;
        let lead_slot = self.index.slot(&details.lead)?;
        let sectors = sector_mask(details.sectors.iter());
        Some(ProjectSide {
            sectors,
            complements: complements_of(sectors),
            lead: details.lead,
            lead_slot,
            lead_entry: self.index.entry(lead_slot),
        })
    }

    /// The initiatives linked to `id` through communities and earlier projects.
    fn links(&self, id: InitiativeId) -> Links {
        let mut links = Links {
            marked: BitSet::new(self.index.slots()),
            ..Links::default()
        };
        let own_slot = self.index.slot(&id);
        let managers = self.initiatives.get(&id).map(|r| &r.managers);
        let communities: BTreeSet<_> = managers
            .into_iter()
            .flatten()
            .filter_map(|manager| self.index.communities_of(manager))
            .flatten()
            .collect();
        for community in communities {
            let Some(community) = self.communities.get(community) else {
                continue;
            };
            // An initiative counts once per community, however many of its managers are in it.
            let mut slots: Vec<u32> = community
                .members()
                .keys()
                .flat_map(|account| self.index.managed_by(account))
                .copied()
                .filter(|slot| Some(*slot) != own_slot)
                .collect();
            slots.sort_unstable();
            slots.dedup();
            for slot in slots {
                *links.communities.entry(slot).or_default() += 1;
                links.marked.insert(slot);
            }
        }
        for (other, count) in self.index.collaborations_of(&id).into_iter().flatten() {
            if let Some(slot) = self.index.slot(other) {
                links.collaborations.insert(slot, *count);
                links.marked.insert(slot);
            }
        }
        links
    }
}

/// A project as scoring sees it.
struct ProjectSide<'a> {
    sectors: SectorMask,
    complements: SectorMask,
    lead: InitiativeId,
    lead_slot: u32,
    lead_entry: &'a Entry,
}

impl<'a> ProjectSide<'a> {
    /// The pairing of this project with `candidate`, given the links between the lead and the
    /// candidate (looked up from whichever side the query started from).
    fn pairing(&self, candidate: &'a Entry, links: &Links, linked_slot: u32) -> Pairing<'a> {
        Pairing {
            project_sectors: self.sectors,
            project_complements: self.complements,
            lead: self.lead_entry,
            candidate,
            shared_communities: links.communities(linked_slot),
            collaborations: links.collaborations(linked_slot),
        }
    }
}

/// Initiatives (by slot) that share communities or earlier projects with one initiative, and
/// how many; `marked` answers "none" without a hash lookup for everyone else.
#[derive(Default)]
struct Links {
    communities: HashMap<u32, u32>,
    collaborations: HashMap<u32, u32>,
    marked: BitSet,
}

impl Links {
    fn communities(&self, slot: u32) -> u32 {
        self.count(&self.communities, slot)
    }

    fn collaborations(&self, slot: u32) -> u32 {
        self.count(&self.collaborations, slot)
    }

    fn count(&self, counts: &HashMap<u32, u32>, slot: u32) -> u32 {
        if self.marked.contains(slot) {
            counts.get(&slot).copied().unwrap_or_default()
        } else {
            0
        }
    }

    fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        self.communities
            .keys()
            .chain(self.collaborations.keys())
            .copied()
    }
}
