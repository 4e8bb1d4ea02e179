//! One answer to a search, assembled group by group (the words' hits, the synonyms', the
//! fallbacks'): each group's slice of the page, the total and the facets, and the hits as the
//! API shows them.

use std::sync::Arc;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Score, Searcher, TantivyDocument};

use super::facts::Facts;
use super::plan::Plan;
use super::query::{filters, snippet, FacetCollector, Facets, Hit, MatchedBy, SearchParams, Sort};
use super::vocabulary::Vocabulary;
use super::{category_of_code, SearchIndex, KIND_NEED};
use crate::domain::PostingKind;

pub(super) fn should(queries: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if queries.len() == 1 {
        return queries.into_iter().next().expect("one query");
    }
    Box::new(BooleanQuery::new(
        queries.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

/// Documents of `q` that none of the earlier groups holds.
pub(super) fn but_not<const N: usize>(
    q: &dyn Query,
    earlier: [&Option<Box<dyn Query>>; N],
) -> Box<dyn Query> {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q.box_clone())];
    for e in earlier.into_iter().flatten() {
        clauses.push((Occur::MustNot, e.box_clone()));
    }
    if clauses.len() == 1 {
        return q.box_clone();
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Whether the corrected query finds anything this caller may see.
pub(super) fn fixed_finds(
    searcher: &Searcher,
    q: &dyn Query,
    idx: &SearchIndex,
    p: &SearchParams,
) -> bool {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q.box_clone())];
    for f in filters(idx, p) {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(f, 0.0))));
    }
    searcher
        .search(&BooleanQuery::new(clauses), &Count)
        .is_ok_and(|n| n > 0)
}

/// The query with its unknown words corrected against the index's words.
pub(super) fn correction(
    idx: &SearchIndex,
    searcher: &Searcher,
    vocab: &Arc<Vocabulary>,
    q: &str,
) -> Option<String> {
    let fields = [idx.fields.title, idx.fields.description];
    idx.lexicon.get(searcher, &fields, vocab).correct(q)
}

/// Words outside the vocabulary's terms that jieba could not make a word of (lone Chinese
/// characters), or a word that the index does not know.
pub(super) fn looks_mistyped(
    idx: &SearchIndex,
    searcher: &Searcher,
    vocab: &Arc<Vocabulary>,
    plan: &Plan,
) -> bool {
    let lone = |w: &str| w.chars().count() == 1 && w.chars().all(|c| c as u32 >= 0x3400);
    let suspicious: Vec<&String> = plan
        .loose
        .iter()
        .filter(|w| lone(w) || w.chars().count() >= 2)
        .collect();
    if suspicious.is_empty() {
        return false;
    }
    // jieba leaves the characters of a word it does not know one by one (数空 → 数, 空).
    if suspicious.iter().filter(|w| lone(w)).count() >= 2 {
        return true;
    }
    let fields = [idx.fields.title, idx.fields.description];
    let lexicon = idx.lexicon.get(searcher, &fields, vocab);
    suspicious
        .iter()
        .any(|w| w.chars().any(|c| c as u32 >= 0x3400) && !lexicon.knows(w))
}

/// The groups of hits of one answer, as they are run: the page's slice of each, their counts and
/// facets.
pub(super) struct Answer {
    offset: usize,
    per_page: usize,
    sort: Sort,
    filters: Vec<Box<dyn Query>>,
    pub(super) total: u64,
    pub(super) facets: Facets,
    /// The page's documents with their raw scores, group and the group's best score.
    page: Vec<(Score, DocAddress, MatchedBy, Score)>,
}

impl Answer {
    pub(super) fn new(p: &SearchParams, sort: Sort, filters: Vec<Box<dyn Query>>) -> Answer {
        Answer {
            offset: (p.page - 1) * p.per_page,
            per_page: p.per_page,
            sort,
            filters,
            total: 0,
            facets: Facets::default(),
            page: Vec::new(),
        }
    }

    /// Whether the page holds all it asked for.
    pub(super) fn page_full(&self) -> bool {
        self.page.len() >= self.per_page
    }

    /// Counts the documents of `text` that pass the filters, for the total and the facets only.
    pub(super) fn count(
        &mut self,
        searcher: &Searcher,
        text: Box<dyn Query>,
    ) -> anyhow::Result<()> {
        let query = self.filtered(text);
        let (count, facets) = searcher.search(&query, &(Count, FacetCollector))?;
        self.total += count as u64;
        self.facets.add(facets);
        Ok(())
    }

    fn filtered(&self, text: Box<dyn Query>) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for f in &self.filters {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)),
            ));
        }
        BooleanQuery::new(clauses)
    }

    /// Runs one group: the documents of `text` that pass the filters, after every earlier group.
    pub(super) fn run(
        &mut self,
        searcher: &Searcher,
        text: Box<dyn Query>,
        how: MatchedBy,
    ) -> anyhow::Result<()> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for f in &self.filters {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let before = self.total as usize;
        let skip = self.offset.saturating_sub(before);
        let want = self.per_page - self.page.len();
        let (top, count, facets): (Vec<(Score, DocAddress)>, usize, Facets) = if want == 0 {
            let (count, facets) = searcher.search(&query, &(Count, FacetCollector))?;
            (Vec::new(), count, facets)
        } else {
            match self.sort {
                Sort::Relevance => {
                    let top = TopDocs::with_limit(want).and_offset(skip).order_by_score();
                    searcher.search(&query, &(top, Count, FacetCollector))?
                }
                Sort::Newest => {
                    let top = TopDocs::with_limit(want)
                        .and_offset(skip)
                        .order_by_fast_field::<i64>("published_at", Order::Desc);
                    let (docs, count, facets) =
                        searcher.search(&query, &(top, Count, FacetCollector))?;
                    (
                        docs.into_iter().map(|(_, d)| (0.0, d)).collect(),
                        count,
                        facets,
                    )
                }
            }
        };
        // The best score of the group: its first hit when the page starts with it; later pages
        // keep today's rule (at least 1.0) so a page never inflates its own scores.
        let best = top.iter().map(|(s, _)| *s).fold(0.0f32, f32::max);
        let best = if skip == 0 { best } else { best.max(1.0) };
        self.page
            .extend(top.into_iter().map(|(s, d)| (s, d, how, best)));
        self.total += count as u64;
        self.facets.add(facets);
        Ok(())
    }

    /// The page's hits, with scores in [0, 1] that never rise down the list.
    pub(super) fn hits(
        &self,
        searcher: &Searcher,
        idx: &SearchIndex,
        marks: impl Fn(MatchedBy) -> Vec<String>,
    ) -> anyhow::Result<Vec<Hit>> {
        let mut by_how: Vec<(MatchedBy, Vec<String>)> = Vec::new();
        let mut items = Vec::with_capacity(self.page.len());
        let mut ceiling = 1.0f32;
        for &(raw, addr, how, best) in &self.page {
            let score = if self.sort == Sort::Relevance && best > 0.0 {
                let s = (how.ceiling() * raw / best).clamp(0.0, 1.0).min(ceiling);
                ceiling = s;
                s
            } else {
                0.0
            };
            if !by_how.iter().any(|(h, _)| *h == how) {
                by_how.push((how, marks(how)));
            }
            let m = &by_how
                .iter()
                .find(|(h, _)| *h == how)
                .expect("just added")
                .1;
            items.push(hit(searcher, idx, addr, score, how, m)?);
        }
        Ok(items)
    }
}

fn hit(
    searcher: &Searcher,
    idx: &SearchIndex,
    addr: DocAddress,
    score: f32,
    how: MatchedBy,
    marks: &[String],
) -> anyhow::Result<Hit> {
    let f = &idx.fields;
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
    let city = u(f.city);
    let park = u(f.park);
    let published = doc
        .get_first(f.published_at)
        .and_then(|v| v.as_i64())
        .unwrap_or(0);
    let posting_kind = if kind == KIND_NEED {
        PostingKind::Need
    } else {
        PostingKind::Offer
    };
    let facts: Facts = doc
        .get_first(f.facts)
        .and_then(|v| v.as_str())
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    Ok(Hit {
        kind: posting_kind,
        id: u(f.id) as i64,
        title: s(f.title),
        snippet: snippet(&description, marks, 160),
        category: category_of_code(category),
        city_code: (city != 0).then(|| city.to_string()),
        park_id: (park != 0).then_some(park as i64),
        organization_name: s(f.org_name),
        score,
        published_at: chrono::DateTime::from_timestamp(published, 0),
        matched_by: how,
        facts,
    })
}
