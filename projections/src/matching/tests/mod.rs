//! Tests of project matching, on histories of real domain events built by hand.

mod exclusions;
mod fixture;
mod random;
mod snapshot;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::community::{CommunityEvent, JoinPolicy, Theme};
use domain::initiative::{InitiativeEvent, Profile, ProfileChanges};
use domain::joint_project::{JointProjectEvent, Objective};
use domain::values::{
    AccountId, CommunityId, CountryCode, Description, FirmCount, FoundingYear, GeoPoint,
    Governance, InitiativeId, InitiativeKind, JointProjectId, MaturityStage, Name, Region, Sector,
    Sectors, Title, ValueChainFocus,
};
use serde::Serialize;
use store::FeedEvent;

use super::ProjectMatching;
use crate::{Envelope, Projection};

/// A history under construction: events in feed order, and the fold of them so far.
pub(super) struct History {
    pub model: ProjectMatching,
    pub events: Vec<Envelope>,
    position: i64,
}

/// What makes an initiative a candidate.
pub(super) struct Traits<'a> {
    pub name: &'a str,
    pub country: &'a str,
    pub sectors: &'a [Sector],
    pub focus: &'a str,
    pub maturity: MaturityStage,
}

/// What a project made by [`History::project`] is: its sectors, partners that accepted, partners
/// only invited, whether its call for partners is open, and where its story stops.
pub(super) struct Plan<'a> {
    pub sectors: &'a [Sector],
    pub accepted: &'a [InitiativeId],
    pub invited: &'a [InitiativeId],
    pub open: bool,
    pub stage: Stage,
}

impl<'a> Plan<'a> {
    /// A project in `sectors`, run to `stage`, with no partners and no open call.
    pub fn new(sectors: &'a [Sector], stage: Stage) -> Self {
        Self {
            sectors,
            accepted: &[],
            invited: &[],
            open: false,
            stage,
        }
    }
}

/// Where a project's story stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    Proposed,
    Approved,
    Active,
    Completed,
    Withdrawn,
}

pub(super) fn id<T: std::str::FromStr>(n: u128) -> T
where
    T::Err: std::fmt::Debug,
{
    format!("00000000-0000-0000-0000-{n:012x}").parse().unwrap()
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 12, 0, 0).unwrap()
}

fn profile(traits: &Traits) -> Profile {
    Profile {
        name: Name::new(traits.name).unwrap(),
        description: Description::new("").unwrap(),
        kind: InitiativeKind::ClusterInitiative,
        country: CountryCode::new(traits.country).unwrap(),
        region: Region::new("Región").unwrap(),
        location: GeoPoint::new(-23.65, -70.4).unwrap(),
        sectors: Sectors::new(traits.sectors.to_vec()).unwrap(),
        value_chain_focus: ValueChainFocus::new(traits.focus).unwrap(),
        strategic_focus: Default::default(),
        number_of_firms: FirmCount::new(40).unwrap(),
        governance: Governance::new("Agencia", 40, 30, 20, 10).unwrap(),
        funding_sources: Default::default(),
        maturity_stage: traits.maturity,
        founding_year: FoundingYear::new(2015).unwrap(),
        website: None,
    }
}

impl History {
    pub fn new() -> Self {
        Self {
            model: ProjectMatching::default(),
            events: Vec::new(),
            position: 0,
        }
    }

    fn at(&self) -> DateTime<Utc> {
        start() + Duration::minutes(self.position)
    }

    /// Appends one event of stream `stream` and folds it.
    fn record<E: cqrs_es::DomainEvent + Serialize>(
        &mut self,
        kind: &str,
        stream: String,
        event: E,
    ) {
        self.position += 1;
        let envelope = Envelope::new(FeedEvent {
            position: self.position,
            tx: self.position,
            aggregate_type: kind.to_string(),
            aggregate_id: stream,
            sequence: self.position,
            event_type: event.event_type(),
            event_version: event.event_version(),
            payload: serde_json::to_value(&event).unwrap(),
            metadata: serde_json::json!({}),
            recorded_at: self.at(),
        });
        self.model.apply(&envelope).unwrap();
        self.events.push(envelope);
    }

    pub fn initiative_event(&mut self, id: InitiativeId, event: InitiativeEvent) {
        self.record("initiative", id.to_string(), event);
    }

    pub fn community_event(&mut self, id: CommunityId, event: CommunityEvent) {
        self.record("community", id.to_string(), event);
    }

    pub fn project_event(&mut self, id: JointProjectId, event: JointProjectEvent) {
        self.record("joint_project", id.to_string(), event);
    }

    /// Registers initiative number `n` managed by account number `n` (approved unless told).
    pub fn initiative(&mut self, n: u128, traits: Traits, approved: bool) -> InitiativeId {
        let initiative: InitiativeId = id(n);
        let at = self.at();
        let by = id(n);
        self.initiative_event(
            initiative,
            InitiativeEvent::InitiativeRegistered {
                id: initiative,
                profile: profile(&traits),
                by,
                at,
            },
        );
        if approved {
            self.initiative_event(
                initiative,
                InitiativeEvent::InitiativeApproved {
                    by: moderator(),
                    at,
                },
            );
        }
        initiative
    }

    /// Community number `n`, with `members` joined.
    pub fn community(&mut self, n: u128, members: &[AccountId]) -> CommunityId {
        let community: CommunityId = id(n);
        let at = self.at();
        self.community_event(
            community,
            CommunityEvent::CommunityCreated {
                community_id: community,
                name: Name::new(format!("Comunidad {n}")).unwrap(),
                theme: Theme::Sector(Sector::Lithium),
                join_policy: JoinPolicy::Open,
                created_by: moderator(),
                at,
            },
        );
        for account in members {
            self.community_event(
                community,
                CommunityEvent::MemberJoined {
                    account: *account,
                    at,
                },
            );
        }
        community
    }

    /// Project number `n` led by `lead` (managed by its own account), as `plan` says.
    pub fn project(&mut self, n: u128, lead: InitiativeId, plan: Plan) -> JointProjectId {
        use JointProjectEvent as E;
        let project: JointProjectId = id(n);
        let by = manager_of(lead);
        let at = self.at();
        self.project_event(
            project,
            E::JointProjectProposed {
                project_id: project,
                lead,
                title: Title::new(format!("Proyecto {n}")).unwrap(),
                description: Description::new("").unwrap(),
                sectors: Sectors::new(plan.sectors.to_vec()).unwrap(),
                objectives: vec![Objective::new("Compartir proveedores").unwrap()],
                proposed_by: by,
                at,
            },
        );
        for partner in plan.accepted.iter().chain(plan.invited) {
            self.project_event(
                project,
                E::PartnerInvited {
                    initiative: *partner,
                    invited_by: by,
                    following_interest: false,
                    at,
                },
            );
        }
        for partner in plan.accepted {
            self.project_event(
                project,
                E::InvitationAccepted {
                    initiative: *partner,
                    accepted_by: manager_of(*partner),
                    at,
                },
            );
        }
        if plan.open {
            self.project_event(project, E::CallForPartnersOpened { opened_by: by, at });
        }
        if plan.stage == Stage::Proposed {
            return project;
        }
        self.project_event(
            project,
            E::SubmittedForReview {
                submitted_by: by,
                at,
            },
        );
        self.project_event(
            project,
            E::JointProjectApproved {
                approved_by: moderator(),
                at,
            },
        );
        match plan.stage {
            Stage::Proposed | Stage::Approved => {}
            Stage::Active => {
                self.project_event(
                    project,
                    E::JointProjectActivated {
                        activated_by: by,
                        at,
                    },
                );
            }
            Stage::Completed => {
                self.project_event(
                    project,
                    E::JointProjectActivated {
                        activated_by: by,
                        at,
                    },
                );
                self.project_event(
                    project,
                    E::JointProjectCompleted {
                        completed_by: by,
                        at,
                    },
                );
            }
            Stage::Withdrawn => {
                self.project_event(
                    project,
                    E::JointProjectWithdrawn {
                        withdrawn_by: by,
                        reason: None,
                        at,
                    },
                );
            }
        }
        project
    }

    pub fn retire(&mut self, initiative: InitiativeId) {
        let at = self.at();
        self.initiative_event(
            initiative,
            InitiativeEvent::InitiativeRetired {
                reason: None,
                by: manager_of(initiative),
                at,
            },
        );
    }

    pub fn update_profile(
        &mut self,
        initiative: InitiativeId,
        changes: ProfileChanges,
        reviewed: bool,
    ) {
        let at = self.at();
        let by = manager_of(initiative);
        let event = if reviewed {
            InitiativeEvent::ProfileChangeProposed { changes, by, at }
        } else {
            InitiativeEvent::ProfileUpdated { changes, by, at }
        };
        self.initiative_event(initiative, event);
    }
}

/// The account that registered (and manages) an initiative made by [`History::initiative`].
pub(super) fn manager_of(initiative: InitiativeId) -> AccountId {
    AccountId::from_uuid(initiative.into_uuid())
}

pub(super) fn moderator() -> AccountId {
    id(0xfff_fff)
}

/// The order of a query's answer, as initiative names with their scores.
pub(super) fn ranking(matches: &[super::Match]) -> Vec<(String, u32)> {
    matches
        .iter()
        .map(|m| (m.initiative.name.clone(), m.score))
        .collect()
}

/// Each reason as (code, points, detail).
pub(super) fn reasons(reasons: &[super::Reason]) -> Vec<(&'static str, u32, &str)> {
    reasons
        .iter()
        .map(|r| (r.kind.code(), r.points, r.detail.as_str()))
        .collect()
}
