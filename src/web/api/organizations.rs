//! `/api/v1/organizations/me`: the caller's own organisation — read it, correct it, and send it
//! back for verification after a rejection.

use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::service::organizations::{self, OrgPatch};
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    get,
    path = "/api/v1/organizations/me",
    tag = "parks",
    summary = "My organisation, with its contact and, when it was not verified, why",
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 401), (status = 404))
)]
pub async fn mine(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> AppResult<HttpResponse> {
    let view = state.db(move |c| organizations::mine(c, &actor)).await?;
    Ok(ok(view))
}

#[utoipa::path(
    patch,
    path = "/api/v1/organizations/me",
    tag = "parks",
    summary = "Correct my organisation (its owner only; audit-logged); name, credit code and park only while it is not verified",
    request_body = super::schemas::OrgPatchBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn update(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let patch = body.json().and_then(|b| OrgPatch::parse(&b));
    let view = state
        .tx(move |c| organizations::update(c, &actor, patch, now))
        .await?;
    Ok(ok(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/organizations/me/resubmit",
    tag = "parks",
    summary = "Send my organisation back for verification after it was not verified: pending again",
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn resubmit(
    state: web::Data<AppState>,
    AuthUser(actor): AuthUser,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let view = state
        .tx(move |c| organizations::resubmit(c, &actor, now))
        .await?;
    Ok(ok(view))
}
