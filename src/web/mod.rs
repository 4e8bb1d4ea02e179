//! HTTP: the JSON API under /api/v1 (`api`), the pages (`html`), health checks and metrics
//! (`observe`), the unsubscribe link, and what every route shares: error shapes and language
//! (`errors`), bodies (`body`).

pub mod api;
pub mod body;
pub mod errors;
pub mod html;
pub mod observe;
pub mod unsubscribe;

use actix_web::web;

use crate::error::AppError;

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::QueryConfig::default()
            .error_handler(|e, _| AppError::BadRequest(format!("bad query string: {e}")).into()),
    )
    .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
    .route("/healthz", web::get().to(api::health::healthz))
    .route("/readyz", web::get().to(api::health::readyz))
    .route("/metrics", web::get().to(observe::metrics))
    .configure(unsubscribe::routes)
    .route(
        "/api/openapi.json",
        web::get().to(api::openapi::json_document),
    )
    .route("/api/docs", web::get().to(api::openapi::docs_page))
    .route("/api/docs.css", web::get().to(api::openapi::docs_css))
    .service(web::scope("/api/v1").configure(api::routes))
    .configure(html::routes);
}
