//! The shapes the API answers with (and the pages render), built from rows.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::db::models::{AuditEntry, Organization, Park, Posting, PostingEvent, User};
use crate::domain::{
    reference, Category, OrgKind, OrgRejectCode, OrgRole, OrgSize, OrgStatus, ParkKind, ParkLevel,
    PostingAction, PostingKind, PostingStatus, RejectCode, Role, UserStatus,
};

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub organization_id: Option<i64>,
    pub park_id: Option<i64>,
    pub status: UserStatus,
    pub email_confirmed: bool,
    /// `owner` or `member` of the organisation (absent for administrators).
    pub org_role: Option<OrgRole>,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            phone: u.phone.clone(),
            role: Role::from_db(&u.role),
            organization_id: u.organization_id,
            park_id: u.park_id,
            status: UserStatus::from_db(&u.status),
            email_confirmed: u.email_confirmed_at.is_some(),
            org_role: u.org_role.as_deref().map(OrgRole::from_db),
            created_at: utc(u.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParkView {
    pub id: i64,
    pub name: String,
    pub kind: ParkKind,
    pub city_code: String,
    pub city_name: String,
    pub city_name_en: String,
    pub level: ParkLevel,
}

impl From<&Park> for ParkView {
    fn from(p: &Park) -> Self {
        let city = reference::city(&p.city_code);
        ParkView {
            id: p.id,
            name: p.name.clone(),
            kind: ParkKind::from_db(&p.kind),
            city_code: p.city_code.clone(),
            city_name: city.map(|c| c.name_zh).unwrap_or_default().to_string(),
            city_name_en: city.map(|c| c.name_en).unwrap_or_default().to_string(),
            level: ParkLevel::from_db(&p.level),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rejection {
    #[schema(value_type = String)]
    pub reason_code: RejectCode,
    pub note: Option<String>,
}

/// Why an organisation was not verified (`name_mismatch`, `uscc_wrong`, `not_in_park`,
/// `incomplete`, `other`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgRejectionView {
    #[schema(value_type = String)]
    pub reason_code: OrgRejectCode,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    pub id: i64,
    pub kind: OrgKind,
    pub name: String,
    pub uscc: String,
    pub park_id: Option<i64>,
    pub park: Option<ParkRef>,
    pub industry: String,
    pub industry_name: String,
    pub size: OrgSize,
    pub employees: Option<i32>,
    pub status: OrgStatus,
    pub rejection: Option<OrgRejectionView>,
    /// Only for the organisation's own users, admins, and (later) connected counterparts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ParkRef {
    pub id: i64,
    pub name: String,
    pub city_code: String,
}

impl From<&Park> for ParkRef {
    fn from(p: &Park) -> Self {
        ParkRef {
            id: p.id,
            name: p.name.clone(),
            city_code: p.city_code.clone(),
        }
    }
}

impl OrganizationView {
    pub fn new(o: &Organization, park: Option<&Park>, show_contact: bool) -> Self {
        OrganizationView {
            id: o.id,
            kind: OrgKind::from_db(&o.kind),
            name: o.name.clone(),
            uscc: o.uscc.clone(),
            park_id: o.park_id,
            park: park.map(ParkRef::from),
            industry: o.industry.clone(),
            industry_name: reference::industry(&o.industry)
                .map(|i| i.name_zh)
                .unwrap_or_default()
                .to_string(),
            size: OrgSize::from_db(&o.size),
            employees: o.employees,
            status: OrgStatus::from_db(&o.status),
            rejection: o.reject_code.as_ref().map(|c| OrgRejectionView {
                reason_code: OrgRejectCode::from_db(c),
                note: o.reject_note.clone(),
            }),
            contact: show_contact.then(|| Contact {
                name: o.contact_name.clone(),
                phone: o.contact_phone.clone(),
                email: o.contact_email.clone(),
            }),
            verified_at: o.verified_at.map(utc),
            created_at: utc(o.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    #[schema(value_type = String)]
    pub action: PostingAction,
    #[schema(value_type = String)]
    pub status: PostingStatus,
    #[schema(value_type = Option<String>)]
    pub reason_code: Option<RejectCode>,
    pub note: Option<String>,
    pub actor_user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

impl From<&PostingEvent> for TimelineEntry {
    fn from(e: &PostingEvent) -> Self {
        TimelineEntry {
            action: PostingAction::from_db(&e.action),
            status: PostingStatus::from_db(&e.status),
            reason_code: e.reason_code.as_deref().map(RejectCode::from_db),
            note: e.note.clone(),
            actor_user_id: e.actor_user_id,
            at: utc(e.created_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostingView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: PostingKind,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub status: PostingStatus,
    pub organization: OrgRef,
    pub park: Option<ParkRef>,
    pub city_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The category's details, as the posting body gives them (only the posting's category).
    #[schema(value_type = Option<Object>)]
    pub financing: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The category's details, as the posting body gives them (only the posting's category).
    #[schema(value_type = Option<Object>)]
    pub recruiting: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The category's details, as the posting body gives them (only the posting's category).
    #[schema(value_type = Option<Object>)]
    pub training: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Offers only; empty = everybody.
    #[schema(value_type = Option<Vec<String>>)]
    pub regions: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Offers only; empty = everybody.
    #[schema(value_type = Option<Vec<String>>)]
    pub industries: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Offers only; empty = everybody.
    #[schema(value_type = Option<Vec<String>>)]
    pub sizes: Option<Value>,
    pub rejection: Option<Rejection>,
    pub escalated: bool,
    pub expires_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every status change, for the owner and admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineEntry>>,
}

impl PostingView {
    pub fn new(
        p: &Posting,
        org: &Organization,
        park: Option<&Park>,
        timeline: Option<Vec<TimelineEntry>>,
    ) -> Self {
        let details: Value = serde_json::from_str(&p.details).unwrap_or(Value::Null);
        let category = Category::from_db(&p.category);
        let slot = |c: Category| (category == c).then(|| details.clone());
        let list = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Array(vec![]));
        let kind = PostingKind::from_db(&p.kind);
        let is_offer = kind == PostingKind::Offer;
        PostingView {
            id: p.id,
            kind,
            category,
            title: p.title.clone(),
            description: p.description.clone(),
            status: PostingStatus::from_db(&p.status),
            organization: OrgRef {
                id: org.id,
                name: org.name.clone(),
            },
            park: park.map(ParkRef::from),
            city_code: p.city_code.clone(),
            financing: slot(Category::Financing),
            recruiting: slot(Category::Recruiting),
            training: slot(Category::Training),
            regions: is_offer.then(|| list(&p.regions)),
            industries: is_offer.then(|| list(&p.industries)),
            sizes: is_offer.then(|| list(&p.sizes)),
            rejection: p.reject_code.as_ref().map(|c| Rejection {
                reason_code: RejectCode::from_db(c),
                note: p.reject_note.clone(),
            }),
            escalated: p.escalated_at.is_some(),
            expires_at: utc(p.expires_at),
            submitted_at: p.submitted_at.map(utc),
            published_at: p.published_at.map(utc),
            closed_at: p.closed_at.map(utc),
            created_at: utc(p.created_at),
            updated_at: utc(p.updated_at),
            timeline,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub actor_user_id: Option<i64>,
    pub actor_role: String,
    pub action: String,
    pub target_type: String,
    pub target_id: i64,
    pub park_id: Option<i64>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<&AuditEntry> for AuditView {
    fn from(a: &AuditEntry) -> Self {
        AuditView {
            id: a.id,
            actor_user_id: a.actor_user_id,
            actor_role: a.actor_role.clone(),
            action: a.action.clone(),
            target_type: a.target_type.clone(),
            target_id: a.target_id,
            park_id: a.park_id,
            reason_code: a.reason_code.clone(),
            note: a.note.clone(),
            at: utc(a.created_at),
        }
    }
}

/// The contract's list envelope.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ListView<T> {
    pub items: Vec<T>,
    /// Exact up to `crate::service::COUNT_CAP`; above it the cap, with `total_capped` true.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// True when more than `total` items match: counting stops at the cap (10,000), so a page
    /// of a list of a million costs no more than one of a hundred (say "10000+").
    pub total_capped: bool,
}
