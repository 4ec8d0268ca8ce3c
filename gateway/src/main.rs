use std::process::ExitCode;

use clap::Parser;
use gateway::cli::{BenchBackend, BenchCommand, Cli, Command};
use gateway::console::Console;
use gateway::{telemetry, Application, Settings};

/// jemalloc, not glibc's malloc: a request allocates and frees many small pieces on whichever
/// thread runs it, and glibc's malloc and free were a fifth of the profile of reads by id.
/// Measured with `bench http`, `replay`, `bench projections` and `bench memory`
/// (docs/benchmarks.md, ninth session): reads by id about 30% faster, registrations at 16
/// clients 13%, `replay` 15% (the rebuild in `bench projections` the same), as-of reads the
/// same, and a third less memory after a rebuild of 1,000,000 events. (mimalloc, tried earlier,
/// made as-of reads slower.)
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("cannot start the async runtime: {error}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message),
    }
}

/// Every failure ends here as one line on stderr and a non-zero exit: no panic, no backtrace.
fn fail(message: &str) -> ExitCode {
    eprintln!("articula: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), String> {
    let mut settings = Settings::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
    if let Some(format) = cli.log_format {
        settings.log_format = format;
    }
    telemetry::init(settings.log_format);
    match cli.command {
        Command::Serve { port } => {
            if let Some(port) = port {
                settings.port = port;
            }
            // Before anything else: a SIGTERM during start-up then stops us cleanly.
            let shutdown = gateway::startup::shutdown_signal();
            let app = Application::build(&settings)
                .await
                .map_err(|e| e.to_string())?;
            app.run_until(shutdown).await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let url = settings.database().map_err(|e| e.to_string())?;
            let db = store::Database::connect(&url)
                .await
                .map_err(|e| e.to_string())?;
            let applied = db.migrate().await.map_err(|e| e.to_string())?;
            println!(
                "{}: {applied} migration(s) applied; schema at {}",
                db.backend().name(),
                db.binary_schema_version()
            );
            Ok(())
        }
        Command::Admin { which } => gateway::admin::run(&settings, which).await,
        Command::Replay { projection, json } => {
            gateway::replay::run(&settings, projection.as_deref(), Console::new(json)).await
        }
        Command::Verify { json } => gateway::integrity::verify(&settings, Console::new(json)).await,
        Command::Export { output, json } => {
            gateway::transfer::export(&settings, output.as_deref(), Console::new(json)).await
        }
        Command::Import { file, json } => {
            gateway::transfer::import(&settings, &file, Console::new(json)).await
        }
        Command::Secrets { which } => gateway::transfer::secrets(&settings, which).await,
        Command::Seed {
            synthetic,
            seed,
            json,
        } => {
            let source = match synthetic {
                Some(initiatives) => gateway::seed::SeedSource::Synthetic { initiatives, seed },
                None => gateway::seed::SeedSource::Curated,
            };
            gateway::seed::run(&settings, source, Console::new(json)).await
        }
        Command::Bench {
            which: BenchCommand::Pages { samples, auditor },
        } => gateway::bench::pages(&settings, samples, auditor).await,
        Command::Bench {
            which:
                BenchCommand::Append {
                    server,
                    concurrency,
                    seconds,
                    grow_to,
                },
        } => gateway::bench::append(&server, &concurrency, seconds, grow_to)
            .await
            .map_err(|e| e.to_string()),
        Command::Bench {
            which:
                BenchCommand::History {
                    every,
                    samples,
                    as_of_only,
                },
        } => gateway::bench::history(&settings, every, samples, as_of_only)
            .await
            .map_err(|e| e.to_string()),
        Command::Bench {
            which:
                BenchCommand::Memory {
                    database_url,
                    rounds,
                },
        } => gateway::bench::memory(database_url.as_deref(), rounds)
            .await
            .map_err(|e| e.to_string()),
        Command::Bench {
            which:
                BenchCommand::Http {
                    server,
                    clients,
                    seconds,
                    backends,
                    wrk,
                    pairs,
                },
        } => gateway::bench::http(
            &settings,
            gateway::bench::HttpOptions {
                server: &server,
                clients,
                seconds,
                postgres: backends.contains(&BenchBackend::Postgres),
                sqlite: backends.contains(&BenchBackend::Sqlite),
                wrk,
                pairs: pairs as usize,
            },
        )
        .await
        .map_err(|e| e.to_string()),
        Command::Bench {
            which:
                BenchCommand::Projections {
                    server,
                    initiatives,
                    events,
                    small_initiatives,
                    seed,
                    samples,
                    keep,
                },
        } => gateway::bench::projections(gateway::bench::ProjectionsOptions {
            server: &server,
            initiatives,
            events,
            small_initiatives,
            seed,
            samples,
            keep,
            history_every: settings.history_every_events,
        })
        .await
        .map_err(|e| e.to_string()),
    }
}
