use super::*;
use crate::domain::posting::Position;
use crate::domain::Purpose;

use Collateral::{Equipment, Guarantee, Ip, Orders, Property, Receivables};
use TrainingFormat::{Either, Online, Onsite};

const CHENGDU: &str = "510100";
const ZIGONG: &str = "510300";
const LUZHOU: &str = "510500";
const DEYANG: &str = "510600";
const MIANYANG: &str = "510700";
const NEIJIANG: &str = "511000";
const LESHAN: &str = "511100";
const NANCHONG: &str = "511300";
const YIBIN: &str = "511500";
const ZIYANG: &str = "512000";

const WAN: i64 = 10_000;

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

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
    amounts: (i64, i64),
    terms: (i32, i32),
    rates: (i32, i32),
    collateral: &[Collateral],
) -> Details {
    Details::OfferFinancing(OfferFinancing {
        product_type: "贷款".into(),
        amount_min_yuan: amounts.0,
        amount_max_yuan: amounts.1,
        term_min_months: terms.0,
        term_max_months: terms.1,
        annual_rate_min_bp: rates.0,
        annual_rate_max_bp: rates.1,
        collateral_accepted: collateral.to_vec(),
    })
}

fn position(title: &str, headcount: i32, education: Option<&str>) -> Position {
    Position {
        title: title.into(),
        headcount,
        salary_min_yuan: None,
        salary_max_yuan: None,
        skills: vec![],
        education: education.map(String::from),
    }
}

fn rec_need(positions: Vec<Position>) -> Details {
    Details::NeedRecruiting(NeedRecruiting {
        positions,
        start_by: None,
    })
}

fn rec_offer(services: &[RecruitingService], fee: Fee, max: Option<i32>) -> Details {
    Details::OfferRecruiting(OfferRecruiting {
        services: services.to_vec(),
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

/// A need with its SME's facts.
struct N {
    details: Details,
    city: Option<&'static str>,
    industry: &'static str,
    size: &'static str,
    text: &'static str,
}

/// An offer with its audience.
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

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A small manufacturer (C) in the given city.
fn need(details: Details, city: &'static str, text: &'static str) -> N {
    N {
        details,
        city: Some(city),
        industry: "C",
        size: "small",
        text,
    }
}

fn need_of(
    details: Details,
    city: Option<&'static str>,
    industry: &'static str,
    size: &'static str,
    text: &'static str,
) -> N {
    N {
        details,
        city,
        industry,
        size,
        text,
    }
}

/// An offer for everybody.
fn offer(details: Details, text: &'static str) -> O {
    offer_for(details, &[], &[], &[], text)
}

fn offer_for(
    details: Details,
    regions: &[&str],
    industries: &[&str],
    sizes: &[&str],
    text: &'static str,
) -> O {
    O {
        details,
        regions: strings(regions),
        industries: strings(industries),
        sizes: strings(sizes),
        text,
    }
}

fn check(n: &N, o: &O) -> Result<Vec<Reason>, Broken> {
    eligible(&need_side(n), &offer_side(o))
}

fn rule(n: &N, o: &O) -> Result<Vec<Reason>, &'static str> {
    check(n, o).map_err(|b| b.rule)
}

fn find<'r>(reasons: &'r [Reason], code: &str) -> Option<&'r Reason> {
    reasons.iter().find(|r| r.code == code)
}

// ---------------------------------------------------------------------------------------------
// Hard rules, one at a time
// ---------------------------------------------------------------------------------------------

/// The financing pair of the brief: eligible on every rule.
fn base_fin_need() -> N {
    need(
        fin_need(500 * WAN, 36, &[Equipment], Some(450)),
        MIANYANG,
        "设备更新贷款",
    )
}

fn base_fin_offer() -> O {
    offer_for(
        fin_offer((100 * WAN, 2000 * WAN), (12, 60), (365, 480), &[Equipment]),
        &[CHENGDU, MIANYANG],
        &["C"],
        &["small", "medium"],
        "设备贷",
    )
}

#[test]
fn the_base_pairs_are_eligible_with_the_reasons_of_the_brief() {
    let reasons = check(&base_fin_need(), &base_fin_offer()).unwrap();
    let zh = |code| find(&reasons, code).unwrap().zh.clone();
    let en = |code| find(&reasons, code).unwrap().en.clone();
    assert_eq!(zh("amount"), "金额 500万 在产品额度 100万–2000万 之内");
    assert_eq!(
        en("amount"),
        "amount 5,000,000 yuan is within the product's 1,000,000–20,000,000 yuan"
    );
    assert_eq!(reasons[0].code, "amount", "the amount comes first");
    assert_eq!(zh("term"), "期限 36 个月 在 12–60 个月 之内");
    assert_eq!(zh("collateral"), "接受 设备抵押");
    assert_eq!(zh("rate"), "最低年利率 3.65% 不高于 期望的 4.50%");
    assert_eq!(zh("region"), "服务区域包含 绵阳市");
    assert_eq!(en("region"), "serves Mianyang");
    assert_eq!(zh("industry"), "适用行业包含 制造业（C）");
    assert_eq!(zh("size"), "适用小型企业");
    let codes: Vec<&str> = reasons.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        [
            "amount",
            "term",
            "collateral",
            "rate",
            "region",
            "industry",
            "size"
        ]
    );

    let all = offer(
        fin_offer((100 * WAN, 2000 * WAN), (12, 60), (365, 480), &[Equipment]),
        "",
    );
    let reasons = check(&base_fin_need(), &all).unwrap();
    assert_eq!(find(&reasons, "region").unwrap().zh, "服务区域覆盖全省");
    assert_eq!(find(&reasons, "industry").unwrap().zh, "不限行业");
    assert_eq!(find(&reasons, "size").unwrap().zh, "不限企业规模");

    let hires = need(
        rec_need(vec![
            position("数控车工", 10, None),
            position("质检员", 2, None),
        ]),
        MIANYANG,
        "",
    );
    let fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(200)),
        "",
    );
    let reasons = check(&hires, &fair).unwrap();
    assert_eq!(
        find(&reasons, "headcount").unwrap().zh,
        "招聘 12 人 在服务能力 200 人 之内"
    );
    assert_eq!(find(&reasons, "fee").unwrap().zh, "免费服务");
    let unlimited = offer(
        rec_offer(&[RecruitingService::Headhunting], Fee::Paid, None),
        "",
    );
    let reasons = check(&hires, &unlimited).unwrap();
    assert!(find(&reasons, "headcount")
        .unwrap()
        .zh
        .contains("未设人数上限"));
    assert!(
        find(&reasons, "fee").is_none(),
        "a paid service earns no fee reason"
    );
}

#[test]
fn each_hard_rule_refuses_a_pair_that_breaks_exactly_it() {
    let n = base_fin_need();
    let base = base_fin_offer();
    assert!(check(&n, &base).is_ok());
    let variant = |f: &dyn Fn(&mut O)| {
        let mut o = base_fin_offer();
        f(&mut o);
        o
    };
    let with = |d: Details| variant(&|o: &mut O| o.details = d.clone());
    let cases: Vec<(O, &str, &[&str])> = vec![
        (
            variant(&|o: &mut O| o.regions = strings(&[CHENGDU, DEYANG])),
            "region",
            &["绵阳市", "成都市", "德阳市"],
        ),
        (
            variant(&|o: &mut O| o.industries = strings(&["A", "I"])),
            "industry",
            &["制造业", "信息传输"],
        ),
        (
            variant(&|o: &mut O| o.sizes = strings(&["medium", "large"])),
            "size",
            &["小型", "中型", "大型"],
        ),
        (
            with(fin_offer(
                (600 * WAN, 2000 * WAN),
                (12, 60),
                (365, 480),
                &[Equipment],
            )),
            "amount",
            &["500万", "600万–2000万"],
        ),
        (
            with(fin_offer(
                (100 * WAN, 500 * WAN - 1),
                (12, 60),
                (365, 480),
                &[Equipment],
            )),
            "amount",
            &["500万", "4999999元"],
        ),
        (
            with(fin_offer(
                (100 * WAN, 2000 * WAN),
                (48, 60),
                (365, 480),
                &[Equipment],
            )),
            "term",
            &["36", "48–60"],
        ),
        (
            with(fin_offer(
                (100 * WAN, 2000 * WAN),
                (12, 60),
                (365, 480),
                &[Property, Ip],
            )),
            "collateral",
            &["房产抵押", "知识产权质押", "设备抵押"],
        ),
        (
            with(fin_offer(
                (100 * WAN, 2000 * WAN),
                (12, 60),
                (451, 600),
                &[Equipment],
            )),
            "rate",
            &["4.51%", "4.50%"],
        ),
        (
            with(rec_offer(&[RecruitingService::JobFair], Fee::Free, None)),
            "category",
            &["融资", "招工"],
        ),
    ];
    for (o, expected, named) in &cases {
        let b = check(&n, o).unwrap_err();
        assert_eq!(b.rule, *expected, "{}", b.zh);
        for value in *named {
            assert!(b.zh.contains(value), "{expected}: {} lacks {value}", b.zh);
        }
        assert!(!b.en.is_empty());
    }

    // Recruiting: headcount over the service's limit.
    let hires = need(rec_need(vec![position("普工", 201, None)]), MIANYANG, "");
    let fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(200)),
        "",
    );
    let b = check(&hires, &fair).unwrap_err();
    assert_eq!(b.rule, "headcount");
    assert!(b.zh.contains("201") && b.zh.contains("200"), "{}", b.zh);
    let exact = need(rec_need(vec![position("普工", 200, None)]), MIANYANG, "");
    assert!(check(&exact, &fair).is_ok(), "a full service still fits");

    // Training: capacity, then format.
    let course = offer(tr_offer(&["安全生产"], 50, Online, Fee::Free), "");
    let b = check(
        &need(tr_need("安全生产", 51, Online), MIANYANG, ""),
        &course,
    )
    .unwrap_err();
    assert_eq!(b.rule, "capacity");
    assert!(b.zh.contains("51") && b.zh.contains("50"), "{}", b.zh);
    assert!(check(
        &need(tr_need("安全生产", 50, Online), MIANYANG, ""),
        &course
    )
    .is_ok());
    let b = check(
        &need(tr_need("安全生产", 30, Onsite), MIANYANG, ""),
        &course,
    )
    .unwrap_err();
    assert_eq!(b.rule, "format");
    assert!(b.zh.contains("线下") && b.zh.contains("线上"), "{}", b.zh);

    // Two postings of the same kind never pair.
    let two_needs = O {
        details: base_fin_need().details,
        regions: vec![],
        industries: vec![],
        sizes: vec![],
        text: "",
    };
    assert_eq!(rule(&n, &two_needs).unwrap_err(), "category");
}

#[test]
fn audience_rules_come_before_the_category_rules() {
    // Wrong region and wrong amount: the region is named.
    let mut o = base_fin_offer();
    o.regions = strings(&[YIBIN]);
    o.details = fin_offer((600 * WAN, 700 * WAN), (12, 60), (365, 480), &[Equipment]);
    assert_eq!(rule(&base_fin_need(), &o).unwrap_err(), "region");
    o.regions.clear();
    assert_eq!(rule(&base_fin_need(), &o).unwrap_err(), "amount");
}

#[test]
fn amount_and_term_boundaries_are_inclusive() {
    let o = offer(
        fin_offer((100 * WAN, 500 * WAN), (12, 36), (300, 400), &[Equipment]),
        "",
    );
    for (amount, ok) in [
        (100 * WAN, true),
        (500 * WAN, true),
        (100 * WAN - 1, false),
        (500 * WAN + 1, false),
        (300 * WAN, true),
    ] {
        let n = need(fin_need(amount, 12, &[Equipment], None), CHENGDU, "");
        assert_eq!(rule(&n, &o).is_ok(), ok, "{amount}");
        if !ok {
            assert_eq!(rule(&n, &o).unwrap_err(), "amount");
        }
    }
    for (term, ok) in [(12, true), (36, true), (11, false), (37, false)] {
        let n = need(fin_need(200 * WAN, term, &[Equipment], None), CHENGDU, "");
        assert_eq!(rule(&n, &o).is_ok(), ok, "{term}");
    }
    for (max, ok) in [(Some(300), true), (Some(299), false), (None, true)] {
        let n = need(fin_need(200 * WAN, 12, &[Equipment], max), CHENGDU, "");
        assert_eq!(rule(&n, &o).is_ok(), ok, "{max:?}");
        let reasons = rule(&n, &o).unwrap_or_default();
        assert_eq!(
            find(&reasons, "rate").is_some(),
            ok && max.is_some(),
            "a rate reason only when the need names a maximum"
        );
    }
}

#[test]
fn an_offer_that_accepts_no_collateral_serves_any_need() {
    let credit = offer(
        fin_offer(
            (100 * WAN, 500 * WAN),
            (12, 36),
            (300, 400),
            &[Collateral::None],
        ),
        "",
    );
    let n = need(fin_need(200 * WAN, 12, &[Property], Some(300)), CHENGDU, "");
    let reasons = rule(&n, &credit).unwrap();
    let c = find(&reasons, "collateral").unwrap();
    assert_eq!(c.zh, "接受 信用（无抵押）");
    assert!(c.en.contains("no collateral"));

    // A need that offers no collateral needs an offer that accepts `none`.
    let secured = offer(
        fin_offer((100 * WAN, 500 * WAN), (12, 36), (300, 400), &[Property]),
        "",
    );
    let unsecured = need(
        fin_need(200 * WAN, 12, &[Collateral::None], None),
        CHENGDU,
        "",
    );
    assert_eq!(rule(&unsecured, &secured).unwrap_err(), "collateral");
    assert!(rule(&unsecured, &credit).is_ok());

    // Both credit and a shared collateral: both are said.
    let both = offer(
        fin_offer(
            (100 * WAN, 500 * WAN),
            (12, 36),
            (300, 400),
            &[Collateral::None, Receivables, Orders],
        ),
        "",
    );
    let n = need(
        fin_need(200 * WAN, 12, &[Orders, Guarantee], None),
        CHENGDU,
        "",
    );
    let reasons = rule(&n, &both).unwrap();
    assert_eq!(
        find(&reasons, "collateral").unwrap().zh,
        "接受 信用（无抵押）、订单质押"
    );
}

#[test]
fn training_formats_are_compatible_when_equal_or_either() {
    let formats = [Onsite, Online, Either];
    for nf in formats {
        for of in formats {
            let n = need(tr_need("安全生产", 10, nf), CHENGDU, "");
            let o = offer(tr_offer(&["安全生产"], 50, of, Fee::Paid), "");
            let expected = nf == of || nf == Either || of == Either;
            let got = rule(&n, &o);
            assert_eq!(got.is_ok(), expected, "{nf} × {of}");
            match got {
                Ok(reasons) => {
                    let f = find(&reasons, "format").unwrap();
                    assert_eq!(f.zh.starts_with("授课方式一致"), nf == of, "{}", f.zh);
                }
                Err(r) => assert_eq!(r, "format"),
            }
        }
    }
}

#[test]
fn regions_empty_listed_and_a_need_without_a_city() {
    let hires = |city| {
        need_of(
            rec_need(vec![position("普工", 5, None)]),
            city,
            "C",
            "small",
            "",
        )
    };
    let listed = offer_for(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(10)),
        &[CHENGDU, MIANYANG],
        &[],
        &[],
        "",
    );
    let all = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(10)),
        "",
    );
    assert!(rule(&hires(Some(CHENGDU)), &listed).is_ok());
    assert!(rule(&hires(Some(MIANYANG)), &listed).is_ok());
    let b = check(&hires(Some(YIBIN)), &listed).unwrap_err();
    assert_eq!(b.rule, "region");
    assert!(
        b.zh.contains("宜宾市") && b.en.contains("Yibin"),
        "{}",
        b.zh
    );
    let b = check(&hires(None), &listed).unwrap_err();
    assert_eq!(b.rule, "region");
    assert!(b.zh.contains("没有所在城市"), "{}", b.zh);
    for city in [Some(YIBIN), None] {
        let reasons = rule(&hires(city), &all).unwrap();
        assert_eq!(find(&reasons, "region").unwrap().zh, "服务区域覆盖全省");
    }
}

#[test]
fn topic_reasons_only_when_the_topics_share_a_word() {
    let reasons_for = |need_topic: &str, topics: &[&str]| {
        let n = need(tr_need(need_topic, 10, Either), CHENGDU, "");
        let o = offer(tr_offer(topics, 50, Either, Fee::Paid), "");
        rule(&n, &o).unwrap()
    };
    let topic = |need_topic: &str, topics: &[&str]| {
        find(&reasons_for(need_topic, topics), "topic").map(|r| r.zh.clone())
    };
    assert_eq!(
        topic("安全生产", &["电商直播", "安全生产"]).as_deref(),
        Some("课程主题包含「安全生产」")
    );
    assert_eq!(
        topic("安全生产管理", &["安全生产"]).as_deref(),
        Some("课程主题「安全生产」对应需求的「安全生产管理」")
    );
    assert_eq!(
        topic("财务税务", &["税务筹划"]).as_deref(),
        Some("课程主题「税务筹划」与需求的「财务税务」都涉及「税务」")
    );
    assert!(
        topic("CNC编程", &["cnc"]).is_some(),
        "Latin words match whole, any case"
    );
    assert_eq!(topic("安全生产", &["电商直播"]), None);
    assert_eq!(topic("Excel 培训", &["excellence"]), None, "no half words");
    assert_eq!(topic("marketing", &["training"]), None, "no shared letters");
    assert_eq!(
        topic("安全", &["安徽"]),
        None,
        "one character is not a word"
    );
}

#[test]
fn labels_and_numbers_are_formatted_exactly() {
    assert_eq!(pct(365), "3.65%");
    assert_eq!(pct(450), "4.50%");
    assert_eq!(pct(5), "0.05%");
    assert_eq!(pct(1000), "10.00%");
    assert_eq!(grouped(5_000_000), "5,000,000");
    assert_eq!(grouped(999), "999");
    assert_eq!(grouped(1_000), "1,000");
    assert_eq!(yuan_zh(120_000_000), "1.2亿");
    assert_eq!(Collateral::None.phrase_zh(), "信用（无抵押）");
    assert_eq!(Collateral::Equipment.phrase_zh(), "设备抵押");
    assert_eq!(Collateral::Receivables.phrase_zh(), "应收账款质押");
}

// ---------------------------------------------------------------------------------------------
// Score
// ---------------------------------------------------------------------------------------------

fn s(n: &N, o: &O, text: f64) -> f64 {
    score(&need_side(n), &offer_side(o), text, &[]).score
}

#[test]
fn scores_are_bounded_deterministic_and_zero_for_ineligible_pairs() {
    let n = base_fin_need();
    let o = base_fin_offer();
    for text in [-3.0, 0.0, 0.5, 1.0, 7.0, f64::NAN, f64::INFINITY] {
        let a = s(&n, &o, text);
        assert!((0.0..=1.0).contains(&a), "{text}: {a}");
        assert_eq!(a.to_bits(), s(&n, &o, text).to_bits(), "deterministic");
    }
    assert!(s(&n, &o, 1.0) > s(&n, &o, 0.0));
    let mut far = base_fin_offer();
    far.regions = strings(&[YIBIN]);
    let sc = score(&need_side(&n), &offer_side(&far), 1.0, &["设备".into()]);
    assert_eq!(sc.score, 0.0);
    assert!(
        sc.reasons.is_empty(),
        "no reason for a pair that cannot match"
    );
}

#[test]
fn the_text_reason_names_at_most_five_distinct_words() {
    let n = base_fin_need();
    let o = base_fin_offer();
    let words: Vec<String> = [
        "设备", "技改", "设备", " ", "数控", "机床", "贷款", "绵阳", "额外",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    let sc = score(&need_side(&n), &offer_side(&o), 0.8, &words[..2]);
    let text = find(&sc.reasons, "text").unwrap();
    assert_eq!(text.zh, "文本相关：设备、技改");
    assert_eq!(text.en, "shared words: 设备, 技改");
    let sc = score(&need_side(&n), &offer_side(&o), 0.8, &words);
    assert_eq!(
        find(&sc.reasons, "text").unwrap().zh,
        "文本相关：设备、技改、数控、机床、贷款"
    );
    let sc = score(&need_side(&n), &offer_side(&o), 0.8, &[]);
    assert!(find(&sc.reasons, "text").is_none());
    assert_eq!(
        sc.reasons,
        check(&n, &o).unwrap(),
        "otherwise the eligibility reasons"
    );
}

#[test]
fn structured_closeness_orders_pairs_as_a_loan_officer_would() {
    let n = base_fin_need(); // 500万, 36 months, max 4.50%
    let product = |amounts, terms, rates| offer(fin_offer(amounts, terms, rates, &[Equipment]), "");
    // Amount near the geometric middle beats amount at the edge.
    let central = product((100 * WAN, 2500 * WAN), (12, 60), (365, 480));
    let edge = product((500 * WAN, 600 * WAN), (12, 60), (365, 480));
    assert!(s(&n, &central, 0.5) > s(&n, &edge, 0.5));
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(centrality_log(500.0, 100.0, 2500.0), 1.0));
    assert!(close(centrality_log(100.0, 100.0, 2500.0), 0.5));
    assert!(close(centrality_log(2500.0, 100.0, 2500.0), 0.5));
    assert!(close(centrality_lin(36.0, 12.0, 60.0), 1.0));
    // A cheaper product beats a dearer one.
    let cheap = product((100 * WAN, 2500 * WAN), (12, 60), (330, 480));
    let dear = product((100 * WAN, 2500 * WAN), (12, 60), (440, 480));
    assert!(s(&n, &cheap, 0.5) > s(&n, &dear, 0.5));
    // Without a maximum rate the rate is neutral.
    let open = need(fin_need(500 * WAN, 36, &[Equipment], None), MIANYANG, "");
    assert_eq!(s(&open, &cheap, 0.5), s(&open, &dear, 0.5));
    // A term in the middle of the range beats one at its edge.
    let mid_term = product((100 * WAN, 2500 * WAN), (12, 60), (365, 480));
    let edge_term = product((100 * WAN, 2500 * WAN), (36, 120), (365, 480));
    assert!(s(&n, &mid_term, 0.5) > s(&n, &edge_term, 0.5));
    // Naming the city and the industry ranks a little above serving everyone.
    let mut named = product((100 * WAN, 2500 * WAN), (12, 60), (365, 480));
    named.regions = strings(&[MIANYANG]);
    named.industries = strings(&["C"]);
    let generic = product((100 * WAN, 2500 * WAN), (12, 60), (365, 480));
    let gap = s(&n, &named, 0.5) - s(&n, &generic, 0.5);
    assert!(gap > 0.0 && gap <= SPECIFICITY_WEIGHT + 1e-12, "{gap}");

    // Recruiting: free beats subsidised beats paid; a service with room beats a full one.
    let hires = need(rec_need(vec![position("普工", 40, None)]), MIANYANG, "");
    let fee = |f| offer(rec_offer(&[RecruitingService::JobFair], f, Some(200)), "");
    let (free, sub, paid) = (
        s(&hires, &fee(Fee::Free), 0.5),
        s(&hires, &fee(Fee::Subsidized), 0.5),
        s(&hires, &fee(Fee::Paid), 0.5),
    );
    assert!(free > sub && sub > paid, "{free} {sub} {paid}");
    let full = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(40)),
        "",
    );
    assert!(s(&hires, &fee(Fee::Free), 0.5) > s(&hires, &full, 0.5));
    // A few senior posts suit headhunting better than a job fair of the same price.
    let senior = need(
        rec_need(vec![position("研发总监", 1, Some("硕士"))]),
        MIANYANG,
        "",
    );
    let hunt = offer(
        rec_offer(&[RecruitingService::Headhunting], Fee::Paid, None),
        "",
    );
    let fair = offer(
        rec_offer(&[RecruitingService::LaborDispatch], Fee::Paid, None),
        "",
    );
    assert!(s(&senior, &hunt, 0.5) > s(&senior, &fair, 0.5));

    // Training: exact format beats `either`, a shared topic beats none.
    let t = need(tr_need("安全生产", 20, Onsite), MIANYANG, "");
    let course = |topics: &[&str], f| offer(tr_offer(topics, 60, f, Fee::Free), "");
    assert!(
        s(&t, &course(&["安全生产"], Onsite), 0.5) > s(&t, &course(&["安全生产"], Either), 0.5)
    );
    assert!(
        s(&t, &course(&["安全生产"], Onsite), 0.5) > s(&t, &course(&["精益管理"], Onsite), 0.5)
    );
    assert!(
        s(&t, &course(&["安全生产标准化"], Onsite), 0.5)
            > s(&t, &course(&["生产管理"], Onsite), 0.5)
    );
}

// ---------------------------------------------------------------------------------------------
// The labelled matching set
// ---------------------------------------------------------------------------------------------

/// 29 offers: 12 financing products, 8 recruiting services, 9 training programmes.
fn labelled_offers() -> Vec<O> {
    use RecruitingService::{Campus, Headhunting, JobFair, LaborDispatch, OnlinePosting};
    vec![
        // 0
        offer_for(
            fin_offer(
                (100 * WAN, 2000 * WAN),
                (12, 60),
                (385, 480),
                &[Equipment, Guarantee, Property],
            ),
            &[CHENGDU, MIANYANG],
            &["C"],
            &["micro", "small", "medium"],
            "设备更新贷款 面向制造业企业购置设备 技改",
        ),
        // 1
        offer_for(
            fin_offer(
                (50 * WAN, 300 * WAN),
                (6, 36),
                (400, 600),
                &[Collateral::None],
            ),
            &[],
            &["C", "I", "M"],
            &[],
            "科技型中小企业信用贷款 研发投入 无需抵押",
        ),
        // 2
        offer_for(
            fin_offer((100 * WAN, 1000 * WAN), (12, 36), (420, 550), &[Ip]),
            &[],
            &["C", "I", "M"],
            &[],
            "知识产权质押融资 发明专利 商标",
        ),
        // 3
        offer_for(
            fin_offer((200 * WAN, 5000 * WAN), (24, 120), (380, 460), &[Property]),
            &[DEYANG],
            &[],
            &[],
            "厂房扩建项目贷款 固定资产",
        ),
        // 4
        offer(
            fin_offer(
                (10 * WAN, 200 * WAN),
                (3, 12),
                (350, 450),
                &[Receivables, Orders],
            ),
            "应收账款融资 订单融资 供应链 周转",
        ),
        // 5
        offer_for(
            fin_offer((300 * WAN, 3000 * WAN), (12, 48), (300, 420), &[Guarantee]),
            &[YIBIN],
            &["C"],
            &[],
            "技改设备贷款 智能化改造 担保",
        ),
        // 6
        offer_for(
            fin_offer(
                (5 * WAN, 100 * WAN),
                (3, 12),
                (450, 700),
                &[Collateral::None],
            ),
            &[],
            &[],
            &["micro", "small"],
            "小微企业流动资金贷款 信用 周转",
        ),
        // 7
        offer_for(
            fin_offer((200 * WAN, 1200 * WAN), (12, 60), (330, 430), &[Equipment]),
            &[MIANYANG],
            &["C"],
            &[],
            "绵阳设备按揭贷款 数控机床 购置",
        ),
        // 8
        offer_for(
            fin_offer(
                (1000 * WAN, 10_000 * WAN),
                (36, 120),
                (390, 460),
                &[Property, Guarantee],
            ),
            &[],
            &[],
            &["medium", "large"],
            "大额项目贷款 扩产 固定资产投资",
        ),
        // 9
        offer_for(
            fin_offer(
                (50 * WAN, 500 * WAN),
                (3, 12),
                (360, 480),
                &[Orders, Receivables],
            ),
            &[CHENGDU, LUZHOU, YIBIN],
            &["C", "F"],
            &[],
            "外贸出口订单融资 信用证",
        ),
        // 10
        offer(
            fin_offer(
                (10 * WAN, 3000 * WAN),
                (6, 60),
                (430, 650),
                &[Collateral::None, Property, Equipment, Guarantee],
            ),
            "园区普惠贷款 中小微企业 多种担保方式",
        ),
        // 11
        offer(
            rec_offer(&[JobFair, OnlinePosting], Fee::Free, Some(200)),
            "园区专场招聘会 普工 技工 焊工",
        ),
        // 12
        offer_for(
            rec_offer(&[JobFair], Fee::Subsidized, Some(20)),
            &[MIANYANG],
            &[],
            &[],
            "绵阳技能人才定向招聘 数控车工 质检",
        ),
        // 13
        offer(
            rec_offer(&[Headhunting], Fee::Paid, None),
            "猎头服务 高级工程师 研发总监 中高端人才",
        ),
        // 14
        offer_for(
            rec_offer(&[LaborDispatch], Fee::Paid, Some(500)),
            &[CHENGDU],
            &[],
            &[],
            "劳务派遣 普工 装配工 大批量用工",
        ),
        // 15
        offer_for(
            rec_offer(&[Campus], Fee::Free, Some(50)),
            &[YIBIN],
            &[],
            &[],
            "校园招聘 应届毕业生 职业院校",
        ),
        // 16
        offer_for(
            rec_offer(&[OnlinePosting], Fee::Free, Some(30)),
            &[],
            &["I", "M"],
            &[],
            "线上招聘 软件工程师 程序员 Java",
        ),
        // 17
        offer_for(
            rec_offer(&[JobFair, LaborDispatch], Fee::Subsidized, Some(100)),
            &[DEYANG],
            &["C"],
            &[],
            "德阳装备制造招工 焊工 装配工",
        ),
        // 18
        offer(
            tr_offer(&["安全生产", "应急管理"], 60, Either, Fee::Subsidized),
            "安全生产标准化培训 应急管理 一线员工",
        ),
        // 19
        offer(
            tr_offer(&["电商直播", "短视频运营"], 40, Online, Fee::Free),
            "电商直播带货培训 短视频运营 主播",
        ),
        // 20
        offer_for(
            tr_offer(&["数控编程", "CNC"], 20, Onsite, Fee::Paid),
            &[MIANYANG, DEYANG],
            &[],
            &[],
            "数控编程实操培训 CNC 加工中心",
        ),
        // 21
        offer_for(
            tr_offer(&["精益生产", "6S管理"], 100, Onsite, Fee::Subsidized),
            &[],
            &["C"],
            &[],
            "精益生产管理培训 现场管理 班组长",
        ),
        // 22
        offer(
            tr_offer(&["财务税务", "税务筹划"], 80, Online, Fee::Free),
            "中小企业财务税务培训 发票 增值税",
        ),
        // 23
        offer_for(
            tr_offer(&["出口合规", "外贸"], 30, Either, Fee::Paid),
            &[CHENGDU],
            &[],
            &[],
            "外贸出口合规实务培训 报关 跨境",
        ),
        // 24
        offer_for(
            tr_offer(&["安全生产"], 25, Onsite, Fee::Free),
            &[MIANYANG],
            &["C"],
            &[],
            "绵阳安全生产专题培训 危化品",
        ),
        // 25
        offer_for(
            tr_offer(&["焊接技术", "焊工证"], 40, Onsite, Fee::Subsidized),
            &[],
            &[],
            &["small", "medium", "large"],
            "焊工技能提升培训 焊接技术 焊工证 特种作业",
        ),
        // 26–28: generic competitors, open to everyone, eligible for most needs of their kind.
        // 26
        offer(
            fin_offer(
                (50 * WAN, 5000 * WAN),
                (6, 60),
                (400, 550),
                &[Guarantee, Collateral::None],
            ),
            "融资担保增信贷款 中小企业",
        ),
        // 27
        offer(
            rec_offer(
                &[JobFair, Headhunting, LaborDispatch, Campus, OnlinePosting],
                Fee::Paid,
                None,
            ),
            "人力资源综合服务 招聘外包",
        ),
        // 28
        offer(
            tr_offer(&["职业技能", "安全生产", "电商"], 200, Either, Fee::Paid),
            "职业技能综合培训 多工种",
        ),
    ]
}

/// 26 needs, each with the offers that may serve it (worked out by hand, rule by rule, in the
/// comments) and the one that serves it best.
fn labelled_needs() -> Vec<(N, Vec<usize>, usize)> {
    let fin = |amount_wan: i64, term, collateral: &[Collateral], rate| {
        fin_need(amount_wan * WAN, term, collateral, rate)
    };
    vec![
        // 0–10: financing.
        // 0: 1–6, 8, 9 fail on amount, region or collateral; 0, 7, 10 pass every rule.
        //    7 is local, aimed at equipment, centred on 500万 and cheapest.
        (
            need(
                fin(500, 36, &[Equipment], Some(450)),
                MIANYANG,
                "设备更新贷款 500万 购置数控机床",
            ),
            vec![0, 7, 10, 26],
            7,
        ),
        // 1: 9 (成都, C, 50万–500万 holds 500万) fails on the term; 7 is 绵阳 only.
        (
            need(
                fin(500, 36, &[Equipment, Guarantee], Some(450)),
                CHENGDU,
                "设备更新贷款 五轴加工中心",
            ),
            vec![0, 10, 26],
            0,
        ),
        // 2: software (I) in 自贡 wanting credit: 2 wants IP, 4 fails the term (24 > 12).
        (
            need_of(
                fin(200, 24, &[Collateral::None], None),
                Some(ZIGONG),
                "I",
                "small",
                "科技型软件企业信用贷款 研发投入",
            ),
            vec![1, 10, 26],
            1,
        ),
        // 3: 300万 is 1's maximum; 1 and 10 accept credit, 2 takes the IP.
        (
            need(
                fin(300, 24, &[Ip], Some(560)),
                NEIJIANG,
                "知识产权质押融资 发明专利",
            ),
            vec![1, 2, 10, 26],
            2,
        ),
        // 4: a medium firm in 德阳 for 2000万: 3 (德阳), 8 (medium), 10 (60 months is its max).
        (
            need_of(
                fin(2000, 60, &[Property], Some(470)),
                Some(DEYANG),
                "C",
                "medium",
                "厂房扩建项目贷款 新建生产线",
            ),
            vec![3, 8, 10, 26],
            3,
        ),
        // 5: a micro wholesaler (F) in 南充: 1 and 2 are not for F, 9 not for 南充, 8 not micro.
        (
            need_of(
                fin(80, 6, &[Receivables], Some(460)),
                Some(NANCHONG),
                "F",
                "micro",
                "应收账款融资 订单周转 货款回笼",
            ),
            vec![4, 6, 10, 26],
            4,
        ),
        // 6: 1000万 is 2's maximum but 2 wants IP; 8 starts at 1000万 and 36 months; 10's
        //    lowest rate equals the 4.30% wanted.
        (
            need_of(
                fin(1000, 36, &[Guarantee], Some(430)),
                Some(YIBIN),
                "C",
                "medium",
                "技改设备贷款 1000万 智能化改造",
            ),
            vec![5, 8, 10, 26],
            5,
        ),
        // 7: a micro hotel (H) in 资阳 wanting credit: 4 wants receivables or orders.
        (
            need_of(
                fin(60, 12, &[Collateral::None], Some(800)),
                Some(ZIYANG),
                "H",
                "micro",
                "小微企业流动资金贷款 门店周转",
            ),
            vec![6, 10, 26],
            6,
        ),
        // 8: 80万 on export orders from 泸州: 9 is the export-order product for 泸州.
        (
            need(
                fin(80, 12, &[Orders], Some(500)),
                LUZHOU,
                "外贸出口订单融资 信用证",
            ),
            vec![1, 4, 6, 9, 10, 26],
            9,
        ),
        // 9: a large firm in 成都 for 5000万: 0 is not for large firms, 10 stops at 3000万.
        (
            need_of(
                fin(5000, 84, &[Property, Guarantee], None),
                Some(CHENGDU),
                "C",
                "large",
                "扩产项目贷款 固定资产投资 新厂区",
            ),
            vec![8],
            8,
        ),
        // 10: at most 4.00%: 10 starts at 4.30%, 7 at 200万, 2 wants IP, 4 wants receivables.
        (
            need(
                fin(150, 12, &[Equipment], Some(400)),
                MIANYANG,
                "设备贷款 购置注塑机",
            ),
            vec![0, 1, 26],
            0,
        ),
        // 11–16: recruiting.
        // 11: 12 hires in 绵阳: 12 (绵阳, ≤ 20), 11 and 13 everywhere; 16 is not for C.
        (
            need(
                rec_need(vec![
                    position("数控车工", 10, None),
                    position("质检员", 2, None),
                ]),
                MIANYANG,
                "招聘数控车工 质检员 两班倒",
            ),
            vec![11, 12, 13, 27],
            12,
        ),
        // 12: 300 hires: 11 stops at 200; 14 (成都, ≤ 500) dispatches labour.
        (
            need_of(
                rec_need(vec![position("普工", 300, None)]),
                Some(CHENGDU),
                "C",
                "medium",
                "招聘普工 300 人 装配工",
            ),
            vec![13, 14, 27],
            14,
        ),
        // 13: 30 graduates in 宜宾: 15 is the 宜宾 campus service.
        (
            need(
                rec_need(vec![position("机电一体化技术员", 30, Some("大专"))]),
                YIBIN,
                "校园招聘 应届毕业生 机电一体化",
            ),
            vec![11, 13, 15, 27],
            15,
        ),
        // 14: 5 software engineers (I) in 成都: 11, 13, 14 (成都), 16 (I).
        (
            need_of(
                rec_need(vec![position("Java 软件工程师", 5, Some("本科"))]),
                Some(CHENGDU),
                "I",
                "small",
                "招聘 Java 软件工程师 5 名",
            ),
            vec![11, 13, 14, 16, 27],
            16,
        ),
        // 15: 40 welders in 德阳: 17 is the 德阳 manufacturing service.
        (
            need_of(
                rec_need(vec![position("焊工", 40, None)]),
                Some(DEYANG),
                "C",
                "medium",
                "招聘焊工 40 名 装备制造",
            ),
            vec![11, 13, 17, 27],
            17,
        ),
        // 16: one R&D director (M) with no city: only all-Sichuan offers; 13 hunts heads.
        (
            need_of(
                rec_need(vec![position("研发总监", 1, Some("硕士"))]),
                None,
                "M",
                "small",
                "招聘研发总监 新材料",
            ),
            vec![11, 13, 16, 27],
            13,
        ),
        // 17–23: training.
        // 17: 30 on site in 绵阳: 19, 22 online; 20 (20) and 24 (25) too small; 23 成都.
        (
            need(
                tr_need("安全生产", 30, Onsite),
                MIANYANG,
                "一线员工安全生产培训",
            ),
            vec![18, 21, 25, 28],
            18,
        ),
        // 18: a micro retailer (F) online in 成都: 21 is for C, 25 not micro, 20/24 elsewhere.
        (
            need_of(
                tr_need("电商直播", 25, Online),
                Some(CHENGDU),
                "F",
                "micro",
                "电商直播带货培训 主播孵化",
            ),
            vec![18, 19, 22, 23, 28],
            19,
        ),
        // 19: 15 on site in 德阳: 20 (德阳, CNC) is the one.
        (
            need(
                tr_need("数控编程", 15, Onsite),
                DEYANG,
                "数控编程培训 CNC 加工中心操作",
            ),
            vec![18, 20, 21, 25, 28],
            20,
        ),
        // 20: 50 in 乐山, either format: 19 (40) and 25 (40) are too small.
        (
            need(
                tr_need("财务税务", 50, Either),
                LESHAN,
                "财务税务培训 增值税 发票管理",
            ),
            vec![18, 21, 22, 28],
            22,
        ),
        // 21: 20 welders in 德阳 (20 has exactly 20 places): 25 is the welding course.
        (
            need_of(
                tr_need("焊工证", 20, Onsite),
                Some(DEYANG),
                "C",
                "medium",
                "焊工取证培训 特种作业",
            ),
            vec![18, 20, 21, 25, 28],
            25,
        ),
        // 22: 80 on site, no city: 22 holds 80 but is online; only 21 is left.
        (
            need_of(
                tr_need("精益生产", 80, Onsite),
                None,
                "C",
                "medium",
                "精益生产管理培训 班组长",
            ),
            vec![21, 28],
            21,
        ),
        // 23: foreign trade (F) online in 成都: 23 (成都, 外贸); 25 is on site.
        (
            need_of(
                tr_need("外贸", 20, Online),
                Some(CHENGDU),
                "F",
                "small",
                "外贸出口合规培训 报关",
            ),
            vec![18, 19, 22, 23, 28],
            23,
        ),
        // 24: 300万 in 成都 at most 5.00%: 1 (300万 is its maximum), 0, 10 and 26 pass; 9 fails
        //     on the term, 7 on the region, 2 and 4 on the collateral. 0 is local, for C,
        //     cheapest and near the middle of its range.
        (
            need(
                fin(300, 36, &[Equipment], Some(500)),
                CHENGDU,
                "设备贷款 300万 注塑设备",
            ),
            vec![0, 1, 10, 26],
            0,
        ),
        // 25: 40 trainees, either format, in 成都: 23 holds 30, 20 and 24 are elsewhere; 19
        //     (online, 40 places) and 25 (on site, 40 places) fit exactly.
        (
            need(
                tr_need("安全生产", 40, Either),
                CHENGDU,
                "安全生产培训 40 人 应急演练",
            ),
            vec![18, 19, 21, 22, 25, 28],
            18,
        ),
    ]
}

/// The share of the need's character bigrams that occur in the offer's text (a stand-in for
/// the search index), and the need's space-separated words that occur in the offer.
fn overlap(need_text: &str, offer_text: &str) -> (f64, Vec<String>) {
    let chars: Vec<char> = need_text.chars().filter(|c| !c.is_whitespace()).collect();
    let grams: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    let share = if grams.is_empty() {
        0.0
    } else {
        grams
            .iter()
            .filter(|g| offer_text.contains(g.as_str()))
            .count() as f64
            / grams.len() as f64
    };
    let words = need_text
        .split_whitespace()
        .filter(|w| w.chars().count() >= 2 && offer_text.contains(w))
        .map(String::from)
        .collect();
    (share, words)
}

fn same_category(n: &N, o: &O) -> bool {
    matches!(
        (&n.details, &o.details),
        (Details::NeedFinancing(_), Details::OfferFinancing(_))
            | (Details::NeedRecruiting(_), Details::OfferRecruiting(_))
            | (Details::NeedTraining(_), Details::OfferTraining(_))
    )
}

/// Two consecutive characters in common, worked out the slow way.
fn shares_two_chars(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let a: Vec<char> = a.chars().collect();
    a.windows(2)
        .any(|w| w.iter().all(|c| c.is_alphanumeric()) && b.contains(&w.iter().collect::<String>()))
}

/// Re-checks, from the postings themselves, the property a reason claims.
fn assert_true_of(n: &N, o: &O, r: &Reason, shared: &[String]) {
    let what = format!("{} / {}: {} «{}»", n.text, o.text, r.code, r.zh);
    match (r.code, &n.details, &o.details) {
        ("amount", Details::NeedFinancing(nf), Details::OfferFinancing(of)) => {
            assert!(
                (of.amount_min_yuan..=of.amount_max_yuan).contains(&nf.amount_yuan),
                "{what}"
            );
            assert!(r.zh.contains(&yuan_zh(nf.amount_yuan)), "{what}");
        }
        ("term", Details::NeedFinancing(nf), Details::OfferFinancing(of)) => {
            assert!(
                (of.term_min_months..=of.term_max_months).contains(&nf.term_months),
                "{what}"
            );
        }
        ("collateral", Details::NeedFinancing(nf), Details::OfferFinancing(of)) => {
            for c in Collateral::ALL {
                if r.zh.contains(c.zh()) {
                    assert!(of.collateral_accepted.contains(c), "{what}");
                    assert!(
                        *c == Collateral::None || nf.collateral.contains(c),
                        "{what}"
                    );
                }
            }
            assert!(
                of.collateral_accepted.contains(&Collateral::None)
                    || nf
                        .collateral
                        .iter()
                        .any(|c| of.collateral_accepted.contains(c)),
                "{what}"
            );
        }
        ("rate", Details::NeedFinancing(nf), Details::OfferFinancing(of)) => {
            let max = nf
                .max_annual_rate_bp
                .expect("a rate reason needs a maximum");
            assert!(of.annual_rate_min_bp <= max, "{what}");
            assert!(r.zh.contains(&pct(of.annual_rate_min_bp)), "{what}");
        }
        ("headcount", Details::NeedRecruiting(nr), Details::OfferRecruiting(or)) => {
            assert!(
                or.max_headcount
                    .is_none_or(|m| nr.total_headcount() <= m as i64),
                "{what}"
            );
            assert!(r.zh.contains(&nr.total_headcount().to_string()), "{what}");
        }
        ("capacity", Details::NeedTraining(nt), Details::OfferTraining(ot)) => {
            assert!(nt.headcount <= ot.capacity, "{what}");
        }
        ("format", Details::NeedTraining(nt), Details::OfferTraining(ot)) => {
            assert!(
                nt.format == ot.format || nt.format == Either || ot.format == Either,
                "{what}"
            );
            assert_eq!(r.zh.contains("一致"), nt.format == ot.format, "{what}");
        }
        ("topic", Details::NeedTraining(nt), Details::OfferTraining(ot)) => {
            assert!(
                ot.topics.iter().any(|t| shares_two_chars(&nt.topic, t)),
                "{what}"
            );
        }
        ("fee", _, Details::OfferRecruiting(OfferRecruiting { fee, .. }))
        | ("fee", _, Details::OfferTraining(OfferTraining { fee, .. })) => {
            assert_ne!(*fee, Fee::Paid, "{what}");
        }
        ("region", _, _) => match n.city {
            Some(city) if !o.regions.is_empty() => {
                assert!(o.regions.iter().any(|c| c == city), "{what}");
                assert!(r.zh.contains(&city_names(city).0), "{what}");
            }
            _ => {
                assert!(o.regions.is_empty(), "{what}");
                assert_eq!(r.zh, "服务区域覆盖全省", "{what}");
            }
        },
        ("industry", _, _) => assert!(
            o.industries.is_empty() || o.industries.iter().any(|i| i == n.industry),
            "{what}"
        ),
        ("size", _, _) => assert!(
            o.sizes.is_empty() || o.sizes.iter().any(|s| s == n.size),
            "{what}"
        ),
        ("text", _, _) => {
            assert!(!shared.is_empty(), "{what}");
            for w in shared.iter().take(5) {
                assert!(r.zh.contains(w.as_str()), "{what}");
                assert!(n.text.contains(w.as_str()) && o.text.contains(w.as_str()));
            }
        }
        (code, _, _) => panic!("{what}: no check for reason code {code}"),
    }
}

struct Ranking {
    top3: usize,
    top1: usize,
    reciprocal: f64,
    needs: usize,
}

/// Text relevance and shared words of a pair, given the best raw overlap of the need.
type TextOf<'t> = &'t dyn Fn(&N, &O, f64) -> (f64, Vec<String>);

/// Ranks each need's eligible offers by score; `text` gives the relevance and shared words.
fn rank(needs: &[(N, Vec<usize>, usize)], offers: &[O], text: TextOf) -> Ranking {
    let mut r = Ranking {
        top3: 0,
        top1: 0,
        reciprocal: 0.0,
        needs: needs.len(),
    };
    for (ni, (n, _, best)) in needs.iter().enumerate() {
        // As the index does, relevance is relative to the best hit among the offers searched.
        let best_raw = offers
            .iter()
            .filter(|o| same_category(n, o))
            .map(|o| overlap(n.text, o.text).0)
            .fold(0.0, f64::max);
        let mut ranked: Vec<(f64, usize)> = offers
            .iter()
            .enumerate()
            .filter(|(_, o)| check(n, o).is_ok())
            .map(|(oi, o)| {
                let (relevance, shared) = text(n, o, best_raw);
                let sc = score(&need_side(n), &offer_side(o), relevance, &shared);
                (sc.score, oi)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let pos = ranked.iter().position(|(_, oi)| oi == best);
        match pos {
            Some(p) if p < 3 => r.top3 += 1,
            _ => println!("need {ni}: best offer {best} ranks {pos:?} in {ranked:.3?}"),
        }
        if pos == Some(0) {
            r.top1 += 1;
        }
        r.reciprocal += pos.map_or(0.0, |p| 1.0 / (p + 1) as f64);
    }
    r
}

#[test]
fn the_labelled_set_is_matched_exactly_and_the_best_offer_ranks_in_the_top_three() {
    let offers = labelled_offers();
    let needs = labelled_needs();
    assert!(offers.len() >= 20 && needs.len() >= 12);

    // 1. Eligibility agrees with the hand labels, pair by pair, in both directions.
    let mut eligible_pairs = 0;
    let mut wrong = Vec::new();
    for (ni, (n, want, best)) in needs.iter().enumerate() {
        assert!(
            want.contains(best),
            "need {ni}: the best offer must be eligible"
        );
        for (oi, o) in offers.iter().enumerate() {
            let got = check(n, o);
            if got.is_ok() != want.contains(&oi) {
                wrong.push(format!(
                    "need {ni} × offer {oi}: labelled {}, got {:?}",
                    want.contains(&oi),
                    got.as_ref().map(|_| "eligible").map_err(|b| &b.zh)
                ));
            }
            if got.is_ok() {
                eligible_pairs += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // 2. Every reason of every eligible pair is true of it; scores are in [0, 1] and stable.
    let mut scores_of_best = Vec::new();
    let mut scores_of_rest = Vec::new();
    let mut suggested = 0;
    for (n, want, best) in &needs {
        let best_raw = offers
            .iter()
            .filter(|o| same_category(n, o))
            .map(|o| overlap(n.text, o.text).0)
            .fold(0.0, f64::max);
        let mut kept = Vec::new();
        for (oi, o) in offers.iter().enumerate() {
            let (raw, shared) = overlap(n.text, o.text);
            let relevance = if best_raw > 0.0 { raw / best_raw } else { 0.0 };
            let sc = score(&need_side(n), &offer_side(o), relevance, &shared);
            assert!((0.0..=1.0).contains(&sc.score));
            let again = score(&need_side(n), &offer_side(o), relevance, &shared);
            assert_eq!(sc, again, "deterministic");
            if !want.contains(&oi) {
                assert_eq!(sc.score, 0.0);
                continue;
            }
            assert!(!sc.reasons.is_empty());
            for r in &sc.reasons {
                assert_true_of(n, o, r, &shared);
            }
            if oi == *best {
                scores_of_best.push(sc.score);
            } else {
                scores_of_rest.push(sc.score);
            }
            if sc.score >= THRESHOLD {
                kept.push(oi);
            }
        }
        kept.truncate(MAX_SUGGESTIONS);
        assert!(
            kept.iter().all(|oi| want.contains(oi)),
            "only eligible pairs are suggested"
        );
        suggested += kept.len();
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    println!(
        "labelled set: {} needs × {} offers, {eligible_pairs} eligible pairs (all as labelled), \
         {suggested} suggested at THRESHOLD {THRESHOLD}: precision {:.0}% (suggestions that are \
         eligible)",
        needs.len(),
        offers.len(),
        100.0
    );
    println!(
        "scores: labelled best {:.3}–{:.3}, other eligible {:.3}–{:.3}",
        min(&scores_of_best),
        max(&scores_of_best),
        min(&scores_of_rest),
        max(&scores_of_rest)
    );
    assert!(
        min(&scores_of_best) >= THRESHOLD,
        "a labelled best offer is never cut by the threshold"
    );

    // Without any text relevance (an offer the index did not find), structure alone decides.
    let blind: Vec<(f64, bool)> = needs
        .iter()
        .flat_map(|(n, want, best)| want.iter().map(move |oi| (n, *oi, oi == best)))
        .map(|(n, oi, is_best)| {
            let o = &offers[oi];
            (
                score(&need_side(n), &offer_side(o), 0.0, &[]).score,
                is_best,
            )
        })
        .collect();
    let blind_best: Vec<f64> = blind.iter().filter(|b| b.1).map(|b| b.0).collect();
    let blind_rest: Vec<f64> = blind.iter().filter(|b| !b.1).map(|b| b.0).collect();
    assert!(
        min(&blind_best) >= THRESHOLD,
        "structure alone keeps every labelled best offer above the threshold"
    );
    println!(
        "relevance 0: labelled best {:.3}–{:.3} ({} of {} ≥ THRESHOLD), other eligible \
         {:.3}–{:.3} ({} of {} ≥ THRESHOLD)",
        min(&blind_best),
        max(&blind_best),
        blind_best.iter().filter(|s| **s >= THRESHOLD).count(),
        blind_best.len(),
        min(&blind_rest),
        max(&blind_rest),
        blind_rest.iter().filter(|s| **s >= THRESHOLD).count(),
        blind_rest.len(),
    );

    // 3. Ranking: with the word overlap as text relevance, and with a constant 0.5.
    let with_text = rank(&needs, &offers, &|n, o, best_raw| {
        let (raw, shared) = overlap(n.text, o.text);
        (if best_raw > 0.0 { raw / best_raw } else { 0.0 }, shared)
    });
    let structured = rank(&needs, &offers, &|_, _, _| (0.5, vec![]));
    for (label, r) in [
        ("word-overlap relevance", &with_text),
        ("constant relevance 0.5", &structured),
    ] {
        println!(
            "{label}: best offer in the top 3 for {}/{} needs ({:.0}%), first for {}/{} \
             ({:.0}%), MRR {:.3}",
            r.top3,
            r.needs,
            100.0 * r.top3 as f64 / r.needs as f64,
            r.top1,
            r.needs,
            100.0 * r.top1 as f64 / r.needs as f64,
            r.reciprocal / r.needs as f64
        );
    }
    let nontrivial = needs.iter().filter(|(_, want, _)| want.len() > 3).count();
    println!("needs with more than three eligible offers: {nontrivial}");
    assert!(with_text.top3 as f64 >= 0.9 * needs.len() as f64);
    assert!(structured.top3 as f64 >= 0.9 * needs.len() as f64);
    assert!(with_text.top1 as f64 >= 0.8 * needs.len() as f64);
}
