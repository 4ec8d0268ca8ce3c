//! `articula export`, `articula import` and `articula secrets`: moving the event log (and the
//! keys that are not in it) between stores, e.g. from the embedded SQLite file to PostgreSQL
//! (ops/moving-to-postgres.md). The work is in store::transfer; this is files, progress and the
//! summary.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use store::chain::{count_events, EventHash};
use store::transfer::{
    export_secrets, import_secrets, ExportSummary, ImportPhase, Positions, SecretsFile,
    TransferError,
};
use store::Database;

use crate::cli::SecretsCommand;
use crate::console::Console;
use crate::Settings;

async fn open(settings: &Settings) -> Result<Database, String> {
    let url = settings.database().map_err(|e| e.to_string())?;
    let db = Database::connect(&url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    Ok(db)
}

fn head(hash: Option<EventHash>) -> String {
    hash.map_or_else(|| "none (empty log)".into(), |h| h.to_hex())
}

/// Writes the log to `output`, or to stdout. A file appears only once complete: the export goes
/// to `FILE.partial`, renamed at the end and deleted on any error or interruption.
pub async fn export(
    settings: &Settings,
    output: Option<&Path>,
    console: Console,
) -> Result<(), String> {
    if let Some(path) = output {
        refuse_existing(path)?;
    }
    let db = open(settings).await?;
    let total = count_events(&db).await.map_err(|e| e.to_string())?;
    let bar = console.progress("exporting", total, "events");
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let started = Instant::now();
    let exported = match output {
        None => store::transfer::export(&db, std::io::stdout(), &progress)
            .await
            .map_err(|e| e.to_string()),
        Some(path) => export_to_file(&db, path, &progress).await,
    };
    bar.finish_and_clear();
    let summary = exported?;
    let seconds = started.elapsed().as_secs_f64();
    let to = output.map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
    let line = format!(
        "exported {} events in {} streams to {to} ({} bytes) in {seconds:.1} s; head hash {}",
        summary.events,
        summary.streams,
        summary.bytes,
        head(summary.head_hash)
    );
    let report = json!({
        "command": "export",
        "events": summary.events,
        "streams": summary.streams,
        "head_hash": summary.head_hash,
        "head_position": summary.head_position,
        "bytes": summary.bytes,
        "seconds": seconds,
        "output": output,
    });
    match output {
        // stdout carries the log: the summary must not mix with it.
        None => console.finish_on_stderr(&line, &report),
        Some(_) => console.finish(&line, &report),
    }
    Ok(())
}

fn refuse_existing(path: &Path) -> Result<(), String> {
    if path.exists() {
        return Err(format!(
            "{} already exists; choose another name or remove it first (nothing is overwritten)",
            path.display()
        ));
    }
    Ok(())
}

async fn export_to_file(
    db: &Database,
    path: &Path,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<ExportSummary, String> {
    let partial = partial_path(path);
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} exists: another export is writing it, or one was interrupted (remove it)",
                partial.display()
            ),
            _ => format!("cannot create {}: {e}", partial.display()),
        })?;
    let written = tokio::select! {
        written = store::transfer::export(db, &file, progress) => written.map_err(|e| e.to_string()),
        // (A handler that cannot be installed disables this branch, not the export.)
        Ok(()) = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
    };
    let finished = written.and_then(|summary| {
        file.sync_all()
            .and_then(|()| std::fs::rename(&partial, path))
            .map_err(|e| TransferError::Write(e).to_string())?;
        Ok(summary)
    });
    if finished.is_err() {
        // Nothing half-written stays behind.
        let _ = std::fs::remove_file(&partial);
    }
    finished
}

/// `FILE.partial`, beside `FILE`.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Loads an export file into the (empty) configured store.
pub async fn import(settings: &Settings, file: &Path, console: Console) -> Result<(), String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    let db = open(settings).await?;
    let bar = console.progress("checking", size, "bytes");
    let progress = |phase: ImportPhase, bytes: u64| {
        if phase == ImportPhase::Writing && bar.message() != "writing" {
            bar.set_message("writing");
            bar.reset();
        }
        bar.set_position(bytes);
    };
    let started = Instant::now();
    let imported = store::transfer::import(&db, file, &progress).await;
    bar.finish_and_clear();
    let summary = imported.map_err(|e| format!("{e}; nothing was imported"))?;
    let seconds = started.elapsed().as_secs_f64();
    let positions = match summary.positions {
        Positions::Kept => "positions kept".to_string(),
        Positions::Renumbered => format!(
            "positions renumbered 1 to {} in the file's order (the file's did not increase line \
             after line)",
            summary.events
        ),
    };
    let line = format!(
        "imported {} events in {} streams from {} in {seconds:.1} s; head hash {}; {positions}",
        summary.events,
        summary.streams,
        file.display(),
        head(summary.head_hash)
    );
    console.finish(
        &line,
        &json!({
            "command": "import",
            "events": summary.events,
            "streams": summary.streams,
            "head_hash": summary.head_hash,
            "head_position": summary.head_position,
            "positions": summary.positions,
            "bytes": summary.bytes,
            "seconds": seconds,
            "file": file,
        }),
    );
    Ok(())
}

pub async fn secrets(settings: &Settings, which: SecretsCommand) -> Result<(), String> {
    match which {
        SecretsCommand::Export { output } => {
            refuse_existing(&output)?;
            let db = open(settings).await?;
            let secrets = export_secrets(&db).await.map_err(|e| e.to_string())?;
            let text = secrets.to_json().map_err(|e| e.to_string())?;
            write_private(&output, text.as_bytes())?;
            println!(
                "wrote {} person key(s) and {} server secret(s) to {}, readable only by its \
                 owner: it opens every person's data, so keep it safe and delete it once \
                 imported",
                secrets.person_keys.len(),
                secrets.server_secrets.len(),
                output.display()
            );
            Ok(())
        }
        SecretsCommand::Import { file } => {
            let text = store::transfer::secrets::Zeroizing::new(
                std::fs::read_to_string(&file)
                    .map_err(|e| format!("cannot read {}: {e}", file.display()))?,
            );
            let secrets = SecretsFile::from_json(&text)
                .map_err(|e| format!("{}: {e}; nothing was imported", file.display()))?;
            let db = open(settings).await?;
            let summary = import_secrets(&db, &secrets)
                .await
                .map_err(|e| format!("{e}; nothing was imported"))?;
            println!(
                "imported {} person key(s) and {} server secret(s) from {}; delete the file now",
                summary.person_keys,
                summary.server_secrets,
                file.display()
            );
            Ok(())
        }
    }
}

/// Creates `path` readable and writable by its owner only (never replacing a file) and writes
/// `bytes`; on any error the file is removed.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file: File = options
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(error) = written {
        let _ = std::fs::remove_file(path);
        return Err(format!("cannot write {}: {error}", path.display()));
    }
    Ok(())
}
