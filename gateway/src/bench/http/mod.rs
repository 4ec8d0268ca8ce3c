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
//!   `GET /v1/initiatives/{id}` at 64 connections, and `GET /health`: the API's layers (request
//!   ids, the client's address, tracing, limits, metrics, access, idempotency, read-your-writes)
//!   around a handler that reads nothing, so that what a read costs beyond them shows apart.
//!
//! Beside each, the same work with nothing of Articula's in it, behind the same HTTP path
//! (`behind_http.rs`): the bare framework's command served by Articula's server loop to the same
//! client with the same body, and each read's answer served from memory. The bare framework in
//! process has no HTTP at all, so its ratio counts the HTTP round trip against Articula; the
//! ratio to the bare framework behind HTTP is what Articula itself costs beyond that.
//!
//! With `--wrk`, the registrations are driven by `wrk` too (`wrk.rs`), as the first
//! figures were, and set beside the same bare framework's rate.
//!
//! After each write workload the benchmark waits for the server's background work (the
//! notifier, the mail it records, the chain's sealer) to catch up, and the ratio is of the rate
//! counting that wait ([`Measured::sustained_rate`]): a rate the background cannot keep up with
//! is not one the server sustains, and its backlog would otherwise drain during the bare
//! framework's measurement.
//!
//! Each measurement's CPU is split three ways: the load (the workers of [`load::drive`], on
//! threads of their own: the client, and the bare framework when it runs in-process), the rest
//! of this process (the server measured, with its background) and PostgreSQL's processes, in
//! cores and in µs per operation. The reads are also given as multiples of the register rate.
//!
//! The server's own per-stage timings are in its `/metrics`
//! (`articula_command_stage_seconds`, printed at the end of each backend's table).

mod bare;
mod behind_http;
mod cpu;
mod load;
mod pairs;
mod target;
mod wrk;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use bare::Bare;
use behind_http::{BehindHttp, Storage, Stored};
pub(crate) use cpu::memory_of;
use cpu::{CpuTimes, CpuUse};
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
    /// Also drive the registrations and the reads with `wrk` (`wrk.rs`), which must be on the
    /// PATH.
    pub wrk: bool,
    /// Pairs of registrations (Articula's, then the bare framework's) at each number of clients,
    /// alternated, with the median of their ratios (`pairs.rs`); 1 is the table's pair alone.
    pub pairs: usize,
}

/// The map's path.
const MAP: &str = "/v1/map";

/// A path of the API whose answer reads nothing (`http/health.rs`).
const HEALTH: &str = "/health";

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
        let theirs_over_http = Scratch::create(options.server).await?;
        let result = async {
            let target = Target::on_postgres(settings, &ours.url).await?;
            let bare = Arc::new(Bare::on_postgres(&theirs.url).await?);
            let storage = Storage::Postgres(theirs_over_http.url.clone());
            beside_bare("PostgreSQL", target, bare, storage, &options, duration).await
        }
        .await;
        ours.drop_database().await?;
        theirs.drop_database().await?;
        theirs_over_http.drop_database().await?;
        result?;
    }
    if options.sqlite {
        let dir = tempfile::tempdir()?;
        let target = Target::on_sqlite(settings, dir.path()).await?;
        let bare = Arc::new(Bare::on_sqlite(&dir.path().join("bare.db")).await?);
        let storage = Storage::Sqlite(dir.path().join("bare-behind-http.db"));
        beside_bare("SQLite", target, bare, storage, &options, duration).await?;
    }
    Ok(())
}

/// Starts the bare framework's server on `storage` beside `target`, compares them (in process
/// and behind HTTP), and stops both servers.
async fn beside_bare(
    backend: &str,
    target: Target,
    bare: Arc<Bare>,
    storage: Storage,
    options: &Options<'_>,
    duration: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    let behind =
        BehindHttp::start(storage, target.a_member_token(), stored(&target).await?).await?;
    compare(backend, &target, bare, &behind, options, duration).await?;
    behind.stop().await;
    target.stop().await;
    Ok(())
}

async fn compare(
    backend: &str,
    target: &Target,
    bare: Arc<Bare>,
    behind: &BehindHttp,
    options: &Options<'_>,
    duration: Duration,
) -> Result<(), Box<dyn std::error::Error>> {
    println!("## {backend}\n");
    println!(
        "Memory of this process serving the seed, before the load: {}\n",
        cpu::memory()
    );
    println!(
        "| workload | clients | Articula over HTTP | caught up after · sustained | bare cqrs-es | \
         ratio | p50 ratio | bare cqrs-es behind HTTP | ratio to it | \
         CPU (server · load: client or bare in-process · PostgreSQL) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let mut writes = None;
    let mut alternated = Vec::new();
    for &clients in &options.clients {
        let register = measure(duration, clients, target.register(), Some(target)).await?;
        writes = Some((clients, register.sustained_rate()));
        let fresh = pairs::fresh_aggregates(&bare, clients.to_string());
        let fresh = measure(duration, clients, fresh, None).await?;
        if options.pairs > 1 {
            let more = options.pairs - 1;
            let first = (&register, &fresh);
            alternated
                .push(pairs::alternated(target, &bare, clients, duration, first, more).await?);
        }
        let fresh_over_http = measure(duration, clients, behind.fresh(clients), None).await?;
        row("register", clients, &register, &fresh, &fresh_over_http);
        if options.wrk {
            let by_wrk = measured(wrk::register(target, clients, duration), Some(target)).await?;
            let workload = "register, driven by `wrk`";
            row(workload, clients, &by_wrk, &fresh, &fresh_over_http);
        }
        let reply = target.reply(clients).await?;
        let reply = measure(duration, clients, reply, Some(target)).await?;
        let bare_for = bare.clone();
        let growing = move |worker, _| {
            let bare = bare_for.clone();
            async move { bare.write(&format!("growing-{clients}-{worker}")).await }
        };
        let growing = measure(duration, clients, growing, None).await?;
        let growing_over_http = measure(duration, clients, behind.growing(clients), None).await?;
        row(
            "reply (growing stream)",
            clients,
            &reply,
            &growing,
            &growing_over_http,
        );
    }
    let beside_memory = |label, path| read_beside_memory(target, behind, duration, label, path);
    let (map, map_from_memory) = beside_memory("GET /v1/map", MAP).await?;
    let gzip = target.read(MAP.into(), Some(BROWSERS_ACCEPT));
    let gzip = measure(duration, READERS, gzip, None).await?;
    read_row("GET /v1/map, gzip (as browsers ask)", &gzip, None);
    let path = target.any_initiative_path().await?;
    let (profile, profile_from_memory) = beside_memory("GET /v1/initiatives/{id}", &path).await?;
    beside_memory("GET /health (the API's layers alone)", HEALTH).await?;
    // After the table, whose rows the reads end.
    for line in alternated {
        println!("\n{line}");
    }
    if let Some((clients, rate)) = writes {
        let times = |read: &Measured| format!("{:.1}×", read.run.rate() / rate.max(1e-9));
        println!(
            "\nReads as multiples of the registrations at {} ({rate:.0}/s sustained): the map {}, \
             the map in gzip {}, by id {}; the same bytes from memory: the map {}, by id {}.",
            clients_phrase(clients),
            times(&map),
            times(&gzip),
            times(&profile),
            times(&map_from_memory),
            times(&profile_from_memory)
        );
    }
    if options.wrk {
        wrk::reads(target, behind, &path, duration, writes).await?;
    }
    println!("\nMemory of this process after the load: {}", cpu::memory());
    println!("\nWhere a command's time went in the server (`articula_command_stage_seconds`):\n");
    for line in target.stage_timings().await? {
        println!("{line}");
    }
    println!();
    Ok(())
}

/// A server measured here, running on a runtime of its own ([`on_own_runtime`]).
struct Running {
    /// What the server is, for its error message.
    what: &'static str,
    stop: oneshot::Sender<()>,
    finished: oneshot::Receiver<Result<(), String>>,
}

impl Running {
    /// Stops the server and waits until it has ended, with its background tasks.
    async fn stop(self) {
        let _ = self.stop.send(());
        if let Ok(Err(error)) = self.finished.await {
            eprintln!(
                "articula bench http: {} stopped with an error: {error}",
                self.what
            );
        }
    }
}

/// Starts `serve` on a thread of its own, on a runtime of its own with two workers (as the
/// machine has two cores), so that stopping a server measured here ends its background tasks
/// too, before the next measurement; `serve` need not be `Send` (the seed's loading is not).
/// `serve` says on its first argument when it is ready, and stops when its second is told to.
/// Answers what it said when ready, or why it ended first.
async fn on_own_runtime<T, F, Fut>(what: &'static str, serve: F) -> Result<(T, Running), String>
where
    F: FnOnce(oneshot::Sender<T>, oneshot::Receiver<()>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>>,
    T: Send + 'static,
{
    let (ready, started) = oneshot::channel();
    let (stop, stopped) = oneshot::channel();
    let (done, mut finished) = oneshot::channel();
    std::thread::spawn(move || {
        let result = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|error| error.to_string())
            .and_then(|runtime| runtime.block_on(serve(ready, stopped)));
        let _ = done.send(result);
    });
    let said = match started.await {
        Ok(said) => said,
        Err(_) => {
            return Err(match (&mut finished).await {
                Ok(Err(error)) => error,
                _ => format!("{what} ended before it was ready"),
            })
        }
    };
    let running = Running {
        what,
        stop,
        finished,
    };
    Ok((said, running))
}

/// The answers Articula gives to the measured reads, for the bare server to answer from memory.
async fn stored(target: &Target) -> Result<Vec<Stored>, String> {
    let mut stored = Vec::new();
    for path in [
        MAP.to_owned(),
        target.any_initiative_path().await?,
        HEALTH.to_owned(),
    ] {
        let (content_type, body) = target.answer(&path).await?;
        stored.push(Stored {
            path,
            content_type,
            body,
        });
    }
    Ok(stored)
}

/// A read's line: Articula's rate, and beside it the same answer served from memory behind HTTP
/// with their ratio.
fn read_row(read: &str, ours: &Measured, from_memory: Option<&Measured>) {
    let (beside, ratio, cpu) = match from_memory {
        Some(from_memory) => (
            format!("{} (the same bytes from memory)", from_memory.run.cell()),
            format!("{:.2}", ours.run.rate() / from_memory.run.rate().max(1e-9)),
            format!(" · from memory: {}", from_memory.cpu.cell()),
        ),
        None => Default::default(),
    };
    println!(
        "| {read} | {READERS} | {} | | | | | {beside} | {ratio} | {}{cpu} |",
        ours.run.cell(),
        ours.cpu.cell()
    );
}

/// A measurement and the CPU it used.
struct Measured {
    run: Run,
    cpu: CpuUse,
    /// How long the server's background work took to catch up after the run ([`Target::settle`];
    /// zero for the bare framework, which has none).
    settled: Duration,
}

impl Measured {
    /// Operations per second, counting the time the background took to catch up.
    fn sustained_rate(&self) -> f64 {
        self.run.done as f64 / (self.run.elapsed + self.settled).as_secs_f64().max(1e-9)
    }

    /// This run's sustained rate over `other`'s.
    fn rate_ratio(&self, other: &Measured) -> f64 {
        self.sustained_rate() / other.sustained_rate().max(1e-9)
    }

    /// This run's median latency over `other`'s.
    fn p50_ratio(&self, other: &Measured) -> f64 {
        self.run.p50.as_secs_f64() / other.run.p50.as_secs_f64().max(1e-9)
    }
}

/// Measures `operation` on `workers` for `duration`. With `settling`, Articula's commands: the
/// run, then the wait until the server's background work (notifications, mail, the chain) has
/// caught up with them, whose CPU counts too; the next measurement (the bare framework's) thus
/// starts on a quiet machine.
async fn measure<F, Fut>(
    duration: Duration,
    workers: usize,
    operation: F,
    settling: Option<&Target>,
) -> Result<Measured, String>
where
    F: Fn(usize, usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    measured(drive(workers, duration, operation), settling).await
}

/// Measures `running`, a run of the load or of `wrk`, as [`measure`] does.
async fn measured(
    running: impl Future<Output = Result<Run, String>>,
    settling: Option<&Target>,
) -> Result<Measured, String> {
    let before = CpuTimes::now();
    let run = running.await?;
    let settled = match settling {
        Some(target) => target.settle().await?,
        None => Duration::ZERO,
    };
    let cpu = CpuTimes::now().since(&before, run.elapsed + settled, run.done);
    Ok(Measured { run, cpu, settled })
}

/// One workload's line: the ratios are of the rates counting the background's catching up, to
/// the bare framework in-process and to the bare framework behind HTTP (`behind_http.rs`).
fn row(workload: &str, clients: usize, ours: &Measured, bare: &Measured, behind: &Measured) {
    let sustained = ours.sustained_rate();
    let ratio = ours.rate_ratio(bare);
    let behind_ratio = ours.rate_ratio(behind);
    let p50 = ours.p50_ratio(bare);
    println!(
        "| {workload} | {clients} | {} | {:.2} s · {sustained:.0}/s | {} | {ratio:.2} | {p50:.2} | {} | {behind_ratio:.2} | {} · bare: {} · behind HTTP: {} |",
        ours.run.cell(),
        ours.settled.as_secs_f64(),
        bare.run.cell(),
        behind.run.cell(),
        ours.cpu.cell(),
        bare.cpu.cell(),
        behind.cpu.cell()
    );
}

/// The read of `path` at [`READERS`] connections, on Articula and on the same bytes from memory,
/// printed as one row (`label`).
async fn read_beside_memory(
    target: &Target,
    behind: &BehindHttp,
    duration: Duration,
    label: &str,
    path: &str,
) -> Result<(Measured, Measured), String> {
    let ours = measure(duration, READERS, target.read(path.to_owned(), None), None).await?;
    let from_memory = measure(duration, READERS, behind.read(path), None).await?;
    read_row(label, &ours, Some(&from_memory));
    Ok((ours, from_memory))
}

/// "1 client", "16 clients".
fn clients_phrase(clients: usize) -> String {
    if clients == 1 {
        "1 client".into()
    } else {
        format!("{clients} clients")
    }
}
