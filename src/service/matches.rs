//! Matches: finding the counterparts of a newly published posting, the connect handshake
//! (interest from both sides reveals contacts), declines and outcomes.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::audit;
use crate::auth::Actor;
use crate::db::models::{Organization, Posting};
use crate::db::schema::{
    match_queue, matches, notification_settings, organizations, outbox as outbox_t, postings, users,
};
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::posting::Details;
use crate::domain::{
    parse_text, Category, DeclineCode, MatchEmails, MatchStatus, OrgStatus, PostingKind,
    PostingStatus, Role,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::beijing;
use crate::i18n::Lang;
use crate::matching::{self, NeedSide, OfferSide, Reason};
use crate::notify::mail::{
    Counterpart, EscalationMail, MatchConnectedMail, MatchInterestMail, MatchItem, NewMatchesMail,
};
use crate::notify::{outbox, Mail};
use crate::search::query::{self as search_query, SearchParams, Sort};
use crate::search::SearchIndex;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = matches)]
pub struct MatchRow {
    pub id: i64,
    pub need_id: i64,
    pub offer_id: i64,
    pub score: f64,
    pub reasons: String,
    pub status: String,
    pub sme_interested_at: Option<NaiveDateTime>,
    pub provider_interested_at: Option<NaiveDateTime>,
    pub connected_at: Option<NaiveDateTime>,
    pub decline_code: Option<String>,
    pub decline_note: Option<String>,
    pub declined_by: Option<i64>,
    pub outcome_result: Option<String>,
    pub outcome_amount_yuan: Option<i64>,
    pub outcome_hires: Option<i32>,
    pub outcome_trainees: Option<i32>,
    pub outcome_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A posting with what matching needs of its organisation.
struct Side {
    posting: Posting,
    details: Details,
    org: Organization,
    regions: Vec<String>,
    industries: Vec<String>,
    sizes: Vec<String>,
}

impl Side {
    fn load_many(conn: &mut DbConn, ids: &[i64]) -> AppResult<Vec<Side>> {
        let rows: Vec<(Posting, Organization)> = postings::table
            .inner_join(organizations::table)
            .filter(postings::id.eq_any(ids))
            .select((Posting::as_select(), Organization::as_select()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(p, o)| Side::new(p, o))
            .collect())
    }

    fn load(conn: &mut DbConn, id: i64) -> AppResult<Side> {
        Side::load_many(conn, &[id])?
            .pop()
            .ok_or(AppError::NotFound)
    }

    fn new(posting: Posting, org: Organization) -> Option<Side> {
        let kind = PostingKind::parse(&posting.kind).ok()?;
        let category = Category::parse(&posting.category).ok()?;
        let details = Details::from_json(
            kind,
            category,
            &serde_json::from_str(&posting.details).ok()?,
        )
        .ok()?;
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
        Some(Side {
            regions: list(&posting.regions),
            industries: list(&posting.industries),
            sizes: list(&posting.sizes),
            details,
            posting,
            org,
        })
    }

    fn kind(&self) -> PostingKind {
        PostingKind::from_db(&self.posting.kind)
    }

    fn need(&self) -> NeedSide<'_> {
        NeedSide {
            id: self.posting.id,
            details: &self.details,
            title: &self.posting.title,
            description: &self.posting.description,
            city_code: self.posting.city_code.as_deref(),
            industry: &self.org.industry,
            size: &self.org.size,
        }
    }

    fn offer(&self) -> OfferSide<'_> {
        OfferSide {
            id: self.posting.id,
            details: &self.details,
            title: &self.posting.title,
            description: &self.posting.description,
            regions: &self.regions,
            industries: &self.industries,
            sizes: &self.sizes,
        }
    }
}

/// Queues a posting for matching, in the caller's transaction (approval).
pub fn enqueue(conn: &mut DbConn, posting_id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::insert_into(match_queue::table)
        .values((
            match_queue::posting_id.eq(posting_id),
            match_queue::enqueued_at.eq(now),
            match_queue::attempts.eq(0),
        ))
        .execute(conn)?;
    Ok(())
}

/// Claims one queued posting (a lease of a minute, so a crashed worker's claim comes back).
pub fn claim(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<Option<(i64, i64)>> {
    crate::db::transaction(conn, |conn| {
        let row: Option<(i64, i64)> = match_queue::table
            .filter(
                match_queue::lease_until
                    .is_null()
                    .or(match_queue::lease_until.lt(now)),
            )
            .order(match_queue::id.asc())
            .select((match_queue::id, match_queue::posting_id))
            .first(conn)
            .optional()?;
        let Some((id, posting_id)) = row else {
            return Ok(None);
        };
        // Only one claimer wins the row: the update matches only while the lease is free.
        let won = diesel::update(
            match_queue::table.find(id).filter(
                match_queue::lease_until
                    .is_null()
                    .or(match_queue::lease_until.lt(now)),
            ),
        )
        .set((
            match_queue::lease_until.eq(now + chrono::Duration::seconds(60)),
            match_queue::attempts.eq(match_queue::attempts + 1),
        ))
        .execute(conn)?;
        Ok((won == 1).then_some((id, posting_id)))
    })
}

pub fn finish(conn: &mut DbConn, queue_id: i64) -> AppResult<()> {
    diesel::delete(match_queue::table.find(queue_id)).execute(conn)?;
    Ok(())
}

/// What the search index says of the counterparts: relevance in [0, 1] and the shared words.
fn text_candidates(index: &SearchIndex, side: &Side, limit: usize) -> HashMap<i64, f64> {
    let text = format!("{} {}", side.posting.title, side.posting.description);
    let mut terms = search_query::query_terms(&text);
    terms.truncate(48);
    let params = SearchParams {
        q: terms.join(" "),
        kind: Some(match side.kind() {
            PostingKind::Need => PostingKind::Offer,
            PostingKind::Offer => PostingKind::Need,
        }),
        category: Category::parse(&side.posting.category).ok(),
        city: None,
        park_id: None,
        industry: None,
        amount_yuan: None,
        sort: Some(Sort::Relevance),
        page: 1,
        per_page: limit,
        can_see_needs: true,
    };
    match search_query::search(index, &params) {
        Ok(r) => r.items.iter().map(|h| (h.id, h.score as f64)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "search for match candidates failed; matching on structure only");
            HashMap::new()
        }
    }
}

fn words(s: &str) -> Vec<String> {
    search_query::query_terms(s)
        .into_iter()
        .filter(|w| w.chars().count() >= 2)
        .collect()
}

/// Words of the need that also appear in the offer (for the "text related" reason).
fn shared_words(a: &Side, b: &Side) -> Vec<String> {
    let theirs = words(&format!("{} {}", b.posting.title, b.posting.description));
    let mut out: Vec<String> = Vec::new();
    for w in words(&format!("{} {}", a.posting.title, a.posting.description)) {
        if theirs.contains(&w) && !out.iter().any(|o| o.contains(&w) || w.contains(o.as_str())) {
            out.push(w);
        }
    }
    out.truncate(5);
    out
}

/// Structured candidates the text may have missed: same category, published, and for
/// financing an amount range that can hold the need's amount.
fn structured_candidates(conn: &mut DbConn, side: &Side, limit: i64) -> AppResult<Vec<i64>> {
    let other = match side.kind() {
        PostingKind::Need => "offer",
        PostingKind::Offer => "need",
    };
    let mut q = postings::table
        .filter(postings::kind.eq(other))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .filter(postings::category.eq(&side.posting.category))
        .into_boxed();
    if let Some(amount) = side.posting.amount_yuan {
        q = q
            .filter(postings::amount_min_yuan.le(amount))
            .filter(postings::amount_max_yuan.ge(amount));
    }
    if let (Some(min), Some(max)) = (side.posting.amount_min_yuan, side.posting.amount_max_yuan) {
        q = q.filter(postings::amount_yuan.between(min, max));
    }
    Ok(q.order(postings::published_at.desc())
        .limit(limit)
        .select(postings::id)
        .load(conn)?)
}

#[derive(Debug)]
pub struct Suggestion {
    pub match_id: i64,
    pub counterpart_id: i64,
    pub score: f64,
}

/// Finds and stores the best counterparts of a published posting; returns the new matches.
/// Pairs that already have a match are left as they are (re-approval does not duplicate).
pub fn match_posting(
    conn: &mut DbConn,
    index: &SearchIndex,
    posting_id: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<Suggestion>> {
    let me = Side::load(conn, posting_id)?;
    if me.posting.status != PostingStatus::Published.as_str() {
        return Ok(vec![]);
    }
    let relevance = text_candidates(index, &me, 200);
    let mut ids: Vec<i64> = relevance.keys().copied().collect();
    ids.extend(structured_candidates(conn, &me, 500)?);
    ids.sort_unstable();
    ids.dedup();
    let existing: Vec<i64> = match me.kind() {
        PostingKind::Need => matches::table
            .filter(matches::need_id.eq(posting_id))
            .select(matches::offer_id)
            .load(conn)?,
        PostingKind::Offer => matches::table
            .filter(matches::offer_id.eq(posting_id))
            .select(matches::need_id)
            .load(conn)?,
    };
    // Eligible counterparts first; text relevance is then relative to the best eligible one,
    // so an ineligible but very similar posting does not flatten everybody else's relevance.
    let mut eligible: Vec<Side> = Vec::new();
    for chunk in ids.chunks(500) {
        for other in Side::load_many(conn, chunk)? {
            if other.posting.status != PostingStatus::Published.as_str()
                || existing.contains(&other.posting.id)
            {
                continue;
            }
            let (need, offer) = match me.kind() {
                PostingKind::Need => (&me, &other),
                PostingKind::Offer => (&other, &me),
            };
            if matching::eligible(&need.need(), &offer.offer()).is_ok() {
                eligible.push(other);
            }
        }
    }
    let best = eligible
        .iter()
        .filter_map(|o| relevance.get(&o.posting.id).copied())
        .fold(0.0_f64, f64::max);
    let mut scored: Vec<(f64, Vec<Reason>, Side)> = Vec::new();
    for other in eligible {
        let (need, offer) = match me.kind() {
            PostingKind::Need => (&me, &other),
            PostingKind::Offer => (&other, &me),
        };
        let raw = relevance.get(&other.posting.id).copied().unwrap_or(0.0);
        let text = if best > 0.0 { raw / best } else { 0.0 };
        let shared = shared_words(need, offer);
        let s = matching::score(&need.need(), &offer.offer(), text, &shared);
        if s.score >= matching::THRESHOLD {
            scored.push((s.score, s.reasons, other));
        }
    }
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.2.posting.id.cmp(&b.2.posting.id))
    });
    scored.truncate(matching::MAX_SUGGESTIONS);
    let n = now.naive_utc();
    crate::db::transaction(conn, |conn| {
        let mut out = Vec::new();
        for (score, reasons, other) in &scored {
            let (need_id, offer_id) = match me.kind() {
                PostingKind::Need => (me.posting.id, other.posting.id),
                PostingKind::Offer => (other.posting.id, me.posting.id),
            };
            let taken: i64 = matches::table
                .filter(matches::need_id.eq(need_id))
                .filter(matches::offer_id.eq(offer_id))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                continue;
            }
            let id: i64 = diesel::insert_into(matches::table)
                .values((
                    matches::need_id.eq(need_id),
                    matches::offer_id.eq(offer_id),
                    matches::score.eq(score.clamp(0.0, 1.0)),
                    matches::reasons
                        .eq(serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into())),
                    matches::status.eq(MatchStatus::Suggested.as_str()),
                    matches::created_at.eq(n),
                    matches::updated_at.eq(n),
                ))
                .returning(matches::id)
                .get_result(conn)?;
            out.push(Suggestion {
                match_id: id,
                counterpart_id: other.posting.id,
                score: *score,
            });
        }
        notify_new_matches(conn, &me, &scored, &out, n)?;
        Ok(out)
    })
}

fn match_emails_setting(conn: &mut DbConn, user_id: i64) -> AppResult<MatchEmails> {
    let setting: Option<String> = notification_settings::table
        .find(user_id)
        .select(notification_settings::match_emails)
        .first(conn)
        .optional()?;
    Ok(setting.map_or(MatchEmails::Immediate, |s| MatchEmails::from_db(&s)))
}

/// The next 08:00 Beijing time after `now` (UTC), when the daily digest goes out.
fn next_digest_time(now: NaiveDateTime) -> NaiveDateTime {
    let local = now.and_utc().with_timezone(&beijing()).naive_local();
    let mut send_at = local.date().and_hms_opt(8, 0, 0).unwrap_or(local);
    if send_at <= local {
        send_at += chrono::Duration::days(1);
    }
    send_at
        .and_local_timezone(beijing())
        .single()
        .map_or(now, |t| t.naive_utc())
}

/// Queues a `new_matches` mail per user, honouring their setting: immediately, in the next
/// daily digest (08:00 Beijing time, one row a day that collects the day's matches), or not.
fn queue_match_mail(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    posting: &Posting,
    items: Vec<MatchItem>,
    now: NaiveDateTime,
) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mail = |digest: bool, matches: Vec<MatchItem>| {
        Mail::NewMatches(NewMatchesMail {
            posting_id: posting.id,
            kind: PostingKind::from_db(&posting.kind),
            title: posting.title.clone(),
            digest,
            matches,
        })
    };
    match match_emails_setting(conn, user_id)? {
        MatchEmails::Off => Ok(()),
        MatchEmails::Daily => {
            let send_at = next_digest_time(now);
            let dedupe = format!("new_matches_daily:u{user_id}:{}", send_at.date());
            let existing: Option<(i64, String, String)> = outbox_t::table
                .filter(outbox_t::dedupe_key.eq(&dedupe))
                .filter(outbox_t::status.eq("pending"))
                .select((outbox_t::id, outbox_t::kind, outbox_t::payload))
                .first(conn)
                .optional()?;
            match existing {
                Some((id, kind, payload)) => {
                    // Later matches of the day join the digest queued by the first.
                    let mut digest = match Mail::from_row(&kind, &payload) {
                        Ok(Mail::NewMatches(d)) => d,
                        _ => return Err(AppError::internal("a daily digest row is not a digest")),
                    };
                    digest.matches.extend(items);
                    diesel::update(outbox_t::table.find(id))
                        .set(outbox_t::payload.eq(Mail::NewMatches(digest).payload()))
                        .execute(conn)?;
                }
                None => {
                    outbox::queue(conn, user_id, &dedupe, &mail(true, items), now)?;
                    // Held back until the digest hour.
                    diesel::update(outbox_t::table.filter(outbox_t::dedupe_key.eq(&dedupe)))
                        .set(outbox_t::next_attempt_at.eq(send_at))
                        .execute(conn)?;
                }
            }
            Ok(())
        }
        MatchEmails::Immediate => {
            let dedupe = format!("{key}:u{user_id}");
            outbox::queue(conn, user_id, &dedupe, &mail(false, items), now)?;
            Ok(())
        }
    }
}

fn notify_new_matches(
    conn: &mut DbConn,
    me: &Side,
    scored: &[(f64, Vec<Reason>, Side)],
    created: &[Suggestion],
    now: NaiveDateTime,
) -> AppResult<()> {
    let item = |m: &Suggestion, other: &Side, reasons: &[Reason]| MatchItem {
        match_id: m.match_id,
        counterpart_kind: other.kind(),
        counterpart_id: other.posting.id,
        counterpart_title: other.posting.title.clone(),
        organization_name: other.org.name.clone(),
        score: m.score,
        reasons_zh: reasons.iter().map(|r| r.zh.clone()).collect(),
        reasons_en: reasons.iter().map(|r| r.en.clone()).collect(),
    };
    let mine: Vec<MatchItem> = created
        .iter()
        .filter_map(|m| {
            let (_, reasons, other) = scored
                .iter()
                .find(|(_, _, o)| o.posting.id == m.counterpart_id)?;
            Some(item(m, other, reasons))
        })
        .collect();
    for user in outbox::active_users(conn, me.org.id)? {
        queue_match_mail(
            conn,
            user,
            &format!("new_matches:p{}", me.posting.id),
            &me.posting,
            mine.clone(),
            now,
        )?;
    }
    // Each counterpart hears of the new posting that fits theirs.
    for m in created {
        let Some((_, reasons, other)) = scored
            .iter()
            .find(|(_, _, o)| o.posting.id == m.counterpart_id)
        else {
            continue;
        };
        let about_me = item(m, me, reasons);
        for user in outbox::active_users(conn, other.org.id)? {
            queue_match_mail(
                conn,
                user,
                &format!("new_match:m{}", m.match_id),
                &other.posting,
                vec![about_me.clone()],
                now,
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading matches

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
    /// `{reason_code, note}` once declined.
    #[schema(value_type = Option<Object>)]
    pub decline: Option<DeclineView>,
    /// `{result, amount_yuan, hires, trainees}` once reported.
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
    /// `succeeded` or `failed`.
    pub result: MatchStatus,
    pub amount_yuan: Option<i64>,
    pub hires: Option<i32>,
    pub trainees: Option<i32>,
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

fn contact_of(org: &Organization) -> ContactView {
    ContactView {
        organization_name: org.name.clone(),
        name: org.contact_name.clone(),
        phone: org.contact_phone.clone(),
        email: org.contact_email.clone(),
    }
}

fn is_open(status: MatchStatus) -> bool {
    matches!(
        status,
        MatchStatus::Suggested
            | MatchStatus::SmeInterested
            | MatchStatus::ProviderInterested
            | MatchStatus::Connected
    )
}

/// The view of a match for `actor`: which side they are decides the counterpart shown and
/// whether a contact is revealed.
fn view(m: &MatchRow, need: &Side, offer: &Side, actor: &Actor, lang: Lang) -> MatchView {
    let reasons: Vec<Value> = serde_json::from_str(&m.reasons).unwrap_or_default();
    let text_key = if lang == Lang::En { "en" } else { "zh" };
    let connected = matches!(
        MatchStatus::from_db(&m.status),
        MatchStatus::Connected | MatchStatus::Succeeded | MatchStatus::Failed
    ) || m.connected_at.is_some();
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
        decline: m.decline_code.as_ref().map(|c| DeclineView {
            reason_code: DeclineCode::from_db(c),
            note: m.decline_note.clone(),
        }),
        outcome: m.outcome_result.as_ref().map(|r| OutcomeView {
            result: MatchStatus::from_db(r),
            amount_yuan: m.outcome_amount_yuan,
            hires: m.outcome_hires,
            trainees: m.outcome_trainees,
        }),
        created_at: utc(m.created_at),
    }
}

fn load_match(conn: &mut DbConn, id: i64) -> AppResult<MatchRow> {
    Ok(matches::table
        .find(id)
        .select(MatchRow::as_select())
        .first(conn)?)
}

/// The matches of a posting, best first: for its owner and admins.
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
    let may = actor.owns_org(me.org.id)
        || match kind {
            PostingKind::Need => {
                actor.moderates_park(me.posting.park_id) || actor.is_platform_admin()
            }
            PostingKind::Offer => actor.is_admin(),
        };
    if !may {
        return Err(if me.posting.status == PostingStatus::Published.as_str() {
            actor.refuse("only the posting's owner and administrators see its matches")
        } else {
            AppError::NotFound
        });
    }
    let rows: Vec<MatchRow> = match kind {
        PostingKind::Need => matches::table
            .filter(matches::need_id.eq(posting_id))
            .into_boxed(),
        PostingKind::Offer => matches::table
            .filter(matches::offer_id.eq(posting_id))
            .into_boxed(),
    }
    .order((matches::score.desc(), matches::id.asc()))
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
            let mut v = view(m, need, offer, actor, lang);
            match kind {
                PostingKind::Need => v.need = None,
                PostingKind::Offer => v.offer = None,
            }
            Some(v)
        })
        .collect())
}

fn match_sides(conn: &mut DbConn, m: &MatchRow) -> AppResult<(Side, Side)> {
    let need = Side::load(conn, m.need_id)?;
    let offer = Side::load(conn, m.offer_id)?;
    Ok((need, offer))
}

pub fn get(conn: &mut DbConn, actor: &Actor, id: i64, lang: Lang) -> AppResult<MatchView> {
    let m = load_match(conn, id)?;
    let (need, offer) = match_sides(conn, &m)?;
    let party = actor.owns_org(need.org.id) || actor.owns_org(offer.org.id);
    if !party && !actor.moderates_park(need.posting.park_id) && !actor.is_platform_admin() {
        return Err(AppError::NotFound);
    }
    Ok(view(&m, &need, &offer, actor, lang))
}

// ---------------------------------------------------------------------------------------------
// The handshake

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

/// Escalates (once) every published need that no provider has shown interest in within the
/// pickup SLA: it enters its park admins' queue and they are mailed. Returns how many.
pub fn escalate_due(conn: &mut DbConn, now: DateTime<Utc>, sla_days: i64) -> AppResult<usize> {
    let n = now.naive_utc();
    let cutoff = n - chrono::Duration::days(sla_days);
    let picked_up = matches::table
        .filter(matches::provider_interested_at.is_not_null())
        .select(matches::need_id);
    let due: Vec<Posting> = postings::table
        .filter(postings::kind.eq("need"))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .filter(postings::escalated_at.is_null())
        .filter(postings::published_at.le(cutoff))
        .filter(postings::id.ne_all(picked_up))
        .limit(500)
        .select(Posting::as_select())
        .load(conn)?;
    for p in &due {
        crate::db::transaction(conn, |conn| {
            let updated = diesel::update(
                postings::table
                    .find(p.id)
                    .filter(postings::escalated_at.is_null()),
            )
            .set(postings::escalated_at.eq(n))
            .execute(conn)?;
            if updated == 0 {
                return Ok(()); // another instance escalated it first
            }
            audit(
                conn,
                None,
                "need.escalate",
                "need",
                p.id,
                p.park_id,
                None,
                None,
                n,
            )?;
            let org_name: String = organizations::table
                .find(p.organization_id)
                .select(organizations::name)
                .first(conn)?;
            let park_name: Option<String> = match p.park_id {
                Some(id) => crate::db::schema::parks::table
                    .find(id)
                    .select(crate::db::schema::parks::name)
                    .first(conn)
                    .optional()?,
                None => None,
            };
            let admins: Vec<i64> = users::table
                .filter(users::role.eq("park_admin"))
                .filter(users::park_id.eq(p.park_id))
                .filter(users::status.eq("active"))
                .select(users::id)
                .load(conn)?;
            let days = p
                .published_at
                .map(|t| (n - t).num_days())
                .unwrap_or(sla_days);
            let mail = Mail::Escalation(EscalationMail {
                posting_id: p.id,
                title: p.title.clone(),
                park_name,
                organization_name: org_name,
                published_at: p.published_at.map(utc),
                days,
            });
            for admin in admins {
                let key = format!("escalation:p{}:u{admin}", p.id);
                outbox::queue(conn, admin, &key, &mail, n)?;
            }
            Ok(())
        })?;
    }
    Ok(due.len())
}

/// Queues every published need for matching (for demo data, whose postings were published
/// without passing through approval). Returns how many were queued.
pub fn enqueue_published_needs(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    let ids: Vec<i64> = postings::table
        .filter(postings::kind.eq("need"))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .select(postings::id)
        .load(conn)?;
    crate::db::transaction(conn, |conn| {
        for id in &ids {
            enqueue(conn, *id, now)?;
        }
        Ok(ids.len())
    })
}
