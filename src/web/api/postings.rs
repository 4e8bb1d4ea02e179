use actix_web::{web, HttpResponse};
use serde::Deserialize;

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

pub async fn create_need(
    state: web::Data<AppState>,
    Require(actor, ..): Require<SmeOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    create(state, actor, PostingKind::Need, body).await
}

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

pub async fn get_need(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    get(state, a, PostingKind::Need, id.into_inner()).await
}

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

pub async fn list_needs(
    state: web::Data<AppState>,
    MaybeUser(a): MaybeUser,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    list(state, a, PostingKind::Need, q.into_inner()).await
}

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

pub async fn update_need(
    state: web::Data<AppState>,
    Require(a, ..): Require<SmeOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    update(state, a, PostingKind::Need, id.into_inner(), body).await
}

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
