//! Session tokens: HS256 JWTs with `sub`, `iat`, `exp` and the user's token version, which
//! `logout-all`, a password change and a suspension bump to revoke every earlier token.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub ver: i32,
    pub iat: i64,
    pub exp: i64,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub lifetime: Duration,
}

pub const MIN_SECRET_BYTES: usize = 32;
const LEEWAY_SECS: u64 = 5;

impl TokenKeys {
    pub fn new(secret: &[u8], lifetime: Duration) -> anyhow::Result<TokenKeys> {
        if secret.len() < MIN_SECRET_BYTES {
            anyhow::bail!(
                "PARKBRIDGE_JWT_SECRET is {} bytes: it must be at least {MIN_SECRET_BYTES}",
                secret.len()
            );
        }
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            lifetime,
        })
    }

    pub fn issue(&self, user_id: i64, version: i32, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let exp = now + self.lifetime;
        let claims = Claims {
            sub: user_id.to_string(),
            ver: version,
            iat: now.timestamp(),
            exp: exp.timestamp(),
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        (token, exp)
    }

    /// Checks signature, algorithm (HS256 only) and expiry against `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<(i64, i32)> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = LEEWAY_SECS;
        v.validate_exp = false;
        v.set_required_spec_claims(&["exp", "sub", "iat"]);
        let data = decode::<Claims>(token, &self.decoding, &v).ok()?;
        // Expiry against the application clock, so tests can move time.
        if data.claims.exp + LEEWAY_SECS as i64 <= now.timestamp() {
            return None;
        }
        Some((data.claims.sub.parse().ok()?, data.claims.ver))
    }
}

/// The secret from the setting, or the one kept in `<data_dir>/jwt-secret` (made on first start,
/// mode 0600).
pub fn load_secret(setting: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = setting {
        return Ok(s.as_bytes().to_vec());
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(data_dir)?;
    use rand::RngCore;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret.into_bytes())
}

fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(content.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], Duration::hours(12)).unwrap()
    }

    #[test]
    fn tokens_round_trip_and_expire() {
        let now = Utc::now();
        let (t, exp) = keys().issue(42, 3, now);
        assert_eq!(exp - now, Duration::hours(12));
        assert_eq!(keys().verify(&t, now), Some((42, 3)));
        assert_eq!(keys().verify(&t, now + Duration::hours(13)), None);
        let other = TokenKeys::new(&[8u8; 32], Duration::hours(12)).unwrap();
        assert_eq!(other.verify(&t, now), None);
        assert_eq!(keys().verify("not.a.token", now), None);
    }

    #[test]
    fn other_algorithms_are_refused() {
        // A token signed "none" with the same claims.
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        let now = Utc::now().timestamp();
        let claims =
            serde_json::json!({"sub": "1", "ver": 0, "iat": now, "exp": now + 600}).to_string();
        let payload = base64url(claims.as_bytes());
        assert_eq!(
            keys().verify(&format!("{header}.{payload}."), Utc::now()),
            None
        );
    }

    fn base64url(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn short_secrets_are_refused_and_the_file_secret_is_private_and_stable() {
        assert!(TokenKeys::new(b"short", Duration::hours(1)).is_err());
        let dir = tempfile::tempdir().unwrap();
        let a = load_secret(None, dir.path()).unwrap();
        let b = load_secret(None, dir.path()).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
