//! Shapes for the API document only: the request bodies as the hand-written parsers accept them
//! (`Obj`, `Draft::parse`, the services' `parse_*`), the answers handlers build with `json!`,
//! and the error body. Nothing here is used to parse or to answer; the tests keep them honest.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::posting::{
    NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting, OfferTraining,
};
use crate::domain::{
    AlertFrequency, Category, CityCode, Industry, MatchEmails, OrgRejectCode, OrgSize, ParkKind,
    ParkLevel, PostingKind, RejectCode,
};
use crate::service::views::{OrganizationView, UserView};

// ---------------------------------------------------------------------------------------------
// Errors

/// Every error answer: `{"error": {"code", "message", "fields"?}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    /// For people, in Chinese (or English with `?lang=en` or `Accept-Language: en`).
    pub message: String,
    /// Only for `validation_failed`: the problem of each field, by dotted path
    /// (`financing.amount_yuan`, `recruiting.positions.0.headcount`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

/// The stable error codes (src/error.rs has one status for each).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Unauthorized,
    InvalidCredentials,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    ValidationFailed,
    RateLimited,
    ServiceUnavailable,
    Internal,
}

// ---------------------------------------------------------------------------------------------
// Accounts

#[derive(ToSchema)]
pub struct RegisterBody {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    /// 12 to 128 characters, not a common password.
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    /// 5 to 20 digits; `+ - ( )` and spaces allowed.
    pub phone: Option<String>,
    #[schema(inline)]
    pub role: OrgRole,
    pub organization: RegisterOrganization,
}

/// The role of a self-registered user, who registers their organisation with it.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum OrgRole {
    Sme,
    Provider,
}

#[derive(ToSchema)]
pub struct RegisterOrganization {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// 统一社会信用代码: 18 characters with a valid GB 32100 check character.
    #[schema(min_length = 18, max_length = 18)]
    pub uscc: String,
    /// Required for an SME (its park); a provider may name its home park.
    pub park_id: Option<i64>,
    pub industry: Industry,
    pub size: OrgSize,
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub employees: Option<i32>,
    #[schema(min_length = 1, max_length = 50)]
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    #[schema(format = Email)]
    pub contact_email: Option<String>,
}

#[derive(ToSchema)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

/// A session: the bearer token and when it expires.
#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserView,
    /// At registration: the new organisation (`status: "pending"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationView>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenAnswer {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct MeAnswer {
    pub user: UserView,
    /// For SME and provider users.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationView>,
}

#[derive(ToSchema)]
pub struct ChangePasswordBody {
    pub current_password: String,
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

#[derive(ToSchema)]
pub struct PasswordResetBody {
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct Empty {}

#[derive(ToSchema)]
pub struct PasswordResetConfirmBody {
    /// From the link in the reset mail.
    pub token: String,
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

#[derive(Serialize, ToSchema)]
pub struct EmailConfirmed {
    pub email: String,
    pub confirmed: bool,
}

// ---------------------------------------------------------------------------------------------
// Administration

#[derive(ToSchema)]
pub struct ParkBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    pub kind: ParkKind,
    pub city_code: CityCode,
    pub level: ParkLevel,
}

#[derive(ToSchema)]
pub struct AdminUserBody {
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    #[schema(inline)]
    pub role: AdminRole,
    /// Required for a park admin, not allowed for a platform admin.
    pub park_id: Option<i64>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum AdminRole {
    ParkAdmin,
    PlatformAdmin,
}

#[derive(ToSchema)]
pub struct SuspendBody {
    #[schema(min_length = 1, max_length = 1000)]
    pub note: String,
}

/// Rejecting an organisation or a posting.
#[derive(ToSchema)]
pub struct RejectBody {
    pub reason_code: RejectCode,
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// Rejecting an organisation: `other` needs a note. (`duplicate`, `not_eligible` and
/// `inappropriate`, which v1 took from the posting codes, are still accepted.)
#[derive(ToSchema)]
pub struct OrgRejectBody {
    pub reason_code: OrgRejectCode,
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// Correcting one's own organisation: every field optional. Name, `uscc` and `park_id` change
/// only while the organisation is not verified (409 otherwise); `park_id` is for SMEs.
#[derive(ToSchema)]
pub struct OrgPatchBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// 18 characters with a valid GB 32100 check character.
    pub uscc: Option<String>,
    pub park_id: Option<i64>,
    pub industry: Option<Industry>,
    pub size: Option<OrgSize>,
    #[schema(minimum = 0, maximum = 10000000)]
    pub employees: Option<i32>,
    #[schema(min_length = 1, max_length = 50)]
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
}

/// An item of the moderation queue: an organisation view or a posting view, plus these fields.
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    pub id: i64,
    /// `organization`, `need` or `offer`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `organization`, `need`, `offer` or `escalated`.
    pub queue: String,
    pub waiting_since: DateTime<Utc>,
    /// Postings only, when their organisation is not verified (`pending` or `rejected`):
    /// approving is refused (409) until it is.
    pub organization_status: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Postings

/// A need: exactly one details object, the one named by `category`.
#[derive(ToSchema)]
pub struct NeedBody {
    pub category: Category,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// In the future, at most 730 days ahead; default 90 days.
    pub expires_at: Option<DateTime<Utc>>,
    /// `false` keeps a draft; default `true` (sent for review).
    pub submit: Option<bool>,
    pub financing: Option<NeedFinancing>,
    pub recruiting: Option<NeedRecruiting>,
    pub training: Option<NeedTraining>,
}

/// An offer: exactly one details object, the one named by `category`.
#[derive(ToSchema)]
pub struct OfferBody {
    pub category: Category,
    #[schema(min_length = 1, max_length = 100)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// In the future, at most 730 days ahead; default 90 days.
    pub expires_at: Option<DateTime<Utc>>,
    /// `false` keeps a draft; default `true` (sent for review).
    pub submit: Option<bool>,
    /// Empty or absent = all of Sichuan.
    #[schema(max_items = 21)]
    pub regions: Option<Vec<CityCode>>,
    /// Empty or absent = every industry.
    #[schema(max_items = 20)]
    pub industries: Option<Vec<Industry>>,
    /// Empty or absent = every size.
    #[schema(max_items = 4)]
    pub sizes: Option<Vec<OrgSize>>,
    pub financing: Option<OfferFinancing>,
    pub recruiting: Option<OfferRecruiting>,
    pub training: Option<OfferTraining>,
}

/// A partial update: the fields given replace the posting's (the details object is merged
/// field by field), and the result must be a valid posting. The category cannot change.
#[derive(ToSchema)]
pub struct PostingPatch {
    pub category: Option<Category>,
    #[schema(min_length = 1, max_length = 100)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    /// `true` sends the posting for review.
    pub submit: Option<bool>,
    /// Offers only.
    pub regions: Option<Vec<CityCode>>,
    /// Offers only.
    pub industries: Option<Vec<Industry>>,
    /// Offers only.
    pub sizes: Option<Vec<OrgSize>>,
    /// Fields of the category's details to change.
    #[schema(value_type = Option<Object>)]
    pub financing: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub recruiting: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub training: Option<serde_json::Value>,
}

// ---------------------------------------------------------------------------------------------
// Matches

/// A provider answers a need with one of its published offers.
#[derive(ToSchema)]
pub struct RespondBody {
    pub offer_id: i64,
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// An SME answers an offer with one of its published needs.
#[derive(ToSchema)]
pub struct ApplyBody {
    pub need_id: i64,
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

#[derive(ToSchema)]
pub struct DeclineBody {
    #[schema(inline)]
    pub reason_code: crate::domain::DeclineCode,
    #[schema(min_length = 1, max_length = 1000)]
    pub note: Option<String>,
}

/// The result of a connected match; a success needs the figure of its category
/// (`amount_yuan` for financing, `hires` for recruiting, `trainees` for training).
#[derive(ToSchema)]
pub struct OutcomeBody {
    #[schema(inline)]
    pub result: OutcomeResult,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub amount_yuan: Option<i64>,
    #[schema(minimum = 0, maximum = 100_000)]
    pub hires: Option<i32>,
    #[schema(minimum = 0, maximum = 100_000)]
    pub trainees: Option<i32>,
}

#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum OutcomeResult {
    Succeeded,
    /// A success short of what the need asked for (also found by comparing the figure).
    Partial,
    Failed,
}

#[derive(ToSchema)]
pub struct InterestBody {
    /// For the other side: shown in the match and in its mail.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(ToSchema)]
pub struct DisputeBody {
    /// What is wrong with the reported outcome, for the side that reported it.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Saved searches and settings

#[derive(ToSchema)]
pub struct SavedSearchBody {
    #[schema(min_length = 1, max_length = 50)]
    pub name: String,
    pub query: SavedQuery,
    pub frequency: AlertFrequency,
}

/// The parameters of `GET /search` a saved search keeps (strings or numbers; checked the same
/// way). No other key is allowed.
#[derive(ToSchema)]
pub struct SavedQuery {
    #[schema(max_length = 200)]
    pub q: Option<String>,
    #[schema(rename = "type")]
    pub kind: Option<PostingKind>,
    pub category: Option<Category>,
    pub city_code: Option<CityCode>,
    pub park_id: Option<String>,
    pub industry: Option<Industry>,
    pub amount_yuan: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationSettings {
    pub match_emails: MatchEmails,
}

// ---------------------------------------------------------------------------------------------
// Lists

/// The contract's list envelope, for lists whose items are built by hand.
#[derive(Serialize, ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

// ---------------------------------------------------------------------------------------------
// Members and invitations

#[derive(ToSchema)]
pub struct InvitationBody {
    /// The colleague's address; the link is mailed there.
    pub email: String,
}

#[derive(ToSchema)]
pub struct AcceptInvitationBody {
    /// From the link in the invitation mail.
    pub token: String,
    #[schema(max_length = 50)]
    pub display_name: String,
    #[schema(min_length = 12, max_length = 128)]
    pub password: String,
    pub phone: Option<String>,
}
