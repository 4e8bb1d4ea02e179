use actix_web::{web, HttpRequest, HttpResponse};

use super::ok;
use crate::auth::{Actor, AuthUser, ProviderOnly, Require, SmeOnly};
use crate::domain::PostingKind;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::matches;
use crate::state::AppState;
use crate::web::body::RawBody;

async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    actor: Actor,
    kind: PostingKind,
    id: i64,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let items = state
        .db(move |c| matches::list_for_posting(c, &actor, kind, id, lang))
        .await?;
    let total = items.len();
    Ok(ok(
        serde_json::json!({"items": items, "total": total, "page": 1, "per_page": total.max(1)}),
    ))
}

pub async fn need_matches(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    list(req, state, a, PostingKind::Need, id.into_inner()).await
}

pub async fn offer_matches(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    list(req, state, a, PostingKind::Offer, id.into_inner()).await
}

pub async fn respond(
    req: HttpRequest,
    state: web::Data<AppState>,
    Require(a, ..): Require<ProviderOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, body, now) = (id.into_inner(), body.json(), state.clock.now());
    let v = state
        .tx(move |c| matches::answer(c, &a, PostingKind::Need, id, body, now, lang))
        .await?;
    Ok(ok(v))
}

pub async fn apply(
    req: HttpRequest,
    state: web::Data<AppState>,
    Require(a, ..): Require<SmeOnly>,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, body, now) = (id.into_inner(), body.json(), state.clock.now());
    let v = state
        .tx(move |c| matches::answer(c, &a, PostingKind::Offer, id, body, now, lang))
        .await?;
    Ok(ok(v))
}

pub async fn get(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let id = id.into_inner();
    Ok(ok(state.db(move |c| matches::get(c, &a, id, lang)).await?))
}

pub async fn interest(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, now) = (id.into_inner(), state.clock.now());
    Ok(ok(state
        .tx(move |c| matches::interest(c, &a, id, now, lang))
        .await?))
}

pub async fn decline(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, body, now) = (id.into_inner(), body.json(), state.clock.now());
    Ok(ok(state
        .tx(move |c| matches::decline(c, &a, id, body, now, lang))
        .await?))
}

pub async fn outcome(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, body, now) = (id.into_inner(), body.json(), state.clock.now());
    Ok(ok(state
        .tx(move |c| matches::outcome(c, &a, id, body, now, lang))
        .await?))
}
