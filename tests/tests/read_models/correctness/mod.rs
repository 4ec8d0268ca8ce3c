//! The engine's promises, checked on random histories (proptest): after any sequence of
//! commands, (1) every live projection equals one rebuilt from scratch (in one batch and in
//! batches of two events); (2) stopping at a random
//! event, saving snapshots and resuming from them gives the same state; (3) as-of at the head
//! equals live, by position and by time; (4) the history keeper saves a place every few events,
//! and an as-of read that starts from the history equals one folded from the start.

mod world;

use std::time::Duration;

use chrono::Utc;
use projections::{
    fold, AccountDirectory, CommunityDirectory, Engine, EngineBuilder, EngineSettings, EventCounts,
    GatheringCalendar, HistoryKeeper, InitiativeMap, Library, Memberships, ModerationQueue,
    ProjectDirectory, ProjectMatching, Projection, ReadModels, Statistics, Until,
};
use proptest::prelude::*;
use store::testing::postgres_log;
use store::{EventLog, FeedPosition, ProjectionHistory, Snapshots};
use world::{step, Step, World};

/// A fresh set of read models on `log`, restoring snapshots when given.
fn engine(log: &EventLog, snapshots: Option<Snapshots>) -> (ReadModels, Engine) {
    engine_in_batches_of(EngineSettings::default().batch_size, log, snapshots)
}

/// [`engine`], reading the feed `batch_size` events at a time (many batches read ahead of the
/// one applied, and a bound that falls inside one).
fn engine_in_batches_of(
    batch_size: usize,
    log: &EventLog,
    snapshots: Option<Snapshots>,
) -> (ReadModels, Engine) {
    let mut builder = EngineBuilder::new(log.feed()).with_settings(EngineSettings { batch_size });
    if let Some(snapshots) = snapshots {
        builder = builder.with_snapshots(snapshots);
    }
    let models = ReadModels::register(&mut builder);
    (models, builder.build())
}

async fn check(steps: Vec<Step>, stop_at: prop::sample::Index) {
    let (_db, log) = postgres_log().await;
    // The live engine runs from the start, as a server does.
    let (live, live_engine) = engine(&log, None);
    let live_engine = std::sync::Arc::new(live_engine);
    live_engine.spawn();

    let world = World::new(&log);
    for (n, step) in steps.iter().enumerate() {
        world.perform(n, step).await;
    }
    // The newest event, located by its global position: reading the feed right after the
    // commits could still hide it behind another test's open transaction (the feed only shows
    // what is final), so the live engine is waited for, then the feed is read.
    let feed = log.feed();
    let newest = feed.head_position().await.unwrap();
    let head = match feed.locate(newest).await.unwrap() {
        Some(head) => head,
        None => FeedPosition::START,
    };
    assert!(
        live_engine.wait_for(head, Duration::from_secs(20)).await,
        "the live engine caught up"
    );
    let events = feed
        .read_after(FeedPosition::START, usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        events.last().map(|e| e.feed_position()),
        (newest > 0).then_some(head),
        "every event is final once the live engine has it"
    );

    // (1) Rebuilt from scratch equals live.
    let (rebuilt, rebuilt_engine) = engine(&log, None);
    rebuilt_engine.run_until(Until::Head, |_| {}).await.unwrap();
    let live_state = live.to_json();
    assert!(
        live_state.values().all(Result::is_ok),
        "every model serialises"
    );
    assert_eq!(
        rebuilt.to_json(),
        live_state,
        "rebuilt from scratch equals live"
    );
    let (in_twos, in_twos_engine) = engine_in_batches_of(2, &log, None);
    in_twos_engine.run_until(Until::Head, |_| {}).await.unwrap();
    assert_eq!(
        in_twos.to_json(),
        live_state,
        "rebuilt two events at a time equals live"
    );

    // (2) Stop at a random event, save, resume from the snapshots: the same state.
    let snapshots = Snapshots::new(log.database().clone());
    let stop = if events.is_empty() {
        FeedPosition::START
    } else {
        events[stop_at.index(events.len())].feed_position()
    };
    let (_, stopped) = engine_in_batches_of(2, &log, Some(snapshots.clone()));
    let stopped_at = stopped
        .run_until(Until::Position(stop), |_| {})
        .await
        .unwrap();
    assert_eq!(stopped_at, stop, "the fold stops at the event asked for");
    assert!(
        stopped.statuses().iter().all(|s| s.position <= stop),
        "no projection applied an event after it"
    );
    stopped.save_snapshots().await.unwrap();
    let (resumed, resumed_engine) = engine(&log, Some(snapshots));
    resumed_engine.restore().await.unwrap();
    resumed_engine.run_until(Until::Head, |_| {}).await.unwrap();
    assert_eq!(
        resumed.to_json(),
        live_state,
        "resumed from a checkpoint equals live"
    );

    // (3) As-of at the head equals live, by position and by time.
    let (at_head, at_head_engine) = engine(&log, None);
    at_head_engine
        .run_until(Until::Position(head), |_| {})
        .await
        .unwrap();
    assert_eq!(
        at_head.to_json(),
        live_state,
        "as-of the head position equals live"
    );
    let (by_time, by_time_engine) = engine(&log, None);
    by_time_engine
        .run_until(Until::RecordedBy(Utc::now()), |_| {})
        .await
        .unwrap();
    assert_eq!(by_time.to_json(), live_state, "as-of now equals live");

    // (4) The history, every three events; as-of reads from it equal folds from the start.
    const EVERY: usize = 3;
    let history = ProjectionHistory::new(log.database().clone());
    let keeper = HistoryKeeper::new(
        log.feed(),
        history.clone(),
        |builder| {
            ReadModels::register(builder);
        },
        EVERY as u64,
    );
    let round = keeper.round().await.unwrap();
    let places: Vec<FeedPosition> = events
        .iter()
        .skip(EVERY - 1)
        .step_by(EVERY)
        .map(|e| e.feed_position())
        .collect();
    assert_eq!(round.places_written, places, "a place every {EVERY} events");
    let again = keeper.round().await.unwrap();
    assert_eq!(again.started_from, places.last().copied());
    assert!(again.places_written.is_empty(), "no place is written twice");
    assert_eq!(
        keeper.newest_complete().await.unwrap(),
        places.last().copied()
    );
    // A start restores the furthest of each snapshot (at `stop`) and newest place.
    let mut builder = EngineBuilder::new(log.feed())
        .with_snapshots(Snapshots::new(log.database().clone()))
        .with_history(history.clone());
    let started = ReadModels::register(&mut builder);
    let started_engine = builder.build();
    started_engine.restore().await.unwrap();
    let furthest = places
        .last()
        .copied()
        .max(Some(stop))
        .unwrap_or(FeedPosition::START);
    assert_eq!(started.map.status().position, furthest);
    started_engine.run_until(Until::Head, |_| {}).await.unwrap();
    assert_eq!(
        started.to_json(),
        live_state,
        "started from the history equals live"
    );
    if let Some(event) = events.get(stop_at.index(events.len().max(1))) {
        from_history_equals_from_start(&log, &history, Until::Position(stop)).await;
        from_history_equals_from_start(&log, &history, Until::RecordedBy(event.recorded_at)).await;
    }
}

/// Every projection folded to `until`, once from the history and once from the start.
async fn from_history_equals_from_start(log: &EventLog, history: &ProjectionHistory, until: Until) {
    async fn same<P: Projection>(log: &EventLog, history: &ProjectionHistory, until: Until) {
        let feed = log.feed();
        let (from_history, at) = fold::<P>(&feed, Some(history), until).await.unwrap();
        let (from_start, at_too) = fold::<P>(&feed, None, until).await.unwrap();
        assert_eq!(at, at_too, "{} stops at the same place", P::NAME);
        assert_eq!(
            from_history.to_json(),
            from_start.to_json(),
            "{} as of {until:?}: from the history equals from the start",
            P::NAME
        );
    }
    same::<EventCounts>(log, history, until).await;
    same::<AccountDirectory>(log, history, until).await;
    same::<GatheringCalendar>(log, history, until).await;
    same::<InitiativeMap>(log, history, until).await;
    same::<Statistics>(log, history, until).await;
    same::<Memberships>(log, history, until).await;
    same::<ProjectMatching>(log, history, until).await;
    same::<ModerationQueue>(log, history, until).await;
    same::<Library>(log, history, until).await;
    same::<CommunityDirectory>(log, history, until).await;
    same::<ProjectDirectory>(log, history, until).await;
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn live_rebuilt_resumed_and_as_of_agree(
        steps in prop::collection::vec(step(), 1..60),
        stop_at in any::<prop::sample::Index>(),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(check(steps, stop_at));
    }
}
