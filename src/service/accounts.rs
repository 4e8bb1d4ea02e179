//! Accounts: registration with an organisation, sign-in, tokens, admins, suspension.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::views::{OrganizationView, UserView};
use super::{audit, parks};
use crate::auth::Actor;
use crate::db::models::{NewOrganization, NewUser, Organization, User};
use crate::db::schema::{notification_settings, organizations, parks as parks_t, users};
use crate::db::DbConn;
use crate::domain::input::{FieldType, FormFields, Obj};
use crate::domain::{
    parse_count, parse_phone, parse_text, Email, Industry, OrgKind, OrgRole, OrgSize, Password,
    Role, Uscc,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};

pub struct OrgInput {
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Uscc,
    pub park_id: Option<i64>,
    pub industry: Industry,
    pub size: OrgSize,
    pub employees: Option<i32>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<Email>,
}

pub struct Registration {
    pub email: Email,
    pub display_name: String,
    pub phone: Option<String>,
    pub org: OrgInput,
}

/// How the registration's fields are typed, for the registration form.
pub const REGISTRATION_FIELDS: FormFields =
    &[("park_id", FieldType::Int), ("employees", FieldType::Int)];

/// Parses `POST /auth/register`; the password comes back separately to be hashed off the
/// executor before the transaction.
pub fn parse_registration(body: &Value) -> AppResult<(Registration, Password)> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let email = o.parse_str("email", &mut errs, Email::parse);
    let password = o.parse_str("password", &mut errs, Password::parse);
    let display_name = o.parse_str("display_name", &mut errs, |s| parse_text(s, 50));
    let phone = o.parse_opt_str("phone", &mut errs, parse_phone);
    let role = o.parse_str("role", &mut errs, |s| match s {
        "sme" => Ok(OrgKind::Sme),
        "provider" => Ok(OrgKind::Provider),
        _ => Err(Problem::NotOneOf {
            allowed: &["sme", "provider"],
        }),
    });
    let org = o.obj("organization", &mut errs).and_then(|org| {
        let name = org.parse_str("name", &mut errs, |s| parse_text(s, 100));
        let uscc = org.parse_str("uscc", &mut errs, Uscc::parse);
        let park_id = org.parse_opt_int("park_id", &mut errs, Ok);
        let industry = org.parse_str("industry", &mut errs, Industry::parse);
        let size = org.parse_str("size", &mut errs, OrgSize::parse);
        let employees =
            org.parse_opt_int("employees", &mut errs, |v| parse_count(v, 0, 10_000_000));
        let contact_name = org.parse_opt_str("contact_name", &mut errs, |s| parse_text(s, 50));
        let contact_phone = org.parse_opt_str("contact_phone", &mut errs, parse_phone);
        let contact_email = org.parse_opt_str("contact_email", &mut errs, Email::parse);
        let park_id = park_id?;
        match (role, park_id) {
            (Some(OrgKind::Sme), None) => errs.add(org.path("park_id"), Problem::Required),
            (Some(OrgKind::Provider), Some(_)) => {} // a provider may name its home park
            _ => {}
        }
        Some(OrgInput {
            kind: role?,
            name: name?,
            uscc: uscc?,
            park_id,
            industry: industry?,
            size: size?,
            employees: employees?,
            contact_name: contact_name?,
            contact_phone: contact_phone?,
            contact_email: contact_email?,
        })
    });
    match (email, password, display_name, phone, org) {
        (Some(email), Some(password), Some(display_name), Some(phone), Some(org))
            if errs.is_empty() =>
        {
            Ok((
                Registration {
                    email,
                    display_name,
                    phone,
                    org,
                },
                password,
            ))
        }
        _ => Err(AppError::Validation(errs)),
    }
}

pub fn email_taken(conn: &mut DbConn, email: &Email) -> AppResult<bool> {
    let n: i64 = users::table
        .filter(users::email.eq(email.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What a registration is checked against in the database: a free email, an existing park and
/// a USCC not yet registered. Run before the password is hashed, and again when it is stored.
pub fn check_registration(
    conn: &mut DbConn,
    email: &Email,
    park_id: Option<i64>,
    uscc: &Uscc,
) -> AppResult<()> {
    if email_taken(conn, email)? {
        return Err(AppError::conflict(
            "该邮箱已注册，请直接登录",
            "this email is already registered: sign in instead",
        ));
    }
    if let Some(park_id) = park_id {
        if parks::find(conn, park_id)?.is_none() {
            return Err(AppError::field(
                "organization.park_id",
                Problem::UnknownPark,
            ));
        }
    }
    let uscc_taken: i64 = organizations::table
        .filter(organizations::uscc.eq(uscc.as_str()))
        .count()
        .get_result(conn)?;
    if uscc_taken > 0 {
        return Err(AppError::conflict(
            "该统一社会信用代码的企业已注册，请联系本企业已有账号的同事",
            "an organisation with this unified social credit code is already registered: ask its users",
        ));
    }
    Ok(())
}

/// Creates the organisation (pending) and its first user.
pub fn register(
    conn: &mut DbConn,
    r: Registration,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<(User, Organization)> {
    check_registration(conn, &r.email, r.org.park_id, &r.org.uscc)?;
    let org: Organization = diesel::insert_into(organizations::table)
        .values(NewOrganization {
            kind: r.org.kind.as_str(),
            name: &r.org.name,
            uscc: r.org.uscc.as_str(),
            park_id: r.org.park_id,
            industry: r.org.industry.as_str(),
            size: r.org.size.as_str(),
            employees: r.org.employees,
            contact_name: Some(r.org.contact_name.as_deref().unwrap_or(&r.display_name)),
            contact_phone: r.org.contact_phone.as_deref().or(r.phone.as_deref()),
            contact_email: Some(
                r.org
                    .contact_email
                    .as_ref()
                    .map(Email::as_str)
                    .unwrap_or(r.email.as_str()),
            ),
            status: "pending",
            verified_at: None,
            created_at: now,
            updated_at: now,
        })
        .returning(organizations::all_columns)
        .get_result(conn)?;
    let role = match r.org.kind {
        OrgKind::Sme => Role::Sme,
        OrgKind::Provider => Role::Provider,
    };
    let user = insert_user(
        conn,
        &r.email,
        password_hash,
        &r.display_name,
        r.phone.as_deref(),
        role,
        Some(org.id),
        None,
        OrgRole::Owner,
        now,
    )?;
    Ok((user, org))
}

#[allow(clippy::too_many_arguments)]
pub fn insert_user(
    conn: &mut DbConn,
    email: &Email,
    password_hash: &str,
    display_name: &str,
    phone: Option<&str>,
    role: Role,
    organization_id: Option<i64>,
    park_id: Option<i64>,
    org_role: OrgRole,
    now: NaiveDateTime,
) -> AppResult<User> {
    let user: User = diesel::insert_into(users::table)
        .values(NewUser {
            email: email.as_str(),
            password_hash,
            display_name,
            phone,
            role: role.as_str(),
            organization_id,
            park_id,
            token_version: 0,
            status: "active",
            lang: "zh-CN",
            created_at: now,
            updated_at: now,
            org_role: organization_id.map(|_| org_role.as_str()),
        })
        .returning(users::all_columns)
        .get_result(conn)?;
    diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::user_id.eq(user.id),
            notification_settings::match_emails.eq("immediate"),
            notification_settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(user)
}

pub fn find_user_by_email(conn: &mut DbConn, email: &str) -> AppResult<Option<User>> {
    Ok(users::table
        .filter(users::email.eq(email.trim().to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn get_user(conn: &mut DbConn, id: i64) -> AppResult<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)?)
}

/// The signed-in user and their organisation (with its contact: it is their own).
pub fn me(conn: &mut DbConn, user_id: i64) -> AppResult<(UserView, Option<OrganizationView>)> {
    let user = get_user(conn, user_id)?;
    let org = match user.organization_id {
        Some(id) => Some(organization_view(conn, id, true)?),
        None => None,
    };
    Ok((UserView::from(&user), org))
}

pub fn organization_view(
    conn: &mut DbConn,
    id: i64,
    show_contact: bool,
) -> AppResult<OrganizationView> {
    let (org, park): (Organization, Option<crate::db::models::Park>) = organizations::table
        .left_join(parks_t::table)
        .filter(organizations::id.eq(id))
        .select((
            Organization::as_select(),
            Option::<crate::db::models::Park>::as_select(),
        ))
        .first(conn)?;
    Ok(OrganizationView::new(&org, park.as_ref(), show_contact))
}

/// Bumps the token version: every token issued before stops working.
pub fn revoke_tokens(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> AppResult<i32> {
    let v: i32 = diesel::update(users::table.find(user_id))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .returning(users::token_version)
        .get_result(conn)?;
    Ok(v)
}

/// Ends one session token (signing out): it is refused from now on, by every instance. The
/// row is kept until the token would have expired anyway.
pub fn end_session(
    conn: &mut DbConn,
    token: &crate::auth::token::SessionToken,
    now: NaiveDateTime,
) -> AppResult<()> {
    use crate::db::schema::revoked_tokens as rt;
    let known: i64 = rt::table
        .filter(rt::jti.eq(&token.jti))
        .count()
        .get_result(conn)?;
    if known == 0 {
        diesel::insert_into(rt::table)
            .values((
                rt::jti.eq(&token.jti),
                rt::user_id.eq(token.user_id),
                rt::expires_at.eq(token.expires_at.naive_utc()),
                rt::revoked_at.eq(now),
            ))
            .execute(conn)?;
    }
    tracing::info!(user_id = token.user_id, "signed out");
    Ok(())
}

/// Forgets signed-out tokens that have expired by now (they are refused for that alone).
pub fn purge_ended_sessions(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    use crate::db::schema::revoked_tokens as rt;
    // A minute of slack over the token check's leeway.
    let before = now - chrono::Duration::minutes(1);
    Ok(diesel::delete(rt::table.filter(rt::expires_at.lt(before))).execute(conn)?)
}

/// Sets a new password: every earlier token stops working and every reset link still open is
/// spent, so a link mailed before the change cannot undo it.
pub fn set_password(
    conn: &mut DbConn,
    user_id: i64,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<i32> {
    use crate::db::schema::password_resets as pr;
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    diesel::update(
        pr::table
            .filter(pr::user_id.eq(user_id))
            .filter(pr::used_at.is_null()),
    )
    .set(pr::used_at.eq(now))
    .execute(conn)?;
    revoke_tokens(conn, user_id, now)
}

pub struct AdminInput {
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub park_id: Option<i64>,
}

/// Parses `POST /admin/users`.
pub fn parse_admin_user(body: &Value) -> AppResult<(AdminInput, Password)> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let email = o.parse_str("email", &mut errs, Email::parse);
    let password = o.parse_str("password", &mut errs, Password::parse);
    let display_name = o.parse_str("display_name", &mut errs, |s| parse_text(s, 50));
    let role = o.parse_str("role", &mut errs, |s| match s {
        "park_admin" => Ok(Role::ParkAdmin),
        "platform_admin" => Ok(Role::PlatformAdmin),
        _ => Err(Problem::NotOneOf {
            allowed: &["park_admin", "platform_admin"],
        }),
    });
    let park_id = o.parse_opt_int("park_id", &mut errs, Ok);
    if let (Some(role), Some(park_id)) = (role, park_id) {
        match (role, park_id) {
            (Role::ParkAdmin, None) => errs.add("park_id", Problem::Required),
            (Role::PlatformAdmin, Some(_)) => errs.add("park_id", Problem::NotAllowed),
            _ => {}
        }
    }
    match (email, password, display_name, role, park_id) {
        (Some(email), Some(password), Some(display_name), Some(role), Some(park_id))
            if errs.is_empty() =>
        {
            Ok((
                AdminInput {
                    email,
                    display_name,
                    role,
                    park_id,
                },
                password,
            ))
        }
        _ => Err(AppError::Validation(errs)),
    }
}

pub fn create_admin(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    input: &AdminInput,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<User> {
    if email_taken(conn, &input.email)? {
        return Err(AppError::conflict(
            "该邮箱已注册",
            "this email is already registered",
        ));
    }
    if let Some(park_id) = input.park_id {
        if parks::find(conn, park_id)?.is_none() {
            return Err(AppError::field("park_id", Problem::UnknownPark));
        }
    }
    let user = insert_user(
        conn,
        &input.email,
        password_hash,
        &input.display_name,
        None,
        input.role,
        None,
        input.park_id,
        OrgRole::Owner,
        now,
    )?;
    audit(
        conn,
        actor,
        "user.create_admin",
        "user",
        user.id,
        input.park_id,
        None,
        Some(input.role.as_str()),
        now,
    )?;
    Ok(user)
}

/// Suspends a user: their tokens stop working at once and they cannot sign in.
pub fn suspend(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    note: &str,
    now: NaiveDateTime,
) -> AppResult<User> {
    let user = get_user(conn, user_id)?;
    if user.id == actor.user_id {
        return Err(AppError::conflict(
            "不能停用自己的账号",
            "you cannot suspend your own account",
        ));
    }
    if user.status == "suspended" {
        return Err(AppError::conflict(
            "该账号已停用",
            "this user is already suspended",
        ));
    }
    diesel::update(users::table.find(user_id))
        .set(users::status.eq("suspended"))
        .execute(conn)?;
    revoke_tokens(conn, user_id, now)?;
    audit(
        conn,
        Some(actor),
        "user.suspend",
        "user",
        user_id,
        user.park_id,
        None,
        Some(note),
        now,
    )?;
    get_user(conn, user_id)
}

/// Lifts a suspension.
pub fn reactivate(
    conn: &mut DbConn,
    actor: &Actor,
    user_id: i64,
    now: NaiveDateTime,
) -> AppResult<User> {
    let user = get_user(conn, user_id)?;
    if user.status != "suspended" {
        return Err(AppError::conflict(
            "该账号未停用",
            "this user is not suspended",
        ));
    }
    // A member its organisation's owner removed is not the platform's to bring back.
    if user.org_role.as_deref() == Some(OrgRole::Removed.as_str()) {
        return Err(AppError::conflict(
            "该账号已被所在机构的负责人移除，不能恢复",
            "this member was removed by its organisation's owner and cannot be reactivated",
        ));
    }
    diesel::update(users::table.find(user_id))
        .set((users::status.eq("active"), users::updated_at.eq(now)))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "user.reactivate",
        "user",
        user_id,
        user.park_id,
        None,
        None,
        now,
    )?;
    get_user(conn, user_id)
}

/// `parkbridge create-admin`: the same rules as the API, without an acting user.
pub fn create_admin_cli(
    conn: &mut DbConn,
    email: &str,
    password: &str,
    role: &str,
    park_id: Option<i64>,
    display_name: &str,
) -> AppResult<User> {
    let body = serde_json::json!({
        "email": email, "password": password, "display_name": display_name,
        "role": role, "park_id": park_id,
    });
    let (input, pw) = parse_admin_user(&body)?;
    let hash = crate::auth::password::hash_blocking(pw.expose())?;
    let now = chrono::Utc::now().naive_utc();
    crate::db::transaction(conn, |c| create_admin(c, None, &input, &hash, now))
}

/// Minutes a password-reset link stays valid.
pub const RESET_MINUTES: i64 = 60;

fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Starts a password reset: when the address belongs to an active user, a single-use token
/// (only its hash is stored) goes out by mail. The caller answers the same either way.
/// How many reset mails one account can be sent in an hour.
pub const RESETS_PER_HOUR: i64 = 3;

pub fn request_password_reset(
    conn: &mut DbConn,
    email: &str,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let Some(user) = find_user_by_email(conn, email)? else {
        return Ok(());
    };
    if user.status != "active" {
        return Ok(());
    }
    // At most a few reset mails an hour per account, counted in the database so every instance
    // shares the limit; the caller answers the same either way.
    use crate::db::schema::password_resets as pr;
    let recent: i64 = pr::table
        .filter(pr::user_id.eq(user.id))
        .filter(pr::created_at.gt(now - chrono::Duration::hours(1)))
        .count()
        .get_result(conn)?;
    if recent >= RESETS_PER_HOUR {
        tracing::warn!(
            user_id = user.id,
            "password reset not sent: hourly limit reached"
        );
        return Ok(());
    }
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    diesel::insert_into(crate::db::schema::password_resets::table)
        .values((
            crate::db::schema::password_resets::user_id.eq(user.id),
            crate::db::schema::password_resets::token_hash.eq(token_hash(&token)),
            crate::db::schema::password_resets::expires_at
                .eq(now + chrono::Duration::minutes(RESET_MINUTES)),
            crate::db::schema::password_resets::created_at.eq(now),
        ))
        .execute(conn)?;
    crate::notify::outbox::enqueue(
        conn,
        crate::notify::outbox::Mail {
            kind: "password_reset",
            user_id: user.id,
            dedupe_key: format!("password_reset:{}", &token_hash(&token)[..24]),
            payload: serde_json::json!({
                "reset_url": format!("{}/reset-password?token={token}", public_url.trim_end_matches('/')),
                "expires_minutes": RESET_MINUTES,
            }),
        },
        now,
    )?;
    Ok(())
}

/// The user a reset link belongs to, if it is unused and unexpired (looked up before the new
/// password is hashed; `complete_password_reset` checks it again as it spends it).
pub fn reset_link_user(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> AppResult<i64> {
    use crate::db::schema::password_resets as pr;
    pr::table
        .filter(pr::token_hash.eq(token_hash(token.trim())))
        .filter(pr::used_at.is_null())
        .filter(pr::expires_at.gt(now))
        .select(pr::user_id)
        .first(conn)
        .optional()?
        .ok_or_else(invalid_reset_link)
}

fn invalid_reset_link() -> AppError {
    AppError::field(
        "token",
        Problem::Custom {
            zh: "重置链接无效或已过期，请重新申请".into(),
            en: "this reset link is invalid or has expired: ask for a new one".into(),
        },
    )
}

/// Completes a reset: the token must be unused and unexpired; it is spent, the password set
/// and every earlier session ended. Returns the user and the new token version.
pub fn complete_password_reset(
    conn: &mut DbConn,
    token: &str,
    password_hash: &str,
    now: NaiveDateTime,
) -> AppResult<(i64, i32)> {
    use crate::db::schema::password_resets as pr;
    let row: Option<(i64, i64)> = pr::table
        .filter(pr::token_hash.eq(token_hash(token.trim())))
        .filter(pr::used_at.is_null())
        .filter(pr::expires_at.gt(now))
        .select((pr::id, pr::user_id))
        .first(conn)
        .optional()?;
    let Some((id, user_id)) = row else {
        return Err(AppError::field(
            "token",
            Problem::Custom {
                zh: "重置链接无效或已过期，请重新申请".into(),
                en: "this reset link is invalid or has expired: ask for a new one".into(),
            },
        ));
    };
    let spent = diesel::update(pr::table.find(id).filter(pr::used_at.is_null()))
        .set(pr::used_at.eq(now))
        .execute(conn)?;
    if spent != 1 {
        return Err(AppError::conflict(
            "该重置链接已被使用",
            "this reset link was already used",
        ));
    }
    let version = set_password(conn, user_id, password_hash, now)?;
    audit(
        conn,
        None,
        "user.password_reset",
        "user",
        user_id,
        None,
        None,
        None,
        now,
    )?;
    Ok((user_id, version))
}

/// Queues the address-confirmation mail of a new account.
pub fn queue_email_confirmation(
    conn: &mut DbConn,
    user_id: i64,
    confirm_url: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    crate::notify::outbox::enqueue(
        conn,
        crate::notify::outbox::Mail {
            kind: "email_confirmation",
            user_id,
            dedupe_key: format!("email_confirmation:u{user_id}"),
            payload: serde_json::json!({ "confirm_url": confirm_url }),
        },
        now,
    )?;
    Ok(())
}

/// Marks the address confirmed when it is still the user's address.
pub fn confirm_email(
    conn: &mut DbConn,
    user_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    let user = get_user(conn, user_id)?;
    if user.email != email {
        return Err(AppError::field(
            "token",
            Problem::Custom {
                zh: "该链接对应的邮箱已变更".into(),
                en: "this link is for an address the account no longer uses".into(),
            },
        ));
    }
    if user.email_confirmed_at.is_none() {
        diesel::update(users::table.find(user_id))
            .set(users::email_confirmed_at.eq(now))
            .execute(conn)?;
    }
    Ok(user.email)
}
