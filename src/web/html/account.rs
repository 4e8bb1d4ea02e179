//! Signing in and out, registering, forgotten passwords, confirming the address, and settings
//! (notification mail, saved searches, password, signing out everywhere).

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;
use serde_json::json;

use super::browse::all_parks;
use super::form::{Form, FormState};
use super::{
    render, render_status, safe_next, secure, see_other, session_cookie, Chrome, Routes, SignedIn,
};
use crate::auth::{client_address, ClientAddr};
use crate::domain::{Category, PostingKind};
use crate::error::{AppError, AppResult};
use crate::service::accounts::REGISTRATION_FIELDS;
use crate::service::saved::SavedSearchView;
use crate::service::sessions::{self, Session};
use crate::service::views::{OrganizationView, ParkView, UserView};
use crate::service::{accounts, saved};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/login", login_page)
        .post("/login", login)
        .post("/logout", logout)
        .get("/register", register_page)
        .post("/register", register)
        .get("/forgot-password", forgot_page)
        .post("/forgot-password", forgot)
        .get("/reset-password", reset_page)
        .post("/reset-password", reset)
        .get("/confirm-email", confirm_page)
        .post("/confirm-email", confirm)
        .get("/settings", settings_page)
        .post("/settings/notifications", save_notifications)
        .post("/settings/password", change_password)
        .post("/settings/logout-all", logout_all)
        .post("/saved-searches", save_search)
        .post("/saved-searches/{id}/delete", delete_saved_search);
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
    token: Option<String>,
}

/// Signs the browser in with `session` and goes on to `to`.
fn start_session(state: &AppState, session: Session, to: &str, notice: &str) -> HttpResponse {
    let mut res = see_other(to, Some(notice));
    let mut cookie = session_cookie(secure(state), session.token);
    let secs = (session.expires_at - state.clock.now())
        .num_seconds()
        .max(0);
    cookie.set_max_age(actix_web::cookie::time::Duration::seconds(secs));
    res.add_cookie(&cookie).ok();
    res
}

fn end_session(state: &AppState, to: &str, notice: &str) -> HttpResponse {
    let mut res = see_other(to, Some(notice));
    let mut gone: Cookie = session_cookie(secure(state), String::new());
    gone.make_removal();
    res.add_cookie(&gone).ok();
    res
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    c: Chrome,
    f: FormState,
    next: String,
}

async fn login_page(c: Chrome, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if c.signed_in() {
        return Ok(see_other(&safe_next(q.next.as_deref()), None));
    }
    let next = safe_next(q.next.as_deref());
    render(LoginPage {
        c,
        f: FormState::new(),
        next,
    })
}

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    c: Chrome,
    form: Form,
) -> AppResult<HttpResponse> {
    let next = safe_next(form.value("next"));
    match sessions::login(&state, &form.to_json(&[]), &client_address(&req)).await {
        Ok((session, _)) => Ok(start_session(&state, session, &next, "signed_in")),
        Err(e) => {
            let mut f = form.state();
            f.values.remove("password");
            let status = f.absorb(e, c.lang)?;
            render_status(status, LoginPage { c, f, next })
        }
    }
}

/// Ends the session token on the server too, so a copy of the cookie is worthless afterwards.
async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: Form,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let token =
        crate::auth::session_from_cookie(&req, &state).and_then(|t| state.keys.verify(&t, now));
    if let Some(token) = token {
        state
            .tx(move |c| accounts::end_session(c, &token, now.naive_utc()))
            .await?;
    }
    Ok(end_session(&state, "/", "signed_out"))
}

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    c: Chrome,
    f: FormState,
    parks: Vec<ParkView>,
}

async fn register_page(state: web::Data<AppState>, c: Chrome) -> AppResult<HttpResponse> {
    let mut f = FormState::new();
    f.set("role", "sme");
    let parks = all_parks(&state).await?;
    render(RegisterPage { c, f, parks })
}

async fn register(
    state: web::Data<AppState>,
    c: Chrome,
    ClientAddr(address): ClientAddr,
    form: Form,
) -> AppResult<HttpResponse> {
    let mut body = form.to_json(REGISTRATION_FIELDS);
    let provider = body["role"] == "provider";
    // The notice names who verifies the organisation.
    let notice = if provider {
        "registered_provider"
    } else {
        "registered"
    };
    if provider {
        // Platform companies serve every park; the form's park choice is for SMEs.
        if let Some(org) = body["organization"].as_object_mut() {
            org.remove("park_id");
        }
    }
    match sessions::register(&state, &body, &address).await {
        Ok((session, _, _)) => Ok(start_session(&state, session, "/dashboard", notice)),
        Err(e) => {
            let mut f = form.state();
            f.values.remove("password");
            let status = f.absorb(e, c.lang)?;
            let parks = all_parks(&state).await?;
            render_status(status, RegisterPage { c, f, parks })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/forgot.html")]
struct ForgotPage {
    c: Chrome,
    f: FormState,
}

async fn forgot_page(c: Chrome) -> AppResult<HttpResponse> {
    render(ForgotPage {
        c,
        f: FormState::new(),
    })
}

async fn forgot(state: web::Data<AppState>, c: Chrome, form: Form) -> AppResult<HttpResponse> {
    match sessions::request_password_reset(&state, &form.to_json(&[])).await {
        Ok(()) => Ok(see_other("/login", Some("reset_sent"))),
        Err(e) => {
            let mut f = form.state();
            let status = f.absorb(e, c.lang)?;
            render_status(status, ForgotPage { c, f })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/reset.html")]
struct ResetPage {
    c: Chrome,
    f: FormState,
}

async fn reset_page(c: Chrome, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let mut f = FormState::new();
    f.set("token", q.token.clone().unwrap_or_default());
    render(ResetPage { c, f })
}

async fn reset(
    state: web::Data<AppState>,
    c: Chrome,
    ClientAddr(address): ClientAddr,
    form: Form,
) -> AppResult<HttpResponse> {
    match sessions::confirm_password_reset(&state, &form.to_json(&[]), &address).await {
        Ok(session) => Ok(start_session(
            &state,
            session,
            "/dashboard",
            "password_reset",
        )),
        Err(e) => {
            let mut f = form.state();
            f.values.remove("new_password");
            let status = f.absorb(e, c.lang)?;
            if let Some(t) = f.errors.remove("token") {
                f.message = Some(t);
            }
            render_status(status, ResetPage { c, f })
        }
    }
}

#[derive(Template)]
#[template(path = "pages/confirm_email.html")]
struct ConfirmPage {
    c: Chrome,
    token: String,
    error: Option<String>,
}

/// The link in the mail opens this page; confirming is a button, since GET changes nothing.
async fn confirm_page(c: Chrome, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    render(ConfirmPage {
        c,
        token: q.token.clone().unwrap_or_default(),
        error: None,
    })
}

async fn confirm(state: web::Data<AppState>, c: Chrome, form: Form) -> AppResult<HttpResponse> {
    let token = form.value("token").unwrap_or_default().to_string();
    match sessions::confirm_email(&state, &token).await {
        Ok(_) => Ok(see_other(
            if c.signed_in() { "/settings" } else { "/login" },
            Some("email_confirmed"),
        )),
        Err(e @ AppError::Validation(_)) => {
            let mut f = FormState::new();
            f.absorb(e, c.lang)?;
            let error = f.errors.into_values().next();
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                ConfirmPage { c, token, error },
            )
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "pages/settings.html")]
struct SettingsPage {
    c: Chrome,
    user: UserView,
    org: Option<OrganizationView>,
    saved: Vec<SavedSearchView>,
    notify: FormState,
    password: FormState,
}

impl SettingsPage {
    /// A saved search's query in words, for the list.
    fn describe(&self, s: &SavedSearchView) -> String {
        let l = self.c.l();
        let q = |k: &str| s.query.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let mut parts = vec![];
        if !q("q").is_empty() {
            parts.push(format!("“{}”", q("q")));
        }
        if !q("type").is_empty() {
            parts.push(l.of_name::<PostingKind>(q("type")).to_string());
        }
        if !q("category").is_empty() {
            parts.push(l.of_name::<Category>(q("category")).to_string());
        }
        if !q("city_code").is_empty() {
            parts.push(l.city(q("city_code")));
        }
        parts.join(" · ")
    }

    fn search_url(&self, s: &SavedSearchView) -> String {
        let pairs: Vec<(String, String)> = s
            .query
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "/search?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

async fn settings_view(
    state: &AppState,
    c: Chrome,
    user_id: i64,
    notify: Option<FormState>,
    password: FormState,
) -> AppResult<SettingsPage> {
    let (user, org, saved, settings) = state
        .db(move |conn| {
            let (user, org) = accounts::me(conn, user_id)?;
            let saved = saved::list(conn, user_id)?;
            let settings = saved::get_settings(conn, user_id)?;
            Ok((user, org, saved, settings))
        })
        .await?;
    let notify = notify.unwrap_or_else(|| {
        let mut f = FormState::new();
        f.set(
            "match_emails",
            settings["match_emails"].as_str().unwrap_or("immediate"),
        );
        f
    });
    Ok(SettingsPage {
        c,
        user,
        org,
        saved,
        notify,
        password,
    })
}

async fn settings_page(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
) -> AppResult<HttpResponse> {
    render(settings_view(&state, c, actor.user_id, None, FormState::new()).await?)
}

async fn save_notifications(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
    form: Form,
) -> AppResult<HttpResponse> {
    let body = form.to_json(&[]);
    let now = state.clock.now().naive_utc();
    let user_id = actor.user_id;
    match state
        .tx(move |conn| saved::put_settings(conn, user_id, &body, now))
        .await
    {
        Ok(_) => Ok(see_other("/settings", Some("saved"))),
        Err(e) => {
            let mut f = form.state();
            let status = f.absorb(e, c.lang)?;
            render_status(
                status,
                settings_view(&state, c, user_id, Some(f), FormState::new()).await?,
            )
        }
    }
}

async fn change_password(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
    ClientAddr(address): ClientAddr,
    form: Form,
) -> AppResult<HttpResponse> {
    match sessions::change_password(&state, actor.user_id, &form.to_json(&[]), &address).await {
        Ok(session) => Ok(start_session(
            &state,
            session,
            "/settings",
            "password_changed",
        )),
        Err(e) => {
            let mut f = FormState::new();
            let status = f.absorb(e, c.lang)?;
            render_status(
                status,
                settings_view(&state, c, actor.user_id, None, f).await?,
            )
        }
    }
}

async fn logout_all(
    state: web::Data<AppState>,
    SignedIn(actor, _): SignedIn,
    _form: Form,
) -> AppResult<HttpResponse> {
    let now = state.clock.now().naive_utc();
    state
        .tx(move |conn| accounts::revoke_tokens(conn, actor.user_id, now))
        .await?;
    Ok(end_session(&state, "/login", "logged_out_everywhere"))
}

/// From the search page: `name`, `frequency` and the search's own fields as `query.*`.
async fn save_search(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
    form: Form,
) -> AppResult<HttpResponse> {
    let mut body = form.to_json(&[]);
    if body.get("query").is_none() {
        body["query"] = json!({});
    }
    let now = state.clock.now().naive_utc();
    match state
        .tx(move |conn| saved::create_for(conn, &actor, &body, now))
        .await
    {
        Ok(_) => Ok(see_other("/settings", Some("search_saved"))),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            Err(AppError::BadRequest(e.message(c.lang)))
        }
        Err(e) => Err(e),
    }
}

async fn delete_saved_search(
    state: web::Data<AppState>,
    SignedIn(actor, _): SignedIn,
    id: web::Path<i64>,
    _form: Form,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state
        .tx(move |conn| saved::delete(conn, actor.user_id, id))
        .await?;
    Ok(see_other("/settings", Some("search_deleted")))
}
