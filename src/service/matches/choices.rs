//! Which of the caller's own postings can answer a posting from its page: those the hard rules
//! allow, and the others with the rule they break, in words, so the page never offers a choice
//! that can only fail.

use diesel::prelude::*;

use super::Side;
use crate::auth::Actor;
use crate::db::schema::postings;
use crate::db::DbConn;
use crate::domain::{PostingKind, PostingStatus, Role};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::matching;

/// The most own postings listed (a company has a handful; the list stays bounded).
const MAX_CHOICES: i64 = 100;

/// One of the caller's published postings, and why it cannot answer when it cannot.
#[derive(Debug, Clone)]
pub struct AnswerChoice {
    pub id: i64,
    pub title: String,
    /// The hard rule the pair breaks (zh, en); `None` when the pair may match.
    pub refusal: Option<(String, String)>,
}

impl AnswerChoice {
    pub fn why_not(&self, lang: impl std::borrow::Borrow<Lang>) -> Option<&str> {
        self.refusal.as_ref().map(|(zh, en)| match lang.borrow() {
            Lang::En => en.as_str(),
            _ => zh.as_str(),
        })
    }
}

/// The kind of posting `actor` answers a posting of `target` kind with, when its role answers
/// that kind at all: a provider answers needs with offers, an SME offers with needs.
pub fn answering_kind(actor: &Actor, target: PostingKind) -> Option<PostingKind> {
    match (actor.role, target) {
        (Role::Provider, PostingKind::Need) => Some(PostingKind::Offer),
        (Role::Sme, PostingKind::Offer) => Some(PostingKind::Need),
        _ => None,
    }
}

/// The caller's published postings that could answer published posting `target_id`, those that
/// can match first. Empty when the caller does not answer postings of this kind, or owns it.
pub fn answer_choices(
    conn: &mut DbConn,
    actor: &Actor,
    target_kind: PostingKind,
    target_id: i64,
) -> AppResult<Vec<AnswerChoice>> {
    let (Some(mine), Some(org)) = (answering_kind(actor, target_kind), actor.organization_id)
    else {
        return Ok(vec![]);
    };
    let Ok(target) = Side::load(conn, target_id) else {
        return Ok(vec![]);
    };
    if target.kind() != target_kind
        || target.posting.status != PostingStatus::Published.as_str()
        || actor.owns_org(target.org.id)
    {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = postings::table
        .filter(postings::organization_id.eq(org))
        .filter(postings::kind.eq(mine.as_str()))
        .filter(postings::status.eq(PostingStatus::Published.as_str()))
        .order(postings::id.desc())
        .limit(MAX_CHOICES)
        .select(postings::id)
        .load(conn)?;
    let mut own = Side::load_many(conn, &ids)?;
    own.sort_by_key(|s| std::cmp::Reverse(s.posting.id));
    let mut choices: Vec<AnswerChoice> = own
        .iter()
        .map(|s| {
            let (need, offer) = match target_kind {
                PostingKind::Need => (&target, s),
                PostingKind::Offer => (s, &target),
            };
            let refusal = matching::eligible(&need.need(), &offer.offer())
                .err()
                .map(|b| (b.zh, b.en));
            AnswerChoice {
                id: s.posting.id,
                title: s.posting.title.clone(),
                refusal,
            }
        })
        .collect();
    // Those that can answer first; the order among each is the newest first.
    choices.sort_by_key(|c| c.refusal.is_some());
    Ok(choices)
}
