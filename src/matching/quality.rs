//! The labelled matching set: needs as SMEs write them, with the offers that must be suggested
//! and those that must not (they pass every hard rule but are about something else), and the
//! figures `parkbridge bench matching` prints and a test holds: precision, recall, unrelated
//! pairs suggested and mailed.
//!
//! Every offer here is open to every city, industry and size, and every need's fields fit every
//! offer of its category, so each labelled pair passes the hard rules and only meaning decides.

use super::{score, NeedSide, OfferSide, MAIL_THRESHOLD, THRESHOLD};
use crate::domain::posting::{
    Audience, Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing,
    OfferRecruiting, OfferTraining, Position,
};
use crate::domain::{
    CityCode, Collateral, Fee, Industry, OrgSize, Purpose, RecruitingService, TrainingFormat,
};
use crate::search::vocabulary::Vocabulary;

/// An offer of the set: a key the needs name it by, its title and details.
pub struct LabelledOffer {
    pub key: &'static str,
    pub title: &'static str,
    pub details: Details,
}

/// A need of the set with the offers (keys) it must and must not be suggested.
pub struct LabelledNeed {
    pub title: &'static str,
    pub details: Details,
    pub must: &'static [&'static str],
    pub must_not: &'static [&'static str],
}

fn fin(title: &'static str, key: &'static str, product: &str) -> LabelledOffer {
    use Collateral::*;
    LabelledOffer {
        key,
        title,
        details: Details::OfferFinancing(OfferFinancing {
            product_type: product.into(),
            amount_min_yuan: 100_000,
            amount_max_yuan: 50_000_000,
            term_min_months: 1,
            term_max_months: 60,
            annual_rate_min_bp: 380,
            annual_rate_max_bp: 600,
            collateral_accepted: vec![Property, Guarantee, Equipment, Receivables, Orders, Ip],
        }),
    }
}

fn rec(title: &'static str, key: &'static str, service: RecruitingService) -> LabelledOffer {
    LabelledOffer {
        key,
        title,
        details: Details::OfferRecruiting(OfferRecruiting {
            services: vec![service],
            fee: Fee::Free,
            max_headcount: Some(500),
        }),
    }
}

fn tr(title: &'static str, key: &'static str, topics: &[&str]) -> LabelledOffer {
    LabelledOffer {
        key,
        title,
        details: Details::OfferTraining(OfferTraining {
            topics: topics.iter().map(|t| t.to_string()).collect(),
            capacity: 100,
            format: TrainingFormat::Either,
            fee: Fee::Subsidized,
        }),
    }
}

/// The offers: 10 financing products, 7 recruiting services, 11 training programmes, worded as
/// the demo data's platform companies word them.
pub fn offers() -> Vec<LabelledOffer> {
    use RecruitingService::*;
    vec![
        fin("设备按揭贷款", "f_equip", "设备贷款"),
        fin("设备融资租赁", "f_lease", "融资租赁"),
        fin("小微企业流动资金贷款", "f_wc", "流动资金贷款"),
        fin("中小企业应急转贷资金（过桥）", "f_bridge", "过桥资金"),
        fin("供应链应收账款融资", "f_recv", "应收账款融资"),
        fin("政采贷（政府采购订单融资）", "f_order", "订单融资"),
        fin("标准厂房按揭贷款", "f_plant", "厂房贷款"),
        fin("技改专项贷款", "f_tech", "技改贷款"),
        fin("新产品研发项目贷款", "f_rnd", "研发贷款"),
        fin("税易贷（纳税信用贷款）", "f_credit", "信用贷款"),
        rec("数控车工、焊工专场招聘会", "r_cnc", JobFair),
        rec("电商直播主播专场招聘会", "r_live", JobFair),
        rec("普工、叉车司机专场招聘会", "r_ops", JobFair),
        rec("电工、质检员专场招聘会", "r_qc", JobFair),
        rec("劳务派遣（普工、装配工）", "r_dispatch", LaborDispatch),
        rec("Java开发、软件测试工程师专场招聘会", "r_it", JobFair),
        rec("园区春风行动专场招聘会", "r_general", JobFair),
        tr(
            "数控编程与操作技能提升培训",
            "t_cnc",
            &["数控编程", "数控车床操作", "加工中心操作"],
        ),
        tr(
            "电工特种作业操作证培训",
            "t_elec",
            &["特种作业取证", "低压电工"],
        ),
        tr("焊工特种作业取证培训", "t_weld", &["特种作业取证", "焊接"]),
        tr("叉车司机取证培训", "t_fork", &["叉车证"]),
        tr(
            "精益生产管理培训",
            "t_lean",
            &["精益生产", "5S管理", "班组管理"],
        ),
        tr(
            "中小企业财务税务实务培训",
            "t_tax",
            &["财务税务", "纳税申报", "税收优惠"],
        ),
        tr(
            "RCEP与出口合规实务培训",
            "t_export",
            &["出口合规", "RCEP", "海关申报"],
        ),
        tr(
            "安全生产标准化培训",
            "t_safety",
            &["安全生产", "隐患排查", "应急管理"],
        ),
        tr(
            "电商直播带货实战培训",
            "t_live",
            &["电商直播", "直播带货", "短视频运营"],
        ),
        tr("软件测试技能培训", "t_test", &["软件测试", "自动化测试"]),
        tr(
            "ISO9001质量管理体系培训",
            "t_qms",
            &["质量管理体系", "内审员"],
        ),
    ]
}

fn n_fin(
    title: &'static str,
    purpose: Purpose,
    must: &'static [&'static str],
    must_not: &'static [&'static str],
) -> LabelledNeed {
    LabelledNeed {
        title,
        details: Details::NeedFinancing(NeedFinancing {
            amount_yuan: 5_000_000,
            term_months: 24,
            purpose,
            collateral: vec![Collateral::Property, Collateral::Guarantee],
            max_annual_rate_bp: Some(600),
        }),
        must,
        must_not,
    }
}

fn n_rec(
    title: &'static str,
    position: &str,
    headcount: i32,
    must: &'static [&'static str],
    must_not: &'static [&'static str],
) -> LabelledNeed {
    LabelledNeed {
        title,
        details: Details::NeedRecruiting(NeedRecruiting {
            positions: vec![Position {
                title: position.into(),
                headcount,
                salary_min_yuan: Some(5000),
                salary_max_yuan: Some(8000),
                skills: vec![],
                education: None,
            }],
            start_by: None,
        }),
        must,
        must_not,
    }
}

fn n_tr(
    title: &'static str,
    topic: &str,
    must: &'static [&'static str],
    must_not: &'static [&'static str],
) -> LabelledNeed {
    LabelledNeed {
        title,
        details: Details::NeedTraining(NeedTraining {
            topic: topic.into(),
            headcount: 20,
            format: TrainingFormat::Either,
            budget_yuan: None,
            preferred_start: None,
        }),
        must,
        must_not,
    }
}

/// 44 needs: 17 training, 13 recruiting, 14 financing.
pub fn needs() -> Vec<LabelledNeed> {
    use Purpose::*;
    vec![
        n_tr(
            "电工上岗培训",
            "低压电工证",
            &["t_elec"],
            &["t_lean", "t_tax", "t_qms", "t_export", "t_live"],
        ),
        n_tr(
            "财务人员税务申报培训",
            "税务申报",
            &["t_tax"],
            &["t_elec", "t_cnc", "t_safety"],
        ),
        n_tr(
            "质量管理体系内审员培训",
            "质量管理体系",
            &["t_qms"],
            &["t_elec", "t_live"],
        ),
        n_tr("CNC编程培训", "CNC编程", &["t_cnc"], &["t_lean", "t_tax"]),
        n_tr(
            "一线员工安全生产培训",
            "安全生产",
            &["t_safety"],
            &["t_live", "t_export"],
        ),
        n_tr(
            "班组长精益生产管理培训",
            "精益生产",
            &["t_lean"],
            &["t_tax", "t_elec"],
        ),
        n_tr(
            "外贸出口合规与RCEP培训",
            "出口合规",
            &["t_export"],
            &["t_safety"],
        ),
        n_tr(
            "直播带货运营培训需求",
            "电商直播带货",
            &["t_live"],
            &["t_cnc", "t_weld"],
        ),
        n_tr(
            "焊工技能提升培训",
            "焊工技能",
            &["t_weld"],
            &["t_tax", "t_live"],
        ),
        n_tr("叉车司机取证培训", "叉车证", &["t_fork"], &["t_export"]),
        n_tr("软件测试人员技能培训", "软件测试", &["t_test"], &["t_weld"]),
        n_tr("车间5S现场管理培训", "5S现场管理", &["t_lean"], &["t_test"]),
        n_tr("报关员海关申报培训", "报关", &["t_export"], &["t_tax"]),
        n_tr(
            "ISO 9001体系内审培训",
            "ISO 9001",
            &["t_qms"],
            &["t_safety"],
        ),
        n_tr("财税知识培训", "财税", &["t_tax"], &["t_qms"]),
        n_tr(
            "低压电工取证培训",
            "电工作业",
            &["t_elec"],
            &["t_lean", "t_tax"],
        ),
        n_tr(
            "叉车司机技能培训（10人）",
            "叉车操作",
            &["t_fork"],
            &["t_test", "t_qms"],
        ),
        n_rec(
            "招聘数控车工10名",
            "数控车工",
            10,
            &["r_cnc", "r_general"],
            &["r_live", "r_it"],
        ),
        n_rec(
            "招聘电商直播主播3名",
            "电商主播",
            3,
            &["r_live", "r_general"],
            &["r_cnc", "r_ops"],
        ),
        n_rec(
            "急招叉车司机2人",
            "叉车司机",
            2,
            &["r_ops", "r_general"],
            &["r_live", "r_it"],
        ),
        n_rec(
            "诚聘质检员（3人）",
            "质检员",
            3,
            &["r_qc", "r_general"],
            &["r_live"],
        ),
        n_rec(
            "招聘普工40名",
            "普工",
            40,
            &["r_ops", "r_dispatch", "r_general"],
            &["r_it", "r_live"],
        ),
        n_rec(
            "招聘电焊工5名",
            "电焊工",
            5,
            &["r_cnc", "r_general"],
            &["r_live"],
        ),
        n_rec(
            "招聘软件测试工程师2名",
            "软件测试工程师",
            2,
            &["r_it", "r_general"],
            &["r_cnc", "r_ops"],
        ),
        n_rec(
            "招聘Java开发工程师",
            "Java开发工程师",
            2,
            &["r_it"],
            &["r_ops"],
        ),
        n_rec(
            "招聘维修电工2名",
            "维修电工",
            2,
            &["r_qc"],
            &["r_live", "r_it"],
        ),
        n_rec(
            "招聘装配工20名",
            "装配工",
            20,
            &["r_dispatch", "r_general"],
            &["r_live"],
        ),
        n_rec("急招带货主播", "带货主播", 2, &["r_live"], &["r_qc"]),
        n_rec("招聘品检员", "品检员", 2, &["r_qc"], &["r_cnc"]),
        n_rec("招聘CNC操作工", "CNC操作工", 4, &["r_cnc"], &["r_live"]),
        n_fin(
            "设备更新贷款 500万",
            Equipment,
            &["f_equip", "f_lease", "f_tech", "f_credit"],
            &["f_recv", "f_order", "f_bridge"],
        ),
        n_fin(
            "流动资金周转贷款 500万",
            WorkingCapital,
            &["f_wc", "f_bridge", "f_recv", "f_credit"],
            &["f_equip", "f_plant", "f_lease"],
        ),
        n_fin(
            "厂房扩建贷款",
            Expansion,
            &["f_plant", "f_tech"],
            &["f_recv", "f_bridge", "f_order"],
        ),
        n_fin(
            "新产品研发贷款",
            Rnd,
            &["f_rnd", "f_credit"],
            &["f_plant", "f_lease"],
        ),
        n_fin(
            "订单融资 500万",
            Trade,
            &["f_order", "f_recv"],
            &["f_equip", "f_plant"],
        ),
        n_fin(
            "购置数控机床贷款",
            Equipment,
            &["f_equip", "f_lease"],
            &["f_order"],
        ),
        n_fin("原材料采购资金", WorkingCapital, &["f_wc"], &["f_plant"]),
        n_fin("扩产项目贷款", Expansion, &["f_plant"], &["f_bridge"]),
        n_fin("应收账款融资需求", Trade, &["f_recv"], &["f_lease"]),
        n_fin("研发投入资金", Rnd, &["f_rnd"], &["f_order"]),
        n_fin("续贷过桥资金", WorkingCapital, &["f_bridge"], &["f_equip"]),
        n_fin("融资租赁购置设备", Equipment, &["f_lease"], &["f_recv"]),
        n_fin(
            "支付工资周转资金",
            WorkingCapital,
            &["f_wc", "f_credit"],
            &["f_tech"],
        ),
        n_fin("技术改造项目贷款", Equipment, &["f_tech"], &["f_order"]),
    ]
}

/// What matching does with the set.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub needs: usize,
    /// Labelled pairs: must be suggested, must not.
    pub must: usize,
    pub must_not: usize,
    /// Must-pairs suggested (listed) and mailed.
    pub must_listed: usize,
    pub must_mailed: usize,
    /// Must-not pairs suggested (listed) and mailed.
    pub unrelated_listed: usize,
    pub unrelated_mailed: usize,
    /// Labelled pairs that break a hard rule (the set is wrong then).
    pub ineligible: usize,
}

impl Figures {
    /// Of the labelled pairs mailed, the share that must be suggested.
    pub fn precision(&self) -> f64 {
        let mailed = self.must_mailed + self.unrelated_mailed;
        if mailed == 0 {
            1.0
        } else {
            self.must_mailed as f64 / mailed as f64
        }
    }

    /// Of the pairs that must be suggested, the share listed.
    pub fn recall(&self) -> f64 {
        self.must_listed as f64 / self.must.max(1) as f64
    }

    /// Of the labelled pairs listed, the share that must be suggested.
    pub fn listed_precision(&self) -> f64 {
        let listed = self.must_listed + self.unrelated_listed;
        if listed == 0 {
            1.0
        } else {
            self.must_listed as f64 / listed as f64
        }
    }
}

/// Scores every labelled pair as the matcher does (`score`, which is all the matcher decides a
/// pair by) and counts.
pub fn evaluate(vocab: &Vocabulary) -> Figures {
    let offers = offers();
    let audience = Audience::default();
    let mut f = Figures::default();
    for n in needs() {
        f.needs += 1;
        let need = NeedSide {
            id: 0,
            details: &n.details,
            title: n.title,
            description: "",
            city: CityCode::parse("510100").ok(),
            industry: Industry::parse("C").expect("industry C"),
            size: OrgSize::parse("small").expect("size small"),
        };
        for o in &offers {
            let must = n.must.contains(&o.key);
            let must_not = n.must_not.contains(&o.key);
            if !must && !must_not {
                continue;
            }
            let offer = OfferSide {
                id: 0,
                details: &o.details,
                title: o.title,
                description: "",
                audience: &audience,
            };
            if super::eligible(&need, &offer).is_err() {
                f.ineligible += 1;
            }
            let s = score(&need, &offer, vocab).score;
            let (listed, mailed) = (s >= THRESHOLD, s >= MAIL_THRESHOLD);
            if must {
                f.must += 1;
                f.must_listed += usize::from(listed);
                f.must_mailed += usize::from(mailed);
            } else {
                f.must_not += 1;
                f.unrelated_listed += usize::from(listed);
                f.unrelated_mailed += usize::from(mailed);
            }
        }
    }
    f
}

/// The figures as one line.
pub fn summary(f: &Figures) -> String {
    format!(
        "{} needs, {} pairs that must be suggested, {} that must not (all pass the hard rules): \
         recall {:.3} (listed), {} of {} mailed; precision {:.3} of what is mailed, {:.3} of what \
         is listed; unrelated listed {}, unrelated mailed {}",
        f.needs,
        f.must,
        f.must_not,
        f.recall(),
        f.must_mailed,
        f.must,
        f.precision(),
        f.listed_precision(),
        f.unrelated_listed,
        f.unrelated_mailed
    )
}
