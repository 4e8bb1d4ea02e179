//! Every pending or rejected message names who acts next (issue 12): platform companies and
//! their offers are reviewed by the provincial administrators, SMEs and their needs by their
//! park's administrators — never "the park" for a provider.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::pages::Page;

#[tokio::test]
async fn a_provider_is_told_the_province_acts_next() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let n = unique();
    let mut page = Page::new(&app);
    let email = format!("prov{n}@example.cn");
    let org_uscc = uscc(n);
    let a = page
        .submit(
            "/register",
            "/register",
            &[
                ("role", "provider"),
                ("email", &email),
                ("password", PASSWORD),
                ("display_name", "王磊"),
                ("organization.name", "广汉市国有资本投资运营有限公司"),
                ("organization.uscc", &org_uscc),
                ("organization.park_id", "1"),
                ("organization.industry", "L"),
                ("organization.size", "medium"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let dash = page.get("/dashboard").await;
    assert!(
        dash.body.contains("省平台管理员认证贵机构后即可发布"),
        "{}",
        dash.body
    );
    assert!(
        dash.body.contains("机构正在等待省平台管理员认证"),
        "{}",
        dash.body
    );
    assert!(!dash.body.contains("园区认证"), "{}", dash.body);

    // An offer written while pending waits for the organisation first.
    let token = app.login(&email, PASSWORD).await;
    let (s, offer) = app
        .post("/api/v1/offers", Some(&token), financing_offer())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{offer}");
    let offer = offer["id"].as_i64().unwrap();
    let shown = page.get(&format!("/offers/{offer}")).await;
    assert!(
        shown
            .body
            .contains("贵机构尚未通过认证：省平台管理员认证贵机构后，才会审核此发布。"),
        "{}",
        shown.body
    );
    let en = page.get(&format!("/offers/{offer}?lang=en")).await;
    assert!(en
        .body
        .contains("once the provincial administrators have verified it"));
    page.get("/?lang=zh").await;

    // Verified: the offer waits for the province's review.
    let (_, me) = app.get("/api/v1/me", Some(&token)).await;
    let org = me["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&admin),
        json!({}),
    )
    .await;
    let shown = page.get(&format!("/offers/{offer}")).await;
    assert!(
        shown.body.contains("等待省平台管理员审核。"),
        "{}",
        shown.body
    );
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/offers/{offer}/reject"),
            Some(&admin),
            json!({"reason_code": "incomplete"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let shown = page.get(&format!("/offers/{offer}")).await;
    assert!(shown
        .body
        .contains("请修改后重新提交，由省平台管理员重新审核。"));
    let a = page
        .submit(
            &format!("/offers/{offer}"),
            &format!("/offers/{offer}/submit"),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let shown = page.get(a.location()).await;
    assert!(
        shown.body.contains("已提交，等待省平台管理员审核。"),
        "{}",
        shown.body
    );
}

#[tokio::test]
async fn an_sme_is_told_its_park_acts_next() {
    let app = TestApp::spawn().await;
    let park = app.park_admin(PARK).await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let mut page = Page::new(&app);
    page.use_token(&sme);
    let dash = page.get("/dashboard").await;
    assert!(
        dash.body
            .contains("机构正在等待成都高新技术产业开发区管理员认证"),
        "{}",
        dash.body
    );
    app.post(
        &format!("/api/v1/admin/organizations/{org}/reject"),
        Some(&park),
        json!({"reason_code": "not_in_park", "note": "请选择实际所在园区"}),
    )
    .await;
    let dash = page.get("/dashboard").await;
    assert!(dash.body.contains("不属于本园区"), "{}", dash.body);
    assert!(
        dash.body
            .contains("请修改机构资料后重新提交，由成都高新技术产业开发区管理员重新认证"),
        "{}",
        dash.body
    );
    assert!(dash.body.contains(r#"href="/organization""#));
}
