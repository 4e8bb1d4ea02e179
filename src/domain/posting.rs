//! Needs and offers as the contract writes them: parsed from a request body into a `Draft`, whose
//! category details are stored as JSON and read back with the same types.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::input::{parse_date, parse_time, FieldType, FormFields, Obj};
use super::{
    parse_count, parse_text, Category, CityCode, Collateral, Fee, Industry, OrgSize, PostingKind,
    Purpose, RateBp, RecruitingService, TrainingFormat, Yuan,
};
use crate::error::{AppError, FieldErrors, Problem};

pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MAX: usize = 5000;
pub const DEFAULT_LIFETIME_DAYS: i64 = 90;
pub const MAX_LIFETIME_DAYS: i64 = 730;
const MAX_HEADCOUNT: i64 = 100_000;
const MAX_TERM_MONTHS: i64 = 360;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NeedFinancing {
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub amount_yuan: i64,
    #[schema(minimum = 1, maximum = 360)]
    pub term_months: i32,
    pub purpose: Purpose,
    #[schema(min_items = 1, max_items = 7)]
    pub collateral: Vec<Collateral>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(minimum = 0, maximum = 10_000)]
    pub max_annual_rate_bp: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Position {
    #[schema(min_length = 1, max_length = 50)]
    pub title: String,
    #[schema(minimum = 1, maximum = 100_000)]
    pub headcount: i32,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub salary_min_yuan: Option<i64>,
    /// Not below `salary_min_yuan`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub salary_max_yuan: Option<i64>,
    /// Absent = none; each at most 50 characters.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub skills: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(min_length = 1, max_length = 50)]
    pub education: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NeedRecruiting {
    /// At most 100 000 people in all.
    #[schema(min_items = 1, max_items = 50)]
    pub positions: Vec<Position>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_by: Option<NaiveDate>,
}

impl NeedRecruiting {
    pub fn total_headcount(&self) -> i64 {
        self.positions.iter().map(|p| p.headcount as i64).sum()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NeedTraining {
    #[schema(min_length = 1, max_length = 100)]
    pub topic: String,
    #[schema(minimum = 1, maximum = 100_000)]
    pub headcount: i32,
    pub format: TrainingFormat,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub budget_yuan: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub preferred_start: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfferFinancing {
    #[schema(min_length = 1, max_length = 50)]
    pub product_type: String,
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub amount_min_yuan: i64,
    /// Not below `amount_min_yuan`.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub amount_max_yuan: i64,
    #[schema(minimum = 1, maximum = 360)]
    pub term_min_months: i32,
    /// Not below `term_min_months`.
    #[schema(minimum = 1, maximum = 360)]
    pub term_max_months: i32,
    #[schema(minimum = 0, maximum = 10_000)]
    pub annual_rate_min_bp: i32,
    /// Not below `annual_rate_min_bp`.
    #[schema(minimum = 0, maximum = 10_000)]
    pub annual_rate_max_bp: i32,
    #[schema(min_items = 1, max_items = 7)]
    pub collateral_accepted: Vec<Collateral>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfferRecruiting {
    #[schema(min_items = 1, max_items = 5)]
    pub services: Vec<RecruitingService>,
    pub fee: Fee,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(minimum = 1, maximum = 100_000)]
    pub max_headcount: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfferTraining {
    /// Each at most 50 characters.
    #[schema(min_items = 1, max_items = 30)]
    pub topics: Vec<String>,
    #[schema(minimum = 1, maximum = 100_000)]
    pub capacity: i32,
    pub format: TrainingFormat,
    pub fee: Fee,
}

/// The category details of a posting; exactly one, the one its category names.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    NeedFinancing(NeedFinancing),
    NeedRecruiting(NeedRecruiting),
    NeedTraining(NeedTraining),
    OfferFinancing(OfferFinancing),
    OfferRecruiting(OfferRecruiting),
    OfferTraining(OfferTraining),
}

impl Details {
    pub fn to_json(&self) -> Value {
        let v = match self {
            Details::NeedFinancing(d) => serde_json::to_value(d),
            Details::NeedRecruiting(d) => serde_json::to_value(d),
            Details::NeedTraining(d) => serde_json::to_value(d),
            Details::OfferFinancing(d) => serde_json::to_value(d),
            Details::OfferRecruiting(d) => serde_json::to_value(d),
            Details::OfferTraining(d) => serde_json::to_value(d),
        };
        v.unwrap_or(Value::Null)
    }

    /// Reads details stored by `to_json`.
    pub fn from_json(kind: PostingKind, category: Category, v: &Value) -> serde_json::Result<Self> {
        use serde_json::from_value as de;
        let v = v.clone();
        Ok(match (kind, category) {
            (PostingKind::Need, Category::Financing) => Details::NeedFinancing(de(v)?),
            (PostingKind::Need, Category::Recruiting) => Details::NeedRecruiting(de(v)?),
            (PostingKind::Need, Category::Training) => Details::NeedTraining(de(v)?),
            (PostingKind::Offer, Category::Financing) => Details::OfferFinancing(de(v)?),
            (PostingKind::Offer, Category::Recruiting) => Details::OfferRecruiting(de(v)?),
            (PostingKind::Offer, Category::Training) => Details::OfferTraining(de(v)?),
        })
    }

    /// The amount columns kept beside the JSON for filtering: a need's amount, an offer's range.
    pub fn amounts(&self) -> (Option<i64>, Option<i64>, Option<i64>) {
        match self {
            Details::NeedFinancing(d) => (Some(d.amount_yuan), None, None),
            Details::OfferFinancing(d) => (None, Some(d.amount_min_yuan), Some(d.amount_max_yuan)),
            _ => (None, None, None),
        }
    }
}

/// Who an offer is for; empty lists mean everybody.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Audience {
    pub regions: Vec<CityCode>,
    pub industries: Vec<Industry>,
    pub sizes: Vec<OrgSize>,
}

/// How the fields of a posting body (and of a `PATCH`) are typed, for the posting forms.
pub const FORM_FIELDS: FormFields = &[
    ("collateral", FieldType::Multi),
    ("collateral_accepted", FieldType::Multi),
    ("services", FieldType::Multi),
    ("regions", FieldType::Multi),
    ("industries", FieldType::Multi),
    ("sizes", FieldType::Multi),
    ("skills", FieldType::List),
    ("topics", FieldType::List),
    ("amount_yuan", FieldType::Wan),
    ("amount_min_yuan", FieldType::Wan),
    ("amount_max_yuan", FieldType::Wan),
    ("max_annual_rate_bp", FieldType::Percent),
    ("annual_rate_min_bp", FieldType::Percent),
    ("annual_rate_max_bp", FieldType::Percent),
    ("term_months", FieldType::Int),
    ("term_min_months", FieldType::Int),
    ("term_max_months", FieldType::Int),
    ("headcount", FieldType::Int),
    ("capacity", FieldType::Int),
    ("max_headcount", FieldType::Int),
    ("salary_min_yuan", FieldType::Int),
    ("salary_max_yuan", FieldType::Int),
    ("budget_yuan", FieldType::Int),
    ("submit", FieldType::Bool),
    ("expires_at", FieldType::Date),
];

/// A parsed posting body, ready to be stored.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: PostingKind,
    pub category: Category,
    pub title: String,
    pub description: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub submit: bool,
    pub details: Details,
    pub audience: Audience,
}

impl Draft {
    /// Parses a need or offer body. `now` bounds `expires_at`.
    pub fn parse(kind: PostingKind, body: &Value, now: DateTime<Utc>) -> Result<Draft, AppError> {
        let o = Obj::root(body)?;
        let mut errs = FieldErrors::new();
        let category = o.parse_str("category", &mut errs, Category::parse);
        let title = o.parse_str("title", &mut errs, |s| parse_text(s, TITLE_MAX));
        let description = o.parse_str("description", &mut errs, |s| parse_text(s, DESCRIPTION_MAX));
        let expires_at = o.parse_opt_str("expires_at", &mut errs, |s| {
            let t = parse_time(s)?;
            if t <= now {
                Err(Problem::MustBeFuture)
            } else if t > now + Duration::days(MAX_LIFETIME_DAYS) {
                Err(Problem::Custom {
                    zh: format!("有效期不能超过 {MAX_LIFETIME_DAYS} 天"),
                    en: format!("must be within {MAX_LIFETIME_DAYS} days"),
                })
            } else {
                Ok(t)
            }
        });
        let submit = o
            .opt_bool("submit", &mut errs)
            .ok()
            .map(|b| b.unwrap_or(true));

        for other in Category::ALL {
            if Some(*other) != category && o.has(other.as_str()) {
                errs.add(o.path(other.as_str()), Problem::NotAllowed);
            }
        }
        let details = category.and_then(|c| {
            let d = o.obj(c.as_str(), &mut errs)?;
            parse_details(kind, c, &d, &mut errs)
        });

        let audience = match kind {
            PostingKind::Offer => parse_audience(&o, &mut errs),
            PostingKind::Need => {
                for key in ["regions", "industries", "sizes"] {
                    if o.has(key) {
                        errs.add(o.path(key), Problem::NotAllowed);
                    }
                }
                Some(Audience::default())
            }
        };

        match (
            category,
            title,
            description,
            expires_at,
            submit,
            details,
            audience,
        ) {
            (
                Some(category),
                Some(title),
                Some(description),
                Some(expires_at),
                Some(submit),
                Some(details),
                Some(audience),
            ) if errs.is_empty() => Ok(Draft {
                kind,
                category,
                title,
                description,
                expires_at,
                submit,
                details,
                audience,
            }),
            _ => Err(AppError::Validation(errs)),
        }
    }
}

fn parse_audience(o: &Obj, errs: &mut FieldErrors) -> Option<Audience> {
    let regions = o.str_list("regions", false, 21, errs, CityCode::parse);
    let industries = o.str_list("industries", false, 20, errs, Industry::parse);
    let sizes = o.str_list("sizes", false, 4, errs, OrgSize::parse);
    Some(Audience {
        regions: dedup(regions?, |c| c.as_str()),
        industries: dedup(industries?, |i| i.as_str()),
        sizes: dedup(sizes?, |s| s.as_str()),
    })
}

fn dedup<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|o| key(o) == key(&item)) {
            out.push(item);
        }
    }
    out
}

fn short_text(max: usize) -> impl Fn(&str) -> Result<String, Problem> {
    move |s| parse_text(s, max)
}

fn count(min: i64, max: i64) -> impl Fn(i64) -> Result<i32, Problem> {
    move |v| parse_count(v, min, max)
}

fn positive_yuan(v: i64) -> Result<i64, Problem> {
    Yuan::parse_positive(v).map(Yuan::get)
}

fn rate(v: i64) -> Result<i32, Problem> {
    RateBp::parse(v).map(RateBp::get)
}

fn check_order<T: PartialOrd>(
    d: &Obj,
    min: Option<T>,
    max: Option<T>,
    max_key: &str,
    errs: &mut FieldErrors,
) {
    if let (Some(min), Some(max)) = (min, max) {
        if min > max {
            errs.add(d.path(max_key), Problem::MinAboveMax);
        }
    }
}

fn parse_details(
    kind: PostingKind,
    category: Category,
    d: &Obj,
    errs: &mut FieldErrors,
) -> Option<Details> {
    match (kind, category) {
        (PostingKind::Need, Category::Financing) => {
            let amount_yuan = d.parse_int("amount_yuan", errs, positive_yuan);
            let term_months = d.parse_int("term_months", errs, count(1, MAX_TERM_MONTHS));
            let purpose = d.parse_str("purpose", errs, Purpose::parse);
            let collateral = d.str_list("collateral", true, 7, errs, Collateral::parse);
            let max_annual_rate_bp = d.parse_opt_int("max_annual_rate_bp", errs, rate);
            Some(Details::NeedFinancing(NeedFinancing {
                amount_yuan: amount_yuan?,
                term_months: term_months?,
                purpose: purpose?,
                collateral: dedup(collateral?, |c| *c),
                max_annual_rate_bp: max_annual_rate_bp?,
            }))
        }
        (PostingKind::Need, Category::Recruiting) => {
            let positions = d.obj_list("positions", 50, errs, |p, errs| {
                let title = p.parse_str("title", errs, short_text(50));
                let headcount = p.parse_int("headcount", errs, count(1, MAX_HEADCOUNT));
                let salary_min = p.parse_opt_int("salary_min_yuan", errs, positive_yuan);
                let salary_max = p.parse_opt_int("salary_max_yuan", errs, positive_yuan);
                check_order(
                    &p,
                    salary_min.flatten(),
                    salary_max.flatten(),
                    "salary_max_yuan",
                    errs,
                );
                let skills = p.str_list("skills", false, 20, errs, short_text(50));
                let education = p.parse_opt_str("education", errs, short_text(50));
                Some(Position {
                    title: title?,
                    headcount: headcount?,
                    salary_min_yuan: salary_min?,
                    salary_max_yuan: salary_max?,
                    skills: skills?,
                    education: education?,
                })
            });
            let start_by = d.parse_opt_str("start_by", errs, parse_date);
            let positions = positions?;
            let total: i64 = positions
                .iter()
                .map(|p: &Position| p.headcount as i64)
                .sum();
            if total > MAX_HEADCOUNT {
                errs.add(
                    d.path("positions"),
                    Problem::OutOfRange {
                        min: 1,
                        max: MAX_HEADCOUNT,
                    },
                );
                return None;
            }
            Some(Details::NeedRecruiting(NeedRecruiting {
                positions,
                start_by: start_by?,
            }))
        }
        (PostingKind::Need, Category::Training) => {
            let topic = d.parse_str("topic", errs, short_text(100));
            let headcount = d.parse_int("headcount", errs, count(1, MAX_HEADCOUNT));
            let format = d.parse_str("format", errs, TrainingFormat::parse);
            let budget_yuan =
                d.parse_opt_int("budget_yuan", errs, |v| Yuan::parse(v).map(Yuan::get));
            let preferred_start = d.parse_opt_str("preferred_start", errs, parse_date);
            Some(Details::NeedTraining(NeedTraining {
                topic: topic?,
                headcount: headcount?,
                format: format?,
                budget_yuan: budget_yuan?,
                preferred_start: preferred_start?,
            }))
        }
        (PostingKind::Offer, Category::Financing) => {
            let product_type = d.parse_str("product_type", errs, short_text(50));
            let amount_min = d.parse_int("amount_min_yuan", errs, positive_yuan);
            let amount_max = d.parse_int("amount_max_yuan", errs, positive_yuan);
            check_order(d, amount_min, amount_max, "amount_max_yuan", errs);
            let term_min = d.parse_int("term_min_months", errs, count(1, MAX_TERM_MONTHS));
            let term_max = d.parse_int("term_max_months", errs, count(1, MAX_TERM_MONTHS));
            check_order(d, term_min, term_max, "term_max_months", errs);
            let rate_min = d.parse_int("annual_rate_min_bp", errs, rate);
            let rate_max = d.parse_int("annual_rate_max_bp", errs, rate);
            check_order(d, rate_min, rate_max, "annual_rate_max_bp", errs);
            let collateral = d.str_list("collateral_accepted", true, 7, errs, Collateral::parse);
            if !errs.is_empty() {
                return None;
            }
            Some(Details::OfferFinancing(OfferFinancing {
                product_type: product_type?,
                amount_min_yuan: amount_min?,
                amount_max_yuan: amount_max?,
                term_min_months: term_min?,
                term_max_months: term_max?,
                annual_rate_min_bp: rate_min?,
                annual_rate_max_bp: rate_max?,
                collateral_accepted: dedup(collateral?, |c| *c),
            }))
        }
        (PostingKind::Offer, Category::Recruiting) => {
            let services = d.str_list("services", true, 5, errs, RecruitingService::parse);
            let fee = d.parse_str("fee", errs, Fee::parse);
            let max_headcount = d.parse_opt_int("max_headcount", errs, count(1, MAX_HEADCOUNT));
            Some(Details::OfferRecruiting(OfferRecruiting {
                services: dedup(services?, |s| *s),
                fee: fee?,
                max_headcount: max_headcount?,
            }))
        }
        (PostingKind::Offer, Category::Training) => {
            let topics = d.str_list("topics", true, 30, errs, short_text(50));
            let capacity = d.parse_int("capacity", errs, count(1, MAX_HEADCOUNT));
            let format = d.parse_str("format", errs, TrainingFormat::parse);
            let fee = d.parse_str("fee", errs, Fee::parse);
            Some(Details::OfferTraining(OfferTraining {
                topics: topics?,
                capacity: capacity?,
                format: format?,
                fee: fee?,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-11-26T00:00:00Z".parse().unwrap()
    }

    fn fields(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation(f) => f.0.into_iter().map(|(k, _)| k).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_financing_need_parses_and_round_trips() {
        let body = json!({
            "category": "financing", "title": "设备更新贷款 500万", "description": "购置五轴数控机床",
            "financing": {"amount_yuan": 5_000_000, "term_months": 36, "purpose": "equipment",
                          "collateral": ["equipment", "equipment", "guarantee"], "max_annual_rate_bp": 450}
        });
        let d = Draft::parse(PostingKind::Need, &body, now()).unwrap();
        assert!(d.submit);
        assert_eq!(d.details.amounts(), (Some(5_000_000), None, None));
        let Details::NeedFinancing(f) = &d.details else {
            panic!()
        };
        assert_eq!(
            f.collateral,
            vec![Collateral::Equipment, Collateral::Guarantee]
        );
        let back = Details::from_json(PostingKind::Need, Category::Financing, &d.details.to_json())
            .unwrap();
        assert_eq!(back, d.details);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let body = json!({
            "category": "financing", "title": "", "description": "x".repeat(5001),
            "expires_at": "2020-01-01T00:00:00Z", "submit": "yes",
            "financing": {"amount_yuan": -5, "term_months": "36", "purpose": "party", "collateral": []},
            "training": {"topic": "x"}
        });
        let f = fields(Draft::parse(PostingKind::Need, &body, now()).unwrap_err());
        for expected in [
            "title",
            "description",
            "expires_at",
            "submit",
            "training",
            "financing.amount_yuan",
            "financing.term_months",
            "financing.purpose",
            "financing.collateral",
        ] {
            assert!(
                f.contains(&expected.to_string()),
                "{expected} missing from {f:?}"
            );
        }
    }

    #[test]
    fn offer_ranges_must_be_ordered_and_audience_checked() {
        let body = json!({
            "category": "financing", "title": "科技贷", "description": "面向科技型中小企业",
            "regions": ["510100", "999999"], "industries": ["C", "Z"], "sizes": ["tiny"],
            "financing": {"product_type": "信用贷款", "amount_min_yuan": 2_000_000, "amount_max_yuan": 1_000_000,
                          "term_min_months": 12, "term_max_months": 6, "annual_rate_min_bp": 500,
                          "annual_rate_max_bp": 400, "collateral_accepted": ["none"]}
        });
        let f = fields(Draft::parse(PostingKind::Offer, &body, now()).unwrap_err());
        for expected in [
            "regions.1",
            "industries.1",
            "sizes.0",
            "financing.amount_max_yuan",
            "financing.term_max_months",
            "financing.annual_rate_max_bp",
        ] {
            assert!(
                f.contains(&expected.to_string()),
                "{expected} missing from {f:?}"
            );
        }
    }

    #[test]
    fn recruiting_and_training_needs() {
        let body = json!({
            "category": "recruiting", "title": "招聘数控车工", "description": "两班倒，包食宿",
            "submit": false,
            "recruiting": {"positions": [
                {"title": "数控车工", "headcount": 10, "salary_min_yuan": 6000, "salary_max_yuan": 9000, "skills": ["FANUC"]},
                {"title": "质检员", "headcount": 2, "skills": []}
            ], "start_by": "2027-01-15"}
        });
        let d = Draft::parse(PostingKind::Need, &body, now()).unwrap();
        assert!(!d.submit);
        let Details::NeedRecruiting(r) = &d.details else {
            panic!()
        };
        assert_eq!(r.total_headcount(), 12);

        let bad = json!({
            "category": "training", "title": "安全生产培训", "description": "30 名一线员工",
            "regions": ["510100"],
            "training": {"topic": "安全生产", "headcount": 0, "format": "hybrid"}
        });
        let f = fields(Draft::parse(PostingKind::Need, &bad, now()).unwrap_err());
        assert_eq!(f.len(), 3, "{f:?}");
        assert!(f.contains(&"regions".to_string()));
    }

    #[test]
    fn offers_of_every_category_parse() {
        for (cat, details) in [
            (
                "recruiting",
                json!({"services": ["job_fair", "campus"], "fee": "free", "max_headcount": 200}),
            ),
            (
                "training",
                json!({"topics": ["电商直播", "短视频运营"], "capacity": 50, "format": "onsite", "fee": "subsidized"}),
            ),
        ] {
            let mut body =
                json!({"category": cat, "title": "服务", "description": "说明", "regions": []});
            body[cat] = details;
            let d = Draft::parse(PostingKind::Offer, &body, now()).unwrap();
            assert_eq!(d.category.as_str(), cat);
            assert!(d.audience.regions.is_empty());
        }
    }
}
