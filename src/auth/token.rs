//! Session tokens: HS256 JWTs with `sub`, `iat`, `exp`, a random `jti` and the user's token
//! version, which `logout-all`, a password change and a suspension bump to revoke every earlier
//! token. Signing out revokes one token by its `jti` (kept in `revoked_tokens` until it expires).
//!
//! The same key also signs the one-click unsubscribe links of non-essential mail. Those tokens
//! carry `purpose: "unsubscribe"`: a session check refuses any token with a `purpose`, and the
//! unsubscribe check refuses any token without it, so neither can stand in for the other.

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
    /// The token's own id, so that signing out can end this token alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jti: Option<String>,
    /// Set only on tokens that are not sessions; a session token never has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

/// The claims of an unsubscribe link: whose mail, and which kind of mail to stop.
#[derive(Debug, Serialize, Deserialize)]
struct UnsubscribeClaims {
    sub: String,
    topic: String,
    purpose: String,
    iat: i64,
    exp: i64,
}

const UNSUBSCRIBE_PURPOSE: &str = "unsubscribe";
/// How long an unsubscribe link keeps working: mail is read late, and the link must still work.
pub const UNSUBSCRIBE_DAYS: i64 = 365;

/// A valid session token: whose, which version, its id and when it expires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub user_id: i64,
    pub version: i32,
    pub jti: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// A key derived from the secret for MACs that are not tokens (CSRF tokens), so that no
    /// MAC of ours can ever be replayed as a token signature or the other way round.
    mac_key: [u8; 32],
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
        super::hs256::install();
        let mac_key = hmac_sha256(secret, &[b"parkbridge/mac-key/v1"]);
        Ok(TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            mac_key,
            lifetime,
        })
    }

    /// HMAC-SHA256 of `parts` (each length-prefixed, so no two lists give the same input)
    /// under the derived key, base64url: `purpose` keeps MACs for one use from passing for
    /// another.
    pub fn mac(&self, purpose: &str, parts: &[&[u8]]) -> String {
        let mut all: Vec<&[u8]> = vec![purpose.as_bytes()];
        all.extend_from_slice(parts);
        base64_url(&hmac_sha256(&self.mac_key, &all))
    }

    pub fn issue(&self, user_id: i64, version: i32, now: DateTime<Utc>) -> (String, DateTime<Utc>) {
        let exp = now + self.lifetime;
        let mut id = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut id);
        let claims = Claims {
            sub: user_id.to_string(),
            ver: version,
            iat: now.timestamp(),
            exp: exp.timestamp(),
            jti: Some(base64_url(&id)),
            purpose: None,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail");
        (token, exp)
    }

    /// Checks signature, algorithm (HS256 only) and expiry against `now`. A token without a
    /// `jti` (none is issued any more) could not be signed out alone, so it is refused.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<SessionToken> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = LEEWAY_SECS;
        v.validate_exp = false;
        v.set_required_spec_claims(&["exp", "sub", "iat"]);
        let data = decode::<Claims>(token, &self.decoding, &v).ok()?;
        // An unsubscribe link (or any other purpose-bound token) is not a session.
        if data.claims.purpose.is_some() {
            return None;
        }
        // Expiry against the application clock, so tests can move time.
        if data.claims.exp + LEEWAY_SECS as i64 <= now.timestamp() {
            return None;
        }
        let jti = data.claims.jti.filter(|j| (16..=64).contains(&j.len()))?;
        Some(SessionToken {
            user_id: data.claims.sub.parse().ok()?,
            version: data.claims.ver,
            jti,
            expires_at: DateTime::from_timestamp(data.claims.exp, 0)?,
        })
    }

    /// A signed token for an unsubscribe link: `user_id` stops receiving `topic` (e.g.
    /// `match_emails`, `saved_search:12`). Valid for [`UNSUBSCRIBE_DAYS`] days.
    pub fn issue_unsubscribe(&self, user_id: i64, topic: &str, now: DateTime<Utc>) -> String {
        self.issue_for(
            UNSUBSCRIBE_PURPOSE,
            user_id,
            topic,
            now + Duration::days(UNSUBSCRIBE_DAYS),
            now,
        )
    }

    /// A signed link token for one purpose (`unsubscribe`, `confirm_email`) about `topic`.
    pub fn issue_for(
        &self,
        purpose: &str,
        user_id: i64,
        topic: &str,
        exp: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> String {
        let claims = UnsubscribeClaims {
            sub: user_id.to_string(),
            topic: topic.to_string(),
            purpose: purpose.to_string(),
            iat: now.timestamp(),
            exp: exp.timestamp(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The (user id, topic) of a valid link token of `purpose`.
    pub fn verify_for(
        &self,
        purpose: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Option<(i64, String)> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = LEEWAY_SECS;
        v.validate_exp = false;
        v.set_required_spec_claims(&["exp", "sub", "iat"]);
        let c = decode::<UnsubscribeClaims>(token, &self.decoding, &v)
            .ok()?
            .claims;
        if c.purpose != purpose
            || c.topic.is_empty()
            || c.exp + LEEWAY_SECS as i64 <= now.timestamp()
        {
            return None;
        }
        Some((c.sub.parse().ok()?, c.topic))
    }

    /// The (user id, topic) of a valid unsubscribe token; `None` for anything else, session
    /// tokens included.
    pub fn verify_unsubscribe(&self, token: &str, now: DateTime<Utc>) -> Option<(i64, String)> {
        self.verify_for(UNSUBSCRIBE_PURPOSE, token, now)
    }
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
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
        let v = keys().verify(&t, now).unwrap();
        assert_eq!((v.user_id, v.version), (42, 3));
        assert_eq!(v.expires_at.timestamp(), exp.timestamp());
        // Each token has its own id, even two issued in the same second.
        let (t2, _) = keys().issue(42, 3, now);
        assert_ne!(keys().verify(&t2, now).unwrap().jti, v.jti);
        assert_eq!(keys().verify(&t, now + Duration::hours(13)), None);
        let other = TokenKeys::new(&[8u8; 32], Duration::hours(12)).unwrap();
        assert_eq!(other.verify(&t, now), None);
        assert_eq!(keys().verify("not.a.token", now), None);
    }

    #[test]
    fn a_session_token_without_an_id_is_refused() {
        let now = Utc::now();
        let claims = Claims {
            sub: "42".into(),
            ver: 0,
            iat: now.timestamp(),
            exp: now.timestamp() + 600,
            jti: None,
            purpose: None,
        };
        let t = encode(&Header::new(Algorithm::HS256), &claims, &keys().encoding).unwrap();
        assert_eq!(keys().verify(&t, now), None);
    }

    #[test]
    fn macs_depend_on_purpose_parts_and_key() {
        let k = keys();
        let a = k.mac("csrf", &[b"ab", b"c"]);
        assert_eq!(a, k.mac("csrf", &[b"ab", b"c"]));
        assert_eq!(a.len(), 43);
        assert_ne!(a, k.mac("csrf", &[b"a", b"bc"]));
        assert_ne!(a, k.mac("other", &[b"ab", b"c"]));
        let other = TokenKeys::new(&[8u8; 32], Duration::hours(12)).unwrap();
        assert_ne!(a, other.mac("csrf", &[b"ab", b"c"]));
    }

    #[test]
    fn other_algorithms_are_refused() {
        // A token signed "none" with the same claims.
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        let now = Utc::now().timestamp();
        let claims =
            serde_json::json!({"sub": "1", "ver": 0, "iat": now, "exp": now + 600, "jti": "abcdefghijklmnopqrstuv"})
                .to_string();
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
    fn unsubscribe_tokens_and_sessions_never_stand_in_for_each_other() {
        let now = Utc::now();
        let unsub = keys().issue_unsubscribe(42, "match_emails", now);
        assert_eq!(
            keys().verify_unsubscribe(&unsub, now),
            Some((42, "match_emails".to_string()))
        );
        assert_eq!(keys().verify(&unsub, now), None);
        let (session, _) = keys().issue(42, 0, now);
        assert_eq!(keys().verify_unsubscribe(&session, now), None);
        // A session-shaped token that claims a purpose is no session either.
        let forged = encode(
            &Header::new(Algorithm::HS256),
            &Claims {
                sub: "42".into(),
                ver: 0,
                iat: now.timestamp(),
                exp: now.timestamp() + 600,
                jti: Some("abcdefghijklmnopqrstuv".into()),
                purpose: Some("unsubscribe".into()),
            },
            &keys().encoding,
        )
        .unwrap();
        assert_eq!(keys().verify(&forged, now), None);
        let other = TokenKeys::new(&[8u8; 32], Duration::hours(12)).unwrap();
        assert_eq!(other.verify_unsubscribe(&unsub, now), None);
        let late = now + Duration::days(UNSUBSCRIBE_DAYS + 1);
        assert_eq!(keys().verify_unsubscribe(&unsub, late), None);
        // One character of the signature changed (not the last, whose low bits are padding).
        let mut chars: Vec<char> = unsub.chars().collect();
        let i = chars.len() - 5;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let tampered: String = chars.into_iter().collect();
        assert_eq!(keys().verify_unsubscribe(&tampered, now), None);
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
