//! The rules: given the state and a command, which events happen (or why not).
//!
//! Order of checks, as for initiatives: does the account exist (and is it not erased), may this
//! actor do this, does the command fit the current state, does it keep the business rules.
//! Creating commands (`Register`, `Invite`) check rights first, then that the id is unused.

use super::{
    Account, AccountCommand, AccountError, AccountEvent, AccountStatus, Authority, Grantor,
};
use crate::actor::{Actor, Role};

use AccountEvent as E;
use AccountStatus as S;

type Decision = Result<Vec<AccountEvent>, AccountError>;

impl Account {
    /// Decides a command without touching the state.
    pub fn decide(&self, command: AccountCommand) -> Decision {
        use AccountCommand as C;
        match command {
            C::SignUp {
                account,
                email_digest,
                personal,
                credential,
                language,
            } => {
                self.unregistered("sign up")?;
                Ok(vec![E::AccountSignedUp {
                    account,
                    email_digest,
                    personal,
                    credential,
                    language,
                }])
            }
            C::ConfirmAddress => {
                self.existing("confirm the email address")?;
                if self.status != S::PendingConfirmation {
                    return Err(AccountError::transition(
                        "confirm the email address",
                        self.status,
                        "it needs no confirmation; sign in",
                    ));
                }
                Ok(vec![E::AddressConfirmed {}])
            }
            C::Register {
                account,
                email_digest,
                personal,
                credential,
                language,
            } => {
                self.unregistered("register the account")?;
                Ok(vec![E::AccountRegistered {
                    account,
                    email_digest,
                    personal,
                    credential,
                    language,
                }])
            }
            C::Invite {
                account,
                email_digest,
                personal,
                language,
                by,
            } => {
                let by = authorise(&by, "create accounts for other people")?;
                self.unregistered("invite the account")?;
                Ok(vec![E::AccountInvited {
                    account,
                    email_digest,
                    personal,
                    language,
                    by,
                }])
            }
            C::Activate { credential } => {
                self.existing("activate the account")?;
                if self.status != S::PendingActivation {
                    return Err(AccountError::transition(
                        "activate the account",
                        self.status,
                        "it is already active; sign in, or reset the password if it is forgotten",
                    ));
                }
                Ok(vec![E::AccountActivated { credential }])
            }
            C::ChangePassword { credential, actor } => {
                self.existing("change the password")?;
                self.require_holder(&actor, "change its password")?;
                self.require_active("change the password")?;
                Ok(vec![E::PasswordChanged { credential }])
            }
            C::ChangeLanguage { language, actor } => {
                self.existing("change the language")?;
                if !self.is_holder(&actor) && !actor.is_admin() {
                    return Err(AccountError::not_allowed(
                        "only the account holder or an administrator can change its language",
                    ));
                }
                if language == self.language {
                    // Nothing changes: succeed without recording anything.
                    return Ok(vec![]);
                }
                Ok(vec![E::LanguageChanged {
                    language,
                    by: actor.account,
                }])
            }
            C::SetNotificationPreferences { muted, actor } => {
                self.existing("change notification preferences")?;
                self.require_holder(&actor, "choose its notifications")?;
                if muted == self.muted_notifications {
                    return Ok(vec![]);
                }
                Ok(vec![E::NotificationPreferencesChanged {
                    muted,
                    by: actor.account,
                }])
            }
            C::UpdatePersonal { personal, actor } => {
                self.existing("update the personal data")?;
                self.require_holder(&actor, "change its personal data")?;
                self.require_active("update the personal data")?;
                Ok(vec![E::PersonalDataUpdated { personal }])
            }
            C::GrantRole { role, by } => {
                self.existing("grant a role")?;
                let by = authorise(&by, "grant roles")?;
                not_member(role)?;
                if self.roles.contains(&role) {
                    return Err(AccountError::rule(format!(
                        "the account already has the {} role",
                        role_name(role)
                    )));
                }
                Ok(vec![E::RoleGranted { role, by }])
            }
            C::RevokeRole { role, by } => {
                self.existing("revoke a role")?;
                let by = authorise(&by, "revoke roles")?;
                not_member(role)?;
                if !self.roles.contains(&role) {
                    return Err(AccountError::rule(format!(
                        "the account does not have the {} role",
                        role_name(role)
                    )));
                }
                Ok(vec![E::RoleRevoked { role, by }])
            }
            C::Erase { by } => {
                self.existing("erase the account")?;
                let by = authorise(&by, "erase accounts")?;
                Ok(vec![E::AccountErased { by }])
            }
        }
    }

    fn unregistered(&self, attempted: &'static str) -> Result<(), AccountError> {
        match self.status {
            S::Unregistered => Ok(()),
            S::Erased => Err(erased(attempted)),
            current => Err(AccountError::transition(
                attempted,
                current,
                "an account with this id already exists",
            )),
        }
    }

    /// Registered (active or awaiting activation) and not erased.
    fn existing(&self, attempted: &'static str) -> Result<(), AccountError> {
        match self.status {
            S::Unregistered => Err(AccountError::transition(
                attempted,
                S::Unregistered,
                "there is no such account",
            )),
            S::Erased => Err(erased(attempted)),
            S::PendingActivation | S::PendingConfirmation | S::Active => Ok(()),
        }
    }

    fn require_active(&self, attempted: &'static str) -> Result<(), AccountError> {
        if self.status == S::Active {
            Ok(())
        } else {
            Err(AccountError::transition(
                attempted,
                self.status,
                "activate the account with the link in the invitation first",
            ))
        }
    }

    fn is_holder(&self, actor: &Actor) -> bool {
        self.id == Some(actor.account)
    }

    fn require_holder(&self, actor: &Actor, to: &str) -> Result<(), AccountError> {
        if self.is_holder(actor) {
            Ok(())
        } else {
            Err(AccountError::not_allowed(format!(
                "only the account holder can {to}"
            )))
        }
    }
}

fn erased(attempted: &'static str) -> AccountError {
    AccountError::transition(
        attempted,
        S::Erased,
        "the account was erased: its personal data is gone and it can no longer be used",
    )
}

/// The grantor to record, if the authority may administer accounts.
fn authorise(by: &Authority, to: &str) -> Result<Grantor, AccountError> {
    by.grantor()
        .ok_or_else(|| AccountError::not_allowed(format!("only an administrator can {to}")))
}

fn not_member(role: Role) -> Result<(), AccountError> {
    if role == Role::Member {
        Err(AccountError::rule(
            "every account is a member; the member role cannot be granted or revoked",
        ))
    } else {
        Ok(())
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Member => "member",
        Role::Moderator => "moderator",
        Role::Auditor => "auditor",
        Role::Admin => "administrator",
    }
}
