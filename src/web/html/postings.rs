//! Need and offer pages: the posting with its details, its timeline and matches for its owner,
//! the answers a counterpart can give, and moderation for the park; the new/edit forms (one
//! category's fields at a time) and the owner's and both sides' actions.

use std::borrow::Borrow;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde_json::{json, Value};

use super::form::{fill, Form, FormState};
use super::labels::{Int, Labels};
use super::{render, render_status, see_other, Chrome, SignedIn};
use crate::auth::Actor;
use crate::domain::decisions::{Answer, Decline, Outcome};
use crate::domain::posting::{Details, DEFAULT_LIFETIME_DAYS};
use crate::domain::transitions::PostingMove;
use crate::domain::{Category, Labelled, MatchStatus, OrgSize, PostingKind, PostingStatus, Role};
use crate::error::{AppError, AppResult};
use crate::i18n::beijing;
use crate::service::matches::{self, MatchView};
use crate::service::postings::{self, ListFilter, PostingPatch};
use crate::service::views::PostingView;
use crate::service::Paging;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    for kind in [PostingKind::Need, PostingKind::Offer] {
        let base = format!("/{}s", kind.as_str());
        cfg.route(
            &format!("{base}/new"),
            web::get().to(move |st, si, q| new_page(st, si, q, kind)),
        )
        .route(
            &format!("{base}/new"),
            web::post().to(move |st, si, f| create(st, si, f, kind)),
        )
        .route(
            &format!("{base}/{{id}}"),
            web::get().to(move |st, c, id| show(st, c, id, kind)),
        )
        .route(
            &format!("{base}/{{id}}/edit"),
            web::get().to(move |st, si, id| edit_page(st, si, id, kind)),
        )
        .route(
            &format!("{base}/{{id}}/edit"),
            web::post().to(move |st, si, id, f| update(st, si, id, f, kind)),
        )
        .route(
            &format!("{base}/{{id}}/submit"),
            web::post().to(move |st, si, id, f| owner_action(st, si, id, f, kind, false)),
        )
        .route(
            &format!("{base}/{{id}}/close"),
            web::post().to(move |st, si, id, f| owner_action(st, si, id, f, kind, true)),
        )
        .route(
            &format!("{base}/{{id}}/answer"),
            web::post().to(move |st, si, id, f| answer(st, si, id, f, kind)),
        );
    }
    cfg.route("/matches/{id}/{action}", web::post().to(match_action));
}

/// The page of a posting.
pub fn posting_url(kind: PostingKind, id: i64) -> String {
    format!("/{}/{id}", kind.plural())
}

#[derive(Template)]
#[template(path = "pages/posting.html")]
struct PostingPage {
    c: Chrome,
    p: PostingView,
    d: Option<Details>,
    owner: bool,
    moderator: bool,
    matches: Vec<MatchView>,
    /// The viewer's own published postings that may answer this one.
    answers_with: Vec<PostingView>,
}

impl PostingPage {
    fn l(&self) -> Labels {
        self.c.l()
    }

    fn counterpart_url(&self, m: &MatchView) -> String {
        match self.p.kind {
            PostingKind::Need => posting_url(PostingKind::Offer, m.offer_id),
            PostingKind::Offer => posting_url(PostingKind::Need, m.need_id),
        }
    }

    fn counterpart_title(&self, m: &MatchView) -> String {
        let other = match self.p.kind {
            PostingKind::Need => &m.offer,
            PostingKind::Offer => &m.need,
        };
        other
            .as_ref()
            .map(|o| format!("{}（{}）", o.title, o.organization_name))
            .unwrap_or_default()
    }

    /// Whether the viewer's side has already said yes to this match.
    fn my_interest(&self, m: &MatchView) -> bool {
        match self.p.kind {
            PostingKind::Need => m.sme_interested_at.is_some(),
            PostingKind::Offer => m.provider_interested_at.is_some(),
        }
    }

    /// Whether the owner may make `mv` now (the service's own table).
    fn may(&self, mv: PostingMove) -> bool {
        mv.from(self.p.status).is_some()
    }

    fn may_edit(&self) -> bool {
        self.may(PostingMove::Edit)
    }

    fn may_submit(&self) -> bool {
        self.may(PostingMove::Submit)
    }

    fn may_close(&self) -> bool {
        self.may(PostingMove::Close)
    }

    /// Whether the match still waits for a side's interest (then it may also be declined here).
    fn open(&self, m: &MatchView) -> bool {
        m.status.is_open() && m.status != MatchStatus::Connected
    }

    fn outcome_field(&self) -> (&'static str, &'static str, &'static str) {
        match self.p.category {
            Category::Financing => (
                "amount_yuan",
                "放款金额（万元）",
                "Amount lent (万元, 10,000 yuan)",
            ),
            Category::Recruiting => ("hires", "录用人数", "People hired"),
            Category::Training => ("trainees", "培训人数", "People trained"),
        }
    }

    fn outcome_text(&self, m: &MatchView) -> String {
        let Some(o) = &m.outcome else {
            return String::new();
        };
        let l = self.l();
        let mut parts = vec![l.of(o.result).to_string()];
        if let Some(a) = o.amount_yuan {
            parts.push(l.money(a));
        }
        for (n, zh, en) in [(o.hires, "录用", "hired"), (o.trainees, "培训", "trained")] {
            if let Some(n) = n {
                parts.push(format!("{n} {}", self.c.t(zh, en)));
            }
        }
        parts.join(" · ")
    }

    fn list(&self, v: &Option<Value>, group: &str) -> String {
        let items: Vec<String> = v
            .as_ref()
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str())
                    .map(|x| match group {
                        "city" => self.l().city(x),
                        "industry" => self.l().industry(x),
                        _ => self.l().of_name::<OrgSize>(x).to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if items.is_empty() {
            self.c.t("不限", "Any").to_string()
        } else {
            items.join("、")
        }
    }

    fn labels<E: Labelled>(&self, values: &[E]) -> String {
        values
            .iter()
            .map(|v| self.l().of(*v))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn rate(&self, bp: &Option<i32>) -> String {
        bp.map(|b| self.l().rate(b))
            .unwrap_or_else(|| self.c.t("不限", "Any").to_string())
    }

    fn opt_yuan(&self, v: &Option<i64>) -> String {
        v.map(|y| self.l().yuan(y)).unwrap_or_else(|| "—".into())
    }
}

async fn show(
    state: web::Data<AppState>,
    c: Chrome,
    id: web::Path<i64>,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let actor = c.actor.clone();
    let lang = c.lang;
    let (p, matches, answers_with) = state
        .db(move |conn| {
            let p = postings::get(conn, actor.as_ref(), kind, id)?;
            let Some(a) = actor.as_ref() else {
                return Ok((p, vec![], vec![]));
            };
            let matches = match matches::list_for_posting(conn, a, kind, id, lang) {
                Ok(m) => m,
                Err(AppError::Forbidden(_) | AppError::NotFound) => vec![],
                Err(e) => return Err(e),
            };
            let answers_with = answering_postings(conn, a, &p)?;
            Ok((p, matches, answers_with))
        })
        .await?;
    let a = c.actor.as_ref();
    let owner = a.is_some_and(|a| a.owns_org(p.organization.id));
    let moderator = a.is_some_and(|a| a.moderates(kind, p.park.as_ref().map(|x| x.id)));
    let d = details_of(&p);
    render(PostingPage {
        c,
        p,
        d,
        owner,
        moderator,
        matches,
        answers_with,
    })
}

fn details_of(p: &PostingView) -> Option<Details> {
    let (kind, category) = (p.kind, p.category);
    let v = match category {
        Category::Financing => p.financing.as_ref(),
        Category::Recruiting => p.recruiting.as_ref(),
        Category::Training => p.training.as_ref(),
    }?;
    Details::from_json(kind, category, v).ok()
}

/// A provider answers a published need with one of its published offers of the same category,
/// an SME an offer with one of its needs.
fn answering_postings(
    conn: &mut crate::db::DbConn,
    a: &Actor,
    p: &PostingView,
) -> AppResult<Vec<PostingView>> {
    let mine = match (a.role, p.kind) {
        (Role::Provider, PostingKind::Need) => PostingKind::Offer,
        (Role::Sme, PostingKind::Offer) => PostingKind::Need,
        _ => return Ok(vec![]),
    };
    if p.status != PostingStatus::Published || a.owns_org(p.organization.id) {
        return Ok(vec![]);
    }
    let filter = ListFilter {
        mine: true,
        status: Some(PostingStatus::Published),
        category: Some(p.category),
        organization_id: None,
    };
    let paging = Paging {
        page: 1,
        per_page: 100,
    };
    Ok(postings::list(conn, Some(a), mine, &filter, paging)?.items)
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
    let mut body = form.to_json();
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
    let parsed = crate::domain::posting::Draft::parse(kind, &body_of(&form, kind), now);
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
                "submitted"
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
    fill(&mut f, "", &details);
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
                "submitted"
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

/// The owner's `submit` and `close` buttons.
async fn owner_action(
    state: web::Data<AppState>,
    SignedIn(a, _): SignedIn,
    id: web::Path<i64>,
    _form: Form,
    kind: PostingKind,
    close: bool,
) -> AppResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let p = state
        .tx(move |conn| match close {
            true => postings::close(conn, &a, kind, id, now),
            false => postings::submit(conn, &a, kind, id, now),
        })
        .await?;
    let notice = if close { "closed" } else { "submitted" };
    Ok(see_other(&posting_url(p.kind, p.id), Some(notice)))
}

/// A provider answers a need with `offer_id`, an SME an offer with `need_id` (and a note).
async fn answer(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    id: web::Path<i64>,
    form: Form,
    kind: PostingKind,
) -> AppResult<HttpResponse> {
    let expected = match kind {
        PostingKind::Need => Role::Provider,
        PostingKind::Offer => Role::Sme,
    };
    if a.role != expected {
        return Err(a.refuse("only the other side may answer a posting"));
    }
    let (id, now, lang) = (id.into_inner(), state.clock.now(), c.lang);
    let answer = Answer::parse(kind, &form.to_json());
    let m = state
        .tx(move |conn| matches::answer(conn, &a, kind, id, answer, now, lang))
        .await?;
    let own = match kind {
        PostingKind::Need => posting_url(PostingKind::Offer, m.offer_id),
        PostingKind::Offer => posting_url(PostingKind::Need, m.need_id),
    };
    Ok(see_other(&own, Some("interest")))
}

/// `interest`, `decline` and `outcome` on a match, from either side's posting page.
async fn match_action(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    path: web::Path<(i64, String)>,
    form: Form,
) -> AppResult<HttpResponse> {
    let (id, action) = path.into_inner();
    let back = super::safe_next(form.value("_back"));
    let (now, lang) = (state.clock.now(), c.lang);
    let body = form.to_json();
    let notice = match action.as_str() {
        "interest" => "interest",
        "decline" => "declined",
        "outcome" => "outcome",
        _ => return Err(AppError::NotFound),
    };
    state
        .tx(move |conn| match action.as_str() {
            "interest" => matches::interest(conn, &a, id, now, lang),
            "decline" => matches::decline(conn, &a, id, Decline::parse(&body), now, lang),
            _ => matches::outcome(conn, &a, id, Outcome::parse(&body), now, lang),
        })
        .await?;
    Ok(see_other(&back, Some(notice)))
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
