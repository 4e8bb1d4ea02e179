//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1), always off the async executor and
//! never more at once than the gate allows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::Password;
use crate::error::{AppError, AppResult};

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// How long a request waits for a turn to hash before it is answered 503 (with Retry-After).
pub const HASH_WAIT: Duration = Duration::from_secs(1);

/// At most `n` argon2 computations at once, hashing and verifying alike: each holds 19 MiB and
/// a core for tens of milliseconds, so without a cap a burst of sign-ups, logins or resets
/// grows memory with the number of clients and starves everything else of CPU. The permit
/// travels into the blocking task, so it is released when the work ends even if the client has
/// gone.
pub struct HashGate {
    permits: Arc<Semaphore>,
    size: usize,
    /// Hashes computed, hashes verified, requests refused for want of a turn (since start).
    hashed: AtomicU64,
    verified: AtomicU64,
    refused: AtomicU64,
    /// The second (since the epoch) of the last "saturated" log line.
    logged_at: AtomicU64,
}

/// What a gate has done since it was made (`/metrics`, and tests that check a refused request
/// cost no hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashCounts {
    pub hashed: u64,
    pub verified: u64,
    pub refused: u64,
    pub in_progress: u64,
}

impl HashGate {
    pub fn new(size: usize) -> HashGate {
        let size = size.max(1);
        HashGate {
            permits: Arc::new(Semaphore::new(size)),
            size,
            hashed: AtomicU64::new(0),
            verified: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            logged_at: AtomicU64::new(0),
        }
    }

    /// The default size: one per core, keeping one core free on machines with more than two.
    pub fn default_size() -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if cores > 2 {
            cores - 1
        } else {
            cores
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    pub fn counts(&self) -> HashCounts {
        HashCounts {
            hashed: self.hashed.load(Ordering::Relaxed),
            verified: self.verified.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            in_progress: (self.size - self.permits.available_permits().min(self.size)) as u64,
        }
    }

    /// A turn to hash, waiting at most `HASH_WAIT`; `AppError::Busy` (503) otherwise.
    pub async fn permit(&self) -> AppResult<OwnedSemaphorePermit> {
        match tokio::time::timeout(HASH_WAIT, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => {
                let refused = self.refused.fetch_add(1, Ordering::Relaxed) + 1;
                // One line a second at most, however many are refused.
                let second = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                if self.logged_at.swap(second, Ordering::Relaxed) != second {
                    tracing::warn!(
                        permits = self.size,
                        refused_since_start = refused,
                        "password hashing is saturated: requests refused with 503"
                    );
                }
                Err(AppError::Busy)
            }
        }
    }

    /// Hashes on the blocking pool; returns the PHC string.
    pub async fn hash(&self, password: Password) -> AppResult<String> {
        let permit = self.permit().await?;
        self.hashed.fetch_add(1, Ordering::Relaxed);
        actix_web::web::block(move || {
            let _permit = permit;
            hash_blocking(password.expose())
        })
        .await?
    }

    /// Verifies on the blocking pool. With no stored hash (unknown account) a dummy hash is
    /// checked anyway, so the answer takes as long as for a real account.
    pub async fn verify(&self, password: String, stored: Option<String>) -> AppResult<bool> {
        let permit = self.permit().await?;
        self.verified.fetch_add(1, Ordering::Relaxed);
        actix_web::web::block(move || {
            let _permit = permit;
            let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
            Ok(hasher()
                .verify_password(password.as_bytes(), stored.as_str())
                .is_ok())
        })
        .await?
    }
}

pub fn hash_blocking(password: &str) -> AppResult<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_blocking("parkbridge timing equaliser").unwrap_or_default());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_chosen_cost_and_verify() {
        let h = hash_blocking("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(hasher()
            .verify_password(b"correct horse battery", h.as_str())
            .is_ok());
        assert!(hasher()
            .verify_password(b"correct horse batterY", h.as_str())
            .is_err());
        assert_ne!(h, hash_blocking("correct horse battery").unwrap(), "salted");
    }
}
