//! Read models fed by the global feed (DESIGN §3).
//!
//! The [`Engine`] reads the feed once and feeds every projection; each keeps its read model in
//! memory and its checkpoint (and a snapshot of its state) in the store, so that start-up resumes
//! instead of replaying all history. A caller can wait until the projections have seen a given
//! event (read-your-writes), or fold a fresh one up to a past point ([`fold`], as-of). A
//! projection that cannot apply an event stops and says which event; it never skips one.

mod account_directory;
mod communities;
mod engine;
mod event;
mod event_counts;
mod gathering_calendar;
mod joint_projects;
mod library;
mod listing;
mod map;
mod matching;
mod memberships;
mod moderation_queue;
mod parts;
mod read_models;
mod statistics;
mod stored;
#[cfg(test)]
mod test_events;

pub use account_directory::AccountDirectory;
pub use communities::{CommunityDirectory, CommunityFilter, CommunitySummary, ThreadSummary};
pub use engine::{
    fold, Engine, EngineBuilder, EngineSettings, FoldError, HistoryKeeper, KeptRound, Progress,
    Projection, ProjectionError, ProjectionHandle, ProjectionStatus, Register, Restored, Restoring,
    Until,
};
pub use event::{DomainEvent, Envelope};
pub use event_counts::EventCounts;
pub use gathering_calendar::{CalendarEntry, GatheringCalendar};
pub use joint_projects::{
    InitiativeRef, ListedProject, PartnerRef, ProjectDirectory, ProjectFilter, ProjectViewer,
};
pub use library::{GatheringFilter, Library, LibraryFilter, LibraryItem, Viewer, When};
pub use listing::{Found, Page, SortKey, DEFAULT_PAGE, MAX_PAGE};
pub use map::text::fold as fold_text;
pub use map::{to_geojson, BoundingBox, InitiativeMap, MapEntry, MapFeature, MapFilter, TextQuery};
pub use matching::{
    fraction, InitiativeSummary, Match, Points, ProjectMatch, ProjectMatching, ProjectSummary,
    Reason, ReasonKind,
};
pub use memberships::{
    AccountMemberships, CommunityMembership, CommunityRoster, InitiativeTeam, ManagedInitiative,
    Member, MemberEntry, Memberships, PendingRequest,
};
pub use moderation_queue::{
    ModerationQueue, QueueItem, QueueKind, QueuePage, QueueSubject, UnknownKind, Waiting,
};
pub use read_models::ReadModels;
pub use statistics::{Count, Row, Statistics, Tallies};
