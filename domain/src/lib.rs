//! Articula's domain: aggregates, their commands and events, and the value types they are made of.
//!
//! Everything here is pure: no SQL, no HTTP, no email, no clock. Outside facts a rule needs (the
//! current time, whether an initiative is approved) arrive inside the command, so that every rule
//! can be tested with cqrs-es's given/when/then `TestFramework`.

pub mod account;
pub mod actor;
pub mod bench;
pub mod community;
pub mod initiative;
pub mod joint_project;
pub mod publication;
pub mod thread;
pub mod values;
