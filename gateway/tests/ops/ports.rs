//! Ports for the servers a test starts (shared by the `ops` and `drills` tests, and by the
//! console's browser tests for chromedriver).

use std::net::TcpListener;

/// The ports tests take: below the range Linux hands out for outgoing connections (32768 and
/// up). A port from that range, once released, can be taken by any test's outgoing connection
/// before the server starts; the server then cannot listen ("Address already in use", seen once
/// in CI with `scaling::three_instances_behind_the_proxy`).
const TAKEN_FROM: std::ops::Range<u16> = 20_000..32_000;

/// A port nobody listens on right now, picked at random (tests run side by side in processes
/// of their own) from [`TAKEN_FROM`].
pub fn free_port() -> u16 {
    let span = TAKEN_FROM.end - TAKEN_FROM.start;
    for _ in 0..span {
        let port = TAKEN_FROM.start + rand::random::<u16>() % span;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {TAKEN_FROM:?}");
}
