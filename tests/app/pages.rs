//! The pages over plain HTTP (the browser tests drive the same pages in Chromium): languages,
//! security headers, CSRF, the session cookie, forms that keep input and show field errors,
//! and the three roles' jobs done through forms only.

use std::collections::HashMap;

use reqwest::header::{HeaderMap, CONTENT_TYPE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

/// A browser without JavaScript: keeps cookies, does not follow redirects, fills in forms.
pub struct Page {
    base: String,
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
    /// Every Set-Cookie header seen, as sent.
    pub set_cookies: Vec<String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first form's CSRF field.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find(r#"name="_csrf" value=""#)
            .expect("the page has a form with a CSRF token");
        let rest = &self.body[at + r#"name="_csrf" value=""#.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

impl Page {
    pub fn new(app: &TestApp) -> Page {
        Page {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            set_cookies: vec![],
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn take(&mut self, res: reqwest::Response) -> Answer {
        for v in res.headers().get_all(SET_COOKIE) {
            let line = v.to_str().unwrap().to_string();
            let pair = line.split(';').next().unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            let removed = val.is_empty() || line.contains("Max-Age=0");
            if removed {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
            self.set_cookies.push(line);
        }
        Answer {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap_or_default(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.take(res).await
    }

    /// Posts a form as a browser would (the CSRF token is whatever the caller puts in).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
            .await
            .unwrap();
        self.take(res).await
    }

    /// Opens `page`, then submits a form to `action` with the page's CSRF token.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Answer {
        let token = self.get(page).await.csrf();
        let mut all = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Signs in through the login form.
    pub async fn sign_in(&mut self, email: &str, password: &str) {
        let a = self
            .submit(
                "/login",
                "/login",
                &[
                    ("email", email),
                    ("password", password),
                    ("next", "/dashboard"),
                ],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
        assert_eq!(a.location(), "/dashboard");
    }

    /// Uses an API token as the session cookie (the cookie holds the same token).
    pub fn use_token(&mut self, token: &str) {
        self.cookies.insert("pb_session".into(), token.into());
    }
}

fn email_of(reg: &serde_json::Value) -> String {
    reg["user"]["email"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn pages_speak_chinese_first_english_on_request_and_send_security_headers() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let mut page = Page::new(&app);
    for path in [
        "/",
        "/search",
        "/parks",
        "/login",
        "/register",
        "/forgot-password",
    ] {
        let a = page.get(path).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert!(a.body.contains(r#"<html lang="zh-CN">"#), "{path}");
        let csp = a.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(a.headers["x-content-type-options"], "nosniff");
        assert!(a.headers.contains_key("referrer-policy"));
        assert!(!a.body.contains("<script"), "{path} has a script");
        assert!(!a.body.contains("style=\""), "{path} has an inline style");
    }
    let a = page.get("/login?lang=en").await;
    assert!(a.body.contains(r#"<html lang="en">"#));
    assert!(a.body.contains("Sign in"));
    // The choice is remembered.
    assert_eq!(page.cookies.get("lang").map(String::as_str), Some("en"));
    let a = page.get("/parks").await;
    assert!(a.body.contains("Park directory"), "{}", a.body);
    let a = page.get("/parks?lang=zh").await;
    assert!(a.body.contains("园区名录"));
    // Unknown pages are pages too; unknown API paths stay JSON.
    let a = page.get("/no/such/page").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("找不到该页面"));
    let a = page.get("/api/v1/no/such").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("\"not_found\""), "{}", a.body);
}

#[tokio::test]
async fn forms_without_the_csrf_token_change_nothing() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(1)).await;
    let email = email_of(&reg);
    let mut page = Page::new(&app);
    page.get("/login").await;
    assert!(page.cookies.contains_key("pb_csrf"));
    let fields = [("email", email.as_str()), ("password", PASSWORD)];
    let a = page.post("/login", &fields).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.body.contains("表单已过期"), "{}", a.body);
    let mut with_wrong = vec![("_csrf", "x".repeat(43))];
    with_wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
    let wrong: Vec<(&str, &str)> = with_wrong.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let a = page.post("/login", &wrong).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(!page.cookies.contains_key("pb_session"));

    // Signed in, a forged form cannot close a posting either.
    page.sign_in(&email, PASSWORD).await;
    let (token, _) = (page.cookies["pb_session"].clone(), ());
    let (s, b) = app
        .post("/api/v1/needs", Some(&token), financing_need())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let a = page.post(&format!("/needs/{id}/close"), &[]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let (_, b) = app.get(&format!("/api/v1/needs/{id}"), Some(&token)).await;
    assert_ne!(b["status"], "closed");
    // GET never changes anything.
    let a = page.get(&format!("/needs/{id}/close")).await;
    assert_ne!(a.status, StatusCode::SEE_OTHER);
    let (_, b) = app.get(&format!("/api/v1/needs/{id}"), Some(&token)).await;
    assert_ne!(b["status"], "closed");
}

#[tokio::test]
async fn the_api_takes_the_session_cookie_for_reads_only() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("sme", Some(1)).await;
    let client = reqwest::Client::new();
    let cookie = format!("pb_session={token}");
    let res = client
        .get(format!("{}/api/v1/me", app.base))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = client
        .post(format!("{}/api/v1/needs", app.base))
        .header("Cookie", &cookie)
        .json(&financing_need())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn signing_in_sets_a_hardened_session_cookie_and_signing_out_removes_it() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("provider", None).await;
    let email = email_of(&reg);
    let mut page = Page::new(&app);
    // A wrong password shows the form again, with the address kept and the password not.
    let a = page
        .submit(
            "/login",
            "/login",
            &[
                ("email", email.as_str()),
                ("password", "wrong password 123"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.body.contains(&format!(r#"value="{email}""#)));
    assert!(a.body.contains("邮箱或密码不正确"), "{}", a.body);
    assert!(!a.body.contains("wrong password 123"));

    page.sign_in(&email, PASSWORD).await;
    let line = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("pb_session="))
        .unwrap();
    assert!(line.contains("HttpOnly"), "{line}");
    assert!(line.contains("SameSite=Lax"), "{line}");
    assert!(line.contains("Path=/"), "{line}");
    let a = page.get("/dashboard").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("我的服务"), "{}", a.body);

    let a = page.submit("/dashboard", "/logout", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(!page.cookies.contains_key("pb_session"));
    let a = page.get("/dashboard").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), "/login?next=%2Fdashboard");
}

#[tokio::test]
async fn over_https_the_cookies_are_secure_and_host_only() {
    let app = TestApp::spawn_with(|s| s.public_url = "https://parkbridge.example".into()).await;
    let (_, reg) = app.register("sme", Some(1)).await;
    let mut page = Page::new(&app);
    page.get("/login").await;
    let csrf_line = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-pb_csrf="))
        .expect("the CSRF cookie is __Host- prefixed");
    assert!(csrf_line.contains("Secure"));
    let a = page
        .submit(
            "/login",
            "/login",
            &[("email", &email_of(&reg)), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let line = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-pb_session="))
        .expect("the session cookie is __Host- prefixed");
    assert!(line.contains("Secure") && line.contains("HttpOnly") && line.contains("Path=/"));
    assert!(!line.contains("Domain="));
}

#[tokio::test]
async fn the_registration_form_keeps_what_was_typed_and_shows_each_error_beside_its_field() {
    let app = TestApp::spawn().await;
    let mut page = Page::new(&app);
    let a = page
        .submit(
            "/register",
            "/register",
            &[
                ("role", "sme"),
                ("email", "not-an-address"),
                ("password", "secret-password-typed"),
                ("display_name", "王芳"),
                ("organization.name", "成都蓉欣食品有限公司"),
                ("organization.uscc", "12345"),
                ("organization.industry", "C"),
                ("organization.size", "small"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains(r#"value="成都蓉欣食品有限公司""#));
    assert!(a.body.contains(r#"value="王芳""#));
    assert!(!a.body.contains("secret-password-typed"));
    for field in ["email", "organization.uscc", "organization.park_id"] {
        assert!(
            a.body.contains(&format!(r#"id="{field}-error""#)),
            "no error beside {field}"
        );
        assert!(a
            .body
            .contains(&format!(r#"aria-describedby="{field}-error""#)));
    }
    assert!(a.body.contains("邮箱地址格式不正确"));
    assert!(a.body.contains(r#"<option value="C" selected>"#));

    // In English, the same errors in English.
    page.get("/register?lang=en").await;
    let a = page
        .submit(
            "/register",
            "/register",
            &[("role", "provider"), ("email", "x@y")],
        )
        .await;
    assert!(a.body.contains("is required"), "{}", a.body);

    // Done right, the account exists and the browser is signed in.
    let n = unique();
    let email = format!("page{n}@example.cn");
    let a = page
        .submit(
            "/register",
            "/register",
            &[
                ("role", "sme"),
                ("email", &email),
                ("password", PASSWORD),
                ("display_name", "王芳"),
                ("organization.name", "成都蓉欣食品有限公司"),
                ("organization.uscc", &uscc(n)),
                ("organization.park_id", "1"),
                ("organization.industry", "C"),
                ("organization.size", "small"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/dashboard");
    let a = page.get("/dashboard?lang=zh").await;
    assert!(a.body.contains("待认证"), "{}", a.body);
    assert!(a.body.contains("注册成功"), "the notice is shown once");
    let a = page.get("/dashboard").await;
    assert!(!a.body.contains("注册成功"));
}

/// The three jobs through the pages alone: an SME posts a need, the park verifies and
/// approves it, a provider answers, both connect, the SME reports the loan, and the park reads
/// it in the statistics.
#[tokio::test]
async fn three_roles_do_their_jobs_through_the_pages() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let park_admin_email = format!("park{}@parkbridge.test", unique());
    app.make_admin(&park_admin_email, "park_admin", Some(1));
    let platform = app.platform_admin().await;
    let (_, sme_reg) = app.register("sme", Some(1)).await;
    let (_, prov_reg) = app.register("provider", None).await;
    let sme_org = sme_reg["organization"]["id"].as_i64().unwrap();
    let prov_org = prov_reg["organization"]["id"].as_i64().unwrap();

    let mut park = Page::new(&app);
    park.sign_in(&park_admin_email, PASSWORD).await;
    let queue = park.get("/admin").await;
    assert!(queue
        .body
        .contains(sme_reg["organization"]["name"].as_str().unwrap()));
    let a = park
        .submit(
            "/admin",
            &format!("/admin/organizations/{sme_org}/verify"),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    // Providers are verified by the platform (through the API here).
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/organizations/{prov_org}/verify"),
            Some(&platform),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // The SME posts a financing need in 万元.
    let mut sme = Page::new(&app);
    sme.sign_in(&email_of(&sme_reg), PASSWORD).await;
    let form = sme.get("/needs/new?category=financing").await;
    assert!(form.body.contains("金额（万元）"));
    assert!(
        !form.body.contains("training.topic"),
        "only the chosen category's fields"
    );
    let a = sme
        .submit(
            "/needs/new?category=financing",
            "/needs/new",
            &[
                ("category", "financing"),
                ("title", "设备更新贷款 500 万元"),
                ("description", "购置数控机床，需要中期贷款，可用设备抵押。"),
                ("financing.amount_yuan", "500"),
                ("financing.term_months", "36"),
                ("financing.purpose", "equipment"),
                ("financing.collateral", "equipment"),
                ("financing.collateral", "property"),
                ("financing.max_annual_rate_bp", "4.5"),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let need_path = a.location().to_string();
    let need_id: i64 = need_path.trim_start_matches("/needs/").parse().unwrap();
    let (_, need) = app
        .get(&format!("/api/v1/needs/{need_id}"), Some(&platform))
        .await;
    assert_eq!(need["financing"]["amount_yuan"], 5_000_000);
    assert_eq!(need["financing"]["max_annual_rate_bp"], 450);
    assert_eq!(need["status"], "pending_review");
    let page = sme.get(&need_path).await;
    assert!(page.body.contains("500 万元"), "{}", page.body);
    assert!(page.body.contains("待审核"));

    // A mistake in the form comes back with the field marked.
    let a = sme
        .submit(
            "/needs/new?category=financing",
            "/needs/new",
            &[
                ("category", "financing"),
                ("title", "流动资金"),
                ("description", "补充流动资金"),
                ("financing.amount_yuan", "-3"),
                ("financing.term_months", "12"),
                ("financing.purpose", "working_capital"),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains(r#"id="financing.amount_yuan-error""#));
    assert!(a.body.contains(r#"id="financing.collateral-error""#));
    assert!(a.body.contains(r#"value="流动资金""#));

    // The park approves it from the need's page.
    let page = park.get(&need_path).await;
    assert!(page.body.contains("审核通过"));
    let a = park
        .submit(&need_path, &format!("/admin/needs/{need_id}/approve"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);

    // The provider lists an offer through the form; the platform approves it.
    let mut prov = Page::new(&app);
    prov.sign_in(&email_of(&prov_reg), PASSWORD).await;
    let a = prov
        .submit(
            "/offers/new?category=financing",
            "/offers/new",
            &[
                ("category", "financing"),
                ("title", "设备按揭贷"),
                (
                    "description",
                    "面向园区制造企业的设备购置贷款，可设备抵押。",
                ),
                ("financing.product_type", "设备按揭贷"),
                ("financing.amount_min_yuan", "100"),
                ("financing.amount_max_yuan", "2000"),
                ("financing.term_min_months", "12"),
                ("financing.term_max_months", "60"),
                ("financing.annual_rate_min_bp", "3.6"),
                ("financing.annual_rate_max_bp", "4.2"),
                ("financing.collateral_accepted", "equipment"),
                ("financing.collateral_accepted", "property"),
                ("submit", "true"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let offer_path = a.location().to_string();
    let offer_id: i64 = offer_path.trim_start_matches("/offers/").parse().unwrap();
    let mut platform_page = Page::new(&app);
    platform_page.use_token(&platform);
    let a = platform_page
        .submit("/admin", &format!("/admin/offers/{offer_id}/approve"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    app.drain_matching().await;

    // The SME sees the match with its reasons and says yes.
    let page = sme.get(&need_path).await;
    assert!(page.body.contains("设备按揭贷"), "{}", page.body);
    assert!(page.body.contains("匹配度"));
    let (_, matches) = app
        .get(&format!("/api/v1/needs/{need_id}/matches"), Some(&platform))
        .await;
    let match_id = matches["items"][0]["id"].as_i64().unwrap();
    let a = sme
        .submit(
            &need_path,
            &format!("/matches/{match_id}/interest"),
            &[("_back", &need_path)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.location(), need_path);

    // The provider answers the interest from its offer's page; both see each other's contact.
    let page = prov.get(&offer_path).await;
    assert!(page.body.contains("企业有意向"), "{}", page.body);
    let a = prov
        .submit(
            &offer_path,
            &format!("/matches/{match_id}/interest"),
            &[("_back", &offer_path)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let page = sme.get(&need_path).await;
    assert!(page.body.contains("已对接"), "{}", page.body);
    assert!(page.body.contains("对方联系人"));

    // The SME reports 300 万元 lent; the park reads it in the statistics.
    let a = sme
        .submit(
            &need_path,
            &format!("/matches/{match_id}/outcome"),
            &[
                ("_back", &need_path),
                ("result", "succeeded"),
                ("amount_yuan", "300"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let stats = park.get("/admin/stats").await;
    assert_eq!(stats.status, StatusCode::OK);
    assert!(stats.body.contains("300 万元"), "{}", stats.body);
    assert!(stats.body.contains("<svg"));
    let csv = park.get("/api/v1/admin/stats.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("3000000"), "{}", csv.body);

    // The SME's dashboard shows the need's timeline.
    let dash = sme.get("/dashboard").await;
    assert!(dash.body.contains("审核通过"), "{}", dash.body);

    // Other roles are kept out of the review pages.
    let a = sme.get("/admin").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = prov.get("/needs/new").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn settings_change_mail_saved_searches_and_password() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let (_, reg) = app.register("provider", None).await;
    let email = email_of(&reg);
    let mut page = Page::new(&app);
    page.sign_in(&email, PASSWORD).await;

    let a = page
        .submit(
            "/settings",
            "/settings/notifications",
            &[("match_emails", "daily")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let s = page.get("/settings").await;
    assert!(
        s.body.contains(r#"<option value="daily" selected>"#),
        "{}",
        s.body
    );

    let a = page
        .submit(
            "/search?q=%E8%B4%B7%E6%AC%BE&category=financing",
            "/saved-searches",
            &[
                ("name", "贷款"),
                ("frequency", "weekly"),
                ("query.q", "贷款"),
                ("query.category", "financing"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let s = page.get("/settings").await;
    assert!(s.body.contains("“贷款”"), "{}", s.body);
    let saved = page.cookies.clone();
    let token = saved["pb_session"].clone();
    let (_, list) = app.get("/api/v1/me/saved-searches", Some(&token)).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    assert_eq!(list["items"][0]["frequency"], "weekly");
    let a = page
        .submit("/settings", &format!("/saved-searches/{id}/delete"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let (_, list) = app.get("/api/v1/me/saved-searches", Some(&token)).await;
    assert_eq!(list["total"], 0);

    // A wrong current password is an error beside that field; the right one signs out others.
    let a = page
        .submit(
            "/settings",
            "/settings/password",
            &[
                ("current_password", "nope nope nope"),
                ("new_password", "另一个 strong pass 2027"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.body.contains(r#"id="current_password-error""#));
    let a = page
        .submit(
            "/settings",
            "/settings/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "另一个 strong pass 2027"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let (s, _) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "the old session no longer works"
    );
    let a = page.get("/settings").await;
    assert_eq!(a.status, StatusCode::OK, "this browser got a fresh session");
}

#[tokio::test]
async fn forgotten_password_and_email_confirmation_work_from_the_mail_links() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(2)).await;
    let email = email_of(&reg);
    let mut page = Page::new(&app);

    // Confirming is a button on the page the link opens, never the GET itself.
    let (_, confirm) = app.outbox_of("email_confirmation").pop().unwrap();
    let url = confirm["confirm_url"].as_str().unwrap();
    let path = &url[url.find("/confirm-email").unwrap()..];
    let token = &path[path.find("token=").unwrap() + 6..];
    page.get(path).await;
    let (_, me) = app
        .get("/api/v1/me", Some(&app.login(&email, PASSWORD).await))
        .await;
    assert_eq!(me["user"]["email_confirmed"], false);
    let a = page
        .submit(path, "/confirm-email", &[("token", token)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let (_, me) = app
        .get("/api/v1/me", Some(&app.login(&email, PASSWORD).await))
        .await;
    assert_eq!(me["user"]["email_confirmed"], true);

    let a = page
        .submit("/forgot-password", "/forgot-password", &[("email", &email)])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let (_, reset) = app.outbox_of("password_reset").pop().unwrap();
    let url = reset["reset_url"].as_str().unwrap();
    let path = &url[url.find("/reset-password").unwrap()..];
    let token = &path[path.find("token=").unwrap() + 6..];
    let a = page
        .submit(
            path,
            "/reset-password",
            &[
                ("token", "forged"),
                ("new_password", "新密码 strong 2027 pass"),
            ],
        )
        .await;
    assert!(a.status.is_client_error(), "{}", a.status);
    assert!(a.body.contains(r#"class="form-error""#), "{}", a.body);
    assert!(!page.cookies.contains_key("pb_session"));
    let a = page
        .submit(
            path,
            "/reset-password",
            &[
                ("token", token),
                ("new_password", "新密码 strong 2027 pass"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(page.cookies.contains_key("pb_session"));
    app.login(&email, "新密码 strong 2027 pass").await;
}

/// Who reaches which page: signed-out visitors are sent to sign in, the wrong role is refused.
#[tokio::test]
async fn each_role_reaches_its_own_pages_only() {
    let app = TestApp::spawn().await;
    let (sme, _) = app.register("sme", Some(1)).await;
    let (provider, _) = app.register("provider", None).await;
    let park_admin = app.park_admin(1).await;
    let platform = app.platform_admin().await;
    let pages = [
        "/dashboard",
        "/needs/new",
        "/offers/new",
        "/admin",
        "/admin/stats",
        "/settings",
    ];
    let see = StatusCode::SEE_OTHER;
    let (ok, no) = (StatusCode::OK, StatusCode::FORBIDDEN);
    let table: [(&str, Option<&str>, [StatusCode; 6]); 5] = [
        ("visitor", None, [see, see, see, see, see, see]),
        ("sme", Some(&sme), [ok, ok, no, no, no, ok]),
        ("provider", Some(&provider), [ok, no, ok, no, no, ok]),
        ("park admin", Some(&park_admin), [see, no, no, ok, ok, ok]),
        ("platform admin", Some(&platform), [see, no, no, ok, ok, ok]),
    ];
    for (who, token, expected) in table {
        let mut page = Page::new(&app);
        if let Some(t) = token {
            page.use_token(t);
        }
        for (path, want) in pages.iter().zip(expected) {
            let a = page.get(path).await;
            assert_eq!(a.status, want, "{who} on {path}");
            if want == see && token.is_none() {
                assert!(a.location().starts_with("/login?next="), "{who} on {path}");
            }
        }
    }
}
