//! The JSON API, v1, exactly as DESIGN.md's contract gives it (plus a few extensions): one file
//! per group of routes, each handler documented for the OpenAPI document (`openapi.rs`), request
//! bodies' shapes in `schemas.rs`.

/// The words the API documentation uses for a kind of posting, so that a need handler and its
/// offer twin, declared once, say the same thing: `kind_words!(Need, a)` is "a need",
/// `kind_words!(Offer, a)` is "an offer".
macro_rules! kind_words {
    (Need, noun) => {
        "need"
    };
    (Offer, noun) => {
        "offer"
    };
    (Need, a) => {
        "a need"
    };
    (Offer, a) => {
        "an offer"
    };
    (Need, plural) => {
        "needs"
    };
    (Offer, plural) => {
        "offers"
    };
    (Need, read_one) => {
        "A published need is for users of verified platform companies, platform admins, its park's admins and its own organisation (403 for anyone else)."
    };
    (Offer, read_one) => {
        "A published offer is public; an unpublished one is for its owner and platform admins."
    };
    (Need, read_list) => {
        "Published needs are listed for users of verified platform companies and platform admins (a park admin: their park's); others get 401/403 and list their own with mine=true."
    };
    (Offer, read_list) => {
        "Published offers are public."
    };
}

pub mod accounts;
pub mod admin;
pub mod health;
pub mod matches;
pub mod me;
pub mod members;
pub mod openapi;
pub mod organizations;
pub mod parks;
pub mod postings;
pub mod schemas;
pub mod search;
pub mod stats;
pub mod synonyms;
pub mod todo;

use actix_web::{web, HttpResponse};
use serde::Serialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::{get, patch, post, put};
    cfg.route("/auth/register", post().to(accounts::register))
        .route("/auth/login", post().to(accounts::login))
        .route("/auth/logout", post().to(accounts::logout))
        .route("/auth/logout-all", post().to(accounts::logout_all))
        .route("/auth/confirm-email", get().to(accounts::confirm_email))
        .route(
            "/auth/password-reset",
            post().to(accounts::request_password_reset),
        )
        .route(
            "/auth/password-reset/confirm",
            post().to(accounts::confirm_password_reset),
        )
        .route("/me", get().to(accounts::me))
        .route("/me/password", put().to(accounts::change_password))
        .route("/me/saved-searches", get().to(me::list_saved))
        .route("/me/saved-searches", post().to(me::create_saved))
        .route(
            "/me/saved-searches/{id}",
            web::delete().to(me::delete_saved),
        )
        .route("/me/notification-settings", get().to(me::get_settings))
        .route("/me/notification-settings", put().to(me::put_settings))
        .route("/admin/stats", get().to(stats::json))
        .route("/admin/stats.csv", get().to(stats::csv))
        .route("/parks", get().to(parks::list))
        .route("/search", get().to(search::search))
        .route("/organizations/me", get().to(organizations::mine))
        .route("/organizations/me", patch().to(organizations::update))
        .route(
            "/organizations/me/resubmit",
            post().to(organizations::resubmit),
        )
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
        .route("/needs/{id}/matches", get().to(matches::need_matches))
        .route("/offers/{id}/matches", get().to(matches::offer_matches))
        .route("/needs/{id}/respond", post().to(matches::respond))
        .route("/offers/{id}/apply", post().to(matches::apply))
        .route("/matches/{id}", get().to(matches::get))
        .route("/matches/{id}/interest", post().to(matches::interest))
        .route("/matches/{id}/decline", post().to(matches::decline))
        .route("/matches/{id}/outcome", post().to(matches::outcome))
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
        .route("/admin/audit-log", get().to(admin::audit_log))
        .route("/admin/synonyms", get().to(synonyms::list))
        .route("/admin/synonyms", post().to(synonyms::add))
        .route("/admin/synonyms/{id}", web::delete().to(synonyms::remove))
        .route("/admin/outbox", get().to(admin::outbox));
    // Issue 12: colleagues.
    cfg.route("/organizations/me/members", get().to(members::list))
        .route(
            "/organizations/me/members/{id}",
            web::delete().to(members::remove),
        )
        .route("/organizations/me/invitations", post().to(members::invite))
        .route("/invitations", get().to(members::lookup))
        .route("/invitations/accept", post().to(members::accept))
        .route(
            "/matches/{id}/outcome/confirm",
            post().to(matches::confirm_outcome),
        )
        .route(
            "/matches/{id}/outcome/dispute",
            post().to(matches::dispute_outcome),
        )
        .route("/me/todo", get().to(todo::get));
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
