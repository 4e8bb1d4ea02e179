//! The to-do list (`GET /me/todo`, the dashboard) and its count in every page's header.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let (s, todo) = app.get("/api/v1/me/todo", Some(token)).await;
    assert_eq!(s, StatusCode::OK, "{todo}");
    assert_eq!(todo["total"], todo["items"].as_array().unwrap().len());
    todo["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect()
}

async fn first(app: &TestApp, token: &str) -> Value {
    let (_, todo) = app.get("/api/v1/me/todo", Some(token)).await;
    todo["items"][0].clone()
}

#[tokio::test]
async fn the_to_do_list_follows_a_match_from_suggestion_to_a_met_need() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (prov, _) = app.verified_provider(&admin).await;
    assert!(kinds(&app, &sme).await.is_empty());
    assert!(kinds(&app, &admin).await.is_empty(), "admins have none");
    let need = app.published(&sme, &admin, "need", recruiting_need()).await;
    let offer = app
        .published(&prov, &admin, "offer", recruiting_offer())
        .await;
    app.drain_matching().await;

    // New matches to look at, on each side's own posting.
    assert_eq!(kinds(&app, &sme).await, ["review_matches"]);
    let item = first(&app, &sme).await;
    assert_eq!(item["posting_id"], need);
    assert_eq!(item["count"], 1);
    assert_eq!(kinds(&app, &prov).await, ["review_matches"]);
    assert_eq!(first(&app, &prov).await["posting_id"], offer);

    // The provider says yes: the SME has the interest to answer, the provider nothing.
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/matches/{m}/interest"),
        Some(&prov),
        json!({}),
    )
    .await;
    assert_eq!(kinds(&app, &sme).await, ["answer_interest"]);
    assert_eq!(first(&app, &sme).await["match_id"], m);
    assert!(kinds(&app, &prov).await.is_empty());

    // Connected: both are asked for the outcome.
    app.post(
        &format!("/api/v1/matches/{m}/interest"),
        Some(&sme),
        json!({}),
    )
    .await;
    assert_eq!(kinds(&app, &sme).await, ["report_outcome"]);
    assert_eq!(kinds(&app, &prov).await, ["report_outcome"]);

    // The provider reports: the SME confirms, the provider waits.
    app.post(
        &format!("/api/v1/matches/{m}/outcome"),
        Some(&prov),
        json!({"result": "succeeded", "hires": 10}),
    )
    .await;
    assert_eq!(kinds(&app, &sme).await, ["confirm_outcome", "close_need"]);
    assert!(kinds(&app, &prov).await.is_empty());
    // Disputed: the provider corrects.
    app.post(
        &format!("/api/v1/matches/{m}/outcome/dispute"),
        Some(&sme),
        json!({"note": "只到岗 8 人"}),
    )
    .await;
    assert_eq!(kinds(&app, &prov).await, ["correct_outcome"]);
    app.post(
        &format!("/api/v1/matches/{m}/outcome"),
        Some(&prov),
        json!({"result": "succeeded", "hires": 8}),
    )
    .await;
    assert_eq!(kinds(&app, &sme).await, ["confirm_outcome"]);
    app.post(
        &format!("/api/v1/matches/{m}/outcome/confirm"),
        Some(&sme),
        json!({}),
    )
    .await;
    assert!(kinds(&app, &sme).await.is_empty());

    // The header of every page shows the count; the dashboard lists the items.
    app.post(
        &format!("/api/v1/matches/{m}/outcome"),
        Some(&prov),
        json!({"result": "succeeded", "hires": 8}),
    )
    .await;
    let (_, two) = app.post("/api/v1/needs", Some(&sme), training_need()).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/admin/needs/{}/reject", two["id"]),
            Some(&admin),
            json!({"reason_code": "incomplete"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(kinds(&app, &sme).await, ["fix_posting"]);
    let page = page_as(&app, &sme, "/parks").await;
    assert!(page.contains("待办 1"), "{page}");
    let page = page_as(&app, &sme, "/dashboard").await;
    assert!(page.contains("发布被退回，请修改后重新提交"), "{page}");
    assert!(page.contains(&format!("/needs/{}", two["id"])), "{page}");
    // Nothing waits: no count.
    let page = page_as(&app, &prov, "/parks").await;
    assert!(!page.contains("待办 "), "{page}");
}

#[tokio::test]
async fn the_to_do_list_needs_a_session() {
    let app = TestApp::spawn().await;
    let (s, body) = app.get("/api/v1/me/todo", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{body}");
}

/// A page fetched with the session cookie of `token`.
async fn page_as(app: &TestApp, token: &str, path: &str) -> String {
    app.client
        .get(format!("{}{path}", app.base))
        .header("cookie", format!("pb_session={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
