use actix_web::{web, HttpResponse};

use crate::state::AppState;

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// 200 when the database answers and the search index is built, else 503.
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
