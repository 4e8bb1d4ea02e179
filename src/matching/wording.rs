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

/// A Chinese sentence without the spaces its parts were joined with between two Chinese
/// characters (「不高于 期望的」 → 「不高于期望的」); the spaces beside numbers and Latin words stay
/// (「最低年利率 4.10% 不高于期望的 4.50%」).
pub fn tidy_zh(s: &str) -> String {
    fn cjk(c: char) -> bool {
        matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_cjk =
            c == ' ' && i > 0 && chars.get(i + 1).is_some_and(|n| cjk(*n)) && cjk(chars[i - 1]);
        if !between_cjk {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tidy_tests {
    use super::tidy_zh;

    #[test]
    fn spaces_between_chinese_words_go_and_those_beside_numbers_stay() {
        assert_eq!(
            tidy_zh("最低年利率 4.10% 不高于 期望的 4.50%"),
            "最低年利率 4.10% 不高于期望的 4.50%"
        );
        assert_eq!(
            tidy_zh("期限 36 个月 在 12–60 个月 之内"),
            "期限 36 个月在 12–60 个月之内"
        );
        assert_eq!(
            tidy_zh("适用行业不包含 建筑业（产品面向：制造业）"),
            "适用行业不包含建筑业（产品面向：制造业）"
        );
        assert_eq!(tidy_zh("serves Chengdu"), "serves Chengdu");
    }
}
