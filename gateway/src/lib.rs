//! Articula's gateway: configuration, the HTTP API, and the `articula` command line.
//!
//! The HTTP side turns requests into commands (with metadata) and queries on read models; the
//! store and the projections do the rest. Dependencies point one way:
//! gateway → projections → store → domain.

pub mod access;
pub mod admin;
pub mod app;
pub mod bench;
pub mod cli;
pub mod config;
pub mod console;
pub mod http;
pub mod integrity;
pub mod metrics;
pub mod notify;
pub mod proxy;
pub mod replay;
pub mod router;
pub mod seed;
pub mod serve;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod tasks;
pub mod telemetry;
pub mod transfer;
pub mod web;

pub use config::Settings;
pub use startup::Application;
