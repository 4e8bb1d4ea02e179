//! An organisation's own profile (issue 12): read, corrected, sent back for verification after
//! a rejection (pending again), every change audit-logged; organisation rejections have their
//! own reason codes, `other` needing a note.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::pages::Page;

#[tokio::test]
async fn a_rejected_organisation_corrects_itself_and_is_verified_again() {
    let app = TestApp::spawn().await;
    let park = app.park_admin(PARK).await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();

    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/reject"),
            Some(&park),
            json!({"reason_code": "name_mismatch", "note": "名称应与营业执照一致"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, me) = app.get("/api/v1/organizations/me", Some(&sme)).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["status"], "rejected");
    assert_eq!(me["rejection"]["reason_code"], "name_mismatch");
    assert_eq!(me["contact"]["name"], "张伟", "its own contact: {me}");

    // Corrected: still rejected until it is submitted again.
    let new_uscc = uscc(unique());
    let (s, b) = app
        .patch(
            "/api/v1/organizations/me",
            Some(&sme),
            json!({"name": "绵阳华丰精密机械有限公司", "uscc": new_uscc, "employees": 95}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["name"], "绵阳华丰精密机械有限公司");
    assert_eq!(b["uscc"], new_uscc.as_str());
    assert_eq!(b["employees"], 95);
    assert_eq!(b["status"], "rejected");

    let (s, b) = app
        .post("/api/v1/organizations/me/resubmit", Some(&sme), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "pending");
    assert!(b["rejection"].is_null(), "{b}");
    let (s, b) = app
        .post("/api/v1/organizations/me/resubmit", Some(&sme), json!({}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "only once rejected: {b}");

    // Back in the park's queue, and verified.
    let (_, q) = app
        .get("/api/v1/admin/queue?type=organization", Some(&park))
        .await;
    assert_eq!(q["items"][0]["id"], org, "{q}");
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/verify"),
            Some(&park),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Verified: what verification checked is no longer the organisation's to change.
    let (s, b) = app
        .patch(
            "/api/v1/organizations/me",
            Some(&sme),
            json!({"name": "另一个名字有限公司"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let (s, b) = app
        .patch(
            "/api/v1/organizations/me",
            Some(&sme),
            json!({"contact_phone": "028-8888 6666", "name": "绵阳华丰精密机械有限公司"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "an unchanged name may be sent along: {b}"
    );
    assert_eq!(b["contact"]["phone"], "028-8888 6666");
    assert_eq!(b["status"], "verified");

    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&park)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "organization.reject",
        "organization.update",
        "organization.resubmit",
        "organization.verify",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn organisation_rejections_have_their_own_codes_and_other_needs_a_note() {
    let app = TestApp::spawn().await;
    let park = app.park_admin(PARK).await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/organizations/{org}/reject");
    let (s, b) = app
        .post(&path, Some(&park), json!({"reason_code": "other"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["note"].is_string(), "{b}");
    let (s, b) = app
        .post(&path, Some(&park), json!({"reason_code": "wrong_colour"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    for code in ["uscc_wrong", "not_in_park", "incomplete"] {
        let (_, reg) = app.register("sme", Some(PARK)).await;
        let id = reg["organization"]["id"].as_i64().unwrap();
        let (s, b) = app
            .post(
                &format!("/api/v1/admin/organizations/{id}/reject"),
                Some(&park),
                json!({"reason_code": code}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["rejection"]["reason_code"], code);
    }
    let (s, b) = app
        .post(
            &path,
            Some(&park),
            json!({"reason_code": "other", "note": "执照已过期"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The queue's form offers the organisation codes, none chosen.
    let email = format!("q{}@parkbridge.test", unique());
    app.make_admin(&email, "park_admin", Some(PARK));
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let mut page = Page::new(&app);
    page.sign_in(&email, PASSWORD).await;
    let q = page.get("/admin").await;
    let id = reg["organization"]["id"].as_i64().unwrap();
    let form_at = q
        .body
        .find(&format!("/admin/organizations/{id}/reject"))
        .unwrap();
    let form = &q.body[form_at..form_at + q.body[form_at..].find("</form>").unwrap()];
    for label in [
        "名称与执照不符",
        "信用代码有误",
        "不属于本园区",
        "材料不全",
        "其他",
    ] {
        assert!(form.contains(label), "{label} in {form}");
    }
    assert!(
        !form.contains("重复发布"),
        "posting codes are not offered: {form}"
    );
    assert!(form.contains(r#"<option value="" selected>"#));
}

#[tokio::test]
async fn a_profile_change_that_is_wrong_is_refused_beside_its_field() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.register("sme", Some(PARK)).await;
    let (_, other) = app.register("sme", Some(PARK)).await;
    let taken = other["organization"]["uscc"].as_str().unwrap().to_string();
    for (body, field) in [
        (json!({"uscc": "91510100MA61R8LK5X"}), "uscc"),
        (json!({"uscc": taken}), "uscc"),
        (json!({"park_id": 999_999}), "park_id"),
        (json!({"size": "huge"}), "size"),
        (json!({"employees": -1}), "employees"),
        (json!({"status": "verified"}), "status"),
    ] {
        let (s, b) = app
            .patch("/api/v1/organizations/me", Some(&sme), body.clone())
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {b}");
        assert!(b["error"]["fields"][field].is_string(), "{body}: {b}");
    }
    let (s, _) = app.get("/api/v1/organizations/me", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/organizations/me", Some(&admin)).await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "administrators have no organisation"
    );

    // The page keeps what was typed and says what is wrong beside the field.
    let mut page = Page::new(&app);
    page.use_token(&sme);
    let shown = page.get("/organization").await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("等待成都高新技术产业开发区管理员认证"),
        "{}",
        shown.body
    );
    let a = page
        .submit(
            "/organization",
            "/organization",
            &[
                ("name", "成都锦程精密制造有限公司"),
                ("uscc", "91510100MA61R8LK5X"),
                ("park_id", "1"),
                ("industry", "C"),
                ("size", "small"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(a.body.contains(r#"id="uscc-error""#), "{}", a.body);
    assert!(a.body.contains("91510100MA61R8LK5X"), "kept as typed");
    assert!(!a.body.contains("按 fields"), "{}", a.body);
    let a = page
        .submit(
            "/organization",
            "/organization",
            &[
                ("name", "成都锦程精密制造有限公司"),
                ("uscc", &uscc(unique())),
                ("park_id", "1"),
                ("industry", "C"),
                ("size", "small"),
                ("employees", "120"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let (_, me) = app.get("/api/v1/organizations/me", Some(&sme)).await;
    assert_eq!(me["name"], "成都锦程精密制造有限公司");
    assert_eq!(me["employees"], 120);
}
