//! The new and edit forms of needs and offers: first the category, then only that category's
//! fields; what was typed is kept and each error shown beside its field.

use std::borrow::Borrow;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde_json::{json, Value};

use super::form::{fill, Form, FormState};
use super::labels::{Int, Labels};
use super::postings::{posting_url, submitted};
use super::{render, render_status, see_other, Chrome, Routes, SignedIn};
use crate::auth::Actor;
use crate::domain::posting::{Draft, DEFAULT_LIFETIME_DAYS, FORM_FIELDS};
use crate::domain::{Category, PostingKind, PostingStatus, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::beijing;
use crate::service::postings::{self, PostingPatch};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    for kind in [PostingKind::Need, PostingKind::Offer] {
        let base = format!("/{}", kind.plural());
        r.get(&format!("{base}/new"), move |st, si, q| {
            new_page(st, si, q, kind)
        })
        .post(&format!("{base}/new"), move |st, si, f| {
            create(st, si, f, kind)
        })
        .get(&format!("{base}/{{id}}/edit"), move |st, si, id| {
            edit_page(st, si, id, kind)
        })
        .post(&format!("{base}/{{id}}/edit"), move |st, si, id, f| {
            update(st, si, id, f, kind)
        });
    }
}

#[derive(Template)]
#[template(path = "pages/posting_form.html")]
struct FormPage {
    c: Chrome,
    kind: PostingKind,
    /// None until the category is chosen.
    category: Option<Category>,
    f: FormState,
    action: String,
    editing: bool,
}

impl FormPage {
    fn l(&self) -> Labels {
        self.c.l()
    }

    /// `recruiting.positions[i].field`
    fn pos(&self, i: impl Int, field: &str) -> String {
        format!("recruiting.positions[{}].{field}", i.int())
    }

    fn title(&self) -> &'static str {
        match (self.kind, self.editing) {
            (PostingKind::Need, false) => self.c.t("发布需求", "Post a need"),
            (PostingKind::Need, true) => self.c.t("修改需求", "Edit the need"),
            (PostingKind::Offer, false) => self.c.t("发布服务", "List an offer"),
            (PostingKind::Offer, true) => self.c.t("修改服务", "Edit the offer"),
        }
    }

    /// Whether the form is the one for `kind` and `category`.
    fn is(&self, kind: impl Borrow<PostingKind>, category: impl Borrow<Category>) -> bool {
        self.kind == *kind.borrow() && self.category == Some(*category.borrow())
    }

    fn category_name(&self) -> &'static str {
        self.category.map_or("", Category::as_str)
    }

    fn category_label(&self) -> &'static str {
        self.category.map_or("", |c| c.label(self.c.lang))
    }
}

#[derive(serde::Deserialize)]
struct CategoryQuery {
    category: Option<String>,
}

fn may_post(a: &Actor, kind: PostingKind) -> AppResult<()> {
    let role = match kind {
        PostingKind::Need => Role::Sme,
        PostingKind::Offer => Role::Provider,
    };
    if a.role == role {
        Ok(())
    } else {
        Err(a.refuse(match kind {
            PostingKind::Need => "only SME users may do this",
            PostingKind::Offer => "only platform-company users may do this",
        }))
    }
}

async fn new_page(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    q: web::Query<CategoryQuery>,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    may_post(&a, kind)?;
    let category = q.category.as_deref().and_then(|s| Category::parse(s).ok());
    let mut f = FormState::new();
    f.set("category", category.map_or("", Category::as_str));
    let lifetime = Duration::days(DEFAULT_LIFETIME_DAYS);
    let expires = (state.clock.now() + lifetime).with_timezone(&beijing());
    f.set("expires_at", expires.format("%Y-%m-%d").to_string());
    render(FormPage {
        c,
        kind,
        category,
        f,
        action: format!("/{}/new", kind.plural()),
        editing: false,
    })
}

/// The form's fields as the service's body. The chosen category's details are always sent, so
/// an empty one gets an error beside each of its fields; an offer's audience lists are always
/// sent, so that unticking every box on edit clears them.
fn body_of(form: &Form, kind: PostingKind) -> Value {
    let mut body = form.to_json(FORM_FIELDS);
    if let Some(category) = form.value("category").and_then(|c| Category::parse(c).ok()) {
        if body.get(category.as_str()).is_none() {
            body[category.as_str()] = json!({});
        }
    }
    if kind == PostingKind::Offer {
        for key in ["regions", "industries", "sizes"] {
            if body.get(key).is_none() {
                body[key] = json!([]);
            }
        }
    }
    body
}

fn form_failed(
    c: Chrome,
    form: &Form,
    e: AppError,
    kind: PostingKind,
    action: String,
    editing: bool,
) -> AppResult<HttpResponse> {
    let mut f = form.state();
    let status = f.absorb(e, c.lang)?;
    let category = Category::parse(f.v("category")).ok();
    render_status(
        status,
        FormPage {
            c,
            kind,
            category,
            f,
            action,
            editing,
        },
    )
}

async fn create(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    form: Form,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    may_post(&a, kind)?;
    let now = state.clock.now();
    let parsed = Draft::parse(kind, &body_of(&form, kind), now);
    let result = match parsed {
        Ok(draft) => {
            state
                .tx(move |conn| postings::create(conn, &a, draft, now))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(p) => {
            let notice = if p.status == PostingStatus::Draft {
                "saved"
            } else {
                submitted(p.kind)
            };
            Ok(see_other(&posting_url(p.kind, p.id), Some(notice)))
        }
        Err(e) => form_failed(c, &form, e, kind, format!("/{}/new", kind.plural()), false),
    }
}

async fn edit_page(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    id: web::Path<i64>,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let viewer = a.clone();
    let p = state
        .db(move |conn| postings::get(conn, Some(&viewer), kind, id))
        .await?;
    if !a.owns_org(p.organization.id) {
        return Err(a.refuse("only the posting's organisation may edit it"));
    }
    let mut f = FormState::new();
    f.set("category", p.category.as_str());
    f.set("title", p.title.clone());
    f.set("description", p.description.clone());
    f.set(
        "expires_at",
        p.expires_at
            .with_timezone(&beijing())
            .format("%Y-%m-%d")
            .to_string(),
    );
    let details = json!({
        "financing": p.financing,
        "recruiting": p.recruiting,
        "training": p.training,
        "regions": p.regions,
        "industries": p.industries,
        "sizes": p.sizes,
    });
    fill(&mut f, FORM_FIELDS, "", &details);
    render(FormPage {
        c,
        kind,
        category: Some(p.category),
        f,
        action: format!("/{}/{id}/edit", kind.plural()),
        editing: true,
    })
}

async fn update(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    id: web::Path<i64>,
    form: Form,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let now = state.clock.now();
    let body = body_of(&form, kind);
    match state
        .tx(move |conn| postings::update(conn, &a, kind, id, PostingPatch::parse(body), now))
        .await
    {
        Ok(p) => {
            let notice = if p.status == PostingStatus::PendingReview {
                submitted(p.kind)
            } else {
                "saved"
            };
            Ok(see_other(&posting_url(p.kind, p.id), Some(notice)))
        }
        Err(e) => form_failed(
            c,
            &form,
            e,
            kind,
            format!("/{}/{id}/edit", kind.plural()),
            true,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unticked_audience_lists_are_sent_empty_for_offers_only() {
        let f = Form(vec![("title".into(), "x".into())]);
        assert_eq!(body_of(&f, PostingKind::Offer)["regions"], json!([]));
        assert!(body_of(&f, PostingKind::Need).get("regions").is_none());
    }

    #[test]
    fn an_empty_category_is_sent_so_each_of_its_fields_gets_an_error() {
        let f = Form(vec![("category".into(), "training".into())]);
        assert_eq!(body_of(&f, PostingKind::Need)["training"], json!({}));
        let err = crate::domain::posting::Draft::parse(
            PostingKind::Need,
            &body_of(&f, PostingKind::Need),
            chrono::Utc::now(),
        )
        .unwrap_err();
        let mut state = FormState::new();
        state.absorb(err, crate::i18n::Lang::En).unwrap();
        assert!(state.err("training.topic").is_some(), "{:?}", state.errors);
        assert!(state.err("training.headcount").is_some());
    }
}
