//! The parameters of a search as people send them (`GET /api/v1/search`, saved searches),
//! checked into `SearchParams`.

use serde::Deserialize;

use super::query::{SearchParams, Sort, MAX_DEPTH, MAX_QUERY_CHARS};
use crate::auth::NeedAudience;
use crate::domain::{Category, CityCode, Industry, PostingKind};
use crate::error::{AppError, AppResult, Problem};

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    category: Option<String>,
    city_code: Option<String>,
    park_id: Option<String>,
    industry: Option<String>,
    amount_yuan: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn opt(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn bad(name: &str, v: &str) -> AppError {
    AppError::BadRequest(format!("{name}={v:?} is not valid / 参数 {name} 无效"))
}

fn int(name: &str, v: Option<&str>) -> AppResult<Option<i64>> {
    v.map(|s| s.parse::<i64>().map_err(|_| bad(name, s)))
        .transpose()
}

impl SearchQuery {
    /// A saved search's stored parameters (string values) as a query.
    pub fn from_map(m: &serde_json::Map<String, serde_json::Value>) -> SearchQuery {
        let get = |k: &str| m.get(k).and_then(|v| v.as_str()).map(String::from);
        SearchQuery {
            q: get("q"),
            kind: get("type"),
            category: get("category"),
            city_code: get("city_code"),
            park_id: get("park_id"),
            industry: get("industry"),
            amount_yuan: get("amount_yuan"),
            sort: None,
            page: None,
            per_page: None,
        }
    }

    pub fn params(&self, needs: NeedAudience) -> AppResult<SearchParams> {
        let q = self.q.clone().unwrap_or_default();
        if q.chars().count() > MAX_QUERY_CHARS {
            return Err(AppError::field(
                "q",
                Problem::TooLong {
                    max: MAX_QUERY_CHARS,
                },
            ));
        }
        let kind = opt(&self.kind)
            .map(|s| PostingKind::parse(s).map_err(|_| bad("type", s)))
            .transpose()?;
        let category = opt(&self.category)
            .map(|s| Category::parse(s).map_err(|_| bad("category", s)))
            .transpose()?;
        let city = opt(&self.city_code)
            .map(|s| CityCode::parse(s).map_err(|_| bad("city_code", s)))
            .transpose()?;
        let industry = opt(&self.industry)
            .map(|s| Industry::parse(s).map_err(|_| bad("industry", s)))
            .transpose()?;
        let sort = match opt(&self.sort) {
            None => None,
            Some("relevance") => Some(Sort::Relevance),
            Some("newest") => Some(Sort::Newest),
            Some(s) => return Err(bad("sort", s)),
        };
        let paging = crate::service::Paging::parse(
            int("page", opt(&self.page))?,
            int("per_page", opt(&self.per_page))?,
        )?;
        if (paging.page * paging.per_page) as usize > MAX_DEPTH {
            return Err(AppError::BadRequest(format!(
                "results past the first {MAX_DEPTH} are not served: narrow the search / 仅提供前 {MAX_DEPTH} 条结果，请缩小搜索范围"
            )));
        }
        Ok(SearchParams {
            q,
            kind,
            category,
            city,
            park_id: int("park_id", opt(&self.park_id))?,
            industry,
            amount_yuan: int("amount_yuan", opt(&self.amount_yuan))?,
            sort,
            page: paging.page as usize,
            per_page: paging.per_page as usize,
            needs,
        })
    }
}
