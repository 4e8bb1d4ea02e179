//! The pages anyone can open: home, search with facets, and the park directory.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::{Map, Value};

use super::{render, Chrome, Routes};
use crate::error::AppResult;
use crate::search::params::SearchQuery;
use crate::search::query::{Hit, MatchedBy, SearchResult};
use crate::service::views::ParkView;
use crate::service::{parks, searching, Paging};
use crate::state::AppState;

pub fn routes(r: &mut Routes) {
    r.get("/", home)
        .get("/search", search)
        .get("/parks", park_list);
}

type Pairs = web::Query<Vec<(String, String)>>;

/// The search fields a page passes on, in the order links show them.
const KEYS: &[&str] = &[
    "q",
    "type",
    "category",
    "city_code",
    "park_id",
    "industry",
    "amount_yuan",
    "sort",
    "page",
];

/// The current search, as the links on the page change it.
pub struct Current(Vec<(String, String)>);

impl Current {
    fn from_pairs(pairs: &[(String, String)]) -> Current {
        let mut kept: Vec<(String, String)> = Vec::new();
        for key in KEYS {
            if let Some((_, v)) = pairs.iter().find(|(k, v)| k == key && !v.trim().is_empty()) {
                kept.push((key.to_string(), v.trim().to_string()));
            }
        }
        Current(kept)
    }

    pub fn get(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn is(&self, key: &str, value: &str) -> bool {
        self.get(key) == value
    }

    /// This search with `key` set to `value` (or removed when empty), back on page 1.
    pub fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| k != key && k != "page")
            .cloned()
            .collect();
        if !value.is_empty() {
            pairs.push((key.to_string(), value.to_string()));
        }
        format!(
            "/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    pub fn page_url(&self, page: usize) -> String {
        let mut pairs: Vec<(String, String)> = self
            .0
            .iter()
            .filter(|(k, _)| k != "page")
            .cloned()
            .collect();
        pairs.push(("page".into(), page.to_string()));
        format!(
            "/search?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    }

    /// The fields a saved search keeps (everything but the page).
    pub fn saved_fields(&self) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter(|(k, _)| k != "page" && k != "sort")
            .map(|(k, v)| (format!("query.{k}"), v.clone()))
            .collect()
    }

    fn query(&self) -> SearchQuery {
        let map: Map<String, Value> = self
            .0
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        SearchQuery::from_map(&map)
    }
}

pub fn hit_url(h: &Hit) -> String {
    format!("/{}/{}", h.kind.plural(), h.id)
}

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    c: Chrome,
    latest: Vec<Hit>,
    offers: u64,
    needs: Option<u64>,
}

impl HomePage {
    fn url(&self, h: &Hit) -> String {
        hit_url(h)
    }
}

async fn home(state: web::Data<AppState>, c: Chrome) -> AppResult<HttpResponse> {
    let newest = Current(vec![("sort".into(), "newest".into())]);
    let found = if state.search.is_ready() {
        Some(searching::run(&state, c.actor.as_ref(), &newest.query()).await?)
    } else {
        None
    };
    let (latest, offers, needs) = match found {
        Some(r) => {
            let offers = r.facets.kind.get("offer").copied().unwrap_or(0);
            let needs = c
                .actor
                .as_ref()
                .is_some_and(|a| a.need_audience().reads_others())
                .then(|| r.facets.kind.get("need").copied().unwrap_or(0));
            (r.items.iter().take(6).cloned().collect(), offers, needs)
        }
        None => (vec![], 0, None),
    };
    render(HomePage {
        c,
        latest,
        offers,
        needs,
    })
}

#[derive(Template)]
#[template(path = "pages/search.html")]
struct SearchPage {
    c: Chrome,
    parks: Vec<ParkView>,
    cur: Current,
    r: SearchResult,
    rows: Vec<Row>,
    pages: usize,
    can_see_needs: bool,
}

/// A hit as the page lists it: identical postings of one organisation (same kind, category
/// and title) are shown once, with links to the others.
pub struct Row {
    pub hit: Hit,
    pub same: Vec<i64>,
}

fn rows(hits: &[Hit]) -> Vec<Row> {
    let fold = |t: &str| -> String {
        t.chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let mut out: Vec<Row> = Vec::new();
    for h in hits {
        let twin = out.iter_mut().find(|r| {
            r.hit.kind == h.kind
                && r.hit.category == h.category
                && r.hit.organization_name == h.organization_name
                && fold(&r.hit.title) == fold(&h.title)
        });
        match twin {
            Some(r) => r.same.push(h.id),
            None => out.push(Row {
                hit: h.clone(),
                same: Vec::new(),
            }),
        }
    }
    out
}

impl SearchPage {
    fn url(&self, h: &Hit) -> String {
        hit_url(h)
    }

    fn twin_url(&self, h: &Hit, id: &i64) -> String {
        format!("/{}s/{id}", h.kind)
    }

    /// The figures a reader compares at a glance, in the reader's language.
    fn facts(&self, h: &Hit) -> Vec<String> {
        let l = self.c.l();
        let c = &self.c;
        let f = &h.facts;
        let mut out = Vec::new();
        match (f.salary_min_yuan, f.salary_max_yuan) {
            (Some(lo), Some(hi)) if lo != hi => out.push(format!(
                "{} {}–{}",
                c.t("月薪", "Monthly pay"),
                l.yuan(lo),
                l.yuan(hi)
            )),
            (Some(v), _) | (None, Some(v)) => {
                out.push(format!("{} {}", c.t("月薪", "Monthly pay"), l.yuan(v)))
            }
            _ => {}
        }
        if let Some(n) = f.headcount {
            out.push(if h.category == crate::domain::Category::Training {
                format!("{} {n} {}", c.t("培训", "To train:"), c.t("人", "people"))
            } else {
                format!("{} {n} {}", c.t("招", "Hiring"), c.t("人", "people"))
            });
        }
        if let Some(v) = f.amount_yuan {
            out.push(format!("{} {}", c.t("金额", "Amount"), l.money(v)));
        }
        if let (Some(lo), Some(hi)) = (f.amount_min_yuan, f.amount_max_yuan) {
            out.push(format!(
                "{} {}–{}",
                c.t("额度", "Amount"),
                l.money(lo),
                l.money(hi)
            ));
        }
        if let Some(fmt) = f.format {
            out.push(format!("{} {}", c.t("形式", "Format:"), fmt.label(c.lang)));
        }
        if let Some(fee) = f.fee {
            out.push(format!("{} {}", c.t("费用", "Fee:"), fee.label(c.lang)));
        }
        if let Some(n) = f.capacity {
            out.push(format!("{} {n} {}", c.t("每期", "Places:"), c.t("人", "")));
        }
        if let Some(n) = f.max_headcount {
            out.push(format!(
                "{} {n} {}",
                c.t("最多招", "Up to"),
                c.t("人", "people")
            ));
        }
        if let Some(b) = f.budget_yuan {
            out.push(format!("{} {}", c.t("预算", "Budget"), l.yuan(b)));
        }
        out
    }

    /// How a hit was found, when not by the words typed.
    fn matched(&self, h: &Hit) -> Option<&'static str> {
        match h.matched_by {
            MatchedBy::Words => None,
            MatchedBy::Synonym => Some(self.c.t("同义词匹配", "matched a synonym")),
            MatchedBy::Part => Some(self.c.t("部分匹配", "matched part of a term")),
            MatchedBy::Correction => {
                Some(self.c.t("按纠正后的词匹配", "matched the corrected words"))
            }
        }
    }

    /// A facet's values with results, most first.
    fn sorted<'a>(&self, m: &'a std::collections::BTreeMap<String, u64>) -> Vec<(&'a str, u64)> {
        let mut v: Vec<(&str, u64)> = m
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }
}

async fn search(state: web::Data<AppState>, c: Chrome, q: Pairs) -> AppResult<HttpResponse> {
    let cur = Current::from_pairs(&q);
    let r = searching::run(&state, c.actor.as_ref(), &cur.query()).await?;
    let pages = (r.total as usize).div_ceil(r.per_page.max(1)).max(1);
    let can_see_needs = c
        .actor
        .as_ref()
        .is_some_and(|a| a.need_audience().reads_others());
    let parks = all_parks(&state).await?;
    let rows = rows(&r.items);
    render(SearchPage {
        c,
        parks,
        cur,
        r,
        rows,
        pages,
        can_see_needs,
    })
}

#[derive(Template)]
#[template(path = "pages/parks.html")]
struct ParksPage {
    c: Chrome,
    parks: Vec<ParkView>,
}

/// Every park, for the directory and the registration form.
pub async fn all_parks(state: &AppState) -> AppResult<Vec<ParkView>> {
    let all = Paging {
        page: 1,
        per_page: 1000,
    };
    Ok(state
        .db(move |conn| parks::list(conn, None, None, all))
        .await?
        .items)
}

async fn park_list(state: web::Data<AppState>, c: Chrome) -> AppResult<HttpResponse> {
    let parks = all_parks(&state).await?;
    render(ParksPage { c, parks })
}
