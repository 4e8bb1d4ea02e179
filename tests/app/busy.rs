//! A database that stays busy (another writer holds SQLite's write lock longer than the busy
//! timeout) answers a write 503 with Retry-After in the contract's shape, never 500; the same
//! write succeeds once the lock is let go.

use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::StatusCode;

use crate::helpers::{financing_need, TestApp};

#[tokio::test]
async fn a_write_while_another_holds_the_write_lock_is_a_503_with_retry_after() {
    let app = TestApp::spawn_with(|s| s.sqlite_busy_timeout_ms = 300).await;
    let Some(path) = app.db.url.strip_prefix("sqlite://").map(str::to_string) else {
        return; // PostgreSQL has no database-wide write lock to hold
    };
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, 1).await;
    // Another process's long write transaction.
    let mut holder = diesel::SqliteConnection::establish(&path).unwrap();
    holder.batch_execute("BEGIN IMMEDIATE").unwrap();

    let res = app
        .client
        .post(format!("{}/api/v1/needs", app.base))
        .bearer_auth(&sme)
        .header("accept-language", "en")
        .json(&financing_need())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .expect("a Retry-After header")
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "service_unavailable", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("busy"));

    holder.batch_execute("ROLLBACK").unwrap();
    let (status, body) = app
        .post("/api/v1/needs", Some(&sme), financing_need())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
