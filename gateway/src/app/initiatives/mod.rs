//! Reading an initiative, and who may see it.
//!
//! Approved initiatives (and those retired after approval) are public; a submitted or rejected
//! one (or one retired before it was ever approved) is shown only to its managers and to
//! moderators, and to anyone else it does not exist. What only managers and moderators see of a
//! public one (the pending profile change, the requests to manage it) is each adapter's to leave
//! out when [`Seen::insider`] is false.

mod fields;
pub mod manage;
mod register;

pub use fields::{GovernanceShares, Location, ProfileFields};
pub use register::register;

use domain::initiative::{Initiative, InitiativeStatus};
use domain::values::InitiativeId;
use std::sync::Arc;

use super::{load_error, ReadAt, Refusal};
use crate::access::Caller;
use crate::state::AppState;

/// An initiative as the caller may see it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub id: InitiativeId,
    pub initiative: Arc<Initiative>,
    /// The stream's version (what `If-Match` carries).
    pub version: usize,
    /// The caller manages it or is a moderator: they see what is not public.
    pub insider: bool,
}

/// The initiative `raw_id` as stored: invalid for a malformed id, not found if it was never
/// registered (no visibility check: for commands, which the aggregate decides).
pub async fn load(
    state: &AppState,
    raw_id: &str,
) -> Result<(InitiativeId, Arc<Initiative>, usize), Refusal> {
    let id = parse_id(raw_id)?;
    let loaded = state
        .initiatives
        .load_fresh(&id.to_string())
        .await
        .map_err(load_error)?;
    if loaded.version == 0 {
        return Err(not_found());
    }
    Ok((id, loaded.aggregate, loaded.version))
}

/// The initiative `raw_id`, if the caller may see it; not found otherwise, as if it did not
/// exist.
pub async fn read(state: &AppState, caller: &Caller, raw_id: &str) -> Result<Seen, Refusal> {
    let (id, initiative, version) = load(state, raw_id).await?;
    let insider = is_insider(&initiative, caller);
    if !insider && !is_public(&initiative) || initiative.profile().is_none() {
        return Err(not_found());
    }
    Ok(Seen {
        id,
        initiative,
        version,
        insider,
    })
}

/// The initiative `raw_id` as it stood at `read_at` (the past for auditors and admins only,
/// [`ReadAt::permit`]): its stream folded up to that position or time, visible if it was public
/// then (or the caller is an insider of it then); not found if it did not exist yet.
pub async fn read_at(
    state: &AppState,
    caller: &Caller,
    raw_id: &str,
    read_at: &ReadAt,
) -> Result<Seen, Refusal> {
    if !read_at.is_historical() {
        return read(state, caller, raw_id).await;
    }
    read_at.permit(caller)?;
    let id = parse_id(raw_id)?;
    let events =
        store::audit::read_stream(state.log.database(), "initiative", &id.to_string()).await?;
    let then: Vec<_> = events
        .into_iter()
        .take_while(|event| match read_at {
            ReadAt::AtPosition(at) => event.position <= *at,
            ReadAt::AsOf(at) => event.recorded_at <= *at,
            ReadAt::Live { .. } => true,
        })
        .collect();
    let kind = crate::app::audit::known::aggregate("initiative")
        .ok_or_else(|| Refusal::internal("the initiative aggregate is not listed"))?;
    let Some(Ok(state_then)) = (kind.fold)(&then).pop() else {
        return Err(not_found());
    };
    let initiative: Initiative = serde_json::from_value(state_then)
        .map_err(|e| Refusal::internal(format!("an initiative's past state does not read: {e}")))?;
    let insider = is_insider(&initiative, caller);
    if !insider && !is_public(&initiative) || initiative.profile().is_none() {
        return Err(not_found());
    }
    Ok(Seen {
        id,
        initiative: Arc::new(initiative),
        version: then.len(),
        insider,
    })
}

pub fn parse_id(raw: &str) -> Result<InitiativeId, Refusal> {
    raw.parse::<InitiativeId>()
        .map_err(|e| Refusal::invalid(vec![e.in_field("id")]))
}

pub fn not_found() -> Refusal {
    Refusal::NotFound("there is no initiative with this id".into())
}

/// Whether anyone may see the initiative: approved, or retired after having been approved.
pub fn is_public(initiative: &Initiative) -> bool {
    match initiative.status() {
        InitiativeStatus::Approved => true,
        InitiativeStatus::Retired => initiative.approved_at().is_some(),
        _ => false,
    }
}

/// Managers and moderators see everything about an initiative, including what is not public.
pub fn is_insider(initiative: &Initiative, caller: &Caller) -> bool {
    caller
        .actor()
        .is_some_and(|a| a.is_moderator() || initiative.is_manager(a.account))
}
