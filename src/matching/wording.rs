//! How the reasons say things: amounts as people in China say them (500万), rates, places and
//! industries in both languages, lists.

use crate::domain::{CityCode, Industry, Yuan};

/// An amount as people in China say it (500万); exact, never rounded.
pub fn yuan_zh(v: i64) -> String {
    Yuan::parse(v)
        .map(|y| y.display_zh())
        .unwrap_or_else(|_| format!("{v}元"))
}

/// An amount with its unit as a sentence says it: 500万元, 1.2亿元, 3500元.
pub fn yuan_amount_zh(v: i64) -> String {
    let s = yuan_zh(v);
    if s.ends_with('万') || s.ends_with('亿') {
        s + "元"
    } else {
        s
    }
}

/// A range of amounts: 100–2000万元 when both ends are in 万, else 50万元–1.2亿元.
pub fn yuan_range_zh(lo: i64, hi: i64) -> String {
    let (a, b) = (yuan_zh(lo), yuan_zh(hi));
    match a.strip_suffix('万') {
        Some(a) if b.ends_with('万') => format!("{a}–{b}元"),
        _ => format!("{}–{}", yuan_amount_zh(lo), yuan_amount_zh(hi)),
    }
}

/// 5000000 → "5,000,000".
pub fn grouped(v: i64) -> String {
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
pub fn pct(bp: i32) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    format!("{sign}{}.{:02}%", bp / 100, bp % 100)
}

pub fn city_names(city: CityCode) -> (String, String) {
    let c = city.city();
    (c.name_zh.to_string(), c.name_en.to_string())
}

/// 制造业, Manufacturing: people read the name, never the GB/T 4754 letter.
pub fn industry_names(industry: Industry) -> (String, String) {
    let i = industry.section();
    (i.name_zh.to_string(), i.name_en.to_string())
}

pub fn join_zh<I: IntoIterator<Item = String>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join("、")
}

pub fn join_en<I: IntoIterator<Item = String>>(items: I) -> String {
    items.into_iter().collect::<Vec<_>>().join(", ")
}
