//! `parkbridge bench load`: the real server in this process on a free loopback port, on the
//! configured database filled with demo data, and `--connections` HTTP clients driving a mix of
//! search, reads, posting and moderation for `--seconds`; then one phase per target of the issue
//! (`/healthz` alone, search alone, posting + approval alone). Afterwards every write the server
//! acknowledged must be in the database and, once the indexer has caught up, in the index (the
//! comparison `parkbridge check` makes). Exits non-zero on any 5xx, lost write or drift.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::traffic::{self, Acked, Actors, Mix, Outcome};
use super::{fresh_dir, percentiles};
use crate::config::{Settings, DEFAULT_DATABASE_URL};
use crate::db::schema::{organizations, postings, users};
use crate::db::DbConn;
use crate::startup::{open_database_for_tool, Application};
use crate::state::{AppState, Clock};

pub struct Options {
    pub postings: usize,
    pub connections: usize,
    pub seconds: u64,
    /// Length of each target phase (healthz, search, posting + approval).
    pub target_seconds: u64,
    pub seed: u64,
    pub dir: Option<PathBuf>,
}

/// Demo-data scale that gives about `postings` postings (34000 SMEs give 100,496).
fn scale_for(postings: usize) -> usize {
    ((postings as f64) * 34_000.0 / 100_496.0).round().max(3.0) as usize
}

pub fn run(settings: Settings, o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(o.connections > 0, "--connections must be at least 1");
    let dir = fresh_dir(o.dir.as_deref())?;
    let mut s = settings.clone();
    // Without a --database-url of its own, the bench never touches ./data: it uses its folder.
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
    let backend = if s.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let seeded = prepare_data(&s, &o)?;
    let result = actix_web::rt::System::new().block_on(serve_and_drive(s, &o, backend));
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    report.print(&o, backend, &seeded);
    report.verdict()
}

/// Applies the migrations and, on an empty database, seeds demo data in a child process (so the
/// generator's memory does not count in this process's resident memory).
fn prepare_data(s: &Settings, o: &Options) -> anyhow::Result<String> {
    let pool = open_database_for_tool(s)?;
    let empty = crate::seed::is_empty(&mut *pool.get()?)?;
    drop(pool);
    if !empty {
        return Ok("existing data (the database was not empty: no demo data added)".into());
    }
    let started = Instant::now();
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--log", "warn", "--database-url", &s.database_url])
        .args(["seed-demo", "--scale", &scale_for(o.postings).to_string()])
        .args(["--seed", &o.seed.to_string()])
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "seed-demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(format!(
        "{} ({:.1} s)",
        text.lines().next().unwrap_or("").trim(),
        started.elapsed().as_secs_f64()
    ))
}

struct Phase {
    name: &'static str,
    outcome: Outcome,
}

struct Report {
    published: i64,
    index_build_secs: f64,
    phases: Vec<Phase>,
    rss_mb: f64,
    hwm_mb: f64,
    acked: Acked,
    lost: Vec<String>,
    drift: Vec<String>,
    catch_up_secs: f64,
}

async fn serve_and_drive(s: Settings, o: &Options, backend: &str) -> anyhow::Result<Report> {
    let index_dir = s.index_dir.clone();
    let started = Instant::now();
    let app = Application::build(s, Clock::default())?;
    let base = format!("http://127.0.0.1:{}", app.port);
    let state = app.state.clone();
    let handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());

    let probe = reqwest::Client::builder().no_proxy().build()?;
    loop {
        let ready = probe.get(format!("{base}/readyz")).send().await;
        if matches!(&ready, Ok(r) if r.status() == 200) {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(900),
            "the server did not become ready within 15 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let index_build_secs = started.elapsed().as_secs_f64();

    let st = state.clone();
    let accounts = o.connections;
    let (actors, published) = tokio::task::spawn_blocking(move || actors(&st, accounts)).await??;
    let actors = Arc::new(actors);
    println!(
        "{backend}: {published} published postings, server ready in {index_build_secs:.1} s; \
         driving {} connections…",
        o.connections
    );

    let plan = [
        ("mixed", Mix::Mixed, o.seconds),
        ("GET /healthz only", Mix::Healthz, o.target_seconds),
        ("search only", Mix::Search, o.target_seconds),
        ("posting + approval only", Mix::Posting, o.target_seconds),
    ];
    let connections = o.connections;
    let seed = o.seed;
    let client_base = base.clone();
    let client_actors = actors.clone();
    // The clients get a runtime of their own (2 threads), beside the server's workers.
    let phases = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<Phase>> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let mut phases = Vec::new();
        for (i, (name, mix, secs)) in plan.into_iter().enumerate() {
            let outcome = rt.block_on(traffic::drive(
                &client_base,
                client_actors.clone(),
                mix,
                connections,
                Duration::from_secs(secs),
                seed.wrapping_add(i as u64),
            ))?;
            println!(
                "  {name}: {} requests in {:.1} s",
                outcome.requests(),
                outcome.elapsed.as_secs_f64()
            );
            phases.push(Phase { name, outcome });
        }
        Ok(phases)
    })
    .await??;
    let (rss_mb, hwm_mb) = memory_mb();

    let mut acked = Acked::default();
    for p in &phases {
        acked.created.extend(&p.outcome.acked.created);
        acked.submitted.extend(&p.outcome.acked.submitted);
        acked.approved.extend(&p.outcome.acked.approved);
    }
    let st = state.clone();
    let check = Acked {
        created: acked.created.clone(),
        submitted: acked.submitted.clone(),
        approved: acked.approved.clone(),
    };
    let caught_up = Instant::now();
    let (lost, drift) =
        tokio::task::spawn_blocking(move || verify(&st, &index_dir, &check)).await??;
    let catch_up_secs = caught_up.elapsed().as_secs_f64();
    handle.stop(true).await;
    Ok(Report {
        published,
        index_build_secs,
        phases,
        rss_mb,
        hwm_mb,
        acked,
        lost,
        drift,
        catch_up_secs,
    })
}

/// A platform admin made for this run, and verified SMEs and providers of the demo data, as
/// bearer tokens (issued directly: logging in would only time argon2).
fn actors(state: &AppState, max: usize) -> anyhow::Result<(Actors, i64)> {
    let mut conn = state.pool.get()?;
    let stamp = chrono::Utc::now().timestamp_millis();
    let admin = crate::service::accounts::create_admin_cli(
        &mut conn,
        &format!("load-{stamp}@parkbridge.local"),
        "benchmark password 2026",
        "platform_admin",
        None,
        "压测管理员",
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = state.clock.now();
    let tokens = |conn: &mut DbConn, role: &str| -> anyhow::Result<Vec<String>> {
        let rows: Vec<(i64, i32)> = users::table
            .inner_join(organizations::table)
            .filter(users::role.eq(role))
            .filter(users::status.eq("active"))
            .filter(organizations::status.eq("verified"))
            .order(users::id.asc())
            .limit(max as i64)
            .select((users::id, users::token_version))
            .load(conn)?;
        anyhow::ensure!(
            !rows.is_empty(),
            "no verified {role} in the database: use more --postings"
        );
        Ok(rows
            .into_iter()
            .map(|(id, v)| state.keys.issue(id, v, now).0)
            .collect())
    };
    let smes = tokens(&mut conn, "sme")?;
    let providers = tokens(&mut conn, "provider")?;
    let published: i64 = postings::table
        .filter(postings::status.eq("published"))
        .count()
        .get_result(&mut conn)?;
    let admin = state.keys.issue(admin.id, admin.token_version, now).0;
    Ok((
        Actors {
            admin,
            smes,
            providers,
        },
        published,
    ))
}

/// Acknowledged writes missing from the database, and drift between the index and the database
/// once the indexer has had up to two minutes to catch up.
fn verify(
    state: &AppState,
    index_dir: &Path,
    acked: &Acked,
) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let mut conn = state.pool.get()?;
    let mut status = std::collections::HashMap::new();
    for chunk in acked.created.chunks(500) {
        let rows: Vec<(i64, String)> = postings::table
            .filter(postings::id.eq_any(chunk))
            .select((postings::id, postings::status))
            .load(&mut conn)?;
        status.extend(rows);
    }
    let mut lost = Vec::new();
    let missing = acked
        .created
        .iter()
        .filter(|id| !status.contains_key(*id))
        .count();
    if missing > 0 {
        lost.push(format!(
            "{missing} acknowledged creates are not in the database"
        ));
    }
    let st = |id: &i64| status.get(id).map(String::as_str).unwrap_or("missing");
    let unsubmitted = acked
        .submitted
        .iter()
        .filter(|id| !matches!(st(id), "pending_review" | "published"))
        .count();
    if unsubmitted > 0 {
        lost.push(format!(
            "{unsubmitted} acknowledged submits are neither pending review nor published"
        ));
    }
    let unpublished = acked
        .approved
        .iter()
        .filter(|id| st(id) != "published")
        .count();
    if unpublished > 0 {
        lost.push(format!(
            "{unpublished} acknowledged approvals are not published"
        ));
    }

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (reader, _) = crate::search::open_reader(index_dir)?;
        let drift = crate::search::indexer::compare(&reader, &mut conn)?;
        let (needs, offers) = crate::search::ids_in(&reader)?;
        let in_index: std::collections::HashSet<i64> = needs.into_iter().chain(offers).collect();
        let not_indexed = acked
            .approved
            .iter()
            .filter(|id| !in_index.contains(id))
            .count();
        let mut problems: Vec<String> = drift
            .iter()
            .filter(|d| !d.missing_from_index.is_empty() || !d.not_in_database.is_empty())
            .map(|d| {
                format!(
                    "{}s: {} published missing from the index, {} in the index but not published",
                    d.kind,
                    d.missing_from_index.len(),
                    d.not_in_database.len()
                )
            })
            .collect();
        if not_indexed > 0 {
            problems.push(format!(
                "{not_indexed} approved postings are not in the index"
            ));
        }
        if problems.is_empty() || Instant::now() > deadline {
            return Ok((lost, problems));
        }
        drop(reader);
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// (VmRSS, VmHWM) of this process in MB, from /proc/self/status.
pub(crate) fn memory_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
            .unwrap_or(0.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn rps(o: &Outcome) -> f64 {
    o.requests() as f64 / o.elapsed.as_secs_f64().max(1e-9)
}

impl Report {
    fn phase(&self, name: &str) -> Option<&Outcome> {
        self.phases
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.outcome)
    }

    fn print(&self, o: &Options, backend: &str, seeded: &str) {
        let cpu = super::cpu_model();
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        println!();
        println!("machine: {cores} cores, {cpu}; client and server share these cores (the clients run in this process on 2 threads)");
        println!("data: {seeded}");
        println!(
            "database: {backend}, {} published postings; server ready (index built) in {:.1} s",
            self.published, self.index_build_secs
        );
        println!();
        for p in &self.phases {
            let secs = p.outcome.elapsed.as_secs_f64().max(1e-9);
            println!(
                "{} — {} connections, {:.1} s: {} requests, {:.0} req/s",
                p.name,
                o.connections,
                secs,
                p.outcome.requests(),
                rps(&p.outcome)
            );
            println!();
            println!("| route | requests | req/s | p50 ms | p99 ms | 4xx | 5xx | no answer |");
            println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            let mut routes: Vec<_> = p.outcome.routes.iter().collect();
            routes.sort_by_key(|(r, _)| **r);
            for (route, s) in routes {
                let pc = percentiles(s.latencies.clone());
                println!(
                    "| {route} | {} | {:.0} | {:.2} | {:.2} | {} | {} | {} |",
                    s.latencies.len(),
                    s.latencies.len() as f64 / secs,
                    pc.p50_ms,
                    pc.p99_ms,
                    s.client_errors,
                    s.server_errors,
                    s.failures
                );
            }
            println!();
        }
        let health = self.phase("GET /healthz only").map(rps).unwrap_or(0.0);
        let search = self.phase("search only").map(rps).unwrap_or(0.0);
        let posting = self
            .phase("posting + approval only")
            .map(|p| p.chains as f64 / p.elapsed.as_secs_f64().max(1e-9))
            .unwrap_or(0.0);
        let mark = |ok: bool| if ok { "met" } else { "MISSED" };
        println!("| target | measured | goal | |");
        println!("| --- | ---: | ---: | --- |");
        println!(
            "| search req/s ÷ /healthz req/s | {search:.0} ÷ {health:.0} = {:.2} | ≥ 0.50 | {} |",
            search / health.max(1e-9),
            mark(search * 2.0 >= health)
        );
        let goal = if backend == "SQLite" {
            mark(posting >= 200.0)
        } else {
            "(the goal is for SQLite)"
        };
        println!("| postings created + submitted + approved per second | {posting:.0} | ≥ 200 | {goal} |");
        println!(
            "| resident memory (VmRSS now / VmHWM peak, server + clients) | {:.0} MB / {:.0} MB | < 300 MB | {} |",
            self.rss_mb,
            self.hwm_mb,
            mark(self.hwm_mb < 300.0)
        );
        println!();
        println!(
            "acknowledged writes: {} created, {} submitted, {} approved; {}",
            self.acked.created.len(),
            self.acked.submitted.len(),
            self.acked.approved.len(),
            if self.lost.is_empty() {
                "all in the database".to_string()
            } else {
                self.lost.join("; ")
            }
        );
        println!(
            "index against database (as `parkbridge check`): {} ({:.1} s after the load)",
            if self.drift.is_empty() {
                "agree".to_string()
            } else {
                self.drift.join("; ")
            },
            self.catch_up_secs
        );
    }

    fn verdict(&self) -> anyhow::Result<()> {
        let errors: u64 = self.phases.iter().map(|p| p.outcome.server_errors()).sum();
        let failures: u64 = self.phases.iter().map(|p| p.outcome.failures()).sum();
        if let Some(first) = self
            .phases
            .iter()
            .find_map(|p| p.outcome.first_problem.clone())
        {
            println!("first problem: {first}");
        }
        anyhow::ensure!(errors == 0, "{errors} responses were 5xx");
        anyhow::ensure!(failures == 0, "{failures} requests got no answer");
        anyhow::ensure!(self.lost.is_empty(), "acknowledged writes were lost");
        anyhow::ensure!(self.drift.is_empty(), "the index drifted from the database");
        println!("load run clean: no 5xx, no lost write, index and database agree");
        Ok(())
    }
}
