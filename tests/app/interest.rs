//! Interest carries a note for the other side; the second side's yes connects both (已对接), and
//! each is mailed the other's contact and note.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn a_note_goes_with_interest_and_the_connection_mail_names_both_contact_and_note() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (prov, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", training_need()).await;
    app.published(&prov, &admin, "offer", training_offer())
        .await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"].as_i64().unwrap();
    let url = format!("/api/v1/matches/{m}/interest");

    // A bad note is refused before anything changes.
    let (s, b) = app.post(&url, Some(&sme), json!({"note": 5})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, b) = app
        .post(&url, Some(&sme), json!({"note": "长".repeat(1001)}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let res = app
        .client
        .post(format!("{}{url}", app.base))
        .bearer_auth(&sme)
        .header("content-type", "text/plain")
        .body("note=x")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let (s, v) = app
        .post(&url, Some(&sme), json!({"note": "希望三月前完成首期培训"}))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "sme_interested");
    assert_eq!(v["sme_note"], "希望三月前完成首期培训");
    // The provider reads it in the match and in the interest mail.
    let (_, seen) = app.get(&format!("/api/v1/matches/{m}"), Some(&prov)).await;
    assert_eq!(seen["sme_note"], "希望三月前完成首期培训");
    let interest = app.outbox_of("match_interest");
    assert!(
        interest
            .iter()
            .any(|(_, p)| p["note"] == "希望三月前完成首期培训"),
        "{interest:?}"
    );

    // The provider's yes, without a body at all, connects both.
    let res = app
        .client
        .post(format!("{}{url}", app.base))
        .bearer_auth(&prov)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["status"], "connected");
    assert!(v["contact"].is_object(), "{v}");
    let connected = app.outbox_of("match_connected");
    assert_eq!(connected.len(), 2, "{connected:?}");
    // The provider's mail carries the SME's note; each links to the recipient's own posting.
    let (_, to_provider) = connected
        .iter()
        .find(|(_, p)| p["note"] == "希望三月前完成首期培训")
        .expect("the SME's note in the provider's mail");
    assert!(to_provider["own_path"]
        .as_str()
        .unwrap()
        .starts_with("/offers/"));
    assert!(connected
        .iter()
        .any(|(_, p)| p["own_path"] == format!("/needs/{need}#matches")));
}
