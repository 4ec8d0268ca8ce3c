//! Seed accounts: one or a few per role, each with a random password made here and shown once
//! on the terminal. Nothing fixes a password; a second run finds the accounts by email and
//! creates nothing.

use std::collections::BTreeMap;

use domain::account::Authority;
use domain::actor::{Actor, Role};
use domain::values::{AccountId, DisplayName, EmailAddress, Language, Password};
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use rand::Rng;
use store::EventMetadata;

use super::data::{SeedAccount, SeedRole};
use crate::access::accounts::SignUp;
use crate::access::AccountService;
use crate::app::Refusal;

/// A seed account as the rest of the loader acts with it.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub actor: Actor,
}

/// An account created by this run, with the password to hand over once.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NewAccount {
    pub email: String,
    pub role: SeedRole,
    #[serde(skip)]
    pub password: String,
}

/// The accounts by key, and the ones this run created (with their passwords).
pub async fn ensure(
    accounts: &AccountService,
    wanted: &[SeedAccount],
) -> Result<(BTreeMap<String, Seeded>, Vec<NewAccount>), String> {
    let mut by_key = BTreeMap::new();
    let mut created = Vec::new();
    for seed in wanted {
        let email = EmailAddress::new(&seed.email).map_err(|e| e.to_string())?;
        let roles = roles_of(seed.role);
        let id = match accounts.find_by_email(&email).await.map_err(describe)? {
            Some(id) => id,
            None => {
                let password = random_password();
                let id = create(accounts, seed, email, &password).await?;
                created.push(NewAccount {
                    email: seed.email.clone(),
                    role: seed.role,
                    password,
                });
                id
            }
        };
        by_key.insert(
            seed.key.clone(),
            Seeded {
                actor: Actor::new(id, roles),
            },
        );
    }
    Ok((by_key, created))
}

async fn create(
    accounts: &AccountService,
    seed: &SeedAccount,
    email: EmailAddress,
    password: &str,
) -> Result<AccountId, String> {
    let input = SignUp {
        email,
        display_name: DisplayName::new(&seed.display_name).map_err(|e| e.to_string())?,
        password: Password::new(password.to_string()).map_err(|e| e.to_string())?,
        phone: None,
        language: seed.language.parse::<Language>().unwrap_or_default(),
    };
    let (id, _) = accounts
        .register_confirmed(input, &metadata("SignUp"))
        .await
        .map_err(describe)?;
    let role = match seed.role {
        SeedRole::Member => None,
        SeedRole::Moderator => Some(Role::Moderator),
        SeedRole::Auditor => Some(Role::Auditor),
        SeedRole::Admin => Some(Role::Admin),
    };
    if let Some(role) = role {
        accounts
            .change_role(
                id,
                role,
                true,
                Authority::System("articula seed".to_string()),
                &metadata("GrantRole"),
            )
            .await
            .map_err(describe)?;
    }
    Ok(id)
}

fn roles_of(role: SeedRole) -> Vec<Role> {
    match role {
        SeedRole::Member => vec![Role::Member],
        SeedRole::Moderator => vec![Role::Member, Role::Moderator],
        SeedRole::Auditor => vec![Role::Member, Role::Auditor],
        SeedRole::Admin => vec![Role::Member, Role::Admin],
    }
}

/// 24 letters and digits from the operating system's generator: about 142 bits.
fn random_password() -> String {
    OsRng
        .sample_iter(&Alphanumeric)
        .take(24)
        .map(char::from)
        .collect()
}

pub(super) fn metadata(command: &str) -> EventMetadata {
    EventMetadata::system("seed", command)
}

/// An API error as one line for the terminal.
pub(super) fn describe(error: Refusal) -> String {
    match error {
        Refusal::Internal(cause) => cause.to_string(),
        other => other.to_string(),
    }
}
