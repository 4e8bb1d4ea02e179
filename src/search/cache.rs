//! Recent search results, valid for one searcher generation: any commit the reader picks up
//! (an approval, a close, an expiry) starts a new generation and empties the cache, so a cached
//! answer is never older than the index it came from.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use super::query::SearchResult;

const CAPACITY: usize = 512;

#[derive(Default)]
pub struct ResultCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    generation: u64,
    map: HashMap<String, SearchResult>,
    order: VecDeque<String>,
}

impl ResultCache {
    pub fn get(&self, generation: u64, key: &str) -> Option<SearchResult> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            return None;
        }
        inner.map.get(key).cloned()
    }

    /// Forgets every answer (the benchmarks time searches that are not repeats).
    pub fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.map.clear();
        inner.order.clear();
    }

    pub fn put(&self, generation: u64, key: String, result: &SearchResult) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.generation != generation {
            if generation < inner.generation {
                return; // a slow search of an older generation
            }
            inner.generation = generation;
            inner.map.clear();
            inner.order.clear();
        }
        if inner.map.contains_key(&key) {
            return;
        }
        if inner.order.len() >= CAPACITY {
            if let Some(old) = inner.order.pop_front() {
                inner.map.remove(&old);
            }
        }
        inner.order.push_back(key.clone());
        inner.map.insert(key, result.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(total: u64) -> SearchResult {
        SearchResult {
            items: Default::default(),
            total,
            page: 1,
            per_page: 20,
            facets: Default::default(),
            facets_approximate: false,
            took_ms: 1.0,
            suggestion: None,
        }
    }

    #[test]
    fn a_new_generation_empties_the_cache() {
        let c = ResultCache::default();
        c.put(1, "q=贷款".into(), &result(3));
        assert_eq!(c.get(1, "q=贷款").unwrap().total, 3);
        assert!(c.get(2, "q=贷款").is_none());
        c.put(2, "q=培训".into(), &result(5));
        assert!(c.get(1, "q=贷款").is_none(), "the old generation is gone");
        // A late answer from an older generation is not kept.
        c.put(1, "q=贷款".into(), &result(3));
        assert!(c.get(2, "q=贷款").is_none());
    }

    #[test]
    fn the_oldest_entries_make_room() {
        let c = ResultCache::default();
        for i in 0..CAPACITY + 1 {
            c.put(7, format!("q{i}"), &result(i as u64));
        }
        assert!(c.get(7, "q0").is_none());
        assert_eq!(
            c.get(7, &format!("q{CAPACITY}")).unwrap().total,
            CAPACITY as u64
        );
    }
}
