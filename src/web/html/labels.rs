//! What the pages call things: every stored value's name in Chinese and English, and amounts,
//! rates and dates in the reader's format (financing in 万元, dates as 2026年11月26日).

use chrono::{DateTime, FixedOffset, Utc};

use crate::domain::reference;
use crate::i18n::Lang;

/// (group, stored value, 中文, English).
const NAMES: &[(&str, &str, &str, &str)] = &[
    ("kind", "need", "需求", "Need"),
    ("kind", "offer", "服务", "Offer"),
    ("category", "financing", "融资", "Financing"),
    ("category", "recruiting", "招工", "Recruiting"),
    ("category", "training", "培训", "Training"),
    ("status", "draft", "草稿", "Draft"),
    ("status", "pending_review", "待审核", "Awaiting review"),
    ("status", "published", "已发布", "Published"),
    ("status", "rejected", "已驳回", "Rejected"),
    ("status", "closed", "已关闭", "Closed"),
    ("status", "expired", "已过期", "Expired"),
    ("action", "created", "创建", "Created"),
    ("action", "edited", "修改", "Edited"),
    ("action", "submitted", "提交审核", "Submitted for review"),
    ("action", "approved", "审核通过", "Approved"),
    ("action", "rejected", "驳回", "Rejected"),
    ("action", "closed", "关闭", "Closed"),
    ("action", "expired", "过期", "Expired"),
    ("org_status", "pending", "待认证", "Awaiting verification"),
    ("org_status", "verified", "已认证", "Verified"),
    ("org_status", "rejected", "认证未通过", "Not verified"),
    ("size", "micro", "微型", "Micro"),
    ("size", "small", "小型", "Small"),
    ("size", "medium", "中型", "Medium"),
    ("size", "large", "大型", "Large"),
    ("purpose", "working_capital", "流动资金", "Working capital"),
    ("purpose", "equipment", "设备购置", "Equipment"),
    ("purpose", "expansion", "扩大产能", "Expansion"),
    ("purpose", "rnd", "研发", "R&D"),
    ("purpose", "trade", "贸易融资", "Trade finance"),
    ("purpose", "other", "其他", "Other"),
    ("collateral", "none", "无抵押（信用）", "None (unsecured)"),
    ("collateral", "property", "房产", "Property"),
    ("collateral", "equipment", "设备", "Equipment"),
    ("collateral", "receivables", "应收账款", "Receivables"),
    ("collateral", "ip", "知识产权", "Intellectual property"),
    ("collateral", "guarantee", "担保", "Guarantee"),
    ("collateral", "orders", "订单", "Orders"),
    ("format", "onsite", "线下", "On site"),
    ("format", "online", "线上", "Online"),
    ("format", "either", "线上线下均可", "Either"),
    ("fee", "free", "免费", "Free"),
    ("fee", "subsidized", "政府补贴", "Subsidised"),
    ("fee", "paid", "收费", "Paid"),
    ("service", "job_fair", "招聘会", "Job fairs"),
    ("service", "headhunting", "猎头", "Headhunting"),
    ("service", "labor_dispatch", "劳务派遣", "Labour dispatch"),
    ("service", "campus", "校园招聘", "Campus hiring"),
    ("service", "online_posting", "网络招聘", "Online job posts"),
    ("match", "suggested", "系统推荐", "Suggested"),
    ("match", "sme_interested", "企业有意向", "SME interested"),
    (
        "match",
        "provider_interested",
        "服务方有意向",
        "Provider interested",
    ),
    ("match", "connected", "已对接", "Connected"),
    ("match", "succeeded", "对接成功", "Succeeded"),
    ("match", "failed", "未成功", "Did not work out"),
    ("match", "declined", "已婉拒", "Declined"),
    ("decline", "not_relevant", "不相关", "Not relevant"),
    (
        "decline",
        "terms_unacceptable",
        "条件不合适",
        "Terms do not suit",
    ),
    ("decline", "already_solved", "已解决", "Already solved"),
    ("decline", "no_capacity", "无法承接", "No capacity"),
    ("decline", "no_response", "对方未回应", "No response"),
    ("decline", "other", "其他原因", "Other"),
    ("reject", "incomplete", "信息不完整", "Incomplete"),
    ("reject", "duplicate", "重复发布", "Duplicate"),
    ("reject", "not_eligible", "不符合条件", "Not eligible"),
    ("reject", "inappropriate", "内容不当", "Inappropriate"),
    ("reject", "other", "其他原因", "Other"),
    ("role", "sme", "中小企业", "SME"),
    ("role", "provider", "平台公司", "Platform company"),
    ("role", "park_admin", "园区管理员", "Park administrator"),
    (
        "role",
        "platform_admin",
        "平台管理员",
        "Platform administrator",
    ),
    (
        "park_kind",
        "economic_development_zone",
        "经济技术开发区",
        "Economic development zone",
    ),
    (
        "park_kind",
        "industrial_park",
        "工业园区",
        "Industrial park",
    ),
    (
        "park_kind",
        "agricultural_demonstration_park",
        "农业示范园区",
        "Agricultural park",
    ),
    (
        "park_kind",
        "free_trade_zone",
        "自由贸易区",
        "Free trade zone",
    ),
    ("level", "national", "国家级", "National"),
    ("level", "provincial", "省级", "Provincial"),
    ("frequency", "daily", "每天", "Daily"),
    ("frequency", "weekly", "每周", "Weekly"),
    ("match_emails", "immediate", "即时", "Immediately"),
    ("match_emails", "daily", "每日汇总", "Daily digest"),
    ("match_emails", "off", "不接收", "Off"),
];

/// Notices shown once after a form succeeded: (code, 中文, English).
const NOTICES: &[(&str, &str, &str)] = &[
    ("signed_in", "已登录。", "You are signed in."),
    ("signed_out", "已退出登录。", "You are signed out."),
    ("registered", "注册成功。机构认证通过后即可发布；确认邮件已发送。", "Registered. You can publish once your organisation is verified; a confirmation email is on its way."),
    ("saved", "已保存。", "Saved."),
    ("submitted", "已提交，等待园区审核。", "Submitted: the park will review it."),
    ("closed", "已关闭。", "Closed."),
    ("approved", "已审核通过。", "Approved."),
    ("rejected", "已驳回。", "Rejected."),
    ("verified", "机构已认证。", "Organisation verified."),
    ("interest", "已表达合作意向，对方会收到通知。", "Interest sent: the other side has been told."),
    ("declined", "已婉拒。", "Declined."),
    ("outcome", "已记录对接结果，谢谢！", "Outcome recorded, thank you!"),
    ("password_changed", "密码已修改，其他设备已退出登录。", "Password changed; other devices are signed out."),
    ("reset_sent", "如果该邮箱已注册，重置密码的邮件已发送，请在 1 小时内使用。", "If this address is registered, a reset email is on its way; use it within an hour."),
    ("password_reset", "密码已重置，已为您登录。", "Your password is reset and you are signed in."),
    ("email_confirmed", "邮箱已确认。", "Your email address is confirmed."),
    ("search_saved", "已订阅该搜索，有新结果时会邮件通知您。", "Search saved: new results will be emailed to you."),
    ("search_deleted", "已取消订阅。", "Saved search removed."),
    ("synonyms_added", "已新增同义词组，一秒内在所有服务器上生效。", "Synonym group added: in force on every server within a second."),
    ("synonyms_removed", "已删除同义词组。", "Synonym group removed."),
    ("logged_out_everywhere", "已在所有设备上退出登录。", "You are signed out on every device."),
];

pub fn notice(code: &str) -> Option<&'static str> {
    NOTICES.iter().find(|n| n.0 == code).map(|n| n.0)
}

/// A whole number as templates hand it over: by value or by reference, of any width.
pub trait Int {
    fn int(&self) -> i64;
}

macro_rules! int {
    ($($t:ty),*) => {$(
        impl Int for $t {
            fn int(&self) -> i64 {
                *self as i64
            }
        }
    )*};
}
int!(i64, i32, usize);

impl<T: Int> Int for &T {
    fn int(&self) -> i64 {
        (**self).int()
    }
}

/// The reader's names and formats; templates reach it as `c.l()`.
#[derive(Clone, Copy)]
pub struct Labels(pub Lang);

impl Labels {
    fn en(&self) -> bool {
        self.0 == Lang::En
    }

    /// The name of stored value `value` of `group`; the value itself when unknown.
    pub fn name<'a>(&self, group: &str, value: &'a str) -> &'a str {
        match NAMES.iter().find(|n| n.0 == group && n.1 == value) {
            Some(n) if self.en() => n.3,
            Some(n) => n.2,
            None => value,
        }
    }

    /// Every value of a group with its name, for selects and checkboxes.
    pub fn options(&self, group: &str) -> Vec<(&'static str, &'static str)> {
        NAMES
            .iter()
            .filter(|n| n.0 == group)
            .map(|n| (n.1, if self.en() { n.3 } else { n.2 }))
            .collect()
    }

    pub fn notice(&self, code: &str) -> &'static str {
        NOTICES
            .iter()
            .find(|n| n.0 == code)
            .map(|n| if self.en() { n.2 } else { n.1 })
            .unwrap_or("")
    }

    pub fn city(&self, code: &str) -> String {
        match reference::city(code) {
            Some(c) if self.en() => c.name_en.to_string(),
            Some(c) => c.name_zh.to_string(),
            None => code.to_string(),
        }
    }

    pub fn cities(&self) -> Vec<(&'static str, String)> {
        reference::CITIES
            .iter()
            .map(|c| (c.code, self.city(c.code)))
            .collect()
    }

    pub fn industry(&self, section: &str) -> String {
        match reference::industry(section) {
            Some(i) if self.en() => i.name_en.to_string(),
            Some(i) => i.name_zh.to_string(),
            None => section.to_string(),
        }
    }

    pub fn industries(&self) -> Vec<(&'static str, String)> {
        reference::INDUSTRIES
            .iter()
            .map(|i| (i.section, self.industry(i.section)))
            .collect()
    }

    /// A financing amount: 万元 in Chinese ("150 万元"), yuan in English ("¥1,500,000").
    pub fn money(&self, yuan: impl Int) -> String {
        let yuan = yuan.int();
        if self.en() {
            format!("¥{}", group_thousands(yuan))
        } else {
            format!("{} 万元", wan(yuan))
        }
    }

    /// A small amount (a salary, a training budget) in yuan.
    pub fn yuan(&self, yuan: impl Int) -> String {
        let yuan = yuan.int();
        if self.en() {
            format!("¥{}", group_thousands(yuan))
        } else {
            format!("{} 元", group_thousands(yuan))
        }
    }

    pub fn rate(&self, bp: impl Int) -> String {
        let s = format!("{:.2}", bp.int() as f64 / 100.0);
        format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
    }

    /// A day in the reader's format, in Beijing time.
    pub fn date(&self, t: &DateTime<Utc>) -> String {
        let t = t.with_timezone(&beijing());
        if self.en() {
            t.format("%-d %b %Y").to_string()
        } else {
            t.format("%Y年%-m月%-d日").to_string()
        }
    }

    pub fn datetime(&self, t: &DateTime<Utc>) -> String {
        let t = t.with_timezone(&beijing());
        if self.en() {
            t.format("%-d %b %Y %H:%M").to_string()
        } else {
            t.format("%Y年%-m月%-d日 %H:%M").to_string()
        }
    }
}

/// Beijing time, in which the pages show and read dates.
pub fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Yuan as 万元 with up to four decimals and no trailing zeros: 1505000 → "150.5".
pub fn wan(yuan: i64) -> String {
    let whole = yuan / 10_000;
    let frac = (yuan % 10_000).abs();
    if frac == 0 {
        group_thousands(whole)
    } else {
        let f = format!("{frac:04}");
        format!("{}.{}", group_thousands(whole), f.trim_end_matches('0'))
    }
}

/// Yuan as 万元 for a form field, without separators.
pub fn wan_plain(yuan: i64) -> String {
    wan(yuan).replace(',', "")
}

fn group_thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn amounts_in_wan_and_yuan() {
        let zh = Labels(Lang::Zh);
        let en = Labels(Lang::En);
        assert_eq!(zh.money(1_505_000), "150.5 万元");
        assert_eq!(zh.money(5_000_000_000_i64), "500,000 万元");
        assert_eq!(en.money(1_505_000), "¥1,505,000");
        assert_eq!(zh.yuan(8000), "8,000 元");
        assert_eq!(wan_plain(12_345_678), "1234.5678");
        assert_eq!(zh.rate(435), "4.35%");
        assert_eq!(zh.rate(400), "4%");
    }

    #[test]
    fn dates_in_beijing_time_and_the_readers_format() {
        let t = Utc.with_ymd_and_hms(2026, 11, 26, 20, 0, 0).unwrap();
        assert_eq!(Labels(Lang::Zh).date(&t), "2026年11月27日");
        assert_eq!(Labels(Lang::En).date(&t), "27 Nov 2026");
    }

    #[test]
    fn every_stored_value_has_a_name() {
        use crate::domain::*;
        let l = Labels(Lang::Zh);
        let groups: &[(&str, &[&str])] = &[
            ("category", Category::NAMES),
            ("status", PostingStatus::NAMES),
            ("purpose", Purpose::NAMES),
            ("collateral", Collateral::NAMES),
            ("format", TrainingFormat::NAMES),
            ("fee", Fee::NAMES),
            ("service", RecruitingService::NAMES),
            ("match", MatchStatus::NAMES),
            ("reject", RejectCode::NAMES),
            ("role", Role::NAMES),
            ("size", OrgSize::NAMES),
            ("org_status", OrgStatus::NAMES),
            ("park_kind", ParkKind::NAMES),
            ("level", ParkLevel::NAMES),
        ];
        for (group, values) in groups {
            for v in *values {
                assert_ne!(l.name(group, v), *v, "{group}.{v} has no Chinese name");
            }
            assert_eq!(l.options(group).len(), values.len(), "{group}");
        }
    }
}
