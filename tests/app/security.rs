//! Regressions of the security review (issue 10): forms that could abort the server, cookie-only
//! API writes through another spelling of the path, redirects off the site, and the smaller
//! findings (reset links, rejection notes, CSV cells, signing out, cookie names, CSRF binding).

use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::Page;

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn healthy(app: &TestApp) {
    let (s, b) = app.get("/healthz", None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn a_form_field_named_20000_levels_deep_is_refused_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let client = no_redirects();
    let deep = vec!["a"; 20_000].join(".");
    // The attack as reported: a self-chosen cookie and the same value in the form.
    let chosen = "A".repeat(43);
    let body = format!("_csrf={chosen}&{deep}=x");
    assert!(body.len() > 39_000);
    let res = client
        .post(format!("{}/login", app.base))
        .header(COOKIE, format!("pb_csrf={chosen}"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    healthy(&app).await;

    // With a valid token too, so the form code itself is reached.
    let mut page = Page::new(&app);
    let token = page.get("/login").await.csrf();
    let cookies: String = page
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    for name in [
        deep.clone(),
        format!("{}x", "a[0]".repeat(5_000)),
        "x".repeat(30_000),
        "a.b.c.d.e".to_string(),
    ] {
        let body = serde_urlencoded::to_string([("_csrf", token.as_str()), (&name, "x")]).unwrap();
        let res = client
            .post(format!("{}/login", app.base))
            .header(COOKIE, &cookies)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let html = res.text().await.unwrap();
        assert!(html.contains("<html"), "the page's error: {html}");
    }
    // Too many fields, each harmless.
    let many: Vec<(String, String)> = std::iter::once(("_csrf".to_string(), token.clone()))
        .chain((0..1_500).map(|i| (format!("f{i}"), "1".to_string())))
        .collect();
    let res = client
        .post(format!("{}/register", app.base))
        .header(COOKIE, &cookies)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(&many).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    healthy(&app).await;
    // And an honest form still works.
    let (_, reg) = app.register("sme", Some(PARK)).await;
    page.sign_in(reg["user"]["email"].as_str().unwrap(), PASSWORD)
        .await;
}

/// A published need of a verified SME: (SME token, need id).
async fn need_of_sme(app: &TestApp) -> (String, i64) {
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let id = app.published(&sme, &admin, "need", financing_need()).await;
    (sme, id)
}

async fn status_of(app: &TestApp, token: &str, id: i64) -> String {
    let (_, b) = app.get(&format!("/api/v1/needs/{id}"), Some(token)).await;
    b["status"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn no_spelling_of_an_api_path_lets_the_session_cookie_write() {
    let app = TestApp::spawn().await;
    let (sme, id) = need_of_sme(&app).await;
    let client = no_redirects();
    for path in [
        format!("/api/v1/needs/{id}/close"),
        format!("/%61pi/v1/needs/{id}/close"),
        format!("/%61%70%69/%761/needs/{id}/close"),
        format!("/api/v1/needs/{id}/%63lose"),
        format!("/api%2Fv1/needs/{id}/close"),
        format!("/api%2fv1%2fneeds%2f{id}%2fclose"),
        format!("/%2Fapi/v1/needs/{id}/close"),
        format!("//api/v1/needs/{id}/close"),
        format!("/api//v1/needs/{id}/close"),
        format!("/api/v1//needs/{id}/close"),
        format!("/%2561pi/v1/needs/{id}/close"),
        format!("/API/v1/needs/{id}/close"),
    ] {
        for content_type in ["application/json", "text/plain"] {
            let res = client
                .post(format!("{}{path}", app.base))
                .header(COOKIE, format!("pb_session={sme}"))
                .header(CONTENT_TYPE, content_type)
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(status.is_client_error(), "{path}: {status}");
            assert_eq!(status_of(&app, &sme, id).await, "published", "{path}");
        }
    }
    // The same write with the Authorization header goes through, through the encoded path too.
    let (s, b) = app
        .post(
            &format!("/%61pi/v1/needs/{id}/close"),
            Some(&sme),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "closed");
}

#[tokio::test]
async fn api_writes_take_json_only() {
    let app = TestApp::spawn().await;
    let (sme, id) = need_of_sme(&app).await;
    let patch = json!({"title": "改过的标题"}).to_string();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
        None,
    ] {
        let mut req = app
            .client
            .request(Method::PATCH, format!("{}/api/v1/needs/{id}", app.base))
            .bearer_auth(&sme)
            .body(patch.clone());
        if let Some(ct) = content_type {
            req = req.header(CONTENT_TYPE, ct);
        }
        let res = req.send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        let b: Value = res.json().await.unwrap();
        assert_eq!(b["error"]["code"], "unsupported_media_type", "{b}");
        assert_eq!(status_of(&app, &sme, id).await, "published");
    }
    // A cookie with text/plain on PATCH: refused before the body is even looked at.
    let res = app
        .client
        .patch(format!("{}/%61pi/v1/needs/{id}", app.base))
        .header(COOKIE, format!("pb_session={sme}"))
        .header(CONTENT_TYPE, "text/plain")
        .body(patch.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // JSON with a charset is JSON; an action without a body needs no content type.
    let res = app
        .client
        .patch(format!("{}/api/v1/needs/{id}", app.base))
        .bearer_auth(&sme)
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut draft = financing_need();
    draft["submit"] = json!(false);
    let (s, b) = app.post("/api/v1/needs", Some(&sme), draft).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let res = app
        .client
        .post(format!("{}/api/v1/needs/{}/submit", app.base, b["id"]))
        .bearer_auth(&sme)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{:?}", res.text().await);
    // The document says so.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    let r = &doc["paths"]["/api/v1/needs/{id}"]["patch"]["responses"]["415"];
    assert_eq!(
        r["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
}

#[tokio::test]
async fn redirect_targets_never_leave_the_site_nor_break_the_answer() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, body) = app.register("sme", Some(PARK)).await;
    let email = body["user"]["email"].as_str().unwrap().to_string();
    let hostile = [
        "/%09/evil.example",
        "/%0a/x",
        "/%0d%0aSet-Cookie:%20x=1",
        "//evil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example",
        "/%2509/evil.example",
        "/%E3%80%80/evil.example",
    ];
    for next in hostile {
        // Signed out, the login page keeps only a safe target in its form.
        let mut page = Page::new(&app);
        let a = page.get(&format!("/login?next={next}")).await;
        assert_eq!(a.status, StatusCode::OK, "{next}");
        assert!(
            a.body.contains(r#"name="next" value="/dashboard""#),
            "{next}: {}",
            a.body
        );
        // Signed in, it sends the browser on at once.
        page.use_token(&sme);
        let a = page.get(&format!("/login?next={next}")).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{next}: {}", a.body);
        assert_eq!(a.location(), "/dashboard", "{next}");
    }
    // The login form's own `next` field.
    for next in [
        "/\t/evil.example",
        "/\n/x",
        "//evil.example",
        "/\\evil.example",
    ] {
        let mut page = Page::new(&app);
        let a = page
            .submit(
                "/login",
                "/login",
                &[("email", &email), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{next:?}: {}", a.body);
        assert_eq!(a.location(), "/dashboard", "{next:?}");
    }
    // A safe target with Chinese in it is kept, encoded.
    let mut page = Page::new(&app);
    page.use_token(&sme);
    let a = page
        .get("/login?next=/search%3Fq%3D%E8%AE%BE%E5%A4%87")
        .await;
    assert_eq!(a.location(), "/search?q=%E8%AE%BE%E5%A4%87");
    // `_back` on the admin's moderation form.
    let (provider, _) = app.verified_provider(&admin).await;
    let (s, b) = app
        .post("/api/v1/offers", Some(&provider), financing_offer())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let offer = b["id"].as_i64().unwrap();
    let mut page = Page::new(&app);
    page.use_token(&admin);
    let a = page
        .submit(
            "/admin",
            &format!("/admin/offers/{offer}/approve"),
            &[("_back", "/\t/evil.example")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/admin");
    healthy(&app).await;
}

/// The reset links mailed to `email`, oldest first.
fn reset_tokens(app: &TestApp, email: &str) -> Vec<String> {
    app.outbox_of("password_reset")
        .into_iter()
        .filter(|(to, _)| to == email)
        .map(|(_, p)| {
            let url = p["reset_url"].as_str().unwrap();
            url.split("token=").nth(1).unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_new_password_spends_every_open_reset_link() {
    let app = TestApp::spawn().await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    let email = body["user"]["email"].as_str().unwrap().to_string();
    for _ in 0..2 {
        let (s, _) = app
            .post("/api/v1/auth/password-reset", None, json!({"email": email}))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED);
    }
    let links = reset_tokens(&app, &email);
    assert_eq!(links.len(), 2);
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": links[0], "new_password": "重置之后的新口令 2027 一"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": links[1], "new_password": "攻击者想要的口令 2027 二"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    app.login(&email, "重置之后的新口令 2027 一").await;

    // A change of password spends them as well.
    let (s, _) = app
        .post("/api/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let link = reset_tokens(&app, &email).pop().unwrap();
    let fresh = app.login(&email, "重置之后的新口令 2027 一").await;
    let (s, b) = app
        .call(
            Method::PUT,
            "/api/v1/me/password",
            Some(&fresh),
            Some(json!({"current_password": "重置之后的新口令 2027 一",
                        "new_password": "自己改的新口令 2027 三"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": link, "new_password": "攻击者想要的口令 2027 二"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    app.login(&email, "自己改的新口令 2027 三").await;
}

#[tokio::test]
async fn a_rejection_note_is_for_the_organisation_and_admins_only() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (own, body) = app.register("provider", None).await;
    let org = body["organization"]["id"].as_i64().unwrap();
    let (stranger, _) = app.register("sme", Some(PARK)).await;
    let note = "营业执照照片模糊，法人身份存疑";
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/reject"),
            Some(&admin),
            json!({"reason_code": "other", "note": note}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let path = format!("/api/v1/organizations/{org}");
    for who in [None, Some(stranger.as_str())] {
        let (s, b) = app.get(&path, who).await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert!(!b.to_string().contains(note), "{b}");
        assert!(b["rejection"].is_null(), "{b}");
    }
    for who in [&own, &admin] {
        let (_, b) = app.get(&path, Some(who)).await;
        assert_eq!(b["rejection"]["note"], note, "{b}");
    }
}

#[tokio::test]
async fn statistics_csv_cells_cannot_be_formulas() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let names = [
        "=HYPERLINK(\"http://evil.example\",\"点击\")",
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A2)",
        "\t=1",
    ];
    for (i, name) in names.iter().enumerate() {
        let (s, b) = app
            .post(
                "/api/v1/admin/parks",
                Some(&admin),
                json!({"name": name, "kind": "industrial_park", "city_code": "510100",
                       "level": if i % 2 == 0 { "provincial" } else { "national" }}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{name}: {b}");
    }
    let res = app
        .client
        .get(format!("{}/api/v1/admin/stats.csv", app.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    let cells: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1))
        .collect();
    assert!(!cells.is_empty());
    for cell in &cells {
        let text = cell.trim_start_matches('"');
        assert!(
            !text.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a live formula cell: {cell:?}\n{csv}"
        );
    }
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\""),
        "{csv}"
    );
    assert!(csv.contains("'@SUM(A1:A2)"), "{csv}");
}

#[tokio::test]
async fn signing_out_ends_that_token_on_the_server_at_once() {
    let app = TestApp::spawn().await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    let email = body["user"]["email"].as_str().unwrap().to_string();
    let first = app.login(&email, PASSWORD).await;
    let second = app.login(&email, PASSWORD).await;
    // Cached as valid a moment ago: the cache must not keep it alive.
    let (s, _) = app.get("/api/v1/me", Some(&first)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, b) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&first), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let (s, b) = app.get("/api/v1/me", Some(&first)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    // The user's other token lives on, and does not carry the ended one with it.
    let (s, _) = app.get("/api/v1/me", Some(&second)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get("/api/v1/me", Some(&first)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&first), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .call(Method::POST, "/api/v1/auth/logout", None, None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The page's sign-out: a copy of the cookie taken before is worthless afterwards.
    let mut page = Page::new(&app);
    page.sign_in(&email, PASSWORD).await;
    let copied = page.cookies["pb_session"].clone();
    let (s, _) = app.get("/api/v1/me", Some(&copied)).await;
    assert_eq!(s, StatusCode::OK);
    let a = page.submit("/dashboard", "/logout", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let (s, _) = app.get("/api/v1/me", Some(&copied)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let mut thief = Page::new(&app);
    thief.use_token(&copied);
    let a = thief.get("/dashboard").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(a.location().starts_with("/login"));

    // Another instance on the same database refuses it within its cache's second.
    let other = TestApp::spawn_with_index(app.db.clone(), "index-2").await;
    let (s, _) = other.get("/api/v1/me", Some(&second)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .call(Method::POST, "/api/v1/auth/logout", Some(&second), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    loop {
        let (s, _) = other.get("/api/v1/me", Some(&second)).await;
        if s == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still accepted: {s}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // The documented endpoint.
    let (_, doc) = app.get("/api/openapi.json", None).await;
    assert!(doc["paths"]["/api/v1/auth/logout"]["post"].is_object());
}

#[tokio::test]
async fn over_https_only_host_prefixed_cookies_count() {
    let app = TestApp::spawn_with(|s| s.public_url = "https://parkbridge.example".into()).await;
    let (token, _) = app.register("sme", Some(PARK)).await;
    let client = no_redirects();
    let me = |cookie: String| {
        let client = client.clone();
        let url = format!("{}/api/v1/me", app.base);
        async move {
            client
                .get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        me(format!("__Host-pb_session={token}")).await,
        StatusCode::OK
    );
    for cookie in [
        format!("pb_session={token}"),
        format!("__Host%2Dpb_session={token}"),
        format!("__host-pb_session={token}"),
        format!("__Host-pb_session%3D={token}"),
    ] {
        assert_eq!(
            me(cookie.clone()).await,
            StatusCode::UNAUTHORIZED,
            "{cookie}"
        );
    }
    // A `pb_csrf` cookie (which a sibling domain could set) is no anonymous session here: the
    // page issues a `__Host-` one, and a form posted with the plain one is refused.
    let planted = "P".repeat(43);
    let mut page = Page::new(&app);
    page.cookies.insert("pb_csrf".into(), planted.clone());
    let a = page.get("/login").await;
    assert!(
        page.cookies.contains_key("__Host-pb_csrf"),
        "{:?}",
        a.headers
    );
    let mut attacker = Page::new(&app);
    attacker.cookies.insert("pb_csrf".into(), planted.clone());
    let a = attacker.post("/login", &[("_csrf", &planted)]).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_csrf_token_belongs_to_one_session() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (victim, _) = app.verified_sme(&admin, PARK).await;
    let id = app
        .published(&victim, &admin, "need", financing_need())
        .await;
    let (attacker, _) = app.verified_sme(&admin, PARK).await;

    // Double submit of a value of one's own choosing no longer passes.
    let chosen = "C".repeat(43);
    let mut forger = Page::new(&app);
    forger.use_token(&victim);
    forger.cookies.insert("pb_csrf".into(), chosen.clone());
    let a = forger
        .post(&format!("/needs/{id}/close"), &[("_csrf", &chosen)])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // The attacker's own valid token, with the anonymous-session cookie planted in the
    // victim's browser, is still not the token of the victim's session.
    let mut own = Page::new(&app);
    own.use_token(&attacker);
    let token = own.get("/settings").await.csrf();
    let anon = own.cookies["pb_csrf"].clone();
    let mut victim_browser = Page::new(&app);
    victim_browser.use_token(&victim);
    victim_browser.cookies.insert("pb_csrf".into(), anon);
    let a = victim_browser
        .post(&format!("/needs/{id}/close"), &[("_csrf", &token)])
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, &victim, id).await, "published");

    // The victim's own page gives the token that works.
    let a = victim_browser
        .submit(&format!("/needs/{id}"), &format!("/needs/{id}/close"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(status_of(&app, &victim, id).await, "closed");
    // A token from before signing in is not the signed-in session's.
    let mut page = Page::new(&app);
    let before = page.get("/login").await.csrf();
    page.use_token(&victim);
    let after = page.get("/settings").await.csrf();
    assert_ne!(before, after);
}
