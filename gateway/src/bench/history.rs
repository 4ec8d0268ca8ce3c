//! The second half of `articula bench projections` at the large size: the live tail while
//! snapshots are saved, the history keeper's round, and as-of reads that start from the history.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use projections::{
    fold, Engine, FoldError, HistoryKeeper, InitiativeMap, MapFilter, Projection, ReadModels,
    Statistics, Until,
};
use store::{EventLog, FeedPosition, ProjectionHistory, Snapshots};

/// How long each write took to reach the live read models, from its commit.
struct Lags(Vec<Duration>);

impl Lags {
    fn row(&self, what: &str, took: Duration) {
        let mut lags = self.0.clone();
        lags.sort();
        let at = |q: f64| {
            lags.get(((lags.len() as f64 * q) as usize).min(lags.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        println!(
            "| live tail while {what} ({:.1} s, {} writes) | p50 {} · p99 {} · longest **{}** |",
            took.as_secs_f64(),
            lags.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(lags.last().copied().unwrap_or_default()),
        );
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Registers an initiative every 20 ms while `work` runs, and times each from its commit to the
/// moment every live read model has it.
async fn lags_during<T>(
    log: &EventLog,
    live: &Engine,
    first: &mut usize,
    work: impl Future<Output = T>,
) -> Result<(Lags, Duration, T), String> {
    let done = AtomicBool::new(false);
    let started = Instant::now();
    // New initiatives each run, on a store that may hold an earlier run's.
    let seed = rand::random::<u64>();
    let writer = async {
        let mut lags = Vec::new();
        while !done.load(Ordering::Relaxed) {
            *first += 1;
            let at = crate::synthetic::register_one(log, seed, *first).await?;
            let committed = Instant::now();
            if !live.wait_for(at, Duration::from_secs(60)).await {
                return Err("the live tail did not apply a write within a minute".to_owned());
            }
            lags.push(committed.elapsed());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(lags)
    };
    let work = async {
        let outcome = work.await;
        let took = started.elapsed();
        done.store(true, Ordering::Relaxed);
        (outcome, took)
    };
    let (lags, (outcome, took)) = futures::join!(writer, work);
    Ok((Lags(lags?), took, outcome))
}

/// `articula bench history`: [`report`] on the configured store, its live read models restored
/// from its snapshots and caught up first; or, `as_of_only`, only the as-of folds from the
/// history the store holds.
pub async fn history(
    settings: &crate::Settings,
    every: u64,
    samples: usize,
    as_of_only: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = store::Database::connect(&settings.database()?).await?;
    db.migrate().await?;
    let log = EventLog::open(db);
    if as_of_only {
        let history = ProjectionHistory::new(log.database().clone());
        println!("| measure | figure |\n|---|---:|");
        return as_of_reads(&log, &history, samples).await;
    }
    let mut builder = projections::EngineBuilder::new(log.feed())
        .with_snapshots(Snapshots::new(log.database().clone()));
    let _models = ReadModels::register(&mut builder);
    let live = Arc::new(builder.build());
    live.restore().await?;
    live.run_until(Until::Head, |_| {}).await?;
    let store::Database::Postgres(pool) = log.database() else {
        return Err("the benchmark runs on PostgreSQL".into());
    };
    for table in ["projection_history", "projection_history_pieces"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(pool)
            .await?;
    }
    println!("| measure | figure |\n|---|---:|");
    report(&log, live, every, samples).await
}

/// The live tail's lag (nothing else running, a keeper saving a place, the live models
/// serialised in place), the keeper's round, and as-of folds from the history.
pub async fn report(
    log: &EventLog,
    live: Arc<Engine>,
    every: u64,
    samples: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let tail = tokio::spawn(live.run(false));
    let mut written = 1_000_000;
    let (quiet, took, ()) = lags_during(
        log,
        &live,
        &mut written,
        tokio::time::sleep(Duration::from_secs(3)),
    )
    .await?;
    quiet.row("nothing else runs", took);

    let history = ProjectionHistory::new(log.database().clone());
    let register: projections::Register = |builder| {
        ReadModels::register(builder);
    };
    let keeper = HistoryKeeper::new(log.feed(), history.clone(), register, every);
    let (during_round, took, round) = lags_during(log, &live, &mut written, keeper.round()).await?;
    let round = round?;
    during_round.row(
        &format!(
            "the history keeper folds {} events and saves {} places",
            round.events_folded,
            round.places_written.len()
        ),
        took,
    );
    let (during_save, took, saved) =
        lags_during(log, &live, &mut written, live.save_snapshots()).await?;
    saved?;
    during_save.row("the live models are serialised in place", took);
    tail.abort();

    as_of_reads(log, &history, samples).await
}

/// The as-of rows of the map and of the statistics.
async fn as_of_reads(
    log: &EventLog,
    history: &ProjectionHistory,
    samples: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    as_of_rows(log, history, samples, answer_map).await?;
    as_of_rows(log, history, samples, answer_statistics).await
}

/// What `GET /v1/map` answers (every initiative on the map, as GeoJSON): its length.
fn answer_map(map: &InitiativeMap) -> usize {
    map.geojson(&MapFilter::default(), chrono::Utc::now()).len()
}

/// What `GET /v1/stats?format=csv` reads: the tallies' rows.
fn answer_statistics(statistics: &Statistics) -> usize {
    statistics.tallies().rows().len()
}

/// `samples` as-of reads of `P` at events of the log picked by a hash of their position: a fold
/// starting from the history, then `answer` read from the folded model.
async fn as_of_rows<P: Projection>(
    log: &EventLog,
    history: &ProjectionHistory,
    samples: usize,
    answer: fn(&P) -> usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let store::Database::Postgres(pool) = log.database() else {
        return Err("the benchmark runs on PostgreSQL".into());
    };
    let positions: Vec<(i64, i64)> =
        // The same events in every run (a hash, not random()), so that runs compare alike.
        sqlx::query_as("SELECT tx_id, position FROM events ORDER BY md5(position::text) LIMIT $1")
            .bind(i64::try_from(samples).unwrap_or(20))
            .fetch_all(pool)
            .await?;
    let mut took = Vec::new();
    for (tx, position) in positions {
        let started = Instant::now();
        let at = FeedPosition { tx, position };
        let (model, _) = fold::<P>(&log.feed(), Some(history), Until::Position(at))
            .await
            .map_err(|e: FoldError| e.to_string())?;
        std::hint::black_box(model.read(answer));
        took.push(started.elapsed());
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    println!(
        "| as-of `{}` from the history and its answer, {} events across the log | p50 {} · p99 **{}** |",
        P::NAME,
        took.len(),
        ms(at(0.5)),
        ms(at(0.99))
    );
    Ok(())
}
