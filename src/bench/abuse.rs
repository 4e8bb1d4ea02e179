//! `parkbridge bench abuse`: the real server in this process, and `--connections` clients on
//! the endpoints that hash or verify passwords — registration, reset confirmation with made-up
//! links, password change and sign-in with wrong passwords — for `--seconds`, while `/healthz` is
//! polled on a connection (and a thread) of its own. It prints the peak and final resident
//! memory, `/healthz` latency meanwhile and the status mix per endpoint. Exits 1 on a 5xx other
//! than a deliberate 503 with Retry-After, on a request left unanswered, or on a peak of 500 MB
//! or more.
//!
//! By default every request comes from another client address behind a trusted proxy (the
//! worst case for the per-address throttles: a botnet), so the hashing gate is what is
//! measured; `--one-address` sends everything from one address instead.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use super::{fresh_dir, percentiles};
use crate::config::{Settings, DEFAULT_DATABASE_URL};
use crate::startup::Application;
use crate::state::{AppState, Clock};

pub struct Options {
    pub connections: usize,
    pub seconds: u64,
    pub seed: u64,
    pub one_address: bool,
    pub dir: Option<PathBuf>,
}

const PASSWORD: &str = "压测账号的口令 bench 2026";
const PEAK_LIMIT_MB: f64 = 500.0;
const HEALTHZ_P99_GOAL_MS: f64 = 50.0;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Endpoint {
    Register,
    ResetConfirm,
    PasswordChange,
    Login,
}

impl Endpoint {
    const ALL: [Endpoint; 4] = [
        Endpoint::Register,
        Endpoint::ResetConfirm,
        Endpoint::PasswordChange,
        Endpoint::Login,
    ];

    fn name(self) -> &'static str {
        match self {
            Endpoint::Register => "POST /api/v1/auth/register (new accounts)",
            Endpoint::ResetConfirm => "POST /api/v1/auth/password-reset/confirm (made-up links)",
            Endpoint::PasswordChange => "PUT /api/v1/me/password (right current password)",
            Endpoint::Login => "POST /api/v1/auth/login (wrong passwords)",
        }
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, u64>,
    /// 5xx that are not a 503 with Retry-After, and requests with no answer.
    unexpected: u64,
    first_problem: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.unexpected += other.unexpected;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
    }
}

pub fn run(settings: Settings, o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(o.connections > 0, "--connections must be at least 1");
    let dir = fresh_dir(o.dir.as_deref())?;
    let mut s = settings;
    if s.database_url == DEFAULT_DATABASE_URL {
        s.database_url = format!("sqlite://{}", dir.join("bench.sqlite3").display());
    }
    s.bind = "127.0.0.1:0".into();
    s.data_dir = dir.clone();
    s.index_dir = dir.join("search-index");
    s.mail_dir = dir.join("mail");
    s.smtp_url = None;
    if s.jwt_secret.is_none() {
        s.jwt_secret = Some("benchmark-secret-benchmark-secret-benchmark".into());
    }
    s.trusted_proxies = (!o.one_address).then(|| "127.0.0.1".into());
    let backend = if s.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let result = actix_web::rt::System::new().block_on(serve_and_drive(s, &o));
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    report.print(&o, backend);
    report.verdict()
}

struct Report {
    endpoints: BTreeMap<Endpoint, Tally>,
    elapsed: Duration,
    healthz: Tally,
    rss_before_mb: f64,
    hwm_mb: f64,
    rss_end_mb: f64,
    rss_idle_mb: f64,
    hashing: crate::auth::password::HashCounts,
    gate: usize,
}

async fn serve_and_drive(s: Settings, o: &Options) -> anyhow::Result<Report> {
    let app = Application::build(s, Clock::default())?;
    let base = format!("http://127.0.0.1:{}", app.port);
    let state = app.state.clone();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    let probe = reqwest::Client::builder().no_proxy().build()?;
    let started = Instant::now();
    while !matches!(probe.get(format!("{base}/readyz")).send().await, Ok(r) if r.status() == 200) {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not become ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let st = state.clone();
    let n = o.connections;
    let tokens = tokio::task::spawn_blocking(move || accounts(&st, n)).await??;
    let (rss_before_mb, _) = super::load::memory_mb();
    println!(
        "driving {} connections on the password endpoints for {} s (hashing gate: {} at once)…",
        o.connections,
        o.seconds,
        state.hashing.size()
    );

    let (connections, seconds, seed, one_address) =
        (o.connections, o.seconds, o.seed, o.one_address);
    let client_base = base.clone();
    let drive = std::thread::spawn(
        move || -> anyhow::Result<(BTreeMap<Endpoint, Tally>, Duration)> {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            rt.block_on(drive(
                &client_base,
                tokens,
                connections,
                Duration::from_secs(seconds),
                seed,
                one_address,
            ))
        },
    );
    let health_base = base.clone();
    let health = std::thread::spawn(move || -> anyhow::Result<Tally> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        rt.block_on(poll_healthz(&health_base, Duration::from_secs(seconds)))
    });
    let (endpoints, elapsed) = tokio::task::spawn_blocking(move || drive.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the clients panicked"))??;
    let healthz = tokio::task::spawn_blocking(move || health.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the /healthz poller panicked"))??;
    let (rss_end_mb, hwm_mb) = super::load::memory_mb();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let (rss_idle_mb, _) = super::load::memory_mb();
    let hashing = state.hashing.counts();
    let gate = state.hashing.size();
    handle.stop(true).await;
    Ok(Report {
        endpoints,
        elapsed,
        healthz,
        rss_before_mb,
        hwm_mb,
        rss_end_mb,
        rss_idle_mb,
        hashing,
        gate,
    })
}

/// One park administrator per connection (made directly, with one hash for all), signed in
/// for the password changes.
fn accounts(state: &AppState, n: usize) -> anyhow::Result<Vec<String>> {
    use crate::domain::{Email, Role};
    use crate::service::accounts::{create_admin, AdminInput};
    let hash =
        crate::auth::password::hash_blocking(PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut conn = state.pool.get()?;
    let now = state.clock.now();
    let stamp = now.timestamp_millis();
    let users = crate::db::transaction(&mut conn, |c| {
        (0..n)
            .map(|i| {
                let email = Email::parse(&format!("abuse-{stamp}-{i}@bench.parkbridge.local"))
                    .map_err(|p| crate::error::AppError::field("email", p))?;
                let input = AdminInput {
                    email,
                    display_name: format!("压测 {i}"),
                    role: Role::ParkAdmin,
                    park_id: Some(1),
                };
                create_admin(c, None, &input, &hash, now.naive_utc())
            })
            .collect::<crate::error::AppResult<Vec<_>>>()
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(users
        .iter()
        .map(|u| state.keys.issue(u.id, u.token_version, now).0)
        .collect())
}

/// A valid unified social credit code for bench registration `n`.
fn uscc(n: u64) -> String {
    const A: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut tail = String::new();
    let mut v = n;
    for _ in 0..9 {
        tail.push(A[(v % 31) as usize] as char);
        v /= 31;
    }
    crate::domain::Uscc::with_check_char(&format!("91510100{tail}"))
        .map(|u| u.as_str().to_string())
        .unwrap_or_default()
}

async fn drive(
    base: &str,
    tokens: Vec<String>,
    connections: usize,
    duration: Duration,
    seed: u64,
    one_address: bool,
) -> anyhow::Result<(BTreeMap<Endpoint, Tally>, Duration)> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()?;
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for who in 0..connections {
        let client = client.clone();
        let base = base.to_string();
        let mut token = tokens[who % tokens.len()].clone();
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed ^ (who as u64).wrapping_mul(0x9E37_79B9));
            let mut out: BTreeMap<Endpoint, Tally> = BTreeMap::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let endpoint = Endpoint::ALL[(who + n as usize) % Endpoint::ALL.len()];
                let address = if one_address {
                    "198.18.0.1".to_string()
                } else {
                    format!("198.18.{}.{}", rng.random_range(0..=255), rng.random_range(1..=254))
                };
                let serial = ((seed % 1000) * 1_000_000 + who as u64) * 1_000_000 + n;
                let req = match endpoint {
                    Endpoint::Register => client
                        .post(format!("{base}/api/v1/auth/register"))
                        .json(&json!({
                            "email": format!("reg-{serial}@bench.parkbridge.local"),
                            "password": PASSWORD, "display_name": "压测", "role": "sme",
                            "organization": {"name": format!("压测企业 {serial}"), "uscc": uscc(serial),
                                             "park_id": 1, "industry": "C", "size": "small"},
                        })),
                    Endpoint::ResetConfirm => {
                        let bogus: String = (0..32)
                            .map(|_| format!("{:02x}", rng.random::<u8>()))
                            .collect();
                        client
                            .post(format!("{base}/api/v1/auth/password-reset/confirm"))
                            .json(&json!({"token": bogus, "new_password": PASSWORD}))
                    }
                    Endpoint::PasswordChange => client
                        .put(format!("{base}/api/v1/me/password"))
                        .bearer_auth(&token)
                        .json(&json!({"current_password": PASSWORD, "new_password": PASSWORD})),
                    Endpoint::Login => client
                        .post(format!("{base}/api/v1/auth/login"))
                        .json(&json!({
                            "email": format!("nobody-{serial}@bench.parkbridge.local"),
                            "password": "not the password 2026",
                        })),
                };
                let tally = out.entry(endpoint).or_default();
                let sent = Instant::now();
                match req.header("x-forwarded-for", address).send().await {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        let retry_after = res.headers().contains_key("retry-after");
                        let body = res.bytes().await.unwrap_or_default();
                        tally.latencies.push(sent.elapsed());
                        *tally.statuses.entry(status).or_default() += 1;
                        if status >= 500 && !(status == 503 && retry_after) {
                            tally.unexpected += 1;
                            tally.first_problem.get_or_insert_with(|| {
                                format!(
                                    "{} answered {status}: {}",
                                    endpoint.name(),
                                    String::from_utf8_lossy(&body[..body.len().min(300)])
                                )
                            });
                        }
                        if endpoint == Endpoint::PasswordChange && status == 200 {
                            // The change ends every earlier token; the answer carries the next.
                            if let Some(t) = serde_json::from_slice::<Value>(&body)
                                .ok()
                                .and_then(|v| v["token"].as_str().map(String::from))
                            {
                                token = t;
                            }
                        }
                    }
                    Err(e) => {
                        tally.unexpected += 1;
                        tally
                            .first_problem
                            .get_or_insert_with(|| format!("{}: no answer: {e}", endpoint.name()));
                    }
                }
                n += 1;
            }
            out
        });
    }
    let mut total: BTreeMap<Endpoint, Tally> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        for (e, t) in done? {
            total.entry(e).or_default().merge(t);
        }
    }
    Ok((total, started.elapsed()))
}

/// `GET /healthz` on a connection of its own, every 20 ms, for `duration`.
async fn poll_healthz(base: &str, duration: Duration) -> anyhow::Result<Tally> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()?;
    let deadline = Instant::now() + duration;
    let mut t = Tally::default();
    while Instant::now() < deadline {
        let sent = Instant::now();
        match client.get(format!("{base}/healthz")).send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                let _ = res.bytes().await;
                t.latencies.push(sent.elapsed());
                *t.statuses.entry(status).or_default() += 1;
                if status != 200 {
                    t.unexpected += 1;
                }
            }
            Err(e) => {
                t.unexpected += 1;
                t.first_problem
                    .get_or_insert_with(|| format!("/healthz: no answer: {e}"));
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(t)
}

fn mix(t: &Tally) -> String {
    t.statuses
        .iter()
        .map(|(s, n)| format!("{s}×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Report {
    fn healthz_p99(&self) -> f64 {
        percentiles(self.healthz.latencies.clone()).p99_ms
    }

    fn print(&self, o: &Options, backend: &str) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        println!();
        println!(
            "machine: {cores} cores, {}; client and server share these cores (the clients run in this process on 2 threads, the /healthz poller on a third)",
            super::cpu_model()
        );
        println!(
            "database: {backend}; client addresses: {}; hashing gate: {} at once",
            if o.one_address {
                "one"
            } else {
                "a random one per request, behind a trusted proxy"
            },
            self.gate
        );
        println!();
        println!(
            "abuse — {} connections, {secs:.1} s, on the password endpoints",
            o.connections
        );
        println!();
        println!("| endpoint | requests | req/s | p50 ms | p99 ms | status mix |");
        println!("| --- | ---: | ---: | ---: | ---: | --- |");
        for (e, t) in &self.endpoints {
            let pc = percentiles(t.latencies.clone());
            println!(
                "| {} | {} | {:.0} | {:.1} | {:.1} | {} |",
                e.name(),
                t.latencies.len(),
                t.latencies.len() as f64 / secs,
                pc.p50_ms,
                pc.p99_ms,
                mix(t)
            );
        }
        let h = percentiles(self.healthz.latencies.clone());
        let max = self
            .healthz
            .latencies
            .iter()
            .max()
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        println!(
            "| GET /healthz (own connection, every 20 ms) | {} | | {:.2} | {:.2} (max {max:.1}) | {} |",
            self.healthz.latencies.len(),
            h.p50_ms,
            h.p99_ms,
            mix(&self.healthz)
        );
        println!();
        println!(
            "argon2: {} hashed, {} verified, {} refused with 503 (no turn within a second)",
            self.hashing.hashed, self.hashing.verified, self.hashing.refused
        );
        println!(
            "resident memory (server and clients, one process): {:.0} MB before, peak (VmHWM) {:.0} MB, {:.0} MB at the end, {:.0} MB 5 s later",
            self.rss_before_mb, self.hwm_mb, self.rss_end_mb, self.rss_idle_mb
        );
        let unexpected: u64 = self.endpoints.values().map(|t| t.unexpected).sum();
        let mark = |ok: bool| if ok { "met" } else { "MISSED" };
        println!();
        println!("| target | measured | goal | |");
        println!("| --- | ---: | ---: | --- |");
        println!(
            "| peak resident memory | {:.0} MB | < {PEAK_LIMIT_MB:.0} MB | {} |",
            self.hwm_mb,
            mark(self.hwm_mb < PEAK_LIMIT_MB)
        );
        println!(
            "| /healthz p99 meanwhile | {:.2} ms | < {HEALTHZ_P99_GOAL_MS:.0} ms | {} |",
            self.healthz_p99(),
            mark(self.healthz_p99() < HEALTHZ_P99_GOAL_MS)
        );
        println!(
            "| 5xx other than 503 with Retry-After, or no answer | {unexpected} | 0 | {} |",
            mark(unexpected == 0)
        );
    }

    fn verdict(&self) -> anyhow::Result<()> {
        let unexpected: u64 =
            self.endpoints.values().map(|t| t.unexpected).sum::<u64>() + self.healthz.unexpected;
        if let Some(first) = self
            .endpoints
            .values()
            .chain(std::iter::once(&self.healthz))
            .find_map(|t| t.first_problem.clone())
        {
            println!("first problem: {first}");
        }
        anyhow::ensure!(
            unexpected == 0,
            "{unexpected} requests got a 5xx other than a 503 with Retry-After, or no answer"
        );
        anyhow::ensure!(
            self.hwm_mb < PEAK_LIMIT_MB,
            "peak resident memory {:.0} MB is not under {PEAK_LIMIT_MB:.0} MB",
            self.hwm_mb
        );
        println!("abuse run clean: memory bounded, every 5xx a deliberate 503 with Retry-After");
        Ok(())
    }
}
