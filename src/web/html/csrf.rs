//! CSRF tokens bound to the session: every form carries `_csrf`, an HMAC (under a key derived
//! from the server secret) of the browser's anonymous-session id — a random value in the
//! `pb_csrf` cookie, `__Host-pb_csrf` over https — and of its session cookie when signed in.
//! A foreign site can make a browser send the cookies but cannot read them, and a value it
//! manages to plant in a cookie (a sibling domain over http) does not give it the token of the
//! victim's session.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpMessage, HttpRequest};
use rand::RngCore;

use crate::auth::{cookie_value, session_from_cookie};
use crate::error::AppError;
use crate::state::AppState;

const COOKIE: &str = "pb_csrf";
const SECURE_COOKIE: &str = "__Host-pb_csrf";

/// The anonymous-session id issued on this request (see `ensure`).
#[derive(Clone)]
struct Issued(String);

fn state_of(req: &HttpRequest) -> Option<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>().cloned()
}

/// Only the cookie name this site sets is read: over https the `__Host-` one alone.
fn from_cookie(req: &HttpRequest, state: &AppState) -> Option<String> {
    let name = if state.secure_cookies() {
        SECURE_COOKIE
    } else {
        COOKIE
    };
    cookie_value(req, name).filter(|v| {
        v.len() == 43
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
}

/// Issues an anonymous-session id when the request carries none; the middleware sets it as a
/// cookie.
pub fn ensure(req: &HttpRequest) -> Option<String> {
    let state = state_of(req)?;
    if from_cookie(req, &state).is_some() {
        return None;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let id = base64_url(&bytes);
    req.extensions_mut().insert(Issued(id.clone()));
    Some(id)
}

/// The token for an anonymous-session id and the session cookie sent with it (if any).
fn token_for(state: &AppState, anonymous_id: &str, session: Option<&str>) -> String {
    state.keys.mac(
        "csrf",
        &[anonymous_id.as_bytes(), session.unwrap_or("").as_bytes()],
    )
}

/// The token this request's forms must carry.
pub fn token_of(req: &HttpRequest) -> String {
    let Some(state) = state_of(req) else {
        return String::new();
    };
    let Some(id) =
        from_cookie(req, &state).or_else(|| req.extensions().get::<Issued>().map(|i| i.0.clone()))
    else {
        return String::new();
    };
    token_for(&state, &id, session_from_cookie(req, &state).as_deref())
}

pub fn cookie(id: String, secure: bool) -> Cookie<'static> {
    Cookie::build(if secure { SECURE_COOKIE } else { COOKIE }, id)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// Refuses a form whose `_csrf` field is not the token of the cookies it came with.
pub fn check(req: &HttpRequest, sent: Option<&str>) -> Result<(), AppError> {
    let expected = state_of(req).and_then(|state| {
        let id = from_cookie(req, &state)?;
        Some(token_for(
            &state,
            &id,
            session_from_cookie(req, &state).as_deref(),
        ))
    });
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
