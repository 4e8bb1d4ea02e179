//! What the pages call things: the labels of stored values (each enum carries its own, see
//! `domain::enums`), cities and industries, and amounts, rates and dates in the reader's format
//! (financing in 万元, dates as 2026年11月26日).

use chrono::{DateTime, Utc};

use crate::domain::{reference, Labelled};
use crate::i18n::{beijing, Lang};

/// Notices shown once after a form succeeded: (code, 中文, English).
const NOTICES: &[(&str, &str, &str)] = &[
    ("signed_in", "已登录。", "You are signed in."),
    ("signed_out", "已退出登录。", "You are signed out."),
    ("registered", "注册成功。园区管理员认证贵企业后即可发布；确认邮件已发送。", "Registered. You can publish once your park's administrators have verified your company; a confirmation email is on its way."),
    ("registered_provider", "注册成功。省平台管理员认证贵机构后即可发布；确认邮件已发送。", "Registered. You can publish once the provincial administrators have verified your organisation; a confirmation email is on its way."),
    ("saved", "已保存。", "Saved."),
    ("submitted", "已提交，等待园区审核。", "Submitted: the park's administrators will review it."),
    ("submitted_offer", "已提交，等待省平台管理员审核。", "Submitted: the provincial administrators will review it."),
    ("org_saved", "机构资料已保存。", "Your organisation's details are saved."),
    ("org_resubmitted_sme", "已重新提交认证，等待园区管理员审核。", "Submitted again: the park's administrators will verify it."),
    ("org_resubmitted_provider", "已重新提交认证，等待省平台管理员审核。", "Submitted again: the provincial administrators will verify it."),
    ("closed", "已关闭。", "Closed."),
    ("approved", "已审核通过。", "Approved."),
    ("rejected", "已驳回。", "Rejected."),
    ("verified", "机构已认证。", "Organisation verified."),
    ("interest", "已表达合作意向，对方会收到通知。", "Interest sent: the other side has been told."),
    ("connected", "已对接：双方都有合作意向，对方的联系方式见下方。", "Connected: both sides are interested; the other side's contact is below."),
    ("declined", "已婉拒。", "Declined."),
    ("outcome", "已记录对接结果，等待对方确认。谢谢！", "Outcome recorded: the other side is asked to confirm it. Thank you!"),
    ("outcome_confirmed", "已确认对接结果。", "Outcome confirmed."),
    ("outcome_disputed", "已提出异议，对方会更正结果。", "Objection sent: the other side will correct the outcome."),
    ("password_changed", "密码已修改，其他设备已退出登录。", "Password changed; other devices are signed out."),
    ("reset_sent", "如果该邮箱已注册，重置密码的邮件已发送，请在 1 小时内使用。", "If this address is registered, a reset email is on its way; use it within an hour."),
    ("password_reset", "密码已重置，已为您登录。", "Your password is reset and you are signed in."),
    ("email_confirmed", "邮箱已确认。", "Your email address is confirmed."),
    ("search_saved", "已订阅该搜索，有新结果时会邮件通知您。", "Search saved: new results will be emailed to you."),
    ("search_deleted", "已取消订阅。", "Saved search removed."),
    ("synonyms_added", "已新增同义词组，一秒内在所有服务器上生效。", "Synonym group added: in force on every server within a second."),
    ("synonyms_removed", "已删除同义词组。", "Synonym group removed."),
    ("invited", "邀请邮件已发送，链接 7 天内有效。", "Invitation sent: the link works for 7 days."),
    ("member_removed", "已移除该成员，其账号已停用。", "Member removed: their account is suspended."),
    ("joined", "欢迎加入！您已登录。", "Welcome aboard: you are signed in."),
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

    /// The label of a value.
    pub fn of<E: Labelled>(&self, value: E) -> &'static str {
        value.label(self.0)
    }

    /// The label of a stored name of `E`; the name itself when it is not one.
    pub fn of_name<'a, E: Labelled>(&self, name: &'a str) -> &'a str {
        match E::all().iter().find(|v| v.name() == name) {
            Some(v) => v.label(self.0),
            None => name,
        }
    }

    /// Every value with its label, for selects and checkboxes.
    pub fn options<E: Labelled>(&self, all: &[E]) -> Vec<(&'static str, &'static str)> {
        all.iter().map(|v| (v.name(), v.label(self.0))).collect()
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

    /// A calendar date (a start date), as the reader writes dates.
    pub fn day(&self, d: &chrono::NaiveDate) -> String {
        if self.en() {
            d.format("%-d %b %Y").to_string()
        } else {
            d.format("%Y年%-m月%-d日").to_string()
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
}
