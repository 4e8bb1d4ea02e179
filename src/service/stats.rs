//! The statistics parks are measured by: organisations, needs and offers by category and
//! status, matches by status, pickup within the SLA, financing granted, hires and trainees —
//! over a date range, per park.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::db::models::Park;
use crate::db::schema::{matches, organizations, parks, postings};
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

    fn contains(&self, t: NaiveDateTime) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|to| t < to)
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

impl Outcomes {
    /// Adds one successful outcome's figure of `category` (confirmed or only reported).
    fn add(&mut self, category: Option<&str>, m: &MatchRow) {
        let confirmed = m.11.is_some();
        let (total, yes, only) = match category {
            Some("financing") => (
                &mut self.financing_granted_yuan,
                &mut self.confirmed_financing_granted_yuan,
                &mut self.self_reported_financing_granted_yuan,
            ),
            Some("recruiting") => (
                &mut self.hires,
                &mut self.confirmed_hires,
                &mut self.self_reported_hires,
            ),
            Some("training") => (
                &mut self.trainees,
                &mut self.confirmed_trainees,
                &mut self.self_reported_trainees,
            ),
            _ => return,
        };
        let v = match category {
            Some("financing") => m.6.unwrap_or(0),
            Some("recruiting") => m.7.unwrap_or(0) as i64,
            _ => m.8.unwrap_or(0) as i64,
        };
        *total += v;
        if confirmed {
            *yes += v;
        } else {
            *only += v;
        }
    }
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

type PostingRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<NaiveDateTime>,
    NaiveDateTime,
);
type MatchRow = (
    i64,
    i64,
    i64,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<i64>,
    Option<i32>,
    Option<i32>,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    *map.entry(key.to_string()).or_default() += 1;
}

pub fn compute(conn: &mut DbConn, r: Range, now: NaiveDateTime, sla_days: i64) -> AppResult<Stats> {
    let park_rows: Vec<Park> = parks::table
        .order(parks::id.asc())
        .select(Park::as_select())
        .load(conn)?;
    let orgs: Vec<(i64, String, String, Option<i64>, NaiveDateTime)> = organizations::table
        .select((
            organizations::id,
            organizations::kind,
            organizations::status,
            organizations::park_id,
            organizations::created_at,
        ))
        .load(conn)?;
    let posts: Vec<PostingRow> = postings::table
        .select((
            postings::id,
            postings::kind,
            postings::category,
            postings::status,
            postings::park_id,
            postings::published_at,
            postings::created_at,
        ))
        .load(conn)?;
    let all_matches: Vec<MatchRow> = matches::table
        .select((
            matches::id,
            matches::need_id,
            matches::offer_id,
            matches::status,
            matches::provider_interested_at,
            matches::connected_at,
            matches::outcome_amount_yuan,
            matches::outcome_hires,
            matches::outcome_trainees,
            matches::outcome_at,
            matches::created_at,
            matches::outcome_confirmed_at,
        ))
        .load(conn)?;

    let need_park: HashMap<i64, Option<i64>> = posts
        .iter()
        .filter(|p| p.1 == "need")
        .map(|p| (p.0, p.4))
        .collect();
    let in_park = |park: Option<i64>| r.park_id.is_none() || park == r.park_id;

    let mut organizations = Counts::default();
    for (_, kind, status, park, created) in &orgs {
        // A park's organisations are its SMEs; providers count province-wide.
        if (r.park_id.is_none() || (kind == "sme" && in_park(*park))) && r.contains(*created) {
            organizations.total += 1;
            bump(&mut organizations.by_status, status);
        }
    }

    // With a park, offers are those that met the park's needs.
    let park_offers: Option<std::collections::HashSet<i64>> = r.park_id.map(|_| {
        all_matches
            .iter()
            .filter(|m| need_park.get(&m.1).copied().flatten() == r.park_id)
            .map(|m| m.2)
            .collect()
    });
    let (mut needs, mut offers) = (PostingCounts::default(), PostingCounts::default());
    let mut needs_by_month: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for (id, kind, category, status, park, published, created) in &posts {
        if !r.contains(*created) {
            continue;
        }
        let target = if kind == "need" {
            if !in_park(*park) {
                continue;
            }
            if let Some(p) = published {
                bump(
                    needs_by_month
                        .entry(p.format("%Y-%m").to_string())
                        .or_default(),
                    category,
                );
            }
            &mut needs
        } else {
            if park_offers.as_ref().is_some_and(|set| !set.contains(id)) {
                continue;
            }
            &mut offers
        };
        target.total += 1;
        bump(&mut target.by_category, category);
        bump(&mut target.by_status, status);
        bump(
            target
                .by_category_status
                .entry(category.clone())
                .or_default(),
            status,
        );
    }

    let mut match_counts = Counts::default();
    for m in &all_matches {
        if in_park(need_park.get(&m.1).copied().flatten()) && r.contains(m.10) {
            match_counts.total += 1;
            bump(&mut match_counts.by_status, &m.3);
        }
    }

    let outcomes_for = |park: Option<i64>| -> Outcomes {
        let want = |p: Option<i64>| park.is_none() || p == park;
        let mut o = Outcomes::default();
        let mut first_pickup: HashMap<i64, NaiveDateTime> = HashMap::new();
        let categories: HashMap<i64, &str> = posts.iter().map(|p| (p.0, p.2.as_str())).collect();
        for m in &all_matches {
            if !want(need_park.get(&m.1).copied().flatten()) {
                continue;
            }
            if let Some(t) = m.4 {
                first_pickup
                    .entry(m.1)
                    .and_modify(|e| *e = (*e).min(t))
                    .or_insert(t);
            }
            if r.contains(m.10) {
                o.matches += 1;
                if m.5.is_some() {
                    o.connected += 1;
                }
            }
            if m.3 == "succeeded" && m.9.is_some_and(|t| r.contains(t)) {
                o.add(categories.get(&m.1).copied(), m);
            }
        }
        let sla = Duration::days(sla_days);
        let (mut within, mut counted) = (0u64, 0u64);
        for p in posts.iter().filter(|p| p.1 == "need" && want(p.4)) {
            let Some(published) = p.5 else { continue };
            if !r.contains(published) {
                continue;
            }
            o.needs += 1;
            match first_pickup.get(&p.0) {
                Some(t) if *t - published <= sla => {
                    within += 1;
                    counted += 1;
                }
                Some(_) => counted += 1,
                None if now - published > sla => counted += 1,
                None => {} // still within its SLA: not judged yet
            }
        }
        o.pickup_within_sla_pct =
            (counted > 0).then(|| (within as f64 * 1000.0 / counted as f64).round() / 10.0);
        o
    };

    let total = outcomes_for(r.park_id);
    let mut outcomes_by_month: BTreeMap<String, MonthOutcomes> = BTreeMap::new();
    let category_of: HashMap<i64, &str> = posts.iter().map(|p| (p.0, p.2.as_str())).collect();
    for m in &all_matches {
        let Some(at) = m.9.filter(|t| m.3 == "succeeded" && r.contains(*t)) else {
            continue;
        };
        if !in_park(need_park.get(&m.1).copied().flatten()) {
            continue;
        }
        let month = outcomes_by_month
            .entry(at.format("%Y-%m").to_string())
            .or_default();
        month.succeeded += 1;
        match category_of.get(&m.1).copied() {
            Some("financing") => month.financing_granted_yuan += m.6.unwrap_or(0),
            Some("recruiting") => month.hires += m.7.unwrap_or(0) as i64,
            Some("training") => month.trainees += m.8.unwrap_or(0) as i64,
            _ => {}
        }
    }
    let by_park = park_rows
        .iter()
        .filter(|p| in_park(Some(p.id)))
        .map(|p| ParkStats {
            park_id: p.id,
            park_name: p.name.clone(),
            city_code: p.city_code.clone(),
            organizations: orgs
                .iter()
                .filter(|o| o.1 == "sme" && o.3 == Some(p.id) && r.contains(o.4))
                .count() as u64,
            outcomes: outcomes_for(Some(p.id)),
        })
        .collect();
    Ok(Stats {
        park_id: r.park_id,
        from: r.from.map(|t| t.and_utc()),
        to: r.to.map(|t| t.and_utc()),
        pickup_sla_days: sla_days,
        organizations,
        needs,
        offers,
        matches: match_counts,
        pickup_within_sla_pct: total.pickup_within_sla_pct,
        financing_granted_yuan: total.financing_granted_yuan,
        hires: total.hires,
        trainees: total.trainees,
        confirmed: OutcomeFigures {
            financing_granted_yuan: total.confirmed_financing_granted_yuan,
            hires: total.confirmed_hires,
            trainees: total.confirmed_trainees,
        },
        self_reported: OutcomeFigures {
            financing_granted_yuan: total.self_reported_financing_granted_yuan,
            hires: total.self_reported_hires,
            trainees: total.self_reported_trainees,
        },
        published_needs: total.needs,
        connected_matches: total.connected,
        by_park,
        needs_by_month,
        outcomes_by_month,
    })
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
