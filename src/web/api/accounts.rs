use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::{created, ok};
use crate::auth::{client_address, AuthUser};
use crate::error::AppResult;
use crate::service::views::{OrganizationView, UserView};
use crate::service::{accounts, sessions};
use crate::state::AppState;
use crate::web::body::RawBody;

pub async fn register(state: web::Data<AppState>, body: RawBody) -> AppResult<HttpResponse> {
    let (session, user, org) = sessions::register(&state, &body.json()?).await?;
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
pub async fn change_password(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let session = sessions::change_password(&state, actor.user_id, &body.json()?).await?;
    Ok(ok(
        json!({"token": session.token, "expires_at": session.expires_at}),
    ))
}

/// `POST /auth/password-reset {email}`: always 202, so nobody learns which addresses exist.
pub async fn request_password_reset(
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    sessions::request_password_reset(&state, &body.json()?).await?;
    Ok(HttpResponse::Accepted().json(json!({})))
}

/// `POST /auth/password-reset/confirm {token, new_password}` → a fresh session token.
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let session = sessions::confirm_password_reset(&state, &body.json()?).await?;
    Ok(ok(
        json!({"token": session.token, "expires_at": session.expires_at}),
    ))
}

/// `GET /auth/confirm-email?token=…`: marks the address as confirmed. The token names the
/// address, so it stops working if the address changes. (The mail links to the page
/// `/confirm-email`, which does the same.)
pub async fn confirm_email(
    state: web::Data<AppState>,
    q: web::Query<std::collections::HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let token = q.get("token").map(String::as_str).unwrap_or("");
    let confirmed = sessions::confirm_email(&state, token).await?;
    Ok(ok(json!({"email": confirmed, "confirmed": true})))
}
