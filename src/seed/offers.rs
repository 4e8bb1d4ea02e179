//! Platform companies and their offers: names, places, financing products, recruiting services
//! and training programmes, and whom each offer is for.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::names::short_city;
use super::needs::{amount_text, training_format};
use super::random::weighted;
use super::vocabulary::providers::{
    Product, COUNTIES, FINANCE_SUFFIXES, PRODUCTS, PROGRAMMES, RECRUIT_SUFFIXES, SERVICES,
    SPECIAL_PROVIDERS, TRAIN_SUFFIXES,
};
use crate::domain::posting::{Details, OfferFinancing, OfferRecruiting, OfferTraining};
use crate::domain::reference;
use crate::domain::{Category, Fee, TrainingFormat};

pub(super) struct ProviderSpec {
    pub(super) name: String,
    pub(super) city: Option<&'static str>,
    pub(super) primary: Category,
    pub(super) industry: &'static str,
    /// A guarantee company: offers only guarantee-backed financing.
    pub(super) guarantor: bool,
}

/// The places platform companies belong to: every prefecture, then every county.
fn provider_places() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = reference::CITIES
        .iter()
        .map(|c| {
            let name = if c.name_zh.ends_with("自治州") {
                format!("{}州", short_city(c.name_zh))
            } else {
                c.name_zh.to_string()
            };
            (name, c.code)
        })
        .collect();
    for (code, counties) in COUNTIES {
        let city = reference::city(code).map(|c| c.name_zh).unwrap_or("");
        for county in *counties {
            let name = if county.ends_with('区') {
                format!("{city}{county}")
            } else {
                county.to_string()
            };
            out.push((name, code));
        }
    }
    out
}

static PROVIDER_PLACES: std::sync::LazyLock<Vec<(String, &'static str)>> =
    std::sync::LazyLock::new(provider_places);

/// The `j`-th platform company (1-based): a few well-known ones, then one per (place, kind).
pub(super) fn provider(rng: &mut StdRng, j: usize, ranks: &mut [usize; 3]) -> ProviderSpec {
    if let Some(&(name, city, primary, industry)) = SPECIAL_PROVIDERS.get(j - 1) {
        return ProviderSpec {
            name: name.to_string(),
            city,
            primary,
            industry,
            guarantor: name.contains("担保"),
        };
    }
    let primary = [
        Category::Financing,
        Category::Recruiting,
        Category::Training,
        Category::Financing,
        Category::Recruiting,
    ][j % 5];
    let (slot, suffixes) = match primary {
        Category::Financing => (0, FINANCE_SUFFIXES),
        Category::Recruiting => (1, RECRUIT_SUFFIXES),
        Category::Training => (2, TRAIN_SUFFIXES),
    };
    // One name per (place, kind of company), skipping the well-known ones listed above.
    let places = &*PROVIDER_PLACES;
    let plain = |name: &str| name.replace('市', "");
    let (name, suffix, code) = loop {
        let r = ranks[slot];
        ranks[slot] += 1;
        let p = r % places.len();
        let k = r / places.len();
        let suffix = suffixes[(k + p) % suffixes.len()];
        let (place, code) = &places[p];
        let mut name = format!("{place}{suffix}");
        if k >= suffixes.len() {
            name.push_str(&format!("第{}分公司", k / suffixes.len() + 1));
        }
        if !SPECIAL_PROVIDERS.iter().any(|s| plain(s.0) == plain(&name)) {
            break (name, suffix, *code);
        }
    };
    let industry = match primary {
        Category::Financing if suffix.contains("担保") || suffix.contains("金融") => "J",
        Category::Financing => "L",
        Category::Recruiting => "L",
        Category::Training if rng.random_bool(0.2) => "M",
        Category::Training => "P",
    };
    ProviderSpec {
        guarantor: suffix.contains("担保"),
        name,
        city: Some(code),
        primary,
        industry,
    }
}

fn fill(template: &str, place: &str) -> String {
    template.replace("{place}", place)
}

pub(super) fn financing_offer(
    rng: &mut StdRng,
    place: &str,
    guarantor: bool,
) -> (String, String, Details, &'static [&'static str]) {
    let products: Vec<&Product> = PRODUCTS
        .iter()
        .filter(|p| !guarantor || p.guarantee)
        .collect();
    let p = *products.choose(rng).expect("products");
    let title = fill(p.titles.choose(rng).expect("titles"), place);
    let (lo, hi) = *p.ranges.choose(rng).expect("ranges");
    let rate_min = rng.random_range(60..=90) * 5;
    let rate_max = (rate_min + rng.random_range(20..=70) * 5).min(800);
    let details = Details::OfferFinancing(OfferFinancing {
        product_type: title
            .split(['（', '：'])
            .next()
            .unwrap_or(&title)
            .to_string(),
        amount_min_yuan: lo * 10_000,
        amount_max_yuan: hi * 10_000,
        term_min_months: p.terms.0,
        term_max_months: p.terms.1,
        annual_rate_min_bp: rate_min,
        annual_rate_max_bp: rate_max,
        collateral_accepted: p.collateral.to_vec(),
    });
    let description = format!(
        "{}单户额度{}–{}，期限{}–{}个月，年利率{:.2}%起。",
        p.description,
        amount_text(lo),
        amount_text(hi),
        p.terms.0,
        p.terms.1,
        rate_min as f64 / 100.0
    );
    (title, description, details, p.industries)
}

pub(super) fn recruiting_offer(
    rng: &mut StdRng,
    place: &str,
) -> (String, String, Details, &'static [&'static str]) {
    let s = weighted(rng, SERVICES, |s| if s.titles.len() == 1 { 1 } else { 3 });
    let title = fill(s.titles.choose(rng).expect("titles"), place);
    let fee = weighted(rng, s.fees, |f| f.1).0;
    let max_headcount = s
        .headcount
        .filter(|_| rng.random_bool(0.7))
        .map(|(lo, hi)| rng.random_range(lo..=hi));
    let details = Details::OfferRecruiting(OfferRecruiting {
        services: s.services.to_vec(),
        fee,
        max_headcount,
    });
    let fee_text = match fee {
        Fee::Free => "服务免费。",
        Fee::Subsidized => "服务费由就业补贴资金部分承担。",
        Fee::Paid => "按市场价收费。",
    };
    (
        title,
        format!("{}{fee_text}", s.description),
        details,
        &["C", "F", "G", "A"],
    )
}

pub(super) fn training_offer(
    rng: &mut StdRng,
) -> (String, String, Details, &'static [&'static str]) {
    let p = weighted(rng, PROGRAMMES, |p| p.titles.len() as u32);
    let i = rng.random_range(0..p.titles.len());
    let title = p.titles[i].to_string();
    let description = p.descriptions[i.min(p.descriptions.len() - 1)];
    let format = training_format(rng);
    let fee = weighted(
        rng,
        &[(Fee::Free, 40u32), (Fee::Subsidized, 40), (Fee::Paid, 20)],
        |f| f.1,
    )
    .0;
    let capacity = rng.random_range(3..=20) * 10;
    let mut topics: Vec<String> = vec![p.topics[0].to_string()];
    topics.extend(
        p.topics[1..]
            .iter()
            .filter(|_| rng.random_bool(0.6))
            .map(|t| t.to_string()),
    );
    let how = match format {
        TrainingFormat::Onsite => "线下集中授课",
        TrainingFormat::Online => "线上直播课程",
        TrainingFormat::Either => "线上线下结合",
    };
    let fee_text = match fee {
        Fee::Free => "免费",
        Fee::Subsidized => "享受职业培训补贴",
        Fee::Paid => "按课时收费",
    };
    let description = format!("{description}{how}，每期{capacity}人，{fee_text}。");
    let details = Details::OfferTraining(OfferTraining {
        topics,
        capacity,
        format,
        fee,
    });
    (title, description, details, p.industries)
}

#[derive(Default)]
pub(super) struct Audience {
    pub(super) regions: Vec<String>,
    pub(super) industries: Vec<&'static str>,
    pub(super) sizes: Vec<&'static str>,
}

/// Who an offer is for: its provider's city (often), a few industries, sizes (sometimes).
pub(super) fn audience(
    rng: &mut StdRng,
    city: Option<&'static str>,
    industries: &'static [&'static str],
) -> Audience {
    let regions = match city {
        None => Vec::new(),
        Some(code) => match rng.random_range(0..10) {
            0..5 => vec![code.to_string()],
            5..7 => {
                let mut r = vec![code.to_string()];
                for _ in 0..rng.random_range(1..=2) {
                    let other = reference::CITIES.choose(rng).expect("cities").code;
                    if !r.iter().any(|c| c == other) {
                        r.push(other.to_string());
                    }
                }
                r
            }
            _ => Vec::new(),
        },
    };
    let industries = if !industries.is_empty() && rng.random_bool(0.45) {
        industries.to_vec()
    } else {
        Vec::new()
    };
    let sizes = match rng.random_range(0..20) {
        0..12 => Vec::new(),
        12..17 => vec!["micro", "small"],
        _ => vec!["micro", "small", "medium"],
    };
    Audience {
        regions,
        industries,
        sizes,
    }
}
