//! What every request handler shares: the pool, the token keys, the settings, the clock.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::auth::throttle::LoginThrottle;
use crate::auth::token::TokenKeys;
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

pub struct AppState {
    pub pool: Pool,
    pub search: Arc<crate::search::SearchIndex>,
    pub keys: TokenKeys,
    pub settings: Settings,
    pub clock: Clock,
    pub throttle: LoginThrottle,
    /// Where the mail worker delivers the outbox: SMTP or `.eml` files.
    pub mailer: crate::notify::mailer::Mailer,
}

impl AppState {
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
        self.db(move |conn| crate::db::transaction(conn, f)).await
    }
}
