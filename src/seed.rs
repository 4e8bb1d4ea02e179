//! Deterministic demo data: SMEs spread over the parks, state-owned platform companies, one user
//! per organisation, and realistic Chinese needs and offers with their events and change-feed
//! rows. The same `(scale, seed)` always gives the same organisations, titles and statuses (only
//! the timestamps follow the clock); everything is written in one transaction with batch inserts.
//!
//! The vocabulary is chosen so that search behaves like it would on real data: a title's key
//! words (设备, 流动资金, 数控, 直播, 担保 …) appear in a description only when the title has them
//! too, so the labelled query set of `search::labelled` judges the index and not the generator.

use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

use crate::db::models::{NewChange, NewOrganization, NewPosting, NewPostingEvent, NewUser, Park};
use crate::db::schema::{
    change_feed, notification_settings, organizations, parks, posting_events, postings, users,
};
use crate::db::DbConn;
use crate::domain::posting::{
    Details, NeedFinancing, NeedRecruiting, NeedTraining, OfferFinancing, OfferRecruiting,
    OfferTraining, Position, DEFAULT_LIFETIME_DAYS,
};
use crate::domain::reference;
use crate::domain::{
    Category, Collateral, Fee, OrgSize, PostingKind, PostingStatus, Purpose, RecruitingService,
    TrainingFormat, Uscc,
};

/// Every demo user's password.
pub const DEMO_PASSWORD: &str = "parkbridge-demo-2026";
/// Rows per INSERT: far below SQLite's 32766 and PostgreSQL's 65535 bound variables.
const CHUNK: usize = 500;
/// USCC serial numbers of providers start here (SMEs use 0..PROVIDER_SERIAL).
const PROVIDER_SERIAL: u64 = 20_000_000;
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Parks with at least one seeded organisation.
    pub parks_used: usize,
    pub smes: usize,
    pub providers: usize,
    pub users: usize,
    pub needs: usize,
    pub offers: usize,
    /// Published postings (needs and offers).
    pub published: usize,
    pub needs_published: usize,
    pub offers_published: usize,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "seeded {} SMEs and {} providers in {} parks ({} users, password {DEMO_PASSWORD}): \
             {} needs ({} published), {} offers ({} published)",
            self.smes,
            self.providers,
            self.parks_used,
            self.users,
            self.needs,
            self.needs_published,
            self.offers,
            self.offers_published
        )
    }
}

/// True when the database has no organisation yet.
pub fn is_empty(conn: &mut DbConn) -> anyhow::Result<bool> {
    let any: Option<i64> = organizations::table
        .select(organizations::id)
        .first(conn)
        .optional()?;
    Ok(any.is_none())
}

/// Adds `scale` SMEs and `max(3, scale / 10)` providers with their users, needs and offers.
/// Fails (and writes nothing) when this seed's demo data is already in the database.
pub fn seed_demo(conn: &mut DbConn, scale: usize, seed: u64) -> anyhow::Result<SeedReport> {
    if scale as u64 >= PROVIDER_SERIAL {
        anyhow::bail!("--scale must be below {PROVIDER_SERIAL}");
    }
    let park_rows: Vec<Park> = parks::table
        .select(Park::as_select())
        .order(parks::id.asc())
        .load(conn)?;
    if park_rows.is_empty() {
        anyhow::bail!("there are no parks: run the migrations first");
    }
    for email in [sme_email(1, seed), provider_email(1, seed)] {
        let taken: Option<i64> = users::table
            .filter(users::email.eq(&email))
            .select(users::id)
            .first(conn)
            .optional()?;
        if taken.is_some() {
            anyhow::bail!(
                "the demo data of seed {seed} is already in this database ({email} exists): \
                 choose another --seed"
            );
        }
    }

    let now = Utc::now()
        .naive_utc()
        .with_nanosecond(0)
        .unwrap_or_default();
    let data = generate(&park_rows, scale, seed, now);
    let password_hash = crate::auth::password::hash_blocking(DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("cannot hash the demo password: {e}"))?;

    crate::db::transaction(conn, |c| write(c, &data, &password_hash, now))
        .map_err(|e| anyhow::anyhow!("writing the demo data failed: {e}"))?;

    let mut report = SeedReport {
        smes: data.orgs.iter().filter(|o| o.kind == "sme").count(),
        providers: data.orgs.iter().filter(|o| o.kind == "provider").count(),
        users: data.orgs.len(),
        ..SeedReport::default()
    };
    let mut used: Vec<i64> = data.orgs.iter().filter_map(|o| o.park_id).collect();
    used.sort_unstable();
    used.dedup();
    report.parks_used = used.len();
    for p in &data.postings {
        let published = p.status == PostingStatus::Published;
        match p.kind {
            PostingKind::Need => {
                report.needs += 1;
                report.needs_published += published as usize;
            }
            PostingKind::Offer => {
                report.offers += 1;
                report.offers_published += published as usize;
            }
        }
    }
    report.published = report.needs_published + report.offers_published;
    Ok(report)
}

fn sme_email(i: usize, seed: u64) -> String {
    format!("sme{i}.s{seed}@demo.parkbridge.cn")
}

fn provider_email(i: usize, seed: u64) -> String {
    format!("provider{i}.s{seed}@demo.parkbridge.cn")
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Runs a query on the concrete connection: diesel's batch INSERT (many rows in one statement)
/// is not available through `MultiConnection`, only on each backend.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Sqlite($c) => $body,
            DbConn::Pg($c) => $body,
        }
    };
}

/// A model's insert struct as a tuple of `column.eq(value)`. With the derived `Insertable` a
/// batch may hold DEFAULT values (an `Option` field's `None`), which SQLite's multi-row VALUES
/// cannot express, so diesel inserts it row by row inside a transaction of its own, and that
/// fails within ours. Spelled out, every value is bound (a `None` is a NULL) and a batch is one
/// statement.
macro_rules! columns {
    ($table:ident, $row:expr, [$($col:ident),+ $(,)?]) => {{
        let row = $row;
        ($($table::$col.eq(row.$col)),+)
    }};
}

fn write(
    c: &mut DbConn,
    data: &Generated,
    password_hash: &str,
    now: NaiveDateTime,
) -> crate::error::AppResult<()> {
    // Organisations, then their users, with the ids the database gave them. Within one INSERT
    // the ids grow in row order, so sorting what RETURNING gives back maps them to the rows.
    let mut org_ids: Vec<i64> = Vec::with_capacity(data.orgs.len());
    for chunk in data.orgs.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|o| {
                columns!(
                    organizations,
                    NewOrganization {
                        kind: o.kind,
                        name: &o.name,
                        uscc: &o.uscc,
                        park_id: o.park_id,
                        industry: o.industry,
                        size: o.size.as_str(),
                        employees: Some(o.employees),
                        contact_name: Some(&o.contact_name),
                        contact_phone: Some(&o.contact_phone),
                        contact_email: Some(&o.contact_email),
                        status: if o.verified_at.is_some() {
                            "verified"
                        } else {
                            "pending"
                        },
                        verified_at: o.verified_at,
                        created_at: o.created_at,
                        updated_at: o.verified_at.unwrap_or(o.created_at),
                    },
                    [
                        kind,
                        name,
                        uscc,
                        park_id,
                        industry,
                        size,
                        employees,
                        contact_name,
                        contact_phone,
                        contact_email,
                        status,
                        verified_at,
                        created_at,
                        updated_at
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> =
            on_backend!(&mut *c, |b| diesel::insert_into(organizations::table)
                .values(&rows)
                .returning(organizations::id)
                .get_results(b))?;
        ids.sort_unstable();
        org_ids.extend(ids);
    }

    let mut user_ids: Vec<i64> = Vec::with_capacity(data.orgs.len());
    for (n, chunk) in data.orgs.chunks(CHUNK).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(k, o)| {
                columns!(
                    users,
                    NewUser {
                        email: &o.user_email,
                        password_hash,
                        display_name: &o.contact_name,
                        phone: Some(&o.contact_phone),
                        role: o.kind,
                        organization_id: Some(org_ids[n * CHUNK + k]),
                        park_id: None,
                        token_version: 0,
                        status: "active",
                        lang: "zh-CN",
                        created_at: o.created_at,
                        updated_at: o.created_at,
                    },
                    [
                        email,
                        password_hash,
                        display_name,
                        phone,
                        role,
                        organization_id,
                        park_id,
                        token_version,
                        status,
                        lang,
                        created_at,
                        updated_at
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> = on_backend!(&mut *c, |b| diesel::insert_into(users::table)
            .values(&rows)
            .returning(users::id)
            .get_results(b))?;
        ids.sort_unstable();
        user_ids.extend(ids);
    }
    for (chunk_ids, chunk_orgs) in user_ids.chunks(CHUNK).zip(data.orgs.chunks(CHUNK)) {
        let rows: Vec<_> = chunk_ids
            .iter()
            .zip(chunk_orgs)
            .map(|(id, o)| {
                (
                    notification_settings::user_id.eq(*id),
                    notification_settings::match_emails.eq("immediate"),
                    notification_settings::updated_at.eq(o.created_at),
                )
            })
            .collect();
        on_backend!(&mut *c, |b| diesel::insert_into(
            notification_settings::table
        )
        .values(&rows)
        .execute(b))?;
    }

    let mut posting_ids: Vec<i64> = Vec::with_capacity(data.postings.len());
    for chunk in data.postings.chunks(CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|p| {
                let (amount, amount_min, amount_max) = p.details.amounts();
                let row = NewPosting {
                    kind: p.kind.as_str(),
                    organization_id: org_ids[p.org],
                    park_id: p.park_id,
                    city_code: p.city_code.as_deref(),
                    category: p.category.as_str(),
                    title: &p.title,
                    description: &p.description,
                    details: &p.details_json,
                    regions: &p.regions,
                    industries: &p.industries,
                    sizes: &p.sizes,
                    amount_yuan: amount,
                    amount_min_yuan: amount_min,
                    amount_max_yuan: amount_max,
                    status: p.status.as_str(),
                    expires_at: p.expires_at,
                    submitted_at: p.submitted_at,
                    published_at: p.published_at,
                    created_by: user_ids[p.org],
                    created_at: p.created_at,
                    updated_at: p.published_at.or(p.submitted_at).unwrap_or(p.created_at),
                };
                columns!(
                    postings,
                    row,
                    [
                        kind,
                        organization_id,
                        park_id,
                        city_code,
                        category,
                        title,
                        description,
                        details,
                        regions,
                        industries,
                        sizes,
                        amount_yuan,
                        amount_min_yuan,
                        amount_max_yuan,
                        status,
                        expires_at,
                        submitted_at,
                        published_at,
                        created_by,
                        created_at,
                        updated_at
                    ]
                )
            })
            .collect();
        let mut ids: Vec<i64> = on_backend!(&mut *c, |b| diesel::insert_into(postings::table)
            .values(&rows)
            .returning(postings::id)
            .get_results(b))?;
        ids.sort_unstable();
        posting_ids.extend(ids);
    }

    let mut events: Vec<_> = Vec::with_capacity(CHUNK + 3);
    let mut changes: Vec<_> = Vec::with_capacity(CHUNK);
    for (p, &id) in data.postings.iter().zip(&posting_ids) {
        let actor = Some(user_ids[p.org]);
        let event = |action, status: PostingStatus, actor, at| {
            columns!(
                posting_events,
                NewPostingEvent {
                    posting_id: id,
                    actor_user_id: actor,
                    action,
                    status: status.as_str(),
                    reason_code: None,
                    note: None,
                    created_at: at,
                },
                [
                    posting_id,
                    actor_user_id,
                    action,
                    status,
                    reason_code,
                    note,
                    created_at
                ]
            )
        };
        events.push(event("created", PostingStatus::Draft, actor, p.created_at));
        if let Some(at) = p.submitted_at {
            events.push(event("submitted", PostingStatus::PendingReview, actor, at));
        }
        if let Some(at) = p.published_at {
            // Approved by the platform: no admin account is part of the demo data.
            events.push(event("approved", PostingStatus::Published, None, at));
            changes.push(columns!(
                change_feed,
                NewChange {
                    posting_id: id,
                    created_at: now,
                },
                [posting_id, created_at]
            ));
        }
        if events.len() >= CHUNK {
            on_backend!(&mut *c, |b| diesel::insert_into(posting_events::table)
                .values(&events)
                .execute(b))?;
            events.clear();
        }
        if changes.len() >= CHUNK {
            on_backend!(&mut *c, |b| diesel::insert_into(change_feed::table)
                .values(&changes)
                .execute(b))?;
            changes.clear();
        }
    }
    if !events.is_empty() {
        on_backend!(&mut *c, |b| diesel::insert_into(posting_events::table)
            .values(&events)
            .execute(b))?;
    }
    if !changes.is_empty() {
        on_backend!(&mut *c, |b| diesel::insert_into(change_feed::table)
            .values(&changes)
            .execute(b))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generation (pure: the rng and the park list decide everything but the timestamps' origin)

struct Generated {
    orgs: Vec<OrgSpec>,
    postings: Vec<PostingSpec>,
}

struct OrgSpec {
    kind: &'static str,
    name: String,
    uscc: String,
    park_id: Option<i64>,
    industry: &'static str,
    size: OrgSize,
    employees: i32,
    contact_name: String,
    contact_phone: String,
    contact_email: String,
    user_email: String,
    verified_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
}

struct PostingSpec {
    /// Index into `Generated::orgs`.
    org: usize,
    kind: PostingKind,
    category: Category,
    park_id: Option<i64>,
    city_code: Option<String>,
    title: String,
    description: String,
    details: Details,
    details_json: String,
    regions: String,
    industries: String,
    sizes: String,
    status: PostingStatus,
    created_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
    expires_at: NaiveDateTime,
}

/// What an SME is: where, what it makes, how big.
struct Sme<'a> {
    name: String,
    park: &'a Park,
    city_name: &'static str,
    trade: &'static Trade,
    line: &'static Line,
    product: &'static str,
    size: OrgSize,
    employees: i32,
}

/// How a company earns its money decides how its needs are worded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Business {
    Maker,
    Farm,
    Trader,
    Service,
}

impl Sme<'_> {
    fn business(&self) -> Business {
        match self.trade.letter {
            "C" => Business::Maker,
            "A" => Business::Farm,
            "F" => Business::Trader,
            "I" if !["服务", "开发", "平台", "系统"]
                .iter()
                .any(|s| self.product.ends_with(s)) =>
            {
                Business::Maker
            }
            _ => Business::Service,
        }
    }

    /// "X公司位于…，主要生产…。"
    fn intro(&self) -> String {
        let place = if self.park.name.contains(short_city(self.city_name)) {
            self.park.name.clone()
        } else {
            format!("{}{}", self.city_name, self.park.name)
        };
        format!(
            "{}位于{place}，主要{}{}。",
            self.name, self.trade.verb, self.product
        )
    }
}

fn generate(park_rows: &[Park], scale: usize, seed: u64, now: NaiveDateTime) -> Generated {
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

#[derive(Default)]
struct Audience {
    regions: Vec<String>,
    industries: Vec<&'static str>,
    sizes: Vec<&'static str>,
}

struct Times {
    status: PostingStatus,
    created_at: NaiveDateTime,
    submitted_at: Option<NaiveDateTime>,
    published_at: Option<NaiveDateTime>,
    expires_at: NaiveDateTime,
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

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut x = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if x < w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1]
}

fn splitmix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// "91" + the city's code + 9 characters unique per (seed, serial) + the GB 32100 check character.
fn uscc(city_code: &str, seed_tag: u64, serial: u64) -> String {
    // (seed, serial) → one number below 31^9, scattered by an affine bijection of that range
    // (the multiplier is prime to 31), so the codes look random and never repeat.
    const SPACE: u128 = 31u128.pow(9);
    let x = (seed_tag * 31u64.pow(5) + serial) as u128;
    let mut v = ((x * 9_176_536_577 + 4_611_686_003) % SPACE) as u64;
    let mut body = [b'0'; 9];
    for b in body.iter_mut().rev() {
        *b = USCC_ALPHABET[(v % 31) as usize];
        v /= 31;
    }
    let first17 = format!(
        "91{city_code}{}",
        std::str::from_utf8(&body).unwrap_or("000000000")
    );
    Uscc::with_check_char(&first17)
        .map(|u| u.as_str().to_string())
        .unwrap_or(first17)
}

/// 绵阳市 → 绵阳, 阿坝藏族羌族自治州 → 阿坝.
fn short_city(name: &str) -> &str {
    if name.ends_with("自治州") {
        let end = name
            .char_indices()
            .nth(2)
            .map(|(i, _)| i)
            .unwrap_or(name.len());
        &name[..end]
    } else {
        name.strip_suffix('市').unwrap_or(name)
    }
}

fn local_crop(park_name: &str) -> Option<&'static str> {
    ["柠檬", "猕猴桃", "荔枝", "石榴"]
        .into_iter()
        .find(|c| park_name.contains(c))
        .or_else(|| park_name.contains("种业").then_some("水稻种子"))
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "钟", "谭", "廖", "范", "汪", "雷", "熊", "向", "母",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "霞", "平", "刚", "建华", "志强", "晓东", "海燕", "小红", "春梅", "建国", "德明", "文静",
    "俊杰", "思远", "雨婷", "子豪", "浩然", "欣怡", "宇航", "佳琪", "国平", "红梅", "玉兰", "光荣",
    "永红", "晓燕", "建军", "世杰", "梦瑶", "天宇", "家豪", "丽萍", "秀英",
];

fn person(rng: &mut StdRng) -> String {
    format!(
        "{}{}",
        SURNAMES.choose(rng).expect("surnames"),
        GIVEN.choose(rng).expect("given names")
    )
}

fn mobile(rng: &mut StdRng) -> String {
    const PREFIXES: &[&str] = &[
        "138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "183", "187",
        "188", "177", "180", "181", "189", "133", "153", "199", "173",
    ];
    format!(
        "{}{:08}",
        PREFIXES.choose(rng).expect("prefixes"),
        rng.random_range(0..100_000_000u32)
    )
}

const BRAND_1: &[&str] = &[
    "华", "川", "蜀", "天", "瑞", "鑫", "恒", "宏", "金", "锦", "巴", "润", "嘉", "博", "永", "众",
    "立", "德", "海", "泰", "佳", "鼎", "明", "信", "盛", "昌", "隆", "安", "汇", "宇",
];
const BRAND_2: &[&str] = &[
    "丰", "能", "信", "诚", "达", "源", "通", "远", "石", "程", "山", "邦", "禾", "晟", "兴", "合",
    "泰", "和", "鑫", "图", "辰", "越", "航", "阳", "峰", "康", "利", "祥", "创", "联",
];

fn sme_name(rng: &mut StdRng, city: &str, word: &str, size: OrgSize) -> String {
    let brand = format!(
        "{}{}",
        BRAND_1.choose(rng).expect("brand"),
        BRAND_2.choose(rng).expect("brand")
    );
    let form = if size == OrgSize::Medium && rng.random_bool(0.3) {
        "股份有限公司"
    } else {
        "有限公司"
    };
    match rng.random_range(0..10) {
        0..7 => format!("{city}{brand}{word}{form}"),
        7..9 => format!("四川{brand}{word}{form}"),
        _ => format!("四川{city}{brand}{word}{form}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Words that the labelled search queries look for in titles (设备, 流动资金, 周转,
// 知识产权, 应收账款, 订单, 厂房, 扩建, 技改, 数控, 编程, 焊工, 电工, 质检, 普工, 叉车, 软件测试,
// 主播, 直播, 安全生产, 精益, 财务, 税务, 出口, 合规, 担保 …) only appear in a description whose
// title has them as well.

/// One line of business: the word in the company name, its products, machines it would buy.
struct Line {
    word: &'static str,
    products: &'static [&'static str],
    machines: &'static [&'static str],
}

struct Trade {
    letter: &'static str,
    weight: u32,
    verb: &'static str,
    lines: &'static [Line],
    /// Which kinds of need it posts.
    categories: &'static [(Category, u32)],
    /// Positions it recruits for, weighted (indexes into POSITIONS).
    positions: &'static [(usize, u32)],
    /// Training topics it asks for, weighted (indexes into TRAINING_TOPICS).
    topics: &'static [(usize, u32)],
    /// Financing needs, weighted (indexes into FINANCING_KINDS).
    financing: &'static [(usize, u32)],
}

const fn line(
    word: &'static str,
    products: &'static [&'static str],
    machines: &'static [&'static str],
) -> Line {
    Line {
        word,
        products,
        machines,
    }
}

const CATS_MAKER: &[(Category, u32)] = &[
    (Category::Financing, 40),
    (Category::Recruiting, 40),
    (Category::Training, 20),
];
const CATS_SERVICE: &[(Category, u32)] = &[
    (Category::Financing, 40),
    (Category::Recruiting, 35),
    (Category::Training, 25),
];
const CATS_FARM: &[(Category, u32)] = &[
    (Category::Financing, 50),
    (Category::Recruiting, 25),
    (Category::Training, 25),
];

// Positions (indexes into POSITIONS).
const P_CNC: usize = 0;
const P_WELDER: usize = 1;
const P_ELECTRICIAN: usize = 2;
const P_QC: usize = 3;
const P_WORKER: usize = 4;
const P_FORKLIFT: usize = 5;
const P_STREAMER: usize = 6;
const P_TESTER: usize = 7;
const P_ASSEMBLER: usize = 8;
const P_STORE: usize = 9;
const P_FITTER: usize = 10;
const P_SALES: usize = 11;
const P_LAB: usize = 12;
const P_JAVA: usize = 13;
const P_DRIVER: usize = 14;
const P_AGRONOMIST: usize = 15;
const P_COOK: usize = 16;

// Training topics (indexes into TRAINING_TOPICS).
const T_SAFETY: usize = 0;
const T_LIVE: usize = 1;
const T_CNC: usize = 2;
const T_LEAN: usize = 3;
const T_TAX: usize = 4;
const T_EXPORT: usize = 5;
const T_WELD: usize = 6;
const T_ELECTRIC: usize = 7;
const T_FORKLIFT: usize = 8;
const T_TESTING: usize = 9;
const T_QUALITY: usize = 10;

// Financing needs (indexes into FINANCING_KINDS).
const F_EQUIPMENT: usize = 0;
const F_WORKING: usize = 1;
const F_IP: usize = 2;
const F_UPGRADE: usize = 3;
const F_ORDERS: usize = 4;
const F_RECEIVABLES: usize = 5;
const F_EXPANSION: usize = 6;
const F_RND: usize = 7;

#[rustfmt::skip]
const TRADES: &[Trade] = &[
    Trade {
        letter: "C", weight: 46, verb: "生产",
        lines: &[
            line("精密机械", &["精密零部件", "液压阀体", "减速机齿轮"], &["五轴加工中心", "精密磨床"]),
            line("新材料科技", &["高性能复合材料", "碳纤维制品", "特种涂料"], &["连续纤维缠绕机", "真空热压罐"]),
            line("电子科技", &["电子元器件", "印制电路板", "温湿度传感器"], &["SMT贴片线", "自动光学检测仪"]),
            line("汽车零部件", &["汽车座椅骨架", "制动器总成", "汽车线束"], &["机器人焊接工作站", "伺服冲压线"]),
            line("食品", &["川味调味品", "火锅底料", "休闲卤味"], &["全自动灌装线", "蒸汽杀菌釜"]),
            line("化工", &["精细化工产品", "水性涂料", "工业助剂"], &["不锈钢反应釜", "DCS控制系统"]),
            line("包装材料", &["环保包装材料", "瓦楞纸箱", "食品包装膜"], &["高速印刷机", "全自动制袋机"]),
            line("智能装备", &["自动化生产线", "工业机器人工作站", "智能仓储系统"], &["激光切割机", "三坐标测量仪"]),
            line("机械制造", &["农机配件", "矿山机械配件", "带式输送机"], &["龙门加工中心", "激光切割机"]),
            line("纺织", &["功能性面料", "蜀锦制品", "服装辅料"], &["喷气织机", "智能验布机"]),
            line("家具", &["板式定制家具", "实木家具", "办公家具"], &["全自动封边机", "电子开料锯"]),
            line("酒业", &["浓香型白酒", "青梅果酒", "配制酒"], &["智能酿酒机器人", "全自动灌装线"]),
            line("药业", &["中成药", "中药饮片", "医用敷料"], &["中药提取浓缩机组", "全自动胶囊填充机"]),
            line("建材", &["新型墙体材料", "预拌砂浆", "装配式建筑构件"], &["砌块成型机", "混凝土搅拌站"]),
            line("电池材料", &["锂电池正极材料", "磷酸铁锂", "锂电池电解液"], &["辊道窑", "气流粉碎机"]),
            line("光电科技", &["LED照明产品", "光伏组件", "光纤连接器"], &["全自动层压机", "光谱分析仪"]),
            line("模具", &["精密注塑模具", "冲压模具", "压铸模具"], &["慢走丝线切割机", "电火花成型机"]),
            line("金属制品", &["不锈钢制品", "钢结构件", "铝合金型材"], &["折弯机", "激光切割机"]),
            line("塑胶制品", &["塑料管材", "注塑件", "塑料编织袋"], &["注塑机", "挤出机组"]),
        ],
        categories: CATS_MAKER,
        positions: &[(P_CNC, 14), (P_WELDER, 12), (P_ELECTRICIAN, 10), (P_QC, 10), (P_WORKER, 14), (P_FORKLIFT, 6),
                     (P_ASSEMBLER, 8), (P_STORE, 5), (P_FITTER, 6), (P_SALES, 5), (P_LAB, 3), (P_STREAMER, 2)],
        topics: &[(T_SAFETY, 24), (T_CNC, 12), (T_LEAN, 12), (T_TAX, 10), (T_EXPORT, 8), (T_WELD, 8),
                  (T_ELECTRIC, 7), (T_FORKLIFT, 5), (T_QUALITY, 8), (T_LIVE, 6)],
        financing: &[(F_EQUIPMENT, 22), (F_WORKING, 20), (F_IP, 7), (F_UPGRADE, 12), (F_ORDERS, 11),
                     (F_RECEIVABLES, 10), (F_EXPANSION, 12), (F_RND, 6)],
    },
    Trade {
        letter: "I", weight: 12, verb: "从事",
        lines: &[
            line("信息技术", &["工业软件开发", "企业管理软件", "政务信息系统"], &["服务器集群", "GPU算力服务器"]),
            line("网络科技", &["云计算服务", "小程序开发", "数字营销服务"], &["服务器集群", "存储阵列"]),
            line("数据科技", &["工业大数据平台", "数据标注服务", "智慧农业系统"], &["GPU算力服务器", "存储阵列"]),
            line("智能科技", &["物联网终端", "智能家居产品", "工业无人机"], &["SMT贴片线", "射频测量仪"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(P_TESTER, 30), (P_JAVA, 30), (P_STREAMER, 15), (P_SALES, 15)],
        topics: &[(T_TESTING, 35), (T_TAX, 25), (T_LIVE, 20), (T_QUALITY, 20)],
        financing: &[(F_EQUIPMENT, 8), (F_WORKING, 26), (F_IP, 22), (F_ORDERS, 10), (F_RECEIVABLES, 18), (F_RND, 16)],
    },
    Trade {
        letter: "F", weight: 12, verb: "经营",
        lines: &[
            line("商贸", &["建材批发", "五金机电", "日用百货"], &["智能立体货架", "冷藏展示柜"]),
            line("供应链管理", &["农产品供应链", "冷链配送", "大宗商品贸易"], &["冷藏车", "智能立体货架"]),
            line("贸易", &["川茶", "川菜调料", "食用菌"], &["冷库", "分拣包装线"]),
            line("电子商务", &["特色农产品网络零售", "川味零食网络销售", "家居用品网络零售"], &["自动分拣线", "智能立体货架"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(P_STREAMER, 30), (P_FORKLIFT, 20), (P_STORE, 20), (P_SALES, 30)],
        topics: &[(T_LIVE, 40), (T_TAX, 25), (T_EXPORT, 20), (T_FORKLIFT, 15)],
        financing: &[(F_EQUIPMENT, 8), (F_WORKING, 35), (F_ORDERS, 20), (F_RECEIVABLES, 25), (F_EXPANSION, 12)],
    },
    Trade {
        letter: "A", weight: 10, verb: "种植和销售",
        lines: &[
            line("农业开发", &["猕猴桃", "柑橘", "脐橙"], &["冷库", "水果分选线"]),
            line("生态农业", &["生态水稻", "有机蔬菜", "食用菌"], &["烘干机组", "智能温室"]),
            line("茶业", &["绿茶", "藏茶", "茉莉花茶"], &["名优茶加工生产线", "冷库"]),
            line("种业", &["水稻种子", "油菜种子", "玉米种子"], &["种子加工线", "低温种子库"]),
            line("中药材", &["川芎", "附子", "川贝母"], &["烘干机组", "饮片切制机"]),
        ],
        categories: CATS_FARM,
        positions: &[(P_WORKER, 35), (P_AGRONOMIST, 30), (P_STREAMER, 20), (P_FORKLIFT, 15)],
        topics: &[(T_LIVE, 40), (T_SAFETY, 25), (T_TAX, 20), (T_EXPORT, 15)],
        financing: &[(F_EQUIPMENT, 20), (F_WORKING, 35), (F_ORDERS, 15), (F_EXPANSION, 20), (F_IP, 10)],
    },
    Trade {
        letter: "M", weight: 8, verb: "提供",
        lines: &[
            line("检测技术", &["第三方检测服务", "计量校准服务", "环境监测服务"], &["液相色谱仪", "电感耦合等离子体质谱仪"]),
            line("工程技术", &["工程设计咨询", "工业设计服务", "BIM咨询服务"], &["三维扫描仪", "图形工作站"]),
            line("生物技术", &["生物试剂", "微生物菌剂", "兽用疫苗研发服务"], &["生物反应器", "超低温冰箱"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(P_LAB, 30), (P_QC, 25), (P_TESTER, 20), (P_SALES, 25)],
        topics: &[(T_QUALITY, 35), (T_SAFETY, 25), (T_TAX, 25), (T_TESTING, 15)],
        financing: &[(F_EQUIPMENT, 25), (F_WORKING, 20), (F_IP, 25), (F_RECEIVABLES, 15), (F_RND, 15)],
    },
    Trade {
        letter: "G", weight: 5, verb: "提供",
        lines: &[
            line("物流", &["冷链物流服务", "城乡配送服务", "仓储服务"], &["冷藏车", "智能立体仓库"]),
            line("供应链", &["多式联运服务", "跨境物流服务", "仓配一体化服务"], &["重型牵引车", "智能立体仓库"]),
        ],
        categories: CATS_SERVICE,
        positions: &[(P_DRIVER, 40), (P_FORKLIFT, 35), (P_STORE, 25)],
        topics: &[(T_SAFETY, 45), (T_FORKLIFT, 35), (T_TAX, 20)],
        financing: &[(F_EQUIPMENT, 35), (F_WORKING, 30), (F_RECEIVABLES, 20), (F_EXPANSION, 15)],
    },
    Trade {
        letter: "E", weight: 4, verb: "承接",
        lines: &[line("建设工程", &["市政工程", "装配式建筑施工", "园林绿化工程"], &["塔式起重机", "混凝土泵车"])],
        categories: CATS_MAKER,
        positions: &[(P_ELECTRICIAN, 30), (P_WELDER, 30), (P_WORKER, 40)],
        topics: &[(T_SAFETY, 50), (T_WELD, 25), (T_ELECTRIC, 25)],
        financing: &[(F_EQUIPMENT, 30), (F_WORKING, 35), (F_RECEIVABLES, 35)],
    },
    Trade {
        letter: "H", weight: 2, verb: "经营",
        lines: &[line("餐饮管理", &["团餐服务", "川菜连锁餐饮", "中央厨房配送"], &["中央厨房生产线", "冷藏车"])],
        categories: CATS_SERVICE,
        positions: &[(P_COOK, 60), (P_WORKER, 40)],
        topics: &[(T_SAFETY, 50), (T_TAX, 30), (T_LIVE, 20)],
        financing: &[(F_EQUIPMENT, 40), (F_WORKING, 40), (F_EXPANSION, 20)],
    },
    Trade {
        letter: "D", weight: 1, verb: "从事",
        lines: &[line("新能源", &["分布式光伏电站", "充电桩运营", "生物质发电"], &["光伏逆变器", "储能电池柜"])],
        categories: CATS_MAKER,
        positions: &[(P_ELECTRICIAN, 60), (P_WORKER, 40)],
        topics: &[(T_SAFETY, 50), (T_ELECTRIC, 50)],
        financing: &[(F_EQUIPMENT, 50), (F_WORKING, 25), (F_EXPANSION, 25)],
    },
];

fn trade_of(letter: &str) -> &'static Trade {
    TRADES
        .iter()
        .find(|t| t.letter == letter)
        .unwrap_or(&TRADES[0])
}

fn amount_text(wan: i64) -> String {
    format!("{wan}万元")
}

/// A need's amount in 万, by company size: mostly round figures.
fn need_amount_wan(rng: &mut StdRng, size: OrgSize, bigger: bool) -> i64 {
    let (round, lo, hi): (&[i64], i64, i64) = match (size, bigger) {
        (OrgSize::Micro, false) => (&[50, 80, 100, 150, 200, 300], 50, 300),
        (OrgSize::Micro, true) | (OrgSize::Small, false) => {
            (&[100, 150, 200, 300, 500, 800, 1000], 100, 1000)
        }
        (OrgSize::Small, true) => (&[200, 300, 500, 800, 1000, 1500], 200, 1500),
        (_, false) => (&[300, 500, 800, 1000, 1500, 2000], 300, 2000),
        (_, true) => (&[500, 800, 1000, 1500, 2000, 3000], 500, 3000),
    };
    if rng.random_bool(0.15) {
        rng.random_range(lo / 10..=hi / 10) * 10
    } else {
        *round.choose(rng).expect("amounts")
    }
}

fn maybe_rate(rng: &mut StdRng) -> Option<i32> {
    rng.random_bool(0.5).then(|| rng.random_range(45..=75) * 10)
}

fn with_amount(rng: &mut StdRng, title: String, wan: i64) -> String {
    if rng.random_bool(0.35) {
        format!("{title}{}", amount_text(wan))
    } else {
        title
    }
}

const BUYERS: &[&str] = &[
    "央企",
    "省属国企",
    "上市公司",
    "大型整车厂",
    "政府采购单位",
    "知名连锁商超",
];

/// Financing needs: (title, description, details).
fn financing_need(rng: &mut StdRng, sme: &Sme) -> (String, String, Details) {
    let kind = weighted(rng, sme.trade.financing, |k| k.1).0;
    let intro = sme.intro();
    let machine = *sme.line.machines.choose(rng).expect("machines");
    let product = sme.product;
    let business = sme.business();
    let pick = |rng: &mut StdRng, xs: &[i32]| *xs.choose(rng).expect("terms");
    let (title, body, purpose, collateral, term, wan) = match kind {
        F_EQUIPMENT => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[24, 36, 48, 60]);
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "设备更新贷款".into(), wan),
                1 => format!("申请设备更新贷款，用于购置{machine}"),
                2 => format!("{machine}设备更新贷款需求"),
                _ => format!("设备购置贷款{}（{machine}）", amount_text(wan)),
            };
            let mut collateral = vec![Collateral::Equipment];
            if rng.random_bool(0.4) {
                collateral.push(Collateral::Property);
            }
            let pledge = if collateral.len() == 2 {
                "可提供所购设备及自有房产抵押"
            } else {
                "可提供所购设备抵押"
            };
            let body = format!(
                "{}，计划购置{machine}等设备{}台（套），拟申请贷款{}，期限{term}个月。{pledge}。",
                match business {
                    Business::Maker => "为提升产能和良品率",
                    Business::Farm => "为提升加工和仓储能力",
                    Business::Trader => "为提升仓储和配送效率",
                    Business::Service => "为提升服务能力",
                },
                rng.random_range(2..=12),
                amount_text(wan)
            );
            (title, body, Purpose::Equipment, collateral, term, wan)
        }
        F_WORKING => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 12]);
            let (why, usage) = match business {
                Business::Maker => ("近期原材料集中采购", "采购原材料"),
                Business::Farm => ("收购季临近，农资采购和收购资金需求集中", "农资采购和收购"),
                Business::Trader => ("旺季前需集中备货", "采购备货"),
                Business::Service => ("项目垫资较多、回款周期长", "项目垫资"),
            };
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "流动资金贷款".into(), wan),
                1 => with_amount(rng, "申请流动资金周转贷款".into(), wan),
                2 => "短期流动资金贷款需求".into(),
                _ => format!("{}流动资金贷款（用于{usage}）", amount_text(wan)),
            };
            let (collateral, pledge) = match rng.random_range(0..4) {
                0 => (vec![Collateral::Property], "可提供自有房产抵押"),
                1 => (vec![Collateral::Guarantee], "可由股东提供连带责任保证"),
                2 => (vec![Collateral::None], "希望以信用方式办理"),
                _ => (
                    vec![Collateral::Property, Collateral::Guarantee],
                    "可提供房产抵押并由股东提供连带责任保证",
                ),
            };
            let body = format!(
                "{why}，资金周转压力较大，申请贷款{}，期限{term}个月，用于{usage}和日常周转。{pledge}。",
                amount_text(wan)
            );
            (title, body, Purpose::WorkingCapital, collateral, term, wan)
        }
        F_IP => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[12, 24, 36]);
            let patents = rng.random_range(2..=12);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "知识产权质押融资".into(), wan),
                1 => "以发明专利申请知识产权质押贷款".into(),
                _ => format!("知识产权质押融资需求（{patents}项专利）"),
            };
            let mut collateral = vec![Collateral::Ip];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Guarantee);
            }
            let body = format!(
                "公司拥有发明专利{patents}项、实用新型专利{}项，围绕{product}形成了核心技术。拟以专利权质押申请融资{}，期限{term}个月，用于新产品研发和市场推广。",
                rng.random_range(3..=30),
                amount_text(wan)
            );
            (title, body, Purpose::Rnd, collateral, term, wan)
        }
        F_UPGRADE => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[24, 36, 48, 60]);
            let title = match rng.random_range(0..4) {
                0 => with_amount(rng, "技改项目贷款".into(), wan),
                1 => format!("{product}生产线技改贷款"),
                2 => with_amount(rng, "技术改造项目融资".into(), wan),
                _ => "智能化技改项目贷款".into(),
            };
            let total = wan * rng.random_range(15..=30) / 10 / 10 * 10;
            let body = format!(
                "公司{product}生产线智能化技改项目已完成备案，总投资{}，拟申请技改贷款{}，期限{term}个月。可提供动产及房产抵押。",
                amount_text(total.max(wan)),
                amount_text(wan)
            );
            (
                title,
                body,
                Purpose::Equipment,
                vec![Collateral::Equipment, Collateral::Property],
                term,
                wan,
            )
        }
        F_ORDERS => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 9, 12]);
            let buyer = *BUYERS.choose(rng).expect("buyers");
            let contract = wan * rng.random_range(2..=5);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "订单融资".into(), wan),
                1 => format!("凭{buyer}订单申请订单融资"),
                _ => format!("订单融资需求（合同金额{}）", amount_text(contract)),
            };
            let mut collateral = vec![Collateral::Orders];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Receivables);
            }
            let body = format!(
                "公司近期与{buyer}客户签订{product}{}，合同金额{}，{}。申请订单融资{}，以订单回款作为还款来源，期限{term}个月。",
                if business == Business::Service { "服务合同" } else { "供货合同" },
                amount_text(contract),
                match business {
                    Business::Maker => "需提前备料",
                    Business::Farm => "需提前组织货源",
                    Business::Trader => "需提前备货",
                    Business::Service => "需提前垫资",
                },
                amount_text(wan)
            );
            (title, body, Purpose::Trade, collateral, term, wan)
        }
        F_RECEIVABLES => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[6, 12]);
            let buyer = *BUYERS.choose(rng).expect("buyers");
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "应收账款融资".into(), wan),
                1 => "应收账款质押贷款需求".into(),
                _ => with_amount(rng, "盘活应收账款融资".into(), wan),
            };
            let body = format!(
                "公司对{buyer}客户的应收账款约{}，账期{}天。拟以应收账款质押申请融资{}，期限{term}个月，缓解回款周期较长带来的资金压力。",
                amount_text(wan * rng.random_range(15..=30) / 10),
                [90, 120, 180].choose(rng).expect("days"),
                amount_text(wan)
            );
            (
                title,
                body,
                Purpose::WorkingCapital,
                vec![Collateral::Receivables],
                term,
                wan,
            )
        }
        F_EXPANSION => {
            let wan = need_amount_wan(rng, sme.size, true);
            let term = pick(rng, &[36, 48, 60]);
            let building = match (business, sme.trade.letter) {
                (Business::Farm, _) => "冷库",
                (Business::Trader, _) | (_, "G") => "仓库",
                (_, "H") => "中央厨房",
                (_, "I" | "M") => "研发楼",
                _ => "厂房",
            };
            let title = match (building, rng.random_range(0..4)) {
                ("厂房", 0) => with_amount(rng, "厂房扩建贷款".into(), wan),
                ("厂房", 1) => "二期厂房扩建项目融资".into(),
                ("厂房", 2) => with_amount(rng, "新建标准化厂房贷款".into(), wan),
                ("厂房", _) => "厂房扩建及配套工程融资".into(),
                (_, 0 | 1) => with_amount(rng, format!("{building}扩建贷款"), wan),
                _ => format!("{building}扩建项目融资"),
            };
            let mut collateral = vec![Collateral::Property];
            if rng.random_bool(0.3) {
                collateral.push(Collateral::Guarantee);
            }
            let body = format!(
                "随着{product}市场需求增长，公司计划扩建{}{}平方米，项目总投资{}，申请贷款{}，期限{term}个月。可提供土地及房产抵押。",
                building,
                rng.random_range(20..=150) * 100,
                amount_text(wan * 2),
                amount_text(wan)
            );
            (title, body, Purpose::Expansion, collateral, term, wan)
        }
        _ => {
            let wan = need_amount_wan(rng, sme.size, false);
            let term = pick(rng, &[12, 24, 36]);
            let title = match rng.random_range(0..3) {
                0 => with_amount(rng, "新产品研发贷款".into(), wan),
                2 if business == Business::Maker => format!("{product}研发项目贷款"),
                _ => "研发项目融资需求".into(),
            };
            let collateral = if rng.random_bool(0.5) {
                vec![Collateral::Ip]
            } else {
                vec![Collateral::None]
            };
            let body = format!(
                "公司计划围绕{product}开展新产品研发，预计研发投入{}，申请贷款{}，期限{term}个月，希望以信用或专利权质押方式办理。",
                amount_text(wan * 3 / 2),
                amount_text(wan)
            );
            (title, body, Purpose::Rnd, collateral, term, wan)
        }
    };
    let details = Details::NeedFinancing(NeedFinancing {
        amount_yuan: wan * 10_000,
        term_months: term,
        purpose,
        collateral,
        max_annual_rate_bp: maybe_rate(rng),
    });
    (title, format!("{intro}{body}"), details)
}

struct Pos {
    title: &'static str,
    salary: (i64, i64),
    headcount: (i32, i32),
    skills: &'static [&'static str],
    education: &'static str,
    duty: &'static str,
}

const POSITIONS: &[Pos] = &[
    Pos {
        title: "数控车工",
        salary: (6000, 10000),
        headcount: (2, 15),
        skills: &["FANUC系统", "广数系统", "看懂零件图"],
        education: "中专及以上",
        duty: "熟练操作数控车床，能看懂零件图纸，有CNC加工经验者优先",
    },
    Pos {
        title: "焊工",
        salary: (6500, 11000),
        headcount: (2, 12),
        skills: &["二氧化碳保护焊", "氩弧焊", "焊工证"],
        education: "初中及以上",
        duty: "持焊工证，熟练掌握二保焊、氩弧焊",
    },
    Pos {
        title: "电工",
        salary: (5500, 8500),
        headcount: (1, 5),
        skills: &["低压电工证", "PLC"],
        education: "中专及以上",
        duty: "持低压电工证，负责厂区配电及线路维护，懂PLC者优先",
    },
    Pos {
        title: "质检员",
        salary: (4500, 6500),
        headcount: (1, 6),
        skills: &["卡尺千分尺", "首件检验", "8D报告"],
        education: "高中及以上",
        duty: "负责来料、过程及成品质检，会使用卡尺、千分尺等量具",
    },
    Pos {
        title: "普工",
        salary: (4500, 6000),
        headcount: (5, 60),
        skills: &["吃苦耐劳"],
        education: "初中及以上",
        duty: "普工无需经验，岗前带薪培训，能适应两班倒",
    },
    Pos {
        title: "叉车司机",
        salary: (5000, 7000),
        headcount: (1, 6),
        skills: &["叉车证"],
        education: "初中及以上",
        duty: "持叉车证，负责仓库物料装卸和转运",
    },
    Pos {
        title: "电商直播主播",
        salary: (5000, 15000),
        headcount: (1, 5),
        skills: &["直播带货", "短视频拍摄"],
        education: "大专及以上",
        duty: "负责直播间带货，普通话标准、表达能力强，具备主播经验者优先",
    },
    Pos {
        title: "软件测试工程师",
        salary: (8000, 14000),
        headcount: (1, 6),
        skills: &["接口测试", "自动化测试", "Python"],
        education: "本科及以上",
        duty: "负责软件测试用例设计与执行，熟悉接口测试和自动化测试工具",
    },
    Pos {
        title: "装配工",
        salary: (5000, 7500),
        headcount: (3, 20),
        skills: &["机械装配", "看懂装配图"],
        education: "初中及以上",
        duty: "负责产品部件装配，有机械装配经验者优先",
    },
    Pos {
        title: "仓管员",
        salary: (4500, 6000),
        headcount: (1, 4),
        skills: &["ERP系统", "盘点"],
        education: "高中及以上",
        duty: "负责物料出入库与盘点，熟悉ERP系统操作",
    },
    Pos {
        title: "机修钳工",
        salary: (6000, 9000),
        headcount: (1, 4),
        skills: &["钳工", "液压气动"],
        education: "中专及以上",
        duty: "负责生产线日常维修保养，熟悉液压与气动系统",
    },
    Pos {
        title: "销售代表",
        salary: (5000, 12000),
        headcount: (2, 8),
        skills: &["客户开发", "C1驾照"],
        education: "大专及以上",
        duty: "负责川渝地区客户开发与维护，底薪加提成",
    },
    Pos {
        title: "化验员",
        salary: (4500, 6500),
        headcount: (1, 4),
        skills: &["化学分析", "液相色谱"],
        education: "大专及以上",
        duty: "负责原料及成品理化指标化验，化学相关专业优先",
    },
    Pos {
        title: "Java开发工程师",
        salary: (10000, 18000),
        headcount: (1, 5),
        skills: &["Java", "Spring Boot", "MySQL"],
        education: "本科及以上",
        duty: "负责业务系统后端开发，熟悉Spring Boot和MySQL",
    },
    Pos {
        title: "货车司机",
        salary: (6000, 9000),
        headcount: (2, 10),
        skills: &["A2驾照", "冷链运输"],
        education: "初中及以上",
        duty: "持A2驾照，三年以上驾龄，熟悉川内线路",
    },
    Pos {
        title: "农技员",
        salary: (4500, 7000),
        headcount: (1, 4),
        skills: &["种植技术", "病虫害防治"],
        education: "大专及以上",
        duty: "负责基地种植技术指导及病虫害防治，农学相关专业优先",
    },
    Pos {
        title: "厨师",
        salary: (5000, 8000),
        headcount: (2, 8),
        skills: &["川菜", "健康证"],
        education: "不限",
        duty: "持健康证，擅长川菜，有团餐经验者优先",
    },
];

const PERKS: &[&str] = &[
    "包食宿",
    "五险一金",
    "长白班",
    "月休4天",
    "包工作餐",
    "年底双薪",
];

fn date_after(t: NaiveDateTime, rng: &mut StdRng, min: i64, max: i64) -> NaiveDate {
    (t + Duration::days(rng.random_range(min..=max))).date()
}

fn recruiting_need(
    rng: &mut StdRng,
    sme: &Sme,
    org_created: NaiveDateTime,
    now: NaiveDateTime,
) -> (String, String, Details) {
    let count = *weighted(rng, &[(1usize, 65u32), (2, 28), (3, 7)], |c| c.1);
    let mut chosen: Vec<usize> = Vec::new();
    for _ in 0..count.0 * 4 {
        if chosen.len() == count.0 {
            break;
        }
        let p = weighted(rng, sme.trade.positions, |p| p.1).0;
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    let cap = sme.employees.max(3);
    let positions: Vec<Position> = chosen
        .iter()
        .map(|&i| {
            let p = &POSITIONS[i];
            let headcount = rng.random_range(p.headcount.0..=p.headcount.1).min(cap);
            let low = p.salary.0 + rng.random_range(0..=5) * 100;
            let high = (p.salary.1 + rng.random_range(-5..=10) * 100).max(low + 500);
            let skills: Vec<String> = p
                .skills
                .iter()
                .filter(|_| rng.random_bool(0.8))
                .map(|s| s.to_string())
                .collect();
            Position {
                title: p.title.to_string(),
                headcount,
                salary_min_yuan: Some(low),
                salary_max_yuan: Some(high),
                skills,
                education: Some(p.education.to_string()),
            }
        })
        .collect();
    let total: i32 = positions.iter().map(|p| p.headcount).sum();
    let names: Vec<&str> = positions.iter().map(|p| p.title.as_str()).collect();
    let perk = *PERKS.choose(rng).expect("perks");
    let title = if names.len() == 1 {
        let (name, n) = (names[0], total);
        match rng.random_range(0..4) {
            0 => format!("招聘{name}{n}名"),
            1 => format!("急招{name}{n}人，{perk}"),
            2 => format!("诚聘{name}（{n}人）"),
            _ => format!("{name}招聘，{perk}"),
        }
    } else {
        let list = names.join("、");
        match rng.random_range(0..3) {
            0 => format!("招聘{list}共{total}人"),
            1 => format!("急招{list}等岗位"),
            _ => format!("{list}招聘（{total}人），{perk}"),
        }
    };
    let mut duties = String::new();
    for (p, &i) in positions.iter().zip(&chosen) {
        duties.push_str(&format!(
            "{}{}名，月薪{}–{}元，{}；",
            p.title,
            p.headcount,
            p.salary_min_yuan.unwrap_or_default(),
            p.salary_max_yuan.unwrap_or_default(),
            POSITIONS[i].duty
        ));
    }
    let duties = duties.trim_end_matches('；');
    let reason = [
        "因业务发展需要",
        "因新产线投产",
        "为满足旺季产能需要",
        "因业务规模扩大",
    ]
    .choose(rng)
    .expect("reasons");
    let description = format!(
        "{}{reason}，现招聘：{duties}。福利待遇：{perk}，工作地点在{}。",
        sme.intro(),
        sme.city_name
    );
    let start = org_created.max(now - Duration::days(60));
    let details = Details::NeedRecruiting(NeedRecruiting {
        positions,
        start_by: rng.random_bool(0.7).then(|| date_after(start, rng, 20, 75)),
    });
    (title, description, details)
}

struct TrainingTopic {
    topic: &'static str,
    titles: &'static [&'static str],
    why: &'static str,
}

const TRAINING_TOPICS: &[TrainingTopic] = &[
    TrainingTopic {
        topic: "安全生产",
        titles: &["安全生产培训（{n}人）", "一线员工安全生产培训", "新员工三级安全生产教育培训", "安全生产管理人员培训需求"],
        why: "为落实安全生产主体责任，需开展安全生产培训，内容包括风险辨识、隐患排查和应急演练",
    },
    TrainingTopic {
        topic: "电商直播带货",
        titles: &["电商直播带货培训", "电商直播培训（{n}人）", "直播带货运营培训需求"],
        why: "公司计划拓展线上销售，希望通过电商直播培训培养自己的直播主播，掌握直播间搭建、选品和话术",
    },
    TrainingTopic {
        topic: "数控编程",
        titles: &["数控编程培训", "数控编程与操作培训（{n}人）", "CNC数控编程技能培训"],
        why: "车间新购CNC机床，需对技术工人开展数控编程培训，重点是FANUC系统编程与加工工艺",
    },
    TrainingTopic {
        topic: "精益生产",
        titles: &["精益生产培训", "精益生产与5S现场管理培训", "班组长精益生产管理培训"],
        why: "为降低库存和在制品、提升交付效率，计划引入精益生产方法，希望讲师结合现场开展价值流分析和5S改善",
    },
    TrainingTopic {
        topic: "财务税务",
        titles: &["财务税务培训", "中小企业财务与税务实务培训", "税务申报与筹划培训", "财务人员税务政策培训"],
        why: "近年税收优惠政策变化较多，需为财务人员和管理层开展财务税务培训，讲解纳税申报和研发费用加计扣除",
    },
    TrainingTopic {
        topic: "出口合规",
        titles: &["出口合规培训", "外贸出口合规与RCEP培训", "出口合规与海关申报培训"],
        why: "公司开始拓展东南亚市场，需要开展出口合规培训，讲解原产地规则、出口管制和海关申报",
    },
    TrainingTopic {
        topic: "焊工技能",
        titles: &["焊工特种作业取证培训", "焊工技能提升培训（{n}人）"],
        why: "部分焊工证书即将到期，需组织焊工取证和复审培训",
    },
    TrainingTopic {
        topic: "电工作业",
        titles: &["电工特种作业操作证培训", "低压电工取证培训"],
        why: "需组织维修人员参加低压电工特种作业操作证培训和考核",
    },
    TrainingTopic {
        topic: "叉车操作",
        titles: &["叉车司机取证培训", "叉车司机技能培训（{n}人）"],
        why: "仓储岗位需持证上岗，需组织叉车司机取证培训",
    },
    TrainingTopic {
        topic: "软件测试",
        titles: &["软件测试技能培训", "软件测试与自动化测试培训（{n}人）"],
        why: "为提升交付质量，需对研发人员开展软件测试培训，内容包括用例设计、接口测试和自动化测试",
    },
    TrainingTopic {
        topic: "质量管理体系",
        titles: &["ISO9001质量管理体系培训", "质量管理体系内审员培训"],
        why: "公司准备进行ISO9001体系认证，需培训内审员并完善体系文件",
    },
];

fn training_format(rng: &mut StdRng) -> TrainingFormat {
    weighted(
        rng,
        &[
            (TrainingFormat::Onsite, 45u32),
            (TrainingFormat::Online, 20),
            (TrainingFormat::Either, 35),
        ],
        |f| f.1,
    )
    .0
}

fn training_need(
    rng: &mut StdRng,
    sme: &Sme,
    org_created: NaiveDateTime,
    now: NaiveDateTime,
) -> (String, String, Details) {
    let t = &TRAINING_TOPICS[weighted(rng, sme.trade.topics, |k| k.1).0];
    let max = sme.employees.clamp(3, 80);
    let headcount = rng.random_range(3.min(max)..=max);
    let title = t
        .titles
        .choose(rng)
        .expect("titles")
        .replace("{n}", &headcount.to_string());
    let format = training_format(rng);
    let how = match format {
        TrainingFormat::Onsite => "希望到厂集中授课",
        TrainingFormat::Online => "希望线上授课",
        TrainingFormat::Either => "线上线下均可",
    };
    let budget = rng
        .random_bool(0.6)
        .then(|| headcount as i64 * rng.random_range(3..=15) * 100);
    let budget_text = budget.map(|b| format!("预算约{b}元。")).unwrap_or_default();
    let description = format!(
        "{}{}，计划组织{headcount}名员工参加，{how}。{budget_text}",
        sme.intro(),
        t.why
    );
    let start = org_created.max(now - Duration::days(60));
    let details = Details::NeedTraining(NeedTraining {
        topic: t.topic.to_string(),
        headcount,
        format,
        budget_yuan: budget,
        preferred_start: rng.random_bool(0.6).then(|| date_after(start, rng, 14, 60)),
    });
    (title, description, details)
}

// ---------------------------------------------------------------------------------------------
// Providers and offers

struct ProviderSpec {
    name: String,
    city: Option<&'static str>,
    primary: Category,
    industry: &'static str,
    /// A guarantee company: offers only guarantee-backed financing.
    guarantor: bool,
}

const SPECIAL_PROVIDERS: &[(&str, Option<&str>, Category, &str)] = &[
    (
        "成都产业投资集团有限公司",
        Some("510100"),
        Category::Financing,
        "L",
    ),
    (
        "四川省人力资源服务有限公司",
        None,
        Category::Recruiting,
        "L",
    ),
    (
        "四川天府职业技能培训有限公司",
        Some("510100"),
        Category::Training,
        "P",
    ),
    (
        "宜宾市国有资产经营有限公司",
        Some("511500"),
        Category::Financing,
        "L",
    ),
    (
        "绵阳科技城发展投资（集团）有限公司",
        Some("510700"),
        Category::Financing,
        "L",
    ),
    (
        "德阳市人才发展集团有限公司",
        Some("510600"),
        Category::Recruiting,
        "L",
    ),
    (
        "四川省中小企业融资担保有限公司",
        None,
        Category::Financing,
        "J",
    ),
    (
        "泸州市职业技能培训服务有限公司",
        Some("510500"),
        Category::Training,
        "P",
    ),
    (
        "南充市产业投资集团有限公司",
        Some("511300"),
        Category::Financing,
        "L",
    ),
    (
        "乐山市人力资源开发有限公司",
        Some("511100"),
        Category::Recruiting,
        "L",
    ),
];

const FINANCE_SUFFIXES: &[&str] = &[
    "产业投资集团有限公司",
    "国有资产经营有限公司",
    "国有资本投资运营集团有限公司",
    "发展投资集团有限公司",
    "融资担保有限公司",
    "金融控股集团有限公司",
    "中小企业服务有限公司",
];
const RECRUIT_SUFFIXES: &[&str] = &[
    "人力资源服务有限公司",
    "人才发展集团有限公司",
    "人力资源开发有限公司",
    "就业服务有限公司",
    "劳务开发有限公司",
];
const TRAIN_SUFFIXES: &[&str] = &[
    "职业技能培训有限公司",
    "职业教育发展有限公司",
    "产业人才培训有限公司",
    "技能人才评价服务有限公司",
    "创业就业培训有限公司",
];

/// County-level divisions by prefecture (GB/T 2260), for the local platform companies.
#[rustfmt::skip]
const COUNTIES: &[(&str, &[&str])] = &[
    ("510100", &["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区", "双流区",
                 "郫都区", "新津区", "金堂县", "大邑县", "蒲江县", "都江堰市", "彭州市", "邛崃市", "崇州市", "简阳市"]),
    ("510300", &["自流井区", "贡井区", "大安区", "沿滩区", "荣县", "富顺县"]),
    ("510400", &["东区", "西区", "仁和区", "米易县", "盐边县"]),
    ("510500", &["江阳区", "纳溪区", "龙马潭区", "泸县", "合江县", "叙永县", "古蔺县"]),
    ("510600", &["旌阳区", "罗江区", "中江县", "广汉市", "什邡市", "绵竹市"]),
    ("510700", &["涪城区", "游仙区", "安州区", "三台县", "盐亭县", "梓潼县", "北川羌族自治县", "平武县", "江油市"]),
    ("510800", &["利州区", "昭化区", "朝天区", "旺苍县", "青川县", "剑阁县", "苍溪县"]),
    ("510900", &["船山区", "安居区", "蓬溪县", "大英县", "射洪市"]),
    ("511000", &["市中区", "东兴区", "威远县", "资中县", "隆昌市"]),
    ("511100", &["市中区", "沙湾区", "五通桥区", "金口河区", "犍为县", "井研县", "夹江县", "沐川县", "峨眉山市"]),
    ("511300", &["顺庆区", "高坪区", "嘉陵区", "南部县", "营山县", "蓬安县", "仪陇县", "西充县", "阆中市"]),
    ("511400", &["东坡区", "彭山区", "仁寿县", "洪雅县", "丹棱县", "青神县"]),
    ("511500", &["翠屏区", "南溪区", "叙州区", "江安县", "长宁县", "高县", "珙县", "筠连县", "兴文县", "屏山县"]),
    ("511600", &["广安区", "前锋区", "岳池县", "武胜县", "邻水县", "华蓥市"]),
    ("511700", &["通川区", "达川区", "宣汉县", "开江县", "大竹县", "渠县", "万源市"]),
    ("511800", &["雨城区", "名山区", "荥经县", "汉源县", "石棉县", "天全县", "芦山县", "宝兴县"]),
    ("511900", &["巴州区", "恩阳区", "通江县", "南江县", "平昌县"]),
    ("512000", &["雁江区", "安岳县", "乐至县"]),
    ("513200", &["马尔康市", "汶川县", "理县", "茂县", "松潘县", "九寨沟县"]),
    ("513300", &["康定市", "泸定县", "丹巴县", "稻城县"]),
    ("513400", &["西昌市", "会理市", "德昌县", "冕宁县", "盐源县", "会东县"]),
];

/// The places platform companies belong to: every prefecture, then every county.
fn provider_places() -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = reference::CITIES
        .iter()
        .map(|c| {
            let name = if c.name_zh.ends_with("自治州") {
                format!("{}州", short_city(c.name_zh))
            } else {
                c.name_zh.to_string()
            };
            (name, c.code)
        })
        .collect();
    for (code, counties) in COUNTIES {
        let city = reference::city(code).map(|c| c.name_zh).unwrap_or("");
        for county in *counties {
            let name = if county.ends_with('区') {
                format!("{city}{county}")
            } else {
                county.to_string()
            };
            out.push((name, code));
        }
    }
    out
}

static PROVIDER_PLACES: std::sync::LazyLock<Vec<(String, &'static str)>> =
    std::sync::LazyLock::new(provider_places);

/// The `j`-th platform company (1-based): a few well-known ones, then one per (place, kind).
fn provider(rng: &mut StdRng, j: usize, ranks: &mut [usize; 3]) -> ProviderSpec {
    if let Some(&(name, city, primary, industry)) = SPECIAL_PROVIDERS.get(j - 1) {
        return ProviderSpec {
            name: name.to_string(),
            city,
            primary,
            industry,
            guarantor: name.contains("担保"),
        };
    }
    let primary = [
        Category::Financing,
        Category::Recruiting,
        Category::Training,
        Category::Financing,
        Category::Recruiting,
    ][j % 5];
    let (slot, suffixes) = match primary {
        Category::Financing => (0, FINANCE_SUFFIXES),
        Category::Recruiting => (1, RECRUIT_SUFFIXES),
        Category::Training => (2, TRAIN_SUFFIXES),
    };
    // One name per (place, kind of company), skipping the well-known ones listed above.
    let places = &*PROVIDER_PLACES;
    let plain = |name: &str| name.replace('市', "");
    let (name, suffix, code) = loop {
        let r = ranks[slot];
        ranks[slot] += 1;
        let p = r % places.len();
        let k = r / places.len();
        let suffix = suffixes[(k + p) % suffixes.len()];
        let (place, code) = &places[p];
        let mut name = format!("{place}{suffix}");
        if k >= suffixes.len() {
            name.push_str(&format!("第{}分公司", k / suffixes.len() + 1));
        }
        if !SPECIAL_PROVIDERS.iter().any(|s| plain(s.0) == plain(&name)) {
            break (name, suffix, *code);
        }
    };
    let industry = match primary {
        Category::Financing if suffix.contains("担保") || suffix.contains("金融") => "J",
        Category::Financing => "L",
        Category::Recruiting => "L",
        Category::Training if rng.random_bool(0.2) => "M",
        Category::Training => "P",
    };
    ProviderSpec {
        guarantor: suffix.contains("担保"),
        name,
        city: Some(code),
        primary,
        industry,
    }
}

struct Product {
    titles: &'static [&'static str],
    description: &'static str,
    /// Amount ranges in 万.
    ranges: &'static [(i64, i64)],
    terms: (i32, i32),
    collateral: &'static [Collateral],
    industries: &'static [&'static str],
    guarantee: bool,
}

const PRODUCTS: &[Product] = &[
    Product {
        titles: &["科技贷", "科技贷（科技型中小企业信用贷款）", "{place}科技贷", "科技成果转化贷款"],
        description: "面向科技型中小企业的信用贷款产品，纯信用、免抵押，按研发投入、专利数量和成长性核定额度，财政给予贴息。",
        ranges: &[(100, 1000), (50, 500)],
        terms: (12, 36),
        collateral: &[Collateral::None, Collateral::Ip],
        industries: &["C", "I", "M"],
        guarantee: false,
    },
    Product {
        titles: &["园保贷（园区企业担保贷款）", "园保贷：园区中小企业担保贷款"],
        description: "由园区平台公司与合作银行、融资担保机构共同推出，为入园中小企业提供担保增信，降低融资门槛，担保费率不超过1%。",
        ranges: &[(100, 1000), (50, 800)],
        terms: (12, 36),
        collateral: &[Collateral::Guarantee, Collateral::Property],
        industries: &[],
        guarantee: true,
    },
    Product {
        titles: &["设备按揭贷款", "设备更新按揭贷款", "设备融资租赁"],
        description: "支持企业购置生产设备，以所购设备作抵押，首付最低30%，按月等额还款，可叠加设备更新贴息政策。",
        ranges: &[(100, 2000), (50, 1000), (200, 3000)],
        terms: (12, 60),
        collateral: &[Collateral::Equipment, Collateral::Property],
        industries: &["C", "A", "G", "M"],
        guarantee: false,
    },
    Product {
        titles: &["知识产权质押贷款", "知识产权质押融资", "专利权质押贷款（知识产权）"],
        description: "以企业有效发明专利、实用新型专利或商标专用权质押融资，财政给予贴息和风险补偿，评估费由平台承担。",
        ranges: &[(50, 1000), (100, 2000)],
        terms: (12, 36),
        collateral: &[Collateral::Ip],
        industries: &["C", "I", "M"],
        guarantee: false,
    },
    Product {
        titles: &["税易贷（纳税信用贷款）", "税易贷"],
        description: "依据企业纳税信用等级和近两年纳税额核定授信，纯信用，线上申请，最快当天放款。",
        ranges: &[(10, 300), (50, 500)],
        terms: (6, 36),
        collateral: &[Collateral::None],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["应急转贷资金", "中小企业应急转贷资金（过桥）"],
        description: "为贷款即将到期、续贷有困难的中小企业提供短期过桥资金，按日计息，帮助企业按时还贷续贷。",
        ranges: &[(100, 3000)],
        terms: (1, 6),
        collateral: &[Collateral::None, Collateral::Property],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["小微企业流动资金贷款", "流动资金贷款", "园区企业流动资金周转贷款"],
        description: "满足企业日常经营中原材料采购、支付工资等资金周转需求，随借随还，按日计息。",
        ranges: &[(50, 1000), (100, 2000)],
        terms: (6, 36),
        collateral: &[Collateral::Property, Collateral::Guarantee, Collateral::Receivables],
        industries: &[],
        guarantee: false,
    },
    Product {
        titles: &["应收账款融资", "供应链应收账款融资", "应收账款质押贷款"],
        description: "企业以对核心企业的应收账款转让或质押获得融资，依托中征应收账款融资服务平台线上确权。",
        ranges: &[(100, 2000), (50, 1000)],
        terms: (6, 12),
        collateral: &[Collateral::Receivables],
        industries: &["C", "F", "E", "G"],
        guarantee: false,
    },
    Product {
        titles: &["订单贷（订单融资）", "政采贷（政府采购订单融资）", "订单融资"],
        description: "凭与大型企业或政府采购单位签订的合同订单申请融资，以订单回款作为还款来源，无需额外抵押。",
        ranges: &[(50, 1000), (100, 1500)],
        terms: (6, 12),
        collateral: &[Collateral::Orders, Collateral::Receivables],
        industries: &["C", "F", "A"],
        guarantee: false,
    },
    Product {
        titles: &["技改贷（技术改造专项贷款）", "技改专项贷款", "工业技改项目贷款"],
        description: "支持工业企业实施智能化、绿色化技术改造，可叠加省级技改专项资金贴息。",
        ranges: &[(300, 3000), (200, 2000)],
        terms: (24, 60),
        collateral: &[Collateral::Equipment, Collateral::Property, Collateral::Guarantee],
        industries: &["C"],
        guarantee: false,
    },
    Product {
        titles: &["中小企业融资担保服务", "批量担保贷款", "创业担保贷款"],
        description: "为中小微企业向合作银行贷款提供担保，担保费率不超过1%，可与园区风险补偿资金池联动。",
        ranges: &[(50, 1000), (100, 1500)],
        terms: (12, 36),
        collateral: &[Collateral::Guarantee, Collateral::Property, Collateral::None],
        industries: &[],
        guarantee: true,
    },
    Product {
        titles: &["标准厂房按揭贷款", "厂房购置及扩建贷款"],
        description: "支持园区企业购置或建设标准化厂房，以所购房产作抵押，期限最长5年。",
        ranges: &[(500, 3000), (300, 2000)],
        terms: (36, 60),
        collateral: &[Collateral::Property],
        industries: &["C", "A", "G"],
        guarantee: false,
    },
];

fn fill(template: &str, place: &str) -> String {
    template.replace("{place}", place)
}

fn financing_offer(
    rng: &mut StdRng,
    place: &str,
    guarantor: bool,
) -> (String, String, Details, &'static [&'static str]) {
    let products: Vec<&Product> = PRODUCTS
        .iter()
        .filter(|p| !guarantor || p.guarantee)
        .collect();
    let p = *products.choose(rng).expect("products");
    let title = fill(p.titles.choose(rng).expect("titles"), place);
    let (lo, hi) = *p.ranges.choose(rng).expect("ranges");
    let rate_min = rng.random_range(60..=90) * 5;
    let rate_max = (rate_min + rng.random_range(20..=70) * 5).min(800);
    let details = Details::OfferFinancing(OfferFinancing {
        product_type: title
            .split(['（', '：'])
            .next()
            .unwrap_or(&title)
            .to_string(),
        amount_min_yuan: lo * 10_000,
        amount_max_yuan: hi * 10_000,
        term_min_months: p.terms.0,
        term_max_months: p.terms.1,
        annual_rate_min_bp: rate_min,
        annual_rate_max_bp: rate_max,
        collateral_accepted: p.collateral.to_vec(),
    });
    let description = format!(
        "{}单户额度{}–{}，期限{}–{}个月，年利率{:.2}%起。",
        p.description,
        amount_text(lo),
        amount_text(hi),
        p.terms.0,
        p.terms.1,
        rate_min as f64 / 100.0
    );
    (title, description, details, p.industries)
}

struct Service {
    titles: &'static [&'static str],
    description: &'static str,
    services: &'static [RecruitingService],
    fees: &'static [(Fee, u32)],
    headcount: Option<(i32, i32)>,
}

const FREE_MOSTLY: &[(Fee, u32)] = &[(Fee::Free, 60), (Fee::Subsidized, 40)];

const SERVICES: &[Service] = &[
    Service {
        titles: &["{place}专场招聘会", "{place}春风行动专场招聘会", "制造业技能人才专场招聘会"],
        description: "每月在园区举办专场招聘会，免费为企业提供展位，组织周边县区求职者到场面试，现场可办理入职登记。",
        services: &[RecruitingService::JobFair, RecruitingService::OnlinePosting],
        fees: FREE_MOSTLY,
        headcount: Some((100, 500)),
    },
    Service {
        titles: &["数控车工、焊工专场招聘会", "普工、叉车司机专场招聘会", "电工、质检员专场招聘会"],
        description: "面向园区制造企业的技能岗位专场招聘会，提前收集岗位需求并定向邀约持证求职者，本场重点岗位见标题。",
        services: &[RecruitingService::JobFair],
        fees: FREE_MOSTLY,
        headcount: Some((50, 300)),
    },
    Service {
        titles: &["电商直播主播专场招聘会"],
        description: "联合本地电商直播基地举办主播专场招聘会，现场试播，帮助企业招到合适的直播人才。",
        services: &[RecruitingService::JobFair],
        fees: FREE_MOSTLY,
        headcount: Some((20, 100)),
    },
    Service {
        titles: &["高校毕业生校园招聘服务", "校园招聘对接会", "{place}校企合作校园招聘"],
        description: "联合省内高校和职业院校开展校园招聘，为企业定向输送应届毕业生，可协助申请就业见习补贴。",
        services: &[RecruitingService::Campus],
        fees: FREE_MOSTLY,
        headcount: None,
    },
    Service {
        titles: &["劳务派遣服务", "劳务派遣（普工、装配工）", "灵活用工与劳务派遣"],
        description: "提供合规的劳务派遣和灵活用工服务，代办社保和工伤保险，批量岗位7天内到岗。",
        services: &[RecruitingService::LaborDispatch],
        fees: &[(Fee::Paid, 60), (Fee::Subsidized, 40)],
        headcount: Some((20, 300)),
    },
    Service {
        titles: &["中高端人才猎头服务", "猎头服务（技术及管理人才）"],
        description: "为企业寻访技术骨干和中高层管理人才，按成功入职收费，保用期内免费替换。",
        services: &[RecruitingService::Headhunting],
        fees: &[(Fee::Paid, 80), (Fee::Subsidized, 20)],
        headcount: Some((3, 20)),
    },
    Service {
        titles: &["线上招聘平台免费发布岗位", "{place}就业服务网络招聘"],
        description: "企业可在平台免费发布招聘信息，平台按岗位要求向求职者精准推送，并提供视频面试。",
        services: &[RecruitingService::OnlinePosting],
        fees: &[(Fee::Free, 100)],
        headcount: None,
    },
];

fn recruiting_offer(
    rng: &mut StdRng,
    place: &str,
) -> (String, String, Details, &'static [&'static str]) {
    let s = weighted(rng, SERVICES, |s| if s.titles.len() == 1 { 1 } else { 3 });
    let title = fill(s.titles.choose(rng).expect("titles"), place);
    let fee = weighted(rng, s.fees, |f| f.1).0;
    let max_headcount = s
        .headcount
        .filter(|_| rng.random_bool(0.7))
        .map(|(lo, hi)| rng.random_range(lo..=hi));
    let details = Details::OfferRecruiting(OfferRecruiting {
        services: s.services.to_vec(),
        fee,
        max_headcount,
    });
    let fee_text = match fee {
        Fee::Free => "服务免费。",
        Fee::Subsidized => "服务费由就业补贴资金部分承担。",
        Fee::Paid => "按市场价收费。",
    };
    (
        title,
        format!("{}{fee_text}", s.description),
        details,
        &["C", "F", "G", "A"],
    )
}

struct Programme {
    titles: &'static [&'static str],
    /// Descriptions by title (the last one serves the rest).
    descriptions: &'static [&'static str],
    topics: &'static [&'static str],
    industries: &'static [&'static str],
}

const PROGRAMMES: &[Programme] = &[
    Programme {
        titles: &["电商直播带货实战培训", "农产品电商直播培训", "电商直播人才培训班"],
        descriptions: &["由专业主播和运营讲师授课，涵盖直播间搭建、选品、话术和流量投放，结业推荐就业。"],
        topics: &["电商直播", "直播带货", "短视频运营"],
        industries: &["A", "F", "C"],
    },
    Programme {
        titles: &["数控技能提升培训", "数控编程与操作技能提升培训", "数控车工技能等级认定培训"],
        descriptions: &[
            "面向机械加工企业在岗职工，开展数控车床、加工中心实操训练，考核合格颁发职业技能等级证书。",
            "讲授数控编程（FANUC、西门子系统）与加工工艺，配合CNC机床实操，考核合格颁发职业技能等级证书。",
            "面向机械加工企业在岗职工，开展数控车床实操训练和技能等级认定，可申领技能提升补贴。",
        ],
        topics: &["数控编程", "数控车床操作", "加工中心操作"],
        industries: &["C"],
    },
    Programme {
        titles: &["安全生产标准化培训", "企业主要负责人安全生产培训", "安全生产管理人员取证培训"],
        descriptions: &["依据《安全生产法》讲授风险分级管控和隐患排查治理，可上门集中授课，考核合格发放培训证明。"],
        topics: &["安全生产", "隐患排查", "应急管理"],
        industries: &["C", "E", "G", "A"],
    },
    Programme {
        titles: &["精益生产管理培训", "精益生产与班组管理培训"],
        descriptions: &["讲授价值流分析、5S和标准作业，配合到厂现场改善辅导，帮助企业降本增效。"],
        topics: &["精益生产", "5S管理", "班组管理"],
        industries: &["C"],
    },
    Programme {
        titles: &["中小企业财务税务实务培训", "财务税务政策解读培训", "小微企业税务申报培训"],
        descriptions: &["讲解最新税收优惠政策、纳税申报和研发费用加计扣除，兼顾财务规范化管理。"],
        topics: &["财务税务", "纳税申报", "税收优惠"],
        industries: &[],
    },
    Programme {
        titles: &["出口合规培训", "RCEP与出口合规实务培训", "外贸企业出口合规培训"],
        descriptions: &["讲解出口管制、原产地规则和海关申报要点，帮助企业规避贸易合规风险、用好RCEP关税减让。"],
        topics: &["出口合规", "RCEP", "海关申报"],
        industries: &["C", "F"],
    },
    Programme {
        titles: &["焊工特种作业取证培训", "电工特种作业操作证培训", "叉车司机取证培训"],
        descriptions: &[
            "理论与实操结合，考核合格取得焊接与热切割作业特种作业操作证，可申领职业培训补贴。",
            "理论与实操结合，考核合格取得低压电工特种作业操作证，可申领职业培训补贴。",
            "理论与实操结合，考核合格取得叉车司机特种设备作业人员证，可申领职业培训补贴。",
        ],
        topics: &["特种作业取证"],
        industries: &["C", "E", "G"],
    },
    Programme {
        titles: &["软件测试技能培训"],
        descriptions: &["讲授软件测试用例设计、接口测试和自动化测试框架，项目实战教学。"],
        topics: &["软件测试", "自动化测试"],
        industries: &["I", "M"],
    },
    Programme {
        titles: &["ISO9001质量管理体系培训", "质量管理体系内审员培训"],
        descriptions: &["讲授ISO9001标准条款和内部审核方法，结业颁发内审员证书。"],
        topics: &["质量管理体系", "内审员"],
        industries: &["C", "M"],
    },
];

fn training_offer(rng: &mut StdRng) -> (String, String, Details, &'static [&'static str]) {
    let p = weighted(rng, PROGRAMMES, |p| p.titles.len() as u32);
    let i = rng.random_range(0..p.titles.len());
    let title = p.titles[i].to_string();
    let description = p.descriptions[i.min(p.descriptions.len() - 1)];
    let format = training_format(rng);
    let fee = weighted(
        rng,
        &[(Fee::Free, 40u32), (Fee::Subsidized, 40), (Fee::Paid, 20)],
        |f| f.1,
    )
    .0;
    let capacity = rng.random_range(3..=20) * 10;
    let mut topics: Vec<String> = vec![p.topics[0].to_string()];
    topics.extend(
        p.topics[1..]
            .iter()
            .filter(|_| rng.random_bool(0.6))
            .map(|t| t.to_string()),
    );
    let how = match format {
        TrainingFormat::Onsite => "线下集中授课",
        TrainingFormat::Online => "线上直播课程",
        TrainingFormat::Either => "线上线下结合",
    };
    let fee_text = match fee {
        Fee::Free => "免费",
        Fee::Subsidized => "享受职业培训补贴",
        Fee::Paid => "按课时收费",
    };
    let description = format!("{description}{how}，每期{capacity}人，{fee_text}。");
    let details = Details::OfferTraining(OfferTraining {
        topics,
        capacity,
        format,
        fee,
    });
    (title, description, details, p.industries)
}

/// Who an offer is for: its provider's city (often), a few industries, sizes (sometimes).
fn audience(
    rng: &mut StdRng,
    city: Option<&'static str>,
    industries: &'static [&'static str],
) -> Audience {
    let regions = match city {
        None => Vec::new(),
        Some(code) => match rng.random_range(0..10) {
            0..5 => vec![code.to_string()],
            5..7 => {
                let mut r = vec![code.to_string()];
                for _ in 0..rng.random_range(1..=2) {
                    let other = reference::CITIES.choose(rng).expect("cities").code;
                    if !r.iter().any(|c| c == other) {
                        r.push(other.to_string());
                    }
                }
                r
            }
            _ => Vec::new(),
        },
    };
    let industries = if !industries.is_empty() && rng.random_bool(0.45) {
        industries.to_vec()
    } else {
        Vec::new()
    };
    let sizes = match rng.random_range(0..20) {
        0..12 => Vec::new(),
        12..17 => vec!["micro", "small"],
        _ => vec!["micro", "small", "medium"],
    };
    Audience {
        regions,
        industries,
        sizes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DbUrl, Pool};
    use crate::domain::Category;

    fn fresh() -> (tempfile::TempDir, Pool) {
        let dir = tempfile::tempdir().expect("temp dir");
        let pool =
            crate::db::connect(&DbUrl::Sqlite(dir.path().join("seed.sqlite3")), 2).expect("db");
        crate::db::migrate(&mut pool.get().expect("conn")).expect("migrations");
        (dir, pool)
    }

    fn titles_and_statuses(conn: &mut DbConn) -> Vec<(String, String, String)> {
        postings::table
            .order(postings::id.asc())
            .select((postings::kind, postings::title, postings::status))
            .load(conn)
            .unwrap()
    }

    #[test]
    fn demo_data_is_complete_valid_and_deterministic() {
        let (_dir, pool) = fresh();
        let mut conn = pool.get().unwrap();
        assert!(is_empty(&mut conn).unwrap());
        let report = seed_demo(&mut conn, 30, 7).unwrap();
        assert!(!is_empty(&mut conn).unwrap());

        // Counts.
        assert_eq!(report.smes, 30);
        assert_eq!(report.providers, 3);
        let count_orgs = |conn: &mut DbConn, kind: &str| -> i64 {
            organizations::table
                .filter(organizations::kind.eq(kind))
                .count()
                .get_result(conn)
                .unwrap()
        };
        assert_eq!(count_orgs(&mut conn, "sme"), 30);
        assert_eq!(count_orgs(&mut conn, "provider"), 3);
        let n_users: i64 = users::table.count().get_result(&mut conn).unwrap();
        let n_settings: i64 = notification_settings::table
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!((n_users, n_settings), (33, 33));
        assert_eq!(report.users, 33);
        #[allow(clippy::type_complexity)]
        let rows: Vec<(String, String, String, String, String, Option<i64>, i64)> = postings::table
            .select((
                postings::kind,
                postings::category,
                postings::status,
                postings::details,
                postings::title,
                postings::amount_yuan,
                postings::created_by,
            ))
            .load(&mut conn)
            .unwrap();
        let needs = rows.iter().filter(|r| r.0 == "need").count();
        let offers = rows.iter().filter(|r| r.0 == "offer").count();
        let published = rows.iter().filter(|r| r.2 == "published").count();
        let needs_published = rows
            .iter()
            .filter(|r| r.0 == "need" && r.2 == "published")
            .count();
        assert_eq!(
            (needs, offers, published),
            (report.needs, report.offers, report.published)
        );
        assert!((30..=120).contains(&needs), "{needs} needs");
        assert!((9..=18).contains(&offers), "{offers} offers");
        assert!(
            needs_published * 10 >= needs * 7,
            "most needs are published: {needs_published} of {needs}"
        );
        let feed: i64 = change_feed::table.count().get_result(&mut conn).unwrap();
        assert_eq!(feed as usize, published);
        let events: i64 = posting_events::table.count().get_result(&mut conn).unwrap();
        assert!(events as usize >= rows.len() + published * 2);
        assert!(report.parks_used >= 10, "{report}");

        // Every USCC is valid, every detail reads back, amounts are filled.
        let usccs: Vec<String> = organizations::table
            .select(organizations::uscc)
            .load(&mut conn)
            .unwrap();
        for u in &usccs {
            assert!(crate::domain::Uscc::parse(u).is_ok(), "bad USCC {u}");
        }
        for (kind, category, _, details, title, amount, _) in &rows {
            assert!(title.chars().count() <= 100, "{title}");
            let kind = PostingKind::parse(kind).unwrap();
            let category = Category::parse(category).unwrap();
            let v: serde_json::Value = serde_json::from_str(details).unwrap();
            let d = Details::from_json(kind, category, &v)
                .unwrap_or_else(|e| panic!("{title}: {details}: {e}"));
            assert_eq!(d.amounts().0, *amount, "{title}");
        }

        // Published postings have not expired; timestamps are in order.
        let times: Vec<(
            NaiveDateTime,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
            NaiveDateTime,
        )> = postings::table
            .select((
                postings::created_at,
                postings::submitted_at,
                postings::published_at,
                postings::expires_at,
            ))
            .load(&mut conn)
            .unwrap();
        let now = Utc::now().naive_utc();
        for (created, submitted, published, expires) in times {
            if let Some(p) = published {
                assert!(expires > now && p <= now);
                assert!(submitted.unwrap() <= p);
            }
            if let Some(s) = submitted {
                assert!(created <= s);
            }
            assert!(created > now - Duration::days(121));
        }

        // Again with the same seed on the same database: refused, nothing written.
        let err = seed_demo(&mut conn, 30, 7).unwrap_err().to_string();
        assert!(err.contains("seed 7"), "{err}");
        let n_users: i64 = users::table.count().get_result(&mut conn).unwrap();
        assert_eq!(n_users, 33);
        // Another seed adds to it without clashes.
        let second = seed_demo(&mut conn, 10, 8).unwrap();
        assert_eq!(second.smes, 10);

        // Determinism: the same seed on a fresh database gives the same postings.
        let first = {
            let (_d, pool) = fresh();
            let mut c = pool.get().unwrap();
            seed_demo(&mut c, 30, 7).unwrap();
            titles_and_statuses(&mut c)
        };
        let again = {
            let (_d, pool) = fresh();
            let mut c = pool.get().unwrap();
            seed_demo(&mut c, 30, 7).unwrap();
            titles_and_statuses(&mut c)
        };
        assert_eq!(first, again);
        let other = {
            let (_d, pool) = fresh();
            let mut c = pool.get().unwrap();
            seed_demo(&mut c, 30, 9).unwrap();
            titles_and_statuses(&mut c)
        };
        assert_ne!(first, other);
    }

    /// A scratch PostgreSQL database, dropped at the end.
    struct PgScratch {
        admin: String,
        name: String,
    }

    impl Drop for PgScratch {
        fn drop(&mut self) {
            use diesel::connection::SimpleConnection;
            if let Ok(mut c) = diesel::PgConnection::establish(&self.admin) {
                let _ = c.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ));
            }
        }
    }

    #[test]
    fn postgresql_gets_the_same_data_when_configured() {
        use diesel::connection::SimpleConnection;
        let Ok(admin) = std::env::var("PARKBRIDGE_TEST_POSTGRES_URL") else {
            return;
        };
        if admin.is_empty() {
            return;
        }
        let name = format!("pb_seed_test_{}", std::process::id());
        let mut c = diesel::PgConnection::establish(&admin).expect("PostgreSQL");
        c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let scratch = PgScratch {
            admin: admin.clone(),
            name,
        };
        let url = match admin.rfind('/') {
            Some(i) if i > admin.find("://").map(|s| s + 2).unwrap_or(0) => {
                format!("{}/{}", &admin[..i], scratch.name)
            }
            _ => format!("{admin}/{}", scratch.name),
        };
        let pool = crate::db::connect(&DbUrl::Postgres(url), 2).unwrap();
        let mut conn = pool.get().unwrap();
        crate::db::migrate(&mut conn).unwrap();
        let report = seed_demo(&mut conn, 30, 7).unwrap();
        let n_settings: i64 = notification_settings::table
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(n_settings as usize, report.users);
        let feed: i64 = change_feed::table.count().get_result(&mut conn).unwrap();
        assert_eq!(feed as usize, report.published);
        let on_pg = titles_and_statuses(&mut conn);
        let (_dir, sqlite) = fresh();
        let mut c = sqlite.get().unwrap();
        seed_demo(&mut c, 30, 7).unwrap();
        assert_eq!(
            on_pg,
            titles_and_statuses(&mut c),
            "the same data on both backends"
        );
        // Every posting's creator is its organisation's user.
        let mismatched: i64 = postings::table
            .inner_join(organizations::table)
            .inner_join(users::table.on(users::id.eq(postings::created_by)))
            .filter(users::organization_id.ne(organizations::id.nullable()))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(mismatched, 0);
        drop(conn);
        drop(pool);
        drop(scratch);
    }

    #[test]
    fn usccs_are_valid_and_unique_per_seed_and_index() {
        let tag = |s| splitmix(s) % 31u64.pow(4);
        let mut all = std::collections::HashSet::new();
        for seed in [1, 2, 42] {
            for i in (1..2000).chain([PROVIDER_SERIAL + 1, PROVIDER_SERIAL + 500]) {
                let u = uscc("510700", tag(seed), i);
                assert!(crate::domain::Uscc::parse(&u).is_ok(), "{u}");
                assert!(u.starts_with("91510700"));
                assert!(all.insert(u));
            }
        }
    }

    #[test]
    fn provider_names_are_unique_at_scale() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut ranks = [0; 3];
        let names: std::collections::HashSet<String> = (1..=3000)
            .map(|j| provider(&mut rng, j, &mut ranks).name)
            .collect();
        assert_eq!(names.len(), 3000);
    }

    #[test]
    fn place_names_are_shortened() {
        assert_eq!(short_city("绵阳市"), "绵阳");
        assert_eq!(short_city("阿坝藏族羌族自治州"), "阿坝");
        assert_eq!(local_crop("苍溪红心猕猴桃现代农业园区"), Some("猕猴桃"));
        assert_eq!(local_crop("绵阳高新技术产业开发区"), None);
    }
}
