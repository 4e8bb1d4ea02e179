//! Notifications. Every mail is a [`Mail`] value that a service queues as an outbox row in the
//! transaction of the event that causes it; a worker delivers the rows.
//!
//! - `mail`: the kinds of mail and what each carries;
//! - `outbox`: writing rows (with their dedupe key and stable Message-ID);
//! - `render`: a row → a `lettre::Message` from the templates in `templates/email/<kind>/`;
//! - `mailer`: SMTP or `.eml` files;
//! - `worker`: claims due rows with a lease, sends them, retries with backoff.

pub mod mail;
pub mod mailer;
pub mod outbox;
pub mod render;
pub mod worker;

pub use mail::{Mail, MailKind};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{notification_settings, outbox as outbox_t, saved_searches, users};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

/// What an unsubscribe link turns off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Topic {
    /// `new_matches` and `match_interest` mail (`notification_settings.match_emails = 'off'`).
    MatchEmails,
    /// The digests of one saved search (the saved search is deleted).
    SavedSearch(i64),
}

impl Topic {
    pub fn as_string(&self) -> String {
        match self {
            Topic::MatchEmails => "match_emails".to_string(),
            Topic::SavedSearch(id) => format!("saved_search:{id}"),
        }
    }

    pub fn parse(s: &str) -> Option<Topic> {
        if s == "match_emails" {
            return Some(Topic::MatchEmails);
        }
        let id = s.strip_prefix("saved_search:")?.parse().ok()?;
        Some(Topic::SavedSearch(id))
    }
}

/// Turns `topic` off for `user_id` and drops that user's queued mail of the topic that no
/// worker holds, so a digest queued for tomorrow morning is not sent after the click.
/// Idempotent: a second click changes nothing and succeeds. `NotFound` when the user is gone.
pub fn unsubscribe(
    conn: &mut DbConn,
    user_id: i64,
    topic: &Topic,
    now: NaiveDateTime,
) -> AppResult<()> {
    let exists: i64 = users::table.find(user_id).count().get_result(conn)?;
    if exists == 0 {
        return Err(AppError::NotFound);
    }
    match topic {
        Topic::MatchEmails => {
            let updated = diesel::update(notification_settings::table.find(user_id))
                .set((
                    notification_settings::match_emails.eq("off"),
                    notification_settings::updated_at.eq(now),
                ))
                .execute(conn)?;
            if updated == 0 {
                diesel::insert_into(notification_settings::table)
                    .values((
                        notification_settings::user_id.eq(user_id),
                        notification_settings::match_emails.eq("off"),
                        notification_settings::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        Topic::SavedSearch(id) => {
            diesel::delete(
                saved_searches::table
                    .find(*id)
                    .filter(saved_searches::user_id.eq(user_id)),
            )
            .execute(conn)?;
        }
    }
    let kinds: Vec<&str> = topic.kinds().iter().map(|k| k.as_str()).collect();
    let queued: Vec<(i64, String, String)> = outbox_t::table
        .filter(outbox_t::recipient_user_id.eq(user_id))
        .filter(outbox_t::status.eq("pending"))
        .filter(outbox_t::kind.eq_any(kinds))
        .filter(
            outbox_t::lease_until
                .is_null()
                .or(outbox_t::lease_until.lt(now)),
        )
        .select((outbox_t::id, outbox_t::kind, outbox_t::payload))
        .load(conn)?;
    let drop: Vec<i64> = queued
        .into_iter()
        .filter(|(_, kind, payload)| {
            Mail::from_row(kind, payload).is_ok_and(|m| m.topic().as_ref() == Some(topic))
        })
        .map(|(id, _, _)| id)
        .collect();
    if !drop.is_empty() {
        diesel::delete(outbox_t::table.filter(outbox_t::id.eq_any(&drop))).execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip() {
        for t in [Topic::MatchEmails, Topic::SavedSearch(12)] {
            assert_eq!(Topic::parse(&t.as_string()), Some(t));
        }
        assert_eq!(Topic::parse("saved_search:x"), None);
        assert_eq!(Topic::parse("everything"), None);
    }
}
