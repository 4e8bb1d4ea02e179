//! The review states of a posting: submitted by its owner, approved or rejected by who moderates
//! it, closed by its owner, expired by the clock. Every status change goes through
//! [`transition`], which reads the table in `domain::transitions`.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{event, load, load_of_kind, load_org};
use crate::auth::Actor;
use crate::db::models::Posting;
use crate::db::schema::postings;
use crate::db::DbConn;
use crate::domain::decisions::Rejection;
use crate::domain::transitions::{Mover, PostingMove};
use crate::domain::{OrgStatus, PostingKind, PostingStatus};
use crate::error::{AppError, AppResult, Problem};
use crate::notify::mail::{PostingMail, PostingRejectedMail};
use crate::notify::{outbox, Mail};
use crate::service::views::PostingView;
use crate::service::{audit, record_change};

use super::read::view;

/// Whether `actor` may make `mv` on `p`: its owner, who moderates it, or nobody (the clock's
/// moves). A stranger is told the posting does not exist unless it is published or they are an
/// administrator.
pub(super) fn authorize(actor: &Actor, p: &Posting, mv: PostingMove) -> AppResult<()> {
    let kind = PostingKind::from_db(&p.kind);
    match mv.mover() {
        Mover::Owner if actor.owns_org(p.organization_id) => Ok(()),
        Mover::Owner => {
            if p.status == PostingStatus::Published.as_str() || actor.is_admin() {
                Err(actor.refuse("only the posting's own organisation may change it"))
            } else {
                Err(AppError::NotFound)
            }
        }
        Mover::Moderator if actor.moderates(kind, p.park_id) => Ok(()),
        Mover::Moderator => Err(match kind {
            PostingKind::Offer => actor.refuse("offers are moderated by platform administrators"),
            PostingKind::Need => {
                actor.refuse("park administrators moderate the needs of their own park")
            }
        }),
        Mover::System => Err(actor.refuse("only the system makes this change")),
    }
}

/// Applies `mv` to `p`: checks who may make it (`actor`; `None` is the system) and that the
/// table allows it from the posting's status (409 otherwise), sets the status with what the new
/// status records (submitted, published, rejected with its reason, closed), writes the timeline
/// event and, when what is published changes, a change-feed row. Returns the new status.
pub(super) fn transition(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    p: &Posting,
    mv: PostingMove,
    rejection: Option<&Rejection>,
    now: NaiveDateTime,
) -> AppResult<PostingStatus> {
    match actor {
        Some(a) => authorize(a, p, mv)?,
        None if mv.mover() == Mover::System => {}
        None => return Err(AppError::Unauthorized),
    }
    let from = PostingStatus::from_db(&p.status);
    let Some(to) = mv.from(from) else {
        let (zh, en) = mv.refusal();
        return Err(AppError::conflict(zh, en));
    };
    let target = postings::table.find(p.id);
    diesel::update(target)
        .set((
            postings::status.eq(to.as_str()),
            postings::updated_at.eq(now),
        ))
        .execute(conn)?;
    let cleared = (
        postings::reject_code.eq(None::<String>),
        postings::reject_note.eq(None::<String>),
    );
    match to {
        PostingStatus::PendingReview if from != PostingStatus::PendingReview => {
            diesel::update(target)
                .set((postings::submitted_at.eq(now), cleared))
                .execute(conn)?;
        }
        PostingStatus::Draft if from == PostingStatus::Rejected => {
            diesel::update(target).set(cleared).execute(conn)?;
        }
        PostingStatus::Published => {
            diesel::update(target)
                .set((postings::published_at.eq(now), cleared))
                .execute(conn)?;
        }
        PostingStatus::Rejected => {
            let r = rejection.ok_or_else(|| AppError::internal("a rejection without a reason"))?;
            diesel::update(target)
                .set((
                    postings::reject_code.eq(r.code.as_str()),
                    postings::reject_note.eq(r.note.as_deref()),
                ))
                .execute(conn)?;
        }
        PostingStatus::Closed => {
            diesel::update(target)
                .set(postings::closed_at.eq(now))
                .execute(conn)?;
        }
        _ => {}
    }
    event(
        conn,
        p.id,
        actor,
        mv.action(),
        to,
        rejection.map(|r| r.code.as_str()),
        rejection.and_then(|r| r.note.as_deref()),
        now,
    )?;
    if from == PostingStatus::Published || to == PostingStatus::Published {
        record_change(conn, p.id, now)?;
    }
    Ok(to)
}

pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    authorize(actor, &p, PostingMove::Submit)?;
    let n = now.naive_utc();
    if PostingMove::Submit
        .from(PostingStatus::from_db(&p.status))
        .is_some()
        && p.expires_at <= n
    {
        return Err(AppError::field("expires_at", Problem::MustBeFuture));
    }
    transition(conn, Some(actor), &p, PostingMove::Submit, None, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    transition(
        conn,
        Some(actor),
        &p,
        PostingMove::Close,
        None,
        now.naive_utc(),
    )?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    authorize(actor, &p, PostingMove::Approve)?;
    let n = now.naive_utc();
    if PostingMove::Approve
        .from(PostingStatus::from_db(&p.status))
        .is_some()
    {
        let org = load_org(conn, p.organization_id)?;
        if OrgStatus::from_db(&org.status) != OrgStatus::Verified {
            return Err(AppError::conflict(
                "发布方企业尚未通过认证，请先认证企业",
                "the posting's organisation is not verified yet: verify it first",
            ));
        }
        if p.expires_at <= n {
            return Err(AppError::conflict(
                "该发布的有效期已过，请发布方修改有效期后重新提交",
                "this posting's expiry date has passed: its owner must change it and submit again",
            ));
        }
    }
    transition(conn, Some(actor), &p, PostingMove::Approve, None, n)?;
    audit(
        conn,
        Some(actor),
        "posting.approve",
        &p.kind,
        id,
        p.park_id,
        None,
        None,
        n,
    )?;
    crate::service::matches::enqueue(conn, id, n)?;
    let mail = Mail::PostingApproved(PostingMail {
        posting_id: id,
        kind,
        title: p.title.clone(),
    });
    let key = format!("posting_approved:p{id}:t{}", n.and_utc().timestamp());
    outbox::queue_to_org(conn, p.organization_id, &key, &mail, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

/// `rejection` is the parsed body, looked at only once the caller may reject the posting.
pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    rejection: AppResult<Rejection>,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    authorize(actor, &p, PostingMove::Reject)?;
    let r = rejection?;
    let n = now.naive_utc();
    transition(conn, Some(actor), &p, PostingMove::Reject, Some(&r), n)?;
    audit(
        conn,
        Some(actor),
        "posting.reject",
        &p.kind,
        id,
        p.park_id,
        Some(r.code.as_str()),
        r.note.as_deref(),
        n,
    )?;
    let mail = Mail::PostingRejected(PostingRejectedMail {
        posting_id: id,
        kind,
        title: p.title.clone(),
        reason_code: r.code,
        note: r.note.clone(),
    });
    let key = format!("posting_rejected:p{id}:t{}", n.and_utc().timestamp());
    outbox::queue_to_org(conn, p.organization_id, &key, &mail, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

/// Expires every published posting whose `expires_at` has passed; returns how many.
pub fn expire_due(conn: &mut DbConn, now: DateTime<Utc>) -> AppResult<usize> {
    /// Postings expired per transaction: the write lock is held for one small batch at a time.
    const BATCH: usize = 200;
    /// At most this many a pass; the next pass (a minute later) goes on.
    const MAX_PER_PASS: usize = 5000;
    let n = now.naive_utc();
    let mut total = 0;
    loop {
        let done = crate::db::transaction(conn, |conn| {
            let due: Vec<Posting> = postings::table
                .filter(postings::status.eq(PostingStatus::Published.as_str()))
                .filter(postings::expires_at.le(n))
                .select(Posting::as_select())
                .limit(BATCH as i64)
                .load(conn)?;
            for p in &due {
                transition(conn, None, p, PostingMove::Expire, None, n)?;
            }
            Ok(due.len())
        })?;
        total += done;
        if done < BATCH || total >= MAX_PER_PASS {
            return Ok(total);
        }
    }
}
