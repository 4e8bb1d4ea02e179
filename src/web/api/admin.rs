use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::schemas;
use super::{created, ok, PageQuery};
use crate::auth::{AdminOnly, PlatformAdminOnly, Require};
use crate::domain::decisions::Rejection;
use crate::domain::input::Obj;
use crate::domain::{parse_text, PostingKind};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::service::admin::{self, QueueType};
use crate::service::postings;
use crate::service::views::UserView;
use crate::service::{accounts, Paging};
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    post,
    path = "/api/v1/admin/users",
    tag = "admin",
    summary = "Create a park or platform administrator",
    request_body = schemas::AdminUserBody,
    security(("bearer" = [])),
    responses((status = 201, body = crate::service::views::UserView), (status = 400), (status = 401), (status = 403), (status = 409), (status = 413), (status = 422), (status = 503))
)]
pub async fn create_user(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let (input, pw) = accounts::parse_admin_user(&body.json()?)?;
    let hash = state.hashing.hash(pw).await?;
    let now = state.clock.now().naive_utc();
    let user = state
        .tx(move |c| accounts::create_admin(c, Some(&actor), &input, &hash, now))
        .await?;
    Ok(created(UserView::from(&user)))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/suspend",
    tag = "admin",
    summary = "Suspend a user (their tokens stop working)",
    params(("id" = i64, Path, description = "user id")),
    request_body = schemas::SuspendBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::UserView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn suspend_user(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json()?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let note = o.parse_str("note", &mut errs, |s| parse_text(s, 1000));
    let Some(note) = note else {
        return Err(AppError::Validation(errs));
    };
    let id = id.into_inner();
    let now = state.clock.now().naive_utc();
    let user = state
        .tx(move |c| accounts::suspend(c, &actor, id, &note, now))
        .await?;
    Ok(ok(UserView::from(&user)))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/users/{id}/reactivate",
    tag = "admin",
    summary = "Reactivate a suspended user",
    params(("id" = i64, Path, description = "user id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::UserView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn reactivate_user(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now().naive_utc();
    let user = state
        .tx(move |c| accounts::reactivate(c, &actor, id, now))
        .await?;
    Ok(ok(UserView::from(&user)))
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/admin/queue",
    tag = "admin",
    summary = "Items waiting for the caller, oldest first",
    params(("type" = Option<String>, Query, description = "organization, need, offer or escalated; all by default"), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    security(("bearer" = [])),
    responses((status = 200, body = schemas::List<schemas::QueueItem>), (status = 400), (status = 401), (status = 403))
)]
pub async fn queue(
    state: web::Data<AppState>,
    Require(actor, ..): Require<AdminOnly>,
    q: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    let paging = Paging::parse(q.page, q.per_page)?;
    let only = match q.kind.as_deref().filter(|s| !s.is_empty()) {
        Some(t) => Some(QueueType::parse(t).ok_or_else(|| {
            AppError::BadRequest(format!(
                "type must be organization, need, offer or escalated, not {t:?}"
            ))
        })?),
        None => None,
    };
    let list = state
        .db(move |c| admin::queue(c, &actor, only, paging))
        .await?;
    Ok(ok(list))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/organizations/{id}/verify",
    tag = "admin",
    summary = "Verify an organisation",
    params(("id" = i64, Path, description = "organization id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn verify_org(
    state: web::Data<AppState>,
    Require(actor, ..): Require<AdminOnly>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let view = state
        .tx(move |c| admin::verify_org(c, &actor, id, now))
        .await?;
    Ok(ok(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/organizations/{id}/reject",
    tag = "admin",
    summary = "Reject an organisation with a coded reason",
    params(("id" = i64, Path, description = "organization id")),
    request_body = schemas::OrgRejectBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn reject_org(
    state: web::Data<AppState>,
    Require(actor, ..): Require<AdminOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let body = body.json();
    let id = id.into_inner();
    let now = state.clock.now();
    let view = state
        .tx(move |c| admin::reject_org(c, &actor, id, body, now))
        .await?;
    Ok(ok(view))
}

/// `POST /admin/needs/{id}/approve` and `POST /admin/offers/{id}/approve`.
macro_rules! approve {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            post,
            path = concat!("/api/v1/admin/", kind_words!($kind, plural), "/{id}/approve"),
            tag = "admin",
            summary = concat!("Publish ", kind_words!($kind, a), " waiting for review"),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            security(("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            Require(a, ..): Require<AdminOnly>,
            id: web::Path<i64>,
        ) -> AppResult<HttpResponse> {
            let (id, now) = (id.into_inner(), state.clock.now());
            let view = state
                .tx(move |c| postings::approve(c, &a, PostingKind::$kind, id, now))
                .await?;
            Ok(ok(view))
        }
    };
}

approve!(approve_need, Need);
approve!(approve_offer, Offer);

/// `POST /admin/needs/{id}/reject` and `POST /admin/offers/{id}/reject`.
macro_rules! reject {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            post,
            path = concat!("/api/v1/admin/", kind_words!($kind, plural), "/{id}/reject"),
            tag = "admin",
            summary = concat!("Reject ", kind_words!($kind, a), " with a coded reason"),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            request_body = schemas::RejectBody,
            security(("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            Require(a, ..): Require<AdminOnly>,
            id: web::Path<i64>,
            body: RawBody,
        ) -> AppResult<HttpResponse> {
            let (id, now) = (id.into_inner(), state.clock.now());
            let rejection = body.json().and_then(|b| Rejection::parse(&b));
            let view = state
                .tx(move |c| postings::reject(c, &a, PostingKind::$kind, id, rejection, now))
                .await?;
            Ok(ok(view))
        }
    };
}

reject!(reject_need, Need);
reject!(reject_offer, Offer);

#[utoipa::path(
    get,
    path = "/api/v1/admin/audit-log",
    tag = "admin",
    summary = "The audit log, newest first",
    params(("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::ListView<crate::service::views::AuditView>), (status = 400), (status = 401), (status = 403))
)]
pub async fn audit_log(
    state: web::Data<AppState>,
    Require(actor, ..): Require<AdminOnly>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let paging = q.paging()?;
    let list = state
        .db(move |c| admin::audit_log(c, &actor, paging))
        .await?;
    Ok(ok(list))
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    status: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

/// `GET /admin/outbox?status=dead|pending|sent`: mail that could not be delivered, for operators.
#[utoipa::path(
    get,
    path = "/api/v1/admin/outbox",
    tag = "admin",
    summary = "Mail in the outbox by status (platform admins)",
    params(("status" = Option<String>, Query, description = "dead (default), pending or sent"), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::ListView<crate::service::admin::OutboxView>), (status = 400), (status = 401), (status = 403))
)]
pub async fn outbox(
    state: web::Data<AppState>,
    Require(..): Require<PlatformAdminOnly>,
    q: web::Query<OutboxQuery>,
) -> AppResult<HttpResponse> {
    let paging = Paging::parse(q.page, q.per_page)?;
    let status = match q.status.as_deref().unwrap_or("dead") {
        s @ ("dead" | "pending" | "sent") => s.to_string(),
        other => {
            return Err(AppError::BadRequest(format!(
                "status must be dead, pending or sent, not {other:?}"
            )))
        }
    };
    let list = state.db(move |c| admin::outbox(c, &status, paging)).await?;
    Ok(ok(list))
}
