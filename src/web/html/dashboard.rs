//! "My dashboard": the organisation's postings, each with its status timeline and the way to
//! its matches; what to do next when the organisation is not verified yet.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{render, see_other, Chrome, Routes, SignedIn};
use crate::domain::{OrgStatus, PostingKind, PostingStatus, Role};
use crate::error::AppResult;
use crate::service::postings::{self, ListFilter};
use crate::service::todo::{self, Todo};
use crate::service::views::{OrganizationView, PostingView};
use crate::service::{accounts, Paging};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/dashboard", dashboard);
}

#[derive(Template)]
#[template(path = "pages/dashboard.html")]
struct DashboardPage {
    c: Chrome,
    kind: PostingKind,
    org: Option<OrganizationView>,
    postings: Vec<PostingView>,
    todo: Todo,
}

async fn dashboard(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
) -> AppResult<HttpResponse> {
    let kind = match a.role {
        Role::Sme => PostingKind::Need,
        Role::Provider => PostingKind::Offer,
        Role::ParkAdmin | Role::PlatformAdmin => return Ok(see_other("/admin", None)),
    };
    let (org, postings, todo) = state
        .db(move |conn| {
            let todo = todo::todo(conn, &a)?;
            let (_, org) = accounts::me(conn, a.user_id)?;
            let filter = ListFilter {
                mine: true,
                status: None,
                category: None,
                organization_id: None,
            };
            let paging = Paging {
                page: 1,
                per_page: 100,
            };
            let mut list = postings::list(conn, Some(&a), kind, &filter, paging)?.items;
            for p in &mut list {
                p.timeline = Some(postings::timeline(conn, p.id)?);
            }
            Ok((org, list, todo))
        })
        .await?;
    render(DashboardPage {
        c,
        kind,
        org,
        postings,
        todo,
    })
}
