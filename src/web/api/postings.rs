use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::schemas;
use super::{created, ok};
use crate::auth::{Actor, AuthUser, MaybeUser, ProviderOnly, Require, SmeOnly};
use crate::domain::posting::Draft;
use crate::domain::{Category, PostingKind, PostingStatus};
use crate::error::{AppError, AppResult};
use crate::service::postings::{self, ListFilter};
use crate::state::AppState;
use crate::web::body::RawBody;

async fn create(
    state: web::Data<AppState>,
    actor: Actor,
    kind: PostingKind,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let draft = Draft::parse(kind, &body.json()?, now)?;
    let view = state
        .tx(move |c| postings::create(c, &actor, draft, now))
        .await?;
    Ok(created(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/needs",
    tag = "postings",
    summary = "Post a need",
    description = "SME users only. Sent for review unless `submit` is false.",
    request_body = schemas::NeedBody,
    security(("bearer" = [])),
    responses((status = 201, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422))
)]
pub async fn create_need(
    state: web::Data<AppState>,
    Require(actor, ..): Require<SmeOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    create(state, actor, PostingKind::Need, body).await
}

#[utoipa::path(
    post,
    path = "/api/v1/offers",
    tag = "postings",
    summary = "Post a offer",
    description = "Provider users only. Sent for review unless `submit` is false.",
    request_body = schemas::OfferBody,
    security(("bearer" = [])),
    responses((status = 201, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422))
)]
pub async fn create_offer(
    state: web::Data<AppState>,
    Require(actor, ..): Require<ProviderOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    create(state, actor, PostingKind::Offer, body).await
}

async fn get(
    state: web::Data<AppState>,
    actor: Option<Actor>,
    kind: PostingKind,
    id: i64,
) -> AppResult<HttpResponse> {
    let view = state
        .db(move |c| postings::get(c, actor.as_ref(), kind, id))
        .await?;
    Ok(ok(view))
}

#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}",
    tag = "postings",
    summary = "One need",
    description = "A published need is for users of verified platform companies, platform admins, its park's admins and its own organisation (403 for anyone else).",
    params(("id" = i64, Path, description = "need id")),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404))
)]
pub async fn get_need(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    get(state, a, PostingKind::Need, id.into_inner()).await
}

#[utoipa::path(
    get,
    path = "/api/v1/offers/{id}",
    tag = "postings",
    summary = "One offer",
    params(("id" = i64, Path, description = "offer id")),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404))
)]
pub async fn get_offer(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    get(state, a, PostingKind::Offer, id.into_inner()).await
}

#[derive(Deserialize)]
pub struct ListQuery {
    mine: Option<bool>,
    status: Option<String>,
    category: Option<String>,
    organization_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> AppResult<ListFilter> {
        let bad = |what: &str, v: &str| AppError::BadRequest(format!("unknown {what} {v:?}"));
        Ok(ListFilter {
            mine: self.mine.unwrap_or(false),
            status: match self.status.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(PostingStatus::parse(s).map_err(|_| bad("status", s))?),
                None => None,
            },
            category: match self.category.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(Category::parse(s).map_err(|_| bad("category", s))?),
                None => None,
            },
            organization_id: self.organization_id,
        })
    }
}

async fn list(
    state: web::Data<AppState>,
    actor: Option<Actor>,
    kind: PostingKind,
    q: ListQuery,
) -> AppResult<HttpResponse> {
    let paging = crate::service::Paging::parse(q.page, q.per_page)?;
    let filter = q.filter()?;
    let list = state
        .db(move |c| postings::list(c, actor.as_ref(), kind, &filter, paging))
        .await?;
    Ok(ok(list))
}

#[utoipa::path(
    get,
    path = "/api/v1/needs",
    tag = "postings",
    summary = "Published needs, newest first (or the caller's own with mine=true)",
    description = "Published needs are listed for users of verified platform companies and platform admins (a park admin: their park's); others get 401/403 and list their own with mine=true.",
    params(("mine" = Option<bool>, Query, description = "the caller's own postings, any status"), ("status" = Option<crate::domain::PostingStatus>, Query), ("category" = Option<crate::domain::Category>, Query), ("organization_id" = Option<i64>, Query), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::service::views::ListView<crate::service::views::PostingView>), (status = 400), (status = 401), (status = 403))
)]
pub async fn list_needs(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list(state, a, PostingKind::Need, q.into_inner()).await
}

#[utoipa::path(
    get,
    path = "/api/v1/offers",
    tag = "postings",
    summary = "Published offers, newest first (or the caller's own with mine=true)",
    params(("mine" = Option<bool>, Query, description = "the caller's own postings, any status"), ("status" = Option<crate::domain::PostingStatus>, Query), ("category" = Option<crate::domain::Category>, Query), ("organization_id" = Option<i64>, Query), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::service::views::ListView<crate::service::views::PostingView>), (status = 400), (status = 401), (status = 403))
)]
pub async fn list_offers(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list(state, a, PostingKind::Offer, q.into_inner()).await
}

async fn update(
    state: web::Data<AppState>,
    actor: Actor,
    kind: PostingKind,
    id: i64,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let patch = body.json();
    let now = state.clock.now();
    let view = state
        .tx(move |c| postings::update(c, &actor, kind, id, patch, now))
        .await?;
    Ok(ok(view))
}

#[utoipa::path(
    patch,
    path = "/api/v1/needs/{id}",
    tag = "postings",
    summary = "Change a need (a published one goes back to review)",
    params(("id" = i64, Path, description = "need id")),
    request_body = schemas::PostingPatch,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn update_need(
    state: web::Data<AppState>,
    Require(a, ..): Require<SmeOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    update(state, a, PostingKind::Need, id.into_inner(), body).await
}

#[utoipa::path(
    patch,
    path = "/api/v1/offers/{id}",
    tag = "postings",
    summary = "Change a offer (a published one goes back to review)",
    params(("id" = i64, Path, description = "offer id")),
    request_body = schemas::PostingPatch,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn update_offer(
    state: web::Data<AppState>,
    Require(a, ..): Require<ProviderOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    update(state, a, PostingKind::Offer, id.into_inner(), body).await
}

#[derive(Clone, Copy)]
enum OwnerAction {
    Submit,
    Close,
}

async fn owner_action(
    state: web::Data<AppState>,
    actor: Actor,
    kind: PostingKind,
    id: i64,
    action: OwnerAction,
) -> AppResult<HttpResponse> {
    let expected_org_kind = match kind {
        PostingKind::Need => crate::domain::Role::Sme,
        PostingKind::Offer => crate::domain::Role::Provider,
    };
    if actor.role != expected_org_kind {
        return Err(actor.refuse("only the posting's own organisation may change it"));
    }
    let now = state.clock.now();
    let view = state
        .tx(move |c| match action {
            OwnerAction::Submit => postings::submit(c, &actor, kind, id, now),
            OwnerAction::Close => postings::close(c, &actor, kind, id, now),
        })
        .await?;
    Ok(ok(view))
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/submit",
    tag = "postings",
    summary = "Send a draft need for review",
    params(("id" = i64, Path, description = "need id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422))
)]
pub async fn submit_need(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    owner_action(
        state,
        a,
        PostingKind::Need,
        id.into_inner(),
        OwnerAction::Submit,
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/close",
    tag = "postings",
    summary = "Close a need",
    params(("id" = i64, Path, description = "need id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn close_need(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    owner_action(
        state,
        a,
        PostingKind::Need,
        id.into_inner(),
        OwnerAction::Close,
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/offers/{id}/submit",
    tag = "postings",
    summary = "Send a draft offer for review",
    params(("id" = i64, Path, description = "offer id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422))
)]
pub async fn submit_offer(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    owner_action(
        state,
        a,
        PostingKind::Offer,
        id.into_inner(),
        OwnerAction::Submit,
    )
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/offers/{id}/close",
    tag = "postings",
    summary = "Close a offer",
    params(("id" = i64, Path, description = "offer id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn close_offer(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    owner_action(
        state,
        a,
        PostingKind::Offer,
        id.into_inner(),
        OwnerAction::Close,
    )
    .await
}
