//! Operations as this machine can run them (ops/, docs/operations.md): the binary behind a real
//! proxy, the service unit, the container files, backup and restore, upgrades, the alert rules
//! and the dashboard, several instances on one database, and the benchmark of commands over HTTP.

mod backup;
mod benchmark;
mod container;
mod monitoring;
mod ports;
mod proxy;
mod scaling;
mod service;
mod support;
mod upgrade;
