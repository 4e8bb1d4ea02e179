//! Issue 12's organisation journey in headless Chromium: the park rejects a company with a
//! coded reason, the company corrects its profile and submits it again, the park verifies it.

use super::{Browser, Size};
use crate::helpers::*;

async fn sign_in(b: &Browser, email: &str) {
    b.goto("/login").await;
    b.fill("email", email).await;
    b.fill("password", PASSWORD).await;
    b.click_button("登录").await;
}

#[tokio::test]
async fn an_organisation_is_rejected_corrects_itself_and_is_verified() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let park_admin = format!("gx{}@parkbridge.test", unique());
    app.make_admin(&park_admin, "park_admin", Some(PARK));
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let name = reg["organization"]["name"].as_str().unwrap().to_string();
    let email = reg["user"]["email"].as_str().unwrap().to_string();

    // The park rejects it: no reason is chosen for the admin, who picks one.
    let park = Browser::start(&app.base, Size::Desktop, "zh-CN").await;
    sign_in(&park, &park_admin).await;
    park.goto("/admin").await;
    park.wait_for_text(&name).await;
    park.select("不通过原因", "name_mismatch").await;
    park.fill("说明（选择“其他”时必填）", "名称与营业执照不一致，请核对")
        .await;
    park.click_button("不通过").await;
    park.wait_for_text("已驳回").await;

    // The company sees why and who acts next, corrects its name and submits again.
    let sme = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&sme, &email).await;
    sme.goto("/organization").await;
    sme.wait_for_text("名称与执照不符").await;
    let text = sme.text().await;
    assert!(text.contains("名称与营业执照不一致，请核对"), "{text}");
    assert!(
        text.contains("成都高新技术产业开发区管理员"),
        "who acts next: {text}"
    );
    sme.fill("name", "成都锦程精密制造有限公司").await;
    sme.screenshot("organization-rejected-zh").await;
    sme.axe("organization-rejected-zh").await;
    sme.click_button("保存").await;
    sme.wait_for_text("机构资料已保存").await;
    sme.click_button("重新提交认证").await;
    sme.wait_for_text("已重新提交认证，等待园区管理员审核")
        .await;
    assert!(sme.text().await.contains("待认证"));

    // The park verifies the corrected company.
    park.goto("/admin").await;
    park.wait_for_text("成都锦程精密制造有限公司").await;
    park.click_button("认证通过").await;
    park.wait_for_text("机构已认证").await;
    sme.goto("/organization").await;
    sme.wait_for_text("已认证").await;
    park.close().await;
    sme.close().await;
}
