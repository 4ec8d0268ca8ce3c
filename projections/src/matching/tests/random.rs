//! Random histories, answered by the indexes and by brute force (every initiative or project
//! scored with links counted the slow way): the answers must be identical.

use domain::initiative::{InitiativeEvent, ProfileChanges};
use domain::joint_project::{InvitationState, JointProject, ProjectStatus};
use domain::values::{
    AccountId, InitiativeId, JointProjectId, MaturityStage, Sector, Sector::*, Sectors,
};

use super::{id, manager_of, History, Plan, Stage, Traits};
use crate::matching::index::{complements_of, sector_mask, Entry};
use crate::matching::score::{Pairing, Points};
use crate::matching::ProjectMatching;

/// A small deterministic generator (xorshift64*): the tests need no rand dependency.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[self.below(from.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SECTORS: &[Sector] = &[
    Lithium,
    Electromobility,
    Mining,
    AgriFoodFishing,
    Logistics,
    Tourism,
    EnergyTransition,
    GreenHydrogen,
    Ict,
];
const COUNTRIES: &[&str] = &["CL", "AR", "BO", "PE", "MX", "BR"];
const FOCI: &[&str] = &[
    "",
    "Proveedores de insumos",
    "Cultivo y cosecha",
    "Procesamiento industrial",
    "Exportación y distribución",
];

fn sectors(dice: &mut Dice) -> Vec<Sector> {
    let mut chosen: Vec<Sector> = (0..1 + dice.below(3)).map(|_| dice.pick(SECTORS)).collect();
    chosen.sort();
    chosen.dedup();
    chosen
}

/// `n` initiatives (most approved, a few retired, some with a second manager), communities,
/// projects in every state, and later profile edits.
pub(in crate::matching) fn random_history(seed: u64, n: usize) -> History {
    let mut dice = Dice(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut h = History::new();
    let mut initiatives = Vec::new();
    for i in 0..n {
        let name = format!("Iniciativa {i}");
        let chosen = sectors(&mut dice);
        let traits = Traits {
            name: &name,
            country: dice.pick(COUNTRIES),
            sectors: &chosen,
            focus: dice.pick(FOCI),
            maturity: dice.pick(MaturityStage::ALL),
        };
        let initiative = h.initiative(i as u128 + 1, traits, dice.chance(85));
        if dice.chance(20) {
            let account: AccountId = id(0x10_000 + dice.below(n) as u128);
            h.initiative_event(
                initiative,
                InitiativeEvent::ManagerAdded {
                    account,
                    by: manager_of(initiative),
                    at: chrono::Utc::now(),
                },
            );
        }
        initiatives.push(initiative);
    }
    let approved: Vec<InitiativeId> = initiatives
        .iter()
        .copied()
        .filter(|i| h.model.initiatives[i].is_eligible())
        .collect();
    for c in 0..n / 15 + 1 {
        let members: Vec<AccountId> = (0..12)
            .map(|_| {
                if dice.chance(80) {
                    manager_of(dice.pick(&initiatives))
                } else {
                    id(0x10_000 + dice.below(n) as u128)
                }
            })
            .collect();
        h.community(0x20_000 + c as u128, &members);
    }
    for p in 0..n / 6 + 1 {
        let lead = dice.pick(&approved);
        let others = |dice: &mut Dice, count: usize| -> Vec<InitiativeId> {
            let mut chosen: Vec<InitiativeId> = (0..count)
                .map(|_| dice.pick(&approved))
                .filter(|i| *i != lead)
                .collect();
            chosen.sort();
            chosen.dedup();
            chosen
        };
        let count = dice.below(3);
        let accepted = others(&mut dice, count);
        let count = dice.below(2);
        let invited: Vec<InitiativeId> = others(&mut dice, count)
            .into_iter()
            .filter(|i| !accepted.contains(i))
            .collect();
        let mut stage = dice.pick(&[
            Stage::Proposed,
            Stage::Approved,
            Stage::Approved,
            Stage::Active,
            Stage::Completed,
            Stage::Withdrawn,
        ]);
        if accepted.is_empty() && matches!(stage, Stage::Active | Stage::Completed) {
            stage = Stage::Approved;
        }
        let open = dice.chance(60);
        let chosen = sectors(&mut dice);
        let plan = Plan {
            sectors: &chosen,
            accepted: &accepted,
            invited: &invited,
            open,
            stage,
        };
        h.project(0x30_000 + p as u128, lead, plan);
    }
    for _ in 0..n / 10 {
        let initiative = dice.pick(&initiatives);
        if dice.chance(30) {
            h.retire(initiative);
        } else if h.model.initiatives[&initiative].status
            != domain::initiative::InitiativeStatus::Retired
        {
            let changes = ProfileChanges {
                sectors: Some(Sectors::new(sectors(&mut dice)).unwrap()),
                maturity_stage: Some(dice.pick(MaturityStage::ALL)),
                ..ProfileChanges::default()
            };
            h.update_profile(initiative, changes, false);
        }
    }
    h
}

fn public(project: &JointProject) -> bool {
    matches!(
        project.status(),
        ProjectStatus::Approved | ProjectStatus::Active | ProjectStatus::Completed
    )
}

fn takes_part(project: &JointProject, initiative: InitiativeId) -> bool {
    project.details().is_some_and(|d| d.lead == initiative)
        || project.partners().get(&initiative) == Some(&InvitationState::Accepted)
}

/// The score of `candidate` for `project`, with links counted from the model's own records.
fn slow_score(
    model: &ProjectMatching,
    project: &JointProject,
    candidate: InitiativeId,
) -> Option<Points> {
    let details = project.details()?;
    let lead_record = &model.initiatives[&details.lead];
    let record = &model.initiatives[&candidate];
    let lead = Entry::of(details.lead, lead_record);
    let entry = Entry::of(candidate, record);
    let shared_communities = model
        .communities
        .values()
        .filter(|c| {
            lead_record.managers.iter().any(|m| c.role_of(m).is_some())
                && record.managers.iter().any(|m| c.role_of(m).is_some())
        })
        .count() as u32;
    let collaborations = model
        .projects
        .values()
        .filter(|p| public(p) && takes_part(p, details.lead) && takes_part(p, candidate))
        .count() as u32;
    let sectors = sector_mask(details.sectors.iter());
    let pairing = Pairing {
        project_sectors: sectors,
        project_complements: complements_of(sectors),
        lead: &lead,
        candidate: &entry,
        shared_communities,
        collaborations,
    };
    Some(pairing.score()?.total())
}

fn best<K: Ord + Copy>(mut scored: Vec<(Points, K)>, limit: usize) -> Vec<(Points, K)> {
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.truncate(limit);
    scored
}

fn slow_matches(
    model: &ProjectMatching,
    id: JointProjectId,
    limit: usize,
) -> Vec<(Points, InitiativeId)> {
    let project = &model.projects[&id];
    let lead = project.details().unwrap().lead;
    if !project.status().is_ongoing() {
        return Vec::new();
    }
    let scored = model
        .initiatives
        .iter()
        .filter(|(i, r)| **i != lead && r.is_eligible() && !project.partners().contains_key(i))
        .filter_map(|(i, _)| Some((slow_score(model, project, *i)?, *i)))
        .collect();
    best(scored, limit)
}

fn slow_projects(
    model: &ProjectMatching,
    id: InitiativeId,
    limit: usize,
) -> Vec<(Points, JointProjectId)> {
    if !model.initiatives[&id].is_eligible() {
        return Vec::new();
    }
    let scored = model
        .projects
        .iter()
        .filter(|(_, p)| {
            p.is_call_open()
                && matches!(p.status(), ProjectStatus::Approved | ProjectStatus::Active)
        })
        .filter(|(_, p)| {
            p.details().is_some_and(|d| d.lead != id)
                && !p.partners().contains_key(&id)
                && !p.interested().contains(&id)
        })
        .filter_map(|(pid, p)| Some((slow_score(model, p, id)?, *pid)))
        .collect();
    best(scored, limit)
}

#[test]
fn the_indexes_give_the_answers_of_brute_force() {
    for seed in 1..=4 {
        let history = random_history(seed, 300);
        let model = &history.model;
        let mut nonempty = 0;
        for limit in [3, 50] {
            for id in model.projects.keys() {
                let fast: Vec<(Points, InitiativeId)> = model
                    .matches_for_project(*id, limit)
                    .iter()
                    .map(|m| (m.score, m.initiative.id))
                    .collect();
                assert_eq!(
                    fast,
                    slow_matches(model, *id, limit),
                    "seed {seed}, project {id}"
                );
                nonempty += usize::from(!fast.is_empty());
            }
            for id in model.initiatives.keys() {
                let fast: Vec<(Points, JointProjectId)> = model
                    .projects_for_initiative(*id, limit)
                    .iter()
                    .map(|m| (m.score, m.project.id))
                    .collect();
                assert_eq!(
                    fast,
                    slow_projects(model, *id, limit),
                    "seed {seed}, initiative {id}"
                );
            }
        }
        assert!(
            nonempty > 10,
            "seed {seed}: the history gives projects candidates"
        );
    }
}
