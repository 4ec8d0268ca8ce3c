//! The auditors' pages for `articula bench pages --auditor`: the log's first page, filtered and
//! not, and the map as of the middle of the log, timed through the real router with an
//! auditor's session. The session belongs to an account made for the benchmark, so the store
//! gains its sign-up and role events: run it on a store made for benchmarking.

use std::time::Duration;

use domain::account::Authority;
use domain::actor::Role;
use domain::values::{DisplayName, EmailAddress, Language, Password};
use store::EventMetadata;

use crate::access::accounts::SignUp;
use crate::state::AppState;
use crate::Settings;

/// A session cookie of a new auditor, for the pages to be asked with.
pub async fn auditor_cookie(state: &AppState) -> Result<String, String> {
    let metadata = |command: &str| EventMetadata::system("articula bench pages", command);
    let email = format!(
        "bench.auditor.{}@example.org",
        uuid::Uuid::new_v4().simple()
    );
    let input = SignUp {
        email: EmailAddress::new(email).map_err(|e| e.to_string())?,
        display_name: DisplayName::new("Bench auditor").map_err(|e| e.to_string())?,
        password: Password::new(uuid::Uuid::new_v4().to_string()).map_err(|e| e.to_string())?,
        phone: None,
        language: Language::Es,
    };
    let (account, _) = state
        .accounts
        .register_confirmed(input, &metadata("SignUp"))
        .await
        .map_err(|refusal| format!("{refusal:?}"))?;
    state
        .accounts
        .change_role(
            account,
            Role::Auditor,
            true,
            Authority::System("articula bench pages".into()),
            &metadata("GrantRole"),
        )
        .await
        .map_err(|refusal| format!("{refusal:?}"))?;
    let (token, _) = state
        .accounts
        .sessions()
        .issue(account, chrono::Duration::hours(1))
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("articula-session={}", token.expose()))
}

/// Waits until the instance's history keeper has saved every whole interval of the log (the
/// as-of pages start from it), and says how long that took.
pub async fn history_kept(state: &AppState, settings: &Settings) -> Result<Duration, String> {
    let started = std::time::Instant::now();
    let keeper = crate::state::history_keeper(&state.log, &state.history, settings);
    let every = i64::try_from(settings.history_every_events).unwrap_or(i64::MAX);
    let head = head(state).await?;
    loop {
        let newest = keeper.newest_complete().await.map_err(|e| e.to_string())?;
        if head - newest.map_or(0, |at| at.position) < every {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(1800) {
            return Err("the projection history was not kept in 30 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn head(state: &AppState) -> Result<i64, String> {
    state
        .log
        .feed()
        .head_position()
        .await
        .map_err(|e| e.to_string())
}

/// The auditors' pages to time: the log, and the map as of the middle of the log and as of the
/// event before the next saved place of the history (the longest fold from the history).
pub async fn paths(state: &AppState) -> Result<Vec<String>, String> {
    let middle = (head(state).await? / 2).max(1);
    let places = state.history.places().await.map_err(|e| e.to_string())?;
    let mut paths = vec![
        "/audit/log".to_owned(),
        "/audit/log?aggregate_type=initiative".to_owned(),
        format!("/?at_position={middle}"),
    ];
    if let Some(next) = places
        .iter()
        .filter(|p| p.name == "map" && p.position.position > middle)
        .map(|p| p.position.position)
        .min()
    {
        paths.push(format!("/?at_position={}", next - 1));
    }
    Ok(paths)
}
