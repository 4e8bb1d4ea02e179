//! Outcomes confirmed by both sides: one side reports how a connected match ended (the figure
//! achieved against what the need asked for: 6 of 10 hires is `partial`), the other confirms or
//! disputes it; the report can be corrected until it is confirmed. Statistics keep confirmed and
//! self-reported figures apart.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::handshake::{party, transition, Party};
use super::views::{get, MatchView};
use super::{load_match, match_sides, MatchRow, Side};
use crate::auth::Actor;
use crate::db::schema::matches;
use crate::db::DbConn;
use crate::domain::decisions::{Dispute, Outcome};
use crate::domain::posting::Details;
use crate::domain::transitions::MatchMove;
use crate::domain::{Category, MatchSide, MatchStatus, OutcomeGrade};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Lang;
use crate::notify::mail::{Mail, OutcomeReportedMail};
use crate::notify::outbox;
use crate::service::audit;

fn side_of(p: Party) -> MatchSide {
    match p {
        Party::Sme => MatchSide::Sme,
        Party::Provider => MatchSide::Provider,
    }
}

/// What the need asked for, in the unit of its outcome: yuan for financing, people otherwise.
pub fn asked(details: &Details) -> Option<i64> {
    match details {
        Details::NeedFinancing(d) => Some(d.amount_yuan),
        Details::NeedRecruiting(d) => Some(d.total_headcount()),
        Details::NeedTraining(d) => Some(d.headcount as i64),
        _ => None,
    }
}

/// The figure an outcome reports for the need's category.
fn achieved(category: Category, o: &Outcome) -> Option<i64> {
    match category {
        Category::Financing => o.amount_yuan,
        Category::Recruiting => o.hires.map(i64::from),
        Category::Training => o.trainees.map(i64::from),
    }
}

/// A success short of what was asked is partial.
pub fn grade(result: MatchStatus, achieved: Option<i64>, asked: Option<i64>) -> OutcomeGrade {
    if result != MatchStatus::Succeeded {
        return OutcomeGrade::Failed;
    }
    match (achieved, asked) {
        (Some(got), Some(want)) if got < want => OutcomeGrade::Partial,
        _ => OutcomeGrade::Succeeded,
    }
}

fn confirmed_conflict() -> AppError {
    AppError::conflict(
        "双方已确认该结果，不能再修改",
        "both sides confirmed this outcome: it can no longer be changed",
    )
}

/// Reports (or corrects, until the other side confirms) the outcome of a connected match. A
/// success needs the figure of the need's category. The other side is mailed to confirm.
pub fn outcome(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    outcome: AppResult<Outcome>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let me = party(actor, &need, &offer)?;
    let o = outcome?;
    let category = Category::from_db(&need.posting.category);
    if o.result == MatchStatus::Succeeded {
        let mut errs = FieldErrors::new();
        match category {
            Category::Financing if o.amount_yuan.is_none() => {
                errs.add("amount_yuan", Problem::Required)
            }
            Category::Recruiting if o.hires.is_none() => errs.add("hires", Problem::Required),
            Category::Training if o.trainees.is_none() => errs.add("trainees", Problem::Required),
            _ => {}
        }
        errs.into_result()?;
    }
    if m.outcome_confirmed_at.is_some() {
        return Err(confirmed_conflict());
    }
    // The report is the reporting side's to correct; the other side confirms or disputes it.
    if m.outcome_reported_side
        .as_deref()
        .is_some_and(|s| s != side_of(me).as_str())
    {
        return Err(AppError::conflict(
            "对方已报告对接结果，请确认或提出异议",
            "the other side reported the outcome: confirm it or dispute it",
        ));
    }
    let mv = match o.result {
        MatchStatus::Succeeded => MatchMove::Succeed,
        _ => MatchMove::Fail,
    };
    let next = transition(&m, mv)?;
    let asked = asked(&need.details);
    let g = grade(o.result, achieved(category, &o), asked);
    let n = now.naive_utc();
    diesel::update(matches::table.find(id))
        .set((
            matches::status.eq(next.as_str()),
            matches::outcome_result.eq(o.result.as_str()),
            matches::outcome_grade.eq(g.as_str()),
            matches::outcome_asked.eq(asked),
            matches::outcome_amount_yuan.eq(o.amount_yuan),
            matches::outcome_hires.eq(o.hires),
            matches::outcome_trainees.eq(o.trainees),
            matches::outcome_at.eq(n),
            matches::outcome_reported_by.eq(actor.user_id),
            matches::outcome_reported_side.eq(side_of(me).as_str()),
            matches::outcome_disputed_at.eq(None::<chrono::NaiveDateTime>),
            matches::outcome_dispute_note.eq(None::<String>),
            matches::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        if m.outcome_result.is_some() {
            "match.outcome_correct"
        } else {
            "match.outcome"
        },
        "match",
        id,
        need.posting.park_id,
        Some(g.as_str()),
        None,
        n,
    )?;
    let (from, to) = match me {
        Party::Sme => (&need, &offer),
        Party::Provider => (&offer, &need),
    };
    let mail = Mail::OutcomeReported(OutcomeReportedMail {
        match_id: id,
        need_id: need.posting.id,
        need_title: need.posting.title.clone(),
        offer_id: offer.posting.id,
        offer_title: offer.posting.title.clone(),
        recipient_kind: to.kind(),
        from_organization: from.org.name.clone(),
        category,
        grade: g,
        achieved: achieved(category, &o),
        asked,
        correction: m.outcome_result.is_some(),
    });
    // Each report or correction is a mail of its own.
    let key = format!(
        "outcome_reported:m{id}:{}",
        n.and_utc().timestamp_nanos_opt().unwrap_or_default()
    );
    outbox::queue_to_org(conn, to.org.id, &key, &mail, n)?;
    get(conn, actor, id, lang)
}

/// The side that did not report: the reported outcome, not yet confirmed.
fn for_the_other_side(m: &MatchRow, me: Party) -> AppResult<()> {
    if m.outcome_result.is_none() {
        return Err(AppError::conflict(
            "还没有报告对接结果",
            "no outcome has been reported yet",
        ));
    }
    if m.outcome_confirmed_at.is_some() {
        return Err(confirmed_conflict());
    }
    // Outcomes reported before confirmation existed name no side: either side may confirm.
    if m.outcome_reported_side.as_deref() == Some(side_of(me).as_str()) {
        return Err(AppError::Forbidden(
            "the side that reported an outcome cannot confirm or dispute it: the other side does",
        ));
    }
    Ok(())
}

fn sides(conn: &mut DbConn, actor: &Actor, id: i64) -> AppResult<(MatchRow, Side, Party)> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let me = party(actor, &need, &offer)?;
    Ok((m, need, me))
}

/// The other side agrees with the reported outcome: it counts as confirmed in the statistics.
pub fn confirm(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let (m, need, me) = sides(conn, actor, id)?;
    for_the_other_side(&m, me)?;
    let n = now.naive_utc();
    diesel::update(matches::table.find(id))
        .set((
            matches::outcome_confirmed_at.eq(n),
            matches::outcome_confirmed_by.eq(actor.user_id),
            matches::outcome_disputed_at.eq(None::<chrono::NaiveDateTime>),
            matches::outcome_dispute_note.eq(None::<String>),
            matches::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "match.outcome_confirm",
        "match",
        id,
        need.posting.park_id,
        m.outcome_grade.as_deref(),
        None,
        n,
    )?;
    get(conn, actor, id, lang)
}

/// The other side disputes the reported outcome (with a note): the reporting side corrects it.
pub fn dispute(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    dispute: AppResult<Dispute>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let (m, need, me) = sides(conn, actor, id)?;
    let d = dispute?;
    for_the_other_side(&m, me)?;
    let n = now.naive_utc();
    diesel::update(matches::table.find(id))
        .set((
            matches::outcome_disputed_at.eq(n),
            matches::outcome_dispute_note.eq(d.note.as_deref()),
            matches::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "match.outcome_dispute",
        "match",
        id,
        need.posting.park_id,
        m.outcome_grade.as_deref(),
        d.note.as_deref(),
        n,
    )?;
    get(conn, actor, id, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_short_of_the_ask_is_partial() {
        let s = MatchStatus::Succeeded;
        assert_eq!(grade(s, Some(6), Some(10)), OutcomeGrade::Partial);
        assert_eq!(grade(s, Some(10), Some(10)), OutcomeGrade::Succeeded);
        assert_eq!(grade(s, Some(12), Some(10)), OutcomeGrade::Succeeded);
        assert_eq!(grade(s, Some(0), Some(10)), OutcomeGrade::Partial);
        assert_eq!(grade(s, Some(3), None), OutcomeGrade::Succeeded);
        assert_eq!(
            grade(MatchStatus::Failed, Some(10), Some(10)),
            OutcomeGrade::Failed
        );
    }
}
