//! The web console in a real headless Chromium, against the real server on a fresh PostgreSQL
//! database with the illustrative seed loaded.
//!
//! * [`pages`]: every public page in every language makes no request to another origin, no
//!   failed request and no console error, passes axe-core's WCAG 2.x A and AA rules, says its
//!   language, and is kept as a screenshot under `target/screenshots/`; the pages work with
//!   JavaScript off.
//! * [`moderation`]: the moderators' queue, claims and reviews, and a manager's page of their
//!   initiative.
//! * [`audit`]: the auditors' pages: a record's history and diff, the map as of the past, the
//!   chain verified and found broken.
//! * [`administration`]: the administrators' pages: refusals, roles granted, a person erased.
//! * [`behaviour`]: filtering updates the points, the count and the URL; a cluster and a point
//!   lead to the initiative's page; the language switch keeps the page; the map works from the
//!   keyboard alone.
//! * [`collab`]: joint projects with suggested partners, communities and threads, submitting to
//!   the library, as members do them.
//! * [`story`]: the whole story of members and moderators, only through the browser, from
//!   signing up to a completed joint project, a hidden and restored post, a rejected submission
//!   and the notifications on the dashboard.
//! * [`public`]: the library, communities and joint projects: a filter changes the result and
//!   the URL, a gathering in its zone and the visitor's with its `.ics`, the initiative page's
//!   links to its communities and projects, without JavaScript, and in the sitemap.

mod administration;
mod audit;
mod behaviour;
mod browser;
mod collab;
mod members;
mod moderation;
mod pages;
mod public;
mod register;
mod scale;
mod session;
mod story;

use std::time::Duration;

use e2e::{spawn_app, test_settings, TestApp};
use store::testing::TestPostgres;
use store::{Database, EventLog};

/// A server on a fresh database holding the seed, ready to answer.
pub struct Seeded {
    pub app: TestApp,
    _db: TestPostgres,
}

pub async fn seeded() -> Seeded {
    let db = TestPostgres::create().await;
    let settings = test_settings(Some(db.url.clone()));
    {
        let database = Database::connect(&db.url.parse().unwrap()).await.unwrap();
        database.migrate().await.unwrap();
        let log = EventLog::open(database);
        gateway::seed::load(&log, &settings, &|_| {})
            .await
            .expect("the seed loads");
        log.database().close().await;
    }
    let app = spawn_app(settings).await;
    app.wait_ready().await;
    Seeded { app, _db: db }
}

/// How long a page may take to settle in the browser (a debug build on a shared machine).
pub const SETTLE: Duration = Duration::from_secs(20);
