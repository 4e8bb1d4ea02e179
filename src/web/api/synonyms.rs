//! Synonym groups for search (and matching), added and removed by platform admins at run time.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{created, ok};
use crate::auth::{PlatformAdminOnly, Require};
use crate::error::AppResult;
use crate::service::synonyms::{self, NewGroup, Which};
use crate::service::Paging;
use crate::state::AppState;
use crate::web::body::RawBody;

/// A new synonym group.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SynonymGroupBody {
    /// 2 to 20 terms, each 1 to 40 characters, no two alike (case, width and the spaces between
    /// Latin letters aside); the first names the group. Chinese, English or both.
    #[schema(min_items = 2, max_items = 20, example = json!(["稳岗返还", "失业保险返还", "job retention subsidy"]))]
    terms: Vec<String>,
    /// Why, for the audit log (at most 500 characters).
    note: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    source: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/admin/synonyms",
    tag = "admin",
    summary = "Synonym groups: the admins' (newest first), then the shipped ones",
    params(("source" = Option<String>, Query, description = "admin, shipped or all (default)"), ("page" = Option<i64>, Query, minimum = 1), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100)),
    security(("bearer" = [])),
    responses((status = 200, body = synonyms::SynonymList), (status = 400), (status = 401), (status = 403))
)]
pub async fn list(
    state: web::Data<AppState>,
    Require(..): Require<PlatformAdminOnly>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let which = Which::parse(q.source.as_deref())?;
    let paging = Paging::parse(q.page, q.per_page)?;
    let list = state.db(move |c| synonyms::list(c, which, paging)).await?;
    Ok(ok(list))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/synonyms",
    tag = "admin",
    summary = "Add a synonym group: in force on every instance within about a second, no reindex",
    request_body = SynonymGroupBody,
    security(("bearer" = [])),
    responses((status = 201, body = synonyms::SynonymGroupView), (status = 400), (status = 401), (status = 403), (status = 409, description = "the same group exists, or there are 1000 already"), (status = 413), (status = 422))
)]
pub async fn add(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let group = NewGroup::parse(&body.json()?)?;
    let now = state.clock.now().naive_utc();
    let view = state
        .tx(move |c| synonyms::add(c, &actor, &group, now))
        .await?;
    in_force_here(&state).await?;
    Ok(created(view))
}

#[utoipa::path(
    delete,
    path = "/api/v1/admin/synonyms/{id}",
    tag = "admin",
    summary = "Remove an admin's synonym group (shipped groups change with a release)",
    params(("id" = i64, Path, description = "synonym group id")),
    security(("bearer" = [])),
    responses((status = 204, description = "removed"), (status = 401), (status = 403), (status = 404))
)]
pub async fn remove(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now().naive_utc());
    state
        .tx(move |c| synonyms::remove(c, &actor, id, now))
        .await?;
    in_force_here(&state).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This instance at once; the others within a poll.
pub async fn in_force_here(state: &web::Data<AppState>) -> AppResult<()> {
    let index = state.search.clone();
    state.db(move |c| Ok(synonyms::refresh(&index, c)?)).await?;
    Ok(())
}
