//! Every endpoint × every role, with the status each must get. Bodies are chosen so that a
//! caller who is allowed gets a 409 or 422 instead of changing anything, which keeps the table
//! order-independent and proves permission is checked before the body and the state.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

const ROLES: [&str; 7] = [
    "anonymous",
    "sme",
    "other_sme",
    "provider",
    "park_admin",
    "other_park_admin",
    "platform_admin",
];

#[tokio::test]
async fn every_endpoint_answers_every_role_as_the_contract_says() {
    let app = TestApp::spawn().await;
    let platform = app.platform_admin().await;
    let park_admin = app.park_admin(PARK).await;
    let other_park_admin = app.park_admin(OTHER_PARK).await;
    let (sme, sme_org) = app.verified_sme(&platform, PARK).await;
    let (other_sme, _) = app.verified_sme(&platform, PARK).await;
    let (provider, provider_org) = app.verified_provider(&platform).await;
    let (_, victim) = app.register("sme", Some(PARK)).await;
    let victim = victim["user"]["id"].as_i64().unwrap();

    let n_pub = app
        .published(&sme, &platform, "need", financing_need())
        .await;
    let n_closed = app
        .published(&sme, &platform, "need", training_need())
        .await;
    app.post(
        &format!("/api/v1/needs/{n_closed}/close"),
        Some(&sme),
        json!({}),
    )
    .await;
    let o_pub = app
        .published(&provider, &platform, "offer", financing_offer())
        .await;
    let o_closed = app
        .published(&provider, &platform, "offer", training_offer())
        .await;
    app.post(
        &format!("/api/v1/offers/{o_closed}/close"),
        Some(&provider),
        json!({}),
    )
    .await;

    let tokens: [Option<&str>; 7] = [
        None,
        Some(&sme),
        Some(&other_sme),
        Some(&provider),
        Some(&park_admin),
        Some(&other_park_admin),
        Some(&platform),
    ];
    let empty = || Some(json!({}));
    let table: Vec<(Method, String, Option<Value>, [u16; 7])> = vec![
        (
            Method::GET,
            "/api/v1/me".into(),
            None,
            [401, 200, 200, 200, 200, 200, 200],
        ),
        (
            Method::PUT,
            "/api/v1/me/password".into(),
            empty(),
            [401, 422, 422, 422, 422, 422, 422],
        ),
        (Method::GET, "/api/v1/parks".into(), None, [200; 7]),
        (
            Method::POST,
            "/api/v1/admin/parks".into(),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
        (
            Method::POST,
            "/api/v1/admin/users".into(),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/users/{victim}/suspend"),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
        (
            Method::GET,
            format!("/api/v1/organizations/{sme_org}"),
            None,
            [200; 7],
        ),
        (
            Method::POST,
            "/api/v1/needs".into(),
            empty(),
            [401, 422, 422, 403, 403, 403, 403],
        ),
        (
            Method::POST,
            "/api/v1/offers".into(),
            empty(),
            [401, 403, 403, 422, 403, 403, 403],
        ),
        (
            Method::GET,
            format!("/api/v1/needs/{n_pub}"),
            None,
            [401, 200, 403, 200, 200, 403, 200],
        ),
        (
            Method::GET,
            format!("/api/v1/needs/{n_closed}"),
            None,
            [404, 200, 404, 404, 200, 404, 200],
        ),
        (
            Method::GET,
            format!("/api/v1/offers/{o_pub}"),
            None,
            [200; 7],
        ),
        (
            Method::GET,
            format!("/api/v1/offers/{o_closed}"),
            None,
            [404, 404, 404, 200, 404, 404, 200],
        ),
        (
            Method::GET,
            "/api/v1/needs".into(),
            None,
            [401, 403, 403, 200, 200, 200, 200],
        ),
        (Method::GET, "/api/v1/offers".into(), None, [200; 7]),
        (
            Method::GET,
            "/api/v1/needs?mine=true".into(),
            None,
            [401, 200, 200, 200, 403, 403, 403],
        ),
        (
            Method::GET,
            "/api/v1/needs?status=pending_review".into(),
            None,
            [401, 403, 403, 403, 200, 200, 200],
        ),
        (
            Method::PATCH,
            format!("/api/v1/needs/{n_pub}"),
            Some(json!({"title": ""})),
            [401, 422, 403, 403, 403, 403, 403],
        ),
        (
            Method::PATCH,
            format!("/api/v1/offers/{o_pub}"),
            Some(json!({"title": ""})),
            [401, 403, 403, 422, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/needs/{n_pub}/submit"),
            empty(),
            [401, 409, 403, 403, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/needs/{n_closed}/close"),
            empty(),
            [401, 409, 404, 403, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/offers/{o_pub}/submit"),
            empty(),
            [401, 403, 403, 409, 403, 403, 403],
        ),
        (
            Method::POST,
            format!("/api/v1/offers/{o_closed}/close"),
            empty(),
            [401, 403, 403, 409, 403, 403, 403],
        ),
        (
            Method::GET,
            "/api/v1/admin/queue".into(),
            None,
            [401, 403, 403, 403, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/v1/admin/audit-log".into(),
            None,
            [401, 403, 403, 403, 200, 200, 200],
        ),
        (
            Method::GET,
            "/api/v1/admin/synonyms".into(),
            None,
            [401, 403, 403, 403, 403, 403, 200],
        ),
        (
            Method::POST,
            "/api/v1/admin/synonyms".into(),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
        (
            Method::DELETE,
            "/api/v1/admin/synonyms/987654".into(),
            None,
            [401, 403, 403, 403, 403, 403, 404],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/organizations/{sme_org}/verify"),
            empty(),
            [401, 403, 403, 403, 409, 403, 409],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/organizations/{provider_org}/verify"),
            empty(),
            [401, 403, 403, 403, 403, 403, 409],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/organizations/{sme_org}/reject"),
            empty(),
            [401, 403, 403, 403, 422, 403, 422],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/organizations/{provider_org}/reject"),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/needs/{n_pub}/approve"),
            empty(),
            [401, 403, 403, 403, 409, 403, 409],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/needs/{n_pub}/reject"),
            empty(),
            [401, 403, 403, 403, 422, 403, 422],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/offers/{o_pub}/approve"),
            empty(),
            [401, 403, 403, 403, 403, 403, 409],
        ),
        (
            Method::POST,
            format!("/api/v1/admin/offers/{o_pub}/reject"),
            empty(),
            [401, 403, 403, 403, 403, 403, 422],
        ),
    ];

    let mut failures = Vec::new();
    for (method, path, body, expected) in &table {
        for (i, role) in ROLES.iter().enumerate() {
            let (status, answer) = app
                .call(method.clone(), path, tokens[i], body.clone())
                .await;
            if status != StatusCode::from_u16(expected[i]).unwrap() {
                failures.push(format!(
                    "{method} {path} as {role}: expected {}, got {status}: {answer}",
                    expected[i]
                ));
            }
            if !status.is_success() {
                assert!(
                    answer["error"]["code"].is_string(),
                    "{method} {path} as {role}: {answer}"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // logout-all changes state, so it is checked last: every role with a token gets 204.
    for (i, role) in ROLES.iter().enumerate() {
        let (status, _) = app
            .call(Method::POST, "/api/v1/auth/logout-all", tokens[i], None)
            .await;
        let expected = if i == 0 { 401 } else { 204 };
        assert_eq!(status.as_u16(), expected, "logout-all as {role}");
    }
}
