//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1), always off the async executor.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::domain::Password;
use crate::error::{AppError, AppResult};

fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes on the blocking pool; returns the PHC string.
pub async fn hash(password: Password) -> AppResult<String> {
    actix_web::web::block(move || hash_blocking(password.expose())).await?
}

pub fn hash_blocking(password: &str) -> AppResult<String> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(AppError::internal)
}

/// Verifies on the blocking pool. With no stored hash (unknown account) a dummy hash is checked
/// anyway, so the answer takes as long as for a real account.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    actix_web::web::block(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        Ok(hasher()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok())
    })
    .await?
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
