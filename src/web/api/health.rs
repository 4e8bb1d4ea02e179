use actix_web::{web, HttpResponse};

use crate::state::AppState;

#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    summary = "Liveness",
    responses((status = 200, description = "ok", content_type = "text/plain; charset=utf-8", body = String))
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// 200 when the database answers and the search index is built, else 503.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    summary = "Readiness: the database and the search index answer",
    responses((status = 200, description = "ready", content_type = "text/plain; charset=utf-8", body = String), (status = 503, description = "not ready, and why", content_type = "text/plain; charset=utf-8", body = String))
)]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let db = web::block(move || crate::db::ping(&pool)).await;
    match db {
        Ok(Ok(())) if !state.search.is_ready() => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("search index is being built"),
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ready"),
        _ => HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable"),
    }
}
