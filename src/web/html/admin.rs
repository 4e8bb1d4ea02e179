//! The park's pages: the review queue (organisations to verify, postings to approve or reject
//! with a coded reason, needs escalated past their pickup deadline) and the statistics with
//! charts and a CSV download.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Utc};

use super::chart::{BarChart, Unit};
use actix_web::http::StatusCode;

use super::form::{problem_text, Form};
use super::postings::{posting_of_path, posting_url, show_page, Shown};
use super::{render, render_status, see_other, Chrome, Routes};
use crate::auth::{Actor, AdminOnly, Require};
use crate::domain::decisions::Rejection;
use crate::domain::{Category, OrgStatus, PostingKind, PostingStatus};
use crate::error::AppResult;
use crate::service::admin::{QueueType, Waiting};
use crate::service::stats::{self, Range, Stats, StatsQuery};
use crate::service::views::{OrganizationView, PostingView};
use crate::service::{admin, postings, Paging};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/admin", queue)
        .get("/admin/stats", stats_page)
        .post("/admin/organizations/{id}/verify", verify_org)
        .post("/admin/organizations/{id}/reject", reject_org);
    for kind in [PostingKind::Need, PostingKind::Offer] {
        let base = format!("/admin/{}s/{{id}}", kind.as_str());
        r.post(&format!("{base}/approve"), move |st, a, c, id, f| {
            moderate(st, a, c, id, f, kind, true)
        })
        .post(&format!("{base}/reject"), move |st, a, c, id, f| {
            moderate(st, a, c, id, f, kind, false)
        });
    }
}

/// An admin page: who is reviewing, and the chrome.
type Admin = Require<AdminOnly>;

#[derive(Template)]
#[template(path = "pages/admin_queue.html")]
struct QueuePage {
    c: Chrome,
    orgs: Vec<(OrganizationView, DateTime<Utc>)>,
    /// With the organisation's status when it is not verified yet.
    postings: Vec<(PostingView, DateTime<Utc>, Option<OrgStatus>)>,
    escalated: Vec<(PostingView, DateTime<Utc>)>,
    /// Why the last action was refused, at the top.
    problem: Option<String>,
}

impl QueuePage {
    fn url(&self, p: &PostingView) -> String {
        posting_url(p.kind, p.id)
    }
}

async fn queue(
    state: web::Data<AppState>,
    Require(actor, ..): Admin,
    c: Chrome,
) -> AppResult<HttpResponse> {
    queue_page(&state, actor, c, None).await
}

/// The queue, after a refused action with its status and why.
async fn queue_page(
    state: &AppState,
    actor: Actor,
    c: Chrome,
    problem: Option<(StatusCode, String)>,
) -> AppResult<HttpResponse> {
    let paging = Paging {
        page: 1,
        per_page: 200,
    };
    let items = state
        .db(move |conn| admin::queue(conn, &actor, None, paging))
        .await?
        .items;
    let (mut orgs, mut posts, mut escalated) = (vec![], vec![], vec![]);
    for item in items {
        let since = item.waiting_since;
        match (item.queue, item.waiting) {
            (_, Waiting::Organization { org, .. }) => orgs.push((org, since)),
            (QueueType::Escalated, Waiting::Posting(p)) => escalated.push((p, since)),
            (_, Waiting::Posting(p)) => posts.push((p, since, item.organization_status)),
        }
    }
    let (status, problem) = match problem {
        Some((status, text)) => (status, Some(text)),
        None => (StatusCode::OK, None),
    };
    render_status(
        status,
        QueuePage {
            c,
            orgs,
            postings: posts,
            escalated,
            problem,
        },
    )
}

/// After an admin's action: where it came from (a posting's page, else the queue), and, when
/// it was refused, that page again saying why.
async fn done(
    state: &AppState,
    actor: Actor,
    c: Chrome,
    form: &Form,
    result: AppResult<()>,
    notice: &str,
) -> AppResult<HttpResponse> {
    let back = super::local_target(form.value("_back"), "/admin");
    let e = match result {
        Ok(()) => return Ok(see_other(&back, Some(notice))),
        Err(e) => e,
    };
    let (status, text) = problem_text(e, c.lang)?;
    match posting_of_path(&back) {
        Some((kind, id)) => show_page(state, c, id, kind, Shown::problem(status, text)).await,
        None => queue_page(state, actor, c, Some((status, text))).await,
    }
}

async fn verify_org(
    state: web::Data<AppState>,
    Require(actor, ..): Admin,
    c: Chrome,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (id, now, who) = (id.into_inner(), state.clock.now(), actor.clone());
    let result = state
        .tx(move |conn| admin::verify_org(conn, &who, id, now))
        .await
        .map(|_| ());
    done(&state, actor, c, &form, result, "verified").await
}

async fn reject_org(
    state: web::Data<AppState>,
    Require(actor, ..): Admin,
    c: Chrome,
    id: web::Path<i64>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (id, now, who) = (id.into_inner(), state.clock.now(), actor.clone());
    let body = form.to_json(Rejection::FORM_FIELDS);
    let result = state
        .tx(move |conn| admin::reject_org(conn, &who, id, Ok(body), now))
        .await
        .map(|_| ());
    done(&state, actor, c, &form, result, "rejected").await
}

/// Approve, or reject with `{reason_code, note}`; back to the queue or the page it came from.
async fn moderate(
    state: web::Data<AppState>,
    Require(actor, ..): Admin,
    c: Chrome,
    id: web::Path<i64>,
    form: Form,
    kind: PostingKind,
    approve: bool,
) -> AppResult<HttpResponse> {
    let (id, now, who) = (id.into_inner(), state.clock.now(), actor.clone());
    let body = form.to_json(Rejection::FORM_FIELDS);
    let result = state
        .tx(move |conn| match approve {
            true => postings::approve(conn, &who, kind, id, now),
            false => postings::reject(conn, &who, kind, id, Rejection::parse(&body), now),
        })
        .await
        .map(|_| ());
    let notice = if approve { "approved" } else { "rejected" };
    done(&state, actor, c, &form, result, notice).await
}

#[derive(Template)]
#[template(path = "pages/admin_stats.html")]
struct StatsPage {
    c: Chrome,
    s: Stats,
    charts: Vec<BarChart>,
    csv_url: String,
    from: String,
    to: String,
}

impl StatsPage {
    fn class_of(&self, i: &usize) -> &'static str {
        BarChart::class_of(*i)
    }
}

async fn stats_page(
    state: web::Data<AppState>,
    Require(actor, ..): Admin,
    c: Chrome,
    q: web::Query<StatsQuery>,
    raw: web::Query<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let r = Range::for_actor(&actor, &q)?;
    let now = state.clock.now().naive_utc();
    let sla = state.settings.pickup_sla_days;
    let s = state.db(move |c| stats::compute(c, r, now, sla)).await?;
    let get = |k: &str| {
        raw.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let kept: Vec<(String, String)> = ["park_id", "from", "to"]
        .iter()
        .map(|k| (k.to_string(), get(k)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let csv_url = format!(
        "/api/v1/admin/stats.csv?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    );
    let charts = charts(&c, &s);
    render(StatsPage {
        from: get("from"),
        to: get("to"),
        c,
        s,
        charts,
        csv_url,
    })
}

/// The charts of the statistics page.
fn charts(c: &Chrome, s: &Stats) -> Vec<BarChart> {
    let l = c.l();
    let status_groups: [&[PostingStatus]; 4] = [
        &[PostingStatus::Published],
        &[PostingStatus::PendingReview, PostingStatus::Draft],
        &[PostingStatus::Closed, PostingStatus::Expired],
        &[PostingStatus::Rejected],
    ];
    let series_status = vec![
        l.of(PostingStatus::Published).into(),
        c.t("待审核/草稿", "In review / draft").into(),
        c.t("已关闭/过期", "Closed / expired").into(),
        l.of(PostingStatus::Rejected).into(),
    ];
    let by_category = BarChart {
        title: c
            .t("需求：按类别与状态", "Needs by category and status")
            .into(),
        series: series_status,
        rows: Category::ALL
            .iter()
            .map(|cat| {
                let counts = s.needs.by_category_status.get(cat.as_str());
                let values = status_groups
                    .iter()
                    .map(|statuses| {
                        statuses
                            .iter()
                            .map(|st| {
                                counts
                                    .and_then(|m| m.get(st.as_str()))
                                    .copied()
                                    .unwrap_or(0) as f64
                            })
                            .sum()
                    })
                    .collect();
                (l.of(*cat).to_string(), values)
            })
            .collect(),
        unit: Unit::Count,
    };
    let mut parks: Vec<_> = s.by_park.iter().collect();
    parks.sort_by(|a, b| {
        (
            b.outcomes.financing_granted_yuan,
            b.outcomes.hires,
            b.outcomes.needs,
        )
            .cmp(&(
                a.outcomes.financing_granted_yuan,
                a.outcomes.hires,
                a.outcomes.needs,
            ))
    });
    parks.truncate(12);
    let sla = BarChart {
        title: format!(
            "{} {} {}",
            c.t("需求在", "Needs picked up within"),
            s.pickup_sla_days,
            c.t("天内被响应的比例（按园区）", "days, by park")
        ),
        series: vec![c.t("按时响应", "Picked up in time").into()],
        rows: parks
            .iter()
            .filter_map(|p| Some((p.park_name.clone(), vec![p.outcomes.pickup_within_sla_pct?])))
            .collect(),
        unit: Unit::Percent,
    };
    let financing = BarChart {
        title: c
            .t(
                "放款金额（万元，按园区）",
                "Financing granted (万元), by park",
            )
            .into(),
        series: vec![c.t("放款", "Granted").into()],
        rows: parks
            .iter()
            .filter(|p| p.outcomes.financing_granted_yuan > 0)
            .map(|p| {
                (
                    p.park_name.clone(),
                    vec![p.outcomes.financing_granted_yuan as f64],
                )
            })
            .collect(),
        unit: Unit::Wan,
    };
    let people = BarChart {
        title: c
            .t(
                "录用与培训人数（按园区）",
                "People hired and trained, by park",
            )
            .into(),
        series: vec![c.t("录用", "Hired").into(), c.t("培训", "Trained").into()],
        rows: parks
            .iter()
            .filter(|p| p.outcomes.hires + p.outcomes.trainees > 0)
            .map(|p| {
                (
                    p.park_name.clone(),
                    vec![p.outcomes.hires as f64, p.outcomes.trainees as f64],
                )
            })
            .collect(),
        unit: Unit::Count,
    };
    let months: Vec<&String> = s
        .needs_by_month
        .keys()
        .chain(s.outcomes_by_month.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .rev()
        .take(12)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let needs_monthly = BarChart {
        title: c.t("每月发布的需求", "Needs published per month").into(),
        series: Category::ALL
            .iter()
            .map(|cat| l.of(*cat).to_string())
            .collect(),
        rows: months
            .iter()
            .map(|m| {
                let row = s.needs_by_month.get(*m);
                let v = Category::ALL
                    .iter()
                    .map(|cat| row.and_then(|r| r.get(cat.as_str())).copied().unwrap_or(0) as f64)
                    .collect();
                (m.to_string(), v)
            })
            .collect(),
        unit: Unit::Count,
    };
    let money_monthly = BarChart {
        title: c
            .t("每月放款金额（万元）", "Financing granted per month (万元)")
            .into(),
        series: vec![c.t("放款", "Granted").into()],
        rows: months
            .iter()
            .map(|m| {
                let v = s
                    .outcomes_by_month
                    .get(*m)
                    .map(|o| o.financing_granted_yuan as f64)
                    .unwrap_or(0.0);
                (m.to_string(), vec![v])
            })
            .collect(),
        unit: Unit::Wan,
    };
    let people_monthly = BarChart {
        title: c
            .t("每月录用与培训人数", "People hired and trained per month")
            .into(),
        series: vec![c.t("录用", "Hired").into(), c.t("培训", "Trained").into()],
        rows: months
            .iter()
            .map(|m| {
                let o = s.outcomes_by_month.get(*m);
                (
                    m.to_string(),
                    vec![
                        o.map(|o| o.hires as f64).unwrap_or(0.0),
                        o.map(|o| o.trainees as f64).unwrap_or(0.0),
                    ],
                )
            })
            .collect(),
        unit: Unit::Count,
    };
    vec![
        by_category,
        sla,
        financing,
        people,
        needs_monthly,
        money_monthly,
        people_monthly,
    ]
}
