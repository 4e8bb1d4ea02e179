//! Issue 12's answering journeys in headless Chromium: a provider answers a need from the need's
//! page, an SME applies to an offer from the offer's page (the counterpart set up through the
//! API), each choosing from a drop-down that offers only what can match.

use super::{Browser, Size};
use crate::helpers::*;

async fn sign_in(b: &Browser, email: &str) {
    b.goto("/login").await;
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.click_button("登录").await;
}

fn email_of(reg: &serde_json::Value) -> String {
    reg["user"]["email"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_provider_answers_a_need_from_its_page() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let (prov, reg) = app.register("provider", None).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&admin),
        serde_json::json!({}),
    )
    .await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;

    app.drain_matching().await;
    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&b, &email_of(&reg)).await;
    b.goto(&format!("/needs/{need}")).await;
    b.wait_for_text("用我的服务响应此需求").await;
    b.select("offer_id", &offer.to_string()).await;
    b.fill("note", "我行可提供设备按揭，三个工作日内上门。")
        .await;
    b.screenshot("answer-need-zh").await;
    b.axe("answer-need-zh").await;
    b.click_button("表达合作意向").await;
    assert_eq!(b.current_path().await, format!("/offers/{offer}"));
    b.wait_for_text("已表达合作意向").await;
    assert!(
        b.text().await.contains("服务方有意向"),
        "{}",
        b.text().await
    );
    b.close().await;
}

#[tokio::test]
async fn an_sme_applies_to_an_offer_from_its_page() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (prov, _) = app.verified_provider(&admin).await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&admin),
        serde_json::json!({}),
    )
    .await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;

    app.drain_matching().await;
    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&b, &email_of(&reg)).await;
    b.goto(&format!("/offers/{offer}")).await;
    b.wait_for_text("用我的需求申请此服务").await;
    b.select("need_id", &need.to_string()).await;
    b.fill("note", "希望一个月内放款。").await;
    b.click_button("表达合作意向").await;
    assert_eq!(b.current_path().await, format!("/needs/{need}"));
    b.wait_for_text("已表达合作意向").await;
    assert!(b.text().await.contains("企业有意向"), "{}", b.text().await);
    b.close().await;
}
