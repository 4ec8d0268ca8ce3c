//! One waiting item as a moderator reviews it, and the decision on it.
//!
//! The review reads the subject as stored, with its version: the decision carries that version
//! back, so a moderator decides what they read or is told it changed (`Refusal::Changed`), never
//! silently overwrites a newer submission. Whether the reader may decide at all is the domain's
//! answer (four eyes: not on what they submitted or manage): the approval is tried against the
//! loaded state without writing, and its refusal is what the page shows instead of buttons.

use chrono::Utc;
use cqrs_es::Aggregate;
use domain::actor::Actor;
use domain::community::{Community, CommunityCommand};
use domain::initiative::{Initiative, InitiativeCommand};
use domain::joint_project::{JointProject, JointProjectCommand};
use domain::publication::{Publication, PublicationCommand};
use domain::values::{AccountId, Reason};
use projections::{QueueKind, QueueSubject};
use std::sync::Arc;
use store::{CommandBus, EventMetadata, FeedPosition};

use super::{moderator, ItemRef};
use crate::app::{command_error, load_error, DomainRefusal, Refusal};
use crate::state::AppState;

/// The thing an item is about, as stored.
#[derive(Debug, Clone)]
pub enum Subject {
    Initiative(Arc<Initiative>),
    JointProject(Arc<JointProject>),
    Publication(Arc<Publication>),
    Community(Arc<Community>),
}

/// An item under review.
#[derive(Debug, Clone)]
pub struct Review {
    pub item: ItemRef,
    pub subject: Subject,
    /// The subject's stream version: what the decision must find.
    pub version: usize,
    /// For requests (to manage, to join): who asked, oldest first.
    pub requesters: Vec<AccountId>,
    /// Why the reader may not decide it (four eyes), in the domain's words; `None` if they may.
    pub not_yours: Option<String>,
    /// The item no longer waits (decided or withdrawn meanwhile).
    pub settled: bool,
}

/// What the moderator decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// With the reason the submitter will read (required).
    Reject(String),
}

/// What a decision wrote.
#[derive(Debug, Clone, Copy)]
pub struct Decided {
    pub version: usize,
    /// Where the last event sits in the feed (`None` if nothing was written).
    pub last: Option<FeedPosition>,
    /// How long loading, deciding and appending took (the API reports it).
    pub stages: store::Stages,
}

async fn load<A>(bus: &CommandBus<A>, id: &str, what: &str) -> Result<(Arc<A>, usize), Refusal>
where
    A: Aggregate + Clone,
    A::Command: Clone,
{
    let loaded = bus.load_fresh(id).await.map_err(load_error)?;
    if loaded.version == 0 {
        return Err(Refusal::NotFound(format!(
            "there is no {what} with this id"
        )));
    }
    Ok((loaded.aggregate, loaded.version))
}

/// Reads `item` for the moderator `actor`.
pub async fn read(state: &AppState, actor: &Actor, item: &ItemRef) -> Result<Review, Refusal> {
    moderator(Some(actor))?;
    let id = item.id();
    let (subject, version, requesters) = match item.subject {
        QueueSubject::Initiative(_) => {
            let (initiative, version) = load(&state.initiatives, &id, "initiative").await?;
            let requesters = initiative.management_requests().iter().copied().collect();
            (Subject::Initiative(initiative), version, requesters)
        }
        QueueSubject::JointProject(_) => {
            let (project, version) = load(&state.joint_projects, &id, "joint project").await?;
            (Subject::JointProject(project), version, Vec::new())
        }
        QueueSubject::Publication(_) => {
            let (publication, version) = load(&state.publications, &id, "publication").await?;
            (Subject::Publication(publication), version, Vec::new())
        }
        QueueSubject::Community(_) => {
            let (community, version) = load(&state.communities, &id, "community").await?;
            let mut asked: Vec<_> = community.join_requests().iter().collect();
            asked.sort_by_key(|(_, at)| **at);
            let requesters = asked.into_iter().map(|(account, _)| *account).collect();
            (Subject::Community(community), version, requesters)
        }
    };
    let mut review = Review {
        item: *item,
        subject,
        version,
        requesters,
        not_yours: None,
        settled: false,
    };
    let requester = review.requesters.first().copied();
    let needs_requester = matches!(
        item.kind,
        QueueKind::ManagementRequest | QueueKind::JoinRequest
    );
    if needs_requester && requester.is_none() {
        review.settled = true;
        return Ok(review);
    }
    // The approval, tried without writing: what the domain would say to this moderator.
    let trial = command(state, actor, &review, requester, &Decision::Approve).await?;
    match trial.dry_run(&review.subject).await {
        Ok(()) => {}
        Err(Refusal::NotAllowed(why)) => review.not_yours = Some(why),
        Err(Refusal::Conflict { .. }) => review.settled = true,
        // A rule that would stop an approval (not a rejection) is the decision's to report.
        Err(Refusal::RuleBroken(_)) => {}
        Err(other) => return Err(other),
    }
    Ok(review)
}

/// Decides `item` as `actor`: on the subject at version `expected` (the one the moderator
/// read; `None` accepts any), for `requester` when the item is a request. `metadata` names the
/// command for the audit trail. The moderator's claim on the item ends with it.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    item: &ItemRef,
    requester: Option<AccountId>,
    decision: &Decision,
    expected: Option<usize>,
    metadata: impl Fn(&str) -> EventMetadata,
) -> Result<Decided, Refusal> {
    if let Decision::Reject(reason) = decision {
        Reason::new(reason.trim()).map_err(|e| Refusal::invalid(vec![e.in_field("reason")]))?;
    }
    let review = read(state, actor, item).await?;
    if let Some(expected) = expected {
        if expected != review.version {
            return Err(command_error::<domain::initiative::InitiativeError>(
                store::CommandError::VersionMismatch {
                    expected,
                    current: review.version,
                },
            ));
        }
    }
    let requester = match item.kind {
        QueueKind::ManagementRequest | QueueKind::JoinRequest => Some(
            requester
                .or_else(|| review.requesters.first().copied())
                .ok_or_else(|| Refusal::conflict("no request waits here any more"))?,
        ),
        _ => None,
    };
    let command = command(state, actor, &review, requester, decision).await?;
    let decided = command
        .run(
            state,
            &item.id(),
            metadata,
            expected.or(Some(review.version)),
        )
        .await?;
    // Decided: the claim has done its work, whoever held it (a failure to delete it only lets
    // it lapse).
    if let Err(error) = super::end_claim(state, item).await {
        tracing::warn!(%error, "a decided item's claim could not be released");
    }
    Ok(decided)
}

/// A moderator's command on one of the four aggregates.
enum Command {
    Initiative(InitiativeCommand, &'static str),
    JointProject(JointProjectCommand, &'static str),
    Publication(PublicationCommand, &'static str),
    Community(CommunityCommand, &'static str),
}

fn reason_of(decision: &Decision) -> Result<Option<Reason>, Refusal> {
    match decision {
        Decision::Approve => Ok(None),
        Decision::Reject(text) => Reason::new(text.trim())
            .map(Some)
            .map_err(|e| Refusal::invalid(vec![e.in_field("reason")])),
    }
}

/// The command that carries `decision` on the item of `review`.
async fn command(
    state: &AppState,
    actor: &Actor,
    review: &Review,
    requester: Option<AccountId>,
    decision: &Decision,
) -> Result<Command, Refusal> {
    let actor = actor.clone();
    let at = Utc::now();
    // The trial approval of `read` needs no reason; a rejection always has one.
    let reason = reason_of(decision)?;
    let account = || requester.ok_or_else(|| Refusal::conflict("no request waits here any more"));
    Ok(match (review.item.kind, &review.subject, reason) {
        (QueueKind::Initiative, _, None) => Command::Initiative(
            InitiativeCommand::Approve { actor, at },
            "ApproveInitiative",
        ),
        (QueueKind::Initiative, _, Some(reason)) => Command::Initiative(
            InitiativeCommand::Reject { reason, actor, at },
            "RejectInitiative",
        ),
        (QueueKind::ProfileChange, _, None) => Command::Initiative(
            InitiativeCommand::ApproveProfileChange { actor, at },
            "ApproveProfileChange",
        ),
        (QueueKind::ProfileChange, _, Some(reason)) => Command::Initiative(
            InitiativeCommand::RejectProfileChange { reason, actor, at },
            "RejectProfileChange",
        ),
        (QueueKind::ManagementRequest, _, None) => Command::Initiative(
            InitiativeCommand::ApproveManagementRequest {
                account: account()?,
                actor,
                at,
            },
            "ApproveManagementRequest",
        ),
        (QueueKind::ManagementRequest, _, Some(reason)) => Command::Initiative(
            InitiativeCommand::DeclineManagementRequest {
                account: account()?,
                reason: Some(reason),
                actor,
                at,
            },
            "DeclineManagementRequest",
        ),
        (QueueKind::JoinRequest, _, None) => Command::Community(
            CommunityCommand::AcceptJoinRequest {
                actor,
                account: account()?,
                at,
            },
            "AcceptJoinRequest",
        ),
        (QueueKind::JoinRequest, _, Some(reason)) => Command::Community(
            CommunityCommand::DeclineJoinRequest {
                actor,
                account: account()?,
                reason: Some(reason),
                at,
            },
            "DeclineJoinRequest",
        ),
        (QueueKind::JointProject, Subject::JointProject(project), reason) => {
            let (manages_lead, manages_partner) =
                crate::app::joint_projects::four_eyes(state, project, &actor).await?;
            match reason {
                None => Command::JointProject(
                    JointProjectCommand::Approve {
                        actor,
                        actor_manages_lead: manages_lead,
                        actor_manages_partner: manages_partner,
                        at,
                    },
                    "ApproveJointProject",
                ),
                Some(reason) => Command::JointProject(
                    JointProjectCommand::Reject {
                        actor,
                        actor_manages_lead: manages_lead,
                        actor_manages_partner: manages_partner,
                        reason,
                        at,
                    },
                    "RejectJointProject",
                ),
            }
        }
        (QueueKind::Publication | QueueKind::News | QueueKind::Gathering, _, None) => {
            Command::Publication(
                PublicationCommand::Approve { actor, at },
                "ApprovePublication",
            )
        }
        (QueueKind::Publication | QueueKind::News | QueueKind::Gathering, _, Some(reason)) => {
            Command::Publication(
                PublicationCommand::Reject { actor, reason, at },
                "RejectPublication",
            )
        }
        (QueueKind::JointProject, _, _) => {
            return Err(Refusal::NotFound(
                "there is no joint project with this id".into(),
            ))
        }
    })
}

impl Command {
    /// What the domain says to this command against `subject`, without writing.
    async fn dry_run(&self, subject: &Subject) -> Result<(), Refusal> {
        async fn try_on<A>(aggregate: &A, command: A::Command) -> Result<(), Refusal>
        where
            A: Aggregate<Services = ()> + Clone,
            A::Error: DomainRefusal,
        {
            // On a copy, into a sink nobody commits: nothing is written.
            let sink = cqrs_es::event_sink::EventSink::<A>::default();
            aggregate
                .clone()
                .handle(command, &(), &sink)
                .await
                .map(|_| ())
                .map_err(DomainRefusal::into_refusal)
        }
        match (self, subject) {
            (Self::Initiative(c, _), Subject::Initiative(a)) => try_on(a.as_ref(), c.clone()).await,
            (Self::JointProject(c, _), Subject::JointProject(a)) => {
                try_on(a.as_ref(), c.clone()).await
            }
            (Self::Publication(c, _), Subject::Publication(a)) => {
                try_on(a.as_ref(), c.clone()).await
            }
            (Self::Community(c, _), Subject::Community(a)) => try_on(a.as_ref(), c.clone()).await,
            _ => Err(Refusal::NotFound("there is nothing with this id".into())),
        }
    }

    /// Runs the command on stream `id`, which must be at `expected`.
    async fn run(
        self,
        state: &AppState,
        id: &str,
        metadata: impl Fn(&str) -> EventMetadata,
        expected: Option<usize>,
    ) -> Result<Decided, Refusal> {
        macro_rules! execute {
            ($bus:expr, $command:expr, $name:expr) => {{
                let committed = $bus
                    .execute_expecting(id, $command, metadata($name), expected)
                    .await
                    .map_err(command_error)?;
                Decided {
                    version: committed.version,
                    last: committed.last,
                    stages: committed.stages,
                }
            }};
        }
        Ok(match self {
            Self::Initiative(c, name) => execute!(state.initiatives, c, name),
            Self::JointProject(c, name) => execute!(state.joint_projects, c, name),
            Self::Publication(c, name) => execute!(state.publications, c, name),
            Self::Community(c, name) => execute!(state.communities, c, name),
        })
    }
}
