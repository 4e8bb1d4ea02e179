//! The Chinese analyser: jieba with the domain's user dictionary
//! (`src/reference/vocabulary/userdict.txt`), in search mode for the index (a compound word also
//! yields its 2- and 3-character parts) and in the default mode for cutting a term into words.

use std::borrow::Cow;
use std::sync::LazyLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy_jieba::jieba_rs::Jieba;

const USER_DICT: &str = include_str!("../reference/vocabulary/userdict.txt");

/// One dictionary for every analyser of the process (it is large: cloning it per use would not do).
static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::new();
    for line in USER_DICT.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let Some(word) = parts.next() else { continue };
        let freq = parts.next().and_then(|f| f.parse().ok());
        let tag = parts.next();
        // Without a frequency, jieba suggests the one that keeps the word whole.
        jieba.add_word(word, freq, tag);
    }
    jieba
});

/// The words of the user dictionary (for the tests and the typo lexicon).
pub fn user_words() -> impl Iterator<Item = &'static str> {
    USER_DICT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next())
}

/// jieba in search mode over the shared dictionary.
#[derive(Clone, Copy, Default)]
pub struct DomainJieba;

/// Tokens as spans of the (folded) text: (byte start, byte end, char start, char end).
pub struct DomainJiebaStream<'a> {
    text: Cow<'a, str>,
    spans: Vec<(usize, usize, usize, usize)>,
    index: usize,
    token: Token,
}

/// The text with full-width Latin letters and digits as ASCII (ＣＮＣ is CNC), borrowed when it
/// has none. Offsets are then those of the folded text.
pub fn fold_width(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| super::vocabulary::fold(c) != c) {
        Cow::Owned(text.chars().map(super::vocabulary::fold).collect())
    } else {
        Cow::Borrowed(text)
    }
}

impl Tokenizer for DomainJieba {
    type TokenStream<'a> = DomainJiebaStream<'a>;

    fn token_stream<'a>(&mut self, text: &'a str) -> DomainJiebaStream<'a> {
        let text = fold_width(text);
        let spans = JIEBA
            .cut_for_search(&text, true)
            .iter()
            .map(|t| (t.byte_start, t.byte_end, t.start, t.end))
            .collect();
        DomainJiebaStream {
            text,
            spans,
            index: 0,
            token: Token::default(),
        }
    }
}

impl TokenStream for DomainJiebaStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to, start, end)) = self.spans.get(self.index) else {
            return false;
        };
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = start;
        self.token.position_length = end - start;
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.index += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// A text cut into words (jieba's default mode, no overlapping parts), lower-cased, without the
/// pieces that hold no letter or digit: how a term of the vocabulary is looked for in the index.
pub fn words(text: &str) -> Vec<String> {
    JIEBA
        .cut(&fold_width(text), true)
        .into_iter()
        .map(|t| t.word.to_lowercase())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// `words`, each with its offset in characters from the start of the text (as the index's
/// positions count), for looking a term up as a phrase.
pub fn words_at(text: &str) -> Vec<(usize, String)> {
    JIEBA
        .cut(&fold_width(text), true)
        .into_iter()
        .map(|t| (t.start, t.word.to_lowercase()))
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Whether jieba's dictionary (with the user dictionary) holds `word`.
pub fn is_word(word: &str) -> bool {
    JIEBA.has_word(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search_tokens(text: &str) -> Vec<String> {
        let mut t = DomainJieba;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn domain_words_are_cut_whole_and_still_yield_their_parts() {
        let t = search_tokens("招聘数控车工5名，可申领稳岗补贴");
        for w in ["数控车工", "数控", "车工", "稳岗补贴", "补贴"] {
            assert!(t.contains(&w.to_string()), "{w} in {t:?}");
        }
        assert_eq!(words("专利贷"), vec!["专利贷"]);
        assert_eq!(words("Equipment Loan"), vec!["equipment", "loan"]);
        assert!(search_tokens("ＣＮＣ数控").contains(&"CNC".to_string()));
        for w in user_words() {
            assert!(
                w.chars().count() <= 4,
                "{w}: longer words hide their 4-character parts"
            );
            assert!(is_word(w), "{w}");
        }
    }
}
