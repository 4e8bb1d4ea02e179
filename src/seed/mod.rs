//! Deterministic demo data: SMEs spread over the parks, state-owned platform companies, one user
//! per organisation, and realistic Chinese needs and offers with their events and change-feed
//! rows. The same `(scale, seed)` always gives the same organisations, titles and statuses (only
//! the timestamps follow the clock); everything is written in one transaction with batch inserts.
//!
//! The vocabulary is chosen so that search behaves like it would on real data: a title's key
//! words (设备, 流动资金, 数控, 直播, 担保 …) appear in a description only when the title has them
//! too, so the labelled query set of `search::labelled` judges the index and not the generator.
//!
//! - `generate`: what is generated (pure: the rng and the park list decide everything but the
//!   timestamps' origin), with `names` (companies, people, codes), `needs` and `offers` (their
//!   words) and `vocabulary` (the trades, jobs, training topics and products they draw on);
//! - `write`: the batch INSERTs, per backend.

mod generate;
mod names;
mod needs;
mod offers;
mod random;
mod vocabulary;
mod write;

use chrono::{Timelike, Utc};
use diesel::prelude::*;

use crate::db::models::Park;
use crate::db::schema::{organizations, parks, users};
use crate::db::DbConn;
use crate::domain::{PostingKind, PostingStatus};
use generate::generate;

/// Every demo user's password.
pub const DEMO_PASSWORD: &str = "parkbridge-demo-2026";
/// Rows per INSERT: far below SQLite's 32766 and PostgreSQL's 65535 bound variables.
const CHUNK: usize = 500;
/// USCC serial numbers of providers start here (SMEs use 0..PROVIDER_SERIAL).
const PROVIDER_SERIAL: u64 = 20_000_000;

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

    crate::db::transaction(conn, |c| write::write(c, &data, &password_hash, now))
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

pub(crate) fn sme_email(i: usize, seed: u64) -> String {
    format!("sme{i}.s{seed}@demo.parkbridge.cn")
}

pub(crate) fn provider_email(i: usize, seed: u64) -> String {
    format!("provider{i}.s{seed}@demo.parkbridge.cn")
}

#[cfg(test)]
mod tests;
