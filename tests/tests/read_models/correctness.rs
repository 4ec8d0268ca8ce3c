//! The engine's promises, checked on random histories (proptest): after any sequence of
//! commands, (1) every live projection equals one rebuilt from scratch; (2) stopping at a random
//! event, saving snapshots and resuming from them gives the same state; (3) as-of at the head
//! equals live, by position and by time.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use domain::actor::{Actor, Role};
use domain::community::{Community, CommunityCommand, JoinPolicy, Theme};
use domain::initiative::{Initiative, InitiativeCommand, InitiativeStatus, ProfileChanges};
use domain::joint_project::{InitiativeStanding, JointProject, JointProjectCommand, Objective};
use domain::publication::{Kind, Publication, PublicationCommand, PublicationContent};
use domain::values::*;
use e2e::sample_profile;
use projections::{Engine, EngineBuilder, ReadModels, Until};
use proptest::prelude::*;
use store::testing::postgres_log;
use store::{CommandBus, EventLog, EventMetadata, FeedPosition, Snapshots};

const PEOPLE: usize = 4;
const SLOTS: usize = 3;

/// One step of a random history; indices pick people and records from small pools, so that
/// steps meet the same records often. Steps the domain refuses write nothing, as over HTTP.
#[derive(Debug, Clone)]
enum Step {
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
}

fn step() -> impl Strategy<Value = Step> {
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
        s.prop_map(Step::ApprovePublication),
    ]
}

/// The cast and the records of one history.
struct World {
    people: Vec<Actor>,
    moderator: Actor,
    initiatives: Vec<InitiativeId>,
    communities: Vec<CommunityId>,
    projects: Vec<JointProjectId>,
    publications: Vec<PublicationId>,
    initiative_bus: CommandBus<Initiative>,
    community_bus: CommandBus<Community>,
    project_bus: CommandBus<JointProject>,
    publication_bus: CommandBus<Publication>,
}

fn at(step: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::hours(step as i64)
}

impl World {
    fn new(log: &EventLog) -> Self {
        let person = |roles: Vec<Role>| Actor::new(AccountId::new(), roles);
        Self {
            people: (0..PEOPLE).map(|_| person(vec![Role::Member])).collect(),
            moderator: person(vec![Role::Member, Role::Moderator]),
            initiatives: (0..SLOTS).map(|_| InitiativeId::new()).collect(),
            communities: (0..SLOTS).map(|_| CommunityId::new()).collect(),
            projects: (0..SLOTS).map(|_| JointProjectId::new()).collect(),
            publications: (0..SLOTS).map(|_| PublicationId::new()).collect(),
            initiative_bus: log.commands(()),
            community_bus: log.commands(()),
            project_bus: log.commands(()),
            publication_bus: log.commands(()),
        }
    }

    async fn initiative(&self, slot: usize) -> Initiative {
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

    async fn perform(&self, n: usize, step: &Step) {
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

/// A fresh set of read models on `log`, restoring snapshots when given.
fn engine(log: &EventLog, snapshots: Option<Snapshots>) -> (ReadModels, Engine) {
    let mut builder = EngineBuilder::new(log.feed());
    if let Some(snapshots) = snapshots {
        builder = builder.with_snapshots(snapshots);
    }
    let models = ReadModels::register(&mut builder);
    (models, builder.build())
}

async fn check(steps: Vec<Step>, stop_at: prop::sample::Index) {
    let (_db, log) = postgres_log().await;
    // The live engine runs from the start, as a server does.
    let (live, live_engine) = engine(&log, None);
    let live_engine = std::sync::Arc::new(live_engine);
    live_engine.spawn();

    let world = World::new(&log);
    for (n, step) in steps.iter().enumerate() {
        world.perform(n, step).await;
    }
    // The newest event, located by its global position: reading the feed right after the
    // commits could still hide it behind another test's open transaction (the feed only shows
    // what is final), so the live engine is waited for, then the feed is read.
    let feed = log.feed();
    let newest = feed.head_position().await.unwrap();
    let head = match feed.locate(newest).await.unwrap() {
        Some(head) => head,
        None => FeedPosition::START,
    };
    assert!(
        live_engine.wait_for(head, Duration::from_secs(20)).await,
        "the live engine caught up"
    );
    let events = feed
        .read_after(FeedPosition::START, usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        events.last().map(|e| e.feed_position()),
        (newest > 0).then_some(head),
        "every event is final once the live engine has it"
    );

    // (1) Rebuilt from scratch equals live.
    let (rebuilt, rebuilt_engine) = engine(&log, None);
    rebuilt_engine.run_until(Until::Head, |_| {}).await.unwrap();
    let live_state = live.to_json();
    assert!(
        live_state.values().all(Result::is_ok),
        "every model serialises"
    );
    assert_eq!(
        rebuilt.to_json(),
        live_state,
        "rebuilt from scratch equals live"
    );

    // (2) Stop at a random event, save, resume from the snapshots: the same state.
    let snapshots = Snapshots::new(log.database().clone());
    let stop = if events.is_empty() {
        FeedPosition::START
    } else {
        events[stop_at.index(events.len())].feed_position()
    };
    let (_, stopped) = engine(&log, Some(snapshots.clone()));
    stopped
        .run_until(Until::Position(stop), |_| {})
        .await
        .unwrap();
    stopped.save_snapshots().await.unwrap();
    let (resumed, resumed_engine) = engine(&log, Some(snapshots));
    resumed_engine.restore().await.unwrap();
    resumed_engine.run_until(Until::Head, |_| {}).await.unwrap();
    assert_eq!(
        resumed.to_json(),
        live_state,
        "resumed from a checkpoint equals live"
    );

    // (3) As-of at the head equals live, by position and by time.
    let (at_head, at_head_engine) = engine(&log, None);
    at_head_engine
        .run_until(Until::Position(head), |_| {})
        .await
        .unwrap();
    assert_eq!(
        at_head.to_json(),
        live_state,
        "as-of the head position equals live"
    );
    let (by_time, by_time_engine) = engine(&log, None);
    by_time_engine
        .run_until(Until::RecordedBy(Utc::now()), |_| {})
        .await
        .unwrap();
    assert_eq!(by_time.to_json(), live_state, "as-of now equals live");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn live_rebuilt_resumed_and_as_of_agree(
        steps in prop::collection::vec(step(), 1..60),
        stop_at in any::<prop::sample::Index>(),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(check(steps, stop_at));
    }
}
