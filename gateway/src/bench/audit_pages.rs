//! The auditors' pages for `articula bench pages --auditor`: the log's first page, filtered and
//! not, and the map as of the middle of the log, timed through the real router with an
//! auditor's session. The session belongs to an account made for the benchmark, so the store
//! gains its sign-up and role events: run it on a store made for benchmarking.

use chrono::Duration;
use domain::account::Authority;
use domain::actor::Role;
use domain::values::{DisplayName, EmailAddress, Language, Password};
use store::EventMetadata;

use crate::access::accounts::SignUp;
use crate::state::AppState;

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
        .issue(account, Duration::hours(1))
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("articula-session={}", token.expose()))
}

/// The auditors' pages to time, the as-of one at the middle of the log.
pub async fn paths(state: &AppState) -> Result<Vec<String>, String> {
    let head = state
        .log
        .feed()
        .head_position()
        .await
        .map_err(|e| e.to_string())?;
    Ok(vec![
        "/audit/log".to_owned(),
        "/audit/log?aggregate_type=initiative".to_owned(),
        format!("/?at_position={}", (head / 2).max(1)),
    ])
}
