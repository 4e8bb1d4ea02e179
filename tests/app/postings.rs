use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn needs_of_every_category_are_posted_and_kept_with_their_details() {
    let app = TestApp::spawn().await;
    let (sme, _) = app.register("sme", Some(PARK)).await;
    for need in [financing_need(), recruiting_need(), training_need()] {
        let (s, b) = app.post("/api/v1/needs", Some(&sme), need.clone()).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["status"], "pending_review");
        assert_eq!(b["type"], "need");
        let cat = need["category"].as_str().unwrap();
        assert_eq!(b[cat], need[cat], "details kept as sent");
        assert_eq!(b["park"]["id"], PARK);
        assert_eq!(b["city_code"], "510100");
        let timeline: Vec<&str> = b["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(timeline, ["created", "submitted"]);
        // Expires in 90 days by default.
        let exp = chrono::DateTime::parse_from_rfc3339(b["expires_at"].as_str().unwrap()).unwrap();
        let days = (exp.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
        assert!((89..=90).contains(&days), "{days}");
    }
    let mut draft = training_need();
    draft["submit"] = json!(false);
    let (s, b) = app.post("/api/v1/needs", Some(&sme), draft).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(b["status"], "draft");

    let (s, mine) = app.get("/api/v1/needs?mine=true", Some(&sme)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine["total"], 4);
    let (_, drafts) = app
        .get("/api/v1/needs?mine=true&status=draft", Some(&sme))
        .await;
    assert_eq!(drafts["total"], 1);
    let (_, fin) = app
        .get("/api/v1/needs?mine=true&category=financing", Some(&sme))
        .await;
    assert_eq!(fin["total"], 1);
}

#[tokio::test]
async fn offers_carry_their_audience_and_invalid_ones_name_every_bad_field() {
    let app = TestApp::spawn().await;
    let (provider, _) = app.register("provider", None).await;
    for offer in [financing_offer(), recruiting_offer(), training_offer()] {
        let (s, b) = app
            .post("/api/v1/offers", Some(&provider), offer.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let cat = offer["category"].as_str().unwrap();
        assert_eq!(b[cat], offer[cat]);
        assert_eq!(
            b["regions"],
            offer.get("regions").cloned().unwrap_or(json!([]))
        );
    }
    let mut bad = financing_offer();
    bad["financing"]["amount_min_yuan"] = json!(30_000_000);
    bad["regions"] = json!(["510100", "440300"]);
    bad["title"] = json!("贷".repeat(101));
    bad["recruiting"] = json!({"services": ["job_fair"], "fee": "free"});
    let (s, b) = app.post("/api/v1/offers", Some(&provider), bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = b["error"]["fields"].as_object().unwrap();
    for f in [
        "financing.amount_max_yuan",
        "regions.1",
        "title",
        "recruiting",
    ] {
        assert!(fields.contains_key(f), "{f} missing in {b}");
    }
}

#[tokio::test]
async fn approval_needs_a_verified_organisation_and_publishes() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let org_id = reg["organization"]["id"].as_i64().unwrap();
    let (_, need) = app
        .post("/api/v1/needs", Some(&sme), financing_need())
        .await;
    let id = need["id"].as_i64().unwrap();

    let (s, b) = app
        .post(
            &format!("/api/v1/admin/needs/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(b["error"]["code"], "conflict");

    app.post(
        &format!("/api/v1/admin/organizations/{org_id}/verify"),
        Some(&admin),
        json!({}),
    )
    .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/needs/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "published");
    assert!(b["published_at"].is_string());
    assert_eq!(
        app.change_feed_for(id),
        1,
        "publishing writes one change-feed row"
    );
    assert!(app.outbox_kinds().contains(&"posting_approved".to_string()));
    assert!(app
        .outbox_kinds()
        .contains(&"organization_verified".to_string()));

    let (s, _) = app
        .post(
            &format!("/api/v1/admin/needs/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "approving twice is a wrong state");
}

#[tokio::test]
async fn published_needs_are_for_verified_organisations_and_offers_for_everyone() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;

    let (s, b) = app.get(&format!("/api/v1/offers/{offer}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        b.get("timeline").is_none(),
        "strangers do not see the timeline"
    );
    assert!(!b["organization"]["name"].as_str().unwrap().is_empty());
    let (s, list) = app.get("/api/v1/offers", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 1);

    let (s, _) = app.get(&format!("/api/v1/needs/{need}"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/needs", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (pending_sme, _) = app.register("sme", Some(PARK)).await;
    let (s, b) = app
        .get(&format!("/api/v1/needs/{need}"), Some(&pending_sme))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, b) = app
        .get(&format!("/api/v1/needs/{need}"), Some(&provider))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b.get("timeline").is_none());
    let (s, b) = app.get(&format!("/api/v1/needs/{need}"), Some(&sme)).await;
    assert_eq!(s, StatusCode::OK);
    let actions: Vec<&str> = b["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "submitted", "approved"]);
    let (s, list) = app
        .get("/api/v1/needs?category=financing", Some(&provider))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["items"][0]["id"], need);
}

#[tokio::test]
async fn nobody_sees_or_changes_another_organisations_drafts() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (other, _) = app.verified_sme(&admin, PARK).await;
    let mut need = recruiting_need();
    need["submit"] = json!(false);
    let (_, draft) = app.post("/api/v1/needs", Some(&sme), need).await;
    let id = draft["id"].as_i64().unwrap();
    let (s, _) = app.get(&format!("/api/v1/needs/{id}"), Some(&other)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            Some(&other),
            json!({"title": "抢来的"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let published = app.published(&sme, &admin, "need", financing_need()).await;
    let (s, _) = app
        .patch(
            &format!("/api/v1/needs/{published}"),
            Some(&other),
            json!({"title": "抢来的"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(
            &format!("/api/v1/needs/{published}/close"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .get(&format!("/api/v1/needs/{published}"), Some(&sme))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["title"], financing_need()["title"]);
}

#[tokio::test]
async fn editing_a_published_posting_sends_it_back_to_review() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let id = app.published(&sme, &admin, "need", financing_need()).await;
    let (s, b) = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            Some(&sme),
            json!({"financing": {"amount_yuan": 6_000_000}}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "pending_review");
    assert_eq!(b["financing"]["amount_yuan"], 6_000_000);
    assert_eq!(
        b["financing"]["term_months"], 36,
        "untouched detail fields are kept"
    );
    assert_eq!(
        app.change_feed_for(id),
        2,
        "leaving the published set is a change too"
    );
    let (s, _) = app
        .get(
            &format!("/api/v1/needs/{id}"),
            Some(&app.verified_provider(&admin).await.0),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no longer public while in review");

    let (s, b) = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            Some(&sme),
            json!({"category": "training"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["category"].is_string());
    let (s, b) = app
        .patch(
            &format!("/api/v1/needs/{id}"),
            Some(&sme),
            json!({"financing": {"amount_yuan": "lots"}}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["financing.amount_yuan"].is_string());
    let (_, b) = app.get(&format!("/api/v1/needs/{id}"), Some(&sme)).await;
    assert_eq!(
        b["financing"]["amount_yuan"], 6_000_000,
        "a refused edit changes nothing"
    );
}

#[tokio::test]
async fn a_rejected_posting_is_edited_into_a_draft_and_submitted_again() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, _) = app.verified_provider(&admin).await;
    let (_, offer) = app
        .post("/api/v1/offers", Some(&provider), training_offer())
        .await;
    let id = offer["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/offers/{id}/reject"),
            Some(&admin),
            json!({"reason_code": "incomplete", "note": "请补充课程大纲"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "rejected");
    let (_, b) = app
        .get(&format!("/api/v1/offers/{id}"), Some(&provider))
        .await;
    assert_eq!(b["rejection"]["reason_code"], "incomplete");
    assert_eq!(b["rejection"]["note"], "请补充课程大纲");
    let last = b["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "rejected");
    assert_eq!(last["reason_code"], "incomplete");
    assert!(app.outbox_kinds().contains(&"posting_rejected".to_string()));

    let (s, b) = app
        .patch(
            &format!("/api/v1/offers/{id}"),
            Some(&provider),
            json!({"description": "课程大纲：第一周 安全法规；第二周 应急演练。"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["status"], "draft");
    let (s, b) = app
        .post(
            &format!("/api/v1/offers/{id}/submit"),
            Some(&provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["status"], "pending_review");
    let (s, _) = app
        .post(
            &format!("/api/v1/offers/{id}/submit"),
            Some(&provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/offers/{id}/reject"),
            Some(&admin),
            json!({"reason_code": "because"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["reason_code"].is_string());
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/offers/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn closing_and_expiry_take_postings_out_of_the_published_set() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, reg) = app.register("provider", None).await;
    let org = reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{org}/verify"),
        Some(&admin),
        json!({}),
    )
    .await;
    let a = app
        .published(&provider, &admin, "offer", recruiting_offer())
        .await;
    let mut short = training_offer();
    short["expires_at"] = json!((chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339());
    let b_id = app.published(&provider, &admin, "offer", short).await;

    let (s, b) = app
        .post("/api/v1/offers", Some(&provider), {
            let mut o = training_offer();
            o["expires_at"] = json!("2020-01-01T00:00:00Z");
            o
        })
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["expires_at"].is_string());

    let (s, b) = app
        .post(
            &format!("/api/v1/offers/{a}/close"),
            Some(&provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["status"], "closed");
    let (s, _) = app
        .post(
            &format!("/api/v1/offers/{a}/close"),
            Some(&provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, list) = app.get("/api/v1/offers", None).await;
    assert_eq!(list["total"], 1);

    // Nothing expires before its time.
    assert_eq!(parkbridge::jobs::run_once(&app.state).await.unwrap(), 0);
    app.clock.advance(chrono::Duration::days(4));
    assert_eq!(parkbridge::jobs::run_once(&app.state).await.unwrap(), 1);
    // Tokens expired with the days that passed: sign in again.
    let provider = app
        .login(reg["user"]["email"].as_str().unwrap(), PASSWORD)
        .await;
    let (_, b) = app
        .get(&format!("/api/v1/offers/{b_id}"), Some(&provider))
        .await;
    assert_eq!(b["status"], "expired");
    assert_eq!(
        b["timeline"].as_array().unwrap().last().unwrap()["action"],
        "expired"
    );
    let (_, list) = app.get("/api/v1/offers", None).await;
    assert_eq!(list["total"], 0);
    assert_eq!(app.change_feed_for(b_id), 2);
    let (s, _) = app
        .patch(
            &format!("/api/v1/offers/{b_id}"),
            Some(&provider),
            json!({"title": "再来一次"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test]
async fn lists_are_newest_first_and_paginated() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, _) = app.verified_provider(&admin).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut o = recruiting_offer();
        o["title"] = json!(format!("招聘服务 第{i}期"));
        ids.push(app.published(&provider, &admin, "offer", o).await);
        app.clock.advance(chrono::Duration::seconds(2));
    }
    let (_, p1) = app.get("/api/v1/offers?per_page=2", None).await;
    assert_eq!(p1["total"], 5);
    assert_eq!(p1["per_page"], 2);
    assert_eq!(p1["items"][0]["id"], ids[4]);
    assert_eq!(p1["items"][1]["id"], ids[3]);
    let (_, p3) = app.get("/api/v1/offers?per_page=2&page=3", None).await;
    assert_eq!(p3["items"].as_array().unwrap().len(), 1);
    assert_eq!(p3["items"][0]["id"], ids[0]);
    let (s, _) = app.get("/api/v1/offers?status=draft", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .get("/api/v1/offers?status=draft", Some(&provider))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/v1/offers?status=nonsense", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn data_survives_a_restart() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, _) = app.verified_provider(&admin).await;
    let id = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    let db = app.stop().await;
    let again = TestApp::spawn_on(db).await;
    let (s, b) = again.get(&format!("/api/v1/offers/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["status"], "published");
    // Tokens are stateless and the secret is the same: the old token still works.
    let (s, _) = again.get("/api/v1/me", Some(&provider)).await;
    assert_eq!(s, StatusCode::OK);
}
