//! Closed sets of values, each stored and sent as its snake_case name, and each value's name in
//! Chinese and English: the one table of labels that pages, mail and matching reasons use.

use crate::error::Problem;
use crate::i18n::Lang;

/// A value of a closed set with its names: what pages list in selects and show in tags.
pub trait Labelled: Copy + 'static {
    /// Every value, in the order of declaration.
    fn all() -> &'static [Self];
    /// The stored name (`pending_review`).
    fn name(self) -> &'static str;
    /// What a reader sees (待审核, Awaiting review).
    fn label(self, lang: Lang) -> &'static str;
}

/// Declares an enum whose values are known strings, with `as_str`, `parse` and `ALL`, and the
/// Chinese and English label of each value: `Variant = "stored_name" ("中文", "English")`.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal ($zh:literal, $en:literal)),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            pub fn en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }

            /// The label in the reader's language.
            pub fn label(self, lang: impl std::borrow::Borrow<Lang>) -> &'static str {
                match lang.borrow() {
                    Lang::Zh => self.zh(),
                    Lang::En => self.en(),
                }
            }

            pub fn parse(s: &str) -> Result<Self, Problem> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Problem::NotOneOf { allowed: Self::NAMES }),
                }
            }

            /// For values read back from the database, which only ever holds valid names.
            pub fn from_db(s: &str) -> Self {
                Self::parse(s).unwrap_or_else(|_| {
                    tracing::error!(value = s, kind = stringify!($name), "unknown value in the database");
                    Self::ALL[0]
                })
            }
        }

        impl Labelled for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }

            fn name(self) -> &'static str {
                self.as_str()
            }

            fn label(self, lang: Lang) -> &'static str {
                $name::label(self, lang)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// In the API document: a string that is one of the names.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(Self::NAMES.iter().copied()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(|_| serde::de::Error::unknown_variant(&s, Self::NAMES))
            }
        }
    };
}

str_enum!(Role {
    Sme = "sme" ("中小企业", "SME"),
    Provider = "provider" ("平台公司", "Platform company"),
    ParkAdmin = "park_admin" ("园区管理员", "Park administrator"),
    PlatformAdmin = "platform_admin" ("平台管理员", "Platform administrator"),
});

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Role::ParkAdmin | Role::PlatformAdmin)
    }
}

str_enum!(UserStatus {
    Active = "active" ("正常", "Active"),
    Suspended = "suspended" ("已停用", "Suspended"),
});

str_enum!(
    /// A user's place in their organisation: one owner, who invites and removes members.
    OrgRole {
    Owner = "owner" ("负责人", "Owner"),
    Member = "member" ("成员", "Member"),
    Removed = "removed" ("已移除", "Removed"),
});

str_enum!(OrgKind {
    Sme = "sme" ("中小企业", "SME"),
    Provider = "provider" ("平台公司", "Platform company"),
});

str_enum!(OrgStatus {
    Pending = "pending" ("待认证", "Awaiting verification"),
    Verified = "verified" ("已认证", "Verified"),
    Rejected = "rejected" ("认证未通过", "Not verified"),
});

str_enum!(OrgSize {
    Micro = "micro" ("微型", "Micro"),
    Small = "small" ("小型", "Small"),
    Medium = "medium" ("中型", "Medium"),
    Large = "large" ("大型", "Large"),
});

str_enum!(ParkKind {
    EconomicDevelopmentZone = "economic_development_zone" ("经济技术开发区", "Economic development zone"),
    IndustrialPark = "industrial_park" ("工业园区", "Industrial park"),
    AgriculturalDemonstrationPark = "agricultural_demonstration_park" ("农业示范园区", "Agricultural park"),
    FreeTradeZone = "free_trade_zone" ("自由贸易区", "Free trade zone"),
});

str_enum!(ParkLevel {
    National = "national" ("国家级", "National"),
    Provincial = "provincial" ("省级", "Provincial"),
});

str_enum!(PostingKind {
    Need = "need" ("需求", "Need"),
    Offer = "offer" ("服务", "Offer"),
});

impl PostingKind {
    /// What a posting of this kind is matched with.
    pub fn counterpart(self) -> PostingKind {
        match self {
            PostingKind::Need => PostingKind::Offer,
            PostingKind::Offer => PostingKind::Need,
        }
    }

    /// The first segment of the pages and API paths of this kind: `needs`, `offers`.
    pub fn plural(self) -> &'static str {
        match self {
            PostingKind::Need => "needs",
            PostingKind::Offer => "offers",
        }
    }
}

str_enum!(Category {
    Financing = "financing" ("融资", "Financing"),
    Recruiting = "recruiting" ("招工", "Recruiting"),
    Training = "training" ("培训", "Training"),
});

str_enum!(PostingStatus {
    Draft = "draft" ("草稿", "Draft"),
    PendingReview = "pending_review" ("待审核", "Awaiting review"),
    Published = "published" ("已发布", "Published"),
    Rejected = "rejected" ("已驳回", "Rejected"),
    Closed = "closed" ("已关闭", "Closed"),
    Expired = "expired" ("已过期", "Expired"),
});

str_enum!(
    /// What happened to a posting, as its timeline shows it.
    PostingAction {
        Created = "created" ("创建", "Created"),
        Edited = "edited" ("修改", "Edited"),
        Submitted = "submitted" ("提交审核", "Submitted for review"),
        Approved = "approved" ("审核通过", "Approved"),
        Rejected = "rejected" ("驳回", "Rejected"),
        Closed = "closed" ("关闭", "Closed"),
        Expired = "expired" ("过期", "Expired"),
        Withdrawn = "withdrawn" ("机构认证被驳回，暂停发布", "Taken down: the organisation was rejected"),
        Reinstated = "reinstated" ("机构重新通过认证，恢复发布", "Published again: the organisation was verified"),
    }
);

str_enum!(
    /// Why a moderator rejected a posting or an organisation.
    RejectCode {
        Incomplete = "incomplete" ("信息不完整", "Incomplete"),
        Duplicate = "duplicate" ("重复发布", "Duplicate"),
        NotEligible = "not_eligible" ("不符合条件", "Not eligible"),
        Inappropriate = "inappropriate" ("内容不当", "Inappropriate"),
        Other = "other" ("其他原因", "Other"),
    }
);

impl RejectCode {
    /// The reason as the end of an English sentence ("Reason: the information is incomplete").
    pub fn reason_en(self) -> &'static str {
        match self {
            RejectCode::Incomplete => "the information is incomplete",
            RejectCode::Duplicate => "it duplicates another posting",
            RejectCode::NotEligible => "it does not meet the conditions",
            RejectCode::Inappropriate => "the content is inappropriate",
            RejectCode::Other => "another reason",
        }
    }
}

str_enum!(
    /// Why an administrator did not verify an organisation. The first five are offered; the
    /// last three are the posting codes that API v1 also took for organisations, still read.
    OrgRejectCode {
        NameMismatch = "name_mismatch" ("名称与执照不符", "Name does not match the licence"),
        UsccWrong = "uscc_wrong" ("信用代码有误", "Wrong credit code"),
        NotInPark = "not_in_park" ("不属于本园区", "Not in this park"),
        Incomplete = "incomplete" ("材料不全", "Documents incomplete"),
        Other = "other" ("其他", "Other"),
        Duplicate = "duplicate" ("重复注册", "Registered twice"),
        NotEligible = "not_eligible" ("不符合条件", "Not eligible"),
        Inappropriate = "inappropriate" ("内容不当", "Inappropriate"),
    }
);

impl OrgRejectCode {
    /// The codes a reject form offers.
    pub const OFFERED: &'static [OrgRejectCode] = &[
        OrgRejectCode::NameMismatch,
        OrgRejectCode::UsccWrong,
        OrgRejectCode::NotInPark,
        OrgRejectCode::Incomplete,
        OrgRejectCode::Other,
    ];

    /// The reason as the end of an English sentence ("Reason: the name does not match …").
    pub fn reason_en(self) -> &'static str {
        match self {
            OrgRejectCode::NameMismatch => "the name does not match the business licence",
            OrgRejectCode::UsccWrong => "the unified social credit code is wrong",
            OrgRejectCode::NotInPark => "the company is not in this park",
            OrgRejectCode::Incomplete => "the documents are incomplete",
            OrgRejectCode::Other => "another reason",
            OrgRejectCode::Duplicate => "the organisation is registered twice",
            OrgRejectCode::NotEligible => "it does not meet the conditions",
            OrgRejectCode::Inappropriate => "the content is inappropriate",
        }
    }
}

str_enum!(MatchStatus {
    Suggested = "suggested" ("系统推荐", "Suggested"),
    SmeInterested = "sme_interested" ("企业有意向", "SME interested"),
    ProviderInterested = "provider_interested" ("服务方有意向", "Provider interested"),
    Connected = "connected" ("已对接", "Connected"),
    Succeeded = "succeeded" ("对接成功", "Succeeded"),
    Failed = "failed" ("未成功", "Did not work out"),
    Declined = "declined" ("已婉拒", "Declined"),
});

str_enum!(
    /// How a reported outcome compares with what the need asked for: 6 of 10 hires is partial.
    OutcomeGrade {
    Succeeded = "succeeded" ("成功", "Succeeded"),
    Partial = "partial" ("部分达成", "Partly achieved"),
    Failed = "failed" ("未成功", "Did not work out"),
});

str_enum!(
    /// Where a reported outcome stands with the other side.
    OutcomeConfirmation {
    Reported = "reported" ("待对方确认", "Awaiting the other side"),
    Confirmed = "confirmed" ("双方已确认", "Confirmed by both sides"),
    Disputed = "disputed" ("对方有异议", "Disputed by the other side"),
});

str_enum!(
    /// Which side of a match did something (reported an outcome).
    MatchSide {
    Sme = "sme" ("企业", "the SME"),
    Provider = "provider" ("服务方", "the provider"),
});

str_enum!(
    /// Why one side declined a match.
    DeclineCode {
        NotRelevant = "not_relevant" ("不相关", "Not relevant"),
        TermsUnacceptable = "terms_unacceptable" ("条件不合适", "Terms do not suit"),
        AlreadySolved = "already_solved" ("已解决", "Already solved"),
        NoCapacity = "no_capacity" ("无法承接", "No capacity"),
        NoResponse = "no_response" ("对方未回应", "No response"),
        Other = "other" ("其他原因", "Other"),
        OrganizationWithdrawn = "organization_withdrawn" ("一方机构认证被驳回", "An organisation was rejected"),
    }
);

str_enum!(Purpose {
    WorkingCapital = "working_capital" ("流动资金", "Working capital"),
    Equipment = "equipment" ("设备购置", "Equipment"),
    Expansion = "expansion" ("扩大产能", "Expansion"),
    Rnd = "rnd" ("研发", "R&D"),
    Trade = "trade" ("贸易融资", "Trade finance"),
    Other = "other" ("其他", "Other"),
});

str_enum!(Collateral {
    None = "none" ("信用（无抵押）", "None (unsecured)"),
    Property = "property" ("房产", "Property"),
    Equipment = "equipment" ("设备", "Equipment"),
    Receivables = "receivables" ("应收账款", "Receivables"),
    Ip = "ip" ("知识产权", "Intellectual property"),
    Guarantee = "guarantee" ("担保", "Guarantee"),
    Orders = "orders" ("订单", "Orders"),
});

impl Collateral {
    /// The collateral as a lender says it: 设备抵押, 应收账款质押, 担保, 信用（无抵押）.
    pub fn phrase_zh(self) -> String {
        let suffix = match self {
            Collateral::Property | Collateral::Equipment => "抵押",
            Collateral::Receivables | Collateral::Ip | Collateral::Orders => "质押",
            Collateral::None | Collateral::Guarantee => "",
        };
        format!("{}{suffix}", self.zh())
    }

    /// The collateral inside an English sentence ("accepts equipment as collateral").
    pub fn phrase_en(self) -> &'static str {
        match self {
            Collateral::None => "unsecured credit (no collateral)",
            Collateral::Property => "property as collateral",
            Collateral::Equipment => "equipment as collateral",
            Collateral::Receivables => "pledged receivables",
            Collateral::Ip => "pledged intellectual property",
            Collateral::Guarantee => "a guarantee",
            Collateral::Orders => "pledged orders",
        }
    }
}

str_enum!(TrainingFormat {
    Onsite = "onsite" ("线下", "On site"),
    Online = "online" ("线上", "Online"),
    Either = "either" ("线上线下均可", "Either"),
});

impl TrainingFormat {
    /// The format inside an English sentence ("the need wants on site training").
    pub fn phrase_en(self) -> &'static str {
        match self {
            TrainingFormat::Onsite => "on site",
            TrainingFormat::Online => "online",
            TrainingFormat::Either => "on site or online",
        }
    }
}

str_enum!(Fee {
    Free = "free" ("免费", "Free"),
    Subsidized = "subsidized" ("政府补贴", "Subsidised"),
    Paid = "paid" ("收费", "Paid"),
});

str_enum!(RecruitingService {
    JobFair = "job_fair" ("招聘会", "Job fairs"),
    Headhunting = "headhunting" ("猎头", "Headhunting"),
    LaborDispatch = "labor_dispatch" ("劳务派遣", "Labour dispatch"),
    Campus = "campus" ("校园招聘", "Campus hiring"),
    OnlinePosting = "online_posting" ("网络招聘", "Online job posts"),
});

str_enum!(AlertFrequency {
    Daily = "daily" ("每天", "Daily"),
    Weekly = "weekly" ("每周", "Weekly"),
});

str_enum!(MatchEmails {
    Immediate = "immediate" ("即时", "Immediately"),
    Daily = "daily" ("每日汇总", "Daily digest"),
    Off = "off" ("不接收", "Off"),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for s in PostingStatus::ALL {
            assert_eq!(PostingStatus::parse(s.as_str()), Ok(*s));
        }
        assert_eq!(Role::parse("park_admin"), Ok(Role::ParkAdmin));
        assert!(matches!(
            Category::parse("Financing"),
            Err(Problem::NotOneOf { .. })
        ));
        assert!(Collateral::parse("").is_err());
        assert_eq!(
            serde_json::to_string(&MatchStatus::SmeInterested).unwrap(),
            "\"sme_interested\""
        );
        assert!(serde_json::from_str::<OrgSize>("\"huge\"").is_err());
    }

    #[test]
    fn every_value_has_a_chinese_and_an_english_label() {
        fn check<E: Labelled + std::fmt::Debug>(all: &[E]) {
            for v in all {
                let (zh, en) = (v.label(Lang::Zh), v.label(Lang::En));
                assert!(!zh.is_ascii(), "{v:?}: {zh}");
                assert!(
                    !en.is_empty() && en.is_ascii() && en != v.name(),
                    "{v:?}: {en}"
                );
            }
        }
        check(Role::ALL);
        check(UserStatus::ALL);
        check(OrgKind::ALL);
        check(OrgStatus::ALL);
        check(OrgSize::ALL);
        check(ParkKind::ALL);
        check(ParkLevel::ALL);
        check(PostingKind::ALL);
        check(Category::ALL);
        check(PostingStatus::ALL);
        check(PostingAction::ALL);
        check(RejectCode::ALL);
        check(OrgRejectCode::ALL);
        check(MatchStatus::ALL);
        check(DeclineCode::ALL);
        check(Purpose::ALL);
        check(Collateral::ALL);
        check(TrainingFormat::ALL);
        check(Fee::ALL);
        check(RecruitingService::ALL);
        check(AlertFrequency::ALL);
        check(MatchEmails::ALL);
    }
}
