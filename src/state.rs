//! What every request handler shares: the pool, the token keys, the settings, the clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::auth::password::HashGate;
use crate::auth::proxy::TrustedProxies;
use crate::auth::token::{SessionToken, TokenKeys};
use crate::auth::Actor;
use crate::config::Settings;
use crate::db::{DbConn, Pool};
use crate::error::{AppError, AppResult};

/// The time as the application sees it. Tests move it forward to reach expiry dates and SLAs
/// without waiting; production never moves it.
#[derive(Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    pub fn advance(&self, by: Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

/// Who recent tokens belong to, so a burst of requests with one token asks the database once.
/// An entry lives at most [`ActorCache::TTL`], and any write transaction of this instance empties
/// the cache (it may have revoked a token, suspended a user or verified an organisation); a
/// change made through another instance is seen within the TTL. Entries are per token (its
/// `jti`), so a token signed out cannot ride on another token of the same user.
/// jti → (when looked up, write epoch then, user id, token version, the caller).
type ActorEntries = std::collections::HashMap<String, (std::time::Instant, u64, i64, i32, Actor)>;

#[derive(Default)]
pub struct ActorCache {
    entries: std::sync::Mutex<ActorEntries>,
    epoch: std::sync::atomic::AtomicU64,
}

impl ActorCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(1);
    const MAX: usize = 10_000;

    /// The current write epoch: read it before a lookup whose answer will be `put`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    pub fn get(&self, token: &SessionToken) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, epoch, user_id, version, actor) = entries.get(token.jti.as_str())?;
        (*epoch == self.epoch()
            && at.elapsed() < Self::TTL
            && *user_id == token.user_id
            && *version == token.version)
            .then(|| actor.clone())
    }

    pub fn put(&self, token: &SessionToken, epoch: u64, actor: Actor) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(
            token.jti.clone(),
            (
                std::time::Instant::now(),
                epoch,
                token.user_id,
                token.version,
                actor,
            ),
        );
    }

    /// After a write: every entry is stale.
    pub fn invalidate(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

pub struct AppState {
    pub pool: Pool,
    pub search: Arc<crate::search::SearchIndex>,
    pub keys: TokenKeys,
    pub settings: Settings,
    pub clock: Clock,
    /// Whose forwarded header names the client (`auth::client_address`).
    pub proxies: TrustedProxies,
    /// Caps the password hashing done at once.
    pub hashing: HashGate,
    /// Where the mail worker delivers the outbox: SMTP or `.eml` files.
    pub mailer: crate::notify::mailer::Mailer,
    pub actors: ActorCache,
}

impl AppState {
    /// Whether the site is served over https: cookies are then `Secure` and only their
    /// `__Host-` names are accepted.
    pub fn secure_cookies(&self) -> bool {
        self.settings.public_url.starts_with("https://")
    }

    /// Runs blocking database work on the blocking thread pool, with a pooled connection.
    pub async fn db<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(AppError::from)?
    }

    /// Like `db`, inside one transaction.
    pub async fn tx<T, F>(&self, f: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConn) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let result = self.db(move |conn| crate::db::transaction(conn, f)).await;
        self.actors.invalidate();
        result
    }
}
