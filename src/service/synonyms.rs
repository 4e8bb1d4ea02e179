//! Synonym groups that platform admins add and remove at run time, beside the shipped ones:
//! stored in the database, audit-logged, and in force on every instance within about a second
//! (each polls the one-row `vocabulary_version` and reloads the groups when it moved), without a
//! restart or a reindex (search reads synonyms at query time).

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Data;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::{audit, Paging};
use crate::auth::Actor;
use crate::db::schema::{synonym_groups, vocabulary_version};
use crate::db::DbConn;
use crate::domain::input::Obj;
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::search::vocabulary::{key, Source, Vocabulary};
use crate::search::SearchIndex;
use crate::state::AppState;

pub const MAX_TERMS: usize = 20;
pub const MAX_TERM_CHARS: usize = 40;
/// Admin groups in all (each is looked up on every search).
pub const MAX_GROUPS: i64 = 1000;
/// How often an instance looks for other instances' changes.
pub const POLL: Duration = Duration::from_secs(1);

/// A group as listed: the admins' with their id, the shipped ones without.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SynonymGroupView {
    /// The row id of an admin's group (what `DELETE` takes); `null` for a shipped group.
    pub id: Option<i64>,
    /// The terms; the first is the group's canonical name.
    pub terms: Vec<String>,
    /// `admin` (added at run time) or `shipped` (in the release, changed by a release).
    #[schema(value_type = String, example = "admin")]
    pub source: &'static str,
    pub created_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SynonymList {
    pub items: Vec<SynonymGroupView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The admins' groups' version: it moves with every change.
    pub version: i64,
}

/// A new group's terms, checked: 2 to 20, each 1 to 40 characters with a letter or digit,
/// no two alike once case, width and the spaces between Latin letters are ignored.
#[derive(Debug, Clone)]
pub struct NewGroup {
    pub terms: Vec<String>,
    pub note: Option<String>,
}

fn parse_term(s: &str) -> Result<String, Problem> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > MAX_TERM_CHARS {
        return Err(Problem::TooLong {
            max: MAX_TERM_CHARS,
        });
    }
    if key(&t).is_empty() {
        return Err(Problem::Custom {
            zh: "须包含文字或数字".into(),
            en: "must hold a letter or a digit".into(),
        });
    }
    if t.contains([',', '，']) {
        return Err(Problem::Custom {
            zh: "一个词中不能有逗号，请分成多个词".into(),
            en: "one term cannot hold a comma: give them as separate terms".into(),
        });
    }
    Ok(t)
}

impl NewGroup {
    pub fn parse(body: &Value) -> AppResult<NewGroup> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let terms = o.str_list("terms", true, MAX_TERMS, &mut errs, parse_term);
        let note = o
            .opt_str("note", &mut errs)
            .ok()
            .flatten()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            errs.add("note", Problem::TooLong { max: 500 });
        }
        if let Some(terms) = &terms {
            if terms.len() < 2 {
                errs.add(
                    "terms",
                    Problem::Custom {
                        zh: "至少需要两个词".into(),
                        en: "needs at least two terms".into(),
                    },
                );
            }
            let keys: Vec<String> = terms.iter().map(|t| key(t)).collect();
            for (i, k) in keys.iter().enumerate() {
                if keys[..i].contains(k) {
                    errs.add(format!("terms.{i}"), Problem::Duplicate);
                }
            }
        }
        errs.into_result()?;
        Ok(NewGroup {
            terms: terms.unwrap_or_default(),
            note,
        })
    }
}

#[derive(Queryable)]
struct Row {
    id: i64,
    terms: String,
    created_by: Option<i64>,
    created_at: NaiveDateTime,
}

fn terms_of(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

impl From<Row> for SynonymGroupView {
    fn from(r: Row) -> Self {
        SynonymGroupView {
            id: Some(r.id),
            terms: terms_of(&r.terms),
            source: "admin",
            created_at: Some(r.created_at.and_utc()),
            created_by: r.created_by,
        }
    }
}

fn rows(conn: &mut DbConn) -> QueryResult<Vec<Row>> {
    synonym_groups::table
        .order(synonym_groups::id.desc())
        .select((
            synonym_groups::id,
            synonym_groups::terms,
            synonym_groups::created_by,
            synonym_groups::created_at,
        ))
        .load(conn)
}

pub fn version(conn: &mut DbConn) -> QueryResult<i64> {
    vocabulary_version::table
        .find(1)
        .select(vocabulary_version::version)
        .first(conn)
}

fn bump(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(vocabulary_version::table.find(1))
        .set((
            vocabulary_version::version.eq(vocabulary_version::version + 1),
            vocabulary_version::changed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Which groups to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Admin,
    Shipped,
}

impl Which {
    pub fn parse(s: Option<&str>) -> AppResult<Which> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("all") => Ok(Which::All),
            Some("admin") => Ok(Which::Admin),
            Some("shipped") => Ok(Which::Shipped),
            Some(other) => Err(AppError::BadRequest(format!(
                "source must be admin, shipped or all, not {other:?} / source 须为 admin、shipped 或 all"
            ))),
        }
    }
}

/// The admins' groups (newest first), then the shipped ones (in the file's order).
pub fn list(conn: &mut DbConn, which: Which, paging: Paging) -> AppResult<SynonymList> {
    let version = version(conn)?;
    let mut all: Vec<SynonymGroupView> = Vec::new();
    if which != Which::Shipped {
        all.extend(rows(conn)?.into_iter().map(SynonymGroupView::from));
    }
    if which != Which::Admin {
        let shipped = Vocabulary::shipped();
        all.extend(
            shipped
                .groups()
                .iter()
                .filter(|g| g.source == Source::Shipped)
                .map(|g| SynonymGroupView {
                    id: None,
                    terms: g.terms.clone(),
                    source: "shipped",
                    created_at: None,
                    created_by: None,
                }),
        );
    }
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .collect();
    Ok(SynonymList {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
        version,
    })
}

/// Adds a group (platform admins only; the caller checked the role).
pub fn add(
    conn: &mut DbConn,
    actor: &Actor,
    group: &NewGroup,
    now: NaiveDateTime,
) -> AppResult<SynonymGroupView> {
    let existing = rows(conn)?;
    if existing.len() as i64 >= MAX_GROUPS {
        return Err(AppError::conflict(
            &format!("同义词组已达上限 {MAX_GROUPS} 组，请先删除不再需要的组"),
            &format!("there are already {MAX_GROUPS} synonym groups: remove some first"),
        ));
    }
    let mut keys: Vec<String> = group.terms.iter().map(|t| key(t)).collect();
    keys.sort();
    for r in &existing {
        let mut theirs: Vec<String> = terms_of(&r.terms).iter().map(|t| key(t)).collect();
        theirs.sort();
        if theirs == keys {
            return Err(AppError::conflict(
                &format!("已有相同的同义词组（编号 {}）", r.id),
                &format!("the same group exists already (id {})", r.id),
            ));
        }
    }
    let terms = serde_json::to_string(&group.terms).map_err(AppError::internal)?;
    let id: i64 = diesel::insert_into(synonym_groups::table)
        .values((
            synonym_groups::terms.eq(&terms),
            synonym_groups::created_by.eq(actor.user_id),
            synonym_groups::created_at.eq(now),
        ))
        .returning(synonym_groups::id)
        .get_result(conn)?;
    bump(conn, now)?;
    let note = match &group.note {
        Some(n) => format!("{} — {n}", group.terms.join("、")),
        None => group.terms.join("、"),
    };
    audit(
        conn,
        Some(actor),
        "synonyms.add",
        "synonym_group",
        id,
        None,
        None,
        Some(&note),
        now,
    )?;
    Ok(SynonymGroupView {
        id: Some(id),
        terms: group.terms.clone(),
        source: "admin",
        created_at: Some(now.and_utc()),
        created_by: Some(actor.user_id),
    })
}

/// Removes an admin's group; a shipped group has no id and changes only with a release.
pub fn remove(conn: &mut DbConn, actor: &Actor, id: i64, now: NaiveDateTime) -> AppResult<()> {
    let terms: String = synonym_groups::table
        .find(id)
        .select(synonym_groups::terms)
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    diesel::delete(synonym_groups::table.find(id)).execute(conn)?;
    bump(conn, now)?;
    audit(
        conn,
        Some(actor),
        "synonyms.remove",
        "synonym_group",
        id,
        None,
        None,
        Some(&terms_of(&terms).join("、")),
        now,
    )?;
    Ok(())
}

/// The vocabulary as the database has it now.
pub fn load(conn: &mut DbConn) -> QueryResult<Vocabulary> {
    // The version first: a change made between the two reads is picked up by the next poll.
    let version = version(conn)?;
    let groups = rows(conn)?
        .into_iter()
        .rev()
        .map(|r| (r.id, terms_of(&r.terms)))
        .collect();
    Ok(Vocabulary::build(groups, version))
}

/// Puts the database's groups in force on this instance when they changed since it last
/// looked; returns whether they had.
pub fn refresh(index: &SearchIndex, conn: &mut DbConn) -> QueryResult<bool> {
    if version(conn)? == index.vocabulary.get().version() {
        return Ok(false);
    }
    let v = load(conn)?;
    tracing::info!(
        version = v.version(),
        groups = v.groups().len(),
        "synonyms reloaded"
    );
    index.set_vocabulary(v);
    Ok(true)
}

/// Polls for other instances' changes every second.
pub async fn run_refresher(state: Arc<Data<AppState>>) {
    let mut tick = tokio::time::interval(POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let st = state.clone();
        let result = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
            let mut conn = st.pool.get()?;
            Ok(refresh(&st.search, &mut conn)?)
        })
        .await;
        match result {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "reading the synonyms failed"),
            Err(e) => tracing::error!(error = %e, "reading the synonyms panicked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_needs_two_distinct_terms_of_sensible_length() {
        let ok = NewGroup::parse(&serde_json::json!({"terms": [" 稳岗返还 ", "失业保险  返还"]}))
            .unwrap();
        assert_eq!(ok.terms, vec!["稳岗返还", "失业保险 返还"]);
        let fields = |v: Value| match NewGroup::parse(&v) {
            Err(AppError::Validation(FieldErrors(list))) => {
                list.into_iter().map(|(f, _)| f).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(
            fields(serde_json::json!({"terms": ["一个"]})),
            vec!["terms"]
        );
        assert_eq!(
            fields(serde_json::json!({"terms": ["CNC", "c n c"]})),
            vec!["terms.1"]
        );
        assert_eq!(
            fields(serde_json::json!({"terms": ["好", "。。"]})),
            vec!["terms.1"]
        );
        assert_eq!(
            fields(serde_json::json!({"terms": ["a,b", "c"]})),
            vec!["terms.0"]
        );
        assert_eq!(
            fields(serde_json::json!({"terms": ["长".repeat(41), "短"]})),
            vec!["terms.0"]
        );
        assert_eq!(
            fields(serde_json::json!({"terms": vec!["x"; 21]})),
            vec!["terms"]
        );
        assert_eq!(fields(serde_json::json!({})), vec!["terms"]);
        assert_eq!(
            fields(serde_json::json!({"terms": [1, "b"]})),
            vec!["terms.0"]
        );
        assert!(matches!(
            NewGroup::parse(&serde_json::json!(["a"])),
            Err(AppError::BadRequest(_))
        ));
    }
}
