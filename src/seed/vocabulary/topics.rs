//! The training SMEs ask for: the topic, how needs about it are titled, and why.

/// A training topic; [`Topic::spec`] has its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Safety,
    Live,
    Cnc,
    Lean,
    Tax,
    Export,
    Weld,
    Electric,
    Forklift,
    Testing,
    Quality,
}

pub struct TrainingTopic {
    pub topic: &'static str,
    pub titles: &'static [&'static str],
    pub why: &'static str,
}

impl Topic {
    pub fn spec(self) -> &'static TrainingTopic {
        match self {
            Topic::Safety => &TrainingTopic {
            topic: "安全生产",
            titles: &["安全生产培训（{n}人）", "一线员工安全生产培训", "新员工三级安全生产教育培训", "安全生产管理人员培训需求"],
            why: "为落实安全生产主体责任，需开展安全生产培训，内容包括风险辨识、隐患排查和应急演练",
            },
            Topic::Live => &TrainingTopic {
            topic: "电商直播带货",
            titles: &["电商直播带货培训", "电商直播培训（{n}人）", "直播带货运营培训需求"],
            why: "公司计划拓展线上销售，希望通过电商直播培训培养自己的直播主播，掌握直播间搭建、选品和话术",
            },
            Topic::Cnc => &TrainingTopic {
            topic: "数控编程",
            titles: &["数控编程培训", "数控编程与操作培训（{n}人）", "CNC数控编程技能培训"],
            why: "车间新购CNC机床，需对技术工人开展数控编程培训，重点是FANUC系统编程与加工工艺",
            },
            Topic::Lean => &TrainingTopic {
            topic: "精益生产",
            titles: &["精益生产培训", "精益生产与5S现场管理培训", "班组长精益生产管理培训"],
            why: "为降低库存和在制品、提升交付效率，计划引入精益生产方法，希望讲师结合现场开展价值流分析和5S改善",
            },
            Topic::Tax => &TrainingTopic {
            topic: "财务税务",
            titles: &["财务税务培训", "中小企业财务与税务实务培训", "税务申报与筹划培训", "财务人员税务政策培训"],
            why: "近年税收优惠政策变化较多，需为财务人员和管理层开展财务税务培训，讲解纳税申报和研发费用加计扣除",
            },
            Topic::Export => &TrainingTopic {
            topic: "出口合规",
            titles: &["出口合规培训", "外贸出口合规与RCEP培训", "出口合规与海关申报培训"],
            why: "公司开始拓展东南亚市场，需要开展出口合规培训，讲解原产地规则、出口管制和海关申报",
            },
            Topic::Weld => &TrainingTopic {
            topic: "焊工技能",
            titles: &["焊工特种作业取证培训", "焊工技能提升培训（{n}人）"],
            why: "部分焊工证书即将到期，需组织焊工取证和复审培训",
            },
            Topic::Electric => &TrainingTopic {
            topic: "电工作业",
            titles: &["电工特种作业操作证培训", "低压电工取证培训"],
            why: "需组织维修人员参加低压电工特种作业操作证培训和考核",
            },
            Topic::Forklift => &TrainingTopic {
            topic: "叉车操作",
            titles: &["叉车司机取证培训", "叉车司机技能培训（{n}人）"],
            why: "仓储岗位需持证上岗，需组织叉车司机取证培训",
            },
            Topic::Testing => &TrainingTopic {
            topic: "软件测试",
            titles: &["软件测试技能培训", "软件测试与自动化测试培训（{n}人）"],
            why: "为提升交付质量，需对研发人员开展软件测试培训，内容包括用例设计、接口测试和自动化测试",
            },
            Topic::Quality => &TrainingTopic {
            topic: "质量管理体系",
            titles: &["ISO9001质量管理体系培训", "质量管理体系内审员培训"],
            why: "公司准备进行ISO9001体系认证，需培训内审员并完善体系文件",
            },
        }
    }
}
