//! Matching rules: whether a need and an offer can match at all (the hard rules of DESIGN.md
//! "Matching rules", never broken), how well they fit (a score in [0, 1]) and why (reasons in
//! Chinese and English, each one true of the pair).
//!
//! Pure functions of the two postings and the vocabulary, no database and no I/O: the service
//! layer loads the two postings and stores the matches. Whether
//! both postings are published is the caller's business too.
//!
//! - `rules`: the hard rules, checked in a fixed order, the first one broken reported:
//!   `category`, `region`, `industry`, `size`, then the category's own rules — financing
//!   `amount`, `term`, `collateral`, `rate`; recruiting `headcount`; training `capacity`,
//!   `format` — and the reasons of an eligible pair;
//! - `score`: how closely the structured fields fit, and the score;
//! - `meaning`: whether the two postings are about the same thing (topics, positions, products
//!   and purposes through the vocabulary's synonym groups);
//! - `quality`: the labelled matching set and its figures (precision, recall, unrelated mailed);
//! - `wording`: amounts, rates, places and lists as the reasons say them.

mod meaning;
pub mod quality;
mod rules;
mod score;
mod wording;

pub use meaning::{meaning, need_subjects, offer_subjects, relate, Meaning, Subjects};
pub use rules::eligible;
pub use score::{score, score_with};

use serde::Serialize;

use crate::domain::posting::{Audience, Details};
use crate::domain::{CityCode, Industry, OrgSize};

/// The need side of a pair, as the service layer loads it.
pub struct NeedSide<'a> {
    pub id: i64,
    /// One of the `Need*` variants.
    pub details: &'a Details,
    pub title: &'a str,
    pub description: &'a str,
    /// The SME's park city.
    pub city: Option<CityCode>,
    /// The SME's industry.
    pub industry: Industry,
    pub size: OrgSize,
}

/// The offer side of a pair.
pub struct OfferSide<'a> {
    pub id: i64,
    /// One of the `Offer*` variants.
    pub details: &'a Details,
    pub title: &'a str,
    pub description: &'a str,
    /// Whom it is for; an empty list means everybody.
    pub audience: &'a Audience,
}

/// Something true of an eligible pair, said in both languages. `code` is stable: `topic`,
/// `position`, `purpose` (what the two are about), `amount`, `term`, `collateral`, `rate`,
/// `headcount`, `capacity`, `format`, `fee`, `region`, `industry`, `size`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// The first hard rule a pair breaks; `rule` is stable (`category`, `region`, `industry`,
/// `size`, `amount`, `term`, `collateral`, `rate`, `headcount`, `capacity`, `format`), the texts
/// name the rule and the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
}

/// The score of a pair and the reasons to show with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// In [0, 1]; 0 for a pair that is not eligible.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Weight of what the two postings are about (`Meaning::value`: 1 for the same subject, 0.5
/// for an offer open to any subject or one subject part of the other, 0 for another subject).
pub const MEANING_WEIGHT: f64 = 0.45;
/// Weight of the structured closeness of the category's fields (each fit term in [0, 1]).
pub const FIELDS_WEIGHT: f64 = 0.45;
/// Weight of specificity: an offer that names the need's city and industry is aimed at it.
pub const SPECIFICITY_WEIGHT: f64 = 0.10;

/// The lowest score that is listed as a suggested match: 0.25. What falls below is eligible
/// but says nothing of the need (fields at the edges of their ranges and no subject in common).
pub const THRESHOLD: f64 = 0.25;
/// The lowest score that is mailed: 0.60. A match between the two thresholds is shown on both
/// postings' pages but no mail goes out for it. Above it are the pairs whose subjects are the
/// same (or an open service or general product whose fields fit well); below it a course that
/// only shares a part of the subject (capped at 0.59) and fields at the edges of their ranges.
pub const MAIL_THRESHOLD: f64 = 0.60;
/// At most this many matches named in one mail (the best ones).
pub const MAX_SUGGESTIONS: usize = 10;

pub(crate) fn reason(code: &'static str, zh: String, en: String) -> Reason {
    Reason {
        code,
        zh: wording::tidy_zh(&zh),
        en,
    }
}

pub(crate) fn broken(rule: &'static str, zh: String, en: String) -> Broken {
    Broken {
        rule,
        zh: wording::tidy_zh(&zh),
        en,
    }
}

#[cfg(test)]
mod tests;
