//! Operations as this machine can run them (ops/, docs/operations.md): the binary behind a real
//! proxy, the service unit, the container files, backup and restore, upgrades, the alert rules
//! and the dashboard, and several instances on one database.

mod backup;
mod container;
mod monitoring;
mod ports;
mod proxy;
mod scaling;
mod service;
mod support;
mod upgrade;
