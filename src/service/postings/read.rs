//! Reading needs and offers: one posting with its visibility rules (published offers are
//! public; published needs are for users of verified organisations and admins; owners and
//! moderators always see a posting, with its timeline) and the lists.

use std::collections::HashMap;

use diesel::prelude::*;

use super::load_of_kind;
use crate::auth::{Actor, NeedAudience};
use crate::db::models::{Organization, Park, Posting, PostingEvent};
use crate::db::schema::{organizations, parks, posting_events, postings};
use crate::db::DbConn;
use crate::domain::{Category, PostingKind, PostingStatus};
use crate::error::{AppError, AppResult};
use crate::service::views::{ListView, PostingView, TimelineEntry};
use crate::service::Paging;

/// May `actor` read `p`? Owners and its moderators always see it with its timeline; published
/// offers are public; published needs are for those `Actor::may_read_need` admits.
fn read_access(actor: Option<&Actor>, p: &Posting) -> AppResult<bool> {
    if let Some(a) = actor {
        if a.owns_org(p.organization_id) || a.moderates(PostingKind::from_db(&p.kind), p.park_id) {
            return Ok(true);
        }
    }
    if p.status != PostingStatus::Published.as_str() {
        return Err(AppError::NotFound);
    }
    match (PostingKind::from_db(&p.kind), actor) {
        (PostingKind::Offer, _) => Ok(false),
        (PostingKind::Need, Some(a)) if a.may_read_need(p.organization_id, p.park_id) => Ok(false),
        (PostingKind::Need, Some(a)) => Err(a.refuse(NeedAudience::REFUSAL)),
        (PostingKind::Need, None) => Err(AppError::Unauthorized),
    }
}

pub fn timeline(conn: &mut DbConn, posting_id: i64) -> AppResult<Vec<TimelineEntry>> {
    let rows: Vec<PostingEvent> = posting_events::table
        .filter(posting_events::posting_id.eq(posting_id))
        .order(posting_events::id.asc())
        .select(PostingEvent::as_select())
        .load(conn)?;
    Ok(rows.iter().map(TimelineEntry::from).collect())
}

/// Builds views for many rows with two extra queries (organisations, parks).
pub fn views(conn: &mut DbConn, rows: &[Posting]) -> AppResult<Vec<PostingView>> {
    let org_ids: Vec<i64> = rows.iter().map(|p| p.organization_id).collect();
    let park_ids: Vec<i64> = rows.iter().filter_map(|p| p.park_id).collect();
    let orgs: HashMap<i64, Organization> = organizations::table
        .filter(organizations::id.eq_any(&org_ids))
        .select(Organization::as_select())
        .load(conn)?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let parks_by_id: HashMap<i64, Park> = parks::table
        .filter(parks::id.eq_any(&park_ids))
        .select(Park::as_select())
        .load(conn)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    rows.iter()
        .map(|p| {
            let org = orgs
                .get(&p.organization_id)
                .ok_or_else(|| AppError::internal("posting without organisation"))?;
            let park = p.park_id.and_then(|id| parks_by_id.get(&id));
            Ok(PostingView::new(p, org, park, None))
        })
        .collect()
}

pub fn view(conn: &mut DbConn, p: &Posting, with_timeline: bool) -> AppResult<PostingView> {
    let mut v = views(conn, std::slice::from_ref(p))?
        .pop()
        .ok_or(AppError::NotFound)?;
    if with_timeline {
        v.timeline = Some(timeline(conn, p.id)?);
    }
    Ok(v)
}

pub fn get(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    kind: PostingKind,
    id: i64,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    let privileged = read_access(actor, &p)?;
    view(conn, &p, privileged)
}

pub struct ListFilter {
    pub mine: bool,
    pub status: Option<PostingStatus>,
    pub category: Option<Category>,
    pub organization_id: Option<i64>,
}

pub fn list(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    kind: PostingKind,
    f: &ListFilter,
    paging: Paging,
) -> AppResult<ListView<PostingView>> {
    // Work out the set the caller may list, then filter it.
    let mut own_org = None;
    let mut park_scope = None;
    let status = if f.mine {
        let a = actor.ok_or(AppError::Unauthorized)?;
        own_org = Some(
            a.organization_id
                .ok_or_else(|| a.refuse("administrators have no postings of their own"))?,
        );
        f.status
    } else {
        if kind == PostingKind::Need {
            match (actor, NeedAudience::of(actor)) {
                (None, _) => return Err(AppError::Unauthorized),
                (Some(a), NeedAudience::OwnOnly) => return Err(a.refuse(NeedAudience::REFUSAL)),
                (_, NeedAudience::Park(park)) => park_scope = Some(park),
                (_, NeedAudience::All) => {}
            }
        }
        match f.status {
            None | Some(PostingStatus::Published) => Some(PostingStatus::Published),
            Some(other) => {
                let a = actor.ok_or(AppError::Unauthorized)?;
                if !a.is_admin() {
                    return Err(
                        a.refuse("only administrators may list unpublished postings of others")
                    );
                }
                if kind == PostingKind::Need && !a.is_platform_admin() {
                    park_scope = a.park_id;
                }
                if kind == PostingKind::Offer && !a.is_platform_admin() {
                    return Err(a.refuse("offers are moderated by platform administrators"));
                }
                Some(other)
            }
        }
    };
    let filtered = || {
        let mut q = postings::table
            .filter(postings::kind.eq(kind.as_str()))
            .into_boxed();
        if let Some(org) = own_org {
            q = q.filter(postings::organization_id.eq(org));
        }
        if let Some(org) = f.organization_id {
            q = q.filter(postings::organization_id.eq(org));
        }
        if let Some(park) = park_scope {
            q = q.filter(postings::park_id.eq(park));
        }
        if let Some(s) = status {
            q = q.filter(postings::status.eq(s.as_str()));
        }
        if let Some(c) = f.category {
            q = q.filter(postings::category.eq(c.as_str()));
        }
        q
    };
    // Counted up to the cap only (an index probe for the row past it), so a page costs the same
    // whatever the list's length.
    let beyond: Option<i64> = filtered()
        .select(postings::id)
        .offset(crate::service::COUNT_CAP)
        .limit(1)
        .first(conn)
        .optional()?;
    let (total, total_capped) = match beyond {
        Some(_) => (crate::service::COUNT_CAP, true),
        None => (filtered().count().get_result(conn)?, false),
    };
    let rows: Vec<Posting> = filtered()
        .order((postings::published_at.desc(), postings::id.desc()))
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(Posting::as_select())
        .load(conn)?;
    Ok(ListView {
        items: views(conn, &rows)?,
        total,
        page: paging.page,
        per_page: paging.per_page,
        total_capped,
    })
}
