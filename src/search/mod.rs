//! Full-text search over published needs and offers: a tantivy index derived from the database,
//! kept in step by the change feed (`indexer`), queried by `query`. The database is the source of
//! truth: the index can be deleted at any time and is rebuilt.

pub mod analyzer;
mod answer;
pub(crate) mod cache;
pub mod facts;
pub mod indexer;
pub mod labelled;
pub mod params;
pub mod paraphrases;
pub mod plan;
pub mod query;
pub mod typo;
pub mod vocabulary;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED,
};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::domain::Category;

/// Bump when the schema or the analyser changes (the user dictionary included): an index of
/// another version is rebuilt. 2: jieba with the domain's user dictionary, full-width Latin
/// folded, the facts of each hit (salary range, format, fee…) stored.
pub const SCHEMA_VERSION: u32 = 2;
pub const ANALYZER: &str = "zh_jieba_lower";
const WRITER_MEMORY: usize = 32 * 1024 * 1024;

/// What the index stores beside its segments, committed atomically with them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Watermark {
    pub schema_version: u32,
    /// Every change-feed row up to this id is applied.
    pub last_change_id: i64,
}

#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub kind: Field,
    pub category: Field,
    pub region: Field,
    pub city: Field,
    pub park: Field,
    pub industry: Field,
    pub amount: Field,
    pub amount_min: Field,
    pub amount_max: Field,
    pub published_at: Field,
    pub title: Field,
    pub description: Field,
    pub org_name: Field,
    /// The facts a hit shows (`facts::Facts` as JSON), stored only.
    pub facts: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let num = NumericOptions::default() | INDEXED | FAST;
    let fields = Fields {
        id: b.add_u64_field("id", num.clone() | STORED),
        kind: b.add_u64_field("kind", num.clone()),
        category: b.add_u64_field("category", num.clone()),
        region: b.add_u64_field("region", num.clone()),
        city: b.add_u64_field("city", num.clone() | STORED),
        park: b.add_u64_field("park", num.clone() | STORED),
        industry: b.add_u64_field("industry", num.clone()),
        amount: b.add_i64_field("amount", num.clone()),
        amount_min: b.add_i64_field("amount_min", num.clone()),
        amount_max: b.add_i64_field("amount_max", num.clone()),
        published_at: b.add_i64_field("published_at", num | STORED),
        title: b.add_text_field("title", text.clone()),
        description: b.add_text_field("description", text.clone()),
        org_name: b.add_text_field("org_name", text),
        facts: b.add_text_field("facts", STORED),
    };
    (b.build(), fields)
}

/// jieba with the domain's user dictionary in search mode (compound words also yield their
/// parts), then lower-casing so Latin words match in any case. Registered every time an index is
/// opened: tantivy does not store it.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(analyzer::DomainJieba)
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build()
}

/// The one writer, with what the change-feed reader knows beyond the watermark.
pub struct WriterState {
    pub(crate) writer: IndexWriter<TantivyDocument>,
    /// Change ids above the watermark already applied (a gap below them is still open).
    pub(crate) applied_above: std::collections::BTreeSet<i64>,
    /// Missing change ids and when they were first missed: a transaction that has not committed
    /// yet, or one that rolled back (its id never comes).
    pub(crate) gaps: std::collections::HashMap<i64, std::time::Instant>,
}

/// The index, its one writer and its reader.
pub struct SearchIndex {
    pub index: Index,
    pub fields: Fields,
    pub reader: IndexReader,
    pub(crate) writer: Mutex<WriterState>,
    pub dir: PathBuf,
    /// False while the first build runs (`/readyz` answers 503).
    ready: AtomicBool,
    last_applied: AtomicI64,
    /// Answers of the current searcher generation.
    pub(crate) cache: cache::ResultCache,
    /// The synonyms in force (shipped and the admins'), replaced when the admins change them.
    pub vocabulary: vocabulary::LiveVocabulary,
    /// The words of the index, for typo corrections.
    pub(crate) lexicon: Arc<typo::LexiconCell>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates an empty one (to be built) when it is missing, broken
    /// or of another schema version. Returns the index and whether it must be built.
    pub fn open(dir: &Path) -> anyhow::Result<(SearchIndex, bool)> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let (schema, fields) = schema();
        let existing = Index::open_in_dir(dir).ok().and_then(|index| {
            let meta = index.load_metas().ok()?;
            let mark: Watermark = serde_json::from_str(meta.payload.as_deref()?).ok()?;
            (mark.schema_version == SCHEMA_VERSION && index.schema() == schema)
                .then_some((index, mark))
        });
        let (mut index, mark, needs_build) = match existing {
            Some((index, mark)) => (index, mark, false),
            None => {
                tracing::info!(dir = %dir.display(), "creating a new search index");
                clear_dir(dir)?;
                let index = Index::create_in_dir(dir, schema)?;
                let mark = Watermark {
                    schema_version: SCHEMA_VERSION,
                    last_change_id: 0,
                };
                (index, mark, true)
            }
        };
        index.tokenizers().register(ANALYZER, analyzer());
        let threads = search_threads();
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let writer = index
            .writer(WRITER_MEMORY)
            .context("another process holds this index's writer lock: give each instance its own PARKBRIDGE_INDEX_DIR")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok((
            SearchIndex {
                index,
                fields,
                reader,
                writer: Mutex::new(WriterState {
                    writer,
                    applied_above: Default::default(),
                    gaps: Default::default(),
                }),
                dir: dir.to_path_buf(),
                ready: AtomicBool::new(!needs_build),
                last_applied: AtomicI64::new(mark.last_change_id),
                cache: Default::default(),
                vocabulary: Default::default(),
                lexicon: Default::default(),
            },
            needs_build,
        ))
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    pub(crate) fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// Puts a new vocabulary in force: answers and corrections made with the old one are dropped.
    pub fn set_vocabulary(&self, v: vocabulary::Vocabulary) {
        self.vocabulary.set(v);
        self.cache.clear();
        self.lexicon.clear();
    }

    pub fn last_applied(&self) -> i64 {
        self.last_applied.load(Ordering::Acquire)
    }

    pub(crate) fn set_last_applied(&self, id: i64) {
        self.last_applied.store(id, Ordering::Release);
    }

    /// Commits the writer with the watermark as payload, then makes the change visible.
    pub(crate) fn commit(
        &self,
        writer: &mut IndexWriter<TantivyDocument>,
        last_change_id: i64,
    ) -> anyhow::Result<()> {
        let mark = Watermark {
            schema_version: SCHEMA_VERSION,
            last_change_id,
        };
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&mark)?);
        prepared.commit()?;
        self.reader.reload()?;
        self.set_last_applied(last_change_id);
        Ok(())
    }
}

/// Threads one search's segments are searched on (`PARKBRIDGE_SEARCH_THREADS`, default 1): more
/// shortens a large search at one connection on an idle machine, and buys nothing when every
/// core is busy with other requests.
fn search_threads() -> usize {
    std::env::var("PARKBRIDGE_SEARCH_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1usize)
        .clamp(1, 8)
}

/// Opens an index without taking its writer lock (a running server may hold it), for reading.
pub fn open_reader(dir: &Path) -> anyhow::Result<(IndexReader, Watermark)> {
    let index = Index::open_in_dir(dir).with_context(|| {
        format!(
            "no search index in {}: start the server or run `parkbridge reindex`",
            dir.display()
        )
    })?;
    index.tokenizers().register(ANALYZER, analyzer());
    let mark: Watermark = index
        .load_metas()?
        .payload
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .context("the index has no watermark: run `parkbridge reindex`")?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok((reader, mark))
}

/// Ids in the index by kind: (needs, offers), sorted.
pub fn ids_in(reader: &IndexReader) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let searcher = reader.searcher();
    let (mut needs, mut offers) = (Vec::new(), Vec::new());
    for seg in searcher.segment_readers() {
        let ids = seg.fast_fields().u64("id")?;
        let kinds = seg.fast_fields().u64("kind")?;
        for doc in seg.doc_ids_alive() {
            let id = ids.first(doc).unwrap_or(0) as i64;
            if kinds.first(doc) == Some(KIND_NEED) {
                needs.push(id);
            } else {
                offers.push(id);
            }
        }
    }
    needs.sort_unstable();
    offers.sort_unstable();
    Ok((needs, offers))
}

fn clear_dir(dir: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n == ".gitkeep") {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

pub const KIND_NEED: u64 = 0;
pub const KIND_OFFER: u64 = 1;

/// A category as the index stores it (0, 1, 2); a stored name that is not one counts as training.
pub fn category_code(c: &str) -> u64 {
    match Category::parse(c) {
        Ok(Category::Financing) => 0,
        Ok(Category::Recruiting) => 1,
        _ => 2,
    }
}

/// The category of an index code, the inverse of [`category_code`].
pub fn category_of_code(code: u64) -> Category {
    match code {
        0 => Category::Financing,
        1 => Category::Recruiting,
        _ => Category::Training,
    }
}

/// An industry section letter as a number, 1 (A) to 20 (T); 0 means "every industry".
pub fn industry_code(s: &str) -> u64 {
    s.bytes()
        .next()
        .filter(u8::is_ascii_uppercase)
        .map(|b| (b - b'A' + 1) as u64)
        .unwrap_or(0)
}

/// A city code as a number; 0 means "all of Sichuan".
pub fn city_number(code: &str) -> u64 {
    code.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        let mut a = analyzer();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn the_analyser_yields_the_parts_of_compound_words_and_lowercases_latin() {
        let t = tokens("知识产权质押融资");
        assert!(t.contains(&"知识产权".to_string()), "{t:?}");
        assert!(t.contains(&"融资".to_string()), "{t:?}");
        let t = tokens("招聘CNC数控车工");
        assert!(t.contains(&"cnc".to_string()), "{t:?}");
        assert!(t.contains(&"数控".to_string()), "{t:?}");
        let t = tokens("电商直播带货培训");
        assert!(t.contains(&"直播".to_string()), "{t:?}");
    }

    #[test]
    fn an_index_of_another_version_is_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let (idx, build) = SearchIndex::open(dir.path()).unwrap();
        assert!(build);
        {
            let mut w = idx.writer.lock().unwrap();
            idx.commit(&mut w.writer, 42).unwrap();
        }
        drop(idx);
        let (idx, build) = SearchIndex::open(dir.path()).unwrap();
        assert!(!build);
        assert_eq!(idx.last_applied(), 42);
        {
            let mut w = idx.writer.lock().unwrap();
            let mut prepared = w.writer.prepare_commit().unwrap();
            prepared.set_payload(r#"{"schema_version":0,"last_change_id":42}"#);
            prepared.commit().unwrap();
        }
        drop(idx);
        let (idx, build) = SearchIndex::open(dir.path()).unwrap();
        assert!(build, "an old schema version means a rebuild");
        assert_eq!(idx.last_applied(), 0);
    }
}
