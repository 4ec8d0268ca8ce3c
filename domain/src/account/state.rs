//! The state of one account, rebuilt from its events, and what can be asked of it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

use super::{AccountEvent, NotificationKind};
use crate::actor::{Actor, Role};
use crate::values::{AccountId, EmailDigest, Language, Sealed};

/// Where an account is in its lifecycle: `unregistered → pending confirmation → active`
/// (sign-up, confirmed by mail), `unregistered → active` (created confirmed, as the seed does),
/// `unregistered → pending activation → active` (invitation), any registered state `→ erased`
/// (final).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    #[default]
    Unregistered,
    /// Created by an administrator; no password yet.
    PendingActivation,
    /// Signed up; the holder has not yet confirmed the email address with the link mailed to it.
    PendingConfirmation,
    Active,
    Erased,
}

impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unregistered => "not registered",
            Self::PendingActivation => "waiting for its holder to activate it",
            Self::PendingConfirmation => "waiting for its holder to confirm the email address",
            Self::Active => "active",
            Self::Erased => "erased",
        })
    }
}

/// The Account aggregate's state. Fields are private: it changes only through events.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub(super) id: Option<AccountId>,
    pub(super) status: AccountStatus,
    /// Granted roles only: `Member` is implicit and never stored here.
    pub(super) roles: BTreeSet<Role>,
    pub(super) language: Language,
    pub(super) email_digest: Option<EmailDigest>,
    pub(super) personal: Option<Sealed>,
    pub(super) credential: Option<Sealed>,
    /// Kinds of notification the holder turned off.
    #[serde(default)]
    pub(super) muted_notifications: BTreeSet<NotificationKind>,
}

impl Account {
    pub fn id(&self) -> Option<AccountId> {
        self.id
    }
    pub fn status(&self) -> AccountStatus {
        self.status
    }
    pub fn is_active(&self) -> bool {
        self.status == AccountStatus::Active
    }
    /// Every role the account holds: the granted ones plus the implicit `Member` of any
    /// account that is active or awaiting activation. Empty when unregistered or erased.
    pub fn roles(&self) -> BTreeSet<Role> {
        let mut roles = self.roles.clone();
        if self.is_implicitly_member() {
            roles.insert(Role::Member);
        }
        roles
    }
    /// Whether the account holds the implicit `Member` role: it is active or awaiting
    /// activation.
    fn is_implicitly_member(&self) -> bool {
        matches!(
            self.status,
            AccountStatus::Active | AccountStatus::PendingActivation
        )
    }
    /// The roles explicitly granted (without the implicit `Member`).
    pub fn granted_roles(&self) -> &BTreeSet<Role> {
        &self.roles
    }
    /// Whether [`Self::roles`] holds `role`, without building the set (the notifier asks it
    /// of every account for every submission).
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role) || (role == Role::Member && self.is_implicitly_member())
    }
    /// The account as an actor with its current roles, if it is active (the gateway builds the
    /// signed-in actor from this).
    pub fn actor(&self) -> Option<Actor> {
        match (self.status, self.id) {
            (AccountStatus::Active, Some(id)) => Some(Actor::new(id, self.roles())),
            _ => None,
        }
    }
    pub fn language(&self) -> Language {
        self.language
    }
    /// The digest of the email address; kept after erasure so that the email claim can be
    /// released.
    pub fn email_digest(&self) -> Option<&EmailDigest> {
        self.email_digest.as_ref()
    }
    /// The sealed name, email and phone; `None` when unregistered or erased.
    pub fn personal(&self) -> Option<&Sealed> {
        self.personal.as_ref()
    }
    /// The sealed password hash; `None` until a password is set, and after erasure.
    pub fn credential(&self) -> Option<&Sealed> {
        self.credential.as_ref()
    }

    /// The kinds of notification the holder turned off.
    pub fn muted_notifications(&self) -> &BTreeSet<NotificationKind> {
        &self.muted_notifications
    }

    /// Whether the holder receives notifications of `kind`.
    pub fn wants_notification(&self, kind: NotificationKind) -> bool {
        !self.muted_notifications.contains(&kind)
    }

    pub(super) fn apply_event(&mut self, event: AccountEvent) {
        use AccountEvent::*;
        match event {
            AccountRegistered {
                account,
                email_digest,
                personal,
                credential,
                language,
            } => {
                self.id = Some(account);
                self.status = AccountStatus::Active;
                self.email_digest = Some(email_digest);
                self.personal = Some(personal);
                self.credential = Some(credential);
                self.language = language;
            }
            AccountInvited {
                account,
                email_digest,
                personal,
                language,
                ..
            } => {
                self.id = Some(account);
                self.status = AccountStatus::PendingActivation;
                self.email_digest = Some(email_digest);
                self.personal = Some(personal);
                self.language = language;
            }
            AccountSignedUp {
                account,
                email_digest,
                personal,
                credential,
                language,
            } => {
                self.id = Some(account);
                self.status = AccountStatus::PendingConfirmation;
                self.email_digest = Some(email_digest);
                self.personal = Some(personal);
                self.credential = Some(credential);
                self.language = language;
            }
            AddressConfirmed {} => self.status = AccountStatus::Active,
            AccountActivated { credential } => {
                self.status = AccountStatus::Active;
                self.credential = Some(credential);
            }
            PasswordChanged { credential } => self.credential = Some(credential),
            LanguageChanged { language, .. } => self.language = language,
            PersonalDataUpdated { personal } => self.personal = Some(personal),
            RoleGranted { role, .. } => {
                if role != Role::Member {
                    self.roles.insert(role);
                }
            }
            RoleRevoked { role, .. } => {
                self.roles.remove(&role);
            }
            AccountErased { .. } => {
                self.status = AccountStatus::Erased;
                self.roles.clear();
                self.personal = None;
                self.credential = None;
                self.muted_notifications.clear();
            }
            NotificationPreferencesChanged { muted, .. } => self.muted_notifications = muted,
        }
    }
}
