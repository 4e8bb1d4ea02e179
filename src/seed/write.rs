//! Writing generated data: batch INSERTs of many rows per statement, one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::generate::Generated;
use super::CHUNK;
use crate::db::models::{NewChange, NewOrganization, NewPosting, NewPostingEvent, NewUser};
use crate::db::schema::{
    change_feed, notification_settings, organizations, posting_events, postings, users,
};
use crate::db::DbConn;
use crate::domain::PostingStatus;

/// Runs a query on the concrete connection: diesel's batch INSERT (many rows in one statement)
/// is not available through `MultiConnection`, only on each backend.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Sqlite($c) => $body,
            DbConn::Pg($c) => $body,
        }
    };
}

/// A model's insert struct as a tuple of `column.eq(value)`. With the derived `Insertable` a
/// batch may hold DEFAULT values (an `Option` field's `None`), which SQLite's multi-row VALUES
/// cannot express, so diesel inserts it row by row inside a transaction of its own, and that
/// fails within ours. Spelled out, every value is bound (a `None` is a NULL) and a batch is one
/// statement.
macro_rules! columns {
    ($table:ident, $row:expr, [$($col:ident),+ $(,)?]) => {{
        let row = $row;
        ($($table::$col.eq(row.$col)),+)
    }};
}

pub(super) fn write(
    c: &mut DbConn,
    data: &Generated,
    password_hash: &str,
    now: NaiveDateTime,
) -> crate::error::AppResult<()> {
    // Organisations, then their users, with the ids the database gave them. Within one INSERT
    // the ids grow in row order, so sorting what RETURNING gives back maps them to the rows.
    let mut org_ids: Vec<i64> = Vec::with_capacity(data.orgs.len());
    for chunk in data.orgs.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|o| {
                columns!(
                    organizations,
                    NewOrganization {
                        kind: o.kind,
                        name: &o.name,
                        uscc: &o.uscc,
                        park_id: o.park_id,
                        industry: o.industry,
                        size: o.size.as_str(),
                        employees: Some(o.employees),
                        contact_name: Some(&o.contact_name),
                        contact_phone: Some(&o.contact_phone),
                        contact_email: Some(&o.contact_email),
                        status: if o.verified_at.is_some() {
                            "verified"
                        } else {
                            "pending"
                        },
                        verified_at: o.verified_at,
                        created_at: o.created_at,
                        updated_at: o.verified_at.unwrap_or(o.created_at),
                    },
                    [
                        kind,
                        name,
                        uscc,
                        park_id,
                        industry,
                        size,
                        employees,
                        contact_name,
                        contact_phone,
                        contact_email,
                        status,
                        verified_at,
                        created_at,
                        updated_at
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> =
            on_backend!(&mut *c, |b| diesel::insert_into(organizations::table)
                .values(&rows)
                .returning(organizations::id)
                .get_results(b))?;
        ids.sort_unstable();
        org_ids.extend(ids);
    }

    let mut user_ids: Vec<i64> = Vec::with_capacity(data.orgs.len());
    for (n, chunk) in data.orgs.chunks(CHUNK).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(k, o)| {
                columns!(
                    users,
                    NewUser {
                        email: &o.user_email,
                        password_hash,
                        display_name: &o.contact_name,
                        phone: Some(&o.contact_phone),
                        role: o.kind,
                        organization_id: Some(org_ids[n * CHUNK + k]),
                        park_id: None,
                        token_version: 0,
                        status: "active",
                        lang: "zh-CN",
                        created_at: o.created_at,
                        updated_at: o.created_at,
                        org_role: Some("owner"),
                    },
                    [
                        email,
                        password_hash,
                        display_name,
                        phone,
                        role,
                        organization_id,
                        park_id,
                        token_version,
                        status,
                        lang,
                        created_at,
                        updated_at,
                        org_role
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> = on_backend!(&mut *c, |b| diesel::insert_into(users::table)
            .values(&rows)
            .returning(users::id)
            .get_results(b))?;
        ids.sort_unstable();
        user_ids.extend(ids);
    }
    for (chunk_ids, chunk_orgs) in user_ids.chunks(CHUNK).zip(data.orgs.chunks(CHUNK)) {
        let rows: Vec<_> = chunk_ids
            .iter()
            .zip(chunk_orgs)
            .map(|(id, o)| {
                (
                    notification_settings::user_id.eq(*id),
                    notification_settings::match_emails.eq("immediate"),
                    notification_settings::updated_at.eq(o.created_at),
                )
            })
            .collect();
        on_backend!(&mut *c, |b| diesel::insert_into(
            notification_settings::table
        )
        .values(&rows)
        .execute(b))?;
    }

    let mut posting_ids: Vec<i64> = Vec::with_capacity(data.postings.len());
    for chunk in data.postings.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|p| {
                let (amount, amount_min, amount_max) = p.details.amounts();
                let row = NewPosting {
                    kind: p.kind.as_str(),
                    organization_id: org_ids[p.org],
                    park_id: p.park_id,
                    city_code: p.city_code.as_deref(),
                    category: p.category.as_str(),
                    title: &p.title,
                    description: &p.description,
                    details: &p.details_json,
                    regions: &p.regions,
                    industries: &p.industries,
                    sizes: &p.sizes,
                    amount_yuan: amount,
                    amount_min_yuan: amount_min,
                    amount_max_yuan: amount_max,
                    status: p.status.as_str(),
                    expires_at: p.expires_at,
                    submitted_at: p.submitted_at,
                    published_at: p.published_at,
                    created_by: user_ids[p.org],
                    created_at: p.created_at,
                    updated_at: p.published_at.or(p.submitted_at).unwrap_or(p.created_at),
                };
                columns!(
                    postings,
                    row,
                    [
                        kind,
                        organization_id,
                        park_id,
                        city_code,
                        category,
                        title,
                        description,
                        details,
                        regions,
                        industries,
                        sizes,
                        amount_yuan,
                        amount_min_yuan,
                        amount_max_yuan,
                        status,
                        expires_at,
                        submitted_at,
                        published_at,
                        created_by,
                        created_at,
                        updated_at
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> = on_backend!(&mut *c, |b| diesel::insert_into(postings::table)
            .values(&rows)
            .returning(postings::id)
            .get_results(b))?;
        ids.sort_unstable();
        posting_ids.extend(ids);
    }

    let mut events: Vec<_> = Vec::with_capacity(CHUNK + 3);
    let mut changes: Vec<_> = Vec::with_capacity(CHUNK);
    for (p, &id) in data.postings.iter().zip(&posting_ids) {
        let actor = Some(user_ids[p.org]);
        let event = |action, status: PostingStatus, actor, at| {
            columns!(
                posting_events,
                NewPostingEvent {
                    posting_id: id,
                    actor_user_id: actor,
                    action,
                    status: status.as_str(),
                    reason_code: None,
                    note: None,
                    created_at: at,
                },
                [
                    posting_id,
                    actor_user_id,
                    action,
                    status,
                    reason_code,
                    note,
                    created_at
                ]
            )
        };
        events.push(event("created", PostingStatus::Draft, actor, p.created_at));
        if let Some(at) = p.submitted_at {
            events.push(event("submitted", PostingStatus::PendingReview, actor, at));
        }
        if let Some(at) = p.published_at {
            // Approved by the platform: no admin account is part of the demo data.
            events.push(event("approved", PostingStatus::Published, None, at));
            changes.push(columns!(
                change_feed,
                NewChange {
                    posting_id: id,
                    created_at: now,
                },
                [posting_id, created_at]
            ));
        }
        if events.len() >= CHUNK {
            on_backend!(&mut *c, |b| diesel::insert_into(posting_events::table)
                .values(&events)
                .execute(b))?;
            events.clear();
        }
        if changes.len() >= CHUNK {
            on_backend!(&mut *c, |b| diesel::insert_into(change_feed::table)
                .values(&changes)
                .execute(b))?;
            changes.clear();
        }
    }
    if !events.is_empty() {
        on_backend!(&mut *c, |b| diesel::insert_into(posting_events::table)
            .values(&events)
            .execute(b))?;
    }
    if !changes.is_empty() {
        on_backend!(&mut *c, |b| diesel::insert_into(change_feed::table)
            .values(&changes)
            .execute(b))?;
    }
    Ok(())
}
