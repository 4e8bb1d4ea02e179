//! Background work inside `serve`: the search indexer and the periodic jobs (expiring postings).
//! Each pass is safe to run on several instances at once.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Data;

use crate::error::AppResult;
use crate::service::postings;
use crate::state::AppState;

/// One pass of every periodic job; returns how many postings expired.
pub async fn run_once(state: &AppState) -> AppResult<usize> {
    let now = state.clock.now();
    state.tx(move |c| postings::expire_due(c, now)).await
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

/// Builds the index if it is new, then applies the change feed every 100 ms.
pub async fn run_indexer(state: Arc<Data<AppState>>) {
    use crate::search::indexer;
    if !state.search.is_ready() {
        let st = state.clone();
        let started = std::time::Instant::now();
        let built = tokio::task::spawn_blocking(move || -> anyhow::Result<u64> {
            let mut conn = st.pool.get()?;
            indexer::build_all(&st.search, &mut conn, |_, _| {})
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
                indexer::build_all(&st.search, &mut conn, |_, _| {})?;
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
