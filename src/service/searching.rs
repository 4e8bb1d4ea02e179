//! Full-text search as a use case: who may see needs, and the index's readiness, decided once
//! for the API and the pages.

use crate::auth::Actor;
use crate::domain::PostingKind;
use crate::error::{AppError, AppResult};
use crate::search::params::SearchQuery;
use crate::search::query::{self, SearchResult};
use crate::state::AppState;

/// Needs are visible only to users of verified organisations and to admins.
pub async fn run(
    state: &AppState,
    actor: Option<&Actor>,
    q: &SearchQuery,
) -> AppResult<SearchResult> {
    let can_see_needs = actor.is_some_and(|a| a.may_see_needs());
    let params = q.params(can_see_needs)?;
    if params.kind == Some(PostingKind::Need) && !can_see_needs {
        return Err(match actor {
            None => AppError::Unauthorized,
            Some(a) => a.refuse("needs are visible to users of verified organisations"),
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
