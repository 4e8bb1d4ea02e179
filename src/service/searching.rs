//! Full-text search as a use case: which needs the caller may read, and the index's readiness,
//! decided once for the API and the pages.

use crate::auth::{Actor, NeedAudience};
use crate::domain::PostingKind;
use crate::error::{AppError, AppResult};
use crate::search::params::SearchQuery;
use crate::search::query::{self, SearchResult};
use crate::state::AppState;

/// Offers for everyone; needs as `NeedAudience` allows (a search without `type` leaves out the
/// needs the caller may not read, facets included; `type=need` is refused to those who may read
/// none).
pub async fn run(
    state: &AppState,
    actor: Option<&Actor>,
    q: &SearchQuery,
) -> AppResult<SearchResult> {
    let needs = NeedAudience::of(actor);
    let params = q.params(needs)?;
    if params.kind == Some(PostingKind::Need) && !needs.reads_others() {
        return Err(match actor {
            None => AppError::Unauthorized,
            Some(a) => a.refuse(NeedAudience::REFUSAL),
        });
    }
    if !state.search.is_ready() {
        return Err(AppError::Unavailable);
    }
    if let Some(hit) = query::cached(&state.search, &params) {
        return Ok(hit);
    }
    let index = state.search.clone();
    actix_web::web::block(move || query::search(&index, &params))
        .await?
        .map_err(AppError::internal)
}
