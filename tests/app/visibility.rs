//! Who may read a published need (DESIGN.md, 2026-11-28): users of verified platform companies
//! and admins (park admins: their park), always its own organisation; never other SMEs,
//! unverified providers or anonymous visitors — in lists, pages, search, saved searches and
//! their digests, and match mail.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::Page;

fn ids(list: &Value) -> Vec<i64> {
    let mut v: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    v.sort();
    v
}

fn need_titled(title: &str) -> Value {
    let mut n = financing_need();
    n["title"] = json!(title);
    n
}

#[tokio::test]
async fn an_sme_sees_no_other_smes_need_in_lists_pages_or_search_and_a_park_admin_only_their_park()
{
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (rival, _) = app.verified_sme(&admin, PARK).await;
    let (far, _) = app.verified_sme(&admin, OTHER_PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let (pending_provider, _) = app.register("provider", None).await;
    let park_admin = app.park_admin(PARK).await;
    let own = app
        .published(&sme, &admin, "need", need_titled("华丰精密设备贷款需求"))
        .await;
    let elsewhere = app
        .published(&far, &admin, "need", need_titled("远方园区设备贷款需求"))
        .await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.sync_index().await;

    // Another SME: not in the list (refused), not the need itself, not the page, and the
    // search neither lists it nor counts it.
    for (who, token) in [
        ("another SME", &rival),
        ("a pending provider", &pending_provider),
    ] {
        let (s, b) = app.get("/api/v1/needs", Some(token)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {b}");
        let (s, b) = app
            .get(&format!("/api/v1/needs?organization_id={}", 1), Some(token))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {b}");
        let (s, b) = app.get(&format!("/api/v1/needs/{own}"), Some(token)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{who}: {b}");
        assert_eq!(b["error"]["code"], "forbidden");
        let mut page = Page::new(&app);
        page.use_token(token);
        let a = page.get(&format!("/needs/{own}")).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{who}");
        assert!(!a.body.contains("华丰精密设备贷款需求"), "{who}");
        let a = page.get("/search?q=设备贷款").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(
            !a.body.contains("设备贷款需求"),
            "{who}: the search page lists a need"
        );
        assert!(
            a.body.contains("科技型中小企业设备贷"),
            "{who}: offers stay"
        );
        let a = page.get("/").await;
        assert!(
            !a.body.contains("设备贷款需求"),
            "{who}: the home page lists a need"
        );
        let (_, b) = app.get("/api/v1/search?q=设备贷款", Some(token)).await;
        assert_eq!(ids(&b), [offer], "{who}: {b}");
        assert_eq!(b["facets"]["type"]["need"], 0, "{who}");
        assert_eq!(
            b["facets"]["category"]["financing"], 1,
            "{who}: counts offers only"
        );
    }
    let (s, _) = app.get("/api/v1/needs", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The need's own organisation always reads it (API, page, its own list).
    let (s, b) = app.get(&format!("/api/v1/needs/{own}"), Some(&sme)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, mine) = app.get("/api/v1/needs?mine=true", Some(&sme)).await;
    assert_eq!(ids(&mine), [own]);
    let mut page = Page::new(&app);
    page.use_token(&sme);
    let a = page.get(&format!("/needs/{own}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("华丰精密设备贷款需求"));

    // A verified provider reads every published need.
    let (s, list) = app.get("/api/v1/needs", Some(&provider)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&list), [own, elsewhere]);
    let (s, _) = app
        .get(&format!("/api/v1/needs/{elsewhere}"), Some(&provider))
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut page = Page::new(&app);
    page.use_token(&provider);
    let a = page.get("/search?q=设备贷款").await;
    assert!(a.body.contains("华丰精密设备贷款需求") && a.body.contains("远方园区设备贷款需求"));

    // A park admin reads their park's needs only: list, need, page, search.
    let (s, list) = app.get("/api/v1/needs", Some(&park_admin)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&list), [own]);
    let (s, _) = app
        .get(&format!("/api/v1/needs/{own}"), Some(&park_admin))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .get(&format!("/api/v1/needs/{elsewhere}"), Some(&park_admin))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let mut page = Page::new(&app);
    page.use_token(&park_admin);
    assert_eq!(
        page.get(&format!("/needs/{elsewhere}")).await.status,
        StatusCode::FORBIDDEN
    );
    let (_, b) = app
        .get("/api/v1/search?q=设备贷款", Some(&park_admin))
        .await;
    assert_eq!(ids(&b), {
        let mut v = vec![own, offer];
        v.sort();
        v
    });
    assert_eq!(b["facets"]["type"]["need"], 1);
}

/// Stores a saved search as if it had been saved long ago (before the rule, or while its
/// owner could read needs), so that the digest alone has to keep needs out.
fn store_saved_search(app: &TestApp, user_id: i64, query: Value) {
    use diesel::prelude::*;
    use parkbridge::db::schema::saved_searches as ss;
    let mut conn = app.state.pool.get().unwrap();
    let then = (app.clock.now() - chrono::Duration::days(3)).naive_utc();
    diesel::insert_into(ss::table)
        .values((
            ss::user_id.eq(user_id),
            ss::name.eq("旧的订阅"),
            ss::query.eq(query.to_string()),
            ss::frequency.eq("daily"),
            ss::created_at.eq(then),
        ))
        .execute(&mut conn)
        .unwrap();
}

#[tokio::test]
async fn saved_searches_for_needs_are_refused_to_those_who_may_not_read_them_and_digests_never_carry_one(
) {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (rival, rival_reg) = {
        let (t, b) = app.register("sme", Some(PARK)).await;
        let org = b["organization"]["id"].as_i64().unwrap();
        app.post(
            &format!("/api/v1/admin/organizations/{org}/verify"),
            Some(&admin),
            json!({}),
        )
        .await;
        (t, b)
    };
    let (pending_sme, pending_sme_reg) = app.register("sme", Some(PARK)).await;
    let (pending_provider, pending_provider_reg) = app.register("provider", None).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let (lapsing, lapsing_reg) = app.register("provider", None).await;
    let lapsing_org = lapsing_reg["organization"]["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/admin/organizations/{lapsing_org}/verify"),
        Some(&admin),
        json!({}),
    )
    .await;

    let need_query = json!({"name": "新需求", "query": {"type": "need"}, "frequency": "daily"});
    for (who, token) in [
        ("a pending SME", &pending_sme),
        ("a pending provider", &pending_provider),
        ("a verified SME", &rival),
    ] {
        let (s, b) = app
            .post("/api/v1/me/saved-searches", Some(token), need_query.clone())
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{who}: {b}");
        assert!(b["error"]["fields"]["query.type"].is_string(), "{who}: {b}");
        // A search without a type is fine: it will carry offers.
        let (s, b) = app
            .post(
                "/api/v1/me/saved-searches",
                Some(token),
                json!({"name": "设备", "query": {"q": "设备"}, "frequency": "daily"}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{who}: {b}");
    }
    // Those who may read needs save it; one of them is rejected before the digest runs.
    for token in [&provider, &lapsing] {
        let (s, b) = app
            .post("/api/v1/me/saved-searches", Some(token), need_query.clone())
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
    }
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/organizations/{lapsing_org}/reject"),
            Some(&admin),
            json!({"reason_code": "other", "note": "执照已吊销"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Saved long ago, straight into the database: the digest must apply the rule itself.
    let user_id = |reg: &Value| reg["user"]["id"].as_i64().unwrap();
    store_saved_search(&app, user_id(&pending_sme_reg), json!({"type": "need"}));
    store_saved_search(
        &app,
        user_id(&pending_provider_reg),
        json!({"type": "need"}),
    );
    store_saved_search(
        &app,
        user_id(&rival_reg),
        json!({"type": "need", "q": "设备"}),
    );

    let need = app
        .published(&sme, &admin, "need", need_titled("设备更新贷款需求"))
        .await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.sync_index().await;
    app.clock.advance(chrono::Duration::hours(25));
    parkbridge::jobs::run_once(&app.state).await.unwrap();

    let digests = app.outbox_of("saved_search_digest");
    let email = |reg: &Value| reg["user"]["email"].as_str().unwrap().to_string();
    let mut provider_got_need = false;
    for (to, payload) in &digests {
        let kinds: Vec<&str> = payload["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["type"].as_str().unwrap())
            .collect();
        if kinds.contains(&"need") {
            assert!(
                ![
                    email(&pending_sme_reg),
                    email(&pending_provider_reg),
                    email(&rival_reg),
                    email(&lapsing_reg),
                ]
                .contains(to),
                "{to} was mailed a need: {payload}"
            );
            assert_eq!(payload["items"][0]["id"], need);
            provider_got_need = true;
        }
    }
    assert!(
        provider_got_need,
        "the verified provider follows needs: {digests:?}"
    );
    // The type-less searches of those who may not read needs carried the offer.
    for reg in [&pending_sme_reg, &pending_provider_reg, &rival_reg] {
        let theirs: Vec<&Value> = digests
            .iter()
            .filter(|(to, _)| *to == email(reg))
            .map(|(_, p)| p)
            .collect();
        assert!(
            theirs.iter().any(|p| p["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == offer)),
            "{digests:?}"
        );
    }
}

#[tokio::test]
async fn match_mail_names_a_need_only_to_those_who_may_read_it() {
    use diesel::prelude::*;
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, reg) = app.register("provider", None).await;
    let provider_org = reg["organization"]["id"].as_i64().unwrap();
    let provider_email = reg["user"]["email"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/admin/organizations/{provider_org}/verify"),
        Some(&admin),
        json!({}),
    )
    .await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    let mailed_needs = || -> Vec<i64> {
        app.outbox_of("new_matches")
            .into_iter()
            .filter(|(to, _)| *to == provider_email)
            .flat_map(|(_, p)| {
                p["matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|m| m["counterpart_kind"] == "need")
                    .map(|m| m["counterpart_id"].as_i64().unwrap())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let first = app.published(&sme, &admin, "need", financing_need()).await;
    app.drain_matching().await;
    assert_eq!(
        mailed_needs(),
        [first],
        "a verified provider hears of the need"
    );
    // An offer's matches name needs: another park's admin sees none of them.
    let path = format!("/api/v1/offers/{offer}/matches");
    for (park, expected) in [(PARK, 1), (OTHER_PARK, 0)] {
        let park_admin = app.park_admin(park).await;
        let (s, m) = app.get(&path, Some(&park_admin)).await;
        assert_eq!(s, StatusCode::OK, "{m}");
        assert_eq!(
            m["items"].as_array().unwrap().len(),
            expected,
            "park {park}: {m}"
        );
    }

    // The provider's verification lapses behind the API's back while its offer is still
    // published (as a rejection on one instance racing the matcher on another could leave
    // it): the next need still matches, but its mail does not go to the provider.
    {
        use parkbridge::db::schema::organizations as o;
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(o::table.find(provider_org))
            .set(o::status.eq("pending"))
            .execute(&mut conn)
            .unwrap();
    }
    let second = app.published(&sme, &admin, "need", training_need()).await;
    let mut other_need = financing_need();
    other_need["title"] = json!("第二笔设备贷款");
    let third = app.published(&sme, &admin, "need", other_need).await;
    app.drain_matching().await;
    let (_, m) = app
        .get(&format!("/api/v1/needs/{third}/matches"), Some(&sme))
        .await;
    assert_eq!(
        m["items"].as_array().unwrap().len(),
        1,
        "the pair matched: {m}"
    );
    assert_eq!(mailed_needs(), [first], "second {second}, third {third}");
}
