//! Per-client-address rate limits (governor's GCRA buckets, one per address
//! and class): failed authentication, invitation accept/decline, bootstrap,
//! login codes (requests and verifications); and per email address: login code
//! requests.
//!
//! A class allows `burst` attempts at once and one more every `period`; a
//! `burst` of 0 turns the class off. IPv6 addresses are keyed by their /64 (one
//! host usually holds a whole /64), IPv4-mapped IPv6 as the IPv4 address.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

/// One class: `burst` attempts, then one more every `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// 0 = not limited.
    pub burst: u32,
    pub period: Duration,
}

impl Limit {
    pub const fn new(burst: u32, period: Duration) -> Limit {
        Limit { burst, period }
    }

    /// Not limited.
    pub const fn off() -> Limit {
        Limit::new(0, Duration::from_secs(1))
    }

    fn quota(self) -> Option<Quota> {
        let burst = NonZeroU32::new(self.burst)?;
        Some(Quota::with_period(self.period)?.allow_burst(burst))
    }
}

/// The limits of every class (see the crate README for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests whose Bearer token is wrong, unknown, revoked or expired.
    pub failed_auth: Limit,
    /// `POST /v1/invitations/accept` and `/decline`, every attempt.
    pub accept: Limit,
    /// `POST /v1/bootstrap`, every attempt.
    pub bootstrap: Limit,
    /// `POST /v1/auth/email-code` and `/verify`, and TOTP checks of
    /// `users/me/mfa`, every attempt, per client address.
    pub login: Limit,
    /// `POST /v1/auth/email-code`, every request, per email address (whoever
    /// asks): bounds the mail one address gets and the codes one can guess at.
    pub login_email: Limit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            failed_auth: Limit::new(30, Duration::from_secs(2)),
            accept: Limit::new(20, Duration::from_secs(3)),
            bootstrap: Limit::new(5, Duration::from_secs(12)),
            login: Limit::new(20, Duration::from_secs(6)),
            login_email: Limit::new(3, Duration::from_secs(120)),
        }
    }
}

impl RateLimits {
    /// No class limited.
    pub const fn off() -> RateLimits {
        RateLimits {
            failed_auth: Limit::off(),
            accept: Limit::off(),
            bootstrap: Limit::off(),
            login: Limit::off(),
            login_email: Limit::off(),
        }
    }

    /// A class with a burst but a zero period cannot be built.
    pub fn validate(&self) -> Result<(), String> {
        for (name, l) in [
            ("failed-auth", self.failed_auth),
            ("accept", self.accept),
            ("bootstrap", self.bootstrap),
            ("login", self.login),
            ("login-email", self.login_email),
        ] {
            if l.burst > 0 && l.period.is_zero() {
                return Err(format!("rate limit {name}: the period must be above zero"));
            }
        }
        Ok(())
    }
}

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    FailedAuth,
    Accept,
    Bootstrap,
    /// Login code requests and verifications, TOTP checks (per address).
    Login,
    /// Login code requests for one email address.
    LoginEmail,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::FailedAuth => "failed-auth",
            Class::Accept => "accept",
            Class::Bootstrap => "bootstrap",
            Class::Login => "login",
            Class::LoginEmail => "login-email",
        }
    }
}

type Keyed<C, K = IpAddr> = RateLimiter<K, DashMapStateStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// Forget idle addresses after this many checks (bounds memory under a flood
/// of distinct addresses).
const PRUNE_EVERY: u64 = 4096;

/// One class's buckets, keyed by client address.
pub struct Bucket<C: Clock = DefaultClock> {
    limiter: Option<Keyed<C>>,
    clock: C,
    checks: AtomicU64,
}

impl<C: Clock + Clone> Bucket<C> {
    pub fn with_clock(limit: Limit, clock: C) -> Bucket<C> {
        Bucket {
            limiter: limit
                .quota()
                .map(|q| RateLimiter::dashmap_with_clock(q, clock.clone())),
            clock,
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one attempt from `addr`'s bucket: `Err(seconds)` (whole, at least
    /// 1, rounded up) when it is empty.
    pub fn check(&self, addr: IpAddr) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter.check_key(&key(addr)).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            secs.max(1)
        })
    }
}

/// Buckets keyed by a normalized email address (login code requests).
pub struct EmailBucket<C: Clock = DefaultClock> {
    limiter: Option<Keyed<C, String>>,
    clock: C,
    checks: AtomicU64,
}

impl<C: Clock + Clone> EmailBucket<C> {
    pub fn with_clock(limit: Limit, clock: C) -> EmailBucket<C> {
        EmailBucket {
            limiter: limit
                .quota()
                .map(|q| RateLimiter::dashmap_with_clock(q, clock.clone())),
            clock,
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one attempt from `email`'s bucket (normalized by the caller):
    /// `Err(seconds)` when it is empty.
    pub fn check(&self, email: &str) -> Result<(), u64> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter.check_key(&email.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            secs.max(1)
        })
    }
}

/// Every class's buckets.
pub struct Limiters {
    failed_auth: Bucket,
    accept: Bucket,
    bootstrap: Bucket,
    login: Bucket,
    login_email: EmailBucket,
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Limiters {
        let clock = DefaultClock::default();
        Limiters {
            failed_auth: Bucket::with_clock(limits.failed_auth, clock.clone()),
            accept: Bucket::with_clock(limits.accept, clock.clone()),
            bootstrap: Bucket::with_clock(limits.bootstrap, clock.clone()),
            login: Bucket::with_clock(limits.login, clock.clone()),
            login_email: EmailBucket::with_clock(limits.login_email, clock),
        }
    }

    /// One login code request for `email` (normalized): `Err(retry_after_seconds)`.
    pub fn check_email(&self, email: &str) -> Result<(), u64> {
        self.login_email.check(email)
    }

    /// One attempt of `class` from `addr`: `Err(retry_after_seconds)` when over.
    pub fn check(&self, class: Class, addr: IpAddr) -> Result<(), u64> {
        match class {
            Class::FailedAuth => self.failed_auth.check(addr),
            Class::Accept => self.accept.check(addr),
            Class::Bootstrap => self.bootstrap.check(addr),
            Class::Login => self.login.check(addr),
            Class::LoginEmail => Ok(()),
        }
    }
}

/// The bucket key of an address: IPv4 as is (also when IPv4-mapped), IPv6 by
/// its /64 prefix.
pub fn key(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::{Bucket, Limit, key};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn burst_then_refused_with_whole_seconds_then_refilled() {
        let clock = FakeRelativeClock::default();
        let b = Bucket::with_clock(Limit::new(3, Duration::from_millis(2500)), clock.clone());
        let a = ip("203.0.113.7");
        for _ in 0..3 {
            assert_eq!(b.check(a), Ok(()));
        }
        // 2.5 s until the next attempt: rounded up.
        assert_eq!(b.check(a), Err(3));
        // Another address has its own bucket.
        assert_eq!(b.check(ip("203.0.113.8")), Ok(()));
        clock.advance(Duration::from_millis(2000));
        assert_eq!(b.check(a), Err(1));
        clock.advance(Duration::from_millis(500));
        assert_eq!(b.check(a), Ok(()));
        assert_eq!(b.check(a), Err(3));
    }

    #[test]
    fn burst_zero_is_off() {
        let b = Bucket::with_clock(Limit::off(), FakeRelativeClock::default());
        for _ in 0..1000 {
            assert_eq!(b.check(ip("203.0.113.7")), Ok(()));
        }
    }

    #[test]
    fn ipv6_is_keyed_by_its_64() {
        assert_eq!(key(ip("2001:db8:1:2:aaaa::1")), key(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(key(ip("2001:db8:1:2::1")), key(ip("2001:db8:1:3::1")));
        assert_eq!(key(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
        let clock = FakeRelativeClock::default();
        let b = Bucket::with_clock(Limit::new(1, Duration::from_secs(60)), clock);
        assert_eq!(b.check(ip("2001:db8::1")), Ok(()));
        assert_eq!(b.check(ip("2001:db8::ffff")), Err(60));
    }
}
