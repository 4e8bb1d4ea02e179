//! Matches: a need × an offer with a score and reasons. Here live the match queue (postings
//! waiting to be matched), finding and scoring candidates, the mail they cause, the views, the
//! handshake (interest from both sides reveals contacts, declines, outcomes) and escalation.

mod candidates;
mod choices;
mod escalation;
mod handshake;
mod mail;
mod outcomes;
mod queue;
mod views;

pub use candidates::match_posting;
pub use choices::{answer_choices, answering_kind, AnswerChoice};
pub use escalation::escalate_due;
pub use handshake::{answer, decline, interest};
pub use outcomes::{asked, confirm as confirm_outcome, dispute as dispute_outcome, outcome};
pub use queue::{claim, enqueue, enqueue_published_needs, finish};
pub use views::{
    connected, get, list_for_posting, ContactView, CounterpartRef, DeclineView, MatchView,
    OutcomeView,
};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::models::{Organization, Posting};
use crate::db::schema::{matches, organizations, postings};
use crate::db::DbConn;
use crate::domain::posting::{Audience, Details};
use crate::domain::{Category, CityCode, Industry, OrgSize, PostingKind};
use crate::error::{AppError, AppResult, Problem};
use crate::matching::{NeedSide, OfferSide};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = matches)]
pub struct MatchRow {
    pub id: i64,
    pub need_id: i64,
    pub offer_id: i64,
    pub score: f64,
    pub reasons: String,
    pub status: String,
    pub sme_interested_at: Option<NaiveDateTime>,
    pub provider_interested_at: Option<NaiveDateTime>,
    pub connected_at: Option<NaiveDateTime>,
    pub decline_code: Option<String>,
    pub decline_note: Option<String>,
    pub declined_by: Option<i64>,
    pub outcome_result: Option<String>,
    pub outcome_amount_yuan: Option<i64>,
    pub outcome_hires: Option<i32>,
    pub outcome_trainees: Option<i32>,
    pub outcome_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub outcome_grade: Option<String>,
    pub outcome_asked: Option<i64>,
    pub outcome_reported_by: Option<i64>,
    pub outcome_reported_side: Option<String>,
    pub outcome_confirmed_at: Option<NaiveDateTime>,
    pub outcome_confirmed_by: Option<i64>,
    pub outcome_disputed_at: Option<NaiveDateTime>,
    pub outcome_dispute_note: Option<String>,
    pub sme_note: Option<String>,
    pub provider_note: Option<String>,
}

/// A match just made: its id, the other posting and the score.
#[derive(Debug)]
pub struct Suggestion {
    pub match_id: i64,
    pub counterpart_id: i64,
    pub score: f64,
}

/// A posting with what matching needs of its organisation.
pub(super) struct Side {
    posting: Posting,
    details: Details,
    org: Organization,
    /// The posting's city (the SME's park's).
    city: Option<CityCode>,
    /// The organisation's industry and size.
    industry: Industry,
    size: OrgSize,
    /// Whom an offer is for.
    audience: Audience,
}

impl Side {
    fn load_many(conn: &mut DbConn, ids: &[i64]) -> AppResult<Vec<Side>> {
        let rows: Vec<(Posting, Organization)> = postings::table
            .inner_join(organizations::table)
            .filter(postings::id.eq_any(ids))
            .select((Posting::as_select(), Organization::as_select()))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(p, o)| Side::new(p, o))
            .collect())
    }

    fn load(conn: &mut DbConn, id: i64) -> AppResult<Side> {
        Side::load_many(conn, &[id])?
            .pop()
            .ok_or(AppError::NotFound)
    }

    fn new(posting: Posting, org: Organization) -> Option<Side> {
        let kind = PostingKind::parse(&posting.kind).ok()?;
        let category = Category::parse(&posting.category).ok()?;
        let details = Details::from_json(
            kind,
            category,
            &serde_json::from_str(&posting.details).ok()?,
        )
        .ok()?;
        // Stored values are valid; a posting with one that is not is left out of matching.
        fn list<T>(json: &str, parse: impl Fn(&str) -> Result<T, Problem>) -> Option<Vec<T>> {
            let names: Vec<String> = serde_json::from_str(json).ok()?;
            names.iter().map(|n| parse(n).ok()).collect()
        }
        let audience = Audience {
            regions: list(&posting.regions, CityCode::parse)?,
            industries: list(&posting.industries, Industry::parse)?,
            sizes: list(&posting.sizes, OrgSize::parse)?,
        };
        Some(Side {
            city: match &posting.city_code {
                Some(c) => Some(CityCode::parse(c).ok()?),
                None => None,
            },
            industry: Industry::parse(&org.industry).ok()?,
            size: OrgSize::parse(&org.size).ok()?,
            audience,
            details,
            posting,
            org,
        })
    }

    fn kind(&self) -> PostingKind {
        PostingKind::from_db(&self.posting.kind)
    }

    fn need(&self) -> NeedSide<'_> {
        NeedSide {
            id: self.posting.id,
            details: &self.details,
            title: &self.posting.title,
            description: &self.posting.description,
            city: self.city,
            industry: self.industry,
            size: self.size,
        }
    }

    fn offer(&self) -> OfferSide<'_> {
        OfferSide {
            id: self.posting.id,
            details: &self.details,
            title: &self.posting.title,
            description: &self.posting.description,
            audience: &self.audience,
        }
    }
}

fn load_match(conn: &mut DbConn, id: i64) -> AppResult<MatchRow> {
    Ok(matches::table
        .find(id)
        .select(MatchRow::as_select())
        .first(conn)?)
}

fn match_sides(conn: &mut DbConn, m: &MatchRow) -> AppResult<(Side, Side)> {
    let need = Side::load(conn, m.need_id)?;
    let offer = Side::load(conn, m.offer_id)?;
    Ok((need, offer))
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}
