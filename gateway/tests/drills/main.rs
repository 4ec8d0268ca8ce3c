//! Fault drills against the real `articula` binary: what a client was told must be what the
//! store holds, whatever happens to the process or its database.
//!
//! * [`crash`]: `kill -9` during a burst of keyed and unkeyed writes, on both backends: every
//!   acknowledged write is present exactly once, every key replays its first answer, `articula
//!   verify` is ok and every projection equals a rebuild.
//! * [`outage`]: PostgreSQL unreachable for a few seconds (through a proxy the test controls;
//!   the shared server is never stopped): writes answer 503 with `Retry-After` promptly, `/ready`
//!   answers within a second, and the server recovers without a restart.
//! * [`stop`]: SIGTERM with requests on their way: every request the server accepted is
//!   answered; new connections are refused, not cut.
//! * [`mail`]: `kill -9` with mail pending and the mail server not answering: after a restart
//!   the pending mail is delivered, none is failed as "erased".
//!
//! Each drill prints its figures (sent, acknowledged, present, duplicated, a status histogram);
//! `cargo nextest run -p gateway --test drills --no-capture` shows them. See docs/reliability.md.

mod crash;
mod harness;
mod mail;
mod outage;
#[path = "../ops/ports.rs"]
mod ports;
mod proxy;
mod stop;
