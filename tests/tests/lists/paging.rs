//! Paging while others write: every item that was there when paging began is seen exactly
//! once, whatever is added meanwhile, in every list.

use std::collections::BTreeSet;

use chrono::{Duration, Utc};
use domain::actor::Role;
use e2e::{spawn_on_postgres, TestApp};
use serde_json::{json, Value};

use super::{approve, field, get_ok, ids, news, submit, with};

/// Follows `next_cursor` from the first page of `path` to the last, `limit` at a time, calling
/// `between` after each page; every id seen, in order.
async fn page_through<F, Fut>(
    app: &TestApp,
    path: &str,
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
        let page: Value = get_ok(app, &with(path, &query), None).await;
        assert!(page["items"].as_array().unwrap().len() <= limit);
        seen.extend(field(&page, "id"));
        between().await;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return seen,
        }
    }
}

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
        // Gatherings on every other day, so that new ones fall between them.
        let id = submit(app, &writer, gathering(2 * n)).await;
        approve(app, &moderator, &id).await;
        before.insert(id);
    }

    let added = std::sync::Mutex::new(0i64);
    let add = || async {
        let n = {
            let mut added = added.lock().unwrap();
            *added += 1;
            *added
        };
        let id = submit(app, &writer, news(&format!("Nueva {n}"), "es")).await;
        approve(app, &moderator, &id).await;
        let id = submit(app, &writer, gathering(2 * n + 1)).await;
        approve(app, &moderator, &id).await;
    };
    for path in ["/v1/publications", "/v1/gatherings"] {
        let seen = page_through(app, path, 5, add).await;
        let unique: BTreeSet<&String> = seen.iter().collect();
        assert_eq!(
            unique.len(),
            seen.len(),
            "{path}: an item came twice: {seen:?}"
        );
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
        for id in expected {
            assert!(
                unique.contains(id),
                "{path}: {id} was there all along but never shown"
            );
        }
    }
}
