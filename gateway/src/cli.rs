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
    /// Operate accounts: the first administrator, erasure.
    Admin {
        #[command(subcommand)]
        which: AdminCommand,
    },
    /// Rebuild read models from the start of the event log and save them as snapshots.
    Replay {
        /// Only this projection (default: all of them).
        #[arg(long)]
        projection: Option<String>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Recompute every event's hash and the global chain; report `ok`, the count and the head
    /// hash, or the first event that breaks a chain and why (exit status 1 then).
    Verify {
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write the whole event log as NDJSON (to stdout, or to a file), with its hashes, so that
    /// `import` can check it and load it into an empty store of either backend.
    Export {
        /// Write here instead of stdout; the file appears only once it is complete.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Print the summary as one JSON object (on stderr when the log goes to stdout).
        #[arg(long)]
        json: bool,
    },
    /// Load an `export` file into an empty store, checking sequences and both hash chains as it
    /// goes; all or nothing.
    Import {
        /// The NDJSON file written by `articula export`.
        file: PathBuf,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Move the keys that are not in the event log (personal-data keys, server secrets) with a
    /// deployment: see ops/moving-to-postgres.md.
    Secrets {
        #[command(subcommand)]
        which: SecretsCommand,
    },
    /// Load the illustrative data set of seeds/ (not ECLAC's data) through the command path,
    /// or with `--synthetic N` a generated history of N initiatives; a second run writes
    /// nothing. New seed accounts get random passwords, shown once on stderr.
    Seed {
        /// Instead of the data set: N synthetic initiatives with proportional communities,
        /// threads, joint projects and publications.
        #[arg(long, value_name = "N")]
        synthetic: Option<usize>,
        /// The seed of the synthetic history: the same N and seed give the same history.
        #[arg(long, default_value_t = 2026, requires = "synthetic")]
        seed: u64,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Measure the store (see docs/benchmarks.md).
    Bench {
        #[command(subcommand)]
        which: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretsCommand {
    /// Write the personal-data keys and server secrets to a new file readable only by its owner.
    Export {
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Load a `secrets export` file into a store that has none yet; all or nothing.
    Import { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an administrator account. Prints its id and a one-time secret with which its
    /// holder sets a password (POST /v1/accounts/activation); no password is ever fixed here.
    Create {
        #[arg(long)]
        email: String,
        /// The name shown for the account.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// Erase a person: delete their key, so their name, email and phone are unreadable in all
    /// of history, close the account and release its email. Events stay and still replay.
    ErasePerson {
        /// The account id (a UUID).
        account_id: String,
    },
}

/// A store `articula bench http` runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BenchBackend {
    Postgres,
    Sqlite,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Server time per page of the web console and the map page's transfer, on the configured
    /// store (seed it first: `articula seed`, or `articula seed --synthetic N`).
    Pages {
        /// Requests per page.
        #[arg(long, default_value_t = 500)]
        samples: usize,
        /// Also time the auditors' pages (the log, the map as of the middle of the log), as an
        /// auditor account made for the benchmark: the store gains its events.
        #[arg(long)]
        auditor: bool,
    },
    /// On the configured PostgreSQL store (e.g. one kept by `bench projections --keep`): the
    /// live tail's lag from commit to read models while nothing else runs, while a history
    /// keeper folds the whole log and saves its places, and while the live models are
    /// serialised in place; then as-of folds of the map and the statistics from the history.
    /// The store's projection history is deleted first, so that the keeper folds the whole log;
    /// the store gains the registrations written and the keeper's places.
    History {
        /// The keeper's interval (`history_every_events`).
        #[arg(long, default_value_t = 50_000)]
        every: u64,
        /// As-of folds per read model.
        #[arg(long, default_value_t = 20)]
        samples: usize,
        /// Only the as-of folds, from the history the store already holds (kept by an earlier
        /// run or a server): nothing is written or deleted.
        #[arg(long)]
        as_of_only: bool,
    },
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
    /// Resident memory of a server (`serve` as a process of its own) when ready and after a
    /// round of reads: on a new data directory (the seed's first start, then a restart), or on
    /// a given store.
    Memory {
        /// Serve this store instead of a new data directory (e.g. one `bench projections
        /// --keep` left).
        #[arg(long)]
        database_url: Option<String>,
        /// Rounds of reads (the console's home, the map plain and in gzip).
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Commands per second and latency over HTTP through the real server (both backends),
    /// beside the bare framework (cqrs-es + postgres-es / sqlite-es) in the same run.
    Http {
        /// A PostgreSQL server URL on which scratch databases may be created.
        #[arg(
            long,
            env = "ARTICULA_BENCH_DATABASE_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        server: String,
        /// Concurrent clients to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,4,16")]
        clients: Vec<usize>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Which backends: postgres, sqlite or both.
        #[arg(long, value_delimiter = ',', default_value = "postgres,sqlite")]
        backends: Vec<BenchBackend>,
        /// Also drive the registrations and the reads with `wrk` (on the PATH; Debian's
        /// package `wrk`): the registrations beside the bare framework, the reads beside the
        /// same bytes served from memory.
        #[arg(long)]
        wrk: bool,
        /// Measure the registrations in this many alternated pairs (Articula's, then the bare
        /// framework's) at each number of clients, and print every pair's ratio and their
        /// median: on a machine whose speed drifts, one pair's ratio is partly its minute's.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=20))]
        pairs: u64,
    },
    /// Rebuild speed, start-up time, query latencies and memory of the read models, on synthetic
    /// history written through the store into scratch databases that are dropped afterwards.
    Projections {
        /// A PostgreSQL server URL on which scratch databases may be created.
        #[arg(
            long,
            env = "ARTICULA_BENCH_DATABASE_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        server: String,
        /// Initiatives in the large history.
        #[arg(long, default_value_t = 100_000)]
        initiatives: usize,
        /// Events in the large history (profile edits fill up to this).
        #[arg(long, default_value_t = 1_000_000)]
        events: u64,
        /// Initiatives in the small history (the platform's first stage).
        #[arg(long, default_value_t = 258)]
        small_initiatives: usize,
        /// Seed of the synthetic history.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Runs of each query.
        #[arg(long, default_value_t = 2_000)]
        samples: usize,
        /// Keep the scratch databases instead of dropping them (their URLs are printed).
        #[arg(long)]
        keep: bool,
    },
}
