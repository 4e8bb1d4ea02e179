//! What waits for the signed-in organisation: the other side's interest to answer, new matches
//! to look at, outcomes to report, confirm or correct, postings sent back, met needs to close.
//! One query over the organisation's postings and their matches feeds both the list and the
//! count in every page's header.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::views::utc;
use crate::auth::Actor;
use crate::db::schema::{matches, postings};
use crate::db::DbConn;
use crate::domain::{MatchSide, MatchStatus, OutcomeGrade, PostingKind, PostingStatus, Role};
use crate::error::AppResult;

/// Rows read at most: an organisation's postings and their matches (ten suggestions each, plus
/// answers) stay far below it; the bound keeps the header's query cheap whatever happens.
const MAX_ROWS: i64 = 2000;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TodoKind {
    /// The other side is interested: say yes or decline.
    AnswerInterest,
    /// An outcome the other side reported: confirm or dispute it.
    ConfirmOutcome,
    /// An outcome this side reported was disputed: correct it.
    CorrectOutcome,
    /// A connected match without an outcome: report it.
    ReportOutcome,
    /// A posting sent back by the moderator: edit and submit it again.
    FixPosting,
    /// New suggested matches of a posting: look at them.
    ReviewMatches,
    /// A need with a fully successful outcome: close it if it is met.
    CloseNeed,
}

impl TodoKind {
    pub fn label(self, en: bool) -> &'static str {
        let (zh, e) = match self {
            TodoKind::AnswerInterest => (
                "对方有意向，等待您答复",
                "The other side is interested: answer",
            ),
            TodoKind::ConfirmOutcome => (
                "对方报告了对接结果，请确认",
                "Confirm the outcome the other side reported",
            ),
            TodoKind::CorrectOutcome => (
                "对方对您报告的结果有异议，请更正",
                "Your reported outcome was disputed: correct it",
            ),
            TodoKind::ReportOutcome => ("已对接，请报告对接结果", "Connected: report the outcome"),
            TodoKind::FixPosting => (
                "发布被退回，请修改后重新提交",
                "Sent back: edit and submit again",
            ),
            TodoKind::ReviewMatches => ("有新的匹配，请查看", "New matches to look at"),
            TodoKind::CloseNeed => ("需求已满足？可以关闭", "Need met? Close it"),
        };
        if en {
            e
        } else {
            zh
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TodoItem {
    pub kind: TodoKind,
    /// The organisation's own posting the item is about (its page is where to act).
    pub posting_kind: PostingKind,
    pub posting_id: i64,
    pub posting_title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_id: Option<i64>,
    /// `review_matches`: how many suggestions wait.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    pub since: DateTime<Utc>,
}

impl TodoItem {
    /// The page where it is done.
    pub fn url(&self) -> String {
        let anchor = if self.match_id.is_some() || self.kind == TodoKind::ReviewMatches {
            "#matches"
        } else {
            ""
        };
        format!(
            "/{}/{}{anchor}",
            self.posting_kind.plural(),
            self.posting_id
        )
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Todo {
    pub items: Vec<TodoItem>,
    pub total: i64,
}

type Row = (
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
);

/// The to-do list of `actor`'s organisation, most urgent kinds first, oldest first within a kind.
/// Administrators and users without an organisation have none.
pub fn todo(conn: &mut DbConn, actor: &Actor) -> AppResult<Todo> {
    let (Some(org), Role::Sme | Role::Provider) = (actor.organization_id, actor.role) else {
        return Ok(Todo {
            items: vec![],
            total: 0,
        });
    };
    let rows: Vec<Row> = postings::table
        .left_join(
            matches::table.on(matches::need_id
                .eq(postings::id)
                .or(matches::offer_id.eq(postings::id))),
        )
        .filter(postings::organization_id.eq(org))
        .filter(postings::status.ne_all([
            PostingStatus::Draft.as_str(),
            PostingStatus::Expired.as_str(),
        ]))
        .order((postings::id.asc(), matches::id.asc()))
        .limit(MAX_ROWS)
        .select((
            postings::id,
            postings::kind,
            postings::title,
            postings::status,
            postings::updated_at,
            matches::id.nullable(),
            matches::status.nullable(),
            matches::outcome_result.nullable(),
            matches::outcome_reported_side.nullable(),
            matches::outcome_confirmed_at.nullable(),
            matches::outcome_disputed_at.nullable(),
            matches::created_at.nullable(),
            matches::updated_at.nullable(),
            matches::outcome_grade.nullable(),
        ))
        .load(conn)?;
    let reads = actor.reads_matches();
    let mut items = Vec::new();
    let mut seen_posting: HashSet<(i64, TodoKind)> = HashSet::new();
    let mut suggested: BTreeMap<i64, (i64, NaiveDateTime)> = BTreeMap::new();
    let mut titles: HashMap<i64, (PostingKind, String)> = HashMap::new();
    for r in &rows {
        let (pid, kind, title, status) = (r.0, PostingKind::from_db(&r.1), &r.2, &r.3);
        titles.insert(pid, (kind, title.clone()));
        let status = PostingStatus::from_db(status);
        let item = |k: TodoKind, match_id: Option<i64>, since: NaiveDateTime| TodoItem {
            kind: k,
            posting_kind: kind,
            posting_id: pid,
            posting_title: title.clone(),
            match_id,
            count: None,
            since: utc(since),
        };
        if status == PostingStatus::Rejected && seen_posting.insert((pid, TodoKind::FixPosting)) {
            items.push(item(TodoKind::FixPosting, None, r.4));
        }
        let (Some(mid), Some(ms)) = (r.5, r.6.as_deref()) else {
            continue;
        };
        if !reads {
            continue;
        }
        let ms = MatchStatus::from_db(ms);
        let mine = match kind {
            PostingKind::Need => MatchSide::Sme,
            PostingKind::Offer => MatchSide::Provider,
        };
        let since = r.12.unwrap_or(r.4);
        let published = status == PostingStatus::Published;
        let other_interested = match kind {
            PostingKind::Need => MatchStatus::ProviderInterested,
            PostingKind::Offer => MatchStatus::SmeInterested,
        };
        if published && ms == other_interested {
            items.push(item(TodoKind::AnswerInterest, Some(mid), since));
        } else if published && ms == MatchStatus::Suggested {
            let e = suggested.entry(pid).or_insert((0, since));
            e.0 += 1;
            e.1 = e.1.min(r.11.unwrap_or(since));
        } else if ms == MatchStatus::Connected && r.7.is_none() {
            items.push(item(TodoKind::ReportOutcome, Some(mid), since));
        } else if r.7.is_some() && r.9.is_none() {
            let reported_by_me = r.8.as_deref() == Some(mine.as_str());
            let disputed = r.10.is_some();
            if reported_by_me && disputed {
                items.push(item(TodoKind::CorrectOutcome, Some(mid), since));
            } else if !reported_by_me && !disputed {
                items.push(item(TodoKind::ConfirmOutcome, Some(mid), since));
            }
        }
        if published
            && kind == PostingKind::Need
            && r.13.as_deref() == Some(OutcomeGrade::Succeeded.as_str())
            && seen_posting.insert((pid, TodoKind::CloseNeed))
        {
            items.push(item(TodoKind::CloseNeed, None, since));
        }
    }
    for (pid, (n, since)) in suggested {
        let (kind, title) = titles[&pid].clone();
        items.push(TodoItem {
            kind: TodoKind::ReviewMatches,
            posting_kind: kind,
            posting_id: pid,
            posting_title: title,
            match_id: None,
            count: Some(n),
            since: utc(since),
        });
    }
    items.sort_by_key(|i| (i.kind, i.since, i.posting_id));
    Ok(Todo {
        total: items.len() as i64,
        items,
    })
}

/// The number in the header: the same list, counted.
pub fn count(conn: &mut DbConn, actor: &Actor) -> AppResult<i64> {
    Ok(todo(conn, actor)?.total)
}
