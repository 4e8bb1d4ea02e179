use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn an_sme_registers_with_its_company_and_waits_as_pending() {
    let app = TestApp::spawn().await;
    let body = app.registration("sme", Some(PARK));
    let (s, b) = app.post("/api/v1/auth/register", None, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(b["token"].as_str().unwrap().len() > 20);
    assert!(
        b["expires_at"].as_str().unwrap().ends_with('Z')
            || b["expires_at"].as_str().unwrap().contains('+')
    );
    assert_eq!(b["user"]["role"], "sme");
    assert_eq!(b["user"]["email"], body["email"]);
    assert!(b["user"].get("password_hash").is_none());
    assert_eq!(b["organization"]["status"], "pending");
    assert_eq!(b["organization"]["uscc"], body["organization"]["uscc"]);
    assert_eq!(b["organization"]["park"]["id"], PARK);

    let token = b["token"].as_str().unwrap();
    let (s, me) = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["user"]["id"], b["user"]["id"]);
    assert_eq!(me["organization"]["contact"]["name"], "张伟");

    // The same email (in another case) or the same USCC again is a conflict.
    let mut again = app.registration("sme", Some(PARK));
    again["email"] = json!(body["email"].as_str().unwrap().to_uppercase());
    let (s, b) = app.post("/api/v1/auth/register", None, again).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let mut again = app.registration("sme", Some(PARK));
    again["organization"]["uscc"] = body["organization"]["uscc"].clone();
    let (s, _) = app.post("/api/v1/auth/register", None, again).await;
    assert_eq!(s, StatusCode::CONFLICT);
}

#[tokio::test]
async fn registration_refuses_bad_parks_roles_and_common_passwords() {
    let app = TestApp::spawn().await;
    let (s, b) = app
        .post(
            "/api/v1/auth/register",
            None,
            app.registration("sme", Some(9999)),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["organization.park_id"].is_string());

    let (s, b) = app
        .post("/api/v1/auth/register", None, app.registration("sme", None))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["organization.park_id"].is_string());

    let (s, b) = app
        .post(
            "/api/v1/auth/register",
            None,
            app.registration("platform_admin", None),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["role"].is_string());

    let mut weak = app.registration("provider", None);
    weak["password"] = json!("password1234");
    let (s, b) = app.post("/api/v1/auth/register", None, weak).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(b["error"]["fields"]["password"]
        .as_str()
        .unwrap()
        .contains("常见"));

    let mut long = app.registration("provider", None);
    long["password"] = json!("长城".repeat(64));
    let (s, b) = app.post("/api/v1/auth/register", None, long).await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "a 128-character password is accepted: {b}"
    );
}

#[tokio::test]
async fn login_checks_the_password_and_throttles_repeated_failures() {
    let app = TestApp::spawn().await;
    let body = app.registration("provider", None);
    app.post("/api/v1/auth/register", None, body.clone()).await;
    let email = body["email"].as_str().unwrap();

    let token = app.login(&email.to_uppercase(), PASSWORD).await;
    let (s, _) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::OK);

    let (s, b) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "wrong password!!"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(b["error"]["code"], "invalid_credentials");
    let (s, b) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.cn", "password": "whatever it is"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(b["error"]["code"], "invalid_credentials");

    let mut limited = None;
    for _ in 0..10 {
        let res = app
            .client
            .post(format!("{}/api/v1/auth/login", app.base))
            .json(&json!({"email": email, "password": "wrong password!!"}))
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(res);
            break;
        }
    }
    let res = limited.expect("repeated failures end in 429");
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry > 0 && retry <= 300,
        "locked for minutes at most, not {retry}s"
    );
    let b: serde_json::Value = res.json().await.unwrap();
    assert_eq!(b["error"]["code"], "rate_limited");
    // Even the right password waits now.
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn logout_all_and_password_change_revoke_earlier_tokens() {
    let app = TestApp::spawn().await;
    let body = app.registration("sme", Some(PARK));
    let (first, _) = {
        let (s, b) = app.post("/api/v1/auth/register", None, body.clone()).await;
        assert_eq!(s, StatusCode::CREATED);
        (b["token"].as_str().unwrap().to_string(), b)
    };
    let email = body["email"].as_str().unwrap();
    let second = app.login(email, PASSWORD).await;

    let (s, _) = app
        .post("/api/v1/auth/logout-all", Some(&second), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    for t in [&first, &second] {
        let (s, b) = app.get("/api/v1/me", Some(t)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(b["error"]["code"], "unauthorized");
    }

    let third = app.login(email, PASSWORD).await;
    let other = app.login(email, PASSWORD).await;
    let (s, b) = app
        .call(reqwest::Method::PUT, "/api/v1/me/password", Some(&third),
              Some(json!({"current_password": "not my password", "new_password": "一个新的足够长的密码 2027"})))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b["error"]["fields"]["current_password"].is_string());
    let (s, b) = app
        .call(
            reqwest::Method::PUT,
            "/api/v1/me/password",
            Some(&third),
            Some(
                json!({"current_password": PASSWORD, "new_password": "一个新的足够长的密码 2027"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let fresh = b["token"].as_str().unwrap();
    let (s, _) = app.get("/api/v1/me", Some(&other)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/me", Some(fresh)).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    app.login(email, "一个新的足够长的密码 2027").await;
}

#[tokio::test]
async fn tampered_expired_and_foreign_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let (token, _) = app.register("sme", Some(PARK)).await;
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    parts[1] = format!("{}A", parts[1]);
    let (s, _) = app.get("/api/v1/me", Some(&parts.join("."))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app.get("/api/v1/me", Some("garbage")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let res = app
        .client
        .get(format!("{}/api/v1/me", app.base))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    app.clock.advance(chrono::Duration::hours(13));
    let (s, _) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "tokens expire after 12 hours");
}

#[tokio::test]
async fn platform_admins_make_park_admins_and_parks_and_suspend_users() {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (s, b) = app
        .post("/api/v1/admin/users", Some(&admin),
              json!({"email": "pa@mianyang.gov.cn", "password": PASSWORD, "display_name": "园区管理员", "role": "park_admin"}))
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a park admin needs a park"
    );
    assert!(b["error"]["fields"]["park_id"].is_string());
    let (s, b) = app
        .post("/api/v1/admin/users", Some(&admin),
              json!({"email": "pa@mianyang.gov.cn", "password": PASSWORD, "display_name": "园区管理员", "role": "park_admin", "park_id": PARK}))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["role"], "park_admin");
    assert_eq!(b["park_id"], PARK);
    let park_admin = app.login("pa@mianyang.gov.cn", PASSWORD).await;

    let park = json!({"name": "绵阳高新技术产业开发区（测试）", "kind": "economic_development_zone", "city_code": "510700", "level": "national"});
    let (s, _) = app
        .post("/api/v1/admin/parks", Some(&park_admin), park.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = app
        .post("/api/v1/admin/parks", Some(&admin), park.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["city_name"], "绵阳市");
    let (s, _) = app.post("/api/v1/admin/parks", Some(&admin), park).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, b) = app
        .post(
            "/api/v1/admin/parks",
            Some(&admin),
            json!({"name": "x", "kind": "moon_base", "city_code": "110000", "level": "galactic"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["fields"].as_object().unwrap().len(), 3);

    let (sme, reg) = app.register("sme", Some(PARK)).await;
    let user_id = reg["user"]["id"].as_i64().unwrap();
    let (s, b) = app
        .post(
            &format!("/api/v1/admin/users/{user_id}/suspend"),
            Some(&admin),
            json!({"note": "冒用企业信息"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["status"], "suspended");
    let (s, _) = app.get("/api/v1/me", Some(&sme)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": reg["user"]["email"], "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, log) = app.get("/api/v1/admin/audit-log", Some(&admin)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[0], "user.suspend");
    assert!(actions.contains(&"park.create") && actions.contains(&"user.create_admin"));
    assert_eq!(log["items"][0]["note"], "冒用企业信息");
}

/// Each instance remembers who a token belongs to for at most a second: a revocation through
/// one instance is refused at once there, and by another instance within that second.
#[tokio::test]
async fn a_revoked_token_stops_working_on_every_instance() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_with_index(a.db.clone(), "index-b").await;
    let (token, _) = a.register("sme", Some(1)).await;
    for app in [&a, &b] {
        let (s, _) = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(s, StatusCode::OK);
    }
    let (s, _) = a
        .post("/api/v1/auth/logout-all", Some(&token), json!({}))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = a.get("/api/v1/me", Some(&token)).await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "at once on the instance that revoked it"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let (s, _) = b.get("/api/v1/me", Some(&token)).await;
        if s == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the other instance still accepts a revoked token"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
