//! Paging while others write: every item that was there when paging began is seen exactly
//! once, whatever is added meanwhile, in every list: publications, gatherings, communities, a
//! community's threads, joint projects (read by a moderator, who sees the pending ones) and the
//! search.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Duration, Utc};
use domain::actor::Role;
use e2e::{spawn_on_postgres, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use super::{approve, field, get_ok, ids, news, submit, with, write};

/// Follows `next_cursor` from the first page of `path` to the last, `limit` at a time, as the
/// holder of `token` (or a visitor), calling `between` after each page; every id seen, in order.
async fn page_through<F, Fut>(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    limit: usize,
    mut between: F,
) -> Vec<String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = format!("limit={limit}");
        if let Some(cursor) = &cursor {
            query.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = get_ok(app, &with(path, &query), token).await;
        assert!(page["items"].as_array().unwrap().len() <= limit);
        seen.extend(field(&page, "id"));
        between().await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return seen,
        }
    }
}

/// Asserts that `path`'s pass showed no item twice and every item of `expected` (those there
/// all along).
fn assert_each_once<'a>(
    path: &str,
    seen: &[String],
    expected: impl IntoIterator<Item = &'a String>,
) {
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(
        unique.len(),
        seen.len(),
        "{path}: an item came twice: {seen:?}"
    );
    for id in expected {
        assert!(
            unique.contains(id),
            "{path}: {id} was there all along but never shown"
        );
    }
}

/// Numbers for the items added while paging: 1, 3, 5, … (the ones there before are even, so
/// that new ones sort between them where the order is by name or date).
#[derive(Default)]
struct Added(AtomicI64);

impl Added {
    fn next(&self) -> i64 {
        2 * self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// Gathering `n`, starting `n + 1` days from now.
fn gathering(n: i64) -> Value {
    let day = (Utc::now() + Duration::days(1 + n)).date_naive();
    json!({
        "kind": "gathering",
        "title": format!("Encuentro {n}"),
        "gathering": {
            "starts_at": format!("{day}T09:00"),
            "ends_at": format!("{day}T17:00"),
            "time_zone": "UTC",
            "online_link": "https://meet.example.org/clusters",
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_while_items_are_added_neither_repeats_nor_skips() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let writer = app.sign_up("Escritora").await;
    let writer = app.token_for(writer.id).await;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;

    let mut before = BTreeSet::new();
    for n in 0..12 {
        let id = submit(app, &writer, news(&format!("Noticia {n}"), "es")).await;
        approve(app, &moderator, &id).await;
        before.insert(id);
        // Gatherings on every other day, so that new ones (odd) fall between them.
        let id = submit(app, &writer, gathering(2 * n)).await;
        approve(app, &moderator, &id).await;
        before.insert(id);
    }

    let added = Added::default();
    let add = || async {
        let n = added.next();
        let id = submit(app, &writer, news(&format!("Nueva {n}"), "es")).await;
        approve(app, &moderator, &id).await;
        let id = submit(app, &writer, gathering(n)).await;
        approve(app, &moderator, &id).await;
    };
    for path in ["/v1/publications", "/v1/gatherings"] {
        let seen = page_through(app, path, None, 5, add).await;
        let expected: BTreeSet<&String> = if path == "/v1/gatherings" {
            let all = get_ok(app, "/v1/gatherings?when=all&limit=100", None).await;
            let gatherings = ids(&all);
            before
                .iter()
                .filter(|id| gatherings.contains(*id))
                .collect()
        } else {
            before.iter().collect()
        };
        assert_each_once(path, &seen, expected);
    }
}

/// Creates a community named `name` as `moderator`; its id.
async fn community(app: &TestApp, moderator: &str, name: &str) -> String {
    let body = json!({ "name": name, "theme": { "topic": "Prácticas" }, "join_policy": "open" });
    let body = write(app, Method::POST, "/v1/communities", moderator, Some(body)).await;
    body["id"].as_str().unwrap().to_string()
}

/// Starts a thread in `community` as `member`; its id.
async fn thread(app: &TestApp, member: &str, community: &str, title: &str) -> String {
    let body = json!({ "title": title, "body": "Compartamos lo aprendido." });
    let path = format!("/v1/communities/{community}/threads");
    let body = write(app, Method::POST, &path, member, Some(body)).await;
    body["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communities_their_threads_and_the_search_page_without_gaps_while_added_to() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let moderator = app.person_with("Moderador", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let member = app.sign_up("Ana").await;
    let member = app.token_for(member.id).await;

    // Communities "Comunidad 00", "Comunidad 02", …: the directory and the search order them
    // by name, so "Comunidad 01" and the others added meanwhile fall between them.
    let mut communities = BTreeSet::new();
    for n in (0..24).step_by(2) {
        communities.insert(community(app, &moderator, &format!("Comunidad {n:02}")).await);
    }
    let added = Added::default();
    let add_community = || async {
        let name = format!("Comunidad {:02}", added.next());
        community(app, &moderator, &name).await;
    };
    for path in ["/v1/communities", "/v1/search?q=comunidad"] {
        let seen = page_through(app, path, None, 5, add_community).await;
        assert_each_once(path, &seen, &communities);
    }

    // Threads, newest started first: those started meanwhile come before the cursor.
    let home = communities.first().unwrap().clone();
    let join = format!("/v1/communities/{home}/membership");
    write(app, Method::POST, &join, &member, None).await;
    let mut threads = BTreeSet::new();
    for n in 0..12 {
        threads.insert(thread(app, &member, &home, &format!("Tema {n}")).await);
    }
    let add_thread = || async {
        let title = format!("Tema nuevo {}", added.next());
        thread(app, &member, &home, &title).await;
    };
    let path = format!("/v1/communities/{home}/threads");
    let seen = page_through(app, &path, None, 5, add_thread).await;
    assert_each_once(&path, &seen, &threads);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joint_projects_page_without_gaps_while_proposals_arrive_as_a_moderator_reads() {
    let env = spawn_on_postgres().await;
    let app = &env.app;
    let ana = app.sign_up("Ana").await;
    let lead = app.initiative_managed_by(ana.id, "Clúster del Cobre").await;
    let ana = app.token_for(ana.id).await;
    let moderator = app.person_with("Moderadora", Role::Moderator).await;
    let moderator = app.token_for(moderator.id).await;
    let propose = |title: String| {
        let ana = ana.clone();
        async move {
            let body = json!({
                "lead_initiative_id": lead, "title": title,
                "description": "Proveedores locales para la cadena de valor.",
                "sectors": ["mining"], "objectives": ["Compartir un laboratorio"],
            });
            let body = write(app, Method::POST, "/v1/joint-projects", &ana, Some(body)).await;
            body["id"].as_str().unwrap().to_string()
        }
    };
    // Proposed, not yet reviewed: only moderators and the managers involved see them.
    let mut proposed = BTreeSet::new();
    for n in 0..12 {
        proposed.insert(propose(format!("Proyecto {n}")).await);
    }
    let added = Added::default();
    let add = || async {
        propose(format!("Proyecto nuevo {}", added.next())).await;
    };
    let path = "/v1/joint-projects";
    let seen = page_through(app, path, Some(&moderator), 5, add).await;
    assert_each_once(path, &seen, &proposed);
    let public = get_ok(app, path, None).await;
    assert_eq!(public["total"], 0, "a visitor sees no pending project");
}
