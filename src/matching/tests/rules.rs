//! The hard rules, one at a time, and how reasons word things.

use super::*;
use crate::matching::wording::{grouped, pct, yuan_range_zh, yuan_zh};

#[test]
fn the_base_pairs_are_eligible_with_the_reasons_of_the_brief() {
    let reasons = check(&base_fin_need(), &base_fin_offer()).unwrap();
    let zh = |code| find(&reasons, code).unwrap().zh.clone();
    let en = |code| find(&reasons, code).unwrap().en.clone();
    assert_eq!(zh("amount"), "贷款额度 100–2000万元覆盖所需的 500万元");
    assert_eq!(
        en("amount"),
        "loans of 1,000,000–20,000,000 yuan cover the 5,000,000 yuan needed"
    );
    assert_eq!(reasons[0].code, "amount", "the amount comes first");
    assert_eq!(zh("term"), "贷款期限 12–60个月，覆盖所需的 36个月");
    assert_eq!(zh("collateral"), "接受设备抵押");
    assert_eq!(zh("rate"), "年利率上限 4.50%，本服务最低 3.65%");
    assert_eq!(zh("region"), "服务区域包含绵阳市");
    assert_eq!(en("region"), "serves Mianyang");
    assert_eq!(zh("industry"), "适用行业包含制造业");
    assert_eq!(zh("size"), "适用小型企业");
    assert_eq!(
        en("rate"),
        "the need accepts up to 4.50% a year; the product starts at 3.65%"
    );
    assert_eq!(yuan_range_zh(500_000, 120_000_000), "50万元–1.2亿元");
    assert_eq!(yuan_range_zh(3_500, 10_000), "3500元–1万元");
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
        "招聘 12 人，在服务可承接的 200 人以内"
    );
    assert_eq!(find(&reasons, "fee").unwrap().zh, "免费服务");
    let unlimited = offer(
        rec_offer(&[RecruitingService::Headhunting], Fee::Paid, None),
        "",
    );
    let reasons = check(&hires, &unlimited).unwrap();
    assert!(find(&reasons, "headcount").unwrap().zh.contains("不限人数"));
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
            variant(&|o: &mut O| o.audience.regions = cities(&[CHENGDU, DEYANG])),
            "region",
            &["绵阳市", "成都市", "德阳市"],
        ),
        (
            variant(&|o: &mut O| o.audience.industries = industries(&["A", "I"])),
            "industry",
            &["制造业", "信息传输"],
        ),
        (
            variant(&|o: &mut O| o.audience.sizes = sizes(&["medium", "large"])),
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
            &["500万元", "600–2000万元"],
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
        audience: Audience::default(),
        text: "",
    };
    assert_eq!(rule(&n, &two_needs).unwrap_err(), "category");
}

#[test]
fn audience_rules_come_before_the_category_rules() {
    // Wrong region and wrong amount: the region is named.
    let mut o = base_fin_offer();
    o.audience.regions = cities(&[YIBIN]);
    o.details = fin_offer((600 * WAN, 700 * WAN), (12, 60), (365, 480), &[Equipment]);
    assert_eq!(rule(&base_fin_need(), &o).unwrap_err(), "region");
    o.audience.regions.clear();
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
    assert_eq!(c.zh, "接受信用（无抵押）");
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
        "接受信用（无抵押）、订单质押"
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
