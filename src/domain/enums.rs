//! Closed sets of values, each stored and sent as its snake_case name.

use crate::error::Problem;

/// Declares an enum whose values are known strings, with `as_str`, `parse` and `ALL`.
macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
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
    Sme = "sme",
    Provider = "provider",
    ParkAdmin = "park_admin",
    PlatformAdmin = "platform_admin",
});

impl Role {
    pub fn is_admin(self) -> bool {
        matches!(self, Role::ParkAdmin | Role::PlatformAdmin)
    }
}

str_enum!(UserStatus {
    Active = "active",
    Suspended = "suspended",
});

str_enum!(OrgKind {
    Sme = "sme",
    Provider = "provider",
});

str_enum!(OrgStatus {
    Pending = "pending",
    Verified = "verified",
    Rejected = "rejected",
});

str_enum!(OrgSize {
    Micro = "micro",
    Small = "small",
    Medium = "medium",
    Large = "large",
});

str_enum!(ParkKind {
    EconomicDevelopmentZone = "economic_development_zone",
    IndustrialPark = "industrial_park",
    AgriculturalDemonstrationPark = "agricultural_demonstration_park",
    FreeTradeZone = "free_trade_zone",
});

str_enum!(ParkLevel {
    National = "national",
    Provincial = "provincial",
});

str_enum!(PostingKind {
    Need = "need",
    Offer = "offer",
});

str_enum!(Category {
    Financing = "financing",
    Recruiting = "recruiting",
    Training = "training",
});

str_enum!(PostingStatus {
    Draft = "draft",
    PendingReview = "pending_review",
    Published = "published",
    Rejected = "rejected",
    Closed = "closed",
    Expired = "expired",
});

str_enum!(RejectCode {
    Incomplete = "incomplete",
    Duplicate = "duplicate",
    NotEligible = "not_eligible",
    Inappropriate = "inappropriate",
    Other = "other",
});

impl RejectCode {
    pub fn label_zh(self) -> &'static str {
        match self {
            RejectCode::Incomplete => "信息不完整",
            RejectCode::Duplicate => "重复发布",
            RejectCode::NotEligible => "不符合条件",
            RejectCode::Inappropriate => "内容不当",
            RejectCode::Other => "其他原因",
        }
    }
}

str_enum!(MatchStatus {
    Suggested = "suggested",
    SmeInterested = "sme_interested",
    ProviderInterested = "provider_interested",
    Connected = "connected",
    Succeeded = "succeeded",
    Failed = "failed",
    Declined = "declined",
});

str_enum!(Purpose {
    WorkingCapital = "working_capital",
    Equipment = "equipment",
    Expansion = "expansion",
    Rnd = "rnd",
    Trade = "trade",
    Other = "other",
});

str_enum!(Collateral {
    None = "none",
    Property = "property",
    Equipment = "equipment",
    Receivables = "receivables",
    Ip = "ip",
    Guarantee = "guarantee",
    Orders = "orders",
});

str_enum!(TrainingFormat {
    Onsite = "onsite",
    Online = "online",
    Either = "either",
});

str_enum!(Fee {
    Free = "free",
    Subsidized = "subsidized",
    Paid = "paid",
});

str_enum!(RecruitingService {
    JobFair = "job_fair",
    Headhunting = "headhunting",
    LaborDispatch = "labor_dispatch",
    Campus = "campus",
    OnlinePosting = "online_posting",
});

str_enum!(AlertFrequency {
    Daily = "daily",
    Weekly = "weekly",
});

str_enum!(MatchEmails {
    Immediate = "immediate",
    Daily = "daily",
    Off = "off",
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
}
