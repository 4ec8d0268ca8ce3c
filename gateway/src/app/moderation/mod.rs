//! The moderators' work: the queue of everything waiting (with who is reviewing what), claiming
//! an item so that two moderators do not review the same one, and deciding it.
//!
//! * this module: the queue ([`queue`]) and claims ([`claim`], [`release`]).
//! * [`review`]: one waiting item as stored, with its version and whether the reader may decide
//!   it (four eyes), and the decision itself ([`review::decide`]).
//!
//! Claims live in `moderation_claims` beside the log (`store::ModerationClaims`; the migration
//! says why they are not events), so every instance on one database sees the same claims.

pub mod review;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use domain::actor::Actor;
use domain::values::{
    AccountId, CommunityId, CountryCode, InitiativeId, JointProjectId, PublicationId,
};
use projections::{QueueItem, QueueKind, QueueSubject};
use store::{Claim, Claimed, ModerationClaims};

use super::{ReadAt, Refusal};
use crate::state::AppState;

/// How long a claim holds unless its moderator releases it or decides the item: long enough to
/// read a submission with care, short enough that an abandoned claim does not block the queue.
pub const CLAIM_TTL_MINUTES: i64 = 30;

/// One item of the queue: what kind of thing waits, about what.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ItemRef {
    pub kind: QueueKind,
    pub subject: QueueSubject,
}

impl ItemRef {
    /// The item `raw_kind` about `raw_id`: invalid for an unknown kind or a malformed id.
    pub fn parse(raw_kind: &str, raw_id: &str) -> Result<Self, Refusal> {
        let kind = raw_kind.parse::<QueueKind>().map_err(|e| {
            let known: Vec<&str> = QueueKind::ALL.iter().map(|k| k.as_str()).collect();
            Refusal::invalid_input(format!("kind: {e}; use one of {}", known.join(", ")))
        })?;
        let bad_id = |e: domain::values::ValueError| Refusal::invalid(vec![e.in_field("id")]);
        let subject = match kind {
            QueueKind::Initiative | QueueKind::ProfileChange | QueueKind::ManagementRequest => {
                QueueSubject::Initiative(raw_id.parse::<InitiativeId>().map_err(bad_id)?)
            }
            QueueKind::JoinRequest => {
                QueueSubject::Community(raw_id.parse::<CommunityId>().map_err(bad_id)?)
            }
            QueueKind::JointProject => {
                QueueSubject::JointProject(raw_id.parse::<JointProjectId>().map_err(bad_id)?)
            }
            QueueKind::Publication | QueueKind::News | QueueKind::Gathering => {
                QueueSubject::Publication(raw_id.parse::<PublicationId>().map_err(bad_id)?)
            }
        };
        Ok(Self { kind, subject })
    }

    /// The item's key in the claims table: `kind/subject`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.subject)
    }

    /// The subject's id, as text.
    pub fn id(&self) -> String {
        self.subject.to_string()
    }
}

impl From<&QueueItem> for ItemRef {
    fn from(item: &QueueItem) -> Self {
        Self {
            kind: item.kind,
            subject: item.subject,
        }
    }
}

/// What a moderator asks of the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueQuery {
    /// Empty: every kind.
    pub kinds: BTreeSet<QueueKind>,
    /// Only items of this country (publications and communities have none).
    pub country: Option<CountryCode>,
    pub limit: usize,
}

/// One waiting item and who, if anyone, is reviewing it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub item: QueueItem,
    pub claim: Option<Claim>,
}

/// The queue as a moderator reads it.
#[derive(Debug, Clone)]
pub struct Queue {
    /// How many items match (`entries` holds at most `limit`).
    pub total: usize,
    /// How many items of each kind wait, whatever was asked for.
    pub counts: BTreeMap<QueueKind, usize>,
    /// Oldest first.
    pub entries: Vec<Entry>,
    /// When it was read (ages are measured from it).
    pub now: DateTime<Utc>,
}

/// Moderators only: the caller's actor, or the refusal.
pub fn moderator(actor: Option<&Actor>) -> Result<&Actor, Refusal> {
    let actor = actor.ok_or_else(|| Refusal::NotSignedIn("sign in first".into()))?;
    if !actor.is_moderator() {
        return Err(Refusal::NotAllowed(
            "only moderators may read and decide the moderation queue".into(),
        ));
    }
    Ok(actor)
}

/// Everything waiting that matches `query`, oldest first, each with its live claim.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    query: &QueueQuery,
    read_at: &ReadAt,
) -> Result<Queue, Refusal> {
    moderator(Some(actor))?;
    let page = read_at
        .read(state, &state.read.moderation, |queue| {
            queue.pending_in(&query.kinds, query.country, query.limit)
        })
        .await?;
    let now = Utc::now();
    let claims: BTreeMap<String, Claim> = claims(state).live_at(now).await?.into_iter().collect();
    let entries = page
        .items
        .into_iter()
        .map(|item| Entry {
            claim: claims.get(&ItemRef::from(&item).key()).copied(),
            item,
        })
        .collect();
    Ok(Queue {
        total: page.total,
        counts: page.counts,
        entries,
        now,
    })
}

/// How many items wait (for the dashboard's link), or none for one who is not a moderator.
pub async fn waiting(state: &AppState, actor: &Actor) -> Result<Option<usize>, Refusal> {
    if !actor.is_moderator() {
        return Ok(None);
    }
    let count = ReadAt::LIVE
        .read(state, &state.read.moderation, |queue| queue.len())
        .await?;
    Ok(Some(count))
}

fn claims(state: &AppState) -> ModerationClaims {
    ModerationClaims::new(state.log.database())
}

/// What claiming gave: the claim now held, by the caller or by someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    Mine(Claim),
    Theirs(Claim),
}

/// Claims `item` for the moderator for [`CLAIM_TTL_MINUTES`] (renewing their own claim), unless
/// another moderator holds it. Not found if the item does not wait.
pub async fn claim(
    state: &AppState,
    actor: &Actor,
    item: &ItemRef,
) -> Result<ClaimOutcome, Refusal> {
    moderator(Some(actor))?;
    still_waiting(state, item).await?;
    let ttl = Duration::minutes(CLAIM_TTL_MINUTES);
    let claims = claims(state);
    // Lapsed claims are already ignored; forgetting them here keeps the table at about one row
    // per item under review.
    if let Err(error) = claims.prune_at(Utc::now()).await {
        tracing::warn!(%error, "lapsed moderation claims could not be pruned");
    }
    Ok(match claims.claim(&item.key(), actor.account, ttl).await? {
        Claimed::Won(claim) => ClaimOutcome::Mine(claim),
        Claimed::HeldBy(claim) => ClaimOutcome::Theirs(claim),
    })
}

/// Lets go of the moderator's claim on `item`; true if they held it.
pub async fn release(state: &AppState, actor: &Actor, item: &ItemRef) -> Result<bool, Refusal> {
    moderator(Some(actor))?;
    Ok(claims(state).release(&item.key(), actor.account).await?)
}

/// Ends any claim on `item`, whoever held it: once decided, nothing is left to review (an item
/// that comes back later, e.g. a resubmitted initiative, starts unclaimed).
pub async fn end_claim(state: &AppState, item: &ItemRef) -> Result<bool, Refusal> {
    Ok(claims(state).end(&item.key()).await?)
}

/// The live claim on `item`, if any.
pub async fn claim_on(state: &AppState, item: &ItemRef) -> Result<Option<Claim>, Refusal> {
    Ok(claims(state).holder_at(&item.key(), Utc::now()).await?)
}

/// Not found unless `item` waits in the (live) queue.
async fn still_waiting(state: &AppState, item: &ItemRef) -> Result<(), Refusal> {
    let waiting = ReadAt::LIVE
        .read(state, &state.read.moderation, |queue| {
            queue.is_waiting(item.kind, item.subject)
        })
        .await?;
    if waiting {
        Ok(())
    } else {
        Err(Refusal::NotFound(format!(
            "nothing of kind {} waits for a moderator on {}",
            item.kind, item.subject
        )))
    }
}

/// Whether `account` holds the claim.
pub fn held_by(claim: Option<&Claim>, account: AccountId) -> bool {
    claim.is_some_and(|c| c.account == account)
}
