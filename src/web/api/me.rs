//! The signed-in user's saved searches and notification settings.

use actix_web::{web, HttpResponse};

use super::schemas;
use super::{created, ok};
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::service::saved;
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    get,
    path = "/api/v1/me/saved-searches",
    tag = "me",
    summary = "The caller's saved searches",
    security(("bearer" = [])),
    responses((status = 200, body = schemas::List<crate::service::saved::SavedSearchView>), (status = 401))
)]
pub async fn list_saved(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
) -> AppResult<HttpResponse> {
    let items = state.db(move |c| saved::list(c, a.user_id)).await?;
    let total = items.len();
    Ok(ok(
        serde_json::json!({"items": items, "total": total, "page": 1, "per_page": saved::MAX_PER_USER}),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/me/saved-searches",
    tag = "me",
    summary = "Save a search with an alert frequency",
    request_body = schemas::SavedSearchBody,
    security(("bearer" = [])),
    responses((status = 201, body = crate::service::saved::SavedSearchView), (status = 400), (status = 401), (status = 409), (status = 413), (status = 422))
)]
pub async fn create_saved(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let now = state.clock.now().naive_utc();
    let v = state
        .tx(move |c| saved::create_for(c, &a, &body, now))
        .await?;
    Ok(created(v))
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/saved-searches/{id}",
    tag = "me",
    summary = "Delete a saved search",
    params(("id" = i64, Path, description = "saved search id")),
    security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401), (status = 404))
)]
pub async fn delete_saved(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state.tx(move |c| saved::delete(c, a.user_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get,
    path = "/api/v1/me/notification-settings",
    tag = "me",
    summary = "Notification settings",
    security(("bearer" = [])),
    responses((status = 200, body = schemas::NotificationSettings), (status = 401))
)]
pub async fn get_settings(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
) -> AppResult<HttpResponse> {
    Ok(ok(state
        .db(move |c| saved::get_settings(c, a.user_id))
        .await?))
}

#[utoipa::path(
    put,
    path = "/api/v1/me/notification-settings",
    tag = "me",
    summary = "Change notification settings",
    request_body = schemas::NotificationSettings,
    security(("bearer" = [])),
    responses((status = 200, body = schemas::NotificationSettings), (status = 400), (status = 401), (status = 413), (status = 422))
)]
pub async fn put_settings(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let now = state.clock.now().naive_utc();
    Ok(ok(state
        .tx(move |c| saved::put_settings(c, a.user_id, &body, now))
        .await?))
}
