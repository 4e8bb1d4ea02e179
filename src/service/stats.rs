//! The statistics parks are measured by: organisations, needs and offers by category and
//! status, matches by status, pickup within the SLA, financing granted, hires and trainees —
//! over a date range, per park.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub park_id: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// `?park_id=&from=&to=` as the query string gives them.
#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    pub park_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
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

impl Range {
    /// The range `actor` asked for: a park admin always gets their own park (asking for another
    /// is refused); `from`/`to` are dates (2026-01-31) or RFC 3339 times.
    pub fn for_actor(actor: &Actor, q: &StatsQuery) -> AppResult<Range> {
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
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct Counts {
    pub total: u64,
    pub by_status: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct PostingCounts {
    pub total: u64,
    pub by_category: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    /// by_category_status["financing"]["published"]
    pub by_category_status: BTreeMap<String, BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct Outcomes {
    pub needs: u64,
    pub matches: u64,
    pub connected: u64,
    /// Published needs whose first provider interest came within the SLA, among those whose SLA
    /// has run out or that were picked up; `null` when there are none yet.
    pub pickup_within_sla_pct: Option<f64>,
    pub financing_granted_yuan: i64,
    pub hires: i64,
    pub trainees: i64,
    /// The part of the three figures above that both sides confirmed…
    pub confirmed_financing_granted_yuan: i64,
    pub confirmed_hires: i64,
    pub confirmed_trainees: i64,
    /// …and the part only one side reported (not confirmed yet, or disputed).
    pub self_reported_financing_granted_yuan: i64,
    pub self_reported_hires: i64,
    pub self_reported_trainees: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParkStats {
    pub park_id: i64,
    pub park_name: String,
    pub city_code: String,
    pub organizations: u64,
    #[serde(flatten)]
    pub outcomes: Outcomes,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub park_id: Option<i64>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    pub pickup_sla_days: i64,
    pub organizations: Counts,
    pub needs: PostingCounts,
    pub offers: PostingCounts,
    pub matches: Counts,
    pub pickup_within_sla_pct: Option<f64>,
    pub financing_granted_yuan: i64,
    pub hires: i64,
    pub trainees: i64,
    /// The figures above that both sides of the match confirmed, and those only one side
    /// reported (`financing_granted_yuan` = confirmed + self-reported).
    pub confirmed: OutcomeFigures,
    pub self_reported: OutcomeFigures,
    /// Needs published in the range, and matches connected (the base of the figures above).
    pub published_needs: u64,
    pub connected_matches: u64,
    pub by_park: Vec<ParkStats>,
    /// Needs published per month (YYYY-MM) by category, for the charts.
    pub needs_by_month: BTreeMap<String, BTreeMap<String, u64>>,
    /// Successful outcomes per month (YYYY-MM) of their report.
    pub outcomes_by_month: BTreeMap<String, MonthOutcomes>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct OutcomeFigures {
    pub financing_granted_yuan: i64,
    pub hires: i64,
    pub trainees: i64,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct MonthOutcomes {
    pub succeeded: u64,
    pub financing_granted_yuan: i64,
    pub hires: i64,
    pub trainees: i64,
}

/// The statistics for `r`, computed by the database (`stats_sql`: `GROUP BY`s, never the rows).
pub fn compute(conn: &mut DbConn, r: Range, now: NaiveDateTime, sla_days: i64) -> AppResult<Stats> {
    super::stats_sql::compute(conn, r, now, sla_days)
}

/// The same figures as CSV: one row per park, then the total.
/// One text cell: a cell a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return) gets a leading `'` (OWASP's CSV injection advice), and a
/// cell holding a separator, quote or line break is quoted.
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

pub fn to_csv(s: &Stats) -> String {
    let mut out = String::from(
        "park_id,park_name,city_code,organizations,needs,matches,connected,pickup_within_sla_pct,financing_granted_yuan,hires,trainees,confirmed_financing_granted_yuan,confirmed_hires,confirmed_trainees,self_reported_financing_granted_yuan,self_reported_hires,self_reported_trainees\n",
    );
    let field = |v: &str| csv_cell(v);
    let pct = |p: Option<f64>| p.map(|p| format!("{p:.1}")).unwrap_or_default();
    for p in &s.by_park {
        let o = &p.outcomes;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            p.park_id,
            field(&p.park_name),
            field(&p.city_code),
            p.organizations,
            o.needs,
            o.matches,
            o.connected,
            pct(o.pickup_within_sla_pct),
            o.financing_granted_yuan,
            o.hires,
            o.trainees,
            o.confirmed_financing_granted_yuan,
            o.confirmed_hires,
            o.confirmed_trainees,
            o.self_reported_financing_granted_yuan,
            o.self_reported_hires,
            o.self_reported_trainees
        ));
    }
    out.push_str(&format!(
        "total,,,{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
        s.organizations.total,
        s.published_needs,
        s.matches.total,
        s.connected_matches,
        pct(s.pickup_within_sla_pct),
        s.financing_granted_yuan,
        s.hires,
        s.trainees,
        s.confirmed.financing_granted_yuan,
        s.confirmed.hires,
        s.confirmed.trainees,
        s.self_reported.financing_granted_yuan,
        s.self_reported.hires,
        s.self_reported.trainees
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        assert_eq!(csv_cell("=1+2"), "'=1+2");
        assert_eq!(csv_cell("+86"), "'+86");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\r=x"), "\"'\r=x\"");
        assert_eq!(
            csv_cell("=HYPERLINK(\"x\",\"y\")"),
            "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("成都高新区"), "成都高新区");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("a=b"), "a=b");
    }
}
