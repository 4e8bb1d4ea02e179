//! Throttles for the endpoints that check or set passwords (sign-in, registration, password
//! reset and change), per client address and per account. They are counted in the database, so
//! every instance on one database spends one budget. Each key counts hits in a fixed window that
//! starts at its first hit; a key at its maximum is refused until that window ends, so a lock
//! never outlasts the window: an attacker can slow an owner down, never lock them out for good.
//! Keys are stored as hashes: the table holds no address and no email.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use crate::db::schema::throttle_counters as tc;
use crate::db::DbConn;
use crate::error::AppResult;

/// At most `max` hits per `window_secs` for one subject.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub name: &'static str,
    pub max: i64,
    pub window_secs: i64,
}

const FIVE_MINUTES: i64 = 5 * 60;
const HOUR: i64 = 60 * 60;

/// Failed sign-ins of one account, and from one client address.
pub const LOGIN_ACCOUNT: Limit = Limit {
    name: "login.account",
    max: 8,
    window_secs: FIVE_MINUTES,
};
pub const LOGIN_ADDRESS: Limit = Limit {
    name: "login.address",
    max: 30,
    window_secs: FIVE_MINUTES,
};
/// Well-formed registrations (accepted or refused), per address and per email.
pub const REGISTER_ADDRESS: Limit = Limit {
    name: "register.address",
    max: 20,
    window_secs: HOUR,
};
pub const REGISTER_ACCOUNT: Limit = Limit {
    name: "register.account",
    max: 5,
    window_secs: HOUR,
};
/// Reset confirmations per address (every attempt) and per account (valid links).
pub const RESET_ADDRESS: Limit = Limit {
    name: "reset.address",
    max: 20,
    window_secs: 15 * 60,
};
pub const RESET_ACCOUNT: Limit = Limit {
    name: "reset.account",
    max: 5,
    window_secs: HOUR,
};
/// Wrong current passwords when changing the password, per account and per address.
pub const PASSWORD_ACCOUNT: Limit = Limit {
    name: "password.account",
    max: 8,
    window_secs: FIVE_MINUTES,
};
pub const PASSWORD_ADDRESS: Limit = Limit {
    name: "password.address",
    max: 30,
    window_secs: FIVE_MINUTES,
};

fn key(limit: &Limit, subject: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\n{subject}", limit.name).as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn wait_secs(window_end: NaiveDateTime, now: NaiveDateTime) -> u64 {
    (window_end - now).num_seconds().max(1) as u64
}

/// Seconds to wait, if any of `checks` is at its maximum now. Reads only.
pub fn retry_after(
    conn: &mut DbConn,
    checks: &[(Limit, &str)],
    now: NaiveDateTime,
) -> AppResult<Option<u64>> {
    let keys: Vec<String> = checks.iter().map(|(l, s)| key(l, s)).collect();
    let rows: Vec<(String, i64, NaiveDateTime)> = tc::table
        .filter(tc::key.eq_any(&keys))
        .filter(tc::window_end.gt(now))
        .select((tc::key, tc::hits, tc::window_end))
        .load(conn)?;
    Ok(checks
        .iter()
        .zip(&keys)
        .filter_map(|((limit, _), k)| {
            let (_, hits, end) = rows.iter().find(|r| &r.0 == k)?;
            (*hits >= limit.max).then(|| wait_secs(*end, now))
        })
        .max())
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    hits: i64,
    #[diesel(sql_type = Timestamp)]
    window_end: NaiveDateTime,
}

/// One upsert: a new window, or one more hit in the current one.
const HIT_SQL: &str = "INSERT INTO throttle_counters (key, hits, window_end) VALUES ($1, 1, $2) \
     ON CONFLICT (key) DO UPDATE SET \
       hits = CASE WHEN throttle_counters.window_end <= $3 THEN 1 ELSE throttle_counters.hits + 1 END, \
       window_end = CASE WHEN throttle_counters.window_end <= $3 THEN excluded.window_end \
                         ELSE throttle_counters.window_end END \
     RETURNING hits, window_end";

fn hit_one(
    conn: &mut DbConn,
    limit: &Limit,
    subject: &str,
    now: NaiveDateTime,
) -> AppResult<Counted> {
    let k = key(limit, subject);
    let end = now + Duration::seconds(limit.window_secs);
    // `MultiConnection` has no upsert: the same statement on each backend, with SQLite's
    // numbered parameters in place of PostgreSQL's.
    Ok(match conn {
        DbConn::Pg(c) => diesel::sql_query(HIT_SQL)
            .bind::<Text, _>(&k)
            .bind::<Timestamp, _>(end)
            .bind::<Timestamp, _>(now)
            .get_result(c)?,
        DbConn::Sqlite(c) => diesel::sql_query(HIT_SQL.replace('$', "?"))
            .bind::<Text, _>(&k)
            .bind::<Timestamp, _>(end)
            .bind::<Timestamp, _>(now)
            .get_result(c)?,
    })
}

/// Counts one hit for each of `checks`; returns the seconds to wait if any is now over its
/// maximum (this hit included).
pub fn hit(
    conn: &mut DbConn,
    checks: &[(Limit, &str)],
    now: NaiveDateTime,
) -> AppResult<Option<u64>> {
    let mut wait = None;
    for (limit, subject) in checks {
        let c = hit_one(conn, limit, subject, now)?;
        if c.hits > limit.max {
            wait = wait.max(Some(wait_secs(c.window_end, now)));
        }
    }
    Ok(wait)
}

/// Forgets one subject's hits (a successful sign-in clears its account's failures).
pub fn clear(conn: &mut DbConn, limit: Limit, subject: &str) -> AppResult<()> {
    diesel::delete(tc::table.filter(tc::key.eq(key(&limit, subject)))).execute(conn)?;
    Ok(())
}

/// Deletes the rows whose window has ended; returns how many.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> AppResult<usize> {
    Ok(diesel::delete(tc::table.filter(tc::window_end.le(now))).execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, crate::db::Pool) {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::db::DbUrl::Sqlite(dir.path().join("t.sqlite3"));
        let pool = crate::db::connect(&url, 2).unwrap();
        crate::db::migrate(&mut pool.get().unwrap()).unwrap();
        (dir, pool)
    }

    fn t0() -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_key_is_refused_at_its_maximum_until_its_window_ends() {
        let (_dir, pool) = db();
        let c = &mut *pool.get().unwrap();
        let now = t0();
        let checks = [(LOGIN_ACCOUNT, "a@x.cn"), (LOGIN_ADDRESS, "10.0.0.1")];
        for i in 0..LOGIN_ACCOUNT.max {
            assert_eq!(retry_after(c, &checks, now).unwrap(), None, "try {i}");
            assert_eq!(hit(c, &checks, now).unwrap(), None);
        }
        let later = now + Duration::seconds(60);
        assert_eq!(
            retry_after(c, &checks, later).unwrap(),
            Some(LOGIN_ACCOUNT.window_secs as u64 - 60)
        );
        // Other accounts and addresses are not affected.
        let other = [(LOGIN_ACCOUNT, "b@x.cn"), (LOGIN_ADDRESS, "10.0.0.2")];
        assert_eq!(retry_after(c, &other, later).unwrap(), None);
        // The window ends: a fresh one starts with the next hit.
        let after = now + Duration::seconds(LOGIN_ACCOUNT.window_secs);
        assert_eq!(retry_after(c, &checks, after).unwrap(), None);
        assert_eq!(hit(c, &checks, after).unwrap(), None);
        clear(c, LOGIN_ACCOUNT, "a@x.cn").unwrap();
        assert_eq!(
            purge(c, after + Duration::seconds(1)).unwrap(),
            0,
            "the new windows live on"
        );
        assert_eq!(
            purge(c, after + Duration::hours(2)).unwrap(),
            1,
            "the address's row"
        );
    }

    #[test]
    fn a_hit_over_the_maximum_says_how_long_to_wait() {
        let (_dir, pool) = db();
        let c = &mut *pool.get().unwrap();
        let now = t0();
        let checks = [(REGISTER_ACCOUNT, "new@x.cn")];
        for _ in 0..REGISTER_ACCOUNT.max {
            assert_eq!(hit(c, &checks, now).unwrap(), None);
        }
        assert_eq!(
            hit(c, &checks, now + Duration::seconds(10)).unwrap(),
            Some(REGISTER_ACCOUNT.window_secs as u64 - 10)
        );
        let stored: Vec<String> = tc::table.select(tc::key).load(c).unwrap();
        assert!(stored.iter().all(|k| !k.contains('@')), "{stored:?}");
    }
}
