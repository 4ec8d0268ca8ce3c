//! `articula admin …`: account operations run by whoever operates the server, with direct
//! access to its database (the "system" authority in the events they write).

use domain::account::Authority;
use domain::values::{AccountId, DisplayName, EmailAddress};
use store::{Database, EventLog, EventMetadata};

use crate::access::administration::Erasure;
use crate::access::AccountService;
use crate::app::Refusal;
use crate::cli::AdminCommand;
use crate::Settings;

/// Runs one admin command; the error is the one line the binary prints.
pub async fn run(settings: &Settings, command: AdminCommand) -> Result<(), String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let log = EventLog::open(db.clone());
    let accounts = AccountService::new(&log, settings);
    let result = match command {
        AdminCommand::Create { email, name } => create(&accounts, &email, &name).await,
        AdminCommand::ErasePerson { account_id } => erase(&accounts, &account_id).await,
    };
    db.close().await;
    result
}

async fn create(accounts: &AccountService, email: &str, name: &str) -> Result<(), String> {
    let email = EmailAddress::new(email).map_err(|e| e.to_string())?;
    let name = DisplayName::new(name).map_err(|e| e.to_string())?;
    let invitation = accounts
        .invite_admin(&email, &name, "articula admin create")
        .await
        .map_err(describe)?;
    println!("administrator account created: {}", invitation.account);
    println!(
        "one-time secret (shown once, valid until {}):",
        invitation.expires_at.to_rfc3339()
    );
    println!("  {}", invitation.secret.expose());
    println!(
        "set a password with: POST /v1/accounts/activation \
         {{\"account_id\": \"{}\", \"secret\": \"<secret>\", \"password\": \"<new password>\"}}",
        invitation.account
    );
    Ok(())
}

async fn erase(accounts: &AccountService, account_id: &str) -> Result<(), String> {
    let account: AccountId = account_id
        .parse()
        .map_err(|e: domain::values::ValueError| e.to_string())?;
    let by = "articula admin erase-person";
    let outcome = accounts
        .erase(
            account,
            Authority::System(by.to_string()),
            &EventMetadata::system(by, "ErasePerson"),
        )
        .await
        .map_err(describe)?;
    match outcome {
        Erasure::Erased(_) => println!("erased {account}: key deleted, sessions revoked"),
        Erasure::AlreadyErased => {
            println!("{account} was already erased; any key or session left has been removed")
        }
    }
    Ok(())
}

/// An API error as one line for the terminal (internal causes included: the operator may see
/// them, unlike an HTTP client).
fn describe(error: Refusal) -> String {
    match error {
        Refusal::Internal(cause) => cause.to_string(),
        other => other.to_string(),
    }
}
