//! A labelled query set over `seed-demo` data, to measure search quality (recall@10, MRR) in the
//! tests and the benchmark.
//!
//! Labels are decided by the database, independently of the index: a query's relevant postings
//! are the published ones (of its type) whose title contains one of its label words. The labels
//! say what a person typing the query wants; the query itself is written the way people type
//! (compounds, mixed Latin and digits, several words).

use diesel::prelude::*;

use super::query::{SearchParams, Sort};
use crate::db::schema::postings;
use crate::db::DbConn;

pub struct Labelled {
    pub q: &'static str,
    /// `need`, `offer`, or both when `None`.
    pub kind: Option<&'static str>,
    /// A published posting whose title contains any of these is relevant.
    pub title_words: &'static [&'static str],
}

const fn l(
    q: &'static str,
    kind: Option<&'static str>,
    title_words: &'static [&'static str],
) -> Labelled {
    Labelled {
        q,
        kind,
        title_words,
    }
}

const OFFER: Option<&str> = Some("offer");
const NEED: Option<&str> = Some("need");

pub const QUERIES: &[Labelled] = &[
    l("知识产权", None, &["知识产权"]),
    l("知识产权质押贷款", OFFER, &["知识产权"]),
    l("设备贷款", None, &["设备"]),
    l("设备更新", NEED, &["设备更新"]),
    l("流动资金", None, &["流动资金"]),
    l("贷款 周转", NEED, &["流动资金", "周转"]),
    l("应收账款", None, &["应收账款"]),
    l("订单融资", None, &["订单"]),
    l("厂房扩建", NEED, &["厂房", "扩建"]),
    l("技改", None, &["技改", "技术改造"]),
    l("科技贷", OFFER, &["科技"]),
    l("数控", None, &["数控"]),
    l("CNC数控车工", None, &["数控"]),
    l("招聘焊工", NEED, &["焊工"]),
    l("电工", None, &["电工"]),
    l("质检员", None, &["质检"]),
    l("普工 招聘", NEED, &["普工"]),
    l("叉车司机", None, &["叉车"]),
    l("软件测试", None, &["软件测试", "测试工程师"]),
    l("主播", None, &["主播", "直播"]),
    l("直播", None, &["直播"]),
    l("电商直播培训", OFFER, &["直播"]),
    l("安全生产", None, &["安全生产"]),
    l("安全生产培训", NEED, &["安全生产"]),
    l("数控编程", None, &["数控编程"]),
    l("精益生产", None, &["精益"]),
    l("财务税务", None, &["财务", "税务"]),
    l("出口合规", None, &["出口", "合规"]),
    l("招聘会", OFFER, &["招聘会"]),
    l("校园招聘", OFFER, &["校园"]),
    l("劳务派遣", OFFER, &["劳务派遣"]),
    l("猎头", OFFER, &["猎头"]),
    l("担保", None, &["担保", "园保贷"]),
    l("500万 设备贷款", NEED, &["设备"]),
];

impl Labelled {
    /// The search this query stands for: its words (and type) by relevance, the first ten, every
    /// need visible (quality is judged over the whole index).
    pub fn params(&self) -> SearchParams {
        SearchParams {
            q: self.q.to_string(),
            kind: self
                .kind
                .and_then(|k| crate::domain::PostingKind::parse(k).ok()),
            category: None,
            city: None,
            park_id: None,
            industry: None,
            amount_yuan: None,
            sort: Some(Sort::Relevance),
            page: 1,
            per_page: 10,
            needs: crate::auth::NeedAudience::All,
        }
    }
}

/// The relevant posting ids of a labelled query, from the database.
pub fn relevant_ids(conn: &mut DbConn, q: &Labelled) -> QueryResult<Vec<i64>> {
    let mut all = Vec::new();
    for word in q.title_words {
        let mut query = postings::table
            .filter(postings::status.eq("published"))
            .filter(postings::title.like(format!("%{word}%")))
            .select(postings::id)
            .into_boxed();
        if let Some(kind) = q.kind {
            query = query.filter(postings::kind.eq(kind));
        }
        all.extend(query.load::<i64>(conn)?);
    }
    all.sort_unstable();
    all.dedup();
    Ok(all)
}

/// Recall at 10: the share of the relevant postings found in the first ten, out of the most
/// that ten results can hold.
pub fn recall_at_10(results: &[i64], relevant: &[i64]) -> f64 {
    if relevant.is_empty() {
        return 1.0;
    }
    let found = results
        .iter()
        .take(10)
        .filter(|id| relevant.binary_search(id).is_ok())
        .count();
    found as f64 / relevant.len().min(10) as f64
}

/// Reciprocal rank of the first relevant result (0 when none is in the list).
pub fn reciprocal_rank(results: &[i64], relevant: &[i64]) -> f64 {
    results
        .iter()
        .position(|id| relevant.binary_search(id).is_ok())
        .map(|i| 1.0 / (i + 1) as f64)
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recall_and_rank() {
        let relevant = [2, 4, 6];
        assert_eq!(recall_at_10(&[1, 2, 3, 4], &relevant), 2.0 / 3.0);
        assert_eq!(reciprocal_rank(&[1, 2, 3, 4], &relevant), 0.5);
        assert_eq!(reciprocal_rank(&[1, 3], &relevant), 0.0);
        let many: Vec<i64> = (0..40).collect();
        assert_eq!(recall_at_10(&(0..10).collect::<Vec<_>>(), &many), 1.0);
        assert!(QUERIES.len() >= 30);
    }
}
