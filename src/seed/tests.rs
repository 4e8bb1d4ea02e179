//! Demo data: complete, valid, deterministic, the same on both backends.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

use super::names::{local_crop, short_city, splitmix, uscc};
use super::offers::provider;
use super::*;
use crate::db::schema::{
    change_feed, notification_settings, organizations, posting_events, postings, users,
};
use crate::db::{DbConn, DbUrl, Pool};
use crate::domain::posting::Details;
use crate::domain::{Category, PostingKind};

fn fresh() -> (tempfile::TempDir, Pool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pool = crate::db::connect(&DbUrl::Sqlite(dir.path().join("seed.sqlite3")), 2).expect("db");
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
