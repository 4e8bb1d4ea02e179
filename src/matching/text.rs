//! What two texts share: a need's training topic against an offer's topics, and the words of
//! the text reason.

/// What a need's training topic shares with one of an offer's topics.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicMatch {
    /// The offer's topic.
    pub topic: String,
    /// The text both contain.
    pub shared: String,
    /// One topic contains the other whole.
    pub whole: bool,
    /// In (0, 1]: 1 for a whole match, else the share of the need's topic in common.
    pub fit: f64,
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The longest common substring of two char slices (the first one found on ties), as
/// (start in `a`, length).
fn longest_common(a: &[char], b: &[char]) -> (usize, usize) {
    let (mut best_len, mut best_end) = (0, 0);
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            cur[j] = if a[i - 1] == b[j - 1] {
                prev[j - 1] + 1
            } else {
                0
            };
            if cur[j] > best_len {
                best_len = cur[j];
                best_end = i;
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (best_end - best_len, best_len)
}

/// `word` occurs in `text` with no ASCII letter or digit glued to either side of it.
fn occurs_as_word(text: &str, word: &str) -> bool {
    !word.is_empty()
        && text.match_indices(word).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + word.len()..].chars().next();
            !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
        })
}

/// A shared piece counts when it carries meaning: two or more Chinese characters, or a Latin
/// word or number of two or more characters that is whole in both texts (so "in" inside
/// "training" does not count, "CNC" in "CNC编程" does).
fn meaningful_piece(piece: &str, a: &str, b: &str) -> bool {
    let cjk = piece
        .chars()
        .filter(|c| !c.is_ascii() && c.is_alphanumeric())
        .count();
    cjk >= 2
        || piece
            .split(|c: char| !is_word_char(c))
            .filter(|w| w.len() >= 2)
            .any(|w| occurs_as_word(a, w) && occurs_as_word(b, w))
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The best overlap between the need's topic and the offer's topics, if any.
pub fn topic_match(need_topic: &str, offer_topics: &[String]) -> Option<TopicMatch> {
    let need = normalise(need_topic);
    let need_chars: Vec<char> = need.chars().collect();
    if need_chars.is_empty() {
        return None;
    }
    let mut best: Option<TopicMatch> = None;
    for topic in offer_topics {
        let t = normalise(topic);
        if t.is_empty() {
            continue;
        }
        let candidate = if t == need
            || (t.chars().count() >= 2 && need.contains(&t) && meaningful_piece(&t, &need, &t))
            || (need_chars.len() >= 2 && t.contains(&need) && meaningful_piece(&need, &need, &t))
        {
            let shared = if need.contains(&t) { &t } else { &need };
            Some(TopicMatch {
                topic: topic.trim().to_string(),
                shared: shared.clone(),
                whole: true,
                fit: 1.0,
            })
        } else {
            let t_chars: Vec<char> = t.chars().collect();
            let (start, len) = longest_common(&need_chars, &t_chars);
            let piece: String = need_chars[start..start + len].iter().collect();
            let piece = piece.trim().to_string();
            if meaningful_piece(&piece, &need, &t) {
                let share = piece.chars().count() as f64 / need_chars.len() as f64;
                Some(TopicMatch {
                    topic: topic.trim().to_string(),
                    shared: piece,
                    whole: false,
                    fit: (0.3 + 0.6 * share).min(0.9),
                })
            } else {
                None
            }
        };
        if let Some(c) = candidate {
            if best.as_ref().is_none_or(|b| c.fit > b.fit) {
                best = Some(c);
            }
        }
    }
    best
}

/// At most five distinct, non-blank words, in the order given.
pub fn text_words(shared_words: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in shared_words.iter().map(|w| w.trim()) {
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
            if out.len() == 5 {
                break;
            }
        }
    }
    out
}
