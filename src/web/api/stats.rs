//! `GET /api/v1/admin/stats` and `stats.csv`: a park admin sees their own park.

use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::{Actor, AdminOnly, Require};
use crate::error::AppResult;
use crate::service::stats::{self, Range, Stats, StatsQuery};
use crate::state::AppState;

async fn compute(state: &AppState, actor: &Actor, q: &StatsQuery) -> AppResult<Stats> {
    let r = Range::for_actor(actor, q)?;
    let now = state.clock.now().naive_utc();
    let sla = state.settings.pickup_sla_days;
    state.db(move |c| stats::compute(c, r, now, sla)).await
}

#[utoipa::path(
    get,
    path = "/api/v1/admin/stats",
    tag = "admin",
    summary = "Statistics (a park admin sees their own park)",
    params(("park_id" = Option<i64>, Query, description = "platform admins: one park; park admins: only their own"), ("from" = Option<String>, Query, description = "a date (2026-01-31) or an RFC 3339 time, inclusive"), ("to" = Option<String>, Query, description = "a date or an RFC 3339 time, exclusive")),
    security(("bearer" = [])),
    responses((status = 200, body = crate::service::stats::Stats), (status = 400), (status = 401), (status = 403))
)]
pub async fn json(
    state: web::Data<AppState>,
    Require(a, ..): Require<AdminOnly>,
    q: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    Ok(ok(compute(&state, &a, &q).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/admin/stats.csv",
    tag = "admin",
    summary = "The same statistics as CSV",
    params(("park_id" = Option<i64>, Query, description = "platform admins: one park; park admins: only their own"), ("from" = Option<String>, Query, description = "a date (2026-01-31) or an RFC 3339 time, inclusive"), ("to" = Option<String>, Query, description = "a date or an RFC 3339 time, exclusive")),
    security(("bearer" = [])),
    responses((status = 200, description = "CSV, UTF-8", content_type = "text/csv; charset=utf-8", body = String), (status = 400), (status = 401), (status = 403))
)]
pub async fn csv(
    state: web::Data<AppState>,
    Require(a, ..): Require<AdminOnly>,
    q: web::Query<StatsQuery>,
) -> AppResult<HttpResponse> {
    let s = compute(&state, &a, &q).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"parkbridge-stats.csv\"",
        ))
        .body(stats::to_csv(&s)))
}
