//! Registering an initiative: the caller becomes its first manager, and it waits for a
//! moderator's review before it is public.

use chrono::Utc;
use domain::actor::Actor;
use domain::initiative::{Initiative, InitiativeCommand, Profile};
use domain::values::InitiativeId;
use store::{Committed, EventMetadata};

use crate::app::{command_error, Refusal};
use crate::state::AppState;

/// Registers `profile` (parsed by [`super::ProfileFields::into_profile`]) as initiative `id`.
/// `expected` is the version the stream must be at (`Some(0)`: new), when the caller says.
/// `id` is one the caller has just made (`InitiativeId::new`), so its stream is taken as empty
/// without a read ([`store::CommandBus::execute_new`]).
pub async fn register(
    state: &AppState,
    actor: &Actor,
    id: InitiativeId,
    profile: Profile,
    metadata: EventMetadata,
    expected: Option<usize>,
) -> Result<Committed<Initiative>, Refusal> {
    let command = InitiativeCommand::Register {
        id,
        profile,
        actor: actor.clone(),
        at: Utc::now(),
    };
    state
        .initiatives
        .execute_new(&id.to_string(), command, metadata, expected)
        .await
        .map_err(command_error)
}
