//! The words of the pages issue 12 touched: dates as 2027年3月1日, no status repeated after the
//! action that set it ("Rejected → Rejected"), English without full-width colons, match reasons
//! without stray spaces between Chinese words or bare industry letters.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::pages::Page;

#[tokio::test]
async fn posting_pages_write_dates_colons_and_timelines_as_people_read_them() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (s, need) = app
        .post("/api/v1/needs", Some(&sme), recruiting_need())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{need}");
    let need = need["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/needs/{need}/reject"),
            Some(&admin),
            json!({"reason_code": "incomplete", "note": "请写明班次"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let mut page = Page::new(&app);
    page.use_token(&sme);
    let zh = page.get(&format!("/needs/{need}")).await;
    assert!(zh.body.contains("2027年3月1日"), "{}", zh.body);
    assert!(!zh.body.contains("2027-03-01"));
    let en = page.get(&format!("/needs/{need}?lang=en")).await;
    assert!(en.body.contains("1 Mar 2027"), "{}", en.body);
    assert!(en.body.contains("Not approved: Incomplete"), "{}", en.body);
    assert!(!en.body.contains("Not approved："));
    assert!(!en.body.contains("Rejected → Rejected"), "{}", en.body);
}

#[tokio::test]
async fn match_reasons_have_no_stray_spaces_or_bare_codes() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let (prov, _) = app.verified_provider(&admin).await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    let (s, m) = app
        .post(
            &format!("/api/v1/needs/{need}/respond"),
            Some(&prov),
            json!({"offer_id": offer}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    let reasons: Vec<String> = m["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons.iter().any(|r| r == "适用行业包含制造业"),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r == "年利率上限 4.50%，本服务最低 3.65%"),
        "{reasons:?}"
    );
    for r in &reasons {
        assert!(!r.contains("（C）"), "{r}");
        let chars: Vec<char> = r.chars().collect();
        for w in chars.windows(3) {
            let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
            assert!(
                !(w[1] == ' ' && cjk(w[0]) && cjk(w[2])),
                "a space between Chinese words in {r:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_search_page_shows_no_developer_figures() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (prov, _) = app.verified_provider(&admin).await;
    app.published(&prov, &admin, "offer", financing_offer())
        .await;
    app.sync_index().await;
    let mut page = Page::new(&app);
    let zh = page
        .get(&format!("/search?q={}", crate::search::urlencode("贷款")))
        .await;
    assert!(zh.body.contains("共 1 条结果"), "{}", zh.body);
    assert!(
        !zh.body.contains(" ms)"),
        "a timing on a user's page: {}",
        zh.body
    );
}
