//! Double-submit CSRF tokens: a random value in the `pb_csrf` cookie (`__Host-pb_csrf` over
//! https), repeated in a hidden `_csrf` field of every form. A foreign site can make a browser
//! send the cookie but cannot read it to fill in the field.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpMessage, HttpRequest};
use rand::RngCore;

use crate::error::AppError;

const COOKIE: &str = "pb_csrf";
const SECURE_COOKIE: &str = "__Host-pb_csrf";

/// The token issued on this request (see `ensure`).
#[derive(Clone)]
struct Issued(String);

fn from_cookie(req: &HttpRequest) -> Option<String> {
    [SECURE_COOKIE, COOKIE]
        .iter()
        .find_map(|n| req.cookie(n))
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 43)
}

/// Issues a token when the request carries none; the middleware sets it as a cookie.
pub fn ensure(req: &HttpRequest) -> Option<String> {
    if from_cookie(req).is_some() {
        return None;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = base64_url(&bytes);
    req.extensions_mut().insert(Issued(token.clone()));
    Some(token)
}

/// The token this request's forms must carry.
pub fn token_of(req: &HttpRequest) -> String {
    from_cookie(req)
        .or_else(|| req.extensions().get::<Issued>().map(|i| i.0.clone()))
        .unwrap_or_default()
}

pub fn cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(if secure { SECURE_COOKIE } else { COOKIE }, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// Refuses a form whose `_csrf` field does not equal the cookie.
pub fn check(req: &HttpRequest, sent: Option<&str>) -> Result<(), AppError> {
    let expected = from_cookie(req);
    let ok = match (expected, sent) {
        (Some(e), Some(s)) => constant_time_eq(e.as_bytes(), s.as_bytes()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        tracing::warn!(
            path = req.path(),
            "form refused: CSRF token missing or wrong"
        );
        Err(AppError::Forbidden(
            "this form has expired: reload the page and try again / 表单已过期，请刷新页面后重试",
        ))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters() {
        let t = base64_url(&[0xff; 32]);
        assert_eq!(t.len(), 43);
        assert!(t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(base64_url(b"Man"), "TWFu");
    }

    #[test]
    fn comparison_needs_equal_tokens() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
