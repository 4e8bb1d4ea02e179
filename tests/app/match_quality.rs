//! What a posting is matched to: the same whatever the order of approvals, related by meaning
//! (not by shared generic words), with reasons a person would write, and mailed only above the
//! mail threshold.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

fn fin_need(title: &str, desc: &str, amount: i64, purpose: &str, collateral: &[&str]) -> Value {
    json!({"category": "financing", "title": title, "description": desc,
           "financing": {"amount_yuan": amount, "term_months": 24, "purpose": purpose,
                         "collateral": collateral, "max_annual_rate_bp": 500}})
}

fn rec_need(title: &str, position: &str, n: i32, skills: &[&str]) -> Value {
    json!({"category": "recruiting", "title": title, "description": "每月休息四天，包食宿。",
           "recruiting": {"positions": [{"title": position, "headcount": n, "salary_min_yuan": 5000,
                                         "salary_max_yuan": 8000, "skills": skills}]}})
}

fn tr_need(title: &str, topic: &str, n: i32) -> Value {
    json!({"category": "training", "title": title, "description": "为企业员工开展培训，每月一期。",
           "training": {"topic": topic, "headcount": n, "format": "onsite"}})
}

fn fin_offer(title: &str, product: &str, range: (i64, i64), collateral: &[&str]) -> Value {
    json!({"category": "financing", "title": title, "description": "面向园区中小企业，额度以审批为准。",
           "financing": {"product_type": product, "amount_min_yuan": range.0, "amount_max_yuan": range.1,
                         "term_min_months": 6, "term_max_months": 36, "annual_rate_min_bp": 410,
                         "annual_rate_max_bp": 600, "collateral_accepted": collateral}})
}

fn rec_offer(title: &str, services: &[&str]) -> Value {
    json!({"category": "recruiting", "title": title, "description": "每月举办，免费为企业提供服务。",
           "recruiting": {"services": services, "fee": "free", "max_headcount": 300}})
}

fn tr_offer(title: &str, topics: &[&str]) -> Value {
    json!({"category": "training", "title": title, "description": "理论与实操结合，可申领职业培训补贴。",
           "training": {"topics": topics, "capacity": 80, "format": "either", "fee": "subsidized"}})
}

/// The corpus: (is a need, body). Created in this order in every run, so ids agree.
pub(crate) fn corpus() -> Vec<(bool, Value)> {
    vec![
        (true, financing_need()),
        (
            true,
            fin_need(
                "流动资金周转贷款 200万",
                "采购原材料、支付工资。",
                2_000_000,
                "working_capital",
                &["property", "receivables"],
            ),
        ),
        (true, recruiting_need()),
        (
            true,
            rec_need("招聘电商直播主播3名", "电商主播", 3, &["直播带货"]),
        ),
        (true, training_need()),
        (true, tr_need("电工上岗培训", "低压电工证", 12)),
        (true, tr_need("财务人员税务申报培训", "税务申报", 6)),
        (true, tr_need("质量管理体系内审员培训", "质量管理体系", 8)),
        (false, financing_offer()),
        (
            false,
            fin_offer(
                "小微企业流动资金贷款",
                "流动资金贷款",
                (500_000, 10_000_000),
                &["property", "guarantee", "receivables"],
            ),
        ),
        (
            false,
            fin_offer(
                "税易贷（纳税信用贷款）",
                "信用贷款",
                (100_000, 3_000_000),
                &["none"],
            ),
        ),
        (false, recruiting_offer()),
        (false, rec_offer("数控车工、焊工专场招聘会", &["job_fair"])),
        (false, rec_offer("电商直播主播专场招聘会", &["job_fair"])),
        (false, training_offer()),
        (
            false,
            tr_offer("电工特种作业操作证培训", &["特种作业取证", "低压电工"]),
        ),
        (
            false,
            tr_offer("精益生产管理培训", &["精益生产", "5S管理", "班组管理"]),
        ),
        (
            false,
            tr_offer(
                "中小企业财务税务实务培训",
                &["财务税务", "纳税申报", "税收优惠"],
            ),
        ),
        (
            false,
            tr_offer("ISO9001质量管理体系培训", &["质量管理体系", "内审员"]),
        ),
    ]
}

pub(crate) struct Loaded {
    pub app: TestApp,
    pub admin: String,
    #[allow(dead_code)]
    pub sme: String,
    /// (id, is a need), in corpus order.
    pub ids: Vec<(i64, bool)>,
}

/// Creates the corpus (pending review) and approves it in `order` (indexes into the corpus);
/// `drain_every` approvals the matcher runs (0: only at the end).
pub(crate) async fn load(order: &[usize], drain_every: usize) -> Loaded {
    let app = TestApp::spawn().await;
    app.wait_ready().await;
    let admin = app.platform_admin().await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    let (sme2, _) = app.verified_sme(&admin, PARK).await;
    let (provider, _) = app.verified_provider(&admin).await;
    let mut ids = Vec::new();
    for (i, (need, body)) in corpus().into_iter().enumerate() {
        let (kind, owner) = match (need, i % 2) {
            (true, 0) => ("needs", &sme),
            (true, _) => ("needs", &sme2),
            (false, _) => ("offers", &provider),
        };
        let (s, b) = app
            .post(&format!("/api/v1/{kind}"), Some(owner), body)
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        ids.push((b["id"].as_i64().unwrap(), need));
    }
    for (n, &i) in order.iter().enumerate() {
        let (id, need) = ids[i];
        let kind = if need { "needs" } else { "offers" };
        let (s, b) = app
            .post(
                &format!("/api/v1/admin/{kind}/{id}/approve"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        if drain_every > 0 && (n + 1) % drain_every == 0 {
            app.drain_matching().await;
        }
    }
    app.drain_matching().await;
    Loaded {
        app,
        admin,
        sme,
        ids,
    }
}

/// Every posting's matches as the platform admin reads them: (counterpart, score, reasons).
pub(crate) async fn all_matches(l: &Loaded) -> BTreeMap<i64, Vec<(i64, f64, Value)>> {
    let mut out = BTreeMap::new();
    for &(id, need) in &l.ids {
        let (kind, other) = if need {
            ("needs", "offer_id")
        } else {
            ("offers", "need_id")
        };
        let (s, list) = l
            .app
            .get(&format!("/api/v1/{kind}/{id}/matches"), Some(&l.admin))
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let items = list["items"].as_array().unwrap();
        out.insert(
            id,
            items
                .iter()
                .map(|m| {
                    (
                        m[other].as_i64().unwrap(),
                        m["score"].as_f64().unwrap(),
                        m["reason_details"].clone(),
                    )
                })
                .collect(),
        );
    }
    out
}

#[tokio::test]
async fn the_same_corpus_gives_the_same_matches_whatever_the_order_of_approvals() {
    let n = corpus().len();
    // Needs first, the matcher running after every approval…
    let forward: Vec<usize> = (0..n).collect();
    let a = load(&forward, 1).await;
    // …and offers first, newest first, the matcher running only every third approval.
    let (needs, offers): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| corpus()[i].0);
    let backward: Vec<usize> = offers
        .iter()
        .rev()
        .chain(needs.iter().rev())
        .copied()
        .collect();
    let b = load(&backward, 3).await;
    let (ma, mb) = (all_matches(&a).await, all_matches(&b).await);
    let total: usize = ma.values().map(Vec::len).sum();
    assert!(total >= 8, "the corpus has matches at all: {ma:?}");
    for (id, list) in &ma {
        assert_eq!(
            list, &mb[id],
            "posting {id}: same counterparts, scores, reasons and order"
        );
    }
    // Ties are broken by the counterpart's id: a list is in (score desc, id asc) order.
    for list in ma.values() {
        for w in list.windows(2) {
            assert!(
                w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0),
                "{list:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_match_below_the_mail_threshold_is_listed_but_never_mailed() {
    use parkbridge::matching::MAIL_THRESHOLD;
    let n = corpus().len();
    let l = load(&(0..n).collect::<Vec<_>>(), 0).await;
    let all = all_matches(&l).await;
    // Every match id with its score, from the needs' lists.
    let mut listed: Vec<(i64, f64)> = Vec::new();
    for &(id, need) in &l.ids {
        if !need {
            continue;
        }
        let (_, list) = l
            .app
            .get(&format!("/api/v1/needs/{id}/matches"), Some(&l.admin))
            .await;
        for m in list["items"].as_array().unwrap() {
            listed.push((m["id"].as_i64().unwrap(), m["score"].as_f64().unwrap()));
        }
    }
    assert_eq!(listed.len(), all.values().map(Vec::len).sum::<usize>() / 2);
    let mailed: Vec<i64> = l
        .app
        .outbox_of("new_matches")
        .iter()
        .flat_map(|(_, p)| p["matches"].as_array().unwrap().clone())
        .map(|m| m["match_id"].as_i64().unwrap())
        .collect();
    let below: Vec<i64> = listed
        .iter()
        .filter(|(_, s)| *s < MAIL_THRESHOLD)
        .map(|(id, _)| *id)
        .collect();
    let above: Vec<i64> = listed
        .iter()
        .filter(|(_, s)| *s >= MAIL_THRESHOLD)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        !below.is_empty() && !above.is_empty(),
        "the corpus has matches on both sides of the threshold: {listed:?}"
    );
    for id in &below {
        assert!(
            !mailed.contains(id),
            "match {id} is below the threshold and was mailed"
        );
    }
    for id in &above {
        assert!(
            mailed.contains(id),
            "match {id} is above the threshold and was not mailed"
        );
    }
}

#[tokio::test]
async fn needs_are_matched_by_meaning_not_by_shared_words() {
    let n = corpus().len();
    let l = load(&(0..n).collect::<Vec<_>>(), 0).await;
    let all = all_matches(&l).await;
    let id = |i: usize| l.ids[i].0;
    let offers_of = |i: usize| -> Vec<i64> { all[&id(i)].iter().map(|m| m.0).collect() };
    // 电工上岗培训 (低压电工证): the electrician course, not lean production or tax.
    assert_eq!(offers_of(5), vec![id(15)]);
    // 税务申报: the tax course only; 质量管理体系: the ISO 9001 course only.
    assert_eq!(offers_of(6), vec![id(17)]);
    assert_eq!(offers_of(7), vec![id(18)]);
    // A live-streaming host: the host job fair and the general one, never the CNC/welder fair.
    let host = offers_of(3);
    assert!(host.contains(&id(13)) && host.contains(&id(11)), "{host:?}");
    assert!(!host.contains(&id(12)), "{host:?}");
    assert_eq!(
        host[0],
        id(13),
        "the host job fair first: {:?}",
        all[&id(3)]
    );
    // No reason names a generic word, a single character or the shared-words list.
    for list in all.values() {
        for (_, _, reasons) in list {
            for r in reasons.as_array().unwrap() {
                let zh = r["zh"].as_str().unwrap();
                assert!(!zh.contains("文本相关"), "{zh}");
                for q in zh.split(['“', '”']).skip(1).step_by(2) {
                    assert!(q.chars().count() >= 2, "{zh}");
                    for generic in ["企业", "万元", "每月", "招聘", "培训"] {
                        assert_ne!(q, generic, "{zh}");
                    }
                }
            }
        }
    }
}
