//! The model token bucket: the definition, written as plainly as possible.
//!
//! Tokens are counted in *credits*: one token is `period_ns` credits, and every nanosecond adds
//! `rate.tokens` credits, so every quantity is an integer and nothing is ever rounded. The bucket
//! holds at most `capacity × period_ns` credits and starts full.

use std::time::Duration;

use kata_core::token_bucket::{AcquireError, Rate};

/// The exact token bucket, driven by explicit times.
#[derive(Debug, Clone)]
pub struct ModelBucket {
    capacity: u64,
    per_ns: u128,
    token: u128,
    credits: u128,
    last: u64,
}

impl ModelBucket {
    /// A full bucket at time `now`. The rate must be valid (non-zero, period fits `u64` ns).
    pub fn new(capacity: u64, rate: Rate, now: u64) -> ModelBucket {
        let token = rate.period.as_nanos();
        ModelBucket {
            capacity,
            per_ns: u128::from(rate.tokens),
            token,
            credits: u128::from(capacity) * token,
            last: now,
        }
    }

    fn refill(&mut self, now: u64) {
        if now > self.last {
            let added = u128::from(now - self.last) * self.per_ns;
            self.credits = self
                .credits
                .saturating_add(added)
                .min(u128::from(self.capacity) * self.token);
            self.last = now;
        }
    }

    /// `try_acquire(n)` at time `now`.
    pub fn try_acquire(&mut self, n: u64, now: u64) -> Result<(), AcquireError> {
        if n == 0 {
            return Ok(());
        }
        if n > self.capacity {
            return Err(AcquireError::ExceedsCapacity {
                requested: n,
                capacity: self.capacity,
            });
        }
        self.refill(now);
        let need = u128::from(n) * self.token;
        if self.credits >= need {
            self.credits -= need;
            Ok(())
        } else {
            let wait = (need - self.credits).div_ceil(self.per_ns);
            Err(AcquireError::Insufficient {
                retry_after: Duration::from_nanos(u64::try_from(wait).unwrap_or(u64::MAX)),
            })
        }
    }

    /// `available()` at time `now`.
    pub fn available(&mut self, now: u64) -> u64 {
        self.refill(now);
        (self.credits / self.token) as u64
    }
}
