//! `bench search`'s headline: searches as users make them — generated queries of 1–3 words drawn
//! from the index's own titles, with filters, either sort and pages 1–5 — each evaluated afresh
//! (never an answer-cache hit), in-process, over HTTP at one connection and at 16; cache hits
//! and a database list read at 16 connections are measured apart, for comparison.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tantivy::schema::Value;
use tantivy::TantivyDocument;

use super::{http_get, percentiles, thread_cpu, urlencode, Percentiles};
use crate::domain::reference::CITIES;
use crate::domain::{Category, CityCode, Industry, PostingKind};
use crate::search::query::{self, SearchParams, Sort};
use crate::search::SearchIndex;

/// One generated search, as parameters and as the API's query string.
pub struct Generated {
    pub params: SearchParams,
    pub path: String,
}

/// `n` searches drawn with `seed`: words from the titles of random documents (as the analyser
/// cuts them), a type, category, city or industry now and then, newest first for one in four,
/// pages 1–5 (page 1 for half of them).
pub fn generate(idx: &SearchIndex, n: usize, seed: u64) -> anyhow::Result<Vec<Generated>> {
    let searcher = idx.reader.searcher();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut addrs = Vec::new();
    for (ord, seg) in searcher.segment_readers().iter().enumerate() {
        for doc in seg.doc_ids_alive() {
            addrs.push(tantivy::DocAddress::new(ord as u32, doc));
        }
    }
    anyhow::ensure!(!addrs.is_empty(), "the index is empty");
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let words = rng.random_range(1..=3usize);
        let mut q: Vec<String> = Vec::new();
        let mut tries = 0;
        while q.len() < words && tries < 10 {
            tries += 1;
            let addr = addrs[rng.random_range(0..addrs.len())];
            let doc: TantivyDocument = searcher.doc(addr)?;
            let title = doc
                .get_first(idx.fields.title)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            let terms: Vec<String> = query::query_terms(&title)
                .into_iter()
                .filter(|t| t.chars().count() >= 2)
                .collect();
            if terms.is_empty() {
                continue;
            }
            let t = terms[rng.random_range(0..terms.len())].clone();
            if !q.contains(&t) {
                q.push(t);
            }
        }
        let kind = match rng.random_range(0..10) {
            0..=5 => None,
            6..=8 => Some(PostingKind::Offer),
            _ => Some(PostingKind::Need),
        };
        let category = rng.random_bool(0.3).then(|| {
            [
                Category::Financing,
                Category::Recruiting,
                Category::Training,
            ][rng.random_range(0..3)]
        });
        let city = rng
            .random_bool(0.2)
            .then(|| CityCode::parse(CITIES[rng.random_range(0..CITIES.len())].code).ok())
            .flatten();
        let industry = rng
            .random_bool(0.1)
            .then(|| Industry::parse(["C", "F", "G", "I", "M"][rng.random_range(0..5)]).ok())
            .flatten();
        let sort = if rng.random_bool(0.25) {
            Sort::Newest
        } else {
            Sort::Relevance
        };
        let page = if rng.random_bool(0.5) {
            1
        } else {
            rng.random_range(2..=5)
        };
        let per_page = if rng.random_bool(0.7) { 10 } else { 20 };
        let text = q.join(" ");
        let mut path = format!(
            "/api/v1/search?q={}&page={page}&per_page={per_page}&sort={}",
            urlencode(&text),
            if sort == Sort::Newest {
                "newest"
            } else {
                "relevance"
            }
        );
        if let Some(k) = kind {
            path.push_str(&format!("&type={}", k.as_str()));
        }
        if let Some(c) = category {
            path.push_str(&format!("&category={}", c.as_str()));
        }
        if let Some(c) = city {
            path.push_str(&format!("&city_code={}", c.as_str()));
        }
        if let Some(i) = industry {
            path.push_str(&format!("&industry={}", i.as_str()));
        }
        out.push(Generated {
            params: SearchParams {
                q: text,
                kind,
                category,
                city,
                park_id: None,
                industry,
                amount_yuan: None,
                sort: Some(sort),
                page,
                per_page,
                needs: crate::auth::NeedAudience::All,
            },
            path,
        });
    }
    Ok(out)
}

/// In-process figures of the generated searches.
pub struct InProcess {
    pub wall: Percentiles,
    pub cpu: Percentiles,
    pub cached: Percentiles,
    /// (CPU ms, total, query string) of the slowest.
    pub slowest: Vec<(f64, u64, String)>,
    pub mean_total: f64,
}

/// Evaluates each search once, afresh, then once more from the answer cache (timed apart).
pub fn in_process(idx: &SearchIndex, queries: &[Generated]) -> anyhow::Result<InProcess> {
    // Warm the lexicon and the first searcher (once per index generation, not per search).
    if let Some(g) = queries.first() {
        query::evaluate(idx, &g.params)?;
    }
    let (mut wall, mut cpu, mut slowest) = (Vec::new(), Vec::new(), Vec::new());
    let mut totals = 0u64;
    let mut cached = Vec::new();
    for g in queries {
        let (t, c) = (Instant::now(), thread_cpu());
        let answer = query::evaluate(idx, &g.params)?;
        wall.push(t.elapsed());
        let spent = thread_cpu().saturating_sub(c);
        cpu.push(spent);
        totals += answer.total;
        slowest.push((spent.as_secs_f64() * 1000.0, answer.total, g.path.clone()));
        // The same search again at once: an answer-cache hit, timed apart.
        let t = Instant::now();
        query::search(idx, &g.params)?;
        cached.push(t.elapsed());
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(8);
    Ok(InProcess {
        wall: percentiles(wall),
        cpu: percentiles(cpu),
        cached: percentiles(cached),
        slowest,
        mean_total: totals as f64 / queries.len().max(1) as f64,
    })
}

/// Over HTTP at one connection: each search once, the answer cache emptied before each.
pub fn http_one(
    port: u16,
    token: &str,
    idx: &SearchIndex,
    queries: &[Generated],
) -> anyhow::Result<Percentiles> {
    let mut lat = Vec::with_capacity(queries.len());
    for g in queries {
        idx.cache.clear();
        let t = Instant::now();
        let (status, _) = http_get(port, &g.path, token)?;
        lat.push(t.elapsed());
        anyhow::ensure!(status == 200, "{} answered {status}", g.path);
    }
    Ok(percentiles(lat))
}

/// `connections` clients, each looping over its share of `paths` for `seconds`; the answer
/// cache is emptied every 10 ms so that repeats are rare. Returns (requests/s, percentiles,
/// non-200 answers).
pub fn http_many(
    port: u16,
    token: &str,
    idx: Option<&SearchIndex>,
    paths: &[String],
    connections: usize,
    seconds: f64,
) -> anyhow::Result<(f64, Percentiles, usize)> {
    let stop = AtomicBool::new(false);
    let lat: Mutex<Vec<Duration>> = Mutex::new(Vec::new());
    let failed = Mutex::new(0usize);
    let started = Instant::now();
    std::thread::scope(|s| {
        for c in 0..connections {
            let (stop, lat, failed) = (&stop, &lat, &failed);
            s.spawn(move || {
                let mut mine = Vec::new();
                let mut bad = 0;
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[i % paths.len()];
                    i += connections;
                    let t = Instant::now();
                    match http_get(port, path, token) {
                        Ok((200, _)) => mine.push(t.elapsed()),
                        _ => bad += 1,
                    }
                }
                lat.lock().unwrap_or_else(|e| e.into_inner()).extend(mine);
                *failed.lock().unwrap_or_else(|e| e.into_inner()) += bad;
            });
        }
        let deadline = started + Duration::from_secs_f64(seconds);
        while Instant::now() < deadline {
            if let Some(idx) = idx {
                idx.cache.clear();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        stop.store(true, Ordering::Relaxed);
    });
    let secs = started.elapsed().as_secs_f64();
    let lat = lat.into_inner().unwrap_or_else(|e| e.into_inner());
    let n = lat.len();
    let failed = failed.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok((n as f64 / secs.max(1e-9), percentiles(lat), failed))
}
