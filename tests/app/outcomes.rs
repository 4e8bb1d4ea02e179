//! Outcomes confirmed by both sides: one side reports against what was asked (6 of 10 hires is
//! partial), the other confirms or disputes, corrections until it is confirmed, and statistics
//! that keep confirmed and self-reported figures apart.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

struct Connected {
    app: TestApp,
    admin: String,
    sme: String,
    provider: String,
    need: i64,
    m: i64,
}

/// A recruiting need for 10 people and an offer, matched and connected.
async fn connected(need_body: Value, offer_body: Value) -> Connected {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", need_body).await;
    app.published(&provider, &admin, "offer", offer_body).await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no match: {list}"));
    for who in [&sme, &provider] {
        let (s, b) = app
            .post(
                &format!("/api/v1/matches/{m}/interest"),
                Some(who),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
    Connected {
        app,
        admin,
        sme,
        provider,
        need,
        m,
    }
}

async fn post(c: &Connected, who: &str, what: &str, body: Value) -> (StatusCode, Value) {
    c.app
        .post(&format!("/api/v1/matches/{}/{what}", c.m), Some(who), body)
        .await
}

#[tokio::test]
async fn an_outcome_is_reported_against_the_ask_corrected_disputed_and_confirmed() {
    let c = connected(recruiting_need(), recruiting_offer()).await;
    let (sme, provider) = (c.sme.clone(), c.provider.clone());

    // Nothing to confirm yet.
    let (s, _) = post(&c, &sme, "outcome/confirm", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The provider reports 6 hires of the 10 asked for: partial, not simply succeeded.
    let (s, m) = post(
        &c,
        &provider,
        "outcome",
        json!({"result": "succeeded", "hires": 6}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "succeeded");
    assert_eq!(m["outcome"]["result"], "partial");
    assert_eq!(m["outcome"]["hires"], 6);
    assert_eq!(m["outcome"]["asked"], 10);
    assert_eq!(m["outcome"]["reported_by"], "provider");
    assert_eq!(m["outcome"]["confirmation"], "reported");
    // The SME is mailed to confirm it.
    let mails = c.app.outbox_of("outcome_reported");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].1["grade"], "partial");

    // The reporting side does not confirm its own report; the other side does not overwrite it.
    let (s, _) = post(&c, &provider, "outcome/confirm", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = post(&c, &sme, "outcome", json!({"result": "failed"})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The SME disputes; the provider corrects; the SME confirms.
    let (s, m) = post(
        &c,
        &sme,
        "outcome/dispute",
        json!({"note": "实际录用 10 人"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["outcome"]["confirmation"], "disputed");
    assert_eq!(m["outcome"]["dispute_note"], "实际录用 10 人");
    let (s, b) = post(&c, &sme, "outcome/dispute", json!({"note": 7})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, m) = post(
        &c,
        &provider,
        "outcome",
        json!({"result": "succeeded", "hires": 10}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["outcome"]["result"], "succeeded");
    assert_eq!(m["outcome"]["confirmation"], "reported");
    assert!(m["outcome"]["dispute_note"].is_null());
    assert_eq!(c.app.outbox_of("outcome_reported").len(), 2);

    // Before confirmation the figure is self-reported in the statistics.
    let (_, stats) = c.app.get("/api/v1/admin/stats", Some(&c.admin)).await;
    assert_eq!(stats["hires"], 10);
    assert_eq!(stats["self_reported"]["hires"], 10);
    assert_eq!(stats["confirmed"]["hires"], 0);

    let (s, m) = post(&c, &sme, "outcome/confirm", json!({})).await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["outcome"]["confirmation"], "confirmed");
    // Confirmed: no more corrections, disputes or confirmations.
    let (s, _) = post(
        &c,
        &provider,
        "outcome",
        json!({"result": "succeeded", "hires": 9}),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = post(&c, &sme, "outcome/dispute", json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT);

    let (_, stats) = c.app.get("/api/v1/admin/stats", Some(&c.admin)).await;
    assert_eq!(stats["hires"], 10);
    assert_eq!(stats["confirmed"]["hires"], 10);
    assert_eq!(stats["self_reported"]["hires"], 0);
    let park = stats["by_park"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["park_id"] == PARK)
        .unwrap();
    assert_eq!(park["confirmed_hires"], 10);
    let res = c
        .app
        .client
        .get(format!("{}/api/v1/admin/stats.csv", c.app.base))
        .bearer_auth(&c.admin)
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let total: Vec<&str> = csv.lines().last().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    assert_eq!(total[col("confirmed_hires")], "10", "{csv}");
    assert_eq!(total[col("self_reported_hires")], "0", "{csv}");

    // Strangers neither confirm nor dispute.
    let (other, _) = c.app.verified_sme(&c.admin, PARK).await;
    let (s, _) = post(&c, &other, "outcome/confirm", json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (_, log) = c.app.get("/api/v1/admin/audit-log", Some(&c.admin)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "match.outcome",
        "match.outcome_correct",
        "match.outcome_dispute",
        "match.outcome_confirm",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    let _ = c.need;
}

#[tokio::test]
async fn a_need_met_in_full_asks_its_owner_whether_to_close_it() {
    let c = connected(financing_need(), financing_offer()).await;
    let need_page = format!("/needs/{}", c.need);
    // A financing success below the amount asked is partial; the page says so with both figures.
    let (s, m) = post(
        &c,
        &c.sme,
        "outcome",
        json!({"result": "succeeded", "amount_yuan": 3_000_000}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["outcome"]["result"], "partial");
    assert_eq!(m["outcome"]["asked"], 5_000_000);
    let page = page_as(&c.app, &c.sme, &need_page).await;
    assert!(page.contains("部分达成"), "{page}");
    assert!(page.contains("放款 300 万元（申请 500 万元）"), "{page}");
    assert!(page.contains("待对方确认"), "{page}");
    // The match's badge says partial too, not 对接成功.
    assert!(page.contains("\">部分达成</span>"), "{page}");
    assert!(!page.contains("对接成功"), "{page}");
    assert!(!page.contains("需求已经满足了吗"), "{page}");
    // Corrected to the full amount: the owner is asked whether to close the need.
    let (s, _) = post(
        &c,
        &c.sme,
        "outcome",
        json!({"result": "succeeded", "amount_yuan": 5_000_000}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let page = page_as(&c.app, &c.sme, &need_page).await;
    assert!(page.contains("需求已经满足了吗"), "{page}");
    // The provider sees the confirm and dispute buttons on its offer's page.
    let (_, m) = c
        .app
        .get(&format!("/api/v1/matches/{}", c.m), Some(&c.provider))
        .await;
    let offer_page = format!("/offers/{}", m["offer_id"]);
    let page = page_as(&c.app, &c.provider, &offer_page).await;
    assert!(page.contains("确认结果"), "{page}");
    assert!(page.contains("提出异议"), "{page}");
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
