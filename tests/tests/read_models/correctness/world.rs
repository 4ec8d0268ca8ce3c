//! Random histories: steps over small pools of people and records, run through the real store.

use chrono::{DateTime, TimeZone, Utc};
use domain::actor::{Actor, Role};
use domain::community::{Community, CommunityCommand, JoinPolicy, Theme};
use domain::initiative::{Initiative, InitiativeCommand, InitiativeStatus, ProfileChanges};
use domain::joint_project::{InitiativeStanding, JointProject, JointProjectCommand, Objective};
use domain::publication::{Kind, Publication, PublicationCommand, PublicationContent};
use domain::thread::Thread;
use domain::values::*;
use e2e::sample_profile;
use proptest::prelude::*;
use store::{CommandBus, EventLog, EventMetadata};

mod threads;

const PEOPLE: usize = 4;
const SLOTS: usize = 3;

/// One step of a random history; indices pick people and records from small pools, so that
/// steps meet the same records often. Steps the domain refuses write nothing, as over HTTP.
#[derive(Debug, Clone)]
pub enum Step {
    Register {
        slot: usize,
        person: usize,
        country: usize,
    },
    Approve(usize),
    Reject(usize),
    Resubmit(usize),
    Rename(usize),
    MoreFirms(usize),
    ApproveChange(usize),
    Confirm(usize),
    Retire(usize),
    AddManager {
        slot: usize,
        person: usize,
    },
    CreateCommunity(usize),
    Join {
        community: usize,
        person: usize,
    },
    Leave {
        community: usize,
        person: usize,
    },
    Propose {
        project: usize,
        lead: usize,
    },
    Invite {
        project: usize,
        partner: usize,
    },
    Accept {
        project: usize,
        partner: usize,
    },
    OpenCall(usize),
    Submit(usize),
    ApproveProject(usize),
    Publish(usize),
    ApprovePublication(usize),
    /// Starts thread `thread` (in community `thread`) or replies in it.
    Post {
        thread: usize,
        person: usize,
    },
}

pub fn step() -> impl Strategy<Value = Step> {
    let s = 0..SLOTS;
    let p = 0..PEOPLE;
    prop_oneof![
        (s.clone(), p.clone(), 0..3usize).prop_map(|(slot, person, country)| Step::Register {
            slot,
            person,
            country
        }),
        s.clone().prop_map(Step::Approve),
        s.clone().prop_map(Step::Reject),
        s.clone().prop_map(Step::Resubmit),
        s.clone().prop_map(Step::Rename),
        s.clone().prop_map(Step::MoreFirms),
        s.clone().prop_map(Step::ApproveChange),
        s.clone().prop_map(Step::Confirm),
        s.clone().prop_map(Step::Retire),
        (s.clone(), p.clone()).prop_map(|(slot, person)| Step::AddManager { slot, person }),
        s.clone().prop_map(Step::CreateCommunity),
        (s.clone(), p.clone()).prop_map(|(community, person)| Step::Join { community, person }),
        (s.clone(), p.clone()).prop_map(|(community, person)| Step::Leave { community, person }),
        (s.clone(), s.clone()).prop_map(|(project, lead)| Step::Propose { project, lead }),
        (s.clone(), s.clone()).prop_map(|(project, partner)| Step::Invite { project, partner }),
        (s.clone(), s.clone()).prop_map(|(project, partner)| Step::Accept { project, partner }),
        s.clone().prop_map(Step::OpenCall),
        s.clone().prop_map(Step::Submit),
        s.clone().prop_map(Step::ApproveProject),
        s.clone().prop_map(Step::Publish),
        s.clone().prop_map(Step::ApprovePublication),
        (s, p).prop_map(|(thread, person)| Step::Post { thread, person }),
    ]
}

/// The cast and the records of one history.
pub struct World {
    people: Vec<Actor>,
    moderator: Actor,
    initiatives: Vec<InitiativeId>,
    communities: Vec<CommunityId>,
    projects: Vec<JointProjectId>,
    publications: Vec<PublicationId>,
    threads: Vec<ThreadId>,
    initiative_bus: CommandBus<Initiative>,
    community_bus: CommandBus<Community>,
    project_bus: CommandBus<JointProject>,
    publication_bus: CommandBus<Publication>,
    thread_bus: CommandBus<Thread>,
}

fn at(step: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(step as i64)
}

impl World {
    pub fn new(log: &EventLog) -> Self {
        let person = |roles: Vec<Role>| Actor::new(AccountId::new(), roles);
        Self {
            people: (0..PEOPLE).map(|_| person(vec![Role::Member])).collect(),
            moderator: person(vec![Role::Member, Role::Moderator]),
            initiatives: (0..SLOTS).map(|_| InitiativeId::new()).collect(),
            communities: (0..SLOTS).map(|_| CommunityId::new()).collect(),
            projects: (0..SLOTS).map(|_| JointProjectId::new()).collect(),
            publications: (0..SLOTS).map(|_| PublicationId::new()).collect(),
            threads: (0..SLOTS).map(|_| ThreadId::new()).collect(),
            initiative_bus: log.commands(()),
            community_bus: log.commands(()),
            project_bus: log.commands(()),
            publication_bus: log.commands(()),
            thread_bus: log.commands(()),
        }
    }

    async fn initiative(&self, slot: usize) -> std::sync::Arc<Initiative> {
        let id = self.initiatives[slot].to_string();
        self.initiative_bus
            .store()
            .load_fresh(&id)
            .await
            .unwrap()
            .aggregate
    }

    /// The first manager of an initiative (or the first person, if it has none yet).
    async fn manager(&self, slot: usize) -> Actor {
        let state = self.initiative(slot).await;
        let account = state.managers().iter().next().copied();
        self.people
            .iter()
            .find(|p| Some(p.account) == account)
            .unwrap_or(&self.people[0])
            .clone()
    }

    async fn standing(&self, slot: usize) -> InitiativeStanding {
        match self.initiative(slot).await.status() {
            InitiativeStatus::Approved => InitiativeStanding::Approved,
            InitiativeStatus::Rejected => InitiativeStanding::Rejected,
            InitiativeStatus::Retired => InitiativeStanding::Retired,
            _ => InitiativeStanding::Submitted,
        }
    }

    pub async fn perform(&self, n: usize, step: &Step) {
        let meta = EventMetadata::system("proptest", "step");
        let when = at(n);
        let moderator = self.moderator.clone();
        let initiative = |slot: usize, command| {
            let id = self.initiatives[slot].to_string();
            async move {
                self.initiative_bus
                    .execute(&id, command, meta.clone())
                    .await
                    .is_ok()
            }
        };
        let _written = match step {
            Step::Register {
                slot,
                person,
                country,
            } => {
                let mut profile = sample_profile();
                profile.country = CountryCode::new(["CL", "AR", "UY"][*country]).unwrap();
                let command = InitiativeCommand::Register {
                    id: self.initiatives[*slot],
                    profile,
                    actor: self.people[*person].clone(),
                    at: when,
                };
                initiative(*slot, command).await
            }
            Step::Approve(slot) => {
                initiative(
                    *slot,
                    InitiativeCommand::Approve {
                        actor: moderator,
                        at: when,
                    },
                )
                .await
            }
            Step::Reject(slot) => {
                let reason = Reason::new("Faltan datos").unwrap();
                initiative(
                    *slot,
                    InitiativeCommand::Reject {
                        reason,
                        actor: moderator,
                        at: when,
                    },
                )
                .await
            }
            Step::Resubmit(slot) => {
                let actor = self.manager(*slot).await;
                initiative(*slot, InitiativeCommand::Resubmit { actor, at: when }).await
            }
            Step::Rename(slot) | Step::MoreFirms(slot) => {
                let actor = self.manager(*slot).await;
                let changes = match step {
                    Step::Rename(_) => ProfileChanges {
                        name: Some(Name::new(format!("Clúster renombrado {n}")).unwrap()),
                        ..ProfileChanges::default()
                    },
                    _ => ProfileChanges {
                        number_of_firms: Some(FirmCount::new(100 + n as u64).unwrap()),
                        ..ProfileChanges::default()
                    },
                };
                initiative(
                    *slot,
                    InitiativeCommand::UpdateProfile {
                        changes,
                        actor,
                        at: when,
                    },
                )
                .await
            }
            Step::ApproveChange(slot) => {
                initiative(
                    *slot,
                    InitiativeCommand::ApproveProfileChange {
                        actor: moderator,
                        at: when,
                    },
                )
                .await
            }
            Step::Confirm(slot) => {
                let actor = self.manager(*slot).await;
                initiative(*slot, InitiativeCommand::Confirm { actor, at: when }).await
            }
            Step::Retire(slot) => {
                initiative(
                    *slot,
                    InitiativeCommand::Retire {
                        reason: None,
                        actor: moderator,
                        at: when,
                    },
                )
                .await
            }
            Step::AddManager { slot, person } => {
                let command = InitiativeCommand::AddManager {
                    account: self.people[*person].account,
                    account_active: true,
                    actor: moderator,
                    at: when,
                };
                initiative(*slot, command).await
            }
            Step::CreateCommunity(c) => {
                let command = CommunityCommand::CreateCommunity {
                    community_id: self.communities[*c],
                    actor: moderator,
                    name: Name::new(format!("Comunidad {c}")).unwrap(),
                    theme: Theme::Sector(Sector::Lithium),
                    join_policy: JoinPolicy::Open,
                    at: when,
                };
                self.community(*c, command).await
            }
            Step::Join { community, person } => {
                let actor = self.people[*person].clone();
                self.community(*community, CommunityCommand::Join { actor, at: when })
                    .await
            }
            Step::Leave { community, person } => {
                let actor = self.people[*person].clone();
                self.community(*community, CommunityCommand::Leave { actor, at: when })
                    .await
            }
            Step::Propose { project, lead } => {
                let command = JointProjectCommand::Propose {
                    project_id: self.projects[*project],
                    lead: self.initiatives[*lead],
                    lead_standing: self.standing(*lead).await,
                    actor: self.manager(*lead).await,
                    actor_manages_lead: true,
                    title: Title::new("Cadena regional del litio").unwrap(),
                    description: Description::new("Proveedores compartidos.").unwrap(),
                    sectors: Sectors::new(vec![Sector::Lithium]).unwrap(),
                    objectives: vec![Objective::new("Exportar juntos").unwrap()],
                    at: when,
                };
                self.project(*project, command).await
            }
            Step::Invite { project, partner } => {
                let command = JointProjectCommand::InvitePartner {
                    actor: moderator,
                    actor_manages_lead: true,
                    initiative: self.initiatives[*partner],
                    initiative_standing: self.standing(*partner).await,
                    at: when,
                };
                self.project(*project, command).await
            }
            Step::Accept { project, partner } => {
                let command = JointProjectCommand::AcceptInvitation {
                    actor: self.manager(*partner).await,
                    initiative: self.initiatives[*partner],
                    actor_manages_initiative: true,
                    at: when,
                };
                self.project(*project, command).await
            }
            Step::OpenCall(project) => {
                let command = JointProjectCommand::OpenCallForPartners {
                    actor: moderator,
                    actor_manages_lead: true,
                    at: when,
                };
                self.project(*project, command).await
            }
            Step::Submit(project) => {
                let command = JointProjectCommand::SubmitForReview {
                    actor: moderator,
                    actor_manages_lead: true,
                    at: when,
                };
                self.project(*project, command).await
            }
            Step::ApproveProject(project) => {
                self.project(
                    *project,
                    JointProjectCommand::Approve {
                        actor: moderator,
                        actor_manages_lead: false,
                        actor_manages_partner: false,
                        at: when,
                    },
                )
                .await
            }
            Step::Publish(k) => {
                let command = PublicationCommand::Submit {
                    publication_id: self.publications[*k],
                    actor: self.people[*k % PEOPLE].clone(),
                    content: PublicationContent {
                        title: Title::new("Informe regional").unwrap(),
                        summary: Description::new("Resultados del año.").unwrap(),
                        link: None,
                        kind: Kind::News,
                        language: None,
                        topic: None,
                        format: None,
                    },
                    at: when,
                };
                self.publication(*k, command).await
            }
            Step::ApprovePublication(k) => {
                self.publication(
                    *k,
                    PublicationCommand::Approve {
                        actor: moderator,
                        at: when,
                    },
                )
                .await
            }
            Step::Post { thread, person } => self.post(*thread, *person, when).await,
        };
    }

    async fn community(&self, c: usize, command: CommunityCommand) -> bool {
        let meta = EventMetadata::system("proptest", "step");
        let id = self.communities[c].to_string();
        self.community_bus.execute(&id, command, meta).await.is_ok()
    }

    async fn project(&self, p: usize, command: JointProjectCommand) -> bool {
        let meta = EventMetadata::system("proptest", "step");
        let id = self.projects[p].to_string();
        self.project_bus.execute(&id, command, meta).await.is_ok()
    }

    async fn publication(&self, k: usize, command: PublicationCommand) -> bool {
        let meta = EventMetadata::system("proptest", "step");
        let id = self.publications[k].to_string();
        self.publication_bus
            .execute(&id, command, meta)
            .await
            .is_ok()
    }
}
