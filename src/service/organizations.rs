//! An organisation's own profile: its users read it, correct it, and send it back for
//! verification after a rejection (rejected → pending). Every change is in the audit log.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::accounts::organization_view;
use super::views::OrganizationView;
use super::{audit, parks};
use crate::auth::Actor;
use crate::db::models::Organization;
use crate::db::schema::organizations;
use crate::db::DbConn;
use crate::domain::input::{FieldType, FormFields, Obj};
use crate::domain::{
    parse_count, parse_phone, parse_text, Email, Industry, OrgKind, OrgSize, OrgStatus, Uscc,
};
use crate::error::{AppError, AppResult, FieldErrors, Problem};

/// `PATCH /organizations/me`: the fields to change, each optional.
#[derive(Debug, Default)]
pub struct OrgPatch {
    pub name: Option<String>,
    pub uscc: Option<Uscc>,
    pub park_id: Option<i64>,
    pub industry: Option<Industry>,
    pub size: Option<OrgSize>,
    pub employees: Option<i32>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<Email>,
}

/// The fields the profile form sends that are not text.
pub const FORM_FIELDS: FormFields = &[("park_id", FieldType::Int), ("employees", FieldType::Int)];

/// The keys a patch may hold.
const KEYS: &[&str] = &[
    "name",
    "uscc",
    "park_id",
    "industry",
    "size",
    "employees",
    "contact_name",
    "contact_phone",
    "contact_email",
];

impl OrgPatch {
    pub fn parse(body: &Value) -> AppResult<OrgPatch> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        for k in o.keys() {
            if !KEYS.contains(&k.as_str()) {
                errs.add(k.chars().take(100).collect::<String>(), Problem::NotAllowed);
            }
        }
        let name = o.parse_opt_str("name", &mut errs, |s| parse_text(s, 100));
        let uscc = o.parse_opt_str("uscc", &mut errs, Uscc::parse);
        let park_id = o.parse_opt_int("park_id", &mut errs, Ok);
        let industry = o.parse_opt_str("industry", &mut errs, Industry::parse);
        let size = o.parse_opt_str("size", &mut errs, OrgSize::parse);
        let employees = o.parse_opt_int("employees", &mut errs, |v| parse_count(v, 0, 10_000_000));
        let contact_name = o.parse_opt_str("contact_name", &mut errs, |s| parse_text(s, 50));
        let contact_phone = o.parse_opt_str("contact_phone", &mut errs, parse_phone);
        let contact_email = o.parse_opt_str("contact_email", &mut errs, Email::parse);
        let patch = (|| {
            Some(OrgPatch {
                name: name?,
                uscc: uscc?,
                park_id: park_id?,
                industry: industry?,
                size: size?,
                employees: employees?,
                contact_name: contact_name?,
                contact_phone: contact_phone?,
                contact_email: contact_email?,
            })
        })();
        match patch {
            Some(p) if errs.is_empty() => Ok(p),
            _ => Err(AppError::Validation(errs)),
        }
    }

    /// Whether the patch changes what verification looked at: name, credit code or park.
    fn changes_identity(&self, org: &Organization) -> bool {
        self.name.as_ref().is_some_and(|n| *n != org.name)
            || self.uscc.as_ref().is_some_and(|u| u.as_str() != org.uscc)
            || self.park_id.is_some_and(|p| Some(p) != org.park_id)
    }
}

fn own_org(conn: &mut DbConn, actor: &Actor) -> AppResult<Organization> {
    let id = actor.organization_id.ok_or(AppError::NotFound)?;
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)?)
}

/// The caller's organisation, with its contact and, when rejected, why.
/// The caller's organisation, to change: only its owner may (members see it).
fn owned_org(conn: &mut DbConn, actor: &Actor) -> AppResult<Organization> {
    let org = own_org(conn, actor)?;
    if !super::members::is_owner(conn, actor)? {
        return Err(actor.refuse(
            "only the organisation's owner (the account that registered it) may change its \
             details or submit it again / 只有机构负责人（注册机构的账号）可以修改机构资料或重新提交认证",
        ));
    }
    Ok(org)
}

pub fn mine(conn: &mut DbConn, actor: &Actor) -> AppResult<OrganizationView> {
    let org = own_org(conn, actor)?;
    organization_view(conn, org.id, true)
}

/// Corrects the caller's organisation. Name, credit code and park are what verification
/// checked: they change only while the organisation is not verified (a verified one asks an
/// administrator).
pub fn update(
    conn: &mut DbConn,
    actor: &Actor,
    patch: AppResult<OrgPatch>,
    now: DateTime<Utc>,
) -> AppResult<OrganizationView> {
    let org = owned_org(conn, actor)?;
    let patch = patch?;
    let status = OrgStatus::from_db(&org.status);
    if status == OrgStatus::Verified && patch.changes_identity(&org) {
        return Err(AppError::conflict(
            "已认证的机构不能自行修改名称、统一社会信用代码或所属园区，如需变更请联系管理员",
            "a verified organisation cannot change its name, credit code or park itself: ask an administrator",
        ));
    }
    if patch.park_id.is_some() && OrgKind::from_db(&org.kind) == OrgKind::Sme {
        let park = patch.park_id.unwrap_or_default();
        if parks::find(conn, park)?.is_none() {
            return Err(AppError::field("park_id", Problem::UnknownPark));
        }
    } else if patch.park_id.is_some() {
        return Err(AppError::field("park_id", Problem::NotAllowed));
    }
    if let Some(uscc) = &patch.uscc {
        let taken: i64 = organizations::table
            .filter(organizations::uscc.eq(uscc.as_str()))
            .filter(organizations::id.ne(org.id))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(AppError::field(
                "uscc",
                Problem::Custom {
                    zh: "该统一社会信用代码已被另一家机构注册".into(),
                    en: "another organisation is registered with this credit code".into(),
                },
            ));
        }
    }
    let n = now.naive_utc();
    let mut changed: Vec<&str> = vec![];
    let mut set = |field: &'static str, differs: bool| {
        if differs {
            changed.push(field);
        }
    };
    set("name", patch.name.as_ref().is_some_and(|v| *v != org.name));
    set(
        "uscc",
        patch.uscc.as_ref().is_some_and(|v| v.as_str() != org.uscc),
    );
    set(
        "park_id",
        patch.park_id.is_some_and(|v| Some(v) != org.park_id),
    );
    set(
        "industry",
        patch.industry.is_some_and(|v| v.as_str() != org.industry),
    );
    set("size", patch.size.is_some_and(|v| v.as_str() != org.size));
    set(
        "employees",
        patch.employees.is_some_and(|v| Some(v) != org.employees),
    );
    set(
        "contact_name",
        patch.contact_name.is_some() && patch.contact_name != org.contact_name,
    );
    set(
        "contact_phone",
        patch.contact_phone.is_some() && patch.contact_phone != org.contact_phone,
    );
    set(
        "contact_email",
        patch
            .contact_email
            .as_ref()
            .is_some_and(|v| Some(v.as_str()) != org.contact_email.as_deref()),
    );
    if changed.is_empty() {
        return organization_view(conn, org.id, true);
    }
    diesel::update(organizations::table.find(org.id))
        .set((
            organizations::name.eq(patch.name.unwrap_or(org.name)),
            organizations::uscc.eq(patch.uscc.map_or(org.uscc, |u| u.as_str().to_string())),
            organizations::park_id.eq(patch.park_id.or(org.park_id)),
            organizations::industry.eq(patch.industry.map_or(org.industry, |i| i.as_str().into())),
            organizations::size.eq(patch.size.map_or(org.size, |s| s.as_str().into())),
            organizations::employees.eq(patch.employees.or(org.employees)),
            organizations::contact_name.eq(patch.contact_name.or(org.contact_name)),
            organizations::contact_phone.eq(patch.contact_phone.or(org.contact_phone)),
            organizations::contact_email.eq(patch
                .contact_email
                .map(|e| e.as_str().to_string())
                .or(org.contact_email)),
            organizations::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "organization.update",
        "organization",
        org.id,
        org.park_id,
        None,
        Some(&changed.join(", ")),
        n,
    )?;
    organization_view(conn, org.id, true)
}

/// Sends a rejected organisation back for verification: it is pending again and waits in the
/// queue of who verifies it (its park's administrators for an SME, the province for a
/// provider).
pub fn resubmit(
    conn: &mut DbConn,
    actor: &Actor,
    now: DateTime<Utc>,
) -> AppResult<OrganizationView> {
    let org = owned_org(conn, actor)?;
    if OrgStatus::from_db(&org.status) != OrgStatus::Rejected {
        return Err(AppError::conflict(
            "只有认证未通过的机构可以重新提交认证",
            "only an organisation that was not verified can be submitted again",
        ));
    }
    let n = now.naive_utc();
    diesel::update(organizations::table.find(org.id))
        .set((
            organizations::status.eq(OrgStatus::Pending.as_str()),
            organizations::reject_code.eq(None::<String>),
            organizations::reject_note.eq(None::<String>),
            organizations::updated_at.eq(n),
        ))
        .execute(conn)?;
    audit(
        conn,
        Some(actor),
        "organization.resubmit",
        "organization",
        org.id,
        org.park_id,
        org.reject_code.as_deref(),
        None,
        n,
    )?;
    organization_view(conn, org.id, true)
}
