//! What people ask of a publication, news item or gathering, and the decision for each request.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Gathering, Kind, Publication, PublicationContent, PublicationError, PublicationEvent,
    PublicationRule, PublicationStatus,
};
use crate::actor::Actor;
use crate::values::{PublicationId, Reason};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicationCommand {
    Submit {
        publication_id: PublicationId,
        actor: Actor,
        content: PublicationContent,
        at: DateTime<Utc>,
    },
    /// Replace the content, before approval.
    Edit {
        actor: Actor,
        content: PublicationContent,
        at: DateTime<Utc>,
    },
    Approve {
        actor: Actor,
        at: DateTime<Utc>,
    },
    Reject {
        actor: Actor,
        reason: Reason,
        at: DateTime<Utc>,
    },
    Withdraw {
        actor: Actor,
        at: DateTime<Utc>,
    },
}

const AUTHOR: &str = "its author";
const MODERATOR: &str = "a moderator";
const OTHER_MODERATOR: &str = "a moderator other than its author";

impl Publication {
    /// Checks run in the order state → rights → rules.
    pub(super) fn decide(
        &self,
        command: PublicationCommand,
    ) -> Result<Vec<PublicationEvent>, PublicationError> {
        use PublicationCommand as C;
        use PublicationEvent as E;
        use PublicationStatus as S;

        let event = match command {
            C::Submit {
                publication_id,
                actor,
                content,
                at,
            } => {
                self.require(&[S::NotSubmitted], "submit")?;
                check_content(&content)?;
                E::PublicationSubmitted {
                    publication_id,
                    author: actor.account,
                    content,
                    at,
                }
            }
            C::Edit { actor, content, at } => {
                // Once approved the public has seen it: changes would bypass moderation.
                self.require(&[S::Submitted, S::Rejected], "edit")?;
                self.require_author(&actor, "edit it")?;
                check_content(&content)?;
                if self.status == S::Submitted && self.content.as_ref() == Some(&content) {
                    return Ok(vec![]);
                }
                E::PublicationEdited {
                    content,
                    edited_by: actor.account,
                    at,
                }
            }
            C::Approve { actor, at } => {
                self.require(&[S::Submitted], "approve")?;
                self.require_independent_moderator(&actor, "approve it")?;
                E::PublicationApproved {
                    approved_by: actor.account,
                    at,
                }
            }
            C::Reject { actor, reason, at } => {
                self.require(&[S::Submitted], "reject")?;
                self.require_independent_moderator(&actor, "reject it")?;
                E::PublicationRejected {
                    rejected_by: actor.account,
                    reason,
                    at,
                }
            }
            C::Withdraw { actor, at } => {
                self.require(&[S::Submitted, S::Approved, S::Rejected], "withdraw")?;
                self.require_author(&actor, "withdraw it")?;
                E::PublicationWithdrawn {
                    withdrawn_by: actor.account,
                    at,
                }
            }
        };
        Ok(vec![event])
    }

    fn require(
        &self,
        allowed: &[PublicationStatus],
        action: &'static str,
    ) -> Result<(), PublicationError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(PublicationError::InvalidTransition {
                action,
                current: self.status,
            })
        }
    }

    /// Four eyes: a moderator never reviews what they wrote.
    fn require_independent_moderator(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(), PublicationError> {
        if !actor.is_moderator() {
            return Err(not_allowed(action, MODERATOR));
        }
        if self.is_author(actor.account) {
            return Err(not_allowed(action, OTHER_MODERATOR));
        }
        Ok(())
    }

    fn require_author(&self, actor: &Actor, action: &'static str) -> Result<(), PublicationError> {
        if self.is_author(actor.account) {
            Ok(())
        } else {
            Err(not_allowed(action, AUTHOR))
        }
    }
}

fn check_content(content: &PublicationContent) -> Result<(), PublicationError> {
    let rule = |rule| Err(PublicationError::RuleViolated(rule));
    if content.topic.is_some() && content.kind != Kind::Publication {
        return rule(PublicationRule::TopicOnlyForPublications);
    }
    if content.format.is_some() && !matches!(content.kind, Kind::Gathering(_)) {
        return rule(PublicationRule::FormatOnlyForGatherings);
    }
    match &content.kind {
        Kind::Gathering(gathering) => check_gathering(gathering),
        Kind::Publication | Kind::News => Ok(()),
    }
}

fn check_gathering(gathering: &Gathering) -> Result<(), PublicationError> {
    let rule = |rule| Err(PublicationError::RuleViolated(rule));
    if gathering.place.is_none() && gathering.online_link.is_none() {
        return rule(PublicationRule::GatheringNeedsPlaceOrLink);
    }
    let (Some(start), Some(end)) = (gathering.start_instant(), gathering.end_instant()) else {
        return rule(PublicationRule::LocalTimeDoesNotExist);
    };
    // Compared as instants, not wall-clock times: across a daylight-saving change the two differ.
    if end <= start {
        return rule(PublicationRule::GatheringEndsBeforeStart);
    }
    Ok(())
}

fn not_allowed(action: &'static str, who: &'static str) -> PublicationError {
    PublicationError::NotAllowed { action, who }
}
