//! Settings from flags and the environment (each flag has a `PARKBRIDGE_…` variable). Secrets
//! are never printed: `Debug` leaves them out.

use std::fmt;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Where the data lives when nothing else is said.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/parkbridge.sqlite3";

#[derive(Parser, Debug)]
#[command(
    name = "parkbridge",
    version,
    about = "园企通 parkbridge: SMEs in Sichuan's parks meet the platform companies that finance, recruit and train for them"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply migrations and serve HTTP (the default).
    Serve {
        /// Fill an empty database with a small set of demo data first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an administrator account (the first platform admin, or a park admin).
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "platform_admin")]
        role: String,
        #[arg(long)]
        park_id: Option<i64>,
        #[arg(long, default_value = "管理员")]
        display_name: String,
    },
    /// Rebuild the search index from the database (the server must be stopped, or use another
    /// PARKBRIDGE_INDEX_DIR).
    Reindex,
    /// Compare the search index with the database; exit 1 and list the drift if they differ.
    Check,
    /// Benchmarks (figures printed as a table).
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Fill the database with realistic Chinese demo data (deterministic for a seed).
    SeedDemo {
        /// Number of SMEs; providers are a tenth of that.
        #[arg(long, default_value_t = 200)]
        scale: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Search: index build, query latency in-process and over HTTP, and the LIKE baseline, on a
    /// fresh SQLite database of demo data.
    Search {
        /// Number of SMEs of demo data (about 3 postings each; 34000 gives about 100k postings).
        #[arg(long, default_value_t = 3400)]
        scale: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Times each labelled query is run.
        #[arg(long, default_value_t = 30)]
        rounds: usize,
        /// Generated searches (1–3 words, filters, sort, pages 1–5), each evaluated once.
        #[arg(long, default_value_t = 2000)]
        queries: usize,
        /// Clients of the concurrent HTTP phases (searches, then a database list read).
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Seconds of each concurrent HTTP phase.
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Leave out the SQLite `LIKE` baseline (over a second a query at a million postings).
        #[arg(long)]
        no_baseline: bool,
        /// Working folder (default: a fresh one under the system temp folder, removed after).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Mail: throughput of the outbox worker to an SMTP server (or to .eml files).
    Mail {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// e.g. smtp://127.0.0.1:2525 (python3 -m aiosmtpd -n -l 127.0.0.1:2525 is a local sink).
        #[arg(long = "to")]
        smtp: Option<String>,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Load: the server in this process on the configured database (--database-url; default a
    /// fresh SQLite file), seeded with demo data, driven over HTTP by a mix of search, reads,
    /// posting and moderation; then the targets, and every acknowledged write checked in the
    /// database and the index. Exits 1 on a 5xx, a lost write or drift.
    Load {
        /// Postings of demo data seeded into an empty database (about; 85 % published).
        #[arg(long, default_value_t = 100_000)]
        postings: usize,
        /// Concurrent HTTP connections.
        #[arg(long, default_value_t = 64)]
        connections: usize,
        /// Length of the mixed phase.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Length of each target phase (/healthz alone, search alone, posting + approval alone).
        #[arg(long, default_value_t = 10)]
        target_seconds: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Working folder for the index and mail (default: a fresh one under the system temp
        /// folder, removed after).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Abuse: the server in this process on a fresh database, with --connections clients on
    /// the endpoints that hash passwords (registration, reset confirmation with made-up links,
    /// password change, sign-in with wrong passwords) while /healthz is polled on its own
    /// connection; prints peak memory, /healthz latency and the status mix. Exits 1 on a 5xx
    /// other than a 503 with Retry-After, or a peak of 500 MB or more.
    Abuse {
        #[arg(long, default_value_t = 64)]
        connections: usize,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Send every request from one client address (default: a random address per request,
        /// behind a trusted proxy, so that the per-address throttles do not answer for the gate).
        #[arg(long)]
        one_address: bool,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Matching: latency of matching one new posting against all published counterparts.
    Matching {
        /// Number of SMEs of demo data (about 3 postings each).
        #[arg(long, default_value_t = 3400)]
        scale: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// New postings matched (each kind).
        #[arg(long, default_value_t = 50)]
        samples: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Args, Clone)]
pub struct Settings {
    /// sqlite://relative/path, sqlite:///absolute/path or postgres://user@host/db
    #[arg(
        long,
        env = "PARKBRIDGE_DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        global = true
    )]
    pub database_url: String,
    /// Folder of the full-text search index (derived data).
    #[arg(
        long,
        env = "PARKBRIDGE_INDEX_DIR",
        default_value = "search-index",
        global = true
    )]
    pub index_dir: PathBuf,
    #[arg(
        long,
        env = "PARKBRIDGE_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub bind: String,
    /// At least 32 bytes; default: generated once into <data-dir>/jwt-secret.
    #[arg(
        long,
        env = "PARKBRIDGE_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,
    /// Where generated files live (the JWT secret).
    #[arg(
        long,
        env = "PARKBRIDGE_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// lettre SMTP URL, e.g. smtp://127.0.0.1:2525; unset: mail is written as .eml files.
    #[arg(
        long,
        env = "PARKBRIDGE_SMTP_URL",
        hide_env_values = true,
        global = true
    )]
    pub smtp_url: Option<String>,
    #[arg(
        long,
        env = "PARKBRIDGE_MAIL_FROM",
        default_value = "园企通 parkbridge <noreply@parkbridge.local>",
        global = true
    )]
    pub mail_from: String,
    #[arg(
        long,
        env = "PARKBRIDGE_MAIL_DIR",
        default_value = "data/mail",
        global = true
    )]
    pub mail_dir: PathBuf,
    #[arg(
        long,
        env = "PARKBRIDGE_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub public_url: String,
    /// Log filter, e.g. info or parkbridge=debug.
    #[arg(long, env = "PARKBRIDGE_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Hours a token stays valid.
    #[arg(
        long,
        env = "PARKBRIDGE_TOKEN_HOURS",
        default_value_t = 12,
        global = true
    )]
    pub token_hours: i64,
    /// Days a published need may wait for a provider before it is escalated.
    #[arg(
        long,
        env = "PARKBRIDGE_PICKUP_SLA_DAYS",
        default_value_t = 5,
        global = true
    )]
    pub pickup_sla_days: i64,
    /// Database connections in the pool.
    #[arg(long, env = "PARKBRIDGE_DB_POOL", default_value_t = 8, global = true)]
    pub db_pool: u32,
    /// Milliseconds a SQLite write waits for another writer's lock before answering 503.
    #[arg(
        long,
        env = "PARKBRIDGE_SQLITE_BUSY_TIMEOUT_MS",
        default_value_t = crate::db::DEFAULT_BUSY_TIMEOUT_MS,
        global = true
    )]
    pub sqlite_busy_timeout_ms: u64,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "PARKBRIDGE_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// Reverse proxies whose forwarded header names the client: addresses or CIDRs, separated
    /// by commas (e.g. 127.0.0.1,10.0.0.0/8). Unset: the TCP peer is the client.
    #[arg(long, env = "PARKBRIDGE_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// The header the trusted proxies set: x-forwarded-for or forwarded (RFC 7239).
    #[arg(
        long,
        env = "PARKBRIDGE_PROXY_HEADER",
        default_value = "x-forwarded-for",
        global = true
    )]
    pub proxy_header: String,
    /// Password hashes computed at once (default: one per core, one less above two cores).
    #[arg(long, env = "PARKBRIDGE_HASH_CONCURRENCY", global = true)]
    pub hash_concurrency: Option<usize>,
}

impl Settings {
    /// Defaults for a given database and data folder (tests, tools).
    pub fn for_paths(database_url: &str, data_dir: &std::path::Path) -> Settings {
        let cli = Cli::parse_from(["parkbridge"]);
        let mut s = cli.settings;
        s.database_url = database_url.to_string();
        s.data_dir = data_dir.to_path_buf();
        s.index_dir = data_dir.join("search-index");
        s.mail_dir = data_dir.join("mail");
        s
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field(
                "database_url",
                &crate::logging::redact_url(&self.database_url),
            )
            .field("index_dir", &self.index_dir)
            .field("bind", &self.bind)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("data_dir", &self.data_dir)
            .field(
                "smtp_url",
                &self
                    .smtp_url
                    .as_ref()
                    .map(|u| crate::logging::redact_url(u)),
            )
            .field("mail_from", &self.mail_from)
            .field("mail_dir", &self.mail_dir)
            .field("public_url", &self.public_url)
            .field("token_hours", &self.token_hours)
            .field("pickup_sla_days", &self.pickup_sla_days)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("proxy_header", &self.proxy_header)
            .field("hash_concurrency", &self.hash_concurrency)
            .finish()
    }
}
