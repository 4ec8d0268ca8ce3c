//! Accounts, sign-in and access control.
//!
//! * [`rules`]: every route is declared with an [`Access`] rule; routes without one are refused.
//! * [`caller`]: the bearer token becomes a [`Caller`] (visitor, or an account and its roles);
//!   [`recalled`]: a write may run under a session read lately, checked by its append.
//! * [`accounts`]: sign-up, sign-in, roles and erasure, over the `Account`, `AdminRoster` and
//!   `EmailClaim` aggregates, the personal-data vault and the session table.
//! * [`passwords`] (argon2id) and [`limits`] (429s for sign-in and writes).

pub mod accounts;
pub mod administration;
pub mod caller;
mod erasure;
pub mod limits;
pub mod passwords;
pub mod profile;
pub mod recalled;
pub mod rules;

pub use accounts::AccountService;
pub use caller::{Caller, SignedIn};
pub use limits::Limits;
pub use rules::{authorize, Access, AccessRules, ApiRoutes};
