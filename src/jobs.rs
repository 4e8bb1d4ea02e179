//! Periodic work inside `serve`: expiring postings. Each pass is one transaction and safe to run
//! on several instances at once.

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
