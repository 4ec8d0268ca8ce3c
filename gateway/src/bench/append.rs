//! `articula bench append`: commands per second through Articula's store on PostgreSQL, measured
//! beside raw cqrs-es 0.5 + postgres-es 0.5 (`CqrsFramework` over the plain event store) on the
//! same server in the same run, with the same minimal aggregate (`domain::bench::Tally`).
//!
//! It creates a scratch database on the given server and drops it at the end.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::scratch::Scratch;
use cqrs_es::persist::PersistedEventStore;
use cqrs_es::CqrsFramework;
use domain::bench::{Tally, TallyCommand};
use postgres_es::PostgresEventRepository;
use store::{CommandBus, Database, DatabaseUrl, EventLog, EventMetadata};

/// Streams are renewed after this many commands, so that raw cqrs-es (which reloads a stream's
/// whole history per command) is measured on short streams, as in its own benchmarks.
const COMMANDS_PER_STREAM: usize = 100;

type RawCqrs = CqrsFramework<Tally, PersistedEventStore<PostgresEventRepository, Tally>>;

enum Contender {
    Articula(CommandBus<Tally>),
    Raw(RawCqrs),
}

impl Contender {
    fn name(&self) -> &'static str {
        match self {
            Self::Articula(_) => "articula store",
            Self::Raw(_) => "raw cqrs-es + postgres-es",
        }
    }

    async fn increment(&self, stream: &str) -> Result<(), String> {
        let command = TallyCommand::Increment { by: 1 };
        let metadata = EventMetadata::system("bench", "Increment");
        match self {
            Self::Articula(bus) => bus
                .execute(stream, command, metadata)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Self::Raw(cqrs) => cqrs
                .execute_with_metadata(stream, command, metadata.into_map())
                .await
                .map_err(|e| e.to_string()),
        }
    }
}

pub async fn append(
    server: &str,
    levels: &[usize],
    seconds: u64,
    grow_to: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let scratch = Scratch::create(server).await?;
    let result = run(&scratch.url, levels, Duration::from_secs(seconds), grow_to).await;
    scratch.drop_database().await?;
    result
}

async fn run(
    url: &str,
    levels: &[usize],
    duration: Duration,
    grow_to: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = Database::connect(&DatabaseUrl::Postgres(url.to_string())).await?;
    db.migrate().await?;
    let Database::Postgres(pool) = db.clone() else {
        return Err("the benchmark runs on PostgreSQL".into());
    };
    let log = EventLog::open(db);
    let contenders = [
        Arc::new(Contender::Articula(log.commands::<Tally>(()))),
        Arc::new(Contender::Raw(CqrsFramework::new(
            PersistedEventStore::new_event_store(PostgresEventRepository::new(pool)),
            vec![],
            (),
        ))),
    ];
    println!("## Throughput: one small command per request, {COMMANDS_PER_STREAM} per stream\n");
    println!(
        "| concurrency | {} | {} |",
        contenders[0].name(),
        contenders[1].name()
    );
    println!("|---:|---:|---:|");
    for (round, &level) in levels.iter().enumerate() {
        let mut row = format!("| {level} |");
        for (index, contender) in contenders.iter().enumerate() {
            let prefix = format!("c{round}-{index}");
            let rate = throughput(contender.clone(), level, duration, &prefix).await?;
            row.push_str(&format!(" {rate:.0} cmds/s |"));
        }
        println!("{row}");
    }
    println!("\n## One stream growing from 0 to {grow_to} events (concurrency 1)\n");
    println!("| store | first 500 | last 500 | last / first |");
    println!("|---|---:|---:|---:|");
    for (index, contender) in contenders.iter().enumerate() {
        let (first, last) = growth(contender, &format!("grow-{index}"), grow_to).await?;
        println!(
            "| {} | {first:.0} cmds/s | {last:.0} cmds/s | {:.2} |",
            contender.name(),
            last / first
        );
    }
    Ok(())
}

async fn throughput(
    contender: Arc<Contender>,
    workers: usize,
    duration: Duration,
    prefix: &str,
) -> Result<f64, String> {
    let deadline = Instant::now() + duration;
    let tasks: Vec<_> = (0..workers)
        .map(|worker| {
            let contender = contender.clone();
            let prefix = prefix.to_string();
            tokio::spawn(async move {
                let mut done = 0usize;
                while Instant::now() < deadline {
                    let stream = format!("{prefix}-{worker}-{}", done / COMMANDS_PER_STREAM);
                    contender.increment(&stream).await?;
                    done += 1;
                }
                Ok::<usize, String>(done)
            })
        })
        .collect();
    let started = Instant::now();
    let mut total = 0;
    for task in tasks {
        total += task.await.map_err(|e| e.to_string())??;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

/// Commands per second over the first and the last 500 commands on one growing stream.
async fn growth(contender: &Contender, stream: &str, grow_to: usize) -> Result<(f64, f64), String> {
    let window = 500.min(grow_to / 2).max(1);
    let mut first = 0.0;
    let mut last = 0.0;
    let mut window_started = Instant::now();
    for n in 1..=grow_to {
        if n == 1 || n == grow_to - window + 1 {
            window_started = Instant::now();
        }
        contender.increment(stream).await?;
        if n == window {
            first = window as f64 / window_started.elapsed().as_secs_f64();
        }
        if n == grow_to {
            last = window as f64 / window_started.elapsed().as_secs_f64();
        }
    }
    Ok((first, last))
}
