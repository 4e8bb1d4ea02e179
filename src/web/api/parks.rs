use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::schemas;
use super::{created, ok};
use crate::auth::{MaybeUser, PlatformAdminOnly, Require};
use crate::domain::{CityCode, ParkKind};
use crate::error::{AppError, AppResult};
use crate::service::{admin, parks};
use crate::state::AppState;
use crate::web::body::RawBody;

#[derive(Deserialize)]
pub struct ParkQuery {
    city_code: Option<String>,
    kind: Option<String>,
    page: Option<i64>,
    per_page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/parks",
    tag = "parks",
    summary = "The parks",
    params(("city_code" = Option<crate::domain::CityCode>, Query), ("kind" = Option<crate::domain::ParkKind>, Query), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
    responses((status = 200, body = crate::service::views::ListView<crate::service::views::ParkView>), (status = 400))
)]
pub async fn list(state: web::Data<AppState>, q: web::Query<ParkQuery>) -> AppResult<HttpResponse> {
    let paging = crate::service::Paging::parse(q.page, q.per_page)?;
    let city = match q.city_code.as_deref().filter(|s| !s.is_empty()) {
        Some(c) => Some(
            CityCode::parse(c)
                .map_err(|_| AppError::BadRequest(format!("unknown city_code {c:?}")))?,
        ),
        None => None,
    };
    let kind = match q.kind.as_deref().filter(|s| !s.is_empty()) {
        Some(k) => Some(
            ParkKind::parse(k).map_err(|_| AppError::BadRequest(format!("unknown kind {k:?}")))?,
        ),
        None => None,
    };
    let list = state
        .db(move |c| parks::list(c, city.map(|c| c.as_str()), kind, paging))
        .await?;
    Ok(ok(list))
}

#[utoipa::path(
    post,
    path = "/api/v1/admin/parks",
    tag = "admin",
    summary = "Add a park",
    request_body = schemas::ParkBody,
    security(("bearer" = [])),
    responses((status = 201, body = crate::service::views::ParkView), (status = 400), (status = 401), (status = 403), (status = 409), (status = 413), (status = 422))
)]
pub async fn create(
    state: web::Data<AppState>,
    Require(actor, ..): Require<PlatformAdminOnly>,
    body: RawBody,
) -> AppResult<HttpResponse> {
    let input = parks::parse(&body.json()?)?;
    let now = state.clock.now().naive_utc();
    let park = state
        .tx(move |c| parks::create(c, &actor, &input, now))
        .await?;
    Ok(created(crate::service::views::ParkView::from(&park)))
}

#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "parks",
    summary = "An organisation's public profile (contact only for itself, admins and connected counterparts)",
    params(("id" = i64, Path, description = "organization id")),
    security((), ("bearer" = [])),
    responses((status = 200, body = crate::service::views::OrganizationView), (status = 401), (status = 404))
)]
pub async fn organization(
    state: web::Data<AppState>,
    MaybeUser(actor): MaybeUser,
    id: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let view = state
        .db(move |c| admin::organization_profile(c, actor.as_ref(), id))
        .await?;
    Ok(ok(view))
}
