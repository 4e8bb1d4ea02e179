//! How well an eligible pair fits: text relevance, the closeness of the structured fields and
//! specificity, weighted into a score in [0, 1].

use super::meaning::{meaning, Meaning, PART_LINK};
use super::rules::eligible;
use super::{
    reason, NeedSide, OfferSide, Reason, Scored, FIELDS_WEIGHT, MAIL_THRESHOLD, MEANING_WEIGHT,
    SPECIFICITY_WEIGHT,
};
use crate::domain::posting::{
    Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting,
    OfferTraining,
};
use crate::domain::{Fee, RecruitingService};
use crate::search::vocabulary::Vocabulary;

/// 1 at the geometric middle of [lo, hi], falling linearly in log space to 0.5 at the edges.
/// Amounts span orders of magnitude (10万–5000万), so the middle is taken on a log scale.
pub(super) fn centrality_log(v: f64, lo: f64, hi: f64) -> f64 {
    if lo <= 0.0 || v <= 0.0 {
        return centrality_lin(v, lo, hi);
    }
    centrality_lin(v.ln(), lo.ln(), hi.ln())
}

/// 1 at the middle of [lo, hi], 0.5 at the edges; 1 for a one-point range.
pub(super) fn centrality_lin(v: f64, lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        return 1.0;
    }
    let mid = (lo + hi) / 2.0;
    let half = (hi - lo) / 2.0;
    (1.0 - 0.5 * (v - mid).abs() / half).clamp(0.5, 1.0)
}

/// How comfortably a demand fits a capacity: 1 up to half of it, 0.5 when it fills it exactly.
fn load_fit(demand: f64, capacity: f64) -> f64 {
    if capacity <= 0.0 {
        return 0.5;
    }
    let u = demand / capacity;
    if u <= 0.5 {
        1.0
    } else {
        (1.5 - u).clamp(0.5, 1.0)
    }
}

/// Free beats subsidised beats paid.
fn fee_fit(f: Fee) -> f64 {
    match f {
        Fee::Free => 1.0,
        Fee::Subsidized => 0.8,
        Fee::Paid => 0.4,
    }
}

/// The rate headroom: how far the offer's lowest rate is under the need's maximum, relative to
/// that maximum; 0 at no headroom, 1 at 25% or more under. Neutral 0.5 when the need names no
/// maximum.
fn rate_fit(n: &NeedFinancing, o: &OfferFinancing) -> f64 {
    match n.max_annual_rate_bp {
        Some(max) if max > 0 => {
            let headroom = (max - o.annual_rate_min_bp) as f64 / max as f64;
            (headroom / 0.25).clamp(0.0, 1.0)
        }
        Some(_) => 0.0,
        None => 0.5,
    }
}

fn financing_fit(n: &NeedFinancing, o: &OfferFinancing) -> f64 {
    let amount = centrality_log(
        n.amount_yuan as f64,
        o.amount_min_yuan as f64,
        o.amount_max_yuan as f64,
    );
    let term = centrality_lin(
        n.term_months as f64,
        o.term_min_months as f64,
        o.term_max_months as f64,
    );
    0.45 * amount + 0.35 * rate_fit(n, o) + 0.20 * term
}

const SENIOR_WORDS: &[&str] = &[
    "工程师",
    "经理",
    "总监",
    "主管",
    "高级",
    "总工",
    "研发",
    "硕士",
    "博士",
    "架构",
];
const GRADUATE_WORDS: &[&str] = &["应届", "毕业", "校园", "校招", "实习", "大学生"];

/// How well the offer's services suit the hiring: volume hiring wants job fairs and labour
/// dispatch, a few senior posts want headhunting, graduates want campus recruiting.
fn service_fit(n: &NeedRecruiting, need_text: &str, services: &[RecruitingService]) -> f64 {
    let total = n.total_headcount();
    let position_text: String = n
        .positions
        .iter()
        .flat_map(|p| {
            std::iter::once(p.title.as_str())
                .chain(p.education.as_deref())
                .chain(p.skills.iter().map(String::as_str))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let any = |words: &[&str]| {
        words
            .iter()
            .any(|w| position_text.contains(w) || need_text.contains(w))
    };
    let senior = total <= 10 && any(SENIOR_WORDS);
    let graduate = any(GRADUATE_WORDS);
    let volume = total >= 30;
    services
        .iter()
        .map(|s| match s {
            RecruitingService::JobFair if volume => 1.0,
            RecruitingService::JobFair => 0.8,
            RecruitingService::LaborDispatch if volume => 1.0,
            RecruitingService::LaborDispatch => 0.5,
            RecruitingService::Campus if graduate => 1.0,
            RecruitingService::Campus => 0.4,
            RecruitingService::Headhunting if senior => 1.0,
            RecruitingService::Headhunting if total <= 10 => 0.5,
            RecruitingService::Headhunting => 0.2,
            RecruitingService::OnlinePosting => 0.7,
        })
        .fold(0.0, f64::max)
}

fn recruiting_fit(n: &NeedRecruiting, o: &OfferRecruiting, need_text: &str) -> f64 {
    let headcount = match o.max_headcount {
        Some(max) => load_fit(n.total_headcount() as f64, max as f64),
        None => 0.75,
    };
    0.35 * headcount + 0.35 * fee_fit(o.fee) + 0.30 * service_fit(n, need_text, &o.services)
}

fn training_fit(n: &NeedTraining, o: &OfferTraining) -> f64 {
    let capacity = load_fit(n.headcount as f64, o.capacity as f64);
    let format = if n.format == o.format { 1.0 } else { 0.7 };
    0.4 * capacity + 0.25 * format + 0.35 * fee_fit(o.fee)
}

/// In [0, 1]: the category's structured closeness.
fn fields_fit(need: &NeedSide, offer: &OfferSide) -> f64 {
    match (need.details, offer.details) {
        (Details::NeedFinancing(n), Details::OfferFinancing(o)) => financing_fit(n, o),
        (Details::NeedRecruiting(n), Details::OfferRecruiting(o)) => {
            let text = format!("{} {}", need.title, need.description);
            recruiting_fit(n, o, &text)
        }
        (Details::NeedTraining(n), Details::OfferTraining(o)) => training_fit(n, o),
        _ => 0.0,
    }
}

/// In [0, 1]: an offer that names the need's city (0.5) and industry (0.5) is aimed at it; an
/// all-Sichuan, all-industry offer is not. Only meaningful for an eligible pair, where a named
/// list always contains the need's value.
fn specificity(need: &NeedSide, offer: &OfferSide) -> f64 {
    let a = offer.audience;
    let city = need.city.is_some_and(|c| a.regions.contains(&c));
    let industry = a.industries.contains(&need.industry);
    0.5 * f64::from(u8::from(city)) + 0.5 * f64::from(u8::from(industry))
}

/// What the subjects of the pair say, as a sentence; none when there is nothing to say.
fn subject_reason(need: &NeedSide, m: &Meaning) -> Option<Reason> {
    let same_words = |a: &str, b: &str| a == b;
    match (need.details, m) {
        (Details::NeedTraining(_), Meaning::Related { need, offer, .. }) => {
            Some(if same_words(need, offer) {
                reason(
                    "topic",
                    format!("课程主题“{offer}”与需求一致"),
                    format!("the programme's topic \"{offer}\" is the one the need asks for"),
                )
            } else {
                reason(
                    "topic",
                    format!("课程主题“{offer}”与需求“{need}”相关"),
                    format!("the programme's topic \"{offer}\" relates to the need's \"{need}\""),
                )
            })
        }
        (Details::NeedRecruiting(_), Meaning::Related { need, offer, .. }) => {
            Some(if same_words(need, offer) {
                reason(
                    "position",
                    format!("服务面向需求的岗位“{offer}”"),
                    format!("the service is for the position the need hires for, \"{offer}\""),
                )
            } else {
                reason(
                    "position",
                    format!("服务岗位“{offer}”与需求岗位“{need}”相关"),
                    format!("the service's \"{offer}\" relates to the need's position \"{need}\""),
                )
            })
        }
        (Details::NeedRecruiting(_), Meaning::Open { .. }) => Some(reason(
            "position",
            "服务不限岗位".into(),
            "the service is for any position".into(),
        )),
        (
            Details::NeedFinancing(n),
            Meaning::Related {
                need, offer, same, ..
            },
        ) => Some(if *same {
            reason(
                "purpose",
                format!("产品“{offer}”与需求“{need}”一致"),
                format!("the product \"{offer}\" is what the need asks for (\"{need}\")"),
            )
        } else {
            reason(
                "purpose",
                format!("产品“{offer}”适用于{}", n.purpose.zh()),
                format!(
                    "the product \"{offer}\" serves {}",
                    n.purpose.en().to_lowercase()
                ),
            )
        }),
        (Details::NeedFinancing(_), Meaning::Open { offer: Some(offer) }) => Some(reason(
            "purpose",
            format!("“{offer}”不限资金用途"),
            format!("\"{offer}\" may be used for any purpose"),
        )),
        _ => None,
    }
}

/// The score of a pair, a function of the two postings and the vocabulary alone:
/// `MEANING_WEIGHT` × how their subjects relate (`meaning`) + `FIELDS_WEIGHT` × structured
/// closeness + `SPECIFICITY_WEIGHT` × specificity, in [0, 1]. Structured closeness is, for
/// financing, 0.45 amount centrality (1 at the geometric middle of the range, 0.5 at its edges),
/// plus 0.35 rate headroom (neutral 0.5 when the need names no maximum), plus 0.20 term
/// centrality; for recruiting, 0.35 headcount fit, 0.35 fee (free 1, subsidised 0.8, paid 0.4)
/// and 0.30 service fit; for training, 0.40 capacity fit, 0.25 format (exact 1, through
/// `either` 0.7) and 0.35 fee.
///
/// A training course, a recruiting service or a financing product about something else than
/// the need (another topic, other positions, another purpose) scores 0: it is not a match,
/// whatever its fields. Subjects that only share a part (`PART_LINK`) score below
/// `MAIL_THRESHOLD`: listed, never mailed. A pair that is not eligible scores 0 with no reasons.
/// The reasons: what the subjects share first, then the eligibility reasons.
pub fn score(need: &NeedSide, offer: &OfferSide, vocab: &Vocabulary) -> Scored {
    score_with(need, offer, || meaning(vocab, need, offer))
}

/// `score`, with what the pair is about given by `meaning` (asked only of an eligible pair), so
/// that a caller that scores one posting against many reads that posting's subjects once.
pub fn score_with(need: &NeedSide, offer: &OfferSide, meaning: impl FnOnce() -> Meaning) -> Scored {
    let zero = Scored {
        score: 0.0,
        reasons: Vec::new(),
    };
    let Ok(eligible) = eligible(need, offer) else {
        return zero;
    };
    let m = meaning();
    if m == Meaning::Unrelated {
        return zero;
    }
    let mut raw = MEANING_WEIGHT * m.value()
        + FIELDS_WEIGHT * fields_fit(need, offer).clamp(0.0, 1.0)
        + SPECIFICITY_WEIGHT * specificity(need, offer);
    // Only a part of the subject in common (a 焊工 course that also leads to a 特种作业
    // certificate, for a 电工证 need): listed, never mailed.
    let part_only = matches!(m, Meaning::Related { strength, .. } if strength <= PART_LINK);
    if part_only {
        raw = raw.min(MAIL_THRESHOLD - 0.01);
    }
    let mut reasons: Vec<Reason> = subject_reason(need, &m).into_iter().collect();
    reasons.extend(eligible);
    Scored {
        score: raw.clamp(0.0, 1.0),
        reasons,
    }
}
