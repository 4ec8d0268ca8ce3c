//! Why a publication command was refused. `NotAllowed` → 403, `InvalidTransition` → 409 (with
//! the current state), `RuleViolated` → 422.

use super::PublicationStatus;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicationError {
    /// The actor lacks the right to do this.
    #[error("not allowed: only {who} may {action}")]
    NotAllowed {
        action: &'static str,
        who: &'static str,
    },
    /// The command does not fit the item's current state.
    #[error("cannot {action}: the item is {current}")]
    InvalidTransition {
        action: &'static str,
        current: PublicationStatus,
    },
    /// A business rule forbids it.
    #[error("{0}")]
    RuleViolated(PublicationRule),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicationRule {
    #[error("a gathering must end after it starts")]
    GatheringEndsBeforeStart,
    #[error("a gathering needs a place, an online link, or both")]
    GatheringNeedsPlaceOrLink,
    #[error(
        "the gathering's start or end does not exist in its time zone (the clocks skip that \
         hour); choose another time"
    )]
    LocalTimeDoesNotExist,
    #[error("only a publication (a report, study or guide) has a topic; leave topic out")]
    TopicOnlyForPublications,
    #[error("only a gathering has a format; leave format out")]
    FormatOnlyForGatherings,
}

impl PublicationRule {
    /// A stable machine-readable code for API clients.
    pub fn code(self) -> &'static str {
        match self {
            Self::GatheringEndsBeforeStart => "gathering_ends_before_start",
            Self::GatheringNeedsPlaceOrLink => "gathering_needs_place_or_link",
            Self::LocalTimeDoesNotExist => "local_time_does_not_exist",
            Self::TopicOnlyForPublications => "topic_only_for_publications",
            Self::FormatOnlyForGatherings => "format_only_for_gatherings",
        }
    }
}
