//! The database: SQLite (bundled, the default) or PostgreSQL behind one connection type, a pool,
//! the embedded migrations and the transaction helper every service uses.

pub mod models;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ManageConnection, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::{AppError, AppResult};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Where the data lives, decided from the URL's scheme (never by trial and error, which hides
/// the real connection error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DbUrl {
    pub fn parse(url: &str) -> anyhow::Result<DbUrl> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(url.to_string()))
        } else if let Some(rest) = url.strip_prefix("sqlite://") {
            if rest.is_empty() {
                anyhow::bail!(
                    "the SQLite URL {url:?} names no file: use sqlite://data/parkbridge.sqlite3"
                );
            }
            // sqlite:///abs/path keeps its leading slash; sqlite://rel/path is relative.
            Ok(DbUrl::Sqlite(PathBuf::from(rest)))
        } else if let Some(rest) = url.strip_prefix("sqlite:") {
            Ok(DbUrl::Sqlite(PathBuf::from(rest)))
        } else {
            anyhow::bail!(
                "unsupported database URL {:?}: use sqlite://path/to/file.sqlite3 or postgres://user@host/db",
                crate::logging::redact_url(url)
            )
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DbUrl::Postgres(_))
    }
}

/// Opens connections for the pool, applying SQLite's per-connection settings.
pub struct Manager {
    url: DbUrl,
    busy_timeout_ms: u64,
}

/// How long a SQLite connection waits for another writer's lock before the request gets a 503
/// (`PARKBRIDGE_SQLITE_BUSY_TIMEOUT_MS`): the pool's own wait for a connection is as long.
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5000;

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        use diesel::r2d2::Error as E;
        match &self.url {
            DbUrl::Sqlite(path) => {
                let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(E::ConnectionError)?;
                c.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                    self.busy_timeout_ms
                ))
                .map_err(E::QueryError)?;
                Ok(DbConn::Sqlite(c))
            }
            DbUrl::Postgres(url) => diesel::PgConnection::establish(url)
                .map(DbConn::Pg)
                .map_err(E::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool. On SQLite the file's folder is created and WAL is switched on once, before
/// any pooled connection exists (doing it per connection makes "database is locked" errors).
pub fn connect(url: &DbUrl, max_size: u32) -> anyhow::Result<Pool> {
    connect_with(url, max_size, 1)
}

/// A pool that opens connections only when asked (for one-shot commands: no background thread
/// is left connecting while the process exits).
pub fn connect_with(url: &DbUrl, max_size: u32, min_idle: u32) -> anyhow::Result<Pool> {
    connect_with_busy(url, max_size, min_idle, DEFAULT_BUSY_TIMEOUT_MS)
}

/// The same with SQLite's busy timeout given.
pub fn connect_with_busy(
    url: &DbUrl,
    max_size: u32,
    min_idle: u32,
    busy_timeout_ms: u64,
) -> anyhow::Result<Pool> {
    if let DbUrl::Sqlite(path) = url {
        prepare_sqlite_file(path)?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(min_idle))
        .connection_timeout(Duration::from_secs(5))
        .build(Manager {
            url: url.clone(),
            busy_timeout_ms,
        })
        .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
    Ok(pool)
}

fn prepare_sqlite_file(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let mut c = diesel::SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    c.batch_execute("PRAGMA journal_mode = WAL;")?;
    Ok(())
}

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.len())
}

/// Runs `f` in one transaction. On SQLite the transaction takes the write lock up front
/// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of failing when a
/// reader upgrades to a writer.
pub fn transaction<T>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> AppResult<T>,
) -> AppResult<T> {
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            let mut guard = RollbackGuard { conn, armed: true };
            let result = f(&mut *guard.conn);
            guard.armed = false;
            let conn = &mut *guard.conn;
            match result {
                Ok(v) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(v),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    conn.batch_execute("ROLLBACK")?;
                    Err(e)
                }
            }
        }
    }
}

/// Rolls back if `f` panics, so the connection goes back to the pool clean.
struct RollbackGuard<'a> {
    conn: &'a mut DbConn,
    armed: bool,
}

impl Drop for RollbackGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            let _ = self.conn.batch_execute("ROLLBACK");
        }
    }
}

/// Answers whether the database is reachable (for `/readyz`).
pub fn ping(pool: &Pool) -> AppResult<()> {
    let mut conn = pool.get().map_err(AppError::from)?;
    conn.ping().map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_by_scheme() {
        assert_eq!(
            DbUrl::parse("sqlite://data/parkbridge.sqlite3").unwrap(),
            DbUrl::Sqlite("data/parkbridge.sqlite3".into())
        );
        assert_eq!(
            DbUrl::parse("sqlite:///tmp/x.sqlite3").unwrap(),
            DbUrl::Sqlite("/tmp/x.sqlite3".into())
        );
        assert!(DbUrl::parse("postgresql://u@h/db").unwrap().is_postgres());
        assert!(DbUrl::parse("postgres://u@h/db").unwrap().is_postgres());
        assert!(DbUrl::parse("mysql://u@h/db").is_err());
        assert!(DbUrl::parse("sqlite://").is_err());
    }
}
