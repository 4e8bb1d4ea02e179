//! Tests of the matching rules: builders of pairs here; the hard rules one at a time
//! (`rules`), the score (`score`), and a labelled set of needs and offers (`labelled_set`) with
//! the harness that checks every reason is true and the best offer ranks in the top three
//! (`labelled`).

mod labelled;
mod labelled_set;
mod meaning;
mod quality;
mod rules;
mod score;

use super::*;
use crate::domain::posting::Audience;
use crate::domain::posting::{
    NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting, OfferTraining,
    Position,
};
use crate::domain::{CityCode, Industry, OrgSize};
use crate::domain::{Collateral, Fee, Purpose, RecruitingService, TrainingFormat};

use Collateral::{Equipment, Guarantee, Ip, Orders, Property, Receivables};
use TrainingFormat::{Either, Online, Onsite};

const CHENGDU: &str = "510100";
const ZIGONG: &str = "510300";
const LUZHOU: &str = "510500";
const DEYANG: &str = "510600";
const MIANYANG: &str = "510700";
const NEIJIANG: &str = "511000";
const LESHAN: &str = "511100";
const NANCHONG: &str = "511300";
const YIBIN: &str = "511500";
const ZIYANG: &str = "512000";

const WAN: i64 = 10_000;

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

fn fin_need(amount: i64, term: i32, collateral: &[Collateral], max_rate: Option<i32>) -> Details {
    Details::NeedFinancing(NeedFinancing {
        amount_yuan: amount,
        term_months: term,
        purpose: Purpose::Equipment,
        collateral: collateral.to_vec(),
        max_annual_rate_bp: max_rate,
    })
}

fn fin_offer(
    amounts: (i64, i64),
    terms: (i32, i32),
    rates: (i32, i32),
    collateral: &[Collateral],
) -> Details {
    Details::OfferFinancing(OfferFinancing {
        product_type: "贷款".into(),
        amount_min_yuan: amounts.0,
        amount_max_yuan: amounts.1,
        term_min_months: terms.0,
        term_max_months: terms.1,
        annual_rate_min_bp: rates.0,
        annual_rate_max_bp: rates.1,
        collateral_accepted: collateral.to_vec(),
    })
}

fn position(title: &str, headcount: i32, education: Option<&str>) -> Position {
    Position {
        title: title.into(),
        headcount,
        salary_min_yuan: None,
        salary_max_yuan: None,
        skills: vec![],
        education: education.map(String::from),
    }
}

fn rec_need(positions: Vec<Position>) -> Details {
    Details::NeedRecruiting(NeedRecruiting {
        positions,
        start_by: None,
    })
}

fn rec_offer(services: &[RecruitingService], fee: Fee, max: Option<i32>) -> Details {
    Details::OfferRecruiting(OfferRecruiting {
        services: services.to_vec(),
        fee,
        max_headcount: max,
    })
}

fn tr_need(topic: &str, headcount: i32, format: TrainingFormat) -> Details {
    Details::NeedTraining(NeedTraining {
        topic: topic.into(),
        headcount,
        format,
        budget_yuan: None,
        preferred_start: None,
    })
}

fn tr_offer(topics: &[&str], capacity: i32, format: TrainingFormat, fee: Fee) -> Details {
    Details::OfferTraining(OfferTraining {
        topics: topics.iter().map(|s| s.to_string()).collect(),
        capacity,
        format,
        fee,
    })
}

/// A need with its SME's facts.
struct N {
    details: Details,
    city: Option<&'static str>,
    industry: &'static str,
    size: &'static str,
    text: &'static str,
}

/// An offer with its audience.
struct O {
    details: Details,
    audience: Audience,
    text: &'static str,
}

fn need_side(n: &N) -> NeedSide<'_> {
    NeedSide {
        id: 1,
        details: &n.details,
        title: n.text,
        description: "",
        city: n.city.map(|c| CityCode::parse(c).unwrap()),
        industry: Industry::parse(n.industry).unwrap(),
        size: OrgSize::parse(n.size).unwrap(),
    }
}

fn offer_side(o: &O) -> OfferSide<'_> {
    OfferSide {
        id: 2,
        details: &o.details,
        title: o.text,
        description: "",
        audience: &o.audience,
    }
}

fn cities(v: &[&str]) -> Vec<CityCode> {
    v.iter().map(|s| CityCode::parse(s).unwrap()).collect()
}

fn industries(v: &[&str]) -> Vec<Industry> {
    v.iter().map(|s| Industry::parse(s).unwrap()).collect()
}

fn sizes(v: &[&str]) -> Vec<OrgSize> {
    v.iter().map(|s| OrgSize::parse(s).unwrap()).collect()
}

/// A small manufacturer (C) in the given city.
fn need(details: Details, city: &'static str, text: &'static str) -> N {
    N {
        details,
        city: Some(city),
        industry: "C",
        size: "small",
        text,
    }
}

fn need_of(
    details: Details,
    city: Option<&'static str>,
    industry: &'static str,
    size: &'static str,
    text: &'static str,
) -> N {
    N {
        details,
        city,
        industry,
        size,
        text,
    }
}

/// An offer for everybody.
fn offer(details: Details, text: &'static str) -> O {
    offer_for(details, &[], &[], &[], text)
}

fn offer_for(
    details: Details,
    regions: &[&str],
    industries: &[&str],
    sizes: &[&str],
    text: &'static str,
) -> O {
    O {
        details,
        audience: Audience {
            regions: self::cities(regions),
            industries: self::industries(industries),
            sizes: self::sizes(sizes),
        },
        text,
    }
}

fn check(n: &N, o: &O) -> Result<Vec<Reason>, Broken> {
    eligible(&need_side(n), &offer_side(o))
}

fn rule(n: &N, o: &O) -> Result<Vec<Reason>, &'static str> {
    check(n, o).map_err(|b| b.rule)
}

fn find<'r>(reasons: &'r [Reason], code: &str) -> Option<&'r Reason> {
    reasons.iter().find(|r| r.code == code)
}

/// The financing pair of the brief: eligible on every rule.
fn base_fin_need() -> N {
    need(
        fin_need(500 * WAN, 36, &[Equipment], Some(450)),
        MIANYANG,
        "设备更新贷款",
    )
}

fn base_fin_offer() -> O {
    offer_for(
        fin_offer((100 * WAN, 2000 * WAN), (12, 60), (365, 480), &[Equipment]),
        &[CHENGDU, MIANYANG],
        &["C"],
        &["small", "medium"],
        "设备贷",
    )
}
