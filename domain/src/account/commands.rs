//! What can be asked of an account. Facts the domain cannot compute (sealed data, the sealed
//! password hash, the email digest) arrive inside the command, prepared by the gateway.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::{Grantor, NotificationKind};
use crate::actor::{Actor, Role};
use crate::values::{AccountId, EmailDigest, Language, Sealed};

/// Who authorises an administrative command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// A signed-in account; it must hold [`Role::Admin`] or the command is refused.
    Actor(Actor),
    /// The platform itself, named for the record (e.g. `"articula admin create"`): the operator
    /// CLI, which runs with direct access to the server and is therefore always allowed.
    System(String),
}

impl Authority {
    /// The grantor to record, or `None` if this authority may not administer accounts.
    pub fn grantor(&self) -> Option<Grantor> {
        match self {
            Self::Actor(actor) if actor.has_role(Role::Admin) => {
                Some(Grantor::Admin(actor.account))
            }
            Self::Actor(_) => None,
            Self::System(name) => Some(Grantor::System(name.clone())),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AccountCommand {
    /// A person signs up with a password: the account waits for the address to be confirmed.
    SignUp {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        credential: Sealed,
        language: Language,
    },
    /// The holder confirmed the address (the gateway has checked the mailed secret and the
    /// password chosen at sign-up).
    ConfirmAddress,
    /// An account created active at once, its address vouched for by whoever runs the command
    /// (the seed).
    Register {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        credential: Sealed,
        language: Language,
    },
    /// An administrator (or the CLI, for the first administrator) creates an account without a
    /// password; it waits for its holder to activate it.
    Invite {
        account: AccountId,
        email_digest: EmailDigest,
        personal: Sealed,
        language: Language,
        by: Authority,
    },
    /// The invited holder sets a password (the gateway has checked the activation token).
    Activate { credential: Sealed },
    /// The holder: replace the password hash.
    ChangePassword { credential: Sealed, actor: Actor },
    /// The holder or an administrator: change the language the platform speaks to the account.
    ChangeLanguage { language: Language, actor: Actor },
    /// The holder: replace the sealed name, email and phone.
    UpdatePersonal { personal: Sealed, actor: Actor },
    /// Administrator or system: grant a platform role (never `Member`, which is implicit).
    GrantRole { role: Role, by: Authority },
    /// Administrator or system: take a platform role back.
    RevokeRole { role: Role, by: Authority },
    /// Administrator or system: erase the account for good.
    Erase { by: Authority },
    /// The holder: the kinds of notification not to receive (replaces the previous choice).
    SetNotificationPreferences {
        muted: BTreeSet<NotificationKind>,
        actor: Actor,
    },
}
