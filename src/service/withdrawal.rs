//! What an organisation's verification means for what it has published. Rejecting an
//! organisation (verified or not) takes its postings out of the market at once and closes its
//! open matches; verifying it again puts back the postings that were taken out and left
//! unchanged. Both run in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::postings::event;
use super::record_change;
use crate::auth::Actor;
use crate::db::models::Posting;
use crate::db::schema::{match_queue, matches, outbox, posting_events, postings, users};
use crate::db::DbConn;
use crate::domain::{DeclineCode, MatchStatus, PostingAction, PostingStatus};
use crate::error::AppResult;
use crate::notify::mail::MailKind;

/// Mail that would tell the organisation's users about the other side: not sent once it is out.
const MATCH_MAIL: [MailKind; 3] = [
    MailKind::NewMatches,
    MailKind::MatchInterest,
    MailKind::SavedSearchDigest,
];

/// Takes organisation `org_id` out: its published postings go back to `pending_review` (the
/// change feed drops them from every index, approval is refused while the organisation is not
/// verified), its postings leave the match queue, its open matches are declined, and mail
/// about matches not sent yet to its users is dropped. Returns how many postings were taken
/// out.
pub fn withdraw(
    conn: &mut DbConn,
    actor: &Actor,
    org_id: i64,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let published: Vec<i64> = postings::table
        .filter(postings::organization_id.eq(org_id))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .select(postings::id)
        .load(conn)?;
    for id in &published {
        diesel::update(postings::table.find(id))
            .set((
                postings::status.eq(PostingStatus::PendingReview.as_str()),
                postings::submitted_at.eq(now),
                postings::updated_at.eq(now),
            ))
            .execute(conn)?;
        event(
            conn,
            *id,
            Some(actor),
            PostingAction::Withdrawn,
            PostingStatus::PendingReview,
            None,
            None,
            now,
        )?;
        record_change(conn, *id, now)?;
    }
    let own = || {
        postings::table
            .filter(postings::organization_id.eq(org_id))
            .select(postings::id)
    };
    diesel::delete(match_queue::table.filter(match_queue::posting_id.eq_any(own())))
        .execute(conn)?;
    let open = [
        MatchStatus::Suggested,
        MatchStatus::SmeInterested,
        MatchStatus::ProviderInterested,
        MatchStatus::Connected,
    ]
    .map(MatchStatus::as_str);
    let closed = diesel::update(
        matches::table.filter(matches::status.eq_any(open)).filter(
            matches::need_id
                .eq_any(own())
                .or(matches::offer_id.eq_any(own())),
        ),
    )
    .set((
        matches::status.eq(MatchStatus::Declined.as_str()),
        matches::decline_code.eq(DeclineCode::OrganizationWithdrawn.as_str()),
        matches::declined_by.eq(actor.user_id),
        matches::updated_at.eq(now),
    ))
    .execute(conn)?;
    let members = users::table
        .filter(users::organization_id.eq(org_id))
        .select(users::id.nullable());
    diesel::delete(
        outbox::table
            .filter(outbox::status.eq("pending"))
            .filter(outbox::kind.eq_any(MATCH_MAIL.map(MailKind::as_str)))
            .filter(outbox::recipient_user_id.eq_any(members))
            .filter(
                outbox::lease_until
                    .is_null()
                    .or(outbox::lease_until.lt(now)),
            ),
    )
    .execute(conn)?;
    tracing::info!(
        organization_id = org_id,
        postings = published.len(),
        matches = closed,
        "organisation withdrawn"
    );
    Ok(published.len())
}

/// Puts back what `withdraw` took out, once the organisation is verified again: each posting
/// still waiting since it was withdrawn (not edited since) is published again and matched
/// anew, or expires if its date has passed. Returns how many were published.
pub fn reinstate(
    conn: &mut DbConn,
    actor: &Actor,
    org_id: i64,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let waiting: Vec<Posting> = postings::table
        .filter(postings::organization_id.eq(org_id))
        .filter(postings::status.eq(PostingStatus::PendingReview.as_str()))
        .select(Posting::as_select())
        .load(conn)?;
    let mut published = 0;
    for p in waiting {
        let last: Option<String> = posting_events::table
            .filter(posting_events::posting_id.eq(p.id))
            .order(posting_events::id.desc())
            .select(posting_events::action)
            .first(conn)
            .optional()?;
        if last.as_deref() != Some(PostingAction::Withdrawn.as_str()) {
            continue; // edited or submitted since: it waits for review like any other
        }
        let (status, action) = if p.expires_at <= now {
            (PostingStatus::Expired, PostingAction::Expired)
        } else {
            (PostingStatus::Published, PostingAction::Reinstated)
        };
        diesel::update(postings::table.find(p.id))
            .set((
                postings::status.eq(status.as_str()),
                postings::updated_at.eq(now),
            ))
            .execute(conn)?;
        event(conn, p.id, Some(actor), action, status, None, None, now)?;
        if status == PostingStatus::Published {
            diesel::update(postings::table.find(p.id))
                .set(postings::published_at.eq(now))
                .execute(conn)?;
            record_change(conn, p.id, now)?;
            super::matches::enqueue(conn, p.id, now)?;
            published += 1;
        }
    }
    Ok(published)
}
