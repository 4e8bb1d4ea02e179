//! Writing outbox rows. A row's dedupe key makes the same event never queue the same mail twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::db::models::NewOutboxRow;
use crate::db::schema::{outbox, users};
use crate::db::DbConn;
use crate::error::AppResult;

/// One mail to one user about one event.
pub struct Mail<'a> {
    pub kind: &'a str,
    pub user_id: i64,
    pub dedupe_key: String,
    pub payload: Value,
}

/// Queues `mail` unless a row with its dedupe key exists. Returns whether a row was written.
pub fn enqueue(conn: &mut DbConn, mail: Mail<'_>, now: NaiveDateTime) -> AppResult<bool> {
    let (email, lang): (String, String) = users::table
        .find(mail.user_id)
        .select((users::email, users::lang))
        .first(conn)?;
    let message_id = format!(
        "<{}.{}@parkbridge>",
        mail.dedupe_key
            .replace(|c: char| !c.is_ascii_alphanumeric(), "."),
        now.and_utc().timestamp()
    );
    // A mail queued twice (two transactions racing on the same key) is queued once: the unique
    // key decides, and the loser does nothing rather than fail.
    let row = NewOutboxRow {
        kind: mail.kind,
        recipient_user_id: Some(mail.user_id),
        recipient_email: &email,
        lang: &lang,
        dedupe_key: &mail.dedupe_key,
        payload: &mail.payload.to_string(),
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

/// Queues the same mail to every active user of an organisation.
pub fn enqueue_to_org(
    conn: &mut DbConn,
    organization_id: i64,
    kind: &str,
    dedupe_prefix: &str,
    payload: Value,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let ids: Vec<i64> = users::table
        .filter(users::organization_id.eq(organization_id))
        .filter(users::status.eq("active"))
        .select(users::id)
        .load(conn)?;
    let mut n = 0;
    for user_id in ids {
        let mail = Mail {
            kind,
            user_id,
            dedupe_key: format!("{dedupe_prefix}:u{user_id}"),
            payload: payload.clone(),
        };
        if enqueue(conn, mail, now)? {
            n += 1;
        }
    }
    Ok(n)
}
