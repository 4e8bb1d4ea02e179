//! Types that can only hold valid values; each `parse` returns the field problem of a bad input.
//! Here: codes and amounts (this file), closed sets with their zh/en labels (`enums`), posting
//! bodies (`posting`), moderators' and matches' decisions (`decisions`), the status transition
//! tables (`transitions`), reference data from the CSVs (`reference`), body reading (`input`).

pub mod decisions;
pub mod enums;
pub mod input;
pub mod posting;
pub mod reference;
pub mod transitions;

pub use enums::*;

use crate::error::Problem;

/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet, the last one a
/// mod-31 check character over the first 17 with weights 3^i mod 31.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc(String);

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

impl Uscc {
    pub fn parse(s: &str) -> Result<Uscc, Problem> {
        let s: String = s.trim().to_ascii_uppercase();
        if s.len() != 18 || !s.is_ascii() {
            return Err(Problem::InvalidUscc);
        }
        let mut values = [0u32; 18];
        for (i, b) in s.bytes().enumerate() {
            values[i] = match USCC_ALPHABET.iter().position(|&a| a == b) {
                Some(v) => v as u32,
                None => return Err(Problem::InvalidUscc),
            };
        }
        if Self::check_value(&values[..17]) != values[17] {
            return Err(Problem::UsccChecksum);
        }
        Ok(Uscc(s))
    }

    fn check_value(first17: &[u32]) -> u32 {
        let sum: u32 = first17.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
        (31 - sum % 31) % 31
    }

    /// Completes 17 alphabet characters with their check character (demo data, tests).
    pub fn with_check_char(first17: &str) -> Option<Uscc> {
        let values: Option<Vec<u32>> = first17
            .bytes()
            .map(|b| USCC_ALPHABET.iter().position(|&a| a == b).map(|v| v as u32))
            .collect();
        let values = values?;
        if values.len() != 17 {
            return None;
        }
        let check = USCC_ALPHABET[Self::check_value(&values) as usize] as char;
        Some(Uscc(format!("{first17}{check}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Kept here for the callers that still name it (src/service/sessions.rs); it lives with the log
// scrubber.
pub use crate::logging::mask_email;

/// An email address, trimmed and lower-cased: addresses compare case-insensitively. Its
/// `Debug` is masked (`z***@example.com`), so a stray `?email` in a log line leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Email(String);

impl std::fmt::Debug for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl Email {
    pub fn parse(s: &str) -> Result<Email, Problem> {
        let s = s.trim().to_lowercase();
        let valid = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && local.len() <= 64
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                        && domain
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
                }
                None => false,
            };
        if valid {
            Ok(Email(s))
        } else {
            Err(Problem::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as logs show it: the first character of the local part, then `***@` and
    /// the domain (`z***@example.com`).
    pub fn masked(&self) -> String {
        mask_email(&self.0)
    }
}

/// A password good enough to hash: 12 to 128 characters, not on the common-passwords list.
pub struct Password(String);

const COMMON_PASSWORDS: &str = include_str!("../reference/common-passwords.txt");

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(s: &str) -> Result<Password, Problem> {
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(Problem::TooShort {
                min: Self::MIN_CHARS,
            });
        }
        if n > Self::MAX_CHARS {
            return Err(Problem::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        let lower = s.to_lowercase();
        let first = lower.chars().next();
        if lower.chars().all(|c| Some(c) == first)
            || COMMON_PASSWORDS.lines().any(|p| p.trim() == lower)
        {
            return Err(Problem::CommonPassword);
        }
        Ok(Password(s.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it in China: digits, optionally `+`, spaces and dashes.
pub fn parse_phone(s: &str) -> Result<String, Problem> {
    let s = s.trim();
    let digits = s.chars().filter(|c| c.is_ascii_digit()).count();
    let ok = (5..=20).contains(&digits)
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(Problem::Custom {
            zh: "电话号码格式不正确".into(),
            en: "is not a phone number".into(),
        })
    }
}

/// Free text with a length limit in characters, trimmed; empty is "required".
pub fn parse_text(s: &str, max: usize) -> Result<String, Problem> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    if s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Problem::Custom {
            zh: "包含不可见的控制字符".into(),
            en: "contains control characters".into(),
        });
    }
    Ok(s.to_string())
}

/// A GB/T 2260 code of one of Sichuan's 21 prefectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityCode(&'static reference::City);

impl CityCode {
    pub fn parse(s: &str) -> Result<CityCode, Problem> {
        reference::city(s.trim())
            .map(CityCode)
            .ok_or(Problem::UnknownCity)
    }
    pub fn as_str(&self) -> &'static str {
        self.0.code
    }
    pub fn city(&self) -> &'static reference::City {
        self.0
    }
}

/// A GB/T 4754 section letter, A to T.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Industry(&'static reference::IndustrySection);

impl Industry {
    pub fn parse(s: &str) -> Result<Industry, Problem> {
        reference::industry(s.trim())
            .map(Industry)
            .ok_or(Problem::UnknownIndustry)
    }
    pub fn as_str(&self) -> &'static str {
        self.0.section
    }
    pub fn section(&self) -> &'static reference::IndustrySection {
        self.0
    }
}

/// In the API document: strings that are one of the known values.
fn known_strings<'a>(
    values: impl Iterator<Item = &'a str>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(values.map(str::to_string)))
        .into()
}

impl utoipa::PartialSchema for CityCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        known_strings(reference::CITIES.iter().map(|c| c.code))
    }
}

impl utoipa::ToSchema for CityCode {}

impl utoipa::PartialSchema for Industry {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        known_strings(reference::INDUSTRIES.iter().map(|i| i.section))
    }
}

impl utoipa::ToSchema for Industry {}

/// Whole yuan, never negative. The ceiling (1 万亿) is far above any SME loan and keeps
/// arithmetic on sums safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Yuan(i64);

impl Yuan {
    pub const MAX: i64 = 1_000_000_000_000;

    pub fn parse(v: i64) -> Result<Yuan, Problem> {
        if (0..=Self::MAX).contains(&v) {
            Ok(Yuan(v))
        } else {
            Err(Problem::OutOfRange {
                min: 0,
                max: Self::MAX,
            })
        }
    }

    /// A positive amount (a loan of 0 yuan is not a need).
    pub fn parse_positive(v: i64) -> Result<Yuan, Problem> {
        if (1..=Self::MAX).contains(&v) {
            Ok(Yuan(v))
        } else {
            Err(Problem::OutOfRange {
                min: 1,
                max: Self::MAX,
            })
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// The amount as people in China say it: 500万, 1.2亿, 8000元.
    pub fn display_zh(self) -> String {
        let v = self.0;
        if v >= 100_000_000 && v % 1_000_000 == 0 {
            trim_decimal(v as f64 / 100_000_000.0) + "亿"
        } else if v >= 10_000 && v % 100 == 0 {
            trim_decimal(v as f64 / 10_000.0) + "万"
        } else {
            format!("{v}元")
        }
    }
}

fn trim_decimal(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// An annual interest rate in basis points (385 = 3.85%), 0 to 100%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct RateBp(i32);

impl RateBp {
    pub fn parse(v: i64) -> Result<RateBp, Problem> {
        if (0..=10_000).contains(&v) {
            Ok(RateBp(v as i32))
        } else {
            Err(Problem::OutOfRange {
                min: 0,
                max: 10_000,
            })
        }
    }
    pub fn get(self) -> i32 {
        self.0
    }
}

/// Parses a count within bounds (headcount, months, employees).
pub fn parse_count(v: i64, min: i64, max: i64) -> Result<i32, Problem> {
    if (min..=max).contains(&v) {
        Ok(v as i32)
    } else {
        Err(Problem::OutOfRange { min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uscc_accepts_real_codes_and_refuses_bad_check_characters() {
        // The example code of GB 32100 and codes completed by the same rule.
        for ok in [
            "91510100MA61R8LK59",
            "91350100M000100Y43",
            "91110000802100433B",
        ] {
            assert_eq!(Uscc::parse(ok).unwrap().as_str(), ok, "{ok}");
        }
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ").unwrap().as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(Problem::UsccChecksum)
        );
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(Problem::InvalidUscc));
        assert_eq!(Uscc::parse("9135010OM000100Y43"), Err(Problem::InvalidUscc));
        assert_eq!(
            Uscc::parse("统一社会信用代码统一社会信用代码统一"),
            Err(Problem::InvalidUscc)
        );
        assert_eq!(Uscc::parse(""), Err(Problem::InvalidUscc));
    }

    #[test]
    fn uscc_check_character_completion_round_trips() {
        let u = Uscc::with_check_char("91510100MA61R8LK5").unwrap();
        assert_eq!(u.as_str(), "91510100MA61R8LK59");
        assert!(Uscc::with_check_char("9151010").is_none());
        assert!(Uscc::with_check_char("91510100MA61R8LKI").is_none());
    }

    #[test]
    fn email_is_masked_for_logs() {
        let e = Email::parse("Zhang.Wei@Example.COM").unwrap();
        assert_eq!(e.masked(), "z***@example.com");
        assert_eq!(format!("{e:?}"), "Email(z***@example.com)");
        assert_eq!(
            Email::parse("张伟@例子.中国").unwrap().masked(),
            "张***@例子.中国"
        );
    }

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Zhang.Wei@Example.COM ").unwrap().as_str(),
            "zhang.wei@example.com"
        );
        assert!(Email::parse("张伟@例子.中国").is_ok());
        for bad in [
            "", "a", "a@b", "@b.cn", "a@@b.cn", "a b@c.cn", "a@.cn", "a@b..cn",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn password_rules() {
        assert!(Password::parse("correct horse battery").is_ok());
        assert!(Password::parse("四川园区企业服务平台密码").is_ok());
        assert_eq!(
            Password::parse("short").err(),
            Some(Problem::TooShort { min: 12 })
        );
        assert_eq!(
            Password::parse(&"x".repeat(129)).err(),
            Some(Problem::TooLong { max: 128 })
        );
        assert!(Password::parse(&"ab".repeat(64)).is_ok());
        assert_eq!(
            Password::parse("aaaaaaaaaaaaaa").err(),
            Some(Problem::CommonPassword)
        );
        assert_eq!(
            Password::parse("Password1234").err(),
            Some(Problem::CommonPassword)
        );
    }

    #[test]
    fn amounts_rates_and_counts() {
        assert_eq!(Yuan::parse(5_000_000).unwrap().get(), 5_000_000);
        assert!(Yuan::parse(-1).is_err());
        assert!(Yuan::parse(Yuan::MAX + 1).is_err());
        assert!(Yuan::parse_positive(0).is_err());
        assert_eq!(Yuan::parse(5_000_000).unwrap().display_zh(), "500万");
        assert_eq!(Yuan::parse(120_000_000).unwrap().display_zh(), "1.2亿");
        assert_eq!(Yuan::parse(8_000).unwrap().display_zh(), "8000元");
        assert_eq!(Yuan::parse(15_000).unwrap().display_zh(), "1.5万");
        assert_eq!(RateBp::parse(385).unwrap().get(), 385);
        assert!(RateBp::parse(-5).is_err());
        assert!(RateBp::parse(10_001).is_err());
        assert_eq!(parse_count(10, 1, 100), Ok(10));
        assert!(parse_count(0, 1, 100).is_err());
    }

    #[test]
    fn reference_codes() {
        assert_eq!(CityCode::parse("510700").unwrap().city().name_zh, "绵阳市");
        assert_eq!(CityCode::parse("510200"), Err(Problem::UnknownCity));
        assert_eq!(CityCode::parse("110000"), Err(Problem::UnknownCity));
        assert_eq!(Industry::parse("C").unwrap().as_str(), "C");
        assert_eq!(Industry::parse("U"), Err(Problem::UnknownIndustry));
        assert_eq!(Industry::parse("c"), Err(Problem::UnknownIndustry));
    }

    #[test]
    fn text_limits_count_characters_not_bytes() {
        assert!(parse_text(&"贷".repeat(100), 100).is_ok());
        assert_eq!(
            parse_text(&"贷".repeat(101), 100),
            Err(Problem::TooLong { max: 100 })
        );
        assert_eq!(parse_text("   ", 100), Err(Problem::Required));
        assert!(parse_text("a\u{0}b", 100).is_err());
        assert_eq!(parse_phone("028-8888 6666").unwrap(), "028-8888 6666");
        assert!(parse_phone("call me").is_err());
    }
}
