//! The handshake: each side says it is interested (a provider answering a need, an SME applying
//! to an offer, or either side of a suggested match); when both are, the match is connected and
//! both get the other's contact. Either side may decline an open match, and report the outcome
//! of a connected one.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::candidates::shared_words;
use super::mail::match_emails_setting;
use super::views::{get, is_open, MatchView};
use super::{load_match, match_sides, MatchRow, Side};
use crate::auth::Actor;
use crate::db::schema::matches;
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::{
    parse_text, Category, DeclineCode, MatchEmails, MatchStatus, OrgStatus, PostingKind,
    PostingStatus, Role,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Lang;
use crate::matching;
use crate::notify::mail::{Counterpart, MatchConnectedMail, MatchInterestMail};
use crate::notify::{outbox, Mail};
use crate::service::audit;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Party {
    Sme,
    Provider,
}

fn party(actor: &Actor, need: &Side, offer: &Side) -> AppResult<Party> {
    if actor.role == Role::Sme && actor.owns_org(need.org.id) {
        Ok(Party::Sme)
    } else if actor.role == Role::Provider && actor.owns_org(offer.org.id) {
        Ok(Party::Provider)
    } else {
        Err(actor.refuse("only the need's and the offer's organisations take part in a match"))
    }
}

fn require_verified(actor: &Actor) -> AppResult<()> {
    if actor.org_status == Some(OrgStatus::Verified) {
        Ok(())
    } else {
        Err(actor.refuse("your organisation must be verified first"))
    }
}

/// Marks one side interested; when both are, the match is connected and both get the other's
/// contact by mail.
#[allow(clippy::too_many_arguments)]
fn mark_interest(
    conn: &mut DbConn,
    actor: &Actor,
    m: &MatchRow,
    need: &Side,
    offer: &Side,
    side: Party,
    note: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    let status = MatchStatus::from_db(&m.status);
    if !is_open(status) {
        return Err(AppError::conflict(
            "该匹配已结束（已拒绝或已有结果）",
            "this match is over (declined or with an outcome)",
        ));
    }
    if status == MatchStatus::Connected {
        return Ok(());
    }
    let (sme_at, provider_at) = match side {
        Party::Sme => (
            Some(m.sme_interested_at.unwrap_or(now)),
            m.provider_interested_at,
        ),
        Party::Provider => (
            m.sme_interested_at,
            Some(m.provider_interested_at.unwrap_or(now)),
        ),
    };
    let next = match (sme_at, provider_at) {
        (Some(_), Some(_)) => MatchStatus::Connected,
        (Some(_), None) => MatchStatus::SmeInterested,
        (None, Some(_)) => MatchStatus::ProviderInterested,
        (None, None) => MatchStatus::Suggested,
    };
    diesel::update(matches::table.find(m.id))
        .set((
            matches::sme_interested_at.eq(sme_at),
            matches::provider_interested_at.eq(provider_at),
            matches::status.eq(next.as_str()),
            matches::connected_at.eq((next == MatchStatus::Connected).then_some(now)),
            matches::updated_at.eq(now),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        &format!("match.{}", next.as_str()),
        "match",
        m.id,
        need.posting.park_id,
        None,
        None,
        now,
    )?;
    if next == MatchStatus::Connected {
        for (me, other) in [(need, offer), (offer, need)] {
            let mail = Mail::MatchConnected(MatchConnectedMail {
                match_id: m.id,
                need_title: need.posting.title.clone(),
                offer_title: offer.posting.title.clone(),
                counterpart: Counterpart {
                    organization_name: other.org.name.clone(),
                    contact_name: other.org.contact_name.clone(),
                    contact_phone: other.org.contact_phone.clone(),
                    contact_email: other.org.contact_email.clone(),
                },
            });
            let key = format!("match_connected:m{}", m.id);
            outbox::queue_to_org(conn, me.org.id, &key, &mail, now)?;
        }
    } else if next != status {
        let (from, to) = match side {
            Party::Sme => (need, offer),
            Party::Provider => (offer, need),
        };
        let mail = Mail::MatchInterest(MatchInterestMail {
            match_id: m.id,
            need_id: need.posting.id,
            need_title: need.posting.title.clone(),
            offer_id: offer.posting.id,
            offer_title: offer.posting.title.clone(),
            from_organization: from.org.name.clone(),
            note: note.map(String::from),
        });
        for user in outbox::active_users(conn, to.org.id)? {
            if match_emails_setting(conn, user)? == MatchEmails::Off {
                continue;
            }
            let key = format!("match_interest:m{}:{}:u{user}", m.id, from.posting.kind);
            outbox::queue(conn, user, &key, &mail, now)?;
        }
    }
    Ok(())
}

pub fn interest(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let side = party(actor, &need, &offer)?;
    require_verified(actor)?;
    mark_interest(conn, actor, &m, &need, &offer, side, None, now.naive_utc())?;
    get(conn, actor, id, lang)
}

/// `respond` (a provider answers a need with its offer) and `apply` (an SME answers an offer
/// with its need): the pair must be eligible; the match is created or reused.
pub fn answer(
    conn: &mut DbConn,
    actor: &Actor,
    target_kind: PostingKind,
    target_id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    require_verified(actor)?;
    let target = Side::load(conn, target_id)?;
    if target.kind() != target_kind || target.posting.status != PostingStatus::Published.as_str() {
        return Err(AppError::NotFound);
    }
    let body = body?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let own_key = match target_kind {
        PostingKind::Need => "offer_id",
        PostingKind::Offer => "need_id",
    };
    let own_id = o.int(own_key, &mut errs);
    let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
    errs.into_result()?;
    let own_id = own_id.ok_or(AppError::NotFound)?;
    let own = match Side::load(conn, own_id) {
        Ok(s) if s.kind() != target_kind && actor.owns_org(s.org.id) => s,
        _ => {
            return Err(AppError::field(
                own_key,
                Problem::Custom {
                    zh: "不是本企业的发布".into(),
                    en: "is not a posting of your organisation".into(),
                },
            ))
        }
    };
    if own.posting.status != PostingStatus::Published.as_str() {
        return Err(AppError::field(
            own_key,
            Problem::Custom {
                zh: "该发布尚未通过审核".into(),
                en: "this posting is not published".into(),
            },
        ));
    }
    let (need, offer) = match target_kind {
        PostingKind::Need => (&target, &own),
        PostingKind::Offer => (&own, &target),
    };
    let reasons = match matching::eligible(&need.need(), &offer.offer()) {
        Ok(r) => r,
        Err(broken) => {
            let mut f = FieldErrors::new();
            f.add(
                own_key,
                Problem::Custom {
                    zh: broken.zh,
                    en: broken.en,
                },
            );
            return Err(AppError::Validation(f));
        }
    };
    let n = now.naive_utc();
    let existing: Option<MatchRow> = matches::table
        .filter(matches::need_id.eq(need.posting.id))
        .filter(matches::offer_id.eq(offer.posting.id))
        .select(MatchRow::as_select())
        .first(conn)
        .optional()?;
    let m = match existing {
        Some(m) => m,
        None => {
            let shared = shared_words(need, offer);
            let scored = matching::score(&need.need(), &offer.offer(), 0.0, &shared);
            let all_reasons = if scored.reasons.is_empty() {
                reasons
            } else {
                scored.reasons
            };
            let id: i64 = diesel::insert_into(matches::table)
                .values((
                    matches::need_id.eq(need.posting.id),
                    matches::offer_id.eq(offer.posting.id),
                    matches::score.eq(scored.score.clamp(0.0, 1.0)),
                    matches::reasons
                        .eq(serde_json::to_string(&all_reasons).unwrap_or_else(|_| "[]".into())),
                    matches::status.eq(MatchStatus::Suggested.as_str()),
                    matches::created_at.eq(n),
                    matches::updated_at.eq(n),
                ))
                .returning(matches::id)
                .get_result(conn)?;
            load_match(conn, id)?
        }
    };
    let side = party(actor, need, offer)?;
    mark_interest(
        conn,
        actor,
        &m,
        need,
        offer,
        side,
        note.flatten().as_deref(),
        n,
    )?;
    get(conn, actor, m.id, lang)
}

pub fn decline(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    party(actor, &need, &offer)?;
    let body = body?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let code = o.parse_str("reason_code", &mut errs, DeclineCode::parse);
    let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
    let (Some(code), Some(note)) = (code, note) else {
        return Err(AppError::Validation(errs));
    };
    if !is_open(MatchStatus::from_db(&m.status)) {
        return Err(AppError::conflict(
            "该匹配已结束",
            "this match is already over",
        ));
    }
    let n = now.naive_utc();
    diesel::update(matches::table.find(id))
        .set((
            matches::status.eq(MatchStatus::Declined.as_str()),
            matches::decline_code.eq(code.as_str()),
            matches::decline_note.eq(note.as_deref()),
            matches::declined_by.eq(actor.user_id),
            matches::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "match.decline",
        "match",
        id,
        need.posting.park_id,
        Some(code.as_str()),
        note.as_deref(),
        n,
    )?;
    get(conn, actor, id, lang)
}

pub fn outcome(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    party(actor, &need, &offer)?;
    let body = body?;
    let o = Obj::root(&body)?;
    let mut errs = FieldErrors::new();
    let result = o.parse_str("result", &mut errs, |s| match s {
        "succeeded" | "failed" => Ok(s.to_string()),
        _ => Err(Problem::NotOneOf {
            allowed: &["succeeded", "failed"],
        }),
    });
    let amount = o.parse_opt_int("amount_yuan", &mut errs, |v| {
        crate::domain::Yuan::parse(v).map(|y| y.get())
    });
    let hires = o.parse_opt_int("hires", &mut errs, |v| {
        crate::domain::parse_count(v, 0, 100_000)
    });
    let trainees = o.parse_opt_int("trainees", &mut errs, |v| {
        crate::domain::parse_count(v, 0, 100_000)
    });
    let (Some(result), Some(amount), Some(hires), Some(trainees)) =
        (result, amount, hires, trainees)
    else {
        return Err(AppError::Validation(errs));
    };
    if result == "succeeded" {
        match Category::from_db(&need.posting.category) {
            Category::Financing if amount.is_none() => errs.add("amount_yuan", Problem::Required),
            Category::Recruiting if hires.is_none() => errs.add("hires", Problem::Required),
            Category::Training if trainees.is_none() => errs.add("trainees", Problem::Required),
            _ => {}
        }
        errs.into_result()?;
    }
    if MatchStatus::from_db(&m.status) != MatchStatus::Connected {
        return Err(AppError::conflict(
            "只有已对接的匹配可以登记结果",
            "an outcome can only be reported for a connected match",
        ));
    }
    let n = now.naive_utc();
    let status = if result == "succeeded" {
        MatchStatus::Succeeded
    } else {
        MatchStatus::Failed
    };
    diesel::update(matches::table.find(id))
        .set((
            matches::status.eq(status.as_str()),
            matches::outcome_result.eq(&result),
            matches::outcome_amount_yuan.eq(amount),
            matches::outcome_hires.eq(hires),
            matches::outcome_trainees.eq(trainees),
            matches::outcome_at.eq(n),
            matches::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "match.outcome",
        "match",
        id,
        need.posting.park_id,
        Some(&result),
        None,
        n,
    )?;
    get(conn, actor, id, lang)
}
