//! `parkbridge bench search`: index build speed, query latency in-process and over HTTP, and the
//! same labelled queries answered by the baseline a user would otherwise pick (SQLite `LIKE`),
//! with recall@10 and MRR of each. Prints one table. `bench matching` and `bench mail` time the
//! matcher and the outbox worker; `bench load` (in `load`) drives the whole server over HTTP.

pub mod abuse;
pub mod load;
mod traffic;
mod varied;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::config::Settings;
use crate::db::{self, DbConn, DbUrl};
use crate::domain::PostingKind;
use crate::notify::mail::PostingMail;
use crate::notify::Mail;
use crate::search::labelled::{self, QUERIES};
use crate::search::paraphrases::{Kind, PARAPHRASES};
use crate::search::query;
use crate::search::{indexer, SearchIndex};
use crate::state::Clock;

pub struct Percentiles {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

pub fn percentiles(mut samples: Vec<Duration>) -> Percentiles {
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(i)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    Percentiles {
        p50_ms: at(0.50),
        p99_ms: at(0.99),
    }
}

/// The CPU time this thread has used: unlike the wall clock, it does not count the time the
/// thread waited for a core, which on a shared machine is most of a slow sample.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the pointer it is given.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    if !ok {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The CPU's model name, from /proc/cpuinfo.
pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default()
}

struct Quality {
    recall: f64,
    mrr: f64,
}

/// What `LIKE` finds: every whitespace-separated word in the title or the description, newest
/// first, as a LIKE-based search box would.
fn like_search(conn: &mut DbConn, q: &str, kind: Option<&str>) -> QueryResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let words: Vec<String> = q.split_whitespace().map(|w| format!("%{w}%")).collect();
    let mut sql = String::from("SELECT id FROM postings WHERE status = 'published'");
    if let Some(k) = kind {
        sql.push_str(&format!(
            " AND kind = '{}'",
            if k == "need" { "need" } else { "offer" }
        ));
    }
    for _ in &words {
        sql.push_str(" AND (title LIKE ? OR description LIKE ?)");
    }
    sql.push_str(" ORDER BY published_at DESC LIMIT 10");
    let DbConn::Sqlite(c) = conn else {
        return Ok(Vec::new());
    };
    let mut query = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
    for w in &words {
        query = query.bind::<Text, _>(w.clone()).bind::<Text, _>(w.clone());
    }
    Ok(query.load::<Id>(c)?.into_iter().map(|r| r.id).collect())
}

fn http_get(port: u16, path: &str, token: &str) -> std::io::Result<(u16, usize)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let status = std::str::from_utf8(&buf[..buf.len().min(12)])
        .ok()
        .and_then(|h| h.get(9..12))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, buf.len()))
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn fresh_dir(base: Option<&Path>) -> anyhow::Result<PathBuf> {
    let dir = base.map(Path::to_path_buf).unwrap_or_else(|| {
        std::env::temp_dir().join(format!("parkbridge-bench-{}", std::process::id()))
    });
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// What `bench search` runs besides the generated searches.
pub struct SearchOptions {
    /// Rounds of each labelled query.
    pub rounds: usize,
    /// Generated searches, each evaluated once.
    pub queries: usize,
    /// Clients of the concurrent HTTP phases.
    pub connections: usize,
    /// Seconds of each concurrent phase.
    pub seconds: f64,
    /// Time the `LIKE` baseline too.
    pub baseline: bool,
}

/// Runs the search benchmark on a fresh SQLite database of `scale` SMEs' demo data.
pub fn search(
    scale: usize,
    seed: u64,
    opts: SearchOptions,
    dir: Option<&Path>,
) -> anyhow::Result<()> {
    let rounds = opts.rounds;
    let dir = fresh_dir(dir)?;
    let db_path = dir.join("bench.sqlite3");
    let url = DbUrl::Sqlite(db_path.clone());
    let pool = db::connect(&url, 4)?;
    let mut conn = pool.get()?;
    db::migrate(&mut conn)?;
    let started = Instant::now();
    let report = crate::seed::seed_demo(&mut conn, scale, seed)?;
    println!(
        "demo data: {report} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let published: i64 = crate::db::schema::postings::table
        .filter(crate::db::schema::postings::status.eq("published"))
        .count()
        .get_result(&mut conn)?;

    let index_dir = dir.join("search-index");
    let (index, _) = SearchIndex::open(&index_dir)?;
    let started = Instant::now();
    let indexed = indexer::build_all(&index, &mut conn, |_, _| {})?;
    let build = started.elapsed();

    // The headline: generated searches, each evaluated once (uncached).
    let generated = varied::generate(&index, opts.queries, seed)?;
    let generated_count = generated.len();
    let varied_in = varied::in_process(&index, &generated)?;

    // Quality and in-process latency of the index.
    let mut search_lat = Vec::new();
    let mut search_cpu = Vec::new();
    // (median CPU ms, query) of every query, to name the slowest.
    let mut slowest: Vec<(f64, String)> = Vec::new();
    let mut cached_lat = Vec::new();
    let mut like_lat = Vec::new();
    let (mut ours, mut like) = (Vec::new(), Vec::new());
    let mut exact_misses: Vec<String> = Vec::new();
    for l in QUERIES {
        let relevant = labelled::relevant_ids(&mut conn, l)?;
        let p = l.params();
        let hits: Vec<i64> = query::search(&index, &p)?
            .items
            .iter()
            .map(|h| h.id)
            .collect();
        let q = Quality {
            recall: labelled::recall_at_10(&hits, &relevant),
            mrr: labelled::reciprocal_rank(&hits, &relevant),
        };
        if q.recall < 1.0 || q.mrr < 1.0 {
            exact_misses.push(format!(
                "exact {:?}: recall {:.2}, rr {:.2}",
                l.q, q.recall, q.mrr
            ));
        }
        ours.push(q);
        let found = if opts.baseline {
            like_search(&mut conn, l.q, l.kind)?
        } else {
            Vec::new()
        };
        like.push(Quality {
            recall: labelled::recall_at_10(&found, &relevant),
            mrr: labelled::reciprocal_rank(&found, &relevant),
        });
        // Every round is evaluated afresh: the answer cache would otherwise answer all but the
        // first, and a cache hit is not a search. Hits are timed apart below.
        let mut mine = Vec::new();
        for _ in 0..rounds {
            let (t, cpu) = (Instant::now(), thread_cpu());
            query::evaluate(&index, &p)?;
            search_lat.push(t.elapsed());
            mine.push(thread_cpu().saturating_sub(cpu));
        }
        search_cpu.extend(&mine);
        slowest.push((percentiles(mine).p50_ms, format!("exact {:?}", l.q)));
        for _ in 0..rounds {
            let t = Instant::now();
            query::search(&index, &p)?;
            cached_lat.push(t.elapsed());
        }
        for _ in 0..rounds.div_ceil(10).max(1) * usize::from(opts.baseline) {
            let t = Instant::now();
            like_search(&mut conn, l.q, l.kind)?;
            like_lat.push(t.elapsed());
        }
    }
    // The paraphrase set: quality by kind, latency apart (a query that finds little also looks
    // for parts and corrections).
    let mut para_lat = Vec::new();
    let mut para_cpu = Vec::new();
    let mut by_kind: Vec<(Kind, Quality)> = Vec::new();
    let mut misses: Vec<String> = exact_misses;
    for para in PARAPHRASES {
        let l = &para.query;
        let relevant = labelled::relevant_ids(&mut conn, l)?;
        let p = l.params();
        let answer = query::evaluate(&index, &p)?;
        let hits: Vec<i64> = answer.items.iter().map(|h| h.id).collect();
        let q = Quality {
            recall: labelled::recall_at_10(&hits, &relevant),
            mrr: labelled::reciprocal_rank(&hits, &relevant),
        };
        if q.recall < 1.0 || q.mrr < 1.0 {
            misses.push(format!(
                "{} {:?}: recall {:.2}, rr {:.2}{}",
                para.kind.name(),
                l.q,
                q.recall,
                q.mrr,
                answer
                    .suggestion
                    .as_ref()
                    .map(|s| format!(", suggestion {s:?}"))
                    .unwrap_or_default()
            ));
        }
        by_kind.push((para.kind, q));
        let mut mine = Vec::new();
        for _ in 0..rounds {
            let (t, cpu) = (Instant::now(), thread_cpu());
            query::evaluate(&index, &p)?;
            para_lat.push(t.elapsed());
            mine.push(thread_cpu().saturating_sub(cpu));
        }
        para_cpu.extend(&mine);
        slowest.push((
            percentiles(mine).p50_ms,
            format!("{} {:?}", para.kind.name(), l.q),
        ));
    }
    drop(index);
    drop(conn);

    // Over HTTP, through the real server on a free port.
    let mut settings = Settings::for_paths(&format!("sqlite://{}", db_path.display()), &dir);
    settings.bind = "127.0.0.1:0".into();
    settings.index_dir = index_dir;
    settings.jwt_secret = Some("benchmark-secret-benchmark-secret-benchmark".into());
    settings.log = "warn".into();
    let list_pages: Vec<String> = (0..200u64)
        .map(|i| {
            let kind = if i % 2 == 0 { "offers" } else { "needs" };
            format!("/api/v1/{kind}?page={}&per_page=20", 1 + (i * 7919) % 50)
        })
        .collect();
    let (connections, seconds) = (opts.connections, opts.seconds);
    let (http_lat, varied_http) = actix_web::rt::System::new().block_on(async move {
        let app = crate::startup::Application::build(settings, Clock::default())?;
        let port = app.port;
        let admin = crate::service::accounts::create_admin_cli(
            &mut *app.state.pool.get()?,
            "bench@parkbridge.local",
            "benchmark password 2026",
            "platform_admin",
            None,
            "bench",
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (token, _) = app
            .state
            .keys
            .issue(admin.id, admin.token_version, chrono::Utc::now());
        let handle = app.handle();
        let search = app.state.search.clone();
        actix_web::rt::spawn(app.run_until_stopped());
        let lat = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            // The generated searches at one connection, then at `connections`, then a list
            // read of the database at as many.
            let one = varied::http_one(port, &token, &search, &generated)?;
            let paths: Vec<String> = generated.iter().map(|g| g.path.clone()).collect();
            let many =
                varied::http_many(port, &token, Some(&search), &paths, connections, seconds)?;
            let lists = varied::http_many(port, &token, None, &list_pages, connections, seconds)?;
            let mut lat = Vec::new();
            for l in QUERIES {
                let mut path = format!("/api/v1/search?per_page=10&q={}", urlencode(l.q));
                if let Some(k) = l.kind {
                    path.push_str(&format!("&type={k}"));
                }
                for _ in 0..rounds {
                    search.cache.clear();
                    let t = Instant::now();
                    let (status, _) = http_get(port, &path, &token)?;
                    lat.push(t.elapsed());
                    anyhow::ensure!(status == 200, "{path} answered {status}");
                }
            }
            Ok((lat, (one, many, lists)))
        })
        .await??;
        handle.stop(true).await;
        Ok::<_, anyhow::Error>(lat)
    })?;
    let (v_one, v_many, v_lists) = varied_http;

    let mean = |v: &[Quality], f: fn(&Quality) -> f64| {
        v.iter().map(f).sum::<f64>() / v.len().max(1) as f64
    };
    let s = percentiles(search_lat);
    let pl = percentiles(para_lat);
    let sc = percentiles(search_cpu);
    let pc = percentiles(para_cpu);
    let c = percentiles(cached_lat);
    let h = percentiles(http_lat);
    let b = percentiles(like_lat);
    let cpu = cpu_model();
    println!();
    println!(
        "machine: {} cores, {cpu}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    println!(
        "postings: {published} published; index build {:.2} s, {:.0} docs/s",
        build.as_secs_f64(),
        indexed as f64 / build.as_secs_f64().max(1e-9)
    );
    println!(
        "searches as users make them: {} generated queries (1–3 words from the index's titles, a type, category, city or industry now and then, newest first for 1 in 4, pages 1–5), each evaluated once: never an answer-cache hit; {:.0} hits each on average",
        generated_count, varied_in.mean_total
    );
    println!();
    println!("| generated searches, uncached | p50 ms | p99 ms | req/s |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| in-process, wall clock | {:.3} | {:.3} | |",
        varied_in.wall.p50_ms, varied_in.wall.p99_ms
    );
    println!(
        "| in-process, CPU time | {:.3} | {:.3} | |",
        varied_in.cpu.p50_ms, varied_in.cpu.p99_ms
    );
    println!(
        "| over HTTP, 1 connection | {:.3} | {:.3} | |",
        v_one.p50_ms, v_one.p99_ms
    );
    println!(
        "| over HTTP, {connections} connections ({} failed) | {:.3} | {:.3} | {:.0} |",
        v_many.2, v_many.1.p50_ms, v_many.1.p99_ms, v_many.0
    );
    println!(
        "| for comparison: GET /offers and /needs pages 1–50, {connections} connections ({} failed) | {:.3} | {:.3} | {:.0} |",
        v_lists.2, v_lists.1.p50_ms, v_lists.1.p99_ms, v_lists.0
    );
    println!(
        "| answer-cache hits, in-process (repeats, not searches) | {:.3} | {:.3} | |",
        varied_in.cached.p50_ms, varied_in.cached.p99_ms
    );
    println!(
        "search ÷ list requests per second at {connections} connections: {:.1}×",
        v_many.0 / v_lists.0.max(1e-9)
    );
    println!();
    println!("slowest generated searches (CPU ms, total, query):");
    for (ms, total, q) in &varied_in.slowest {
        println!("  {ms:.3} {total} {q}");
    }
    println!();
    println!(
        "queries: {} labelled with their exact words, {} paraphrased, {rounds} rounds each, every round evaluated afresh (the answer cache is bypassed in-process and emptied before each HTTP request)",
        QUERIES.len(),
        PARAPHRASES.len()
    );
    println!();
    println!("| engine | p50 ms | p99 ms | recall@10 | MRR |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let paraphrased: Vec<&Quality> = by_kind.iter().map(|(_, q)| q).collect();
    let mean_of = |v: &[&Quality], f: fn(&Quality) -> f64| {
        v.iter().map(|q| f(q)).sum::<f64>() / v.len().max(1) as f64
    };
    println!(
        "| tantivy + jieba, in-process, exact words | {:.3} | {:.3} | {:.3} | {:.3} |",
        s.p50_ms,
        s.p99_ms,
        mean(&ours, |q| q.recall),
        mean(&ours, |q| q.mrr)
    );
    println!(
        "| tantivy + jieba, in-process, paraphrases | {:.3} | {:.3} | {:.3} | {:.3} |",
        pl.p50_ms,
        pl.p99_ms,
        mean_of(&paraphrased, |q| q.recall),
        mean_of(&paraphrased, |q| q.mrr)
    );
    println!(
        "| tantivy + jieba, in-process, exact words, CPU time | {:.3} | {:.3} | | |",
        sc.p50_ms, sc.p99_ms
    );
    println!(
        "| tantivy + jieba, in-process, paraphrases, CPU time | {:.3} | {:.3} | | |",
        pc.p50_ms, pc.p99_ms
    );
    println!(
        "| tantivy + jieba, over HTTP, exact words | {:.3} | {:.3} | | |",
        h.p50_ms, h.p99_ms
    );
    println!(
        "| answer cache hit, in-process (a repeat, not a search) | {:.3} | {:.3} | | |",
        c.p50_ms, c.p99_ms
    );
    if opts.baseline {
        println!(
            "| SQLite LIKE '%…%' | {:.3} | {:.3} | {:.3} | {:.3} |",
            b.p50_ms,
            b.p99_ms,
            mean(&like, |q| q.recall),
            mean(&like, |q| q.mrr)
        );
    }
    println!();
    println!("| query kind (labelled sets) | queries | recall@10 | MRR |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| exact words (src/search/labelled.rs) | {} | {:.3} | {:.3} |",
        ours.len(),
        mean(&ours, |q| q.recall),
        mean(&ours, |q| q.mrr)
    );
    for k in Kind::ALL {
        let v: Vec<&Quality> = by_kind
            .iter()
            .filter(|(kind, _)| *kind == k)
            .map(|(_, q)| q)
            .collect();
        println!(
            "| {} (src/search/paraphrases.rs) | {} | {:.3} | {:.3} |",
            k.name(),
            v.len(),
            mean_of(&v, |q| q.recall),
            mean_of(&v, |q| q.mrr)
        );
    }
    println!(
        "| all paraphrases | {} | {:.3} | {:.3} |",
        paraphrased.len(),
        mean_of(&paraphrased, |q| q.recall),
        mean_of(&paraphrased, |q| q.mrr)
    );
    if !misses.is_empty() {
        println!();
        println!("queries below 1.0:");
        for m in &misses {
            println!("  {m}");
        }
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    println!();
    println!("slowest queries (median CPU ms of their rounds):");
    for (ms, q) in slowest.iter().take(8) {
        println!("  {ms:.3} {q}");
    }
    println!();
    if opts.baseline {
        println!(
            "LIKE / tantivy latency: p50 {:.1}×, p99 {:.1}×",
            b.p50_ms / s.p50_ms.max(1e-9),
            b.p99_ms / s.p99_ms.max(1e-9)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `parkbridge bench matching`: the labelled matching set's figures (`matching::quality`:
/// precision, recall, unrelated pairs listed and mailed), then the time to match one newly
/// published posting against every published counterpart of demo data (the matcher's whole job
/// for one approval: every counterpart of the category, hard rules, scoring, storing the
/// matches and queueing their mail).
pub fn matching(scale: usize, seed: u64, samples: usize, dir: Option<&Path>) -> anyhow::Result<()> {
    use crate::db::schema::postings;
    let f = crate::matching::quality::evaluate(&crate::search::vocabulary::Vocabulary::shipped());
    println!(
        "labelled matching set: {}",
        crate::matching::quality::summary(&f)
    );
    println!();
    println!("| needs | must / must not | recall (listed) | must mailed | precision (mailed) | precision (listed) | unrelated listed | unrelated mailed |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {} | {} / {} | {:.3} | {}/{} | {:.3} | {:.3} | {} | {} |",
        f.needs,
        f.must,
        f.must_not,
        f.recall(),
        f.must_mailed,
        f.must,
        f.precision(),
        f.listed_precision(),
        f.unrelated_listed,
        f.unrelated_mailed
    );
    println!();
    let dir = fresh_dir(dir)?;
    let url = DbUrl::Sqlite(dir.join("bench.sqlite3"));
    let pool = db::connect(&url, 4)?;
    let mut conn = pool.get()?;
    db::migrate(&mut conn)?;
    let report = crate::seed::seed_demo(&mut conn, scale, seed)?;
    println!("demo data: {report}");
    let (index, _) = SearchIndex::open(&dir.join("search-index"))?;
    indexer::build_all(&index, &mut conn, |_, _| {})?;
    let mut rows = Vec::new();
    for kind in ["need", "offer"] {
        let ids: Vec<i64> = postings::table
            .filter(postings::status.eq("published"))
            .filter(postings::kind.eq(kind))
            .order(postings::id.asc())
            .select(postings::id)
            .load(&mut conn)?;
        let counterparts: i64 = postings::table
            .filter(postings::status.eq("published"))
            .filter(postings::kind.ne(kind))
            .count()
            .get_result(&mut conn)?;
        let step = (ids.len() / samples.max(1)).max(1);
        let mut lat = Vec::new();
        let mut found = 0usize;
        for id in ids.iter().step_by(step).take(samples) {
            let t = Instant::now();
            found +=
                crate::service::matches::match_posting(&mut conn, &index, *id, chrono::Utc::now())
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .len();
            lat.push(t.elapsed());
        }
        let n = lat.len().max(1);
        let p = percentiles(lat);
        rows.push((kind, counterparts, n, p, found as f64 / n as f64));
    }
    println!();
    println!("| new posting | counterparts | samples | p50 ms | p99 ms | matches each |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (kind, counterparts, n, p, avg) in rows {
        println!(
            "| {kind} | {counterparts} | {n} | {:.1} | {:.1} | {avg:.1} |",
            p.p50_ms, p.p99_ms
        );
    }
    drop(conn);
    drop(pool);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `parkbridge bench mail --smtp-url smtp://127.0.0.1:2525 --count N`: queues N mails (to N
/// users) and times the worker delivering them all to that SMTP server (or to `.eml` files
/// when no URL is given).
pub fn mail(count: usize, smtp_url: Option<String>, dir: Option<&Path>) -> anyhow::Result<()> {
    let dir = fresh_dir(dir)?;
    let mut settings = Settings::for_paths(
        &format!("sqlite://{}", dir.join("bench.sqlite3").display()),
        &dir,
    );
    settings.smtp_url = smtp_url.clone();
    settings.jwt_secret = Some("benchmark-secret-benchmark-secret-benchmark".into());
    let target = smtp_url.unwrap_or_else(|| format!("{} (files)", settings.mail_dir.display()));
    actix_web::rt::System::new().block_on(async move {
        let state = crate::startup::build_state(settings, Clock::default())?;
        {
            let mut conn = state.pool.get()?;
            crate::seed::seed_demo(&mut conn, count.div_ceil(2).max(3), 1)?;
            // Only the mail measured here is pending.
            diesel::update(crate::db::schema::outbox::table)
                .set(crate::db::schema::outbox::status.eq("sent"))
                .execute(&mut conn)?;
            let users: Vec<i64> = crate::db::schema::users::table
                .select(crate::db::schema::users::id)
                .limit(count as i64)
                .load(&mut conn)?;
            let now = chrono::Utc::now().naive_utc();
            crate::db::transaction(&mut conn, |c| {
                for (i, user_id) in users.iter().cycle().take(count).enumerate() {
                    let mail = Mail::PostingApproved(PostingMail {
                        posting_id: i as i64,
                        kind: PostingKind::Need,
                        title: format!("设备更新贷款 第{i}号"),
                    });
                    crate::notify::outbox::queue(c, *user_id, &format!("bench:{i}"), &mail, now)?;
                }
                Ok(())
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let started = Instant::now();
        let mut sent = 0;
        let mut failed = 0;
        while sent + failed < count {
            let r = crate::notify::worker::deliver_due(&state, 200).await?;
            if r.claimed == 0 {
                break;
            }
            sent += r.sent;
            failed += r.retried + r.dead;
        }
        let secs = started.elapsed().as_secs_f64();
        println!("| mails | sent | failed | seconds | mails/s | to |");
        println!("| ---: | ---: | ---: | ---: | ---: | --- |");
        println!(
            "| {count} | {sent} | {failed} | {secs:.2} | {:.0} | {target} |",
            sent as f64 / secs.max(1e-9)
        );
        Ok::<_, anyhow::Error>(())
    })?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
