use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::MaybeUser;
use crate::error::AppResult;
use crate::search::params::SearchQuery;
use crate::state::AppState;

/// `GET /api/v1/search`: needs only for users of verified organisations and admins.
pub async fn search(
    state: web::Data<AppState>,
    MaybeUser(actor): MaybeUser,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let result = crate::service::searching::run(&state, actor.as_ref(), &q).await?;
    Ok(ok(result))
}
