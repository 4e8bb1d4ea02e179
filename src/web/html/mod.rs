//! The pages: server-rendered from `templates/` with askama, Chinese by default and English
//! through `?lang=en` (remembered in a cookie), usable without JavaScript. Every page calls the
//! same services as the JSON API, so each rule and permission exists once.
//!
//! Signing in sets the session token in an HttpOnly, SameSite=Lax cookie (`__Host-` and
//! `Secure` when the public URL is https). Every form carries a CSRF token bound to the session
//! (see `csrf`), and nothing changes on GET. Every redirect goes through `local_target`.

mod account;
mod admin;
mod browse;
mod chart;
mod csrf;
mod dashboard;
mod form;
mod labels;
mod members;
mod organization;
mod outcomes;
mod posting_form;
mod postings;
mod synonyms;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::Actor;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::state::AppState;

pub use labels::Labels;

/// Sent with every response: no inline script or style, nothing from other origins, no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLESHEET: &str = include_str!("../../../static/app.css");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/app.css", web::get().to(stylesheet))
        .service(
            web::scope("")
                .wrap(from_fn(pages_middleware))
                .configure(|cfg| table(&mut Routes::registering(cfg))),
        );
}

/// Every page route, in one table.
fn table(r: &mut Routes) {
    browse::routes(r);
    account::routes(r);
    // The forms before the postings: `/needs/new` before `/needs/{id}`.
    posting_form::routes(r);
    postings::routes(r);
    dashboard::routes(r);
    organization::routes(r);
    admin::routes(r);
    synonyms::routes(r);
    members::routes(r);
    outcomes::routes(r);
}

/// (method, path pattern) of every page, as the router has them: for tests and tools that
/// must reach every page (the hostile-input campaign), so a new page is covered by itself.
pub fn page_routes() -> Vec<(Method, String)> {
    let mut r = Routes {
        cfg: None,
        listed: vec![(Method::GET, "/static/app.css".to_string())],
    };
    table(&mut r);
    r.listed
}

/// Registers page routes, and lists them (see `page_routes`).
pub struct Routes<'a> {
    cfg: Option<&'a mut web::ServiceConfig>,
    listed: Vec<(Method, String)>,
}

impl<'a> Routes<'a> {
    fn registering(cfg: &'a mut web::ServiceConfig) -> Self {
        Routes {
            cfg: Some(cfg),
            listed: vec![],
        }
    }

    fn add<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: actix_web::Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        if let Some(cfg) = self.cfg.as_deref_mut() {
            cfg.route(path, web::method(method.clone()).to(handler));
        }
        self.listed.push((method, path.to_string()));
        self
    }

    pub fn get<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: actix_web::Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        self.add(Method::GET, path, handler)
    }

    pub fn post<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: actix_web::Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: actix_web::Responder + 'static,
    {
        self.add(Method::POST, path, handler)
    }
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// What every page shows around its content: the language, who is signed in, the CSRF token
/// for its forms and a one-time notice from the previous step.
pub struct Chrome {
    pub lang: Lang,
    pub actor: Option<Actor>,
    pub csrf: String,
    /// The request path and query without `lang=`, for the language switch.
    pub here: String,
    pub notice: Option<&'static str>,
    /// How many things wait for the signed-in organisation (the header's to-do count).
    pub todo: Option<i64>,
}

impl Chrome {
    pub fn en(&self) -> bool {
        self.lang == Lang::En
    }

    /// The text in the reader's language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.en() {
            en
        } else {
            zh
        }
    }

    /// A colon in the reader's script: full-width in Chinese, `: ` in English.
    pub fn colon(&self) -> &'static str {
        self.t("：", ": ")
    }

    pub fn lang_tag(&self) -> &'static str {
        self.lang.as_str()
    }

    /// The same page in the other language.
    pub fn switch_url(&self) -> String {
        let other = if self.en() { "zh" } else { "en" };
        let sep = if self.here.contains('?') { '&' } else { '?' };
        format!("{}{sep}lang={other}", self.here)
    }

    pub fn signed_in(&self) -> bool {
        self.actor.is_some()
    }

    fn role(&self) -> Option<Role> {
        self.actor.as_ref().map(|a| a.role)
    }

    pub fn is_sme(&self) -> bool {
        self.role() == Some(Role::Sme)
    }

    pub fn is_provider(&self) -> bool {
        self.role() == Some(Role::Provider)
    }

    pub fn is_admin(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| a.is_admin())
    }

    pub fn is_platform_admin(&self) -> bool {
        self.actor.as_ref().is_some_and(|a| a.is_platform_admin())
    }

    pub fn l(&self) -> Labels {
        Labels(self.lang)
    }

    /// Who verifies organisation `o`, in words (its park's administrators, or the province's).
    pub fn verifier(&self, o: &crate::service::views::OrganizationView) -> String {
        organization::verifier(self, o)
    }
}

impl FromRequest for Chrome {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // A stale or revoked session cookie on a page means "signed out", not an error.
            let actor = crate::auth::load_actor(&req).await.ok().flatten();
            let here = without_lang(&req);
            let notice = req
                .cookie(NOTICE_COOKIE)
                .and_then(|c| labels::notice(c.value()));
            let todo = match (&actor, req.app_data::<web::Data<AppState>>()) {
                (Some(a), Some(state)) if matches!(a.role, Role::Sme | Role::Provider) => {
                    let a = a.clone();
                    // The header never fails a page: without the count it still renders.
                    state
                        .db(move |c| crate::service::todo::count(c, &a))
                        .await
                        .ok()
                }
                _ => None,
            };
            Ok(Chrome {
                lang: Lang::of_request(&req),
                actor,
                csrf: csrf::token_of(&req),
                here,
                notice,
                todo,
            })
        })
    }
}

fn without_lang(req: &HttpRequest) -> String {
    let query: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("lang="))
        .collect();
    if query.is_empty() {
        req.path().to_string()
    } else {
        format!("{}?{}", req.path(), query.join("&"))
    }
}

/// A page signed-in users only reach: who they are and the page's chrome.
pub struct SignedIn(pub Actor, pub Chrome);

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let chrome = Chrome::from_request(req, payload);
        Box::pin(async move {
            let c = chrome.await?;
            match c.actor.clone() {
                Some(a) => Ok(SignedIn(a, c)),
                None => Err(AppError::Unauthorized),
            }
        })
    }
}

pub fn render(t: impl Template) -> AppResult<HttpResponse> {
    render_status(StatusCode::OK, t)
}

pub fn render_status(status: StatusCode, t: impl Template) -> AppResult<HttpResponse> {
    let html = t.render().map_err(AppError::internal)?;
    let mut res = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html);
    res.extensions_mut()
        .insert(crate::web::errors::RenderedPage);
    Ok(res)
}

const NOTICE_COOKIE: &str = "pb_notice";

/// Post/redirect/get: after a form succeeds, go to `to` (a path on this site, else `/`) and
/// show the notice `code` once.
pub fn see_other(to: &str, notice: Option<&str>) -> HttpResponse {
    let mut res = HttpResponse::SeeOther();
    res.insert_header((header::LOCATION, local_target(Some(to), "/")));
    if let Some(code) = notice {
        res.cookie(
            Cookie::build(NOTICE_COOKIE, code.to_string())
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .finish(),
        );
    }
    res.finish()
}

/// Whether cookies must be `Secure` (and the session cookie `__Host-` prefixed).
pub fn secure(state: &AppState) -> bool {
    state.secure_cookies()
}

/// Whether the router reads this path as one under /api/ (however it was spelled:
/// `/%61pi/` is `/api/` to the router).
pub fn is_api_path(req: &HttpRequest) -> bool {
    req.match_info().as_str().starts_with("/api/")
}

/// Where unknown paths go: a JSON 404 under /api/, a page elsewhere.
pub async fn fallback(req: HttpRequest) -> AppResult<HttpResponse> {
    if is_api_path(&req) {
        return Ok(crate::web::errors::not_found());
    }
    let c = Chrome::extract(&req).await?;
    let page = ErrorPage {
        status: 404,
        message: AppError::NotFound.message(c.lang),
        back: None,
        c,
    };
    render_status(StatusCode::NOT_FOUND, page)
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    c: Chrome,
    status: u16,
    message: String,
    /// The page of this site the reader came from, to go back to.
    back: Option<String>,
}

/// The path of the page a request came from (its `Referer`), when it is a page of this site.
fn came_from(req: &HttpRequest) -> Option<String> {
    let referer = req.headers().get(header::REFERER)?.to_str().ok()?;
    let host = req.connection_info().host().to_string();
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host.as_str())?;
    path.starts_with('/')
        .then(|| local_target(Some(path), "/"))
        .filter(|p| p != req.path())
}

/// Around every page: the language cookie, the CSRF cookie, a notice shown once, and errors as
/// pages (a page that needs a signed-in user sends others to the sign-in page).
async fn pages_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // The pages' scope also receives what no other route took, /api/ paths with a method of
    // another route included: those stay JSON and are no page.
    if is_api_path(req.request()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    // Nothing may keep a clone of the request across `next.call`: the router needs it unshared.
    req.extensions_mut().insert(crate::auth::PageRequest);
    let (secure, new_csrf, lang_param, had_notice) = {
        let http = req.request();
        let secure = http
            .app_data::<web::Data<AppState>>()
            .is_some_and(|s| secure(s));
        let lang_param = http
            .query_string()
            .split('&')
            .filter_map(|kv| kv.strip_prefix("lang="))
            .find_map(Lang::parse);
        (
            secure,
            csrf::ensure(http),
            lang_param,
            http.cookie(NOTICE_COOKIE).is_some(),
        )
    };
    let res = next.call(req).await?.map_into_boxed_body();
    let http = res.request().clone();
    let err = res.response().extensions().get::<AppError>().cloned();
    let mut res = match err {
        Some(AppError::Unauthorized) if http.method() == actix_web::http::Method::GET => {
            let next_url = url_escape(&local_target(Some(&without_lang(&http)), "/dashboard"));
            let to = format!("/login?next={next_url}");
            let mut r = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, local_target(Some(&to), "/login")))
                .finish();
            r.add_removal_cookie(&session_cookie(secure, String::new()))
                .ok();
            res.into_response(r)
        }
        Some(e) => {
            let c = Chrome::extract(&http).await?;
            // A page's refusal says what to change in words, never "see fields".
            let message = match form::problem_text(e.clone(), c.lang) {
                Ok((_, text)) if !text.is_empty() => text,
                _ => e.message(c.lang),
            };
            let page = ErrorPage {
                status: e.status().as_u16(),
                message,
                back: came_from(&http),
                c,
            };
            let mut r = render_status(e.status(), page)?;
            if let Some(secs) = e.retry_after_secs() {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
            }
            res.into_response(r)
        }
        None => res,
    };
    let jar = res.response_mut();
    if let Some(token) = new_csrf {
        jar.add_cookie(&csrf::cookie(token, secure)).ok();
    }
    if let Some(lang) = lang_param {
        let tag = if lang == Lang::En { "en" } else { "zh" };
        jar.add_cookie(
            &Cookie::build("lang", tag)
                .path("/")
                .max_age(actix_web::cookie::time::Duration::days(365))
                .same_site(SameSite::Lax)
                .secure(secure)
                .finish(),
        )
        .ok();
    }
    if had_notice && !jar.headers().contains_key(header::LOCATION) {
        jar.add_removal_cookie(&Cookie::build(NOTICE_COOKIE, "").path("/").finish())
            .ok();
    }
    Ok(res)
}

/// The session cookie carrying `token`.
pub fn session_cookie(secure: bool, token: String) -> Cookie<'static> {
    let name = if secure {
        crate::auth::SECURE_SESSION_COOKIE
    } else {
        crate::auth::SESSION_COOKIE
    };
    Cookie::build(name, token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// Percent-encodes a value for a query string.
pub fn url_escape(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e[2..].to_string())
        .unwrap_or_default()
}

/// A `next=` target is only ever a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    local_target(next, "/dashboard")
}

/// The longest redirect target kept.
pub const MAX_TARGET_BYTES: usize = 2048;

/// Every redirect goes here: `target` when it is an absolute path on this site, else
/// `default`. It must start with a single `/` (not `//` or `/\`, which browsers read as
/// another host), hold no backslash, control character or whitespace — browsers drop tabs and
/// newlines from URLs, so `/\t/evil.example` would become `//evil.example` — and stay so when
/// percent-decoded once more; at most [`MAX_TARGET_BYTES`]. Characters beyond ASCII are
/// percent-encoded, so the answer is always a valid `Location` header.
pub fn local_target(target: Option<&str>, default: &str) -> String {
    fn plain_path(s: &str) -> bool {
        let b = s.as_bytes();
        b.first() == Some(&b'/')
            && !matches!(b.get(1), Some(b'/' | b'\\'))
            && !s
                .chars()
                .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    }
    let Some(t) = target else {
        return default.to_string();
    };
    if t.len() > MAX_TARGET_BYTES || !plain_path(t) {
        return default.to_string();
    }
    let decoded: String = percent_decode(t);
    let decoded_ok = decoded
        .as_bytes()
        .get(1)
        .is_none_or(|b| !matches!(b, b'/' | b'\\'))
        && !decoded
            .chars()
            .any(|c| c == '\\' || c.is_control() || c == '\u{fffd}');
    if !decoded_ok {
        return default.to_string();
    }
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `%XX` sequences decoded once (others kept as they are); bytes that are not UTF-8 become
/// U+FFFD.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_targets_stay_on_this_site() {
        let d = "/dashboard";
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r/x",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/a\\b",
            "/a b",
            "https://evil.example",
            "evil.example",
            "",
            "/%00",
            "/%ff",
            "/\u{3000}x",
        ] {
            assert_eq!(local_target(Some(bad), d), d, "{bad:?}");
        }
        assert_eq!(local_target(None, d), d);
        assert_eq!(local_target(Some(&format!("/{}", "a".repeat(3000))), d), d);
        assert_eq!(local_target(Some("/needs/3?x=1#y"), d), "/needs/3?x=1#y");
        assert_eq!(local_target(Some("/search?q=a%20b"), d), "/search?q=a%20b");
        assert_eq!(
            local_target(Some("/search?q=设备"), d),
            "/search?q=%E8%AE%BE%E5%A4%87"
        );
        assert_eq!(local_target(Some("/"), d), "/");
    }
}
