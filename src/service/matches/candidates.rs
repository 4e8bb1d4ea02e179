//! Finding the counterparts of a newly published posting: every published posting of the other
//! side in the same category, the hard rules and the score of `crate::matching`, and those
//! above the threshold stored as suggested matches. What a posting is matched to is a function
//! of the two postings of each pair, whatever the order of approvals or the state of the index.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::mail::notify_new_matches;
use super::{Side, Suggestion};
use crate::db::schema::{matches, postings};
use crate::db::DbConn;
use crate::domain::{MatchStatus, PostingKind, PostingStatus};
use crate::error::AppResult;
use crate::matching::{self, Reason};
use crate::search::SearchIndex;

/// Every published counterpart of the same category that the rules checkable in SQL admit
/// (for financing, an amount range that holds the need's amount), by id. No limit and no
/// ordering by time: the candidates are a function of what is published, not of when.
fn candidate_ids(conn: &mut DbConn, side: &Side) -> AppResult<Vec<i64>> {
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
    Ok(q.order(postings::id.asc())
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
    let ids = candidate_ids(conn, &me)?;
    let vocab = index.vocabulary.get();
    // This posting's subjects, read once for all its candidates.
    let mine = match me.kind() {
        PostingKind::Need => matching::need_subjects(&vocab, &me.need()),
        PostingKind::Offer => matching::offer_subjects(&vocab, &me.offer()),
    };
    let existing: std::collections::HashSet<i64> = match me.kind() {
        PostingKind::Need => matches::table
            .filter(matches::need_id.eq(posting_id))
            .select(matches::offer_id)
            .load::<i64>(conn)?
            .into_iter()
            .collect(),
        PostingKind::Offer => matches::table
            .filter(matches::offer_id.eq(posting_id))
            .select(matches::need_id)
            .load::<i64>(conn)?
            .into_iter()
            .collect(),
    };
    // Every pair is scored on its own: the score is a function of the two postings, so the
    // matches a posting ends up with do not depend on the order postings were approved in.
    let mut scored: Vec<(f64, Vec<Reason>, Side)> = Vec::new();
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
            let s = match me.kind() {
                PostingKind::Need => matching::score_with(&need.need(), &offer.offer(), || {
                    let theirs = matching::offer_subjects(&vocab, &offer.offer());
                    matching::relate(&vocab, &need.need(), &mine, &offer.offer(), &theirs)
                }),
                PostingKind::Offer => matching::score_with(&need.need(), &offer.offer(), || {
                    let theirs = matching::need_subjects(&vocab, &need.need());
                    matching::relate(&vocab, &need.need(), &theirs, &offer.offer(), &mine)
                }),
            };
            if s.score >= matching::THRESHOLD {
                scored.push((s.score, s.reasons, other));
            }
        }
    }
    // Best first; ties by the counterpart's id, never by arrival.
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.2.posting.id.cmp(&b.2.posting.id))
    });
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
