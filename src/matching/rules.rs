//! The hard rules of a pair, in their fixed order, and the reasons of an eligible one.

use super::wording::{
    city_names, grouped, industry_names, join_en, join_zh, pct, yuan_amount_zh, yuan_range_zh,
};
use super::{broken, reason, Broken, NeedSide, OfferSide, Reason};
use crate::domain::posting::{
    Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting,
    OfferTraining,
};
use crate::domain::{Category, Collateral, Fee, PostingKind, TrainingFormat};

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
            format!("类别不同：需求为{}，产品为{}", nc.zh(), oc.zh()),
            format!("categories differ: the need is {nc}, the offer is {oc}"),
        ));
    }
    Ok(())
}

/// Region, industry and size, in that order; the reasons of the three on success.
fn audience(need: &NeedSide, offer: &OfferSide) -> Result<Vec<Reason>, Broken> {
    let a = offer.audience;
    let mut out = Vec::with_capacity(3);

    if a.regions.is_empty() {
        out.push(reason(
            "region",
            "服务区域覆盖全省".into(),
            "serves all of Sichuan".into(),
        ));
    } else {
        let (served_zh, served_en): (Vec<String>, Vec<String>) =
            a.regions.iter().map(|c| city_names(*c)).unzip();
        match need.city {
            Some(city) if a.regions.contains(&city) => {
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
                    format!("服务区域不包含{zh}（产品服务：{}）", join_zh(served_zh)),
                    format!(
                        "the offer does not serve {en} (it serves {})",
                        join_en(served_en)
                    ),
                ));
            }
            None => {
                return Err(broken(
                    "region",
                    format!("需求没有所在城市，而产品只服务{}", join_zh(served_zh)),
                    format!(
                        "the need has no city and the offer serves only {}",
                        join_en(served_en)
                    ),
                ));
            }
        }
    }

    let (ind_zh, ind_en) = industry_names(need.industry);
    if a.industries.is_empty() {
        out.push(reason(
            "industry",
            "不限行业".into(),
            "open to every industry".into(),
        ));
    } else if a.industries.contains(&need.industry) {
        out.push(reason(
            "industry",
            format!("适用行业包含{ind_zh}"),
            format!("open to {ind_en}"),
        ));
    } else {
        let (allowed_zh, allowed_en): (Vec<String>, Vec<String>) =
            a.industries.iter().map(|i| industry_names(*i)).unzip();
        return Err(broken(
            "industry",
            format!(
                "适用行业不包含{ind_zh}（产品面向：{}）",
                join_zh(allowed_zh)
            ),
            format!(
                "the offer is not open to {ind_en} (it is open to {})",
                allowed_en.join("; ")
            ),
        ));
    }

    // Sizes read as lower-case English words in English sentences ("open to small companies").
    let size = need.size;
    if a.sizes.is_empty() {
        out.push(reason(
            "size",
            "不限企业规模".into(),
            "open to companies of every size".into(),
        ));
    } else if a.sizes.contains(&size) {
        out.push(reason(
            "size",
            format!("适用{}企业", size.zh()),
            format!("open to {size} companies"),
        ));
    } else {
        return Err(broken(
            "size",
            format!(
                "产品不面向{}企业（适用：{}）",
                size.zh(),
                join_zh(a.sizes.iter().map(|s| s.zh().to_string()))
            ),
            format!(
                "the offer is not open to {size} companies (it is open to {})",
                a.sizes
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(out)
}

fn financing(n: &NeedFinancing, o: &OfferFinancing) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::with_capacity(4);

    let a = n.amount_yuan;
    let range_en = format!(
        "{}–{}",
        grouped(o.amount_min_yuan),
        grouped(o.amount_max_yuan)
    );
    if a < o.amount_min_yuan || a > o.amount_max_yuan {
        return Err(broken(
            "amount",
            format!(
                "所需的 {} 不在贷款额度 {} 之内",
                yuan_amount_zh(a),
                yuan_range_zh(o.amount_min_yuan, o.amount_max_yuan)
            ),
            format!(
                "amount {} yuan is outside the product's {range_en} yuan",
                grouped(a)
            ),
        ));
    }
    out.push(reason(
        "amount",
        format!(
            "贷款额度 {} 覆盖所需的 {}",
            yuan_range_zh(o.amount_min_yuan, o.amount_max_yuan),
            yuan_amount_zh(a)
        ),
        format!(
            "loans of {range_en} yuan cover the {} yuan needed",
            grouped(a)
        ),
    ));

    let (t, lo, hi) = (n.term_months, o.term_min_months, o.term_max_months);
    if t < lo || t > hi {
        return Err(broken(
            "term",
            format!("所需的 {t}个月 不在贷款期限 {lo}–{hi}个月 之内"),
            format!("a term of {t} months is outside {lo}–{hi} months"),
        ));
    }
    out.push(reason(
        "term",
        format!("贷款期限 {lo}–{hi}个月，覆盖所需的 {t}个月"),
        format!("terms of {lo}–{hi} months cover the {t} months needed"),
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
        format!("接受{}", join_zh(accepted.iter().map(|c| c.phrase_zh()))),
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
                format!("年利率上限 {}，本服务最低 {}，高于上限", pct(max), pct(min)),
                format!(
                    "the lowest annual rate {} is above the {} the need accepts",
                    pct(min),
                    pct(max)
                ),
            ));
        }
        out.push(reason(
            "rate",
            format!("年利率上限 {}，本服务最低 {}", pct(max), pct(min)),
            format!(
                "the need accepts up to {} a year; the product starts at {}",
                pct(max),
                pct(min)
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
                format!("招聘 {total} 人，超出服务可承接的 {max} 人"),
                format!("{total} hires exceed the service's capacity of {max}"),
            ))
        }
        Some(max) => out.push(reason(
            "headcount",
            format!("招聘 {total} 人，在服务可承接的 {max} 人以内"),
            format!("{total} hires are within the service's capacity of {max}"),
        )),
        None => out.push(reason(
            "headcount",
            format!("服务不限人数，可承接招聘的 {total} 人"),
            format!("the service sets no headcount limit for the {total} hires"),
        )),
    }
    out.extend(fee_reason(o.fee));
    Ok(out)
}

pub(super) fn formats_compatible(need: TrainingFormat, offer: TrainingFormat) -> bool {
    need == offer || need == TrainingFormat::Either || offer == TrainingFormat::Either
}

fn training(n: &NeedTraining, o: &OfferTraining) -> Result<Vec<Reason>, Broken> {
    let mut out = Vec::with_capacity(4);
    if n.headcount > o.capacity {
        return Err(broken(
            "capacity",
            format!(
                "培训 {} 人，超出课程可容纳的 {} 人",
                n.headcount, o.capacity
            ),
            format!(
                "{} trainees exceed the programme's capacity of {}",
                n.headcount, o.capacity
            ),
        ));
    }
    out.push(reason(
        "capacity",
        format!("培训 {} 人，课程可容纳 {} 人", n.headcount, o.capacity),
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
