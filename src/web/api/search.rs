use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::MaybeUser;
use crate::domain::PostingKind;
use crate::error::{AppError, AppResult};
use crate::search::params::SearchQuery;
use crate::search::query;
use crate::state::AppState;

/// `GET /api/v1/search`: needs only for users of verified organisations and admins.
pub async fn search(
    state: web::Data<AppState>,
    MaybeUser(actor): MaybeUser,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let can_see_needs = actor.as_ref().is_some_and(|a| a.may_see_needs());
    let params = q.params(can_see_needs)?;
    if params.kind == Some(PostingKind::Need) && !can_see_needs {
        return Err(match &actor {
            None => AppError::Unauthorized,
            Some(a) => a.refuse("needs are visible to users of verified organisations"),
        });
    }
    if !state.search.is_ready() {
        return Err(AppError::Unavailable);
    }
    let index = state.search.clone();
    let result = web::block(move || query::search(&index, &params))
        .await?
        .map_err(AppError::internal)?;
    Ok(ok(result))
}
