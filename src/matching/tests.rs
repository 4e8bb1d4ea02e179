use super::*;
use crate::domain::posting::Position;
use crate::domain::{Purpose, RecruitingService};

fn fin_need(amount: i64, term: i32, collateral: &[Collateral], max_rate: Option<i32>) -> Details {
    Details::NeedFinancing(NeedFinancing {
        amount_yuan: amount,
        term_months: term,
        purpose: Purpose::Equipment,
        collateral: collateral.to_vec(),
        max_annual_rate_bp: max_rate,
    })
}

fn fin_offer(
    min: i64,
    max: i64,
    terms: (i32, i32),
    rates: (i32, i32),
    collateral: &[Collateral],
) -> Details {
    Details::OfferFinancing(OfferFinancing {
        product_type: "贷款".into(),
        amount_min_yuan: min,
        amount_max_yuan: max,
        term_min_months: terms.0,
        term_max_months: terms.1,
        annual_rate_min_bp: rates.0,
        annual_rate_max_bp: rates.1,
        collateral_accepted: collateral.to_vec(),
    })
}

fn rec_need(headcount: i32) -> Details {
    Details::NeedRecruiting(NeedRecruiting {
        positions: vec![Position {
            title: "数控车工".into(),
            headcount,
            salary_min_yuan: None,
            salary_max_yuan: None,
            skills: vec![],
            education: None,
        }],
        start_by: None,
    })
}

fn rec_offer(max: Option<i32>, fee: Fee) -> Details {
    Details::OfferRecruiting(OfferRecruiting {
        services: vec![RecruitingService::JobFair],
        fee,
        max_headcount: max,
    })
}

fn tr_need(topic: &str, headcount: i32, format: TrainingFormat) -> Details {
    Details::NeedTraining(NeedTraining {
        topic: topic.into(),
        headcount,
        format,
        budget_yuan: None,
        preferred_start: None,
    })
}

fn tr_offer(topics: &[&str], capacity: i32, format: TrainingFormat, fee: Fee) -> Details {
    Details::OfferTraining(OfferTraining {
        topics: topics.iter().map(|s| s.to_string()).collect(),
        capacity,
        format,
        fee,
    })
}

struct N {
    details: Details,
    city: Option<&'static str>,
    industry: &'static str,
    size: &'static str,
    text: &'static str,
}

struct O {
    details: Details,
    regions: Vec<String>,
    industries: Vec<String>,
    sizes: Vec<String>,
    text: &'static str,
}

fn need_side(n: &N) -> NeedSide<'_> {
    NeedSide {
        id: 1,
        details: &n.details,
        title: n.text,
        description: "",
        city_code: n.city,
        industry: n.industry,
        size: n.size,
    }
}

fn offer_side(o: &O) -> OfferSide<'_> {
    OfferSide {
        id: 2,
        details: &o.details,
        title: o.text,
        description: "",
        regions: &o.regions,
        industries: &o.industries,
        sizes: &o.sizes,
    }
}

fn n(details: Details, city: &'static str, text: &'static str) -> N {
    N {
        details,
        city: Some(city),
        industry: "C",
        size: "small",
        text,
    }
}

fn o(details: Details, regions: &[&str], industries: &[&str], text: &'static str) -> O {
    O {
        details,
        regions: regions.iter().map(|s| s.to_string()).collect(),
        industries: industries.iter().map(|s| s.to_string()).collect(),
        sizes: vec![],
        text,
    }
}

fn rule(need: &N, offer: &O) -> Result<Vec<Reason>, &'static str> {
    eligible(&need_side(need), &offer_side(offer)).map_err(|b| b.rule)
}

use Collateral::{Equipment, Guarantee, Ip, Orders, Property, Receivables};

#[test]
fn each_hard_rule_refuses_a_pair_that_breaks_exactly_it() {
    let need = n(
        fin_need(5_000_000, 36, &[Equipment], Some(450)),
        "510700",
        "设备贷款",
    );
    let good = o(
        fin_offer(1_000_000, 20_000_000, (12, 60), (365, 480), &[Equipment]),
        &["510700"],
        &["C"],
        "设备贷",
    );
    assert!(rule(&need, &good).is_ok());
    let cases: Vec<(O, &str)> = vec![
        (
            o(
                fin_offer(6_000_000, 20_000_000, (12, 60), (365, 480), &[Equipment]),
                &[],
                &[],
                "",
            ),
            "amount",
        ),
        (
            o(
                fin_offer(1_000_000, 4_999_999, (12, 60), (365, 480), &[Equipment]),
                &[],
                &[],
                "",
            ),
            "amount",
        ),
        (
            o(
                fin_offer(1_000_000, 20_000_000, (48, 60), (365, 480), &[Equipment]),
                &[],
                &[],
                "",
            ),
            "term",
        ),
        (
            o(
                fin_offer(1_000_000, 20_000_000, (12, 60), (365, 480), &[Property]),
                &[],
                &[],
                "",
            ),
            "collateral",
        ),
        (
            o(
                fin_offer(1_000_000, 20_000_000, (12, 60), (451, 600), &[Equipment]),
                &[],
                &[],
                "",
            ),
            "rate",
        ),
        (
            o(
                fin_offer(1_000_000, 20_000_000, (12, 60), (365, 480), &[Equipment]),
                &["510100"],
                &[],
                "",
            ),
            "region",
        ),
        (
            o(
                fin_offer(1_000_000, 20_000_000, (12, 60), (365, 480), &[Equipment]),
                &[],
                &["A"],
                "",
            ),
            "industry",
        ),
        (o(rec_offer(None, Fee::Free), &[], &[], ""), "category"),
    ];
    for (offer, expected) in &cases {
        assert_eq!(rule(&need, offer).unwrap_err(), *expected);
    }
    let mut sized = o(
        fin_offer(1_000_000, 20_000_000, (12, 60), (365, 480), &[Equipment]),
        &[],
        &[],
        "",
    );
    sized.sizes = vec!["medium".into(), "large".into()];
    assert_eq!(rule(&need, &sized).unwrap_err(), "size");
    let b = eligible(&need_side(&need), &offer_side(&cases[0].0)).unwrap_err();
    assert!(b.zh.contains("500万") && b.zh.contains("600万"), "{}", b.zh);
}

#[test]
fn boundaries_collateral_none_formats_and_regions() {
    let offer = o(
        fin_offer(1_000_000, 5_000_000, (12, 36), (300, 400), &[Equipment]),
        &[],
        &[],
        "",
    );
    for (amount, ok) in [
        (1_000_000, true),
        (5_000_000, true),
        (999_999, false),
        (5_000_001, false),
    ] {
        let need = n(fin_need(amount, 12, &[Equipment], None), "510100", "");
        assert_eq!(rule(&need, &offer).is_ok(), ok, "{amount}");
    }
    let credit = o(
        fin_offer(
            1_000_000,
            5_000_000,
            (12, 36),
            (300, 400),
            &[Collateral::None],
        ),
        &[],
        &[],
        "",
    );
    let need = n(
        fin_need(2_000_000, 12, &[Property], Some(300)),
        "510100",
        "",
    );
    let reasons = rule(&need, &credit).unwrap();
    assert!(reasons
        .iter()
        .any(|r| r.code == "collateral" && r.zh.contains("信用")));
    assert!(
        reasons.iter().any(|r| r.code == "rate"),
        "a rate equal to the maximum is fine"
    );

    let either = o(
        tr_offer(&["安全生产"], 50, TrainingFormat::Either, Fee::Free),
        &[],
        &[],
        "",
    );
    let online = o(
        tr_offer(&["安全生产"], 50, TrainingFormat::Online, Fee::Free),
        &[],
        &[],
        "",
    );
    let onsite_need = n(
        tr_need("安全生产", 30, TrainingFormat::Onsite),
        "510100",
        "",
    );
    let either_need = n(
        tr_need("安全生产", 30, TrainingFormat::Either),
        "510100",
        "",
    );
    assert!(rule(&onsite_need, &either).is_ok());
    assert_eq!(rule(&onsite_need, &online).unwrap_err(), "format");
    assert!(rule(&either_need, &online).is_ok());
    let big = n(
        tr_need("安全生产", 51, TrainingFormat::Online),
        "510100",
        "",
    );
    assert_eq!(rule(&big, &online).unwrap_err(), "capacity");

    let listed = o(rec_offer(Some(10), Fee::Free), &["510100"], &[], "");
    let mut cityless = n(rec_need(5), "510100", "");
    cityless.city = Option::None;
    assert_eq!(rule(&cityless, &listed).unwrap_err(), "region");
    let all = o(rec_offer(Some(10), Fee::Free), &[], &[], "");
    assert!(
        rule(&cityless, &all).is_ok(),
        "an all-Sichuan offer serves a need without a city"
    );
    assert_eq!(
        rule(&n(rec_need(11), "510100", ""), &all).unwrap_err(),
        "headcount"
    );
    assert!(rule(&n(rec_need(10), "510100", ""), &all).is_ok());
}

fn overlap(a: &str, b: &str) -> f64 {
    let chars: Vec<char> = a.chars().collect();
    let grams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    if grams.is_empty() {
        return 0.0;
    }
    grams.iter().filter(|g| b.contains(g.as_str())).count() as f64 / grams.len() as f64
}

/// A hand-labelled set: for each need, the offers that may serve it, and the best one.
#[test]
fn the_labelled_set_is_matched_exactly_and_the_best_offer_ranks_in_the_top_three() {
    let offers = vec![
        o(
            fin_offer(
                1_000_000,
                20_000_000,
                (12, 60),
                (365, 480),
                &[Equipment, Guarantee],
            ),
            &["510100", "510700"],
            &["C"],
            "设备更新贷款",
        ),
        o(
            fin_offer(500_000, 3_000_000, (6, 36), (400, 600), &[Collateral::None]),
            &[],
            &[],
            "科技型企业信用贷款",
        ),
        o(
            fin_offer(1_000_000, 10_000_000, (12, 36), (420, 550), &[Ip]),
            &[],
            &["C", "I", "M"],
            "知识产权质押融资",
        ),
        o(
            fin_offer(2_000_000, 50_000_000, (24, 120), (380, 460), &[Property]),
            &["510600"],
            &[],
            "厂房扩建项目贷款",
        ),
        o(
            fin_offer(
                100_000,
                2_000_000,
                (3, 12),
                (350, 450),
                &[Receivables, Orders],
            ),
            &[],
            &[],
            "应收账款订单融资",
        ),
        o(
            fin_offer(3_000_000, 30_000_000, (12, 48), (300, 420), &[Guarantee]),
            &["511500"],
            &["C"],
            "技改设备贷款",
        ),
        o(
            fin_offer(50_000, 1_000_000, (3, 12), (450, 700), &[Collateral::None]),
            &[],
            &[],
            "小微流动资金贷款",
        ),
        o(
            rec_offer(Some(200), Fee::Free),
            &[],
            &[],
            "园区专场招聘会 数控车工 焊工",
        ),
        o(
            rec_offer(Some(20), Fee::Subsidized),
            &["510700"],
            &[],
            "技能人才定向招聘",
        ),
        o(rec_offer(None, Fee::Paid), &[], &[], "猎头服务 高级工程师"),
        o(
            rec_offer(Some(500), Fee::Paid),
            &["510100"],
            &[],
            "劳务派遣 普工",
        ),
        o(
            tr_offer(
                &["安全生产", "应急管理"],
                60,
                TrainingFormat::Either,
                Fee::Subsidized,
            ),
            &[],
            &[],
            "安全生产标准化培训",
        ),
        o(
            tr_offer(
                &["电商直播", "短视频运营"],
                40,
                TrainingFormat::Online,
                Fee::Free,
            ),
            &[],
            &[],
            "电商直播带货培训",
        ),
        o(
            tr_offer(&["数控编程", "CNC"], 20, TrainingFormat::Onsite, Fee::Paid),
            &["510700", "510600"],
            &[],
            "数控编程实操培训",
        ),
        o(
            tr_offer(&["精益生产"], 100, TrainingFormat::Onsite, Fee::Subsidized),
            &[],
            &["C"],
            "精益生产管理培训",
        ),
        o(
            tr_offer(&["财务税务"], 80, TrainingFormat::Online, Fee::Free),
            &[],
            &[],
            "中小企业财税培训",
        ),
        o(
            tr_offer(&["出口合规", "外贸"], 30, TrainingFormat::Either, Fee::Paid),
            &["510100"],
            &[],
            "出口合规实务",
        ),
        o(
            fin_offer(1_000_000, 8_000_000, (12, 36), (330, 430), &[Equipment]),
            &["510700"],
            &["C"],
            "绵阳设备按揭贷款",
        ),
        o(
            rec_offer(Some(50), Fee::Free),
            &["511500"],
            &[],
            "宜宾校园招聘",
        ),
        o(
            tr_offer(&["安全生产"], 25, TrainingFormat::Onsite, Fee::Free),
            &["510700"],
            &["C"],
            "绵阳安全生产专题培训",
        ),
    ];
    // (need, eligible offers by index, best offer index)
    let needs: Vec<(N, Vec<usize>, usize)> = vec![
        (
            n(
                fin_need(5_000_000, 36, &[Equipment], Some(450)),
                "510700",
                "设备更新贷款 500万 购置数控机床",
            ),
            vec![0, 17],
            17,
        ),
        (
            n(
                fin_need(5_000_000, 36, &[Equipment, Guarantee], Some(450)),
                "510100",
                "设备更新贷款 五轴加工中心",
            ),
            vec![0],
            0,
        ),
        (
            n(
                fin_need(2_000_000, 24, &[Collateral::None], None),
                "510300",
                "科技型企业信用贷款 研发投入",
            ),
            vec![1],
            1,
        ),
        (
            n(
                fin_need(3_000_000, 24, &[Ip], Some(560)),
                "511000",
                "知识产权质押融资 专利",
            ),
            vec![1, 2],
            2,
        ),
        (
            n(
                fin_need(20_000_000, 60, &[Property], Some(470)),
                "510600",
                "厂房扩建项目贷款",
            ),
            vec![3],
            3,
        ),
        (
            n(
                fin_need(800_000, 6, &[Receivables], Some(460)),
                "511300",
                "应收账款融资 订单周转",
            ),
            vec![1, 4, 6],
            4,
        ),
        (
            n(
                fin_need(10_000_000, 36, &[Guarantee], Some(430)),
                "511500",
                "技改设备贷款 1000万",
            ),
            vec![5],
            5,
        ),
        (
            n(
                fin_need(600_000, 12, &[Collateral::None], Some(800)),
                "512000",
                "流动资金贷款 周转",
            ),
            vec![1, 6],
            6,
        ),
        (
            n(rec_need(10), "510700", "招聘数控车工 10 名"),
            vec![7, 8, 9],
            7,
        ),
        (
            n(rec_need(300), "510100", "招聘普工 300 人"),
            vec![9, 10],
            10,
        ),
        (
            n(rec_need(30), "511500", "校园招聘 应届生"),
            vec![7, 9, 18],
            18,
        ),
        (
            n(
                tr_need("安全生产", 30, TrainingFormat::Onsite),
                "510700",
                "一线员工安全生产培训",
            ),
            vec![11, 14],
            11,
        ),
        (
            n(
                tr_need("电商直播", 25, TrainingFormat::Online),
                "510100",
                "电商直播带货培训 主播",
            ),
            vec![11, 12, 15, 16],
            12,
        ),
        (
            n(
                tr_need("数控编程", 15, TrainingFormat::Onsite),
                "510600",
                "数控编程培训 CNC",
            ),
            vec![11, 13, 14],
            13,
        ),
        (
            n(
                tr_need("财务税务", 50, TrainingFormat::Either),
                "511100",
                "财务税务培训",
            ),
            vec![11, 14, 15],
            15,
        ),
    ];
    let (mut in_top3, mut pairs) = (0, 0);
    for (ni, (need, want, best)) in needs.iter().enumerate() {
        let mut got = Vec::new();
        let mut ranked = Vec::new();
        for (oi, offer) in offers.iter().enumerate() {
            let r = eligible(&need_side(need), &offer_side(offer));
            if let Ok(reasons) = r {
                got.push(oi);
                assert!(!reasons.is_empty(), "need {ni} offer {oi}");
                let s = score(
                    &need_side(need),
                    &offer_side(offer),
                    overlap(need.text, offer.text),
                    &[],
                );
                assert!((0.0..=1.0).contains(&s.score));
                // Each reason states something true: re-check the properties it names.
                for reason in &s.reasons {
                    match reason.code {
                        "region" => assert!(
                            offer.regions.is_empty()
                                || offer.regions.iter().any(|c| Some(c.as_str()) == need.city)
                        ),
                        "industry" => assert!(
                            offer.industries.is_empty()
                                || offer.industries.iter().any(|i| i == need.industry)
                        ),
                        "amount" | "term" | "collateral" | "rate" | "headcount" | "capacity"
                        | "format" | "topic" | "size" => {}
                        other => panic!("unknown reason code {other}"),
                    }
                }
                ranked.push((s.score, oi));
            }
        }
        assert_eq!(&got, want, "need {ni}: eligible offers");
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        pairs += 1;
        if ranked.iter().take(3).any(|(_, oi)| oi == best) {
            in_top3 += 1;
        } else {
            println!("need {ni}: best {best} not in top 3 of {ranked:?}");
        }
    }
    let share = in_top3 as f64 / pairs as f64;
    println!(
        "best offer in the top 3 for {in_top3} of {pairs} needs ({:.0}%)",
        share * 100.0
    );
    assert!(share >= 0.9, "{share}");
}

#[test]
fn scores_reward_text_and_central_amounts_and_name_shared_words() {
    let need = n(
        fin_need(5_000_000, 36, &[Equipment], Some(450)),
        "510700",
        "",
    );
    let central = o(
        fin_offer(1_000_000, 25_000_000, (12, 60), (365, 480), &[Equipment]),
        &[],
        &[],
        "",
    );
    let edge = o(
        fin_offer(5_000_000, 6_000_000, (36, 60), (440, 480), &[Equipment]),
        &[],
        &[],
        "",
    );
    let a = score(&need_side(&need), &offer_side(&central), 0.5, &[]);
    let b = score(&need_side(&need), &offer_side(&edge), 0.5, &[]);
    assert!(a.score > b.score, "{} vs {}", a.score, b.score);
    let c = score(
        &need_side(&need),
        &offer_side(&edge),
        1.0,
        &["设备".into(), "技改".into()],
    );
    assert!(c.score > b.score);
    assert!(c
        .reasons
        .iter()
        .any(|r| r.code == "text" && r.zh == "文本相关：设备、技改"));
    assert!(
        b.score >= THRESHOLD,
        "an eligible pair at the edges still passes with some text"
    );
    assert_eq!(
        score(&need_side(&need), &offer_side(&central), 0.5, &[]).score,
        a.score,
        "deterministic"
    );
}
