//! `GET /api/v1/admin/stats` and `stats.csv`: a park admin sees their own park.

use actix_web::{web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use super::ok;
use crate::auth::{Actor, AdminOnly, Require};
use crate::error::{AppError, AppResult};
use crate::service::stats::{self, Range, Stats};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct StatsQuery {
    park_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn time(name: &str, v: Option<&str>) -> AppResult<Option<NaiveDateTime>> {
    let Some(v) = v.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.naive_utc()));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(Some)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "{name}={v:?} is not a date (2026-01-31) or an RFC 3339 time"
            ))
        })
}

fn range(actor: &Actor, q: &StatsQuery) -> AppResult<Range> {
    let park_id = match q
        .park_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => Some(
            p.parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("park_id={p:?} is not a number")))?,
        ),
        None => None,
    };
    let park_id = if actor.is_platform_admin() {
        park_id
    } else {
        match park_id {
            Some(p) if Some(p) != actor.park_id => {
                return Err(actor.refuse("park administrators see their own park's statistics"))
            }
            _ => actor.park_id,
        }
    };
    let (from, to) = (
        time("from", q.from.as_deref())?,
        time("to", q.to.as_deref())?,
    );
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::BadRequest(
                "from is after to / 开始日期晚于结束日期".into(),
            ));
        }
    }
    Ok(Range { park_id, from, to })
}

/// Also behind the statistics page.
pub async fn compute(
    state: &web::Data<AppState>,
    actor: &Actor,
    q: &StatsQuery,
) -> AppResult<Stats> {
    let r = range(actor, q)?;
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
