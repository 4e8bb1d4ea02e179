//! `/needs` and `/offers`: posting, reading, listing, editing, submitting and closing. Each
//! handler is declared once for both kinds (`kind_words!` puts in the kind's words), so the
//! need handler and its offer twin cannot drift apart.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::schemas;
use super::{created, ok};
use crate::auth::{Actor, AuthUser, MaybeUser, ProviderOnly, Require, SmeOnly};
use crate::domain::posting::Draft;
use crate::domain::{Category, PostingKind, PostingStatus, Role};
use crate::error::{AppError, AppResult};
use crate::service::postings::{self, ListFilter, PostingPatch};
use crate::state::AppState;
use crate::web::body::RawBody;

/// `POST /needs` (SME users) and `POST /offers` (provider users).
macro_rules! create {
    ($name:ident, $kind:ident, $policy:ident, $body:ident, $who:literal) => {
        #[utoipa::path(
            post,
            path = concat!("/api/v1/", kind_words!($kind, plural)),
            tag = "postings",
            summary = concat!("Post ", kind_words!($kind, a)),
            description = concat!($who, " users only. Sent for review unless `submit` is false."),
            request_body = schemas::$body,
            security(("bearer" = [])),
            responses((status = 201, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 413), (status = 422))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            Require(actor, ..): Require<$policy>,
            body: RawBody,
        ) -> AppResult<HttpResponse> {
            let now = state.clock.now();
            let draft = Draft::parse(PostingKind::$kind, &body.json()?, now)?;
            let view = state
                .tx(move |c| postings::create(c, &actor, draft, now))
                .await?;
            Ok(created(view))
        }
    };
}

create!(create_need, Need, SmeOnly, NeedBody, "SME");
create!(create_offer, Offer, ProviderOnly, OfferBody, "Provider");

/// `GET /needs/{id}` and `GET /offers/{id}`.
macro_rules! get {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            get,
            path = concat!("/api/v1/", kind_words!($kind, plural), "/{id}"),
            tag = "postings",
            summary = concat!("One ", kind_words!($kind, noun)),
            description = kind_words!($kind, read_one),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            security((), ("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            MaybeUser(actor): MaybeUser,
            id: web::Path<i64>,
        ) -> AppResult<HttpResponse> {
            let id = id.into_inner();
            let view = state
                .db(move |c| postings::get(c, actor.as_ref(), PostingKind::$kind, id))
                .await?;
            Ok(ok(view))
        }
    };
}

get!(get_need, Need);
get!(get_offer, Offer);

#[derive(Deserialize)]
pub struct ListQuery {
    mine: Option<bool>,
    status: Option<String>,
    category: Option<String>,
    organization_id: Option<i64>,
    page: Option<i64>,
    per_page: Option<i64>,
}

impl ListQuery {
    fn filter(&self) -> AppResult<ListFilter> {
        let bad = |what: &str, v: &str| AppError::BadRequest(format!("unknown {what} {v:?}"));
        Ok(ListFilter {
            mine: self.mine.unwrap_or(false),
            status: match self.status.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(PostingStatus::parse(s).map_err(|_| bad("status", s))?),
                None => None,
            },
            category: match self.category.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(Category::parse(s).map_err(|_| bad("category", s))?),
                None => None,
            },
            organization_id: self.organization_id,
        })
    }
}

/// `GET /needs` and `GET /offers`.
macro_rules! list {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            get,
            path = concat!("/api/v1/", kind_words!($kind, plural)),
            tag = "postings",
            summary = concat!("Published ", kind_words!($kind, plural), ", newest first (or the caller's own with mine=true)"),
            description = kind_words!($kind, read_list),
            params(("mine" = Option<bool>, Query, description = "the caller's own postings, any status"), ("status" = Option<crate::domain::PostingStatus>, Query), ("category" = Option<crate::domain::Category>, Query), ("organization_id" = Option<i64>, Query), ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "1 by default"), ("per_page" = Option<i64>, Query, minimum = 1, maximum = 100, description = "20 by default")),
            security((), ("bearer" = [])),
            responses((status = 200, body = crate::service::views::ListView<crate::service::views::PostingView>), (status = 400), (status = 401), (status = 403))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            MaybeUser(actor): MaybeUser,
            q: web::Query<ListQuery>,
        ) -> AppResult<HttpResponse> {
            let paging = crate::service::Paging::parse(q.page, q.per_page)?;
            let filter = q.filter()?;
            let list = state
                .db(move |c| postings::list(c, actor.as_ref(), PostingKind::$kind, &filter, paging))
                .await?;
            Ok(ok(list))
        }
    };
}

list!(list_needs, Need);
list!(list_offers, Offer);

/// `PATCH /needs/{id}` and `PATCH /offers/{id}`.
macro_rules! update {
    ($name:ident, $kind:ident, $policy:ident) => {
        #[utoipa::path(
            patch,
            path = concat!("/api/v1/", kind_words!($kind, plural), "/{id}"),
            tag = "postings",
            summary = concat!("Change ", kind_words!($kind, a), " (a published one goes back to review)"),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            request_body = schemas::PostingPatch,
            security(("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 413), (status = 422))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            Require(actor, ..): Require<$policy>,
            id: web::Path<i64>,
            body: RawBody,
        ) -> AppResult<HttpResponse> {
            let (id, now) = (id.into_inner(), state.clock.now());
            let patch = body.json().and_then(PostingPatch::parse);
            let view = state
                .tx(move |c| postings::update(c, &actor, PostingKind::$kind, id, patch, now))
                .await?;
            Ok(ok(view))
        }
    };
}

update!(update_need, Need, SmeOnly);
update!(update_offer, Offer, ProviderOnly);

/// The owner's `submit` and `close`. The role is checked here, before the posting is looked up,
/// so that the other side's users are refused without learning whether the posting exists.
async fn owner_action(
    state: web::Data<AppState>,
    actor: Actor,
    kind: PostingKind,
    id: i64,
    close: bool,
) -> AppResult<HttpResponse> {
    let owners = match kind {
        PostingKind::Need => Role::Sme,
        PostingKind::Offer => Role::Provider,
    };
    if actor.role != owners {
        return Err(actor.refuse("only the posting's own organisation may change it"));
    }
    let now = state.clock.now();
    let view = state
        .tx(move |c| match close {
            true => postings::close(c, &actor, kind, id, now),
            false => postings::submit(c, &actor, kind, id, now),
        })
        .await?;
    Ok(ok(view))
}

/// `POST /needs/{id}/submit` and `POST /offers/{id}/submit`.
macro_rules! submit {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            post,
            path = concat!("/api/v1/", kind_words!($kind, plural), "/{id}/submit"),
            tag = "postings",
            summary = concat!("Send a draft ", kind_words!($kind, noun), " for review"),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            security(("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            AuthUser(a): AuthUser,
            id: web::Path<i64>,
        ) -> AppResult<HttpResponse> {
            owner_action(state, a, PostingKind::$kind, id.into_inner(), false).await
        }
    };
}

submit!(submit_need, Need);
submit!(submit_offer, Offer);

/// `POST /needs/{id}/close` and `POST /offers/{id}/close`.
macro_rules! close {
    ($name:ident, $kind:ident) => {
        #[utoipa::path(
            post,
            path = concat!("/api/v1/", kind_words!($kind, plural), "/{id}/close"),
            tag = "postings",
            summary = concat!("Close ", kind_words!($kind, a)),
            params(("id" = i64, Path, description = concat!(kind_words!($kind, noun), " id"))),
            security(("bearer" = [])),
            responses((status = 200, body = crate::service::views::PostingView), (status = 401), (status = 403), (status = 404), (status = 409))
        )]
        pub async fn $name(
            state: web::Data<AppState>,
            AuthUser(a): AuthUser,
            id: web::Path<i64>,
        ) -> AppResult<HttpResponse> {
            owner_action(state, a, PostingKind::$kind, id.into_inner(), true).await
        }
    };
}

close!(close_need, Need);
close!(close_offer, Offer);
