//! `/organization`: an organisation's own profile — its status and who acts next, the form to
//! correct it, and "submit again" after it was not verified (the same service as
//! `/api/v1/organizations/me`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::browse::all_parks;
use super::form::{Form, FormState};
use super::{render_status, see_other, Chrome, Routes, SignedIn};
use crate::domain::{OrgKind, OrgStatus};
use crate::error::{AppError, AppResult};
use crate::service::organizations::{self, OrgPatch, FORM_FIELDS};
use crate::service::views::{OrganizationView, ParkView};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/organization", page)
        .post("/organization", save)
        .post("/organization/resubmit", resubmit);
}

#[derive(Template)]
#[template(path = "pages/organization.html")]
struct OrgPage {
    c: Chrome,
    o: OrganizationView,
    f: FormState,
    parks: Vec<ParkView>,
    /// Only the owner changes the details or submits them again; members read them.
    owner: bool,
}

impl OrgPage {
    fn sme(&self) -> bool {
        self.o.kind == OrgKind::Sme
    }

    /// Name, credit code and park are what verification checked.
    fn identity_locked(&self) -> bool {
        self.o.status == OrgStatus::Verified
    }

    /// Who verifies this organisation, in words.
    fn verifier(&self) -> String {
        verifier(&self.c, &self.o)
    }
}

/// Who verifies `o`: its park's administrators for an SME, the province for a platform company.
pub fn verifier(c: &Chrome, o: &OrganizationView) -> String {
    match (o.kind, &o.park) {
        (OrgKind::Sme, Some(p)) if c.en() => format!("the administrators of {}", p.name),
        (OrgKind::Sme, Some(p)) => format!("{}管理员", p.name),
        (OrgKind::Sme, None) => c.t("园区管理员", "the park's administrators").into(),
        (OrgKind::Provider, _) => c.t("省平台管理员", "the provincial administrators").into(),
    }
}

/// The form filled from the stored organisation.
fn filled(o: &OrganizationView) -> FormState {
    let mut f = FormState::new();
    f.set("name", o.name.clone());
    f.set("uscc", o.uscc.clone());
    if let Some(p) = o.park_id {
        f.set("park_id", p.to_string());
    }
    f.set("industry", o.industry.clone());
    f.set("size", o.size.as_str());
    if let Some(e) = o.employees {
        f.set("employees", e.to_string());
    }
    if let Some(ct) = &o.contact {
        for (k, v) in [
            ("contact_name", &ct.name),
            ("contact_phone", &ct.phone),
            ("contact_email", &ct.email),
        ] {
            if let Some(v) = v {
                f.set(k, v.clone());
            }
        }
    }
    f
}

/// The page; after a refusal, with the form as typed (or as stored) and why.
async fn show(
    state: &AppState,
    c: Chrome,
    f: Option<FormState>,
    message: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let Some(actor) = c.actor.clone() else {
        return Err(AppError::Unauthorized);
    };
    let (o, owner) = state
        .db(move |conn| {
            Ok((
                organizations::mine(conn, &actor)?,
                crate::service::members::is_owner(conn, &actor)?,
            ))
        })
        .await?;
    let parks = match o.kind {
        OrgKind::Sme => all_parks(state).await?,
        OrgKind::Provider => vec![],
    };
    let mut f = f.unwrap_or_else(|| filled(&o));
    if message.is_some() {
        f.message = message;
    }
    render_status(
        status,
        OrgPage {
            c,
            o,
            f,
            parks,
            owner,
        },
    )
}

async fn page(state: web::Data<AppState>, SignedIn(_, c): SignedIn) -> AppResult<HttpResponse> {
    show(&state, c, None, None, StatusCode::OK).await
}

async fn save(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
    form: Form,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    let patch = OrgPatch::parse(&form.to_json(FORM_FIELDS));
    match state
        .tx(move |conn| organizations::update(conn, &actor, patch, now))
        .await
    {
        Ok(_) => Ok(see_other("/organization", Some("org_saved"))),
        Err(e) => {
            let mut f = form.state();
            let status = f.absorb(e, c.lang)?;
            show(&state, c, Some(f), None, status).await
        }
    }
}

async fn resubmit(
    state: web::Data<AppState>,
    SignedIn(actor, c): SignedIn,
    _form: Form,
) -> AppResult<HttpResponse> {
    let now = state.clock.now();
    match state
        .tx(move |conn| organizations::resubmit(conn, &actor, now))
        .await
    {
        Ok(o) => {
            let notice = match o.kind {
                OrgKind::Sme => "org_resubmitted_sme",
                OrgKind::Provider => "org_resubmitted_provider",
            };
            Ok(see_other("/organization", Some(notice)))
        }
        Err(e) => {
            let (status, text) = super::form::problem_text(e, c.lang)?;
            show(&state, c, None, Some(text), status).await
        }
    }
}
