//! The hostile-input campaign: random, huge, deeply nested, invalid-UTF-8 and percent-encoded
//! bodies, form field names, query strings, paths, headers and cookies, sent to EVERY route of
//! a live server — the API's from its OpenAPI document, the pages' from the router's own table
//! (`parkbridge::web::html::page_routes`), so a new route is covered without touching this
//! file. Every answer must be a 2xx, 3xx or 4xx — a 4xx under /api/ in the contract's error
//! shape, a page's as its error page — never a 5xx, and the server must still answer /healthz.
//!
//! `PARKBRIDGE_HOSTILE_CASES=N` sets the random cases per route (default 6; a nightly run can
//! take 200); `PARKBRIDGE_HOSTILE_SEED=S` replays a run (each run prints its seed).

use std::collections::BTreeSet;
use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;
use crate::pages::Page;

#[derive(Debug, Clone)]
struct Route {
    method: Method,
    template: String,
}

impl Route {
    fn api(&self) -> bool {
        self.template.starts_with("/api/")
    }
    fn writes(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD)
    }
}

/// Every route: the document's operations and the pages' table.
async fn every_route(app: &TestApp) -> Vec<Route> {
    let (s, doc) = app.get("/api/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    let mut seen = BTreeSet::new();
    let mut routes = vec![];
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            let Ok(m) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if seen.insert((m.to_string(), path.clone())) {
                routes.push(Route {
                    method: m,
                    template: path.clone(),
                });
            }
        }
    }
    let api_count = routes.len();
    for (m, path) in parkbridge::web::html::page_routes() {
        let m: Method = m.as_str().parse().expect("a method");
        if seen.insert((m.to_string(), path.clone())) {
            routes.push(Route {
                method: m,
                template: path,
            });
        }
    }
    assert!(api_count >= 55, "{api_count} API routes");
    assert!(
        routes.len() - api_count >= 35,
        "{} pages",
        routes.len() - api_count
    );
    routes
}

/// One side of the campaign: a token for the API, cookies and a CSRF token for the pages.
struct Caller {
    name: &'static str,
    user_id: Option<i64>,
    token: Option<String>,
    cookies: String,
    csrf: String,
}

async fn caller(app: &TestApp, name: &'static str, token: Option<String>) -> Caller {
    let mut page = Page::new(app);
    let user_id = match &token {
        Some(t) => {
            page.use_token(t);
            app.state
                .keys
                .verify(t, app.state.clock.now())
                .map(|s| s.user_id)
        }
        None => None,
    };
    let csrf = page
        .get(if token.is_some() {
            "/settings"
        } else {
            "/login"
        })
        .await
        .csrf();
    let cookies = page
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    Caller {
        name,
        user_id,
        token,
        cookies,
        csrf,
    }
}

/// A caller whose token a case ended (a suspension, say) gets a fresh one, so the rest of the
/// campaign still reaches what only signed-in users reach.
async fn revive(app: &TestApp, c: &mut Caller) {
    let Some(t) = &c.token else { return };
    if app.get("/api/v1/me", Some(t)).await.0 == StatusCode::OK {
        return;
    }
    use diesel::prelude::*;
    use parkbridge::db::schema::users;
    let user_id = c.user_id.expect("a signed-in caller has a user");
    let version: i32 = {
        let mut conn = app.state.pool.get().unwrap();
        diesel::update(users::table.find(user_id))
            .set(users::status.eq("active"))
            .execute(&mut conn)
            .unwrap();
        users::table
            .find(user_id)
            .select(users::token_version)
            .first(&mut conn)
            .unwrap()
    };
    app.state.actors.invalidate();
    let (token, _) = app
        .state
        .keys
        .issue(user_id, version, app.state.clock.now());
    *c = caller(app, c.name, Some(token)).await;
}

// ---------------------------------------------------------------------------------------------
// What a stranger can send

/// Percent-encodes every byte that is not unreserved.
fn pct(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn hostile_text() -> BoxedStrategy<String> {
    prop_oneof![
        "\\PC{0,40}",
        "[ -~]{0,60}",
        (1_000usize..6_000).prop_map(|n| "長".repeat(n / 3)),
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("9223372036854775808".to_string()),
        Just("1e400".to_string()),
        Just("NaN".to_string()),
        Just("/\t/evil.example".to_string()),
        Just("//evil.example".to_string()),
        Just("<script>alert(1)</script>".to_string()),
        Just("' OR 1=1 --".to_string()),
        Just("\u{202e}\u{0000}\u{fffd}".to_string()),
        Just("financing".to_string()),
        Just("need".to_string()),
        Just("true".to_string()),
        Just("en".to_string()),
    ]
    .boxed()
}

/// A path segment standing for `{id}` or `{action}`, as it goes into the URL.
fn segment(real: Vec<String>) -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(real),
        1 => proptest::sample::select(vec![
            "0", "-1", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999999", "1.5", "1e3", "0x10", "%00", "%2F", "%2e%2e", "..",
            "%FF%FE", "%C0%AF", "%E4%B8%AD%E6%96%87", "%25", "%20", "%0A", "null", "%5B%5D",
            "interest", "decline", "outcome", "approve",
        ])
        .prop_map(String::from),
        1 => hostile_text().prop_map(|s| pct(s.as_bytes())),
        1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| pct(&b)),
        1 => (200usize..3_000).prop_map(|n| "9".repeat(n)),
    ]
    .boxed()
}

fn query() -> BoxedStrategy<String> {
    let key = prop_oneof![
        proptest::sample::select(vec![
            "page",
            "per_page",
            "q",
            "type",
            "category",
            "city_code",
            "park_id",
            "industry",
            "amount_yuan",
            "sort",
            "mine",
            "status",
            "from",
            "to",
            "next",
            "lang",
            "token",
            "kind",
            "topic",
            "_back",
        ])
        .prop_map(String::from),
        "[a-z_]{1,10}",
        proptest::collection::vec(any::<u8>(), 1..12).prop_map(|b| pct(&b)),
    ];
    let value = prop_oneof![
        hostile_text().prop_map(|s| pct(s.as_bytes())),
        proptest::collection::vec(any::<u8>(), 0..60).prop_map(|b| pct(&b)),
        Just("%".to_string()),
        Just("%G0%zz".to_string()),
        Just("%FF%FE%00".to_string()),
        Just("/%09/evil.example".to_string()),
        Just("%2F%2Fevil.example".to_string()),
    ];
    prop_oneof![
        1 => Just(String::new()),
        3 => proptest::collection::vec((key, value), 1..6).prop_map(|kv| kv
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")),
        1 => proptest::collection::vec(any::<u8>(), 0..200).prop_map(|b| pct(&b)),
        1 => (1usize..1_500).prop_map(|n| "page=1&".repeat(n)),
        1 => Just("=&&==&;;".to_string()),]
    .boxed()
}

/// Header values, invalid UTF-8 (obs-text) included.
fn header_value() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        "[ -~]{0,80}".prop_map(String::into_bytes),
        proptest::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..80),
        (1_000usize..6_000).prop_map(|n| vec![b'a'; n]),
        hostile_text().prop_map(|s| pct(s.as_bytes()).into_bytes()),
    ]
    .boxed()
}

fn cookie_header(real: Vec<String>) -> BoxedStrategy<Vec<u8>> {
    let name = prop_oneof![
        proptest::sample::select(vec![
            "pb_session",
            "__Host-pb_session",
            "__Host%2Dpb_session",
            "pb_csrf",
            "__Host-pb_csrf",
            "lang",
            "pb_notice",
            "",
        ])
        .prop_map(String::from),
        "[a-z_%-]{1,12}",
    ];
    let value = prop_oneof![
        proptest::sample::select(real).prop_map(String::into_bytes),
        header_value(),
        Just(b"\"\"".to_vec()),
        Just("A".repeat(43).into_bytes()),
    ];
    prop_oneof![
        3 => proptest::collection::vec((name, value), 1..5).prop_map(|pairs| {
            let mut out = vec![];
            for (i, (k, v)) in pairs.into_iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b"; ");
                }
                out.extend_from_slice(k.as_bytes());
                out.push(b'=');
                out.extend_from_slice(&v);
            }
            out
        }),
        1 => (1usize..300).prop_map(|n| "a=b; ".repeat(n).into_bytes()),
        1 => Just(b"=;;;==; ;".to_vec()),]
    .boxed()
}

fn headers(real_cookies: Vec<String>) -> BoxedStrategy<Vec<(String, Vec<u8>)>> {
    let one = prop_oneof![
        header_value().prop_map(|v| ("accept-language".to_string(), v)),
        cookie_header(real_cookies).prop_map(|v| ("cookie".to_string(), v)),
        prop_oneof![
            Just(b"Bearer ".to_vec()),
            Just(b"Bearer a.b.c".to_vec()),
            Just(b"Basic Zm9vOmJhcg==".to_vec()),
            Just(b"bearer".to_vec()),
            header_value().prop_map(|v| [b"Bearer ".to_vec(), v].concat()),
        ]
        .prop_map(|v| ("authorization".to_string(), v)),
        header_value().prop_map(|v| ("x-request-id".to_string(), v)),
        header_value().prop_map(|v| ("x-forwarded-for".to_string(), v)),
        header_value().prop_map(|v| ("forwarded".to_string(), v)),
        header_value().prop_map(|v| ("accept".to_string(), v)),
        header_value().prop_map(|v| ("origin".to_string(), v)),
        header_value().prop_map(|v| ("referer".to_string(), v)),
        header_value().prop_map(|v| ("content-encoding".to_string(), v)),
        ("x-[a-z-]{1,20}", header_value()),
    ];
    proptest::collection::vec(one, 0..4).boxed()
}

fn content_type() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        4 => Just(Some("application/json".to_string())),
        2 => Just(Some("application/x-www-form-urlencoded".to_string())),
        1 => Just(None),
        1 => Just(Some("text/plain".to_string())),
        1 => Just(Some("multipart/form-data; boundary=----x".to_string())),
        1 => Just(Some("application/json; charset=gbk".to_string())),
        1 => "[ -~]{0,40}".prop_map(Some),]
    .boxed()
}

fn arb_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        hostile_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        let key = prop_oneof![
            proptest::sample::select(vec![
                "category",
                "title",
                "description",
                "financing",
                "recruiting",
                "training",
                "amount_yuan",
                "positions",
                "headcount",
                "regions",
                "email",
                "password",
                "new_password",
                "token",
                "name",
                "query",
                "frequency",
                "match_emails",
                "reason_code",
                "note",
                "offer_id",
                "need_id",
                "result",
                "organization",
                "role",
            ])
            .prop_map(String::from),
            "[a-z_]{1,12}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A form field name as it goes into the body (already encoded).
fn field_name() -> BoxedStrategy<String> {
    prop_oneof![
        3 => proptest::sample::select(vec![
            "title", "category", "description", "financing.amount_yuan",
            "financing.collateral", "recruiting.positions[0].title",
            "recruiting.positions[49].headcount", "organization.park_id", "email", "password",
            "new_password", "current_password", "next", "_back", "token", "reason_code", "note",
            "query.q", "query.type", "frequency", "match_emails", "role", "submit", "offer_id",
        ])
        .prop_map(|s| pct(s.as_bytes())),
        1 => (1usize..15_000).prop_map(|n| vec!["a"; n].join(".")),
        1 => (1usize..8_000).prop_map(|n| format!("{}x", "a[0]".repeat(n))),
        1 => "[a-z]{1,5}\\[[0-9]{1,25}\\]".prop_map(|s| pct(s.as_bytes())),
        1 => proptest::sample::select(vec!["[", "]", ".", "a..b", "a[-1]", "a[]", "[0]", "_csrf"])
            .prop_map(|s| pct(s.as_bytes())),
        1 => (100usize..5_000).prop_map(|n| "n".repeat(n)),
        1 => proptest::collection::vec(any::<u8>(), 1..30).prop_map(|b| pct(&b)),]
    .boxed()
}

/// A body: JSON (random, nested, broken), bytes, a form with hostile names, or too much.
fn body(csrf: String) -> BoxedStrategy<Vec<u8>> {
    let form = (
        any::<bool>(),
        proptest::collection::vec((field_name(), hostile_text()), 0..12),
    )
        .prop_map(move |(with_csrf, fields)| {
            let mut parts = vec![];
            if with_csrf {
                parts.push(format!("_csrf={}", pct(csrf.as_bytes())));
            }
            for (k, v) in fields {
                parts.push(format!("{k}={}", pct(v.as_bytes())));
            }
            let mut s = parts.join("&");
            s.truncate(60 * 1024);
            s.into_bytes()
        });
    prop_oneof![
        1 => Just(vec![]),
        4 => arb_json().prop_map(|v| v.to_string().into_bytes()),
        4 => form,
        1 => (1usize..60_000, any::<bool>()).prop_map(|(n, arr)| if arr {
            "[".repeat(n).into_bytes()
        } else {
            "{\"a\":".repeat(n / 5).into_bytes()
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..2_048),
        1 => (65_000usize..70_000).prop_map(|n| vec![b'{'; n]),
        1 => (1usize..3_000).prop_map(|n| "f=1&".repeat(n).into_bytes()),
        1 => Just(br#"{"title": "\ud800", "n": 1e400, "m": 18446744073709551616}"#.to_vec()),
        1 => Just(b"{\"title\": \"\xff\xfe\"}".to_vec()),
    ]
    .boxed()
}

/// One request of the campaign, as sent.
struct Case {
    method: Method,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    content_type: Option<String>,
    body: Vec<u8>,
    caller: usize,
    /// Send the caller's credentials the way the route expects (token for the API, cookies and
    /// CSRF for pages), the other way, or not at all.
    auth: u8,
}

impl Case {
    fn describe(&self, callers: &[Caller]) -> String {
        let mut body = String::from_utf8_lossy(&self.body).into_owned();
        if body.len() > 300 {
            body = format!("{}… ({} bytes)", clip(&body, 300), self.body.len());
        }
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let v = String::from_utf8_lossy(v);
                format!("{k}: {}", clip(&v, 120))
            })
            .collect();
        format!(
            "{} {}?{} as {} (auth mode {}) content-type {:?} headers {headers:?} body {body:?}",
            self.method,
            clip(&self.path, 300),
            clip(&self.query, 300),
            callers[self.caller].name,
            self.auth,
            self.content_type,
        )
    }
}

fn fill(template: &str, segments: &mut impl FnMut() -> String) -> String {
    template
        .split('/')
        .map(|part| {
            if part.starts_with('{') && part.ends_with('}') {
                segments()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Sends a case; the answer's status, content type and body.
async fn send(
    app: &TestApp,
    client: &reqwest::Client,
    route: &Route,
    case: &Case,
    callers: &[Caller],
) -> Option<(StatusCode, String, Vec<u8>)> {
    let mut url = format!("{}{}", app.base, case.path);
    if !case.query.is_empty() {
        url.push('?');
        url.push_str(&case.query);
    }
    let url = reqwest::Url::parse(&url).ok()?;
    let mut req = client.request(case.method.clone(), url);
    let c = &callers[case.caller];
    let (token, cookies) = match (case.auth, route.api()) {
        (0, true) | (1, false) => (c.token.as_deref(), None),
        (0, false) | (1, true) => (None, Some(c.cookies.as_str())),
        _ => (None, None),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(ck) = cookies {
        req = req.header("cookie", ck);
    }
    if let Some(ct) = &case.content_type {
        if let Ok(v) = HeaderValue::from_str(ct) {
            req = req.header("content-type", v);
        }
    }
    for (k, v) in &case.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_bytes(v)) {
            req = req.header(k, v);
        }
    }
    if !case.body.is_empty() {
        req = req.body(case.body.clone());
    }
    let res = req
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap_or_else(|e| panic!("no answer ({e}) to {}", case.describe(callers)));
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = res.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
    Some((status, ct, bytes))
}

/// The rule every answer keeps.
fn judge(
    route: &Route,
    method: &Method,
    status: StatusCode,
    ct: &str,
    body: &[u8],
) -> Result<(), String> {
    if status.is_server_error() {
        return Err(format!("answered {status}"));
    }
    if !status.is_client_error() || *method == Method::HEAD {
        return Ok(());
    }
    let error_shape = || {
        serde_json::from_slice::<Value>(body)
            .ok()
            .filter(|v| v["error"]["code"].is_string() && v["error"]["message"].is_string())
    };
    if route.api() {
        if !ct.starts_with("application/json") || error_shape().is_none() {
            return Err(format!(
                "{status} without the error shape: {ct} {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ));
        }
    } else {
        let page = ct.starts_with("text/html") && !body.is_empty();
        if !page && error_shape().is_none() {
            return Err(format!(
                "{status} is neither an error page nor an error: {ct}"
            ));
        }
    }
    Ok(())
}

fn draw<T: std::fmt::Debug>(s: &BoxedStrategy<T>, r: &mut TestRunner) -> T {
    s.new_tree(r).expect("generate").current()
}

/// A number below `n`, from the campaign's generator.
fn pick(r: &mut TestRunner, n: u32) -> u32 {
    (0..n).new_tree(r).expect("generate").current()
}

/// At most `n` bytes of `s`, cut at a character boundary.
fn clip(s: &str, n: usize) -> &str {
    let mut end = s.len().min(n);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn seed() -> u64 {
    std::env::var("PARKBRIDGE_HOSTILE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

fn cases_per_route() -> usize {
    std::env::var("PARKBRIDGE_HOSTILE_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6)
}

#[tokio::test]
async fn hostile_input_on_every_route_never_makes_a_5xx_nor_stops_the_server() {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, sme_org) = app.verified_sme(&admin, PARK).await;
    let (provider, provider_org) = app.verified_provider(&admin).await;
    let need = app.published(&sme, &admin, "need", financing_need()).await;
    let offer = app
        .published(&provider, &admin, "offer", financing_offer())
        .await;
    app.drain_matching().await;
    let (_, list) = app
        .get(&format!("/api/v1/needs/{need}/matches"), Some(&sme))
        .await;
    let m = list["items"][0]["id"].as_i64().expect("a match");
    let (s, saved) = app
        .post(
            "/api/v1/me/saved-searches",
            Some(&provider),
            json!({"name": "设备", "query": {"q": "设备"}, "frequency": "daily"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{saved}");
    let real: Vec<String> = [1, 2, need, offer, m, sme_org, provider_org]
        .iter()
        .map(|n| n.to_string())
        .chain([saved["id"].to_string(), "interest".into(), "decline".into()])
        .collect();

    let mut callers = vec![
        caller(&app, "anonymous", None).await,
        caller(&app, "platform admin", Some(admin.clone())).await,
        caller(&app, "sme", Some(sme.clone())).await,
        caller(&app, "provider", Some(provider.clone())).await,
    ];
    let routes = every_route(&app).await;
    let seed = seed();
    let per_route = cases_per_route();
    println!(
        "hostile campaign: {} routes, {per_route} random cases each, PARKBRIDGE_HOSTILE_SEED={seed}",
        routes.len()
    );
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let real_cookies: Vec<String> = [&admin, &sme, &provider]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let segments = segment(real.clone());
    let queries = query();
    let header_sets = headers(real_cookies);
    let content_types = content_type();
    let methods = proptest::sample::select(vec![
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::HEAD,
    ]);
    let mut sent = 0usize;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut failures = vec![];
    let started = std::time::Instant::now();

    for route in &routes {
        // Signing out ends the caller's token: those routes are for anonymous callers here.
        let signs_out = route.template.contains("logout");
        let bodies: Vec<BoxedStrategy<Vec<u8>>> =
            callers.iter().map(|c| body(c.csrf.clone())).collect();
        let fixed = fixed_cases(route, &callers, &real);
        let mut cases: Vec<Case> = fixed;
        for i in 0..per_route {
            let who = if signs_out { 0 } else { i % callers.len() };
            let path = fill(&route.template, &mut || draw(&segments, &mut runner));
            let odd_method = pick(&mut runner, 12) == 0;
            let method = if odd_method {
                methods.new_tree(&mut runner).unwrap().current()
            } else {
                route.method.clone()
            };
            let body = if route.writes() || pick(&mut runner, 6) == 0 {
                bodies[who].new_tree(&mut runner).unwrap().current()
            } else {
                vec![]
            };
            let content_type = if route.api() || pick(&mut runner, 3) == 0 {
                content_types.new_tree(&mut runner).unwrap().current()
            } else {
                Some("application/x-www-form-urlencoded".into())
            };
            cases.push(Case {
                method,
                path,
                query: draw(&queries, &mut runner),
                headers: header_sets.new_tree(&mut runner).unwrap().current(),
                content_type,
                body,
                caller: who,
                auth: match pick(&mut runner, 8) {
                    0..=5 => 0,
                    6 => 1,
                    _ => 2,
                },
            });
        }
        for case in &cases {
            let Some((status, ct, body)) = send(&app, &client, route, case, &callers).await else {
                continue;
            };
            sent += 1;
            *statuses.entry(status.as_u16()).or_default() += 1;
            if let Err(why) = judge(route, &case.method, status, &ct, &body) {
                failures.push(format!("{}: {why}", case.describe(&callers)));
            }
        }
        let (s, b) = app.get("/healthz", None).await;
        assert_eq!(
            s,
            StatusCode::OK,
            "the server stopped serving after {} {}: {b}",
            route.method,
            route.template
        );
        for c in callers.iter_mut() {
            revive(&app, c).await;
        }
    }
    let raw = raw_cases(&app, &routes, &mut runner).await;
    failures.extend(raw.1);
    println!(
        "hostile campaign: {} requests and {} raw ones in {:.1?}; statuses {statuses:?}",
        sent,
        raw.0,
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {sent} answers broke the rules (seed {seed}):\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    app.wait_ready().await;
    let (s, _) = app.get("/readyz", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.get("/healthz", None).await.0, StatusCode::OK);
}

/// The attacks known by name, on every route: a form field 15,000 levels deep (with a valid
/// CSRF token), JSON nested 50,000 deep, a body just over the limit, bytes that are not UTF-8,
/// JSON sent as text, and path and query values no route expects.
fn fixed_cases(route: &Route, callers: &[Caller], real: &[String]) -> Vec<Case> {
    let who = if route.template.contains("logout") {
        0
    } else {
        1
    };
    let csrf = pct(callers[who].csrf.as_bytes());
    let deep_name = vec!["a"; 15_000].join(".");
    let mut out = vec![];
    let mut add = |segment: &str, query: &str, ct: Option<&str>, body: Vec<u8>| {
        out.push(Case {
            method: route.method.clone(),
            path: fill(&route.template, &mut || segment.to_string()),
            query: query.to_string(),
            headers: vec![],
            content_type: ct.map(String::from),
            body,
            caller: who,
            auth: 0,
        })
    };
    let form = Some("application/x-www-form-urlencoded");
    let json = Some("application/json");
    add(
        &real[2],
        "",
        form,
        format!("_csrf={csrf}&{deep_name}=x").into_bytes(),
    );
    add(&real[2], "", json, "[".repeat(50_000).into_bytes());
    add(&real[2], "", json, vec![b' '; 64 * 1024 + 1]);
    add(
        &real[2],
        "",
        json,
        b"{\"title\": \"\xff\xfe\xfd\"}".to_vec(),
    );
    add(
        &real[2],
        "",
        Some("text/plain"),
        br#"{"title": "x"}"#.to_vec(),
    );
    add(
        "%FF%FE",
        "%zz=%FF&page=-1&per_page=1000000&lang=%00",
        None,
        vec![],
    );
    add(
        "99999999999999999999",
        "next=/%09/evil.example&_back=%2F%0a%2Fx",
        None,
        vec![],
    );
    out
}

/// Requests no HTTP client library would send: raw bytes that are not UTF-8 in the path and in
/// header values. The HTTP parser may refuse some before the application sees them (a 400
/// with no body); what reaches the application must answer as everywhere else.
async fn raw_cases(
    app: &TestApp,
    routes: &[Route],
    runner: &mut TestRunner,
) -> (usize, Vec<String>) {
    let addr = app.base.trim_start_matches("http://").to_string();
    let junk = proptest::collection::vec(any::<u8>(), 1..40);
    let count = (cases_per_route() * 5).max(20);
    let mut failures = vec![];
    for i in 0..count {
        let route = &routes[i * 7 % routes.len()];
        let path_junk = junk.new_tree(runner).unwrap().current();
        let header_junk = junk.new_tree(runner).unwrap().current();
        let mut path = fill(&route.template, &mut || "1".to_string()).into_bytes();
        path.extend_from_slice(b"/");
        path.extend(path_junk.iter().filter(|b| !b" \r\n".contains(b)));
        let mut req = vec![];
        req.extend_from_slice(route.method.as_str().as_bytes());
        req.push(b' ');
        req.extend_from_slice(&path);
        req.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: pb_session=");
        req.extend(header_junk.iter().filter(|b| !b"\r\n".contains(b)));
        req.extend_from_slice(b"\r\nAccept-Language: ");
        req.extend(header_junk.iter().rev().filter(|b| !b"\r\n".contains(b)));
        req.extend_from_slice(b"\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}");
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream.write_all(&req).await.unwrap();
        let mut answer = vec![];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer));
        if read.await.is_err() {
            failures.push(format!(
                "raw request got no answer: {:?}",
                String::from_utf8_lossy(&req)
            ));
            continue;
        }
        let text = String::from_utf8_lossy(&answer);
        let status: u16 = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let parser_refusal = status == 400 && body.is_empty();
        let ct = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-type: ")
                    .map(String::from)
            })
            .unwrap_or_default();
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // A chunked body would need decoding; the answers here are whole (Content-Length).
        if !parser_refusal {
            if let Err(why) = judge(route, &route.method, status, &ct, body.as_bytes()) {
                failures.push(format!("raw {:?}: {why}", String::from_utf8_lossy(&req)));
            }
        }
    }
    (count, failures)
}
