//! Answering a search: the user's words become term queries (no query syntax, so no input can
//! make an error), filters become constant-score clauses, and facets are counted over the
//! matching set the caller may see.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Score, SegmentReader, TantivyDocument, Term};

use super::{
    category_code, city_number, industry_code, SearchIndex, CATEGORY_NAMES, KIND_NEED, KIND_OFFER,
};
use crate::domain::reference::CITIES;
use crate::domain::{Category, CityCode, Industry, PostingKind};

pub const MAX_QUERY_CHARS: usize = 200;
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
    /// Needs are only for users of verified organisations and admins.
    pub can_see_needs: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    #[serde(rename = "type")]
    #[schema(value_type = PostingKind)]
    pub kind: &'static str,
    pub id: i64,
    pub title: String,
    /// HTML-escaped text with `<mark>…</mark>` around the words found.
    pub snippet: String,
    #[schema(value_type = Category)]
    pub category: &'static str,
    pub city_code: Option<String>,
    pub park_id: Option<i64>,
    pub organization_name: String,
    pub score: f32,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Serialize, Default, utoipa::ToSchema)]
pub struct Facets {
    pub category: BTreeMap<String, u64>,
    pub city_code: BTreeMap<String, u64>,
    #[serde(rename = "type")]
    pub kind: BTreeMap<String, u64>,
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

/// The text part of a query: each word in any field (title weighted above organisation name
/// above description); documents with more of the words score higher.
pub fn text_query(idx: &SearchIndex, terms: &[String]) -> Option<Box<dyn Query>> {
    if terms.is_empty() {
        return None;
    }
    let f = &idx.fields;
    let per_term: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|t| {
            let fields: Vec<Box<dyn Query>> =
                [(f.title, 3.0), (f.org_name, 1.5), (f.description, 1.0)]
                    .into_iter()
                    .map(|(field, boost)| {
                        let q = TermQuery::new(
                            Term::from_field_text(field, t),
                            IndexRecordOption::WithFreqs,
                        );
                        Box::new(BoostQuery::new(Box::new(q), boost)) as Box<dyn Query>
                    })
                    .collect();
            (
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(fields, 0.3)) as Box<dyn Query>,
            )
        })
        .collect();
    Some(Box::new(BooleanQuery::new(per_term)))
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
fn filters(idx: &SearchIndex, p: &SearchParams) -> Vec<Box<dyn Query>> {
    let f = &idx.fields;
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    match p.kind {
        Some(PostingKind::Need) => out.push(term_u64(f.kind, KIND_NEED)),
        Some(PostingKind::Offer) => out.push(term_u64(f.kind, KIND_OFFER)),
        None if !p.can_see_needs => out.push(term_u64(f.kind, KIND_OFFER)),
        None => {}
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

fn cache_key(p: &SearchParams) -> String {
    format!("{p:?}")
}

/// The answer to `p` if the current searcher has given it recently: no analysis, no query, no
/// thread hop.
pub fn cached(idx: &SearchIndex, p: &SearchParams) -> Option<SearchResult> {
    let started = Instant::now();
    let generation = idx.reader.searcher().generation().generation_id();
    let mut hit = idx.cache.get(generation, &cache_key(p))?;
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
pub fn evaluate(idx: &SearchIndex, p: &SearchParams) -> anyhow::Result<SearchResult> {
    let started = Instant::now();
    let terms = query_terms(&p.q);
    let text = text_query(idx, &terms);
    let has_words = !p.q.trim().is_empty();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match &text {
        Some(t) => clauses.push((Occur::Must, t.box_clone())),
        // Words that are all punctuation match nothing; no words at all list everything.
        None if has_words => {
            return Ok(SearchResult {
                items: Default::default(),
                total: 0,
                page: p.page,
                per_page: p.per_page,
                facets: Default::default(),
                took_ms: elapsed_ms(started),
            })
        }
        None => clauses.push((Occur::Must, Box::new(AllQuery))),
    }
    for f in filters(idx, p) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(f, 0.0))));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = idx.reader.searcher();
    let generation = searcher.generation().generation_id();
    let key = cache_key(p);
    let offset = (p.page - 1) * p.per_page;
    let sort = p.sort.unwrap_or(if text.is_some() {
        Sort::Relevance
    } else {
        Sort::Newest
    });
    let facets_collector = FacetCollector;
    let (top, total, facets): (Vec<(Score, DocAddress)>, usize, Facets) = match sort {
        Sort::Relevance => {
            let top = TopDocs::with_limit(p.per_page)
                .and_offset(offset)
                .order_by_score();
            searcher.search(&query, &(top, Count, facets_collector))?
        }
        Sort::Newest => {
            let top = TopDocs::with_limit(p.per_page)
                .and_offset(offset)
                .order_by_fast_field::<i64>("published_at", Order::Desc);
            let (docs, total, facets) = searcher.search(&query, &(top, Count, facets_collector))?;
            (
                docs.into_iter().map(|(_, d)| (0.0, d)).collect(),
                total,
                facets,
            )
        }
    };
    let f = &idx.fields;
    let mut items = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let u = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        let s = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string()
        };
        let seg = searcher.segment_reader(addr.segment_ord);
        let kind = seg
            .fast_fields()
            .u64("kind")?
            .first(addr.doc_id)
            .unwrap_or(0);
        let category = seg
            .fast_fields()
            .u64("category")?
            .first(addr.doc_id)
            .unwrap_or(0);
        let description = s(f.description);
        let snippet = snippet(&description, &terms, 160);
        let city = u(f.city);
        let park = u(f.park);
        let published = doc
            .get_first(f.published_at)
            .and_then(|v| v.as_i64())
            .unwrap_or(0);
        items.push(Hit {
            kind: if kind == KIND_NEED { "need" } else { "offer" },
            id: u(f.id) as i64,
            title: s(f.title),
            snippet,
            category: CATEGORY_NAMES[(category as usize).min(2)],
            city_code: (city != 0).then(|| city.to_string()),
            park_id: (park != 0).then_some(park as i64),
            organization_name: s(f.org_name),
            score: if sort == Sort::Relevance { score } else { 0.0 },
            published_at: chrono::DateTime::from_timestamp(published, 0),
        });
    }
    // Normalise relevance scores into [0, 1] relative to the best hit of the whole result.
    if sort == Sort::Relevance {
        if let Some(best) = items
            .iter()
            .map(|h| h.score)
            .reduce(f32::max)
            .filter(|b| *b > 0.0)
        {
            let best = if p.page == 1 { best } else { best.max(1.0) };
            for h in &mut items {
                h.score = (h.score / best).clamp(0.0, 1.0);
            }
        }
    }
    let result = SearchResult {
        items: Arc::new(items),
        total: total as u64,
        page: p.page,
        per_page: p.per_page,
        facets: Arc::new(facets),
        took_ms: elapsed_ms(started),
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
struct FacetCollector;

struct FacetSegment {
    kind: Column<u64>,
    category: Column<u64>,
    region: Column<u64>,
    counts: RawFacets,
}

#[derive(Default)]
struct RawFacets {
    kind: [u64; 2],
    category: [u64; 3],
    region: BTreeMap<u64, u64>,
    all_regions: u64,
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
            for (k, v) in part.region {
                *total.region.entry(k).or_default() += v;
            }
            total.all_regions += part.all_regions;
        }
        let mut facets = Facets::default();
        facets.kind.insert("need".into(), total.kind[0]);
        facets.kind.insert("offer".into(), total.kind[1]);
        for (i, name) in CATEGORY_NAMES.iter().enumerate() {
            facets.category.insert(name.to_string(), total.category[i]);
        }
        for city in CITIES.iter() {
            let n = total
                .region
                .get(&city_number(city.code))
                .copied()
                .unwrap_or(0)
                + total.all_regions;
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
        let kind = self.kind.first(doc).unwrap_or(0) as usize;
        self.counts.kind[kind.min(1)] += 1;
        let cat = self.category.first(doc).unwrap_or(0) as usize;
        self.counts.category[cat.min(2)] += 1;
        for r in self.region.values_for_doc(doc) {
            if r == 0 {
                self.counts.all_regions += 1;
            } else {
                *self.counts.region.entry(r).or_default() += 1;
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
