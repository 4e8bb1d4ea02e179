//! The statistics computed by the database: every figure is a `GROUP BY` over an index, so a
//! request reads a few hundred grouped rows whatever the number of postings and matches.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::stats::{
    Counts, MonthOutcomes, OutcomeFigures, Outcomes, ParkStats, PostingCounts, Range, Stats,
};
use crate::db::models::Park;
use crate::db::schema::parks;
use crate::db::DbConn;
use crate::error::AppResult;

/// A bound parameter.
enum P {
    Ts(NaiveDateTime),
    I(i64),
}

/// Runs `sql(postgres?)`, written with `?` placeholders, on either database.
fn load<R>(conn: &mut DbConn, sql: impl Fn(bool) -> String, params: &[P]) -> QueryResult<Vec<R>>
where
    R: QueryableByName<Sqlite> + QueryableByName<Pg> + 'static,
{
    match conn {
        DbConn::Sqlite(c) => {
            let mut q = diesel::sql_query(sql(false)).into_boxed::<Sqlite>();
            for p in params {
                q = match p {
                    P::Ts(t) => q.bind::<Timestamp, _>(*t),
                    P::I(i) => q.bind::<BigInt, _>(*i),
                };
            }
            q.load(c)
        }
        DbConn::Pg(c) => {
            let text = sql(true);
            let mut numbered = String::with_capacity(text.len() + 16);
            let mut n = 0;
            for ch in text.chars() {
                if ch == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(ch);
                }
            }
            let mut q = diesel::sql_query(numbered).into_boxed::<Pg>();
            for p in params {
                q = match p {
                    P::Ts(t) => q.bind::<Timestamp, _>(*t),
                    P::I(i) => q.bind::<BigInt, _>(*i),
                };
            }
            q.load(c)
        }
    }
}

fn month(col: &str, pg: bool) -> String {
    if pg {
        format!("to_char({col}, 'YYYY-MM')")
    } else {
        format!("strftime('%Y-%m', {col})")
    }
}

#[derive(QueryableByName)]
struct Keyed {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Pair {
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ParkCount {
    #[diesel(sql_type = Nullable<BigInt>)]
    park: Option<i64>,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct MatchSums {
    #[diesel(sql_type = Nullable<BigInt>)]
    park: Option<i64>,
    #[diesel(sql_type = BigInt)]
    matches: i64,
    #[diesel(sql_type = BigInt)]
    connected: i64,
    #[diesel(sql_type = BigInt)]
    financing: i64,
    #[diesel(sql_type = BigInt)]
    hires: i64,
    #[diesel(sql_type = BigInt)]
    trainees: i64,
    #[diesel(sql_type = BigInt)]
    confirmed_financing: i64,
    #[diesel(sql_type = BigInt)]
    confirmed_hires: i64,
    #[diesel(sql_type = BigInt)]
    confirmed_trainees: i64,
}

#[derive(QueryableByName)]
struct Pickup {
    #[diesel(sql_type = Nullable<BigInt>)]
    park: Option<i64>,
    #[diesel(sql_type = BigInt)]
    needs: i64,
    #[diesel(sql_type = BigInt)]
    within: i64,
    #[diesel(sql_type = BigInt)]
    counted: i64,
}

#[derive(QueryableByName)]
struct MonthSums {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    succeeded: i64,
    #[diesel(sql_type = BigInt)]
    financing: i64,
    #[diesel(sql_type = BigInt)]
    hires: i64,
    #[diesel(sql_type = BigInt)]
    trainees: i64,
}

/// The sums of an outcome by the need's category, as SQL over `m` (matches) and `n` (needs).
const OUTCOME_SUMS: &str = "
    CAST(SUM(CASE WHEN n.category = 'financing' THEN COALESCE(m.outcome_amount_yuan, 0) ELSE 0 END) AS BIGINT) AS financing,
    CAST(SUM(CASE WHEN n.category = 'recruiting' THEN COALESCE(m.outcome_hires, 0) ELSE 0 END) AS BIGINT) AS hires,
    CAST(SUM(CASE WHEN n.category = 'training' THEN COALESCE(m.outcome_trainees, 0) ELSE 0 END) AS BIGINT) AS trainees";

fn pct(within: i64, counted: i64) -> Option<f64> {
    (counted > 0).then(|| (within as f64 * 1000.0 / counted as f64).round() / 10.0)
}

pub fn compute(conn: &mut DbConn, r: Range, now: NaiveDateTime, sla_days: i64) -> AppResult<Stats> {
    let far_past = NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let far_future = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or_default();
    let (from, to) = (r.from.unwrap_or(far_past), r.to.unwrap_or(far_future));
    let park_sql = |col: &str| match r.park_id {
        Some(_) => format!(" AND {col} = ?"),
        None => String::new(),
    };
    let with_park = |mut v: Vec<P>| {
        if let Some(p) = r.park_id {
            v.push(P::I(p));
        }
        v
    };

    let park_rows: Vec<Park> = parks::table
        .order(parks::id.asc())
        .select(Park::as_select())
        .load(conn)?;

    // Organisations: a park's are its SMEs; providers count province-wide.
    let org_park = match r.park_id {
        Some(_) => " AND kind = 'sme' AND park_id = ?",
        None => "",
    };
    let rows: Vec<Keyed> = load(
        conn,
        |_| {
            format!(
                "SELECT status AS k, COUNT(*) AS n FROM organizations
                 WHERE created_at >= ? AND created_at < ?{org_park} GROUP BY status"
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?;
    let mut organizations = Counts::default();
    for row in rows {
        organizations.total += row.n as u64;
        organizations.by_status.insert(row.k, row.n as u64);
    }

    // Needs and offers by category and status; with a park, offers are those that met its needs.
    let fill = |rows: Vec<Pair>| {
        let mut c = PostingCounts::default();
        for row in rows {
            let n = row.n as u64;
            c.total += n;
            *c.by_category.entry(row.a.clone()).or_default() += n;
            *c.by_status.entry(row.b.clone()).or_default() += n;
            *c.by_category_status
                .entry(row.a)
                .or_default()
                .entry(row.b)
                .or_default() += n;
        }
        c
    };
    let needs = fill(load(
        conn,
        |_| {
            format!(
                "SELECT category AS a, status AS b, COUNT(*) AS n FROM postings
                 WHERE kind = 'need' AND created_at >= ? AND created_at < ?{}
                 GROUP BY category, status",
                park_sql("park_id")
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?);
    let offer_park = match r.park_id {
        Some(_) => {
            " AND id IN (SELECT m.offer_id FROM matches m JOIN postings n ON n.id = m.need_id
                         WHERE n.park_id = ?)"
        }
        None => "",
    };
    let offers = fill(load(
        conn,
        |_| {
            format!(
                "SELECT category AS a, status AS b, COUNT(*) AS n FROM postings
                 WHERE kind = 'offer' AND created_at >= ? AND created_at < ?{offer_park}
                 GROUP BY category, status"
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?);

    let mut needs_by_month: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let rows: Vec<Pair> = load(
        conn,
        |pg| {
            format!(
                "SELECT {} AS a, category AS b, COUNT(*) AS n FROM postings
                 WHERE kind = 'need' AND published_at IS NOT NULL
                   AND created_at >= ? AND created_at < ?{}
                 GROUP BY 1, 2",
                month("published_at", pg),
                park_sql("park_id")
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?;
    for row in rows {
        needs_by_month
            .entry(row.a)
            .or_default()
            .insert(row.b, row.n as u64);
    }

    let rows: Vec<Keyed> = load(
        conn,
        |_| {
            format!(
                "SELECT m.status AS k, COUNT(*) AS n FROM matches m JOIN postings n ON n.id = m.need_id
                 WHERE m.created_at >= ? AND m.created_at < ?{} GROUP BY m.status",
                park_sql("n.park_id")
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?;
    let mut match_counts = Counts::default();
    for row in rows {
        match_counts.total += row.n as u64;
        match_counts.by_status.insert(row.k, row.n as u64);
    }

    // Outcomes by park: matches made and connected, what succeeded; pickup within the SLA.
    let sums: Vec<MatchSums> = load(
        conn,
        |_| {
            format!(
                "SELECT n.park_id AS park,
                    CAST(SUM(CASE WHEN m.created_at >= ? AND m.created_at < ? THEN 1 ELSE 0 END) AS BIGINT) AS matches,
                    CAST(SUM(CASE WHEN m.created_at >= ? AND m.created_at < ? AND m.connected_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS connected,
                    {},
                    {}
                 FROM matches m JOIN postings n ON n.id = m.need_id
                 WHERE 1 = 1{} GROUP BY n.park_id",
                OUTCOME_SUMS.replace(
                    "THEN COALESCE",
                    "AND m.status = 'succeeded' AND m.outcome_at >= ? AND m.outcome_at < ? THEN COALESCE"
                ),
                // The same sums of the outcomes both sides confirmed.
                OUTCOME_SUMS
                    .replace(
                        "THEN COALESCE",
                        "AND m.status = 'succeeded' AND m.outcome_confirmed_at IS NOT NULL \
                         AND m.outcome_at >= ? AND m.outcome_at < ? THEN COALESCE"
                    )
                    .replace(" AS financing", " AS confirmed_financing")
                    .replace(" AS hires", " AS confirmed_hires")
                    .replace(" AS trainees", " AS confirmed_trainees"),
                park_sql("n.park_id")
            )
        },
        // The range of each CASE: matches, connected, the three sums and the three confirmed.
        &with_park((0..8).flat_map(|_| [P::Ts(from), P::Ts(to)]).collect()),
    )?;
    let cutoff = now - Duration::days(sla_days);
    let pickups: Vec<Pickup> = load(
        conn,
        |pg| {
            let within = if pg {
                format!("fp.first_at - n.published_at <= make_interval(days => {sla_days})")
            } else {
                format!("julianday(fp.first_at) - julianday(n.published_at) <= {sla_days}")
            };
            format!(
                "SELECT n.park_id AS park, COUNT(*) AS needs,
                    CAST(SUM(CASE WHEN fp.first_at IS NOT NULL AND {within} THEN 1 ELSE 0 END) AS BIGINT) AS within,
                    CAST(SUM(CASE WHEN fp.first_at IS NOT NULL OR n.published_at < ? THEN 1 ELSE 0 END) AS BIGINT) AS counted
                 FROM postings n LEFT JOIN (
                     SELECT need_id, MIN(provider_interested_at) AS first_at FROM matches
                     WHERE provider_interested_at IS NOT NULL GROUP BY need_id
                 ) fp ON fp.need_id = n.id
                 WHERE n.kind = 'need' AND n.published_at IS NOT NULL
                   AND n.published_at >= ? AND n.published_at < ?{}
                 GROUP BY n.park_id",
                park_sql("n.park_id")
            )
        },
        &with_park(vec![P::Ts(cutoff), P::Ts(from), P::Ts(to)]),
    )?;
    let mut by_park_outcomes: HashMap<Option<i64>, (Outcomes, i64, i64)> = HashMap::new();
    for s in &sums {
        let o = &mut by_park_outcomes.entry(s.park).or_default().0;
        o.matches = s.matches as u64;
        o.connected = s.connected as u64;
        o.financing_granted_yuan = s.financing;
        o.hires = s.hires;
        o.trainees = s.trainees;
        o.confirmed_financing_granted_yuan = s.confirmed_financing;
        o.confirmed_hires = s.confirmed_hires;
        o.confirmed_trainees = s.confirmed_trainees;
        o.self_reported_financing_granted_yuan = s.financing - s.confirmed_financing;
        o.self_reported_hires = s.hires - s.confirmed_hires;
        o.self_reported_trainees = s.trainees - s.confirmed_trainees;
    }
    for p in &pickups {
        let e = by_park_outcomes.entry(p.park).or_default();
        e.0.needs = p.needs as u64;
        e.1 = p.within;
        e.2 = p.counted;
    }
    let mut total = Outcomes::default();
    let (mut within, mut counted) = (0, 0);
    for (o, w, c) in by_park_outcomes.values() {
        total.needs += o.needs;
        total.matches += o.matches;
        total.connected += o.connected;
        total.financing_granted_yuan += o.financing_granted_yuan;
        total.hires += o.hires;
        total.trainees += o.trainees;
        total.confirmed_financing_granted_yuan += o.confirmed_financing_granted_yuan;
        total.confirmed_hires += o.confirmed_hires;
        total.confirmed_trainees += o.confirmed_trainees;
        total.self_reported_financing_granted_yuan += o.self_reported_financing_granted_yuan;
        total.self_reported_hires += o.self_reported_hires;
        total.self_reported_trainees += o.self_reported_trainees;
        within += w;
        counted += c;
    }
    total.pickup_within_sla_pct = pct(within, counted);

    let rows: Vec<MonthSums> = load(
        conn,
        |pg| {
            format!(
                "SELECT {} AS k, COUNT(*) AS succeeded, {OUTCOME_SUMS}
                 FROM matches m JOIN postings n ON n.id = m.need_id
                 WHERE m.status = 'succeeded' AND m.outcome_at IS NOT NULL
                   AND m.outcome_at >= ? AND m.outcome_at < ?{}
                 GROUP BY 1",
                month("m.outcome_at", pg),
                park_sql("n.park_id")
            )
        },
        &with_park(vec![P::Ts(from), P::Ts(to)]),
    )?;
    let outcomes_by_month: BTreeMap<String, MonthOutcomes> = rows
        .into_iter()
        .map(|m| {
            (
                m.k,
                MonthOutcomes {
                    succeeded: m.succeeded as u64,
                    financing_granted_yuan: m.financing,
                    hires: m.hires,
                    trainees: m.trainees,
                },
            )
        })
        .collect();

    let org_counts: HashMap<Option<i64>, i64> = load::<ParkCount>(
        conn,
        |_| {
            "SELECT park_id AS park, COUNT(*) AS n FROM organizations
             WHERE kind = 'sme' AND created_at >= ? AND created_at < ? GROUP BY park_id"
                .to_string()
        },
        &[P::Ts(from), P::Ts(to)],
    )?
    .into_iter()
    .map(|c| (c.park, c.n))
    .collect();
    let by_park = park_rows
        .iter()
        .filter(|p| r.park_id.is_none_or(|only| only == p.id))
        .map(|p| {
            let (mut outcomes, w, c) = by_park_outcomes
                .get(&Some(p.id))
                .cloned()
                .unwrap_or_default();
            outcomes.pickup_within_sla_pct = pct(w, c);
            ParkStats {
                park_id: p.id,
                park_name: p.name.clone(),
                city_code: p.city_code.clone(),
                organizations: org_counts.get(&Some(p.id)).copied().unwrap_or(0) as u64,
                outcomes,
            }
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
