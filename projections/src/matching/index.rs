//! Indexes derived from the model (never serialised; rebuilt by `restored()`), kept current
//! event by event so that a query gathers its candidates instead of scanning every initiative.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use domain::joint_project::{InvitationState, JointProject, ProjectStatus};
use domain::values::{AccountId, CommunityId, InitiativeId, JointProjectId, MaturityStage, Sector};

use super::records::InitiativeRecord;
use super::value_chain::{stages_of, Stages};

// Sector sets are bit masks of a u32.
const _: () = assert!(Sector::ALL.len() <= 32);

/// A set of sectors, one bit per sector of the taxonomy.
pub(super) type SectorMask = u32;

pub(super) fn sector_mask(sectors: impl IntoIterator<Item = Sector>) -> SectorMask {
    sectors
        .into_iter()
        .fold(0, |mask, sector| mask | 1 << (sector as u32))
}

/// The sectors in `mask`, in the taxonomy's order.
pub(super) fn sectors_in(mask: SectorMask) -> impl Iterator<Item = Sector> {
    Sector::ALL
        .iter()
        .copied()
        .filter(move |sector| mask & 1 << (*sector as u32) != 0)
}

/// Every sector that complements at least one sector of `mask` along a value chain.
pub(super) fn complements_of(mask: SectorMask) -> SectorMask {
    static TABLE: OnceLock<Vec<SectorMask>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        Sector::ALL
            .iter()
            .map(|sector| sector_mask(sector.complements().iter().copied()))
            .collect()
    });
    let mut all = 0;
    let mut rest = mask;
    while rest != 0 {
        let bit = rest.trailing_zeros();
        all |= table[bit as usize];
        rest &= rest - 1;
    }
    all
}

/// What scoring reads of one initiative, packed for fast scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    pub id: InitiativeId,
    pub sectors: SectorMask,
    pub country: [u8; 2],
    pub maturity: MaturityStage,
    pub stages: Stages,
    pub eligible: bool,
}

impl Entry {
    pub fn of(id: InitiativeId, record: &InitiativeRecord) -> Self {
        let country = record.country.as_str().as_bytes();
        Self {
            id,
            sectors: sector_mask(record.sectors.iter()),
            country: [country[0], country[1]],
            maturity: record.maturity_stage,
            stages: stages_of(&record.value_chain_focus),
            eligible: record.is_eligible(),
        }
    }
}

/// Dense slots (one per initiative ever registered, never reused) keep entries contiguous and
/// candidate sets cheap to mark.
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    slot_of: HashMap<InitiativeId, u32>,
    entries: Vec<Entry>,
    /// Per sector (by `Sector as usize`): the eligible initiatives in it, as sorted slots.
    by_sector: Vec<Vec<u32>>,
    /// Account → slots of the initiatives it manages.
    managed_by: HashMap<AccountId, Vec<u32>>,
    /// Account → communities it is a member of (any role).
    communities_of: HashMap<AccountId, BTreeSet<CommunityId>>,
    /// Initiative → initiative → how many public joint projects (approved, active or completed)
    /// both take part in (as lead or accepted partner).
    collaborations: HashMap<InitiativeId, HashMap<InitiativeId, u32>>,
    /// Projects initiatives may join now: public (approved or active) with an open call. There
    /// are far fewer than initiatives, so a query walks them all, testing these packed facts.
    open_projects: BTreeMap<JointProjectId, OpenProject>,
}

/// What a query for an initiative reads of an open project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OpenProject {
    pub lead: InitiativeId,
    /// The lead's slot, filled in by the index (an initiative's slot never changes).
    pub lead_slot: Option<u32>,
    pub sectors: SectorMask,
    pub complements: SectorMask,
    /// Initiatives it is not offered to: those invited (whatever they answered) and those
    /// that already answered the call.
    pub settled: Vec<InitiativeId>,
}

/// Who took part in a public project, and whether (and how) it takes partners now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ProjectFacts {
    pub participants: Vec<InitiativeId>,
    pub open: Option<OpenProject>,
}

impl ProjectFacts {
    pub fn of(project: &JointProject) -> Self {
        let status = project.status();
        let Some(details) = project.details() else {
            return Self::default();
        };
        let public = matches!(
            status,
            ProjectStatus::Approved | ProjectStatus::Active | ProjectStatus::Completed
        );
        let participants = if public {
            std::iter::once(details.lead)
                .chain(
                    project
                        .partners()
                        .iter()
                        .filter(|(_, state)| **state == InvitationState::Accepted)
                        .map(|(id, _)| *id),
                )
                .collect()
        } else {
            Vec::new()
        };
        let open = (project.is_call_open()
            && matches!(status, ProjectStatus::Approved | ProjectStatus::Active))
        .then(|| {
            let sectors = sector_mask(details.sectors.iter());
            OpenProject {
                lead: details.lead,
                lead_slot: None,
                sectors,
                complements: complements_of(sectors),
                settled: project
                    .partners()
                    .keys()
                    .chain(project.interested())
                    .copied()
                    .collect(),
            }
        });
        Self { participants, open }
    }
}

impl Index {
    pub fn slot(&self, id: &InitiativeId) -> Option<u32> {
        self.slot_of.get(id).copied()
    }

    pub fn entry(&self, slot: u32) -> &Entry {
        &self.entries[slot as usize]
    }

    pub fn slots(&self) -> usize {
        self.entries.len()
    }

    pub fn in_sector(&self, sector: Sector) -> &[u32] {
        self.by_sector
            .get(sector as usize)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn managed_by(&self, account: &AccountId) -> &[u32] {
        self.managed_by
            .get(account)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    pub fn communities_of(&self, account: &AccountId) -> Option<&BTreeSet<CommunityId>> {
        self.communities_of.get(account)
    }

    pub fn collaborations_of(&self, id: &InitiativeId) -> Option<&HashMap<InitiativeId, u32>> {
        self.collaborations.get(id)
    }

    pub fn open_projects(&self) -> &BTreeMap<JointProjectId, OpenProject> {
        &self.open_projects
    }

    /// Records the current state of initiative `id` (registering its slot the first time).
    pub fn initiative_changed(&mut self, id: InitiativeId, record: &InitiativeRecord) {
        if self.by_sector.is_empty() {
            self.by_sector = vec![Vec::new(); Sector::ALL.len()];
        }
        let entry = Entry::of(id, record);
        let slot = match self.slot_of.get(&id) {
            Some(&slot) => {
                let old = self.entries[slot as usize];
                if old.eligible {
                    for sector in sectors_in(old.sectors) {
                        let list = &mut self.by_sector[sector as usize];
                        if let Ok(at) = list.binary_search(&slot) {
                            list.remove(at);
                        }
                    }
                }
                self.entries[slot as usize] = entry;
                slot
            }
            None => {
                let slot = u32::try_from(self.entries.len()).unwrap_or(u32::MAX);
                self.slot_of.insert(id, slot);
                self.entries.push(entry);
                for manager in &record.managers {
                    self.manager_added(*manager, id);
                }
                slot
            }
        };
        if entry.eligible {
            for sector in sectors_in(entry.sectors) {
                let list = &mut self.by_sector[sector as usize];
                if let Err(at) = list.binary_search(&slot) {
                    list.insert(at, slot);
                }
            }
        }
    }

    pub fn manager_added(&mut self, account: AccountId, id: InitiativeId) {
        if let Some(slot) = self.slot(&id) {
            let slots = self.managed_by.entry(account).or_default();
            if !slots.contains(&slot) {
                slots.push(slot);
            }
        }
    }

    pub fn manager_removed(&mut self, account: AccountId, id: InitiativeId) {
        if let (Some(slot), Some(slots)) = (self.slot(&id), self.managed_by.get_mut(&account)) {
            slots.retain(|s| *s != slot);
            if slots.is_empty() {
                self.managed_by.remove(&account);
            }
        }
    }

    /// Records whether `account` is a member of `community`.
    pub fn membership_changed(&mut self, account: AccountId, community: CommunityId, member: bool) {
        if member {
            self.communities_of
                .entry(account)
                .or_default()
                .insert(community);
        } else if let Some(communities) = self.communities_of.get_mut(&account) {
            communities.remove(&community);
            if communities.is_empty() {
                self.communities_of.remove(&account);
            }
        }
    }

    /// Replaces what project `id` contributed (`before`) by what it contributes now (`after`).
    pub fn project_changed(
        &mut self,
        id: JointProjectId,
        before: &ProjectFacts,
        after: &ProjectFacts,
    ) {
        if before.participants != after.participants {
            self.count_collaborations(&before.participants, false);
            self.count_collaborations(&after.participants, true);
        }
        match &after.open {
            Some(open) => {
                let lead_slot = self.slot(&open.lead);
                let open = OpenProject {
                    lead_slot,
                    ..open.clone()
                };
                self.open_projects.insert(id, open);
            }
            None => {
                self.open_projects.remove(&id);
            }
        }
    }

    fn count_collaborations(&mut self, participants: &[InitiativeId], add: bool) {
        for a in participants {
            for b in participants.iter().filter(|b| *b != a) {
                let with = self.collaborations.entry(*a).or_default();
                let count = with.entry(*b).or_default();
                if add {
                    *count += 1;
                } else {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        with.remove(b);
                    }
                }
                if with.is_empty() {
                    self.collaborations.remove(a);
                }
            }
        }
    }
}
