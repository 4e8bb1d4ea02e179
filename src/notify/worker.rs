//! Delivers the outbox. Each pass claims due rows with a lease (one short transaction:
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite), sends them outside any
//! transaction, then records each result. Several instances share the outbox without ever
//! sending the same row twice at once; a process that dies after claiming only delays its rows
//! until the lease ends, and whoever sends them then uses the same Message-ID.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use actix_web::web::Data;
use chrono::{Duration, NaiveDateTime, SubsecRound};
use diesel::prelude::*;

use super::mailer::{truncate, SendError, SEND_CONCURRENCY};
use super::render;
use crate::db::models::OutboxRow;
use crate::db::schema::outbox;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::state::AppState;

/// Attempts after which a row is given up (`status = 'dead'`).
pub const MAX_ATTEMPTS: i32 = 10;
/// How long a claim keeps other workers away: longer than one wave of sends can take (they run
/// concurrently, each bounded by the mailer's deadline).
pub const LEASE: Duration = Duration::minutes(2);
/// Rows delivered per pass of the worker.
pub const BATCH: usize = 50;
/// The first retry waits this long; each further one twice as long, up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::seconds(5);
pub const MAX_BACKOFF: Duration = Duration::hours(1);

const IDLE_PAUSE: StdDuration = StdDuration::from_millis(500);
const BUSY_PAUSE: StdDuration = StdDuration::from_millis(20);
const ERROR_PAUSE: StdDuration = StdDuration::from_secs(2);
/// Tries at recording one result (about 30 s in all) before the lease is left to run out.
const RECORD_ATTEMPTS: u32 = 6;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Rows this pass claimed.
    pub claimed: usize,
    pub sent: usize,
    /// Failed for now; tried again after the backoff.
    pub retried: usize,
    /// Given up: a permanent failure or the last attempt.
    pub dead: usize,
}

/// The wait before the retry that follows failed attempt number `attempts + 1`:
/// 5 s, 10 s, 20 s, … capped at an hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(0, 20) as u32;
    let secs = FIRST_BACKOFF.num_seconds().saturating_mul(1i64 << exp);
    Duration::seconds(secs.min(MAX_BACKOFF.num_seconds()))
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// Claims up to `limit` due rows for [`LEASE`] from `now` and returns them. Rows leased by
/// another worker (until their lease ends) are never returned.
pub fn claim(conn: &mut DbConn, now: NaiveDateTime, limit: usize) -> AppResult<Vec<OutboxRow>> {
    let limit = limit.clamp(1, 1000) as i64;
    // A cheap look first, so that an idle worker does not take SQLite's write lock every pass.
    let due: i64 = due_rows(now).count().get_result(conn)?;
    if due == 0 {
        return Ok(Vec::new());
    }
    // Whole microseconds: PostgreSQL keeps no more, and the rows are found again by this value.
    let lease_until = (now + LEASE).trunc_subsecs(6);
    crate::db::transaction(conn, |conn| {
        let ids: Vec<i64> = match conn {
            DbConn::Pg(pg) => diesel::sql_query(
                "SELECT id FROM outbox \
                 WHERE status = 'pending' AND next_attempt_at <= $1 \
                   AND (lease_until IS NULL OR lease_until < $1) \
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
            )
            .bind::<diesel::sql_types::Timestamp, _>(now)
            .bind::<diesel::sql_types::BigInt, _>(limit)
            .load::<IdRow>(pg)?
            .into_iter()
            .map(|r| r.id)
            .collect(),
            // BEGIN IMMEDIATE holds the write lock: no other claimer runs until we commit.
            DbConn::Sqlite(_) => due_rows(now)
                .order(outbox::id.asc())
                .limit(limit)
                .select(outbox::id)
                .load(conn)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The same conditions again: only a free row can be leased, whatever the backend.
        diesel::update(due_rows(now).filter(outbox::id.eq_any(&ids)))
            .set(outbox::lease_until.eq(Some(lease_until)))
            .execute(conn)?;
        Ok(outbox::table
            .filter(outbox::id.eq_any(&ids))
            .filter(outbox::lease_until.eq(Some(lease_until)))
            .order(outbox::id.asc())
            .select(OutboxRow::as_select())
            .load(conn)?)
    })
}

/// Pending rows whose time has come and that no live lease holds.
#[diesel::dsl::auto_type(no_type_alias)]
fn due_rows(now: NaiveDateTime) -> _ {
    let pending: &'static str = "pending";
    outbox::table
        .filter(outbox::status.eq(pending))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::lease_until
                .is_null()
                .or(outbox::lease_until.lt(now)),
        )
}

enum Outcome {
    Sent,
    Retry { error: String },
    Dead { error: String },
}

/// Records the result of one attempt on a row this worker holds.
fn record(
    conn: &mut DbConn,
    row: &OutboxRow,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> AppResult<()> {
    // Only while our claim holds: a row whose lease ran out belongs to whoever claimed it next.
    let Some(lease) = row.lease_until else {
        return Ok(());
    };
    let mine = outbox::table
        .filter(outbox::id.eq(row.id))
        .filter(outbox::status.eq("pending"))
        .filter(outbox::lease_until.eq(lease));
    let attempts = row.attempts.saturating_add(1);
    let updated = match outcome {
        Outcome::Sent => diesel::update(mine)
            .set((
                outbox::status.eq("sent"),
                outbox::sent_at.eq(Some(now)),
                outbox::attempts.eq(attempts),
                outbox::lease_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(None::<String>),
            ))
            .execute(conn)?,
        Outcome::Retry { error } => diesel::update(mine)
            .set((
                outbox::attempts.eq(attempts),
                outbox::next_attempt_at.eq(now + backoff(row.attempts)),
                outbox::lease_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some(error.as_str())),
            ))
            .execute(conn)?,
        Outcome::Dead { error } => diesel::update(mine)
            .set((
                outbox::status.eq("dead"),
                outbox::attempts.eq(attempts),
                outbox::lease_until.eq(None::<NaiveDateTime>),
                outbox::last_error.eq(Some(error.as_str())),
            ))
            .execute(conn)?,
    };
    if updated == 0 {
        tracing::warn!(
            id = row.id,
            "the lease on a mail row ended before its result was recorded"
        );
    }
    Ok(())
}

/// One pass: delivers up to `limit` due rows, in waves of at most [`SEND_CONCURRENCY`]. Each
/// wave claims its rows, sends them concurrently and records every result before the next wave
/// claims, so a lease only has to outlast one wave (one send's deadline), however large `limit`.
pub async fn deliver_due(state: &AppState, limit: usize) -> anyhow::Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    while report.claimed < limit {
        let want = (limit - report.claimed).min(SEND_CONCURRENCY);
        let wave = deliver_wave(state, want).await?;
        report.claimed += wave.claimed;
        report.sent += wave.sent;
        report.retried += wave.retried;
        report.dead += wave.dead;
        if wave.claimed < want {
            break;
        }
    }
    Ok(report)
}

async fn deliver_wave(state: &AppState, limit: usize) -> anyhow::Result<DeliveryReport> {
    let now = state.clock.now();
    let rows = state
        .db(move |c| claim(c, now.naive_utc(), limit))
        .await
        .map_err(|e| anyhow::anyhow!("claiming outbox rows: {e}"))?;
    let mut report = DeliveryReport {
        claimed: rows.len(),
        ..DeliveryReport::default()
    };
    if rows.is_empty() {
        return Ok(report);
    }

    let mut sending = tokio::task::JoinSet::new();
    let mut results: Vec<(OutboxRow, Result<(), SendError>)> = Vec::with_capacity(rows.len());
    for row in rows {
        match render::render(&row, &state.settings, &state.keys, now) {
            Ok(msg) => {
                let mailer = state.mailer.clone();
                let stem = format!("{}-{}", row.id, row.kind);
                sending.spawn(async move {
                    let result = mailer.send(&stem, msg).await;
                    (row, result)
                });
            }
            Err(e) => results.push((row, Err(SendError::Permanent(e.to_string())))),
        }
    }
    while let Some(joined) = sending.join_next().await {
        match joined {
            Ok(done) => results.push(done),
            // A send that panicked keeps its lease: the row is tried again when it ends.
            Err(e) => tracing::error!(error = %e, "mail send task failed"),
        }
    }

    for (row, result) in results {
        let outcome = match result {
            Ok(()) => Outcome::Sent,
            Err(e) => {
                let error = truncate(&e.to_string(), 500);
                if e.is_permanent() || row.attempts + 1 >= MAX_ATTEMPTS {
                    Outcome::Dead { error }
                } else {
                    Outcome::Retry { error }
                }
            }
        };
        match &outcome {
            Outcome::Sent => {
                report.sent += 1;
                tracing::debug!(id = row.id, kind = %row.kind, "mail sent");
            }
            Outcome::Retry { error } => {
                report.retried += 1;
                tracing::info!(
                    id = row.id,
                    kind = %row.kind,
                    to = %crate::logging::mask_email(&row.recipient_email),
                    attempt = row.attempts + 1,
                    retry_in_secs = backoff(row.attempts).num_seconds(),
                    error = %error,
                    "mail not delivered; will retry"
                );
            }
            Outcome::Dead { error } => {
                report.dead += 1;
                tracing::warn!(
                    id = row.id,
                    kind = %row.kind,
                    to = %crate::logging::mask_email(&row.recipient_email),
                    attempts = row.attempts + 1,
                    error = %error,
                    "mail given up (dead letter)"
                );
            }
        }
        record_with_retries(state, row, outcome).await;
    }
    Ok(report)
}

/// Records a result, trying again for a while when the database is briefly away (a restart, a
/// failover): a mail that went out but is not recorded as sent is sent again when its lease ends.
async fn record_with_retries(state: &AppState, row: OutboxRow, outcome: Outcome) {
    let row = Arc::new(row);
    let outcome = Arc::new(outcome);
    let mut pause = StdDuration::from_millis(500);
    for attempt in 1..=RECORD_ATTEMPTS {
        let at = state.clock.now().naive_utc();
        let (r, o) = (row.clone(), outcome.clone());
        match state.db(move |c| record(c, &r, &o, at)).await {
            Ok(()) => return,
            Err(e) if attempt == RECORD_ATTEMPTS => {
                // The lease runs out and the row is tried again: at worst a duplicate, never a loss.
                tracing::error!(id = row.id, error = %e, "cannot record a mail delivery result");
            }
            Err(e) => {
                tracing::warn!(id = row.id, attempt, error = %e, "recording a mail delivery result failed; trying again");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(StdDuration::from_secs(8));
            }
        }
    }
}

/// The mail worker of `serve`: a pass every 500 ms, at once again while full batches go out.
pub async fn run(state: Arc<Data<AppState>>) {
    tracing::info!(to = %state.mailer.describe(), "mail worker started");
    loop {
        let pause = match deliver_due(&state, BATCH).await {
            Ok(r) if r.claimed >= BATCH => BUSY_PAUSE,
            Ok(_) => IDLE_PAUSE,
            Err(e) => {
                tracing::warn!(error = %e, "mail worker pass failed");
                ERROR_PAUSE
            }
        };
        tokio::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_outlasts_a_wave_of_sends() {
        let wave = super::super::mailer::SEND_DEADLINE + StdDuration::from_secs(20);
        assert!(LEASE.to_std().unwrap() > wave);
    }

    #[test]
    fn backoff_starts_within_seconds_doubles_and_is_capped() {
        assert_eq!(backoff(0), Duration::seconds(5));
        assert_eq!(backoff(1), Duration::seconds(10));
        assert_eq!(backoff(2), Duration::seconds(20));
        assert_eq!(backoff(9), Duration::seconds(2560));
        assert_eq!(backoff(10), Duration::hours(1));
        assert_eq!(backoff(1000), Duration::hours(1));
        assert_eq!(backoff(-3), Duration::seconds(5));
    }
}
