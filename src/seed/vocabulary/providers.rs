//! The platform companies' vocabulary: well-known companies, the names of local ones, the
//! counties they belong to, and their financing products, recruiting services and training
//! programmes.

use crate::domain::{Category, Collateral, Fee, RecruitingService};

pub const SPECIAL_PROVIDERS: &[(&str, Option<&str>, Category, &str)] = &[
    (
        "成都产业投资集团有限公司",
        Some("510100"),
        Category::Financing,
        "L",
    ),
    (
        "四川省人力资源服务有限公司",
        None,
        Category::Recruiting,
        "L",
    ),
    (
        "四川天府职业技能培训有限公司",
        Some("510100"),
        Category::Training,
        "P",
    ),
    (
        "宜宾市国有资产经营有限公司",
        Some("511500"),
        Category::Financing,
        "L",
    ),
    (
        "绵阳科技城发展投资（集团）有限公司",
        Some("510700"),
        Category::Financing,
        "L",
    ),
    (
        "德阳市人才发展集团有限公司",
        Some("510600"),
        Category::Recruiting,
        "L",
    ),
    (
        "四川省中小企业融资担保有限公司",
        None,
        Category::Financing,
        "J",
    ),
    (
        "泸州市职业技能培训服务有限公司",
        Some("510500"),
        Category::Training,
        "P",
    ),
    (
        "南充市产业投资集团有限公司",
        Some("511300"),
        Category::Financing,
        "L",
    ),
    (
        "乐山市人力资源开发有限公司",
        Some("511100"),
        Category::Recruiting,
        "L",
    ),
];

pub const FINANCE_SUFFIXES: &[&str] = &[
    "产业投资集团有限公司",
    "国有资产经营有限公司",
    "国有资本投资运营集团有限公司",
    "发展投资集团有限公司",
    "融资担保有限公司",
    "金融控股集团有限公司",
    "中小企业服务有限公司",
];
pub const RECRUIT_SUFFIXES: &[&str] = &[
    "人力资源服务有限公司",
    "人才发展集团有限公司",
    "人力资源开发有限公司",
    "就业服务有限公司",
    "劳务开发有限公司",
];
pub const TRAIN_SUFFIXES: &[&str] = &[
    "职业技能培训有限公司",
    "职业教育发展有限公司",
    "产业人才培训有限公司",
    "技能人才评价服务有限公司",
    "创业就业培训有限公司",
];

/// County-level divisions by prefecture (GB/T 2260), for the local platform companies.
#[rustfmt::skip]
pub const COUNTIES: &[(&str, &[&str])] = &[
    ("510100", &["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区",
                 "郫都区", "新津区", "金堂县", "大邑县", "蒲江县", "都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市"]),
    ("510300", &["自流井区", "贡井区", "大安区", "沿滩区", "荣县", "富顺县"]),
    ("510400", &["东区", "西区", "仁和区", "米易县", "盐边县"]),
    ("510500", &["江阳区", "纳溪区", "龙马潭区", "泸县", "合江县", "叙永县", "古蔺县"]),
    ("510600", &["旌阳区", "罗江区", "中江县", "广汉市", "什邡市", "绵竹市"]),
    ("510700", &["涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "北川羌族自治县", "平武县", "江油市"]),
    ("510800", &["利州区", "昭化区", "朝天区", "旺苍县", "青川县", "剑阁县", "苍溪县"]),
    ("510900", &["船山区", "安居区", "蓬溪县", "大英县", "射洪市"]),
    ("511000", &["市中区", "东兴区", "威远县", "资中县", "隆昌市"]),
    ("511100", &["市中区", "沙湾区", "五通桥区", "金口河区", "犍为县", "井研县", "夹江县", "沐川县", "峨眉山市"]),
    ("511300", &["顺庆区", "高坪区", "嘉陵区", "南部县", "营山县", "蓬安县", "仪陇县", "西充县", "阆中市"]),
    ("511400", &["东坡区", "彭山区", "仁寿县", "洪雅县", "丹棱县", "青神县"]),
    ("511500", &["翠屏区", "南溪区", "叙州区", "江安县", "长宁县", "高县", "珙县", "筠连县", "兴文县", "屏山县"]),
    ("511600", &["广安区", "前锋区", "岳池县", "武胜县", "邻水县", "华蓥市"]),
    ("511700", &["通川区", "达川区", "宣汉县", "开江县", "大竹县", "渠县", "万源市"]),
    ("511800", &["雨城区", "名山区", "荥经县", "汉源县", "石棉县", "天全县", "芦山县", "宝兴县"]),
    ("511900", &["巴州区", "恩阳区", "通江县", "南江县", "平昌县"]),
    ("512000", &["雁江区", "安岳县", "乐至县"]),
    ("513200", &["马尔康市", "汶川县", "理县", "茂县", "松潘县", "九寨沟县"]),
    ("513300", &["康定市", "泸定县", "丹巴县", "稻城县"]),
    ("513400", &["西昌市", "会理市", "德昌县", "冕宁县", "盐源县", "会东县"]),
];

pub struct Product {
    pub titles: &'static [&'static str],
    pub description: &'static str,
    /// Amount ranges in 万.
    pub ranges: &'static [(i64, i64)],
    pub terms: (i32, i32),
    pub collateral: &'static [Collateral],
    pub industries: &'static [&'static str],
    pub guarantee: bool,
}

pub const PRODUCTS: &[Product] = &[
    Product {
        titles: &["科技贷", "科技贷（科技型中小企业信用贷款）", "{place}科技贷", "科技成果转化贷款"],
        description: "面向科技型中小企业的信用贷款产品，纯信用、免抵押，按研发投入、专利数量和成长性核定额度，财政给予贴息。",
        ranges: &[(100, 1000), (50, 500)],
        terms: (12, 36),
        collateral: &[Collateral::None, Collateral::Ip],
        industries: &["C", "I", "M"],
        guarantee: false,
    },
    Product {
        titles: &["园保贷（园区企业担保贷款）", "园保贷：园区中小企业担保贷款"],
        description: "由园区平台公司与合作银行、融资担保机构共同推出，为入园中小企业提供担保增信，降低融资门槛，担保费率不超过1%。",
        ranges: &[(100, 1000), (50, 800)],
        terms: (12, 36),
        collateral: &[Collateral::Guarantee, Collateral::Property],
        industries: &[],
        guarantee: true,
    },
    Product {
        titles: &["设备按揭贷款", "设备更新按揭贷款", "设备融资租赁"],
        description: "支持企业购置生产设备，以所购设备作抵押，首付最低30%，按月等额还款，可叠加设备更新贴息政策。",
        ranges: &[(100, 2000), (50, 1000), (200, 3000)],
        terms: (12, 60),
        collateral: &[Collateral::Equipment, Collateral::Property],
        industries: &["C", "A", "G", "M"],
        guarantee: false,
    },
    Product {
        titles: &["知识产权质押贷款", "知识产权质押融资", "专利权质押贷款（知识产权）"],
        description: "以企业有效发明专利、实用新型专利或商标专用权质押融资，财政给予贴息和风险补偿，评估费由平台承担。",
        ranges: &[(50, 1000), (100, 2000)],
        terms: (12, 36),
        collateral: &[Collateral::Ip],
        industries: &["C", "I", "M"],
        guarantee: false,
    },
    Product {
        titles: &["税易贷（纳税信用贷款）", "税易贷"],
        description: "依据企业纳税信用等级和近两年纳税额核定授信，纯信用，线上申请，最快当天放款。",
        ranges: &[(10, 300), (50, 500)],
        terms: (6, 36),
        collateral: &[Collateral::None],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["应急转贷资金", "中小企业应急转贷资金（过桥）"],
        description: "为贷款即将到期、续贷有困难的中小企业提供短期过桥资金，按日计息，帮助企业按时还贷续贷。",
        ranges: &[(100, 3000)],
        terms: (1, 6),
        collateral: &[Collateral::None, Collateral::Property],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["小微企业流动资金贷款", "流动资金贷款", "园区企业流动资金周转贷款"],
        description: "满足企业日常经营中原材料采购、支付工资等资金周转需求，随借随还，按日计息。",
        ranges: &[(50, 1000), (100, 2000)],
        terms: (6, 36),
        collateral: &[Collateral::Property, Collateral::Guarantee, Collateral::Receivables],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["应收账款融资", "供应链应收账款融资", "应收账款质押贷款"],
        description: "企业以对核心企业的应收账款转让或质押获得融资，依托中征应收账款融资服务平台线上确权。",
        ranges: &[(100, 2000), (50, 1000)],
        terms: (6, 12),
        collateral: &[Collateral::Receivables],
        industries: &["C", "F", "E", "G"],
        guarantee: false,
    },
    Product {
        titles: &["订单贷（订单融资）", "政采贷（政府采购订单融资）", "订单融资"],
        description: "凭与大型企业或政府采购单位签订的合同订单申请融资，以订单回款作为还款来源，无需额外抵押。",
        ranges: &[(50, 1000), (100, 1500)],
        terms: (6, 12),
        collateral: &[Collateral::Orders, Collateral::Receivables],
        industries: &["C", "F", "A"],
        guarantee: false,
    },
    Product {
        titles: &["技改贷（技术改造专项贷款）", "技改专项贷款", "工业技改项目贷款"],
        description: "支持工业企业实施智能化、绿色化技术改造，可叠加省级技改专项资金贴息。",
        ranges: &[(300, 3000), (200, 2000)],
        terms: (24, 60),
        collateral: &[Collateral::Equipment, Collateral::Property, Collateral::Guarantee],
        industries: &["C"],
        guarantee: false,
    },
    Product {
        titles: &["中小企业融资担保服务", "批量担保贷款", "创业担保贷款"],
        description: "为中小微企业向合作银行贷款提供担保，担保费率不超过1%，可与园区风险补偿资金池联动。",
        ranges: &[(50, 1000), (100, 1500)],
        terms: (12, 36),
        collateral: &[Collateral::Guarantee, Collateral::Property, Collateral::None],
        industries: &[],
        guarantee: true,
    },
    Product {
        titles: &["标准厂房按揭贷款", "厂房购置及扩建贷款"],
        description: "支持园区企业购置或建设标准化厂房，以所购房产作抵押，期限最长5年。",
        ranges: &[(500, 3000), (300, 2000)],
        terms: (36, 60),
        collateral: &[Collateral::Property],
        industries: &["C", "A", "G"],
        guarantee: false,
    },
];

pub struct Service {
    pub titles: &'static [&'static str],
    pub description: &'static str,
    pub services: &'static [RecruitingService],
    pub fees: &'static [(Fee, u32)],
    pub headcount: Option<(i32, i32)>,
}

pub const FREE_MOSTLY: &[(Fee, u32)] = &[(Fee::Free, 60), (Fee::Subsidized, 40)];

pub const SERVICES: &[Service] = &[
    Service {
        titles: &["{place}专场招聘会", "{place}春风行动专场招聘会", "制造业技能人才专场招聘会"],
        description: "每月在园区举办专场招聘会，免费为企业提供展位，组织周边县区求职者到场面试，现场可办理入职登记。",
        services: &[RecruitingService::JobFair, RecruitingService::OnlinePosting],
        fees: FREE_MOSTLY,
        headcount: Some((100, 500)),
    },
    Service {
        titles: &["数控车工、焊工专场招聘会", "普工、叉车司机专场招聘会", "电工、质检员专场招聘会"],
        description: "面向园区制造企业的技能岗位专场招聘会，提前收集岗位需求并定向邀约持证求职者，本场重点岗位见标题。",
        services: &[RecruitingService::JobFair],
        fees: FREE_MOSTLY,
        headcount: Some((50, 300)),
    },
    Service {
        titles: &["电商直播主播专场招聘会"],
        description: "联合本地电商直播基地举办主播专场招聘会，现场试播，帮助企业招到合适的直播人才。",
        services: &[RecruitingService::JobFair],
        fees: FREE_MOSTLY,
        headcount: Some((20, 100)),
    },
    Service {
        titles: &["高校毕业生校园招聘服务", "校园招聘对接会", "{place}校企合作校园招聘"],
        description: "联合省内高校和职业院校开展校园招聘，为企业定向输送应届毕业生，可协助申请就业见习补贴。",
        services: &[RecruitingService::Campus],
        fees: FREE_MOSTLY,
        headcount: None,
    },
    Service {
        titles: &["劳务派遣服务", "劳务派遣（普工、装配工）", "灵活用工与劳务派遣"],
        description: "提供合规的劳务派遣和灵活用工服务，代办社保和工伤保险，批量岗位7天内到岗。",
        services: &[RecruitingService::LaborDispatch],
        fees: &[(Fee::Paid, 60), (Fee::Subsidized, 40)],
        headcount: Some((20, 300)),
    },
    Service {
        titles: &["中高端人才猎头服务", "猎头服务（技术及管理人才）"],
        description: "为企业寻访技术骨干和中高层管理人才，按成功入职收费，保用期内免费替换。",
        services: &[RecruitingService::Headhunting],
        fees: &[(Fee::Paid, 80), (Fee::Subsidized, 20)],
        headcount: Some((3, 20)),
    },
    Service {
        titles: &["线上招聘平台免费发布岗位", "{place}就业服务网络招聘"],
        description: "企业可在平台免费发布招聘信息，平台按岗位要求向求职者精准推送，并提供视频面试。",
        services: &[RecruitingService::OnlinePosting],
        fees: &[(Fee::Free, 100)],
        headcount: None,
    },
];

pub struct Programme {
    pub titles: &'static [&'static str],
    /// Descriptions by title (the last one serves the rest).
    pub descriptions: &'static [&'static str],
    pub topics: &'static [&'static str],
    pub industries: &'static [&'static str],
}

pub const PROGRAMMES: &[Programme] = &[
    Programme {
        titles: &["电商直播带货实战培训", "农产品电商直播培训", "电商直播人才培训班"],
        descriptions: &["由专业主播和运营讲师授课，涵盖直播间搭建、选品、话术和流量投放，结业推荐就业。"],
        topics: &["电商直播", "直播带货", "短视频运营"],
        industries: &["A", "F", "C"],
    },
    Programme {
        titles: &["数控技能提升培训", "数控编程与操作技能提升培训", "数控车工技能等级认定培训"],
        descriptions: &[
            "面向机械加工企业在岗职工，开展数控车床、加工中心实操训练，考核合格颁发职业技能等级证书。",
            "讲授数控编程（FANUC、西门子系统）与加工工艺，配合CNC机床实操，考核合格颁发职业技能等级证书。",
            "面向机械加工企业在岗职工，开展数控车床实操训练和技能等级认定，可申领技能提升补贴。",
        ],
        topics: &["数控编程", "数控车床操作", "加工中心操作"],
        industries: &["C"],
    },
    Programme {
        titles: &["安全生产标准化培训", "企业主要负责人安全生产培训", "安全生产管理人员取证培训"],
        descriptions: &["依据《安全生产法》讲授风险分级管控和隐患排查治理，可上门集中授课，考核合格发放培训证明。"],
        topics: &["安全生产", "隐患排查", "应急管理"],
        industries: &["C", "E", "G", "A"],
    },
    Programme {
        titles: &["精益生产管理培训", "精益生产与班组管理培训"],
        descriptions: &["讲授价值流分析、5S和标准作业，配合到厂现场改善辅导，帮助企业降本增效。"],
        topics: &["精益生产", "5S管理", "班组管理"],
        industries: &["C"],
    },
    Programme {
        titles: &["中小企业财务税务实务培训", "财务税务政策解读培训", "小微企业税务申报培训"],
        descriptions: &["讲解最新税收优惠政策、纳税申报和研发费用加计扣除，兼顾财务规范化管理。"],
        topics: &["财务税务", "纳税申报", "税收优惠"],
        industries: &[],
    },
    Programme {
        titles: &["出口合规培训", "RCEP与出口合规实务培训", "外贸企业出口合规培训"],
        descriptions: &["讲解出口管制、原产地规则和海关申报要点，帮助企业规避贸易合规风险、用好RCEP关税减让。"],
        topics: &["出口合规", "RCEP", "海关申报"],
        industries: &["C", "F"],
    },
    Programme {
        titles: &["焊工特种作业取证培训", "电工特种作业操作证培训", "叉车司机取证培训"],
        descriptions: &[
            "理论与实操结合，考核合格取得焊接与热切割作业特种作业操作证，可申领职业培训补贴。",
            "理论与实操结合，考核合格取得低压电工特种作业操作证，可申领职业培训补贴。",
            "理论与实操结合，考核合格取得叉车司机特种设备作业人员证，可申领职业培训补贴。",
        ],
        topics: &["特种作业取证"],
        industries: &["C", "E", "G"],
    },
    Programme {
        titles: &["软件测试技能培训"],
        descriptions: &["讲授软件测试用例设计、接口测试和自动化测试框架，项目实战教学。"],
        topics: &["软件测试", "自动化测试"],
        industries: &["I", "M"],
    },
    Programme {
        titles: &["ISO9001质量管理体系培训", "质量管理体系内审员培训"],
        descriptions: &["讲授ISO9001标准条款和内部审核方法，结业颁发内审员证书。"],
        topics: &["质量管理体系", "内审员"],
        industries: &["C", "M"],
    },
];
