//! The handshake: each side says it is interested (a provider answering a need, an SME applying
//! to an offer, or either side of a suggested match); when both are, the match is connected and
//! both get the other's contact. Either side may decline an open match, and report the outcome
//! of a connected one.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::mail::{match_emails_setting, may_read_need};
use super::views::{get, MatchView};
use super::{load_match, match_sides, MatchRow, Side};
use crate::auth::Actor;
use crate::db::schema::matches;
use crate::db::DbConn;
use crate::domain::decisions::{Answer, Decline, Interest};
use crate::domain::transitions::MatchMove;
use crate::domain::{MatchEmails, MatchStatus, OrgStatus, PostingKind, PostingStatus, Role};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Lang;
use crate::matching;
use crate::notify::mail::{Counterpart, MatchConnectedMail, MatchInterestMail};
use crate::notify::{outbox, Mail};
use crate::service::audit;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Party {
    Sme,
    Provider,
}

pub(super) fn party(actor: &Actor, need: &Side, offer: &Side) -> AppResult<Party> {
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

/// Where `mv` takes match `m` by the table in `domain::transitions`; a conflict when the table
/// does not allow it from the match's status. Who may make the move (one of the two sides,
/// `party`) is checked before.
pub(super) fn transition(m: &MatchRow, mv: MatchMove) -> AppResult<MatchStatus> {
    mv.from(MatchStatus::from_db(&m.status)).ok_or_else(|| {
        let (zh, en) = mv.refusal();
        AppError::conflict(zh, en)
    })
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
    let mv = match side {
        Party::Sme => MatchMove::SmeInterest,
        Party::Provider => MatchMove::ProviderInterest,
    };
    let next = transition(m, mv)?;
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
    // A side's note with its interest is kept for the other side to read.
    let (sme_note, provider_note) = match side {
        Party::Sme => (
            note.map(String::from).or(m.sme_note.clone()),
            m.provider_note.clone(),
        ),
        Party::Provider => (
            m.sme_note.clone(),
            note.map(String::from).or(m.provider_note.clone()),
        ),
    };
    diesel::update(matches::table.find(m.id))
        .set((
            matches::sme_interested_at.eq(sme_at),
            matches::provider_interested_at.eq(provider_at),
            matches::status.eq(next.as_str()),
            matches::connected_at.eq((next == MatchStatus::Connected).then_some(now)),
            matches::sme_note.eq(sme_note.as_deref()),
            matches::provider_note.eq(provider_note.as_deref()),
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
            // The note the other side wrote with its interest.
            let other_note = if other.posting.id == need.posting.id {
                sme_note.clone()
            } else {
                provider_note.clone()
            };
            let mail = Mail::MatchConnected(MatchConnectedMail {
                match_id: m.id,
                need_title: need.posting.title.clone(),
                offer_title: offer.posting.title.clone(),
                note: other_note,
                own_path: Some(format!("/{}/{}#matches", me.kind().plural(), me.posting.id)),
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
            if match_emails_setting(conn, user)? == MatchEmails::Off
                || !may_read_need(conn, user, need)?
            {
                continue;
            }
            let key = format!("match_interest:m{}:{}:u{user}", m.id, from.posting.kind);
            outbox::queue(conn, user, &key, &mail, now)?;
        }
    }
    Ok(())
}

/// `interest` is the parsed body (`{note?}`), looked at only once the caller is one of the two
/// sides.
pub fn interest(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    interest: AppResult<Interest>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let side = party(actor, &need, &offer)?;
    require_verified(actor)?;
    let Interest { note } = interest?;
    mark_interest(
        conn,
        actor,
        &m,
        &need,
        &offer,
        side,
        note.as_deref(),
        now.naive_utc(),
    )?;
    get(conn, actor, id, lang)
}

/// `respond` (a provider answers a need with its offer) and `apply` (an SME answers an offer
/// with its need): the pair must be eligible; the match is created or reused.
pub fn answer(
    conn: &mut DbConn,
    actor: &Actor,
    target_kind: PostingKind,
    target_id: i64,
    answer: AppResult<Answer>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    require_verified(actor)?;
    let target = Side::load(conn, target_id)?;
    if target.kind() != target_kind || target.posting.status != PostingStatus::Published.as_str() {
        return Err(AppError::NotFound);
    }
    let Answer { own_id, note } = answer?;
    let own_key = Answer::own_key(target_kind);
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
            let scored = matching::score(
                &need.need(),
                &offer.offer(),
                &crate::search::vocabulary::Vocabulary::shipped(),
            );
            let all_reasons = if scored.reasons.is_empty() {
                reasons
            } else {
                scored.reasons
            };
            // The matcher may make the same pair meanwhile: the pair is unique, and then the
            // answer is given on its match.
            let insert = diesel::insert_into(matches::table)
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
                .on_conflict((matches::need_id, matches::offer_id))
                .do_nothing();
            // `MultiConnection` has no upsert; both databases have the same one.
            match conn {
                DbConn::Sqlite(c) => insert.execute(c)?,
                DbConn::Pg(c) => insert.execute(c)?,
            };
            let id: i64 = matches::table
                .filter(matches::need_id.eq(need.posting.id))
                .filter(matches::offer_id.eq(offer.posting.id))
                .select(matches::id)
                .first(conn)?;
            load_match(conn, id)?
        }
    };
    let side = party(actor, need, offer)?;
    mark_interest(conn, actor, &m, need, offer, side, note.as_deref(), n)?;
    get(conn, actor, m.id, lang)
}

/// `decline` is the parsed body, looked at only once the caller is one of the two sides.
pub fn decline(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    decline: AppResult<Decline>,
    now: DateTime<Utc>,
    lang: Lang,
) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    party(actor, &need, &offer)?;
    let Decline { code, note } = decline?;
    let next = transition(&m, MatchMove::Decline)?;
    let n = now.naive_utc();
    diesel::update(matches::table.find(id))
        .set((
            matches::status.eq(next.as_str()),
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
