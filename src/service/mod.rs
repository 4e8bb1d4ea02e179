//! The use cases: one function, one transaction, called by the API and the pages alike. One file
//! or folder per subject (accounts, sessions, postings, matches, admin, parks, saved searches,
//! statistics, search); `views` are the shapes they answer with; paging and the audit log here.

pub mod accounts;
pub mod admin;
pub mod matches;
pub mod members;
pub mod organizations;
pub mod parks;
mod permissions;
pub mod postings;
pub mod saved;
pub mod searching;
pub mod sessions;
pub mod stats;
mod stats_sql;
pub mod synonyms;
pub mod todo;
pub mod views;
pub mod withdrawal;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::Actor;
use crate::db::models::{NewAuditEntry, NewChange};
use crate::db::schema::{audit_log, change_feed};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// Lists count their items up to this many; above it `total` is the cap and `total_capped` is
/// set (a count of every row of a list of a million would cost more than the page itself).
pub const COUNT_CAP: i64 = 10_000;

/// A page of a list, as `?page=&per_page=` asked for it.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub const MAX_PER_PAGE: i64 = 100;

    pub fn parse(page: Option<i64>, per_page: Option<i64>) -> AppResult<Paging> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if !(1..=1_000_000).contains(&page) {
            return Err(AppError::BadRequest(
                "page must be 1 or more / page 须 ≥ 1".into(),
            ));
        }
        if !(1..=Self::MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::BadRequest(
                "per_page must be between 1 and 100 / per_page 须在 1 到 100 之间".into(),
            ));
        }
        Ok(Paging { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// Appends to the audit log (never updated, never deleted).
#[allow(clippy::too_many_arguments)]
pub fn audit(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    action: &str,
    target_type: &str,
    target_id: i64,
    park_id: Option<i64>,
    reason_code: Option<&str>,
    note: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            actor_user_id: actor.map(|a| a.user_id),
            actor_role: actor.map(|a| a.role.as_str()).unwrap_or("system"),
            action,
            target_type,
            target_id,
            park_id,
            reason_code,
            note,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}

/// Records that a posting's searchable state changed, in the caller's transaction.
pub fn record_change(conn: &mut DbConn, posting_id: i64, now: NaiveDateTime) -> AppResult<()> {
    diesel::insert_into(change_feed::table)
        .values(NewChange {
            posting_id,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}
