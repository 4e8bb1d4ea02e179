use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
    app.wait_ready().await;
    let (s, _) = app.get("/readyz", None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn unknown_routes_and_ids_answer_in_the_error_shape() {
    let app = TestApp::spawn().await;
    let (s, b) = app.get("/api/v1/nothing-here", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(b["error"]["code"], "not_found");
    let (s, b) = app.get("/api/v1/offers/999999", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(b["error"]["code"], "not_found");
    let (s, b) = app.get("/api/v1/offers/not-a-number", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(b["error"]["code"], "not_found");
    let (s, b) = app.get("/api/v1/organizations/424242", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(b["error"]["message"].is_string());
}

#[tokio::test]
async fn malformed_json_is_400_and_bad_fields_are_422_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let (s, _, b) = app
        .post_raw("/api/v1/auth/register", None, b"{\"email\": ".to_vec(), &[])
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(b["error"]["code"], "bad_request");

    let mut body = app.registration("sme", Some(PARK));
    body["organization"]["uscc"] = json!("91350100M000100Y44");
    body["email"] = json!("not-an-email");
    body["password"] = json!("short");
    let (s, _, zh) = app
        .post_raw(
            "/api/v1/auth/register",
            None,
            body.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(zh["error"]["code"], "validation_failed");
    let fields = zh["error"]["fields"].as_object().unwrap();
    assert_eq!(fields.len(), 3, "{zh}");
    assert!(fields["organization.uscc"]
        .as_str()
        .unwrap()
        .contains("校验位"));
    assert!(fields.contains_key("email") && fields.contains_key("password"));

    let (_, _, en) = app
        .post_raw(
            "/api/v1/auth/register",
            None,
            body.to_string().into_bytes(),
            &[("accept-language", "en-GB,en;q=0.9")],
        )
        .await;
    assert!(en["error"]["fields"]["organization.uscc"]
        .as_str()
        .unwrap()
        .contains("check character"));
    assert!(en["error"]["message"].as_str().unwrap().is_ascii());
}

#[tokio::test]
async fn bodies_over_64_kib_are_refused_with_413() {
    let app = TestApp::spawn().await;
    let big = format!("{{\"email\": \"{}\"}}", "x".repeat(70 * 1024));
    let (s, _, b) = app
        .post_raw("/api/v1/auth/login", None, big.into_bytes(), &[])
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(b["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn security_headers_are_on_every_answer() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(format!("{}/api/v1/parks", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn bad_query_strings_are_400() {
    let app = TestApp::spawn().await;
    for q in [
        "per_page=0",
        "per_page=101",
        "page=0",
        "page=abc",
        "kind=castle",
        "city_code=110000",
    ] {
        let (s, b) = app.get(&format!("/api/v1/parks?{q}"), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {b}");
        assert_eq!(b["error"]["code"], "bad_request");
    }
    let (s, b) = app
        .get("/api/v1/parks?city_code=510700&per_page=100", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(b["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["city_code"] == "510700" && p["city_name"] == "绵阳市"));
    assert!(b["total"].as_i64().unwrap() >= 1);
}

#[tokio::test]
async fn every_answer_has_a_request_id_and_metrics_count_requests_by_route() {
    let app = TestApp::spawn().await;
    let res = app
        .client
        .get(format!("{}/api/v1/parks", app.base))
        .send()
        .await
        .unwrap();
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(id.len() >= 8);
    let res = app
        .client
        .get(format!("{}/api/v1/offers/1", app.base))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["x-request-id"],
        "trace-abc-123",
        "a proxy's id is kept"
    );
    let res = app
        .client
        .get(format!("{}/healthz", app.base))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(res.headers()["x-request-id"], "bad id with spaces");

    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.lines()
            .any(|l| l.starts_with("parkbridge_http_requests_total{")
                && l.contains("route=\"/api/v1/offers/{id}\"")
                && l.contains("status=\"404\"")),
        "{text}"
    );
    assert!(text.contains("parkbridge_http_request_duration_seconds_bucket"));
    for gauge in [
        "parkbridge_outbox_rows",
        "parkbridge_index_lag_changes",
        "parkbridge_match_queue_depth",
        "parkbridge_db_pool_connections",
    ] {
        assert!(text.contains(gauge), "{gauge} missing");
    }
}
