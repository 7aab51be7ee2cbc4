//! Peers of the `token-bucket` kata: the `governor` and `ratelimit` crates behind
//! [`kata_core::token_bucket::RateLimiter`] and
//! [`kata_core::token_bucket::ConcurrentRateLimiter`].
//!
//! Both crates are thread-safe (one atomic word updated by compare-and-swap), so one adapter type
//! per crate backs both the family's `Bucket` and its `Atomic`. Both take an injected clock, and
//! both adapters read the kata's [`Clock`](kata_core::clock::Clock), so the suite's `ManualClock`
//! drives them.
//!
//! The kata's configuration errors are checked by the adapter, in the kata's order, before the
//! crate sees the configuration: governor's types cannot express a zero capacity or rate, and
//! ratelimit reads a rate of 0 as "unlimited".

use kata_core::token_bucket::{ConfigError, Rate};
use kata_suites::token_bucket::TokenBucketFamily;

use crate::Peer;

pub mod governor;
pub mod ratelimit;

pub use self::governor::{GovernorBucket, GovernorClock};
pub use self::ratelimit::{RatelimitBucket, RatelimitClock};

kata_suites::token_bucket_family!(
    /// The reference `token-bucket`: the yardstick the suite grades a peer against.
    Reference => token_bucket_solution
);

/// The verdict of the peer named `name` on the kata's examples and properties, graded with
/// `seed`; `None` for a name not in [`PEERS`]. Not generic, on purpose: see
/// [`crate::lru::verdict`].
pub fn verdict(name: &str, seed: u64) -> Option<crate::Verdict> {
    use crate::grade::grade_token_bucket;
    Some(match name {
        "governor" => grade_token_bucket::<GovernorFamily, Reference>(seed),
        "ratelimit" => grade_token_bucket::<RatelimitFamily, Reference>(seed),
        _ => return None,
    })
}

/// The `token-bucket` peers, in the order the bench tables list them.
pub const PEERS: &[Peer] = &[
    Peer {
        name: "governor",
        krate: "governor",
        version: "0.10",
        design: "GCRA: one atomic u64 theoretical arrival time in nanoseconds, moved by \
                 compare-and-swap; cells are spaced a whole number of nanoseconds apart",
        difference: Some(
            "governor spaces tokens a whole number of nanoseconds apart, rounding period / tokens \
             down (333 333 333 ns at 3 tokens per second, not 333 333 333.3), so each token \
             arrives up to a nanosecond early and over time it grants more than the exact rate \
             (0.1% more at 3 tokens per microsecond).",

        ),
    },
    Peer {
        name: "ratelimit",
        krate: "ratelimit",
        version: "2.0",
        design: "a token count scaled by 10^6 in an atomic u64, refilled from the elapsed time \
                 (at most once per microsecond) by compare-and-swap",
        difference: Some(
            "ratelimit counts tokens in millionths, adds elapsed time only once a microsecond has \
             passed and drops finer fractions at each refill, so its retry hints are approximate \
             (333 ns where the exact bucket says 1 ns) and it grants slightly fewer tokens than the \
             exact rate. Its available() is brought up to date only by try_acquire, not by the \
             passage of time.",
        ),
    },
];

/// The `governor` family: [`GovernorBucket`] as both bucket types.
pub struct GovernorFamily;

impl TokenBucketFamily for GovernorFamily {
    type Bucket<C: kata_core::clock::Clock> = GovernorBucket<C>;
    type Atomic<C: kata_core::clock::Clock + Send + Sync> = GovernorBucket<C>;
}

/// The `ratelimit` family: [`RatelimitBucket`] as both bucket types.
pub struct RatelimitFamily;

impl TokenBucketFamily for RatelimitFamily {
    type Bucket<C: kata_core::clock::Clock> = RatelimitBucket<C>;
    type Atomic<C: kata_core::clock::Clock + Send + Sync> = RatelimitBucket<C>;
}

/// Checks a configuration as the kata's specification does, in the same order, and returns the
/// period in nanoseconds.
fn period_nanos(capacity: u64, rate: Rate) -> Result<u64, ConfigError> {
    if capacity == 0 {
        return Err(ConfigError::ZeroCapacity);
    }
    if rate.tokens == 0 {
        return Err(ConfigError::ZeroRate);
    }
    let period = u64::try_from(rate.period.as_nanos()).map_err(|_| ConfigError::PeriodTooLong)?;
    if period == 0 {
        return Err(ConfigError::ZeroPeriod);
    }
    Ok(period)
}
