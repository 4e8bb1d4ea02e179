//! The one JWT algorithm parkbridge uses, HS256, as jsonwebtoken's crypto provider.
//!
//! jsonwebtoken's own `rust_crypto` provider pulls in RSA, ECDSA and EdDSA as well, and with
//! them the `rsa` crate (RUSTSEC-2023-0071), none of which an HS256 deployment ever calls. This
//! provider signs and verifies HS256 with RustCrypto's `hmac` (constant-time comparison) and
//! refuses every other algorithm and key family with an error.

use hmac::{Hmac, Mac};
use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, Result};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

struct Hs256(HmacSha256);

impl Hs256 {
    fn keyed(algorithm: &Algorithm, family: AlgorithmFamily, secret: &[u8]) -> Result<Self> {
        if *algorithm != Algorithm::HS256 {
            return Err(ErrorKind::UnsupportedAlgorithm.into());
        }
        if family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidKeyFormat.into());
        }
        let mac = HmacSha256::new_from_slice(secret).map_err(|_| ErrorKind::InvalidKeyFormat)?;
        Ok(Hs256(mac))
    }
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, msg: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(&self, msg: &[u8], sig: &Vec<u8>) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(msg);
        mac.verify_slice(sig).map_err(signature::Error::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: |alg, key: &EncodingKey| {
        Ok(Box::new(Hs256::keyed(alg, key.family(), key.as_bytes())?))
    },
    verifier_factory: |alg, key: &DecodingKey| match key.kind() {
        DecodingKeyKind::SecretOrDer(secret) => {
            Ok(Box::new(Hs256::keyed(alg, key.family(), secret)?))
        }
        _ => Err(ErrorKind::InvalidKeyFormat.into()),
    },
    // JWKs are never read: no key utility is ever called.
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes [`PROVIDER`] jsonwebtoken's provider for this process (idempotent).
pub fn install() {
    // `Err` means a provider is installed already: ours, by an earlier call.
    let _ = PROVIDER.install_default();
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{decode, encode, Header, Validation};
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Serialize, Deserialize)]
    struct C {
        sub: String,
        exp: u64,
    }

    #[test]
    fn signs_and_verifies_hs256_and_refuses_other_algorithms() {
        install();
        let key = EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let claims = C {
            sub: "7".into(),
            exp: 4_000_000_000,
        };
        let token = encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
        // RFC 7515's HS256 shape: three base64url parts, a 32-byte MAC.
        let sig = token.rsplit('.').next().unwrap();
        assert_eq!(sig.len(), 43);

        let good = DecodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let got = decode::<C>(&token, &good, &Validation::new(Algorithm::HS256)).unwrap();
        assert_eq!(got.claims.sub, "7");

        let wrong = DecodingKey::from_secret(b"another secret of thirty-two by");
        assert!(decode::<C>(&token, &wrong, &Validation::new(Algorithm::HS256)).is_err());

        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert!(decode::<C>(&tampered, &good, &Validation::new(Algorithm::HS256)).is_err());

        assert!(encode(&Header::new(Algorithm::HS512), &claims, &key).is_err());
    }
}
