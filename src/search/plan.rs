//! What a query asks for, before the index is asked: its own words, the synonyms of the terms
//! of the vocabulary it mentions, and the parts of those terms to fall back on. Search answers
//! in that order (see `query`): documents with the words as typed, then those with only a
//! synonym, then — when these are few — those with only a part of a term, or what a corrected
//! query finds.

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use super::analyzer;
use super::vocabulary::{key, Vocabulary};
use super::Fields;

/// At most this many synonyms of a query's terms are looked for, and of each term (the rest of
/// a large group adds little and costs time).
const MAX_SYNONYMS: usize = 48;
const MAX_SYNONYMS_PER_TERM: usize = 24;

/// One thing the query names, as the index can find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A word of the query outside the vocabulary's terms.
    Word(String),
    /// A term: every one of its words (with their offsets in characters); a term the dictionary
    /// holds as one word is also found as all of its parts (another cut of the same characters
    /// may not yield the whole word). As typed, the words may be anywhere in a document; a
    /// synonym's words must be as in the synonym (a phrase), or 生产工人 would find every text
    /// that says 生产 somewhere and 工人 elsewhere.
    Term {
        words: Vec<(usize, String)>,
        parts: Vec<(usize, String)>,
        phrase: bool,
    },
}

impl Unit {
    /// The unit of a term as written.
    pub fn of_term(text: &str, phrase: bool) -> Option<Unit> {
        Unit::of_words(analyzer::words_at(text), phrase)
    }

    /// The unit of a term already cut into words.
    pub fn of_words(words: Vec<(usize, String)>, phrase: bool) -> Option<Unit> {
        match words.len() {
            0 => None,
            1 => {
                let parts = tiling(&words[0].1);
                Some(Unit::Term {
                    words,
                    parts,
                    phrase,
                })
            }
            _ => Some(Unit::Term {
                words,
                parts: Vec::new(),
                phrase,
            }),
        }
    }

    /// The index words this unit looks for (to mark them in snippets).
    pub fn marks(&self) -> Vec<String> {
        match self {
            Unit::Word(w) => vec![w.clone()],
            Unit::Term { words, parts, .. } => {
                words.iter().chain(parts).map(|(_, w)| w.clone()).collect()
            }
        }
    }

    /// The smaller words a term is made of (for the fallback on parts).
    fn pieces(&self) -> Vec<String> {
        let words = match self {
            Unit::Word(_) => return Vec::new(),
            Unit::Term { words, parts, .. } if words.len() == 1 => parts,
            Unit::Term { words, .. } => words,
        };
        words.iter().map(|(_, w)| w.clone()).collect()
    }

    /// Whether every document with all of `words` has this unit (so it is found by it).
    fn implied_by(&self, words: &[String]) -> bool {
        let has = |set: &[(usize, String)]| set.iter().all(|(_, w)| words.contains(w));
        match self {
            Unit::Word(w) => words.contains(w),
            Unit::Term {
                words: own, parts, ..
            } => has(own) || parts.len() >= 2 && has(parts),
        }
    }

    /// The words a document must have to be found by this unit.
    fn required(&self) -> Vec<String> {
        match self {
            Unit::Word(w) => vec![w.clone()],
            Unit::Term { words, .. } => words.iter().map(|(_, w)| w.clone()).collect(),
        }
    }

    /// Whether every word of the unit is generic (需求, 企业…): such a unit alone does not make
    /// a document a hit when the query names something else.
    fn is_generic(&self, vocab: &Vocabulary) -> bool {
        match self {
            Unit::Word(w) => vocab.is_generic(w) || w.chars().count() == 1 && !w.is_ascii(),
            Unit::Term { words, .. } => words.iter().all(|(_, w)| vocab.is_generic(w)),
        }
    }

    pub fn query(&self, f: &Fields) -> Box<dyn Query> {
        match self {
            Unit::Word(w) => word_query(f, w),
            Unit::Term {
                words,
                parts,
                phrase,
            } => {
                let whole = words_query(f, words, *phrase);
                if parts.len() < 2 {
                    return whole;
                }
                let split = words_query(f, parts, *phrase);
                Box::new(DisjunctionMaxQuery::new(vec![whole, split]))
            }
        }
    }
}

/// All of the words, anywhere or as a phrase.
fn words_query(f: &Fields, words: &[(usize, String)], phrase: bool) -> Box<dyn Query> {
    let fields = fields_of(f, phrase);
    if words.len() == 1 {
        return word_in(&fields, &words[0].1);
    }
    if !phrase {
        return all_of(words.iter().map(|(_, w)| word_in(&fields, w)).collect());
    }
    let first = words[0].0;
    let fields: Vec<Box<dyn Query>> = fields
        .into_iter()
        .map(|(field, boost)| {
            let terms = words
                .iter()
                .map(|(at, w)| (at - first, Term::from_field_text(field, w)))
                .collect();
            let q = PhraseQuery::new_with_offset(terms);
            Box::new(BoostQuery::new(Box::new(q), boost)) as Box<dyn Query>
        })
        .collect();
    Box::new(DisjunctionMaxQuery::with_tie_breaker(fields, 0.3))
}

/// The parts of one dictionary word that cover it from end to end (数控车工 → 数控, 车工), as
/// search mode cuts them; empty when they do not.
fn tiling(word: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 3 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let found = (2..=3.min(chars.len() - i))
            .rev()
            .map(|len| chars[i..i + len].iter().collect::<String>())
            .find(|g| g.chars().count() < chars.len() && analyzer::is_word(g));
        match found {
            Some(g) => {
                out.push((i, g.to_lowercase()));
                i += g.chars().count();
            }
            None => return Vec::new(),
        }
    }
    out
}

/// The fields a word is looked for in, with their weights: the title weighs most, then the
/// organisation's name, then the description. A synonym is not looked for in names.
fn fields_of(f: &Fields, synonym: bool) -> Vec<(Field, f32)> {
    if synonym {
        vec![(f.title, 3.0), (f.description, 1.0)]
    } else {
        vec![(f.title, 3.0), (f.org_name, 1.5), (f.description, 1.0)]
    }
}

/// One word in any field; a document with the word in several fields gets a little more.
pub fn word_query(f: &Fields, word: &str) -> Box<dyn Query> {
    word_in(&fields_of(f, false), word)
}

fn word_in(fields: &[(Field, f32)], word: &str) -> Box<dyn Query> {
    let fields: Vec<Box<dyn Query>> = fields
        .iter()
        .map(|&(field, boost)| {
            let q = TermQuery::new(
                Term::from_field_text(field, word),
                IndexRecordOption::WithFreqs,
            );
            Box::new(BoostQuery::new(Box::new(q), boost)) as Box<dyn Query>
        })
        .collect();
    Box::new(DisjunctionMaxQuery::with_tie_breaker(fields, 0.3))
}

fn all_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.into_iter().next().expect("one query");
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

/// Documents with any of the units, scored by how many and how well; a unit of several words
/// counts as much as one word (by their mean), so that long synonyms do not outrank short ones.
pub fn any_of_averaged(f: &Fields, units: &[Unit]) -> Option<Box<dyn Query>> {
    let queries: Vec<(Occur, Box<dyn Query>)> = units
        .iter()
        .map(|u| {
            let n = match u {
                Unit::Term { words, .. } => words.len().max(1),
                Unit::Word(_) => 1,
            };
            let q = u.query(f);
            let q: Box<dyn Query> = if n > 1 {
                Box::new(BoostQuery::new(q, 1.0 / n as f32))
            } else {
                q
            };
            (Occur::Should, q)
        })
        .collect();
    match queries.len() {
        0 => None,
        1 => queries.into_iter().next().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(queries))),
    }
}

/// Documents with any of the units, scored by how many and how well.
pub fn any_of(f: &Fields, units: &[Unit]) -> Option<Box<dyn Query>> {
    match units.len() {
        0 => None,
        1 => Some(units[0].query(f)),
        _ => Some(Box::new(BooleanQuery::new(
            units.iter().map(|u| (Occur::Should, u.query(f))).collect(),
        ))),
    }
}

/// The other ways a Latin name with digits is written: "ISO 9001" is also the word iso9001, and
/// ISO9001 is also iso and 9001.
fn latin_spellings(key: &str, unit: &Unit) -> Vec<Unit> {
    // Product and standard names mix letters and digits (ISO 9001, 5S, C1); English phrases
    // are not written as one word.
    if !key.is_ascii() || !key.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let whole = Unit::Word(key.to_string());
    if *unit != whole
        && !matches!(unit, Unit::Term { words, .. } if words.len() == 1 && words[0].1 == key)
    {
        out.push(whole);
    }
    let mut runs: Vec<(usize, String)> = Vec::new();
    let mut at = 0;
    for (i, c) in key.char_indices() {
        let same = key[..i]
            .chars()
            .last()
            .is_some_and(|p| p.is_ascii_digit() == c.is_ascii_digit());
        if i > 0 && !same {
            runs.push((at, key[at..i].to_string()));
            at = i;
        }
    }
    runs.push((at, key[at..].to_string()));
    if runs.len() > 1 {
        let split = Unit::Term {
            words: runs,
            parts: Vec::new(),
            phrase: false,
        };
        if split != *unit {
            out.push(split);
        }
    }
    out
}

/// Which of a plan's units found a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Words,
    Synonym,
    Part,
}

/// A query taken apart.
#[derive(Debug, Default, Clone)]
pub struct Plan {
    /// The query's own words, and the vocabulary's terms it names; a document needs one.
    pub exact: Vec<Unit>,
    /// Generic words of the query (需求, 企业…): they rank documents that have a word of
    /// `exact`, and make a document a hit by themselves only when the query has nothing else.
    pub weak: Vec<Unit>,
    /// Other terms of the named terms' concepts; a document needs one (or a word of `exact`).
    pub synonyms: Vec<Unit>,
    /// The synonyms of generic terms when the query names something else: they only rank.
    pub weak_synonyms: Vec<Unit>,
    /// The parts of the named terms, without generic words (补贴 of 稳岗补贴).
    pub partial: Vec<Unit>,
    /// The words of the query outside the vocabulary's terms (a typo shows there).
    pub loose: Vec<String>,
}

impl Plan {
    pub fn new(q: &str, vocab: &Vocabulary) -> Plan {
        let mut plan = Plan::default();
        let mut pos = 0;
        let mut seen: Vec<String> = Vec::new();
        // Synonyms of each named term, and whether that term is generic.
        let mut found: Vec<(bool, Vec<Unit>)> = Vec::new();
        let mut generic_terms: Vec<Unit> = Vec::new();
        for m in vocab.mentions(q) {
            plan.add_words(&q[pos..m.start]);
            pos = m.end;
            let Some(unit) = Unit::of_term(&q[m.start..m.end], false) else {
                continue;
            };
            for p in unit.pieces() {
                let useful = p.chars().count() >= 2 && !vocab.is_generic(&p);
                let u = Unit::Word(p);
                if useful && !plan.partial.contains(&u) {
                    plan.partial.push(u);
                }
            }
            seen.push(m.key.clone());
            let mut synonyms = Vec::new();
            let chinese = !m.key.is_ascii();
            for t in &vocab.concepts()[m.concept].terms {
                let k = key(t);
                if seen.contains(&k) || synonyms.len() >= MAX_SYNONYMS_PER_TERM {
                    continue;
                }
                // A Chinese term is not looked for in English words, which Chinese postings do
                // not use (but in abbreviations such as CNC or PLC, which they do).
                if chinese && k.is_ascii() && (k.len() > 5 || t.contains(' ')) {
                    continue;
                }
                seen.push(k);
                let unit = match vocab.words_of(t) {
                    Some(words) => Unit::of_words(words.to_vec(), true),
                    None => Unit::of_term(t, true),
                };
                if let Some(u) = unit {
                    synonyms.push(u);
                }
            }
            let concept = &vocab.concepts()[m.concept];
            let generic = unit.is_generic(vocab) || vocab.is_generic(concept.canonical());
            if generic {
                generic_terms.push(unit.clone());
            }
            found.push((generic, synonyms));
            let spellings = latin_spellings(&m.key, &unit);
            for u in std::iter::once(unit).chain(spellings) {
                if generic {
                    generic_terms.push(u.clone());
                }
                if !plan.exact.contains(&u) {
                    plan.exact.push(u);
                }
            }
        }
        plan.add_words(&q[pos..]);
        // A part already looked for as a word of the query is no fallback.
        let exact_words: Vec<Unit> = plan.exact.clone();
        plan.partial.retain(|p| !exact_words.contains(p));
        // Three levels: specific words and terms; generic terms of the vocabulary (招聘, 用工);
        // generic words (需求, 企业). A document must have something of the most specific level
        // the query has; the rest only ranks.
        let (generic, specific): (Vec<Unit>, Vec<Unit>) = plan
            .exact
            .drain(..)
            .partition(|u| u.is_generic(vocab) || generic_terms.contains(u));
        let (terms, words): (Vec<Unit>, Vec<Unit>) =
            generic.into_iter().partition(|u| generic_terms.contains(u));
        let only_generic = specific.is_empty();
        if !specific.is_empty() {
            plan.exact = specific;
            plan.weak = terms.into_iter().chain(words).collect();
        } else if !terms.is_empty() {
            plan.exact = terms;
            plan.weak = words;
        } else {
            plan.exact = words;
        }
        // The synonyms of a generic term (招聘 → 招工…) find nothing the query is about when
        // it names something else (招聘焊工).
        // They only rank what the others find.
        for (generic, synonyms) in found {
            for u in synonyms {
                let known = plan.exact.contains(&u)
                    || plan.weak.contains(&u)
                    || plan.synonyms.contains(&u)
                    || plan.weak_synonyms.contains(&u);
                if known || plan.synonyms.len() + plan.weak_synonyms.len() >= MAX_SYNONYMS {
                    continue;
                }
                if generic && !only_generic {
                    plan.weak_synonyms.push(u);
                } else if !plan.exact.iter().any(|e| e.implied_by(&u.required())) {
                    // A synonym that holds a word of the query finds only documents the word
                    // already found (数控机床 for 数控).
                    plan.synonyms.push(u);
                }
            }
        }
        plan
    }

    fn add_words(&mut self, text: &str) {
        for w in super::query::query_terms(text) {
            if !self.loose.contains(&w) {
                self.loose.push(w.clone());
            }
            let u = Unit::Word(w);
            if !self.exact.contains(&u) {
                self.exact.push(u);
            }
        }
    }

    /// The index words to mark in the snippet of a hit found one way or another.
    pub fn marks(&self, how: Found) -> Vec<String> {
        let found: &[Unit] = match how {
            Found::Words => &self.exact,
            Found::Synonym => &self.synonyms,
            Found::Part => &self.partial,
        };
        let mut out: Vec<String> = Vec::new();
        for u in found.iter().chain(&self.weak) {
            for m in u.marks() {
                let lone = m.chars().count() == 1 && !m.is_ascii();
                if !lone && !out.contains(&m) {
                    out.push(m);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(units: &[Unit]) -> Vec<Vec<String>> {
        units
            .iter()
            .map(|u| match u {
                Unit::Word(w) => vec![w.clone()],
                Unit::Term { words, .. } => words.iter().map(|(_, w)| w.clone()).collect(),
            })
            .collect()
    }

    #[test]
    fn a_term_of_the_vocabulary_brings_its_synonyms() {
        let v = Vocabulary::shipped();
        let p = Plan::new("招工", &v);
        assert_eq!(words(&p.exact), vec![vec!["招工".to_string()]]);
        let syn = words(&p.synonyms);
        assert!(syn.contains(&vec!["招聘".to_string()]), "{syn:?}");
        assert!(p.loose.is_empty());

        let p = Plan::new("equipment loan", &v);
        assert_eq!(
            words(&p.exact),
            vec![vec!["equipment".to_string(), "loan".to_string()]]
        );
        let syn = words(&p.synonyms);
        assert!(
            syn.contains(&vec!["设备".to_string(), "按揭".to_string()]),
            "{syn:?}"
        );
    }

    #[test]
    fn generic_parts_of_a_term_are_no_fallback() {
        let v = Vocabulary::shipped();
        let p = Plan::new("稳岗补贴", &v);
        assert_eq!(words(&p.exact), vec![vec!["稳岗补贴".to_string()]]);
        assert!(
            !p.partial.contains(&Unit::Word("补贴".into())),
            "{:?}",
            p.partial
        );
        let p = Plan::new("数控车工", &v);
        match &p.exact[0] {
            Unit::Term { words, parts, .. } => {
                assert_eq!(words, &vec![(0, "数控车工".to_string())]);
                assert_eq!(
                    parts,
                    &vec![(0, "数控".to_string()), (2, "车工".to_string())]
                );
            }
            u => panic!("{u:?}"),
        }
        assert!(p.partial.contains(&Unit::Word("数控".into())));
    }

    #[test]
    fn words_outside_terms_are_searched_as_typed() {
        let v = Vocabulary::shipped();
        let p = Plan::new("数空车工", &v);
        assert!(p.synonyms.is_empty());
        assert!(!p.loose.is_empty());
        let p = Plan::new("500万 设备贷款", &v);
        assert!(p.exact.contains(&Unit::Word("500".into())), "{:?}", p.exact);
        assert!(p.marks(Found::Words).contains(&"设备".to_string()));
        // A Latin term is found however it is spaced.
        let p = Plan::new("ISO 9001", &v);
        assert!(
            p.exact.contains(&Unit::Word("iso9001".into())),
            "{:?}",
            p.exact
        );
        let p = Plan::new("ISO9001", &v);
        assert!(
            p.exact
                .iter()
                .any(|u| matches!(u, Unit::Term { words, .. } if words.len() == 2)),
            "{:?}",
            p.exact
        );
        // 需求 alone does not make a hit when the query names something else…
        let p = Plan::new("用工需求", &v);
        assert_eq!(p.weak, vec![Unit::Word("需求".into())]);
        // …but does when it is all the query says.
        let p = Plan::new("需求", &v);
        assert_eq!(p.exact, vec![Unit::Word("需求".into())]);
        assert!(p.weak.is_empty());
    }
}
