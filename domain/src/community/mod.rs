//! Community of practice: people from different initiatives who learn from each other around a
//! theme (a sector of the taxonomy or a free-text topic).
//!
//! A moderator creates a community and manages it (name, joining policy). People join at once
//! when joining is open, or ask to join when it is moderated; a facilitator or a moderator then
//! accepts or declines. Members may be promoted to facilitator and demoted again.
//!
//! Discussion lives in separate [`crate::thread::Thread`] aggregates so that this stream stays
//! short: it only records who belongs and with which role.

mod commands;
mod error;
mod events;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod theme_tests;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

use crate::values::{AccountId, CommunityId, Name, Sector};

pub use commands::CommunityCommand;
pub use error::{CommunityError, CommunityRule};
pub use events::CommunityEvent;

/// What a community is about: a sector of the fixed taxonomy (so that it can be matched with
/// initiatives) or, when no sector fits, a free-text topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    Sector(Sector),
    Topic(Name),
}

/// How people become members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinPolicy {
    /// Anyone signed in becomes a member at once.
    Open,
    /// A request that a facilitator or a moderator accepts or declines.
    Moderated,
}

impl JoinPolicy {
    pub const ALL: [JoinPolicy; 2] = [JoinPolicy::Open, JoinPolicy::Moderated];
}

/// A member's role inside one community. Not a platform role (see [`crate::actor::Role`]):
/// being a facilitator here gives no rights anywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityRole {
    Member,
    Facilitator,
}

/// The community's lifecycle, reported in a 409 when a command does not fit it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityState {
    #[default]
    NotCreated,
    Active,
}

impl CommunityState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotCreated => "not_created",
            Self::Active => "active",
        }
    }
}

impl fmt::Display for CommunityState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotCreated => "not created",
            Self::Active => "active",
        })
    }
}

/// What a community says about itself once created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityProfile {
    pub id: CommunityId,
    pub name: Name,
    pub theme: Theme,
    pub join_policy: JoinPolicy,
    pub created_by: AccountId,
    #[serde(deserialize_with = "crate::values::time::deserialize")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    profile: Option<CommunityProfile>,
    members: BTreeMap<AccountId, CommunityRole>,
    /// Pending requests to join a moderated community, with when they were made.
    join_requests: BTreeMap<AccountId, DateTime<Utc>>,
}

impl Community {
    pub fn state(&self) -> CommunityState {
        match self.profile {
            None => CommunityState::NotCreated,
            Some(_) => CommunityState::Active,
        }
    }

    pub fn profile(&self) -> Option<&CommunityProfile> {
        self.profile.as_ref()
    }

    /// The account's role here, or `None` if it is not a member.
    pub fn role_of(&self, account: &AccountId) -> Option<CommunityRole> {
        self.members.get(account).copied()
    }

    pub fn members(&self) -> &BTreeMap<AccountId, CommunityRole> {
        &self.members
    }

    pub fn join_requests(&self) -> &BTreeMap<AccountId, DateTime<Utc>> {
        &self.join_requests
    }

    pub fn has_pending_request(&self, account: &AccountId) -> bool {
        self.join_requests.contains_key(account)
    }
}

impl Aggregate for Community {
    const TYPE: &'static str = "community";
    type Command = CommunityCommand;
    type Event = CommunityEvent;
    type Error = CommunityError;
    type Services = ();

    async fn handle(
        &mut self,
        command: CommunityCommand,
        _services: &(),
        sink: &EventSink<Self>,
    ) -> Result<(), CommunityError> {
        // Decide first, write after: a refused command writes nothing, even halfway.
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: CommunityEvent) {
        use CommunityEvent as E;
        match event {
            E::CommunityCreated {
                community_id,
                name,
                theme,
                join_policy,
                created_by,
                at,
            } => {
                self.profile = Some(CommunityProfile {
                    id: community_id,
                    name,
                    theme,
                    join_policy,
                    created_by,
                    created_at: at,
                });
            }
            E::MemberJoined { account, .. } | E::JoinRequestAccepted { account, .. } => {
                self.join_requests.remove(&account);
                self.members.insert(account, CommunityRole::Member);
            }
            E::JoinRequested { account, at } => {
                self.join_requests.insert(account, at);
            }
            E::JoinRequestDeclined { account, .. } | E::JoinRequestWithdrawn { account, .. } => {
                self.join_requests.remove(&account);
            }
            E::MemberLeft { account, .. } => {
                self.members.remove(&account);
            }
            E::MemberPromoted { account, .. } => {
                self.members.insert(account, CommunityRole::Facilitator);
            }
            E::FacilitatorDemoted { account, .. } => {
                self.members.insert(account, CommunityRole::Member);
            }
            E::CommunityRenamed { name, .. } => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.name = name;
                }
            }
            E::JoinPolicyChanged { join_policy, .. } => {
                if let Some(profile) = self.profile.as_mut() {
                    profile.join_policy = join_policy;
                }
            }
            E::ErasedAccountRemoved { account, .. } => {
                self.members.remove(&account);
                self.join_requests.remove(&account);
            }
        }
    }
}
