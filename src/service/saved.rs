//! Saved searches with daily or weekly digests, and notification settings.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::auth::{Actor, NeedAudience};
use crate::db::schema::{notification_settings, saved_search_hits, saved_searches};
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::domain::{parse_text, AlertFrequency, MatchEmails, PostingKind};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::notify::outbox::{self, Mail};
use crate::search::query::{self, SearchParams, Sort};
use crate::search::SearchIndex;

pub const MAX_PER_USER: i64 = 20;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedSearchView {
    pub id: i64,
    pub name: String,
    /// The search parameters, each as a string.
    #[schema(value_type = Object)]
    pub query: Value,
    #[schema(value_type = AlertFrequency)]
    pub frequency: String,
    pub last_run_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
);

fn view(r: &Row) -> SavedSearchView {
    SavedSearchView {
        id: r.0,
        name: r.2.clone(),
        query: serde_json::from_str(&r.3).unwrap_or(Value::Null),
        frequency: r.4.clone(),
        last_run_at: r.5.map(|t| t.and_utc()),
        created_at: r.6.and_utc(),
    }
}

fn columns() -> (
    saved_searches::id,
    saved_searches::user_id,
    saved_searches::name,
    saved_searches::query,
    saved_searches::frequency,
    saved_searches::last_run_at,
    saved_searches::created_at,
) {
    (
        saved_searches::id,
        saved_searches::user_id,
        saved_searches::name,
        saved_searches::query,
        saved_searches::frequency,
        saved_searches::last_run_at,
        saved_searches::created_at,
    )
}

pub fn list(conn: &mut DbConn, user_id: i64) -> AppResult<Vec<SavedSearchView>> {
    let rows: Vec<Row> = saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order(saved_searches::id.asc())
        .select(columns())
        .load(conn)?;
    Ok(rows.iter().map(view).collect())
}

/// The search parameters a saved search may hold, each as the search endpoint takes it.
const QUERY_KEYS: &[&str] = &[
    "q",
    "type",
    "category",
    "city_code",
    "park_id",
    "industry",
    "amount_yuan",
];

/// Normalises a saved query: known keys only, values as strings; checked by the same parser
/// as `GET /search`.
pub fn parse_query(
    v: &Value,
    check: impl Fn(&Map<String, Value>) -> AppResult<()>,
) -> AppResult<Map<String, Value>> {
    let Value::Object(map) = v else {
        return Err(AppError::field(
            "query",
            Problem::WrongType {
                expected: "object".into(),
            },
        ));
    };
    let mut out = Map::new();
    for (k, v) in map {
        if !QUERY_KEYS.contains(&k.as_str()) {
            return Err(AppError::field(&format!("query.{k}"), Problem::NotAllowed));
        }
        let s = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Null => continue,
            _ => {
                return Err(AppError::field(
                    &format!("query.{k}"),
                    Problem::WrongType {
                        expected: "string".into(),
                    },
                ))
            }
        };
        out.insert(k.clone(), Value::String(s));
    }
    check(&out).map_err(|e| match e {
        AppError::BadRequest(msg) => AppError::field(
            "query",
            Problem::Custom {
                zh: msg.clone(),
                en: msg,
            },
        ),
        AppError::Validation(f) => AppError::Validation(FieldErrors(
            f.0.into_iter()
                .map(|(k, p)| (format!("query.{k}"), p))
                .collect(),
        )),
        other => other,
    })?;
    Ok(out)
}

pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    body: &Value,
    check: impl Fn(&Map<String, Value>) -> AppResult<()>,
    now: NaiveDateTime,
) -> AppResult<SavedSearchView> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let name = o.parse_str("name", &mut errs, |s| parse_text(s, 50));
    let frequency = o.parse_str("frequency", &mut errs, AlertFrequency::parse);
    let query = match o.get("query") {
        None => {
            errs.add("query", Problem::Required);
            None
        }
        Some(q) => match parse_query(q, check) {
            Ok(q) => Some(q),
            Err(AppError::Validation(f)) => {
                for (k, p) in f.0 {
                    errs.add(k, p);
                }
                None
            }
            Err(e) => return Err(e),
        },
    };
    let (Some(name), Some(frequency), Some(query)) = (name, frequency, query) else {
        return Err(AppError::Validation(errs));
    };
    let count: i64 = saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    if count >= MAX_PER_USER {
        return Err(AppError::conflict(
            "最多保存 20 个搜索，请先删除不用的",
            "you can keep at most 20 saved searches: delete one first",
        ));
    }
    let row: Row = diesel::insert_into(saved_searches::table)
        .values((
            saved_searches::user_id.eq(user_id),
            saved_searches::name.eq(&name),
            saved_searches::query.eq(Value::Object(query).to_string()),
            saved_searches::frequency.eq(frequency.as_str()),
            saved_searches::created_at.eq(now),
        ))
        .returning(columns())
        .get_result(conn)?;
    Ok(view(&row))
}

/// Saves a search for `actor`, its query checked as `GET /search` would check it for them: a
/// search for needs is refused (422 on `query.type`) to those who may read no other
/// organisation's needs. Each digest applies the owner's audience again as of its run.
pub fn create_for(
    conn: &mut DbConn,
    actor: &Actor,
    body: &Value,
    now: NaiveDateTime,
) -> AppResult<SavedSearchView> {
    let needs = actor.need_audience();
    let check = |m: &Map<String, Value>| {
        let params = crate::search::params::SearchQuery::from_map(m).params(needs)?;
        if params.kind == Some(PostingKind::Need) && !needs.reads_others() {
            return Err(AppError::field(
                "type",
                Problem::Custom {
                    zh: "需求仅对已认证的平台公司和管理员可见，不能订阅需求".into(),
                    en: "needs are visible to verified platform companies and administrators only: you cannot follow them"
                        .into(),
                },
            ));
        }
        Ok(())
    };
    create(conn, actor.user_id, body, check, now)
}

pub fn delete(conn: &mut DbConn, user_id: i64, id: i64) -> AppResult<()> {
    diesel::delete(saved_search_hits::table.filter(saved_search_hits::saved_search_id.eq(id)))
        .execute(conn)?;
    let n = diesel::delete(
        saved_searches::table
            .filter(saved_searches::id.eq(id))
            .filter(saved_searches::user_id.eq(user_id)),
    )
    .execute(conn)?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub fn get_settings(conn: &mut DbConn, user_id: i64) -> AppResult<Value> {
    let v: Option<String> = notification_settings::table
        .find(user_id)
        .select(notification_settings::match_emails)
        .first(conn)
        .optional()?;
    Ok(json!({"match_emails": v.unwrap_or_else(|| "immediate".into())}))
}

pub fn put_settings(
    conn: &mut DbConn,
    user_id: i64,
    body: &Value,
    now: NaiveDateTime,
) -> AppResult<Value> {
    let o = Obj::root(body)?;
    let mut errs = FieldErrors::new();
    let v = o.parse_str("match_emails", &mut errs, MatchEmails::parse);
    let Some(v) = v else {
        return Err(AppError::Validation(errs));
    };
    let n = diesel::update(notification_settings::table.find(user_id))
        .set((
            notification_settings::match_emails.eq(v.as_str()),
            notification_settings::updated_at.eq(now),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(notification_settings::table)
            .values((
                notification_settings::user_id.eq(user_id),
                notification_settings::match_emails.eq(v.as_str()),
                notification_settings::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    get_settings(conn, user_id)
}

/// Sends the digests that are due: each saved search runs on its schedule and mails the
/// postings published since it last ran that it has never sent. Returns the mails queued.
pub fn run_digests(
    conn: &mut DbConn,
    index: &SearchIndex,
    now: DateTime<Utc>,
    to_params: impl Fn(&Map<String, Value>, NeedAudience) -> AppResult<SearchParams>,
) -> AppResult<usize> {
    let n = now.naive_utc();
    let rows: Vec<Row> = saved_searches::table.select(columns()).load(conn)?;
    let mut queued = 0;
    for row in rows {
        let period = if row.4 == "weekly" {
            Duration::days(7)
        } else {
            Duration::days(1)
        };
        let since = row.5.unwrap_or(row.6);
        if since + period > n {
            continue;
        }
        // The owner as they are now: their organisation may have been verified, rejected or
        // suspended since the search was saved.
        let Some((owner, _)) = crate::auth::actor_of(conn, row.1)? else {
            continue;
        };
        let map = match serde_json::from_str::<Value>(&row.3) {
            Ok(Value::Object(m)) => m,
            _ => continue,
        };
        let Ok(mut params) = to_params(&map, owner.need_audience()) else {
            continue;
        };
        params.sort = Some(Sort::Newest);
        params.page = 1;
        params.per_page = 50;
        let hits = match query::search(index, &params) {
            Ok(r) => std::sync::Arc::unwrap_or_clone(r.items),
            Err(e) => {
                tracing::warn!(error = %e, "saved search failed");
                continue;
            }
        };
        let sent: Vec<i64> = saved_search_hits::table
            .filter(saved_search_hits::saved_search_id.eq(row.0))
            .select(saved_search_hits::posting_id)
            .load(conn)?;
        let fresh: Vec<&query::Hit> = hits
            .iter()
            .filter(|h| {
                // The index keeps whole seconds.
                !sent.contains(&h.id)
                    && h.published_at
                        .is_some_and(|p| p.timestamp() >= since.and_utc().timestamp())
            })
            .collect();
        crate::db::transaction(conn, |conn| {
            if !fresh.is_empty() {
                for h in &fresh {
                    diesel::insert_into(saved_search_hits::table)
                        .values((
                            saved_search_hits::saved_search_id.eq(row.0),
                            saved_search_hits::posting_id.eq(h.id),
                            saved_search_hits::sent_at.eq(n),
                        ))
                        .execute(conn)?;
                }
                let items: Vec<Value> = fresh
                    .iter()
                    .map(|h| json!({"type": h.kind, "id": h.id, "title": h.title, "organization_name": h.organization_name}))
                    .collect();
                outbox::enqueue(
                    conn,
                    Mail {
                        kind: "saved_search_digest",
                        user_id: row.1,
                        dedupe_key: format!(
                            "saved_search_digest:s{}:t{}",
                            row.0,
                            n.and_utc().timestamp()
                        ),
                        payload: json!({"saved_search_id": row.0, "name": row.2, "items": items}),
                    },
                    n,
                )?;
                queued += 1;
            }
            diesel::update(saved_searches::table.find(row.0))
                .set(saved_searches::last_run_at.eq(n))
                .execute(conn)?;
            Ok(())
        })?;
    }
    Ok(queued)
}
