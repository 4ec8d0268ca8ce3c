//! `articula bench pages`: the web console's server time per page and what the map page
//! transfers, on the configured store (e.g. the embedded default with its seed, or a store
//! filled with `articula seed --synthetic N`). In process: requests go through the real router
//! (every layer, compression included) without a socket, so the times are the server's own.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use store::{Database, EventLog};
use tower::ServiceExt;

use crate::state::AppState;
use crate::Settings;

/// One page's answer: status, the bytes on the wire (compressed as asked) and the links in it.
struct Answer {
    status: StatusCode,
    bytes: usize,
    body: String,
}

async fn ask(router: &Router, path: &str, encoding: Option<&str>) -> Result<Answer, String> {
    ask_as(router, path, encoding, None).await
}

/// [`ask`] with a session cookie, as a signed-in reader.
async fn ask_as(
    router: &Router,
    path: &str,
    encoding: Option<&str>,
    cookie: Option<&str>,
) -> Result<Answer, String> {
    let mut request = Request::get(path).header(header::ACCEPT_LANGUAGE, "es");
    if let Some(encoding) = encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let request = request.body(Body::empty()).map_err(|e| e.to_string())?;
    let response = router
        .clone()
        .oneshot(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let compressed = response.headers().contains_key(header::CONTENT_ENCODING);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Answer {
        status,
        bytes: bytes.len(),
        // Only uncompressed answers are read for their links.
        body: if compressed {
            String::new()
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        },
    })
}

/// p50 and p99 of `samples` requests of `path` (with the session `cookie` if given).
async fn time(
    router: &Router,
    path: &str,
    samples: usize,
    cookie: Option<&str>,
) -> Result<(Duration, Duration), String> {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let started = Instant::now();
        let answer = ask_as(router, path, Some("br"), cookie).await?;
        times.push(started.elapsed());
        if !answer.status.is_success() {
            return Err(format!("{path} answered {}", answer.status));
        }
    }
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    Ok((at(0.5), at(0.99)))
}

/// An item's page as the table names it: `/news/{id}/{slug}` → `/news/{id}/…`.
fn shown(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["", kind, _id, _slug] if !kind.is_empty() && !path.contains('?') => {
            format!("/{kind}/{{id}}/…")
        }
        _ => path.to_owned(),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The values of `attribute="…"` in `html` that start with `prefix`.
fn links(html: &str, attribute: &str, prefix: &str) -> Vec<String> {
    let needle = format!("{attribute}=\"{prefix}");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + attribute.len() + 2..];
            rest.split('"').next().map(|l| l.replace("&amp;", "&"))
        })
        .collect()
}

/// Times every public page (and with `auditor`, the auditors' pages), then the map page's
/// transfer.
pub async fn pages(settings: &Settings, samples: usize, auditor: bool) -> Result<(), String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let log = EventLog::open(db);
    let state = AppState::new(log, settings);
    let started = Instant::now();
    while !state.projection_statuses().iter().all(|s| s.caught_up) {
        if started.elapsed() > Duration::from_secs(600) {
            return Err("the read models did not catch up in 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let router = crate::router::router(state.clone(), settings);
    let initiatives = state.read.map.read(|m| m.len());
    let home = ask(&router, "/", None).await?;
    let initiative = links(&home.body, "href", "/initiatives/")
        .into_iter()
        .next()
        .ok_or("the map page links no initiative: is the store empty? (articula seed)")?;
    // One page of each kind of the library, a community and a joint project: the first each
    // list links to.
    let mut pages: Vec<String> = [
        "/",
        "/?country=CL&sector=manufacturing",
        "/?q=osorno",
        initiative.as_str(),
        "/statistics",
        "/map/points.json",
        "/sitemap.xml",
    ]
    .map(String::from)
    .to_vec();
    for (list, prefix) in [
        ("/publications", "/publications/"),
        ("/news", "/news/"),
        ("/gatherings", "/gatherings/"),
        ("/communities", "/communities/"),
        ("/joint-projects", "/joint-projects/"),
    ] {
        pages.push(list.to_owned());
        let body = ask(&router, list, None).await?.body;
        if let Some(first) = links(&body, "href", prefix).into_iter().next() {
            pages.push(first);
        }
    }
    pages.extend([
        "/publications?topic=report_or_study&language=es".to_owned(),
        "/gatherings?when=past".to_owned(),
        "/gatherings.ics".to_owned(),
    ]);
    println!("Web console, {initiatives} initiatives on the map, {samples} requests per page\n");
    println!("| page | p50 | p99 |\n|---|---|---|");
    for path in &pages {
        let (p50, p99) = time(&router, path, samples, None).await?;
        // The item pages' paths are long and alike: their kind is what the table needs.
        let path = shown(path);
        println!("| `{path}` | {} | {} |", ms(p50), ms(p99));
    }
    if auditor {
        let kept = super::audit_pages::history_kept(&state, settings).await?;
        println!(
            "\nThe projection history was complete {:.1} s after the read models caught up \
             (a place every {} events).\n",
            kept.as_secs_f64(),
            settings.history_every_events
        );
        let cookie = super::audit_pages::auditor_cookie(&state).await?;
        for path in super::audit_pages::paths(&state).await? {
            // The as-of map restores the history and folds from there: fewer samples keep the
            // run short.
            let samples = if path.contains("at_position") {
                samples.min(20)
            } else {
                samples
            };
            let (p50, p99) = time(&router, &path, samples, Some(&cookie)).await?;
            println!(
                "| `{path}` (auditor, {samples} requests) | {} | {} |",
                ms(p50),
                ms(p99)
            );
        }
    }

    // What a first visit to the map page transfers (brotli, as browsers ask), and a repeat
    // visit: the assets are linked by digest and kept as immutable, so only the page and the
    // points are asked for again.
    let mut first = 0;
    let mut rows = Vec::new();
    let page = ask(&router, "/", Some("br")).await?.bytes;
    rows.push(("`/` (HTML)".to_owned(), page));
    let points = ask(&router, "/map/points.json", Some("br")).await?.bytes;
    rows.push(("`/map/points.json`".to_owned(), points));
    let mut assets = links(&home.body, "href", "/assets/");
    assets.extend(links(&home.body, "src", "/assets/"));
    assets.extend(links(&home.body, "data-outlines", "/assets/"));
    for asset in &assets {
        let bytes = ask(&router, asset, Some("br")).await?.bytes;
        let name = asset.split('?').next().unwrap_or(asset);
        rows.push((format!("`{name}`"), bytes));
    }
    println!("\nThe map page's transfer (brotli), first visit:\n");
    println!("| resource | bytes |\n|---|---|");
    for (name, bytes) in &rows {
        first += bytes;
        println!("| {name} | {bytes} |");
    }
    println!("| **first visit** | **{first}** |");
    println!(
        "| **repeat visit** (page and points; assets cached) | **{}** |",
        page + points
    );
    Ok(())
}
