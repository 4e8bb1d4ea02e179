//! The words of SMEs' needs: titles and descriptions of financing, recruiting and training needs
//! and their details, from what the company is (`generate::Sme`) and the vocabulary.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::names::short_city;
use super::random::weighted;
use super::vocabulary::jobs::{Job, PERKS};
use super::vocabulary::trades::FinancingNeed;
use super::vocabulary::trades::{Line, Trade};
use crate::db::models::Park;
use crate::domain::posting::{Details, NeedFinancing, NeedRecruiting, NeedTraining, Position};
use crate::domain::{Collateral, OrgSize, Purpose, TrainingFormat};

/// What an SME is: where, what it makes, how big.
pub(super) struct Sme<'a> {
    pub(super) name: String,
    pub(super) park: &'a Park,
    pub(super) city_name: &'static str,
    pub(super) trade: &'static Trade,
    pub(super) line: &'static Line,
    pub(super) product: &'static str,
    pub(super) size: OrgSize,
    pub(super) employees: i32,
}

/// How a company earns its money decides how its needs are worded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Business {
    Maker,
    Farm,
    Trader,
    Service,
}

impl Sme<'_> {
    pub(super) fn business(&self) -> Business {
        match self.trade.letter {
            "C" => Business::Maker,
            "A" => Business::Farm,
            "F" => Business::Trader,
            "I" if !["服务", "开发", "平台", "系统"]
                .iter()
                .any(|s| self.product.ends_with(s)) =>
            {
                Business::Maker
            }
            _ => Business::Service,
        }
    }

    /// "X公司位于…，主要生产…。"
    pub(super) fn intro(&self) -> String {
        let place = if self.park.name.contains(short_city(self.city_name)) {
            self.park.name.clone()
        } else {
            format!("{}{}", self.city_name, self.park.name)
        };
        format!(
            "{}位于{place}，主要{}{}。",
            self.name, self.trade.verb, self.product
        )
    }
}

pub(super) fn amount_text(wan: i64) -> String {
    format!("{wan}万元")
}

/// A need's amount in 万, by company size: mostly round figures.
fn need_amount_wan(rng: &mut StdRng, size: OrgSize, bigger: bool) -> i64 {
    let (round, lo, hi): (&[i64], i64, i64) = match (size, bigger) {
        (OrgSize::Micro, false) => (&[50, 80, 100, 150, 200, 300], 50, 300),
        (OrgSize::Micro, true) | (OrgSize::Small, false) => {
            (&[100, 150, 200, 300, 500, 800, 1000], 100, 1000)
        }
        (OrgSize::Small, true) => (&[200, 300, 500, 800, 1000, 1500], 200, 1500),
        (_, false) => (&[300, 500, 800, 1000, 1500, 2000], 300, 2000),
        (_, true) => (&[500, 800, 1000, 1500, 2000, 3000], 500, 3000),
    };
    if rng.random_bool(0.15) {
        rng.random_range(lo / 10..=hi / 10) * 10
    } else {
        *round.choose(rng).expect("amounts")
    }
}

fn maybe_rate(rng: &mut StdRng) -> Option<i32> {
    rng.random_bool(0.5).then(|| rng.random_range(45..=75) * 10)
}

fn with_amount(rng: &mut StdRng, title: String, wan: i64) -> String {
    if rng.random_bool(0.35) {
        format!("{title}{}", amount_text(wan))
    } else {
        title
    }
}

const BUYERS: &[&str] = &[
    "央企",
    "省属国企",
    "上市公司",
    "大型整车厂",
    "政府采购单位",
    "知名连锁商超",
];

/// Financing needs: (title, description, details).
pub(super) fn financing_need(rng: &mut StdRng, sme: &Sme) -> (String, String, Details) {
    let kind = weighted(rng, sme.trade.financing, |k| k.1).0;
    let intro = sme.intro();
    let machine = *sme.line.machines.choose(rng).expect("machines");
    let product = sme.product;
    let business = sme.business();
    let pick = |rng: &mut StdRng, xs: &[i32]| *xs.choose(rng).expect("terms");
    let (title, body, purpose, collateral, term, wan) = match kind {
        FinancingNeed::Equipment => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[24, 36, 48, 60]);
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "设备更新贷款".into(), wan),
                1 => format!("申请设备更新贷款，用于购置{machine}"),
                2 => format!("{machine}设备更新贷款需求"),
                _ => format!("设备购置贷款{}（{machine}）", amount_text(wan)),
            };
            let mut collateral = vec![Collateral::Equipment];
            if rng.random_bool(0.4) {
                collateral.push(Collateral::Property);
            }
            let pledge = if collateral.len() == 2 {
                "可提供所购设备及自有房产抵押"
            } else {
                "可提供所购设备抵押"
            };
            let body = format!(
                "{}，计划购置{machine}等设备{}台（套），拟申请贷款{}，期限{term}个月。{pledge}。",
                match business {
                    Business::Maker => "为提升产能和良品率",
                    Business::Farm => "为提升加工和仓储能力",
                    Business::Trader => "为提升仓储和配送效率",
                    Business::Service => "为提升服务能力",
                },
                rng.random_range(2..=12),
                amount_text(wan)
            );
            (title, body, Purpose::Equipment, collateral, term, wan)
        }
        FinancingNeed::WorkingCapital => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 12]);
            let (why, usage) = match business {
                Business::Maker => ("近期原材料集中采购", "采购原材料"),
                Business::Farm => ("收购季临近，农资采购和收购资金需求集中", "农资采购和收购"),
                Business::Trader => ("旺季前需集中备货", "采购备货"),
                Business::Service => ("项目垫资较多、回款周期长", "项目垫资"),
            };
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "流动资金贷款".into(), wan),
                1 => with_amount(rng, "申请流动资金周转贷款".into(), wan),
                2 => "短期流动资金贷款需求".into(),
                _ => format!("{}流动资金贷款（用于{usage}）", amount_text(wan)),
            };
            let (collateral, pledge) = match rng.random_range(0..4) {
                0 => (vec![Collateral::Property], "可提供自有房产抵押"),
                1 => (vec![Collateral::Guarantee], "可由股东提供连带责任保证"),
                2 => (vec![Collateral::None], "希望以信用方式办理"),
                _ => (
                    vec![Collateral::Property, Collateral::Guarantee],
                    "可提供房产抵押并由股东提供连带责任保证",
                ),
            };
            let body = format!(
                "{why}，资金周转压力较大，申请贷款{}，期限{term}个月，用于{usage}和日常周转。{pledge}。",
                amount_text(wan)
            );
            (title, body, Purpose::WorkingCapital, collateral, term, wan)
        }
        FinancingNeed::Ip => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[12, 24, 36]);
            let patents = rng.random_range(2..=12);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "知识产权质押融资".into(), wan),
                1 => "以发明专利申请知识产权质押贷款".into(),
                _ => format!("知识产权质押融资需求（{patents}项专利）"),
            };
            let mut collateral = vec![Collateral::Ip];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Guarantee);
            }
            let body = format!(
                "公司拥有发明专利{patents}项、实用新型专利{}项，围绕{product}形成了核心技术。拟以专利权质押申请融资{}，期限{term}个月，用于新产品研发和市场推广。",
                rng.random_range(3..=30),
                amount_text(wan)
            );
            (title, body, Purpose::Rnd, collateral, term, wan)
        }
        FinancingNeed::Upgrade => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[24, 36, 48, 60]);
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "技改项目贷款".into(), wan),
                1 => format!("{product}生产线技改贷款"),
                2 => with_amount(rng, "技术改造项目融资".into(), wan),
                _ => "智能化技改项目贷款".into(),
            };
            let total = wan * rng.random_range(15..=30) / 10 / 10 * 10;
            let body = format!(
                "公司{product}生产线智能化技改项目已完成备案，总投资{}，拟申请技改贷款{}，期限{term}个月。可提供动产及房产抵押。",
                amount_text(total.max(wan)),
                amount_text(wan)
            );
            (
                title,
                body,
                Purpose::Equipment,
                vec![Collateral::Equipment, Collateral::Property],
                term,
                wan,
            )
        }
        FinancingNeed::Orders => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 9, 12]);
            let buyer = *BUYERS.choose(rng).expect("buyers");
            let contract = wan * rng.random_range(2..=5);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "订单融资".into(), wan),
                1 => format!("凭{buyer}订单申请订单融资"),
                _ => format!("订单融资需求（合同金额{}）", amount_text(contract)),
            };
            let mut collateral = vec![Collateral::Orders];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Receivables);
            }
            let body = format!(
                "公司近期与{buyer}客户签订{product}{}，合同金额{}，{}。申请订单融资{}，以订单回款作为还款来源，期限{term}个月。",
                if business == Business::Service { "服务合同" } else { "供货合同" },
                amount_text(contract),
                match business {
                    Business::Maker => "需提前备料",
                    Business::Farm => "需提前组织货源",
                    Business::Trader => "需提前备货",
                    Business::Service => "需提前垫资",
                },
                amount_text(wan)
            );
            (title, body, Purpose::Trade, collateral, term, wan)
        }
        FinancingNeed::Receivables => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 12]);
            let buyer = *BUYERS.choose(rng).expect("buyers");
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "应收账款融资".into(), wan),
                1 => "应收账款质押贷款需求".into(),
                _ => with_amount(rng, "盘活应收账款融资".into(), wan),
            };
            let body = format!(
                "公司对{buyer}客户的应收账款约{}，账期{}天。拟以应收账款质押申请融资{}，期限{term}个月，缓解回款周期较长带来的资金压力。",
                amount_text(wan * rng.random_range(15..=30) / 10),
                [90, 120, 180].choose(rng).expect("days"),
                amount_text(wan)
            );
            (
                title,
                body,
                Purpose::WorkingCapital,
                vec![Collateral::Receivables],
                term,
                wan,
            )
        }
        FinancingNeed::Expansion => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[36, 48, 60]);
            let building = match (business, sme.trade.letter) {
                (Business::Farm, _) => "冷库",
                (Business::Trader, _) | (_, "G") => "仓库",
                (_, "H") => "中央厨房",
                (_, "I" | "M") => "研发楼",
                _ => "厂房",
            };
            let title = match (building, rng.random_range(0..4)) {
                ("厂房", 0) => with_amount(rng, "厂房扩建贷款".into(), wan),
                ("厂房", 1) => "二期厂房扩建项目融资".into(),
                ("厂房", 2) => with_amount(rng, "新建标准化厂房贷款".into(), wan),
                ("厂房", _) => "厂房扩建及配套工程融资".into(),
                (_, 0 | 1) => with_amount(rng, format!("{building}扩建贷款"), wan),
                _ => format!("{building}扩建项目融资"),
            };
            let mut collateral = vec![Collateral::Property];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Guarantee);
            }
            let body = format!(
                "随着{product}市场需求增长，公司计划扩建{}{}平方米，项目总投资{}，申请贷款{}，期限{term}个月。可提供土地及房产抵押。",
                building,
                rng.random_range(20..=150) * 100,
                amount_text(wan * 2),
                amount_text(wan)
            );
            (title, body, Purpose::Expansion, collateral, term, wan)
        }
        FinancingNeed::Rnd => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[12, 24, 36]);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "新产品研发贷款".into(), wan),
                2 if business == Business::Maker => format!("{product}研发项目贷款"),
                _ => "研发项目融资需求".into(),
            };
            let collateral = if rng.random_bool(0.5) {
                vec![Collateral::Ip]
            } else {
                vec![Collateral::None]
            };
            let body = format!(
                "公司计划围绕{product}开展新产品研发，预计研发投入{}，申请贷款{}，期限{term}个月，希望以信用或专利权质押方式办理。",
                amount_text(wan * 3 / 2),
                amount_text(wan)
            );
            (title, body, Purpose::Rnd, collateral, term, wan)
        }
    };
    let details = Details::NeedFinancing(NeedFinancing {
        amount_yuan: wan * 10_000,
        term_months: term,
        purpose,
        collateral,
        max_annual_rate_bp: maybe_rate(rng),
    });
    (title, format!("{intro}{body}"), details)
}

fn date_after(t: NaiveDateTime, rng: &mut StdRng, min: i64, max: i64) -> NaiveDate {
    (t + Duration::days(rng.random_range(min..=max))).date()
}

pub(super) fn recruiting_need(
    rng: &mut StdRng,
    sme: &Sme,
    org_created: NaiveDateTime,
    now: NaiveDateTime,
) -> (String, String, Details) {
    let count = *weighted(rng, &[(1usize, 65u32), (2, 28), (3, 7)], |c| c.1);
    let mut chosen: Vec<Job> = Vec::new();
    for _ in 0..count.0 * 4 {
        if chosen.len() == count.0 {
            break;
        }
        let p = weighted(rng, sme.trade.positions, |p| p.1).0;
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    let cap = sme.employees.max(3);
    let positions: Vec<Position> = chosen
        .iter()
        .map(|&i| {
            let p = i.spec();
            let headcount = rng.random_range(p.headcount.0..=p.headcount.1).min(cap);
            let low = p.salary.0 + rng.random_range(0..=5) * 100;
            let high = (p.salary.1 + rng.random_range(-5..=10) * 100).max(low + 500);
            let skills: Vec<String> = p
                .skills
                .iter()
                .filter(|_| rng.random_bool(0.8))
                .map(|s| s.to_string())
                .collect();
            Position {
                title: p.title.to_string(),
                headcount,
                salary_min_yuan: Some(low),
                salary_max_yuan: Some(high),
                skills,
                education: Some(p.education.to_string()),
            }
        })
        .collect();
    let total: i32 = positions.iter().map(|p| p.headcount).sum();
    let names: Vec<&str> = positions.iter().map(|p| p.title.as_str()).collect();
    let perk = *PERKS.choose(rng).expect("perks");
    let title = if names.len() == 1 {
        let (name, n) = (names[0], total);
        match rng.random_range(0..4) {
            0 => format!("招聘{name}{n}名"),
            1 => format!("急招{name}{n}人，{perk}"),
            2 => format!("诚聘{name}（{n}人）"),
            _ => format!("{name}招聘，{perk}"),
        }
    } else {
        let list = names.join("、");
        match rng.random_range(0..3) {
            0 => format!("招聘{list}共{total}人"),
            1 => format!("急招{list}等岗位"),
            _ => format!("{list}招聘（{total}人），{perk}"),
        }
    };
    let mut duties = String::new();
    for (p, &i) in positions.iter().zip(&chosen) {
        duties.push_str(&format!(
            "{}{}名，月薪{}–{}元，{}；",
            p.title,
            p.headcount,
            p.salary_min_yuan.unwrap_or_default(),
            p.salary_max_yuan.unwrap_or_default(),
            i.spec().duty
        ));
    }
    let duties = duties.trim_end_matches('；');
    let reason = [
        "因业务发展需要",
        "因新产线投产",
        "为满足旺季产能需要",
        "因业务规模扩大",
    ]
    .choose(rng)
    .expect("reasons");
    let description = format!(
        "{}{reason}，现招聘：{duties}。福利待遇：{perk}，工作地点在{}。",
        sme.intro(),
        sme.city_name
    );
    let start = org_created.max(now - Duration::days(60));
    let details = Details::NeedRecruiting(NeedRecruiting {
        positions,
        start_by: rng.random_bool(0.7).then(|| date_after(start, rng, 20, 75)),
    });
    (title, description, details)
}

pub(super) fn training_format(rng: &mut StdRng) -> TrainingFormat {
    weighted(
        rng,
        &[
            (TrainingFormat::Onsite, 45u32),
            (TrainingFormat::Online, 20),
            (TrainingFormat::Either, 35),
        ],
        |f| f.1,
    )
    .0
}

pub(super) fn training_need(
    rng: &mut StdRng,
    sme: &Sme,
    org_created: NaiveDateTime,
    now: NaiveDateTime,
) -> (String, String, Details) {
    let t = weighted(rng, sme.trade.topics, |k| k.1).0.spec();
    let max = sme.employees.clamp(3, 80);
    let headcount = rng.random_range(3.min(max)..=max);
    let title = t
        .titles
        .choose(rng)
        .expect("titles")
        .replace("{n}", &headcount.to_string());
    let format = training_format(rng);
    let how = match format {
        TrainingFormat::Onsite => "希望到厂集中授课",
        TrainingFormat::Online => "希望线上授课",
        TrainingFormat::Either => "线上线下均可",
    };
    let budget = rng
        .random_bool(0.6)
        .then(|| headcount as i64 * rng.random_range(3..=15) * 100);
    let budget_text = budget.map(|b| format!("预算约{b}元。")).unwrap_or_default();
    let description = format!(
        "{}{}，计划组织{headcount}名员工参加，{how}。{budget_text}",
        sme.intro(),
        t.why
    );
    let start = org_created.max(now - Duration::days(60));
    let details = Details::NeedTraining(NeedTraining {
        topic: t.topic.to_string(),
        headcount,
        format,
        budget_yuan: budget,
        preferred_start: rng.random_bool(0.6).then(|| date_after(start, rng, 14, 60)),
    });
    (title, description, details)
}
