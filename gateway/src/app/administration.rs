//! Administering accounts, for administrators only: listing and finding them, one account,
//! granting and revoking roles, signing one out everywhere, erasing a person. Shared by the
//! JSON API (`/v1/accounts…`) and the console's `/admin/accounts` pages.

use domain::account::Authority;
use domain::actor::{Actor, Role};
use domain::values::{AccountId, EmailAddress, ValueError};
use store::{EventMetadata, FeedPosition};

use super::Refusal;
use crate::access::accounts::AccountView;
use crate::access::administration::Erasure;
use crate::access::{Access, Caller};
use crate::state::AppState;

/// The most accounts one page lists.
pub const MAX_PAGE: usize = 200;

/// A page of accounts, oldest first.
#[derive(Debug)]
pub struct AccountPage {
    pub accounts: Vec<AccountView>,
    /// Continue after this account for the next page; `None` on the last page.
    pub next_after: Option<AccountId>,
}

/// Which accounts to list.
#[derive(Debug, Clone, Default)]
pub struct AccountSearch {
    /// Only the account holding this email (as typed; checked here).
    pub email: Option<String>,
    pub after: Option<AccountId>,
    pub limit: usize,
}

/// The administrator behind `caller`, or the refusal.
fn admin(caller: &Caller) -> Result<&Actor, Refusal> {
    Access::ADMINS.admits(caller)?;
    caller
        .actor()
        .ok_or_else(|| Refusal::NotSignedIn("sign in first".into()))
}

/// Lists accounts from the account directory; erased people show as erased. With an email,
/// only the account holding it.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    search: &AccountSearch,
) -> Result<AccountPage, Refusal> {
    admin(caller)?;
    let limit = search.limit;
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(Refusal::invalid(vec![ValueError::new(
            "limit",
            "must be between 1 and 200",
        )]));
    }
    if let Some(email) = &search.email {
        let email = EmailAddress::new(email).map_err(|e| Refusal::invalid(vec![e]))?;
        let accounts = match state.accounts.find_by_email(&email).await? {
            Some(id) => vec![state.accounts.view(id).await?],
            None => Vec::new(),
        };
        return Ok(AccountPage {
            accounts,
            next_after: None,
        });
    }
    let page = state
        .read
        .directory
        .read(|d| d.page(search.after, limit + 1));
    let next_after = (page.len() > limit).then(|| page[limit - 1].0);
    let mut accounts = Vec::with_capacity(limit);
    for (id, account) in page.iter().take(limit) {
        accounts.push(state.accounts.view_of(*id, account).await?);
    }
    Ok(AccountPage {
        accounts,
        next_after,
    })
}

/// One account, as administrators see it.
pub async fn view(
    state: &AppState,
    caller: &Caller,
    id: AccountId,
) -> Result<AccountView, Refusal> {
    admin(caller)?;
    state.accounts.view(id).await
}

/// Grants (`grant`) or revokes a platform role. The last administrator cannot lose the role.
pub async fn change_role(
    state: &AppState,
    caller: &Caller,
    id: AccountId,
    role: Role,
    grant: bool,
    metadata: &EventMetadata,
) -> Result<Option<FeedPosition>, Refusal> {
    let actor = admin(caller)?.clone();
    state
        .accounts
        .change_role(id, role, grant, Authority::Actor(actor), metadata)
        .await
}

/// Erases a person: their key is deleted, so their name, email and phone are unreadable
/// everywhere in history; their sessions end and the account can no longer sign in.
pub async fn erase(
    state: &AppState,
    caller: &Caller,
    id: AccountId,
    metadata: &EventMetadata,
) -> Result<Erasure, Refusal> {
    let actor = admin(caller)?.clone();
    state
        .accounts
        .erase(id, Authority::Actor(actor), metadata)
        .await
}

/// Ends every session of account `id`.
pub async fn sign_out_everywhere(
    state: &AppState,
    caller: &Caller,
    id: AccountId,
) -> Result<u64, Refusal> {
    let actor = admin(caller)?;
    state.accounts.revoke_all_sessions(actor, id).await
}

/// A role as its code names it (`moderator`, `auditor`, `admin`; `member` is every account's).
pub fn parse_role(raw: &str) -> Result<Role, Refusal> {
    serde_json::from_value::<Role>(serde_json::Value::String(raw.to_string())).map_err(|_| {
        Refusal::invalid(vec![ValueError::new(
            "role",
            "must be one of member, moderator, auditor, admin",
        )])
    })
}
