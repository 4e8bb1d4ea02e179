//! Matching rules: whether a need and an offer can match at all (the hard rules of DESIGN.md
//! "Matching rules", never broken), how well they fit (a score in [0, 1]) and why (reasons in
//! Chinese and English, each one true of the pair).
//!
//! Pure functions, no database and no I/O: the service layer loads the two postings, asks the
//! search index for the text relevance and the shared words, and stores the matches. Whether
//! both postings are published is the caller's business too.
//!
//! The hard rules are checked in a fixed order and the first one broken is reported:
//! `category`, `region`, `industry`, `size`, then the category's own rules — financing `amount`,
//! `term`, `collateral`, `rate`; recruiting `headcount`; training `capacity`, `format`.

use serde::Serialize;

use crate::domain::posting::{
    Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting,
    OfferTraining,
};
use crate::domain::reference;
use crate::domain::{
    Category, Collateral, Fee, OrgSize, PostingKind, RecruitingService, TrainingFormat, Yuan,
};

/// The need side of a pair, as the service layer loads it.
pub struct NeedSide<'a> {
    pub id: i64,
    /// One of the `Need*` variants.
    pub details: &'a Details,
    pub title: &'a str,
    pub description: &'a str,
    /// The SME's park city (GB/T 2260).
    pub city_code: Option<&'a str>,
    /// The SME's GB/T 4754 section letter.
    pub industry: &'a str,
    /// `micro` | `small` | `medium` | `large`.
    pub size: &'a str,
}

/// The offer side of a pair.
pub struct OfferSide<'a> {
    pub id: i64,
    /// One of the `Offer*` variants.
    pub details: &'a Details,
    pub title: &'a str,
    pub description: &'a str,
    /// City codes; empty = all of Sichuan.
    pub regions: &'a [String],
    /// Section letters; empty = every industry.
    pub industries: &'a [String],
    /// Sizes; empty = every size.
    pub sizes: &'a [String],
}

/// Something true of an eligible pair, said in both languages. `code` is stable: `amount`,
/// `term`, `collateral`, `rate`, `headcount`, `capacity`, `format`, `topic`, `fee`, `region`,
/// `industry`, `size`, `text`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// The first hard rule a pair breaks; `rule` is stable (`category`, `region`, `industry`,
/// `size`, `amount`, `term`, `collateral`, `rate`, `headcount`, `capacity`, `format`), the texts
/// name the rule and the values.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
}

/// The score of a pair and the reasons to show with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// In [0, 1]; 0 for a pair that is not eligible.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// Weight of the text relevance (the need's words against the offer, 0..=1 from the index).
pub const TEXT_WEIGHT: f64 = 0.45;
/// Weight of the structured closeness of the category's fields (each fit term in [0, 1]).
pub const FIELDS_WEIGHT: f64 = 0.45;
/// Weight of specificity: an offer that names the need's city and industry is aimed at it.
pub const SPECIFICITY_WEIGHT: f64 = 0.10;

/// The lowest score that is suggested: 0.25.
///
/// Hard rules are not part of the score — an ineligible pair is never suggested, whatever it
/// would score — so the threshold only decides which *eligible* pairs are worth a suggestion
/// (and an email). Without any text relevance a pair scores at most `FIELDS_WEIGHT +
/// SPECIFICITY_WEIGHT` = 0.55 and, with every field at the edge of its range, 0.13–0.17. At
/// 0.25:
/// - a pair the search index did not find at all (relevance 0) is still suggested when its
///   fields fit reasonably (structured fit ≥ 0.56 for an all-Sichuan, all-industry offer, less
///   for one that names the need's city and industry);
/// - a pair with some text relevance (≥ 0.3 of the best hit) is suggested whatever its fit;
/// - what falls below is "eligible, but nothing says it is for this need": no shared words and
///   fields at the edges (amount at the end of the range, rate barely under the maximum, a paid
///   service filled to capacity).
///
/// Measured on the labelled set in the tests (the test prints the figures): with word-overlap
/// relevance the labelled best offers score 0.75–1.00 and the lowest eligible pair 0.21; with
/// relevance forced to 0 the labelled best offers still score 0.30–0.55, so 0.25 never drops a
/// best answer even when the index misses it, while 0.30 would drop one (0.297) — that margin
/// is why the value is 0.25 and not higher.
pub const THRESHOLD: f64 = 0.25;
/// At most this many suggestions per newly published posting.
pub const MAX_SUGGESTIONS: usize = 10;

fn reason(code: &'static str, zh: String, en: String) -> Reason {
    Reason { code, zh, en }
}

fn broken(rule: &'static str, zh: String, en: String) -> Broken {
    Broken { rule, zh, en }
}

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

/// An amount as people in China say it (500万); exact, never rounded.
fn yuan_zh(v: i64) -> String {
    Yuan::parse(v)
        .map(|y| y.display_zh())
        .unwrap_or_else(|_| format!("{v}元"))
}

/// 5000000 → "5,000,000".
fn grouped(v: i64) -> String {
    let s = v.unsigned_abs().to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if v < 0 {
        out.push('-');
    }
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Basis points as a percentage with two decimals: 365 → "3.65%".
fn pct(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", bp / 100, bp % 100)
}

fn city_names(code: &str) -> (String, String) {
    reference::city(code)
        .map(|c| (c.name_zh.to_string(), c.name_en.to_string()))
        .unwrap_or_else(|| (code.to_string(), code.to_string()))
}

fn industry_names(section: &str) -> (String, String) {
    reference::industry(section)
        .map(|i| {
            (
                format!("{}（{section}）", i.name_zh),
                format!("{} ({section})", i.name_en),
            )
        })
        .unwrap_or_else(|| (section.to_string(), section.to_string()))
}

/// A size as a Chinese label (小型); the stored name when unknown.
fn size_zh(s: &str) -> &str {
    OrgSize::parse(s).map(OrgSize::zh).unwrap_or(s)
}

fn join_zh<I: IntoIterator<Item = String>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join("、")
}

fn join_en<I: IntoIterator<Item = String>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------------------------
// Hard rules
// ---------------------------------------------------------------------------------------------

fn kind_and_category(d: &Details) -> (PostingKind, Category) {
    match d {
        Details::NeedFinancing(_) => (PostingKind::Need, Category::Financing),
        Details::NeedRecruiting(_) => (PostingKind::Need, Category::Recruiting),
        Details::NeedTraining(_) => (PostingKind::Need, Category::Training),
        Details::OfferFinancing(_) => (PostingKind::Offer, Category::Financing),
        Details::OfferRecruiting(_) => (PostingKind::Offer, Category::Recruiting),
        Details::OfferTraining(_) => (PostingKind::Offer, Category::Training),
    }
}

fn category_rule(need: &NeedSide, offer: &OfferSide) -> Result<(), Broken> {
    let (nk, nc) = kind_and_category(need.details);
    let (ok, oc) = kind_and_category(offer.details);
    if nk != PostingKind::Need || ok != PostingKind::Offer {
        return Err(broken(
            "category",
            "只能为一条需求和一条服务产品配对".into(),
            "a match pairs one need with one offer".into(),
        ));
    }
    if nc != oc {
        return Err(broken(
            "category",
            format!("类别不同：需求为 {}，产品为 {}", nc.zh(), oc.zh()),
            format!("categories differ: the need is {nc}, the offer is {oc}"),
        ));
    }
    Ok(())
}

/// Region, industry and size, in that order; the reasons of the three on success.
fn audience(need: &NeedSide, offer: &OfferSide) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::with_capacity(3);

    if offer.regions.is_empty() {
        out.push(reason(
            "region",
            "服务区域覆盖全省".into(),
            "serves all of Sichuan".into(),
        ));
    } else {
        let (served_zh, served_en): (Vec<String>, Vec<String>) =
            offer.regions.iter().map(|c| city_names(c)).unzip();
        match need.city_code {
            Some(city) if offer.regions.iter().any(|r| r == city) => {
                let (zh, en) = city_names(city);
                out.push(reason(
                    "region",
                    format!("服务区域包含 {zh}"),
                    format!("serves {en}"),
                ));
            }
            Some(city) => {
                let (zh, en) = city_names(city);
                return Err(broken(
                    "region",
                    format!("服务区域不包含 {zh}（产品服务：{}）", join_zh(served_zh)),
                    format!(
                        "the offer does not serve {en} (it serves {})",
                        join_en(served_en)
                    ),
                ));
            }
            None => {
                return Err(broken(
                    "region",
                    format!("需求没有所在城市，而产品只服务 {}", join_zh(served_zh)),
                    format!(
                        "the need has no city and the offer serves only {}",
                        join_en(served_en)
                    ),
                ));
            }
        }
    }

    let (ind_zh, ind_en) = industry_names(need.industry);
    if offer.industries.is_empty() {
        out.push(reason(
            "industry",
            "不限行业".into(),
            "open to every industry".into(),
        ));
    } else if offer.industries.iter().any(|i| i == need.industry) {
        out.push(reason(
            "industry",
            format!("适用行业包含 {ind_zh}"),
            format!("open to {ind_en}"),
        ));
    } else {
        let (allowed_zh, allowed_en): (Vec<String>, Vec<String>) =
            offer.industries.iter().map(|i| industry_names(i)).unzip();
        return Err(broken(
            "industry",
            format!(
                "适用行业不包含 {ind_zh}（产品面向：{}）",
                join_zh(allowed_zh)
            ),
            format!(
                "the offer is not open to {ind_en} (it is open to {})",
                allowed_en.join("; ")
            ),
        ));
    }

    if offer.sizes.is_empty() {
        out.push(reason(
            "size",
            "不限企业规模".into(),
            "open to companies of every size".into(),
        ));
    } else if offer.sizes.iter().any(|s| s == need.size) {
        out.push(reason(
            "size",
            format!("适用{}企业", size_zh(need.size)),
            format!("open to {} companies", need.size),
        ));
    } else {
        return Err(broken(
            "size",
            format!(
                "产品不面向{}企业（适用：{}）",
                size_zh(need.size),
                join_zh(offer.sizes.iter().map(|s| size_zh(s).to_string()))
            ),
            format!(
                "the offer is not open to {} companies (it is open to {})",
                need.size,
                offer.sizes.join(", ")
            ),
        ));
    }
    Ok(out)
}

fn financing(n: &NeedFinancing, o: &OfferFinancing) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::with_capacity(4);

    let a = n.amount_yuan;
    let range_zh = format!(
        "{}–{}",
        yuan_zh(o.amount_min_yuan),
        yuan_zh(o.amount_max_yuan)
    );
    let range_en = format!(
        "{}–{}",
        grouped(o.amount_min_yuan),
        grouped(o.amount_max_yuan)
    );
    if a < o.amount_min_yuan || a > o.amount_max_yuan {
        return Err(broken(
            "amount",
            format!("金额 {} 不在产品额度 {range_zh} 之内", yuan_zh(a)),
            format!(
                "amount {} yuan is outside the product's {range_en} yuan",
                grouped(a)
            ),
        ));
    }
    out.push(reason(
        "amount",
        format!("金额 {} 在产品额度 {range_zh} 之内", yuan_zh(a)),
        format!(
            "amount {} yuan is within the product's {range_en} yuan",
            grouped(a)
        ),
    ));

    let (t, lo, hi) = (n.term_months, o.term_min_months, o.term_max_months);
    if t < lo || t > hi {
        return Err(broken(
            "term",
            format!("期限 {t} 个月 不在 {lo}–{hi} 个月 之内"),
            format!("a term of {t} months is outside {lo}–{hi} months"),
        ));
    }
    out.push(reason(
        "term",
        format!("期限 {t} 个月 在 {lo}–{hi} 个月 之内"),
        format!("a term of {t} months is within {lo}–{hi} months"),
    ));

    let credit = o.collateral_accepted.contains(&Collateral::None);
    let mut accepted: Vec<Collateral> = n
        .collateral
        .iter()
        .copied()
        .filter(|c| o.collateral_accepted.contains(c))
        .collect();
    if credit && !accepted.contains(&Collateral::None) {
        accepted.insert(0, Collateral::None);
    }
    if accepted.is_empty() {
        return Err(broken(
            "collateral",
            format!(
                "产品接受的担保方式（{}）不包含需求提供的 {}",
                join_zh(o.collateral_accepted.iter().map(|c| c.phrase_zh())),
                join_zh(n.collateral.iter().map(|c| c.phrase_zh()))
            ),
            format!(
                "the offer accepts {}, none of what the need offers ({})",
                join_en(
                    o.collateral_accepted
                        .iter()
                        .map(|c| c.phrase_en().to_string())
                ),
                join_en(n.collateral.iter().map(|c| c.phrase_en().to_string()))
            ),
        ));
    }
    out.push(reason(
        "collateral",
        format!("接受 {}", join_zh(accepted.iter().map(|c| c.phrase_zh()))),
        format!(
            "accepts {}",
            join_en(accepted.iter().map(|c| c.phrase_en().to_string()))
        ),
    ));

    if let Some(max) = n.max_annual_rate_bp {
        let min = o.annual_rate_min_bp;
        if min > max {
            return Err(broken(
                "rate",
                format!("最低年利率 {} 高于 期望的 {}", pct(min), pct(max)),
                format!(
                    "the lowest annual rate {} is above the {} the need accepts",
                    pct(min),
                    pct(max)
                ),
            ));
        }
        out.push(reason(
            "rate",
            format!("最低年利率 {} 不高于 期望的 {}", pct(min), pct(max)),
            format!(
                "the lowest annual rate {} is not above the {} the need accepts",
                pct(min),
                pct(max)
            ),
        ));
    }
    Ok(out)
}

fn fee_reason(fee: Fee) -> Option<Reason> {
    match fee {
        Fee::Free => Some(reason("fee", "免费服务".into(), "free of charge".into())),
        Fee::Subsidized => Some(reason(
            "fee",
            "费用有政府补贴".into(),
            "fees are subsidised".into(),
        )),
        Fee::Paid => None,
    }
}

fn recruiting(n: &NeedRecruiting, o: &OfferRecruiting) -> Result<Vec<Reason>, Broken> {
    let total = n.total_headcount();
    let mut out = Vec::with_capacity(2);
    match o.max_headcount {
        Some(max) if total > max as i64 => {
            return Err(broken(
                "headcount",
                format!("招聘 {total} 人 超出服务能力 {max} 人"),
                format!("{total} hires exceed the service's capacity of {max}"),
            ))
        }
        Some(max) => out.push(reason(
            "headcount",
            format!("招聘 {total} 人 在服务能力 {max} 人 之内"),
            format!("{total} hires are within the service's capacity of {max}"),
        )),
        None => out.push(reason(
            "headcount",
            format!("服务未设人数上限，可招聘 {total} 人"),
            format!("the service sets no headcount limit for the {total} hires"),
        )),
    }
    out.extend(fee_reason(o.fee));
    Ok(out)
}

fn formats_compatible(need: TrainingFormat, offer: TrainingFormat) -> bool {
    need == offer || need == TrainingFormat::Either || offer == TrainingFormat::Either
}

/// What a need's training topic shares with one of an offer's topics.
#[derive(Debug, Clone, PartialEq)]
struct TopicMatch {
    /// The offer's topic.
    topic: String,
    /// The text both contain.
    shared: String,
    /// One topic contains the other whole.
    whole: bool,
    /// In (0, 1]: 1 for a whole match, else the share of the need's topic in common.
    fit: f64,
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
fn topic_match(need_topic: &str, offer_topics: &[String]) -> Option<TopicMatch> {
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

fn training(n: &NeedTraining, o: &OfferTraining) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::with_capacity(4);
    if n.headcount > o.capacity {
        return Err(broken(
            "capacity",
            format!("培训 {} 人 超出课程容量 {} 人", n.headcount, o.capacity),
            format!(
                "{} trainees exceed the programme's capacity of {}",
                n.headcount, o.capacity
            ),
        ));
    }
    out.push(reason(
        "capacity",
        format!("培训 {} 人 在课程容量 {} 人 之内", n.headcount, o.capacity),
        format!(
            "{} trainees fit the programme's capacity of {}",
            n.headcount, o.capacity
        ),
    ));

    if !formats_compatible(n.format, o.format) {
        return Err(broken(
            "format",
            format!(
                "授课方式不符：需求为{}，课程为{}",
                n.format.zh(),
                o.format.zh()
            ),
            format!(
                "formats differ: the need wants {} training, the programme is {}",
                n.format.phrase_en(),
                o.format.phrase_en()
            ),
        ));
    }
    if n.format == o.format {
        out.push(reason(
            "format",
            format!("授课方式一致：{}", o.format.zh()),
            format!("same format: {}", o.format.phrase_en()),
        ));
    } else {
        out.push(reason(
            "format",
            format!(
                "授课方式兼容：需求为{}，课程为{}",
                n.format.zh(),
                o.format.zh()
            ),
            format!(
                "compatible formats: the need wants {}, the programme is {}",
                n.format.phrase_en(),
                o.format.phrase_en()
            ),
        ));
    }

    if let Some(m) = topic_match(&n.topic, &o.topics) {
        let need_topic = n.topic.trim();
        out.push(if m.whole && m.topic == need_topic {
            reason(
                "topic",
                format!("课程主题包含「{need_topic}」"),
                format!("the programme covers \"{need_topic}\""),
            )
        } else if m.whole {
            reason(
                "topic",
                format!("课程主题「{}」对应需求的「{need_topic}」", m.topic),
                format!(
                    "the programme's topic \"{}\" matches the need's \"{need_topic}\"",
                    m.topic
                ),
            )
        } else {
            reason(
                "topic",
                format!(
                    "课程主题「{}」与需求的「{need_topic}」都涉及「{}」",
                    m.topic, m.shared
                ),
                format!(
                    "the programme's topic \"{}\" and the need's \"{need_topic}\" share \"{}\"",
                    m.topic, m.shared
                ),
            )
        });
    }
    out.extend(fee_reason(o.fee));
    Ok(out)
}

/// The hard rules. `Ok` with the reasons that are true of the pair (the category's own first,
/// then region, industry and size), or the first rule the pair breaks.
pub fn eligible(need: &NeedSide, offer: &OfferSide) -> Result<Vec<Reason>, Broken> {
    category_rule(need, offer)?;
    let audience = audience(need, offer)?;
    let mut reasons = match (need.details, offer.details) {
        (Details::NeedFinancing(n), Details::OfferFinancing(o)) => financing(n, o)?,
        (Details::NeedRecruiting(n), Details::OfferRecruiting(o)) => recruiting(n, o)?,
        (Details::NeedTraining(n), Details::OfferTraining(o)) => training(n, o)?,
        // `category_rule` has refused every other combination already.
        _ => {
            return Err(broken(
                "category",
                "类别不同".into(),
                "categories differ".into(),
            ))
        }
    };
    reasons.extend(audience);
    Ok(reasons)
}

// ---------------------------------------------------------------------------------------------
// Score
// ---------------------------------------------------------------------------------------------

/// 1 at the geometric middle of [lo, hi], falling linearly in log space to 0.5 at the edges.
/// Amounts span orders of magnitude (10万–5000万), so the middle is taken on a log scale.
fn centrality_log(v: f64, lo: f64, hi: f64) -> f64 {
    if lo <= 0.0 || v <= 0.0 {
        return centrality_lin(v, lo, hi);
    }
    centrality_lin(v.ln(), lo.ln(), hi.ln())
}

/// 1 at the middle of [lo, hi], 0.5 at the edges; 1 for a one-point range.
fn centrality_lin(v: f64, lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        return 1.0;
    }
    let mid = (lo + hi) / 2.0;
    let half = (hi - lo) / 2.0;
    (1.0 - 0.5 * (v - mid).abs() / half).clamp(0.5, 1.0)
}

/// How comfortably a demand fits a capacity: 1 up to half of it, 0.5 when it fills it exactly.
fn load_fit(demand: f64, capacity: f64) -> f64 {
    if capacity <= 0.0 {
        return 0.5;
    }
    let u = demand / capacity;
    if u <= 0.5 {
        1.0
    } else {
        (1.5 - u).clamp(0.5, 1.0)
    }
}

/// Free beats subsidised beats paid.
fn fee_fit(f: Fee) -> f64 {
    match f {
        Fee::Free => 1.0,
        Fee::Subsidized => 0.8,
        Fee::Paid => 0.4,
    }
}

/// The rate headroom: how far the offer's lowest rate is under the need's maximum, relative to
/// that maximum; 0 at no headroom, 1 at 25% or more under. Neutral 0.5 when the need names no
/// maximum.
fn rate_fit(n: &NeedFinancing, o: &OfferFinancing) -> f64 {
    match n.max_annual_rate_bp {
        Some(max) if max > 0 => {
            let headroom = (max - o.annual_rate_min_bp) as f64 / max as f64;
            (headroom / 0.25).clamp(0.0, 1.0)
        }
        Some(_) => 0.0,
        None => 0.5,
    }
}

fn financing_fit(n: &NeedFinancing, o: &OfferFinancing) -> f64 {
    let amount = centrality_log(
        n.amount_yuan as f64,
        o.amount_min_yuan as f64,
        o.amount_max_yuan as f64,
    );
    let term = centrality_lin(
        n.term_months as f64,
        o.term_min_months as f64,
        o.term_max_months as f64,
    );
    0.45 * amount + 0.35 * rate_fit(n, o) + 0.20 * term
}

const SENIOR_WORDS: &[&str] = &[
    "工程师",
    "经理",
    "总监",
    "主管",
    "高级",
    "总工",
    "研发",
    "硕士",
    "博士",
    "架构",
];
const GRADUATE_WORDS: &[&str] = &["应届", "毕业", "校园", "校招", "实习", "大学生"];

/// How well the offer's services suit the hiring: volume hiring wants job fairs and labour
/// dispatch, a few senior posts want headhunting, graduates want campus recruiting.
fn service_fit(n: &NeedRecruiting, need_text: &str, services: &[RecruitingService]) -> f64 {
    let total = n.total_headcount();
    let position_text: String = n
        .positions
        .iter()
        .flat_map(|p| {
            std::iter::once(p.title.as_str())
                .chain(p.education.as_deref())
                .chain(p.skills.iter().map(String::as_str))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let any = |words: &[&str]| {
        words
            .iter()
            .any(|w| position_text.contains(w) || need_text.contains(w))
    };
    let senior = total <= 10 && any(SENIOR_WORDS);
    let graduate = any(GRADUATE_WORDS);
    let volume = total >= 30;
    services
        .iter()
        .map(|s| match s {
            RecruitingService::JobFair if volume => 1.0,
            RecruitingService::JobFair => 0.8,
            RecruitingService::LaborDispatch if volume => 1.0,
            RecruitingService::LaborDispatch => 0.5,
            RecruitingService::Campus if graduate => 1.0,
            RecruitingService::Campus => 0.4,
            RecruitingService::Headhunting if senior => 1.0,
            RecruitingService::Headhunting if total <= 10 => 0.5,
            RecruitingService::Headhunting => 0.2,
            RecruitingService::OnlinePosting => 0.7,
        })
        .fold(0.0, f64::max)
}

fn recruiting_fit(n: &NeedRecruiting, o: &OfferRecruiting, need_text: &str) -> f64 {
    let headcount = match o.max_headcount {
        Some(max) => load_fit(n.total_headcount() as f64, max as f64),
        None => 0.75,
    };
    0.35 * headcount + 0.35 * fee_fit(o.fee) + 0.30 * service_fit(n, need_text, &o.services)
}

fn training_fit(n: &NeedTraining, o: &OfferTraining) -> f64 {
    let capacity = load_fit(n.headcount as f64, o.capacity as f64);
    let format = if n.format == o.format { 1.0 } else { 0.7 };
    let topic = topic_match(&n.topic, &o.topics).map_or(0.0, |m| m.fit);
    0.2 * capacity + 0.15 * format + 0.2 * fee_fit(o.fee) + 0.45 * topic
}

/// In [0, 1]: the category's structured closeness.
fn fields_fit(need: &NeedSide, offer: &OfferSide) -> f64 {
    match (need.details, offer.details) {
        (Details::NeedFinancing(n), Details::OfferFinancing(o)) => financing_fit(n, o),
        (Details::NeedRecruiting(n), Details::OfferRecruiting(o)) => {
            let text = format!("{} {}", need.title, need.description);
            recruiting_fit(n, o, &text)
        }
        (Details::NeedTraining(n), Details::OfferTraining(o)) => training_fit(n, o),
        _ => 0.0,
    }
}

/// In [0, 1]: an offer that names the need's city (0.5) and industry (0.5) is aimed at it; an
/// all-Sichuan, all-industry offer is not. Only meaningful for an eligible pair, where a named
/// list always contains the need's value.
fn specificity(need: &NeedSide, offer: &OfferSide) -> f64 {
    let city = need
        .city_code
        .is_some_and(|c| offer.regions.iter().any(|r| r == c));
    let industry = offer.industries.iter().any(|i| i == need.industry);
    0.5 * f64::from(u8::from(city)) + 0.5 * f64::from(u8::from(industry))
}

/// At most five distinct, non-blank words, in the order given.
fn text_words(shared_words: &[String]) -> Vec<&str> {
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

/// The score of a pair: `TEXT_WEIGHT` × text relevance (given, clamped to [0, 1]) +
/// `FIELDS_WEIGHT` × structured closeness + `SPECIFICITY_WEIGHT` × specificity, clamped to
/// [0, 1]. Structured closeness is, for financing, 0.45 amount centrality (1 at the geometric
/// middle of the range, 0.5 at its edges) + 0.35 rate headroom (neutral 0.5 when the need names
/// no maximum) + 0.20 term centrality; for recruiting, 0.35 headcount fit + 0.35 fee (free 1,
/// subsidised 0.8, paid 0.4) + 0.30 service fit; for training, 0.20 capacity fit + 0.15 format
/// (exact 1, through `either` 0.7) + 0.20 fee + 0.45 topic overlap.
///
/// The reasons are the eligibility reasons plus, when `shared_words` has any, a `text` reason
/// naming at most five of them. A pair that is not eligible scores 0 with no reasons.
pub fn score(
    need: &NeedSide,
    offer: &OfferSide,
    text_relevance: f64,
    shared_words: &[String],
) -> Scored {
    let Ok(mut reasons) = eligible(need, offer) else {
        return Scored {
            score: 0.0,
            reasons: Vec::new(),
        };
    };
    let text = if text_relevance.is_finite() {
        text_relevance.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let raw = TEXT_WEIGHT * text
        + FIELDS_WEIGHT * fields_fit(need, offer).clamp(0.0, 1.0)
        + SPECIFICITY_WEIGHT * specificity(need, offer);
    let words = text_words(shared_words);
    if !words.is_empty() {
        reasons.push(reason(
            "text",
            format!("文本相关：{}", words.join("、")),
            format!("shared words: {}", words.join(", ")),
        ));
    }
    Scored {
        score: raw.clamp(0.0, 1.0),
        reasons,
    }
}

#[cfg(test)]
mod tests;
