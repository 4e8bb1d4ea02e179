//! Generating demo data. Pure: the rng and the park list decide everything but the timestamps'
//! origin.

use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use super::names::{local_crop, mobile, person, short_city, sme_name, splitmix, uscc};
use super::needs::Sme;
use super::needs::{financing_need, recruiting_need, training_need};
use super::offers::{
    audience, financing_offer, provider, recruiting_offer, training_offer, Audience,
};
use super::random::weighted;
use super::vocabulary::trades::{trade_of, TRADES};
use super::{provider_email, sme_email, PROVIDER_SERIAL};
use crate::db::models::Park;
use crate::domain::posting::{Details, DEFAULT_LIFETIME_DAYS};
use crate::domain::reference;
use crate::domain::{Category, OrgSize, PostingKind, PostingStatus};

pub(super) struct Generated {
    pub(super) orgs: Vec<OrgSpec>,
    pub(super) postings: Vec<PostingSpec>,
}

pub(super) struct OrgSpec {
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) uscc: String,
    pub(super) park_id: Option<i64>,
    pub(super) industry: &'static str,
    pub(super) size: OrgSize,
    pub(super) employees: i32,
    pub(super) contact_name: String,
    pub(super) contact_phone: String,
    pub(super) contact_email: String,
    pub(super) user_email: String,
    pub(super) verified_at: Option<NaiveDateTime>,
    pub(super) created_at: NaiveDateTime,
}

pub(super) struct PostingSpec {
    /// Index into `Generated::orgs`.
    pub(super) org: usize,
    pub(super) kind: PostingKind,
    pub(super) category: Category,
    pub(super) park_id: Option<i64>,
    pub(super) city_code: Option<String>,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) details: Details,
    pub(super) details_json: String,
    pub(super) regions: String,
    pub(super) industries: String,
    pub(super) sizes: String,
    pub(super) status: PostingStatus,
    pub(super) created_at: NaiveDateTime,
    pub(super) submitted_at: Option<NaiveDateTime>,
    pub(super) published_at: Option<NaiveDateTime>,
    pub(super) expires_at: NaiveDateTime,
}

pub(super) fn generate(
    park_rows: &[Park],
    scale: usize,
    seed: u64,
    now: NaiveDateTime,
) -> Generated {
    let mut rng = StdRng::seed_from_u64(seed);
    let seed_tag = splitmix(seed) % 31u64.pow(4);
    let mut orgs = Vec::with_capacity(scale + scale / 10 + 3);
    let mut out = Vec::with_capacity(scale * 5 / 2 + scale / 2 + 20);

    for i in 1..=scale {
        let park = park_rows.choose(&mut rng).expect("parks");
        let city_name = reference::city(&park.city_code)
            .map(|c| c.name_zh)
            .unwrap_or("四川省");
        let agricultural = park.kind == "agricultural_demonstration_park";
        let trade = if agricultural && rng.random_bool(0.85) {
            trade_of("A")
        } else {
            weighted(&mut rng, TRADES, |t| t.weight)
        };
        let mut line = trade.lines.choose(&mut rng).expect("lines");
        let mut product = *line.products.choose(&mut rng).expect("products");
        if let (true, "A", Some(crop)) = (agricultural, trade.letter, local_crop(&park.name)) {
            // The park's own crop, grown by a company of the fitting line.
            let word = if crop.ends_with("种子") {
                "种业"
            } else {
                "农业开发"
            };
            line = trade.lines.iter().find(|l| l.word == word).unwrap_or(line);
            product = crop;
        }
        let size = *weighted(
            &mut rng,
            &[
                (OrgSize::Micro, 35),
                (OrgSize::Small, 45),
                (OrgSize::Medium, 20),
            ],
            |s| s.1,
        );
        let size = size.0;
        let employees = match size {
            OrgSize::Micro => rng.random_range(5..=19),
            OrgSize::Small => rng.random_range(20..=299),
            _ => rng.random_range(300..=980),
        };
        let name = sme_name(&mut rng, short_city(city_name), line.word, size);
        let verified = rng.random_bool(0.92);
        let (created_at, verified_at) = if verified {
            let created = now - secs(&mut rng, 125 * DAY, 400 * DAY);
            (created, Some(created + secs(&mut rng, 2 * HOUR, 3 * DAY)))
        } else {
            (now - secs(&mut rng, 5 * DAY, 30 * DAY), None)
        };
        let contact_name = person(&mut rng);
        let sme = Sme {
            name: name.clone(),
            park,
            city_name,
            trade,
            line,
            product,
            size,
            employees,
        };
        let org_index = orgs.len();
        orgs.push(OrgSpec {
            kind: "sme",
            name,
            uscc: uscc(&park.city_code, seed_tag, i as u64),
            park_id: Some(park.id),
            industry: trade.letter,
            size,
            employees,
            contact_phone: mobile(&mut rng),
            contact_name,
            contact_email: format!("contact{i}@sme{seed}.demo.parkbridge.cn"),
            user_email: sme_email(i, seed),
            verified_at,
            created_at,
        });

        let needs = rng.random_range(1..=4);
        for _ in 0..needs {
            let category = *weighted(&mut rng, trade.categories, |c| c.1);
            let (title, description, details) = match category.0 {
                Category::Financing => financing_need(&mut rng, &sme),
                Category::Recruiting => recruiting_need(&mut rng, &sme, created_at, now),
                Category::Training => training_need(&mut rng, &sme, created_at, now),
            };
            let times = timeline(&mut rng, verified_at.is_some(), created_at, now);
            out.push(posting(
                org_index,
                PostingKind::Need,
                category.0,
                Some(park.id),
                Some(park.city_code.clone()),
                title,
                description,
                details,
                Audience::default(),
                times,
            ));
        }
    }

    let providers = (scale / 10).max(3);
    let mut ranks = [0usize; 3];
    for j in 1..=providers {
        let p = provider(&mut rng, j, &mut ranks);
        let city = p
            .city
            .map(|c| reference::city(c).map(|c| c.name_zh).unwrap_or(c));
        let park = match p.city {
            Some(code) if rng.random_bool(0.4) => {
                let here: Vec<&Park> = park_rows.iter().filter(|k| k.city_code == code).collect();
                here.choose(&mut rng).copied()
            }
            _ => None,
        };
        let created_at = now - secs(&mut rng, 200 * DAY, 500 * DAY);
        let org_index = orgs.len();
        let contact_name = person(&mut rng);
        orgs.push(OrgSpec {
            kind: "provider",
            name: p.name.clone(),
            uscc: uscc(
                p.city.unwrap_or("510000"),
                seed_tag,
                PROVIDER_SERIAL + j as u64,
            ),
            park_id: park.map(|k| k.id),
            industry: p.industry,
            size: OrgSize::Large,
            employees: rng.random_range(120..=2600),
            contact_phone: mobile(&mut rng),
            contact_name,
            contact_email: format!("contact{j}@provider{seed}.demo.parkbridge.cn"),
            user_email: provider_email(j, seed),
            verified_at: Some(created_at + secs(&mut rng, HOUR, 2 * DAY)),
            created_at,
        });

        let offers = rng.random_range(3..=6);
        for _ in 0..offers {
            let category = if p.guarantor || rng.random_bool(0.7) {
                p.primary
            } else {
                *[
                    Category::Financing,
                    Category::Recruiting,
                    Category::Training,
                ]
                .choose(&mut rng)
                .expect("categories")
            };
            let place = city.map(short_city).unwrap_or("四川");
            let (title, description, details, industries) = match category {
                Category::Financing => financing_offer(&mut rng, place, p.guarantor),
                Category::Recruiting => recruiting_offer(&mut rng, place),
                Category::Training => training_offer(&mut rng),
            };
            let audience = audience(&mut rng, p.city, industries);
            let times = timeline(&mut rng, true, created_at, now);
            out.push(posting(
                org_index,
                PostingKind::Offer,
                category,
                park.map(|k| k.id),
                park.map(|k| k.city_code.clone()),
                title,
                description,
                details,
                audience,
                times,
            ));
        }
    }
    Generated {
        orgs,
        postings: out,
    }
}

struct Times {
    pub(super) status: PostingStatus,
    pub(super) created_at: NaiveDateTime,
    pub(super) submitted_at: Option<NaiveDateTime>,
    pub(super) published_at: Option<NaiveDateTime>,
    pub(super) expires_at: NaiveDateTime,
}

#[allow(clippy::too_many_arguments)]
fn posting(
    org: usize,
    kind: PostingKind,
    category: Category,
    park_id: Option<i64>,
    city_code: Option<String>,
    title: String,
    description: String,
    details: Details,
    audience: Audience,
    t: Times,
) -> PostingSpec {
    let json = |items: Vec<String>| serde_json::Value::from(items).to_string();
    PostingSpec {
        org,
        kind,
        category,
        park_id,
        city_code,
        title,
        description,
        details_json: details.to_json().to_string(),
        details,
        regions: json(audience.regions),
        industries: json(audience.industries.iter().map(|s| s.to_string()).collect()),
        sizes: json(audience.sizes.iter().map(|s| s.to_string()).collect()),
        status: t.status,
        created_at: t.created_at,
        submitted_at: t.submitted_at,
        published_at: t.published_at,
        expires_at: t.expires_at,
    }
}

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

fn secs(rng: &mut StdRng, min: i64, max: i64) -> Duration {
    Duration::seconds(rng.random_range(min..=max))
}

/// Status and timestamps of a posting. Published ones were published within the last 80 days
/// (so they have not expired) and created up to 40 days before that; the others are recent.
fn timeline(
    rng: &mut StdRng,
    org_verified: bool,
    org_created: NaiveDateTime,
    now: NaiveDateTime,
) -> Times {
    let roll: f64 = rng.random();
    let status = match (org_verified, roll) {
        (true, r) if r < 0.93 => PostingStatus::Published,
        (true, r) if r < 0.98 => PostingStatus::PendingReview,
        (true, _) => PostingStatus::Draft,
        (false, r) if r < 0.7 => PostingStatus::PendingReview,
        (false, _) => PostingStatus::Draft,
    };
    let lifetime = Duration::days(DEFAULT_LIFETIME_DAYS);
    match status {
        PostingStatus::Published => {
            let published = now - secs(rng, 10 * 60, 80 * DAY);
            let created = (published - secs(rng, HOUR, 40 * DAY)).max(org_created);
            let gap = (published - created).num_seconds().max(2);
            let submitted = created + Duration::seconds(rng.random_range(0..=gap.min(2 * DAY)));
            let submitted = submitted.min(published - Duration::seconds(1));
            Times {
                status,
                created_at: created,
                submitted_at: Some(submitted),
                published_at: Some(published),
                expires_at: published + lifetime,
            }
        }
        _ => {
            let span = if status == PostingStatus::Draft {
                60 * DAY
            } else {
                30 * DAY
            };
            let created = (now - secs(rng, 10 * 60, span)).max(org_created);
            let submitted = (status == PostingStatus::PendingReview)
                .then(|| (created + secs(rng, 0, 6 * HOUR)).min(now));
            Times {
                status,
                created_at: created,
                submitted_at: submitted,
                published_at: None,
                expires_at: created + lifetime,
            }
        }
    }
}
