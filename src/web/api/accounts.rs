use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::schemas;
use super::{created, ok};
use crate::auth::{client_address, password, AuthUser};
use crate::domain::input::Obj;
use crate::domain::{Password, UserStatus};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::service::accounts;
use crate::service::views::{OrganizationView, UserView};
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "accounts",
    summary = "Register an organisation and its first user",
    request_body = schemas::RegisterBody,
    responses((status = 201, description = "the new user, their organisation (pending) and a token", body = schemas::SessionAnswer), (status = 400), (status = 409), (status = 413), (status = 422))
)]
pub async fn register(state: web::Data<AppState>, body: RawBody) -> AppResult<HttpResponse> {
    let (registration, pw) = accounts::parse_registration(&body.json()?)?;
    let email = registration.email.clone();
    if state.db(move |c| accounts::email_taken(c, &email)).await? {
        return Err(AppError::conflict(
            "该邮箱已注册，请直接登录",
            "this email is already registered: sign in instead",
        ));
    }
    let hash = password::hash(pw).await?;
    let now = state.clock.now();
    let keys_url = state.settings.public_url.trim_end_matches('/').to_string();
    let confirm = {
        let st = state.clone();
        move |user_id: i64, email: &str| {
            let token = st.keys.issue_for(
                "confirm_email",
                user_id,
                email,
                now + chrono::Duration::days(7),
                now,
            );
            format!("{keys_url}/api/v1/auth/confirm-email?token={token}")
        }
    };
    let (user, org) = state
        .tx(move |c| {
            let (user, org) = accounts::register(c, registration, &hash, now.naive_utc())?;
            accounts::queue_email_confirmation(
                c,
                user.id,
                &confirm(user.id, &user.email),
                now.naive_utc(),
            )?;
            Ok((user, org))
        })
        .await?;
    tracing::info!(user_id = user.id, organization_id = org.id, role = %user.role, "registered");
    let (token, expires_at) = state.keys.issue(user.id, user.token_version, now);
    let org_view = state
        .db(move |c| accounts::organization_view(c, org.id, true))
        .await?;
    Ok(created(json!({
        "token": token,
        "expires_at": expires_at,
        "user": UserView::from(&user),
        "organization": org_view,
    })))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "accounts",
    summary = "Sign in",
    description = "Repeated failures for an address or an email are refused for a while (429 with Retry-After).",
    request_body = schemas::LoginBody,
    responses((status = 200, description = "a token and the user", body = schemas::SessionAnswer), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422), (status = 429))
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let email = o.str("email", &mut errs).map(|s| s.trim().to_lowercase());
    let pw = o.str("password", &mut errs).map(str::to_string);
    let (Some(email), Some(pw)) = (email, pw) else {
        return Err(AppError::Validation(errs));
    };
    let address = client_address(&req);
    if let Some(retry_after_secs) = state.throttle.retry_after(&email, &address) {
        tracing::warn!(address, "login throttled");
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let lookup = email.clone();
    let user = state
        .db(move |c| accounts::find_user_by_email(c, &lookup))
        .await?;
    let valid = password::verify(pw, user.as_ref().map(|u| u.password_hash.clone())).await?;
    let user = match user {
        Some(u) if valid => u,
        _ => {
            state.throttle.record_failure(&email, &address);
            tracing::warn!(address, known_account = user.is_some(), "login failed");
            return Err(AppError::InvalidCredentials);
        }
    };
    state.throttle.record_success(&email);
    if UserStatus::from_db(&user.status) != UserStatus::Active {
        tracing::warn!(user_id = user.id, "login refused: account suspended");
        return Err(AppError::Forbidden(
            "this account is suspended / 账号已停用",
        ));
    }
    tracing::info!(user_id = user.id, address, "login succeeded");
    let (token, expires_at) = state
        .keys
        .issue(user.id, user.token_version, state.clock.now());
    Ok(ok(
        json!({"token": token, "expires_at": expires_at, "user": UserView::from(&user)}),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/logout-all",
    tag = "accounts",
    summary = "Revoke every token of the caller",
    security(("bearer" = [])),
    responses((status = 204, description = "every earlier token stops working"), (status = 401))
)]
pub async fn logout_all(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> AppResult<HttpResponse> {
    let now = state.clock.now().naive_utc();
    state
        .tx(move |c| accounts::revoke_tokens(c, actor.user_id, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    summary = "The signed-in user and their organisation",
    security(("bearer" = [])),
    responses((status = 200, body = schemas::MeAnswer), (status = 401))
)]
pub async fn me(state: web::Data<AppState>, AuthUser(actor): AuthUser) -> AppResult<HttpResponse> {
    let (user, org): (UserView, Option<OrganizationView>) =
        state.db(move |c| accounts::me(c, actor.user_id)).await?;
    let mut v = json!({ "user": user });
    if let Some(org) = org {
        v["organization"] = json!(org);
    }
    Ok(ok(v))
}

/// `PUT /me/password {current_password, new_password}`: every other token stops working; the
/// answer carries a fresh one.
#[utoipa::path(
    put,
    path = "/api/v1/me/password",
    tag = "accounts",
    summary = "Change the password",
    description = "Every other token stops working; the answer carries a fresh one.",
    request_body = schemas::ChangePasswordBody,
    security(("bearer" = [])),
    responses((status = 200, body = schemas::TokenAnswer), (status = 400), (status = 401), (status = 413), (status = 422))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let current = o.str("current_password", &mut errs).map(str::to_string);
    let new = o.parse_str("new_password", &mut errs, Password::parse);
    let (Some(current), Some(new)) = (current, new) else {
        return Err(AppError::Validation(errs));
    };
    let user_id = actor.user_id;
    let user = state.db(move |c| accounts::get_user(c, user_id)).await?;
    if !password::verify(current, Some(user.password_hash)).await? {
        return Err(AppError::field("current_password", Problem::WrongPassword));
    }
    let hash = password::hash(new).await?;
    let now = state.clock.now();
    let version = state
        .tx(move |c| accounts::set_password(c, user_id, &hash, now.naive_utc()))
        .await?;
    tracing::info!(user_id, "password changed");
    let (token, expires_at) = state.keys.issue(user_id, version, now);
    Ok(ok(json!({"token": token, "expires_at": expires_at})))
}

/// `POST /auth/password-reset {email}`: always 202, so nobody learns which addresses exist.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset",
    tag = "accounts",
    summary = "Ask for a password reset mail",
    description = "Always 202, so nobody learns which addresses exist.",
    request_body = schemas::PasswordResetBody,
    responses((status = 202, body = schemas::Empty), (status = 400), (status = 413), (status = 422))
)]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let email = o.str("email", &mut errs).map(str::to_string);
    let Some(email) = email else {
        return Err(AppError::Validation(errs));
    };
    let now = state.clock.now().naive_utc();
    let public_url = state.settings.public_url.clone();
    state
        .tx(move |c| accounts::request_password_reset(c, &email, &public_url, now))
        .await?;
    Ok(HttpResponse::Accepted().json(json!({})))
}

/// `POST /auth/password-reset/confirm {token, new_password}` → a fresh session token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "accounts",
    summary = "Set a new password with the token from the reset mail",
    request_body = schemas::PasswordResetConfirmBody,
    responses((status = 200, body = schemas::TokenAnswer), (status = 400), (status = 413), (status = 422))
)]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let token = o.str("token", &mut errs).map(str::to_string);
    let new = o.parse_str("new_password", &mut errs, Password::parse);
    let (Some(token), Some(new)) = (token, new) else {
        return Err(AppError::Validation(errs));
    };
    let hash = password::hash(new).await?;
    let now = state.clock.now();
    let (user_id, version) = state
        .tx(move |c| accounts::complete_password_reset(c, &token, &hash, now.naive_utc()))
        .await?;
    let (token, expires_at) = state.keys.issue(user_id, version, now);
    Ok(ok(json!({"token": token, "expires_at": expires_at})))
}

/// `GET /auth/confirm-email?token=…` (the link in the confirmation mail): marks the address as
/// confirmed. The token names the address, so it stops working if the address changes.
#[utoipa::path(
    get,
    path = "/api/v1/auth/confirm-email",
    tag = "accounts",
    summary = "Confirm an email address (the link in the confirmation mail)",
    params(("token" = Option<String>, Query, description = "from the confirmation mail")),
    responses((status = 200, body = schemas::EmailConfirmed), (status = 400), (status = 404), (status = 409), (status = 422))
)]
pub async fn confirm_email(
    state: web::Data<AppState>,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let token = q.get("token").map(String::as_str).unwrap_or("");
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
    let confirmed = state
        .tx(move |c| accounts::confirm_email(c, user_id, &email, now.naive_utc()))
        .await?;
    Ok(ok(json!({"email": confirmed, "confirmed": true})))
}
