//! The organisation's members: the owner invites colleagues by mail, lists and removes them; an
//! invited colleague accepts with the link's token.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::schemas;
use super::{created, ok};
use crate::auth::{AuthUser, ClientAddr};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::members;
use crate::service::views::UserView;
use crate::state::AppState;
use crate::web::body::RawBody;

#[utoipa::path(
    get,
    path = "/api/v1/organizations/me/members",
    tag = "parks",
    summary = "The members of the caller's organisation and its open invitations",
    description = "For users of an organisation (SME or platform company); the owner comes first, and `you_are_owner` says whether the caller may invite and remove.",
    security(("bearer" = [])),
    responses((status = 200, body = members::MembersView), (status = 401), (status = 403))
)]
pub async fn list(state: web::Data<AppState>, AuthUser(a): AuthUser) -> AppResult<HttpResponse> {
    let now = state.clock.now().naive_utc();
    Ok(ok(state.db(move |c| members::members(c, &a, now)).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/organizations/me/invitations",
    tag = "parks",
    summary = "Invite a colleague by mail (the owner only)",
    description = "Mails a single-use link valid for 7 days; a new invitation to the same address replaces the open one. At most 20 invitations per organisation in 24 hours (429 with Retry-After). 422 on `email` when the address already has an account.",
    request_body = schemas::InvitationBody,
    security(("bearer" = [])),
    responses((status = 201, body = members::InvitationView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422), (status = 429))
)]
pub async fn invite(
    req: HttpRequest,
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let email = body.json().and_then(|b| members::parse_invitation(&b));
    let now = state.clock.now().naive_utc();
    let base = state.settings.public_url.clone();
    let lang = Lang::of_request(&req);
    let v = state
        .tx(move |c| members::invite(c, &a, email, &base, lang, now))
        .await?;
    Ok(created(v))
}

#[utoipa::path(
    delete,
    path = "/api/v1/organizations/me/members/{id}",
    tag = "parks",
    summary = "Remove a member (the owner only)",
    description = "The member's account is suspended and every token of theirs ends. The owner cannot be removed (409).",
    params(("id" = i64, Path, description = "user id")),
    security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 401), (status = 403), (status = 404), (status = 409))
)]
pub async fn remove(
    state: web::Data<AppState>,
    AuthUser(a): AuthUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now().naive_utc();
    state.tx(move |c| members::remove(c, &a, id, now)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(serde::Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/invitations",
    tag = "accounts",
    summary = "What an invitation link is for",
    params(("token" = Option<String>, Query, description = "from the invitation mail")),
    responses((status = 200, body = members::InvitationInfo), (status = 400), (status = 422))
)]
pub async fn lookup(
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let token = q.into_inner().token.unwrap_or_default();
    let now = state.clock.now().naive_utc();
    Ok(ok(state
        .db(move |c| members::lookup(c, &token, now))
        .await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/invitations/accept",
    tag = "accounts",
    summary = "Accept an invitation: set a password and join the organisation",
    description = "The link is checked before the password is hashed; it works once. The new user has the organisation's role (`sme` or `provider`) as a `member`, with the address confirmed. Throttled per client address like a registration.",
    request_body = schemas::AcceptInvitationBody,
    responses((status = 201, body = schemas::SessionAnswer), (status = 400), (status = 409), (status = 413), (status = 422), (status = 429), (status = 503))
)]
pub async fn accept(
    state: web::Data<AppState>,
    ClientAddr(address): ClientAddr,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let (session, user) = members::accept_invitation(&state, &body.json()?, &address).await?;
    Ok(created(json!({
        "token": session.token,
        "expires_at": session.expires_at,
        "user": UserView::from(&user),
    })))
}
