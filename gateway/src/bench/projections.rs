//! `articula bench projections`: how fast the read models rebuild and start, how fast they
//! answer, and how much memory they take, on synthetic history written through the real store
//! (`crate::synthetic`) in scratch PostgreSQL databases that are dropped afterwards.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use projections::{Engine, EngineBuilder, ReadModels, Until};
use store::{Database, DatabaseUrl, EventLog, Snapshots};

use super::lists;
use super::queries::{self, Subjects};
use super::scratch::Scratch;

pub struct Options<'a> {
    pub server: &'a str,
    pub initiatives: usize,
    pub events: u64,
    pub small_initiatives: usize,
    pub seed: u64,
    pub samples: usize,
    /// Keep the scratch databases (their URLs are printed), e.g. to rerun `articula replay`.
    pub keep: bool,
    /// The history keeper's interval (`history_every_events`).
    pub history_every: u64,
}

pub async fn projections(options: Options<'_>) -> Result<(), Box<dyn std::error::Error>> {
    let small = Scratch::create(options.server).await?;
    let large = Scratch::create(options.server).await?;
    let result = run(&options, &small.url, &large.url).await;
    if options.keep {
        eprintln!("kept the databases {} and {}", small.url, large.url);
    } else {
        small.drop_database().await?;
        large.drop_database().await?;
    }
    result
}

async fn run(
    options: &Options<'_>,
    small_url: &str,
    large_url: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "## Read models at {} initiatives\n",
        options.small_initiatives
    );
    let (small_log, _) = history(small_url, options.small_initiatives, 0, options.seed).await?;
    let (small_models, _, _) = rebuild(&small_log, None).await?;
    let none = Subjects {
        initiatives: Vec::new(),
        projects: Vec::new(),
    };
    println!("| measure | figure |\n|---|---:|");
    queries::report(&small_models, options.samples, &none, false);
    lists::report(&small_models, options.samples);

    println!(
        "\n## Read models at {} initiatives, {} events\n",
        options.initiatives, options.events
    );
    let (log, written) =
        history(large_url, options.initiatives, options.events, options.seed).await?;
    eprintln!("wrote {written:?}");
    let Database::Postgres(pool) = log.database().clone() else {
        return Err("the benchmark runs on PostgreSQL".into());
    };
    let started = Instant::now();
    let mut rows = sqlx::query(
        "SELECT position, tx_id, aggregate_type, aggregate_id, sequence, event_type, \
         event_version, payload, metadata, recorded_at FROM events ORDER BY tx_id, position",
    )
    .fetch(&pool);
    let mut raw = 0u64;
    while rows.try_next().await?.is_some() {
        raw += 1;
    }
    drop(rows);
    let raw_rate = raw as f64 / started.elapsed().as_secs_f64();

    let snapshots = Snapshots::new(log.database().clone());
    let (models, engine, rebuild_time) = rebuild(&log, Some(snapshots.clone())).await?;
    let events = engine
        .statuses()
        .iter()
        .map(|s| s.events_applied)
        .max()
        .unwrap_or_default();
    let rss_after_rebuild = memory("VmRSS");
    let started = Instant::now();
    engine.save_snapshots().await?;
    let save_time = started.elapsed();

    // A second instance starting on the same store: snapshots, then whatever is newer.
    let started = Instant::now();
    let mut builder = EngineBuilder::new(log.feed()).with_snapshots(snapshots);
    let restarted_models = ReadModels::register(&mut builder);
    let restarted = builder.build();
    restarted.restore().await?;
    restarted.run_until(Until::Head, |_| {}).await?;
    let start_up = started.elapsed();
    drop(restarted_models);
    drop(restarted);

    println!("| measure | figure |\n|---|---:|");
    println!("| raw sqlx read of every event row, feed order | {raw} rows, {raw_rate:.0} rows/s |");
    println!(
        "| rebuild of all projections from the feed | {events} events in {:.1} s: {:.0} events/s |",
        rebuild_time.as_secs_f64(),
        events as f64 / rebuild_time.as_secs_f64()
    );
    println!(
        "| saving every snapshot | {:.2} s |",
        save_time.as_secs_f64()
    );
    println!(
        "| start-up from snapshots (restore and catch up) | {:.2} s |",
        start_up.as_secs_f64()
    );
    println!(
        "| resident memory after the rebuild (one set of read models) | {} MiB |",
        rss_after_rebuild / 1024
    );
    let subjects = subjects(&pool).await?;
    queries::report(&models, options.samples, &subjects, true);
    lists::report(&models, options.samples);
    super::history::report(&log, std::sync::Arc::new(engine), options.history_every, 20).await?;
    println!(
        "| peak resident memory of the whole run | {} MiB |",
        memory("VmHWM") / 1024
    );
    Ok(())
}

/// A scratch store holding synthetic history.
async fn history(
    url: &str,
    initiatives: usize,
    events: u64,
    seed: u64,
) -> Result<(EventLog, crate::seed::synthetic::PlatformWritten), Box<dyn std::error::Error>> {
    let db = Database::connect(&DatabaseUrl::Postgres(url.to_string())).await?;
    db.migrate().await?;
    let log = EventLog::open(db);
    let last_report = std::sync::Mutex::new(Instant::now());
    let progress = |written: u64| {
        let mut last = last_report.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() > Duration::from_secs(5) {
            eprintln!("writing synthetic history: {written} events");
            *last = Instant::now();
        }
    };
    // With threads and publications, which the lists and the search read; gatherings around
    // today, so that the upcoming and past lists both hold some.
    let today = chrono::Utc::now().date_naive();
    let written = crate::seed::synthetic::write_platform_of(
        &log,
        initiatives,
        events,
        seed,
        today,
        &progress,
    )
    .await?;
    Ok((log, written))
}

/// Every projection folded from the start of the feed.
async fn rebuild(
    log: &EventLog,
    snapshots: Option<Snapshots>,
) -> Result<(ReadModels, Engine, Duration), Box<dyn std::error::Error>> {
    let mut builder = EngineBuilder::new(log.feed());
    if let Some(snapshots) = snapshots {
        builder = builder.with_snapshots(snapshots);
    }
    let models = ReadModels::register(&mut builder);
    let engine = builder.build();
    let started = Instant::now();
    engine.run_until(Until::Head, |_| {}).await?;
    let took = started.elapsed();
    if let Some(failed) = engine.statuses().into_iter().find_map(|s| s.failed) {
        return Err(format!("a projection stopped: {failed}").into());
    }
    Ok((models, engine, took))
}

/// Up to 500 initiatives and joint projects to ask about.
async fn subjects(pool: &sqlx::PgPool) -> Result<Subjects, Box<dyn std::error::Error>> {
    let ids = |aggregate_type: &'static str| async move {
        sqlx::query_scalar::<_, String>(
            "SELECT aggregate_id FROM events WHERE aggregate_type = $1 AND sequence = 1 \
             ORDER BY position LIMIT 500",
        )
        .bind(aggregate_type)
        .fetch_all(pool)
        .await
    };
    Ok(Subjects {
        initiatives: ids("initiative")
            .await?
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect(),
        projects: ids("joint_project")
            .await?
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect(),
    })
}

/// A memory figure of this process from /proc (kB), 0 where /proc is not there.
fn memory(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}
