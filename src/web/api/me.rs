//! The signed-in user's saved searches and notification settings.

use actix_web::{web, HttpResponse};

use super::{created, ok};
use crate::auth::AuthUser;
use crate::error::AppResult;
use crate::service::saved;
use crate::state::AppState;
use crate::web::body::RawBody;

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

pub async fn delete_saved(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state.tx(move |c| saved::delete(c, a.user_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn get_settings(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
) -> AppResult<HttpResponse> {
    Ok(ok(state
        .db(move |c| saved::get_settings(c, a.user_id))
        .await?))
}

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
