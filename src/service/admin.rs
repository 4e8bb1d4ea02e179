//! Administration: verifying organisations, the moderation queue, the audit log.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use super::accounts::organization_view;
use super::postings::views;
use super::views::{AuditView, ListView, OrganizationView, PostingView};
use super::{audit, Paging};
use crate::auth::Actor;
use crate::db::models::{AuditEntry, Organization, Posting};
use crate::db::schema::{audit_log, organizations, postings};
use crate::db::DbConn;
use crate::domain::decisions::OrgRejection;
use crate::domain::{OrgKind, OrgStatus, PostingStatus};
use crate::error::{AppError, AppResult};
use crate::notify::outbox;

fn load_org(conn: &mut DbConn, id: i64) -> AppResult<Organization> {
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)?)
}

/// SMEs are verified by their park's admins and platform admins; providers by platform admins.
fn require_verifier(actor: &Actor, org: &Organization) -> AppResult<()> {
    let ok = match OrgKind::from_db(&org.kind) {
        OrgKind::Sme => actor.moderates_park(org.park_id),
        OrgKind::Provider => actor.is_platform_admin(),
    };
    if ok {
        Ok(())
    } else {
        Err(actor.refuse("park administrators verify the SMEs of their own park; platform administrators verify providers"))
    }
}

pub fn verify_org(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<OrganizationView> {
    let org = load_org(conn, id)?;
    require_verifier(actor, &org)?;
    if OrgStatus::from_db(&org.status) == OrgStatus::Verified {
        return Err(AppError::conflict(
            "该企业已通过认证",
            "this organisation is already verified",
        ));
    }
    let n = now.naive_utc();
    diesel::update(organizations::table.find(id))
        .set((
            organizations::status.eq(OrgStatus::Verified.as_str()),
            organizations::verified_at.eq(n),
            organizations::reject_code.eq(None::<String>),
            organizations::reject_note.eq(None::<String>),
            organizations::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "organization.verify",
        "organization",
        id,
        org.park_id,
        None,
        None,
        n,
    )?;
    super::withdrawal::reinstate(conn, actor, id, n)?;
    outbox::enqueue_to_org(
        conn,
        id,
        "organization_verified",
        &format!("organization_verified:o{id}:t{}", n.and_utc().timestamp()),
        json!({"organization_id": id, "name": org.name}),
        n,
    )?;
    organization_view(conn, id, true)
}

pub fn reject_org(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    body: AppResult<Value>,
    now: DateTime<Utc>,
) -> AppResult<OrganizationView> {
    let org = load_org(conn, id)?;
    require_verifier(actor, &org)?;
    let r = &OrgRejection::parse(&body?)?;
    if OrgStatus::from_db(&org.status) == OrgStatus::Rejected {
        return Err(AppError::conflict(
            "该企业认证已被驳回",
            "this organisation is already rejected",
        ));
    }
    let n = now.naive_utc();
    diesel::update(organizations::table.find(id))
        .set((
            organizations::status.eq(OrgStatus::Rejected.as_str()),
            organizations::reject_code.eq(r.code.as_str()),
            organizations::reject_note.eq(r.note.as_deref()),
            organizations::verified_at.eq(None::<NaiveDateTime>),
            organizations::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "organization.reject",
        "organization",
        id,
        org.park_id,
        Some(r.code.as_str()),
        r.note.as_deref(),
        n,
    )?;
    super::withdrawal::withdraw(conn, actor, id, n)?;
    outbox::enqueue_to_org(
        conn,
        id,
        "organization_rejected",
        &format!("organization_rejected:o{id}:t{}", n.and_utc().timestamp()),
        json!({"organization_id": id, "name": org.name, "reason_code": r.code.as_str(), "note": r.note}),
        n,
    )?;
    organization_view(conn, id, true)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueType {
    Organization,
    Need,
    Offer,
    Escalated,
}

impl QueueType {
    pub fn parse(s: &str) -> Option<QueueType> {
        match s {
            "organization" => Some(QueueType::Organization),
            "need" => Some(QueueType::Need),
            "offer" => Some(QueueType::Offer),
            "escalated" => Some(QueueType::Escalated),
            _ => None,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            QueueType::Organization => "organization",
            QueueType::Need => "need",
            QueueType::Offer => "offer",
            QueueType::Escalated => "escalated",
        }
    }
}

impl Serialize for QueueType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One item of the review queue: what waits (with `queue` naming the queue) and since when.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    pub queue: QueueType,
    pub waiting_since: DateTime<Utc>,
    /// A posting's organisation's status when it is not verified: such a posting cannot be
    /// approved until the organisation is verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_status: Option<OrgStatus>,
    #[serde(flatten)]
    pub waiting: Waiting,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Waiting {
    /// `"type": "organization"` beside the organisation's fields.
    Organization {
        #[serde(rename = "type")]
        kind: QueueType,
        #[serde(flatten)]
        org: OrganizationView,
    },
    Posting(PostingView),
}

/// Items one queue type lists at most (a queue this long is a backlog to fix); deeper pages are
/// empty.
const QUEUE_DEPTH: i64 = super::COUNT_CAP;

/// Items waiting for this admin, oldest first. Without a type, every type at once.
///
/// Each type gives only the keys (since, id) of its first `offset + per_page` items, in SQL
/// order on an index; the merged page's items alone are loaded and viewed, and each type is
/// counted up to the cap.
pub fn queue(
    conn: &mut DbConn,
    actor: &Actor,
    only: Option<QueueType>,
    paging: Paging,
) -> AppResult<ListView<QueueItem>> {
    let types: Vec<QueueType> = match only {
        Some(t) => vec![t],
        None => vec![
            QueueType::Organization,
            QueueType::Need,
            QueueType::Offer,
            QueueType::Escalated,
        ],
    };
    let scope_park = if actor.is_platform_admin() {
        None
    } else {
        Some(actor.park_id.unwrap_or(-1))
    };
    let depth = (paging.offset() + paging.per_page).min(QUEUE_DEPTH);
    let mut keys: Vec<(NaiveDateTime, i64, QueueType)> = Vec::new();
    let (mut total, mut total_capped) = (0i64, false);
    for t in types {
        match t {
            QueueType::Organization => {
                let filtered = || {
                    let mut q = organizations::table
                        .filter(organizations::status.eq(OrgStatus::Pending.as_str()))
                        .into_boxed();
                    if let Some(park) = scope_park {
                        q = q
                            .filter(organizations::kind.eq("sme"))
                            .filter(organizations::park_id.eq(park));
                    }
                    q
                };
                let rows: Vec<(NaiveDateTime, i64)> = filtered()
                    .order((organizations::created_at.asc(), organizations::id.asc()))
                    .limit(depth)
                    .select((organizations::created_at, organizations::id))
                    .load(conn)?;
                keys.extend(rows.into_iter().map(|(since, id)| (since, id, t)));
                let beyond: Option<i64> = filtered()
                    .select(organizations::id)
                    .offset(super::COUNT_CAP)
                    .limit(1)
                    .first(conn)
                    .optional()?;
                match beyond {
                    Some(_) => (total, total_capped) = (total + super::COUNT_CAP, true),
                    None => total += filtered().count().get_result::<i64>(conn)?,
                }
            }
            QueueType::Need | QueueType::Offer | QueueType::Escalated => {
                if t == QueueType::Offer && scope_park.is_some() {
                    continue; // offers are moderated by platform admins
                }
                let filtered = || {
                    let mut q = postings::table.into_boxed();
                    q = match t {
                        QueueType::Escalated => q
                            .filter(postings::kind.eq("need"))
                            .filter(postings::status.eq(PostingStatus::Published.as_str()))
                            .filter(postings::escalated_at.is_not_null()),
                        _ => q
                            .filter(postings::kind.eq(if t == QueueType::Need {
                                "need"
                            } else {
                                "offer"
                            }))
                            .filter(postings::status.eq(PostingStatus::PendingReview.as_str())),
                    };
                    if let Some(park) = scope_park {
                        q = q.filter(postings::park_id.eq(park));
                    }
                    q
                };
                // Waiting since the escalation, or since the submission.
                let rows: Vec<(Option<NaiveDateTime>, i64, NaiveDateTime)> = match t {
                    QueueType::Escalated => filtered()
                        .order((postings::escalated_at.asc(), postings::id.asc()))
                        .limit(depth)
                        .select((postings::escalated_at, postings::id, postings::updated_at))
                        .load(conn)?,
                    _ => filtered()
                        .order((postings::submitted_at.asc(), postings::id.asc()))
                        .limit(depth)
                        .select((postings::submitted_at, postings::id, postings::updated_at))
                        .load(conn)?,
                };
                keys.extend(
                    rows.into_iter()
                        .map(|(since, id, updated)| (since.unwrap_or(updated), id, t)),
                );
                let beyond: Option<i64> = filtered()
                    .select(postings::id)
                    .offset(super::COUNT_CAP)
                    .limit(1)
                    .first(conn)
                    .optional()?;
                match beyond {
                    Some(_) => (total, total_capped) = (total + super::COUNT_CAP, true),
                    None => total += filtered().count().get_result::<i64>(conn)?,
                }
            }
        }
    }
    keys.sort_by_key(|k| (k.0, k.1));
    let page: Vec<(NaiveDateTime, i64, QueueType)> = keys
        .into_iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .collect();
    // Load and view the page's postings at once, its organisations one by one (at most a page).
    let posting_ids: Vec<i64> = page
        .iter()
        .filter(|k| k.2 != QueueType::Organization)
        .map(|k| k.1)
        .collect();
    let rows: Vec<Posting> = postings::table
        .filter(postings::id.eq_any(&posting_ids))
        .select(Posting::as_select())
        .load(conn)?;
    let mut posting_views: std::collections::HashMap<i64, PostingView> =
        rows.iter().map(|p| p.id).zip(views(conn, &rows)?).collect();
    let org_ids: Vec<i64> = rows.iter().map(|p| p.organization_id).collect();
    let unverified: std::collections::HashMap<i64, OrgStatus> = organizations::table
        .filter(organizations::id.eq_any(&org_ids))
        .filter(organizations::status.ne(OrgStatus::Verified.as_str()))
        .select((organizations::id, organizations::status))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, st)| (id, OrgStatus::from_db(&st)))
        .collect();
    let org_of: std::collections::HashMap<i64, i64> =
        rows.iter().map(|p| (p.id, p.organization_id)).collect();
    let mut items = Vec::with_capacity(page.len());
    for (since, id, t) in page {
        let waiting = match t {
            QueueType::Organization => Waiting::Organization {
                kind: QueueType::Organization,
                org: organization_view(conn, id, true)?,
            },
            _ => match posting_views.remove(&id) {
                Some(v) => Waiting::Posting(v),
                None => continue, // gone between the two reads
            },
        };
        let organization_status = org_of
            .get(&id)
            .filter(|_| t != QueueType::Organization)
            .and_then(|org| unverified.get(org).copied());
        items.push(QueueItem {
            queue: t,
            waiting_since: since.and_utc(),
            organization_status,
            waiting,
        });
    }
    Ok(ListView {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
        total_capped,
    })
}

/// The audit log, newest first; a park admin sees their park's entries.
pub fn audit_log(
    conn: &mut DbConn,
    actor: &Actor,
    paging: Paging,
) -> AppResult<ListView<AuditView>> {
    let scope = (!actor.is_platform_admin()).then(|| actor.park_id.unwrap_or(-1));
    let filtered = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(park) = scope {
            q = q.filter(audit_log::park_id.eq(park));
        }
        q
    };
    // Counted up to the cap only: is there an entry past it?
    let beyond: Option<i64> = filtered()
        .select(audit_log::id)
        .order(audit_log::id.desc())
        .offset(super::COUNT_CAP)
        .limit(1)
        .first(conn)
        .optional()?;
    let (total, total_capped) = match beyond {
        Some(_) => (super::COUNT_CAP, true),
        None => (filtered().count().get_result(conn)?, false),
    };
    let rows: Vec<AuditEntry> = filtered()
        .order(audit_log::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(AuditEntry::as_select())
        .load(conn)?;
    Ok(ListView {
        items: rows.iter().map(AuditView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
        total_capped,
    })
}

/// An organisation's public profile; its contact only for its own users and admins.
pub fn organization_profile(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    id: i64,
) -> AppResult<OrganizationView> {
    let insider = actor.is_some_and(|a| a.owns_org(id) || a.is_admin());
    let show_contact = match actor {
        _ if insider => true,
        Some(a) => match a.organization_id {
            Some(mine) if a.reads_matches() => super::matches::connected(conn, mine, id)?,
            _ => false,
        },
        None => false,
    };
    let mut view = organization_view(conn, id, show_contact)?;
    // Why an administrator rejected an organisation is between them and the organisation.
    if !insider {
        view.rejection = None;
    }
    Ok(view)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OutboxView {
    pub id: i64,
    pub kind: String,
    pub recipient_email: String,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub message_id: String,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Mail in the outbox by status (`dead` by default: what needs an operator), newest first.
pub fn outbox(conn: &mut DbConn, status: &str, paging: Paging) -> AppResult<ListView<OutboxView>> {
    use crate::db::models::OutboxRow;
    use crate::db::schema::outbox;
    let total: i64 = outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)?;
    let rows: Vec<OutboxRow> = outbox::table
        .filter(outbox::status.eq(status))
        .order(outbox::id.desc())
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(OutboxRow::as_select())
        .load(conn)?;
    Ok(ListView {
        items: rows
            .into_iter()
            .map(|r| OutboxView {
                id: r.id,
                kind: r.kind,
                recipient_email: r.recipient_email,
                status: r.status,
                attempts: r.attempts,
                last_error: r.last_error,
                message_id: r.message_id,
                next_attempt_at: r.next_attempt_at.and_utc(),
                created_at: r.created_at.and_utc(),
                sent_at: r.sent_at.map(|t| t.and_utc()),
            })
            .collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
        total_capped: false,
    })
}
