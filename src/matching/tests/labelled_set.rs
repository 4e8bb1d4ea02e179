//! A labelled set of offers and needs: for each need, the offers it may match and the best one.

use super::*;

/// 29 offers: 12 financing products, 8 recruiting services, 9 training programmes.
pub(super) fn labelled_offers() -> Vec<O> {
    use RecruitingService::{Campus, Headhunting, JobFair, LaborDispatch, OnlinePosting};
    vec![
        // 0
        offer_for(
            fin_offer(
                (100 * WAN, 2000 * WAN),
                (12, 60),
                (385, 480),
                &[Equipment, Guarantee, Property],
            ),
            &[CHENGDU, MIANYANG],
            &["C"],
            &["micro", "small", "medium"],
            "设备更新贷款 面向制造业企业购置设备 技改",
        ),
        // 1
        offer_for(
            fin_offer(
                (50 * WAN, 300 * WAN),
                (6, 36),
                (400, 600),
                &[Collateral::None],
            ),
            &[],
            &["C", "I", "M"],
            &[],
            "科技型中小企业信用贷款 研发投入 无需抵押",
        ),
        // 2
        offer_for(
            fin_offer((100 * WAN, 1000 * WAN), (12, 36), (420, 550), &[Ip]),
            &[],
            &["C", "I", "M"],
            &[],
            "知识产权质押融资 发明专利 商标",
        ),
        // 3
        offer_for(
            fin_offer((200 * WAN, 5000 * WAN), (24, 120), (380, 460), &[Property]),
            &[DEYANG],
            &[],
            &[],
            "厂房扩建项目贷款 固定资产",
        ),
        // 4
        offer(
            fin_offer(
                (10 * WAN, 200 * WAN),
                (3, 12),
                (350, 450),
                &[Receivables, Orders],
            ),
            "应收账款融资 订单融资 供应链 周转",
        ),
        // 5
        offer_for(
            fin_offer((300 * WAN, 3000 * WAN), (12, 48), (300, 420), &[Guarantee]),
            &[YIBIN],
            &["C"],
            &[],
            "技改设备贷款 智能化改造 担保",
        ),
        // 6
        offer_for(
            fin_offer(
                (5 * WAN, 100 * WAN),
                (3, 12),
                (450, 700),
                &[Collateral::None],
            ),
            &[],
            &[],
            &["micro", "small"],
            "小微企业流动资金贷款 信用 周转",
        ),
        // 7
        offer_for(
            fin_offer((200 * WAN, 1200 * WAN), (12, 60), (330, 430), &[Equipment]),
            &[MIANYANG],
            &["C"],
            &[],
            "绵阳设备按揭贷款 数控机床 购置",
        ),
        // 8
        offer_for(
            fin_offer(
                (1000 * WAN, 10_000 * WAN),
                (36, 120),
                (390, 460),
                &[Property, Guarantee],
            ),
            &[],
            &[],
            &["medium", "large"],
            "大额项目贷款 扩产 固定资产投资",
        ),
        // 9
        offer_for(
            fin_offer(
                (50 * WAN, 500 * WAN),
                (3, 12),
                (360, 480),
                &[Orders, Receivables],
            ),
            &[CHENGDU, LUZHOU, YIBIN],
            &["C", "F"],
            &[],
            "外贸出口订单融资 信用证",
        ),
        // 10
        offer(
            fin_offer(
                (10 * WAN, 3000 * WAN),
                (6, 60),
                (430, 650),
                &[Collateral::None, Property, Equipment, Guarantee],
            ),
            "园区普惠贷款 中小微企业 多种担保方式",
        ),
        // 11
        offer(
            rec_offer(&[JobFair, OnlinePosting], Fee::Free, Some(200)),
            "园区专场招聘会 普工 技工 焊工",
        ),
        // 12
        offer_for(
            rec_offer(&[JobFair], Fee::Subsidized, Some(20)),
            &[MIANYANG],
            &[],
            &[],
            "绵阳技能人才定向招聘 数控车工 质检",
        ),
        // 13
        offer(
            rec_offer(&[Headhunting], Fee::Paid, None),
            "猎头服务 高级工程师 研发总监 中高端人才",
        ),
        // 14
        offer_for(
            rec_offer(&[LaborDispatch], Fee::Paid, Some(500)),
            &[CHENGDU],
            &[],
            &[],
            "劳务派遣 普工 装配工 大批量用工",
        ),
        // 15
        offer_for(
            rec_offer(&[Campus], Fee::Free, Some(50)),
            &[YIBIN],
            &[],
            &[],
            "校园招聘 应届毕业生 职业院校",
        ),
        // 16
        offer_for(
            rec_offer(&[OnlinePosting], Fee::Free, Some(30)),
            &[],
            &["I", "M"],
            &[],
            "线上招聘 软件工程师 程序员 Java",
        ),
        // 17
        offer_for(
            rec_offer(&[JobFair, LaborDispatch], Fee::Subsidized, Some(100)),
            &[DEYANG],
            &["C"],
            &[],
            "德阳装备制造招工 焊工 装配工",
        ),
        // 18
        offer(
            tr_offer(&["安全生产", "应急管理"], 60, Either, Fee::Subsidized),
            "安全生产标准化培训 应急管理 一线员工",
        ),
        // 19
        offer(
            tr_offer(&["电商直播", "短视频运营"], 40, Online, Fee::Free),
            "电商直播带货培训 短视频运营 主播",
        ),
        // 20
        offer_for(
            tr_offer(&["数控编程", "CNC"], 20, Onsite, Fee::Paid),
            &[MIANYANG, DEYANG],
            &[],
            &[],
            "数控编程实操培训 CNC 加工中心",
        ),
        // 21
        offer_for(
            tr_offer(&["精益生产", "6S管理"], 100, Onsite, Fee::Subsidized),
            &[],
            &["C"],
            &[],
            "精益生产管理培训 现场管理 班组长",
        ),
        // 22
        offer(
            tr_offer(&["财务税务", "税务筹划"], 80, Online, Fee::Free),
            "中小企业财务税务培训 发票 增值税",
        ),
        // 23
        offer_for(
            tr_offer(&["出口合规", "外贸"], 30, Either, Fee::Paid),
            &[CHENGDU],
            &[],
            &[],
            "外贸出口合规实务培训 报关 跨境",
        ),
        // 24
        offer_for(
            tr_offer(&["安全生产"], 25, Onsite, Fee::Free),
            &[MIANYANG],
            &["C"],
            &[],
            "绵阳安全生产专题培训 危化品",
        ),
        // 25
        offer_for(
            tr_offer(&["焊接技术", "焊工证"], 40, Onsite, Fee::Subsidized),
            &[],
            &[],
            &["small", "medium", "large"],
            "焊工技能提升培训 焊接技术 焊工证 特种作业",
        ),
        // 26–28: generic competitors, open to everyone, eligible for most needs of their kind.
        // 26
        offer(
            fin_offer(
                (50 * WAN, 5000 * WAN),
                (6, 60),
                (400, 550),
                &[Guarantee, Collateral::None],
            ),
            "融资担保增信贷款 中小企业",
        ),
        // 27
        offer(
            rec_offer(
                &[JobFair, Headhunting, LaborDispatch, Campus, OnlinePosting],
                Fee::Paid,
                None,
            ),
            "人力资源综合服务 招聘外包",
        ),
        // 28
        offer(
            tr_offer(&["职业技能", "安全生产", "电商"], 200, Either, Fee::Paid),
            "职业技能综合培训 多工种",
        ),
    ]
}

/// 26 needs, each with the offers that may serve it (worked out by hand, rule by rule, in the
/// comments) and the one that serves it best.
pub(super) fn labelled_needs() -> Vec<(N, Vec<usize>, usize)> {
    let fin = |amount_wan: i64, term, collateral: &[Collateral], rate| {
        fin_need(amount_wan * WAN, term, collateral, rate)
    };
    vec![
        // 0–10: financing.
        // 0: 1–6, 8, 9 fail on amount, region or collateral; 0, 7, 10 pass every rule.
        //    7 is local, aimed at equipment, centred on 500万 and cheapest.
        (
            need(
                fin(500, 36, &[Equipment], Some(450)),
                MIANYANG,
                "设备更新贷款 500万 购置数控机床",
            ),
            vec![0, 7, 10, 26],
            7,
        ),
        // 1: 9 (成都, C, 50万–500万 holds 500万) fails on the term; 7 is 绵阳 only.
        (
            need(
                fin(500, 36, &[Equipment, Guarantee], Some(450)),
                CHENGDU,
                "设备更新贷款 五轴加工中心",
            ),
            vec![0, 10, 26],
            0,
        ),
        // 2: software (I) in 自贡 wanting credit: 2 wants IP, 4 fails the term (24 > 12).
        (
            need_of(
                fin(200, 24, &[Collateral::None], None),
                Some(ZIGONG),
                "I",
                "small",
                "科技型软件企业信用贷款 研发投入",
            ),
            vec![1, 10, 26],
            1,
        ),
        // 3: 300万 is 1's maximum; 1 and 10 accept credit, 2 takes the IP.
        (
            need(
                fin(300, 24, &[Ip], Some(560)),
                NEIJIANG,
                "知识产权质押融资 发明专利",
            ),
            vec![1, 2, 10, 26],
            2,
        ),
        // 4: a medium firm in 德阳 for 2000万: 3 (德阳), 8 (medium), 10 (60 months is its max).
        (
            need_of(
                fin(2000, 60, &[Property], Some(470)),
                Some(DEYANG),
                "C",
                "medium",
                "厂房扩建项目贷款 新建生产线",
            ),
            vec![3, 8, 10, 26],
            3,
        ),
        // 5: a micro wholesaler (F) in 南充: 1 and 2 are not for F, 9 not for 南充, 8 not micro.
        (
            need_of(
                fin(80, 6, &[Receivables], Some(460)),
                Some(NANCHONG),
                "F",
                "micro",
                "应收账款融资 订单周转 货款回笼",
            ),
            vec![4, 6, 10, 26],
            4,
        ),
        // 6: 1000万 is 2's maximum but 2 wants IP; 8 starts at 1000万 and 36 months; 10's
        //    lowest rate equals the 4.30% wanted.
        (
            need_of(
                fin(1000, 36, &[Guarantee], Some(430)),
                Some(YIBIN),
                "C",
                "medium",
                "技改设备贷款 1000万 智能化改造",
            ),
            vec![5, 8, 10, 26],
            5,
        ),
        // 7: a micro hotel (H) in 资阳 wanting credit: 4 wants receivables or orders.
        (
            need_of(
                fin(60, 12, &[Collateral::None], Some(800)),
                Some(ZIYANG),
                "H",
                "micro",
                "小微企业流动资金贷款 门店周转",
            ),
            vec![6, 10, 26],
            6,
        ),
        // 8: 80万 on export orders from 泸州: 9 is the export-order product for 泸州.
        (
            need(
                fin(80, 12, &[Orders], Some(500)),
                LUZHOU,
                "外贸出口订单融资 信用证",
            ),
            vec![1, 4, 6, 9, 10, 26],
            9,
        ),
        // 9: a large firm in 成都 for 5000万: 0 is not for large firms, 10 stops at 3000万.
        (
            need_of(
                fin(5000, 84, &[Property, Guarantee], None),
                Some(CHENGDU),
                "C",
                "large",
                "扩产项目贷款 固定资产投资 新厂区",
            ),
            vec![8],
            8,
        ),
        // 10: at most 4.00%: 10 starts at 4.30%, 7 at 200万, 2 wants IP, 4 wants receivables.
        (
            need(
                fin(150, 12, &[Equipment], Some(400)),
                MIANYANG,
                "设备贷款 购置注塑机",
            ),
            vec![0, 1, 26],
            0,
        ),
        // 11–16: recruiting.
        // 11: 12 hires in 绵阳: 12 (绵阳, ≤ 20), 11 and 13 everywhere; 16 is not for C.
        (
            need(
                rec_need(vec![
                    position("数控车工", 10, None),
                    position("质检员", 2, None),
                ]),
                MIANYANG,
                "招聘数控车工 质检员 两班倒",
            ),
            vec![11, 12, 13, 27],
            12,
        ),
        // 12: 300 hires: 11 stops at 200; 14 (成都, ≤ 500) dispatches labour.
        (
            need_of(
                rec_need(vec![position("普工", 300, None)]),
                Some(CHENGDU),
                "C",
                "medium",
                "招聘普工 300 人 装配工",
            ),
            vec![13, 14, 27],
            14,
        ),
        // 13: 30 graduates in 宜宾: 15 is the 宜宾 campus service.
        (
            need(
                rec_need(vec![position("机电一体化技术员", 30, Some("大专"))]),
                YIBIN,
                "校园招聘 应届毕业生 机电一体化",
            ),
            vec![11, 13, 15, 27],
            15,
        ),
        // 14: 5 software engineers (I) in 成都: 11, 13, 14 (成都), 16 (I).
        (
            need_of(
                rec_need(vec![position("Java 软件工程师", 5, Some("本科"))]),
                Some(CHENGDU),
                "I",
                "small",
                "招聘 Java 软件工程师 5 名",
            ),
            vec![11, 13, 14, 16, 27],
            16,
        ),
        // 15: 40 welders in 德阳: 17 is the 德阳 manufacturing service.
        (
            need_of(
                rec_need(vec![position("焊工", 40, None)]),
                Some(DEYANG),
                "C",
                "medium",
                "招聘焊工 40 名 装备制造",
            ),
            vec![11, 13, 17, 27],
            17,
        ),
        // 16: one R&D director (M) with no city: only all-Sichuan offers; 13 hunts heads.
        (
            need_of(
                rec_need(vec![position("研发总监", 1, Some("硕士"))]),
                None,
                "M",
                "small",
                "招聘研发总监 新材料",
            ),
            vec![11, 13, 16, 27],
            13,
        ),
        // 17–23: training.
        // 17: 30 on site in 绵阳: 19, 22 online; 20 (20) and 24 (25) too small; 23 成都.
        (
            need(
                tr_need("安全生产", 30, Onsite),
                MIANYANG,
                "一线员工安全生产培训",
            ),
            vec![18, 21, 25, 28],
            18,
        ),
        // 18: a micro retailer (F) online in 成都: 21 is for C, 25 not micro, 20/24 elsewhere.
        (
            need_of(
                tr_need("电商直播", 25, Online),
                Some(CHENGDU),
                "F",
                "micro",
                "电商直播带货培训 主播孵化",
            ),
            vec![18, 19, 22, 23, 28],
            19,
        ),
        // 19: 15 on site in 德阳: 20 (德阳, CNC) is the one.
        (
            need(
                tr_need("数控编程", 15, Onsite),
                DEYANG,
                "数控编程培训 CNC 加工中心操作",
            ),
            vec![18, 20, 21, 25, 28],
            20,
        ),
        // 20: 50 in 乐山, either format: 19 (40) and 25 (40) are too small.
        (
            need(
                tr_need("财务税务", 50, Either),
                LESHAN,
                "财务税务培训 增值税 发票管理",
            ),
            vec![18, 21, 22, 28],
            22,
        ),
        // 21: 20 welders in 德阳 (20 has exactly 20 places): 25 is the welding course.
        (
            need_of(
                tr_need("焊工证", 20, Onsite),
                Some(DEYANG),
                "C",
                "medium",
                "焊工取证培训 特种作业",
            ),
            vec![18, 20, 21, 25, 28],
            25,
        ),
        // 22: 80 on site, no city: 22 holds 80 but is online; only 21 is left.
        (
            need_of(
                tr_need("精益生产", 80, Onsite),
                None,
                "C",
                "medium",
                "精益生产管理培训 班组长",
            ),
            vec![21, 28],
            21,
        ),
        // 23: foreign trade (F) online in 成都: 23 (成都, 外贸); 25 is on site.
        (
            need_of(
                tr_need("外贸", 20, Online),
                Some(CHENGDU),
                "F",
                "small",
                "外贸出口合规培训 报关",
            ),
            vec![18, 19, 22, 23, 28],
            23,
        ),
        // 24: 300万 in 成都 at most 5.00%: 1 (300万 is its maximum), 0, 10 and 26 pass; 9 fails
        //     on the term, 7 on the region, 2 and 4 on the collateral. 0 is local, for C,
        //     cheapest and near the middle of its range.
        (
            need(
                fin(300, 36, &[Equipment], Some(500)),
                CHENGDU,
                "设备贷款 300万 注塑设备",
            ),
            vec![0, 1, 10, 26],
            0,
        ),
        // 25: 40 trainees, either format, in 成都: 23 holds 30, 20 and 24 are elsewhere; 19
        //     (online, 40 places) and 25 (on site, 40 places) fit exactly.
        (
            need(
                tr_need("安全生产", 40, Either),
                CHENGDU,
                "安全生产培训 40 人 应急演练",
            ),
            vec![18, 19, 21, 22, 25, 28],
            18,
        ),
    ]
}
