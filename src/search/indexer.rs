//! Keeps the index in step with the database: a full build, and catching up from the change
//! feed. Applying a change re-reads the posting, so applying it twice is harmless.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use tantivy::{TantivyDocument, Term};

use super::facts::Facts;
use super::{category_code, city_number, industry_code, SearchIndex, KIND_NEED, KIND_OFFER};
use crate::db::models::Posting;
use crate::db::schema::{change_feed, organizations, postings};
use crate::db::DbConn;
use crate::domain::{Category, PostingKind};

/// How long a missing change id is waited for before it is taken as rolled back.
const GAP_TIMEOUT: Duration = Duration::from_secs(30);
const BATCH: i64 = 2000;

/// A published posting with what the index needs of its organisation.
struct Row {
    posting: Posting,
    org_name: String,
    industry: String,
}

fn load_rows(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Row>> {
    let rows: Vec<(Posting, String, String)> = postings::table
        .inner_join(organizations::table)
        .filter(postings::id.eq_any(ids))
        .filter(postings::status.eq("published"))
        .select((
            Posting::as_select(),
            organizations::name,
            organizations::industry,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(posting, org_name, industry)| Row {
            posting,
            org_name,
            industry,
        })
        .collect())
}

fn json_list(s: &str) -> Vec<String> {
    serde_json::from_str(s).unwrap_or_default()
}

fn document(idx: &SearchIndex, row: &Row) -> TantivyDocument {
    let f = &idx.fields;
    let p = &row.posting;
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, p.id as u64);
    let is_need = p.kind == "need";
    doc.add_u64(f.kind, if is_need { KIND_NEED } else { KIND_OFFER });
    doc.add_u64(f.category, category_code(&p.category));
    let city = p.city_code.as_deref().map(city_number).unwrap_or(0);
    doc.add_u64(f.city, city);
    doc.add_u64(f.park, p.park_id.unwrap_or(0) as u64);
    if is_need {
        doc.add_u64(f.region, city);
        doc.add_u64(f.industry, industry_code(&row.industry));
    } else {
        let regions = json_list(&p.regions);
        if regions.is_empty() {
            doc.add_u64(f.region, 0);
        }
        for r in &regions {
            doc.add_u64(f.region, city_number(r));
        }
        let industries = json_list(&p.industries);
        if industries.is_empty() {
            doc.add_u64(f.industry, 0);
        }
        for i in &industries {
            doc.add_u64(f.industry, industry_code(i));
        }
    }
    if let Some(a) = p.amount_yuan {
        doc.add_i64(f.amount, a);
    }
    if let (Some(min), Some(max)) = (p.amount_min_yuan, p.amount_max_yuan) {
        doc.add_i64(f.amount_min, min);
        doc.add_i64(f.amount_max, max);
    }
    doc.add_i64(
        f.published_at,
        p.published_at.map(|t| t.and_utc().timestamp()).unwrap_or(0),
    );
    doc.add_text(f.title, &p.title);
    doc.add_text(f.description, &p.description);
    doc.add_text(f.org_name, &row.org_name);
    let facts = match (PostingKind::parse(&p.kind), Category::parse(&p.category)) {
        (Ok(kind), Ok(category)) => Facts::of(kind, category, &p.details),
        _ => Facts::default(),
    };
    doc.add_text(
        f.facts,
        serde_json::to_string(&facts).unwrap_or_else(|_| "{}".into()),
    );
    doc
}

/// Replaces what the index holds for `ids` with their current state in the database.
fn apply(
    idx: &SearchIndex,
    writer: &mut tantivy::IndexWriter<TantivyDocument>,
    conn: &mut DbConn,
    ids: &[i64],
) -> anyhow::Result<()> {
    for id in ids {
        writer.delete_term(Term::from_field_u64(idx.fields.id, *id as u64));
    }
    for chunk in ids.chunks(500) {
        for row in load_rows(conn, chunk)? {
            writer.add_document(document(idx, &row))?;
        }
    }
    Ok(())
}

/// Rebuilds the whole index from the database. `progress(done, total)` is called as it goes.
///
/// A thread reads the published postings in batches of `BATCH` (by id, on the `(status, id)`
/// index: each batch a range scan, so the build is linear in the postings) while this one makes
/// their documents and tantivy's indexing threads tokenise them.
pub fn build_all(
    idx: &SearchIndex,
    conn: &mut DbConn,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<u64> {
    let mut state = idx.writer.lock().unwrap_or_else(|e| e.into_inner());
    // Every change up to here is covered by the scan below; later ones are applied after it.
    let watermark: i64 = change_feed::table
        .select(diesel::dsl::max(change_feed::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0);
    let total: i64 = postings::table
        .filter(postings::status.eq("published"))
        .count()
        .get_result(conn)?;
    state.writer.delete_all_documents()?;
    let mut done = 0u64;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(2);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let reader = scope.spawn(move || -> anyhow::Result<()> {
            let mut after = 0i64;
            loop {
                let ids: Vec<i64> = postings::table
                    .filter(postings::status.eq("published"))
                    .filter(postings::id.gt(after))
                    .order(postings::id.asc())
                    .limit(BATCH)
                    .select(postings::id)
                    .load(conn)?;
                let Some(last) = ids.last().copied() else {
                    return Ok(());
                };
                after = last;
                if tx.send(load_rows(conn, &ids)?).is_err() {
                    return Ok(()); // the indexing side failed and said why
                }
            }
        });
        for rows in rx {
            for row in &rows {
                state.writer.add_document(document(idx, row))?;
            }
            done += rows.len() as u64;
            progress(done, total as u64);
        }
        reader
            .join()
            .map_err(|_| anyhow::anyhow!("the index build's reader panicked"))?
    })?;
    state.applied_above.clear();
    state.gaps.clear();
    idx.commit(&mut state.writer, watermark)?;
    idx.set_ready();
    Ok(done)
}

/// Applies the change feed past the watermark; returns how many changes were applied.
///
/// Ids are handed out before commit, so on PostgreSQL a later id can become visible before an
/// earlier one. The watermark therefore only moves over a contiguous run of applied ids; a
/// missing id is waited for (and everything after it applied meanwhile) until `GAP_TIMEOUT`
/// says its transaction rolled back.
pub fn catch_up(idx: &SearchIndex, conn: &mut DbConn) -> anyhow::Result<usize> {
    let mut state = idx.writer.lock().unwrap_or_else(|e| e.into_inner());
    let mut watermark = idx.last_applied();
    let mut applied_total = 0;
    loop {
        let rows: Vec<(i64, i64)> = change_feed::table
            .filter(change_feed::id.gt(watermark))
            .order(change_feed::id.asc())
            .limit(BATCH)
            .select((change_feed::id, change_feed::posting_id))
            .load(conn)?;
        let fresh: Vec<(i64, i64)> = rows
            .iter()
            .copied()
            .filter(|(id, _)| !state.applied_above.contains(id))
            .collect();
        if !fresh.is_empty() {
            let mut ids: Vec<i64> = fresh.iter().map(|(_, p)| *p).collect();
            ids.sort_unstable();
            ids.dedup();
            let WriterStateParts {
                writer,
                applied_above,
            } = parts(&mut state);
            apply(idx, writer, conn, &ids)?;
            applied_above.extend(fresh.iter().map(|(id, _)| *id));
        }
        // Move the watermark over applied ids and over gaps that have timed out.
        let now = Instant::now();
        let mut seen: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
        seen.sort_unstable();
        let mut next = watermark;
        for id in seen {
            let gap_open = ((next + 1)..id).any(|missing| {
                let first = *state.gaps.entry(missing).or_insert(now);
                now.duration_since(first) < GAP_TIMEOUT
            });
            if gap_open {
                break;
            }
            next = id;
        }
        let moved = next != watermark;
        let count = fresh.len();
        if count > 0 || moved {
            state.applied_above.retain(|id| *id > next);
            state.gaps.retain(|id, _| *id > next);
            idx.commit(&mut state.writer, next)?;
            if next > watermark {
                tracing::debug!(
                    from = watermark,
                    to = next,
                    applied = count,
                    "search index caught up"
                );
            }
            watermark = next;
        }
        applied_total += count;
        if rows.len() < BATCH as usize || (!moved && count == 0) {
            break;
        }
    }
    Ok(applied_total)
}

struct WriterStateParts<'a> {
    writer: &'a mut tantivy::IndexWriter<TantivyDocument>,
    applied_above: &'a mut std::collections::BTreeSet<i64>,
}

fn parts(state: &mut super::WriterState) -> WriterStateParts<'_> {
    WriterStateParts {
        writer: &mut state.writer,
        applied_above: &mut state.applied_above,
    }
}

/// Index against database: the published ids of each kind that only one side has.
pub struct Drift {
    pub kind: &'static str,
    pub missing_from_index: Vec<i64>,
    pub not_in_database: Vec<i64>,
    pub database_count: usize,
    pub index_count: usize,
}

pub fn compare(reader: &tantivy::IndexReader, conn: &mut DbConn) -> anyhow::Result<Vec<Drift>> {
    let (index_needs, index_offers) = super::ids_in(reader)?;
    let mut db: HashMap<&'static str, Vec<i64>> = HashMap::new();
    for kind in ["need", "offer"] {
        let mut ids: Vec<i64> = postings::table
            .filter(postings::status.eq("published"))
            .filter(postings::kind.eq(kind))
            .select(postings::id)
            .load(conn)?;
        ids.sort_unstable();
        db.insert(kind, ids);
    }
    Ok([("need", index_needs), ("offer", index_offers)]
        .into_iter()
        .map(|(kind, in_index)| {
            let in_db = &db[kind];
            let idx_set: std::collections::HashSet<_> = in_index.iter().copied().collect();
            let db_set: std::collections::HashSet<_> = in_db.iter().copied().collect();
            let mut missing: Vec<i64> = in_db
                .iter()
                .copied()
                .filter(|i| !idx_set.contains(i))
                .collect();
            let mut extra: Vec<i64> = in_index
                .iter()
                .copied()
                .filter(|i| !db_set.contains(i))
                .collect();
            missing.sort_unstable();
            extra.sort_unstable();
            Drift {
                kind,
                missing_from_index: missing,
                not_in_database: extra,
                database_count: in_db.len(),
                index_count: in_index.len(),
            }
        })
        .collect())
}
