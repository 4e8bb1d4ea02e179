//! The three journeys of issue 5 in headless Chromium, in Chinese on a phone, and one in English
//! on a desktop: every step through the pages (only the counterpart's side is set up through
//! the API). Each main page is screenshotted under `target/screenshots/` and checked with axe.

use serde_json::json;

use super::{Browser, Size};
use crate::helpers::*;

async fn sign_in(b: &Browser, email: &str, password: &str, button: &str) {
    b.goto("/login").await;
    b.fill("email", email).await;
    b.fill("password", password).await;
    b.click_button(button).await;
}

/// Screenshot and accessibility check of the page the browser is on.
async fn record(b: &Browser, name: &str) {
    b.screenshot(name).await;
    b.axe(name).await;
}

/// Fills the registration form as a person would and sends it.
async fn register(b: &Browser, role_label: &str, email: &str, org: &str, n: u32, en: bool) {
    b.goto("/register").await;
    b.check(role_label, true).await;
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.fill("display_name", "李静").await;
    b.fill("phone", "13900001111").await;
    b.fill("organization.name", org).await;
    b.fill("organization.uscc", &uscc(n)).await;
    if role_label.contains("中小企业") || role_label.contains("SME") {
        b.select("organization.park_id", &PARK.to_string()).await;
    }
    b.select("organization.industry", "C").await;
    b.select("organization.size", "small").await;
    b.fill("organization.contact_name", "李静").await;
    b.fill("organization.contact_phone", "13900001111").await;
    b.click_button(if en { "Register" } else { "注册" }).await;
}

/// An SME registers, the park verifies it, it posts a need, the park approves, it sees its
/// matches with their reasons and connects.
#[tokio::test]
async fn an_sme_registers_posts_a_need_and_connects_in_chinese_on_a_phone() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let park_admin = format!("gx{}@parkbridge.test", unique());
    app.make_admin(&park_admin, "park_admin", Some(PARK));
    let platform = app.platform_admin().await;
    let (prov, _) = app.verified_provider(&platform).await;
    app.published(&prov, &platform, "offer", financing_offer())
        .await;

    let sme = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sme.goto("/").await;
    sme.assert_cjk_renders().await;
    record(&sme, "home-zh").await;
    let n = unique();
    let email = format!("sme{n}@example.cn");
    register(
        &sme,
        "园区中小企业",
        &email,
        "成都锦程精密制造有限公司",
        n,
        false,
    )
    .await;
    assert_eq!(sme.current_path().await, "/dashboard");
    sme.wait_for_text("待认证").await;
    record(&sme, "dashboard-pending-zh").await;

    // The park admin verifies the company from the review queue.
    let park = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&park, &park_admin, PASSWORD, "登录").await;
    park.goto("/admin").await;
    park.wait_for_text("成都锦程精密制造有限公司").await;
    record(&park, "admin-queue-zh").await;
    park.click_button("认证通过").await;
    park.wait_for_text("机构已认证").await;

    // The SME posts a financing need: first the category, then only its fields.
    sme.goto("/needs/new").await;
    sme.click_link("融资").await;
    sme.fill("title", "购置五轴加工中心贷款").await;
    sme.fill(
        "description",
        "扩产需要购置两台五轴加工中心，可用设备抵押，期限三年。",
    )
    .await;
    sme.fill("financing.amount_yuan", "800").await;
    sme.fill("financing.term_months", "36").await;
    sme.select("financing.purpose", "equipment").await;
    sme.check("设备", true).await;
    sme.fill("financing.max_annual_rate_bp", "4.8").await;
    record(&sme, "need-form-zh").await;
    sme.click_button("提交审核").await;
    let need_path = sme.current_path().await;
    assert!(need_path.starts_with("/needs/"), "{need_path}");
    sme.wait_for_text("已提交，等待园区审核").await;
    assert!(sme.text().await.contains("800 万元"));

    // The park approves it.
    park.goto("/admin").await;
    park.wait_for_text("购置五轴加工中心贷款").await;
    park.click_button("审核通过").await;
    park.wait_for_text("已审核通过").await;
    app.drain_matching().await;

    // The SME sees the match, with reasons, and says it is interested.
    sme.goto(&need_path).await;
    sme.wait_for_text("匹配度").await;
    let text = sme.text().await;
    assert!(text.contains("已发布"), "{text}");
    record(&sme, "need-with-matches-zh").await;
    sme.click_button("有意向，联系对方").await;
    sme.wait_for_text("已表达合作意向").await;
    assert!(sme.text().await.contains("企业有意向"));
    sme.goto("/dashboard").await;
    sme.wait_for_text("审核通过").await;
    record(&sme, "dashboard-zh").await;
    sme.close().await;
    park.close().await;
}

/// A provider lists an offer through the form and answers an SME's interest: both are
/// connected and see each other's contact.
#[tokio::test]
async fn a_provider_lists_an_offer_and_answers_interest_in_chinese() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    app.published(&sme, &platform, "need", recruiting_need())
        .await;
    let (_, reg) = app.register("provider", None).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&platform),
        json!({}),
    )
    .await;

    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&b, reg["user"]["email"].as_str().unwrap(), PASSWORD, "登录").await;
    b.goto("/offers/new?category=recruiting").await;
    b.fill("title", "园区专场招聘会与劳务派遣").await;
    b.fill(
        "description",
        "每月举办园区专场招聘会，提供普工、技工劳务派遣，政府补贴。",
    )
    .await;
    b.check("招聘会", true).await;
    b.check("劳务派遣", true).await;
    b.select("recruiting.fee", "subsidized").await;
    b.fill("recruiting.max_headcount", "200").await;
    record(&b, "offer-form-zh").await;
    b.click_button("提交审核").await;
    let offer_path = b.current_path().await;
    let offer_id: i64 = offer_path.trim_start_matches("/offers/").parse().unwrap();
    let (s, body) = app
        .post(
            &format!("/api/v1/admin/offers/{offer_id}/approve"),
            Some(&platform),
            json!({}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{body}");
    app.drain_matching().await;

    // The SME says yes through the API; the provider answers on its offer's page.
    let (_, matches) = app
        .get(
            &format!("/api/v1/offers/{offer_id}/matches"),
            Some(&platform),
        )
        .await;
    let match_id = matches["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no match: {matches}"));
    let (s, body) = app
        .post(
            &format!("/api/v1/matches/{match_id}/interest"),
            Some(&sme),
            json!({}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{body}");
    b.goto(&offer_path).await;
    b.wait_for_text("企业有意向").await;
    record(&b, "offer-with-matches-zh").await;
    b.click_button("有意向，联系对方").await;
    b.wait_for_text("已对接").await;
    let text = b.text().await;
    assert!(text.contains("对方联系人"), "{text}");
    assert!(text.contains("张伟"), "the SME's contact is shown: {text}");
    b.close().await;
}

/// A park admin rejects a posting with a coded reason and reads the statistics.
#[tokio::test]
async fn a_park_admin_moderates_and_reads_the_statistics_in_chinese() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let park_admin = format!("gx{}@parkbridge.test", unique());
    app.make_admin(&park_admin, "park_admin", Some(PARK));
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    let (s, need) = app.post("/api/v1/needs", Some(&sme), training_need()).await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{need}");
    let title = need["title"].as_str().unwrap().to_string();
    // A loan already granted in the park, for the statistics.
    let (prov, _) = app.verified_provider(&platform).await;
    let need_id = app
        .published(&sme, &platform, "need", financing_need())
        .await;
    app.published(&prov, &platform, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    let (_, matches) = app
        .get(&format!("/api/v1/needs/{need_id}/matches"), Some(&sme))
        .await;
    let m = matches["items"][0]["id"].as_i64().unwrap();
    for who in [&sme, &prov] {
        app.post(
            &format!("/api/v1/matches/{m}/interest"),
            Some(who),
            json!({}),
        )
        .await;
    }
    let (s, body) = app
        .post(
            &format!("/api/v1/matches/{m}/outcome"),
            Some(&sme),
            json!({"result": "succeeded", "amount_yuan": 3_000_000}),
        )
        .await;
    assert_eq!(s, reqwest::StatusCode::OK, "{body}");

    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&b, &park_admin, PASSWORD, "登录").await;
    b.goto("/admin").await;
    b.wait_for_text(&title).await;
    b.select("驳回原因", "incomplete").await;
    b.fill("说明（可选）", "请补充培训人数和时间安排").await;
    b.click_button("驳回").await;
    b.wait_for_text("已驳回").await;
    let (_, after) = app
        .get(&format!("/api/v1/needs/{}", need["id"]), Some(&sme))
        .await;
    assert_eq!(after["status"], "rejected");
    assert_eq!(after["rejection"]["reason_code"], "incomplete");

    b.goto("/admin/stats").await;
    b.wait_for_text("对接成效统计").await;
    assert!(b.text().await.contains("300 万元"), "{}", b.text().await);
    let svgs = b
        .js(
            "return document.querySelectorAll('svg.chart').length",
            vec![],
        )
        .await;
    assert!(svgs.as_u64().unwrap() >= 4, "{svgs}");
    record(&b, "stats-zh").await;
    let csv = b
        .js(
            "return document.querySelector('a[href^=\"/api/v1/admin/stats.csv\"]').textContent",
            vec![],
        )
        .await;
    assert_eq!(csv, "下载 CSV");
    b.close().await;
}

/// One journey in English on a desktop: the SME registers, posts a training need and finds it
/// on its dashboard; the main pages in English are screenshotted and checked.
#[tokio::test]
async fn an_sme_works_in_english_on_a_desktop() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let platform = app.platform_admin().await;
    let (prov, _) = app.verified_provider(&platform).await;
    app.published(&prov, &platform, "offer", training_offer())
        .await;

    let b = Browser::start(&app.base, Size::Desktop, "en-US").await;
    b.goto("/?lang=en").await;
    assert_eq!(
        b.js("return document.documentElement.lang", vec![]).await,
        "en"
    );
    record(&b, "home-en").await;
    b.goto("/search").await;
    b.wait_for_text("Search needs and offers").await;
    record(&b, "search-en").await;
    b.goto("/parks").await;
    record(&b, "parks-en").await;
    let n = unique();
    let email = format!("en{n}@example.cn");
    b.goto("/register").await;
    record(&b, "register-en").await;
    register(
        &b,
        "SME in a park",
        &email,
        "Chengdu Jincheng Precision Co.",
        n,
        true,
    )
    .await;
    assert_eq!(b.current_path().await, "/dashboard");
    b.wait_for_text("Awaiting verification").await;

    b.goto("/needs/new").await;
    b.click_link("Training").await;
    b.fill("title", "CNC operator training").await;
    b.fill(
        "description",
        "Twenty operators need CNC programming training, on site.",
    )
    .await;
    b.fill("training.topic", "CNC programming").await;
    b.fill("training.headcount", "20").await;
    b.select("training.format", "onsite").await;
    b.fill("training.budget_yuan", "30000").await;
    record(&b, "need-form-en").await;
    b.click_button("Save as draft").await;
    b.wait_for_text("Saved.").await;
    let text = b.text().await;
    assert!(text.contains("Draft"), "{text}");
    assert!(text.contains("¥30,000"), "{text}");
    record(&b, "need-en").await;
    b.goto("/dashboard").await;
    b.wait_for_text("CNC operator training").await;
    record(&b, "dashboard-en").await;
    b.goto("/settings").await;
    record(&b, "settings-en").await;

    // A field error in English, beside its field.
    b.goto("/needs/new?category=training").await;
    b.fill("title", "x").await;
    b.click_button("Submit for review").await;
    b.wait_for_text("is required").await;
    let beside = b
        .js(
            "return document.getElementById('training.topic-error').textContent",
            vec![],
        )
        .await;
    assert_eq!(beside, "is required");
    assert_eq!(b.input_value("title").await.as_deref(), Some("x"));
    record(&b, "need-form-errors-en").await;
    b.close().await;
}

/// The admin pages and the Chinese pages not visited above, screenshotted and checked.
#[tokio::test]
async fn the_remaining_main_pages_pass_axe_in_both_languages() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    let (prov, _) = app.verified_provider(&platform).await;
    app.published(&sme, &platform, "need", financing_need())
        .await;
    app.published(&prov, &platform, "offer", financing_offer())
        .await;
    app.register("sme", Some(PARK)).await;
    app.drain_matching().await;

    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    for (path, name) in [
        ("/search?q=%E8%B4%B7%E6%AC%BE", "search-zh"),
        ("/parks", "parks-zh"),
        ("/login", "login-zh"),
        ("/register", "register-zh"),
    ] {
        b.goto(path).await;
        record(&b, name).await;
    }
    b.goto("/login?next=/admin").await;
    b.fill("email", &admin_email(&app, &platform).await).await;
    b.fill("password", PASSWORD).await;
    b.click_button("登录").await;
    assert_eq!(b.current_path().await, "/admin");
    record(&b, "admin-queue-platform-zh").await;
    b.goto("/admin/stats?lang=en").await;
    b.wait_for_text("Outcomes").await;
    record(&b, "stats-en").await;
    b.goto("/admin?lang=en").await;
    record(&b, "admin-queue-en").await;
    b.goto("/settings?lang=zh").await;
    record(&b, "settings-zh").await;
    // The API page works offline: nothing but this site's own stylesheet.
    b.goto("/api/docs").await;
    b.wait_for_text("/api/v1/search").await;
    let foreign = b
        .js(
            "return performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith(location.origin)).length",
            vec![],
        )
        .await;
    assert_eq!(foreign, 0);
    // Axe only: a full-page screenshot of every operation would be 250,000 pixels tall.
    b.axe("api-docs").await;
    b.close().await;
}

async fn admin_email(app: &TestApp, token: &str) -> String {
    let (_, me) = app.get("/api/v1/me", Some(token)).await;
    me["user"]["email"].as_str().unwrap().to_string()
}
