//! Signing up, signing in and changing passwords: the account use cases that hash passwords off
//! the executor or consult the login throttle, shared by the JSON API and the pages.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::auth::throttle;
use crate::db::models::{Organization, User};
use crate::domain::input::Obj;
use crate::domain::{Password, UserStatus};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::service::accounts;
use crate::state::AppState;

/// A fresh session token.
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    fn issue(state: &AppState, user: &User) -> Session {
        Session::for_version(state, user.id, user.token_version)
    }

    /// A fresh token for `user` (a colleague who just joined by invitation).
    pub fn for_user(state: &AppState, user: &User) -> Session {
        Session::issue(state, user)
    }

    fn for_version(state: &AppState, user_id: i64, version: i32) -> Session {
        let (token, expires_at) = state.keys.issue(user_id, version, state.clock.now());
        Session { token, expires_at }
    }
}

/// Registers a user with a new organisation and queues the address-confirmation mail. Every
/// check (the body, the email, the park, the USCC, the throttle) comes before the password is
/// hashed, so a refused registration costs no hash.
pub async fn register(
    state: &AppState,
    body: &Value,
    address: &str,
) -> AppResult<(Session, User, Organization)> {
    let (registration, pw) = accounts::parse_registration(body)?;
    let checked = {
        let (email, park_id, uscc) = (
            registration.email.clone(),
            registration.org.park_id,
            registration.org.uscc.clone(),
        );
        let address = address.to_string();
        let now = state.clock.now().naive_utc();
        move |c: &mut crate::db::DbConn| {
            // Every well-formed attempt counts, refused ones too: "already registered" answers
            // would otherwise let a stranger test addresses without limit.
            let checks = [
                (throttle::REGISTER_ADDRESS, address.as_str()),
                (throttle::REGISTER_ACCOUNT, email.as_str()),
            ];
            refuse_if_throttled(throttle::hit(c, &checks, now)?)?;
            accounts::check_registration(c, &email, park_id, &uscc)
        }
    };
    state.db(checked).await?;
    let hash = state.hashing.hash(pw).await?;
    let now = state.clock.now();
    let base = state.settings.public_url.trim_end_matches('/').to_string();
    let keys = state.keys.clone();
    let (user, org) = state
        .tx(move |c| {
            let (user, org) = accounts::register(c, registration, &hash, now.naive_utc())?;
            let token = keys.issue_for(
                "confirm_email",
                user.id,
                &user.email,
                now + chrono::Duration::days(7),
                now,
            );
            let link = format!("{base}/confirm-email?token={token}");
            accounts::queue_email_confirmation(c, user.id, &link, now.naive_utc())?;
            Ok((user, org))
        })
        .await?;
    tracing::info!(user_id = user.id, organization_id = org.id, role = %user.role, "registered");
    Ok((Session::issue(state, &user), user, org))
}

fn refuse_if_throttled(wait: Option<u64>) -> AppResult<()> {
    match wait {
        Some(retry_after_secs) => Err(AppError::RateLimited { retry_after_secs }),
        None => Ok(()),
    }
}

/// Checks an address and password against the throttle and the stored hash.
pub async fn login(state: &AppState, body: &Value, address: &str) -> AppResult<(Session, User)> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let email = o.str("email", &mut errs).map(|s| s.trim().to_lowercase());
    let pw = o.str("password", &mut errs).map(str::to_string);
    let (Some(email), Some(pw)) = (email, pw) else {
        return Err(AppError::Validation(errs));
    };
    let now = state.clock.now().naive_utc();
    let (lookup, addr) = (email.clone(), address.to_string());
    let user = state
        .db(move |c| {
            let checks = [
                (throttle::LOGIN_ACCOUNT, lookup.as_str()),
                (throttle::LOGIN_ADDRESS, addr.as_str()),
            ];
            if let Some(wait) = throttle::retry_after(c, &checks, now)? {
                tracing::warn!(address = %addr, account = %crate::domain::mask_email(&lookup), "login throttled");
                return Err(AppError::RateLimited {
                    retry_after_secs: wait,
                });
            }
            accounts::find_user_by_email(c, &lookup)
        })
        .await?;
    let valid = state
        .hashing
        .verify(pw, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    let user = match user {
        Some(u) if valid => u,
        _ => {
            let (account, addr) = (email.clone(), address.to_string());
            state
                .db(move |c| {
                    let checks = [
                        (throttle::LOGIN_ACCOUNT, account.as_str()),
                        (throttle::LOGIN_ADDRESS, addr.as_str()),
                    ];
                    throttle::hit(c, &checks, now).map(|_| ())
                })
                .await?;
            tracing::warn!(
                address,
                account = %crate::domain::mask_email(&email),
                known_account = user.is_some(),
                "login failed"
            );
            return Err(AppError::InvalidCredentials);
        }
    };
    let account = email.clone();
    state
        .db(move |c| throttle::clear(c, throttle::LOGIN_ACCOUNT, &account))
        .await?;
    if UserStatus::from_db(&user.status) != UserStatus::Active {
        tracing::warn!(user_id = user.id, "login refused: account suspended");
        return Err(AppError::Forbidden(
            "this account is suspended / 账号已停用",
        ));
    }
    tracing::info!(user_id = user.id, address, "login succeeded");
    Ok((Session::issue(state, &user), user))
}

/// `{current_password, new_password}`: every other token stops working; a fresh one is returned.
/// The current password is checked (within the throttle) before the new one is hashed.
pub async fn change_password(
    state: &AppState,
    user_id: i64,
    body: &Value,
    address: &str,
) -> AppResult<Session> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let current = o.str("current_password", &mut errs).map(str::to_string);
    let new = o.parse_str("new_password", &mut errs, Password::parse);
    let (Some(current), Some(new)) = (current, new) else {
        return Err(AppError::Validation(errs));
    };
    let now = state.clock.now().naive_utc();
    let (account, addr) = (user_id.to_string(), address.to_string());
    let user = state
        .db(move |c| {
            let checks = [
                (throttle::PASSWORD_ACCOUNT, account.as_str()),
                (throttle::PASSWORD_ADDRESS, addr.as_str()),
            ];
            refuse_if_throttled(throttle::retry_after(c, &checks, now)?)?;
            accounts::get_user(c, user_id)
        })
        .await?;
    if !state
        .hashing
        .verify(current, Some(user.password_hash))
        .await?
    {
        let (account, addr) = (user_id.to_string(), address.to_string());
        state
            .db(move |c| {
                let checks = [
                    (throttle::PASSWORD_ACCOUNT, account.as_str()),
                    (throttle::PASSWORD_ADDRESS, addr.as_str()),
                ];
                throttle::hit(c, &checks, now).map(|_| ())
            })
            .await?;
        return Err(AppError::field("current_password", Problem::WrongPassword));
    }
    let hash = state.hashing.hash(new).await?;
    let now = state.clock.now();
    let version = state
        .tx(move |c| accounts::set_password(c, user_id, &hash, now.naive_utc()))
        .await?;
    tracing::info!(user_id, "password changed");
    Ok(Session::for_version(state, user_id, version))
}

/// `{email}`: queues a reset mail if the address belongs to someone; says nothing either way.
pub async fn request_password_reset(state: &AppState, body: &Value) -> AppResult<()> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let Some(email) = o.str("email", &mut errs).map(str::to_string) else {
        return Err(AppError::Validation(errs));
    };
    let now = state.clock.now().naive_utc();
    let public_url = state.settings.public_url.clone();
    state
        .tx(move |c| accounts::request_password_reset(c, &email, &public_url, now))
        .await
}

/// `{token, new_password}` → a fresh session. The link is looked up (within the throttle)
/// before the new password is hashed, so a made-up token costs no hash.
pub async fn confirm_password_reset(
    state: &AppState,
    body: &Value,
    address: &str,
) -> AppResult<Session> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let token = o.str("token", &mut errs).map(str::to_string);
    let new = o.parse_str("new_password", &mut errs, Password::parse);
    let (Some(token), Some(new)) = (token, new) else {
        return Err(AppError::Validation(errs));
    };
    let now = state.clock.now().naive_utc();
    let (lookup, addr) = (token.clone(), address.to_string());
    state
        .db(move |c| {
            refuse_if_throttled(throttle::hit(c, &[(throttle::RESET_ADDRESS, &addr)], now)?)?;
            let user_id = accounts::reset_link_user(c, &lookup, now)?;
            let account = user_id.to_string();
            refuse_if_throttled(throttle::hit(
                c,
                &[(throttle::RESET_ACCOUNT, &account)],
                now,
            )?)
        })
        .await?;
    let hash = state.hashing.hash(new).await?;
    let now = state.clock.now();
    let (user_id, version) = state
        .tx(move |c| accounts::complete_password_reset(c, &token, &hash, now.naive_utc()))
        .await?;
    Ok(Session::for_version(state, user_id, version))
}

/// The confirmation link's token → the confirmed address.
pub async fn confirm_email(state: &AppState, token: &str) -> AppResult<String> {
    let now = state.clock.now();
    let Some((user_id, email)) = state.keys.verify_for("confirm_email", token, now) else {
        return Err(AppError::field(
            "token",
            Problem::Custom {
                zh: "确认链接无效或已过期".into(),
                en: "this confirmation link is invalid or has expired".into(),
            },
        ));
    };
    state
        .tx(move |c| accounts::confirm_email(c, user_id, &email, now.naive_utc()))
        .await
}
