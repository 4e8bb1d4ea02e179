//! The clients of `bench load`: each connection loops over a weighted mix of requests until the
//! deadline, timing every request by route and remembering every write the server acknowledged.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{json, Value};

use super::urlencode;
use crate::search::labelled::QUERIES;

/// What the connections of one phase send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// 10 % `GET /healthz`, 30 % search, 30 % list reads, 30 % create + submit + approve.
    Mixed,
    Healthz,
    Search,
    /// Create (draft), submit and approve, one posting after another.
    Posting,
}

/// Bearer tokens of the accounts the clients act as.
pub struct Actors {
    pub admin: String,
    pub smes: Vec<String>,
    pub providers: Vec<String>,
}

#[derive(Default)]
pub struct RouteStats {
    pub latencies: Vec<Duration>,
    pub ok: u64,
    pub client_errors: u64,
    pub server_errors: u64,
    /// No answer at all: refused, reset or timed out.
    pub failures: u64,
}

/// Posting ids whose create (201), submit (200) or approve (200) the server acknowledged.
#[derive(Default)]
pub struct Acked {
    pub created: Vec<i64>,
    pub submitted: Vec<i64>,
    pub approved: Vec<i64>,
}

#[derive(Default)]
pub struct Outcome {
    pub routes: HashMap<&'static str, RouteStats>,
    pub acked: Acked,
    /// Postings created, submitted and approved in full.
    pub chains: u64,
    pub elapsed: Duration,
    /// The first 5xx or failed request, to say what went wrong.
    pub first_problem: Option<String>,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        for (route, s) in other.routes {
            let t = self.routes.entry(route).or_default();
            t.latencies.extend(s.latencies);
            t.ok += s.ok;
            t.client_errors += s.client_errors;
            t.server_errors += s.server_errors;
            t.failures += s.failures;
        }
        self.acked.created.extend(other.acked.created);
        self.acked.submitted.extend(other.acked.submitted);
        self.acked.approved.extend(other.acked.approved);
        self.chains += other.chains;
        if self.first_problem.is_none() {
            self.first_problem = other.first_problem;
        }
    }

    pub fn requests(&self) -> u64 {
        self.routes.values().map(|s| s.latencies.len() as u64).sum()
    }

    pub fn server_errors(&self) -> u64 {
        self.routes.values().map(|s| s.server_errors).sum()
    }

    pub fn failures(&self) -> u64 {
        self.routes.values().map(|s| s.failures).sum()
    }
}

struct Conn {
    client: reqwest::Client,
    base: String,
    out: Outcome,
}

impl Conn {
    /// One timed request; `None` when no answer came.
    async fn call(
        &mut self,
        route: &'static str,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Option<(u16, Vec<u8>)> {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = &body {
            req = req.json(b);
        }
        let started = Instant::now();
        let answer = match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                res.bytes().await.map(|b| (status, b.to_vec()))
            }
            Err(e) => Err(e),
        };
        let elapsed = started.elapsed();
        let stats = self.out.routes.entry(route).or_default();
        match answer {
            Ok((status, bytes)) => {
                stats.latencies.push(elapsed);
                match status {
                    200..=299 => stats.ok += 1,
                    400..=499 => stats.client_errors += 1,
                    _ => {
                        stats.server_errors += 1;
                        if self.out.first_problem.is_none() {
                            self.out.first_problem = Some(format!(
                                "{route} answered {status}: {}",
                                String::from_utf8_lossy(&bytes[..bytes.len().min(300)])
                            ));
                        }
                    }
                }
                Some((status, bytes))
            }
            Err(e) => {
                stats.failures += 1;
                if self.out.first_problem.is_none() {
                    self.out.first_problem = Some(format!("{route}: no answer: {e}"));
                }
                None
            }
        }
    }

    async fn healthz(&mut self) {
        self.call("GET /healthz", Method::GET, "/healthz", None, None)
            .await;
    }

    /// A labelled query: those for needs as a provider, the others as an SME.
    async fn search(&mut self, rng: &mut StdRng, sme: &str, provider: &str) {
        let q = &QUERIES[rng.random_range(0..QUERIES.len())];
        let token = if q.kind == Some("need") {
            provider
        } else {
            sme
        };
        let mut path = format!("/api/v1/search?per_page=10&q={}", urlencode(q.q));
        if let Some(k) = q.kind {
            path.push_str(&format!("&type={k}"));
        }
        if rng.random_bool(0.2) {
            path.push_str("&sort=newest");
        }
        self.call("GET /api/v1/search", Method::GET, &path, Some(token), None)
            .await;
    }

    async fn read(&mut self, rng: &mut StdRng, token: &str) {
        let page = rng.random_range(1..=20);
        match rng.random_range(0..4) {
            0 => {
                let path = format!("/api/v1/needs?page={page}&per_page=20");
                self.call("GET /api/v1/needs", Method::GET, &path, Some(token), None)
                    .await
            }
            1 => {
                let path = format!("/api/v1/offers?page={page}&per_page=20");
                self.call("GET /api/v1/offers", Method::GET, &path, None, None)
                    .await
            }
            2 => {
                self.call(
                    "GET /api/v1/parks",
                    Method::GET,
                    "/api/v1/parks",
                    None,
                    None,
                )
                .await
            }
            _ => {
                let path = "/api/v1/parks?city_code=510100";
                self.call("GET /api/v1/parks", Method::GET, path, None, None)
                    .await
            }
        };
    }

    /// Creates a draft, submits it and approves it, as its owner and an admin would.
    async fn posting(&mut self, rng: &mut StdRng, actors: &Actors, who: usize, n: u64) {
        let need = rng.random_bool(0.5);
        let (kind, owner) = if need {
            ("need", &actors.smes[who % actors.smes.len()])
        } else {
            ("offer", &actors.providers[who % actors.providers.len()])
        };
        let body = posting_body(need, rng, who, n);
        let (create, submit, approve) = if need {
            (
                "POST /api/v1/needs",
                "POST /api/v1/needs/{id}/submit",
                "POST /api/v1/admin/needs/{id}/approve",
            )
        } else {
            (
                "POST /api/v1/offers",
                "POST /api/v1/offers/{id}/submit",
                "POST /api/v1/admin/offers/{id}/approve",
            )
        };
        let path = format!("/api/v1/{kind}s");
        let Some((201, bytes)) = self
            .call(create, Method::POST, &path, Some(owner), Some(body))
            .await
        else {
            return;
        };
        let Some(id) = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v["id"].as_i64())
        else {
            return;
        };
        self.out.acked.created.push(id);
        let path = format!("/api/v1/{kind}s/{id}/submit");
        let Some((200, _)) = self
            .call(submit, Method::POST, &path, Some(owner), Some(json!({})))
            .await
        else {
            return;
        };
        self.out.acked.submitted.push(id);
        let path = format!("/api/v1/admin/{kind}s/{id}/approve");
        let admin = actors.admin.clone();
        if let Some((200, _)) = self
            .call(approve, Method::POST, &path, Some(&admin), Some(json!({})))
            .await
        {
            self.out.acked.approved.push(id);
            self.out.chains += 1;
        }
    }
}

const NEED_TITLES: &[&str] = &[
    "设备更新贷款",
    "流动资金贷款",
    "数控车间技改融资",
    "知识产权质押融资",
];
const TRAINING_TOPICS: &[&str] = &["安全生产", "数控编程", "质量管理", "电工操作"];

fn posting_body(need: bool, rng: &mut StdRng, who: usize, n: u64) -> Value {
    let tag = format!("压测 {who}-{n}");
    let training = rng.random_bool(0.3);
    match (need, training) {
        (true, false) => {
            let amount = rng.random_range(10..500) * 100_000;
            json!({
                "category": "financing", "submit": false,
                "title": format!("{} {}万 {tag}", NEED_TITLES[rng.random_range(0..NEED_TITLES.len())], amount / 10_000),
                "description": "购置数控加工中心，扩大精密零部件产能，订单充足，可提供设备抵押。",
                "financing": {"amount_yuan": amount, "term_months": 36, "purpose": "equipment",
                              "collateral": ["equipment", "guarantee"], "max_annual_rate_bp": 450}
            })
        }
        (true, true) => {
            let topic = TRAINING_TOPICS[rng.random_range(0..TRAINING_TOPICS.len())];
            json!({
                "category": "training", "submit": false,
                "title": format!("一线员工{topic}培训 {tag}"),
                "description": format!("{} 名一线员工的年度{topic}培训。", rng.random_range(10..80)),
                "training": {"topic": topic, "headcount": rng.random_range(10..80), "format": "onsite",
                             "budget_yuan": 20000}
            })
        }
        (false, false) => json!({
            "category": "financing", "submit": false,
            "title": format!("科技型中小企业设备贷 {tag}"),
            "description": "面向园区制造业企业的设备更新贷款，额度 100万–2000万。",
            "regions": ["510100", "510700"], "industries": ["C"], "sizes": ["micro", "small", "medium"],
            "financing": {"product_type": "设备贷款", "amount_min_yuan": 1_000_000,
                          "amount_max_yuan": 20_000_000, "term_min_months": 12, "term_max_months": 60,
                          "annual_rate_min_bp": 365, "annual_rate_max_bp": 480,
                          "collateral_accepted": ["equipment", "guarantee", "property"]}
        }),
        (false, true) => {
            let topic = TRAINING_TOPICS[rng.random_range(0..TRAINING_TOPICS.len())];
            json!({
                "category": "training", "submit": false,
                "title": format!("{topic}标准化培训 {tag}"),
                "description": "政府补贴课程，园区企业优先。",
                "training": {"topics": [topic], "capacity": 60, "format": "either", "fee": "subsidized"}
            })
        }
    }
}

/// Runs `connections` clients of `mix` against `base` for `duration`.
pub async fn drive(
    base: &str,
    actors: Arc<Actors>,
    mix: Mix,
    connections: usize,
    duration: Duration,
    seed: u64,
) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(60))
        .build()?;
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for who in 0..connections {
        let mut conn = Conn {
            client: client.clone(),
            base: base.to_string(),
            out: Outcome::default(),
        };
        let actors = actors.clone();
        tasks.spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed ^ (who as u64).wrapping_mul(0x9E37_79B9));
            // SMEs search offers; needs are read by the platform companies that serve them.
            let sme = actors.smes[who % actors.smes.len()].clone();
            let provider = actors.providers[who % actors.providers.len()].clone();
            let mut n = 0u64;
            while Instant::now() < deadline {
                let pick = match mix {
                    Mix::Mixed => rng.random_range(0..100),
                    Mix::Healthz => 0,
                    Mix::Search => 10,
                    Mix::Posting => 70,
                };
                match pick {
                    0..10 => conn.healthz().await,
                    10..40 => conn.search(&mut rng, &sme, &provider).await,
                    40..70 => conn.read(&mut rng, &provider).await,
                    _ => conn.posting(&mut rng, &actors, who, n).await,
                }
                n += 1;
            }
            conn.out
        });
    }
    let mut total = Outcome::default();
    while let Some(done) = tasks.join_next().await {
        total.merge(done?);
    }
    total.elapsed = started.elapsed();
    Ok(total)
}
