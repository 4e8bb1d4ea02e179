//! The harness of the labelled set: every reason is true of its pair, no pair breaks a hard
//! rule, and the best offer of each need ranks in the top three (scored with the shipped
//! vocabulary).

use super::labelled_set::{labelled_needs, labelled_offers};
use super::*;
use crate::matching::wording::{city_names, pct, yuan_zh};
use crate::search::vocabulary::Vocabulary;

/// Two consecutive characters in common, worked out the slow way.
fn shares_two_chars(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    let a: Vec<char> = a.chars().collect();
    a.windows(2)
        .any(|w| w.iter().all(|c| c.is_alphanumeric()) && b.contains(&w.iter().collect::<String>()))
}

/// Re-checks, from the postings themselves, the property a reason claims.
fn assert_true_of(n: &N, o: &O, r: &Reason) {
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
            // It names one of the programme's topics (or its title's) and the need's.
            assert!(
                ot.topics.iter().any(|t| shares_two_chars(&r.zh, t))
                    || shares_two_chars(&r.zh, o.text),
                "{what}"
            );
            assert!(
                shares_two_chars(&r.zh, &nt.topic) || shares_two_chars(&r.zh, n.text),
                "{what}"
            );
        }
        ("position", Details::NeedRecruiting(nr), _) => {
            assert!(
                r.zh == "服务不限岗位"
                    || nr
                        .positions
                        .iter()
                        .any(|p| shares_two_chars(&r.zh, &p.title)),
                "{what}"
            );
        }
        ("purpose", Details::NeedFinancing(_), _) => {
            assert!(shares_two_chars(&r.zh, o.text), "{what}");
        }
        ("fee", _, Details::OfferRecruiting(OfferRecruiting { fee, .. }))
        | ("fee", _, Details::OfferTraining(OfferTraining { fee, .. })) => {
            assert_ne!(*fee, Fee::Paid, "{what}");
        }
        ("region", _, _) => match n.city {
            Some(city) if !o.audience.regions.is_empty() => {
                assert!(
                    o.audience.regions.iter().any(|c| c.as_str() == city),
                    "{what}"
                );
                let city = CityCode::parse(city).unwrap();
                assert!(r.zh.contains(&city_names(city).0), "{what}");
            }
            _ => {
                assert!(o.audience.regions.is_empty(), "{what}");
                assert_eq!(r.zh, "服务区域覆盖全省", "{what}");
            }
        },
        ("industry", _, _) => assert!(
            o.audience.industries.is_empty()
                || o.audience
                    .industries
                    .iter()
                    .any(|i| i.as_str() == n.industry),
            "{what}"
        ),
        ("size", _, _) => assert!(
            o.audience.sizes.is_empty() || o.audience.sizes.iter().any(|s| s.as_str() == n.size),
            "{what}"
        ),
        (code, _, _) => panic!("{what}: no check for reason code {code}"),
    }
}

struct Ranking {
    top3: usize,
    top1: usize,
    reciprocal: f64,
    needs: usize,
}

/// Ranks each need's eligible offers by score.
fn rank(needs: &[(N, Vec<usize>, usize)], offers: &[O]) -> Ranking {
    let v = Vocabulary::shipped();
    let mut r = Ranking {
        top3: 0,
        top1: 0,
        reciprocal: 0.0,
        needs: needs.len(),
    };
    for (ni, (n, _, best)) in needs.iter().enumerate() {
        let mut ranked: Vec<(f64, usize)> = offers
            .iter()
            .enumerate()
            .filter(|(_, o)| check(n, o).is_ok())
            .map(|(oi, o)| (score(&need_side(n), &offer_side(o), &v).score, oi))
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
    let v = Vocabulary::shipped();
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

    // 2. Every reason of every scored pair is true of it; scores are in [0, 1] and stable.
    let mut scores_of_best = Vec::new();
    let mut suggested = 0;
    for (n, want, best) in &needs {
        for (oi, o) in offers.iter().enumerate() {
            let sc = score(&need_side(n), &offer_side(o), &v);
            assert!((0.0..=1.0).contains(&sc.score));
            assert_eq!(
                sc,
                score(&need_side(n), &offer_side(o), &v),
                "deterministic"
            );
            if !want.contains(&oi) {
                assert_eq!(sc.score, 0.0);
                continue;
            }
            assert_eq!(sc.score > 0.0, !sc.reasons.is_empty());
            for r in &sc.reasons {
                assert_true_of(n, o, r);
            }
            if oi == *best {
                scores_of_best.push(sc.score);
            }
            if sc.score >= THRESHOLD {
                suggested += 1;
            }
        }
    }
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "labelled set: {} needs × {} offers, {eligible_pairs} eligible pairs (all as labelled), \
         {suggested} suggested at THRESHOLD {THRESHOLD}; labelled best scores {:.3}–{:.3}",
        needs.len(),
        offers.len(),
        min(&scores_of_best),
        scores_of_best.iter().copied().fold(0.0, f64::max),
    );
    assert!(
        min(&scores_of_best) >= THRESHOLD,
        "a labelled best offer is never cut by the threshold"
    );

    // 3. Ranking.
    let r = rank(&needs, &offers);
    println!(
        "best offer in the top 3 for {}/{} needs, first for {}/{}, MRR {:.3}",
        r.top3,
        r.needs,
        r.top1,
        r.needs,
        r.reciprocal / r.needs as f64
    );
    assert!(r.top3 as f64 >= 0.9 * needs.len() as f64);
    assert!(r.top1 as f64 >= 0.8 * needs.len() as f64);
}
