use actix_web::{web, HttpResponse};

use super::ok;
use crate::auth::MaybeUser;
use crate::error::AppResult;
use crate::search::params::SearchQuery;
use crate::state::AppState;

/// `GET /api/v1/search`: offers for anyone; needs as `NeedAudience` allows.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    summary = "Full-text search over published needs and offers, with facets",
    description = "Offers are public. Needs are found (and counted in the facets) only by users of verified platform companies and platform admins, and by a park admin for their park; for everyone else a search without `type` covers offers only, and `type=need` is refused (401/403).",
    params(("q" = Option<String>, Query, max_length = 200, description = "words, Chinese or Latin; no syntax"), ("type" = Option<crate::domain::PostingKind>, Query, description = "need: users of verified platform companies and admins only"), ("category" = Option<crate::domain::Category>, Query), ("city_code" = Option<crate::domain::CityCode>, Query), ("park_id" = Option<i64>, Query), ("industry" = Option<crate::domain::Industry>, Query), ("amount_yuan" = Option<i64>, Query, description = "needs asking this amount, offers whose range contains it"), ("sort" = Option<String>, Query, description = "relevance (default) or newest"), ("page" = Option<i64>, Query, minimum = 1, description = "page × per_page ≤ 10000"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100)),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::search::query::SearchResult), (status = 400), (status = 401), (status = 403), (status = 422))
)]
pub async fn search(
    state: web::Data<AppState>,
    MaybeUser(actor): MaybeUser,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let result = crate::service::searching::run(&state, actor.as_ref(), &q).await?;
    Ok(ok(result))
}
