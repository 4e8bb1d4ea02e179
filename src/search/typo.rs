//! Typo tolerance: a query word that the index does not know is replaced by a word it knows that
//! sounds the same (the same pinyin; or the same once the sounds people of Sichuan merge are
//! merged: zh/z, ch/c, sh/s, n/l, hu/fu, ang/an, eng/en, ing/in), looks the same but for one
//! character (形近字, in words of three characters or more), or is the same Latin word but for
//! one letter, a space, or being typed in pinyin ("shukong" → 数控).
//!
//! Corrections are a fallback and a suggestion, never a normaliser: search looks for the words as
//! typed first, and only when they find little does it add what the corrected query finds, below
//! the rest (turning every character into pinyin made homophones match each other and pushed
//! exact matches down the list in other engines).
//!
//! The lexicon is the words of the index (titles and descriptions) with their document
//! frequencies, and the single-word terms of the vocabulary; it is rebuilt in the background
//! when the index has changed, at most once a minute.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pinyin::ToPinyinMulti;
use tantivy::schema::Field;
use tantivy::Searcher;

use super::vocabulary::{self, Vocabulary};

/// How old a lexicon may get before an index that changed makes it rebuilt beside searches.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Up to this many documents a lexicon is rebuilt at once whenever the index changed (it takes
/// a few milliseconds); a larger index rebuilds it beside the searches.
const SMALL_INDEX: u64 = 5_000;
/// Longest Chinese word looked for, in characters.
const MAX_CJK: usize = 6;
/// The most words kept (a guard on memory; the demo corpus at 100k postings has far fewer).
const MAX_WORDS: usize = 300_000;
/// The most readings of a word's characters combined (多音字).
const MAX_READINGS: usize = 4;

type WordId = u32;

/// Words the index knows, found by sound, by shape and by spelling.
#[derive(Default)]
pub struct Lexicon {
    words: Vec<(String, u64)>,
    ids: HashMap<String, WordId>,
    by_sound: HashMap<String, Vec<WordId>>,
    by_fuzzy_sound: HashMap<String, Vec<WordId>>,
    by_shape: HashMap<String, Vec<WordId>>,
    by_deletion: HashMap<String, Vec<WordId>>,
    /// The index generation it was built from, and how many documents that had.
    generation: u64,
    docs: u64,
    built: Option<Instant>,
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_latin_word(w: &str) -> bool {
    (3..=24).contains(&w.len())
        && w.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && w.bytes().any(|b| b.is_ascii_lowercase())
}

fn is_cjk_word(w: &str) -> bool {
    let n = w.chars().count();
    (2..=MAX_CJK).contains(&n) && w.chars().all(is_cjk)
}

/// The toneless pinyin of a word, one string per combination of its characters' readings (at
/// most `MAX_READINGS`); empty when a character has none.
pub fn sounds(word: &str) -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&'static str>> = vec![Vec::new()];
    for c in word.chars() {
        let Some(multi) = c.to_pinyin_multi() else {
            return Vec::new();
        };
        let mut readings: Vec<&'static str> = Vec::new();
        for p in multi {
            if !readings.contains(&p.plain()) {
                readings.push(p.plain());
            }
        }
        let mut next = Vec::new();
        for prefix in &out {
            for r in &readings {
                if next.len() >= MAX_READINGS {
                    break;
                }
                let mut v = prefix.clone();
                v.push(*r);
                next.push(v);
            }
        }
        out = next;
    }
    out
}

/// A syllable with the distinctions Sichuanese speakers do not make merged.
pub fn fuzzy_syllable(s: &str) -> String {
    let mut s = s.to_string();
    for (from, to) in [("zh", "z"), ("ch", "c"), ("sh", "s")] {
        if let Some(rest) = s.strip_prefix(from) {
            s = format!("{to}{rest}");
        }
    }
    if s.starts_with('n') && !s.starts_with("ng") {
        s.replace_range(0..1, "l");
    }
    if let Some(rest) = s.strip_prefix("hu") {
        s = format!("fu{rest}");
    }
    for (from, to) in [("ang", "an"), ("eng", "en"), ("ing", "in")] {
        if let Some(stem) = s.strip_suffix(from) {
            s = format!("{stem}{to}");
        }
    }
    s
}

fn sound_keys(word: &str) -> (Vec<String>, Vec<String>) {
    let readings = sounds(word);
    let exact = readings.iter().map(|r| r.concat()).collect();
    let fuzzy = readings
        .iter()
        .map(|r| r.iter().map(|s| fuzzy_syllable(s)).collect::<String>())
        .collect();
    (exact, fuzzy)
}

fn shapes(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    (0..chars.len())
        .map(|i| {
            let mut c = chars.clone();
            c[i] = '*';
            c.into_iter().collect()
        })
        .collect()
}

fn deletions(word: &str) -> Vec<String> {
    (0..word.len())
        .map(|i| format!("{}{}", &word[..i], &word[i + 1..]))
        .collect()
}

/// Edit distance with adjacent transpositions (optimal string alignment), for short words.
fn osa_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

impl Lexicon {
    /// A lexicon of these words and their document frequencies.
    pub fn from_words(words: impl IntoIterator<Item = (String, u64)>) -> Lexicon {
        let mut lex = Lexicon::default();
        for (w, df) in words {
            if lex.words.len() >= MAX_WORDS {
                break;
            }
            if !(is_cjk_word(&w) || is_latin_word(&w)) {
                continue;
            }
            if let Some(&id) = lex.ids.get(&w) {
                let e = &mut lex.words[id as usize].1;
                *e = (*e).max(df);
                continue;
            }
            let id = lex.words.len() as WordId;
            if is_cjk_word(&w) {
                let (exact, fuzzy) = sound_keys(&w);
                for k in exact {
                    lex.by_sound.entry(k).or_default().push(id);
                }
                for k in fuzzy {
                    lex.by_fuzzy_sound.entry(k).or_default().push(id);
                }
                if w.chars().count() >= 3 {
                    for k in shapes(&w) {
                        lex.by_shape.entry(k).or_default().push(id);
                    }
                }
            } else if w.len() >= 4 {
                lex.by_deletion.entry(w.clone()).or_default().push(id);
                for k in deletions(&w) {
                    lex.by_deletion.entry(k).or_default().push(id);
                }
            }
            lex.ids.insert(w.clone(), id);
            lex.words.push((w, df));
        }
        lex
    }

    /// The words of the index's text fields and the vocabulary's single-word terms.
    pub fn build(searcher: &Searcher, fields: &[Field], vocab: &Vocabulary) -> Lexicon {
        let mut counts: HashMap<String, u64> = HashMap::new();
        for field in fields {
            let mut per_field: HashMap<String, u64> = HashMap::new();
            for seg in searcher.segment_readers() {
                let Ok(inverted) = seg.inverted_index(*field) else {
                    continue;
                };
                let Ok(mut stream) = inverted.terms().stream() else {
                    continue;
                };
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if is_cjk_word(word) || is_latin_word(word) {
                        *per_field.entry(word.to_string()).or_default() +=
                            stream.value().doc_freq as u64;
                    }
                }
            }
            for (w, df) in per_field {
                let e = counts.entry(w).or_default();
                *e = (*e).max(df);
            }
        }
        // Terms of the vocabulary are worth suggesting even before a posting uses them (an
        // English word then finds its Chinese synonyms).
        for g in vocab.groups() {
            // Only single words: "tech loan" is two, and "techloan" no word at all.
            for t in g
                .terms
                .iter()
                .filter(|t| t.chars().all(char::is_alphanumeric))
            {
                let k = vocabulary::key(t);
                if is_latin_word(&k) || is_cjk_word(&k) {
                    counts.entry(k).or_insert(0);
                }
            }
        }
        let mut words: Vec<(String, u64)> = counts.into_iter().collect();
        // Frequent words first, so the guard on size keeps the useful ones; ties by the word,
        // so the same index gives the same lexicon.
        words.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Lexicon::from_words(words)
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// Whether the index (or the vocabulary) knows the word.
    pub fn knows(&self, word: &str) -> bool {
        self.ids.contains_key(word)
    }

    fn df(&self, id: WordId) -> u64 {
        self.words[id as usize].1
    }

    /// The most frequent of these words other than `not`, of `chars` characters, found in the index.
    fn best(&self, ids: &[WordId], not: &str, chars: usize) -> Option<&str> {
        ids.iter()
            .copied()
            .filter(|&id| {
                let (w, df) = &self.words[id as usize];
                *df > 0 && w != not && w.chars().count() == chars
            })
            .max_by(|&a, &b| {
                self.df(a)
                    .cmp(&self.df(b))
                    .then_with(|| self.words[b as usize].0.cmp(&self.words[a as usize].0))
            })
            .map(|id| self.words[id as usize].0.as_str())
    }

    /// A known word that sounds like `w` (same pinyin first, then the Sichuan merges).
    fn sounds_like(&self, w: &str) -> Option<&str> {
        let n = w.chars().count();
        let (exact, fuzzy) = sound_keys(w);
        let pick = |map: &HashMap<String, Vec<WordId>>, keys: &[String]| {
            let ids: Vec<WordId> = keys
                .iter()
                .filter_map(|k| map.get(k))
                .flatten()
                .copied()
                .collect();
            self.best(&ids, w, n)
        };
        pick(&self.by_sound, &exact).or_else(|| pick(&self.by_fuzzy_sound, &fuzzy))
    }

    /// A known word that differs from `w` in one character (three characters or more).
    fn looks_like(&self, w: &str) -> Option<&str> {
        let n = w.chars().count();
        if n < 3 {
            return None;
        }
        let ids: Vec<WordId> = shapes(w)
            .iter()
            .filter_map(|k| self.by_shape.get(k))
            .flatten()
            .copied()
            .collect();
        self.best(&ids, w, n)
    }

    /// Whether `chars` is made of known words of two or more characters.
    fn covered(&self, chars: &[char]) -> bool {
        let n = chars.len();
        let mut ok = vec![false; n + 1];
        ok[0] = true;
        for end in 2..=n {
            for start in end.saturating_sub(MAX_CJK)..=end - 2 {
                if ok[start] && self.knows(&chars[start..end].iter().collect::<String>()) {
                    ok[end] = true;
                    break;
                }
            }
        }
        ok[n]
    }

    /// The Chinese run with its unknown words replaced, longest words first.
    fn correct_cjk(&self, run: &[char]) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < run.len() {
            let mut replaced = None;
            for len in (2..=MAX_CJK.min(run.len() - i)).rev() {
                let window = &run[i..i + len];
                let w: String = window.iter().collect();
                if self.knows(&w) || self.covered(window) {
                    replaced = Some((len, w));
                    break;
                }
                if let Some(c) = self.sounds_like(&w).or_else(|| self.looks_like(&w)) {
                    replaced = Some((len, c.to_string()));
                    break;
                }
            }
            match replaced {
                Some((len, w)) => {
                    out.push_str(&w);
                    i += len;
                }
                None => {
                    out.push(run[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// A Latin word the index does not know, as a known one: one letter off, or typed in pinyin.
    fn correct_latin(&self, w: &str) -> Option<String> {
        if self.knows(w) || w.len() < 4 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        // Pinyin typed for a Chinese word: "shukong" → 数控.
        let pinyin_ids: Vec<WordId> = [&self.by_sound, &self.by_fuzzy_sound]
            .iter()
            .filter_map(|m| m.get(w))
            .flatten()
            .copied()
            .collect();
        if let Some(best) = pinyin_ids
            .iter()
            .copied()
            .filter(|&id| self.df(id) > 0)
            .max_by(|&a, &b| {
                self.df(a)
                    .cmp(&self.df(b))
                    .then_with(|| self.words[b as usize].0.cmp(&self.words[a as usize].0))
            })
        {
            return Some(self.words[best as usize].0.clone());
        }
        // Two words run together: "springboot" → "spring boot".
        for k in 2..w.len().saturating_sub(1) {
            let (a, b) = w.split_at(k);
            if self.knows(a) && self.knows(b) && a.len() >= 2 && b.len() >= 2 {
                return Some(format!("{a} {b}"));
            }
        }
        // One letter off.
        let mut ids: Vec<WordId> = Vec::new();
        for k in std::iter::once(w.to_string()).chain(deletions(w)) {
            if let Some(v) = self.by_deletion.get(&k) {
                ids.extend(v);
            }
        }
        ids.into_iter()
            .filter(|&id| osa_distance(&self.words[id as usize].0, w) == 1)
            .max_by(|&a, &b| {
                self.df(a)
                    .cmp(&self.df(b))
                    .then_with(|| self.words[b as usize].0.cmp(&self.words[a as usize].0))
            })
            .map(|id| self.words[id as usize].0.clone())
    }

    /// The query with its unknown words replaced by known ones, or `None` when nothing changed.
    pub fn correct(&self, q: &str) -> Option<String> {
        let folded: String = q
            .chars()
            .map(vocabulary::fold)
            .collect::<String>()
            .to_lowercase();
        let chars: Vec<char> = folded.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if is_cjk(c) {
                let start = i;
                while i < chars.len() && is_cjk(chars[i]) {
                    i += 1;
                }
                out.push_str(&self.correct_cjk(&chars[start..i]));
            } else if c.is_ascii_alphanumeric() {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let w: String = chars[start..i].iter().collect();
                // Two words that the index knows as one: "iso 9001" → "iso9001".
                let mut j = i;
                while j < chars.len() && chars[j] == ' ' {
                    j += 1;
                }
                let next_end = chars[j..]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .map_or(chars.len(), |p| j + p);
                if j > i && next_end > j {
                    let next: String = chars[j..next_end].iter().collect();
                    let joined = format!("{w}{next}");
                    if self.knows(&joined) && !(self.knows(&w) && self.knows(&next)) {
                        out.push_str(&joined);
                        i = next_end;
                        continue;
                    }
                }
                match self.correct_latin(&w) {
                    Some(fixed) => out.push_str(&fixed),
                    None => out.push_str(&w),
                }
            } else {
                out.push(c);
                i += 1;
            }
        }
        let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let before = folded.split_whitespace().collect::<Vec<_>>().join(" ");
        (out != before).then_some(out)
    }
}

/// The lexicon of an index, rebuilt in the background when it is old and the index changed.
#[derive(Default)]
pub struct LexiconCell {
    current: Mutex<Option<Arc<Lexicon>>>,
    rebuilding: Mutex<bool>,
}

impl LexiconCell {
    /// The lexicon for this searcher: built now if there is none yet or the index is small and
    /// changed; otherwise the current one, with a rebuild started beside the search when it is
    /// out of date.
    pub fn get(
        self: &Arc<Self>,
        searcher: &Searcher,
        fields: &[Field],
        vocab: &Arc<Vocabulary>,
    ) -> Arc<Lexicon> {
        let generation = searcher.generation().generation_id();
        let current = self
            .current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let docs = searcher.num_docs();
        let build_now = |cell: &Self| {
            let lex = Arc::new(Lexicon::build(searcher, fields, vocab).stamped(generation, docs));
            *cell.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(lex.clone());
            lex
        };
        match current {
            None => build_now(self),
            Some(lex) if lex.generation == generation => lex,
            Some(_) if docs <= SMALL_INDEX => build_now(self),
            Some(lex) => {
                // A tenth more or fewer documents, or a minute: new words are likely.
                let moved = docs.abs_diff(lex.docs) * 10 > lex.docs.max(1);
                if moved || lex.built.is_none_or(|b| b.elapsed() >= MAX_AGE) {
                    self.rebuild_beside(
                        searcher.clone(),
                        fields.to_vec(),
                        vocab.clone(),
                        generation,
                    );
                }
                lex
            }
        }
    }

    /// Forgets the lexicon (the vocabulary changed: its terms are part of it).
    pub fn clear(&self) {
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn rebuild_beside(
        self: &Arc<Self>,
        searcher: Searcher,
        fields: Vec<Field>,
        vocab: Arc<Vocabulary>,
        generation: u64,
    ) {
        {
            let mut busy = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
            if *busy {
                return;
            }
            *busy = true;
        }
        let cell = self.clone();
        let spawned = std::thread::Builder::new()
            .name("typo-lexicon".into())
            .spawn(move || {
                let docs = searcher.num_docs();
                let lex =
                    Arc::new(Lexicon::build(&searcher, &fields, &vocab).stamped(generation, docs));
                *cell.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(lex);
                *cell.rebuilding.lock().unwrap_or_else(|e| e.into_inner()) = false;
            });
        if spawned.is_err() {
            *self.rebuilding.lock().unwrap_or_else(|e| e.into_inner()) = false;
        }
    }
}

impl Lexicon {
    fn stamped(mut self, generation: u64, docs: u64) -> Lexicon {
        self.generation = generation;
        self.docs = docs;
        self.built = Some(Instant::now());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::from_words(
            [
                ("数控车工", 40),
                ("数控", 90),
                ("车工", 45),
                ("焊工", 30),
                ("叉车司机", 20),
                ("司机", 25),
                ("质检员", 15),
                ("应收账款", 12),
                ("精益生产", 9),
                ("劳务派遣", 11),
                ("软件测试", 8),
                ("电工", 22),
                ("证书", 5),
                ("招聘", 300),
                ("loan", 0),
                ("java", 7),
                ("spring", 3),
                ("boot", 3),
                ("iso9001", 4),
                ("fanuc", 6),
            ]
            .map(|(w, n)| (w.to_string(), n)),
        )
    }

    #[test]
    fn homophones_and_sichuan_merges_find_the_known_word() {
        let l = lexicon();
        assert_eq!(l.correct("数空车工").as_deref(), Some("数控车工"));
        assert_eq!(l.correct("焊功").as_deref(), Some("焊工"));
        assert_eq!(l.correct("叉车斯机").as_deref(), Some("叉车司机"));
        assert_eq!(l.correct("应收帐款").as_deref(), Some("应收账款"));
        // 厂 chang / 产 chan: the same once ang/an are merged.
        assert_eq!(l.correct("精益生厂").as_deref(), Some("精益生产"));
        assert_eq!(l.correct("招聘 数空车工").as_deref(), Some("招聘 数控车工"));
        assert_eq!(fuzzy_syllable("sheng"), "sen");
        assert_eq!(fuzzy_syllable("nong"), "long");
        assert_eq!(fuzzy_syllable("hua"), "fua");
    }

    #[test]
    fn near_forms_and_latin_slips() {
        let l = lexicon();
        // 遗 (yi) for 遣 (qian): not a homophone, one character off in a four-character word.
        assert_eq!(l.correct("劳务派遗").as_deref(), Some("劳务派遣"));
        assert_eq!(l.correct("jvaa").as_deref(), Some("java"));
        assert_eq!(l.correct("Springboot").as_deref(), Some("spring boot"));
        assert_eq!(l.correct("ISO 9001").as_deref(), Some("iso9001"));
        assert_eq!(l.correct("shukong").as_deref(), Some("数控"));
        // An English word of the vocabulary is offered even before a posting uses it: its
        // synonyms find the Chinese postings.
        assert_eq!(l.correct("laon").as_deref(), Some("loan"));
    }

    #[test]
    fn known_words_are_left_alone() {
        let l = lexicon();
        assert_eq!(l.correct("数控车工"), None);
        assert_eq!(
            l.correct("电工证书"),
            None,
            "two known words are not a typo"
        );
        assert_eq!(l.correct("Java"), None);
        assert_eq!(l.correct("没有"), None);
        assert_eq!(osa_distance("laon", "loan"), 1);
    }
}
