//! Needs and offers: posting and editing them (`write`), the review states (`review`: submit,
//! close, approve, reject, expire, through one transition table) and reading them with their
//! visibility rules (`read`). Every change to what is published writes a change-feed row in the
//! same transaction.

mod read;
mod review;
mod write;

pub use read::{get, list, timeline, view, views, ListFilter};
pub use review::{approve, close, expire_due, reject, submit};
pub use write::{create, update, PostingPatch};

// The organisation review in service/admin.rs still parses its rejection here.
pub use crate::domain::decisions::Rejection;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::auth::Actor;
use crate::db::models::{NewPostingEvent, Organization, Posting};
use crate::db::schema::{organizations, posting_events, postings};
use crate::db::DbConn;
use crate::domain::{PostingAction, PostingKind, PostingStatus};
use crate::error::{AppError, AppResult};

/// Parses `{reason_code, note?}` (what service/admin.rs calls).
pub fn parse_rejection(body: &Value) -> AppResult<Rejection> {
    Rejection::parse(body)
}

pub fn load(conn: &mut DbConn, id: i64) -> AppResult<Posting> {
    Ok(postings::table
        .find(id)
        .select(Posting::as_select())
        .first(conn)?)
}

pub(super) fn load_org(conn: &mut DbConn, id: i64) -> AppResult<Organization> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)?)
}

pub(super) fn load_of_kind(conn: &mut DbConn, kind: PostingKind, id: i64) -> AppResult<Posting> {
    let p = load(conn, id)?;
    if p.kind != kind.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn event(
    conn: &mut DbConn,
    posting_id: i64,
    actor: Option<&Actor>,
    action: PostingAction,
    status: PostingStatus,
    reason_code: Option<&str>,
    note: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(posting_events::table)
        .values(NewPostingEvent {
            posting_id,
            actor_user_id: actor.map(|a| a.user_id),
            action: action.as_str(),
            status: status.as_str(),
            reason_code,
            note,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}
