//! The score: bounded, deterministic, ordered as a loan officer would order pairs.

use super::*;
use crate::matching::score::{centrality_lin, centrality_log};
use crate::search::vocabulary::Vocabulary;

fn s(n: &N, o: &O, _text: f64) -> f64 {
    score(&need_side(n), &offer_side(o), &Vocabulary::shipped()).score
}

#[test]
fn scores_are_bounded_deterministic_and_zero_for_ineligible_pairs() {
    let n = base_fin_need();
    let o = base_fin_offer();
    let a = s(&n, &o, 0.0);
    assert!((0.0..=1.0).contains(&a) && a > 0.0, "{a}");
    assert_eq!(a.to_bits(), s(&n, &o, 0.0).to_bits(), "deterministic");
    let mut far = base_fin_offer();
    far.audience.regions = cities(&[YIBIN]);
    let sc = score(&need_side(&n), &offer_side(&far), &Vocabulary::shipped());
    assert_eq!(sc.score, 0.0);
    assert!(
        sc.reasons.is_empty(),
        "no reason for a pair that cannot match"
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
    named.audience.regions = cities(&[MIANYANG]);
    named.audience.industries = industries(&["C"]);
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
