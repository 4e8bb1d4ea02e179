//! The JSON API, v1, exactly as DESIGN.md's contract gives it (plus a few extensions).

pub mod accounts;
pub mod admin;
pub mod health;
pub mod parks;
pub mod postings;
pub mod search;

use actix_web::{web, HttpResponse};
use serde::Serialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::{get, patch, post, put};
    cfg.route("/auth/register", post().to(accounts::register))
        .route("/auth/login", post().to(accounts::login))
        .route("/auth/logout-all", post().to(accounts::logout_all))
        .route("/me", get().to(accounts::me))
        .route("/me/password", put().to(accounts::change_password))
        .route("/parks", get().to(parks::list))
        .route("/search", get().to(search::search))
        .route("/organizations/{id}", get().to(parks::organization))
        .route("/needs", get().to(postings::list_needs))
        .route("/needs", post().to(postings::create_need))
        .route("/needs/{id}", get().to(postings::get_need))
        .route("/needs/{id}", patch().to(postings::update_need))
        .route("/needs/{id}/submit", post().to(postings::submit_need))
        .route("/needs/{id}/close", post().to(postings::close_need))
        .route("/offers", get().to(postings::list_offers))
        .route("/offers", post().to(postings::create_offer))
        .route("/offers/{id}", get().to(postings::get_offer))
        .route("/offers/{id}", patch().to(postings::update_offer))
        .route("/offers/{id}/submit", post().to(postings::submit_offer))
        .route("/offers/{id}/close", post().to(postings::close_offer))
        .route("/admin/parks", post().to(parks::create))
        .route("/admin/users", post().to(admin::create_user))
        .route("/admin/users/{id}/suspend", post().to(admin::suspend_user))
        .route(
            "/admin/users/{id}/reactivate",
            post().to(admin::reactivate_user),
        )
        .route("/admin/queue", get().to(admin::queue))
        .route(
            "/admin/organizations/{id}/verify",
            post().to(admin::verify_org),
        )
        .route(
            "/admin/organizations/{id}/reject",
            post().to(admin::reject_org),
        )
        .route("/admin/needs/{id}/approve", post().to(admin::approve_need))
        .route("/admin/needs/{id}/reject", post().to(admin::reject_need))
        .route(
            "/admin/offers/{id}/approve",
            post().to(admin::approve_offer),
        )
        .route("/admin/offers/{id}/reject", post().to(admin::reject_offer))
        .route("/admin/audit-log", get().to(admin::audit_log));
}

pub fn ok<T: Serialize>(v: T) -> HttpResponse {
    HttpResponse::Ok().json(v)
}

pub fn created<T: Serialize>(v: T) -> HttpResponse {
    HttpResponse::Created().json(v)
}

/// `?page=&per_page=` on every list.
#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PageQuery {
    pub fn paging(&self) -> Result<crate::service::Paging, crate::error::AppError> {
        crate::service::Paging::parse(self.page, self.per_page)
    }
}
