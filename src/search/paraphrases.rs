//! A second labelled query set over `seed-demo` data: what people type instead of a posting's
//! own words — synonyms and colloquial names, abbreviations, typos (homophones, near-forms,
//! pinyin, Latin slips) and English. Measured like `labelled` (recall@10, MRR) and judged the
//! same way: a query's relevant postings are the published ones (of its type) whose title holds
//! one of its label words, as the database says, whatever the index holds. The label words are
//! the words the demo postings use for what the query means.

use super::labelled::Labelled;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Synonym,
    Abbreviation,
    Typo,
    English,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Synonym, Kind::Abbreviation, Kind::Typo, Kind::English];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Synonym => "synonym",
            Kind::Abbreviation => "abbreviation",
            Kind::Typo => "typo",
            Kind::English => "English",
        }
    }
}

pub struct Paraphrase {
    pub kind: Kind,
    pub query: Labelled,
}

const OFFER: Option<&str> = Some("offer");
const NEED: Option<&str> = Some("need");
const ANY: Option<&str> = None;

const fn p(
    kind: Kind,
    q: &'static str,
    of: Option<&'static str>,
    title_words: &'static [&'static str],
) -> Paraphrase {
    Paraphrase {
        kind,
        query: Labelled {
            q,
            kind: of,
            title_words,
        },
    }
}

use Kind::{Abbreviation as A, English as E, Synonym as S, Typo as T};

const HIRING: &[&str] = &["招聘", "急招", "诚聘"];

pub const PARAPHRASES: &[Paraphrase] = &[
    // Synonyms and colloquial names.
    p(S, "招工", NEED, HIRING),
    p(S, "招人", NEED, HIRING),
    p(S, "用工需求", NEED, HIRING),
    p(S, "缺人", NEED, HIRING),
    p(S, "操作工", NEED, &["普工"]),
    p(S, "流水线工人", NEED, &["普工"]),
    p(S, "电焊工", NEED, &["焊工"]),
    p(S, "铲车司机", ANY, &["叉车"]),
    p(S, "品检员", ANY, &["质检"]),
    p(S, "仓库管理员", NEED, &["仓管"]),
    p(S, "设备维修工", NEED, &["机修"]),
    p(S, "业务员", NEED, &["销售代表"]),
    p(S, "实验员", NEED, &["化验员"]),
    p(S, "卡车司机", NEED, &["货车司机"]),
    p(S, "农艺师", NEED, &["农技员"]),
    p(S, "大厨", NEED, &["厨师"]),
    p(S, "组装工", NEED, &["装配工"]),
    p(S, "带货主播", NEED, &["主播"]),
    p(S, "人才交流会", OFFER, &["招聘会"]),
    p(S, "双选会", OFFER, &["招聘会"]),
    p(S, "应届生招聘", OFFER, &["校园"]),
    p(S, "人力外包", OFFER, &["劳务派遣"]),
    p(S, "临时工", OFFER, &["灵活用工"]),
    p(S, "日结", OFFER, &["灵活用工"]),
    p(S, "人才寻访", OFFER, &["猎头"]),
    p(S, "线上招聘", OFFER, &["线上招聘", "网络招聘"]),
    p(S, "专利质押", ANY, &["知识产权", "专利"]),
    p(S, "保理", ANY, &["应收账款"]),
    p(S, "周转贷款", ANY, &["流动资金", "周转"]),
    p(S, "经营贷", ANY, &["流动资金", "周转"]),
    p(S, "设备按揭", ANY, &["设备"]),
    p(S, "设备租赁", OFFER, &["融资租赁"]),
    p(S, "过桥贷款", OFFER, &["转贷", "过桥"]),
    p(S, "订单贷款", ANY, &["订单"]),
    p(S, "免抵押贷款", OFFER, &["信用贷款", "科技", "税易贷"]),
    p(S, "纳税信用贷", OFFER, &["税易贷"]),
    p(S, "科创贷", OFFER, &["科技贷", "科技成果"]),
    p(S, "增信", OFFER, &["担保", "园保贷"]),
    p(S, "厂房按揭", ANY, &["厂房"]),
    p(S, "研发融资", ANY, &["研发"]),
    p(S, "财务与税务", ANY, &["财务", "税务"]),
    p(S, "安全教育培训", ANY, &["安全生产"]),
    p(S, "精益管理", ANY, &["精益"]),
    p(S, "外贸合规", ANY, &["出口合规"]),
    p(S, "直播电商培训", ANY, &["直播"]),
    p(S, "焊工证", ANY, &["焊工"]),
    p(S, "电工操作证", ANY, &["电工特种作业", "低压电工"]),
    p(S, "内部审核员", ANY, &["内审员"]),
    p(S, "现场管理", ANY, &["精益", "5S"]),
    // Abbreviations, and the full forms of the abbreviations postings use.
    p(A, "技术改造贷款", ANY, &["技改", "技术改造"]),
    p(A, "校招", OFFER, &["校园", "校企合作"]),
    p(A, "财税", ANY, &["财务", "税务"]),
    p(A, "流贷", ANY, &["流动资金"]),
    p(A, "知产贷", ANY, &["知识产权"]),
    p(A, "专利贷", ANY, &["知识产权", "专利"]),
    p(A, "CNC", ANY, &["数控"]),
    p(A, "CNC编程", ANY, &["数控编程"]),
    p(A, "CNC车工", NEED, &["数控车工"]),
    p(A, "QC", NEED, &["质检"]),
    p(A, "PLC", NEED, &["电工"]),
    p(A, "QMS", ANY, &["质量管理体系"]),
    p(A, "ISO 9001", ANY, &["质量管理体系", "ISO9001"]),
    p(A, "包吃住", NEED, &["包食宿"]),
    p(A, "税贷", OFFER, &["税易贷"]),
    p(A, "IP质押", ANY, &["知识产权"]),
    p(A, "R&D贷款", ANY, &["研发"]),
    p(A, "特种作业证", ANY, &["特种作业"]),
    p(A, "叉车工", NEED, &["叉车"]),
    p(A, "库管", NEED, &["仓管"]),
    p(A, "机修工", NEED, &["机修"]),
    p(A, "应收款融资", ANY, &["应收账款"]),
    p(A, "技改贷", OFFER, &["技改", "技术改造"]),
    p(A, "知产", ANY, &["知识产权"]),
    // Typos: homophones (also as Sichuanese merge sounds), near-forms, pinyin, Latin slips.
    p(T, "数空车工", ANY, &["数控车工"]),
    p(T, "焊功", NEED, &["焊工"]),
    p(T, "叉车斯机", ANY, &["叉车"]),
    p(T, "质减员", NEED, &["质检员"]),
    p(T, "应收帐款", ANY, &["应收账款"]),
    p(T, "精益生厂", ANY, &["精益"]),
    p(T, "劳务派遗", OFFER, &["劳务派遣"]),
    p(T, "数控编成", ANY, &["数控编程"]),
    p(T, "软件侧试", ANY, &["软件测试"]),
    p(T, "知识产全", ANY, &["知识产权"]),
    p(T, "流动资今", ANY, &["流动资金"]),
    p(T, "电商直波", ANY, &["直播"]),
    p(T, "猎投", OFFER, &["猎头"]),
    p(T, "出口合归", ANY, &["出口合规"]),
    p(T, "安全生厂", ANY, &["安全生产"]),
    p(T, "厂房扩健", NEED, &["厂房", "扩建"]),
    p(T, "龙技员", NEED, &["农技员"]),
    p(T, "仓管圆", NEED, &["仓管员"]),
    p(T, "化验圆", NEED, &["化验员"]),
    p(T, "货车私机", NEED, &["货车司机"]),
    p(T, "技改货款", ANY, &["技改", "技术改造"]),
    p(T, "校园招品", OFFER, &["校园"]),
    p(T, "直播代货", ANY, &["直播"]),
    p(T, "税物申报", ANY, &["税务申报"]),
    p(T, "jvaa", NEED, &["Java"]),
    p(T, "springboot", NEED, &["Java"]),
    p(T, "shukong", ANY, &["数控"]),
    p(T, "hangong", NEED, &["焊工"]),
    p(T, "chache", ANY, &["叉车"]),
    // English, as typed on the English pages.
    p(E, "loan", OFFER, &["贷款"]),
    p(E, "equipment loan", OFFER, &["设备"]),
    p(E, "working capital loan", ANY, &["流动资金"]),
    p(E, "IP pledge loan", OFFER, &["知识产权", "专利"]),
    p(E, "patent loan", ANY, &["知识产权", "专利"]),
    p(E, "leasing", OFFER, &["融资租赁"]),
    p(E, "factoring", ANY, &["应收账款"]),
    p(E, "order financing", ANY, &["订单"]),
    p(E, "bridge loan", OFFER, &["转贷", "过桥"]),
    p(E, "tech loan", OFFER, &["科技贷", "科技成果"]),
    p(E, "guarantee", OFFER, &["担保", "园保贷"]),
    p(E, "factory loan", ANY, &["厂房"]),
    p(E, "R&D loan", ANY, &["研发"]),
    p(E, "welder", NEED, &["焊工"]),
    p(E, "electrician", NEED, &["电工"]),
    p(E, "forklift driver", ANY, &["叉车"]),
    p(E, "CNC operator", NEED, &["数控车工"]),
    p(E, "quality inspector", NEED, &["质检"]),
    p(E, "warehouse keeper", NEED, &["仓管"]),
    p(E, "truck driver", NEED, &["货车司机"]),
    p(E, "cook", NEED, &["厨师"]),
    p(E, "salesperson", NEED, &["销售代表"]),
    p(E, "agronomist", NEED, &["农技员"]),
    p(E, "recruitment", NEED, HIRING),
    p(E, "job fair", OFFER, &["招聘会"]),
    p(E, "campus recruitment", OFFER, &["校园", "校企合作"]),
    p(E, "labor dispatch", OFFER, &["劳务派遣"]),
    p(E, "headhunting", OFFER, &["猎头"]),
    p(E, "training", OFFER, &["培训"]),
    p(E, "safety training", ANY, &["安全生产"]),
    p(E, "lean production", ANY, &["精益"]),
    p(E, "tax training", ANY, &["税务"]),
    p(E, "export compliance", ANY, &["出口合规"]),
    p(E, "software testing", ANY, &["软件测试"]),
    p(E, "live streaming training", ANY, &["直播"]),
    p(E, "quality management system", ANY, &["质量管理体系"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_a_hundred_queries_of_every_kind() {
        assert!(PARAPHRASES.len() >= 100, "{}", PARAPHRASES.len());
        for k in Kind::ALL {
            let n = PARAPHRASES.iter().filter(|p| p.kind == k).count();
            assert!(n >= 20, "{}: {n}", k.name());
        }
        // No query of the exact set is counted again here.
        for p in PARAPHRASES {
            assert!(
                !super::super::labelled::QUERIES
                    .iter()
                    .any(|l| l.q == p.query.q),
                "{}",
                p.query.q
            );
        }
    }
}
