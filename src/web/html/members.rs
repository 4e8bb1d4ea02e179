//! The organisation's members page (the owner invites and removes colleagues) and the page an
//! invitation link opens (the colleague sets a password and is signed in).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::form::{Form, FormState};
use super::{render, render_status, secure, see_other, session_cookie, Chrome, Routes, SignedIn};
use crate::auth::{Actor, ClientAddr};
use crate::error::{AppError, AppResult};
use crate::service::members::{self, InvitationInfo, MembersView};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/organization/members", members_page)
        .post("/organization/members/invite", invite)
        .post("/organization/members/{id}/remove", remove)
        .get("/invitation", invitation_page)
        .post("/invitation", accept);
}

#[derive(Template)]
#[template(path = "pages/members.html")]
struct MembersPage {
    c: Chrome,
    v: MembersView,
    f: FormState,
}

async fn members_view(
    state: &AppState,
    c: Chrome,
    a: Actor,
    f: FormState,
) -> AppResult<MembersPage> {
    let now = state.clock.now().naive_utc();
    let v = state
        .db(move |conn| members::members(conn, &a, now))
        .await?;
    Ok(MembersPage { c, v, f })
}

async fn members_page(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
) -> AppResult<HttpResponse> {
    render(members_view(&state, c, a, FormState::new()).await?)
}

async fn invite(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    form: Form,
) -> AppResult<HttpResponse> {
    let email = members::parse_invitation(&form.to_json(&[]));
    let now = state.clock.now().naive_utc();
    let base = state.settings.public_url.clone();
    let (actor, lang) = (a.clone(), c.lang);
    match state
        .tx(move |conn| members::invite(conn, &actor, email, &base, lang, now))
        .await
    {
        Ok(_) => Ok(see_other("/organization/members", Some("invited"))),
        Err(e) => {
            let mut f = form.state();
            let status = f.absorb(e, c.lang)?;
            render_status(status, members_view(&state, c, a, f).await?)
        }
    }
}

async fn remove(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    id: web::Path<i64>,
    _form: Form,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now().naive_utc();
    let actor = a.clone();
    match state
        .tx(move |conn| members::remove(conn, &actor, id, now))
        .await
    {
        Ok(()) => Ok(see_other("/organization/members", Some("member_removed"))),
        Err(e @ AppError::Conflict(_)) => {
            let mut f = FormState::new();
            f.message = Some(e.message(c.lang));
            render_status(StatusCode::CONFLICT, members_view(&state, c, a, f).await?)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/invitation.html")]
struct InvitationPage {
    c: Chrome,
    info: Option<InvitationInfo>,
    f: FormState,
}

async fn invitation_view(
    state: &AppState,
    c: Chrome,
    token: String,
    mut f: FormState,
) -> AppResult<InvitationPage> {
    let now = state.clock.now().naive_utc();
    let t = token.clone();
    let info = match state.db(move |conn| members::lookup(conn, &t, now)).await {
        Ok(info) => Some(info),
        Err(e @ AppError::Validation(_)) => {
            let mut g = FormState::new();
            g.absorb(e, c.lang)?;
            f.message = g.errors.remove("token").or(g.message).map(sentence);
            None
        }
        Err(e) => return Err(e),
    };
    f.set("token", token);
    Ok(InvitationPage { c, info, f })
}

async fn invitation_page(
    state: web::Data<AppState>,
    c: Chrome,
    q: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let token = q.into_inner().token.unwrap_or_default();
    let page = invitation_view(&state, c, token, FormState::new()).await?;
    let status = if page.info.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(status, page)
}

async fn accept(
    state: web::Data<AppState>,
    c: Chrome,
    ClientAddr(address): ClientAddr,
    form: Form,
) -> AppResult<HttpResponse> {
    match members::accept_invitation(&state, &form.to_json(&[]), &address).await {
        Ok((session, _)) => {
            let mut res = see_other("/dashboard", Some("joined"));
            let mut cookie = session_cookie(secure(&state), session.token);
            let secs = (session.expires_at - state.clock.now())
                .num_seconds()
                .max(0);
            cookie.set_max_age(actix_web::cookie::time::Duration::seconds(secs));
            res.add_cookie(&cookie).ok();
            Ok(res)
        }
        Err(e) => {
            let mut f = form.state();
            f.values.remove("password");
            let status = f.absorb(e, c.lang)?;
            let token_problem = f.errors.remove("token");
            let token = f.v("token").to_string();
            let mut page = invitation_view(&state, c, token, f).await?;
            if page.f.message.is_none() {
                page.f.message = token_problem.map(sentence);
            }
            render_status(status, page)
        }
    }
}

/// A field's problem ("this invitation link is invalid…") as a sentence at the top of a page.
fn sentence(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => s,
    }
}
