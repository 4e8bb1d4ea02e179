//! Every refusal on a page stays on a page that says what to do (issue 12): the review queue
//! after approving a posting of an organisation not yet verified, a rejection without a reason,
//! the posting page after a refused owner or match action, and the error page's way back.

use reqwest::StatusCode;

use crate::helpers::*;
use crate::pages::Page;

#[tokio::test]
async fn approving_a_posting_of_an_unverified_organisation_goes_back_to_the_queue_with_the_reason()
{
    let app = TestApp::spawn().await;
    let admin_email = format!("park{}@parkbridge.test", unique());
    app.make_admin(&admin_email, "park_admin", Some(PARK));
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let (s, need) = app
        .post("/api/v1/needs", Some(&sme), financing_need())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{need}");
    let need = need["id"].as_i64().unwrap();

    // The API marks the posting in the queue.
    let park = app.login(&admin_email, PASSWORD).await;
    let (_, q) = app.get("/api/v1/admin/queue?type=need", Some(&park)).await;
    assert_eq!(q["items"][0]["id"], need, "{q}");
    assert_eq!(q["items"][0]["organization_status"], "pending", "{q}");

    let mut page = Page::new(&app);
    page.sign_in(&admin_email, PASSWORD).await;
    let queue = page.get("/admin").await;
    assert!(queue.body.contains("发布方尚未认证"), "{}", queue.body);
    assert!(queue.body.contains("先认证该机构"));

    let a = page
        .submit("/admin", &format!("/admin/needs/{need}/approve"), &[])
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert!(a.body.contains("审核工作台"), "the queue again: {}", a.body);
    assert!(a.body.contains("发布方企业尚未通过认证，请先认证企业"));
    assert!(a.body.contains(r#"role="alert""#));

    // Verify the organisation first, from the posting's card, then approve.
    let a = page
        .submit("/admin", &format!("/admin/organizations/{org}/verify"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), "/admin");
    let queue = page.get("/admin").await;
    assert!(!queue.body.contains("发布方尚未认证"));
    let a = page
        .submit("/admin", &format!("/admin/needs/{need}/approve"), &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);

    // In English, on request.
    let (sme2, _) = app.register("sme", Some(PARK)).await;
    let (_, n2) = app
        .post("/api/v1/needs", Some(&sme2), training_need())
        .await;
    let queue = page.get("/admin?lang=en").await;
    assert!(queue.body.contains("Verify the organisation first"));
    let n2 = n2["id"].as_i64().unwrap();
    let a = page
        .submit("/admin", &format!("/admin/needs/{n2}/approve"), &[])
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(
        a.body
            .contains("organisation is not verified yet: verify it first"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn a_rejection_without_a_reason_is_refused_in_words_and_no_reason_is_chosen_by_default() {
    let app = TestApp::spawn().await;
    let admin_email = format!("park{}@parkbridge.test", unique());
    app.make_admin(&admin_email, "park_admin", Some(PARK));
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    let (_, need) = app
        .post("/api/v1/needs", Some(&sme), financing_need())
        .await;
    let need = need["id"].as_i64().unwrap();

    let mut page = Page::new(&app);
    page.sign_in(&admin_email, PASSWORD).await;
    let queue = page.get("/admin").await;
    assert!(
        queue
            .body
            .contains(r#"name="reason_code" required><option value="" selected>"#),
        "{}",
        queue.body
    );
    let a = page
        .submit(
            "/admin",
            &format!("/admin/needs/{need}/reject"),
            &[("reason_code", ""), ("note", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(a.body.contains("原因：必填"), "{}", a.body);
    assert!(!a.body.contains("fields"));

    // From the posting's own page, back to that page.
    let a = page
        .submit(
            &format!("/needs/{need}"),
            &format!("/admin/needs/{need}/reject"),
            &[("reason_code", ""), ("_back", &format!("/needs/{need}"))],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(a.body.contains("设备更新贷款 500万"), "the posting's page");
    assert!(a.body.contains("原因：必填"));
}

#[tokio::test]
async fn a_refused_owner_action_shows_the_posting_again_with_the_reason() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    let need = app
        .published(&sme, &platform, "need", financing_need())
        .await;
    let mut page = Page::new(&app);
    page.use_token(&sme);
    // Submitting a published need again is refused: said on the need's page, not a dead end.
    let a = page
        .submit(
            &format!("/needs/{need}"),
            &format!("/needs/{need}/submit"),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert!(a.body.contains("设备更新贷款 500万"));
    assert!(
        a.body.contains(r#"class="form-error" role="alert""#),
        "{}",
        a.body
    );
    assert!(!a.body.contains("返回首页"));
}

#[tokio::test]
async fn the_error_page_leads_back_to_the_page_the_reader_came_from() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&platform, PARK).await;
    let need = app
        .published(&sme, &platform, "need", financing_need())
        .await;
    // A form sent without its CSRF token, from the need's page.
    let res = reqwest::Client::new()
        .post(format!("{}/needs/{need}/close", app.base))
        .header("Cookie", format!("pb_session={sme}"))
        .header("Referer", format!("{}/needs/{need}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("x=1")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.text().await.unwrap();
    assert!(body.contains(&format!(r#"href="/needs/{need}""#)), "{body}");
    assert!(body.contains("返回上一页修改"));
    assert!(body.contains("表单已过期，请刷新页面后重试"));
    assert!(
        !body.contains("this form has expired"),
        "Chinese only: {body}"
    );
}
