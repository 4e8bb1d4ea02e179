//! The jobs SMEs recruit for: title, pay, headcount, skills and duties.

/// A job an SME recruits for; [`Job::spec`] has its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Cnc,
    Welder,
    Electrician,
    Qc,
    Worker,
    Forklift,
    Streamer,
    Tester,
    Assembler,
    Store,
    Fitter,
    Sales,
    Lab,
    Java,
    Driver,
    Agronomist,
    Cook,
}

pub struct Pos {
    pub title: &'static str,
    pub salary: (i64, i64),
    pub headcount: (i32, i32),
    pub skills: &'static [&'static str],
    pub education: &'static str,
    pub duty: &'static str,
}

impl Job {
    pub fn spec(self) -> &'static Pos {
        match self {
            Job::Cnc => &Pos {
                title: "数控车工",
                salary: (6000, 10000),
                headcount: (2, 15),
                skills: &["FANUC系统", "广数系统", "看懂零件图"],
                education: "中专及以上",
                duty: "熟练操作数控车床，能看懂零件图纸，有CNC加工经验者优先",
            },
            Job::Welder => &Pos {
                title: "焊工",
                salary: (6500, 11000),
                headcount: (2, 12),
                skills: &["二氧化碳保护焊", "氩弧焊", "焊工证"],
                education: "初中及以上",
                duty: "持焊工证，熟练掌握二保焊、氩弧焊",
            },
            Job::Electrician => &Pos {
                title: "电工",
                salary: (5500, 8500),
                headcount: (1, 5),
                skills: &["低压电工证", "PLC"],
                education: "中专及以上",
                duty: "持低压电工证，负责厂区配电及线路维护，懂PLC者优先",
            },
            Job::Qc => &Pos {
                title: "质检员",
                salary: (4500, 6500),
                headcount: (1, 6),
                skills: &["卡尺千分尺", "首件检验", "8D报告"],
                education: "高中及以上",
                duty: "负责来料、过程及成品质检，会使用卡尺、千分尺等量具",
            },
            Job::Worker => &Pos {
                title: "普工",
                salary: (4500, 6000),
                headcount: (5, 60),
                skills: &["吃苦耐劳"],
                education: "初中及以上",
                duty: "普工无需经验，岗前带薪培训，能适应两班倒",
            },
            Job::Forklift => &Pos {
                title: "叉车司机",
                salary: (5000, 7000),
                headcount: (1, 6),
                skills: &["叉车证"],
                education: "初中及以上",
                duty: "持叉车证，负责仓库物料装卸和转运",
            },
            Job::Streamer => &Pos {
                title: "电商直播主播",
                salary: (5000, 15000),
                headcount: (1, 5),
                skills: &["直播带货", "短视频拍摄"],
                education: "大专及以上",
                duty: "负责直播间带货，普通话标准、表达能力强，具备主播经验者优先",
            },
            Job::Tester => &Pos {
                title: "软件测试工程师",
                salary: (8000, 14000),
                headcount: (1, 6),
                skills: &["接口测试", "自动化测试", "Python"],
                education: "本科及以上",
                duty: "负责软件测试用例设计与执行，熟悉接口测试和自动化测试工具",
            },
            Job::Assembler => &Pos {
                title: "装配工",
                salary: (5000, 7500),
                headcount: (3, 20),
                skills: &["机械装配", "看懂装配图"],
                education: "初中及以上",
                duty: "负责产品部件装配，有机械装配经验者优先",
            },
            Job::Store => &Pos {
                title: "仓管员",
                salary: (4500, 6000),
                headcount: (1, 4),
                skills: &["ERP系统", "盘点"],
                education: "高中及以上",
                duty: "负责物料出入库与盘点，熟悉ERP系统操作",
            },
            Job::Fitter => &Pos {
                title: "机修钳工",
                salary: (6000, 9000),
                headcount: (1, 4),
                skills: &["钳工", "液压气动"],
                education: "中专及以上",
                duty: "负责生产线日常维修保养，熟悉液压与气动系统",
            },
            Job::Sales => &Pos {
                title: "销售代表",
                salary: (5000, 12000),
                headcount: (2, 8),
                skills: &["客户开发", "C1驾照"],
                education: "大专及以上",
                duty: "负责川渝地区客户开发与维护，底薪加提成",
            },
            Job::Lab => &Pos {
                title: "化验员",
                salary: (4500, 6500),
                headcount: (1, 4),
                skills: &["化学分析", "液相色谱"],
                education: "大专及以上",
                duty: "负责原料及成品理化指标化验，化学相关专业优先",
            },
            Job::Java => &Pos {
                title: "Java开发工程师",
                salary: (10000, 18000),
                headcount: (1, 5),
                skills: &["Java", "Spring Boot", "MySQL"],
                education: "本科及以上",
                duty: "负责业务系统后端开发，熟悉Spring Boot和MySQL",
            },
            Job::Driver => &Pos {
                title: "货车司机",
                salary: (6000, 9000),
                headcount: (2, 10),
                skills: &["A2驾照", "冷链运输"],
                education: "初中及以上",
                duty: "持A2驾照，三年以上驾龄，熟悉川内线路",
            },
            Job::Agronomist => &Pos {
                title: "农技员",
                salary: (4500, 7000),
                headcount: (1, 4),
                skills: &["种植技术", "病虫害防治"],
                education: "大专及以上",
                duty: "负责基地种植技术指导及病虫害防治，农学相关专业优先",
            },
            Job::Cook => &Pos {
                title: "厨师",
                salary: (5000, 8000),
                headcount: (2, 8),
                skills: &["川菜", "健康证"],
                education: "不限",
                duty: "持健康证，擅长川菜，有团餐经验者优先",
            },
        }
    }
}

pub const PERKS: &[&str] = &[
    "包食宿",
    "五险一金",
    "长白班",
    "月休4天",
    "包工作餐",
    "年底双薪",
];
