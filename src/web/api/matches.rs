use actix_web::{web, HttpRequest, HttpResponse};

use super::ok;
use super::schemas;
use crate::auth::{Actor, AuthUser, ProviderOnly, Require, SmeOnly};
use crate::domain::decisions::{Answer, Decline, Dispute, Interest, Outcome};
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

/// `GET /needs/{id}/matches` and `GET /offers/{id}/matches`.
macro_rules! matches_of {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            get,
            path = concat!("/api/v1/", kind_words!($kind, plural), "/{id}/matches"),
            tag = "matches",
            summary = concat!("The matches of ", kind_words!($kind, a), ", best first (owner and admins)"),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            security(("bearer" = [])),
            responses((status = 200, body = schemas::List<crate::service::matches::MatchView>), (status = 401), (status = 403), (status = 404))
        )]
        pub async fn $name(
            req: HttpRequest,
            state: web::Data<AppState>,
            AuthUser(a): AuthUser,
            id: web::Path<i64>,
        ) -> AppResult<HttpResponse> {
            list(req, state, a, PostingKind::$kind, id.into_inner()).await
        }
    };
}

matches_of!(need_matches, Need);
matches_of!(offer_matches, Offer);

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
    let kind = PostingKind::Need;
    let (id, now) = (id.into_inner(), state.clock.now());
    let answer = body.json().and_then(|b| Answer::parse(kind, &b));
    let v = state
        .tx(move |c| matches::answer(c, &a, kind, id, answer, now, lang))
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
    let kind = PostingKind::Offer;
    let (id, now) = (id.into_inner(), state.clock.now());
    let answer = body.json().and_then(|b| Answer::parse(kind, &b));
    let v = state
        .tx(move |c| matches::answer(c, &a, kind, id, answer, now, lang))
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
    description = "The body is optional: `{note?}` (up to 1,000 characters) is shown to the other side, in the match (`sme_note` / `provider_note`) and in its mail. When both sides are interested the match is `connected` (已对接) and both are mailed the other's contact.",
    params(("id" = i64, Path, description = "match id")),
    request_body(content = Option<schemas::InterestBody>),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 415), (status = 422))
)]
pub async fn interest(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, now) = (id.into_inner(), state.clock.now());
    let interest = body.json_or_empty().and_then(|b| Interest::parse(&b));
    Ok(ok(state
        .tx(move |c| matches::interest(c, &a, id, interest, now, lang))
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
    let (id, now) = (id.into_inner(), state.clock.now());
    let decline = body.json().and_then(|b| Decline::parse(&b));
    Ok(ok(state
        .tx(move |c| matches::decline(c, &a, id, decline, now, lang))
        .await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/outcome",
    tag = "matches",
    summary = "Report (or correct) the outcome of a connected match",
    description = "Either side reports; the other confirms or disputes it (`/outcome/confirm`, `/outcome/dispute`). A success is graded against what the need asked for: fewer hires, trainees or yuan than asked is `partial` in `outcome.result` (the match's `status` stays `succeeded`). The report can be corrected until the other side confirms it (409 afterwards).",
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
    let (id, now) = (id.into_inner(), state.clock.now());
    let outcome = body.json().and_then(|b| Outcome::parse(&b));
    Ok(ok(state
        .tx(move |c| matches::outcome(c, &a, id, outcome, now, lang))
        .await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/outcome/confirm",
    tag = "matches",
    summary = "Confirm the outcome the other side reported",
    description = "Only the side that did not report (403 for the reporting side; 409 when nothing is reported or it is already confirmed). A confirmed outcome counts as confirmed in the statistics and can no longer be corrected.",
    params(("id" = i64, Path, description = "match id")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn confirm_outcome(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, now) = (id.into_inner(), state.clock.now());
    Ok(ok(state
        .tx(move |c| matches::confirm_outcome(c, &a, id, now, lang))
        .await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/matches/{id}/outcome/dispute",
    tag = "matches",
    summary = "Dispute the outcome the other side reported",
    description = "Only the side that did not report; the reporting side sees the note and corrects the outcome (which the other side then confirms).",
    params(("id" = i64, Path, description = "match id")),
    request_body = schemas::DisputeBody,
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::matches::MatchView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
)]
pub async fn dispute_outcome(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let (id, now) = (id.into_inner(), state.clock.now());
    let dispute = body.json().and_then(|b| Dispute::parse(&b));
    Ok(ok(state
        .tx(move |c| matches::dispute_outcome(c, &a, id, dispute, now, lang))
        .await?))
}
