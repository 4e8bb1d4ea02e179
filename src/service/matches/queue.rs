//! The match queue: postings waiting to be matched, claimed by one worker at a time with a
//! lease.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{match_queue, postings};
use crate::db::DbConn;
use crate::domain::PostingStatus;
use crate::error::AppResult;

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

/// Queues every published need for matching (for demo data, whose postings were published
/// without passing through approval). Returns how many were queued.
pub fn enqueue_published_needs(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    let ids: Vec<i64> = postings::table
        .filter(postings::kind.eq("need"))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .select(postings::id)
        .load(conn)?;
    // 500 a transaction: the write lock is never held for long.
    for chunk in ids.chunks(500) {
        crate::db::transaction(conn, |conn| {
            for id in chunk {
                enqueue(conn, *id, now)?;
            }
            Ok(())
        })?;
    }
    Ok(ids.len())
}
