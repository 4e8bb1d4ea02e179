//! The endpoints that hash passwords under abuse: check first and hash last, a cap on hashing
//! at once (503 with Retry-After beyond it), throttles per client address and per account kept
//! in the database (shared by every instance), and client addresses taken from a forwarded
//! header only when the peer is a trusted proxy.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const BOGUS_TOKEN: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const NEW_PASSWORD: &str = "重置之后的新口令 2027 年";

/// POST as a client behind a proxy that sent `forwarded_for` (when given).
async fn post_from(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    forwarded_for: Option<&str>,
    body: Value,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app.client.post(format!("{}{path}", app.base)).json(&body);
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.json().await.unwrap_or(Value::Null))
}

async fn wrong_login(app: &TestApp, email: &str, forwarded_for: Option<&str>) -> StatusCode {
    let body = json!({"email": email, "password": "not the password 1"});
    post_from(app, "/api/v1/auth/login", None, forwarded_for, body)
        .await
        .0
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["retry-after"].to_str().unwrap().parse().unwrap()
}

async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(|s| s.trusted_proxies = Some("127.0.0.1, 10.0.0.0/8".into())).await
}

#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_another() {
    let app = behind_proxy().await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    // 30 failures from one client (each for another account, so only the address counts).
    for i in 0..30 {
        let s = wrong_login(&app, &format!("guess{i}@example.cn"), Some("198.51.100.1")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    let (s, h, b) = post_from(
        &app,
        "/api/v1/auth/login",
        None,
        Some("198.51.100.1"),
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    assert!((1..=300).contains(&retry_after(&h)));
    // What the client wrote left of what the proxy appended changes nothing.
    let s = wrong_login(&app, "x@example.cn", Some("203.0.113.77, 198.51.100.1")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy (through a second, internal proxy too) signs in.
    let s = wrong_login(&app, "y@example.cn", Some("198.51.100.2")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, b) = post_from(
        &app,
        "/api/v1/auth/login",
        None,
        Some("198.51.100.1, 198.51.100.2, 10.1.2.3"),
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn an_untrusted_peers_forwarded_header_is_ignored() {
    let app = TestApp::spawn().await;
    for i in 0..30 {
        let forged = format!("198.51.100.{}", i + 1);
        let s = wrong_login(&app, &format!("guess{i}@example.cn"), Some(&forged)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "failure {i}");
    }
    // Every one of them counted against the peer's address, whatever the header said.
    let s = wrong_login(&app, "new@example.cn", Some("203.0.113.200")).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn two_instances_on_one_database_share_the_login_budget() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with_index(a.db.clone(), "index-b").await;
    let (_, reg) = a.register("provider", None).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    // Eight failures for the account, half through each instance: the budget is spent.
    for i in 0..8 {
        let app = if i % 2 == 0 { &a } else { &b };
        assert_eq!(
            wrong_login(app, &email, None).await,
            StatusCode::UNAUTHORIZED
        );
    }
    for app in [&a, &b] {
        let (s, _) = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "on either instance");
    }
    // The window ends for both at once.
    a.clock.advance(chrono::Duration::minutes(5));
    let token = a.login(&email, PASSWORD).await;
    assert!(!token.is_empty());
}

#[tokio::test]
async fn refused_requests_cost_no_password_hash() {
    let app = TestApp::spawn().await;
    let hashed = || app.state.hashing.counts().hashed;
    let (token, reg) = app.register("sme", Some(PARK)).await;
    let before = hashed();

    let (s, b) = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": BOGUS_TOKEN, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["token"].is_string());

    let mut taken_email = app.registration("sme", Some(PARK));
    taken_email["email"] = reg["user"]["email"].clone();
    let mut taken_uscc = app.registration("sme", Some(PARK));
    taken_uscc["organization"]["uscc"] = reg["organization"]["uscc"].clone();
    let mut no_park = app.registration("sme", Some(PARK));
    no_park["organization"]["park_id"] = json!(999_999);
    for (body, status) in [
        (taken_email, StatusCode::CONFLICT),
        (taken_uscc, StatusCode::CONFLICT),
        (no_park, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let (s, b) = app.post("/api/v1/auth/register", None, body).await;
        assert_eq!(s, status, "{b}");
    }
    let verified = app.state.hashing.counts().verified;
    let (s, _) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/password",
            Some(&token),
            Some(json!({"current_password": "not my password 1", "new_password": NEW_PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.state.hashing.counts().verified, verified + 1);
    assert_eq!(hashed(), before, "nothing above hashed a password");

    app.register("sme", Some(PARK)).await;
    assert_eq!(
        hashed(),
        before + 1,
        "a registration that passes hashes once"
    );
}

#[tokio::test]
async fn when_hashing_is_saturated_a_request_is_answered_503_with_retry_after() {
    let app = TestApp::spawn_with(|s| s.hash_concurrency = Some(1)).await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    let login = json!({"email": email, "password": PASSWORD});
    // Someone else holds the only turn for longer than a request waits.
    let turn = app.state.hashing.permit().await.unwrap();
    let (s, h, b) = post_from(&app, "/api/v1/auth/login", None, None, login.clone()).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{b}");
    assert_eq!(b["error"]["code"], "service_unavailable");
    assert!(retry_after(&h) >= 1);
    assert_eq!(app.state.hashing.counts().refused, 1);
    drop(turn);
    let (s, _, b) = post_from(&app, "/api/v1/auth/login", None, None, login).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

#[tokio::test]
async fn registration_reset_and_password_change_are_throttled_per_address_and_per_account() {
    let app = behind_proxy().await;

    // Per account: the same email, again and again (already registered after the first).
    let body = app.registration("sme", Some(PARK));
    let mut statuses = Vec::new();
    for i in 0..6 {
        let mut again = body.clone();
        if i > 0 {
            again["organization"]["uscc"] = json!(uscc(unique()));
        }
        let (s, _, _) = post_from(
            &app,
            "/api/v1/auth/register",
            None,
            Some("198.51.100.10"),
            again,
        )
        .await;
        statuses.push(s.as_u16());
    }
    assert_eq!(statuses, [201, 409, 409, 409, 409, 429]);
    // Per address: twenty well-formed registrations an hour, then 429 for any email.
    for i in 0..14 {
        let mut b = app.registration("sme", Some(PARK));
        b["organization"]["uscc"] = body["organization"]["uscc"].clone();
        let (s, _, _) = post_from(
            &app,
            "/api/v1/auth/register",
            None,
            Some("198.51.100.10"),
            b,
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT, "attempt {i}: the USCC is taken");
    }
    let (s, h, b) = post_from(
        &app,
        "/api/v1/auth/register",
        None,
        Some("198.51.100.10"),
        app.registration("sme", Some(PARK)),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
    assert!(retry_after(&h) > 60 * 50, "the hour's window");
    let (s, _, b) = post_from(
        &app,
        "/api/v1/auth/register",
        None,
        Some("198.51.100.11"),
        app.registration("sme", Some(PARK)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "another client registers: {b}");

    // Reset confirmations: twenty tries per address in a quarter of an hour.
    let bogus = json!({"token": BOGUS_TOKEN, "new_password": NEW_PASSWORD});
    for i in 0..20 {
        let (s, _, _) = post_from(
            &app,
            "/api/v1/auth/password-reset/confirm",
            None,
            Some("198.51.100.20"),
            bogus.clone(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "try {i}");
    }
    let (s, h, _) = post_from(
        &app,
        "/api/v1/auth/password-reset/confirm",
        None,
        Some("198.51.100.20"),
        bogus.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=15 * 60).contains(&retry_after(&h)));
    let (s, _, _) = post_from(
        &app,
        "/api/v1/auth/password-reset/confirm",
        None,
        Some("198.51.100.21"),
        bogus,
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "another client is not affected"
    );

    // Password change: eight wrong current passwords for an account, then even the right one
    // waits; another account from the same client is not affected.
    let (token, _) = app.register("provider", None).await;
    let (other, _) = app.register("provider", None).await;
    let change = |current: &str| json!({"current_password": current, "new_password": NEW_PASSWORD});
    for i in 0..8 {
        let (s, _, _) = put_from(&app, &token, "198.51.100.30", change("not my password 1")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "try {i}");
    }
    let (s, h, _) = put_from(&app, &token, "198.51.100.30", change(PASSWORD)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert!((1..=300).contains(&retry_after(&h)));
    let (s, _, b) = put_from(&app, &other, "198.51.100.30", change(PASSWORD)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
}

async fn put_from(
    app: &TestApp,
    token: &str,
    forwarded_for: &str,
    body: Value,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let res = app
        .client
        .put(format!("{}/api/v1/me/password", app.base))
        .bearer_auth(token)
        .header("x-forwarded-for", forwarded_for)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn one_valid_reset_link_replayed_at_once_is_spent_once() {
    let app = TestApp::spawn().await;
    let (_, reg) = app.register("sme", Some(PARK)).await;
    let email = reg["user"]["email"].as_str().unwrap().to_string();
    app.post("/api/v1/auth/password-reset", None, json!({"email": email}))
        .await;
    let mail = app.outbox_of("password_reset");
    let url = mail[0].1["reset_url"].as_str().unwrap();
    let token = url.split("token=").nth(1).unwrap().to_string();
    let hashed = app.state.hashing.counts().hashed;
    let attempts = (0..8).map(|_| {
        app.post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": NEW_PASSWORD}),
        )
    });
    let answers = futures_util::future::join_all(attempts).await;
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{answers:?}");
    for (s, b) in &answers {
        assert!([200, 409, 422, 429].contains(&s.as_u16()), "{s}: {b}");
    }
    assert!(
        app.state.hashing.counts().hashed - hashed <= 5,
        "at most five hashes for one account's link in an hour"
    );
}
