//! `GET /unsubscribe?token=…` and the RFC 8058 one-click `POST /unsubscribe?token=…` (the body,
//! `List-Unsubscribe=One-Click`, is not needed): both turn the token's topic off for its user
//! and answer with a small page in Chinese, or English for `?lang=en`. The signed token is the
//! authority, so no session and no CSRF token are involved; a bad or tampered token gets a 400
//! page and changes nothing.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::notify::{self, Topic};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/unsubscribe.html")]
struct UnsubscribePage {
    en: bool,
    ok: bool,
    what_zh: &'static str,
    what_en: &'static str,
    settings_url: String,
    home_url: String,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/unsubscribe", web::get().to(unsubscribe))
        .route("/unsubscribe", web::post().to(unsubscribe));
}

fn token_of(req: &HttpRequest) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty() && v.len() <= 2048)
}

#[utoipa::path(
    method(get, post),
    path = "/unsubscribe",
    tag = "operations",
    summary = "One-click unsubscribe (the link in non-essential mail)",
    description = "Turns the token's kind of mail off and answers with a page. A bad or unknown token gets a 400 or 404: the page in Chinese, or the JSON error for `?lang=en`.",
    params(("token" = Option<String>, Query, description = "signed, from the mail"), ("lang" = Option<String>, Query, description = "en for English")),
    responses(
        (status = 200, description = "done: a page", content_type = "text/html; charset=utf-8", body = String),
        (status = 400, description = "the link is invalid or has expired", content(
            (String = "text/html; charset=utf-8"),
            (crate::web::api::schemas::ErrorBody = "application/json")
        )),
        (status = 404, description = "the user is gone", content(
            (String = "text/html; charset=utf-8"),
            (crate::web::api::schemas::ErrorBody = "application/json")
        ))
    )
)]
pub async fn unsubscribe(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let lang = Lang::of_request(&req);
    let now = state.clock.now();
    let claim = token_of(&req)
        .and_then(|t| state.keys.verify_unsubscribe(&t, now))
        .and_then(|(user, topic)| Some((user, Topic::parse(&topic)?)));
    let Some((user_id, topic)) = claim else {
        return page(&state, lang, None, StatusCode::BAD_REQUEST);
    };
    let t = topic.clone();
    match state
        .tx(move |c| notify::unsubscribe(c, user_id, &t, now.naive_utc()))
        .await
    {
        Ok(()) => {
            tracing::info!(user_id, topic = %topic.as_string(), "unsubscribed");
            page(&state, lang, Some(&topic), StatusCode::OK)
        }
        Err(AppError::NotFound) => page(&state, lang, None, StatusCode::NOT_FOUND),
        Err(e) => Err(e),
    }
}

fn page(
    state: &AppState,
    lang: Lang,
    topic: Option<&Topic>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let base = state.settings.public_url.trim().trim_end_matches('/');
    let (what_zh, what_en) = match topic {
        Some(Topic::SavedSearch(_)) => ("该订阅搜索的提醒邮件", "the alerts of this saved search"),
        _ => (
            "匹配通知邮件（新匹配推荐、对方的合作意向）",
            "match emails (new matches, interest from the other side)",
        ),
    };
    let html = UnsubscribePage {
        en: lang == Lang::En,
        ok: topic.is_some(),
        what_zh,
        what_en,
        settings_url: format!("{base}/settings"),
        home_url: format!("{base}/"),
    }
    .render()
    .map_err(AppError::internal)?;
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html);
    // The page is the whole answer in either language: the JSON error handlers leave it alone.
    res.extensions_mut()
        .insert(crate::web::errors::RenderedPage);
    Ok(res)
}
