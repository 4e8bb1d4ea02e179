//! Matching after approval, the connect handshake and who sees contacts, declines, outcomes in
//! the statistics, the pickup SLA, saved searches, notification settings and password resets.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

struct Pair {
    app: TestApp,
    admin: String,
    sme: String,
    sme_org: i64,
    provider: String,
    provider_org: i64,
    need: i64,
    offer: i64,
}

async fn pair() -> Pair {
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
    app.drain_matching().await;
    Pair {
        app,
        admin,
        sme,
        sme_org,
        provider,
        provider_org,
        need,
        offer,
    }
}

fn only(list: &Value) -> &Value {
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    &items[0]
}

#[tokio::test]
async fn an_approved_offer_is_matched_to_the_need_it_serves_with_true_reasons() {
    let p = pair().await;
    let (s, list) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&p.sme))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let m = only(&list);
    assert_eq!(m["offer"]["id"], p.offer);
    assert_eq!(m["status"], "suggested");
    let score = m["score"].as_f64().unwrap();
    assert!(score > 0.0 && score <= 1.0, "{score}");
    let reasons: Vec<&str> = m["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(!reasons.is_empty());
    assert!(
        reasons.iter().any(|r| r.contains("500万")),
        "the amount reason names the amount: {reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("成都")),
        "the region reason names the city: {reasons:?}"
    );
    assert!(m.get("contact").is_none());

    let (_, en) = p
        .app
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/needs/{}/matches?lang=en", p.need),
            Some(&p.sme),
            None,
        )
        .await;
    assert_eq!(
        en["items"][0]["reasons"][0], "the product \"设备贷款\" serves equipment",
        "what the two are about comes first: {en}"
    );
    assert_eq!(
        en["items"][0]["reasons"][1],
        "loans of 1,000,000–20,000,000 yuan cover the 5,000,000 yuan needed",
        "{en}"
    );

    let (s, list) = p
        .app
        .get(
            &format!("/api/v1/offers/{}/matches", p.offer),
            Some(&p.provider),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(only(&list)["need"]["id"], p.need);

    // Both sides were told, each about the other's posting.
    let mails = p.app.outbox_of("new_matches");
    assert!(mails.len() >= 2, "{mails:?}");
    assert!(mails
        .iter()
        .all(|(_, payload)| !payload["matches"][0]["reasons_zh"]
            .as_array()
            .unwrap()
            .is_empty()));

    let (other, _) = p.app.verified_sme(&p.admin, PARK).await;
    let (s, _) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&other))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&p.admin))
        .await;
    assert_eq!(s, StatusCode::OK);

    // Approving again after an edit does not duplicate the pair.
    p.app
        .patch(
            &format!("/api/v1/offers/{}", p.offer),
            Some(&p.provider),
            json!({"description": "额度 100万–2000万，当天审批。"}),
        )
        .await;
    p.app
        .post(
            &format!("/api/v1/admin/offers/{}/approve", p.offer),
            Some(&p.admin),
            json!({}),
        )
        .await;
    p.app.drain_matching().await;
    let (_, list) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&p.sme))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

/// A posting's matches are for its owner and admins: a need's for its park's admins and
/// platform admins; an offer's for platform admins, and for park admins as far as the needs it
/// matched are their park's (tests/app/visibility.rs checks that filter).
#[tokio::test]
async fn matches_are_shown_to_the_owner_and_the_admins() {
    let p = pair().await;
    let park_admin = p.app.park_admin(PARK).await;
    let other_park_admin = p.app.park_admin(OTHER_PARK).await;
    let need = format!("/api/v1/needs/{}/matches", p.need);
    let offer = format!("/api/v1/offers/{}/matches", p.offer);
    for (path, token, expected) in [
        (&need, &park_admin, StatusCode::OK),
        (&need, &other_park_admin, StatusCode::FORBIDDEN),
        (&need, &p.admin, StatusCode::OK),
        (&offer, &p.provider, StatusCode::OK),
        (&offer, &p.admin, StatusCode::OK),
        (&offer, &park_admin, StatusCode::OK),
        (&offer, &p.sme, StatusCode::FORBIDDEN),
    ] {
        let (s, body) = p.app.get(path, Some(token)).await;
        assert_eq!(s, expected, "{path}: {body}");
    }
}

#[tokio::test]
async fn both_sides_interested_connects_them_and_reveals_contacts_to_them_only() {
    let p = pair().await;
    let (_, list) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&p.sme))
        .await;
    let id = only(&list)["id"].as_i64().unwrap();

    let (s, _) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/outcome"),
            Some(&p.sme),
            json!({"result": "succeeded", "amount_yuan": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "no outcome before connecting");

    let (s, m) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/interest"),
            Some(&p.sme),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "sme_interested");
    assert!(m.get("contact").is_none());
    assert_eq!(p.app.outbox_of("match_interest").len(), 1);

    let (outsider, _) = p.app.verified_provider(&p.admin).await;
    let (s, _) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/interest"),
            Some(&outsider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let (s, m) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/interest"),
            Some(&p.provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "connected");
    assert_eq!(
        m["contact"]["name"], "张伟",
        "the provider sees the SME's contact: {m}"
    );
    let (_, m) = p
        .app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.sme))
        .await;
    assert_eq!(m["contact"]["phone"], "13800000000");
    assert!(m["contact"]["organization_name"]
        .as_str()
        .unwrap()
        .contains("有限公司"));
    let (s, _) = p
        .app
        .get(&format!("/api/v1/matches/{id}"), Some(&outsider))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, m) = p
        .app
        .get(&format!("/api/v1/matches/{id}"), Some(&p.admin))
        .await;
    assert!(
        m.get("contact").is_none(),
        "admins see the match, not a party's contact"
    );
    let connected = p.app.outbox_of("match_connected");
    assert_eq!(connected.len(), 2);
    assert!(connected
        .iter()
        .all(|(_, pl)| pl["counterpart"]["organization_name"].is_string()));

    // Connected organisations see each other's contact on the profile; others do not.
    let (_, org) = p
        .app
        .get(
            &format!("/api/v1/organizations/{}", p.sme_org),
            Some(&p.provider),
        )
        .await;
    assert!(org["contact"].is_object(), "{org}");
    let (_, org) = p
        .app
        .get(
            &format!("/api/v1/organizations/{}", p.sme_org),
            Some(&outsider),
        )
        .await;
    assert!(org.get("contact").is_none());
    let _ = p.provider_org;

    let (s, b) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/outcome"),
            Some(&p.sme),
            json!({"result": "succeeded"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a financing success names the amount: {b}"
    );
    assert!(b["error"]["fields"]["amount_yuan"].is_string());
    let (s, m) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/outcome"),
            Some(&p.provider),
            json!({"result": "succeeded", "amount_yuan": 4_000_000}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "succeeded");
    let (s, _) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/outcome"),
            Some(&p.sme),
            json!({"result": "failed"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);

    // The outcome shows in the park's statistics.
    let park_admin = p.app.park_admin(PARK).await;
    let (s, stats) = p.app.get("/api/v1/admin/stats", Some(&park_admin)).await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    assert_eq!(stats["park_id"], PARK);
    assert_eq!(stats["financing_granted_yuan"], 4_000_000);
    assert_eq!(stats["pickup_within_sla_pct"], 100.0);
    assert_eq!(stats["needs"]["by_category"]["financing"], 1);
    assert_eq!(stats["matches"]["by_status"]["succeeded"], 1);
    let (s, _) = p
        .app
        .get(
            &format!("/api/v1/admin/stats?park_id={OTHER_PARK}"),
            Some(&park_admin),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let res = p
        .app
        .client
        .get(format!("{}/api/v1/admin/stats.csv", p.app.base))
        .bearer_auth(&p.admin)
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    assert!(csv.starts_with("park_id,park_name,"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{PARK},")) && l.ends_with(",4000000,0,0")),
        "{csv}"
    );
    let (_, b) = p
        .app
        .get(
            "/api/v1/admin/stats?from=2020-01-01&to=2020-02-01",
            Some(&p.admin),
        )
        .await;
    assert_eq!(
        b["financing_granted_yuan"], 0,
        "outcomes outside the range do not count"
    );
    let (s, _) = p
        .app
        .get("/api/v1/admin/stats?from=yesterday", Some(&p.admin))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn respond_and_apply_refuse_ineligible_pairs_naming_the_rule() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let mut big = training_need();
    big["training"]["headcount"] = json!(300);
    let need = app.published(&sme, &admin, "need", big).await;
    let offer = app
        .published(&provider, &admin, "offer", training_offer())
        .await;
    let (s, b) = app
        .post(
            &format!("/api/v1/needs/{need}/respond"),
            Some(&provider),
            json!({"offer_id": offer}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let why = b["error"]["fields"]["offer_id"].as_str().unwrap();
    assert!(
        why.contains("300") || why.contains("60"),
        "the rule names the numbers: {why}"
    );

    let small = app.published(&sme, &admin, "need", training_need()).await;
    let (s, m) = app
        .post(
            &format!("/api/v1/needs/{small}/respond"),
            Some(&provider),
            json!({"offer_id": offer, "note": "可安排下月开班"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "provider_interested");
    let told = app.outbox_of("match_interest");
    assert_eq!(told.len(), 1, "the SME hears of the provider's answer");
    assert_eq!(
        told[0].1["note"], "可安排下月开班",
        "with the provider's note"
    );
    let (s, m2) = app
        .post(
            &format!("/api/v1/offers/{offer}/apply"),
            Some(&sme),
            json!({"need_id": small}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m2}");
    assert_eq!(m2["id"], m["id"], "the same pair reuses its match");
    assert_eq!(m2["status"], "connected");

    let (s, b) = app
        .post(
            &format!("/api/v1/offers/{offer}/apply"),
            Some(&sme),
            json!({"need_id": 999_999}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (pending, _) = app.register("provider", None).await;
    let (s, _) = app
        .post(
            &format!("/api/v1/needs/{small}/respond"),
            Some(&pending),
            json!({"offer_id": offer}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "unverified providers cannot respond"
    );
    let (s, _) = app
        .post(
            &format!("/api/v1/needs/{small}/respond"),
            Some(&sme),
            json!({"offer_id": offer}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "an SME does not respond to needs");
}

#[tokio::test]
async fn a_declined_match_is_over() {
    let p = pair().await;
    let (_, list) = p
        .app
        .get(&format!("/api/v1/needs/{}/matches", p.need), Some(&p.sme))
        .await;
    let id = only(&list)["id"].as_i64().unwrap();
    let (s, b) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/decline"),
            Some(&p.sme),
            json!({"reason_code": "meh"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, m) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/decline"),
            Some(&p.sme),
            json!({"reason_code": "terms_unacceptable", "note": "利率偏高"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(m["status"], "declined");
    assert_eq!(m["decline"]["reason_code"], "terms_unacceptable");
    let (s, _) = p
        .app
        .post(
            &format!("/api/v1/matches/{id}/interest"),
            Some(&p.provider),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (_, log) = p.app.get("/api/v1/admin/audit-log", Some(&p.admin)).await;
    assert_eq!(log["items"][0]["action"], "match.decline");
}

#[tokio::test]
async fn a_need_nobody_picks_up_is_escalated_once_to_its_park_admin() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let park_admin = app.park_admin(PARK).await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", recruiting_need()).await;
    parkbridge::jobs::run_once(&app.state).await.unwrap();
    let (_, q) = app
        .get("/api/v1/admin/queue?type=escalated", Some(&park_admin))
        .await;
    assert_eq!(q["total"], 0, "not before the SLA");
    app.clock.advance(chrono::Duration::days(6));
    parkbridge::jobs::run_once(&app.state).await.unwrap();
    parkbridge::jobs::run_once(&app.state).await.unwrap();
    let park_admin = app.park_admin(PARK).await; // earlier tokens expired with the days
    let (_, q) = app
        .get("/api/v1/admin/queue?type=escalated", Some(&park_admin))
        .await;
    assert_eq!(q["total"], 1, "{q}");
    assert_eq!(q["items"][0]["id"], need);
    assert_eq!(q["items"][0]["escalated"], true);
    let mails = app.outbox_of("escalation");
    assert_eq!(mails.len(), 1, "the park's admin, once: {mails:?}");
    assert_eq!(mails[0].1["posting_id"], need);
    let other_admin = app.park_admin(OTHER_PARK).await;
    let (_, q) = app
        .get("/api/v1/admin/queue?type=escalated", Some(&other_admin))
        .await;
    assert_eq!(q["total"], 0);
}

#[tokio::test]
async fn saved_searches_send_each_new_posting_once() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let (provider, _) = app.verified_provider(&admin).await;
    for (body, field) in [
        (
            json!({"name": "设备贷", "query": {"q": "设备"}, "frequency": "hourly"}),
            "frequency",
        ),
        (
            json!({"name": "设备贷", "query": {"colour": "red"}, "frequency": "daily"}),
            "query.colour",
        ),
        (
            json!({"name": "", "query": {"q": "设备"}, "frequency": "daily"}),
            "name",
        ),
    ] {
        let (s, b) = app
            .post("/api/v1/me/saved-searches", Some(&sme), body)
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(b["error"]["fields"][field].is_string(), "{field}: {b}");
    }
    let (s, saved) = app
        .post("/api/v1/me/saved-searches", Some(&sme), json!({"name": "设备贷款", "query": {"q": "设备贷", "category": "financing"}, "frequency": "daily"}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{saved}");
    let (_, list) = app.get("/api/v1/me/saved-searches", Some(&sme)).await;
    assert_eq!(list["items"][0]["name"], "设备贷款");

    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.sync_index().await;
    app.clock.advance(chrono::Duration::hours(25));
    parkbridge::jobs::run_once(&app.state).await.unwrap();
    let digests = app.outbox_of("saved_search_digest");
    assert_eq!(digests.len(), 1, "{digests:?}");
    assert_eq!(digests[0].0, reg["user"]["email"].as_str().unwrap());
    assert_eq!(digests[0].1["items"][0]["id"], offer);
    app.clock.advance(chrono::Duration::hours(25));
    parkbridge::jobs::run_once(&app.state).await.unwrap();
    assert_eq!(app.outbox_of("saved_search_digest").len(), 1, "never twice");

    let sme = app
        .login(reg["user"]["email"].as_str().unwrap(), PASSWORD)
        .await;
    let id = saved["id"].as_i64().unwrap();
    let (other, _) = app.register("sme", Some(PARK)).await;
    let (s, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/me/saved-searches/{id}"),
            Some(&other),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/me/saved-searches/{id}"),
            Some(&sme),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn notification_settings_turn_match_mail_off() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let (_, b) = app
        .get("/api/v1/me/notification-settings", Some(&sme))
        .await;
    assert_eq!(b["match_emails"], "immediate");
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&sme),
            Some(json!({"match_emails": "sometimes"})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&sme),
            Some(json!({"match_emails": "off"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["match_emails"], "off");
    app.published(&sme, &admin, "need", financing_need()).await;
    app.drain_matching().await;
    app.published(&provider, &admin, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    let mails = app.outbox_of("new_matches");
    assert_eq!(mails.len(), 1, "only the provider is told: {mails:?}");
}

#[tokio::test]
async fn reset_mails_are_limited_per_account_and_hour() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    for _ in 0..6 {
        let (s, _) = app
            .post("/api/v1/auth/password-reset", None, json!({"email": email}))
            .await;
        assert_eq!(s, StatusCode::ACCEPTED, "the answer never tells");
    }
    assert_eq!(app.outbox_of("password_reset").len(), 3);
    app.clock.advance(chrono::Duration::minutes(61));
    let (s, _) = app
        .post("/api/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert_eq!(
        app.outbox_of("password_reset").len(),
        4,
        "an hour later, one more"
    );
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_expires() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    let (s, _) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "nobody@example.cn"}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    assert!(app.outbox_of("password_reset").is_empty());
    let (s, _) = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": email.to_uppercase()}),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let mails = app.outbox_of("password_reset");
    assert_eq!(mails.len(), 1);
    let url = mails[0].1["reset_url"].as_str().unwrap();
    let token = url.split("token=").nth(1).unwrap().to_string();

    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "short"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "重置之后的新口令 2027"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _) = app.get("/api/v1/me", b["token"].as_str()).await;
    assert_eq!(s, StatusCode::OK);
    app.login(&email, "重置之后的新口令 2027").await;
    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "再来一次的新口令 2028"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "single use: {b}");

    app.post("/api/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    let mails = app.outbox_of("password_reset");
    let token = mails[1].1["reset_url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap()
        .to_string();
    app.clock.advance(chrono::Duration::minutes(61));
    let (s, _) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "过期之后的新口令 2029"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "expired after an hour");
}

#[tokio::test]
async fn a_new_account_confirms_its_address_from_the_mail() {
    let app = TestApp::spawn().await;
    let (token, reg) = app.register("provider", None).await;
    assert_eq!(reg["user"]["email_confirmed"], false);
    let mails = app.outbox_of("email_confirmation");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].0, reg["user"]["email"].as_str().unwrap());
    let url = mails[0].1["confirm_url"].as_str().unwrap();
    assert!(url.contains("/confirm-email?token="), "{url}");
    let path = &format!(
        "/api/v1/auth/confirm-email?{}",
        &url[url.find("token=").unwrap()..]
    );
    let (s, b) = app.get(&path.replace("token=", "token=x"), None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app.get(path, None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["confirmed"], true);
    let (_, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["user"]["email_confirmed"], true);
    // A session token is not a confirmation token, nor the other way round.
    let (s, _) = app
        .get(&format!("/api/v1/auth/confirm-email?token={token}"), None)
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let confirm_token = path.split("token=").nth(1).unwrap();
    let (s, _) = app.get("/api/v1/me", Some(confirm_token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
