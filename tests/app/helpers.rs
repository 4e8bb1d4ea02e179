//! Spawns the real application on port 0 with a fresh database (a SQLite file, or a fresh
//! PostgreSQL database when PARKBRIDGE_TEST_POSTGRES_URL is set) and talks to it over HTTP.

use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::web::Data;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use parkbridge::config::Settings;
use parkbridge::domain::Uscc;
use parkbridge::startup::Application;
use parkbridge::state::{AppState, Clock};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub const PASSWORD: &str = "园区企业 strong pass 2026";
pub const TEST_SECRET: &str = "test-secret-that-is-long-enough-for-hs256!!";

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn unique() -> u32 {
    COUNTER.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10_000
}

/// A valid USCC unique to this test run.
pub fn uscc(n: u32) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut tail = String::new();
    let mut v = n as u64 + 7_777;
    for _ in 0..9 {
        tail.push(A[(v % 31) as usize] as char);
        v /= 31;
    }
    Uscc::with_check_char(&format!("91510100{tail}"))
        .unwrap()
        .as_str()
        .to_string()
}

pub struct TestDb {
    pub url: String,
    pg: Option<(String, String)>,
    pub dir: tempfile::TempDir,
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("PARKBRIDGE_TEST_POSTGRES_URL") {
            Ok(base) if !base.is_empty() => {
                let name = format!("pb_test_{}_{}", std::process::id(), unique());
                let mut admin = diesel::PgConnection::establish(&base)
                    .expect("PARKBRIDGE_TEST_POSTGRES_URL must reach a PostgreSQL server");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = match base.rfind('/') {
                    Some(i) if i > base.find("://").map(|s| s + 2).unwrap_or(0) => {
                        format!("{}/{name}", &base[..i])
                    }
                    _ => format!("{base}/{name}"),
                };
                TestDb {
                    url,
                    pg: Some((base, name)),
                    dir,
                }
            }
            _ => {
                let url = format!("sqlite://{}", dir.path().join("test.sqlite3").display());
                TestDb { url, pg: None, dir }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg.take() {
            if let Ok(mut admin) = diesel::PgConnection::establish(&base) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub state: Data<AppState>,
    pub clock: Clock,
    pub db: std::sync::Arc<TestDb>,
    server: tokio::task::JoinHandle<()>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn settings_for(db: &TestDb, index: &str) -> Settings {
    let mut s = Settings::for_paths(&db.url, db.dir.path());
    s.index_dir = db.dir.path().join(index);
    s.bind = "127.0.0.1:0".into();
    s.jwt_secret = Some(TEST_SECRET.into());
    s.workers = Some(1);
    s.db_pool = 4;
    s
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_on(std::sync::Arc::new(TestDb::new())).await
    }

    /// Another application on the same database and index folder (a restart).
    pub async fn spawn_on(db: std::sync::Arc<TestDb>) -> TestApp {
        Self::spawn_with_index(db, "search-index").await
    }

    /// An application on the same database with its own index folder (a second instance).
    pub async fn spawn_with_index(db: std::sync::Arc<TestDb>, index: &str) -> TestApp {
        let clock = Clock::default();
        let app = Application::build(settings_for(&db, index), clock.clone()).expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port);
        let state = app.state.clone();
        let handle = app.handle();
        let server = tokio::spawn(async move {
            let _ = app.run_until_stopped().await;
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            state,
            clock,
            db,
            server,
            handle,
        }
    }

    /// Stops the server and waits until it has let go of the database and the index, as a
    /// process that exits does.
    pub async fn stop(self) -> std::sync::Arc<TestDb> {
        self.handle.stop(true).await;
        let db = self.db.clone();
        let search = std::sync::Arc::downgrade(&self.state.search);
        drop(self);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while search.strong_count() > 0 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        db
    }

    /// Applies the change feed to the search index now (the server also does it every 100 ms).
    pub async fn sync_index(&self) {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = state.pool.get().unwrap();
            if !state.search.is_ready() {
                parkbridge::search::indexer::build_all(&state.search, &mut conn, |_, _| {})
                    .unwrap();
            }
            parkbridge::search::indexer::catch_up(&state.search, &mut conn).unwrap();
        })
        .await
        .unwrap();
    }

    /// Indexes, then matches every queued posting now (the server also does both on its own).
    pub async fn drain_matching(&self) {
        use diesel::prelude::*;
        self.sync_index().await;
        // The server's own matcher may hold a claim; wait until the queue is empty.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let state = self.state.clone();
            let left: i64 = tokio::task::spawn_blocking(move || {
                parkbridge::jobs::match_queued(&state, 1000).unwrap();
                let mut conn = state.pool.get().unwrap();
                parkbridge::db::schema::match_queue::table
                    .count()
                    .get_result(&mut conn)
                    .unwrap()
            })
            .await
            .unwrap();
            if left == 0 || std::time::Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Outbox rows of a kind: (recipient email, payload).
    pub fn outbox_of(&self, kind: &str) -> Vec<(String, serde_json::Value)> {
        use diesel::prelude::*;
        use parkbridge::db::schema::outbox;
        let mut conn = self.state.pool.get().unwrap();
        outbox::table
            .filter(outbox::kind.eq(kind))
            .order(outbox::id.asc())
            .select((outbox::recipient_email, outbox::payload))
            .load::<(String, String)>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|(e, p)| (e, serde_json::from_str(&p).unwrap()))
            .collect()
    }

    /// Waits (up to 5 s) until `/readyz` answers 200.
    pub async fn wait_ready(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let (s, _) = self.get("/readyz", None).await;
            if s == StatusCode::OK || std::time::Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, token, Some(body)).await
    }

    /// Sends raw bytes as the body.
    pub async fn post_raw(
        &self,
        path: &str,
        token: Option<&str>,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub fn registration(&self, role: &str, park_id: Option<i64>) -> Value {
        let n = unique();
        let mut org = json!({
            "name": format!("绵阳测试精密机械有限公司{n}"),
            "uscc": uscc(n),
            "industry": "C",
            "size": "small",
            "employees": 80,
            "contact_name": "张伟",
            "contact_phone": "13800000000",
        });
        if let Some(p) = park_id {
            org["park_id"] = json!(p);
        }
        json!({
            "email": format!("user{n}@example.cn"),
            "password": PASSWORD,
            "display_name": "张伟",
            "role": role,
            "organization": org,
        })
    }

    /// Registers a user with an organisation; returns (token, the full answer).
    pub async fn register(&self, role: &str, park_id: Option<i64>) -> (String, Value) {
        let (status, body) = self
            .post(
                "/api/v1/auth/register",
                None,
                self.registration(role, park_id),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (body["token"].as_str().unwrap().to_string(), body)
    }

    /// The first platform admin, made as `parkbridge create-admin` does.
    pub async fn platform_admin(&self) -> String {
        let email = format!("admin{}@parkbridge.test", unique());
        self.make_admin(&email, "platform_admin", None);
        self.login(&email, PASSWORD).await
    }

    pub fn make_admin(&self, email: &str, role: &str, park_id: Option<i64>) {
        let mut conn = self.state.pool.get().unwrap();
        parkbridge::service::accounts::create_admin_cli(
            &mut conn,
            email,
            PASSWORD,
            role,
            park_id,
            "管理员",
        )
        .expect("create admin");
    }

    pub async fn park_admin(&self, park_id: i64) -> String {
        let email = format!("parkadmin{}@parkbridge.test", unique());
        self.make_admin(&email, "park_admin", Some(park_id));
        self.login(&email, PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// A verified SME in `park_id`: (token, org id).
    pub async fn verified_sme(&self, admin: &str, park_id: i64) -> (String, i64) {
        let (token, body) = self.register("sme", Some(park_id)).await;
        let org_id = body["organization"]["id"].as_i64().unwrap();
        let (s, b) = self
            .post(
                &format!("/api/v1/admin/organizations/{org_id}/verify"),
                Some(admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        (token, org_id)
    }

    pub async fn verified_provider(&self, admin: &str) -> (String, i64) {
        let (token, body) = self.register("provider", None).await;
        let org_id = body["organization"]["id"].as_i64().unwrap();
        let (s, b) = self
            .post(
                &format!("/api/v1/admin/organizations/{org_id}/verify"),
                Some(admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        (token, org_id)
    }

    /// Posts and approves; returns the posting's id.
    pub async fn published(&self, owner: &str, admin: &str, kind: &str, body: Value) -> i64 {
        let (s, b) = self
            .post(&format!("/api/v1/{kind}s"), Some(owner), body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let id = b["id"].as_i64().unwrap();
        let (s, b) = self
            .post(
                &format!("/api/v1/admin/{kind}s/{id}/approve"),
                Some(admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        assert_eq!(b["status"], "published");
        id
    }

    /// Rows in the outbox of a kind.
    pub fn outbox_kinds(&self) -> Vec<String> {
        use diesel::prelude::*;
        use parkbridge::db::schema::outbox;
        let mut conn = self.state.pool.get().unwrap();
        outbox::table
            .order(outbox::id.asc())
            .select(outbox::kind)
            .load(&mut conn)
            .unwrap()
    }

    pub fn change_feed_for(&self, posting_id: i64) -> i64 {
        use diesel::prelude::*;
        use parkbridge::db::schema::change_feed;
        let mut conn = self.state.pool.get().unwrap();
        change_feed::table
            .filter(change_feed::posting_id.eq(posting_id))
            .count()
            .get_result(&mut conn)
            .unwrap()
    }

    /// An application on a fresh database with settings adjusted by `f` (an SMTP server, a
    /// public URL, …).
    pub async fn spawn_with(f: impl FnOnce(&mut Settings)) -> TestApp {
        let db = std::sync::Arc::new(TestDb::new());
        let mut settings = settings_for(&db, "search-index");
        f(&mut settings);
        let clock = Clock::default();
        let app = Application::build(settings, clock.clone()).expect("build app");
        let base = format!("http://127.0.0.1:{}", app.port);
        let state = app.state.clone();
        let handle = app.handle();
        let server = tokio::spawn(async move {
            let _ = app.run_until_stopped().await;
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            state,
            clock,
            db,
            server,
            handle,
        }
    }
}

pub fn financing_need() -> Value {
    json!({
        "category": "financing",
        "title": "设备更新贷款 500万",
        "description": "购置五轴数控加工中心两台，扩大精密零部件产能。",
        "financing": {"amount_yuan": 5_000_000, "term_months": 36, "purpose": "equipment",
                      "collateral": ["equipment", "guarantee"], "max_annual_rate_bp": 450}
    })
}

pub fn recruiting_need() -> Value {
    json!({
        "category": "recruiting",
        "title": "招聘数控车工 10 名",
        "description": "两班倒，包食宿，熟悉 FANUC 系统优先。",
        "recruiting": {"positions": [{"title": "数控车工", "headcount": 10, "salary_min_yuan": 6000,
                                      "salary_max_yuan": 9000, "skills": ["FANUC", "识图"], "education": "中专"}],
                       "start_by": "2027-03-01"}
    })
}

pub fn training_need() -> Value {
    json!({
        "category": "training",
        "title": "一线员工安全生产培训",
        "description": "30 名一线员工的年度安全生产培训。",
        "training": {"topic": "安全生产", "headcount": 30, "format": "onsite", "budget_yuan": 20000}
    })
}

pub fn financing_offer() -> Value {
    json!({
        "category": "financing",
        "title": "科技型中小企业设备贷",
        "description": "面向园区制造业企业的设备更新贷款，额度 100万–2000万。",
        "regions": ["510100", "510700"], "industries": ["C"], "sizes": ["micro", "small", "medium"],
        "financing": {"product_type": "设备贷款", "amount_min_yuan": 1_000_000, "amount_max_yuan": 20_000_000,
                      "term_min_months": 12, "term_max_months": 60, "annual_rate_min_bp": 365,
                      "annual_rate_max_bp": 480, "collateral_accepted": ["equipment", "guarantee", "property"]}
    })
}

pub fn recruiting_offer() -> Value {
    json!({
        "category": "recruiting", "title": "园区专场招聘会", "description": "每月一期，免费参加。",
        "recruiting": {"services": ["job_fair", "online_posting"], "fee": "free", "max_headcount": 200}
    })
}

pub fn training_offer() -> Value {
    json!({
        "category": "training", "title": "安全生产标准化培训", "description": "政府补贴课程。",
        "training": {"topics": ["安全生产", "应急管理"], "capacity": 60, "format": "either", "fee": "subsidized"}
    })
}

/// The id of the first reference park (成都高新技术产业开发区).
pub const PARK: i64 = 1;
/// Another park, for the "other park" cases.
pub const OTHER_PARK: i64 = 2;
