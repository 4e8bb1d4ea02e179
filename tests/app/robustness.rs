//! Random and hostile input: nothing may make the server answer 500 or lose its way.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("financing"),
            Just("recruiting"),
            Just("training"),
            Just("510100"),
            Just("C"),
            Just("equipment"),
            Just("none"),
            Just("2027-01-01T00:00:00Z"),
            Just("2027-01-01"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        let keys = prop_oneof![
            Just("category".to_string()),
            Just("title".to_string()),
            Just("description".to_string()),
            Just("financing".to_string()),
            Just("recruiting".to_string()),
            Just("training".to_string()),
            Just("amount_yuan".to_string()),
            Just("positions".to_string()),
            Just("headcount".to_string()),
            Just("regions".to_string()),
            Just("expires_at".to_string()),
            Just("submit".to_string()),
            Just("amount_min_yuan".to_string()),
            Just("amount_max_yuan".to_string()),
            Just("collateral".to_string()),
            Just("topics".to_string()),
            "[a-z_]{1,12}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[tokio::test]
async fn random_json_at_the_posting_endpoints_never_makes_a_500() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;

    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = arb_json();
    let mut bodies: Vec<Value> = (0..150)
        .map(|_| strategy.new_tree(&mut runner).expect("generate").current())
        .collect();
    // Near-valid bodies with one field broken find deeper paths than pure noise.
    for (key, bad) in [
        ("amount_yuan", json!(-1)),
        ("amount_yuan", json!(1e30)),
        ("term_months", json!(null)),
        ("collateral", json!([1, 2])),
        ("purpose", json!({"x": 1})),
    ] {
        let mut b = financing_need();
        b["financing"][key] = bad;
        bodies.push(b);
    }
    let targets = [
        (
            reqwest::Method::POST,
            "/api/v1/needs".to_string(),
            sme.clone(),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/offers".to_string(),
            provider.clone(),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/needs/{need}"),
            sme.clone(),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/offers/{offer}"),
            provider.clone(),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/admin/needs/{need}/reject"),
            admin.clone(),
        ),
    ];
    for body in &bodies {
        for (method, path, token) in &targets {
            let (status, answer) = app
                .call(method.clone(), path, Some(token), Some(body.clone()))
                .await;
            assert!(
                status.is_success() || status.is_client_error(),
                "{method} {path} with {body} answered {status}: {answer}"
            );
            if status.is_client_error() {
                assert!(answer["error"]["code"].is_string(), "{answer}");
            }
        }
    }
    app.wait_ready().await;
    let (s, _) = app.get("/readyz", None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn hostile_strings_are_stored_and_returned_verbatim() {
    let app = TestApp::spawn().await;
    let (provider, _) = app.register("provider", None).await;
    let hostile = "<script>alert('x')</script> '; DROP TABLE postings; -- 💥 \u{202e}";
    let mut o = recruiting_offer();
    o["title"] = json!(hostile);
    let (s, b) = app.post("/api/v1/offers", Some(&provider), o).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["title"], hostile);
    let id = b["id"].as_i64().unwrap();
    let (_, b) = app
        .get(&format!("/api/v1/offers/{id}"), Some(&provider))
        .await;
    assert_eq!(b["title"], hostile);
}

#[tokio::test]
async fn random_json_at_every_other_writing_endpoint_never_makes_a_500() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, sme_org) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"].as_i64().expect("a match");

    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = arb_json();
    let mut bodies: Vec<Value> = (0..80)
        .map(|_| strategy.new_tree(&mut runner).expect("generate").current())
        .collect();
    bodies.extend([
        json!({"offer_id": offer, "note": 5}),
        json!({"need_id": "1"}),
        json!({"result": "succeeded", "amount_yuan": -3}),
        json!({"reason_code": ["other"]}),
        json!({"name": "x", "query": {"q": 1, "park_id": "abc"}, "frequency": "daily"}),
        json!({"match_emails": null}),
        json!({"email": "a@b.cn", "password": PASSWORD, "display_name": "x", "role": "sme", "organization": []}),
    ]);
    use reqwest::Method;
    let targets: Vec<(Method, String, Option<String>)> = vec![
        (
            Method::POST,
            format!("/api/v1/needs/{need}/respond"),
            Some(provider.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/offers/{offer}/apply"),
            Some(sme.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{m}/interest"),
            Some(sme.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{m}/outcome"),
            Some(provider.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/matches/{m}/decline"),
            Some(sme.clone()),
        ),
        (
            Method::POST,
            "/api/v1/me/saved-searches".into(),
            Some(sme.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/me/notification-settings".into(),
            Some(sme.clone()),
        ),
        (
            Method::PUT,
            "/api/v1/me/password".into(),
            Some(provider.clone()),
        ),
        (Method::POST, "/api/v1/auth/register".into(), None),
        (Method::POST, "/api/v1/auth/password-reset".into(), None),
        (
            Method::POST,
            "/api/v1/auth/password-reset/confirm".into(),
            None,
        ),
        (
            Method::POST,
            "/api/v1/admin/parks".into(),
            Some(admin.clone()),
        ),
        (
            Method::POST,
            "/api/v1/admin/users".into(),
            Some(admin.clone()),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/organizations/{sme_org}/reject"),
            Some(admin.clone()),
        ),
    ];
    for body in &bodies {
        for (method, path, token) in &targets {
            let (status, answer) = app
                .call(method.clone(), path, token.as_deref(), Some(body.clone()))
                .await;
            assert!(
                status.is_success() || status.is_client_error(),
                "{method} {path} with {body} answered {status}: {answer}"
            );
            if status.is_client_error() {
                assert!(
                    answer["error"]["code"].is_string(),
                    "{method} {path}: {answer}"
                );
            }
        }
    }
    for q in [
        "from=2026-13-01",
        "to=x",
        "park_id=-1",
        "from=2027-01-01&to=2026-01-01",
    ] {
        let (s, _) = app
            .get(&format!("/api/v1/admin/stats?{q}"), Some(&admin))
            .await;
        assert!(s.is_client_error() || s.is_success(), "{q}: {s}");
    }
}
