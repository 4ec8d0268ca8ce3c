use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use domain::account::Account;
use domain::actor::Role;
use domain::values::AccountId;
use serde::{Deserialize, Serialize};

use crate::{DomainEvent, Envelope, Projection, ProjectionError};

/// Every account as its own aggregate folds it (status, roles, language, sealed personal
/// data), kept for listing accounts to administrators. Personal data stays sealed here; whoever
/// shows it opens it with the person's key, so an erased person reads as erased from this
/// model too, including after a rebuild from the start of history.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
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

    /// The accounts that hold `role`, in id order: read in place, not copied as [`Self::page`]
    /// copies them (the notifier asks for the moderators at every submission).
    pub fn holding(&self, role: Role) -> Vec<AccountId> {
        self.accounts
            .iter()
            .filter(|(_, account)| account.has_role(role))
            .map(|(id, _)| *id)
            .collect()
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

    fn apply(&mut self, event: &Envelope) -> Result<(), ProjectionError> {
        if let DomainEvent::Account(id, payload) = event.event()? {
            self.accounts.entry(*id).or_default().apply(payload.clone());
        }
        Ok(())
    }
}
