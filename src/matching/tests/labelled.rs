//! The harness of the labelled set: every reason is true of its pair, no pair breaks a hard
//! rule, and the best offer of each need ranks in the top three.

use super::labelled_set::{labelled_needs, labelled_offers};
use super::*;
use crate::matching::wording::{city_names, pct, yuan_zh};

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
