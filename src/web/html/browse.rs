//! The pages anyone can open: home, search with facets, and the park directory.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::{Map, Value};

use super::{render, Chrome, Routes};
use crate::error::AppResult;
use crate::search::params::SearchQuery;
use crate::search::query::{Hit, SearchResult};
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
    pages: usize,
    can_see_needs: bool,
}

impl SearchPage {
    fn url(&self, h: &Hit) -> String {
        hit_url(h)
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
    render(SearchPage {
        c,
        parks,
        cur,
        r,
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
