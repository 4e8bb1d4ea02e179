//! Whether a need and an offer are about the same thing: their subjects (a training topic, a
//! position, a financing product and purpose) read through the shipped vocabulary's synonym
//! groups, never through shared generic words or fragments of words.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::{NeedSide, OfferSide};
use crate::domain::posting::Details;
use crate::domain::Purpose;
use crate::search::vocabulary::{key, Vocabulary};

const MATCHING: &str = include_str!("../reference/vocabulary/matching.txt");

/// How much a link counts when one subject names a part of the other (电工 in 低压电工证,
/// 数控 in 数控车工) rather than the same thing.
pub const PART_LINK: f64 = 0.5;
/// How much a link counts between two concepts a `related` line of `matching.txt` joins.
pub const RELATED_LINK: f64 = 0.9;
/// How much a subject read from a title counts beside one from a structured field.
pub const TITLE_WEIGHT: f64 = 0.7;

/// `matching.txt`, parsed: the keys of its sections.
struct Sections {
    service: HashSet<String>,
    general: HashSet<String>,
    industry: HashSet<String>,
    purposes: Vec<(String, HashSet<String>)>,
    related: Vec<HashSet<String>>,
}

static SECTIONS: LazyLock<Sections> = LazyLock::new(|| {
    let mut s = Sections {
        service: HashSet::new(),
        general: HashSet::new(),
        industry: HashSet::new(),
        purposes: Vec::new(),
        related: Vec::new(),
    };
    for line in MATCHING.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((section, terms)) = line.split_once(':') else {
            continue;
        };
        let keys: HashSet<String> = crate::search::vocabulary::split_terms(terms)
            .iter()
            .map(|t| key(t))
            .collect();
        match section.trim() {
            "service" => s.service.extend(keys),
            "general" => s.general.extend(keys),
            "industry" => s.industry.extend(keys),
            "related" => s.related.push(keys),
            p => {
                if let Some(code) = p.strip_prefix("purpose.") {
                    s.purposes.push((code.to_string(), keys));
                }
            }
        }
    }
    s
});

/// What a posting is about, as written in it.
#[derive(Debug, Clone)]
struct Subject {
    /// As the posting has it.
    written: String,
    /// The key of its concept's canonical name, or of the words themselves when the
    /// vocabulary does not know them.
    canonical: String,
    /// Every term that names it (keys): the concept's, or the words themselves.
    terms: Vec<String>,
    /// 1 for a structured field, `TITLE_WEIGHT` for a title or description.
    weight: f64,
}

/// What the two postings' subjects say of the pair.
#[derive(Debug, Clone, PartialEq)]
pub enum Meaning {
    /// They relate: `strength` in (0, 1], the terms as each posting writes them, and whether
    /// they name the same thing (or one a part of the other).
    Related {
        strength: f64,
        need: String,
        offer: String,
        same: bool,
    },
    /// The offer serves any subject of its category (a general job fair, a credit loan).
    Open { offer: Option<String> },
    /// The offer is about something else.
    Unrelated,
}

impl Meaning {
    /// The meaning term of the score, in [0, 1].
    pub fn value(&self) -> f64 {
        match self {
            Meaning::Related { strength, .. } => *strength,
            Meaning::Open { .. } => 0.5,
            Meaning::Unrelated => 0.0,
        }
    }
}

/// A word counts as a subject when it carries meaning: not generic, not a service word, and
/// at least two characters (a Latin word: three, or two when it is a known term).
fn counts(vocab: &Vocabulary, k: &str, canonical: &str) -> bool {
    let s = &*SECTIONS;
    k.chars().count() >= 2
        && !vocab.is_generic(k)
        && !vocab.is_generic(canonical)
        && !s.service.contains(canonical)
        && !s.service.contains(k)
}

/// The known subjects a text mentions.
fn mentioned(vocab: &Vocabulary, text: &str, weight: f64, out: &mut Vec<Subject>) {
    for m in vocab.mentions(text) {
        let concept = &vocab.concepts()[m.concept];
        let canonical = key(concept.canonical());
        if !counts(vocab, &m.key, &canonical) {
            continue;
        }
        if out.iter().any(|s| s.canonical == canonical) {
            continue;
        }
        out.push(Subject {
            written: text[m.start..m.end].trim().to_string(),
            canonical,
            terms: concept.terms.iter().map(|t| key(t)).collect(),
            weight,
        });
    }
}

/// A structured field (a topic, a position): its known subjects, or the field itself when the
/// vocabulary knows none of it.
fn field(vocab: &Vocabulary, text: &str, out: &mut Vec<Subject>) {
    let before = out.len();
    mentioned(vocab, text, 1.0, out);
    let k = key(text);
    if out.len() == before && counts(vocab, &k, &k) && !k.is_ascii() {
        out.push(Subject {
            written: text.trim().to_string(),
            canonical: k.clone(),
            terms: vec![k],
            weight: 1.0,
        });
    }
}

/// A term long enough to stand for a part of another: two Chinese characters, or a Latin word
/// of three letters or more.
fn part_worthy(vocab: &Vocabulary, k: &str) -> bool {
    let cjk = k.chars().filter(|c| !c.is_ascii()).count();
    (cjk >= 2 || (cjk == 0 && k.len() >= 3)) && !vocab.is_generic(k)
}

/// 1 for the same thing, `RELATED_LINK` for two concepts a `related` line joins, `PART_LINK`
/// when a term of one contains a term of the other whole.
fn link(vocab: &Vocabulary, a: &Subject, b: &Subject) -> f64 {
    if a.canonical == b.canonical {
        return 1.0;
    }
    if SECTIONS
        .related
        .iter()
        .any(|r| r.contains(&a.canonical) && r.contains(&b.canonical))
    {
        return RELATED_LINK;
    }
    let contains = |x: &Subject, y: &Subject| {
        x.terms.iter().any(|tx| {
            y.terms
                .iter()
                .any(|ty| tx.len() > ty.len() && part_worthy(vocab, ty) && tx.contains(ty.as_str()))
        })
    };
    if contains(a, b) || contains(b, a) {
        PART_LINK
    } else {
        0.0
    }
}

/// The strongest link between the need's subjects and the offer's.
fn best(vocab: &Vocabulary, need: &[Subject], offer: &[Subject]) -> Option<Meaning> {
    let mut found: Option<(f64, &Subject, &Subject)> = None;
    for a in need {
        for b in offer {
            let s = link(vocab, a, b) * a.weight * b.weight;
            if s > 0.0 && found.is_none_or(|f| s > f.0) {
                found = Some((s, a, b));
            }
        }
    }
    found.map(|(s, a, b)| Meaning::Related {
        strength: s,
        need: a.written.clone(),
        offer: b.written.clone(),
        same: a.canonical == b.canonical,
    })
}

fn purpose_keys(p: Purpose) -> Option<&'static HashSet<String>> {
    SECTIONS
        .purposes
        .iter()
        .find(|(code, _)| code == p.as_str())
        .map(|(_, keys)| keys)
}

/// What one posting is about, read once through the vocabulary: a need's topic, positions and
/// skills and title; an offer's topics, title, positions named or financing products.
#[derive(Debug, Clone, Default)]
pub struct Subjects(Vec<Subject>);

/// The subjects of a need.
pub fn need_subjects(vocab: &Vocabulary, need: &NeedSide) -> Subjects {
    let mut out = Vec::new();
    match need.details {
        Details::NeedTraining(n) => {
            field(vocab, &n.topic, &mut out);
            mentioned(vocab, need.title, TITLE_WEIGHT, &mut out);
        }
        Details::NeedRecruiting(n) => {
            for p in &n.positions {
                field(vocab, &p.title, &mut out);
                for s in &p.skills {
                    mentioned(vocab, s, 1.0, &mut out);
                }
            }
            mentioned(vocab, need.title, TITLE_WEIGHT, &mut out);
        }
        Details::NeedFinancing(_) => {
            mentioned(vocab, need.title, TITLE_WEIGHT, &mut out);
            mentioned(vocab, need.description, TITLE_WEIGHT, &mut out);
        }
        _ => {}
    }
    Subjects(out)
}

/// The subjects of an offer.
pub fn offer_subjects(vocab: &Vocabulary, offer: &OfferSide) -> Subjects {
    let s = &*SECTIONS;
    let mut out = Vec::new();
    match offer.details {
        Details::OfferTraining(o) => {
            for t in &o.topics {
                field(vocab, t, &mut out);
            }
            mentioned(vocab, offer.title, 1.0, &mut out);
        }
        Details::OfferRecruiting(_) => {
            mentioned(vocab, offer.title, 1.0, &mut out);
            mentioned(vocab, offer.description, TITLE_WEIGHT, &mut out);
            out.retain(|t| !s.industry.contains(&t.canonical));
        }
        Details::OfferFinancing(o) => {
            mentioned(vocab, &o.product_type, 1.0, &mut out);
            mentioned(vocab, offer.title, 1.0, &mut out);
            out.retain(|t| {
                s.general.contains(&t.canonical)
                    || s.purposes
                        .iter()
                        .any(|(_, keys)| keys.contains(&t.canonical))
            });
        }
        _ => {}
    }
    Subjects(out)
}

/// What the pair is about, read through `vocab`.
pub fn meaning(vocab: &Vocabulary, need: &NeedSide, offer: &OfferSide) -> Meaning {
    relate(
        vocab,
        need,
        &need_subjects(vocab, need),
        offer,
        &offer_subjects(vocab, offer),
    )
}

/// What the pair is about, from the subjects of each side (`need_subjects`, `offer_subjects`).
pub fn relate(
    vocab: &Vocabulary,
    need: &NeedSide,
    mine: &Subjects,
    offer: &OfferSide,
    theirs: &Subjects,
) -> Meaning {
    let (mine, theirs) = (&mine.0, &theirs.0);
    match (need.details, offer.details) {
        (Details::NeedTraining(_), Details::OfferTraining(_)) => {
            best(vocab, mine, theirs).unwrap_or(Meaning::Unrelated)
        }
        (Details::NeedRecruiting(n), Details::OfferRecruiting(_)) => {
            // A position the vocabulary does not know, named whole in the offer's title.
            for p in &n.positions {
                let k = key(&p.title);
                if counts(vocab, &k, &k) && key(offer.title).contains(&k) {
                    return Meaning::Related {
                        strength: 1.0,
                        need: p.title.trim().to_string(),
                        offer: p.title.trim().to_string(),
                        same: true,
                    };
                }
            }
            if theirs.is_empty() {
                Meaning::Open { offer: None }
            } else {
                best(vocab, mine, theirs).unwrap_or(Meaning::Unrelated)
            }
        }
        (Details::NeedFinancing(n), Details::OfferFinancing(_)) => {
            let s = &*SECTIONS;
            if let Some(keys) = purpose_keys(n.purpose) {
                if let Some(p) = theirs.iter().find(|t| keys.contains(&t.canonical)) {
                    return Meaning::Related {
                        strength: 1.0,
                        need: n.purpose.zh().to_string(),
                        offer: p.written.clone(),
                        same: false,
                    };
                }
            }
            if let Some(m) = best(vocab, mine, theirs)
                .filter(|m| matches!(m, Meaning::Related { same: true, .. }))
            {
                return m;
            }
            if let Some(g) = theirs.iter().find(|t| s.general.contains(&t.canonical)) {
                return Meaning::Open {
                    offer: Some(g.written.clone()),
                };
            }
            if theirs.is_empty() || n.purpose == Purpose::Other {
                Meaning::Open { offer: None }
            } else {
                Meaning::Unrelated
            }
        }
        _ => Meaning::Unrelated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_in_matching_txt_is_a_concept_of_the_vocabulary() {
        let v = Vocabulary::shipped();
        let s = &*SECTIONS;
        let all = s
            .service
            .iter()
            .chain(&s.general)
            .chain(&s.industry)
            .chain(s.purposes.iter().flat_map(|(_, k)| k))
            .chain(s.related.iter().flatten());
        for k in all {
            let c = v.concept_of(k).map(|c| key(c.canonical()));
            assert_eq!(
                c.as_deref(),
                Some(k.as_str()),
                "{k} is not a canonical name"
            );
        }
        assert_eq!(s.purposes.len(), 5);
        for (code, _) in &s.purposes {
            assert!(Purpose::parse(code).is_ok(), "{code}");
        }
    }
}
