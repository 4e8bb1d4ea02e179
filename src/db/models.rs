//! One row struct per table, with its insert form beside it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = parks)]
pub struct Park {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub city_code: String,
    pub level: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = parks)]
pub struct NewPark<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub city_code: &'a str,
    pub level: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub uscc: String,
    pub park_id: Option<i64>,
    pub industry: String,
    pub size: String,
    pub employees: Option<i32>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub status: String,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub uscc: &'a str,
    pub park_id: Option<i64>,
    pub industry: &'a str,
    pub size: &'a str,
    pub employees: Option<i32>,
    pub contact_name: Option<&'a str>,
    pub contact_phone: Option<&'a str>,
    pub contact_email: Option<&'a str>,
    pub status: &'a str,
    pub verified_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: String,
    pub organization_id: Option<i64>,
    pub park_id: Option<i64>,
    pub token_version: i32,
    pub status: String,
    pub lang: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_confirmed_at: Option<NaiveDateTime>,
    /// `owner`, `member` or `removed` for an organisation's users (see `domain::OrgRole`).
    pub org_role: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub role: &'a str,
    pub organization_id: Option<i64>,
    pub park_id: Option<i64>,
    pub token_version: i32,
    pub status: &'a str,
    pub lang: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub org_role: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = postings)]
pub struct Posting {
    pub id: i64,
    pub kind: String,
    pub organization_id: i64,
    pub park_id: Option<i64>,
    pub city_code: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub details: String,
    pub regions: String,
    pub industries: String,
    pub sizes: String,
    pub amount_yuan: Option<i64>,
    pub amount_min_yuan: Option<i64>,
    pub amount_max_yuan: Option<i64>,
    pub status: String,
    pub reject_code: Option<String>,
    pub reject_note: Option<String>,
    pub expires_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub escalated_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = postings)]
pub struct NewPosting<'a> {
    pub kind: &'a str,
    pub organization_id: i64,
    pub park_id: Option<i64>,
    pub city_code: Option<&'a str>,
    pub category: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub details: &'a str,
    pub regions: &'a str,
    pub industries: &'a str,
    pub sizes: &'a str,
    pub amount_yuan: Option<i64>,
    pub amount_min_yuan: Option<i64>,
    pub amount_max_yuan: Option<i64>,
    pub status: &'a str,
    pub expires_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The editable content of a posting, written by an edit.
#[derive(AsChangeset)]
#[diesel(table_name = postings)]
pub struct PostingContent<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub details: &'a str,
    pub regions: &'a str,
    pub industries: &'a str,
    pub sizes: &'a str,
    pub amount_yuan: Option<i64>,
    pub amount_min_yuan: Option<i64>,
    pub amount_max_yuan: Option<i64>,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = posting_events)]
pub struct PostingEvent {
    pub id: i64,
    pub posting_id: i64,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub status: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = posting_events)]
pub struct NewPostingEvent<'a> {
    pub posting_id: i64,
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub status: &'a str,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub park_id: Option<i64>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub actor_user_id: Option<i64>,
    pub actor_role: &'a str,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: i64,
    pub park_id: Option<i64>,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub recipient_user_id: Option<i64>,
    pub recipient_email: String,
    pub lang: String,
    pub dedupe_key: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub message_id: String,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutboxRow<'a> {
    pub kind: &'a str,
    pub recipient_user_id: Option<i64>,
    pub recipient_email: &'a str,
    pub lang: &'a str,
    pub dedupe_key: &'a str,
    pub payload: &'a str,
    pub status: &'a str,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub message_id: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = change_feed)]
pub struct NewChange {
    pub posting_id: i64,
    pub created_at: NaiveDateTime,
}
