//! What the real binary writes to its log (stdout and stderr of a child process, at debug
//! level): addresses only masked, never a password or a token, whatever the request carried.

use diesel::prelude::*;
use parkbridge::db::schema::outbox;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::faults::{connect, registration, ServerEnv};
use crate::helpers::{TestDb, PASSWORD, TEST_SECRET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_mask_addresses_and_never_show_passwords_or_tokens() {
    let db = TestDb::new();
    let mut env = ServerEnv::new(&db.url, db.dir.path());
    env.log = "debug".into();
    let server = env.start().await;

    let body = registration();
    let email = body["email"].as_str().unwrap().to_string();
    let (s, reg) = server.post("/api/v1/auth/register", None, body).await;
    assert_eq!(s, StatusCode::CREATED, "{reg}");
    let session = reg["token"].as_str().unwrap().to_string();
    let user_id = reg["user"]["id"].as_i64().unwrap();

    let (s, login) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    let second_session = login["token"].as_str().unwrap().to_string();
    let wrong = "not the password 2026 园区";
    let (s, _) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": wrong}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = server
        .call(reqwest::Method::GET, "/api/v1/me", Some(&session), None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK);

    // The confirmation link from the outbox, followed.
    let payload: String = outbox::table
        .filter(outbox::kind.eq("email_confirmation"))
        .filter(outbox::recipient_user_id.eq(Some(user_id)))
        .select(outbox::payload)
        .first(&mut *connect(&db.url))
        .unwrap();
    let url = serde_json::from_str::<Value>(&payload).unwrap()["confirm_url"]
        .as_str()
        .unwrap()
        .to_string();
    let confirm_token = url.split("token=").nth(1).unwrap().to_string();
    let path = format!("/api/v1/auth/confirm-email?token={confirm_token}");
    let (s, _, b) = server
        .call(reqwest::Method::GET, &path, None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK, "{b}");

    // A one-click unsubscribe link, signed as the mail worker signs it.
    let keys = parkbridge::auth::token::TokenKeys::new(
        TEST_SECRET.as_bytes(),
        chrono::Duration::hours(12),
    )
    .unwrap();
    let unsubscribe = keys.issue_unsubscribe(user_id, "match_emails", chrono::Utc::now());
    let path = format!("/unsubscribe?token={unsubscribe}");
    let (s, _, _) = server
        .call(reqwest::Method::GET, &path, None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK);
    // A tampered token too: refused pages are logged like any other.
    let path = format!("/unsubscribe?token={unsubscribe}x");
    let (s, _, _) = server
        .call(reqwest::Method::GET, &path, None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let mut server = server;
    // Let the mail worker deliver the confirmation mail (it logs its work too).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !server.log_text().contains("mail sent") && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.kill();
    let log = server.log_text();

    // The events are there, with the request id on each request line …
    for event in [
        "registered",
        "login succeeded",
        "login failed",
        "unsubscribed",
        "mail sent",
    ] {
        assert!(log.contains(event), "no {event:?} in the log:\n{log}");
    }
    assert!(log.contains("request_id="), "{log}");
    // … the address only masked …
    let masked = parkbridge::logging::mask_email(&email);
    assert!(
        log.contains(&masked),
        "the failed login names {masked}:\n{log}"
    );
    let local = email.split('@').next().unwrap();
    // … and no address, password or token anywhere.
    for secret in [
        email.as_str(),
        local,
        PASSWORD,
        wrong,
        session.as_str(),
        second_session.as_str(),
        confirm_token.as_str(),
        unsubscribe.as_str(),
        TEST_SECRET,
    ] {
        assert!(!log.contains(secret), "the log shows {secret:?}:\n{log}");
    }
}
