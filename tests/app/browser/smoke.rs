//! Proves the harness: the unsubscribe page in both languages on a phone, a form page served
//! with the strict Content-Security-Policy the pages will send, and no process left behind.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};

use super::{wait_for, Browser, Size};
use crate::helpers::{TestApp, PARK};

/// The policy the pages will be served with (no inline script, no inline style).
const CSP: &str = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   frame-ancestors 'none'";

#[tokio::test]
async fn unsubscribe_page_in_chinese_and_english_on_a_phone() {
    let app = TestApp::spawn().await;
    let (_, body) = app.register("sme", Some(PARK)).await;
    let user_id = body["user"]["id"].as_i64().unwrap();
    let token = app
        .state
        .keys
        .issue_unsubscribe(user_id, "match_emails", app.clock.now());
    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;

    // A bad link: the Chinese page that says so.
    b.goto("/unsubscribe?token=bad").await;
    b.wait_for_text("退订链接无效").await;
    assert_eq!(b.js("return window.innerWidth", vec![]).await, 375);
    assert!(b.text().await.contains("通知设置"), "{}", b.text().await);
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "zh-CN"
    );
    b.assert_cjk_renders().await;
    let shot = b.screenshot("unsubscribe-invalid-zh").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 5_000, "{shot:?}");
    b.axe("unsubscribe, bad link (zh)").await;

    // A good link, in Chinese by default ...
    b.goto(&format!("/unsubscribe?token={token}")).await;
    let text = b.text().await;
    assert!(text.contains("退订成功"), "{text}");
    assert!(text.contains("匹配通知邮件"), "{text}");
    b.screenshot("unsubscribe-zh").await;
    b.axe("unsubscribe (zh)").await;

    // ... and in English with ?lang=en.
    b.goto(&format!("/unsubscribe?token={token}&lang=en")).await;
    let text = b.text().await;
    assert!(text.contains("You are unsubscribed"), "{text}");
    assert!(!text.contains("退订"), "{text}");
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "en"
    );
    b.screenshot("unsubscribe-en").await;
    b.axe("unsubscribe (en)").await;

    // Links are found by their visible Chinese text and lead to the next page.
    b.goto(&format!("/unsubscribe?token={token}")).await;
    b.click_link("返回园企通首页").await;
    assert_eq!(b.current_path().await, "/");
    b.close().await;
}

/// A page like the ones to come: strict CSP, an inline script that must not run, a form with a
/// CSRF token, Chinese labels, a select and a checkbox.
async fn fixture_form(req: HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get("accept-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>测试表单 · 园企通</title></head>
<body><script>document.documentElement.dataset.inline = 'ran';</script>
<main><h1>发布需求</h1><p id="accept">{accept}</p>
<form method="post" action="/form">
<input type="hidden" name="csrf" value="tok-123">
<p><label for="org">公司名称</label> <input id="org" name="org" required></p>
<p><label>需求类别 <select name="category"><option value="">请选择</option>
<option value="finance">融资</option><option value="hiring">招聘</option></select></label></p>
<p><label><input type="checkbox" name="agree" value="yes"> 我同意服务条款</label></p>
<p><button type="submit">提交需求</button></p>
</form></main></body></html>"#
    );
    HttpResponse::Ok()
        .insert_header(("Content-Security-Policy", CSP))
        .content_type("text/html; charset=utf-8")
        .body(html)
}

async fn fixture_post(form: web::Form<HashMap<String, String>>) -> HttpResponse {
    let f = form.into_inner();
    if f.get("csrf").map(String::as_str) != Some("tok-123") {
        return HttpResponse::Forbidden().body("csrf");
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let query = serde_urlencoded::to_string([
        ("org", get("org")),
        ("category", get("category")),
        ("agree", get("agree")),
    ])
    .unwrap();
    HttpResponse::SeeOther()
        .insert_header(("Location", format!("/done?{query}")))
        .insert_header((
            "Set-Cookie",
            "pb_session=signed-in; Path=/; HttpOnly; SameSite=Lax",
        ))
        .finish()
}

async fn fixture_done(q: web::Query<HashMap<String, String>>) -> HttpResponse {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let esc = |s: String| s.replace('&', "&amp;").replace('<', "&lt;");
    let html = format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>已提交 · 园企通</title></head>
<body><main><h1>已收到</h1><p>公司：{}</p><p>类别：{}</p><p>同意：{}</p></main></body></html>"#,
        esc(get("org")),
        esc(get("category")),
        esc(get("agree"))
    );
    HttpResponse::Ok()
        .insert_header(("Content-Security-Policy", CSP))
        .content_type("text/html; charset=utf-8")
        .body(html)
}

async fn spawn_fixture() -> (String, actix_web::dev::ServerHandle) {
    let server = HttpServer::new(|| {
        App::new()
            .route("/form", web::get().to(fixture_form))
            .route("/form", web::post().to(fixture_post))
            .route("/done", web::get().to(fixture_done))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind fixture server");
    let base = format!("http://{}", server.addrs()[0]);
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (base, handle)
}

#[tokio::test]
async fn harness_drives_a_form_under_a_strict_csp_on_desktop() {
    let (base, server) = spawn_fixture().await;
    let b = Browser::start(&base, Size::Desktop, "zh-CN").await;

    b.goto("/form").await;
    assert_eq!(b.js("return window.innerWidth", vec![]).await, 1280);
    // The policy is in force: the page's inline script was blocked ...
    assert_eq!(
        b.js(
            "return document.documentElement.dataset.inline || 'blocked'",
            vec![]
        )
        .await,
        "blocked"
    );
    // ... and yet axe-core, injected through WebDriver, runs and checks the page.
    let report = b.axe("CSP fixture form").await;
    assert!(report.passes >= 5, "{report:?}");
    // Chromium asks for the language it was started with.
    assert!(b.text().await.contains("zh-CN"), "{}", b.text().await);
    assert_eq!(b.input_value("csrf").await.as_deref(), Some("tok-123"));
    assert!(b.session_cookie().await.is_none());

    b.fill("公司名称", "成都高新区测试企业").await;
    b.select("需求类别", "融资").await;
    b.check("我同意服务条款", true).await;
    b.screenshot("harness-form-zh").await;
    b.click_button("提交需求").await;

    assert_eq!(b.current_path().await, "/done");
    assert_eq!(b.client().title().await.unwrap(), "已提交 · 园企通");
    let text = b.text().await;
    assert!(text.contains("公司：成都高新区测试企业"), "{text}");
    assert!(text.contains("类别：finance"), "{text}");
    assert!(text.contains("同意：yes"), "{text}");
    let session = b.session_cookie().await.expect("session cookie set");
    assert_eq!(session.value(), "signed-in");
    assert_eq!(session.http_only(), Some(true));
    assert_eq!(b.cookie("pb_session").await.unwrap().value(), "signed-in");

    // submit() sends the form of the last field filled, as Enter would.
    b.goto("/form").await;
    b.fill("org", "Plain <Co> & Sons").await;
    b.select("category", "hiring").await;
    b.submit().await;
    assert_eq!(b.current_path().await, "/done");
    let text = b.text().await;
    assert!(text.contains("公司：Plain <Co> & Sons"), "{text}");
    assert!(!text.contains("同意：yes"), "{text}");

    b.close().await;
    server.stop(false).await;
}

/// The process ids in process group `pgid` that are still running (not zombies).
fn live_in_group(pgid: u32) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the last ')'.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[2] == pgid.to_string() && fields[0] != "Z" {
            pids.push(pid);
        }
    }
    pids
}

#[tokio::test]
async fn a_failing_browser_test_leaves_no_process_behind() {
    let (base, server) = spawn_fixture().await;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let failing = tokio::spawn(async move {
        let b = Browser::start(&base, Size::Phone, "en").await;
        b.goto("/form").await;
        tx.send(b.driver_pid()).unwrap();
        let chromium = live_in_group(b.driver_pid());
        assert!(
            chromium.len() >= 3,
            "chromedriver and Chromium: {chromium:?}"
        );
        b.click_button("a button that is not there").await;
    });
    let pgid = rx.await.expect("browser started");
    let err = failing.await.expect_err("the test must fail");
    assert!(err.is_panic());
    wait_for(
        "chromedriver and Chromium to be gone",
        Duration::from_secs(10),
        || async {
            let left = live_in_group(pgid);
            left.is_empty().then_some(())
        },
    )
    .await;
    server.stop(false).await;
}

#[test]
#[should_panic(expected = "Run `.ci/deps`")]
fn a_missing_chromedriver_fails_and_says_to_run_ci_deps() {
    super::require_installed(&[("/nonexistent/chromedriver", "chromium-driver")]);
}
