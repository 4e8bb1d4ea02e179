//! Needs and offers: posting, editing, the review states, reading with its visibility rules,
//! and expiry. Every visibility change writes a change-feed row in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{json, Map, Value};

use super::views::{ListView, PostingView, TimelineEntry};
use super::{audit, record_change, Paging};
use crate::auth::Actor;
use crate::db::models::{
    NewPosting, NewPostingEvent, Organization, Park, Posting, PostingContent, PostingEvent,
};
use crate::db::schema::{organizations, parks, posting_events, postings};
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::posting::{Draft, DEFAULT_LIFETIME_DAYS};
use crate::domain::{parse_text, Category, OrgStatus, PostingKind, PostingStatus, RejectCode};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::notify::mail::{PostingMail, PostingRejectedMail};
use crate::notify::{outbox, Mail};

pub fn load(conn: &mut DbConn, id: i64) -> AppResult<Posting> {
    Ok(postings::table
        .find(id)
        .select(Posting::as_select())
        .first(conn)?)
}

fn load_org(conn: &mut DbConn, id: i64) -> AppResult<Organization> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)?)
}

fn load_of_kind(conn: &mut DbConn, kind: PostingKind, id: i64) -> AppResult<Posting> {
    let p = load(conn, id)?;
    if p.kind != kind.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

#[allow(clippy::too_many_arguments)]
fn event(
    conn: &mut DbConn,
    posting_id: i64,
    actor: Option<&Actor>,
    action: &str,
    status: PostingStatus,
    reason_code: Option<&str>,
    note: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(posting_events::table)
        .values(NewPostingEvent {
            posting_id,
            actor_user_id: actor.map(|a| a.user_id),
            action,
            status: status.as_str(),
            reason_code,
            note,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}

fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: PostingStatus,
    now: NaiveDateTime,
) -> AppResult<()> {
    diesel::update(postings::table.find(id))
        .set((
            postings::status.eq(status.as_str()),
            postings::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether the caller owns the posting, or moderates it (needs: the park's admins; offers:
/// platform admins).
fn moderates(actor: &Actor, p: &Posting) -> bool {
    match PostingKind::from_db(&p.kind) {
        PostingKind::Need => actor.moderates_park(p.park_id),
        PostingKind::Offer => actor.is_platform_admin(),
    }
}

/// May `actor` read `p`? Owners and admins always see it with its timeline; published offers
/// are public; published needs are for users of verified organisations and admins.
fn read_access(actor: Option<&Actor>, p: &Posting) -> AppResult<bool> {
    if let Some(a) = actor {
        if a.owns_org(p.organization_id) || moderates(a, p) {
            return Ok(true);
        }
    }
    if p.status != PostingStatus::Published.as_str() {
        return Err(AppError::NotFound);
    }
    match (PostingKind::from_db(&p.kind), actor) {
        (PostingKind::Offer, _) => Ok(false),
        (PostingKind::Need, Some(a)) if a.may_see_needs() => Ok(a.is_admin()),
        (PostingKind::Need, Some(a)) => {
            Err(a.refuse("published needs are visible to users of verified organisations"))
        }
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

fn to_naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

fn list_json<T: AsRef<str>>(items: impl Iterator<Item = T>) -> String {
    Value::Array(
        items
            .map(|s| Value::String(s.as_ref().to_string()))
            .collect(),
    )
    .to_string()
}

/// Posts a need (SME) or offer (provider) for the caller's organisation.
pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    draft: Draft,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let org_id = actor
        .organization_id
        .ok_or_else(|| actor.refuse("only users of an organisation may post"))?;
    let org = load_org(conn, org_id)?;
    if OrgStatus::from_db(&org.status) == OrgStatus::Rejected {
        return Err(AppError::conflict(
            "企业认证未通过，暂不能发布。请联系园区管理员",
            "your organisation was not verified, so it cannot post: contact your park administrator",
        ));
    }
    let park = match org.park_id {
        Some(id) => super::parks::find(conn, id)?,
        None => None,
    };
    let n = to_naive(now);
    let status = if draft.submit {
        PostingStatus::PendingReview
    } else {
        PostingStatus::Draft
    };
    let details = draft.details.to_json().to_string();
    let (amount, amount_min, amount_max) = draft.details.amounts();
    let expires = draft
        .expires_at
        .unwrap_or(now + Duration::days(DEFAULT_LIFETIME_DAYS));
    let p: Posting = diesel::insert_into(postings::table)
        .values(NewPosting {
            kind: draft.kind.as_str(),
            organization_id: org.id,
            park_id: park.as_ref().map(|p| p.id),
            city_code: park.as_ref().map(|p| p.city_code.as_str()),
            category: draft.category.as_str(),
            title: &draft.title,
            description: &draft.description,
            details: &details,
            regions: &list_json(draft.audience.regions.iter().map(|c| c.as_str())),
            industries: &list_json(draft.audience.industries.iter().map(|i| i.as_str())),
            sizes: &list_json(draft.audience.sizes.iter().map(|s| s.as_str())),
            amount_yuan: amount,
            amount_min_yuan: amount_min,
            amount_max_yuan: amount_max,
            status: status.as_str(),
            expires_at: to_naive(expires),
            submitted_at: draft.submit.then_some(n),
            published_at: None,
            created_by: actor.user_id,
            created_at: n,
            updated_at: n,
        })
        .returning(postings::all_columns)
        .get_result(conn)?;
    event(
        conn,
        p.id,
        Some(actor),
        "created",
        PostingStatus::Draft,
        None,
        None,
        n,
    )?;
    if draft.submit {
        event(conn, p.id, Some(actor), "submitted", status, None, None, n)?;
    }
    view(conn, &p, true)
}

/// The posting as a request body, so an edit can be parsed by the same rules as a new posting.
fn as_body(p: &Posting) -> Value {
    let mut body = json!({
        "category": p.category,
        "title": p.title,
        "description": p.description,
        "expires_at": p.expires_at.and_utc().to_rfc3339(),
    });
    body[p.category.as_str()] = serde_json::from_str(&p.details).unwrap_or(Value::Null);
    if p.kind == "offer" {
        for (key, raw) in [
            ("regions", &p.regions),
            ("industries", &p.industries),
            ("sizes", &p.sizes),
        ] {
            body[key] = serde_json::from_str(raw).unwrap_or(Value::Array(vec![]));
        }
    }
    body
}

/// Applies a partial update: top-level keys replace, the details object merges key by key.
fn merge_patch(p: &Posting, patch: &Map<String, Value>) -> AppResult<(Value, bool)> {
    let mut body = as_body(p);
    let mut errs = FieldErrors::new();
    let mut submit = false;
    for (key, value) in patch {
        match key.as_str() {
            "category" => {
                if value.as_str() != Some(p.category.as_str()) {
                    errs.add(
                        "category",
                        Problem::Custom {
                            zh: "类别不能修改，请关闭后重新发布".into(),
                            en: "the category cannot change: close this posting and post a new one"
                                .into(),
                        },
                    );
                }
            }
            "submit" => match value {
                Value::Bool(b) => submit = *b,
                Value::Null => {}
                _ => errs.add(
                    "submit",
                    Problem::WrongType {
                        expected: "boolean".into(),
                    },
                ),
            },
            k if k == p.category => match (body.get_mut(k), value) {
                (Some(Value::Object(current)), Value::Object(changes)) => {
                    for (ck, cv) in changes {
                        current.insert(ck.clone(), cv.clone());
                    }
                }
                _ => body[k] = value.clone(),
            },
            "expires_at" if value.is_null() => {}
            _ => body[key.as_str()] = value.clone(),
        }
    }
    errs.into_result()?;
    Ok((body, submit))
}

fn require_owner(actor: &Actor, p: &Posting) -> AppResult<()> {
    if actor.owns_org(p.organization_id) {
        return Ok(());
    }
    if p.status == PostingStatus::Published.as_str() || actor.is_admin() {
        Err(actor.refuse("only the posting's own organisation may change it"))
    } else {
        Err(AppError::NotFound)
    }
}

pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    require_owner(actor, &p)?;
    // The body is looked at only once the caller may change the posting.
    let Value::Object(patch) = body? else {
        return Err(AppError::BadRequest(
            "the body must be a JSON object / 请求体必须是 JSON 对象".into(),
        ));
    };
    let status = PostingStatus::from_db(&p.status);
    if matches!(status, PostingStatus::Closed | PostingStatus::Expired) {
        return Err(AppError::conflict(
            "已关闭或已过期的发布不能修改，请重新发布",
            "a closed or expired posting cannot be edited: post a new one",
        ));
    }
    let (body, submit) = merge_patch(&p, &patch)?;
    let draft = Draft::parse(kind, &body, now)?;
    let n = to_naive(now);
    let details = draft.details.to_json().to_string();
    let (amount, amount_min, amount_max) = draft.details.amounts();
    diesel::update(postings::table.find(id))
        .set((
            PostingContent {
                title: &draft.title,
                description: &draft.description,
                details: &details,
                regions: &list_json(draft.audience.regions.iter().map(|c| c.as_str())),
                industries: &list_json(draft.audience.industries.iter().map(|i| i.as_str())),
                sizes: &list_json(draft.audience.sizes.iter().map(|s| s.as_str())),
                amount_yuan: amount,
                amount_min_yuan: amount_min,
                amount_max_yuan: amount_max,
                expires_at: to_naive(
                    draft
                        .expires_at
                        .unwrap_or(now + Duration::days(DEFAULT_LIFETIME_DAYS)),
                ),
            },
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    let next = match status {
        PostingStatus::Published => PostingStatus::PendingReview,
        PostingStatus::Rejected => PostingStatus::Draft,
        other => other,
    };
    let next = if submit && next == PostingStatus::Draft {
        PostingStatus::PendingReview
    } else {
        next
    };
    if next != status {
        set_status(conn, id, next, n)?;
    }
    if next == PostingStatus::PendingReview && status != PostingStatus::PendingReview {
        diesel::update(postings::table.find(id))
            .set((
                postings::submitted_at.eq(n),
                postings::reject_code.eq(None::<String>),
                postings::reject_note.eq(None::<String>),
            ))
            .execute(conn)?;
    } else if next == PostingStatus::Draft && status == PostingStatus::Rejected {
        diesel::update(postings::table.find(id))
            .set((
                postings::reject_code.eq(None::<String>),
                postings::reject_note.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    event(conn, id, Some(actor), "edited", next, None, None, n)?;
    if status == PostingStatus::Published {
        record_change(conn, id, n)?;
    }
    let p = load(conn, id)?;
    view(conn, &p, true)
}

pub fn submit(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    require_owner(actor, &p)?;
    let status = PostingStatus::from_db(&p.status);
    if !matches!(status, PostingStatus::Draft | PostingStatus::Rejected) {
        return Err(AppError::conflict(
            "只有草稿或被驳回的发布可以提交审核",
            "only a draft or a rejected posting can be submitted for review",
        ));
    }
    if p.expires_at <= to_naive(now) {
        return Err(AppError::field("expires_at", Problem::MustBeFuture));
    }
    let n = to_naive(now);
    diesel::update(postings::table.find(id))
        .set((
            postings::status.eq(PostingStatus::PendingReview.as_str()),
            postings::submitted_at.eq(n),
            postings::reject_code.eq(None::<String>),
            postings::reject_note.eq(None::<String>),
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    event(
        conn,
        id,
        Some(actor),
        "submitted",
        PostingStatus::PendingReview,
        None,
        None,
        n,
    )?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

pub fn close(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    require_owner(actor, &p)?;
    let status = PostingStatus::from_db(&p.status);
    if matches!(status, PostingStatus::Closed | PostingStatus::Expired) {
        return Err(AppError::conflict(
            "该发布已关闭或已过期",
            "this posting is already closed or expired",
        ));
    }
    let n = to_naive(now);
    diesel::update(postings::table.find(id))
        .set((
            postings::status.eq(PostingStatus::Closed.as_str()),
            postings::closed_at.eq(n),
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    event(
        conn,
        id,
        Some(actor),
        "closed",
        PostingStatus::Closed,
        None,
        None,
        n,
    )?;
    if status == PostingStatus::Published {
        record_change(conn, id, n)?;
    }
    let p = load(conn, id)?;
    view(conn, &p, true)
}

fn require_moderator(actor: &Actor, p: &Posting) -> AppResult<()> {
    if moderates(actor, p) {
        Ok(())
    } else if p.kind == "offer" {
        Err(actor.refuse("offers are moderated by platform administrators"))
    } else {
        Err(actor.refuse("park administrators moderate the needs of their own park"))
    }
}

pub fn approve(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    require_moderator(actor, &p)?;
    if p.status != PostingStatus::PendingReview.as_str() {
        return Err(AppError::conflict(
            "只有待审核的发布可以通过",
            "only a posting pending review can be approved",
        ));
    }
    let org = load_org(conn, p.organization_id)?;
    if OrgStatus::from_db(&org.status) != OrgStatus::Verified {
        return Err(AppError::conflict(
            "发布方企业尚未通过认证，请先认证企业",
            "the posting's organisation is not verified yet: verify it first",
        ));
    }
    let n = to_naive(now);
    if p.expires_at <= n {
        return Err(AppError::conflict(
            "该发布的有效期已过，请发布方修改有效期后重新提交",
            "this posting's expiry date has passed: its owner must change it and submit again",
        ));
    }
    diesel::update(postings::table.find(id))
        .set((
            postings::status.eq(PostingStatus::Published.as_str()),
            postings::published_at.eq(n),
            postings::reject_code.eq(None::<String>),
            postings::reject_note.eq(None::<String>),
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    event(
        conn,
        id,
        Some(actor),
        "approved",
        PostingStatus::Published,
        None,
        None,
        n,
    )?;
    audit(
        conn,
        Some(actor),
        "posting.approve",
        &p.kind,
        id,
        p.park_id,
        None,
        None,
        n,
    )?;
    record_change(conn, id, n)?;
    super::matches::enqueue(conn, id, n)?;
    let mail = Mail::PostingApproved(PostingMail {
        posting_id: id,
        kind,
        title: p.title.clone(),
    });
    let key = format!("posting_approved:p{id}:t{}", n.and_utc().timestamp());
    outbox::queue_to_org(conn, p.organization_id, &key, &mail, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

pub struct Rejection {
    pub code: RejectCode,
    pub note: Option<String>,
}

/// Parses `{reason_code, note?}`.
pub fn parse_rejection(body: &Value) -> AppResult<Rejection> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let code = o.parse_str("reason_code", &mut errs, RejectCode::parse);
    let note = o.parse_opt_str("note", &mut errs, |s| parse_text(s, 1000));
    match (code, note) {
        (Some(code), Some(note)) => Ok(Rejection { code, note }),
        _ => Err(AppError::Validation(errs)),
    }
}

pub fn reject(
    conn: &mut DbConn,
    actor: &Actor,
    kind: PostingKind,
    id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
) -> AppResult<PostingView> {
    let p = load_of_kind(conn, kind, id)?;
    require_moderator(actor, &p)?;
    let r = &parse_rejection(&body?)?;
    let status = PostingStatus::from_db(&p.status);
    if !matches!(
        status,
        PostingStatus::PendingReview | PostingStatus::Published
    ) {
        return Err(AppError::conflict(
            "只有待审核或已发布的发布可以驳回",
            "only a posting pending review or published can be rejected",
        ));
    }
    let n = to_naive(now);
    diesel::update(postings::table.find(id))
        .set((
            postings::status.eq(PostingStatus::Rejected.as_str()),
            postings::reject_code.eq(r.code.as_str()),
            postings::reject_note.eq(r.note.as_deref()),
            postings::updated_at.eq(n),
        ))
        .execute(conn)?;
    event(
        conn,
        id,
        Some(actor),
        "rejected",
        PostingStatus::Rejected,
        Some(r.code.as_str()),
        r.note.as_deref(),
        n,
    )?;
    audit(
        conn,
        Some(actor),
        "posting.reject",
        &p.kind,
        id,
        p.park_id,
        Some(r.code.as_str()),
        r.note.as_deref(),
        n,
    )?;
    if status == PostingStatus::Published {
        record_change(conn, id, n)?;
    }
    let mail = Mail::PostingRejected(PostingRejectedMail {
        posting_id: id,
        kind,
        title: p.title.clone(),
        reason_code: r.code,
        note: r.note.clone(),
    });
    let key = format!("posting_rejected:p{id}:t{}", n.and_utc().timestamp());
    outbox::queue_to_org(conn, p.organization_id, &key, &mail, n)?;
    let p = load(conn, id)?;
    view(conn, &p, true)
}

/// Expires every published posting whose `expires_at` has passed; returns how many.
pub fn expire_due(conn: &mut DbConn, now: DateTime<Utc>) -> AppResult<usize> {
    let n = to_naive(now);
    let due: Vec<i64> = postings::table
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .filter(postings::expires_at.le(n))
        .select(postings::id)
        .limit(1000)
        .load(conn)?;
    for id in &due {
        set_status(conn, *id, PostingStatus::Expired, n)?;
        event(
            conn,
            *id,
            None,
            "expired",
            PostingStatus::Expired,
            None,
            None,
            n,
        )?;
        record_change(conn, *id, n)?;
    }
    Ok(due.len())
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
            match actor {
                None => return Err(AppError::Unauthorized),
                Some(a) if !a.may_see_needs() => {
                    return Err(
                        a.refuse("published needs are visible to users of verified organisations")
                    )
                }
                _ => {}
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
    let total: i64 = filtered().count().get_result(conn)?;
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
    })
}
