//! Background work inside `serve`: the search indexer and the periodic jobs (expiring postings).
//! Each pass is safe to run on several instances at once.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Data;

use crate::error::AppResult;
use crate::service::postings;
use crate::state::AppState;

/// One pass of the periodic jobs: expiry, then pickup-SLA escalation. Returns how many
/// postings expired.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    // In batches of their own transactions (never one long hold of SQLite's write lock).
    let expired = state.db(move |c| postings::expire_due(c, now)).await?;
    let sla = state.settings.pickup_sla_days;
    let purged = state
        .db(move |c| crate::auth::throttle::purge(c, now.naive_utc()))
        .await?;
    tracing::debug!(purged, "ended throttle windows purged");
    let escalated = state
        .db(move |c| crate::service::matches::escalate_due(c, now, sla))
        .await?;
    if escalated > 0 {
        tracing::info!(escalated, "needs escalated past the pickup SLA");
    }
    let purged = state
        .db(move |c| crate::service::accounts::purge_ended_sessions(c, now.naive_utc()))
        .await?;
    if purged > 0 {
        tracing::info!(purged, "expired signed-out tokens forgotten");
    }
    if state.search.is_ready() {
        let index = state.search.clone();
        let digests = state
            .db(move |c| {
                crate::service::saved::run_digests(c, &index, now, |m, needs| {
                    crate::search::params::SearchQuery::from_map(m).params(needs)
                })
            })
            .await?;
        if digests > 0 {
            tracing::info!(digests, "saved-search digests queued");
        }
    }
    Ok(expired)
}

/// Matches every queued posting; returns how many were matched. Each is claimed with a lease,
/// so several instances share the queue and a crash only delays a posting.
pub fn match_queued(state: &AppState, max: usize) -> anyhow::Result<usize> {
    use crate::service::matches;
    let mut conn = state.pool.get()?;
    let mut done = 0;
    while done < max {
        let Some((queue_id, posting_id)) =
            matches::claim(&mut conn, state.clock.now().naive_utc())?
        else {
            break;
        };
        match matches::match_posting(&mut conn, &state.search, posting_id, state.clock.now()) {
            Ok(found) => {
                tracing::info!(posting_id, matches = found.len(), "matched");
                matches::finish(&mut conn, queue_id)?;
            }
            Err(e) => {
                tracing::warn!(posting_id, error = %e, "matching failed; will retry when the lease ends")
            }
        }
        done += 1;
    }
    Ok(done)
}

/// Runs the matcher every 200 ms.
pub async fn run_matcher(state: Arc<Data<AppState>>) {
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let st = state.clone();
        match tokio::task::spawn_blocking(move || match_queued(&st, 50)).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "matcher pass failed"),
            Err(e) => tracing::error!(error = %e, "matcher pass panicked"),
        }
    }
}

pub async fn run_periodic(state: Arc<Data<AppState>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        match run_once(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(expired = n, "expired postings"),
            Err(e) => tracing::warn!(error = %e, "periodic job failed"),
        }
    }
}

/// Logs a full build's progress every 5 seconds (`/readyz` is 503 meanwhile).
fn build_progress(started: std::time::Instant) -> impl FnMut(u64, u64) {
    let mut last = started;
    move |done, total| {
        if last.elapsed() >= Duration::from_secs(5) {
            last = std::time::Instant::now();
            let secs = started.elapsed().as_secs_f64();
            let rate = done as f64 / secs.max(1e-9);
            tracing::info!(
                done,
                total,
                percent = (done * 100).checked_div(total).unwrap_or(100),
                docs_per_sec = rate.round(),
                eta_secs = ((total.saturating_sub(done)) as f64 / rate.max(1.0)).round(),
                "building the search index"
            );
        }
    }
}

/// Builds the index if it is new, then applies the change feed every 100 ms.
pub async fn run_indexer(state: Arc<Data<AppState>>) {
    use crate::search::indexer;
    if !state.search.is_ready() {
        let st = state.clone();
        let started = std::time::Instant::now();
        let built = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
            let mut conn = st.pool.get()?;
            indexer::build_all(&st.search, &mut conn, build_progress(started))
        })
        .await;
        match built {
            Ok(Ok(n)) => tracing::info!(
                postings = n,
                secs = started.elapsed().as_secs_f64(),
                "search index built"
            ),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "search index build failed; retrying from the change feed")
            }
            Err(e) => tracing::error!(error = %e, "search index build panicked"),
        }
    }
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let st = state.clone();
        let result = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
            if !st.search.is_ready() {
                let mut conn = st.pool.get()?;
                let started = std::time::Instant::now();
                indexer::build_all(&st.search, &mut conn, build_progress(started))?;
            }
            let mut conn = st.pool.get()?;
            indexer::catch_up(&st.search, &mut conn)
        })
        .await;
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "search indexer pass failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Err(e) => tracing::error!(error = %e, "search indexer pass panicked"),
        }
    }
}
