//! Issue 12's journeys of what each side needs to see and do, in headless Chromium: a colleague
//! invited by mail who sets a password and signs in; an outcome reported by one side and
//! confirmed by the other.

use super::{Browser, Size};
use crate::helpers::*;

async fn sign_in(b: &Browser, email: &str, password: &str) {
    b.goto("/login").await;
    b.fill("email", email).await;
    b.fill("password", password).await;
    b.click_button("登录").await;
}

async fn record(b: &Browser, name: &str) {
    b.screenshot(name).await;
    b.axe(name).await;
}

/// The owner invites a colleague from the members page; the colleague opens the mailed link,
/// sets a password, is signed in, and later signs in again with it; the owner removes them.
#[tokio::test]
async fn a_colleague_is_invited_and_signs_in_in_chinese_on_a_phone() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let platform = app.platform_admin().await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&platform),
        serde_json::json!({}),
    )
    .await;
    let owner_email = reg["user"]["email"].as_str().unwrap();

    let owner = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&owner, owner_email, PASSWORD).await;
    owner.click_link("成员").await;
    assert_eq!(owner.current_path().await, "/organization/members");
    owner.wait_for_text("邀请同事").await;
    // A mistyped address stays on the page, with the problem beside the field.
    owner.fill("email", "wangfang@").await;
    owner.click_button("发送邀请").await;
    owner.wait_for_text("请修改下面标出的内容").await;
    assert_eq!(
        owner.input_value("email").await.as_deref(),
        Some("wangfang@")
    );
    let beside = owner
        .js(
            "return document.getElementById('email-error').textContent",
            vec![],
        )
        .await;
    assert!(beside.as_str().is_some_and(|t| !t.is_empty()), "{beside}");
    let colleague = format!("wangfang{}@example.cn", unique());
    owner.fill("email", &colleague).await;
    owner.click_button("发送邀请").await;
    owner.wait_for_text("邀请邮件已发送").await;
    assert!(owner.text().await.contains(&colleague));
    record(&owner, "members-zh").await;

    // The mail's link opens the invitation page.
    let (_, mail) = app
        .outbox_of("invitation")
        .into_iter()
        .find(|(to, _)| *to == colleague)
        .expect("an invitation mail");
    let url = mail["accept_url"].as_str().unwrap();
    let token = url.rsplit_once("token=").unwrap().1;
    let b = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    b.goto(&format!("/invitation?token={token}")).await;
    b.wait_for_text("邀请您加入园企通上的").await;
    assert!(b.text().await.contains(&colleague));
    record(&b, "invitation-zh").await;
    b.fill("display_name", "王芳").await;
    b.fill("password", "short").await;
    b.click_button("加入并登录").await;
    b.wait_for_text("请修改下面标出的内容").await;
    assert_eq!(b.input_value("display_name").await.as_deref(), Some("王芳"));
    b.fill("password", PASSWORD).await;
    b.click_button("加入并登录").await;
    assert_eq!(b.current_path().await, "/dashboard");
    b.wait_for_text("欢迎加入").await;
    // The link is spent.
    b.goto(&format!("/invitation?token={token}")).await;
    b.wait_for_text("该邀请链接无效、已使用或已过期").await;
    // Signing out and in again with the new password.
    b.click_button("退出").await;
    sign_in(&b, &colleague, PASSWORD).await;
    assert_eq!(b.current_path().await, "/dashboard");
    b.goto("/organization/members").await;
    b.wait_for_text("只有机构负责人可以邀请或移除成员").await;

    // The owner sees both and removes the colleague.
    owner.goto("/organization/members").await;
    owner.wait_for_text("王芳").await;
    owner.click_button("移除").await;
    owner.wait_for_text("已移除该成员").await;
    assert!(!owner.text().await.contains("王芳"));
    b.goto("/dashboard").await;
    assert_eq!(b.current_path().await, "/login");
    // The same pages in English pass axe too.
    owner.goto("/organization/members?lang=en").await;
    owner.wait_for_text("Invite a colleague").await;
    record(&owner, "members-en").await;
    b.goto(&format!("/invitation?token={token}&lang=en")).await;
    b.wait_for_text("This invitation link is invalid, used or expired")
        .await;
    record(&b, "invitation-spent-en").await;
    owner.close().await;
    b.close().await;
}

/// The provider reports 6 hires of the 10 the SME asked for on its offer's page (partial); the
/// SME sees it on its need's page and confirms it; the statistics count it as confirmed.
#[tokio::test]
async fn an_outcome_is_reported_by_one_side_and_confirmed_by_the_other_in_chinese() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let platform = app.platform_admin().await;
    let (_, sme_reg) = app.register("sme", Some(PARK)).await;
    let (_, prov_reg) = app.register("provider", None).await;
    for reg in [&sme_reg, &prov_reg] {
        app.post(
            &format!(
                "/api/v1/admin/organizations/{}/verify",
                reg["organization"]["id"]
            ),
            Some(&platform),
            serde_json::json!({}),
        )
        .await;
    }
    let sme = app
        .login(sme_reg["user"]["email"].as_str().unwrap(), PASSWORD)
        .await;
    let prov = app
        .login(prov_reg["user"]["email"].as_str().unwrap(), PASSWORD)
        .await;
    let need = app
        .published(&sme, &platform, "need", recruiting_need())
        .await;
    let offer = app
        .published(&prov, &platform, "offer", recruiting_offer())
        .await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"].as_i64().expect("a match");
    app.post(
        &format!("/api/v1/matches/{m}/interest"),
        Some(&prov),
        serde_json::json!({"note": "本月 20 日有专场招聘会"}),
    )
    .await;

    // The SME reads the provider's note and says yes on its need's page, with a note of its own:
    // the page says both are connected (已对接) and shows the provider's contact.
    let s = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&s, sme_reg["user"]["email"].as_str().unwrap(), PASSWORD).await;
    s.goto(&format!("/needs/{need}")).await;
    s.wait_for_text("本月 20 日有专场招聘会").await;
    s.fill("给对方的留言（可选）", "请优先推荐有 FANUC 经验的")
        .await;
    s.click_button("有意向，联系对方").await;
    s.wait_for_text("已对接：双方都有合作意向").await;
    let text = s.text().await;
    assert!(text.contains("对方联系人"), "{text}");
    assert!(text.contains("张伟"), "{text}");

    let p = Browser::start(&app.base, Size::Phone, "zh-CN").await;
    sign_in(&p, prov_reg["user"]["email"].as_str().unwrap(), PASSWORD).await;
    p.goto(&format!("/offers/{offer}")).await;
    p.wait_for_text("报告对接结果").await;
    assert!(p.text().await.contains("请优先推荐有 FANUC 经验的"));
    p.fill("录用人数", "6").await;
    p.click_button("提交结果").await;
    p.wait_for_text("等待对方确认").await;
    let text = p.text().await;
    assert!(text.contains("部分达成"), "{text}");
    assert!(text.contains("录用 6 人（需求 10 人）"), "{text}");
    record(&p, "outcome-reported-zh").await;

    s.goto(&format!("/needs/{need}")).await;
    s.wait_for_text("待对方确认").await;
    assert!(s.text().await.contains("录用 6 人（需求 10 人）"));
    record(&s, "outcome-to-confirm-zh").await;
    s.click_button("确认结果").await;
    s.wait_for_text("已确认对接结果").await;
    assert!(s.text().await.contains("双方已确认"));

    p.goto(&format!("/offers/{offer}")).await;
    p.wait_for_text("双方已确认").await;
    assert!(!p.text().await.contains("更正对接结果"));
    let (_, stats) = app.get("/api/v1/admin/stats", Some(&platform)).await;
    assert_eq!(stats["confirmed"]["hires"], 6);
    // The statistics page shows the confirmed figure apart.
    let admin = Browser::start(&app.base, Size::Desktop, "zh-CN").await;
    let (_, me) = app.get("/api/v1/me", Some(&platform)).await;
    sign_in(&admin, me["user"]["email"].as_str().unwrap(), PASSWORD).await;
    admin.goto("/admin/stats").await;
    admin.wait_for_text("双方确认 6 / 0").await;
    record(&admin, "stats-confirmed-zh").await;
    admin.close().await;
    p.close().await;
    s.close().await;
}
