//! People on the members' and moderators' pages: the name each chose (`app::people`) where an
//! account id would otherwise be printed; the reader reads "you" for themselves, and a person
//! whose data was erased reads as erased, in the reader's language.

use std::collections::BTreeMap;

use domain::values::AccountId;

use super::i18n::Tr;
use super::page::{Problem, Reader};
use super::Web;
use crate::app::people::{self, Shown};

/// The names of the people a page mentions.
pub struct Names {
    names: BTreeMap<AccountId, Shown>,
    me: Option<AccountId>,
    t: Tr,
}

impl Names {
    /// Opens the names of `accounts` for `reader`'s page.
    pub async fn of(
        web: &Web,
        reader: &Reader,
        accounts: impl IntoIterator<Item = AccountId>,
    ) -> Result<Self, Problem> {
        Ok(Self {
            names: people::names(&web.app, accounts)
                .await
                .map_err(|r| reader.refused(r))?,
            me: reader.caller.actor().map(|a| a.account),
            t: reader.t.clone(),
        })
    }

    /// Whether `account` is the reader's own.
    pub fn is_reader(&self, account: AccountId) -> bool {
        Some(account) == self.me
    }

    /// The person's name; "you" for the reader.
    pub fn of_account(&self, account: AccountId) -> String {
        if self.is_reader(account) {
            return self.t.get("people-you");
        }
        self.name(account)
    }

    /// The person's name, also when it is the reader's own.
    pub fn name(&self, account: AccountId) -> String {
        match self.names.get(&account) {
            Some(Shown::Named(name)) => name.clone(),
            _ => self.t.get("people-erased"),
        }
    }
}
