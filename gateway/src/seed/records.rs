//! Writes the curated records through the command buses, as the API does: every command is
//! decided by its aggregate (so a record that breaks a rule is refused, not stored), the events
//! carry `system:seed` as their actor, and a stream that already exists is left alone, which
//! makes a second run write nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use cqrs_es::Aggregate;
use domain::actor::Actor;
use domain::community::{Community, CommunityCommand, CommunityRole, JoinPolicy, Theme};
use domain::initiative::{Initiative, InitiativeCommand};
use domain::joint_project::{InitiativeStanding, JointProject, JointProjectCommand, Objective};
use domain::publication::{Publication, PublicationCommand};
use domain::thread::{PostBody, Thread, ThreadCommand};
use domain::values::{Description, InitiativeId, Name, Reason, Sectors, Title};
use store::{CommandBus, Decided, EventLog, PendingAppend};

use super::accounts::{metadata, Seeded};
use super::data::{
    Activity, Initiatives, ProjectState, PublicationState, SeedCommunity, SeedProject,
    SeedPublication,
};

/// Streams decided before they are written together in one transaction.
const STREAMS_PER_COMMIT: usize = 100;

/// What one run wrote.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Counts {
    pub events: u64,
    pub initiatives: usize,
    pub communities: usize,
    pub threads: usize,
    pub joint_projects: usize,
    pub publications: usize,
    /// Records found already in the store and left as they are.
    pub skipped: usize,
}

/// How long the seeded story lasts: its last step is at 73 hours.
const STORY_MINUTES: i64 = 74 * 60;

pub struct Loader<'a> {
    pub log: &'a EventLog,
    pub people: &'a BTreeMap<String, Seeded>,
    pub moderator: Actor,
    pub at: DateTime<Utc>,
    pub progress: &'a (dyn Fn(u64) + Sync),
    pending: Vec<PendingAppend<'a>>,
    pub counts: Counts,
    streams_done: u64,
}

impl<'a> Loader<'a> {
    pub fn new(
        log: &'a EventLog,
        people: &'a BTreeMap<String, Seeded>,
        moderator: Actor,
        at: DateTime<Utc>,
        progress: &'a (dyn Fn(u64) + Sync),
    ) -> Self {
        Self {
            log,
            people,
            moderator,
            at,
            progress,
            pending: Vec::new(),
            counts: Counts::default(),
            streams_done: 0,
        }
    }

    fn person(&self, key: &str) -> Result<Actor, String> {
        self.people
            .get(key)
            .map(|p| p.actor.clone())
            .ok_or_else(|| format!("the seed data names an unknown account `{key}`"))
    }

    /// The moment `minutes` into the story. The story (registrations, approvals, threads,
    /// projects, publications, in that order) ends an hour before the seed is loaded, so that
    /// every domain time lies before the moment its event is recorded, as it would for records
    /// people wrote.
    fn when(&self, minutes: i64) -> DateTime<Utc> {
        self.at - Duration::minutes(STORY_MINUTES - minutes)
    }

    pub async fn initiatives(
        &mut self,
        bus: &'a CommandBus<Initiative>,
        data: &Initiatives,
    ) -> Result<(), String> {
        for seed in &data.initiatives {
            let id = seed.id.to_string();
            if self.exists(bus, &id).await? {
                continue;
            }
            let manager = self.person(&seed.manager)?;
            let register = InitiativeCommand::Register {
                id: seed.id,
                profile: seed.profile.clone(),
                actor: manager,
                at: self.when(0),
            };
            let approve = InitiativeCommand::Approve {
                actor: self.moderator.clone(),
                at: self.when(60),
            };
            let decided = refused(&seed.key, bus.decide(&id, register).await)?;
            let decided = refused(&seed.key, decided.then(approve).await)?;
            self.push(decided, "RegisterInitiative").await?;
            self.counts.initiatives += 1;
        }
        self.flush().await
    }

    pub async fn communities(
        &mut self,
        communities: &'a CommandBus<Community>,
        threads: &'a CommandBus<Thread>,
        data: &Activity,
    ) -> Result<(), String> {
        for seed in &data.communities {
            self.community(communities, seed).await?;
        }
        self.flush().await?;
        for seed in &data.communities {
            for thread in &seed.threads {
                let id = thread.id.to_string();
                if self.exists(threads, &id).await? {
                    continue;
                }
                let role_of = |key: &str| {
                    if key == seed.facilitator {
                        CommunityRole::Facilitator
                    } else {
                        CommunityRole::Member
                    }
                };
                let start = ThreadCommand::StartThread {
                    thread_id: thread.id.into(),
                    community_id: seed.id.into(),
                    opening_post_id: thread.opening_post_id.into(),
                    actor: self.person(&thread.author)?,
                    actor_role: Some(role_of(&thread.author)),
                    title: valid(&seed.key, Title::new(&thread.title))?,
                    body: valid(&seed.key, PostBody::new(&thread.body))?,
                    at: self.when(24 * 60),
                };
                let mut decided = refused(&seed.key, threads.decide(&id, start).await)?;
                for (n, reply) in thread.replies.iter().enumerate() {
                    let command = ThreadCommand::Reply {
                        post_id: reply.id.into(),
                        actor: self.person(&reply.author)?,
                        actor_role: Some(role_of(&reply.author)),
                        body: valid(&seed.key, PostBody::new(&reply.body))?,
                        at: self.when(25 * 60 + n as i64 * 30),
                    };
                    decided = refused(&seed.key, decided.then(command).await)?;
                }
                self.push(decided, "StartThread").await?;
                self.counts.threads += 1;
            }
        }
        self.flush().await
    }

    async fn community(
        &mut self,
        bus: &'a CommandBus<Community>,
        seed: &SeedCommunity,
    ) -> Result<(), String> {
        let id = seed.id.to_string();
        if self.exists(bus, &id).await? {
            return Ok(());
        }
        let create = CommunityCommand::CreateCommunity {
            community_id: seed.id.into(),
            actor: self.moderator.clone(),
            name: valid(&seed.key, Name::new(&seed.name))?,
            theme: Theme::Sector(seed.sector),
            join_policy: seed.join_policy,
            at: self.when(120),
        };
        let mut decided = refused(&seed.key, bus.decide(&id, create).await)?;
        for key in &seed.members {
            let member = self.person(key)?;
            let account = member.account;
            decided = refused(
                &seed.key,
                decided
                    .then(CommunityCommand::Join {
                        actor: member,
                        at: self.when(180),
                    })
                    .await,
            )?;
            if seed.join_policy == JoinPolicy::Moderated {
                let accept = CommunityCommand::AcceptJoinRequest {
                    actor: self.moderator.clone(),
                    account,
                    at: self.when(200),
                };
                decided = refused(&seed.key, decided.then(accept).await)?;
            }
        }
        let promote = CommunityCommand::PromoteToFacilitator {
            actor: self.moderator.clone(),
            account: self.person(&seed.facilitator)?.account,
            // Seed accounts are created active by this same run.
            account_active: true,
            at: self.when(240),
        };
        decided = refused(&seed.key, decided.then(promote).await)?;
        self.push(decided, "CreateCommunity").await?;
        self.counts.communities += 1;
        Ok(())
    }

    pub async fn joint_projects(
        &mut self,
        bus: &'a CommandBus<JointProject>,
        data: &Activity,
        managers: &BTreeMap<InitiativeId, String>,
    ) -> Result<(), String> {
        for seed in &data.joint_projects {
            let id = seed.id.to_string();
            if self.exists(bus, &id).await? {
                continue;
            }
            let decided = self.project(bus, seed, managers).await?;
            self.push(decided, "ProposeJointProject").await?;
            self.counts.joint_projects += 1;
        }
        self.flush().await
    }

    async fn project(
        &self,
        bus: &'a CommandBus<JointProject>,
        seed: &SeedProject,
        managers: &BTreeMap<InitiativeId, String>,
    ) -> Result<Decided<'a, JointProject>, String> {
        let manager_of = |initiative: &InitiativeId| {
            managers
                .get(initiative)
                .ok_or_else(|| format!("{}: names an initiative not in the seed", seed.key))
                .and_then(|key| self.person(key))
        };
        let lead = manager_of(&seed.lead)?;
        let objectives = seed
            .objectives
            .iter()
            .map(|o| valid(&seed.key, Objective::new(o)))
            .collect::<Result<Vec<_>, _>>()?;
        let propose = JointProjectCommand::Propose {
            project_id: seed.id.into(),
            lead: seed.lead,
            lead_standing: InitiativeStanding::Approved,
            actor: lead.clone(),
            actor_manages_lead: true,
            title: valid(&seed.key, Title::new(&seed.title))?,
            description: valid(&seed.key, Description::new(&seed.description))?,
            sectors: valid(&seed.key, Sectors::new(seed.sectors.clone()))?,
            objectives,
            at: self.when(48 * 60),
        };
        let mut decided = refused(&seed.key, bus.decide(&seed.id.to_string(), propose).await)?;
        let mut steps = Vec::new();
        for partner in &seed.partners {
            steps.push(JointProjectCommand::InvitePartner {
                actor: lead.clone(),
                actor_manages_lead: true,
                initiative: *partner,
                initiative_standing: InitiativeStanding::Approved,
                at: self.when(49 * 60),
            });
            steps.push(JointProjectCommand::AcceptInvitation {
                actor: manager_of(partner)?,
                initiative: *partner,
                actor_manages_initiative: true,
                at: self.when(50 * 60),
            });
        }
        let lead_does = |n: i64| (lead.clone(), true, self.when(51 * 60 + n * 60));
        use ProjectState as S;
        let reviewed = matches!(
            seed.state,
            S::UnderReview | S::Approved | S::Rejected | S::Active | S::Completed
        );
        if reviewed {
            let (actor, actor_manages_lead, at) = lead_does(0);
            steps.push(JointProjectCommand::SubmitForReview {
                actor,
                actor_manages_lead,
                at,
            });
        }
        if matches!(seed.state, S::Approved | S::Active | S::Completed) {
            // The seed's moderator manages no initiative (seeds/initiatives.json).
            steps.push(JointProjectCommand::Approve {
                actor: self.moderator.clone(),
                actor_manages_lead: false,
                actor_manages_partner: false,
                at: self.when(53 * 60),
            });
        }
        if seed.state == S::Rejected {
            steps.push(JointProjectCommand::Reject {
                actor: self.moderator.clone(),
                actor_manages_lead: false,
                actor_manages_partner: false,
                reason: valid(&seed.key, Reason::new("Faltan socios de otro país."))?,
                at: self.when(53 * 60),
            });
        }
        if matches!(seed.state, S::Active | S::Completed) {
            let (actor, actor_manages_lead, at) = lead_does(3);
            steps.push(JointProjectCommand::Activate {
                actor,
                actor_manages_lead,
                at,
            });
        }
        if seed.state == S::Completed {
            let (actor, actor_manages_lead, at) = lead_does(4);
            steps.push(JointProjectCommand::Complete {
                actor,
                actor_manages_lead,
                at,
            });
        }
        if seed.state == S::Withdrawn {
            let (actor, actor_manages_lead, at) = lead_does(1);
            steps.push(JointProjectCommand::Withdraw {
                actor,
                actor_manages_lead,
                reason: None,
                at,
            });
        }
        for step in steps {
            decided = refused(&seed.key, decided.then(step).await)?;
        }
        Ok(decided)
    }

    pub async fn publications(
        &mut self,
        bus: &'a CommandBus<Publication>,
        data: &Activity,
    ) -> Result<(), String> {
        for seed in &data.publications {
            let id = seed.id.to_string();
            if self.exists(bus, &id).await? {
                continue;
            }
            let decided = self.publication(bus, seed).await?;
            self.push(decided, "SubmitPublication").await?;
            self.counts.publications += 1;
        }
        self.flush().await
    }

    async fn publication(
        &self,
        bus: &'a CommandBus<Publication>,
        seed: &SeedPublication,
    ) -> Result<Decided<'a, Publication>, String> {
        let submit = PublicationCommand::Submit {
            publication_id: seed.id.into(),
            actor: self.person(&seed.author)?,
            content: seed.content_on(self.at.date_naive()),
            at: self.when(72 * 60),
        };
        let decided = refused(&seed.key, bus.decide(&seed.id.to_string(), submit).await)?;
        let decision = match seed.state {
            PublicationState::Submitted => return Ok(decided),
            PublicationState::Approved => PublicationCommand::Approve {
                actor: self.moderator.clone(),
                at: self.when(73 * 60),
            },
            PublicationState::Rejected => PublicationCommand::Reject {
                actor: self.moderator.clone(),
                reason: valid(&seed.key, Reason::new("Falta el enlace al documento."))?,
                at: self.when(73 * 60),
            },
        };
        refused(&seed.key, decided.then(decision).await)
    }

    /// Whether the stream already has events (then this run leaves it alone).
    async fn exists<A>(&mut self, bus: &CommandBus<A>, id: &str) -> Result<bool, String>
    where
        A: Aggregate + Clone,
        A::Command: Clone,
    {
        let loaded = bus
            .store()
            .load_fresh(id)
            .await
            .map_err(|e| format!("cannot read stream {id}: {e}"))?;
        let exists = loaded.version > 0;
        if exists {
            self.counts.skipped += 1;
            self.tick();
        }
        Ok(exists)
    }

    async fn push<A>(&mut self, decided: Decided<'a, A>, command: &str) -> Result<(), String>
    where
        A: Aggregate + Clone,
        A::Command: Clone,
    {
        let pending = decided
            .into_pending(&metadata(command))
            .map_err(|e| e.to_string())?;
        self.pending.push(pending);
        if self.pending.len() >= STREAMS_PER_COMMIT {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the decided streams in one transaction: all of them or none.
    pub async fn flush(&mut self) -> Result<(), String> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        let streams = batch.len() as u64;
        let events: u64 = batch.iter().map(|p| p.event_count() as u64).sum();
        self.log
            .commit_together(batch)
            .await
            .map_err(|e| format!("cannot write the seed records: {e}"))?;
        self.counts.events += events;
        self.streams_done += streams;
        (self.progress)(self.streams_done + self.counts.skipped as u64);
        Ok(())
    }

    fn tick(&self) {
        (self.progress)(self.streams_done + self.counts.skipped as u64);
    }
}

fn refused<T, E: std::fmt::Display>(key: &str, result: Result<T, E>) -> Result<T, String> {
    result.map_err(|e| format!("seed record {key} was refused: {e}"))
}

fn valid<T, E: std::fmt::Display>(key: &str, result: Result<T, E>) -> Result<T, String> {
    result.map_err(|e| format!("seed record {key} is invalid: {e}"))
}
