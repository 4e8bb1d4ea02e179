//! What two postings are about: related subjects through the vocabulary, unrelated ones never
//! suggested (training, recruiting) or never mailed (financing), and no generic word or
//! fragment in a reason.

use super::*;
use crate::search::vocabulary::Vocabulary;

fn scored(n: &N, o: &O) -> Scored {
    score(&need_side(n), &offer_side(o), &Vocabulary::shipped())
}

fn course(title: &'static str, topics: &[&str]) -> O {
    offer(tr_offer(topics, 60, Either, Fee::Subsidized), title)
}

fn training(title: &'static str, topic: &str) -> N {
    need(tr_need(topic, 10, Onsite), CHENGDU, title)
}

fn subject(s: &Scored) -> Option<String> {
    s.reasons
        .iter()
        .find(|r| matches!(r.code, "topic" | "position" | "purpose"))
        .map(|r| r.zh.clone())
}

#[test]
fn a_course_on_another_subject_is_not_a_match() {
    let electric = course("电工特种作业操作证培训", &["特种作业取证", "低压电工"]);
    let lean = course("精益生产管理培训", &["精益生产", "5S管理", "班组管理"]);
    let tax = course(
        "中小企业财务税务实务培训",
        &["财务税务", "纳税申报", "税收优惠"],
    );
    let quality = course("ISO9001质量管理体系培训", &["质量管理体系", "内审员"]);

    let need = training("电工上岗培训", "低压电工证");
    let s = scored(&need, &electric);
    assert!(s.score >= MAIL_THRESHOLD, "{s:?}");
    assert_eq!(
        subject(&s).as_deref(),
        Some("课程主题“电工特种作业操作证”与需求“低压电工证”相关")
    );
    assert_eq!(scored(&need, &lean).score, 0.0, "精益生产 is not 电工");
    assert_eq!(scored(&need, &tax).score, 0.0, "财务税务 is not 电工");

    let filing = training("财务人员税务申报培训", "税务申报");
    let s = scored(&filing, &tax);
    assert!(s.score >= MAIL_THRESHOLD, "{s:?}");
    assert_eq!(
        subject(&s).as_deref(),
        Some("课程主题“纳税申报”与需求“税务申报”相关")
    );
    assert_eq!(scored(&filing, &electric).score, 0.0);
    let qms = training("质量管理体系内审员培训", "质量管理体系");
    assert_eq!(
        subject(&scored(&qms, &quality)).as_deref(),
        Some("课程主题“质量管理体系”与需求一致")
    );
    assert_eq!(scored(&qms, &electric).score, 0.0);
    // A synonym across languages and abbreviations relates too.
    let cnc = training("CNC编程培训", "CNC编程");
    let prog = course("数控编程与操作技能提升培训", &["数控编程", "加工中心操作"]);
    assert!(scored(&cnc, &prog).score >= MAIL_THRESHOLD);
}

#[test]
fn a_course_on_a_broader_or_sibling_subject_is_listed_but_not_mailed() {
    let weld = course("焊工特种作业取证培训", &["特种作业取证"]);
    let need = training("电工上岗培训", "低压电工证");
    let s = scored(&need, &weld);
    assert!(
        s.score >= THRESHOLD && s.score < MAIL_THRESHOLD,
        "{}: {:?}",
        s.score,
        s.reasons
    );
}

#[test]
fn recruiting_services_for_other_positions_are_not_a_match() {
    let hires = need(
        rec_need(vec![position("电商主播", 3, None)]),
        CHENGDU,
        "招聘电商直播主播3名",
    );
    let cnc_fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(300)),
        "数控车工、焊工专场招聘会",
    );
    let live_fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(300)),
        "电商直播主播专场招聘会",
    );
    let any_fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(300)),
        "园区专场招聘会",
    );
    assert_eq!(scored(&hires, &cnc_fair).score, 0.0);
    let live = scored(&hires, &live_fair);
    assert_eq!(
        subject(&live).as_deref(),
        Some("服务岗位“主播”与需求岗位“电商主播”相关")
    );
    let any = scored(&hires, &any_fair);
    assert_eq!(subject(&any).as_deref(), Some("服务不限岗位"));
    assert!(live.score > any.score && any.score > 0.0);
    let industry_fair = offer(
        rec_offer(&[RecruitingService::JobFair], Fee::Free, Some(300)),
        "锂电池企业专场招聘会",
    );
    assert_eq!(
        subject(&scored(&hires, &industry_fair)).as_deref(),
        Some("服务不限岗位"),
        "an industry names whom a job fair serves, not its positions"
    );
    let cnc = need(
        rec_need(vec![position("数控车工", 10, None)]),
        CHENGDU,
        "招聘数控车工10名",
    );
    assert_eq!(
        subject(&scored(&cnc, &cnc_fair)).as_deref(),
        Some("服务面向需求的岗位“数控车工”")
    );
}

#[test]
fn a_financing_product_for_another_purpose_is_not_a_match() {
    let n = base_fin_need(); // equipment, 500万
    let mut lease = base_fin_offer();
    lease.text = "设备融资租赁";
    let s = scored(&n, &lease);
    assert!(s.score >= MAIL_THRESHOLD, "{s:?}");
    assert_eq!(
        subject(&s).as_deref(),
        Some("产品“设备融资租赁”适用于设备购置")
    );
    let mut receivables = base_fin_offer();
    receivables.text = "应收账款融资";
    let s = scored(&n, &receivables);
    assert_eq!(
        s.score, 0.0,
        "a product for another purpose is not a match: {s:?}"
    );
    let mut credit = base_fin_offer();
    credit.text = "纯信用贷款";
    assert_eq!(
        subject(&scored(&n, &credit)).as_deref(),
        Some("“纯信用贷款”不限资金用途")
    );
}

#[test]
fn reasons_never_name_generic_words_or_fragments() {
    let v = Vocabulary::shipped();
    let offers = super::labelled_set::labelled_offers();
    for (n, _, _) in super::labelled_set::labelled_needs() {
        for o in &offers {
            for r in scored(&n, o).reasons {
                for quoted in r.zh.split(['“', '”']).skip(1).step_by(2) {
                    assert!(
                        quoted.chars().count() >= 2 && !v.is_generic(quoted),
                        "{}: «{quoted}»",
                        r.zh
                    );
                }
                assert!(!r.zh.contains("文本相关"), "{}", r.zh);
                // A space only between a number or a Latin word and Chinese, never between two
                // Chinese characters, beside punctuation or twice.
                let tokens: Vec<&str> = r.zh.split(' ').collect();
                let latin = |t: &str| t.chars().any(|c| c.is_ascii_alphanumeric());
                for w in tokens.windows(2) {
                    assert!(
                        !w[0].is_empty() && !w[1].is_empty() && (latin(w[0]) || latin(w[1])),
                        "stray space in «{}»",
                        r.zh
                    );
                    let punct = |c: Option<char>| c.is_some_and(|c| "，、：（）“”".contains(c));
                    assert!(
                        !punct(w[0].chars().last()) && !punct(w[1].chars().next()),
                        "stray space in «{}»",
                        r.zh
                    );
                }
                assert!(!r.en.contains("  ") && !r.en.starts_with(' '), "{}", r.en);
            }
        }
    }
}
