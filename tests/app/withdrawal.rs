//! Rejecting an organisation takes what it published out of the market (index, match queue,
//! open matches) and shuts its reads of matches and contacts; verifying it again brings back
//! the postings it left unchanged.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::search::urlencode;

fn ids(b: &Value) -> Vec<i64> {
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

/// Polls anonymous search until `pred` holds on the ids found (the indexer runs every 100 ms).
async fn search_until(app: &TestApp, q: &str, pred: impl Fn(&[i64]) -> bool) -> Vec<i64> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (s, b) = app
            .get(&format!("/api/v1/search?q={}", urlencode(q)), None)
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let found = ids(&b);
        if pred(&found) {
            return found;
        }
        assert!(Instant::now() < deadline, "search for {q}: {b}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn timeline_actions(posting: &Value) -> Vec<String> {
    posting["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

fn queued_for(app: &TestApp, posting_ids: &[i64]) -> i64 {
    use diesel::prelude::*;
    use parkbridge::db::schema::match_queue as q;
    let mut conn = app.state.pool.get().unwrap();
    q::table
        .filter(q::posting_id.eq_any(posting_ids))
        .count()
        .get_result(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn rejecting_a_provider_takes_its_offers_out_closes_its_matches_and_shuts_its_reads() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, sme_org) = app.verified_sme(&admin, PARK).await;
    let (provider, provider_org) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    app.drain_matching().await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    let training = app
        .published(&provider, &admin, "offer", training_offer())
        .await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/offers/{offer}/matches"), Some(&provider))
        .await;
    let match_id = list["items"][0]["id"].as_i64().unwrap();
    for token in [&sme, &provider] {
        let (s, b) = app
            .post(
                &format!("/api/v1/matches/{match_id}/interest"),
                Some(token),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    let (_, m) = app
        .get(&format!("/api/v1/matches/{match_id}"), Some(&provider))
        .await;
    assert_eq!(m["status"], "connected");
    assert!(m["contact"].is_object(), "{m}");
    search_until(&app, "设备贷", |f| f.contains(&offer)).await;
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{provider_org}/reject"),
            Some(&admin),
            json!({"reason_code": "not_eligible", "note": "营业执照已注销"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "rejected");

    // Out of the market: not public, not searchable, not queued for matching.
    for id in [offer, training] {
        let (s, _) = app.get(&format!("/api/v1/offers/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "offer {id}");
        let (_, own) = app
            .get(&format!("/api/v1/offers/{id}"), Some(&provider))
            .await;
        assert_eq!(own["status"], "pending_review", "{own}");
        assert_eq!(timeline_actions(&own).last().unwrap(), "withdrawn");
    }
    search_until(&app, "设备贷", |f| !f.contains(&offer)).await;
    let (_, listed) = app.get("/api/v1/offers", None).await;
    assert!(!ids(&listed).contains(&offer), "{listed}");
    assert_eq!(queued_for(&app, &[offer, training]), 0);
    // Approval is refused while the organisation is not verified.
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/offers/{offer}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // Its matches are closed and it no longer reads them, nor the other side's contact.
    let (_, m) = app
        .get(&format!("/api/v1/matches/{match_id}"), Some(&sme))
        .await;
    assert_eq!(m["status"], "declined", "{m}");
    assert_eq!(m["decline"]["reason_code"], "organization_withdrawn");
    for path in [
        format!("/api/v1/matches/{match_id}"),
        format!("/api/v1/offers/{offer}/matches"),
    ] {
        let (s, b) = app.get(&path, Some(&provider)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{path}: {b}");
        assert!(!b.to_string().contains("13800000000"), "{path}: {b}");
    }
    let (_, profile) = app
        .get(&format!("/api/v1/organizations/{sme_org}"), Some(&provider))
        .await;
    assert!(profile.get("contact").is_none(), "{profile}");
    let (s, _) = app
        .post(
            &format!("/api/v1/needs/{need}/respond"),
            Some(&provider),
            json!({"offer_id": offer}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.get("/api/v1/needs", Some(&provider)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "it reads no needs either");

    // The owner edits one offer meanwhile; verified again, the untouched one comes back (and is
    // found again), the edited one waits for review like any edited posting.
    let (s, b) = app
        .patch(
            &format!("/api/v1/offers/{training}"),
            Some(&provider),
            json!({"title": "安全生产标准化培训（2027 版）"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{provider_org}/verify"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, back) = app.get(&format!("/api/v1/offers/{offer}"), None).await;
    assert_eq!(back["status"], "published", "{back}");
    let (_, own) = app
        .get(&format!("/api/v1/offers/{offer}"), Some(&provider))
        .await;
    assert_eq!(timeline_actions(&own).last().unwrap(), "reinstated");
    let (_, edited) = app
        .get(&format!("/api/v1/offers/{training}"), Some(&provider))
        .await;
    assert_eq!(edited["status"], "pending_review", "{edited}");
    search_until(&app, "设备贷", |f| f.contains(&offer)).await;
    let (s, _) = app
        .get(&format!("/api/v1/offers/{offer}/matches"), Some(&provider))
        .await;
    assert_eq!(
        s,
        StatusCode::OK,
        "verified again, it reads its matches again"
    );
    let (_, m) = app
        .get(&format!("/api/v1/matches/{match_id}"), Some(&sme))
        .await;
    assert_eq!(m["status"], "declined", "a closed match stays closed");
}

#[tokio::test]
async fn rejecting_an_sme_takes_its_needs_away_from_the_providers() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let park_admin = app.park_admin(PARK).await;
    let (sme, sme_org) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    app.sync_index().await;
    let (_, list) = app.get("/api/v1/needs", Some(&provider)).await;
    assert_eq!(ids(&list), [need]);

    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{sme_org}/reject"),
            Some(&park_admin),
            json!({"reason_code": "other", "note": "不属于本园区"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, list) = app.get("/api/v1/needs", Some(&provider)).await;
    assert_eq!(ids(&list), Vec::<i64>::new(), "{list}");
    let (s, _) = app
        .get(&format!("/api/v1/needs/{need}"), Some(&provider))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    app.sync_index().await;
    let (_, found) = app.get("/api/v1/search?type=need", Some(&provider)).await;
    assert_eq!(found["total"], 0, "{found}");
    // Its own users still see their need, waiting.
    let (_, own) = app.get(&format!("/api/v1/needs/{need}"), Some(&sme)).await;
    assert_eq!(own["status"], "pending_review");
}
