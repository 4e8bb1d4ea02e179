//! One account per company: the organisation's owner (its first user) invites colleagues by
//! mail, sees the members and removes one; an invited colleague sets a password through the link.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::audit;
use super::views::utc;
use crate::auth::{throttle, Actor};
use crate::db::models::User;
use crate::db::schema::{invitations, organizations, users};
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::{
    mask_email, parse_phone, parse_text, Email, OrgKind, OrgRole, Password, Role, UserStatus,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Lang;
use crate::notify::mail::{InvitationMail, Mail};
use crate::notify::outbox;
use crate::state::AppState;

/// Days an invitation link stays valid.
pub const INVITATION_DAYS: i64 = 7;
/// Invitations one organisation may send in 24 hours.
pub const INVITATIONS_PER_DAY: i64 = 20;
/// Members listed at most (an organisation's accounts are few; the bound keeps a page cheap).
const MAX_LISTED: i64 = 200;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub org_role: OrgRole,
    pub joined_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub id: i64,
    pub email: String,
    pub invited_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `GET /organizations/me/members`: the members (owner first) and the invitations still open.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MembersView {
    pub items: Vec<MemberView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub invitations: Vec<InvitationView>,
    /// Whether the caller is the owner (who may invite and remove).
    pub you_are_owner: bool,
}

/// What the invitation page shows before the colleague sets a password.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvitationInfo {
    pub organization_name: String,
    pub email: String,
    pub invited_by: String,
    pub expires_at: DateTime<Utc>,
}

fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn org_of(actor: &Actor) -> AppResult<i64> {
    match (actor.role, actor.organization_id) {
        (Role::Sme | Role::Provider, Some(id)) => Ok(id),
        _ => Err(actor.refuse("only users of an organisation have colleagues")),
    }
}

fn role_of(conn: &mut DbConn, user_id: i64) -> AppResult<Option<OrgRole>> {
    let r: Option<String> = users::table
        .find(user_id)
        .select(users::org_role)
        .first(conn)?;
    Ok(r.as_deref().map(OrgRole::from_db))
}

/// Whether the caller owns its organisation (the account that registered it).
pub fn is_owner(conn: &mut DbConn, actor: &Actor) -> AppResult<bool> {
    Ok(role_of(conn, actor.user_id)? == Some(OrgRole::Owner))
}

/// The caller's organisation, when the caller owns it; 403 otherwise.
fn require_owner(conn: &mut DbConn, actor: &Actor) -> AppResult<i64> {
    let org = org_of(actor)?;
    if role_of(conn, actor.user_id)? == Some(OrgRole::Owner) {
        Ok(org)
    } else {
        Err(actor.refuse("only the organisation's owner may invite or remove members"))
    }
}

fn name_of(conn: &mut DbConn, user_id: i64) -> AppResult<String> {
    Ok(users::table
        .find(user_id)
        .select(users::display_name)
        .first(conn)?)
}

pub fn members(conn: &mut DbConn, actor: &Actor, now: NaiveDateTime) -> AppResult<MembersView> {
    let org = org_of(actor)?;
    let rows: Vec<User> = users::table
        .filter(users::organization_id.eq(org))
        .filter(users::org_role.ne(OrgRole::Removed.as_str()))
        .order(users::id.asc())
        .limit(MAX_LISTED)
        .select(User::as_select())
        .load(conn)?;
    let mut items: Vec<MemberView> = rows
        .iter()
        .map(|u| MemberView {
            id: u.id,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            org_role: u
                .org_role
                .as_deref()
                .map(OrgRole::from_db)
                .unwrap_or(OrgRole::Member),
            joined_at: utc(u.created_at),
        })
        .collect();
    items.sort_by_key(|m| (m.org_role != OrgRole::Owner, m.id));
    let you_are_owner = items
        .iter()
        .any(|m| m.id == actor.user_id && m.org_role == OrgRole::Owner);
    let open: Vec<(i64, String, i64, NaiveDateTime, NaiveDateTime)> = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .order(invitations::id.desc())
        .limit(MAX_LISTED)
        .select((
            invitations::id,
            invitations::email,
            invitations::invited_by,
            invitations::created_at,
            invitations::expires_at,
        ))
        .load(conn)?;
    let mut invites = Vec::with_capacity(open.len());
    for (id, email, by, created, expires) in open {
        invites.push(InvitationView {
            id,
            email,
            invited_by: name_of(conn, by)?,
            created_at: utc(created),
            expires_at: utc(expires),
        });
    }
    Ok(MembersView {
        total: items.len() as i64,
        page: 1,
        per_page: MAX_LISTED,
        items,
        invitations: invites,
        you_are_owner,
    })
}

/// `{email}` of `POST /organizations/me/invitations`.
pub fn parse_invitation(body: &Value) -> AppResult<Email> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let email = o.parse_str("email", &mut errs, Email::parse);
    match email {
        Some(e) if errs.is_empty() => Ok(e),
        _ => Err(AppError::Validation(errs)),
    }
}

/// Invites `email` to the caller's organisation: a single-use link valid for
/// [`INVITATION_DAYS`], mailed in `lang`. A new invitation to the same address replaces the
/// open one. The owner only; at most [`INVITATIONS_PER_DAY`] a day per organisation.
pub fn invite(
    conn: &mut DbConn,
    actor: &Actor,
    email: AppResult<Email>,
    public_url: &str,
    lang: Lang,
    now: NaiveDateTime,
) -> AppResult<InvitationView> {
    let org = require_owner(conn, actor)?;
    let email = email?;
    let taken: i64 = users::table
        .filter(users::email.eq(email.as_str()))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::field(
            "email",
            Problem::Custom {
                zh: "该邮箱已有园企通账号，不能再邀请".into(),
                en: "this address already has a parkbridge account and cannot be invited".into(),
            },
        ));
    }
    let day_ago = now - Duration::hours(24);
    let recent: Vec<NaiveDateTime> = invitations::table
        .filter(invitations::organization_id.eq(org))
        .filter(invitations::created_at.gt(day_ago))
        .order(invitations::created_at.asc())
        .limit(INVITATIONS_PER_DAY)
        .select(invitations::created_at)
        .load(conn)?;
    if recent.len() as i64 >= INVITATIONS_PER_DAY {
        let free_at = recent[0] + Duration::hours(24);
        let secs = (free_at - now).num_seconds().max(1) as u64;
        return Err(AppError::RateLimited {
            retry_after_secs: secs,
        });
    }
    diesel::update(
        invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::email.eq(email.as_str()))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(now))
    .execute(conn)?;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    let expires = now + Duration::days(INVITATION_DAYS);
    let id: i64 = diesel::insert_into(invitations::table)
        .values((
            invitations::organization_id.eq(org),
            invitations::email.eq(email.as_str()),
            invitations::token_hash.eq(&hash),
            invitations::invited_by.eq(actor.user_id),
            invitations::expires_at.eq(expires),
            invitations::created_at.eq(now),
        ))
        .returning(invitations::id)
        .get_result(conn)?;
    let (org_name, park_id): (String, Option<i64>) = organizations::table
        .find(org)
        .select((organizations::name, organizations::park_id))
        .first(conn)?;
    let inviter = name_of(conn, actor.user_id)?;
    let mail = Mail::Invitation(InvitationMail {
        organization_name: org_name,
        inviter_name: inviter.clone(),
        accept_url: format!(
            "{}/invitation?token={token}",
            public_url.trim().trim_end_matches('/')
        ),
        expires_days: INVITATION_DAYS,
    });
    outbox::queue_to_address(
        conn,
        email.as_str(),
        lang.as_str(),
        &format!("invitation:{}", &hash[..24]),
        &mail,
        now,
    )?;
    let masked = mask_email(email.as_str());
    audit(
        conn,
        Some(actor),
        "organization.invite",
        "organization",
        org,
        park_id,
        None,
        Some(&masked),
        now,
    )?;
    Ok(InvitationView {
        id,
        email: email.as_str().to_string(),
        invited_by: inviter,
        created_at: utc(now),
        expires_at: utc(expires),
    })
}

fn invalid_link() -> AppError {
    AppError::field(
        "token",
        Problem::Custom {
            zh: "该邀请链接无效、已使用或已过期，请联系同事重新发送邀请".into(),
            en: "this invitation link is invalid, used or expired: ask your colleague to invite you again".into(),
        },
    )
}

struct OpenInvitation {
    id: i64,
    organization_id: i64,
    email: String,
    invited_by: i64,
    expires_at: NaiveDateTime,
}

fn open_invitation(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> AppResult<OpenInvitation> {
    if token.trim().is_empty() || token.len() > 200 {
        return Err(invalid_link());
    }
    let row: Option<(i64, i64, String, i64, NaiveDateTime)> = invitations::table
        .filter(invitations::token_hash.eq(token_hash(token)))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select((
            invitations::id,
            invitations::organization_id,
            invitations::email,
            invitations::invited_by,
            invitations::expires_at,
        ))
        .first(conn)
        .optional()?;
    let (id, organization_id, email, invited_by, expires_at) = row.ok_or_else(invalid_link)?;
    Ok(OpenInvitation {
        id,
        organization_id,
        email,
        invited_by,
        expires_at,
    })
}

/// What an open invitation link is for (422 on `token` when it is not open).
pub fn lookup(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> AppResult<InvitationInfo> {
    let inv = open_invitation(conn, token, now)?;
    let organization_name: String = organizations::table
        .find(inv.organization_id)
        .select(organizations::name)
        .first(conn)?;
    Ok(InvitationInfo {
        organization_name,
        email: inv.email,
        invited_by: name_of(conn, inv.invited_by)?,
        expires_at: utc(inv.expires_at),
    })
}

/// `{token, display_name, password, phone?}` of `POST /invitations/accept`.
pub struct Acceptance {
    pub token: String,
    pub display_name: String,
    pub phone: Option<String>,
}

pub fn parse_acceptance(body: &Value) -> AppResult<(Acceptance, Password)> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let token = o.str("token", &mut errs).map(str::to_string);
    let display_name = o.parse_str("display_name", &mut errs, |s| parse_text(s, 50));
    let password = o.parse_str("password", &mut errs, Password::parse);
    let phone = o.parse_opt_str("phone", &mut errs, parse_phone);
    match (token, display_name, password, phone) {
        (Some(token), Some(display_name), Some(password), Some(phone)) if errs.is_empty() => Ok((
            Acceptance {
                token,
                display_name,
                phone,
            },
            password,
        )),
        _ => Err(AppError::Validation(errs)),
    }
}

/// Spends the link and creates the colleague's account in the organisation, with the role of
/// its kind, as a member; the address is confirmed (the link came to it).
pub fn accept(
    conn: &mut DbConn,
    a: &Acceptance,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<User> {
    let inv = open_invitation(conn, &a.token, now)?;
    let email = Email::parse(&inv.email).map_err(|_| invalid_link())?;
    let taken: i64 = users::table
        .filter(users::email.eq(email.as_str()))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::conflict(
            "该邮箱已有园企通账号，请直接登录",
            "this address already has an account: sign in instead",
        ));
    }
    let spent = diesel::update(
        invitations::table
            .find(inv.id)
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(now))
    .execute(conn)?;
    if spent != 1 {
        return Err(invalid_link());
    }
    let (kind, park_id): (String, Option<i64>) = organizations::table
        .find(inv.organization_id)
        .select((organizations::kind, organizations::park_id))
        .first(conn)?;
    let role = match OrgKind::from_db(&kind) {
        OrgKind::Sme => Role::Sme,
        OrgKind::Provider => Role::Provider,
    };
    let user = super::accounts::insert_user(
        conn,
        &email,
        password_hash,
        &a.display_name,
        a.phone.as_deref(),
        role,
        Some(inv.organization_id),
        None,
        OrgRole::Member,
        now,
    )?;
    diesel::update(users::table.find(user.id))
        .set(users::email_confirmed_at.eq(now))
        .execute(conn)?;
    diesel::update(invitations::table.find(inv.id))
        .set(invitations::accepted_user_id.eq(user.id))
        .execute(conn)?;
    let actor = crate::auth::actor_of(conn, user.id)?.map(|(a, _)| a);
    audit(
        conn,
        actor.as_ref(),
        "organization.member_joined",
        "organization",
        inv.organization_id,
        park_id,
        None,
        None,
        now,
    )?;
    super::accounts::get_user(conn, user.id)
}

/// Accepts an invitation: the link is checked before the password is hashed; throttled per
/// client address like a registration.
pub async fn accept_invitation(
    state: &AppState,
    body: &Value,
    address: &str,
) -> AppResult<(super::sessions::Session, User)> {
    let (acceptance, pw) = parse_acceptance(body)?;
    let now = state.clock.now().naive_utc();
    let (token, addr) = (acceptance.token.clone(), address.to_string());
    state
        .db(move |c| {
            if let Some(wait) =
                throttle::hit(c, &[(throttle::REGISTER_ADDRESS, addr.as_str())], now)?
            {
                return Err(AppError::RateLimited {
                    retry_after_secs: wait,
                });
            }
            open_invitation(c, &token, now).map(|_| ())
        })
        .await?;
    let hash = state.hashing.hash(pw).await?;
    let now = state.clock.now().naive_utc();
    let user = state
        .tx(move |c| accept(c, &acceptance, &hash, now))
        .await?;
    tracing::info!(user_id = user.id, "joined an organisation by invitation");
    Ok((super::sessions::Session::for_user(state, &user), user))
}

/// Takes a member off the organisation: their account is suspended and every token ends. The
/// owner only; the owner cannot be removed (the organisation keeps exactly one).
pub fn remove(conn: &mut DbConn, actor: &Actor, user_id: i64, now: NaiveDateTime) -> AppResult<()> {
    let org = require_owner(conn, actor)?;
    let target: Option<(Option<i64>, Option<String>)> = users::table
        .find(user_id)
        .select((users::organization_id, users::org_role))
        .first(conn)
        .optional()?;
    let Some((Some(target_org), role)) = target else {
        return Err(AppError::NotFound);
    };
    let role = role.as_deref().map(OrgRole::from_db);
    if target_org != org || role == Some(OrgRole::Removed) {
        return Err(AppError::NotFound);
    }
    if role == Some(OrgRole::Owner) || user_id == actor.user_id {
        return Err(AppError::conflict(
            "机构负责人不能被移除：每个机构始终有一位负责人",
            "the owner cannot be removed: an organisation always keeps its one owner",
        ));
    }
    diesel::update(users::table.find(user_id))
        .set((
            users::org_role.eq(OrgRole::Removed.as_str()),
            users::status.eq(UserStatus::Suspended.as_str()),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    let park_id: Option<i64> = organizations::table
        .find(org)
        .select(organizations::park_id)
        .first(conn)?;
    audit(
        conn,
        Some(actor),
        "organization.member_removed",
        "user",
        user_id,
        park_id,
        None,
        None,
        now,
    )?;
    tracing::info!(user_id, organization_id = org, "member removed");
    Ok(())
}
