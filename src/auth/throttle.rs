//! Login throttling, per account and per client address. Only failures count, and a lock lasts
//! at most `WINDOW`: an attacker can slow the owner down for minutes, never lock them out.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(5 * 60);
const MAX_FAILURES_PER_ACCOUNT: usize = 8;
const MAX_FAILURES_PER_ADDRESS: usize = 30;
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// Seconds to wait before trying again, if either key is over its limit.
    pub fn retry_after(&self, account: &str, address: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        [
            (format!("acct:{account}"), MAX_FAILURES_PER_ACCOUNT),
            (format!("addr:{address}"), MAX_FAILURES_PER_ADDRESS),
        ]
        .into_iter()
        .filter_map(|(key, limit)| {
            let q = map.get_mut(&key)?;
            while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
                q.pop_front();
            }
            (q.len() >= limit).then(|| {
                let oldest = *q.front().expect("non-empty");
                (WINDOW.saturating_sub(now.duration_since(oldest)))
                    .as_secs()
                    .max(1)
            })
        })
        .max()
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > MAX_KEYS {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) <= WINDOW));
        }
        for key in [format!("acct:{account}"), format!("addr:{address}")] {
            let q = map.entry(key).or_default();
            q.push_back(now);
            if q.len() > MAX_FAILURES_PER_ADDRESS {
                q.pop_front();
            }
        }
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn record_success(&self, account: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&format!("acct:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_repeated_failures_and_others_are_not() {
        let t = LoginThrottle::default();
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            assert_eq!(t.retry_after("a@x.cn", "1.1.1.1"), None);
            t.record_failure("a@x.cn", "1.1.1.1");
        }
        let wait = t.retry_after("a@x.cn", "2.2.2.2").unwrap();
        assert!(wait > 0 && wait <= WINDOW.as_secs());
        assert_eq!(t.retry_after("b@x.cn", "1.1.1.1"), None);
        t.record_success("a@x.cn");
        assert_eq!(t.retry_after("a@x.cn", "2.2.2.2"), None);
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let t = LoginThrottle::default();
        for i in 0..MAX_FAILURES_PER_ADDRESS {
            t.record_failure(&format!("u{i}@x.cn"), "9.9.9.9");
        }
        assert!(t.retry_after("new@x.cn", "9.9.9.9").is_some());
        assert!(t.retry_after("new@x.cn", "8.8.8.8").is_none());
    }
}
