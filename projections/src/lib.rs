//! Read models fed by the global feed (DESIGN §3).
//!
//! Each projection consumes the feed in order and keeps its read model in memory; the engine
//! tracks where each one stands, so that readiness and lag can be reported and a caller can wait
//! until a projection has seen a given event. A projection that cannot apply an event stops and
//! says which event; it never skips one.

mod account_directory;
mod engine;
mod event_counts;
mod gathering_calendar;

pub use account_directory::AccountDirectory;
pub use engine::{Projection, ProjectionError, ProjectionHandle, ProjectionStatus};
pub use event_counts::EventCounts;
pub use gathering_calendar::{CalendarEntry, GatheringCalendar};
