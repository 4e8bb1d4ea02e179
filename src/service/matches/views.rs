//! Reading matches: what each side, and the admins, see of a match; contacts only for the two
//! connected sides.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{load_match, match_sides, utc, MatchRow, Side};
use crate::auth::Actor;
use crate::db::models::Organization;
use crate::db::schema::{matches, postings};
use crate::db::DbConn;
use crate::domain::{
    DeclineCode, MatchSide, MatchStatus, OutcomeConfirmation, OutcomeGrade, PostingKind,
    PostingStatus,
};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CounterpartRef {
    pub id: i64,
    pub title: String,
    pub organization_id: i64,
    pub organization_name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub organization_name: String,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchView {
    pub id: i64,
    pub need_id: i64,
    pub offer_id: i64,
    pub score: f64,
    /// Human-readable, in the reader's language.
    pub reasons: Vec<String>,
    /// Each reason with its code, in both languages: `{code, zh, en}`.
    #[schema(value_type = Vec<Object>)]
    pub reason_details: Vec<Value>,
    pub status: MatchStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<CounterpartRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<CounterpartRef>,
    /// The other side's contact, once connected, for the two sides only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactView>,
    pub sme_interested_at: Option<DateTime<Utc>>,
    pub provider_interested_at: Option<DateTime<Utc>>,
    pub connected_at: Option<DateTime<Utc>>,
    /// What each side wrote with its interest, for the other side.
    pub sme_note: Option<String>,
    pub provider_note: Option<String>,
    /// `{reason_code, note}` once declined.
    #[schema(value_type = Option<Object>)]
    pub decline: Option<DeclineView>,
    /// `{result, amount_yuan, hires, trainees, asked, reported_by, confirmation, …}` once reported.
    #[schema(value_type = Option<Object>)]
    pub outcome: Option<OutcomeView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeclineView {
    pub reason_code: DeclineCode,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeView {
    /// `succeeded`, `partial` (a success short of what the need asked for) or `failed`.
    pub result: OutcomeGrade,
    pub amount_yuan: Option<i64>,
    pub hires: Option<i32>,
    pub trainees: Option<i32>,
    /// What the need asked for, in the same unit (yuan, or people).
    pub asked: Option<i64>,
    /// `sme` or `provider`: who reported it (absent for outcomes reported before confirmation
    /// existed, which either side may confirm).
    pub reported_by: Option<MatchSide>,
    pub reported_at: Option<DateTime<Utc>>,
    /// `reported` (waiting for the other side), `confirmed` or `disputed`.
    pub confirmation: OutcomeConfirmation,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub dispute_note: Option<String>,
}

impl OutcomeView {
    fn of(m: &MatchRow) -> Option<OutcomeView> {
        let result = m.outcome_result.as_deref()?;
        let grade = match m.outcome_grade.as_deref() {
            Some(g) => OutcomeGrade::from_db(g),
            None if result == "failed" => OutcomeGrade::Failed,
            None => OutcomeGrade::Succeeded,
        };
        let confirmation = if m.outcome_confirmed_at.is_some() {
            OutcomeConfirmation::Confirmed
        } else if m.outcome_disputed_at.is_some() {
            OutcomeConfirmation::Disputed
        } else {
            OutcomeConfirmation::Reported
        };
        Some(OutcomeView {
            result: grade,
            amount_yuan: m.outcome_amount_yuan,
            hires: m.outcome_hires,
            trainees: m.outcome_trainees,
            asked: m.outcome_asked,
            reported_by: m.outcome_reported_side.as_deref().map(MatchSide::from_db),
            reported_at: m.outcome_at.map(utc),
            confirmation,
            confirmed_at: m.outcome_confirmed_at.map(utc),
            dispute_note: m.outcome_dispute_note.clone(),
        })
    }
}

fn contact_of(org: &Organization) -> ContactView {
    ContactView {
        organization_name: org.name.clone(),
        name: org.contact_name.clone(),
        phone: org.contact_phone.clone(),
        email: org.contact_email.clone(),
    }
}

/// The view of a match for `actor`: which side they are decides the counterpart shown and
/// whether a contact is revealed.
fn view(m: &MatchRow, need: &Side, offer: &Side, actor: &Actor, lang: Lang) -> MatchView {
    let reasons: Vec<Value> = serde_json::from_str(&m.reasons).unwrap_or_default();
    let text_key = if lang == Lang::En { "en" } else { "zh" };
    let connected = MatchStatus::from_db(&m.status).is_connected() || m.connected_at.is_some();
    let reference = |s: &Side| CounterpartRef {
        id: s.posting.id,
        title: s.posting.title.clone(),
        organization_id: s.org.id,
        organization_name: s.org.name.clone(),
    };
    let contact = if !connected {
        None
    } else if actor.owns_org(need.org.id) {
        Some(contact_of(&offer.org))
    } else if actor.owns_org(offer.org.id) {
        Some(contact_of(&need.org))
    } else {
        None
    };
    MatchView {
        id: m.id,
        need_id: m.need_id,
        offer_id: m.offer_id,
        score: m.score,
        reasons: reasons
            .iter()
            .filter_map(|r| r[text_key].as_str().map(String::from))
            .collect(),
        reason_details: reasons,
        status: MatchStatus::from_db(&m.status),
        offer: Some(reference(offer)),
        need: Some(reference(need)),
        contact,
        sme_interested_at: m.sme_interested_at.map(utc),
        provider_interested_at: m.provider_interested_at.map(utc),
        connected_at: m.connected_at.map(utc),
        sme_note: m.sme_note.clone(),
        provider_note: m.provider_note.clone(),
        decline: m.decline_code.as_ref().map(|c| DeclineView {
            reason_code: DeclineCode::from_db(c),
            note: m.decline_note.clone(),
        }),
        outcome: OutcomeView::of(m),
        created_at: utc(m.created_at),
    }
}

/// The matches of a posting, best first: for its owner and who moderates it.
pub fn list_for_posting(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    posting_id: i64,
    lang: Lang,
) -> AppResult<Vec<MatchView>> {
    let me = Side::load(conn, posting_id)?;
    if me.kind() != kind {
        return Err(AppError::NotFound);
    }
    if actor.owns_org(me.org.id) && !actor.reads_matches() {
        return Err(actor.refuse("an organisation's matches are shown only while it is verified"));
    }
    // DESIGN: a posting's matches are for its owner and admins. An offer's matches name needs,
    // so a park admin reads those of their park's needs only (filtered below).
    let may = actor.owns_org(me.org.id)
        || actor.moderates(kind, me.posting.park_id)
        || (kind == PostingKind::Offer && actor.is_admin());
    if !may {
        return Err(if me.posting.status == PostingStatus::Published.as_str() {
            actor.refuse("only the posting's owner and administrators see its matches")
        } else {
            AppError::NotFound
        });
    }
    // Best first; ties by the counterpart's id (never by when the match was made).
    let rows: Vec<MatchRow> = match kind {
        PostingKind::Need => matches::table
            .filter(matches::need_id.eq(posting_id))
            .order((matches::score.desc(), matches::offer_id.asc()))
            .into_boxed(),
        PostingKind::Offer => matches::table
            .filter(matches::offer_id.eq(posting_id))
            .order((matches::score.desc(), matches::need_id.asc()))
            .into_boxed(),
    }
    .select(MatchRow::as_select())
    .load(conn)?;
    let other_ids: Vec<i64> = rows
        .iter()
        .map(|m| {
            if kind == PostingKind::Need {
                m.offer_id
            } else {
                m.need_id
            }
        })
        .collect();
    let others: HashMap<i64, Side> = Side::load_many(conn, &other_ids)?
        .into_iter()
        .map(|s| (s.posting.id, s))
        .collect();
    Ok(rows
        .iter()
        .filter_map(|m| {
            let (need, offer) = match kind {
                PostingKind::Need => (&me, others.get(&m.offer_id)?),
                PostingKind::Offer => (others.get(&m.need_id)?, &me),
            };
            // An offer's matches name needs: whoever is not the offer's owner sees only the
            // needs they may read.
            if !actor.may_read_need(need.org.id, need.posting.park_id)
                && !actor.owns_org(offer.org.id)
            {
                return None;
            }
            let mut v = view(m, need, offer, actor, lang);
            match kind {
                PostingKind::Need => v.need = None,
                PostingKind::Offer => v.offer = None,
            }
            Some(v)
        })
        .collect())
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: i64, lang: Lang) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let party = actor.owns_org(need.org.id) || actor.owns_org(offer.org.id);
    if !party && !actor.moderates(PostingKind::Need, need.posting.park_id) {
        return Err(AppError::NotFound);
    }
    if party && !actor.reads_matches() {
        return Err(actor.refuse("an organisation's matches are shown only while it is verified"));
    }
    Ok(view(&m, &need, &offer, actor, lang))
}

/// Whether two organisations are connected through some match (contacts may be shown).
pub fn connected(conn: &mut DbConn, org_a: i64, org_b: i64) -> AppResult<bool> {
    let of = |org: i64| {
        postings::table
            .filter(postings::organization_id.eq(org))
            .select(postings::id)
    };
    let n: i64 = matches::table
        .filter(matches::connected_at.is_not_null())
        .filter(
            matches::need_id
                .eq_any(of(org_a))
                .and(matches::offer_id.eq_any(of(org_b)))
                .or(matches::need_id
                    .eq_any(of(org_b))
                    .and(matches::offer_id.eq_any(of(org_a)))),
        )
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
