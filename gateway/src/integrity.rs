//! `articula verify`: recomputes every stream hash and the global chain over the whole log (see
//! store::chain) and says `ok` with the count and the head hash, or names the first event that
//! breaks a chain. Exits non-zero on a break, so it can run from cron or CI.

use std::time::Instant;

use store::chain::{count_events, verify as verify_chains, VerifyReport};
use store::Database;

use crate::console::Console;
use crate::Settings;

pub async fn verify(settings: &Settings, console: Console) -> Result<(), String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let total = count_events(&db).await.map_err(|e| e.to_string())?;
    let bar = console.progress("verifying", total, "events");
    let started = Instant::now();
    let report = verify_chains(&db, &|checked| bar.set_position(checked))
        .await
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let line = summary_line(&report, seconds);
    let mut json = serde_json::to_value(&report).map_err(|e| e.to_string())?;
    if let Some(object) = json.as_object_mut() {
        object.insert("command".into(), "verify".into());
        object.insert("seconds".into(), seconds.into());
    }
    console.finish(&line, &json);
    match report.first_break {
        None => Ok(()),
        // The report has been printed; the error line repeats the verdict for scripts' logs.
        Some(_) if console.json => Err("the event log does not verify".into()),
        Some(_) => Err("the event log does not verify (see above)".into()),
    }
}

/// The one line a person reads.
pub fn summary_line(report: &VerifyReport, seconds: f64) -> String {
    match &report.first_break {
        None => {
            let head = report
                .head_hash
                .map_or_else(|| "none (empty log)".to_string(), |h| h.to_hex());
            let unsealed = if report.unsealed > 0 {
                format!(
                    "; the last {} not sealed into the global chain yet",
                    report.unsealed
                )
            } else {
                String::new()
            };
            format!(
                "ok: {} events in {} streams verified in {seconds:.1} s; head hash {head}{unsealed}",
                report.events, report.streams
            )
        }
        Some(broken) => {
            let event = if broken.aggregate_type.is_empty() {
                format!("position {}", broken.position)
            } else {
                format!(
                    "position {} ({} {} sequence {})",
                    broken.position, broken.aggregate_type, broken.aggregate_id, broken.sequence
                )
            };
            format!(
                "BROKEN at {event}: {} ({} events verified before it)",
                broken.reason, report.events
            )
        }
    }
}
