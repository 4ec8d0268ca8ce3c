use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use domain::account::{Account, AccountEvent};
use domain::values::AccountId;
use store::FeedEvent;

use crate::{Projection, ProjectionError};

/// Every account as its own aggregate folds it (status, roles, language, sealed personal
/// data), kept for listing accounts to administrators. Personal data stays sealed here; whoever
/// shows it opens it with the person's key, so an erased person reads as erased from this
/// model too, including after a rebuild from the start of history.
#[derive(Debug, Default, Clone)]
pub struct AccountDirectory {
    accounts: BTreeMap<AccountId, Account>,
}

impl AccountDirectory {
    pub fn get(&self, id: AccountId) -> Option<&Account> {
        self.accounts.get(&id)
    }

    /// Up to `limit` accounts in id order (ids are time-ordered UUIDs: oldest first), after
    /// `after` when given.
    pub fn page(&self, after: Option<AccountId>, limit: usize) -> Vec<(AccountId, Account)> {
        let range = match after {
            Some(after) => self
                .accounts
                .range((std::ops::Bound::Excluded(after), std::ops::Bound::Unbounded)),
            None => self.accounts.range(..),
        };
        range.take(limit).map(|(id, a)| (*id, a.clone())).collect()
    }

    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }
}

impl Projection for AccountDirectory {
    const NAME: &'static str = "account_directory";

    fn apply(&mut self, event: &FeedEvent) -> Result<(), ProjectionError> {
        if event.aggregate_type != Account::TYPE {
            return Ok(());
        }
        let id: AccountId = event.aggregate_id.parse().map_err(|e| {
            ProjectionError(format!("account stream id {}: {e}", event.aggregate_id))
        })?;
        let payload: AccountEvent = serde_json::from_value(event.payload.clone())
            .map_err(|e| ProjectionError(format!("unreadable account event: {e}")))?;
        self.accounts.entry(id).or_default().apply(payload);
        Ok(())
    }
}
