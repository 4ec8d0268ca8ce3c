//! `articula seed`: loads the ILLUSTRATIVE regional data set of seeds/ (258 initiatives in 8
//! countries, communities, joint projects, publications, and one account or a few per role)
//! through the same command buses as the API, or with `--synthetic N` a generated history of N
//! initiatives for benchmarks. Seeding twice writes nothing the second time. The embedded
//! default seeds itself on its first start (setting `seed_on_first_start`).

pub mod accounts;
pub mod data;
pub mod records;
pub mod synthetic;

use std::collections::BTreeMap;

use chrono::Utc;
use domain::values::InitiativeId;
use serde::Serialize;
use store::{Database, EventLog};

use crate::access::AccountService;
use crate::console::Console;
use crate::Settings;
use accounts::NewAccount;
use records::{Counts, Loader};

/// What `articula seed` was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedSource {
    /// The curated data set of seeds/.
    Curated,
    /// A generated history of `initiatives` initiatives, the same for the same `seed`.
    Synthetic { initiatives: usize, seed: u64 },
}

/// The outcome of loading the curated data set.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub counts: Counts,
    /// Accounts created by this run (their passwords were shown once, never stored here).
    pub accounts_created: Vec<NewAccount>,
}

/// `articula seed [--synthetic N [--seed S]] [--json]`.
pub async fn run(settings: &Settings, source: SeedSource, console: Console) -> Result<(), String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let log = EventLog::open(db.clone());
    let result = match source {
        SeedSource::Curated => curated(&log, settings, console).await,
        SeedSource::Synthetic { initiatives, seed } => {
            synthetic_history(&log, initiatives, seed, console).await
        }
    };
    db.close().await;
    result
}

async fn curated(log: &EventLog, settings: &Settings, console: Console) -> Result<(), String> {
    let bar = console.progress("seeding", curated_streams()?, "records");
    let report = load(log, settings, &|done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let report = report?;
    show_passwords(&report.accounts_created);
    let c = &report.counts;
    let line = format!(
        "seeded: {} events ({} initiatives, {} communities, {} threads, {} joint projects, \
         {} publications, {} accounts); {} records already present",
        c.events,
        c.initiatives,
        c.communities,
        c.threads,
        c.joint_projects,
        c.publications,
        report.accounts_created.len(),
        c.skipped
    );
    console.finish(&line, &report);
    Ok(())
}

async fn synthetic_history(
    log: &EventLog,
    initiatives: usize,
    seed: u64,
    console: Console,
) -> Result<(), String> {
    // The length is an estimate (about five events an initiative), raised if passed.
    let bar = console.progress(
        "writing a synthetic history",
        initiatives as u64 * 5,
        "events",
    );
    let today = chrono::Utc::now().date_naive();
    let written = synthetic::write_platform(log, initiatives, seed, today, &|n| {
        bar.set_length(n.max(bar.length().unwrap_or(0)));
        bar.set_position(n);
    })
    .await;
    bar.finish_and_clear();
    let written = written?;
    let line = if written.already_present {
        format!("synthetic history of {initiatives} initiatives (seed {seed}) is already present: nothing written")
    } else {
        format!(
            "synthetic history (seed {seed}): {} events ({} initiatives, {} communities, {} \
             threads, {} joint projects, {} publications)",
            written.events,
            written.initiatives,
            written.communities,
            written.threads,
            written.joint_projects,
            written.publications
        )
    };
    console.finish(&line, &written);
    Ok(())
}

/// How many records (streams, accounts aside) the curated data set has: the progress bar's end.
fn curated_streams() -> Result<u64, String> {
    let initiatives = data::initiatives()?;
    let activity = data::activity()?;
    let threads: usize = activity.communities.iter().map(|c| c.threads.len()).sum();
    Ok((initiatives.initiatives.len()
        + activity.communities.len()
        + threads
        + activity.joint_projects.len()
        + activity.publications.len()) as u64)
}

/// Loads the curated data set; records already in the store are skipped, so running it again
/// writes no event. `progress` is called with the number of records handled so far.
pub async fn load(
    log: &EventLog,
    settings: &Settings,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Report, String> {
    let initiatives = data::initiatives()?;
    let activity = data::activity()?;
    let service = AccountService::new(log, settings);
    let (people, accounts_created) = accounts::ensure(&service, &activity.accounts).await?;
    let moderator = people
        .values()
        .find(|p| p.actor.is_moderator())
        .map(|p| p.actor.clone())
        .ok_or("the seed data has no moderator account")?;
    let initiative_bus = log.commands(());
    let community_bus = log.commands(());
    let thread_bus = log.commands(());
    let project_bus = log.commands(());
    let publication_bus = log.commands(());
    let managers: BTreeMap<InitiativeId, String> = initiatives
        .initiatives
        .iter()
        .map(|i| (i.id, i.manager.clone()))
        .collect();
    let mut loader = Loader::new(log, &people, moderator, Utc::now(), progress);
    loader.initiatives(&initiative_bus, &initiatives).await?;
    loader
        .communities(&community_bus, &thread_bus, &activity)
        .await?;
    loader
        .joint_projects(&project_bus, &activity, &managers)
        .await?;
    loader.publications(&publication_bus, &activity).await?;
    loader.flush().await?;
    Ok(Report {
        counts: loader.counts,
        accounts_created,
    })
}

/// The first start of the embedded default: an empty store is seeded, unless
/// `seed_on_first_start` is off. A store that has any event is never touched, so this happens
/// once. Returns whether it seeded.
pub async fn on_first_start(log: &EventLog, settings: &Settings) -> Result<bool, String> {
    if !settings.seeds_on_first_start() {
        return Ok(false);
    }
    let head = log
        .feed()
        .head_position()
        .await
        .map_err(|e| e.to_string())?;
    if head > 0 {
        return Ok(false);
    }
    tracing::info!("empty embedded store: loading the illustrative seed data (seeds/)");
    let report = load(log, settings, &|_| {}).await?;
    show_passwords(&report.accounts_created);
    tracing::info!(
        events = report.counts.events,
        initiatives = report.counts.initiatives,
        "illustrative seed data loaded; turn this off with seed_on_first_start = false"
    );
    Ok(true)
}

/// The one time a seed account's password is shown: on the terminal (stderr), never in a log
/// line, a file or the JSON summary.
fn show_passwords(created: &[NewAccount]) {
    if created.is_empty() {
        return;
    }
    eprintln!("seed accounts (passwords shown once; change them or erase the accounts):");
    for account in created {
        eprintln!(
            "  {:<9} {}  password: {}",
            format!("{:?}", account.role).to_lowercase(),
            account.email,
            account.password
        );
    }
}
