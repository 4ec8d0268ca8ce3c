//! People as the members and moderators they work with see them: the name each chose for
//! themselves, read from the `account_directory` read model (accounts as their stream folds
//! them, personal data sealed) and opened with the person's own key. A person whose data was
//! erased has no name any more, and reads as erased.

use std::collections::{BTreeMap, BTreeSet};

use domain::values::AccountId;

use super::Refusal;
use crate::state::AppState;

/// What others read of a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Named(String),
    /// Their personal data was erased (or the account is unknown to the directory).
    Erased,
}

/// The names of `accounts`, each opened once.
pub async fn names(
    state: &AppState,
    accounts: impl IntoIterator<Item = AccountId>,
) -> Result<BTreeMap<AccountId, Shown>, Refusal> {
    let wanted: BTreeSet<AccountId> = accounts.into_iter().collect();
    let mut names = BTreeMap::new();
    for account in wanted {
        let folded = state.read.directory.read(|d| d.get(account).cloned());
        let view = match folded {
            Some(folded) => Some(state.accounts.view_of(account, &folded).await?),
            // Not in the read model yet (an account made a moment ago): its own stream.
            None => state.accounts.view(account).await.ok(),
        };
        let shown = view
            .and_then(|v| v.display_name)
            .map_or(Shown::Erased, Shown::Named);
        names.insert(account, shown);
    }
    Ok(names)
}
