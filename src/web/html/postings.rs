//! Need and offer pages: the posting with its details, its timeline and matches for its owner,
//! the answers a counterpart can give, moderation for who moderates it, and the owner's and both
//! sides' actions. The new/edit forms are in `posting_form`.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::form::Form;
use super::labels::Labels;
use super::{render, see_other, Chrome, Routes, SignedIn};
use crate::auth::Actor;
use crate::domain::decisions::{Answer, Decline, Interest, Outcome};
use crate::domain::posting::Details;
use crate::domain::transitions::PostingMove;
use crate::domain::{
    Category, Labelled, MatchSide, MatchStatus, OrgSize, OutcomeConfirmation, OutcomeGrade,
    PostingKind, PostingStatus, Role,
};
use crate::error::{AppError, AppResult};
use crate::service::matches::{self, MatchView};
use crate::service::postings::{self, ListFilter};
use crate::service::views::PostingView;
use crate::service::Paging;
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    for kind in [PostingKind::Need, PostingKind::Offer] {
        let base = format!("/{}", kind.plural());
        r.get(&format!("{base}/{{id}}"), move |st, c, id| {
            show(st, c, id, kind)
        })
        .post(&format!("{base}/{{id}}/submit"), move |st, si, id, f| {
            owner_action(st, si, id, f, kind, false)
        })
        .post(&format!("{base}/{{id}}/close"), move |st, si, id, f| {
            owner_action(st, si, id, f, kind, true)
        })
        .post(&format!("{base}/{{id}}/answer"), move |st, si, id, f| {
            answer(st, si, id, f, kind)
        });
    }
    r.post("/matches/{id}/{action}", match_action);
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
            let asked = o.asked.filter(|_| self.p.category == Category::Financing);
            parts.push(match (asked, self.c.en()) {
                (Some(x), false) => format!("放款 {}（申请 {}）", l.money(a), l.money(x)),
                (Some(x), true) => format!("{} lent (of {} asked for)", l.money(a), l.money(x)),
                (None, false) => format!("放款 {}", l.money(a)),
                (None, true) => format!("{} lent", l.money(a)),
            });
        }
        for (n, zh, en) in [(o.hires, "录用", "hired"), (o.trainees, "培训", "trained")] {
            if let Some(n) = n {
                parts.push(match (o.asked, self.c.en()) {
                    (Some(x), false) => format!("{zh} {n} 人（需求 {x} 人）"),
                    (Some(x), true) => format!("{n} {en} (of {x} asked for)"),
                    (None, false) => format!("{zh} {n} 人"),
                    (None, true) => format!("{n} {en}"),
                });
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
    let back = super::local_target(form.value("_back"), "/dashboard");
    let (now, lang) = (state.clock.now(), c.lang);
    let body = form.to_json();
    let notice = match action.as_str() {
        "interest" => "interest",
        "decline" => "declined",
        "outcome" => "outcome",
        _ => return Err(AppError::NotFound),
    };
    let m = state
        .tx(move |conn| match action.as_str() {
            "interest" => matches::interest(conn, &a, id, Interest::parse(&body), now, lang),
            "decline" => matches::decline(conn, &a, id, Decline::parse(&body), now, lang),
            _ => matches::outcome(conn, &a, id, Outcome::parse(&body), now, lang),
        })
        .await?;
    // The second side's yes connects both: say so (the contact is on the page).
    let notice = if notice == "interest" && m.status == MatchStatus::Connected {
        "connected"
    } else {
        notice
    };
    Ok(see_other(&back, Some(notice)))
}

/// Outcomes on the posting page (issue 12): who reported, what the owner may do about it, and
/// whether the need is met.
impl PostingPage {
    /// The viewer's side of the page's matches.
    fn my_side(&self) -> MatchSide {
        match self.p.kind {
            PostingKind::Need => MatchSide::Sme,
            PostingKind::Offer => MatchSide::Provider,
        }
    }

    fn reported_by_me(&self, m: &MatchView) -> bool {
        m.outcome
            .as_ref()
            .is_some_and(|o| o.reported_by == Some(self.my_side()))
    }

    /// Connected and not reported yet, or reported by this side and not confirmed yet (a
    /// correction, also after the other side disputed it).
    fn may_report(&self, m: &MatchView) -> bool {
        match &m.outcome {
            None => m.status == MatchStatus::Connected,
            Some(o) => o.confirmation != OutcomeConfirmation::Confirmed && self.reported_by_me(m),
        }
    }

    /// A need with a fully successful outcome: its owner is asked whether to close it.
    fn met(&self) -> bool {
        self.p.kind == PostingKind::Need
            && self.matches.iter().any(|m| {
                m.outcome
                    .as_ref()
                    .is_some_and(|o| o.result == OutcomeGrade::Succeeded)
            })
    }
}
