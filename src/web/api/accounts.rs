use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::schemas;
use super::{created, ok};
use crate::auth::{client_address, presented_token, AuthUser, ClientAddr};
use crate::error::{AppError, AppResult};
use crate::service::views::{OrganizationView, UserView};
use crate::service::{accounts, sessions};
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    post,
    path = "/api/v1/auth/register",
    tag = "accounts",
    summary = "Register an organisation and its first user",
    request_body = schemas::RegisterBody,
    description = "Every check comes before the password is hashed. Throttled per client address and per email (429 with Retry-After); 503 with Retry-After when password hashing is saturated.",
    responses((status = 201, description = "the new user, their organisation (pending) and a token", body = schemas::SessionAnswer), (status = 400), (status = 409), (status = 413), (status = 422), (status = 429), (status = 503))
)]
pub async fn register(
    state: web::Data<AppState>,
    ClientAddr(address): ClientAddr,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let (session, user, org) = sessions::register(&state, &body.json()?, &address).await?;
    let org_view = state
        .db(move |c| accounts::organization_view(c, org.id, true))
        .await?;
    Ok(created(json!({
        "token": session.token,
        "expires_at": session.expires_at,
        "user": UserView::from(&user),
        "organization": org_view,
    })))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "accounts",
    summary = "Sign in",
    description = "Repeated failures for an address or an email are refused for a while (429 with Retry-After); 503 with Retry-After when password hashing is saturated.",
    request_body = schemas::LoginBody,
    responses((status = 200, description = "a token and the user", body = schemas::SessionAnswer), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422), (status = 429), (status = 503))
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let (session, user) = sessions::login(&state, &body.json()?, &client_address(&req)).await?;
    Ok(ok(
        json!({"token": session.token, "expires_at": session.expires_at, "user": UserView::from(&user)}),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "accounts",
    summary = "Sign out: end the token of this request",
    description = "The token sent in `Authorization` stops working at once, on every instance; the user's other tokens keep working (`logout-all` ends them all).",
    security(("bearer" = [])),
    responses((status = 204, description = "this token no longer works"), (status = 401))
)]
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(_): AuthUser,
) -> AppResult<HttpResponse> {
    let token = presented_token(&req).ok_or(AppError::Unauthorized)?;
    let now = state.clock.now().naive_utc();
    state
        .tx(move |c| accounts::end_session(c, &token, now))
        .await?;
    Ok(HttpResponse::NoContent().finish())
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
    description = "Every other token stops working; the answer carries a fresh one. Repeated wrong current passwords are refused for a while (429 with Retry-After); 503 with Retry-After when password hashing is saturated.",
    request_body = schemas::ChangePasswordBody,
    security(("bearer" = [])),
    responses((status = 200, body = schemas::TokenAnswer), (status = 400), (status = 401), (status = 413), (status = 422), (status = 429), (status = 503))
)]
pub async fn change_password(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    ClientAddr(address): ClientAddr,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let session = sessions::change_password(&state, actor.user_id, &body.json()?, &address).await?;
    Ok(ok(
        json!({"token": session.token, "expires_at": session.expires_at}),
    ))
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
    sessions::request_password_reset(&state, &body.json()?).await?;
    Ok(HttpResponse::Accepted().json(json!({})))
}

/// `POST /auth/password-reset/confirm {token, new_password}` → a fresh session token.
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-reset/confirm",
    tag = "accounts",
    summary = "Set a new password with the token from the reset mail",
    description = "The link is looked up before the new password is hashed. Throttled per client address and per account (429 with Retry-After); 503 with Retry-After when password hashing is saturated.",
    request_body = schemas::PasswordResetConfirmBody,
    responses((status = 200, body = schemas::TokenAnswer), (status = 400), (status = 409), (status = 413), (status = 422), (status = 429), (status = 503))
)]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    ClientAddr(address): ClientAddr,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let session = sessions::confirm_password_reset(&state, &body.json()?, &address).await?;
    Ok(ok(
        json!({"token": session.token, "expires_at": session.expires_at}),
    ))
}

/// `GET /auth/confirm-email?token=…`: marks the address as confirmed. The token names the
/// address, so it stops working if the address changes. (The mail links to the page
/// `/confirm-email`, which does the same.)
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
    let confirmed = sessions::confirm_email(&state, token).await?;
    Ok(ok(json!({"email": confirmed, "confirmed": true})))
}
