//! What a hit shows beside its title, so that results can be compared at a glance: salary range
//! and headcount for recruiting, format and fee for training, amounts for financing. Read from
//! the posting's details as the index stores them.

use serde::{Deserialize, Serialize};

use crate::domain::posting::Details;
use crate::domain::{Category, Fee, PostingKind, TrainingFormat};

/// Each field only where the posting's category has it. Worked out when the posting is indexed
/// and stored beside it as JSON, so a hit reads them without parsing the details.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct Facts {
    /// Financing need: the amount asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_yuan: Option<i64>,
    /// Financing offer: the range lent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_min_yuan: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount_max_yuan: Option<i64>,
    /// Recruiting need: the lowest and highest monthly salary over its positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary_min_yuan: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salary_max_yuan: Option<i64>,
    /// Recruiting need: people wanted in all; training need: people to train.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headcount: Option<i64>,
    /// Recruiting need: the positions' titles.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<String>,
    /// Recruiting offer: the most people it recruits for one need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_headcount: Option<i64>,
    /// Training.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<TrainingFormat>,
    /// Recruiting and training offers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<Fee>,
    /// Training need.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_yuan: Option<i64>,
    /// Training offer: places per session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<i64>,
}

impl Facts {
    /// The facts of a posting's details; none when they cannot be read.
    pub fn of(kind: PostingKind, category: Category, details: &str) -> Facts {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(details) else {
            return Facts::default();
        };
        let Ok(d) = Details::from_json(kind, category, &v) else {
            return Facts::default();
        };
        let mut f = Facts::default();
        match d {
            Details::NeedFinancing(n) => f.amount_yuan = Some(n.amount_yuan),
            Details::OfferFinancing(o) => {
                f.amount_min_yuan = Some(o.amount_min_yuan);
                f.amount_max_yuan = Some(o.amount_max_yuan);
            }
            Details::NeedRecruiting(n) => {
                f.headcount = Some(n.total_headcount());
                f.salary_min_yuan = n.positions.iter().filter_map(|p| p.salary_min_yuan).min();
                f.salary_max_yuan = n.positions.iter().filter_map(|p| p.salary_max_yuan).max();
                f.positions = n.positions.iter().map(|p| p.title.clone()).collect();
            }
            Details::OfferRecruiting(o) => {
                f.fee = Some(o.fee);
                f.max_headcount = o.max_headcount.map(i64::from);
            }
            Details::NeedTraining(n) => {
                f.headcount = Some(n.headcount.into());
                f.format = Some(n.format);
                f.budget_yuan = n.budget_yuan;
            }
            Details::OfferTraining(o) => {
                f.format = Some(o.format);
                f.fee = Some(o.fee);
                f.capacity = Some(o.capacity.into());
            }
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recruiting_shows_salaries_and_headcount_training_format_and_fee() {
        let need = r#"{"positions": [
            {"title": "数控车工", "headcount": 5, "salary_min_yuan": 6000, "salary_max_yuan": 9000, "skills": []},
            {"title": "焊工", "headcount": 2, "salary_min_yuan": 6500, "salary_max_yuan": 11000, "skills": []}]}"#;
        let f = Facts::of(PostingKind::Need, Category::Recruiting, need);
        assert_eq!(f.salary_min_yuan, Some(6000));
        assert_eq!(f.salary_max_yuan, Some(11000));
        assert_eq!(f.headcount, Some(7));
        assert_eq!(f.positions, vec!["数控车工", "焊工"]);
        let offer =
            r#"{"topics": ["数控编程"], "capacity": 40, "format": "onsite", "fee": "subsidized"}"#;
        let f = Facts::of(PostingKind::Offer, Category::Training, offer);
        assert_eq!(
            (f.format, f.fee, f.capacity),
            (
                Some(TrainingFormat::Onsite),
                Some(Fee::Subsidized),
                Some(40)
            )
        );
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["format"], "onsite");
        assert!(json.get("salary_min_yuan").is_none());
        assert_eq!(
            Facts::of(PostingKind::Offer, Category::Training, "{"),
            Facts::default()
        );
    }
}
