//! Finding the counterparts of a newly published posting: candidates from the search index and
//! from the structured fields, the hard rules and the score of `crate::matching`, and the best
//! ones stored as suggested matches.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::mail::notify_new_matches;
use super::{Side, Suggestion};
use crate::db::schema::{matches, postings};
use crate::db::DbConn;
use crate::domain::{Category, MatchStatus, PostingKind, PostingStatus};
use crate::error::AppResult;
use crate::matching::{self, Reason};
use crate::search::query::{self as search_query, SearchParams, Sort};
use crate::search::SearchIndex;

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
        needs: crate::auth::NeedAudience::All,
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
pub(super) fn shared_words(a: &Side, b: &Side) -> Vec<String> {
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
