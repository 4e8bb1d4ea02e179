//! Answering a posting from its page (issue 12): the form's id arrives as a number because the
//! service reads one there; the drop-down offers the caller's postings that can match and lists
//! the others disabled, with the hard rule they break in words; a refusal stays on the page with
//! the note kept.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::pages::Page;

/// A financing offer for construction companies only: a manufacturer's need cannot match it.
fn construction_offer() -> serde_json::Value {
    let mut o = financing_offer();
    o["title"] = json!("建筑企业设备按揭贷");
    o["industries"] = json!(["E"]);
    o
}

/// The `<option>` of `value` in a page, as sent.
fn option_of(body: &str, value: i64) -> String {
    let at = body
        .find(&format!(r#"<option value="{value}""#))
        .unwrap_or_else(|| panic!("no option {value} in {body}"));
    let rest = &body[at..];
    rest[..rest.find("</option>").unwrap()].to_string()
}

#[tokio::test]
async fn a_provider_answers_a_need_from_its_page() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let (prov, _) = app.verified_provider(&admin).await;
    let fits = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    let cannot = app
        .published(&prov, &admin, "offer", construction_offer())
        .await;

    // The matcher is done with these postings (it would otherwise pair them meanwhile).
    app.drain_matching().await;
    let mut page = Page::new(&app);
    page.use_token(&prov);
    let shown = page.get(&format!("/needs/{need}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("用我的服务响应此需求"),
        "{}",
        shown.body
    );
    let ok = option_of(&shown.body, fits);
    assert!(!ok.contains("disabled"), "{ok}");
    let no = option_of(&shown.body, cannot);
    assert!(no.contains("disabled"), "{no}");
    assert!(
        no.contains("适用行业不包含制造业"),
        "the rule in words: {no}"
    );
    assert!(!no.contains("（C）"), "no bare codes: {no}");
    // Those that can match come first.
    assert!(shown.body.find(&ok).unwrap() < shown.body.find(&no).unwrap());

    // A disabled choice sent anyway is refused on the same page, beside the field, note kept.
    let note = "我行可提供设备按揭，三个工作日内上门。";
    let a = page
        .submit(
            &format!("/needs/{need}"),
            &format!("/needs/{need}/answer"),
            &[("offer_id", &cannot.to_string()), ("note", note)],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(
        a.body.contains("设备更新贷款 500万"),
        "the need's page again"
    );
    assert!(a.body.contains(r#"id="offer_id-error""#), "{}", a.body);
    assert!(a.body.contains("适用行业不包含制造业"), "{}", a.body);
    assert!(a.body.contains(note), "the note is kept");
    assert!(a.body.contains(r#"aria-invalid="true""#));
    assert!(!a.body.contains("fields"), "{}", a.body);
    assert!(!a.body.contains("返回首页"), "no dead end");

    // The offer that fits: the id typed as text arrives as a number.
    let a = page
        .submit(
            &format!("/needs/{need}"),
            &format!("/needs/{need}/answer"),
            &[("offer_id", &fits.to_string()), ("note", note)],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), format!("/offers/{fits}"));
    let (s, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let m = &list["items"][0];
    assert_eq!(m["offer"]["id"], fits, "{list}");
    assert_eq!(m["status"], "provider_interested", "{list}");
}

#[tokio::test]
async fn an_sme_applies_to_an_offer_from_its_page_and_errors_stay_there_in_its_language() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (prov, _) = app.verified_provider(&admin).await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;

    app.drain_matching().await;
    let mut page = Page::new(&app);
    page.use_token(&sme);
    let shown = page.get(&format!("/offers/{offer}?lang=en")).await;
    assert!(shown.body.contains("Apply with one of your needs"));
    assert!(!option_of(&shown.body, need).contains("disabled"));

    // Not a number: the field says so, in English, and the note stays.
    let a = page
        .submit(
            &format!("/offers/{offer}"),
            &format!("/offers/{offer}/answer"),
            &[("need_id", "abc"), ("note", "Can you lend within a month?")],
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(a.body.contains(r#"id="need_id-error""#), "{}", a.body);
    assert!(a.body.contains("Can you lend within a month?"));
    assert!(a.body.contains("Please correct the fields marked below."));
    assert!(!a.body.contains("see fields"));

    let a = page
        .submit(
            &format!("/offers/{offer}"),
            &format!("/offers/{offer}/answer"),
            &[("need_id", &need.to_string()), ("note", "")],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.location(), format!("/needs/{need}"));
    let (_, list) = app
        .get(&format!("/api/v1/offers/{offer}/matches"), Some(&prov))
        .await;
    assert_eq!(list["items"][0]["status"], "sme_interested", "{list}");
    assert_eq!(list["items"][0]["need"]["id"], need, "{list}");
}

#[tokio::test]
async fn a_company_not_yet_verified_is_told_who_verifies_it_instead_of_a_form() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let mut page = Page::new(&app);
    let (pending_sme, _) = app.register("sme", Some(PARK)).await;
    let (prov, _) = app.verified_provider(&admin).await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    page.use_token(&pending_sme);
    let shown = page.get(&format!("/offers/{offer}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown
            .body
            .contains("贵企业通过园区管理员认证后才能申请服务"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains(&format!("/offers/{offer}/answer")));
}

#[tokio::test]
async fn answering_a_posting_whose_owner_already_said_yes_says_both_are_connected() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let (prov, _) = app.verified_provider(&admin).await;
    let offer = app
        .published(&prov, &admin, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    // The SME said yes to the match the matcher made.
    let (s, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let m = list["items"][0]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/matches/{m}/interest"),
            Some(&sme),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The provider answers the need from its page with that offer: both are connected now.
    let mut page = Page::new(&app);
    page.use_token(&prov);
    let a = page
        .submit(
            &format!("/needs/{need}"),
            &format!("/needs/{need}/answer"),
            &[("offer_id", &offer.to_string())],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let shown = page.get(a.location()).await;
    assert!(
        shown.body.contains("已对接：双方都有合作意向"),
        "{}",
        shown.body
    );
}
