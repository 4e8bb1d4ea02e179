//! Need and offer pages: the posting with its details, its timeline and matches for its owner,
//! the answers a counterpart can give, moderation for who moderates it, and the owner's and both
//! sides' actions. The new/edit forms are in `posting_form`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::Value;

use super::form::{problem_text, Form, FormState};
use super::labels::Labels;
use super::{render_status, see_other, Chrome, Routes, SignedIn};
use crate::domain::decisions::{Answer, Decline, Interest, Outcome};
use crate::domain::posting::Details;
use crate::domain::transitions::PostingMove;
use crate::domain::{
    Category, Labelled, MatchSide, MatchStatus, OrgSize, OrgStatus, OutcomeConfirmation,
    OutcomeGrade, PostingKind, PostingStatus, Role,
};
use crate::error::{AppError, AppResult};
use crate::service::matches::{self, AnswerChoice, MatchView};
use crate::service::postings;
use crate::service::views::PostingView;
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

/// The notice after a posting is sent for review, naming who reviews it: a need its park's
/// administrators, an offer the provincial administrators.
pub fn submitted(kind: PostingKind) -> &'static str {
    match kind {
        PostingKind::Need => "submitted",
        PostingKind::Offer => "submitted_offer",
    }
}

/// The posting a page path (`/needs/3`) shows, if it is a posting's page.
pub fn posting_of_path(path: &str) -> Option<(PostingKind, i64)> {
    let rest = path.strip_prefix('/')?;
    let (plural, id) = rest.split_once('/')?;
    let kind = [PostingKind::Need, PostingKind::Offer]
        .into_iter()
        .find(|k| k.plural() == plural)?;
    Some((kind, id.parse().ok()?))
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
    /// Whether the viewer is of the side that answers this posting (and does not own it).
    may_answer: bool,
    /// The viewer's own published postings, those that can answer this one first.
    answers_with: Vec<AnswerChoice>,
    /// The answer form as typed, with its errors, after a failed answer.
    answer_form: FormState,
    /// What went wrong with an action on this page, shown at the top (or above the answer
    /// form when answering failed).
    problem: Option<String>,
    problem_at_answer: bool,
}

impl PostingPage {
    fn l(&self) -> Labels {
        self.c.l()
    }

    /// The answer form's field naming the viewer's own posting.
    fn answer_key(&self) -> &'static str {
        Answer::own_key(self.p.kind)
    }

    fn answer_chosen(&self, ch: &AnswerChoice) -> bool {
        self.answer_form.has(self.answer_key(), &ch.id.to_string())
    }

    /// For the owner: what happens next to the posting and who does it.
    fn next_step(&self) -> Option<String> {
        if !self.owner {
            return None;
        }
        let en = self.c.en();
        let park = self.p.park.as_ref().map(|p| p.name.as_str());
        let reviewer = match (self.p.kind, park) {
            (PostingKind::Need, Some(p)) if en => format!("the administrators of {p}"),
            (PostingKind::Need, Some(p)) => format!("{p}管理员"),
            (PostingKind::Need, None) => self.c.t("园区管理员", "the park's administrators").into(),
            (PostingKind::Offer, _) => self
                .c
                .t("省平台管理员", "the provincial administrators")
                .into(),
        };
        // The organisation is verified by the same people who review its postings.
        let text = match self.p.status {
            PostingStatus::PendingReview if !self.verified() => match en {
                true => format!("Your organisation is not verified yet: once {reviewer} have verified it, they will review this posting."),
                false => format!("贵机构尚未通过认证：{reviewer}认证贵机构后，才会审核此发布。"),
            },
            PostingStatus::PendingReview => match en {
                true => format!("Waiting for {reviewer} to review it."),
                false => format!("等待{reviewer}审核。"),
            },
            PostingStatus::Rejected => match en {
                true => format!("Edit it and submit it again: {reviewer} will review it again."),
                false => format!("请修改后重新提交，由{reviewer}重新审核。"),
            },
            PostingStatus::Draft => match en {
                true => format!("A draft: once submitted, {reviewer} will review it."),
                false => format!("草稿：提交后由{reviewer}审核。"),
            },
            _ => return None,
        };
        Some(text)
    }

    fn may_answer_with_any(&self) -> bool {
        self.answers_with.iter().any(|ch| ch.refusal.is_none())
    }

    /// Whether the viewer's organisation is verified (only then may it answer).
    fn verified(&self) -> bool {
        self.c
            .actor
            .as_ref()
            .is_some_and(|a| a.org_status == Some(OrgStatus::Verified))
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
    show_page(&state, c, id.into_inner(), kind, Shown::default()).await
}

/// What a page shown again after a failed action carries: the status, the answer form as typed
/// and a message for the top.
#[derive(Default)]
pub struct Shown {
    status: Option<StatusCode>,
    answer_form: Option<FormState>,
    problem: Option<String>,
}

impl Shown {
    /// The page again with `text` at the top.
    pub fn problem(status: StatusCode, text: String) -> Shown {
        Shown {
            status: Some(status),
            answer_form: None,
            problem: Some(text),
        }
    }

    /// The page again after `e`, a refusal about the request (any other error stays an error).
    pub fn after(e: AppError, lang: crate::i18n::Lang, form: Option<&Form>) -> AppResult<Shown> {
        let mut f = form.map(Form::state).unwrap_or_default();
        let status = f.absorb(e, lang)?;
        let problem = f.message.take().or_else(|| {
            (!f.errors.is_empty()).then(|| {
                let zh = "请修改下面标出的内容。";
                let en = "Please correct the fields marked below.";
                (if lang == crate::i18n::Lang::En {
                    en
                } else {
                    zh
                })
                .to_string()
            })
        });
        Ok(Shown {
            status: Some(status),
            answer_form: Some(f),
            problem,
        })
    }
}

pub async fn show_page(
    state: &AppState,
    c: Chrome,
    id: i64,
    kind: PostingKind,
    shown: Shown,
) -> AppResult<HttpResponse> {
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
            let answers_with = matches::answer_choices(conn, a, kind, id)?;
            Ok((p, matches, answers_with))
        })
        .await?;
    let a = c.actor.as_ref();
    let owner = a.is_some_and(|a| a.owns_org(p.organization.id));
    let moderator = a.is_some_and(|a| a.moderates(kind, p.park.as_ref().map(|x| x.id)));
    let may_answer = a.is_some_and(|a| {
        matches::answering_kind(a, kind).is_some() && !owner && p.status == PostingStatus::Published
    });
    let d = details_of(&p);
    let problem_at_answer = shown.answer_form.is_some() && may_answer;
    render_status(
        shown.status.unwrap_or(StatusCode::OK),
        PostingPage {
            c,
            p,
            d,
            owner,
            moderator,
            matches,
            may_answer,
            answers_with,
            answer_form: shown.answer_form.unwrap_or_default(),
            problem: shown.problem,
            problem_at_answer,
        },
    )
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

/// The owner's `submit` and `close` buttons.
async fn owner_action(
    state: web::Data<AppState>,
    SignedIn(a, c): SignedIn,
    id: web::Path<i64>,
    _form: Form,
    kind: PostingKind,
    close: bool,
) -> AppResult<HttpResponse> {
    let (id, now) = (id.into_inner(), state.clock.now());
    let done = state
        .tx(move |conn| match close {
            true => postings::close(conn, &a, kind, id, now),
            false => postings::submit(conn, &a, kind, id, now),
        })
        .await;
    let p = match done {
        Ok(p) => p,
        Err(e) => {
            let (status, text) = problem_text(e, c.lang)?;
            return show_page(&state, c, id, kind, Shown::problem(status, text)).await;
        }
    };
    let notice = if close { "closed" } else { submitted(p.kind) };
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
    let answer = Answer::parse(kind, &form.to_json(Answer::FORM_FIELDS));
    let m = match state
        .tx(move |conn| matches::answer(conn, &a, kind, id, answer, now, lang))
        .await
    {
        Ok(m) => m,
        Err(e) => {
            let shown = Shown::after(e, lang, Some(&form))?;
            return show_page(&state, c, id, kind, shown).await;
        }
    };
    let own = match kind {
        PostingKind::Need => posting_url(PostingKind::Offer, m.offer_id),
        PostingKind::Offer => posting_url(PostingKind::Need, m.need_id),
    };
    // Answering a posting whose owner already said yes connects both: say so.
    let notice = if m.status == MatchStatus::Connected {
        "connected"
    } else {
        "interest"
    };
    Ok(see_other(&own, Some(notice)))
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
    let body = form.to_json(match action.as_str() {
        "outcome" => Outcome::FORM_FIELDS,
        _ => Decline::FORM_FIELDS,
    });
    let notice = match action.as_str() {
        "interest" => "interest",
        "decline" => "declined",
        "outcome" => "outcome",
        _ => return Err(AppError::NotFound),
    };
    let done = state
        .tx(move |conn| match action.as_str() {
            "interest" => matches::interest(conn, &a, id, Interest::parse(&body), now, lang),
            "decline" => matches::decline(conn, &a, id, Decline::parse(&body), now, lang),
            _ => matches::outcome(conn, &a, id, Outcome::parse(&body), now, lang),
        })
        .await;
    match (done, posting_of_path(&back)) {
        (Ok(m), _) => {
            // The second side's yes connects both: say so (the contact is on the page).
            let notice = if notice == "interest" && m.status == MatchStatus::Connected {
                "connected"
            } else {
                notice
            };
            Ok(see_other(&back, Some(notice)))
        }
        // Refused: the posting's page it came from again, saying why at the top.
        (Err(e), Some((kind, posting))) => {
            let (status, text) = problem_text(e, lang)?;
            show_page(&state, c, posting, kind, Shown::problem(status, text)).await
        }
        (Err(e), None) => Err(e),
    }
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

    /// The match's badge: its status, but a partial outcome says so (not 对接成功).
    fn badge(&self, m: &MatchView) -> &'static str {
        match &m.outcome {
            Some(o) if o.result == OutcomeGrade::Partial => o.result.label(self.c.lang),
            _ => m.status.label(self.c.lang),
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
