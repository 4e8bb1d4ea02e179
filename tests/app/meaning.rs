//! Search that understands what people mean, through the HTTP API and the pages: synonyms and
//! abbreviations (招工 → 招聘, CNC → 数控), English words (loan), homophone slips (数空车工),
//! terms that are not their parts (稳岗补贴), synonyms admins add at run time, honest ranking
//! (words typed > synonym > part > correction), and what a hit shows.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::pages::Page;
use crate::search::urlencode;

fn ids(body: &Value) -> Vec<i64> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect()
}

fn hit(body: &Value, id: i64) -> &Value {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in {body}"))
}

fn position(body: &Value, id: i64) -> usize {
    ids(body)
        .iter()
        .position(|i| *i == id)
        .unwrap_or_else(|| panic!("{id} is not in {body}"))
}

fn posting(category: &str, title: &str, description: &str) -> Value {
    let mut p = match category {
        "financing" => financing_offer(),
        "recruiting" => recruiting_offer(),
        _ => training_offer(),
    };
    p["title"] = json!(title);
    p["description"] = json!(description);
    p
}

async fn search(app: &TestApp, q: &str, extra: &str, token: Option<&str>) -> Value {
    let (s, b) = app
        .get(&format!("/api/v1/search?q={}{extra}", urlencode(q)), token)
        .await;
    assert_eq!(s, StatusCode::OK, "{q}: {b}");
    b
}

struct Market {
    app: TestApp,
    admin: String,
    provider: String,
    sme: String,
}

async fn market() -> Market {
    let app = TestApp::spawn().await;
    let admin = app.platform_admin().await;
    let (provider, _) = app.verified_provider(&admin).await;
    let (sme, _) = app.verified_sme(&admin, PARK).await;
    Market {
        app,
        admin,
        provider,
        sme,
    }
}

impl Market {
    async fn offer(&self, category: &str, title: &str, description: &str) -> i64 {
        let id = self
            .app
            .published(
                &self.provider,
                &self.admin,
                "offer",
                posting(category, title, description),
            )
            .await;
        self.app.clock.advance(chrono::Duration::seconds(2));
        id
    }

    async fn need(&self, body: Value) -> i64 {
        let id = self
            .app
            .published(&self.sme, &self.admin, "need", body)
            .await;
        self.app.clock.advance(chrono::Duration::seconds(2));
        id
    }
}

#[tokio::test]
async fn 招工_finds_招聘_postings_and_the_site_says_how() {
    let m = market().await;
    let need = m.need(recruiting_need()).await;
    let fair = m
        .offer("recruiting", "园区专场招聘会", "每月一期，免费参加。")
        .await;
    let course = m
        .offer("training", "安全生产标准化培训", "政府补贴课程。")
        .await;
    m.app.sync_index().await;
    // A provider looking for needs to serve.
    let b = search(&m.app, "招工", "&type=need", Some(&m.provider)).await;
    assert_eq!(ids(&b), [need], "{b}");
    assert_eq!(hit(&b, need)["matched_by"], "synonym");
    // Anyone looking for a recruiting service.
    let b = search(&m.app, "招工", "", None).await;
    assert!(ids(&b).contains(&fair) && !ids(&b).contains(&course), "{b}");
    let b = search(&m.app, "招人", "", None).await;
    assert!(ids(&b).contains(&fair), "{b}");
    // The snippet marks the synonym that was found.
    let b = search(&m.app, "招工", "&type=need", Some(&m.admin)).await;
    let snippet = hit(&b, need)["snippet"].as_str().unwrap().to_string();
    let title_or_snippet = format!("{} {snippet}", hit(&b, need)["title"]);
    assert!(title_or_snippet.contains("招聘"), "{b}");
}

#[tokio::test]
async fn cnc_finds_数控_offers_for_an_anonymous_visitor() {
    let m = market().await;
    let course = m
        .offer(
            "training",
            "数控技能提升培训",
            "面向机械加工企业在岗职工，开展数控车床、加工中心实操训练。",
        )
        .await;
    let fair = m
        .offer(
            "recruiting",
            "数控车工、焊工专场招聘会",
            "面向园区制造企业的技能岗位专场招聘会。",
        )
        .await;
    let other = m
        .offer(
            "training",
            "电商直播带货实战培训",
            "直播间搭建、选品和话术。",
        )
        .await;
    m.app.sync_index().await;
    for q in ["CNC", "cnc", "ＣＮＣ", "Cnc 数控"] {
        let b = search(&m.app, q, "", None).await;
        let found = ids(&b);
        assert!(found.contains(&course) && found.contains(&fair), "{q}: {b}");
        assert!(!found.contains(&other), "{q}: {b}");
    }
}

#[tokio::test]
async fn loan_and_equipment_loan_find_financing_offers_on_the_english_interface() {
    let m = market().await;
    let equipment = m
        .offer(
            "financing",
            "设备按揭贷款",
            "支持企业购置生产设备，以所购设备作抵押，首付最低30%。",
        )
        .await;
    let working = m
        .offer(
            "financing",
            "小微企业流动资金贷款",
            "满足企业日常经营中原材料采购、支付工资等资金周转需求。",
        )
        .await;
    let course = m
        .offer("training", "财务税务政策解读培训", "讲解最新税收优惠政策。")
        .await;
    m.app.sync_index().await;
    // English queries map through the vocabulary's English terms whatever the interface
    // language; both ways of asking for English are tried.
    for how in ["header", "query"] {
        for (q, first) in [
            ("loan", None),
            ("equipment loan", Some(equipment)),
            ("Loans", None),
        ] {
            let path = match how {
                "query" => format!("/api/v1/search?q={}&lang=en", urlencode(q)),
                _ => format!("/api/v1/search?q={}", urlencode(q)),
            };
            let res = m
                .app
                .client
                .get(format!("{}{path}", m.app.base))
                .header("accept-language", "en")
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            let b: Value = res.json().await.unwrap();
            let found = ids(&b);
            assert!(found.contains(&equipment), "{q} ({how}): {b}");
            assert!(!found.contains(&course), "{q} ({how}): {b}");
            if let Some(first) = first {
                assert_eq!(found[0], first, "{q} ({how}): {b}");
            } else {
                assert!(found.contains(&working), "{q} ({how}): {b}");
            }
        }
    }
    // The English page shows them too.
    let mut page = Page::new(&m.app);
    let a = page
        .get(&format!(
            "/search?q={}&lang=en",
            urlencode("equipment loan")
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("设备按揭贷款"), "{}", a.body);
    assert!(a.body.contains("matched a synonym"), "{}", a.body);
}

#[tokio::test]
async fn a_homophone_slip_finds_the_word_meant_and_suggests_it() {
    let m = market().await;
    let need = m.need(recruiting_need()).await;
    let fair = m
        .offer(
            "recruiting",
            "数控车工、焊工专场招聘会",
            "面向园区制造企业的技能岗位专场招聘会。",
        )
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "数空车工", "", Some(&m.admin)).await;
    assert_eq!(b["suggestion"], "数控车工", "{b}");
    let found = ids(&b);
    assert!(found.contains(&need) && found.contains(&fair), "{b}");
    // Words that are right get no suggestion.
    let b = search(&m.app, "数控车工", "", Some(&m.admin)).await;
    assert!(b["suggestion"].is_null(), "{b}");
    assert_eq!(hit(&b, need)["matched_by"], "words");
    // The page offers it in Chinese and English, as a link that searches for it.
    let mut page = Page::new(&m.app);
    let a = page
        .get(&format!("/search?q={}", urlencode("数空车工")))
        .await;
    assert!(a.body.contains("您是不是要找："), "{}", a.body);
    assert!(
        a.body.contains(&format!("q={}", urlencode("数控车工"))),
        "{}",
        a.body
    );
    let a = page
        .get(&format!("/search?q={}&lang=en", urlencode("数空车工")))
        .await;
    assert!(a.body.contains("Did you mean"), "{}", a.body);
    // Pinyin typed for the word, and a Latin slip.
    let b = search(&m.app, "shukong", "", None).await;
    assert_eq!(b["suggestion"], "数控", "{b}");
    assert!(ids(&b).contains(&fair), "{b}");
}

#[tokio::test]
async fn 稳岗补贴_does_not_bring_courses_that_merely_mention_补贴() {
    let m = market().await;
    let course = m
        .offer(
            "training",
            "焊工特种作业取证培训",
            "理论与实操结合，考核合格取得特种作业操作证，可申领职业培训补贴。",
        )
        .await;
    let service = m
        .offer(
            "recruiting",
            "稳岗补贴申领代办",
            "协助园区企业申领稳岗补贴，材料一次办结。",
        )
        .await;
    let returned = m
        .offer(
            "recruiting",
            "稳岗返还政策辅导",
            "讲解失业保险稳岗返还的条件和流程。",
        )
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "稳岗补贴", "", None).await;
    assert_eq!(ids(&b)[0], service, "{b}");
    assert!(ids(&b).contains(&returned), "a synonym: {b}");
    assert!(!ids(&b).contains(&course), "{b}");
    assert_eq!(b["total"], 2, "{b}");
    // 补贴 on its own still finds the course.
    let b = search(&m.app, "补贴", "", None).await;
    assert!(ids(&b).contains(&course), "{b}");
}

#[tokio::test]
async fn words_typed_rank_above_synonyms_above_parts_above_corrections() {
    let m = market().await;
    // The synonym's posting says 招聘 three times in a short text; the exact one says 招工 once
    // in a long description: the exact word still comes first.
    let synonym = m
        .offer("recruiting", "招聘招聘", "招聘服务，招聘会。")
        .await;
    let exact = m
        .offer(
            "recruiting",
            "园区人力资源综合服务",
            &format!(
                "{}。另可协助企业招工。",
                "提供政策咨询、社保代办、档案管理等服务".repeat(8)
            ),
        )
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "招工", "", None).await;
    assert!(position(&b, exact) < position(&b, synonym), "{b}");
    assert_eq!(hit(&b, exact)["matched_by"], "words");
    assert_eq!(hit(&b, synonym)["matched_by"], "synonym");
    assert!(
        hit(&b, exact)["score"].as_f64() >= hit(&b, synonym)["score"].as_f64(),
        "{b}"
    );
    // Parts of a term come after its synonyms; a correction after everything.
    let whole = m
        .offer("training", "数控车工技能等级认定培训", "数控车床实操训练。")
        .await;
    let synonym = m.offer("training", "CNC车工实训", "机床实操训练。").await;
    let part = m
        .offer(
            "training",
            "数控编程与操作技能提升培训",
            "讲授编程与加工工艺。",
        )
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "数控车工", "", None).await;
    let order = [whole, synonym, part].map(|id| position(&b, id));
    assert!(order[0] < order[1] && order[1] < order[2], "{b}");
    assert_eq!(hit(&b, part)["matched_by"], "part");
    let scores: Vec<f64> = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // 焊功 finds nothing as typed: what 焊工 finds comes last, marked as a correction.
    let welding = m
        .offer("training", "焊工特种作业取证培训", "理论与实操结合。")
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "焊功", "", None).await;
    assert_eq!(b["suggestion"], "焊工", "{b}");
    assert_eq!(hit(&b, welding)["matched_by"], "correction", "{b}");
    assert!(hit(&b, welding)["score"].as_f64().unwrap() <= 0.2, "{b}");
}

#[tokio::test]
async fn an_admin_synonym_is_in_force_on_every_instance_within_seconds() {
    let first = TestApp::spawn().await;
    let second = TestApp::spawn_with_index(first.db.clone(), "search-index-2").await;
    first.wait_ready().await;
    second.wait_ready().await;
    let admin = first.platform_admin().await;
    let (provider, _) = first.verified_provider(&admin).await;
    let offer = first
        .published(
            &provider,
            &admin,
            "offer",
            posting(
                "financing",
                "蓉易贷",
                "成都市普惠金融产品，面向小微企业，线上申请。",
            ),
        )
        .await;
    let path = format!("/api/v1/search?q={}", urlencode("成都普惠贷"));
    let found = |b: &Value| ids(b).contains(&offer);
    // Indexed everywhere, and not found by the new name yet.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, b) = second
            .get(&format!("/api/v1/search?q={}", urlencode("蓉易贷")), None)
            .await;
        if found(&b) {
            break;
        }
        assert!(Instant::now() < deadline, "never indexed: {b}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let (_, b) = second.get(&path, None).await;
    assert!(!found(&b), "{b}");

    // Who may: platform admins only, with a checked body.
    let body = json!({"terms": ["蓉易贷", "成都普惠贷"], "note": "成都市的普惠贷款产品"});
    let (s, _) = first
        .post("/api/v1/admin/synonyms", None, body.clone())
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, e) = first
        .post("/api/v1/admin/synonyms", Some(&provider), body.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let park_admin = first.park_admin(PARK).await;
    let (s, _) = first
        .post("/api/v1/admin/synonyms", Some(&park_admin), body.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = first
        .post(
            "/api/v1/admin/synonyms",
            Some(&admin),
            json!({"terms": ["蓉易贷", " 蓉 易 贷 "]}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["fields"]["terms.1"].is_string(), "{e}");

    let started = Instant::now();
    let (s, g) = first
        .post("/api/v1/admin/synonyms", Some(&admin), body.clone())
        .await;
    assert_eq!(s, StatusCode::CREATED, "{g}");
    assert_eq!(g["source"], "admin");
    let id = g["id"].as_i64().unwrap();
    // In force at once on the instance that took it…
    let (_, b) = first.get(&path, None).await;
    assert!(found(&b), "{b}");
    assert_eq!(hit(&b, offer)["matched_by"], "synonym");
    // …and within seconds on the other, which was not restarted and did not reindex.
    loop {
        let (_, b) = second.get(&path, None).await;
        if found(&b) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the second instance never used the new synonym: {b}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (s, e) = first
        .post("/api/v1/admin/synonyms", Some(&admin), body.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");

    // Listed, audit-logged, removable — and gone everywhere.
    let (s, l) = second
        .get("/api/v1/admin/synonyms?source=admin", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::OK, "{l}");
    assert_eq!(l["items"][0]["terms"], json!(["蓉易贷", "成都普惠贷"]));
    let (_, all) = second
        .get("/api/v1/admin/synonyms?per_page=100", Some(&admin))
        .await;
    assert!(
        all["total"].as_i64().unwrap() > 100,
        "the shipped groups are listed too"
    );
    let (s, _) = second
        .get("/api/v1/admin/synonyms?source=mine", Some(&admin))
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = second.get("/api/v1/admin/synonyms", Some(&provider)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = second
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/admin/synonyms/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = second
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/admin/synonyms/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let removed = Instant::now();
    loop {
        let (_, b) = first.get(&path, None).await;
        if !found(&b) {
            break;
        }
        assert!(removed.elapsed() < Duration::from_secs(5), "{b}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, log) = first.get("/api/v1/admin/audit-log", Some(&admin)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target_id"] == id)
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"synonyms.add") && actions.contains(&"synonyms.remove"),
        "{log}"
    );
}

#[tokio::test]
async fn the_synonyms_page_adds_and_removes_groups_for_platform_admins_only() {
    let app = TestApp::spawn().await;
    let email = format!("syn{}@parkbridge.test", unique());
    app.make_admin(&email, "platform_admin", None);
    let mut page = Page::new(&app);
    page.sign_in(&email, PASSWORD).await;
    let a = page.get("/admin/synonyms").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.body.contains("招工") && a.body.contains("cnc"),
        "{}",
        a.body
    );
    // A group of one term is refused beside the field, and what was typed is kept.
    let a = page
        .submit("/admin/synonyms", "/admin/synonyms", &[("terms", "蓉易贷")])
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert!(
        a.body.contains("terms-error") && a.body.contains("蓉易贷"),
        "{}",
        a.body
    );
    let a = page
        .submit(
            "/admin/synonyms",
            "/admin/synonyms",
            &[
                ("terms", "蓉易贷、成都普惠贷\nChengdu inclusive loan"),
                ("note", "试点"),
            ],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = page.get("/admin/synonyms").await;
    assert!(a.body.contains("Chengdu inclusive loan"), "{}", a.body);
    let (_, l) = app
        .get(
            "/api/v1/admin/synonyms?source=admin",
            Some(&app.login(&email, PASSWORD).await),
        )
        .await;
    let id = l["items"][0]["id"].as_i64().unwrap();
    let a = page
        .submit(
            "/admin/synonyms",
            &format!("/admin/synonyms/{id}/remove"),
            &[],
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = page.get("/admin/synonyms").await;
    assert!(!a.body.contains("Chengdu inclusive loan"));
    // A park admin is not let in.
    let park = format!("park{}@parkbridge.test", unique());
    app.make_admin(&park, "park_admin", Some(PARK));
    let mut other = Page::new(&app);
    other.sign_in(&park, PASSWORD).await;
    let a = other.get("/admin/synonyms").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn hits_show_salaries_headcount_format_and_fee_and_twins_once() {
    let m = market().await;
    let need = m.need(recruiting_need()).await;
    let course = m
        .offer("training", "数控编程培训", "讲授数控编程与加工工艺。")
        .await;
    let twin = m
        .offer("training", "数控编程培训", "讲授数控编程与加工工艺。")
        .await;
    m.app.sync_index().await;
    let b = search(&m.app, "数控", "", Some(&m.admin)).await;
    let facts = &hit(&b, need)["facts"];
    assert_eq!(facts["salary_min_yuan"], 6000, "{b}");
    assert_eq!(facts["salary_max_yuan"], 9000, "{b}");
    assert_eq!(facts["headcount"], 10, "{b}");
    let facts = &hit(&b, course)["facts"];
    assert_eq!(facts["format"], "either", "{b}");
    assert_eq!(facts["fee"], "subsidized", "{b}");
    // The API lists every posting; the page shows the organisation's identical offers once.
    assert!(ids(&b).contains(&twin));
    let email = format!("facts{}@parkbridge.test", unique());
    m.app.make_admin(&email, "platform_admin", None);
    let mut page = Page::new(&m.app);
    page.sign_in(&email, PASSWORD).await;
    let a = page.get(&format!("/search?q={}", urlencode("数控"))).await;
    assert_eq!(
        a.body.matches("<h3><a href=\"/offers/").count(),
        1,
        "{}",
        a.body
    );
    assert!(a.body.contains("该机构另有相同发布"), "{}", a.body);
    assert!(a.body.contains("月薪 6,000 元–9,000 元"), "{}", a.body);
    assert!(a.body.contains("招 10 人"), "{}", a.body);
    assert!(a.body.contains("形式 线上线下均可"), "{}", a.body);
    assert!(a.body.contains("费用 政府补贴"), "{}", a.body);
}

#[tokio::test]
async fn the_paraphrase_set_reaches_its_targets_on_demo_data() {
    use parkbridge::search::labelled;
    use parkbridge::search::paraphrases::{Kind, PARAPHRASES};
    use parkbridge::search::query as q;
    let app = TestApp::spawn().await;
    {
        let mut conn = app.state.pool.get().unwrap();
        parkbridge::seed::seed_demo(&mut conn, 300, 7).unwrap();
    }
    app.sync_index().await;
    let mut conn = app.state.pool.get().unwrap();
    let mut by_kind: Vec<(Kind, f64, f64)> = Vec::new();
    let mut report = Vec::new();
    for p in PARAPHRASES {
        let l = &p.query;
        let relevant = labelled::relevant_ids(&mut conn, l).unwrap();
        if relevant.is_empty() {
            continue;
        }
        let params = l.params();
        let hits: Vec<i64> = q::search(&app.state.search, &params)
            .unwrap()
            .items
            .iter()
            .map(|h| h.id)
            .collect();
        let r = labelled::recall_at_10(&hits, &relevant);
        let rr = labelled::reciprocal_rank(&hits, &relevant);
        if r < 1.0 || rr < 1.0 {
            report.push(format!(
                "{} {:?}: recall {r:.2} RR {rr:.2}",
                p.kind.name(),
                l.q
            ));
        }
        by_kind.push((p.kind, r, rr));
    }
    assert!(by_kind.len() >= 100, "judged {}", by_kind.len());
    for k in Kind::ALL {
        let v: Vec<&(Kind, f64, f64)> = by_kind.iter().filter(|x| x.0 == k).collect();
        let recall = v.iter().map(|x| x.1).sum::<f64>() / v.len() as f64;
        let mrr = v.iter().map(|x| x.2).sum::<f64>() / v.len() as f64;
        println!(
            "{}: recall@10 {recall:.3}, MRR {mrr:.3} over {}",
            k.name(),
            v.len()
        );
        // The targets of issue 15 are 0.95 and 0.9 on paraphrases; measured figures are in the
        // README (`parkbridge bench search`).
        assert!(
            recall >= 0.95,
            "{}: recall {recall:.3}\n{}",
            k.name(),
            report.join("\n")
        );
        assert!(
            mrr >= 0.9,
            "{}: MRR {mrr:.3}\n{}",
            k.name(),
            report.join("\n")
        );
    }
}
