//! The application's use cases: what a visitor, member, moderator, auditor or administrator can
//! do, as functions of the application state, the caller and typed input, answering a typed
//! outcome or a [`Refusal`]. They know nothing of HTTP: the JSON API (`crate::http`) and the web
//! console are thin adapters over them, so a rule or a visibility check is written once.

pub mod accounts;
pub mod administration;
pub mod audit;
pub mod calendar;
pub mod codes;
pub mod communities;
pub mod dashboard;
mod domain_errors;
pub mod initiatives;
pub mod joint_projects;
pub mod library;
pub mod listing;
pub mod map;
pub mod moderation;
pub mod operations;
pub mod people;
pub mod publishing;
pub mod read_at;
mod refusal;
pub mod search;
pub mod sign_up;
pub mod statistics;

pub use domain_errors::{command_error, load_error, DomainRefusal};
pub use read_at::ReadAt;
pub use refusal::Refusal;
