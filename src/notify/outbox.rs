//! Writing outbox rows. A row's dedupe key makes the same event never queue the same mail twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::mail;
use crate::db::models::NewOutboxRow;
use crate::db::schema::{outbox, users};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// Queues `mail` to `user_id` unless a row with `dedupe_key` exists. Returns whether a row was
/// written.
pub fn queue(
    conn: &mut DbConn,
    user_id: i64,
    dedupe_key: &str,
    letter: &mail::Mail,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let (email, lang): (String, String) = users::table
        .find(user_id)
        .select((users::email, users::lang))
        .first(conn)?;
    queue_row(conn, Some(user_id), &email, &lang, dedupe_key, letter, now)
}

/// Queues `mail` to an address that is nobody's account yet (an invitation), in `lang`.
pub fn queue_to_address(
    conn: &mut DbConn,
    email: &str,
    lang: &str,
    dedupe_key: &str,
    letter: &mail::Mail,
    now: NaiveDateTime,
) -> AppResult<bool> {
    queue_row(conn, None, email, lang, dedupe_key, letter, now)
}

fn queue_row(
    conn: &mut DbConn,
    user_id: Option<i64>,
    email: &str,
    lang: &str,
    dedupe_key: &str,
    letter: &mail::Mail,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let message_id = format!(
        "<{}.{}@parkbridge>",
        dedupe_key.replace(|c: char| !c.is_ascii_alphanumeric(), "."),
        now.and_utc().timestamp()
    );
    // A mail queued twice (two transactions racing on the same key) is queued once: the unique
    // key decides, and the loser does nothing rather than fail.
    let row = NewOutboxRow {
        kind: letter.kind().as_str(),
        recipient_user_id: user_id,
        recipient_email: email,
        lang,
        dedupe_key,
        payload: &letter.payload(),
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        message_id: &message_id,
        created_at: now,
    };
    let insert = diesel::insert_into(outbox::table)
        .values(row)
        .on_conflict(outbox::dedupe_key)
        .do_nothing();
    // `MultiConnection` has no upsert; both databases have the same one.
    let inserted = match conn {
        DbConn::Sqlite(c) => insert.execute(c)?,
        DbConn::Pg(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// The active users of an organisation, who hear of what happens to it.
pub fn active_users(conn: &mut DbConn, organization_id: i64) -> AppResult<Vec<i64>> {
    Ok(users::table
        .filter(users::organization_id.eq(organization_id))
        .filter(users::status.eq("active"))
        .select(users::id)
        .load(conn)?)
}

/// Queues the same mail to every active user of an organisation (dedupe key
/// `{dedupe_prefix}:u{user}`). Returns how many rows were written.
pub fn queue_to_org(
    conn: &mut DbConn,
    organization_id: i64,
    dedupe_prefix: &str,
    letter: &mail::Mail,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let mut n = 0;
    for user_id in active_users(conn, organization_id)? {
        if queue(
            conn,
            user_id,
            &format!("{dedupe_prefix}:u{user_id}"),
            letter,
            now,
        )? {
            n += 1;
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------------
// The untyped form that src/service/accounts.rs, src/service/saved.rs and the organisation
// verification in src/service/admin.rs still write (issue 11, round 2, moves them to `Mail`).
// Each payload is read into a `Mail` before it is queued, so a shape the renderer could not
// read fails here, in the transaction of its event.

/// One mail to one user about one event, as a kind name and a JSON payload.
pub struct UntypedMail<'a> {
    pub kind: &'a str,
    pub user_id: i64,
    pub dedupe_key: String,
    pub payload: Value,
}

/// The name those callers use.
pub use UntypedMail as Mail;

fn typed(kind: &str, payload: &Value) -> AppResult<mail::Mail> {
    mail::Mail::from_row(kind, &payload.to_string()).map_err(AppError::internal)
}

/// [`queue`] for an [`UntypedMail`].
pub fn enqueue(conn: &mut DbConn, untyped: UntypedMail<'_>, now: NaiveDateTime) -> AppResult<bool> {
    let letter = typed(untyped.kind, &untyped.payload)?;
    queue(conn, untyped.user_id, &untyped.dedupe_key, &letter, now)
}

/// [`queue_to_org`] for a kind name and a JSON payload.
pub fn enqueue_to_org(
    conn: &mut DbConn,
    organization_id: i64,
    kind: &str,
    dedupe_prefix: &str,
    payload: Value,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let letter = typed(kind, &payload)?;
    queue_to_org(conn, organization_id, dedupe_prefix, &letter, now)
}
