//! Matching rules: whether a need and an offer can match at all (the hard rules, never broken),
//! how well they fit (a score in [0, 1]) and why (reasons in Chinese and English, each true of
//! the pair). Pure functions: the service layer loads the postings and stores the matches.

use serde::Serialize;

use crate::domain::posting::{
    Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting,
    OfferTraining,
};
use crate::domain::reference;
use crate::domain::{Collateral, Fee, TrainingFormat, Yuan};

pub struct NeedSide<'a> {
    pub id: i64,
    pub details: &'a Details,
    pub title: &'a str,
    pub description: &'a str,
    /// The SME's park city (GB/T 2260).
    pub city_code: Option<&'a str>,
    /// The SME's GB/T 4754 section letter.
    pub industry: &'a str,
    pub size: &'a str,
}

pub struct OfferSide<'a> {
    pub id: i64,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub zh: String,
    pub en: String,
}

/// The first hard rule a pair breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
}

pub struct Scored {
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The lowest score suggested. Every eligible pair already satisfies all hard rules and earns
/// at least ~0.3 from structured fit alone (fit terms are ≥ 0.5 for any eligible pair, weighted
/// 0.55), so 0.3 keeps eligible pairs whose fields sit at the edges of a range and share no word
/// with the need, while pairs that are merely eligible and poor on every measure (edge of every
/// range, no shared words, the least specific audience) fall below it.
pub const THRESHOLD: f64 = 0.3;
pub const MAX_SUGGESTIONS: usize = 10;

/// Weight of the text relevance (the need's words against the offer, from the search index).
pub const TEXT_WEIGHT: f64 = 0.45;
/// Weight of structured closeness and specificity.
pub const FIT_WEIGHT: f64 = 0.55;

fn reason(code: &'static str, zh: String, en: String) -> Reason {
    Reason { code, zh, en }
}

fn broken(rule: &'static str, zh: String, en: String) -> Broken {
    Broken { rule, zh, en }
}

fn yuan_zh(v: i64) -> String {
    Yuan::parse(v)
        .map(|y| y.display_zh())
        .unwrap_or_else(|_| format!("{v}元"))
}

fn yuan_en(v: i64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} yuan")
}

fn pct(bp: i32) -> String {
    format!("{:.2}%", bp as f64 / 100.0)
}

fn collateral_zh(c: Collateral) -> &'static str {
    match c {
        Collateral::None => "信用（无抵押）",
        Collateral::Property => "房产",
        Collateral::Equipment => "设备",
        Collateral::Receivables => "应收账款",
        Collateral::Ip => "知识产权",
        Collateral::Guarantee => "担保",
        Collateral::Orders => "订单",
    }
}

fn city_names(code: &str) -> (String, String) {
    reference::city(code)
        .map(|c| (c.name_zh.to_string(), c.name_en.to_string()))
        .unwrap_or_else(|| (code.to_string(), code.to_string()))
}

fn size_zh(s: &str) -> &str {
    match s {
        "micro" => "微型",
        "small" => "小型",
        "medium" => "中型",
        "large" => "大型",
        other => other,
    }
}

fn format_zh(f: TrainingFormat) -> &'static str {
    match f {
        TrainingFormat::Onsite => "线下",
        TrainingFormat::Online => "线上",
        TrainingFormat::Either => "线上线下均可",
    }
}

/// Checks the audience rules (region, industry, size) and returns their reasons.
fn audience(need: &NeedSide, offer: &OfferSide) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::new();
    if offer.regions.is_empty() {
        out.push(reason(
            "region",
            "服务区域覆盖全省".into(),
            "serves all of Sichuan".into(),
        ));
    } else {
        match need.city_code {
            Some(city) if offer.regions.iter().any(|r| r == city) => {
                let (zh, en) = city_names(city);
                out.push(reason(
                    "region",
                    format!("服务区域包含{zh}"),
                    format!("serves {en}"),
                ));
            }
            Some(city) => {
                let (zh, en) = city_names(city);
                return Err(broken(
                    "region",
                    format!("产品服务区域不包含{zh}"),
                    format!("the offer does not serve {en}"),
                ));
            }
            None => {
                return Err(broken(
                    "region",
                    "需求没有所在城市，而产品只服务部分地区".into(),
                    "the need has no city and the offer serves listed regions only".into(),
                ))
            }
        }
    }
    let industry = reference::industry(need.industry);
    let (ind_zh, ind_en) = industry
        .map(|i| (i.name_zh, i.name_en))
        .unwrap_or((need.industry, need.industry));
    if offer.industries.is_empty() {
        out.push(reason(
            "industry",
            "不限行业".into(),
            "open to every industry".into(),
        ));
    } else if offer.industries.iter().any(|i| i == need.industry) {
        out.push(reason(
            "industry",
            format!("适用行业包含{ind_zh}"),
            format!("open to {ind_en}"),
        ));
    } else {
        return Err(broken(
            "industry",
            format!("产品不面向{ind_zh}企业"),
            format!("the offer is not open to {ind_en}"),
        ));
    }
    if offer.sizes.is_empty() {
        out.push(reason(
            "size",
            "不限企业规模".into(),
            "open to every company size".into(),
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
            format!("产品不面向{}企业", size_zh(need.size)),
            format!("the offer is not open to {} companies", need.size),
        ));
    }
    Ok(out)
}

fn financing(n: &NeedFinancing, o: &OfferFinancing) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::new();
    let a = n.amount_yuan;
    let range_zh = format!(
        "{}–{}",
        yuan_zh(o.amount_min_yuan),
        yuan_zh(o.amount_max_yuan)
    );
    let range_en = format!(
        "{}–{}",
        yuan_en(o.amount_min_yuan).trim_end_matches(" yuan"),
        yuan_en(o.amount_max_yuan).trim_end_matches(" yuan")
    );
    if a < o.amount_min_yuan || a > o.amount_max_yuan {
        return Err(broken(
            "amount",
            format!("金额 {} 不在产品额度 {range_zh} 之内", yuan_zh(a)),
            format!(
                "amount {} is outside the product's {range_en} yuan",
                yuan_en(a)
            ),
        ));
    }
    out.push(reason(
        "amount",
        format!("金额 {} 在产品额度 {range_zh} 之内", yuan_zh(a)),
        format!(
            "amount {} is within the product's {range_en} yuan",
            yuan_en(a)
        ),
    ));
    let t = n.term_months;
    if t < o.term_min_months || t > o.term_max_months {
        return Err(broken(
            "term",
            format!(
                "期限 {t} 个月 不在 {}–{} 个月 之内",
                o.term_min_months, o.term_max_months
            ),
            format!(
                "term of {t} months is outside {}–{} months",
                o.term_min_months, o.term_max_months
            ),
        ));
    }
    out.push(reason(
        "term",
        format!(
            "期限 {t} 个月 在 {}–{} 个月 之内",
            o.term_min_months, o.term_max_months
        ),
        format!(
            "term of {t} months is within {}–{} months",
            o.term_min_months, o.term_max_months
        ),
    ));
    let shared: Vec<Collateral> = n
        .collateral
        .iter()
        .copied()
        .filter(|c| o.collateral_accepted.contains(c))
        .collect();
    if o.collateral_accepted.contains(&Collateral::None) {
        out.push(reason(
            "collateral",
            "接受信用（无需抵押）".into(),
            "no collateral required".into(),
        ));
    } else if !shared.is_empty() {
        let zh: Vec<&str> = shared.iter().map(|c| collateral_zh(*c)).collect();
        let en: Vec<&str> = shared.iter().map(|c| c.as_str()).collect();
        out.push(reason(
            "collateral",
            format!("接受{}抵押", zh.join("、")),
            format!("accepts {} as collateral", en.join(", ")),
        ));
    } else {
        let zh: Vec<&str> = n.collateral.iter().map(|c| collateral_zh(*c)).collect();
        return Err(broken(
            "collateral",
            format!("产品不接受{}作为担保方式", zh.join("、")),
            "the offer accepts none of the collateral the need offers".into(),
        ));
    }
    if let Some(max) = n.max_annual_rate_bp {
        if o.annual_rate_min_bp > max {
            return Err(broken(
                "rate",
                format!(
                    "最低年利率 {} 高于期望的 {}",
                    pct(o.annual_rate_min_bp),
                    pct(max)
                ),
                format!(
                    "lowest annual rate {} is above the {} wanted",
                    pct(o.annual_rate_min_bp),
                    pct(max)
                ),
            ));
        }
        out.push(reason(
            "rate",
            format!(
                "最低年利率 {} 不高于期望的 {}",
                pct(o.annual_rate_min_bp),
                pct(max)
            ),
            format!(
                "lowest annual rate {} is within the {} wanted",
                pct(o.annual_rate_min_bp),
                pct(max)
            ),
        ));
    }
    Ok(out)
}

fn recruiting(n: &NeedRecruiting, o: &OfferRecruiting) -> Result<Vec<Reason>, Broken> {
    let total = n.total_headcount();
    match o.max_headcount {
        Some(max) if total > max as i64 => Err(broken(
            "headcount",
            format!("招聘 {total} 人 超出服务能力 {max} 人"),
            format!("{total} hires exceed the service's capacity of {max}"),
        )),
        Some(max) => Ok(vec![reason(
            "headcount",
            format!("招聘 {total} 人 在服务能力 {max} 人 之内"),
            format!("{total} hires are within the service's capacity of {max}"),
        )]),
        None => Ok(vec![]),
    }
}

fn formats_compatible(a: TrainingFormat, b: TrainingFormat) -> bool {
    a == b || a == TrainingFormat::Either || b == TrainingFormat::Either
}

/// Words of length ≥ 2 shared by a topic and one of the offer's topics (substring either way).
fn topic_overlap(topic: &str, topics: &[String]) -> Option<String> {
    topics
        .iter()
        .find(|t| {
            let (t, topic) = (t.trim(), topic.trim());
            t.chars().count() >= 2
                && topic.chars().count() >= 2
                && (topic.contains(t) || t.contains(topic))
        })
        .cloned()
}

fn training(n: &NeedTraining, o: &OfferTraining) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::new();
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
                "需要{}培训，课程为{}",
                format_zh(n.format),
                format_zh(o.format)
            ),
            format!(
                "the need wants {} training, the programme is {}",
                n.format, o.format
            ),
        ));
    }
    out.push(reason(
        "format",
        format!("授课方式相符（{}）", format_zh(o.format)),
        format!("the format fits ({})", o.format),
    ));
    if let Some(t) = topic_overlap(&n.topic, &o.topics) {
        out.push(reason(
            "topic",
            format!("课程主题包含「{t}」"),
            format!("the programme covers \"{t}\""),
        ));
    }
    Ok(out)
}

/// The hard rules. On success, the reasons that are true of the pair.
pub fn eligible(need: &NeedSide, offer: &OfferSide) -> Result<Vec<Reason>, Broken> {
    let mut reasons = match (need.details, offer.details) {
        (Details::NeedFinancing(n), Details::OfferFinancing(o)) => financing(n, o)?,
        (Details::NeedRecruiting(n), Details::OfferRecruiting(o)) => recruiting(n, o)?,
        (Details::NeedTraining(n), Details::OfferTraining(o)) => training(n, o)?,
        _ => {
            return Err(broken(
                "category",
                "需求与产品的类别不同".into(),
                "the need and the offer are of different categories".into(),
            ))
        }
    };
    reasons.extend(audience(need, offer)?);
    Ok(reasons)
}

/// 1 at the geometric middle of [lo, hi], falling linearly (in log space) to 0.5 at the edges.
fn centrality(v: f64, lo: f64, hi: f64) -> f64 {
    if hi <= lo || v <= 0.0 || lo <= 0.0 {
        return 1.0;
    }
    let (l, h, x) = (lo.ln(), hi.ln(), v.ln());
    let mid = (l + h) / 2.0;
    let half = (h - l) / 2.0;
    (1.0 - 0.5 * ((x - mid).abs() / half)).clamp(0.5, 1.0)
}

fn fee_fit(f: Fee) -> f64 {
    match f {
        Fee::Free => 1.0,
        Fee::Subsidized => 0.85,
        Fee::Paid => 0.6,
    }
}

/// How well the structured fields fit, in [0.5, 1] for an eligible pair.
fn fit(need: &NeedSide, offer: &OfferSide) -> f64 {
    let fields = match (need.details, offer.details) {
        (Details::NeedFinancing(n), Details::OfferFinancing(o)) => {
            let amount = centrality(
                n.amount_yuan as f64,
                o.amount_min_yuan as f64,
                o.amount_max_yuan as f64,
            );
            let term = centrality(
                n.term_months as f64,
                o.term_min_months as f64,
                o.term_max_months as f64,
            );
            let rate = match n.max_annual_rate_bp {
                Some(max) if max > 0 => (0.5
                    + 0.5 * ((max - o.annual_rate_min_bp) as f64 / max as f64) * 4.0)
                    .clamp(0.5, 1.0),
                _ => 0.75,
            };
            0.5 * amount + 0.3 * rate + 0.2 * term
        }
        (Details::NeedRecruiting(n), Details::OfferRecruiting(o)) => {
            let headcount = match o.max_headcount {
                Some(max) => {
                    (0.5 + 0.5 * (1.0 - n.total_headcount() as f64 / max as f64)).clamp(0.5, 1.0)
                }
                None => 0.75,
            };
            0.5 * headcount + 0.5 * fee_fit(o.fee)
        }
        (Details::NeedTraining(n), Details::OfferTraining(o)) => {
            let capacity =
                (0.5 + 0.5 * (1.0 - n.headcount as f64 / o.capacity as f64)).clamp(0.5, 1.0);
            let format = if n.format == o.format { 1.0 } else { 0.7 };
            let topic = if topic_overlap(&n.topic, &o.topics).is_some() {
                1.0
            } else {
                0.5
            };
            0.25 * capacity + 0.2 * format + 0.25 * fee_fit(o.fee) + 0.3 * topic
        }
        _ => 0.5,
    };
    // An offer that names the need's city and industry is aimed at it; an all-province,
    // all-industry offer less so.
    let mut specific = 0.5;
    if !offer.regions.is_empty() {
        specific += 0.25;
    }
    if !offer.industries.is_empty() {
        specific += 0.25;
    }
    0.8 * fields + 0.2 * specific
}

/// The score of an eligible pair: text relevance (0..1, from the search index) weighted
/// `TEXT_WEIGHT`, structured fit weighted `FIT_WEIGHT`. The reasons are the eligibility reasons
/// plus the shared words, if any.
pub fn score(
    need: &NeedSide,
    offer: &OfferSide,
    text_relevance: f64,
    shared_words: &[String],
) -> Scored {
    let mut reasons = eligible(need, offer).unwrap_or_default();
    let text = text_relevance.clamp(0.0, 1.0);
    let score = (TEXT_WEIGHT * text + FIT_WEIGHT * fit(need, offer)).clamp(0.0, 1.0);
    if !shared_words.is_empty() {
        let words: Vec<&str> = shared_words.iter().take(5).map(String::as_str).collect();
        reasons.push(reason(
            "text",
            format!("文本相关：{}", words.join("、")),
            format!("shared words: {}", words.join(", ")),
        ));
    }
    Scored { score, reasons }
}

#[cfg(test)]
mod tests;
