//! Answering a search: the user's words become term queries (no query syntax, so no input can
//! make an error), filters become constant-score clauses, and facets are counted over the
//! matching set the caller may see.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, SegmentReader, Term};

use super::answer::{but_not, correction, fixed_finds, looks_mistyped, should, Answer};
use super::facts::Facts;
use super::plan::{self, Found, Plan, Unit};
use super::{
    category_code, category_of_code, city_number, industry_code, SearchIndex, KIND_NEED, KIND_OFFER,
};
use crate::auth::NeedAudience;
use crate::domain::reference::CITIES;
use crate::domain::{Category, CityCode, Industry, PostingKind};

pub const MAX_QUERY_CHARS: usize = 200;
/// Below this many results a search also looks for the parts of the terms it names and for what
/// a corrected query finds (and offers the correction as a suggestion).
pub const FEW: u64 = 10;
/// How much the synonyms of a query's terms count among the documents its words found.
const SYNONYM_WEIGHT: f32 = 0.3;

/// Results past this depth are not served (page × per_page).
pub const MAX_DEPTH: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
}

#[derive(Debug, Clone)]
pub struct SearchParams {
    pub q: String,
    pub kind: Option<PostingKind>,
    pub category: Option<Category>,
    pub city: Option<CityCode>,
    pub park_id: Option<i64>,
    pub industry: Option<Industry>,
    pub amount_yuan: Option<i64>,
    pub sort: Option<Sort>,
    pub page: usize,
    pub per_page: usize,
    /// Which needs the caller may read (`crate::auth::visibility`): the filters and the facet
    /// counts keep to them.
    pub needs: NeedAudience,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    #[serde(rename = "type")]
    pub kind: PostingKind,
    pub id: i64,
    pub title: String,
    /// HTML-escaped text with `<mark>…</mark>` around the words found.
    pub snippet: String,
    pub category: Category,
    pub city_code: Option<String>,
    pub park_id: Option<i64>,
    pub organization_name: String,
    /// In [0, 1], never higher than the hit before it: relative to the best hit found by the
    /// words typed; hits found otherwise (see `matched_by`) score at most 0.5, 0.3 and 0.2.
    pub score: f32,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    /// How the hit was found: by the words typed, only by a synonym of a term of the query, only
    /// by a part of such a term, or only by the corrected query of `suggestion`. Always in this
    /// order in a list sorted by relevance.
    pub matched_by: MatchedBy,
    /// The figures of the posting's category (salary range and headcount, format and fee…).
    pub facts: Facts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Words,
    Synonym,
    Part,
    Correction,
}

impl MatchedBy {
    /// The highest score a hit found this way gets.
    pub(super) fn ceiling(self) -> f32 {
        match self {
            MatchedBy::Words => 1.0,
            MatchedBy::Synonym => 0.5,
            MatchedBy::Part => 0.3,
            MatchedBy::Correction => 0.2,
        }
    }
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct Facets {
    pub category: BTreeMap<String, u64>,
    pub city_code: BTreeMap<String, u64>,
    #[serde(rename = "type")]
    pub kind: BTreeMap<String, u64>,
    /// Whether the counts were estimated from a sample of a large match set (the answer's
    /// `facets_approximate`).
    #[serde(skip)]
    pub approximate: bool,
}

impl Facets {
    /// Adds the counts of a disjoint set of documents.
    pub(super) fn add(&mut self, other: Facets) {
        self.approximate |= other.approximate;
        for (mine, theirs) in [
            (&mut self.category, other.category),
            (&mut self.city_code, other.city_code),
            (&mut self.kind, other.kind),
        ] {
            for (k, v) in theirs {
                *mine.entry(k).or_default() += v;
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    /// Shared with the result cache: a cached answer is handed out without copying its hits.
    #[schema(value_type = Vec<Hit>)]
    pub items: Arc<Vec<Hit>>,
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    #[schema(value_type = Facets)]
    pub facets: Arc<Facets>,
    pub took_ms: f64,
    /// True when the match set was too large to count every document's facets: the counts of
    /// `facets` are then estimated from a regular sample of it (`total` is always exact).
    pub facets_approximate: bool,
    /// A corrected query when the words typed look mistyped (数空车工 → 数控车工) and it finds
    /// something; `null` otherwise. Hits it found are in `items` below the others.
    pub suggestion: Option<String>,
}

/// The words of a query as the index has them; tokens without a letter or digit are dropped.
pub fn query_terms(q: &str) -> Vec<String> {
    let mut analyzer = super::analyzer();
    let mut stream = analyzer.token_stream(q);
    let mut out: Vec<String> = Vec::new();
    while stream.advance() {
        let t = &stream.token().text;
        if t.chars().any(char::is_alphanumeric) && !out.contains(t) {
            out.push(t.clone());
        }
    }
    out
}

fn term_u64(field: tantivy::schema::Field, v: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_u64(field, v),
        IndexRecordOption::Basic,
    ))
}

fn any_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn all_of(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Must, q)).collect(),
    ))
}

fn i64_range(field: tantivy::schema::Field, lo: Bound<i64>, hi: Bound<i64>) -> Box<dyn Query> {
    let t = |b: Bound<i64>| match b {
        Bound::Included(v) => Bound::Included(Term::from_field_i64(field, v)),
        Bound::Excluded(v) => Bound::Excluded(Term::from_field_i64(field, v)),
        Bound::Unbounded => Bound::Unbounded,
    };
    Box::new(RangeQuery::new(t(lo), t(hi)))
}

/// The filters of a search, visibility included.
pub(super) fn filters(idx: &SearchIndex, p: &SearchParams) -> Vec<Box<dyn Query>> {
    let f = &idx.fields;
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    // Offers are public; needs only as far as the caller may read them.
    let offers = || term_u64(f.kind, KIND_OFFER);
    let needs = |audience: NeedAudience| match audience {
        NeedAudience::Park(park) => all_of(vec![
            term_u64(f.kind, KIND_NEED),
            term_u64(f.park, park.max(0) as u64),
        ]),
        _ => term_u64(f.kind, KIND_NEED),
    };
    match (p.kind, p.needs) {
        (Some(PostingKind::Offer), _) | (None, NeedAudience::OwnOnly) => out.push(offers()),
        (None, NeedAudience::All) => {}
        // No need is readable: a clause nothing satisfies.
        (Some(PostingKind::Need), NeedAudience::OwnOnly) => {
            out.push(all_of(vec![offers(), needs(NeedAudience::All)]))
        }
        (Some(PostingKind::Need), audience) => out.push(needs(audience)),
        (None, audience) => out.push(any_of(vec![offers(), needs(audience)])),
    }
    if let Some(c) = p.category {
        out.push(term_u64(f.category, category_code(c.as_str())));
    }
    if let Some(city) = p.city {
        out.push(any_of(vec![
            term_u64(f.region, city_number(city.as_str())),
            term_u64(f.region, 0),
        ]));
    }
    if let Some(park) = p.park_id {
        out.push(term_u64(f.park, park.max(0) as u64));
    }
    if let Some(ind) = p.industry {
        out.push(any_of(vec![
            term_u64(f.industry, industry_code(ind.as_str())),
            term_u64(f.industry, 0),
        ]));
    }
    if let Some(a) = p.amount_yuan {
        out.push(any_of(vec![
            all_of(vec![
                term_u64(f.kind, KIND_NEED),
                i64_range(f.amount, Bound::Included(a), Bound::Included(a)),
            ]),
            all_of(vec![
                term_u64(f.kind, KIND_OFFER),
                i64_range(f.amount_min, Bound::Unbounded, Bound::Included(a)),
                i64_range(f.amount_max, Bound::Included(a), Bound::Unbounded),
            ]),
        ]));
    }
    out
}

fn cache_key(p: &SearchParams, vocabulary_version: i64) -> String {
    format!("{p:?} v{vocabulary_version}")
}

/// The answer to `p` if the current searcher has given it recently: no analysis, no query, no
/// thread hop.
pub fn cached(idx: &SearchIndex, p: &SearchParams) -> Option<SearchResult> {
    let started = Instant::now();
    let generation = idx.reader.searcher().generation().generation_id();
    let version = idx.vocabulary.get().version();
    let mut hit = idx.cache.get(generation, &cache_key(p, version))?;
    hit.took_ms = elapsed_ms(started);
    Some(hit)
}

pub fn search(idx: &SearchIndex, p: &SearchParams) -> anyhow::Result<SearchResult> {
    if let Some(hit) = cached(idx, p) {
        return Ok(hit);
    }
    evaluate(idx, p)
}

/// Answers `p` from the index without looking in the cache (the answer is stored in it): what a
/// search costs when it is not a repeat.
///
/// Sorted by relevance, the answer lists the documents with the words typed (the vocabulary's
/// terms matched whole), then those with only a synonym of a term; when these are fewer than
/// `FEW`, then those with only a part of a term (generic words aside), then what a corrected
/// query finds. Each group is ranked within itself; `total` and the facets count all of them.
/// Sorted by date, the words' and the synonyms' documents are one list.
pub fn evaluate(idx: &SearchIndex, p: &SearchParams) -> anyhow::Result<SearchResult> {
    let started = Instant::now();
    let vocab = idx.vocabulary.get();
    let searcher = idx.reader.searcher();
    let generation = searcher.generation().generation_id();
    let key = cache_key(p, vocab.version());
    let f = &idx.fields;
    let has_words = !p.q.trim().is_empty();
    let plan = Plan::new(&p.q, &vocab);
    let exact = plan::any_of(f, &plan.exact);
    let weak = plan::any_of(f, &plan.weak);
    let synonyms = plan::any_of_averaged(f, &plan.synonyms);
    let weak_synonyms = plan::any_of_averaged(f, &plan.weak_synonyms);
    let sort = p.sort.unwrap_or(if has_words {
        Sort::Relevance
    } else {
        Sort::Newest
    });
    // A word the index does not know: the corrected query ranks what the words as typed find,
    // and is offered as a suggestion.
    let mut fixed: Option<(String, Plan)> =
        if has_words && looks_mistyped(idx, &searcher, &vocab, &plan) {
            correction(idx, &searcher, &vocab, &p.q).map(|c| {
                let fp = Plan::new(&c, &vocab);
                (c, fp)
            })
        } else {
            None
        };
    let mut answer = Answer::new(p, sort, filters(idx, p));
    match (&exact, &synonyms) {
        // Words that are all punctuation match nothing; no words at all list everything.
        (None, None) if has_words => {}
        (None, None) => answer.run(&searcher, Box::new(AllQuery), MatchedBy::Words)?,
        (exact, synonyms) if sort == Sort::Newest => {
            let either: Vec<Box<dyn Query>> = exact
                .iter()
                .chain(synonyms)
                .map(|q| q.box_clone())
                .collect();
            answer.run(&searcher, should(either), MatchedBy::Words)?;
        }
        (exact, synonyms) => {
            if let Some(e) = exact {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, e.box_clone())];
                if let Some(w) = &weak {
                    clauses.push((Occur::Should, w.box_clone()));
                }
                // With several things named, the synonyms of one rank what another found
                // (IP质押: 质押 finds, 知识产权 for IP ranks).
                if let (Some(s), true) = (synonyms, plan.exact.len() > 1) {
                    clauses.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(s.box_clone(), SYNONYM_WEIGHT)),
                    ));
                }
                if let Some(r) = fixed
                    .as_ref()
                    .and_then(|(_, fp)| plan::any_of(f, &fp.exact))
                {
                    clauses.push((Occur::Should, r));
                }
                let q: Box<dyn Query> = if clauses.len() == 1 {
                    e.box_clone()
                } else {
                    Box::new(BooleanQuery::new(clauses))
                };
                answer.run(&searcher, q, MatchedBy::Words)?;
            }
            if let Some(s) = synonyms {
                if answer.page_full() {
                    // No synonym reaches this page: count them only.
                    answer.count(&searcher, but_not(s, [exact]))?;
                } else {
                    let mut q = but_not(s, [exact]);
                    // Words and synonyms of generic terms rank what the synonyms found.
                    let rank: Vec<Box<dyn Query>> = [&weak, &weak_synonyms]
                        .into_iter()
                        .flatten()
                        .map(|w| w.box_clone())
                        .collect();
                    if !rank.is_empty() {
                        let mut clauses = vec![(Occur::Must, q)];
                        clauses.extend(rank.into_iter().map(|r| (Occur::Should, r)));
                        q = Box::new(BooleanQuery::new(clauses));
                    }
                    answer.run(&searcher, q, MatchedBy::Synonym)?;
                }
            }
        }
    }
    // When the words and their synonyms find little: the parts of the terms named (数控 and
    // 车工 of 数控车工; generic parts aside), then what a corrected query finds.
    let partial = plan::any_of(f, &plan.partial);
    if has_words && answer.total < FEW && sort == Sort::Relevance {
        if let Some(part) = &partial {
            answer.run(
                &searcher,
                but_not(part, [&exact, &synonyms]),
                MatchedBy::Part,
            )?;
        }
    }
    let mut fixed_marks = Vec::new();
    let mut suggestion = None;
    if has_words && answer.total < FEW {
        if fixed.is_none() {
            fixed = correction(idx, &searcher, &vocab, &p.q).map(|c| {
                let fp = Plan::new(&c, &vocab);
                (c, fp)
            });
        }
        if let Some((text, fixed_plan)) = &fixed {
            let units: Vec<Unit> = fixed_plan
                .exact
                .iter()
                .chain(&fixed_plan.synonyms)
                .cloned()
                .collect();
            if let Some(q) = plan::any_of(f, &units) {
                let before = answer.total;
                answer.run(
                    &searcher,
                    but_not(&q, [&exact, &synonyms, &partial]),
                    MatchedBy::Correction,
                )?;
                if answer.total > before || fixed_finds(&searcher, &q, idx, p) {
                    fixed_marks = fixed_plan.marks(Found::Words);
                    suggestion = Some(text.clone());
                }
            }
        }
    } else if let Some((text, fixed_plan)) = &fixed {
        // Enough was found, but a word of the query is unknown: offer the correction.
        if let Some(q) = plan::any_of(f, &fixed_plan.exact) {
            if fixed_finds(&searcher, &q, idx, p) {
                suggestion = Some(text.clone());
            }
        }
    }
    let marks = |how: MatchedBy| match how {
        MatchedBy::Words => plan.marks(Found::Words),
        MatchedBy::Synonym => plan.marks(Found::Synonym),
        MatchedBy::Part => plan.marks(Found::Part),
        MatchedBy::Correction => fixed_marks.clone(),
    };
    let items = answer.hits(&searcher, idx, marks)?;
    let result = SearchResult {
        items: Arc::new(items),
        total: answer.total,
        page: p.page,
        per_page: p.per_page,
        facets_approximate: answer.facets.approximate,
        facets: Arc::new(answer.facets),
        took_ms: elapsed_ms(started),
        suggestion,
    };
    idx.cache.put(generation, key, &result);
    Ok(result)
}

fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Up to `max` characters of `text` around the first word found, HTML-escaped, with `<mark>`
/// around every occurrence of the query's words (compared case-insensitively, character by
/// character, so offsets never fall inside a character).
pub fn snippet(text: &str, terms: &[String], max: usize) -> String {
    let fold = |c: char| c.to_lowercase().next().unwrap_or(c);
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| fold(*c)).collect();
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for term in terms {
        let t: Vec<char> = term.chars().map(fold).collect();
        if t.is_empty() || t.len() > folded.len() {
            continue;
        }
        for i in 0..=(folded.len() - t.len()) {
            if folded[i..i + t.len()] == t[..] {
                ranges.push(i..i + t.len());
            }
        }
    }
    let first = ranges.iter().map(|r| r.start).min();
    let start = first.map(|f| f.saturating_sub(20)).unwrap_or(0);
    let end = (start + max).min(chars.len());
    let fragment: String = chars[start..end].iter().collect();
    // Ranges in bytes of the fragment.
    let byte_at: Vec<usize> = {
        let mut v = Vec::with_capacity(end - start + 1);
        let mut b = 0;
        for c in &chars[start..end] {
            v.push(b);
            b += c.len_utf8();
        }
        v.push(b);
        v
    };
    let local: Vec<std::ops::Range<usize>> = ranges
        .into_iter()
        .filter(|r| r.start >= start && r.end <= end)
        .map(|r| byte_at[r.start - start]..byte_at[r.end - start])
        .collect();
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&highlight(&fragment, &local));
    if end < chars.len() {
        out.push('…');
    }
    out
}

/// The fragment HTML-escaped, with `<mark>` around each highlighted range (overlapping ranges
/// from search-mode tokens are merged).
pub fn highlight(fragment: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut ranges: Vec<std::ops::Range<usize>> = ranges.to_vec();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::new();
    let mut pos = 0;
    for r in merged {
        if r.start < pos
            || r.end > fragment.len()
            || !fragment.is_char_boundary(r.start)
            || !fragment.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&escape(&fragment[pos..r.start]));
        out.push_str("<mark>");
        out.push_str(&escape(&fragment[r.clone()]));
        out.push_str("</mark>");
        pos = r.end;
    }
    out.push_str(&escape(&fragment[pos..]));
    out
}

/// Counts the matching documents by type, category and city (an offer for all of Sichuan counts
/// for every city, as the city filter finds it there).
///
/// Past `FACET_EXACT` matches in a segment, only every `FACET_STRIDE`-th match is read (and
/// counts `FACET_STRIDE` times): the facets of a word found in a third of a million postings
/// cost as much as those of one found in a few thousand, and the answer says they are estimated.
pub(super) struct FacetCollector;

/// Matches of a segment whose facets are all counted.
const FACET_EXACT: u64 = 8_192;
/// Past that, one match in this many is read.
const FACET_STRIDE: u64 = 8;

pub(super) struct FacetSegment {
    kind: Column<u64>,
    category: Column<u64>,
    region: Column<u64>,
    seen: u64,
    counts: RawFacets,
}

/// Each city's number, sorted, with its place in `CITIES`: counting a document's cities is then
/// a binary search and an array slot, not a map entry.
static CITY_SLOTS: std::sync::LazyLock<Vec<(u64, usize)>> = std::sync::LazyLock::new(|| {
    let mut v: Vec<(u64, usize)> = CITIES
        .iter()
        .enumerate()
        .map(|(i, c)| (city_number(c.code), i))
        .collect();
    v.sort_unstable();
    v
});

fn city_slot(number: u64) -> Option<usize> {
    let slots = &*CITY_SLOTS;
    slots
        .binary_search_by_key(&number, |(n, _)| *n)
        .ok()
        .map(|i| slots[i].1)
}

pub(super) struct RawFacets {
    kind: [u64; 2],
    category: [u64; 3],
    region: Vec<u64>,
    all_regions: u64,
    approximate: bool,
}

impl Default for RawFacets {
    fn default() -> Self {
        RawFacets {
            kind: [0; 2],
            category: [0; 3],
            region: vec![0; CITIES.len()],
            all_regions: 0,
            approximate: false,
        }
    }
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(&self, _: u32, seg: &SegmentReader) -> tantivy::Result<FacetSegment> {
        let ff = seg.fast_fields();
        Ok(FacetSegment {
            kind: ff.u64("kind")?,
            category: ff.u64("category")?,
            region: ff.u64("region")?,
            seen: 0,
            counts: RawFacets::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<RawFacets>) -> tantivy::Result<Facets> {
        let mut total = RawFacets::default();
        for part in parts {
            for i in 0..2 {
                total.kind[i] += part.kind[i];
            }
            for i in 0..3 {
                total.category[i] += part.category[i];
            }
            for (t, v) in total.region.iter_mut().zip(part.region) {
                *t += v;
            }
            total.all_regions += part.all_regions;
            total.approximate |= part.approximate;
        }
        let mut facets = Facets {
            approximate: total.approximate,
            ..Facets::default()
        };
        facets.kind.insert("need".into(), total.kind[0]);
        facets.kind.insert("offer".into(), total.kind[1]);
        for (i, n) in total.category.iter().enumerate() {
            let name = category_of_code(i as u64).as_str();
            facets.category.insert(name.to_string(), *n);
        }
        for (i, city) in CITIES.iter().enumerate() {
            let n = total.region[i] + total.all_regions;
            if n > 0 {
                facets.city_code.insert(city.code.to_string(), n);
            }
        }
        Ok(facets)
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = RawFacets;

    fn collect(&mut self, doc: u32, _: Score) {
        self.seen += 1;
        let weight = if self.seen <= FACET_EXACT {
            1
        } else if self.seen.is_multiple_of(FACET_STRIDE) {
            self.counts.approximate = true;
            FACET_STRIDE
        } else {
            return;
        };
        let kind = self.kind.first(doc).unwrap_or(0) as usize;
        self.counts.kind[kind.min(1)] += weight;
        let cat = self.category.first(doc).unwrap_or(0) as usize;
        self.counts.category[cat.min(2)] += weight;
        for r in self.region.values_for_doc(doc) {
            if r == 0 {
                self.counts.all_regions += weight;
            } else if let Some(slot) = city_slot(r) {
                self.counts.region[slot] += weight;
            }
        }
    }

    fn harvest(self) -> RawFacets {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_are_escaped_and_merged() {
        let frag = "知识产权质押<b>融资</b>";
        // "知识产权" and "知识" overlap; the tags must come out escaped.
        let out = highlight(frag, &[0..12, 0..6, 21..27]);
        assert_eq!(
            out,
            "<mark>知识产权</mark>质押&lt;b&gt;<mark>融资</mark>&lt;/b&gt;"
        );
        assert_eq!(escape("a<'\"&"), "a&lt;&#39;&quot;&amp;");
    }

    #[test]
    fn snippets_mark_every_word_case_insensitively_around_the_first_hit() {
        let terms = vec![
            "知识产权".to_string(),
            "知识".to_string(),
            "cnc".to_string(),
        ];
        let s = snippet("以知识产权质押，CNC 设备<优先>", &terms, 160);
        assert_eq!(
            s,
            "以<mark>知识产权</mark>质押，<mark>CNC</mark> 设备&lt;优先&gt;"
        );
        let long = format!("{}知识产权{}", "甲".repeat(100), "乙".repeat(200));
        let s = snippet(&long, &terms, 40);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>知识产权</mark>"));
        assert_eq!(snippet("没有命中", &terms, 2), "没有…");
    }
}
