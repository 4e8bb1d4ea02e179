use actix_web::{web, HttpRequest, HttpResponse};

use super::ok;
use super::schemas;
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

#[utoipa::path(
    get,
    path = "/api/v1/needs/{id}/matches",
    tag = "matches",
    summary = "The matches of a need, best first (owner and admins)",
    params(("id" = i64, Path, description = "need id")),
    security(("bearer" = [])),
    responses((status = 200, body = schemas::List<crate::service::matches::MatchView>), (status = 401), (status = 403), (status = 404))
)]
pub async fn need_matches(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    list(req, state, a, PostingKind::Need, id.into_inner()).await
}

#[utoipa::path(
    get,
    path = "/api/v1/offers/{id}/matches",
    tag = "matches",
    summary = "The matches of an offer, best first (owner and admins)",
    params(("id" = i64, Path, description = "offer id")),
    security(("bearer" = [])),
    responses((status = 200, body = schemas::List<crate::service::matches::MatchView>), (status = 401), (status = 403), (status = 404))
)]
pub async fn offer_matches(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    list(req, state, a, PostingKind::Offer, id.into_inner()).await
}

#[utoipa::path(
    post,
    path = "/api/v1/needs/{id}/respond",
    tag = "matches",
    summary = "A verified provider answers a published need with one of its published offers",
    description = "422 names the hard rule the pair breaks.",
    params(("id" = i64, Path, description = "need id")),
    request_body = schemas::RespondBody,
    security(("bearer" = [])),
    responses((status = 200, description = "the match, created or reused", body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/offers/{id}/apply",
    tag = "matches",
    summary = "A verified SME answers a published offer with one of its published needs",
    description = "422 names the hard rule the pair breaks.",
    params(("id" = i64, Path, description = "offer id")),
    request_body = schemas::ApplyBody,
    security(("bearer" = [])),
    responses((status = 200, description = "the match, created or reused", body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/matches/{id}",
    tag = "matches",
    summary = "One match (its two sides and admins)",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 401), (status = 403), (status = 404))
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/interest",
    tag = "matches",
    summary = "Say your side is interested; both sides interested = connected",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/decline",
    tag = "matches",
    summary = "Decline a match with a coded reason",
    params(("id" = i64, Path, description = "match id")),
    request_body = schemas::DeclineBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
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

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/outcome",
    tag = "matches",
    summary = "Report the outcome of a connected match",
    params(("id" = i64, Path, description = "match id")),
    request_body = schemas::OutcomeBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
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
