//! Escalation: a published need that no provider picked up within the pickup SLA enters its park
//! admins' queue, and they are mailed, once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::utc;
use crate::db::models::Posting;
use crate::db::schema::{matches, organizations, postings, users};
use crate::db::DbConn;
use crate::domain::PostingStatus;
use crate::error::AppResult;
use crate::notify::mail::EscalationMail;
use crate::notify::{outbox, Mail};
use crate::service::audit;

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
        // Everything the mail needs is read first: the write transaction only writes, and the
        // lock is let go between needs so that requests' writes get their turn.
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
            for admin in &admins {
                let key = format!("escalation:p{}:u{admin}", p.id);
                outbox::queue(conn, *admin, &key, &mail, n)?;
            }
            Ok(())
        })?;
        // SQLite's lock is not handed out in turn: a loop that takes it again at once can keep
        // a waiting request out past its busy timeout.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    Ok(due.len())
}
