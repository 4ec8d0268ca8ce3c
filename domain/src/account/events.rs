//! What happened to an account. Past tense; stored forever.
//!
//! Variant names are the stored event types and field names are the stored payload, so both are
//! frozen: a change of shape means a new version and an upcaster, never an edit here. Personal
//! data appears only sealed, so shredding the holder's key erases it from every event at once.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

use super::NotificationKind;
use crate::actor::Role;
use crate::values::{AccountId, EmailDigest, Language, Sealed};

/// Who granted, revoked or erased something, as recorded in the event: an administrator's
/// account, or the system under a name. Stored as `{"admin": "<uuid>"}` or
/// `{"system": "articula admin create"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grantor {
    Admin(AccountId),
    System(String),
}

impl fmt::Display for Grantor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Admin(account) => write!(f, "administrator {account}"),
            Self::System(name) => write!(f, "system ({name})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountEvent {
    /// A person signed up with a password; the account waits until they confirm the email
    /// address with the secret mailed to it.
    AccountSignedUp {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        credential: Sealed,
        language: Language,
    },
    /// The holder confirmed the email address: the account is active.
    AddressConfirmed {},
    /// An account created active with a password (the seed's accounts, whose addresses are
    /// the operator's own).
    AccountRegistered {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        credential: Sealed,
        language: Language,
    },
    /// An administrator (or the system) created the account without a password; it awaits
    /// activation by its holder.
    AccountInvited {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        language: Language,
        by: Grantor,
    },
    /// The invited holder set a password; the account is active.
    AccountActivated {
        credential: Sealed,
    },
    PasswordChanged {
        credential: Sealed,
    },
    LanguageChanged {
        language: Language,
        by: AccountId,
    },
    PersonalDataUpdated {
        personal: Sealed,
    },
    /// A platform role was granted (never `Member`, which every account has implicitly).
    RoleGranted {
        role: Role,
        by: Grantor,
    },
    RoleRevoked {
        role: Role,
        by: Grantor,
    },
    /// The account was erased: its roles and sealed data are dropped and it can no longer act.
    AccountErased {
        by: Grantor,
    },
    /// The holder chose which kinds of notification not to receive (the whole set, replacing
    /// the previous one).
    NotificationPreferencesChanged {
        muted: BTreeSet<NotificationKind>,
        by: AccountId,
    },
}

impl AccountEvent {
    /// Every event type name, for registries (upcasters, projections' subscriptions, docs).
    pub const TYPES: &'static [&'static str] = &[
        "AccountSignedUp",
        "AddressConfirmed",
        "AccountRegistered",
        "AccountInvited",
        "AccountActivated",
        "PasswordChanged",
        "LanguageChanged",
        "PersonalDataUpdated",
        "RoleGranted",
        "RoleRevoked",
        "AccountErased",
        "NotificationPreferencesChanged",
    ];
}

impl DomainEvent for AccountEvent {
    fn event_type(&self) -> String {
        use AccountEvent::*;
        let name = match self {
            AccountSignedUp { .. } => "AccountSignedUp",
            AddressConfirmed { .. } => "AddressConfirmed",
            AccountRegistered { .. } => "AccountRegistered",
            AccountInvited { .. } => "AccountInvited",
            AccountActivated { .. } => "AccountActivated",
            PasswordChanged { .. } => "PasswordChanged",
            LanguageChanged { .. } => "LanguageChanged",
            PersonalDataUpdated { .. } => "PersonalDataUpdated",
            RoleGranted { .. } => "RoleGranted",
            RoleRevoked { .. } => "RoleRevoked",
            AccountErased { .. } => "AccountErased",
            NotificationPreferencesChanged { .. } => "NotificationPreferencesChanged",
        };
        name.to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
