//! What operators see: a request id on every log line and response (`X-Request-Id`), one log
//! line per request, and Prometheus metrics at `/metrics`.

use std::sync::LazyLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpResponse};
use diesel::prelude::*;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use tracing::Instrument;

use crate::state::AppState;

pub static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::new);

fn register<T: prometheus::core::Collector + Clone + 'static>(c: T) -> T {
    // Registration only fails on duplicate names, which the statics here rule out.
    let _ = REGISTRY.register(Box::new(c.clone()));
    c
}

pub static HTTP_REQUESTS: LazyLock<IntCounterVec> = LazyLock::new(|| {
    register(
        IntCounterVec::new(
            Opts::new(
                "parkbridge_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("metric"),
    )
});

pub static HTTP_LATENCY: LazyLock<HistogramVec> = LazyLock::new(|| {
    register(
        HistogramVec::new(
            HistogramOpts::new(
                "parkbridge_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("metric"),
    )
});

static OUTBOX: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    register(
        IntGaugeVec::new(
            Opts::new("parkbridge_outbox_rows", "Outbox rows by status"),
            &["status"],
        )
        .expect("metric"),
    )
});
static OUTBOX_OLDEST: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new(
            "parkbridge_outbox_oldest_pending_seconds",
            "Age of the oldest pending mail",
        )
        .expect("metric"),
    )
});
static INDEX_LAG: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new(
            "parkbridge_index_lag_changes",
            "Change-feed rows not yet applied to this instance's index",
        )
        .expect("metric"),
    )
});
static INDEX_READY: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new("parkbridge_index_ready", "1 when the search index is built")
            .expect("metric"),
    )
});
static MATCH_QUEUE: LazyLock<IntGauge> = LazyLock::new(|| {
    register(
        IntGauge::new(
            "parkbridge_match_queue_depth",
            "Postings waiting to be matched",
        )
        .expect("metric"),
    )
});
static POOL: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    register(
        IntGaugeVec::new(
            Opts::new(
                "parkbridge_db_pool_connections",
                "Database pool connections by state",
            ),
            &["state"],
        )
        .expect("metric"),
    )
});

static PASSWORD_WORK: LazyLock<IntGaugeVec> = LazyLock::new(|| {
    register(
        IntGaugeVec::new(
            Opts::new(
                "parkbridge_password_hashing",
                "argon2 work since start: hashed, verified, refused (no turn within a second); in_progress now",
            ),
            &["what"],
        )
        .expect("metric"),
    )
});

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of this request, as given by a proxy (if sane) or made here.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(String::from)
        .unwrap_or_else(|| {
            use rand::RngCore;
            let mut b = [0u8; 8];
            rand::rng().fill_bytes(&mut b);
            b.iter().map(|x| format!("{x:02x}")).collect()
        })
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = request_id(&req);
    let method = req.method().to_string();
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %method, route = %route);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    HTTP_REQUESTS
        .with_label_values(&[&method, &route, &status.to_string()])
        .inc();
    HTTP_LATENCY
        .with_label_values(&[&method, &route])
        .observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(
            status,
            ms = (elapsed.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            "request"
        )
    });
    let mut res = result?;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}

/// `GET /metrics` in the Prometheus text format; gauges are read from the database on scrape.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    summary = "Prometheus metrics",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain; version=0.0.4", body = String))
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let st = state.clone();
    let _ = web::block(move || -> anyhow::Result<()> {
        use crate::db::schema::{change_feed, match_queue, outbox};
        let s = st.pool.state();
        POOL.with_label_values(&["idle"])
            .set(s.idle_connections as i64);
        POOL.with_label_values(&["active"])
            .set((s.connections - s.idle_connections) as i64);
        INDEX_READY.set(st.search.is_ready() as i64);
        let h = st.hashing.counts();
        for (what, n) in [
            ("hashed", h.hashed),
            ("verified", h.verified),
            ("refused", h.refused),
            ("in_progress", h.in_progress),
        ] {
            PASSWORD_WORK.with_label_values(&[what]).set(n as i64);
        }
        let mut conn = st.pool.get()?;
        let max_change: Option<i64> = change_feed::table
            .select(diesel::dsl::max(change_feed::id))
            .first(&mut conn)?;
        INDEX_LAG.set((max_change.unwrap_or(0) - st.search.last_applied()).max(0));
        for status in ["pending", "sent", "dead"] {
            let n: i64 = outbox::table
                .filter(outbox::status.eq(status))
                .count()
                .get_result(&mut conn)?;
            OUTBOX.with_label_values(&[status]).set(n);
        }
        let oldest: Option<chrono::NaiveDateTime> = outbox::table
            .filter(outbox::status.eq("pending"))
            .select(diesel::dsl::min(outbox::created_at))
            .first(&mut conn)?;
        OUTBOX_OLDEST.set(
            oldest
                .map(|t| (st.clock.now().naive_utc() - t).num_seconds().max(0))
                .unwrap_or(0),
        );
        let depth: i64 = match_queue::table.count().get_result(&mut conn)?;
        MATCH_QUEUE.set(depth);
        Ok(())
    })
    .await;
    LazyLock::force(&HTTP_REQUESTS);
    LazyLock::force(&HTTP_LATENCY);
    let mut buf = Vec::new();
    let _ = TextEncoder::new().encode(&REGISTRY.gather(), &mut buf);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(buf)
}
