//! Faults, with the real binary as a child process: SIGKILL during a stream of writes and a
//! restart on the same database and index; a PostgreSQL restart under a running server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use parkbridge::db::schema::{outbox, postings, users};
use parkbridge::db::{DbConn, DbUrl};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{financing_need, unique, uscc, TestDb, PARK, PASSWORD, TEST_SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_parkbridge");

/// `parkbridge serve` as a child process, its stdout and stderr kept line by line.
pub struct ChildServer {
    child: std::process::Child,
    pub base: String,
    pub log: Arc<Mutex<Vec<String>>>,
    pub client: reqwest::Client,
}

/// The environment a child server (or a CLI command) runs with.
pub struct ServerEnv {
    pub database_url: String,
    pub dir: PathBuf,
    pub log: String,
}

impl ServerEnv {
    pub fn new(database_url: &str, dir: &Path) -> ServerEnv {
        ServerEnv {
            database_url: database_url.to_string(),
            dir: dir.to_path_buf(),
            log: "info".into(),
        }
    }

    fn apply(&self, cmd: &mut Command) {
        cmd.env("PARKBRIDGE_DATABASE_URL", &self.database_url)
            .env("PARKBRIDGE_INDEX_DIR", self.dir.join("search-index"))
            .env("PARKBRIDGE_MAIL_DIR", self.dir.join("mail"))
            .env("PARKBRIDGE_DATA_DIR", &self.dir)
            .env("PARKBRIDGE_BIND", "127.0.0.1:0")
            .env("PARKBRIDGE_JWT_SECRET", TEST_SECRET)
            .env("PARKBRIDGE_LOG", &self.log)
            .env("PARKBRIDGE_DB_POOL", "4")
            .env_remove("PARKBRIDGE_SMTP_URL");
    }

    /// Runs a one-shot command (`create-admin`, `check`, …) on the same data; (success, output).
    pub fn run(&self, args: &[&str]) -> (bool, String) {
        let mut cmd = Command::new(BIN);
        self.apply(&mut cmd);
        let out = cmd.args(args).output().expect("run parkbridge");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    /// Starts `serve` and waits until it listens and `/readyz` answers 200.
    pub async fn start(&self) -> ChildServer {
        let mut cmd = Command::new(BIN);
        self.apply(&mut cmd);
        let mut child = cmd
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start parkbridge serve");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel::<u16>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            let port_tx = port_tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.contains("serving") {
                        if let Some(p) = line
                            .split("port=")
                            .nth(1)
                            .and_then(|r| r.split_whitespace().next())
                            .and_then(|p| p.parse().ok())
                        {
                            let _ = port_tx.send(p);
                        }
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        let port =
            tokio::task::spawn_blocking(move || port_rx.recv_timeout(Duration::from_secs(60)))
                .await
                .unwrap()
                .unwrap_or_else(|_| panic!("the server did not start: {:?}", log.lock().unwrap()));
        let server = ChildServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = server
                .client
                .get(format!("{}/readyz", server.base))
                .send()
                .await
            {
                if r.status() == StatusCode::OK {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the server never became ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server
    }
}

impl ChildServer {
    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Result<(StatusCode, reqwest::header::HeaderMap, Value)> {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await?;
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await?;
        Ok((
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ))
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let (s, _, b) = self
            .call(reqwest::Method::POST, path, token, Some(body))
            .await
            .expect("request");
        (s, b)
    }

    /// A platform admin made with `create-admin`, signed in.
    pub async fn admin(&self, env: &ServerEnv) -> String {
        let email = format!("admin{}@parkbridge.test", unique());
        let (ok, out) = env.run(&["create-admin", "--email", &email, "--password", PASSWORD]);
        assert!(ok, "{out}");
        let (s, b) = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        b["token"].as_str().unwrap().to_string()
    }

    /// Registers an SME in park 1; (token, user id, org id, email).
    pub async fn register_sme(&self) -> reqwest::Result<(StatusCode, Value, String)> {
        let body = registration();
        let email = body["email"].as_str().unwrap().to_string();
        let (s, _, b) = self
            .call(
                reqwest::Method::POST,
                "/api/v1/auth/register",
                None,
                Some(body),
            )
            .await?;
        Ok((s, b, email))
    }

    /// A verified SME: its token.
    pub async fn verified_sme(&self, admin: &str) -> String {
        let (s, b, _) = self.register_sme().await.expect("register");
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let org = b["organization"]["id"].as_i64().unwrap();
        let (s, v) = self
            .post(
                &format!("/api/v1/admin/organizations/{org}/verify"),
                Some(admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        b["token"].as_str().unwrap().to_string()
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn registration() -> Value {
    let n = unique();
    json!({
        "email": format!("fault{n}@example.cn"),
        "password": PASSWORD,
        "display_name": "张伟",
        "role": "sme",
        "organization": {"name": format!("德阳故障测试装备有限公司{n}"), "uscc": uscc(n),
                         "park_id": PARK, "industry": "C", "size": "small"},
    })
}

pub fn connect(url: &str) -> parkbridge::db::PooledConn {
    let pool = parkbridge::db::connect_with(&DbUrl::parse(url).unwrap(), 1, 0).unwrap();
    pool.get().unwrap()
}

/// Writes a client got a 2xx for.
#[derive(Default)]
struct Acked {
    registered: Vec<String>,
    created: Vec<i64>,
    submitted: Vec<i64>,
    approved: Vec<(i64, String)>,
}

/// One client: registers now and then, and creates, submits and approves needs until a request
/// gets no answer (the server is gone). Every answer before that must be a 2xx.
async fn write_stream(
    server: Arc<ChildServer>,
    sme: String,
    admin: String,
    acked: Arc<Mutex<Acked>>,
    approvals: Arc<AtomicUsize>,
) {
    use reqwest::Method;
    for i in 0u32.. {
        if i % 4 == 0 {
            let Ok((s, b, email)) = server.register_sme().await else {
                return;
            };
            assert_eq!(s, StatusCode::CREATED, "{b}");
            acked.lock().unwrap().registered.push(email);
        }
        let title = format!("故障注入 设备贷款 第{}号", unique());
        let mut body = financing_need();
        body["title"] = json!(title);
        body["submit"] = json!(false);
        let Ok((s, _, b)) = server
            .call(Method::POST, "/api/v1/needs", Some(&sme), Some(body))
            .await
        else {
            return;
        };
        assert_eq!(s, StatusCode::CREATED, "{b}");
        let id = b["id"].as_i64().unwrap();
        acked.lock().unwrap().created.push(id);
        let path = format!("/api/v1/needs/{id}/submit");
        let Ok((s, _, b)) = server
            .call(Method::POST, &path, Some(&sme), Some(json!({})))
            .await
        else {
            return;
        };
        assert_eq!(s, StatusCode::OK, "{b}");
        acked.lock().unwrap().submitted.push(id);
        let path = format!("/api/v1/admin/needs/{id}/approve");
        let Ok((s, _, b)) = server
            .call(Method::POST, &path, Some(&admin), Some(json!({})))
            .await
        else {
            return;
        };
        assert_eq!(s, StatusCode::OK, "{b}");
        acked.lock().unwrap().approved.push((id, title));
        approvals.fetch_add(1, Ordering::Relaxed);
    }
}

/// Waits until `ready()` holds, for at most `limit` (then the caller's assertion reports it).
async fn eventually(limit: Duration, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !ready() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_writes_loses_no_acknowledged_write() {
    let db = TestDb::new();
    let env = ServerEnv::new(&db.url, db.dir.path());
    let server = env.start().await;
    let admin = server.admin(&env).await;
    let mut smes = Vec::new();
    for _ in 0..4 {
        smes.push(server.verified_sme(&admin).await);
    }

    let server = Arc::new(server);
    let acked = Arc::new(Mutex::new(Acked::default()));
    let approvals = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = smes
        .iter()
        .map(|sme| {
            tokio::spawn(write_stream(
                server.clone(),
                sme.clone(),
                admin.clone(),
                acked.clone(),
                approvals.clone(),
            ))
        })
        .collect();
    // Kill in the middle of the stream: once some writes are through, while more are in flight.
    let a = approvals.clone();
    eventually(Duration::from_secs(120), || a.load(Ordering::Relaxed) >= 12).await;
    // The clients hold references; the process is killed through a raw pid.
    let pid = server.child.id();
    let killed = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for c in clients {
        c.await.expect("a client saw a non-2xx answer");
    }
    let log_before = server.log_text();
    drop(server);

    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.approved.len() >= 12, "{log_before}");

    // Restart on the same database, index and mail folder.
    let server = env.start().await;
    let mut conn = connect(&db.url);
    for email in &acked.registered {
        let n: i64 = users::table
            .filter(users::email.eq(email))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(n, 1, "acknowledged registration of {email} lost");
    }
    let status_of = |conn: &mut DbConn, id: i64| -> Option<String> {
        postings::table
            .find(id)
            .select(postings::status)
            .first(conn)
            .optional()
            .unwrap()
    };
    for id in &acked.created {
        assert!(
            status_of(&mut conn, *id).is_some(),
            "acknowledged create {id} lost"
        );
    }
    for id in &acked.submitted {
        let s = status_of(&mut conn, *id).unwrap();
        assert!(s == "pending_review" || s == "published", "{id}: {s}");
    }
    for (id, _) in &acked.approved {
        assert_eq!(status_of(&mut conn, *id).as_deref(), Some("published"));
    }

    // The index catches up: `check` agrees, and search finds an approved posting.
    let mut check = (false, String::new());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        check = env.run(&["check"]);
        if check.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(check.0, "index drift after restart: {}", check.1);
    let (id, title) = acked.approved.last().unwrap().clone();
    let (s, _, found) = server
        .call(
            reqwest::Method::GET,
            &format!("/api/v1/search?type=need&per_page=100&q={title}"),
            Some(&admin),
            None,
        )
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == id),
        "{found}"
    );

    // The outbox drains (a row leased by the killed process waits for its lease to end).
    let pending = |conn: &mut DbConn| -> i64 {
        outbox::table
            .filter(outbox::status.ne("sent"))
            .count()
            .get_result(conn)
            .unwrap()
    };
    let limit = parkbridge::notify::worker::LEASE.to_std().unwrap() + Duration::from_secs(60);
    let start = Instant::now();
    while pending(&mut conn) > 0 && start.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let rows: Vec<(i64, String, String)> = outbox::table
        .select((outbox::id, outbox::kind, outbox::status))
        .load(&mut *conn)
        .unwrap();
    assert!(!rows.is_empty());
    let files: Vec<String> = std::fs::read_dir(db.dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for (id, kind, status) in rows {
        assert_eq!(status, "sent", "outbox row {id} ({kind})");
        let file = format!("{id}-{kind}.eml");
        assert!(files.contains(&file), "no mail file {file}");
    }
    drop(server);
}

/// A PostgreSQL cluster of this test's own (initdb into a temp folder, owned by the `postgres`
/// OS user), so restarting it disturbs no other test. Stopped when dropped.
struct PrivateCluster {
    pg: Pg,
    _dir: tempfile::TempDir,
}

/// How to run the cluster's `pg_ctl`.
#[derive(Clone)]
struct Pg {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
}

impl PrivateCluster {
    fn start() -> PrivateCluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|d| {
                let mut v: Vec<PathBuf> = d.filter_map(|e| e.ok()).map(|e| e.path()).collect();
                v.sort();
                v.pop()
            })
            .map(|p| p.join("bin"))
            .expect("PostgreSQL server binaries under /usr/lib/postgresql");
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "chown to postgres");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Pg {
            bin,
            data: dir.path().join("data"),
            port,
        };
        let data = pg.data.to_string_lossy().into_owned();
        pg.run(&[
            "initdb",
            "-D",
            &data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        ]);
        pg.ctl("start");
        PrivateCluster { pg, _dir: dir }
    }
}

impl Pg {
    fn run(&self, args: &[&str]) {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(args[0]))
            .args(&args[1..])
            .output()
            .expect("runuser");
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `start` or `stop` (fast: sessions are terminated, as in a real restart).
    fn ctl(&self, action: &str) {
        let home = self.data.parent().unwrap().to_string_lossy().into_owned();
        let opts = format!(
            "-p {} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port
        );
        let log = format!("{home}/server.log");
        let data = self.data.to_string_lossy().into_owned();
        match action {
            "stop" => self.run(&["pg_ctl", "-D", &data, "-m", "fast", "-w", "stop"]),
            _ => self.run(&["pg_ctl", "-D", &data, "-o", &opts, "-l", &log, "-w", action]),
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.pg.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&self.pg.data)
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_restart_under_a_running_server_is_survived() {
    if std::env::var("PARKBRIDGE_TEST_POSTGRES_URL").map_or(true, |v| v.is_empty()) {
        eprintln!("PARKBRIDGE_TEST_POSTGRES_URL is not set: the PostgreSQL restart test runs in the PostgreSQL pass only");
        return;
    }
    let cluster = PrivateCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let env = ServerEnv::new(&cluster.pg.url(), dir.path());
    let server = Arc::new(env.start().await);
    let admin = server.admin(&env).await;
    let sme = server.verified_sme(&admin).await;

    // A stream of reads and writes runs through the whole restart.
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::<(StatusCode, Value, Option<String>)>::new()));
    let stream = {
        let (server, stop, answers, sme) =
            (server.clone(), stop.clone(), answers.clone(), sme.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let mut body = financing_need();
                body["submit"] = json!(false);
                for (method, path, b) in [
                    (reqwest::Method::GET, "/api/v1/needs?mine=true", None),
                    (reqwest::Method::POST, "/api/v1/needs", Some(body)),
                ] {
                    let (s, h, v) = server
                        .call(method, path, Some(&sme), b)
                        .await
                        .expect("every request gets an answer (no hang, no reset)");
                    let retry = h
                        .get("retry-after")
                        .map(|v| v.to_str().unwrap().to_string());
                    answers.lock().unwrap().push((s, v, retry));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let count_ok = |answers: &Mutex<Vec<(StatusCode, Value, Option<String>)>>| {
        answers
            .lock()
            .unwrap()
            .iter()
            .filter(|(s, _, _)| s.is_success())
            .count()
    };
    let ans = answers.clone();
    eventually(Duration::from_secs(30), || count_ok(&ans) >= 10).await;

    // Down: stop, answer while it is down, then start again.
    let pg = cluster.pg.clone();
    tokio::task::spawn_blocking(move || pg.ctl("stop"))
        .await
        .unwrap();
    let (s, h, v) = server
        .call(
            reqwest::Method::GET,
            "/api/v1/needs?mine=true",
            Some(&sme),
            None,
        )
        .await
        .expect("an answer while the database is down");
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert_eq!(v["error"]["code"], "service_unavailable", "{v}");
    assert!(h.contains_key("retry-after"));
    let (s, _, _) = server
        .call(reqwest::Method::GET, "/readyz", None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    let (s, _, _) = server
        .call(reqwest::Method::GET, "/healthz", None, None)
        .await
        .unwrap();
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pg = cluster.pg.clone();
    tokio::task::spawn_blocking(move || pg.ctl("start"))
        .await
        .unwrap();

    // Recovered by itself: writes succeed again without restarting parkbridge.
    let before = count_ok(&answers);
    let ans = answers.clone();
    eventually(Duration::from_secs(60), || count_ok(&ans) >= before + 10).await;
    stop.store(true, Ordering::Relaxed);
    stream.await.expect("the request stream");
    assert!(count_ok(&answers) >= before + 10, "no recovery");
    let answers = std::mem::take(&mut *answers.lock().unwrap());
    for (s, v, retry) in &answers {
        assert!(
            s.is_success() || *s == StatusCode::SERVICE_UNAVAILABLE,
            "only 2xx or 503 expected, got {s}: {v}"
        );
        if *s == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(v["error"]["code"], "service_unavailable", "{v}");
            assert!(v["error"]["message"].is_string());
            assert!(retry.is_some(), "a 503 says when to come back");
        }
    }

    // The background workers survived: an approval reaches the index and its mail is written.
    let mut body = financing_need();
    body["title"] = json!("重启之后 设备贷款");
    let (s, b) = server.post("/api/v1/needs", Some(&sme), body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (s, b) = server
        .post(
            &format!("/api/v1/admin/needs/{id}/approve"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let mut found = false;
    let start = Instant::now();
    while !found && start.elapsed() < Duration::from_secs(30) {
        let (_, _, r) = server
            .call(
                reqwest::Method::GET,
                "/api/v1/search?type=need&q=重启之后",
                Some(&admin),
                None,
            )
            .await
            .unwrap();
        found = r["items"]
            .as_array()
            .is_some_and(|i| i.iter().any(|h| h["id"] == id));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(found, "the indexer did not survive the restart");
    let mut conn = connect(&cluster.pg.url());
    let mut drained = false;
    let start = Instant::now();
    // A row whose result could not be recorded at all waits for its lease to end.
    let limit = parkbridge::notify::worker::LEASE.to_std().unwrap() + Duration::from_secs(60);
    while !drained && start.elapsed() < limit {
        let pending: i64 = outbox::table
            .filter(outbox::status.ne("sent"))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        drained = pending == 0;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(drained, "the mail worker did not survive the restart");
    let mails = std::fs::read_dir(dir.path().join("mail")).unwrap().count();
    assert!(mails > 0);
    drop(conn);
    drop(server);
}
