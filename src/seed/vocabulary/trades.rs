//! The trades SMEs are in (by GB/T 4754 section): the words of their names and products, and
//! what they ask for — which financing, jobs and training, how often.
//!
//! Words that the labelled search queries look for in titles (设备, 流动资金, 周转, 知识产权,
//! 应收账款, 订单, 厂房, 扩建, 技改, 数控, 编程, 焊工, 电工, 质检, 普工, 叉车, 软件测试, 主播,
//! 直播, 安全生产, 精益, 财务, 税务, 出口, 合规, 担保 …) only appear in a description whose title
//! has them as well.

use super::jobs::Job;
use super::topics::Topic;
use crate::domain::Category;

/// The kinds of financing an SME asks for; `needs::financing_need` words each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinancingNeed {
    Equipment,
    WorkingCapital,
    Ip,
    Upgrade,
    Orders,
    Receivables,
    Expansion,
    Rnd,
}

/// One line of business: the word in the company name, its products, machines it would buy.
pub struct Line {
    pub word: &'static str,
    pub products: &'static [&'static str],
    pub machines: &'static [&'static str],
}

pub struct Trade {
    pub letter: &'static str,
    pub weight: u32,
    pub verb: &'static str,
    pub lines: &'static [Line],
    /// Which kinds of need it posts.
    pub categories: &'static [(Category, u32)],
    /// Jobs it recruits for, weighted.
    pub positions: &'static [(Job, u32)],
    /// Training topics it asks for, weighted.
    pub topics: &'static [(Topic, u32)],
    /// Financing needs, weighted.
    pub financing: &'static [(FinancingNeed, u32)],
}

const fn line(
    word: &'static str,
    products: &'static [&'static str],
    machines: &'static [&'static str],
) -> Line {
    Line {
        word,
        products,
        machines,
    }
}

pub const CATS_MAKER: &[(Category, u32)] = &[
    (Category::Financing, 40),
    (Category::Recruiting, 40),
    (Category::Training, 20),
];
pub const CATS_SERVICE: &[(Category, u32)] = &[
    (Category::Financing, 40),
    (Category::Recruiting, 35),
    (Category::Training, 25),
];
pub const CATS_FARM: &[(Category, u32)] = &[
    (Category::Financing, 50),
    (Category::Recruiting, 25),
    (Category::Training, 25),
];

#[rustfmt::skip]
pub const TRADES: &[Trade] = &[
    Trade {
        letter: "C", weight: 46, verb: "生产",
        lines: &[
            line("精密机械", &["精密零部件", "液压阀体", "减速机齿轮"], &["五轴加工中心", "精密磨床"]),
            line("新材料科技", &["高性能复合材料", "碳纤维制品", "特种涂料"], &["连续纤维缠绕机", "真空热压罐"]),
            line("电子科技", &["电子元器件", "印制电路板", "温湿度传感器"], &["SMT贴片线", "自动光学检测仪"]),
            line("汽车零部件", &["汽车座椅骨架", "制动器总成", "汽车线束"], &["机器人焊接工作站", "伺服冲压线"]),
            line("食品", &["川味调味品", "火锅底料", "休闲卤味"], &["全自动灌装线", "蒸汽杀菌釜"]),
            line("化工", &["精细化工产品", "水性涂料", "工业助剂"], &["不锈钢反应釜", "DCS控制系统"]),
            line("包装材料", &["环保包装材料", "瓦楞纸箱", "食品包装膜"], &["高速印刷机", "全自动制袋机"]),
            line("智能装备", &["自动化生产线", "工业机器人工作站", "智能仓储系统"], &["激光切割机", "三坐标测量仪"]),
            line("机械制造", &["农机配件", "矿山机械配件", "带式输送机"], &["龙门加工中心", "激光切割机"]),
            line("纺织", &["功能性面料", "蜀锦制品", "服装辅料"], &["喷气织机", "智能验布机"]),
            line("家具", &["板式定制家具", "实木家具", "办公家具"], &["全自动封边机", "电子开料锯"]),
            line("酒业", &["浓香型白酒", "青梅果酒", "配制酒"], &["智能酿酒机器人", "全自动灌装线"]),
            line("药业", &["中成药", "中药饮片", "医用敷料"], &["中药提取浓缩机组", "全自动胶囊填充机"]),
            line("建材", &["新型墙体材料", "预拌砂浆", "装配式建筑构件"], &["砌块成型机", "混凝土搅拌站"]),
            line("电池材料", &["锂电池正极材料", "磷酸铁锂", "锂电池电解液"], &["辊道窑", "气流粉碎机"]),
            line("光电科技", &["LED照明产品", "光伏组件", "光纤连接器"], &["全自动层压机", "光谱分析仪"]),
            line("模具", &["精密注塑模具", "冲压模具", "压铸模具"], &["慢走丝线切割机", "电火花成型机"]),
            line("金属制品", &["不锈钢制品", "钢结构件", "铝合金型材"], &["折弯机", "激光切割机"]),
            line("塑胶制品", &["塑料管材", "注塑件", "塑料编织袋"], &["注塑机", "挤出机组"]),
        ],
        categories: CATS_MAKER,
        positions: &[(Job::Cnc, 14), (Job::Welder, 12), (Job::Electrician, 10), (Job::Qc, 10), (Job::Worker, 14), (Job::Forklift, 6),
                     (Job::Assembler, 8), (Job::Store, 5), (Job::Fitter, 6), (Job::Sales, 5), (Job::Lab, 3), (Job::Streamer, 2)],
        topics: &[(Topic::Safety, 24), (Topic::Cnc, 12), (Topic::Lean, 12), (Topic::Tax, 10), (Topic::Export, 8), (Topic::Weld, 8),
                  (Topic::Electric, 7), (Topic::Forklift, 5), (Topic::Quality, 8), (Topic::Live, 6)],
        financing: &[(FinancingNeed::Equipment, 22), (FinancingNeed::WorkingCapital, 20), (FinancingNeed::Ip, 7), (FinancingNeed::Upgrade, 12), (FinancingNeed::Orders, 11),
                     (FinancingNeed::Receivables, 10), (FinancingNeed::Expansion, 12), (FinancingNeed::Rnd, 6)],
    },
    Trade {
        letter: "I", weight: 12, verb: "从事",
        lines: &[
            line("信息技术", &["工业软件开发", "企业管理软件", "政务信息系统"], &["服务器集群", "GPU算力服务器"]),
            line("网络科技", &["云计算服务", "小程序开发", "数字营销服务"], &["服务器集群", "存储阵列"]),
            line("数据科技", &["工业大数据平台", "数据标注服务", "智慧农业系统"], &["GPU算力服务器", "存储阵列"]),
            line("智能科技", &["物联网终端", "智能家居产品", "工业无人机"], &["SMT贴片线", "射频测量仪"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(Job::Tester, 30), (Job::Java, 30), (Job::Streamer, 15), (Job::Sales, 15)],
        topics: &[(Topic::Testing, 35), (Topic::Tax, 25), (Topic::Live, 20), (Topic::Quality, 20)],
        financing: &[(FinancingNeed::Equipment, 8), (FinancingNeed::WorkingCapital, 26), (FinancingNeed::Ip, 22), (FinancingNeed::Orders, 10), (FinancingNeed::Receivables, 18), (FinancingNeed::Rnd, 16)],
    },
    Trade {
        letter: "F", weight: 12, verb: "经营",
        lines: &[
            line("商贸", &["建材批发", "五金机电", "日用百货"], &["智能立体货架", "冷藏展示柜"]),
            line("供应链管理", &["农产品供应链", "冷链配送", "大宗商品贸易"], &["冷藏车", "智能立体货架"]),
            line("贸易", &["川茶", "川菜调料", "食用菌"], &["冷库", "分拣包装线"]),
            line("电子商务", &["特色农产品网络零售", "川味零食网络销售", "家居用品网络零售"], &["自动分拣线", "智能立体货架"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(Job::Streamer, 30), (Job::Forklift, 20), (Job::Store, 20), (Job::Sales, 30)],
        topics: &[(Topic::Live, 40), (Topic::Tax, 25), (Topic::Export, 20), (Topic::Forklift, 15)],
        financing: &[(FinancingNeed::Equipment, 8), (FinancingNeed::WorkingCapital, 35), (FinancingNeed::Orders, 20), (FinancingNeed::Receivables, 25), (FinancingNeed::Expansion, 12)],
    },
    Trade {
        letter: "A", weight: 10, verb: "种植和销售",
        lines: &[
            line("农业开发", &["猕猴桃", "柑橘", "脐橙"], &["冷库", "水果分选线"]),
            line("生态农业", &["生态水稻", "有机蔬菜", "食用菌"], &["烘干机组", "智能温室"]),
            line("茶业", &["绿茶", "藏茶", "茉莉花茶"], &["名优茶加工生产线", "冷库"]),
            line("种业", &["水稻种子", "油菜种子", "玉米种子"], &["种子加工线", "低温种子库"]),
            line("中药材", &["川芎", "附子", "川贝母"], &["烘干机组", "饮片切制机"]),
        ],
        categories: CATS_FARM,
        positions: &[(Job::Worker, 35), (Job::Agronomist, 30), (Job::Streamer, 20), (Job::Forklift, 15)],
        topics: &[(Topic::Live, 40), (Topic::Safety, 25), (Topic::Tax, 20), (Topic::Export, 15)],
        financing: &[(FinancingNeed::Equipment, 20), (FinancingNeed::WorkingCapital, 35), (FinancingNeed::Orders, 15), (FinancingNeed::Expansion, 20), (FinancingNeed::Ip, 10)],
    },
    Trade {
        letter: "M", weight: 8, verb: "提供",
        lines: &[
            line("检测技术", &["第三方检测服务", "计量校准服务", "环境监测服务"], &["液相色谱仪", "电感耦合等离子体质谱仪"]),
            line("工程技术", &["工程设计咨询", "工业设计服务", "BIM咨询服务"], &["三维扫描仪", "图形工作站"]),
            line("生物技术", &["生物试剂", "微生物菌剂", "兽用疫苗研发服务"], &["生物反应器", "超低温冰箱"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(Job::Lab, 30), (Job::Qc, 25), (Job::Tester, 20), (Job::Sales, 25)],
        topics: &[(Topic::Quality, 35), (Topic::Safety, 25), (Topic::Tax, 25), (Topic::Testing, 15)],
        financing: &[(FinancingNeed::Equipment, 25), (FinancingNeed::WorkingCapital, 20), (FinancingNeed::Ip, 25), (FinancingNeed::Receivables, 15), (FinancingNeed::Rnd, 15)],
    },
    Trade {
        letter: "G", weight: 5, verb: "提供",
        lines: &[
            line("物流", &["冷链物流服务", "城乡配送服务", "仓储服务"], &["冷藏车", "智能立体仓库"]),
            line("供应链", &["多式联运服务", "跨境物流服务", "仓配一体化服务"], &["重型牵引车", "智能立体仓库"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(Job::Driver, 40), (Job::Forklift, 35), (Job::Store, 25)],
        topics: &[(Topic::Safety, 45), (Topic::Forklift, 35), (Topic::Tax, 20)],
        financing: &[(FinancingNeed::Equipment, 35), (FinancingNeed::WorkingCapital, 30), (FinancingNeed::Receivables, 20), (FinancingNeed::Expansion, 15)],
    },
    Trade {
        letter: "E", weight: 4, verb: "承接",
        lines: &[line("建设工程", &["市政工程", "装配式建筑施工", "园林绿化工程"], &["塔式起重机", "混凝土泵车"])],
        categories: CATS_MAKER,
        positions: &[(Job::Electrician, 30), (Job::Welder, 30), (Job::Worker, 40)],
        topics: &[(Topic::Safety, 50), (Topic::Weld, 25), (Topic::Electric, 25)],
        financing: &[(FinancingNeed::Equipment, 30), (FinancingNeed::WorkingCapital, 35), (FinancingNeed::Receivables, 35)],
    },
    Trade {
        letter: "H", weight: 2, verb: "经营",
        lines: &[line("餐饮管理", &["团餐服务", "川菜连锁餐饮", "中央厨房配送"], &["中央厨房生产线", "冷藏车"])],
        categories: CATS_SERVICE,
        positions: &[(Job::Cook, 60), (Job::Worker, 40)],
        topics: &[(Topic::Safety, 50), (Topic::Tax, 30), (Topic::Live, 20)],
        financing: &[(FinancingNeed::Equipment, 40), (FinancingNeed::WorkingCapital, 40), (FinancingNeed::Expansion, 20)],
    },
    Trade {
        letter: "D", weight: 1, verb: "从事",
        lines: &[line("新能源", &["分布式光伏电站", "充电桩运营", "生物质发电"], &["光伏逆变器", "储能电池柜"])],
        categories: CATS_MAKER,
        positions: &[(Job::Electrician, 60), (Job::Worker, 40)],
        topics: &[(Topic::Safety, 50), (Topic::Electric, 50)],
        financing: &[(FinancingNeed::Equipment, 50), (FinancingNeed::WorkingCapital, 25), (FinancingNeed::Expansion, 25)],
    },
];

pub fn trade_of(letter: &str) -> &'static Trade {
    TRADES
        .iter()
        .find(|t| t.letter == letter)
        .unwrap_or(&TRADES[0])
}
