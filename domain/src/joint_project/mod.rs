//! A joint project between initiatives: one lead initiative, partner initiatives that accept an
//! invitation, and an optional open call where other initiatives express interest.
//!
//! Lifecycle: `proposed → under_review → approved | rejected`, `approved → active →
//! completed`, and `withdrawn` from any state that is not yet over. A rejected project may be
//! revised (back to `proposed`) and submitted again. Moderators approve before the project is
//! listed publicly; it becomes active only with at least two accepted initiatives, the lead
//! counting as one.
//!
//! Who manages which initiative, and an initiative's standing (approved, retired), live in the
//! initiatives' streams: the gateway looks them up and puts them in the command as facts.

mod commands;
mod decide;
mod error;
mod events;
#[cfg(test)]
mod objective_tests;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::values::{AccountId, Description, InitiativeId, JointProjectId, Reason, Sectors, Title};
use crate::values::{Text, TextRules};

pub use commands::{InitiativeStanding, JointProjectCommand};
pub use error::{JointProjectError, JointProjectRule};
pub use events::JointProjectEvent;

/// Limits of [`Objective`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectiveRules {}

impl TextRules for ObjectiveRules {
    const FIELD: &'static str = "objectives";
    const MIN: usize = 1;
    const MAX: usize = 500;
    const MULTILINE: bool = false;
}

/// One objective of a project: 1 to 500 characters, one line.
pub type Objective = Text<ObjectiveRules>;

/// Most objectives a project may list: beyond that they stop being objectives.
pub const MAX_OBJECTIVES: usize = 10;

/// The project's lifecycle, reported in a 409 when a command does not fit it.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    #[default]
    NotProposed,
    Proposed,
    UnderReview,
    Approved,
    Rejected,
    Active,
    Completed,
    Withdrawn,
}

impl ProjectStatus {
    /// Every state a submitted project can be in (not `not_proposed`).
    pub const ALL: &'static [ProjectStatus] = &[
        Self::Proposed,
        Self::UnderReview,
        Self::Approved,
        Self::Rejected,
        Self::Active,
        Self::Completed,
        Self::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotProposed => "not_proposed",
            Self::Proposed => "proposed",
            Self::UnderReview => "under_review",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Whether the project still exists and is not over: partners may still come and go.
    pub fn is_ongoing(self) -> bool {
        !matches!(self, Self::NotProposed | Self::Completed | Self::Withdrawn)
    }
}

impl fmt::Display for ProjectStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// Where an invitation to a partner initiative stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Invited,
    Accepted,
    Declined,
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
        }
    }
}

impl fmt::Display for InvitationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the project is and who leads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetails {
    pub id: JointProjectId,
    pub lead: InitiativeId,
    pub title: Title,
    pub description: Description,
    pub sectors: Sectors,
    pub objectives: Vec<Objective>,
    pub proposed_by: AccountId,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub proposed_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointProject {
    status: ProjectStatus,
    details: Option<ProjectDetails>,
    /// Invited initiatives (never the lead) and where each invitation stands.
    partners: BTreeMap<InitiativeId, InvitationState>,
    call_open: bool,
    /// Initiatives that answered the open call and have not been invited yet.
    interested: BTreeSet<InitiativeId>,
    /// The moderator's reason, while the project stands rejected.
    rejection_reason: Option<Reason>,
}

impl JointProject {
    pub fn status(&self) -> ProjectStatus {
        self.status
    }

    pub fn details(&self) -> Option<&ProjectDetails> {
        self.details.as_ref()
    }

    pub fn partners(&self) -> &BTreeMap<InitiativeId, InvitationState> {
        &self.partners
    }

    pub fn is_call_open(&self) -> bool {
        self.call_open
    }

    pub fn interested(&self) -> &BTreeSet<InitiativeId> {
        &self.interested
    }

    pub fn rejection_reason(&self) -> Option<&Reason> {
        self.rejection_reason.as_ref()
    }

    /// Initiatives taking part: the lead plus every partner that accepted.
    pub fn accepted_initiatives(&self) -> usize {
        let partners = self
            .partners
            .values()
            .filter(|state| **state == InvitationState::Accepted)
            .count();
        partners + usize::from(self.details.is_some())
    }

    fn lead(&self) -> Option<InitiativeId> {
        self.details.as_ref().map(|details| details.lead)
    }
}

impl Aggregate for JointProject {
    const TYPE: &'static str = "joint_project";
    type Command = JointProjectCommand;
    type Event = JointProjectEvent;
    type Error = JointProjectError;
    type Services = ();

    async fn handle(
        &mut self,
        command: JointProjectCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), JointProjectError> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: JointProjectEvent) {
        use JointProjectEvent as E;
        match event {
            E::JointProjectProposed {
                project_id,
                lead,
                title,
                description,
                sectors,
                objectives,
                proposed_by,
                at,
            } => {
                self.status = ProjectStatus::Proposed;
                self.details = Some(ProjectDetails {
                    id: project_id,
                    lead,
                    title,
                    description,
                    sectors,
                    objectives,
                    proposed_by,
                    proposed_at: at,
                });
            }
            E::JointProjectRevised {
                title,
                description,
                sectors,
                objectives,
                ..
            } => {
                if let Some(details) = self.details.as_mut() {
                    details.title = title;
                    details.description = description;
                    details.sectors = sectors;
                    details.objectives = objectives;
                }
                // Revising a rejected project starts it over; the old reason no longer applies.
                self.status = ProjectStatus::Proposed;
                self.rejection_reason = None;
            }
            E::PartnerInvited { initiative, .. } => {
                self.interested.remove(&initiative);
                self.partners.insert(initiative, InvitationState::Invited);
            }
            E::InvitationAccepted { initiative, .. } => {
                self.partners.insert(initiative, InvitationState::Accepted);
            }
            E::InvitationDeclined { initiative, .. } => {
                self.partners.insert(initiative, InvitationState::Declined);
            }
            E::CallForPartnersOpened { .. } => self.call_open = true,
            E::CallForPartnersClosed { .. } => self.call_open = false,
            E::InterestExpressed { initiative, .. } => {
                self.interested.insert(initiative);
            }
            E::SubmittedForReview { .. } => self.status = ProjectStatus::UnderReview,
            E::JointProjectApproved { .. } => self.status = ProjectStatus::Approved,
            E::JointProjectRejected { reason, .. } => {
                self.status = ProjectStatus::Rejected;
                self.rejection_reason = Some(reason);
            }
            E::JointProjectActivated { .. } => self.status = ProjectStatus::Active,
            E::JointProjectCompleted { .. } => {
                self.status = ProjectStatus::Completed;
                self.call_open = false;
            }
            E::JointProjectWithdrawn { .. } => {
                self.status = ProjectStatus::Withdrawn;
                self.call_open = false;
            }
        }
    }
}
