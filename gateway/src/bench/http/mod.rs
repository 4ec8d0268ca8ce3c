//! `articula bench http`: what users feel of a write — commands per second and latency over
//! HTTP, through the real server (authentication, authorization, the hash chain, notifications,
//! read-your-writes all on) — beside the bare framework (cqrs-es 0.5 on postgres-es 0.5 or
//! sqlite-es 0.5, `bare.rs`) in the same process and run, with their ratio.
//!
//! Per backend (PostgreSQL in a scratch database dropped afterwards; SQLite in a temporary
//! directory), the server is built as `articula serve` builds it, on a free loopback port, with
//! the curated seed loaded and the write limits raised (`target.rs`). Then:
//!
//! * **register**: `POST /v1/initiatives` (a complete profile, about 600 bytes) by N signed-in
//!   members at once, against the bare framework executing one command on a fresh aggregate with
//!   a 300-byte event;
//! * **reply**: `POST /v1/threads/{id}/posts` on one growing thread per client, against the bare
//!   framework appending to one growing stream per client;
//! * **reads**: `GET /v1/map` (plain, then asking for gzip as browsers do) and
//!   `GET /v1/initiatives/{id}` at 64 connections.
//!
//! The server's own per-stage timings are in its `/metrics`
//! (`articula_command_stage_seconds`, printed at the end of each backend's table).

mod bare;
mod cpu;
mod load;
mod target;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bare::Bare;
pub(crate) use cpu::memory_of;
use cpu::CpuTimes;
use load::{drive, Run};
use target::Target;

use super::scratch::Scratch;
use crate::Settings;

/// What to measure.
pub struct Options<'a> {
    /// A PostgreSQL server on which scratch databases may be created.
    pub server: &'a str,
    pub clients: Vec<usize>,
    pub seconds: u64,
    pub postgres: bool,
    pub sqlite: bool,
}

/// Connections of the read measurement.
const READERS: usize = 64;

/// The `Accept-Encoding` Chromium and Firefox send.
const BROWSERS_ACCEPT: &str = "gzip, deflate, br, zstd";

pub async fn http(
    settings: &Settings,
    options: Options<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    let duration = Duration::from_secs(options.seconds.max(1));
    println!(
        "# articula bench http: {} s per measurement; cells are rate · p50 · p99\n",
        duration.as_secs()
    );
    if options.postgres {
        let ours = Scratch::create(options.server).await?;
        let theirs = Scratch::create(options.server).await?;
        let result = async {
            let target = Target::on_postgres(settings, &ours.url).await?;
            let bare = Arc::new(Bare::on_postgres(&theirs.url).await?);
            compare("PostgreSQL", &target, bare, &options.clients, duration).await?;
            target.stop().await;
            Ok::<_, Box<dyn std::error::Error>>(())
        }
        .await;
        ours.drop_database().await?;
        theirs.drop_database().await?;
        result?;
    }
    if options.sqlite {
        let dir = tempfile::tempdir()?;
        let target = Target::on_sqlite(settings, dir.path()).await?;
        let bare = Arc::new(Bare::on_sqlite(&dir.path().join("bare.db")).await?);
        compare("SQLite", &target, bare, &options.clients, duration).await?;
        target.stop().await;
    }
    Ok(())
}

async fn compare(
    backend: &str,
    target: &Target,
    bare: Arc<Bare>,
    levels: &[usize],
    duration: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("## {backend}\n");
    println!(
        "Memory of this process serving the seed, before the load: {}\n",
        cpu::memory()
    );
    println!(
        "| workload | clients | Articula over HTTP | bare cqrs-es | ratio | p50 ratio | \
         CPU (this process · PostgreSQL) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---|");
    for &clients in levels {
        let register = measure(duration, clients, target.register()).await?;
        let bare_for = bare.clone();
        let fresh = measure(duration, clients, move |worker, n| {
            let bare = bare_for.clone();
            async move { bare.write(&format!("fresh-{clients}-{worker}-{n}")).await }
        })
        .await?;
        row("register", clients, &register, &fresh);
        let reply = measure(duration, clients, target.reply(clients).await?).await?;
        let bare_for = bare.clone();
        let growing = measure(duration, clients, move |worker, _| {
            let bare = bare_for.clone();
            async move { bare.write(&format!("growing-{clients}-{worker}")).await }
        })
        .await?;
        row("reply (growing stream)", clients, &reply, &growing);
    }
    let map = measure(duration, READERS, target.read("/v1/map".into(), None)).await?;
    println!(
        "| GET /v1/map | {READERS} | {} | | | | {} |",
        map.run.cell(),
        map.cpu
    );
    let gzip = target.read("/v1/map".into(), Some(BROWSERS_ACCEPT));
    let map = measure(duration, READERS, gzip).await?;
    println!(
        "| GET /v1/map, gzip (as browsers ask) | {READERS} | {} | | | | {} |",
        map.run.cell(),
        map.cpu
    );
    let profile = target.any_initiative_path().await?;
    let profile = measure(duration, READERS, target.read(profile, None)).await?;
    println!(
        "| GET /v1/initiatives/{{id}} | {READERS} | {} | | | | {} |",
        profile.run.cell(),
        profile.cpu
    );
    println!("\nMemory of this process after the load: {}", cpu::memory());
    println!("\nWhere a command's time went in the server (`articula_command_stage_seconds`):\n");
    for line in target.stage_timings().await? {
        println!("{line}");
    }
    println!();
    Ok(())
}

/// A measurement and the CPU it used.
struct Measured {
    run: Run,
    cpu: String,
}

async fn measure<F, Fut>(
    duration: Duration,
    workers: usize,
    operation: F,
) -> Result<Measured, String>
where
    F: Fn(usize, usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let before = CpuTimes::now();
    let run = drive(workers, duration, operation).await?;
    let cpu = CpuTimes::now().since(&before, run.elapsed);
    Ok(Measured { run, cpu })
}

fn row(workload: &str, clients: usize, ours: &Measured, bare: &Measured) {
    let ratio = ours.run.rate() / bare.run.rate().max(1e-9);
    let p50 = ours.run.quantile(0.5).as_secs_f64() / bare.run.quantile(0.5).as_secs_f64().max(1e-9);
    println!(
        "| {workload} | {clients} | {} | {} | {ratio:.2} | {p50:.2} | {} · bare: {} |",
        ours.run.cell(),
        bare.run.cell(),
        ours.cpu,
        bare.cpu
    );
}
