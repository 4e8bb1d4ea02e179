//! The mail matches cause: new matches to both sides, at once or collected into the daily digest,
//! as each user chose.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Side, Suggestion};
use crate::db::models::Posting;
use crate::db::schema::{notification_settings, outbox as outbox_t};
use crate::db::DbConn;
use crate::domain::{MatchEmails, PostingKind};
use crate::error::{AppError, AppResult};
use crate::i18n::beijing;
use crate::matching::{Reason, MAIL_THRESHOLD, MAX_SUGGESTIONS};
use crate::notify::mail::{MatchItem, NewMatchesMail};
use crate::notify::{outbox, Mail};

pub(super) fn match_emails_setting(conn: &mut DbConn, user_id: i64) -> AppResult<MatchEmails> {
    let setting: Option<String> = notification_settings::table
        .find(user_id)
        .select(notification_settings::match_emails)
        .first(conn)
        .optional()?;
    Ok(setting.map_or(MatchEmails::Immediate, |s| MatchEmails::from_db(&s)))
}

/// The next 08:00 Beijing time after `now` (UTC), when the daily digest goes out.
fn next_digest_time(now: NaiveDateTime) -> NaiveDateTime {
    let local = now.and_utc().with_timezone(&beijing()).naive_local();
    let mut send_at = local.date().and_hms_opt(8, 0, 0).unwrap_or(local);
    if send_at <= local {
        send_at += chrono::Duration::days(1);
    }
    send_at
        .and_local_timezone(beijing())
        .single()
        .map_or(now, |t| t.naive_utc())
}

/// Queues a `new_matches` mail per user, honouring their setting: immediately, in the next
/// daily digest (08:00 Beijing time, one row a day that collects the day's matches), or not.
fn queue_match_mail(
    conn: &mut DbConn,
    user_id: i64,
    key: &str,
    posting: &Posting,
    items: Vec<MatchItem>,
    now: NaiveDateTime,
) -> AppResult<()> {
    if items.is_empty() {
        return Ok(());
    }
    let mail = |digest: bool, matches: Vec<MatchItem>| {
        Mail::NewMatches(NewMatchesMail {
            posting_id: posting.id,
            kind: PostingKind::from_db(&posting.kind),
            title: posting.title.clone(),
            digest,
            matches,
        })
    };
    match match_emails_setting(conn, user_id)? {
        MatchEmails::Off => Ok(()),
        MatchEmails::Daily => {
            let send_at = next_digest_time(now);
            let dedupe = format!("new_matches_daily:u{user_id}:{}", send_at.date());
            let existing: Option<(i64, String, String)> = outbox_t::table
                .filter(outbox_t::dedupe_key.eq(&dedupe))
                .filter(outbox_t::status.eq("pending"))
                .select((outbox_t::id, outbox_t::kind, outbox_t::payload))
                .first(conn)
                .optional()?;
            match existing {
                Some((id, kind, payload)) => {
                    // Later matches of the day join the digest queued by the first.
                    let mut digest = match Mail::from_row(&kind, &payload) {
                        Ok(Mail::NewMatches(d)) => d,
                        _ => return Err(AppError::internal("a daily digest row is not a digest")),
                    };
                    digest.matches.extend(items);
                    diesel::update(outbox_t::table.find(id))
                        .set(outbox_t::payload.eq(Mail::NewMatches(digest).payload()))
                        .execute(conn)?;
                }
                None => {
                    outbox::queue(conn, user_id, &dedupe, &mail(true, items), now)?;
                    // Held back until the digest hour.
                    diesel::update(outbox_t::table.filter(outbox_t::dedupe_key.eq(&dedupe)))
                        .set(outbox_t::next_attempt_at.eq(send_at))
                        .execute(conn)?;
                }
            }
            Ok(())
        }
        MatchEmails::Immediate => {
            let dedupe = format!("{key}:u{user_id}");
            outbox::queue(conn, user_id, &dedupe, &mail(false, items), now)?;
            Ok(())
        }
    }
}

pub(super) fn notify_new_matches(
    conn: &mut DbConn,
    me: &Side,
    scored: &[(f64, Vec<Reason>, Side)],
    created: &[Suggestion],
    now: NaiveDateTime,
) -> AppResult<()> {
    let item = |m: &Suggestion, other: &Side, reasons: &[Reason]| MatchItem {
        match_id: m.match_id,
        counterpart_kind: other.kind(),
        counterpart_id: other.posting.id,
        counterpart_title: other.posting.title.clone(),
        organization_name: other.org.name.clone(),
        score: m.score,
        reasons_zh: reasons.iter().map(|r| r.zh.clone()).collect(),
        reasons_en: reasons.iter().map(|r| r.en.clone()).collect(),
    };
    // A match below the mail threshold is listed on both postings' pages, never mailed; of
    // the others, the best `MAX_SUGGESTIONS` are mailed (`created` is best first).
    let created: Vec<&Suggestion> = created
        .iter()
        .filter(|m| m.score >= MAIL_THRESHOLD)
        .collect();
    // (the counterpart, what the mail says of it)
    let mine: Vec<(&Side, MatchItem)> = created
        .iter()
        .take(MAX_SUGGESTIONS)
        .filter_map(|m| {
            let (_, reasons, other) = scored
                .iter()
                .find(|(_, _, o)| o.posting.id == m.counterpart_id)?;
            Some((other, item(m, other, reasons)))
        })
        .collect();
    for user in outbox::active_users(conn, me.org.id)? {
        // A provider hears only of the needs it may read (all of them while it is verified).
        let mut readable = Vec::with_capacity(mine.len());
        for (other, v) in &mine {
            if other.kind() == PostingKind::Offer || may_read_need(conn, user, other)? {
                readable.push(v.clone());
            }
        }
        queue_match_mail(
            conn,
            user,
            &format!("new_matches:p{}", me.posting.id),
            &me.posting,
            readable,
            now,
        )?;
    }
    // The counterparts of the best ones hear of the new posting that fits theirs (the others
    // find it on their posting's page).
    for m in created.iter().take(MAX_SUGGESTIONS) {
        let Some((_, reasons, other)) = scored
            .iter()
            .find(|(_, _, o)| o.posting.id == m.counterpart_id)
        else {
            continue;
        };
        let about_me = item(m, me, reasons);
        for user in outbox::active_users(conn, other.org.id)? {
            if me.kind() == PostingKind::Need && !may_read_need(conn, user, me)? {
                continue;
            }
            queue_match_mail(
                conn,
                user,
                &format!("new_match:m{}", m.match_id),
                &other.posting,
                vec![about_me.clone()],
                now,
            )?;
        }
    }
    Ok(())
}

/// Whether `user` may be told about the published need `need` (`Actor::may_read_need`, as of
/// now).
pub(super) fn may_read_need(conn: &mut DbConn, user: i64, need: &Side) -> AppResult<bool> {
    Ok(crate::auth::actor_of(conn, user)?
        .is_some_and(|(a, _)| a.may_read_need(need.org.id, need.posting.park_id)))
}
