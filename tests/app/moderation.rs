use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_park_admin_moderates_only_their_own_parks_smes_and_needs() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let mine = app.park_admin(PARK).await;
    let theirs = app.park_admin(OTHER_PARK).await;

    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let (_, provider_reg) = app.register("provider", None).await;
    let provider_org = provider_reg["organization"]["id"].as_i64().unwrap();

    let (_, q) = app
        .get("/api/v1/admin/queue?type=organization", Some(&mine))
        .await;
    let ids: Vec<i64> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        [org],
        "a park admin sees their park's SMEs, not providers"
    );
    let (_, q) = app
        .get("/api/v1/admin/queue?type=organization", Some(&theirs))
        .await;
    assert_eq!(q["total"], 0);
    let (_, q) = app
        .get("/api/v1/admin/queue?type=organization", Some(&platform))
        .await;
    assert_eq!(q["total"], 2);
    assert_eq!(q["items"][0]["id"], org, "oldest first");

    let (s, _) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/verify"),
            Some(&theirs),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/organizations/{provider_org}/verify"),
            Some(&mine),
            json!({}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "providers are verified by platform admins"
    );
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/verify"),
            Some(&mine),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "verified");
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/verify"),
            Some(&mine),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (_, need) = app.post("/api/v1/needs", Some(&sme), training_need()).await;
    let need = need["id"].as_i64().unwrap();
    let (_, q) = app
        .get("/api/v1/admin/queue?type=need", Some(&theirs))
        .await;
    assert_eq!(q["total"], 0);
    let (_, q) = app.get("/api/v1/admin/queue?type=need", Some(&mine)).await;
    assert_eq!(q["items"][0]["id"], need);
    assert_eq!(q["items"][0]["queue"], "need");
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/needs/{need}/approve"),
            Some(&theirs),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .get(&format!("/api/v1/needs/{need}"), Some(&theirs))
        .await;
    assert_eq!(
        s,
        StatusCode::NOT_FOUND,
        "another park's needs in review stay private"
    );
    let (s, b) = app.get(&format!("/api/v1/needs/{need}"), Some(&mine)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b["timeline"].is_array());
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/needs/{need}/approve"),
            Some(&mine),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&mine)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "posting.approve",
            "organization.verify",
            "user.create_admin"
        ]
    );
    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&theirs)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["user.create_admin"],
        "a park admin reads their own park's log only"
    );
}

#[tokio::test]
async fn offers_are_moderated_by_platform_admins() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let park_admin = app.park_admin(PARK).await;
    let (provider, _) = app.verified_provider(&platform).await;
    let (_, offer) = app
        .post("/api/v1/offers", Some(&provider), financing_offer())
        .await;
    let id = offer["id"].as_i64().unwrap();
    let (_, q) = app
        .get("/api/v1/admin/queue?type=offer", Some(&park_admin))
        .await;
    assert_eq!(q["total"], 0);
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/offers/{id}/approve"),
            Some(&park_admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, q) = app.get("/api/v1/admin/queue", Some(&platform)).await;
    let kinds: Vec<&str> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["queue"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"offer"), "{q}");
    let (s, b) = app
        .get("/api/v1/admin/queue?type=castle", Some(&platform))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
}

#[tokio::test]
async fn a_rejected_organisation_cannot_post_and_its_reason_is_kept() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{org}/reject"),
            Some(&platform),
            json!({"reason_code": "not_eligible", "note": "营业执照与信用代码不符"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "rejected");
    assert_eq!(b["rejection"]["reason_code"], "not_eligible");
    let (_, me) = app.get("/api/v1/me", Some(&sme)).await;
    assert_eq!(
        me["organization"]["rejection"]["note"],
        "营业执照与信用代码不符"
    );
    let (s, _) = app
        .post("/api/v1/needs", Some(&sme), financing_need())
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(app
        .outbox_kinds()
        .contains(&"organization_rejected".to_string()));
    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&platform)).await;
    assert_eq!(log["items"][0]["action"], "organization.reject");
    assert_eq!(log["items"][0]["reason_code"], "not_eligible");
}

#[tokio::test]
async fn contacts_are_shown_to_the_organisation_and_admins_only() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    let (other, _) = app.register("provider", None).await;
    let path = format!("/api/v1/organizations/{org}");
    let (s, b) = app.get(&path, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.get("contact").is_none());
    assert_eq!(b["park"]["id"], PARK);
    let (_, b) = app.get(&path, Some(&other)).await;
    assert!(b.get("contact").is_none());
    let (_, b) = app.get(&path, Some(&sme)).await;
    assert_eq!(b["contact"]["phone"], "13800000000");
    let (_, b) = app.get(&path, Some(&platform)).await;
    assert_eq!(b["contact"]["name"], "张伟");
}

#[tokio::test]
async fn platform_admins_see_mail_that_could_not_be_delivered() {
    use diesel::prelude::*;
    use parkbridge::db::schema::outbox;
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let park_admin = app.park_admin(PARK).await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(outbox::table)
            .set((
                outbox::status.eq("dead"),
                outbox::attempts.eq(10),
                outbox::last_error.eq("550 mailbox unavailable"),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let (s, b) = app.get("/api/v1/admin/outbox", Some(&platform)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["total"], 1);
    assert_eq!(b["items"][0]["recipient_email"], reg["user"]["email"]);
    assert_eq!(b["items"][0]["last_error"], "550 mailbox unavailable");
    assert!(b["items"][0]["message_id"]
        .as_str()
        .unwrap()
        .starts_with('<'));
    let (_, b) = app
        .get("/api/v1/admin/outbox?status=pending", Some(&platform))
        .await;
    assert_eq!(b["total"], 0);
    let (s, _) = app
        .get("/api/v1/admin/outbox?status=lost", Some(&platform))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.get("/api/v1/admin/outbox", Some(&park_admin)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}
