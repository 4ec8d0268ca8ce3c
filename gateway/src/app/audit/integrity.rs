//! Is the log untouched, and do the read models follow from it? Both hash chains recomputed
//! over the whole log (`store::chain::verify`, as `articula verify` does); a projection folded
//! afresh from the start of the feed, up to exactly the live one's checkpoint, and compared
//! with it as JSON (their snapshot form).

use projections::{
    fold, AccountDirectory, CommunityDirectory, EventCounts, FoldError, GatheringCalendar,
    InitiativeMap, Library, Memberships, ModerationQueue, ProjectDirectory, ProjectMatching,
    Projection, ProjectionHandle, Statistics, Until,
};
use serde::Serialize;
use store::chain::VerifyReport;
use utoipa::ToSchema;

use super::diff::{first_differences, Difference};
use super::{open_read, Asked};
use crate::access::Caller;
use crate::app::Refusal;
use crate::state::AppState;

/// How many differences a comparison lists at most.
const MAX_DIFFERENCES: usize = 10;

/// Every projection that can be verified, by name.
pub const PROJECTIONS: [&str; 11] = [
    EventCounts::NAME,
    AccountDirectory::NAME,
    GatheringCalendar::NAME,
    InitiativeMap::NAME,
    Statistics::NAME,
    Memberships::NAME,
    ProjectMatching::NAME,
    ModerationQueue::NAME,
    Library::NAME,
    CommunityDirectory::NAME,
    ProjectDirectory::NAME,
];

/// Recomputes every event's stream hash and every link of the global chain: `ok` with the count
/// and the head hash, or the first event that breaks a chain and why.
pub async fn verify_chain(
    state: &AppState,
    caller: &Caller,
    asked: Asked<'_>,
) -> Result<VerifyReport, Refusal> {
    open_read(state, caller, asked).await?;
    Ok(store::chain::verify(state.log.database(), &|_| {}).await?)
}

/// The outcome of comparing a projection with its rebuild.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectionCheck {
    pub projection: String,
    /// The global position both models were compared at: the live one's checkpoint (0 if it
    /// has applied nothing yet).
    pub position: i64,
    /// Whether the rebuilt model equals the live one.
    pub equal: bool,
    /// The first places (at most 10) where they differ.
    pub differences: Vec<Difference>,
    /// Why the live projection stopped, if it has (it is then compared where it stopped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live_stopped: Option<String>,
    /// Why a rebuild from scratch could not get as far as the live one, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuild_failed: Option<String>,
}

/// Checks that `name` is a projection's (a 404 naming them all otherwise).
pub fn projection_name(name: &str) -> Result<&'static str, Refusal> {
    PROJECTIONS
        .iter()
        .copied()
        .find(|p| *p == name)
        .ok_or_else(|| {
            Refusal::NotFound(format!(
                "there is no projection `{name}`: use one of {}",
                PROJECTIONS.join(", ")
            ))
        })
}

/// Rebuilds the projection `name` (one of [`PROJECTIONS`]) from scratch beside the live one and
/// compares the two.
pub async fn verify_projection(
    state: &AppState,
    caller: &Caller,
    name: &str,
    asked: Asked<'_>,
) -> Result<ProjectionCheck, Refusal> {
    let name = projection_name(name)?;
    open_read(state, caller, asked).await?;
    let read = &state.read;
    match name {
        EventCounts::NAME => compare(state, &read.event_counts).await,
        AccountDirectory::NAME => compare(state, &read.directory).await,
        GatheringCalendar::NAME => compare(state, &read.calendar).await,
        InitiativeMap::NAME => compare(state, &read.map).await,
        Statistics::NAME => compare(state, &read.statistics).await,
        Memberships::NAME => compare(state, &read.memberships).await,
        ProjectMatching::NAME => compare(state, &read.matching).await,
        ModerationQueue::NAME => compare(state, &read.moderation).await,
        Library::NAME => compare(state, &read.library).await,
        CommunityDirectory::NAME => compare(state, &read.communities).await,
        ProjectDirectory::NAME => compare(state, &read.projects).await,
        _ => Err(Refusal::internal(format!(
            "projection `{name}` is listed but not wired"
        ))),
    }
}

async fn compare<P: Projection>(
    state: &AppState,
    live: &ProjectionHandle<P>,
) -> Result<ProjectionCheck, Refusal> {
    // The model and its checkpoint are read together, under the model's lock; the rebuild then
    // stops at exactly that event.
    let (live_json, at) = live
        .to_json_at()
        .map_err(|e| Refusal::internal(format!("{} cannot be serialised: {e}", P::NAME)))?;
    let mut check = ProjectionCheck {
        projection: P::NAME.to_string(),
        position: at.position,
        equal: false,
        differences: Vec::new(),
        live_stopped: live.status().failed,
        rebuild_failed: None,
    };
    let rebuilt = match fold::<P>(&state.log.feed(), None, Until::Position(at)).await {
        Ok((rebuilt, reached)) if reached == at => rebuilt,
        Ok((_, reached)) => {
            check.rebuild_failed = Some(format!(
                "the rebuild reached position {} of the feed, not {}",
                reached.position, at.position
            ));
            return Ok(check);
        }
        Err(FoldError::Failed(reason)) => {
            check.rebuild_failed = Some(reason);
            return Ok(check);
        }
        Err(FoldError::Store(error)) => return Err(error.into()),
    };
    let rebuilt_json = rebuilt.to_json().map_err(|e| {
        Refusal::internal(format!("the rebuilt {} cannot be serialised: {e}", P::NAME))
    })?;
    check.differences = first_differences(&live_json, &rebuilt_json, MAX_DIFFERENCES);
    check.equal = check.differences.is_empty();
    Ok(check)
}

#[cfg(test)]
mod tests {
    use projections::EngineBuilder;

    use super::*;

    /// Every projection the server runs can be verified, and nothing else is listed.
    #[tokio::test]
    async fn the_list_is_every_registered_projection() {
        let (_dir, log) = store::testing::sqlite_log().await;
        let mut builder = EngineBuilder::new(log.feed());
        projections::ReadModels::register(&mut builder);
        let mut registered = builder.names();
        registered.sort_unstable();
        let mut listed = PROJECTIONS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, registered);
    }
}
