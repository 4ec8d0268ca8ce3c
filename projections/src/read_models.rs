//! Every read model the gateway serves, registered with one engine.

use crate::{
    AccountDirectory, CommunityDirectory, EngineBuilder, EventCounts, GatheringCalendar,
    InitiativeMap, Library, Memberships, ModerationQueue, ProjectDirectory, ProjectMatching,
    Projection, ProjectionHandle, Statistics,
};

/// Handles to every projection an instance runs.
#[derive(Clone)]
pub struct ReadModels {
    pub event_counts: ProjectionHandle<EventCounts>,
    pub directory: ProjectionHandle<AccountDirectory>,
    pub calendar: ProjectionHandle<GatheringCalendar>,
    pub map: ProjectionHandle<InitiativeMap>,
    pub statistics: ProjectionHandle<Statistics>,
    pub memberships: ProjectionHandle<Memberships>,
    pub matching: ProjectionHandle<ProjectMatching>,
    pub moderation: ProjectionHandle<ModerationQueue>,
    pub library: ProjectionHandle<Library>,
    pub communities: ProjectionHandle<CommunityDirectory>,
    pub projects: ProjectionHandle<ProjectDirectory>,
}

impl ReadModels {
    /// Adds every projection to `builder` (in the order `/ready` lists them).
    pub fn register(builder: &mut EngineBuilder) -> Self {
        Self {
            event_counts: builder.add(),
            directory: builder.add(),
            calendar: builder.add(),
            map: builder.add(),
            statistics: builder.add(),
            memberships: builder.add(),
            matching: builder.add(),
            moderation: builder.add(),
            library: builder.add(),
            communities: builder.add(),
            projects: builder.add(),
        }
    }

    /// Each projection's serialised state by name: what rebuilt and live models are compared by.
    pub fn to_json(
        &self,
    ) -> std::collections::BTreeMap<&'static str, Result<serde_json::Value, String>> {
        [
            (EventCounts::NAME, self.event_counts.to_json()),
            (AccountDirectory::NAME, self.directory.to_json()),
            (GatheringCalendar::NAME, self.calendar.to_json()),
            (InitiativeMap::NAME, self.map.to_json()),
            (Statistics::NAME, self.statistics.to_json()),
            (Memberships::NAME, self.memberships.to_json()),
            (ProjectMatching::NAME, self.matching.to_json()),
            (ModerationQueue::NAME, self.moderation.to_json()),
            (Library::NAME, self.library.to_json()),
            (CommunityDirectory::NAME, self.communities.to_json()),
            (ProjectDirectory::NAME, self.projects.to_json()),
        ]
        .into_iter()
        .collect()
    }
}
