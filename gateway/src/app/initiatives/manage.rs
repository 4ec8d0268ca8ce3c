//! What an initiative's managers do with it after registering it — change its profile,
//! re-confirm it, add and remove co-managers — and a member asking to become a manager. Shared
//! by the JSON API (`http::initiatives`) and the console (`web::manage`).
//!
//! Each takes the version the caller read (`expected`; `None` accepts any): an initiative that
//! changed since is refused as `Refusal::Changed` before the command is even decided, so the
//! caller learns first that they acted on an old reading. The aggregate decides who may do what.

use std::sync::Arc;

use chrono::Utc;
use domain::actor::Actor;
use domain::initiative::{Initiative, InitiativeCommand, Profile, ProfileChanges};
use domain::values::{AccountId, InitiativeId};
use store::{Committed, EventMetadata};

use super::{is_insider, is_public, load, not_found};
use crate::access::Caller;
use crate::app::{command_error, DomainRefusal, Refusal};
use crate::state::AppState;

/// The initiative `raw_id` as stored, refused as changed unless it is at `expected`.
async fn target(
    state: &AppState,
    raw_id: &str,
    expected: Option<usize>,
) -> Result<(InitiativeId, Arc<Initiative>, usize), Refusal> {
    let (id, initiative, version) = load(state, raw_id).await?;
    check_version(version, expected)?;
    Ok((id, initiative, version))
}

/// The refusal for a stale version (one mapping, in `app::command_error`).
pub fn check_version(current: usize, expected: Option<usize>) -> Result<(), Refusal> {
    match expected {
        Some(expected) if expected != current => {
            Err(command_error::<domain::initiative::InitiativeError>(
                store::CommandError::VersionMismatch { expected, current },
            ))
        }
        _ => Ok(()),
    }
}

async fn execute(
    state: &AppState,
    id: InitiativeId,
    command: InitiativeCommand,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Initiative>, Refusal> {
    state
        .initiatives
        .execute_expecting(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}

/// Every field of `profile` as a change: the aggregate keeps only those that differ, and on an
/// approved initiative sends the reviewed ones (name, kind, country, region, location) to a
/// moderator.
pub fn changes_to(profile: Profile) -> ProfileChanges {
    ProfileChanges {
        name: Some(profile.name),
        description: Some(profile.description),
        kind: Some(profile.kind),
        country: Some(profile.country),
        region: Some(profile.region),
        location: Some(profile.location),
        sectors: Some(profile.sectors),
        value_chain_focus: Some(profile.value_chain_focus),
        strategic_focus: Some(profile.strategic_focus),
        number_of_firms: Some(profile.number_of_firms),
        governance: Some(profile.governance),
        funding_sources: Some(profile.funding_sources),
        maturity_stage: Some(profile.maturity_stage),
        founding_year: Some(profile.founding_year),
        website: Some(profile.website),
    }
}

/// Manager: changes the profile (see `InitiativeCommand::UpdateProfile`).
pub async fn update_profile(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    changes: ProfileChanges,
    expected: Option<usize>,
    metadata: EventMetadata,
) -> Result<Committed<Initiative>, Refusal> {
    let (id, _, _) = target(state, raw_id, expected).await?;
    let command = InitiativeCommand::UpdateProfile {
        changes,
        actor: actor.clone(),
        at: Utc::now(),
    };
    execute(state, id, command, metadata, expected).await
}

/// Manager: confirms the approved profile is still accurate.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    expected: Option<usize>,
    metadata: EventMetadata,
) -> Result<Committed<Initiative>, Refusal> {
    let (id, _, _) = target(state, raw_id, expected).await?;
    let command = InitiativeCommand::Confirm {
        actor: actor.clone(),
        at: Utc::now(),
    };
    execute(state, id, command, metadata, expected).await
}

/// Member: asks to become a manager of an initiative they can see.
pub async fn request_management(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    expected: Option<usize>,
    metadata: EventMetadata,
) -> Result<Committed<Initiative>, Refusal> {
    let (id, initiative, version) = load(state, raw_id).await?;
    // An initiative not yet public does not exist for anyone but its managers and moderators.
    let caller = Caller::Account(actor.clone());
    if !is_public(&initiative) && !is_insider(&initiative, &caller) {
        return Err(not_found());
    }
    check_version(version, expected)?;
    let command = InitiativeCommand::RequestManagement {
        actor: actor.clone(),
        at: Utc::now(),
    };
    execute(state, id, command, metadata, expected).await
}

/// Manager or moderator: makes the active account `account` a manager.
pub async fn add_manager(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    account: AccountId,
    expected: Option<usize>,
    metadata: EventMetadata,
) -> Result<Committed<Initiative>, Refusal> {
    let (id, initiative, _) = target(state, raw_id, expected).await?;
    let command = |account_active| InitiativeCommand::AddManager {
        account,
        account_active,
        actor: actor.clone(),
        at: Utc::now(),
    };
    // Whether the caller may add anyone comes first: a stranger learns nothing about accounts.
    initiative
        .decide(command(true))
        .map_err(DomainRefusal::into_refusal)?;
    let active = state.accounts.load(account).await?.is_active();
    execute(state, id, command(active), metadata, expected).await
}

/// Manager or moderator: removes the manager `account` (never the last one).
pub async fn remove_manager(
    state: &AppState,
    actor: &Actor,
    raw_id: &str,
    account: AccountId,
    expected: Option<usize>,
    metadata: EventMetadata,
) -> Result<Committed<Initiative>, Refusal> {
    let (id, _, _) = target(state, raw_id, expected).await?;
    let command = InitiativeCommand::RemoveManager {
        account,
        actor: actor.clone(),
        at: Utc::now(),
    };
    execute(state, id, command, metadata, expected).await
}
