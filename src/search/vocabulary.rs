//! The domain vocabulary: synonym groups (shipped in `src/reference/vocabulary/` and added by
//! platform admins at run time), generic words, and where a text mentions a known term. Search
//! uses it at query time (nothing is indexed with synonyms, so a change needs no reindex);
//! matching uses the same groups to tell whether two postings talk about the same thing.
//!
//! Terms are compared by their *key*: lower case, half width, without the spaces, hyphens and
//! dots between Latin letters ("ISO 9001", "iso-9001" and "ISO9001" are one key).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, LazyLock, RwLock};

const SYNONYMS: &str = include_str!("../reference/vocabulary/synonyms.txt");
const GENERIC: &str = include_str!("../reference/vocabulary/generic.txt");

/// The longest term, in units (a Chinese character or a Latin word), a mention can have.
const MAX_UNITS: usize = 16;

/// Where a group comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `src/reference/vocabulary/synonyms.txt`, changed by a release.
    Shipped,
    /// Added by a platform admin; the id of its `synonym_groups` row.
    Admin(i64),
}

/// Terms that stand for one another; the first is the canonical name.
#[derive(Debug, Clone)]
pub struct Group {
    pub terms: Vec<String>,
    pub source: Source,
}

impl Group {
    pub fn canonical(&self) -> &str {
        &self.terms[0]
    }
}

/// Groups that share a term, merged: what one thing is called, all ways. An admin's group that
/// names a shipped term joins that term's concept.
#[derive(Debug, Clone)]
pub struct Concept {
    /// The terms, the canonical name first (the first term of its first group).
    pub terms: Vec<String>,
    /// Indexes into `Vocabulary::groups`.
    pub groups: Vec<usize>,
}

impl Concept {
    pub fn canonical(&self) -> &str {
        &self.terms[0]
    }
}

/// Where a text mentions a term of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Byte range in the text as given.
    pub start: usize,
    pub end: usize,
    /// The term's key as the vocabulary has it.
    pub key: String,
    /// Index into `Vocabulary::concepts`.
    pub concept: usize,
}

/// Synonym groups with their lookup table, and the generic words.
#[derive(Debug, Default)]
pub struct Vocabulary {
    groups: Vec<Group>,
    concepts: Vec<Concept>,
    by_key: HashMap<String, usize>,
    /// Each term's words as the index has them, with their offsets (cut once, not per query).
    words: HashMap<String, Vec<(usize, String)>>,
    generic: HashSet<String>,
    /// The admin groups' version this vocabulary was built from (0: shipped groups only).
    version: i64,
}

/// The shipped vocabulary, parsed once.
static SHIPPED: LazyLock<Arc<Vocabulary>> =
    LazyLock::new(|| Arc::new(Vocabulary::build(Vec::new(), 0)));

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

impl Vocabulary {
    /// The groups shipped with this release, without the admins' ones.
    pub fn shipped() -> Arc<Vocabulary> {
        SHIPPED.clone()
    }

    /// The shipped groups and the admins' (`(row id, terms)`), as of `version`.
    pub fn build(admin: Vec<(i64, Vec<String>)>, version: i64) -> Vocabulary {
        let mut v = Vocabulary {
            version,
            ..Default::default()
        };
        for line in SYNONYMS.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            v.push(split_terms(line), Source::Shipped);
        }
        for (id, terms) in admin {
            v.push(terms, Source::Admin(id));
        }
        v.merge();
        v.words = v
            .concepts
            .iter()
            .flat_map(|c| &c.terms)
            .map(|t| (t.clone(), super::analyzer::words_at(t)))
            .collect();
        v.generic = GENERIC
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(key)
            .collect();
        v
    }

    fn push(&mut self, terms: Vec<String>, source: Source) {
        let mut seen = HashSet::new();
        let terms: Vec<String> = terms
            .into_iter()
            .filter(|t| {
                let k = key(t);
                !k.is_empty() && seen.insert(k)
            })
            .collect();
        if terms.len() >= 2 {
            self.groups.push(Group { terms, source });
        }
    }

    /// Joins the groups that share a term into concepts.
    fn merge(&mut self) {
        let mut parent: Vec<usize> = (0..self.groups.len()).collect();
        let mut first: HashMap<String, usize> = HashMap::new();
        for (g, group) in self.groups.iter().enumerate() {
            for t in &group.terms {
                match first.get(&key(t)) {
                    Some(&other) => {
                        let (a, b) = (root(&mut parent, other), root(&mut parent, g));
                        // The earlier group stays the root: its first term names the concept.
                        parent[a.max(b)] = a.min(b);
                    }
                    None => {
                        first.insert(key(t), g);
                    }
                }
            }
        }
        let mut concept_of_root: HashMap<usize, usize> = HashMap::new();
        for g in 0..self.groups.len() {
            let r = root(&mut parent, g);
            let c = *concept_of_root.entry(r).or_insert_with(|| {
                self.concepts.push(Concept {
                    terms: Vec::new(),
                    groups: Vec::new(),
                });
                self.concepts.len() - 1
            });
            self.concepts[c].groups.push(g);
            for t in &self.groups[g].terms {
                let k = key(t);
                if let std::collections::hash_map::Entry::Vacant(e) = self.by_key.entry(k) {
                    e.insert(c);
                    self.concepts[c].terms.push(t.clone());
                }
            }
        }
    }

    pub fn version(&self) -> i64 {
        self.version
    }

    /// The groups as written (shipped, then the admins').
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// The concept `term` names.
    pub fn concept_of(&self, term: &str) -> Option<&Concept> {
        self.by_key.get(&key(term)).map(|&c| &self.concepts[c])
    }

    /// Every term that stands for `term` (itself first), or just `term` when it is unknown.
    pub fn expand<'a>(&'a self, term: &'a str) -> Vec<&'a str> {
        let Some(c) = self.concept_of(term) else {
            return vec![term];
        };
        let k = key(term);
        let mut out: Vec<&str> = vec![term];
        out.extend(c.terms.iter().filter(|t| key(t) != k).map(String::as_str));
        out
    }

    /// A term of a concept cut into the index's words, with their offsets in characters.
    pub fn words_of(&self, term: &str) -> Option<&[(usize, String)]> {
        self.words.get(term).map(Vec::as_slice)
    }

    /// The canonical name of the concept `term` names.
    pub fn canonical(&self, term: &str) -> Option<&str> {
        self.concept_of(term).map(Concept::canonical)
    }

    /// Whether `a` and `b` stand for one another (the same key, or one concept).
    pub fn related(&self, a: &str, b: &str) -> bool {
        let (ka, kb) = (key(a), key(b));
        if ka == kb {
            return true;
        }
        match (self.by_key.get(&ka), self.by_key.get(&kb)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    }

    /// A word so common in postings that it says nothing of what one is about (企业, 万元…).
    pub fn is_generic(&self, word: &str) -> bool {
        self.generic.contains(&key(word))
    }

    /// The known terms a text mentions, longest first from left to right, never overlapping.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let units = units(text);
        let mut out = Vec::new();
        let mut i = 0;
        while i < units.len() {
            let mut found = None;
            let mut joined = String::new();
            let mut candidates: Vec<(usize, String, bool)> = Vec::new();
            for (j, u) in units.iter().enumerate().skip(i).take(MAX_UNITS) {
                joined.push_str(&u.key);
                let plural = u.key.len() > 3
                    && u.key.ends_with('s')
                    && u.key.bytes().all(|b| b.is_ascii_alphabetic());
                candidates.push((j + 1, joined.clone(), plural));
            }
            for (end, k, plural) in candidates.into_iter().rev() {
                if let Some((k, concept)) = self.lookup(&k, plural) {
                    found = Some((end, k, concept));
                    break;
                }
            }
            match found {
                Some((end, key, concept)) => {
                    out.push(Mention {
                        start: units[i].start,
                        end: units[end - 1].end,
                        key,
                        concept,
                    });
                    i = end;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The key as the vocabulary has it and its concept; a term ending in a Latin word may also
    /// be found without its plural `s`.
    fn lookup(&self, k: &str, plural: bool) -> Option<(String, usize)> {
        if let Some(&c) = self.by_key.get(k) {
            return Some((k.to_string(), c));
        }
        if !plural {
            return None;
        }
        let singular = &k[..k.len() - 1];
        self.by_key
            .get(singular)
            .map(|&c| (singular.to_string(), c))
    }

    /// The canonical names of the concepts a text mentions (what matching compares).
    pub fn topics(&self, text: &str) -> BTreeSet<&str> {
        self.mentions(text)
            .iter()
            .map(|m| self.concepts[m.concept].canonical())
            .collect()
    }
}

/// A line of terms separated by commas (ASCII or full-width).
pub fn split_terms(line: &str) -> Vec<String> {
    line.split([',', '，'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

/// A unit of text for matching terms: a run of ASCII letters and digits, or one other letter
/// (a Chinese character). Everything else separates units.
struct Unit {
    start: usize,
    end: usize,
    key: String,
}

fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut latin: Option<Unit> = None;
    for (i, c) in text.char_indices() {
        let f = fold(c);
        if f.is_ascii_alphanumeric() {
            match latin.as_mut() {
                Some(u) => {
                    u.end = i + c.len_utf8();
                    u.key.push(f.to_ascii_lowercase());
                }
                None => {
                    latin = Some(Unit {
                        start: i,
                        end: i + c.len_utf8(),
                        key: f.to_ascii_lowercase().to_string(),
                    })
                }
            }
            continue;
        }
        if let Some(u) = latin.take() {
            out.push(u);
        }
        if f.is_alphanumeric() {
            out.push(Unit {
                start: i,
                end: i + c.len_utf8(),
                key: f.to_lowercase().collect(),
            });
        }
    }
    if let Some(u) = latin.take() {
        out.push(u);
    }
    out
}

/// A full-width ASCII form as its ASCII character.
pub fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// A term's key: its units joined (lower case, half width, no separators).
pub fn key(term: &str) -> String {
    units(term).into_iter().map(|u| u.key).collect()
}

/// The vocabulary in force on this instance: the shipped groups and the admins' as last read
/// from the database. Replaced whole when the admins' version changes.
pub struct LiveVocabulary {
    current: RwLock<Arc<Vocabulary>>,
}

impl Default for LiveVocabulary {
    fn default() -> Self {
        LiveVocabulary {
            current: RwLock::new(Vocabulary::shipped()),
        }
    }
}

impl LiveVocabulary {
    pub fn get(&self) -> Arc<Vocabulary> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn set(&self, v: Vocabulary) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_width_and_latin_separators() {
        assert_eq!(key("ISO 9001"), "iso9001");
        assert_eq!(key("ＩＳＯ９００１"), "iso9001");
        assert_eq!(key("e-Commerce"), "ecommerce");
        assert_eq!(key("数控 车工"), "数控车工");
        assert_eq!(key("R&D"), "rd");
    }

    #[test]
    fn the_shipped_groups_parse_and_expand_both_ways() {
        let v = Vocabulary::shipped();
        assert!(v.groups().len() >= 100, "{}", v.groups().len());
        for c in v.concepts() {
            assert_eq!(
                c.groups.len(),
                1,
                "a term in two shipped groups joins them: {:?}",
                c.terms
            );
        }
        let e = v.expand("招工");
        assert_eq!(e[0], "招工");
        assert!(e.contains(&"招聘") && e.contains(&"用工") && e.contains(&"hiring"));
        assert!(v.expand("招聘").contains(&"招工"));
        assert!(v.expand("CNC").contains(&"数控"));
        assert!(v.expand("cnc").contains(&"数控"));
        assert!(v.expand("IC").contains(&"集成电路") && v.expand("芯片").contains(&"ic"));
        assert!(v.expand("专利贷").contains(&"知识产权质押"));
        assert!(v.expand("leasing").contains(&"融资租赁"));
        assert!(v.expand("日结").contains(&"临时工"));
        assert_eq!(v.expand("没有这个词"), vec!["没有这个词"]);
        assert_eq!(v.canonical("铲车司机"), Some("叉车司机"));
        assert!(v.related("ISO 9001", "质量管理体系"));
        assert!(!v.related("稳岗补贴", "培训补贴"));
        assert!(v.is_generic("企业") && v.is_generic("万元") && !v.is_generic("数控"));
    }

    #[test]
    fn mentions_take_the_longest_term_and_respect_latin_words() {
        let v = Vocabulary::shipped();
        let keys = |t: &str| -> Vec<String> { v.mentions(t).into_iter().map(|m| m.key).collect() };
        assert_eq!(keys("equipment loan"), vec!["equipmentloan"]);
        assert_eq!(keys("Equipment Loans"), vec!["equipmentloans"]);
        assert_eq!(keys("forklift operators"), vec!["forkliftoperator"]);
        assert_eq!(keys("Forklifts"), vec!["forklifts"]);
        assert_eq!(keys("稳岗补贴申领"), vec!["稳岗补贴"]);
        assert_eq!(keys("急招CNC车工"), vec!["急招", "cnc车工"]);
        // "ic" is a word of its own, not the end of "logic".
        assert!(keys("logic").is_empty());
        assert_eq!(keys("loans"), vec!["loans"]);
        let m = &v.mentions("申请 ISO 9001 体系")[0];
        assert_eq!(m.key, "iso9001");
        assert_eq!(&"申请 ISO 9001 体系"[m.start..m.end], "ISO 9001");
        assert!(v.topics("招聘数控车工，懂PLC").contains("数控车工"));
        assert!(v.topics("招聘数控车工，懂PLC").contains("plc"));
    }

    #[test]
    fn admin_groups_join_the_shipped_ones() {
        let v = Vocabulary::build(vec![(7, vec!["稳岗返还".into(), "失业保险返还".into()])], 3);
        assert_eq!(v.version(), 3);
        assert!(v.related("失业保险返还", "稳岗补贴"));
        let c = v.concept_of("失业保险返还").unwrap();
        assert_eq!(c.canonical(), "稳岗补贴");
        assert!(c
            .groups
            .iter()
            .any(|&g| v.groups()[g].source == Source::Admin(7)));
        // A group of one distinct term says nothing and is dropped.
        let v = Vocabulary::build(vec![(8, vec!["焊工".into(), "焊 工".into()])], 4);
        assert!(!v.groups().iter().any(|g| g.source == Source::Admin(8)));
    }
}
