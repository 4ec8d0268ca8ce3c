//! The `articula` command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::LogFormat;

#[derive(Debug, Parser)]
#[command(
    name = "articula",
    version,
    about = "Articula: the platform of territorial productive articulation initiatives"
)]
pub struct Cli {
    /// A TOML configuration file (default: ./articula.toml when present).
    #[arg(long, global = true, env = "ARTICULA_CONFIG")]
    pub config: Option<PathBuf>,

    /// Log as text (default) or one JSON object per line.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (applies pending migrations first).
    Serve {
        /// Port to listen on (overrides configuration).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Measure the store (see docs/benchmarks.md).
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Commands per second through the real store on PostgreSQL, beside raw cqrs-es +
    /// postgres-es, in a scratch database that is dropped afterwards.
    Append {
        /// A PostgreSQL server URL on which a scratch database may be created.
        #[arg(
            long,
            env = "ARTICULA_BENCH_DATABASE_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        server: String,
        /// Concurrency levels to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,4,16,64")]
        concurrency: Vec<usize>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Events on the growing stream.
        #[arg(long, default_value_t = 2000)]
        grow_to: usize,
    },
}
