//! The command line: migrate and create-admin, run as the built binary.

use std::process::Command;

use crate::helpers::*;

#[tokio::test]
async fn create_admin_makes_an_account_that_can_sign_in() {
    let db = std::sync::Arc::new(TestDb::new());
    let bin = env!("CARGO_BIN_EXE_parkbridge");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .env("PARKBRIDGE_DATABASE_URL", &db.url)
            .env("PARKBRIDGE_DATA_DIR", db.dir.path())
            .env("PARKBRIDGE_JWT_SECRET", TEST_SECRET)
            .env("PARKBRIDGE_LOG", "warn")
            .output()
            .expect("run parkbridge")
    };
    let out = run(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        "create-admin",
        "--email",
        "Root@Province.gov.cn",
        "--password",
        PASSWORD,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("platform_admin root@province.gov.cn"));
    let out = run(&[
        "create-admin",
        "--email",
        "root@province.gov.cn",
        "--password",
        PASSWORD,
    ]);
    assert!(!out.status.success(), "the same email twice is refused");
    let out = run(&[
        "create-admin",
        "--email",
        "weak@province.gov.cn",
        "--password",
        "123456",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    let out = run(&[
        "create-admin",
        "--email",
        "pa@province.gov.cn",
        "--password",
        PASSWORD,
        "--role",
        "park_admin",
        "--park-id",
        "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let app = TestApp::spawn_on(db.clone()).await;
    let token = app.login("root@province.gov.cn", PASSWORD).await;
    let (_, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["user"]["role"], "platform_admin");
    let token = app.login("pa@province.gov.cn", PASSWORD).await;
    let (_, me) = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["user"]["park_id"], 3);
}

#[test]
fn a_short_jwt_secret_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_parkbridge"))
        .arg("serve")
        .env("PARKBRIDGE_BIND", "127.0.0.1:0")
        .env("PARKBRIDGE_INDEX_DIR", dir.path().join("index"))
        .env(
            "PARKBRIDGE_DATABASE_URL",
            format!("sqlite://{}/x.sqlite3", dir.path().display()),
        )
        .env("PARKBRIDGE_DATA_DIR", dir.path())
        .env("PARKBRIDGE_JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32"));
}
